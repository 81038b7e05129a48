package dev_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/runtime"
)

// benchSite attaches a Set to a tree in two directories, the first
// empty, so that every lookup stats both, and returns the handler and
// the set.
func benchSite(b *testing.B, files map[string]string) (http.Handler, *runtime.Set) {
	h, set, _ := benchSiteDir(b, files)
	return h, set
}

func benchSiteDir(b *testing.B, files map[string]string) (http.Handler, *runtime.Set, string) {
	dir := b.TempDir()
	writeTree(b, dir, files)
	os.MkdirAll(filepath.Join(dir, "first"), 0o755)
	set := runtime.New(fstest.MapFS{}, "/static/", nil)
	src, err := dev.Attach(set, dev.Config{Root: dir, Settings: dev.Settings{Dirs: []string{"first", "second"}}, Logf: b.Logf})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { src.Close() })
	return set.Handler(), set, dir
}

func serve(b *testing.B, h http.Handler, target string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	if rec.Code != 200 {
		b.Fatalf("GET %s: %d", target, rec.Code)
	}
}

// BenchmarkUnchanged is a request for an unchanged file: stats only. A
// style sheet also checks the files it references.
func BenchmarkUnchanged(b *testing.B) {
	for _, p := range []string{"img/bg.png", "css/app.css"} {
		b.Run(p, func(b *testing.B) {
			h, set := benchSite(b, baseTree)
			u, _ := set.URL(p)
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h, u)
			}
		})
	}
}

// BenchmarkURL is Asset.URL in development mode for an unchanged file.
func BenchmarkURL(b *testing.B) {
	_, set := benchSite(b, baseTree)
	a, _ := set.Lookup("css/app.css")
	b.ReportAllocs()
	for b.Loop() {
		_ = a.URL()
	}
}

// BenchmarkChanged is a request after the file changed on disk: it is
// read, its references found and rewritten, and it is hashed and named
// again, as are the files that reference it.
func BenchmarkChanged(b *testing.B) {
	for _, p := range []string{"img/bg.png", "css/app.css"} {
		b.Run(p, func(b *testing.B) {
			h, set, dir := benchSiteDir(b, baseTree)
			full := filepath.Join(dir, "second", filepath.FromSlash(p))
			orig, err := os.ReadFile(full)
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now().Add(-time.Hour)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				data := append(orig, fmt.Sprintf("/*%d*/", i%2)...)
				os.WriteFile(full, data, 0o644)
				t := t0.Add(time.Duration(i) * time.Second)
				os.Chtimes(full, t, t)
				b.StartTimer()
				u, _ := set.URL(p)
				serve(b, h, u)
			}
		})
	}
}

// BenchmarkTreeSize requests one unchanged file from trees of 10 and
// 10,000 files: the cost per request does not depend on the tree.
func BenchmarkTreeSize(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			files := map[string]string{"second/css/app.css": "body { background: url(../img/f0.png); }\n"}
			for i := range n - 1 {
				files[fmt.Sprintf("second/img/d%d/f%d.png", i%100, i)] = fmt.Sprint(i)
			}
			files["second/img/f0.png"] = "png"
			h, set := benchSite(b, files)
			u, _ := set.URL("css/app.css")
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h, u)
			}
		})
	}
}
