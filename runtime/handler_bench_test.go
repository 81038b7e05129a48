package runtime_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/assetgen/assetgen/internal/handlertest"
	"github.com/assetgen/assetgen/runtime"
)

// discardWriter is a ResponseWriter that keeps one header map, cleared
// between requests as a server does with a fresh one, and counts bytes, so
// that benchmarks measure the handler and not the recorder.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func newDiscardWriter() *discardWriter { return &discardWriter{h: make(http.Header, 16)} }

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	w.status = code
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

func (w *discardWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

var (
	bench1K  = bytes.Repeat([]byte("0123456789abcdef"), 64)               // 1 KiB
	bench30K = bytes.Repeat([]byte("function f(a){return a+1};\n"), 1138) // ~30 KiB
)

func benchSet(b *testing.B) *runtime.Set {
	set, _ := handlertest.Table(b, []handlertest.Asset{
		{Path: "img/dot.png", Hashed: "img/dot.0123456789ab.png", ContentType: "image/png", Content: bench1K},
		{Path: "js/app.js", Hashed: "js/app.0123456789ab.js", ContentType: "text/javascript; charset=utf-8", Content: bench30K, Codings: []string{"br", "gzip"}},
	})
	return set
}

// serveLoop runs h on r until the benchmark ends, checking the status once.
func serveLoop(b *testing.B, h http.Handler, r *http.Request, wantStatus int) {
	b.Helper()
	w := newDiscardWriter()
	h.ServeHTTP(w, r)
	if w.status != wantStatus {
		b.Fatalf("status = %d, want %d", w.status, wantStatus)
	}
	b.ReportAllocs()
	b.SetBytes(int64(w.n))
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, r)
	}
}

func BenchmarkHandler(b *testing.B) {
	set := benchSet(b)
	h := set.Handler()
	const png = "/static/img/dot.0123456789ab.png"
	const js = "/static/js/app.0123456789ab.js"

	b.Run("Hashed1K", func(b *testing.B) {
		serveLoop(b, h, httptest.NewRequest("GET", png, nil), 200)
	})
	b.Run("JS30KBr", func(b *testing.B) {
		r := httptest.NewRequest("GET", js, nil)
		r.Header.Set("Accept-Encoding", "br, gzip")
		serveLoop(b, h, r, 200)
	})
	b.Run("NotModified", func(b *testing.B) {
		r := httptest.NewRequest("GET", png, nil)
		r.Header.Set("If-None-Match", set.Asset(0).ETag())
		serveLoop(b, h, r, 304)
	})
	b.Run("Range", func(b *testing.B) {
		r := httptest.NewRequest("GET", png, nil)
		r.Header.Set("Range", "bytes=100-199")
		serveLoop(b, h, r, 206)
	})
	b.Run("Browser1K", func(b *testing.B) {
		// The fields a browser sends for a subresource.
		r := httptest.NewRequest("GET", png, nil)
		r.Header.Set("Accept", "image/avif,image/webp,image/png,image/*;q=0.8,*/*;q=0.5")
		r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
		r.Header.Set("Accept-Language", "en-GB,en;q=0.9")
		r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0")
		r.Header.Set("Referer", "https://example.com/")
		serveLoop(b, h, r, 200)
	})

	// Bare is the ceiling: the same precomputed header values assigned and
	// the same bytes written, with no lookup, negotiation or checks.
	b.Run("Bare1K", func(b *testing.B) {
		a := set.Asset(0)
		data, err := a.ReadAll()
		if err != nil {
			b.Fatal(err)
		}
		ct, etag, cl := []string{a.ContentType()}, []string{a.ETag()}, []string{strconv.FormatInt(a.Size(), 10)}
		cc, ns, ar := []string{handlertest.Immutable}, []string{"nosniff"}, []string{"bytes"}
		bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h["Content-Type"] = ct
			h["Etag"] = etag
			h["Cache-Control"] = cc
			h["X-Content-Type-Options"] = ns
			h["Accept-Ranges"] = ar
			h["Content-Length"] = cl
			w.WriteHeader(http.StatusOK)
			w.Write(data)
		})
		serveLoop(b, bare, httptest.NewRequest("GET", png, nil), 200)
	})

	// FileServerFS is net/http's file server over the same bytes.
	b.Run("FileServerFS1K", func(b *testing.B) {
		fsys := fstest.MapFS{"img/dot.0123456789ab.png": {Data: bench1K}}
		fsrv := http.StripPrefix("/static/", http.FileServerFS(fsys))
		serveLoop(b, fsrv, httptest.NewRequest("GET", png, nil), 200)
	})
	b.Run("FileServerFSRange", func(b *testing.B) {
		fsys := fstest.MapFS{"img/dot.0123456789ab.png": {Data: bench1K}}
		fsrv := http.StripPrefix("/static/", http.FileServerFS(fsys))
		r := httptest.NewRequest("GET", png, nil)
		r.Header.Set("Range", "bytes=100-199")
		serveLoop(b, fsrv, r, 206)
	})
}
