package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob"
	"gocloud.dev/gcerrors"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/assetpkg"
)

// store is a bucket a test publishes to, opened afresh by URL as the
// command does.
type store struct {
	name string
	url  func(t *testing.T) string
	// stop and start the server for a moment, nil for stores without one
	stop, start func()
}

func fileStore() store {
	return store{name: "file", url: func(t *testing.T) string { return "file://" + filepath.ToSlash(t.TempDir()) }}
}

// source is a small site: a stylesheet that references an image, a
// script, a font-like binary and robots.txt, each big enough to be
// precompressed where its type allows.
func source(version string) map[string]string {
	pad := strings.Repeat("/* padding that compresses well */\n", 40)
	return map[string]string{
		"css/site.css": "body { background: url(../img/bg.svg) }\n" + pad,
		"img/bg.svg":   `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#eee"/></svg>` + "\n<!--" + strings.Repeat(" pad", 100) + " -->\n",
		"js/app.js":    "console.log(" + fmt.Sprintf("%q", version) + ");\n" + pad,
		"fonts/x.bin":  strings.Repeat("\x00\x01\x02binary", 50),
		"robots.txt":   "User-agent: *\n",
	}
}

// generate writes files under dir/static and generates the package in dir,
// as go generate would.
func generate(t *testing.T, dir string, files map[string]string) *assetpkg.Package {
	t.Helper()
	os.RemoveAll(filepath.Join(dir, "static"))
	for name, data := range files {
		p := filepath.Join(dir, "static", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{filepath.Join(dir, "static")}}, OutDir: dir, Package: "assets"}); err != nil {
		t.Fatal(err)
	}
	p, err := assetpkg.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func open(t testing.TB, url string) *blob.Bucket {
	t.Helper()
	b, err := blob.OpenBucket(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// fileObjects returns the keys of file logical's objects.
func fileObjects(p *assetpkg.Package, logical string) []string {
	var keys []string
	for _, o := range p.Objects(false) {
		if p.Files[o.File].Path == logical {
			keys = append(keys, o.Name)
		}
	}
	return keys
}

// publishHooked is Publish with a hook called as each object is done,
// with whether it was uploaded, from one goroutine at a time.
func publishHooked(ctx context.Context, b *blob.Bucket, dir string, opts Options, objectDone func(uploaded bool)) (Stats, error) {
	p, err := assetpkg.Load(dir)
	if err != nil {
		return Stats{}, err
	}
	pub := newPublisher(b, opts)
	pub.objectDone = objectDone
	return pub.run(ctx, p)
}

// TestProgress checks that the last report counts every file and byte,
// and that no report comes after Publish returns.
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	p := generate(t, dir, source("v1"))
	var size int64
	for _, o := range p.Objects(false) {
		size += o.Size
	}
	var last Progress
	returned := false
	_, err := Publish(context.Background(), open(t, fileStore().url(t)), dir, Options{Progress: func(pr Progress) {
		if returned {
			t.Error("Progress called after Publish returned")
		}
		last = pr
	}})
	returned = true
	if err != nil {
		t.Fatal(err)
	}
	want := Progress{Files: len(p.Files), TotalFiles: len(p.Files), Bytes: size, TotalBytes: size, Elapsed: last.Elapsed}
	if last != want {
		t.Errorf("last report %+v, want %+v", last, want)
	}
}

func TestPublish(t *testing.T) {
	for _, s := range stores(t) {
		t.Run(s.name, func(t *testing.T) { testPublish(t, s) })
	}
}

func testPublish(t *testing.T, s store) {
	ctx := context.Background()
	dir := t.TempDir()
	p := generate(t, dir, source("v1"))
	url := s.url(t)
	b := open(t, url)
	objs := p.Objects(false)

	st, err := Publish(ctx, b, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != len(p.Files) || st.Objects != len(objs) || st.Uploaded != len(objs) || st.Skipped != 0 {
		t.Fatalf("first publish: %+v; want %d files, %d objects, all uploaded", st, len(p.Files), len(objs))
	}
	if len(objs) <= len(p.Files) {
		t.Fatalf("%d objects for %d files: no variants to test", len(objs), len(p.Files))
	}
	// One read of the manifest (none yet), one list, one upload per
	// object, two manifest writes; no attribute reads for keys the list
	// did not have.
	if st.Requests != 2+len(objs)+2 || st.Written != len(objs)+2 {
		t.Errorf("first publish sent %d requests and wrote %d objects, want %d and %d", st.Requests, st.Written, 2+len(objs)+2, len(objs)+2)
	}

	t.Run("StoredHeaders", func(t *testing.T) {
		checkStored(t, b, p)
		if err := Check(ctx, b, dir); err != nil {
			t.Error(err)
		}
		m, err := newPublisher(b, Options{}).readManifest(ctx, ManifestKey)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Objects) != len(objs) || m.Assets["css/site.css"] == "" {
			t.Errorf("manifest: %d objects, css/site.css → %q", len(m.Objects), m.Assets["css/site.css"])
		}
	})

	t.Run("Again", func(t *testing.T) {
		st, err := Publish(ctx, b, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The manifest vouches for everything: one read, nothing written.
		if st.Uploaded != 0 || st.Skipped != len(objs) || st.Requests != 1 || st.Written != 0 {
			t.Errorf("re-publish: %+v; want 1 request and nothing written", st)
		}
	})

	t.Run("OneFileChanged", func(t *testing.T) {
		old := fileObjects(p, "js/app.js")
		p2 := generate(t, dir, source("v2"))
		changed := fileObjects(p2, "js/app.js")
		st, err := Publish(ctx, b, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Uploaded != len(changed) || st.Skipped != len(objs)-len(changed) {
			t.Errorf("publish after one change: %+v; want %d uploaded (%v)", st, len(changed), changed)
		}
		// The manifest, an attribute read and an upload for each new
		// object, and the manifest's two copies.
		if st.Requests != 1+2*len(changed)+2 || st.Written != len(changed)+2 {
			t.Errorf("publish after one change: %d requests, %d written; want %d and %d", st.Requests, st.Written, 1+2*len(changed)+2, len(changed)+2)
		}
		checkStored(t, b, p2)
		// The old version's objects stay: cached pages point at them.
		for _, k := range old {
			if ok, _ := b.Exists(ctx, k); !ok {
				t.Errorf("%s of the earlier version deleted without prune", k)
			}
		}
		p = p2
	})

	t.Run("CheckFindsMissing", func(t *testing.T) {
		key := fileObjects(p, "css/site.css")[0] // a variant
		saved, _ := b.ReadAll(ctx, key)
		attrs, _ := b.Attributes(ctx, key)
		if err := b.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		err := Check(ctx, b, dir)
		if err == nil || err.Error() != key+" is not in the bucket; run assetgen-publish" {
			t.Errorf("Check with %s deleted: %v", key, err)
		}
		b.WriteAll(ctx, key, saved, &blob.WriterOptions{ContentType: attrs.ContentType, CacheControl: attrs.CacheControl, ContentEncoding: attrs.ContentEncoding, Metadata: attrs.Metadata})
		if err := Check(ctx, b, dir); err != nil {
			t.Error(err)
		}
	})

	t.Run("VerifyPublished", func(t *testing.T) {
		set := p.Set()
		if err := VerifyPublished(ctx, set, url); err != nil {
			t.Fatal(err)
		}
		// A version generated but not published.
		p3 := generate(t, dir, source("v3"))
		key := fileObjects(p3, "js/app.js")[len(fileObjects(p3, "js/app.js"))-1]
		err := VerifyPublished(ctx, p3.Set(), url)
		want := key + " is not in the bucket's manifest (_assetgen/manifest.json); run assetgen-publish"
		if err == nil || err.Error() != want {
			t.Errorf("VerifyPublished of an unpublished version:\n got %v\nwant %s", err, want)
		}
		if _, err := Publish(ctx, b, dir, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := VerifyPublished(ctx, p3.Set(), url); err != nil {
			t.Error(err)
		}
		p = p3
	})

	t.Run("Deep", func(t *testing.T) {
		// An object changed behind publish's back: the manifest still
		// vouches for it, Check finds it, and a deep publish repairs it.
		key := fileObjects(p, "robots.txt")[0]
		saved, _ := b.ReadAll(ctx, key)
		b.WriteAll(ctx, key, saved, &blob.WriterOptions{ContentType: "text/plain", CacheControl: "no-cache"})
		err := Check(ctx, b, dir)
		want := key + ` differs in the bucket (content, Content-Type "text/plain", want "text/plain; charset=utf-8", Cache-Control "no-cache", want "public, max-age=31536000, immutable"); run assetgen-publish`
		if err == nil || err.Error() != want {
			t.Errorf("Check:\n got %v\nwant %s", err, want)
		}
		if st, err := Publish(ctx, b, dir, Options{}); err != nil || st.Uploaded != 0 {
			t.Errorf("publish trusting the manifest: %+v, %v; want nothing uploaded", st, err)
		}
		st, err := Publish(ctx, b, dir, Options{Deep: true})
		if err != nil || st.Uploaded != 1 {
			t.Errorf("deep publish: %+v, %v; want 1 uploaded", st, err)
		}
		if err := Check(ctx, b, dir); err != nil {
			t.Error(err)
		}
	})
}

// checkStored reads every object of p back and compares its bytes and
// stored headers with the package's and its handler's.
func checkStored(t *testing.T, b *blob.Bucket, p *assetpkg.Package) {
	t.Helper()
	ctx := context.Background()
	for _, o := range p.Objects(false) {
		want, err := p.Read(o)
		if err != nil {
			t.Fatal(err)
		}
		h, err := p.Headers(o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.ReadAll(ctx, o.Name)
		if err != nil {
			t.Errorf("%s: %v", o.Name, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s: stored bytes differ", o.Name)
		}
		a, err := b.Attributes(ctx, o.Name)
		if err != nil {
			t.Fatal(err)
		}
		wantCC := "public, max-age=31536000, immutable"
		if a.ContentType != h.Get("Content-Type") || a.CacheControl != wantCC || a.ContentEncoding != o.Coding || a.Metadata["sha256"] != assetpkg.SHA256(want) {
			t.Errorf("%s: stored Content-Type %q, Cache-Control %q, Content-Encoding %q, sha256 %q; want %q, %q, %q, %q",
				o.Name, a.ContentType, a.CacheControl, a.ContentEncoding, a.Metadata["sha256"], h.Get("Content-Type"), wantCC, o.Coding, assetpkg.SHA256(want))
		}
	}
}

// TestPublishKilled stops a publish midway, as a killed process would be,
// and checks that the manifest is not there yet, that no file is in place
// without its variants, and that running again converges.
func TestPublishKilled(t *testing.T) {
	for _, s := range stores(t) {
		t.Run(s.name, func(t *testing.T) {
			dir := t.TempDir()
			p := generate(t, dir, source("v1"))
			b := open(t, s.url(t))
			objs := p.Objects(false)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			const after = 3
			done := 0
			_, err := publishHooked(ctx, b, dir, Options{Parallel: 2}, func(bool) {
				if done++; done == after {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted publish: %v, want context.Canceled", err)
			}
			bg := context.Background()
			if ok, _ := b.Exists(bg, ManifestKey); ok {
				t.Fatal("manifest written by an interrupted publish")
			}
			present := 0
			for i := range p.Files {
				keys := fileObjects(p, p.Files[i].Path)
				identity := keys[len(keys)-1]
				if ok, _ := b.Exists(bg, identity); !ok {
					continue
				}
				for _, k := range keys {
					if ok, _ := b.Exists(bg, k); ok {
						present++
					} else {
						t.Errorf("%s in place without its variant %s", identity, k)
					}
				}
			}

			st, err := Publish(bg, b, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if st.Uploaded == len(objs) || st.Uploaded+st.Skipped != len(objs) {
				t.Errorf("re-run: %+v; want the %d objects the first run did not upload", st, len(objs))
			}
			if err := Check(bg, b, dir); err != nil {
				t.Error(err)
			}
			if st, err := Publish(bg, b, dir, Options{}); err != nil || st.Uploaded != 0 {
				t.Errorf("third run: %+v, %v; want nothing uploaded", st, err)
			}
		})
	}
}

// TestPublishOrder checks that a file goes up after the files it
// references: the image before the stylesheet that names it.
func TestPublishOrder(t *testing.T) {
	p := generate(t, t.TempDir(), source("v1"))
	if p.Refs == nil {
		t.Fatal("no refs read from manifest.json")
	}
	files := make([][]item, len(p.Files))
	for _, o := range p.Objects(false) {
		files[o.File] = append(files[o.File], item{Object: o})
	}
	pos := map[string]int{}
	for n, wave := range waves(p, files) {
		for _, i := range wave {
			pos[p.Files[i].Path] = n
		}
	}
	if pos["img/bg.svg"] >= pos["css/site.css"] {
		t.Errorf("waves %v: img/bg.svg not before css/site.css", pos)
	}
	// Without manifest.json, files that can reference others come last.
	p.Refs = nil
	for _, i := range waves(p, files)[0] {
		if canReference(p.Files[i].ContentType) {
			t.Errorf("%s in the first wave without refs", p.Files[i].Path)
		}
	}
}

// TestPrune publishes two versions and prunes with a grace period: the
// earlier version's objects stay while a manifest within the period names
// them, then go; objects publish did not write are never touched.
func TestPrune(t *testing.T) {
	for _, s := range stores(t) {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			b := open(t, s.url(t))
			t0 := time.Now()
			const grace = 48 * time.Hour

			p1 := generate(t, dir, source("v1"))
			if _, err := Publish(ctx, b, dir, Options{Now: t0}); err != nil {
				t.Fatal(err)
			}
			old := fileObjects(p1, "js/app.js")
			if err := b.WriteAll(ctx, "other/notes.txt", []byte("not publish's"), nil); err != nil {
				t.Fatal(err)
			}

			generate(t, dir, source("v2"))
			st, err := Publish(ctx, b, dir, Options{Now: t0.Add(time.Hour), PruneOlderThan: grace})
			if err != nil {
				t.Fatal(err)
			}
			if st.Pruned != 0 {
				t.Errorf("pruned %d within the grace period", st.Pruned)
			}
			for _, k := range old {
				if ok, _ := b.Exists(ctx, k); !ok {
					t.Errorf("%s pruned within the grace period", k)
				}
			}

			// Uploaded more than the grace period ago, but replaced less
			// than that ago: kept.
			st, err = Publish(ctx, b, dir, Options{Now: t0.Add(grace + 30*time.Minute), PruneOlderThan: grace})
			if err != nil {
				t.Fatal(err)
			}
			if st.Pruned != 0 {
				t.Errorf("pruned %d files replaced within the grace period", st.Pruned)
			}

			// Past the grace period, a dry run reports without deleting.
			later := t0.Add(grace + 3*time.Hour)
			st, err = Publish(ctx, b, dir, Options{Now: later, PruneOlderThan: grace, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if st.Pruned != len(old) {
				t.Errorf("dry run: %d to prune, want %d", st.Pruned, len(old))
			}
			if ok, _ := b.Exists(ctx, old[0]); !ok {
				t.Error("dry run deleted")
			}

			st, err = Publish(ctx, b, dir, Options{Now: later, PruneOlderThan: grace})
			if err != nil {
				t.Fatal(err)
			}
			if st.Pruned != len(old) {
				t.Errorf("pruned %d, want %d (%v)", st.Pruned, len(old), old)
			}
			for _, k := range old {
				if ok, _ := b.Exists(ctx, k); ok {
					t.Errorf("%s kept after the grace period", k)
				}
			}
			if ok, _ := b.Exists(ctx, "other/notes.txt"); !ok {
				t.Error("prune deleted an object publish did not write")
			}
			if err := Check(ctx, b, dir); err != nil {
				t.Errorf("current version damaged by prune: %v", err)
			}
			// The manifests current within the grace period are left:
			// v2's, written at t0+1h; v1's, replaced then, is gone, and
			// the unchanged publishes after v2 wrote none.
			var manifests []string
			iter := b.List(&blob.ListOptions{Prefix: manifestDir})
			for {
				o, err := iter.Next(ctx)
				if err != nil {
					break
				}
				t, _ := historyTime(o.Key)
				manifests = append(manifests, t.Sub(t0.UTC().Truncate(time.Second)).String())
			}
			if want := []string{"1h0m0s"}; !slices.Equal(manifests, want) {
				t.Errorf("manifests left, by time after v1's: %v, want %v", manifests, want)
			}
		})
	}
}

func TestTransient(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if transient(ctx, errors.New("x")) != true {
		t.Error("an unclassified error is not transient")
	}
	if transient(canceled, errors.New("x")) {
		t.Error("an error after cancellation is transient")
	}
	b := open(t, fileStore().url(t))
	_, err := b.Attributes(ctx, "nope")
	if gcerrors.Code(err) != gcerrors.NotFound || transient(ctx, err) {
		t.Errorf("NotFound: %v transient=%v", err, transient(ctx, err))
	}
}

func TestHistoryKey(t *testing.T) {
	at := time.Date(2026, 11, 30, 15, 4, 5, 0, time.UTC)
	key := historyKey(at, []byte("{}"))
	got, ok := historyTime(key)
	if !ok || !got.Equal(at) {
		t.Errorf("historyTime(%q) = %v, %v", key, got, ok)
	}
	for _, bad := range []string{manifestDir + "x.json", manifestDir + "20261130T150405Z-abc.txt", "other"} {
		if _, ok := historyTime(bad); ok {
			t.Errorf("historyTime(%q) ok", bad)
		}
	}
}
