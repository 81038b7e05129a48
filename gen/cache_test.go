package gen

import (
	"context"
	"os"
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
