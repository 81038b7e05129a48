package jpegdec

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"testing"

	"github.com/assetgen/assetgen/internal/imagetest"
)

// BenchmarkDecode12MP decodes a 12-megapixel photo-like JPEG with
// image/jpeg and at each scale here.
//
//	go test ./media/internal/jpegdec -run '^$' -bench Decode12MP
func BenchmarkDecode12MP(b *testing.B) {
	src := imagetest.PhotoLike(b, 4032, 3024)
	b.Run("image-jpeg", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(src)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, scale := range []int{8, 4, 2, 1} {
		b.Run(fmt.Sprintf("scale%d", scale), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(src), Options{Scale: scale}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
