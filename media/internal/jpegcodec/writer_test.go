package jpegcodec

import (
	"bytes"
	"errors"
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

// TestEncodeRows encodes images that are written as EncodeRows asks for
// their rows, from blank: the bytes must be those of Encode from the
// whole image, so that no row was read before it was asked for.
func TestEncodeRows(t *testing.T) {
	for _, size := range []image.Point{{1, 1}, {7, 9}, {16, 16}, {33, 18}, {100, 75}} {
		t.Run(fmt.Sprintf("%dx%d", size.X, size.Y), func(t *testing.T) {
			m := ycbcr(size.X, size.Y, uint32(size.X))
			gray := &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
			rowsSame(t, m, func(dst image.Image, rows int) {
				d := dst.(*image.YCbCr)
				copy(d.Y, m.Y[:rows*m.YStride])
				copy(d.Cb, m.Cb[:(rows+1)/2*m.CStride])
				copy(d.Cr, m.Cr[:(rows+1)/2*m.CStride])
			}, image.NewYCbCr(m.Rect, image.YCbCrSubsampleRatio420))
			rowsSame(t, gray, func(dst image.Image, rows int) {
				copy(dst.(*image.Gray).Pix, gray.Pix[:rows*gray.Stride])
			}, image.NewGray(m.Rect))
		})
	}
	t.Run("error", func(t *testing.T) {
		stop := errors.New("stop")
		var buf bytes.Buffer
		err := EncodeRows(&buf, ycbcr(40, 40, 1), 82, func(rows int) error {
			if rows > 16 {
				return stop
			}
			return nil
		})
		if err != stop || buf.Len() != 0 {
			t.Errorf("ready's error: %v and %d bytes written, want it and none", err, buf.Len())
		}
	})
}

// rowsSame checks that EncodeRows of dst, filled with fill as it asks
// for rows, writes what Encode of m does.
func rowsSame(t *testing.T, m image.Image, fill func(dst image.Image, rows int), dst image.Image) {
	t.Helper()
	var want, got bytes.Buffer
	if err := Encode(&want, m, 82); err != nil {
		t.Fatal(err)
	}
	last := 0
	err := EncodeRows(&got, dst, 82, func(rows int) error {
		if rows < last || rows > m.Bounds().Dy() {
			t.Fatalf("asked for %d rows after %d, of %d", rows, last, m.Bounds().Dy())
		}
		last = rows
		fill(dst, rows)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != m.Bounds().Dy() {
		t.Errorf("%T: asked for %d rows at last, want all %d", m, last, m.Bounds().Dy())
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("%T %v: not the bytes of Encode", m, m.Bounds())
	}
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
