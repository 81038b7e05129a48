package imageproc

import (
	"encoding/binary"
	"testing"

	"github.com/assetgen/assetgen/internal/imagetest"
)

func TestJPEGOrientation(t *testing.T) {
	jpg := imagetest.JPEG(t, imagetest.Noise(8, 8))
	le := func(o uint16) []byte { return imagetest.EXIF(binary.LittleEndian, o) }
	// tiff returns an APP1 EXIF segment holding the TIFF bytes t.
	tiff := func(t string) []byte { return imagetest.Segment(markerAPP1, []byte("Exif\x00\x00"+t)) }
	for _, tt := range []struct {
		name string
		src  []byte
		want int
	}{
		// Garbage first.
		{"empty", nil, 1},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"SOI only", []byte("\xff\xd8"), 1},
		{"no marker after SOI", []byte("\xff\xd8\x00\xff\xe1"), 1},
		{"fill bytes to the end", []byte("\xff\xd8\xff\xff\xff"), 1},
		{"length past the end", []byte("\xff\xd8\xff\xe1\x10\x00Exif\x00\x00"), 1},
		{"length below 2", []byte("\xff\xd8\xff\xe1\x00\x01Exif\x00\x00MM\x00\x2a"), 1},
		{"bad byte order", imagetest.WithSegments(jpg, tiff("XX\x00\x2a\x00\x00\x00\x08")), 1},
		{"not 42", imagetest.WithSegments(jpg, tiff("MM\x00\x2b\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00")), 1},
		{"IFD0 past the end", imagetest.WithSegments(jpg, tiff("MM\x00\x2a\xff\xff\xff\xf0")), 1},
		{"entries past the end", imagetest.WithSegments(jpg, tiff("MM\x00\x2a\x00\x00\x00\x08\x00\x05\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00")), 6},
		{"entry cut short", imagetest.WithSegments(jpg, tiff("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00")), 1},
		{"orientation 0", imagetest.WithSegments(jpg, le(0)), 1},
		{"orientation 9", imagetest.WithSegments(jpg, le(9)), 1},
		{"orientation as a LONG", imagetest.WithSegments(jpg, tiff("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x04\x00\x00\x00\x01\x00\x00\x00\x06")), 1},
		{"orientation count 2", imagetest.WithSegments(jpg, tiff("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x02\x00\x06\x00\x06")), 1},
		{"EXIF after SOS is image data", append(append([]byte(nil), jpg...), le(6)...), 1},
		// Valid.
		{"none", jpg, 1},
		{"little-endian 6", imagetest.WithSegments(jpg, le(6)), 6},
		{"big-endian 8", imagetest.WithSegments(jpg, imagetest.EXIF(binary.BigEndian, 8)), 8},
		{"after XMP and a comment", imagetest.WithSegments(jpg, imagetest.XMP, imagetest.Comment, le(3)), 3},
		{"after fill bytes", imagetest.WithSegments(jpg, []byte{0xff, 0xff}, le(5)), 5},
		{"only tag", imagetest.WithSegments(jpg, tiff("II\x2a\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x07\x00\x00\x00")), 7},
		{"first EXIF wins", imagetest.WithSegments(jpg, le(2), le(4)), 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := jpegOrientation(tt.src); got != tt.want {
				t.Errorf("jpegOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func FuzzOrientation(f *testing.F) {
	jpg := imagetest.JPEG(f, imagetest.Noise(8, 8))
	for o := range uint16(10) {
		f.Add(imagetest.WithSegments(jpg, imagetest.EXIF(binary.LittleEndian, o)))
		f.Add(imagetest.WithSegments(jpg, imagetest.XMP, imagetest.EXIF(binary.BigEndian, o)))
	}
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x0eExif\x00\x00MM\x00\x2a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := jpegOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		for seg := range jpegSegments(b) {
			if len(seg.data) > len(b) {
				t.Fatalf("segment longer than its JPEG")
			}
		}
	})
}
