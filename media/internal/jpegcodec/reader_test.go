package jpegcodec

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/assetgen/assetgen/internal/imagetest"
)

// minPSNR is the least peak signal-to-noise ratio, in dB, that each
// plane (Y, Cb and Cr, or grey) of a decode at 4/8, 2/8 or 1/8 must
// reach against the same plane of image/jpeg's full decode averaged over
// each 2 × 2, 4 × 4 or 8 × 8 box. Above 30 dB the two are hard to tell
// apart. (The reduced IDCT is that box average but for rounding and
// clamping; the standard library's small, detailed test images at
// quality 50 give 36 to 56 dB.)
const minPSNR = 30

// minPSNRFuzzed is minPSNR for what the fuzzer makes: a changed
// quantization table or coefficient drives samples past 0 or 255, and a
// box of clamped samples is not the clamped box (one such mutation of a
// test image gives 26.5 dB). It bounds gross errors.
const minPSNRFuzzed = 20

// minPSNRConverted is minPSNR for RGB and CMYK files, compared over R, G
// and B after conversion: subsampled channels are widened to full size
// before the box and after the reduced decode, which is further from a
// box than the planes are (the RGB test file, 4:2:0, gives 19.7 dB at
// 1/8, and Pillow's decoder 40.2, as its upsampling smooths). Such files
// are rare; this bounds gross errors.
const minPSNRConverted = 18

// inputs are the standard library's JPEG test images: every chroma
// subsampling, progressive and baseline, restart markers, grey, RGB and
// CMYK.
func inputs(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/*.jpeg")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test images: %v", err)
	}
	m := make(map[string][]byte)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(f)] = b
	}
	return m
}

// rgba converts m to RGBA, the common ground of Gray, YCbCr and CMYK.
func rgba(m image.Image) *image.RGBA {
	dst := image.NewRGBA(m.Bounds())
	draw.Draw(dst, dst.Bounds(), m, m.Bounds().Min, draw.Src)
	return dst
}

// box averages m over boxes of n × n pixels, a box cut short by the edge
// averaging what it holds.
func box(m *image.RGBA, n int) *image.RGBA {
	b := m.Bounds()
	w, h := ScaledSize(b.Dx(), b.Dy(), 8/n)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var sum [4]int
			count := 0
			for yy := y * n; yy < min(y*n+n, b.Dy()); yy++ {
				for xx := x * n; xx < min(x*n+n, b.Dx()); xx++ {
					i := m.PixOffset(xx, yy)
					for c := range 4 {
						sum[c] += int(m.Pix[i+c])
					}
					count++
				}
			}
			i := dst.PixOffset(x, y)
			for c := range 4 {
				dst.Pix[i+c] = uint8((sum[c] + count/2) / count)
			}
		}
	}
	return dst
}

// planes returns the grey planes of a YCbCr or Gray image, none for others.
func planes(m image.Image) []*image.Gray {
	switch m := m.(type) {
	case *image.Gray:
		return []*image.Gray{m}
	case *image.YCbCr:
		c := m.COffset(m.Rect.Max.X-1, m.Rect.Max.Y-1) / m.CStride
		cw := m.COffset(m.Rect.Max.X-1, 0) + 1
		cr := image.Rect(0, 0, cw, c+1)
		return []*image.Gray{
			{Pix: m.Y, Stride: m.YStride, Rect: m.Rect},
			{Pix: m.Cb, Stride: m.CStride, Rect: cr},
			{Pix: m.Cr, Stride: m.CStride, Rect: cr},
		}
	}
	return nil
}

// saturated reports whether more than 1% of a plane's pixels are 0 or
// 255: clamped, so that the average of a box of them is not the average
// of the frequencies, which the reduced IDCT gives (and then clamps). A
// photo's planes are not; a fuzzer's mutations make some.
func saturated(p *image.Gray) bool {
	n := 0
	for y := range p.Rect.Dy() {
		for _, v := range p.Pix[y*p.Stride : y*p.Stride+p.Rect.Dx()] {
			if v == 0 || v == 255 {
				n++
			}
		}
	}
	return n*100 > p.Rect.Dx()*p.Rect.Dy()
}

// psnr compares the colour of two images of one size, in dB.
func psnr(a, b *image.RGBA) float64 {
	var se float64
	n := 0
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			i, j := a.PixOffset(x, y), b.PixOffset(x, y)
			for c := range 3 {
				d := float64(a.Pix[i+c]) - float64(b.Pix[j+c])
				se += d * d
				n++
			}
		}
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// check decodes src at every scale and checks it against image/jpeg:
// what it decodes is decoded here too, with the same pixels at 8/8, and
// at least minPSNR at smaller scales.
func check(t *testing.T, src []byte, minDB float64) {
	// Large frames cost time, not coverage: TestDecodePixelLimit checks
	// they are refused. Here they are refused before their pixels are
	// allocated: as ErrTooLarge, or as corrupt where a segment before
	// the frame header is (image/jpeg's DecodeConfig skips the tables
	// that Decode parses).
	if c, err := jpeg.DecodeConfig(bytes.NewReader(src)); err == nil && c.Width*c.Height > maxCheckPixels {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Decode(bytes.NewReader(src), Options{MaxPixels: maxCheckPixels})
		runtime.ReadMemStats(&after)
		var fe FormatError
		var ue UnsupportedError
		if !errors.Is(err, ErrTooLarge) && !errors.As(err, &fe) && !errors.As(err, &ue) {
			t.Fatalf("%d×%d over a limit of %d: %v, want ErrTooLarge or a format error", c.Width, c.Height, maxCheckPixels, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Fatalf("%d×%d over a limit of %d: allocated %d bytes before refusing it", c.Width, c.Height, maxCheckPixels, n)
		}
		return
	}
	compare(t, src, minDB, maxCheckPixels, true)
}

// compare decodes src at every scale, with a limit of maxPixels, and
// compares each with image/jpeg's decoding: the same pixels at 8/8, and
// at least minDB from a box-filtered full decode below it. With rows,
// it also decodes telling Options.Rows and checks what it was told.
func compare(t *testing.T, src []byte, minDB float64, maxPixels int64, rows bool) {
	t.Helper()
	want, wantErr := jpeg.Decode(bytes.NewReader(src))
	for _, scale := range []int{8, 4, 2, 1} {
		got, err := Decode(bytes.NewReader(src), Options{Scale: scale, MaxPixels: maxPixels})
		if errors.Is(err, ErrTooLarge) {
			return
		}
		if err != nil && wantErr == nil {
			t.Fatalf("scale %d: %v; image/jpeg decodes it", scale, err)
		}
		if err != nil || wantErr != nil {
			// The fast Huffman path reads ahead, so a marker in the
			// middle of a scan may be met at another point than
			// image/jpeg meets it, or not at all: corrupt data may
			// decode here that image/jpeg refuses.
			continue
		}
		if rows {
			checkRows(t, src, scale, got)
		}
		b := want.Bounds()
		w, h := ScaledSize(b.Dx(), b.Dy(), scale)
		if gb := got.Bounds(); gb != image.Rect(0, 0, w, h) {
			t.Fatalf("scale %d: bounds %v, want %dx%d", scale, gb, w, h)
		}
		if scale == 8 {
			if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) {
				t.Fatalf("decoded a %T, image/jpeg a %T", got, want)
			}
			if p := psnr(rgba(got), rgba(want)); !math.IsInf(p, 1) {
				t.Fatalf("scale 8: %.1f dB from image/jpeg's pixels, want the same", p)
			}
			continue
		}
		if b.Dx() < 16 || b.Dy() < 16 {
			continue // too few pixels for a fair average
		}
		for i, p := range planes(got) {
			q := planes(want)[i]
			if saturated(q) {
				continue
			}
			if db := psnr(rgba(p), box(rgba(q), 8/scale)); db < minDB {
				t.Errorf("scale %d, plane %d: %.1f dB from a box-filtered full decode, want %g or more", scale, i, db, minDB)
			}
		}
		if _, ok := got.(*image.YCbCr); ok || got.ColorModel() == color.GrayModel || minDB < minPSNR {
			continue // planes checked; fuzzed RGB and CMYK only at 8/8
		}
		if db := psnr(rgba(got), box(rgba(want), 8/scale)); db < minPSNRConverted {
			t.Errorf("scale %d: %.1f dB from a box-filtered full decode, want %d or more", scale, db, minPSNRConverted)
		}
	}
}

// checkRows decodes src at scale with Options.Rows, which want, the
// decode without, says src is: the same pixels, the rows told of as
// final already so when they were, from fewer to all, for the image
// returned.
func checkRows(t *testing.T, src []byte, scale int, want image.Image) {
	t.Helper()
	type told struct {
		n      int
		planes [][]byte // the final rows' bytes of each plane, then
	}
	var calls []told
	var seen image.Image
	got, err := Decode(bytes.NewReader(src), Options{Scale: scale, Rows: func(m image.Image, n int) {
		if seen != nil && m != seen {
			t.Fatalf("scale %d: Rows called with another image", scale)
		}
		seen = m
		c := told{n: n}
		for _, p := range planes(m) {
			h := p.Rect.Dy()
			if n < m.Bounds().Dy() {
				h = n * h / m.Bounds().Dy()
			}
			c.planes = append(c.planes, bytes.Clone(p.Pix[:h*p.Stride]))
		}
		calls = append(calls, c)
	}})
	if err != nil {
		t.Fatalf("scale %d with Rows: %v; without, no error", scale, err)
	}
	if p := psnr(rgba(got), rgba(want)); !math.IsInf(p, 1) {
		t.Fatalf("scale %d with Rows: %.1f dB from the pixels without, want the same", scale, p)
	}
	if len(calls) == 0 {
		return // progressive, a component a scan, RGB or CMYK
	}
	if seen != got {
		t.Fatalf("scale %d: Rows told of another image than Decode returned", scale)
	}
	if last := calls[len(calls)-1].n; last != got.Bounds().Dy() {
		t.Fatalf("scale %d: Rows told of %d rows at last, want all %d", scale, last, got.Bounds().Dy())
	}
	for i, c := range calls {
		if i > 0 && c.n < calls[i-1].n {
			t.Fatalf("scale %d: Rows told of %d rows after %d", scale, c.n, calls[i-1].n)
		}
		for k, p := range planes(got) {
			if !bytes.Equal(c.planes[k], p.Pix[:len(c.planes[k])]) {
				t.Fatalf("scale %d: plane %d's first %d rows changed after Rows told they were final", scale, k, c.n)
			}
		}
	}
}

// maxCheckPixels bounds the images check compares.
const maxCheckPixels = 1 << 16

func TestDecode(t *testing.T) {
	for name, src := range inputs(t) {
		t.Run(name, func(t *testing.T) { check(t, src, minPSNR) })
	}
}

func TestDecodePixelLimit(t *testing.T) {
	src := inputs(t)["video-001.jpeg"] // 150 × 103
	if _, err := Decode(bytes.NewReader(src), Options{MaxPixels: 150*103 - 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one pixel over: %v, want ErrTooLarge", err)
	}
	if _, err := Decode(bytes.NewReader(src), Options{MaxPixels: 150 * 103}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := Decode(bytes.NewReader(src), Options{Scale: 3}); err == nil {
		t.Error("scale 3: no error")
	}
	check(t, oversized(t), minPSNR)
}

// oversized is the noise image of edges with a frame header that says
// 4000 × 3000: its data is far too short for that, but a decoder without
// a pixel limit allocates its planes before it finds out.
func oversized(t testing.TB) []byte {
	src := bytes.Clone(edges(t)["noise"])
	i := bytes.Index(src, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	// FF C0, length (2), precision (1), height (2), width (2)
	copy(src[i+5:], []byte{3000 >> 8, 3000 & 0xff, 4000 >> 8, 4000 & 0xff})
	return src
}

// edges are images for the fast entropy decoder's edges: noise at quality
// 90, whose data holds many stuffed 0xff 0x00 pairs (falling at every
// offset of an eight-byte refill), codes longer than its look-up and
// magnitudes too large for it; and cuts of it, truncated mid-scan.
func edges(t testing.TB) map[string][]byte {
	noise := imagetest.JPEG(t, imagetest.Noise(67, 45))
	m := map[string][]byte{"noise": noise}
	for k := 1; k < 8; k++ {
		m[fmt.Sprintf("noise cut at %d/8", k)] = noise[:len(noise)*k/8]
	}
	return m
}

func TestDecodeEdges(t *testing.T) {
	for name, src := range edges(t) {
		t.Run(name, func(t *testing.T) { check(t, src, minPSNR) })
	}
}

// TestDecodeReaders decodes every image through readers that return a
// byte, or seven, at a time, so that the fast path's eight-byte refills
// meet the end of the buffered bytes everywhere and the slow path
// decodes most symbols: the pixels must be the same as from one buffer.
func TestDecodeReaders(t *testing.T) {
	srcs := inputs(t)
	for name, src := range edges(t) {
		srcs[name] = src
	}
	for name, src := range srcs {
		for _, scale := range []int{8, 2} {
			want, wantErr := Decode(bytes.NewReader(src), Options{Scale: scale})
			for _, r := range []struct {
				name string
				r    io.Reader
			}{
				{"one byte", iotest.OneByteReader(bytes.NewReader(src))},
				{"seven bytes", &shortReader{bytes.NewReader(src), 7}},
			} {
				got, err := Decode(r.r, Options{Scale: scale})
				if (err == nil) != (wantErr == nil) {
					t.Errorf("%s, scale %d, %s at a time: error %v; from one buffer %v", name, scale, r.name, err, wantErr)
					continue
				}
				if err == nil && !math.IsInf(psnr(rgba(got), rgba(want)), 1) {
					t.Errorf("%s, scale %d, %s at a time: not the pixels decoded from one buffer", name, scale, r.name)
				}
			}
		}
	}
}

// shortReader reads at most n bytes at a time.
type shortReader struct {
	r io.Reader
	n int
}

func (s *shortReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), s.n)]) }

// FuzzDecode checks every scale against image/jpeg, as TestDecode does,
// on arbitrary bytes: no panic; what image/jpeg decodes is decoded, with
// the same pixels at 8/8 and minPSNRFuzzed below it.
func FuzzDecode(f *testing.F) {
	for _, src := range inputs(f) {
		f.Add(src)
	}
	for _, src := range edges(f) {
		f.Add(src)
	}
	f.Add(oversized(f))
	f.Fuzz(func(t *testing.T, src []byte) {
		check(t, src, minPSNRFuzzed)
	})
}
