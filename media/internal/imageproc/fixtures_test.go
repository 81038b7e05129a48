package imageproc

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"os"
	"testing"

	"github.com/assetgen/assetgen/internal/imagetest"
)

// Test images are made in code (here and in package imagetest) rather
// than committed, so that what each one holds is visible. Only the WebP
// ones are files (testdata/, from golang.org/x/image's tests, BSD
// licence), as the Go libraries cannot encode WebP.

// withPNGChunks returns the PNG p with chunks inserted after IHDR.
func withPNGChunks(p []byte, chunks ...[]byte) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	out := append([]byte(nil), p[:ihdrEnd]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[ihdrEnd:]...)
}

// gifBomb returns a GIF whose logical screen is 50,000 × 50,000.
func gifBomb(t testing.TB) []byte {
	t.Helper()
	g := gifImage(t, 16, 16, image.Rect(0, 0, 16, 16))
	binary.LittleEndian.PutUint16(g[6:], 50_000)
	binary.LittleEndian.PutUint16(g[8:], 50_000)
	return g
}

// gifImage returns a GIF with a w × h screen whose first frame covers
// frame: its left half imagetest.Red, its right half transparent.
func gifImage(t testing.TB, w, h int, frame image.Rectangle) []byte {
	t.Helper()
	m := image.NewPaletted(frame, color.Palette{color.RGBA{}, imagetest.Red})
	for y := frame.Min.Y; y < frame.Max.Y; y++ {
		for x := frame.Min.X; x < frame.Min.X+frame.Dx()/2; x++ {
			m.SetColorIndex(x, y, 1)
		}
	}
	var buf bytes.Buffer
	err := gif.EncodeAll(&buf, &gif.GIF{
		Image:    []*image.Paletted{m},
		Delay:    []int{0},
		Disposal: []byte{gif.DisposalNone},
		Config:   image.Config{ColorModel: m.Palette, Width: w, Height: h},
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pngChunkTypes returns the types of a PNG's chunks, in order.
func pngChunkTypes(p []byte) []string {
	var types []string
	for p = p[8:]; len(p) >= 12; {
		n := int(binary.BigEndian.Uint32(p))
		types = append(types, string(p[4:8]))
		if 12+n > len(p) {
			break
		}
		p = p[12+n:]
	}
	return types
}
