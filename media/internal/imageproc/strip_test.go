package imageproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/webp"

	"github.com/assetgen/assetgen/internal/imagetest"
)

func TestStripJPEG(t *testing.T) {
	stored := imagetest.Quadrants(300, 400, imagetest.Green, imagetest.White, imagetest.Red, imagetest.Blue) // orientation 6
	src := imagetest.WithSegments(imagetest.JPEG(t, stored), imagetest.EXIF(binary.BigEndian, 6), imagetest.XMP, imagetest.Comment)
	// Some phones append a second image, with its own EXIF, after EOI.
	src = append(src, imagetest.WithSegments(imagetest.JPEG(t, imagetest.Noise(8, 8)), imagetest.EXIF(binary.LittleEndian, 1))...)
	v, err := Strip(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Format != JPEG || v.Width != 400 || v.Height != 300 {
		t.Fatalf("Strip gave a %d×%d %v, want a 400×300 JPEG", v.Width, v.Height, v.Format)
	}
	imagetest.WantQuadrants(t, decodeVariant(t, v), imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
	if md := imagetest.MetadataSegments(t, v.Data); len(md) != 0 {
		t.Errorf("metadata segments % x, want none", md)
	}
	for _, s := range []string{"Exif", "xap", "taken at home"} {
		if bytes.Contains(v.Data, []byte(s)) {
			t.Errorf("stripped JPEG contains %q", s)
		}
	}
	if !bytes.HasSuffix(v.Data, []byte{0xff, markerEOI}) || bytes.Count(v.Data, []byte{0xff, markerSOI}) != 1 {
		t.Errorf("stripped JPEG is not one image")
	}
}

func TestStripPNG(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    image.Image
	}{
		{"NRGBA", func() image.Image {
			m := image.NewNRGBA(image.Rect(0, 0, 20, 10))
			for i := range m.Pix {
				m.Pix[i] = uint8(i * 7)
			}
			return m
		}()},
		{"paletted with transparency", func() image.Image {
			m := image.NewPaletted(image.Rect(0, 0, 20, 10), color.Palette{color.NRGBA{}, color.NRGBA{255, 0, 0, 128}, imagetest.Blue})
			for i := range m.Pix {
				m.Pix[i] = uint8(i % 3)
			}
			return m
		}()},
		{"16-bit grey", func() image.Image {
			m := image.NewGray16(image.Rect(0, 0, 20, 10))
			for i := range m.Pix {
				m.Pix[i] = uint8(i * 13)
			}
			return m
		}()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plain := imagetest.PNG(t, tt.m)
			src := withPNGChunks(plain,
				imagetest.PNGChunk("tEXt", []byte("Author\x00Jane Doe")),
				imagetest.PNGChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>")),
				imagetest.PNGChunk("eXIf", imagetest.EXIF(binary.BigEndian, 1)[10:]),
				imagetest.PNGChunk("tIME", []byte{0x07, 0xea, 11, 30, 12, 0, 0}))
			v, err := Strip(src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, typ := range pngChunkTypes(v.Data) {
				if typ != "IHDR" && typ != "PLTE" && typ != "tRNS" && typ != "IDAT" && typ != "IEND" {
					t.Errorf("stripped PNG has a %s chunk", typ)
				}
			}
			got, err := png.Decode(bytes.NewReader(v.Data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.m, got); diff != "" {
				t.Errorf("pixels changed (-want +got):\n%s", diff)
			}
		})
	}
}

// animatedGIF returns a two-frame GIF that loops three times, with a
// comment, an XMP application extension and bytes after its trailer.
func animatedGIF(t testing.TB) (plain, withMetadata []byte) {
	t.Helper()
	pal := color.Palette{color.RGBA{}, imagetest.Red, imagetest.Blue}
	a := image.NewPaletted(image.Rect(0, 0, 16, 16), pal)
	b := image.NewPaletted(image.Rect(4, 4, 12, 12), pal)
	for i := range a.Pix {
		a.Pix[i] = 1
	}
	for i := range b.Pix {
		b.Pix[i] = 2
	}
	var buf bytes.Buffer
	err := gif.EncodeAll(&buf, &gif.GIF{
		Image: []*image.Paletted{a, b}, Delay: []int{10, 20}, LoopCount: 3,
		Disposal: []byte{gif.DisposalNone, gif.DisposalBackground},
	})
	if err != nil {
		t.Fatal(err)
	}
	plain = buf.Bytes()
	comment := []byte("\x21\xfe\x0dtaken at home\x00")
	xmp := []byte("\x21\xff\x0bXMP DataXMP\x0c<x:xmpmeta/>\x00")
	// Insert both before the first image descriptor, after the loop
	// extension, and append bytes after the trailer.
	i := bytes.IndexByte(plain[13+3*4+19:], 0x21) + 13 + 3*4 + 19
	withMetadata = append(append(append(append([]byte(nil), plain[:i]...), comment...), xmp...), plain[i:]...)
	return plain, append(withMetadata, "trailing GPS 52N"...)
}

func TestStripGIF(t *testing.T) {
	plain, src := animatedGIF(t)
	want, err := gif.DecodeAll(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gif.DecodeAll(bytes.NewReader(src)); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	v, err := Strip(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v.Data, plain) {
		t.Errorf("stripped GIF differs from the GIF without metadata:\n got % x\nwant % x", v.Data, plain)
	}
	got, err := gif.DecodeAll(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Image) != 2 || got.LoopCount != want.LoopCount || !cmp.Equal(got.Delay, want.Delay) {
		t.Errorf("stripped GIF has %d frames, loop %d, delays %v", len(got.Image), got.LoopCount, got.Delay)
	}
}

// riffChunk makes a RIFF chunk, padded to an even size.
func riffChunk(fourcc string, data []byte) []byte {
	c := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// webpWithMetadata returns the WebP file name with EXIF and XMP chunks
// appended, the VP8X flags saying so, and bytes after the RIFF chunk.
func webpWithMetadata(t testing.TB, name string) []byte {
	t.Helper()
	w := readTestdata(t, name)
	w = append(w, riffChunk("EXIF", imagetest.EXIF(binary.LittleEndian, 1)[10:])...)
	w = append(w, riffChunk("XMP ", []byte("<x:xmpmeta>52N</x:xmpmeta>"))...)
	w = append(w, riffChunk("ZZZZ", []byte("odd"))...)
	binary.LittleEndian.PutUint32(w[4:], uint32(len(w)-8))
	w[20] |= 0x08 | 0x04
	return append(w, "trailing"...)
}

func TestStripWebP(t *testing.T) {
	const name = "yellow_rose.lossy-with-alpha.webp"
	orig := readTestdata(t, name)
	src := webpWithMetadata(t, name)
	if _, err := webp.Decode(bytes.NewReader(src)); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	v, err := Strip(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v.Data, orig) {
		t.Errorf("stripped WebP (%d bytes) differs from the WebP without metadata (%d bytes)", len(v.Data), len(orig))
	}
	if v.Format != WebP || v.ContentType() != "image/webp" {
		t.Errorf("format %v", v.Format)
	}
}

func TestStripRefused(t *testing.T) {
	_, animated := animatedGIF(t)
	w := webpWithMetadata(t, "yellow_rose.lossy-with-alpha.webp")
	for _, tt := range []struct {
		name string
		src  []byte
		want error
	}{
		{"text", []byte("hello"), ErrUnsupported},
		{"GIF without trailer", animated[:bytes.LastIndexByte(animated, 0x3b)], ErrCorrupt},
		{"GIF cut in a frame", animated[:len(animated)/2], ErrCorrupt},
		{"GIF with an unknown block", append(bytes.Clone(animated[:13+3*4]), 0x99), ErrCorrupt},
		{"WebP cut", w[:len(w)/2], ErrCorrupt},
		{"WebP chunk past the end", func() []byte {
			b := bytes.Clone(readTestdata(t, "blue-purple-pink.lossy.webp"))
			binary.LittleEndian.PutUint32(b[16:], 1<<30)
			return b
		}(), ErrCorrupt},
		{"GIF bomb", gifBomb(t), ErrTooLarge},
		{"PNG bomb", imagetest.PNGBomb(), ErrTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Strip(tt.src, Options{}); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzStrip(f *testing.F) {
	_, animated := animatedGIF(f)
	f.Add(animated)
	f.Add(webpWithMetadata(f, "yellow_rose.lossy-with-alpha.webp"))
	f.Add(readTestdata(f, "gopher-doc.with-alpha.lossless.webp"))
	f.Add(imagetest.WithSegments(imagetest.JPEG(f, imagetest.Noise(16, 8)), imagetest.EXIF(binary.BigEndian, 7)))
	f.Add(withPNGChunks(imagetest.PNG(f, imagetest.Noise(8, 8)), imagetest.PNGChunk("tEXt", []byte("a\x00b"))))
	f.Fuzz(func(t *testing.T, src []byte) {
		o := Options{MaxPixels: 1 << 20}
		v, err := Strip(src, o)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		info, err := Probe(bytes.NewReader(v.Data), o)
		if err != nil {
			t.Fatalf("stripped image does not probe: %v", err)
		}
		if info.Format != v.Format {
			t.Fatalf("stripped %v is a %v", v.Format, info.Format)
		}
		// Stripping what is stripped changes nothing, where it copies.
		if v.Format == GIF || v.Format == WebP {
			again, err := Strip(v.Data, o)
			if err != nil || !bytes.Equal(again.Data, v.Data) {
				t.Fatalf("Strip is not idempotent: %v", err)
			}
		}
	})
}
