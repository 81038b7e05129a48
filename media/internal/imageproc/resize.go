package imageproc

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"slices"
	"sync"

	"golang.org/x/image/draw"

	"github.com/assetgen/assetgen/media/internal/jpegcodec"
)

// Variants makes, from one decode of the image r reads, a variant for each of
// widths (as displayed, after the EXIF orientation) that is below the
// source's own width, with the height that keeps its aspect ratio, and
// calls made with each as soon as it is encoded, from the widest down, so
// that a caller can answer for one before the narrower ones are made. It
// returns what Probe says of the image, or the first error, made's included,
// which stops it. Widths at or above the source's are left out: a variant
// is never larger than its source, and the caller serves the source for
// those.
//
// A JPEG is decoded at the smallest of 1/8, 2/8, 4/8 or 8/8 of its size
// that is still at least as wide as the widest variant (see package
// jpegcodec), which is most of the saving for a photo. Each variant is then
// resampled with Catmull-Rom, from the next wider variant where that is
// at least twice as wide (so the filter covers what the earlier one
// blurred), else from the decoded pixels; a JPEG's Y, Cb and Cr planes are
// resampled apart, never converted to RGB.
//
// The variant's format follows the source's: a JPEG gives a JPEG at
// o.Quality; a PNG gives a PNG, alpha kept; a GIF gives a PNG of its first
// frame (lossless like the GIF, its transparency kept; resampling makes
// more than the 256 colours a GIF can hold); a WebP, which the standard
// library cannot encode, gives a JPEG if it is opaque (WebP is mostly
// photographs) and a PNG if it has transparency.
//
// The widest variant is made in a second goroutine from the rows the
// decoder has finished, resampled and encoded while it decodes the next
// ones (for a sequential JPEG; anything else once decoded), so that on a
// machine with a core to spare the first answer waits for little more
// than the decoding. The goroutine has ended when Variants returns.
//
// The source is read as it is decoded, never whole: the memory it takes
// is the decoded pixels at the scale chosen and twice the widest
// variant's pixels: for a 12-megapixel photo and widths up to 1920, about
// 5 + 2 × 4 MB. An error reading r is returned as it is, not as
// ErrCorrupt.
func Variants(r io.Reader, widths []int, o Options, made func(Variant) error) (Info, error) {
	rr := &readErr{r: r}
	var head bytes.Buffer
	info, err := probe(io.TeeReader(rr, &head), &head, o)
	if rr.err != nil {
		return Info{}, rr.err
	}
	if err != nil {
		return Info{}, err
	}
	var ws []int
	for _, w := range widths {
		if w >= 1 && w < info.Width {
			ws = append(ws, w)
		}
	}
	slices.Sort(ws)
	ws = slices.Compact(ws)
	slices.Reverse(ws)
	if len(ws) == 0 {
		return info, nil
	}
	// The widest is made from the decoder's rows as they are final, in
	// another goroutine, while the decoder makes the next ones (see
	// firstVariant); what probe read is read again, then the rest.
	feed := newRowFeed()
	var first firstResult
	var wg sync.WaitGroup
	wg.Go(func() { first = firstVariant(feed, info, ws[0], o) })
	m, err := decodePixels(io.MultiReader(&head, rr), info, jpegScale(info, ws[0]), o, feed.rows)
	feed.end(m, err)
	wg.Wait()
	if rr.err != nil {
		return Info{}, rr.err
	}
	if err != nil {
		return Info{}, err
	}
	if first.err != nil {
		return Info{}, first.err
	}
	if err := made(first.v); err != nil {
		return Info{}, err
	}
	f := variantFormat(info.Format, m)
	base := planes(m)
	scaled := [][]plane{first.planes} // in the stored orientation, as ws
	for _, width := range ws[1:] {
		sw, sh := storedSize(info, width)
		from := base
		if n := len(scaled); scaled[n-1][0].w >= 2*sw && scaled[n-1][0].h >= 2*sh {
			from = scaled[n-1]
		}
		ps := scalePlanes(from, sw, sh)
		scaled = append(scaled, ps)
		v, err := encodeVariant(toImage(ps, info.Orientation), f, o)
		if err != nil {
			return Info{}, err
		}
		if err := made(v); err != nil {
			return Info{}, err
		}
	}
	return info, nil
}

// storedSize is the size, in the stored orientation, of the variant
// width wide as displayed: the height keeps the aspect ratio.
func storedSize(info Info, width int) (int, int) {
	height := max(1, int((int64(info.Height)*int64(width)+int64(info.Width)/2)/int64(info.Width)))
	if info.Orientation >= 5 {
		return height, width
	}
	return width, height
}

// readErr reads from r, keeping the first error other than io.EOF, so
// that a failing store is not taken for a corrupt image.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// jpegScale returns the eighths of its size a JPEG is decoded at so that
// it is still at least width wide as displayed: 8 for other formats.
func jpegScale(info Info, width int) int {
	if info.Format != JPEG {
		return 8
	}
	storedW, storedH := info.Width, info.Height
	if info.Orientation >= 5 {
		storedW, storedH = storedH, storedW
	}
	for _, s := range []int{1, 2, 4} {
		w, h := jpegcodec.ScaledSize(storedW, storedH, s)
		if info.Orientation >= 5 {
			w = h
		}
		if w >= width {
			return s
		}
	}
	return 8
}

// planes splits a decoded image into what is resampled: a YCbCr image's
// Y, Cb and Cr planes, a grey image's one plane, and anything else as
// premultiplied RGBA.
func planes(m image.Image) []plane {
	b := m.Bounds()
	switch m := m.(type) {
	case *image.YCbCr:
		cx := m.COffset(b.Max.X-1, b.Min.Y) - m.COffset(b.Min.X, b.Min.Y) + 1
		cy := (m.COffset(b.Min.X, b.Max.Y-1)-m.COffset(b.Min.X, b.Min.Y))/m.CStride + 1
		co := m.COffset(b.Min.X, b.Min.Y)
		return []plane{
			{pix: m.Y[m.YOffset(b.Min.X, b.Min.Y):], w: b.Dx(), h: b.Dy(), stride: m.YStride, ch: 1},
			{pix: m.Cb[co:], w: cx, h: cy, stride: m.CStride, ch: 1},
			{pix: m.Cr[co:], w: cx, h: cy, stride: m.CStride, ch: 1},
		}
	case *image.Gray:
		return []plane{{pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w: b.Dx(), h: b.Dy(), stride: m.Stride, ch: 1}}
	}
	rgba, ok := m.(*image.RGBA)
	if !ok || b.Min != (image.Point{}) {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, m, b.Min, draw.Src)
	}
	return []plane{{pix: rgba.Pix, w: b.Dx(), h: b.Dy(), stride: rgba.Stride, ch: 4}}
}

// scalePlanes resamples planes to w × h: three planes are Y, Cb and Cr,
// and give 4:2:0, the chroma at half the size rounded up, whatever the
// source's subsampling was.
func scalePlanes(ps []plane, w, h int) []plane {
	out := []plane{resample(ps[0], w, h)}
	for _, p := range ps[1:] {
		out = append(out, resample(p, (w+1)/2, (h+1)/2))
	}
	return out
}

// toImage turns resampled planes upright and makes them an image.
func toImage(ps []plane, orientation int) image.Image {
	up := make([]plane, len(ps))
	for i, p := range ps {
		up[i] = orientPlane(p, orientation)
	}
	y := up[0]
	r := image.Rect(0, 0, y.w, y.h)
	switch {
	case len(up) == 3:
		return &image.YCbCr{Y: y.pix, Cb: up[1].pix, Cr: up[2].pix, YStride: y.stride, CStride: up[1].stride,
			SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: r}
	case y.ch == 1:
		return &image.Gray{Pix: y.pix, Stride: y.stride, Rect: r}
	}
	return &image.RGBA{Pix: y.pix, Stride: y.stride, Rect: r}
}

// variantFormat says what a variant of a src-format image, decoded to m,
// is encoded as; see Variants.
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

// encodeVariant encodes a variant with o.Encode if set, else as f.
func encodeVariant(m image.Image, f Format, o Options) (Variant, error) {
	if o.Encode == nil {
		return encode(m, f, o, nil)
	}
	var buf bytes.Buffer
	if err := o.Encode(&buf, m, o.quality()); err != nil {
		return Variant{}, fmt.Errorf("imageproc: encoding: %w", err)
	}
	b := m.Bounds()
	return Variant{Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
}

// encode writes m as f, which carries no metadata: the standard encoders
// write pixels and the headers needed to read them, nothing else. A JPEG
// is encoded as its rows are made, if ready is not nil (see
// jpegcodec.EncodeRows); ready is not called for a PNG.
func encode(m image.Image, f Format, o Options, ready func(rows int) error) (Variant, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case JPEG:
		err = jpegcodec.EncodeRows(&buf, m, o.quality(), ready)
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
