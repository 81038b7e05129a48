package imageproc

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
)

// Resize makes a variant of the image src that is width pixels wide as
// displayed (after its EXIF orientation), with the height that keeps its
// aspect ratio, resampled with Catmull-Rom (golang.org/x/image/draw).
//
// A width at or above the source's gives ErrServeSource before anything
// is decoded: a variant is never larger than its source.
//
// The variant's format follows the source's: a JPEG gives a JPEG at
// o.Quality; a PNG gives a PNG, alpha kept; a GIF gives a PNG of its first
// frame (lossless like the GIF, its transparency kept; resampling makes
// more than the 256 colours a GIF can hold); a WebP, which the standard
// library cannot encode, gives a JPEG if it is opaque (WebP is mostly
// photographs) and a PNG if it has transparency.
func Resize(src []byte, width int, o Options) (Variant, error) {
	if width < 1 {
		return Variant{}, fmt.Errorf("imageproc: width %d; want 1 or more", width)
	}
	info, err := probe(bytes.NewReader(src), bytes.NewBuffer(src), o)
	if err != nil {
		return Variant{}, err
	}
	if width >= info.Width {
		return Variant{}, ErrServeSource
	}
	m, err := decodePixels(src, info, o)
	if err != nil {
		return Variant{}, err
	}
	height := max(1, int((int64(info.Height)*int64(width)+int64(info.Width)/2)/int64(info.Width)))
	out := orient(scale(m, width, height, info.Orientation), info.Orientation)
	return encode(out, variantFormat(info.Format, m), o)
}

// scale resamples m to the displayed size width × height. It works in the
// stored orientation (the size transposed for orientations 5 to 8) and
// orient turns the small result afterwards: turns and mirrors are exact
// pixel permutations, so this is the same picture as turning first, without
// a full-size turned copy of the source.
func scale(m image.Image, width, height, orientation int) *image.RGBA {
	if orientation >= 5 {
		width, height = height, width
	}
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.CatmullRom.Scale(dst, dst.Bounds(), m, m.Bounds(), draw.Src, nil)
	return dst
}

// variantFormat says what a variant of a src-format image, decoded to m,
// is encoded as; see Resize.
func variantFormat(src Format, m image.Image) Format {
	switch src {
	case JPEG:
		return JPEG
	case WebP:
		if o, ok := m.(interface{ Opaque() bool }); ok && o.Opaque() {
			return JPEG
		}
	}
	return PNG
}

// encode writes m as f, which carries no metadata: the standard encoders
// write pixels and the headers needed to read them, nothing else.
func encode(m image.Image, f Format, o Options) (Variant, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case JPEG:
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: o.quality()})
	case PNG:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, m)
	default:
		return Variant{}, fmt.Errorf("imageproc: cannot encode %v", f)
	}
	if err != nil {
		return Variant{}, fmt.Errorf("imageproc: encoding %v: %w", f, err)
	}
	b := m.Bounds()
	return Variant{Data: buf.Bytes(), Format: f, Width: b.Dx(), Height: b.Dy()}, nil
}
