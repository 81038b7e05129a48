package jpegcodec

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/assetgen/assetgen/internal/imagetest"
)

// photoPackages are npm packages whose tarballs hold real photographs
// with their cameras' own encodings: a Sony α6000's 24-megapixel JPEG and
// a phone's 13-megapixel one with their maker notes and EXIF thumbnails
// (exif's test files), and Nikon files with restart markers (exif-js's
// examples). The test fetches them (imagetest.NPMPhotos); they are never
// committed.
var photoPackages = []struct {
	name, version string
	photos        int
}{
	{"exif", "0.6.0", 10},
	{"exif-js", "2.3.0", 4},
}

// TestRealPhotos decodes every JPEG of photoPackages at every scale and
// compares it with image/jpeg's decoding, as TestDecode does the
// standard library's test images: the same pixels at 8/8, and at least
// minPSNR from a box-filtered full decode below it.
func TestRealPhotos(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches packages from the npm registry; skipped with -short")
	}
	dir := t.TempDir()
	var photos []string
	for _, p := range photoPackages {
		photos = append(photos, imagetest.NPMPhotos(t, p.name, p.version, filepath.Join(dir, p.name), p.photos)...)
	}
	for _, p := range photos {
		name, _ := filepath.Rel(dir, p)
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			// Options.Rows is checked by copying the rows it reports
			// each time, which costs the square of the image's size:
			// up to a megapixel.
			c, err := jpeg.DecodeConfig(bytes.NewReader(src))
			if err != nil {
				t.Fatalf("image/jpeg: %v", err)
			}
			compare(t, src, minPSNR, 0, c.Width*c.Height <= 1<<20)
		})
	}
}
