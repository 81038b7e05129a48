package jpegcodec

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"testing"
)

// ycbcr returns a w × h 4:2:0 image of pseudo-random samples from seed,
// smoothed a little so that quantization keeps some of them.
func ycbcr(w, h int, seed uint32) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	x := seed | 1
	next := func() uint8 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return uint8(x)
	}
	for _, p := range [][]uint8{m.Y, m.Cb, m.Cr} {
		for i := range p {
			p[i] = uint8((int(next())/4 + i%97 + i/w) & 0xff)
		}
	}
	return m
}

// same checks that Encode writes what image/jpeg writes.
func same(t *testing.T, m image.Image, quality int) {
	t.Helper()
	var got, want bytes.Buffer
	if err := Encode(&got, m, quality); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&want, m, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("%T %v at quality %d: %d bytes, image/jpeg's %d, not the same", m, m.Bounds(), quality, got.Len(), want.Len())
	}
}

func TestEncodeAsImageJPEG(t *testing.T) {
	for _, size := range []image.Point{{1, 1}, {2, 3}, {7, 9}, {8, 8}, {15, 17}, {16, 16}, {33, 18}, {100, 75}, {640, 480}} {
		for _, q := range []int{0, 1, 30, 50, 82, 100, 101} {
			t.Run(fmt.Sprintf("%dx%d q%d", size.X, size.Y, q), func(t *testing.T) {
				m := ycbcr(size.X, size.Y, uint32(size.X*31+size.Y))
				same(t, m, q)
				same(t, &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}, q)
			})
		}
	}
	// Handed to image/jpeg: other subsampling, other bounds, RGBA.
	m := ycbcr(40, 30, 5)
	same(t, m.SubImage(image.Rect(3, 3, 30, 20)), 82)
	same(t, image.NewYCbCr(image.Rect(0, 0, 20, 10), image.YCbCrSubsampleRatio444), 82)
	same(t, image.NewRGBA(image.Rect(0, 0, 9, 9)), 82)
}

// FuzzEncode checks that Encode writes what image/jpeg writes for any
// size, content and quality.
func FuzzEncode(f *testing.F) {
	f.Add(uint8(17), uint8(9), uint32(1), 82)
	f.Add(uint8(1), uint8(1), uint32(7), 1)
	f.Add(uint8(64), uint8(48), uint32(3), 100)
	f.Fuzz(func(t *testing.T, w, h uint8, seed uint32, quality int) {
		if w == 0 || h == 0 {
			return
		}
		m := ycbcr(int(w), int(h), seed)
		same(t, m, quality)
		same(t, &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}, quality)
	})
}
