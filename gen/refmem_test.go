package gen_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/gen/internal/rewrite"
)

// refHeavyCSS returns a style sheet of about size bytes made of url()
// references only, to ten images: the worst case for memory per input
// byte, one reference per 17 bytes.
func refHeavyCSS(size int) ([]byte, int) {
	var b strings.Builder
	b.Grow(size + 64)
	n := 0
	for b.Len() < size {
		fmt.Fprintf(&b, "a{b:url(../i/%d.png)}\n", n%10)
		n++
	}
	return []byte(b.String()), n
}

// peakHeap runs f and returns the most heap it held at once above what
// was live before, sampled every millisecond.
func peakHeap(f func()) uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	base := s[0].Value.Uint64()
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak.Load() - min(base, peak.Load())
}

// BenchmarkRefHeavyCSS reports the peak heap, above the start, of finding
// the references of one 50 MB style sheet with 3 million url()s
// (rewrite.Find), and of generating a package from it, in MB and as a
// multiple of the input:
//
//	go test ./gen -run '^$' -bench RefHeavyCSS -benchtime 1x
func BenchmarkRefHeavyCSS(b *testing.B) {
	css, refs := refHeavyCSS(50 << 20)
	b.Run("Find", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(css)))
		var peak uint64
		for b.Loop() {
			peak = max(peak, peakHeap(func() {
				found, _, _ := rewrite.Find(rewrite.CSS, css)
				if len(found) != refs {
					b.Fatalf("found %d references, want %d", len(found), refs)
				}
			}))
		}
		reportPeak(b, peak, len(css), refs)
	})
	b.Run("Generate", func(b *testing.B) {
		dir := b.TempDir()
		os.MkdirAll(filepath.Join(dir, "static", "c"), 0o755)
		os.MkdirAll(filepath.Join(dir, "static", "i"), 0o755)
		os.WriteFile(filepath.Join(dir, "static", "c", "big.css"), css, 0o644)
		for i := range 10 {
			os.WriteFile(filepath.Join(dir, "static", "i", fmt.Sprintf("%d.png", i)), []byte{byte(i)}, 0o644)
		}
		os.WriteFile(filepath.Join(dir, "doc.go"), []byte("package assets\n"), 0o644)
		cfg := gen.Config{Settings: gen.Settings{Dirs: []string{filepath.Join(dir, "static")}, NoCompress: true}, OutDir: dir, Package: "assets"}
		b.ReportAllocs()
		b.SetBytes(int64(len(css)))
		var peak uint64
		for b.Loop() {
			os.RemoveAll(filepath.Join(dir, gen.OwnedDir))
			os.Remove(filepath.Join(dir, gen.DefaultFileName))
			os.Remove(filepath.Join(dir, gen.DefaultManifest))
			peak = max(peak, peakHeap(func() {
				res, err := gen.Generate(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				if res.Rewritten != refs {
					b.Fatalf("rewrote %d references, want %d", res.Rewritten, refs)
				}
			}))
		}
		reportPeak(b, peak, len(css), refs)
	})
}

func reportPeak(b *testing.B, peak uint64, input, refs int) {
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(peak)/float64(input), "peak/input")
	b.ReportMetric(float64(peak)/float64(refs), "peak-B/ref")
}
