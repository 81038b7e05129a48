package collect

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/progress"
	"github.com/assetgen/assetgen/internal/testenv"
)

func loadExample(t *testing.T) *assetpkg.Package {
	t.Helper()
	p, err := assetpkg.Load(filepath.Join(testenv.RepoRoot(t), "example"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tree lists the files under dir, state file included.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	return names
}

func TestCollect(t *testing.T) {
	p := loadExample(t)
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := Collect(context.Background(), p, Options{Dir: dir, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	objs := p.Objects(false)
	if res.Written != len(objs) || res.Unchanged != 0 {
		t.Fatalf("first collect: %+v, want %d written", res, len(objs))
	}
	for _, o := range objs {
		want, _ := p.Read(o)
		got, err := os.ReadFile(filepath.Join(dir, o.Name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: not the package's bytes (%v)", o.Name, err)
		}
	}
	names := tree(t, dir)
	for _, want := range []string{"css/base.fd48ff163810.css", "css/base.fd48ff163810.css.br", "css/base.fd48ff163810.css.gz", "css/base.fd48ff163810.css.zst", StateFile} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s in %v", want, names)
		}
	}
	if slices.Contains(names, "css/base.css") {
		t.Error("logical name written without Unhashed")
	}

	t.Run("Unchanged", func(t *testing.T) {
		before := modTimes(t, dir)
		res, err := Collect(context.Background(), p, Options{Dir: dir, Now: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Written != 0 || res.Unchanged != len(objs) {
			t.Errorf("re-collect: %+v, want nothing written", res)
		}
		after := modTimes(t, dir)
		delete(before, StateFile)
		delete(after, StateFile)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("files touched by an unchanged collect:\n%s", diff)
		}
	})

	t.Run("ChangedFileRewritten", func(t *testing.T) {
		name := filepath.Join(dir, "js/app.448b3c2281f2.js")
		os.WriteFile(name, []byte("tampered"), 0o644)
		res, err := Collect(context.Background(), p, Options{Dir: dir, Now: t0.Add(2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Written != 1 {
			t.Errorf("%+v, want 1 written", res)
		}
		if b, _ := os.ReadFile(name); string(b) == "tampered" {
			t.Error("changed file not rewritten")
		}
	})

	t.Run("Prune", func(t *testing.T) {
		// A file of an earlier version, recorded as last collected at
		// t0+2h; one that collect never wrote.
		st, err := readState(dir)
		if err != nil {
			t.Fatal(err)
		}
		st.Files["css/old.0123456789ab.css"] = t0.Add(2 * time.Hour)
		if err := writeState(dir, st); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "css/old.0123456789ab.css"), []byte("old"), 0o644)
		os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("not collect's"), 0o644)

		// Within the grace period (a day after it was last named): kept.
		res, err := Collect(context.Background(), p, Options{Dir: dir, Now: t0.Add(26 * time.Hour), PruneOlderThan: 48 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if res.Pruned != 0 || !exists(dir, "css/old.0123456789ab.css") {
			t.Fatalf("pruned within the grace period: %+v", res)
		}
		// Without -prune-older-than: kept, however old.
		if res, _ := Collect(context.Background(), p, Options{Dir: dir, Now: t0.Add(1000 * time.Hour)}); res.Pruned != 0 {
			t.Fatalf("pruned without PruneOlderThan: %+v", res)
		}
		// Past it: removed; the current files and the stranger stay.
		res, err = Collect(context.Background(), p, Options{Dir: dir, Now: t0.Add(51 * time.Hour), PruneOlderThan: 48 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if res.Pruned != 1 || exists(dir, "css/old.0123456789ab.css") {
			t.Fatalf("not pruned after the grace period: %+v", res)
		}
		if !exists(dir, "mine.txt") || !exists(dir, "css/base.fd48ff163810.css") {
			t.Error("prune removed a file it should keep")
		}
	})
}

// TestCollectProgress checks that the last report counts every object
// and byte, and that none comes after Collect returns.
func TestCollectProgress(t *testing.T) {
	p := loadExample(t)
	objs := p.Objects(false)
	var size int64
	for _, o := range objs {
		size += o.Size
	}
	var last progress.Snapshot
	returned := false
	_, err := Collect(context.Background(), p, Options{Dir: t.TempDir(), Progress: func(s progress.Snapshot) {
		if returned {
			t.Error("Progress called after Collect returned")
		}
		last = s
	}})
	returned = true
	if err != nil {
		t.Fatal(err)
	}
	want := progress.Snapshot{Phase: "collecting", Files: len(objs), TotalFiles: len(objs), Bytes: size, TotalBytes: size, Elapsed: last.Elapsed}
	if last != want {
		t.Errorf("last report %+v, want %+v", last, want)
	}
}

func TestCollectUnhashed(t *testing.T) {
	p := loadExample(t)
	dir := t.TempDir()
	if _, err := Collect(context.Background(), p, Options{Dir: dir, Unhashed: true}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"css/base.css", "css/base.css.br", "css/base.fd48ff163810.css", "robots.txt", "robots.16ceb5ee3e0d.txt"} {
		if !exists(dir, name) {
			t.Errorf("no %s", name)
		}
	}
}

// TestCollectStaleSource: a source edited since go generate, embedded in
// place or served from its rewritten copy, stops collect before it
// writes anything, naming the file and the fix.
func TestCollectStaleSource(t *testing.T) {
	for _, tt := range []struct{ name, file, want string }{
		{"Embedded", "static/js/app.js", "static/js/app.js: changed since go generate; run go generate ."},
		{"RewrittenCopy", "static/css/base.css", "static/css/base.css: changed since go generate; run go generate ."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := testenv.CopyDir(t, filepath.Join(testenv.RepoRoot(t), "example"))
			t.Chdir(dir)
			if err := os.WriteFile(tt.file, []byte("changed\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := assetpkg.Load(".")
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Load: %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestNginxQuote(t *testing.T) {
	for in, want := range map[string]string{
		`/static/a b.css`: `"/static/a b.css"`,
		`/static/a"b`:     `"/static/a\"b"`,
		`/static/a\b`:     `"/static/a\\b"`,
		`/static/$x`:      `"/static/$x"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
	p := loadExample(t)
	if _, err := Nginx(p, NginxOptions{Root: "/srv/$www", Mount: "/static/"}); err == nil {
		t.Error("root with $ accepted")
	}
	if _, err := Nginx(p, NginxOptions{Root: "/srv/www", Mount: "static"}); err == nil {
		t.Error("relative mount accepted")
	}
}

func modTimes(t *testing.T, dir string) map[string]time.Time {
	m := map[string]time.Time{}
	for _, name := range tree(t, dir) {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		m[name] = fi.ModTime()
	}
	return m
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
	return err == nil
}
