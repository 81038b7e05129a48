package imageproc

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/assetgen/assetgen/internal/imagetest"
)

// BenchmarkResize12MP makes a 640-wide variant of a 12-megapixel phone
// photo, reporting the peak heap it takes (peak-MB) besides the bytes it
// allocates.
func BenchmarkResize12MP(b *testing.B) {
	src := imagetest.PhotoLike(b, 4032, 3024)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	peak := heapPeak(b)
	for b.Loop() {
		peak.start()
		if _, err := Resize(src, 640, Options{}); err != nil {
			b.Fatal(err)
		}
		peak.stop()
	}
	peak.report()
}

// BenchmarkVariants12MP makes the four default widths (1920, 1280, 640,
// 320) of the same photo from one decode, as a page's srcset or
// ImageOptions.Eager has them made.
//
//	go test ./media/internal/imageproc -run '^$' -bench Variants12MP -benchtime 10x
func BenchmarkVariants12MP(b *testing.B) {
	src := imagetest.PhotoLike(b, 4032, 3024)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	peak := heapPeak(b)
	for b.Loop() {
		peak.start()
		if _, vs, err := variants(src, []int{1920, 1280, 640, 320}, Options{}); err != nil || len(vs) != 4 {
			b.Fatal(err)
		}
		peak.stop()
	}
	peak.report()
}

// BenchmarkStrip12MP re-encodes the same photo at full size, as
// StripOriginal does at upload.
func BenchmarkStrip12MP(b *testing.B) {
	src := imagetest.PhotoLike(b, 4032, 3024)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	peak := heapPeak(b)
	for b.Loop() {
		peak.start()
		if _, err := Strip(src, Options{}); err != nil {
			b.Fatal(err)
		}
		peak.stop()
	}
	peak.report()
}

// BenchmarkProbe reads the header of the same photo, which is what
// deciding to serve the source costs.
func BenchmarkProbe(b *testing.B) {
	src := imagetest.PhotoLike(b, 4032, 3024)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Probe(bytes.NewReader(src), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// peakHeap measures the most heap one operation takes: start collects
// garbage (with the timer stopped) and samples the heap every 100µs until
// stop; report gives the highest rise above the heap at a start, in MB
// (peak-MB). The heap counted is live objects and garbage not yet
// collected, which is what the process must hold.
type peakHeap struct {
	b       *testing.B
	sample  []metrics.Sample
	base    uint64
	max     uint64 // highest rise over all operations
	done    chan struct{}
	stopped sync.WaitGroup
}

func heapPeak(b *testing.B) *peakHeap {
	return &peakHeap{b: b, sample: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
}

func (p *peakHeap) read() uint64 {
	metrics.Read(p.sample)
	return p.sample[0].Value.Uint64()
}

func (p *peakHeap) start() {
	p.b.StopTimer()
	runtime.GC()
	p.base = p.read()
	p.done = make(chan struct{})
	p.stopped.Go(func() {
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			if v := p.read(); v > p.base && v-p.base > p.max {
				p.max = v - p.base
			}
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	})
	p.b.StartTimer()
}

func (p *peakHeap) stop() {
	p.b.StopTimer()
	close(p.done)
	p.stopped.Wait()
	p.b.StartTimer()
}

func (p *peakHeap) report() { p.b.ReportMetric(float64(p.max)/1e6, "peak-MB") }
