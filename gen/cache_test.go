package gen

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCacheRoundTrip(t *testing.T) {
	m := map[string]cacheEntry{
		"/a/b.css": {Key: statKey{Size: 3, MTime: 42}, Sum: [32]byte{1, 2, 3}, Size: 3, ContentType: "text/css; charset=utf-8"},
		"/a/c d":   {Key: statKey{Size: 0, MTime: -1}, Size: 0, ContentType: ""},
	}
	got, err := decodeCache(encodeCache(m))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range [][]byte{nil, []byte("junk"), encodeCache(m)[:len(cacheMagic)+5]} {
		if _, err := decodeCache(bad); err == nil {
			t.Errorf("decodeCache(%q) accepted damage", bad)
		}
	}
}

// FuzzDecodeCache checks that a damaged cache file is an error, never a
// panic, and that whatever decodes encodes back to the same entries.
func FuzzDecodeCache(f *testing.F) {
	f.Add(encodeCache(map[string]cacheEntry{"/x": {Size: 1, ContentType: "a"}}))
	f.Add([]byte(cacheMagic))
	f.Add([]byte(cacheMagic + "\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeCache(data)
		if err != nil {
			return
		}
		again, err := decodeCache(encodeCache(m))
		if err != nil || !cmp.Equal(m, again) {
			t.Fatalf("re-encoding changed the entries: %v", err)
		}
	})
}

// TestCacheSeesRewrite rewrites a file with the same size and puts its
// modification time back, as tar or touch -d would: the hash must change.
func TestCacheSeesRewrite(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	file := filepath.Join(static, "a.css")
	old := time.Now().Add(-time.Hour)
	os.WriteFile(file, []byte("aaaa"), 0o644)
	os.Chtimes(file, old, old)
	cfg := Config{Dirs: []string{static}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}

	// The change time is now; wait it out so the entry is stored.
	time.Sleep(racyWindow + 100*time.Millisecond)
	first := generateSum(t, cfg)
	if res, _ := Generate(context.Background(), cfg); res.Hashed != 0 {
		t.Fatalf("unchanged run hashed %d files; the cache was not used", res.Hashed)
	}
	os.WriteFile(file, []byte("bbbb"), 0o644)
	os.Chtimes(file, old, old)
	if second := generateSum(t, cfg); second == first {
		t.Fatalf("same integrity %s after rewriting the file: stale cache entry used", first)
	}
}

func generateSum(t *testing.T, cfg Config) string {
	t.Helper()
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, DefaultManifest))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOutputRecord checks the skip for unchanged outputs: once recorded, a
// run reads nothing, and a hand edit that keeps the size is still undone.
func TestOutputRecord(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	os.WriteFile(filepath.Join(static, "a.css"), []byte("a{}"), 0o644)
	cfg := Config{Dirs: []string{static}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	gen := filepath.Join(dir, DefaultFileName)
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(gen)
	time.Sleep(racyWindow + 100*time.Millisecond)
	if _, err := Generate(context.Background(), cfg); err != nil { // verifies and records
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.CacheDir, "render-v1")); err != nil {
		t.Fatal(err)
	}
	// Same size, one byte changed.
	edited := append([]byte(nil), want...)
	edited[len(edited)-2] ^= 1
	os.WriteFile(gen, edited, 0o644)
	res, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(gen); string(got) != string(want) {
		t.Errorf("hand edit survived a run; written %v", res.Written)
	}
}

// TestTreeRecord checks the early stop over an unchanged tree, and that a
// same-size rewrite of a source with its old modification time still
// regenerates.
func TestTreeRecord(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	src := filepath.Join(static, "a.css")
	old := time.Now().Add(-time.Hour)
	os.WriteFile(src, []byte("a{}"), 0o644)
	os.Chtimes(src, old, old)
	warn := filepath.Join(static, "w.css")
	os.WriteFile(warn, []byte("/* assetgen:allow-missing /api/* */ .w { background: url(/api/x.png) }"), 0o644)
	os.Chtimes(warn, old, old)
	// An empty directory adds a warning of the walk's own, which the
	// early stop must replay once, like the others.
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	cfg := Config{Dirs: []string{static, empty}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	run := func() *Result {
		t.Helper()
		res, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	run()
	time.Sleep(racyWindow + 100*time.Millisecond)
	run() // records the outputs
	run() // records the tree
	if _, err := os.Stat(filepath.Join(cfg.CacheDir, "render-v1")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, DefaultManifest))
	// Without the hash cache, only the early stop avoids hashing.
	if err := os.RemoveAll(filepath.Join(cfg.CacheDir, "hash-v1")); err != nil {
		t.Fatal(err)
	}
	if res := run(); res.Files != 2 || res.Bytes != 73 || len(res.Written) != 0 || res.Hashed != 0 || len(res.Warnings) != 2 {
		t.Fatalf("unchanged run: %+v", res)
	}
	os.WriteFile(src, []byte("b{}"), 0o644)
	os.Chtimes(src, old, old)
	run()
	if after, _ := os.ReadFile(filepath.Join(dir, DefaultManifest)); string(after) == string(before) {
		t.Fatal("manifest unchanged after a same-size rewrite of a source")
	}
}

func TestErrorQuotesControlCharacters(t *testing.T) {
	e := &Error{File: "static/new\nline.css", Msg: "bad name"}
	if got, want := e.Error(), `"static/new\nline.css": bad name`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{File: "static/a.css", Line: 3, Col: 7, Msg: "x"}
	if got, want := e.Error(), "static/a.css:3:7: x"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestGlobEscape(t *testing.T) {
	for _, p := range []string{"assets/index-BkJ3Ld9x.js", "pages/[slug].js", `a\b*?.js`} {
		if ok, err := path.Match(globEscape(p), p); !ok || err != nil {
			t.Errorf("globEscape(%q) = %q does not match itself: %v", p, globEscape(p), err)
		}
		if ok, _ := path.Match(globEscape(p), p+"x"); ok {
			t.Errorf("globEscape(%q) matches more than itself", p)
		}
	}
}
