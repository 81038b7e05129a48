package media_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// BenchmarkGallery is a page of 24 new 12-megapixel photos, each asked
// for at 320, 640 and 1280 at once (72 requests, what a srcset gallery
// causes), on a local store with Workers 2: every answer must be 200, or
// 503 with Retry-After and then 200. It reports the peak heap while the
// page loads (peak-heap-MB) and the process's peak resident set so far
// (peak-RSS-MB, VmHWM: the whole test binary's, photos included). The
// photos are one photo with a different comment each, so that each is a
// new source that costs a full decode.
//
//	go test ./media -run '^$' -bench Gallery -benchtime 1x
func BenchmarkGallery(b *testing.B) {
	photo := imagetest.PhotoLike(b, 4032, 3024)
	b.ReportAllocs()
	var retried atomic.Int64
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		s, err := media.Open(b.Context(), b.TempDir(), media.Images(media.ImageOptions{Workers: 2}))
		if err != nil {
			b.Fatal(err)
		}
		var names []string
		for i := range 24 {
			src := imagetest.WithSegments(photo, imagetest.Segment(0xfe, []byte(fmt.Sprint("photo ", i))))
			name, err := s.Save(b.Context(), "photo.jpg", bytes.NewReader(src))
			if err != nil {
				b.Fatal(err)
			}
			names = append(names, name)
		}
		srv := httptest.NewServer(s.Handler())
		runtime.GC()
		h := startHeapPeak()
		b.StartTimer()
		var wg sync.WaitGroup
		for _, name := range names {
			for _, w := range []string{"320", "640", "1280"} {
				wg.Go(func() {
					for {
						resp, err := http.Get(srv.URL + "/media/" + name + "?w=" + w)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode == 200 {
							return
						}
						if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
							b.Errorf("?w=%s: %d", w, resp.StatusCode)
							return
						}
						retried.Add(1)
						time.Sleep(time.Second)
					}
				})
			}
		}
		wg.Wait()
		b.StopTimer()
		peak = max(peak, h.Stop())
		srv.Close()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(vmHWM())/1024, "peak-RSS-MB")
	b.ReportMetric(float64(retried.Load())/float64(b.N), "503s/op")
}

// vmHWM is this process's peak resident set in KB, 0 where /proc has none.
func vmHWM() int {
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}
