package jpegcodec

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
//	go test ./media/internal/jpegcodec -run '^$' -bench Decode12MP
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

// BenchmarkEncode640 encodes a 640 × 480 4:2:0 image at quality 82, as a
// photo's ?w=640 variant, here and with image/jpeg.
//
//	go test ./media/internal/jpegcodec -run '^$' -bench Encode640
func BenchmarkEncode640(b *testing.B) {
	m := ycbcr(640, 480, 1)
	var buf bytes.Buffer
	b.Run("jpegcodec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := Encode(&buf, m, 82); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("image-jpeg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 82}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
