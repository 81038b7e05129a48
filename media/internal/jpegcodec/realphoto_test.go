package jpegcodec

import (
	"bytes"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/internal/testenv"
)

// photoPackages are npm packages whose tarballs hold real photographs
// with their cameras' own encodings: a Sony α6000's 24-megapixel JPEG and
// a phone's 13-megapixel one with their maker notes and EXIF thumbnails
// (exif's test files), and Nikon files with restart markers (exif-js's
// examples). The test fetches them (testenv.NPM); they are never
// committed.
var photoPackages = []struct{ name, version string }{
	{"exif", "0.6.0"},
	{"exif-js", "2.3.0"},
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
		d := filepath.Join(dir, p.name)
		testenv.NPM(t, p.name, p.version, d)
		err := filepath.WalkDir(d, func(path string, e fs.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() && strings.EqualFold(filepath.Ext(path), ".jpg") {
				photos = append(photos, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A package that dropped its photos would pass with none.
	if len(photos) < 14 {
		t.Fatalf("%d photos in %v, want the 14 they held", len(photos), photoPackages)
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
