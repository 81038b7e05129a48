package imageproc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/imagetest"
)

// decodeVariant decodes v with the decoder of the format it claims,
// failing the test if that is not what its bytes are.
func decodeVariant(t *testing.T, v Variant) image.Image {
	t.Helper()
	m, format, err := image.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatalf("variant does not decode: %v", err)
	}
	if want := map[Format]string{JPEG: "jpeg", PNG: "png", GIF: "gif"}[v.Format]; format != want {
		t.Fatalf("variant is %s, says %v", format, v.Format)
	}
	if b := m.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
		t.Fatalf("variant is %d×%d, says %d×%d", b.Dx(), b.Dy(), v.Width, v.Height)
	}
	return m
}

func TestResizePhoto(t *testing.T) {
	src := imagetest.Photo(t)
	if got := jpegOrientation(src); got != 6 {
		t.Fatalf("fixture orientation = %d, want 6", got)
	}
	v, err := Resize(src, 640, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Format != JPEG || v.ContentType() != "image/jpeg" {
		t.Errorf("format = %v (%s), want JPEG", v.Format, v.ContentType())
	}
	// Upright, the 4032 × 3024 stored image is 3024 × 4032: 640 wide is
	// 853 high.
	m := decodeVariant(t, v)
	if v.Width != 640 || v.Height != 853 {
		t.Errorf("variant is %d×%d, want 640×853", v.Width, v.Height)
	}
	imagetest.WantQuadrants(t, m, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
	if md := imagetest.MetadataSegments(t, v.Data); len(md) != 0 {
		t.Errorf("variant has metadata segments % x, want none", md)
	}
	for _, s := range imagetest.Private {
		if bytes.Contains(v.Data, []byte(s)) {
			t.Errorf("variant contains %q", s)
		}
	}
	if len(v.Data) > len(src)/10 {
		t.Errorf("variant is %d bytes, source %d", len(v.Data), len(src))
	}
}

// TestResizeOrientation checks every EXIF orientation: each source is the
// same 400 × 300 picture (imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White quarters) stored as that
// orientation says, in both TIFF byte orders.
func TestResizeOrientation(t *testing.T) {
	for _, tt := range []struct {
		orientation    uint16
		w, h           int
		tl, tr, bl, br color.RGBA // as stored
	}{
		{1, 400, 300, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White},
		{2, 400, 300, imagetest.Green, imagetest.Red, imagetest.White, imagetest.Blue}, // mirrored
		{3, 400, 300, imagetest.White, imagetest.Blue, imagetest.Green, imagetest.Red}, // turned 180°
		{4, 400, 300, imagetest.Blue, imagetest.White, imagetest.Red, imagetest.Green}, // mirrored top to bottom
		{5, 300, 400, imagetest.Red, imagetest.Blue, imagetest.Green, imagetest.White}, // transposed
		{6, 300, 400, imagetest.Green, imagetest.White, imagetest.Red, imagetest.Blue}, // turned anticlockwise
		{7, 300, 400, imagetest.White, imagetest.Green, imagetest.Blue, imagetest.Red}, // transversed
		{8, 300, 400, imagetest.Blue, imagetest.Red, imagetest.White, imagetest.Green}, // turned clockwise
	} {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			t.Run(fmt.Sprintf("%d/%v", tt.orientation, order), func(t *testing.T) {
				stored := imagetest.Quadrants(tt.w, tt.h, tt.tl, tt.tr, tt.bl, tt.br)
				src := imagetest.WithSegments(imagetest.JPEG(t, stored), imagetest.EXIF(order, tt.orientation))
				info, err := Probe(bytes.NewReader(src), Options{})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(Info{Format: JPEG, Width: 400, Height: 300, Orientation: int(tt.orientation)}, info); diff != "" {
					t.Errorf("Probe (-want +got):\n%s", diff)
				}
				v, err := Resize(src, 200, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if v.Width != 200 || v.Height != 150 {
					t.Errorf("variant is %d×%d, want 200×150", v.Width, v.Height)
				}
				imagetest.WantQuadrants(t, decodeVariant(t, v), imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
			})
		}
	}
}

func TestResizePNGKeepsAlpha(t *testing.T) {
	// Opaque imagetest.Red left, half-transparent imagetest.Blue top right, clear bottom right.
	m := image.NewNRGBA(image.Rect(0, 0, 600, 400))
	for y := range 400 {
		for x := range 600 {
			switch {
			case x < 300:
				m.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
			case y < 200:
				m.SetNRGBA(x, y, color.NRGBA{0, 0, 255, 128})
			}
		}
	}
	src := withPNGChunks(imagetest.PNG(t, m),
		imagetest.PNGChunk("tEXt", []byte("Comment\x00taken at home")),
		imagetest.PNGChunk("eXIf", imagetest.EXIF(binary.BigEndian, 1)[10:]))
	v, err := Resize(src, 300, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Format != PNG {
		t.Fatalf("format = %v, want PNG", v.Format)
	}
	got := decodeVariant(t, v)
	if v.Width != 300 || v.Height != 200 {
		t.Errorf("variant is %d×%d, want 300×200", v.Width, v.Height)
	}
	for _, p := range []struct {
		x, y int
		want color.NRGBA
	}{
		{75, 100, color.NRGBA{255, 0, 0, 255}},
		{225, 50, color.NRGBA{0, 0, 255, 128}},
		{225, 150, color.NRGBA{0, 0, 0, 0}},
	} {
		c := color.NRGBAModel.Convert(got.At(p.x, p.y)).(color.NRGBA)
		if c.A != p.want.A || (c.A != 0 && c != p.want) {
			t.Errorf("pixel (%d, %d) = %v, want %v", p.x, p.y, c, p.want)
		}
	}
	if diff := cmp.Diff([]string{"IHDR", "IDAT", "IEND"}, pngChunkTypes(v.Data)); diff != "" {
		t.Errorf("variant's chunks (-want +got):\n%s", diff)
	}
}

func TestResizeGIF(t *testing.T) {
	// A 200 × 100 screen whose first frame covers only its right half:
	// the left half of the screen is clear, then imagetest.Red, then clear.
	src := gifImage(t, 200, 100, image.Rect(100, 0, 200, 100))
	v, err := Resize(src, 100, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Format != PNG || v.Width != 100 || v.Height != 50 {
		t.Fatalf("variant is a %d×%d %v, want a 100×50 PNG", v.Width, v.Height, v.Format)
	}
	m := decodeVariant(t, v)
	for _, p := range []struct {
		x    int
		want color.RGBA
	}{{25, color.RGBA{}}, {62, imagetest.Red}, {87, color.RGBA{}}} {
		r, g, b, a := m.At(p.x, 25).RGBA()
		if got := (color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}); got != p.want {
			t.Errorf("pixel (%d, 25) = %v, want %v", p.x, got, p.want)
		}
	}
}

func TestResizeWebP(t *testing.T) {
	for _, tt := range []struct {
		file string
		want Format
	}{
		{"blue-purple-pink.lossy.webp", JPEG},
		{"gopher-doc.with-alpha.lossless.webp", PNG},
		{"yellow_rose.lossy-with-alpha.webp", PNG},
	} {
		t.Run(tt.file, func(t *testing.T) {
			src := readTestdata(t, tt.file)
			info, err := Probe(bytes.NewReader(src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			v, err := Resize(src, info.Width/2, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if v.Format != tt.want {
				t.Errorf("format = %v, want %v", v.Format, tt.want)
			}
			decodeVariant(t, v)
			if v.Width != info.Width/2 {
				t.Errorf("width = %d, want %d", v.Width, info.Width/2)
			}
		})
	}
}

func TestResizeServeSource(t *testing.T) {
	// Stored 300 × 400 turned anticlockwise: upright it is 400 wide.
	sideways := imagetest.WithSegments(imagetest.JPEG(t, imagetest.Quadrants(300, 400, imagetest.Green, imagetest.White, imagetest.Red, imagetest.Blue)), imagetest.EXIF(binary.LittleEndian, 6))
	for _, tt := range []struct {
		name  string
		width int
		want  error
	}{
		{"wider", 401, ErrServeSource},
		{"same", 400, ErrServeSource},
		{"narrower than upright but wider than stored", 399, nil},
		{"stored width", 300, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Resize(sideways, tt.width, Options{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err == nil && v.Width != tt.width {
				t.Errorf("width = %d, want %d", v.Width, tt.width)
			}
		})
	}
}

func TestResizeQuality(t *testing.T) {
	src := imagetest.JPEG(t, imagetest.Noise(400, 300))
	size := func(q int) int {
		v, err := Resize(src, 200, Options{Quality: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(v.Data)
	}
	low, def, high := size(30), size(0), size(95)
	if !(low < def && def < high) {
		t.Errorf("sizes at quality 30, default, 95 = %d, %d, %d; want increasing", low, def, high)
	}
	if def != size(DefaultQuality) {
		t.Errorf("quality 0 is not DefaultQuality")
	}
}

func TestRefused(t *testing.T) {
	jpg := imagetest.JPEG(t, imagetest.Quadrants(64, 64, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White))
	pngData := imagetest.PNG(t, imagetest.Quadrants(64, 64, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White))
	gifData := gifImage(t, 64, 64, image.Rect(0, 0, 64, 64))
	webp := readTestdata(t, "blue-purple-pink.lossy.webp")
	tests := []struct {
		name string
		src  []byte
		opts Options
		want error
	}{
		{"empty", nil, Options{}, ErrUnsupported},
		{"text", []byte("<svg onload=alert(1)>"), Options{}, ErrUnsupported},
		{"BMP", []byte("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"), Options{}, ErrUnsupported},
		{"JPEG signature only", []byte("\xff\xd8\xff"), Options{}, ErrCorrupt},
		{"RIFF not WebP", []byte("RIFF\x00\x00\x00\x00WAVEfmt "), Options{}, ErrUnsupported},
		{"PNG bomb", imagetest.PNGBomb(), Options{}, ErrTooLarge},
		{"JPEG bomb", imagetest.JPEGBomb(t), Options{}, ErrTooLarge},
		{"GIF bomb", gifBomb(t), Options{}, ErrTooLarge},
		{"over a low limit", jpg, Options{MaxPixels: 64*64 - 1}, ErrTooLarge},
		{"zero width", func() []byte {
			j := bytes.Clone(jpg)
			i := bytes.Index(j, []byte{0xff, 0xc0})
			binary.BigEndian.PutUint16(j[i+7:], 0)
			return j
		}(), Options{}, ErrCorrupt},
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"JPEG", jpg}, {"PNG", pngData}, {"GIF", gifData}, {"WebP", webp}} {
		for _, frac := range []int{2, 4, 8} {
			tests = append(tests, struct {
				name string
				src  []byte
				opts Options
				want error
			}{
				name: fmt.Sprintf("truncated %s to %d/%d", f.name, frac-1, frac),
				src:  f.data[:len(f.data)*(frac-1)/frac],
				want: ErrCorrupt,
			})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resize(tt.src, 8, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Resize: err = %v, want %v", err, tt.want)
			}
			if tt.want == ErrTooLarge {
				_, err := Probe(bytes.NewReader(tt.src), tt.opts)
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("Probe: err = %v, want %v", err, ErrTooLarge)
				}
				t.Log(err)
			}
		})
	}
}

// TestPNGBombIsReal checks that the bomb fixture is a valid PNG, so that
// TestRefused refuses a real one: its IDAT inflates, checksum included, to
// 50,000 rows of a filter byte and 6,250 bytes.
func TestPNGBombIsReal(t *testing.T) {
	if testing.Short() {
		t.Skip("inflates 312 MB")
	}
	b := imagetest.PNGBomb()
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != 50_000 || cfg.Height != 50_000 {
		t.Fatalf("DecodeConfig = %+v, %v", cfg, err)
	}
	idat := b[8+25+8 : len(b)-12-4]
	zr, err := zlib.NewReader(bytes.NewReader(idat))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(50_000 * 6_251); n != want {
		t.Errorf("inflated %d bytes, want %d", n, want)
	}
	t.Logf("bomb: %d bytes, inflating to %d", len(b), n)
}

func TestResizeBadWidth(t *testing.T) {
	for _, w := range []int{0, -1} {
		if _, err := Resize(imagetest.JPEG(t, imagetest.Noise(8, 8)), w, Options{}); err == nil {
			t.Errorf("Resize width %d: no error", w)
		}
	}
}

func FuzzResize(f *testing.F) {
	f.Add(imagetest.JPEG(f, imagetest.Quadrants(32, 24, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)))
	f.Add(imagetest.WithSegments(imagetest.JPEG(f, imagetest.Quadrants(24, 32, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)), imagetest.EXIF(binary.LittleEndian, 6)))
	f.Add(imagetest.PNG(f, imagetest.Quadrants(32, 24, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)))
	f.Add(gifImage(f, 32, 24, image.Rect(8, 0, 24, 24)))
	f.Add(readTestdata(f, "gopher-doc.with-alpha.lossless.webp"))
	f.Add(imagetest.JPEGBomb(f))
	f.Add(gifBomb(f))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, src []byte) {
		o := Options{MaxPixels: 1 << 20}
		v, err := Resize(src, 8, o)
		switch {
		case err == nil:
			if v.Width != 8 || v.Height < 1 {
				t.Fatalf("variant is %d×%d", v.Width, v.Height)
			}
			if _, _, err := image.Decode(bytes.NewReader(v.Data)); err != nil {
				t.Fatalf("variant does not decode: %v", err)
			}
		case errors.Is(err, ErrServeSource), errors.Is(err, ErrUnsupported),
			errors.Is(err, ErrCorrupt), errors.Is(err, ErrTooLarge):
		default:
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		if info, err := Probe(bytes.NewReader(src), o); err == nil {
			if info.Orientation < 1 || info.Orientation > 8 || int64(info.Width)*int64(info.Height) > o.MaxPixels {
				t.Fatalf("Probe = %+v", info)
			}
		}
	})
}

// TestVariantsEveryJPEGKind makes variants of the standard library's JPEG
// test images, which jpegcodec's tests keep (baseline and progressive,
// every chroma subsampling, restart markers, grey, RGB, CMYK), at widths
// that need each decoding scale: each decodes at the size asked for.
func TestVariantsEveryJPEGKind(t *testing.T) {
	files, err := filepath.Glob("../jpegcodec/testdata/*.jpeg")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test images: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			info, vs, err := variants(src, []int{120, 60, 30, 10}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 4 {
				t.Fatalf("%d variants of a %d-wide image, want 4", len(vs), info.Width)
			}
			for i, v := range vs {
				if want := []int{120, 60, 30, 10}[i]; v.Width != want || decodeVariant(t, v).Bounds().Dx() != want {
					t.Errorf("variant %d is %d wide, want %d", i, v.Width, want)
				}
			}
		})
	}
}

// TestVariantsReadError: Variants reads its source as it decodes, so a
// read that fails part way, at the header or in the pixels, is that
// error, not a corrupt image (a store failing is a 500, not a 422).
func TestVariantsReadError(t *testing.T) {
	src := imagetest.JPEG(t, imagetest.Noise(400, 300))
	failed := errors.New("the store went away")
	for _, n := range []int{0, 10, len(src) / 2, len(src) - 1} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			r := io.MultiReader(bytes.NewReader(src[:n]), iotest.ErrReader(failed))
			_, err := Variants(r, []int{100}, Options{}, func(Variant) error { return nil })
			if !errors.Is(err, failed) || errors.Is(err, ErrCorrupt) {
				t.Errorf("after %d bytes: %v, want the read's error", n, err)
			}
		})
	}
}

// TestVariantsFromRows checks that the first variant, made from the
// decoder's rows while it decodes the next (rowFeed), is the one made
// from the whole decoded image: the same bytes, for every kind of JPEG,
// an EXIF orientation that turns it, and a PNG.
func TestVariantsFromRows(t *testing.T) {
	files, err := filepath.Glob("../jpegcodec/testdata/*.jpeg")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test images: %v", err)
	}
	srcs := map[string][]byte{
		"noise":         imagetest.JPEG(t, imagetest.Noise(400, 300)),
		"noise, EXIF 6": imagetest.WithSegments(imagetest.JPEG(t, imagetest.Noise(300, 200)), imagetest.EXIF(binary.LittleEndian, 6)),
		"PNG":           imagetest.PNG(t, imagetest.Noise(190, 60)),
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[filepath.Base(f)] = src
	}
	for name, src := range srcs {
		for _, width := range []int{100, 70, 33, 12} {
			t.Run(fmt.Sprintf("%s at %d", name, width), func(t *testing.T) {
				info, vs, err := variants(src, []int{width}, Options{})
				if err != nil || len(vs) != 1 {
					t.Fatalf("%d variants, %v", len(vs), err)
				}
				m, err := decodePixels(bytes.NewReader(src), info, jpegScale(info, width), Options{}, nil)
				if err != nil {
					t.Fatal(err)
				}
				sw, sh := storedSize(info, width)
				want, err := encodeVariant(toImage(scalePlanes(planes(m), sw, sh), info.Orientation), variantFormat(info.Format, m), Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(vs[0].Data, want.Data) {
					t.Errorf("%d bytes from the rows, %d from the whole image: not the same", len(vs[0].Data), len(want.Data))
				}
			})
		}
	}
}
