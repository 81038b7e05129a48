package imageproc

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/assetgen/assetgen/media/internal/jpegcodec"
)

// sniff recognises the format from the leading bytes, the signatures each
// format's specification fixes. The decoders are called by format rather
// than through image.Decode, so what is accepted does not depend on which
// decoders some other package happened to register.
func sniff(head []byte) (Format, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, true
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return GIF, true
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return WebP, true
	}
	return 0, false
}

func decodeConfig(f Format, r io.Reader) (image.Config, error) {
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case GIF:
		return gif.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

func decodeImage(f Format, r io.Reader) (image.Image, error) {
	switch f {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	case GIF:
		return gif.Decode(r) // the first frame
	default:
		return webp.Decode(r)
	}
}

// Probe reads an image's header from r, no further than the format's
// DecodeConfig needs (for a JPEG, up to its frame header, after the EXIF
// segment), and returns its format and displayed size. An image with more
// pixels than o.MaxPixels gives ErrTooLarge.
func Probe(r io.Reader, o Options) (Info, error) {
	var head bytes.Buffer
	info, err := probe(io.TeeReader(r, &head), &head, o)
	return info, err
}

// probe does Probe's work; head holds what has been read from r so far.
func probe(r io.Reader, head *bytes.Buffer, o Options) (info Info, err error) {
	var sig [12]byte
	n, _ := io.ReadFull(r, sig[:])
	f, ok := sniff(sig[:n])
	if !ok {
		return Info{}, fmt.Errorf("imageproc: %w", ErrUnsupported)
	}
	cfg, err := guard(f, func() (image.Config, error) {
		return decodeConfig(f, io.MultiReader(bytes.NewReader(sig[:n]), r))
	})
	if err != nil {
		return Info{}, err
	}
	info = Info{Format: f, Width: cfg.Width, Height: cfg.Height, Orientation: 1}
	if err := checkSize(info, o); err != nil {
		return Info{}, err
	}
	if f == JPEG {
		// The EXIF segment comes before the frame header that
		// DecodeConfig stopped after, so head holds it.
		info.Orientation = jpegOrientation(head.Bytes())
		if info.Orientation >= 5 {
			info.Width, info.Height = info.Height, info.Width
		}
	}
	return info, nil
}

// checkSize refuses images with no pixels or with more than the limit.
// The product cannot overflow: each dimension fits in 32 bits in every
// format decoded here.
func checkSize(info Info, o Options) error {
	if info.Width <= 0 || info.Height <= 0 {
		return fmt.Errorf("imageproc: %v of %d×%d pixels: %w", info.Format, info.Width, info.Height, ErrCorrupt)
	}
	if px := int64(info.Width) * int64(info.Height); px > o.maxPixels() {
		return fmt.Errorf("imageproc: %v of %d×%d pixels (%s) is over the limit of %s: %w",
			info.Format, info.Width, info.Height, pixels(px), pixels(o.maxPixels()), ErrTooLarge)
	}
	return nil
}

// pixels formats a pixel count for an error message.
func pixels(n int64) string {
	if n < 100_000 {
		return fmt.Sprintf("%d pixels", n)
	}
	return fmt.Sprintf("%.1f megapixels", float64(n)/1e6)
}

// decodePixels decodes the image r reads, which probe found to be info: a
// JPEG at scale eighths of its size (see package jpegcodec), anything
// else whole. A JPEG decoded by jpegcodec tells rows of its rows as they
// are final, if it can (jpegcodec.Options.Rows).
func decodePixels(r io.Reader, info Info, scale int, o Options, rows func(image.Image, int)) (image.Image, error) {
	m, err := guard(info.Format, func() (image.Image, error) {
		if info.Format == JPEG && scale != 8 {
			return jpegcodec.Decode(r, jpegcodec.Options{Scale: scale, MaxPixels: o.maxPixels(), Rows: rows})
		}
		return decodeImage(info.Format, r)
	})
	if err != nil {
		return nil, err
	}
	// A decoder should return no more than its DecodeConfig promised; if
	// it does, the file is inconsistent and the pixel check proved nothing.
	if b := m.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 || int64(b.Dx())*int64(b.Dy()) > o.maxPixels() {
		return nil, fmt.Errorf("imageproc: %v decoded to %d×%d pixels: %w", info.Format, b.Dx(), b.Dy(), ErrCorrupt)
	}
	// A GIF's first frame may cover only part of its logical screen,
	// which is what a browser shows: put it in place, the rest clear.
	if screen := image.Rect(0, 0, info.Width, info.Height); info.Format == GIF && m.Bounds() != screen {
		canvas := image.NewRGBA(screen)
		draw.Draw(canvas, m.Bounds(), m, m.Bounds().Min, draw.Src)
		m = canvas
	}
	return m, nil
}

// guard runs a decoder, turning its error, or its panic, into an error
// wrapping ErrCorrupt. The standard decoders validate their input and are
// fuzzed upstream, so a panic is a decoder bug; one malformed upload must
// still not take down every request the server is handling.
func guard[T any](f Format, do func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("imageproc: %v decoder failed: %v: %w", f, p, ErrCorrupt)
		}
	}()
	v, err = do()
	if err != nil {
		return v, fmt.Errorf("imageproc: %v: %v: %w", f, err, ErrCorrupt)
	}
	return v, nil
}
