// Package imageproc makes the resized, metadata-free variants of uploaded
// images that package media serves: an image's bytes in, a variant's bytes
// out. It knows nothing of stores, names or HTTP.
//
// Decoding is guarded, because every byte comes from a user: the format is
// recognised from the leading bytes, the dimensions are read with the
// format's DecodeConfig and refused above Options.MaxPixels before any
// pixel is allocated (a valid PNG of 50,000 × 50,000 pixels, 2.5
// gigapixels, fits in 400 KB), and a decoder that panics on hostile input
// is turned into ErrCorrupt instead of taking the server down. A JPEG is
// decoded by package jpegcodec at the smallest scale the variants being
// made allow; PNG, GIF and WebP by the standard decoders, whole.
//
// A variant is re-encoded from pixels, so nothing of the source but its
// pixels survives: EXIF (with GPS), XMP, IPTC, comments and ICC profiles are
// all gone. The EXIF orientation of a JPEG is applied first, so a portrait
// phone photo stays upright once its orientation tag is dropped.
package imageproc

import (
	"errors"
	"fmt"
	"image"
	"io"
)

// Errors. Each error this package returns wraps exactly one of these, so a
// caller picks the HTTP status with errors.Is: ErrUnsupported is 415,
// ErrTooLarge and ErrCorrupt are 422.
var (
	// ErrUnsupported: the bytes are not a JPEG, PNG, GIF or WebP image.
	ErrUnsupported = errors.New("not a JPEG, PNG, GIF or WebP image")
	// ErrTooLarge: the image has more pixels than Options.MaxPixels.
	ErrTooLarge = errors.New("image has too many pixels")
	// ErrCorrupt: the image is truncated or malformed.
	ErrCorrupt = errors.New("image is corrupt or truncated")
	// ErrServeSource is not a failure: the width asked for is at or above
	// the source's own (upright) width, and a variant is never larger than
	// its source, so the caller serves the source itself.
	ErrServeSource = errors.New("width at or above the source's; serve the source")
)

// DefaultMaxPixels is the pixel limit when Options.MaxPixels is 0: 50
// megapixels, above a 48-megapixel phone camera (8064 × 6048). Decoding
// that much takes about 75 MB for a JPEG (4:2:0) and 200 MB for a PNG
// with alpha.
const DefaultMaxPixels = 50_000_000

// DefaultQuality is the JPEG quality when Options.Quality is 0: visually
// close to the source at a fraction of its size, the default of most
// image services (Next.js uses 75, imgproxy 80).
const DefaultQuality = 82

// Options configures decoding and encoding. The zero value is ready to use.
type Options struct {
	// MaxPixels refuses images with more pixels (width × height) than
	// this, before decoding; 0 means DefaultMaxPixels.
	MaxPixels int64
	// Quality is the JPEG quality, 1 to 100; 0 means DefaultQuality.
	Quality int
	// Encode, if set, encodes variants in place of JPEG or PNG, at
	// Quality; their Format is then 0.
	Encode func(w io.Writer, m image.Image, quality int) error
}

func (o Options) maxPixels() int64 {
	if o.MaxPixels > 0 {
		return o.MaxPixels
	}
	return DefaultMaxPixels
}

func (o Options) quality() int {
	if o.Quality > 0 && o.Quality <= 100 {
		return o.Quality
	}
	return DefaultQuality
}

// Format is an image format this package decodes.
type Format int

// The formats, recognised by their leading bytes.
const (
	JPEG Format = iota + 1
	PNG
	GIF
	WebP
)

// String returns the format's common name.
func (f Format) String() string {
	switch f {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	case GIF:
		return "GIF"
	case WebP:
		return "WebP"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ContentType returns the format's media type.
func (f Format) ContentType() string {
	switch f {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case GIF:
		return "image/gif"
	case WebP:
		return "image/webp"
	}
	return "application/octet-stream"
}

// Info is what Probe learns from an image's header.
type Info struct {
	Format Format
	// Width and Height are as displayed: with the EXIF orientation
	// applied, so a portrait photo stored sideways is taller than wide.
	Width, Height int
	// Orientation is the EXIF orientation, 1 (as stored) to 8; always 1
	// for formats other than JPEG.
	Orientation int
}

// Variant is an encoded image that Resize or Strip made.
type Variant struct {
	Data          []byte
	Format        Format // JPEG, PNG or GIF
	Width, Height int
}

// ContentType returns the variant's media type.
func (v Variant) ContentType() string { return v.Format.ContentType() }
