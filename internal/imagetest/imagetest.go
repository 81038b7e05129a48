// Package imagetest makes the images that the tests of media and its image
// processing use, in code, so that what each holds is visible: phone
// photos with EXIF orientation and a GPS position, pictures whose
// quarters tell which way is up, and decompression bombs. It also checks
// what tests need to know of an encoded image, independently of the code
// under test.
package imagetest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// The colours of the four quarters of an upright test picture.
var (
	Red   = color.RGBA{255, 0, 0, 255}
	Green = color.RGBA{0, 255, 0, 255}
	Blue  = color.RGBA{0, 0, 255, 255}
	White = color.RGBA{255, 255, 255, 255}
)

// Quadrants returns a w × h image whose quarters are the four colours.
func Quadrants(w, h int, tl, tr, bl, br color.Color) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := tl
			switch {
			case x >= w/2 && y < h/2:
				c = tr
			case x < w/2 && y >= h/2:
				c = bl
			case x >= w/2 && y >= h/2:
				c = br
			}
			m.Set(x, y, c)
		}
	}
	return m
}

// WantQuadrants checks the colour at the middle of each quarter of m,
// allowing for lossy coding.
func WantQuadrants(t testing.TB, m image.Image, tl, tr, bl, br color.RGBA) {
	t.Helper()
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	for _, q := range []struct {
		name string
		x, y int
		want color.RGBA
	}{
		{"top left", w / 4, h / 4, tl},
		{"top right", 3 * w / 4, h / 4, tr},
		{"bottom left", w / 4, 3 * h / 4, bl},
		{"bottom right", 3 * w / 4, 3 * h / 4, br},
	} {
		r, g, bl, a := m.At(b.Min.X+q.x, b.Min.Y+q.y).RGBA()
		got := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}
		if !near(got, q.want) {
			t.Errorf("%s pixel (%d, %d) = %v, want about %v", q.name, q.x, q.y, got, q.want)
		}
	}
}

// near says whether two colours differ by little enough to be one colour
// after JPEG's lossy coding.
func near(a, b color.RGBA) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) < 40 && int(y)-int(x) < 40 }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

// Noise returns an opaque image of pseudo-random pixels, which JPEG cannot
// compress well at any quality.
func Noise(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(1)
	for i := range m.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		m.Pix[i] = uint8(x)
		if i%4 == 3 {
			m.Pix[i] = 255
		}
	}
	return m
}

// JPEG encodes m at quality 90, as a phone does.
func JPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// PNG encodes m.
func PNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Segment makes a JPEG marker segment.
func Segment(marker byte, payload []byte) []byte {
	s := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// WithSegments returns the JPEG j with the marker segments inserted after
// SOI, where cameras write theirs.
func WithSegments(j []byte, segs ...[]byte) []byte {
	out := append([]byte(nil), j[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, j[2:]...)
}

// ifdEntry is one TIFF IFD entry; value holds the 4-byte value field.
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    [4]byte
}

// EXIF makes an APP1 EXIF segment as a phone writes it: IFD0 with Make,
// Orientation and a pointer to a GPS IFD holding latitude and longitude
// (52°22'N, 4°53'E), in the given byte order.
func EXIF(order binary.ByteOrder, orientation uint16) []byte {
	var t bytes.Buffer
	if order == binary.LittleEndian {
		t.WriteString("II")
	} else {
		t.WriteString("MM")
	}
	w := func(v any) { binary.Write(&t, order, v) }
	w(uint16(42))
	w(uint32(8)) // IFD0 right after the header
	short := func(v uint16) (b [4]byte) { order.PutUint16(b[:], v); return }
	long := func(v uint32) (b [4]byte) { order.PutUint32(b[:], v); return }
	// Layout: IFD0 at 8 with 3 entries (2 + 36 + 4 = 42 bytes), "Phone\0"
	// at 50, the GPS IFD at 56 with 4 entries (2 + 48 + 4 = 54 bytes), its
	// rationals at 110.
	ifd0 := []ifdEntry{
		{0x010f, 2, 6, long(50)},           // Make
		{0x0112, 3, 1, short(orientation)}, // Orientation
		{0x8825, 4, 1, long(56)},           // GPSInfo
	}
	gps := []ifdEntry{
		{0x0001, 2, 2, [4]byte{'N'}}, // GPSLatitudeRef
		{0x0002, 5, 3, long(110)},    // GPSLatitude
		{0x0003, 2, 2, [4]byte{'E'}}, // GPSLongitudeRef
		{0x0004, 5, 3, long(134)},    // GPSLongitude
	}
	writeIFD := func(es []ifdEntry) {
		w(uint16(len(es)))
		for _, e := range es {
			w(e.tag)
			w(e.typ)
			w(e.count)
			t.Write(e.value[:])
		}
		w(uint32(0)) // no next IFD
	}
	writeIFD(ifd0)
	t.WriteString("Phone\x00")
	writeIFD(gps)
	for _, r := range []uint32{52, 1, 22, 1, 0, 1, 4, 1, 53, 1, 0, 1} {
		w(r)
	}
	return Segment(0xe1, append([]byte("Exif\x00\x00"), t.Bytes()...))
}

// XMP and Comment are the other metadata segments phones and editors
// write.
var (
	XMP     = Segment(0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>52,22N</exif:GPSLatitude></x:xmpmeta>"))
	Comment = Segment(0xfe, []byte("taken at home"))
)

// Private lists byte strings of the metadata above, none of which a
// stripped image may contain.
var Private = []string{"Exif", "GPS", "xap", "Phone", "taken at home"}

// Photo returns a phone photo: a 4032 × 3024 JPEG stored sideways with
// EXIF orientation 6, a GPS position, XMP and a comment. Upright, it is
// 3024 × 4032 with red, green, blue and white quarters.
func Photo(t testing.TB) []byte {
	t.Helper()
	// Orientation 6 is displayed by turning the stored image clockwise,
	// so it is stored turned anticlockwise.
	stored := Quadrants(4032, 3024, Green, White, Red, Blue)
	return WithSegments(JPEG(t, stored), EXIF(binary.BigEndian, 6), XMP, Comment)
}

// PhotoLike returns a w × h JPEG with a phone photo's EXIF (orientation
// 6, GPS) whose pixels are gradients under noise, so that it costs to
// decode what a photo costs: 4032 × 3024 makes a file of about 5 MB.
func PhotoLike(t testing.TB, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(7)
	clamp := func(v int) uint8 { return uint8(min(max(v, 0), 255)) }
	for y := range h {
		for i := range w {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			n := int(x%48) - 24
			p := m.Pix[y*m.Stride+4*i:]
			p[0] = clamp(255*i/w + n)
			p[1] = clamp(255*y/h + n)
			p[2] = clamp(128 + n)
			p[3] = 255
		}
	}
	return WithSegments(JPEG(t, m), EXIF(binary.BigEndian, 6))
}

// MetadataSegments returns the markers of a JPEG's segments, before its
// image data, that can carry metadata: APP0 to APP15 and COM. It fails
// the test if the JPEG's segments cannot be followed.
func MetadataSegments(t testing.TB, j []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(j, []byte{0xff, 0xd8}) {
		t.Fatalf("not a JPEG")
	}
	var found []byte
	for i := 2; ; {
		if i+4 > len(j) || j[i] != 0xff {
			t.Fatalf("JPEG segments broken at byte %d", i)
		}
		marker := j[i+1]
		if marker == 0xda { // SOS: image data follows
			return found
		}
		if 0xe0 <= marker && marker <= 0xef || marker == 0xfe {
			found = append(found, marker)
		}
		i += 2 + int(binary.BigEndian.Uint16(j[i+2:]))
	}
}

// PNGChunk makes a PNG chunk.
func PNGChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// BombSide is the width and height of the bombs.
const BombSide = 50_000

// PNGBomb returns a real decompression bomb: a valid PNG of 50,000 ×
// 50,000 one-bit pixels, 312 MB once inflated, 2.5 gigapixels once
// decoded, in about 400 KB. Its IDAT repeats one deflate block of 64 KiB
// of zeros, whose back-references stay inside it.
func PNGBomb() []byte {
	raw := int64(BombSide) * (1 + BombSide/8) // a filter byte and 6250 bytes a row
	const chunk = 1 << 16
	var block bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&block, zlib.BestCompression)
	zw.Write(make([]byte, chunk))
	zw.Flush()
	header, body := block.Bytes()[:2], bytes.Clone(block.Bytes()[2:])
	var idat bytes.Buffer
	idat.Write(header)
	for range raw / chunk {
		idat.Write(body)
	}
	block.Reset()
	tail, _ := zlib.NewWriterLevel(&block, zlib.BestCompression)
	tail.Write(make([]byte, raw%chunk))
	tail.Close()
	// The tail's own zlib header is dropped and its checksum replaced
	// by that of the whole stream: n zero bytes have Adler-32 (n mod
	// 65521) << 16 | 1.
	idat.Write(block.Bytes()[2 : block.Len()-4])
	binary.Write(&idat, binary.BigEndian, uint32(raw%65521)<<16|1)

	ihdr := binary.BigEndian.AppendUint32(nil, BombSide)
	ihdr = binary.BigEndian.AppendUint32(ihdr, BombSide)
	ihdr = append(ihdr, 1, 0, 0, 0, 0) // 1-bit greyscale
	p := []byte("\x89PNG\r\n\x1a\n")
	p = append(p, PNGChunk("IHDR", ihdr)...)
	p = append(p, PNGChunk("IDAT", idat.Bytes())...)
	return append(p, PNGChunk("IEND", nil)...)
}

// JPEGBomb returns a small JPEG whose frame header says 50,000 × 50,000.
func JPEGBomb(t testing.TB) []byte {
	t.Helper()
	j := JPEG(t, image.NewGray(image.Rect(0, 0, 16, 16)))
	i := bytes.Index(j, []byte{0xff, 0xc0}) // SOF0: length, precision, height, width
	binary.BigEndian.PutUint16(j[i+5:], BombSide)
	binary.BigEndian.PutUint16(j[i+7:], BombSide)
	return j
}
