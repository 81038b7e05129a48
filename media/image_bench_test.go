package media_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/assetgen/assetgen/internal/imagetest"
	"github.com/assetgen/assetgen/media"
)

// BenchmarkImages serves a 640-wide variant of a 12-megapixel phone photo
// from a local store: made on the first request (MakeVariant12MP: read
// the source, decode, resample, encode, store, serve; peak-MB is the most
// heap one request took), then read back (Variant), against the same bytes
// saved as a plain file and served by the same handler (Plain) and by
// http.FileServer (FileServer).
//
//	go test ./media -run '^$' -bench Images -benchtime 20x
func BenchmarkImages(b *testing.B) {
	dir := b.TempDir()
	s, err := media.Open(b.Context(), dir, media.Images(media.ImageOptions{}))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	photo := imagetest.PhotoLike(b, 4032, 3024)
	name, err := s.Save(b.Context(), "photo.jpg", bytes.NewReader(photo))
	if err != nil {
		b.Fatal(err)
	}
	serve := func(b *testing.B, h http.Handler, target string) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if w.Code != 200 {
			b.Fatalf("GET %s: %d", target, w.Code)
		}
		return w.Body.Len()
	}

	b.Run("MakeVariant12MP", func(b *testing.B) {
		b.SetBytes(int64(len(photo)))
		b.ReportAllocs()
		var peak uint64
		for b.Loop() {
			// A new source each time (its ETag changes), so that each
			// request makes its variant.
			b.StopTimer()
			if err := s.Delete(b.Context(), name); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Save(b.Context(), "photo.jpg", bytes.NewReader(photo)); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			h := startHeapPeak()
			b.StartTimer()
			serve(b, s.Handler(), s.ImageURL(name, 640))
			b.StopTimer()
			peak = max(peak, h.Stop())
			b.StartTimer()
		}
		b.ReportMetric(float64(peak)/1e6, "peak-MB")
	})

	u := s.ImageURL(name, 640)
	size := serve(b, s.Handler(), u)
	variant := httptest.NewRecorder()
	s.Handler().ServeHTTP(variant, httptest.NewRequest("GET", u, nil))
	plain, err := s.Save(b.Context(), "variant.jpg", bytes.NewReader(variant.Body.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d-byte photo, %d-byte variant", len(photo), size)
	for _, bb := range []struct {
		name   string
		h      http.Handler
		target string
	}{
		{"Variant", s.Handler(), u},
		{"Plain", s.Handler(), "/media/" + plain},
		{"FileServer", http.StripPrefix("/media/", http.FileServer(http.Dir(filepath.Clean(dir)))), "/media/" + plain},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				serve(b, bb.h, bb.target)
			}
		})
	}
}
