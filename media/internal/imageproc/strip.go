package imageproc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"

	"golang.org/x/image/draw"
)

// Strip returns the image src with everything but its picture removed, in
// its own format, for a site that must never publish what an upload says
// about its owner (where it was taken, with which phone, by whom):
//
//   - a JPEG is decoded and re-encoded at o.Quality, its EXIF orientation
//     applied to the pixels, since the tag that said it is gone; its ICC
//     colour profile goes too, so a wide-gamut photo is shown as sRGB;
//   - a PNG is decoded and re-encoded losslessly, keeping its bit depth,
//     palette and transparency; text, EXIF, time and colour chunks go, and
//     an animated PNG keeps only its first frame;
//   - a GIF keeps every frame, byte for byte; its comments and application
//     extensions (XMP among them) are dropped, all but the NETSCAPE2.0 and
//     ANIMEXTS1.0 ones that say how often an animation loops;
//   - a WebP, which the standard library cannot encode, keeps its image
//     chunks byte for byte; its EXIF and XMP chunks, and any chunk it does
//     not know, are dropped.
//
// Anything after the image's end (where some phones append more images
// with their own EXIF) goes in every case.
func Strip(src []byte, o Options) (Variant, error) {
	info, err := probe(bytes.NewReader(src), bytes.NewBuffer(src), o)
	if err != nil {
		return Variant{}, err
	}
	var out []byte
	switch info.Format {
	case JPEG, PNG:
		m, err := decodePixels(bytes.NewReader(src), info, 8, o, nil)
		if err != nil {
			return Variant{}, err
		}
		if info.Format == JPEG && info.Orientation != 1 {
			rgba := image.NewRGBA(m.Bounds())
			draw.Draw(rgba, rgba.Rect, m, m.Bounds().Min, draw.Src)
			m = orient(rgba, info.Orientation)
		}
		return encode(m, info.Format, o, nil)
	case GIF:
		out, err = stripGIF(src)
	case WebP:
		out, err = stripWebP(src)
	}
	if err != nil {
		return Variant{}, fmt.Errorf("imageproc: %v: %v: %w", info.Format, err, ErrCorrupt)
	}
	return Variant{Data: out, Format: info.Format, Width: info.Width, Height: info.Height}, nil
}

// stripGIF copies a GIF's blocks (GIF89a specification, sections 17 to
// 27), leaving out comment extensions, application extensions other than
// looping ones, and anything after the trailer.
func stripGIF(src []byte) ([]byte, error) {
	r := reader{b: src}
	out := bytes.NewBuffer(make([]byte, 0, len(src)))
	// Header (6 bytes) and logical screen descriptor (7 bytes).
	head := r.next(13)
	if head == nil {
		return nil, fmt.Errorf("truncated header")
	}
	out.Write(head)
	if packed := head[10]; packed&0x80 != 0 {
		out.Write(r.next(colorTableSize(packed)))
	}
	for {
		start := r.off
		label := r.next(1)
		if label == nil {
			return nil, fmt.Errorf("no trailer")
		}
		switch label[0] {
		case 0x3b: // trailer
			out.WriteByte(0x3b)
			if r.err != nil {
				return nil, r.err
			}
			return out.Bytes(), nil
		case 0x2c: // image descriptor, color table, LZW code size, data
			desc := r.next(9)
			if desc != nil && desc[8]&0x80 != 0 {
				r.next(colorTableSize(desc[8]))
			}
			r.next(1)
			r.subBlocks()
		case 0x21: // extension
			ext := r.next(1)
			first := r.off
			r.subBlocks()
			if ext == nil || !keepGIFExtension(ext[0], src[first:r.off]) {
				continue
			}
		default:
			return nil, fmt.Errorf("unknown block 0x%02x at byte %d", label[0], start)
		}
		if r.err != nil {
			return nil, r.err
		}
		out.Write(src[start:r.off])
	}
}

// keepGIFExtension says whether an extension with this label and these
// sub-blocks is part of the picture: graphic control (delays,
// transparency), plain text, and the looping application extensions.
func keepGIFExtension(label byte, blocks []byte) bool {
	switch label {
	case 0xf9, 0x01:
		return true
	case 0xff:
		return bytes.HasPrefix(blocks, []byte("\x0bNETSCAPE2.0")) || bytes.HasPrefix(blocks, []byte("\x0bANIMEXTS1.0"))
	}
	return false
}

// colorTableSize is the size of the colour table a packed field says
// follows: 3 × 2^(N+1) bytes.
func colorTableSize(packed byte) int { return 3 << (packed&7 + 1) }

// reader reads a byte slice, remembering the first error.
type reader struct {
	b   []byte
	off int
	err error
}

// next returns the next n bytes, or nil if there are fewer.
func (r *reader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b)-r.off {
		r.err = fmt.Errorf("truncated at byte %d", len(r.b))
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

// subBlocks skips a GIF data sub-block sequence: size-prefixed blocks up
// to an empty one.
func (r *reader) subBlocks() {
	for {
		n := r.next(1)
		if n == nil || n[0] == 0 {
			return
		}
		r.next(int(n[0]))
	}
}

// keepWebP lists the WebP chunks that make the picture (WebP container
// specification): the image data, its alpha, animation, and the colour
// profile. EXIF and XMP chunks, and unknown ones, are dropped.
var keepWebP = map[string]bool{
	"VP8 ": true, "VP8L": true, "VP8X": true, "ALPH": true,
	"ANIM": true, "ANMF": true, "ICCP": true,
}

// stripWebP copies a WebP's RIFF chunks that keepWebP lists, clearing the
// EXIF and XMP flags of its VP8X header.
func stripWebP(src []byte) ([]byte, error) {
	r := reader{b: src}
	head := r.next(12)
	if head == nil {
		return nil, r.err
	}
	end := 8 + int64(binary.LittleEndian.Uint32(head[4:]))
	if end > int64(len(src)) {
		return nil, fmt.Errorf("RIFF size %d beyond the file's %d bytes", end, len(src))
	}
	r.b = src[:end] // what follows the RIFF chunk is not the image's
	out := bytes.NewBuffer(make([]byte, 0, len(src)))
	out.Write(head)
	for r.off < len(r.b) {
		start := r.off
		h := r.next(8)
		if h == nil {
			return nil, r.err
		}
		n := int64(binary.LittleEndian.Uint32(h[4:]))
		if n > int64(len(r.b)-r.off) {
			return nil, fmt.Errorf("chunk %q of %d bytes beyond the RIFF's end", h[:4], n)
		}
		r.next(int(n))
		if n&1 == 1 && r.off < len(r.b) {
			r.off++ // chunks are padded to an even size
		}
		if !keepWebP[string(h[:4])] {
			continue
		}
		chunk := out.Len()
		out.Write(src[start : start+8+int(n)])
		if n&1 == 1 {
			out.WriteByte(0)
		}
		if string(h[:4]) == "VP8X" && n > 0 {
			const exifFlag, xmpFlag = 0x08, 0x04
			out.Bytes()[chunk+8] &^= exifFlag | xmpFlag
		}
	}
	b := out.Bytes()
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b, nil
}
