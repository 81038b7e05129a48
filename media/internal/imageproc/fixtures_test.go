package imageproc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"testing"
)

// Test images are made here rather than committed, so that what each one
// holds is visible in code. Only the WebP ones are files (testdata/, from
// golang.org/x/image's tests, BSD licence), as the Go libraries cannot
// encode WebP.

var (
	red   = color.RGBA{255, 0, 0, 255}
	green = color.RGBA{0, 255, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// quadrants returns a w × h image whose quarters are the four colours.
func quadrants(w, h int, tl, tr, bl, br color.Color) *image.RGBA {
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

// wantQuadrants checks the colour at the middle of each quarter of m.
func wantQuadrants(t *testing.T, m image.Image, tl, tr, bl, br color.RGBA) {
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

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withSegments returns the JPEG j with the marker segments inserted after
// SOI, where cameras write theirs.
func withSegments(j []byte, segs ...[]byte) []byte {
	out := append([]byte(nil), j[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, j[2:]...)
}

// jpegSegment makes a marker segment.
func jpegSegment(marker byte, payload []byte) []byte {
	s := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// ifdEntry is one TIFF IFD entry; value holds the 4-byte value field.
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    [4]byte
}

// exifAPP1 makes an APP1 EXIF segment as a phone writes it: IFD0 with
// Make, Orientation and a pointer to a GPS IFD holding latitude and
// longitude (52°22'N, 4°53'E), in the given byte order.
func exifAPP1(order binary.ByteOrder, orientation uint16) []byte {
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
	return jpegSegment(markerAPP1, append([]byte("Exif\x00\x00"), t.Bytes()...))
}

// xmpAPP1 and comment are the other metadata segments phones and editors
// write.
var (
	xmpAPP1 = jpegSegment(markerAPP1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>52,22N</exif:GPSLatitude></x:xmpmeta>"))
	comment = jpegSegment(0xfe, []byte("taken at home"))
)

// photo returns the test's phone photo: a 4032 × 3024 JPEG stored sideways
// with EXIF orientation 6, a GPS position, XMP and a comment. Upright, it
// is 3024 × 4032 with red, green, blue and white quarters.
func photo(t testing.TB) []byte {
	t.Helper()
	// Orientation 6 is displayed by turning the stored image clockwise,
	// so it is stored turned anticlockwise.
	stored := quadrants(4032, 3024, green, white, red, blue)
	return withSegments(encodeJPEG(t, stored), exifAPP1(binary.BigEndian, 6), xmpAPP1, comment)
}

// pngChunk makes a PNG chunk.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// withPNGChunks returns the PNG p with chunks inserted after IHDR.
func withPNGChunks(p []byte, chunks ...[]byte) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	out := append([]byte(nil), p[:ihdrEnd]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[ihdrEnd:]...)
}

// pngBomb returns a real decompression bomb: a valid PNG of 50,000 ×
// 50,000 one-bit pixels, 312 MB once inflated, 2.5 gigapixels once
// decoded, in about 300 KB. Its IDAT repeats one deflate block of 64 KiB
// of zeros, whose back-references stay inside it.
func pngBomb(t testing.TB) []byte {
	t.Helper()
	const side = 50_000
	raw := int64(side) * (1 + side/8) // a filter byte and 6250 bytes a row
	const chunk = 1 << 16
	var block bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&block, zlib.BestCompression)
	zw.Write(make([]byte, chunk))
	zw.Flush()
	header, body := block.Bytes()[:2], append([]byte(nil), block.Bytes()[2:]...)
	var idat bytes.Buffer
	idat.Write(header)
	for range raw / chunk {
		idat.Write(body)
	}
	tail, _ := zlib.NewWriterLevel(&block, zlib.BestCompression)
	block.Reset()
	tail.Write(make([]byte, raw%chunk))
	tail.Close()
	// The tail's own zlib header is dropped and its checksum replaced
	// by that of the whole stream: n zero bytes have Adler-32 (n mod
	// 65521) << 16 | 1.
	end := block.Bytes()[2 : block.Len()-4]
	idat.Write(end)
	binary.Write(&idat, binary.BigEndian, uint32(raw%65521)<<16|1)

	ihdr := binary.BigEndian.AppendUint32(nil, side)
	ihdr = binary.BigEndian.AppendUint32(ihdr, side)
	ihdr = append(ihdr, 1, 0, 0, 0, 0) // 1-bit greyscale
	p := []byte("\x89PNG\r\n\x1a\n")
	p = append(p, pngChunk("IHDR", ihdr)...)
	p = append(p, pngChunk("IDAT", idat.Bytes())...)
	return append(p, pngChunk("IEND", nil)...)
}

// jpegBomb returns a small JPEG whose frame header says 50,000 × 50,000.
func jpegBomb(t testing.TB) []byte {
	t.Helper()
	j := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 16, 16)))
	i := bytes.Index(j, []byte{0xff, 0xc0}) // SOF0: length, precision, height, width
	binary.BigEndian.PutUint16(j[i+5:], 50_000)
	binary.BigEndian.PutUint16(j[i+7:], 50_000)
	return j
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
// frame: its left half red, its right half transparent.
func gifImage(t testing.TB, w, h int, frame image.Rectangle) []byte {
	t.Helper()
	m := image.NewPaletted(frame, color.Palette{color.RGBA{}, red})
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

// jpegMetadata returns the markers of a JPEG's segments that can carry
// metadata: APP0 to APP15 and COM.
func jpegMetadata(j []byte) []byte {
	var found []byte
	for seg := range jpegSegments(j) {
		if 0xe0 <= seg.marker && seg.marker <= 0xef || seg.marker == 0xfe {
			found = append(found, seg.marker)
		}
	}
	return found
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
