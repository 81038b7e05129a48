package media_test

import (
	"bytes"
	"encoding/json"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/assetgen/assetgen/internal/imagetest"
	"github.com/assetgen/assetgen/media"
)

// TestRealPhotoVariants uploads the photos of the exif package (real
// cameras' files: a Sony α6000's 24-megapixel JPEG, a phone's
// 13-megapixel one, files turned by their EXIF orientation; fetched from
// the npm registry, never committed) and asks for a variant of each. The
// package's own readings of the files (NAME.json) say each one's
// orientation, so the expected upright size does not come from our
// parser: Stat's Width and Height must be it, and the variant must be 320
// wide (or the photo itself, if narrower) with the same proportions,
// with no metadata left.
func TestRealPhotoVariants(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches a package from the npm registry; skipped with -short")
	}
	photos := imagetest.NPMPhotos(t, "exif", "0.6.0", t.TempDir(), 10)
	s := openStore(t, t.TempDir(), media.Images(media.ImageOptions{Widths: []int{320}}))
	turned := 0
	for _, p := range photos {
		t.Run(filepath.Base(p), func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			c, err := jpeg.DecodeConfig(bytes.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			w, h := c.Width, c.Height
			if o := exifOrientation(t, p+".json"); o >= 5 {
				w, h = h, w // turned a quarter: upright is the other way round
				turned++
			}
			name := save(t, s, filepath.Base(p), src)
			info, err := s.Stat(t.Context(), name)
			if err != nil {
				t.Fatal(err)
			}
			if info.Width != w || info.Height != h {
				t.Errorf("Stat: %d×%d, want %d×%d upright", info.Width, info.Height, w, h)
			}
			resp := get(s.Handler(), "GET", "/media/"+name+"?w=320")
			if w <= 320 {
				if resp.Code != 200 || !bytes.Equal(resp.Body.Bytes(), src) {
					t.Errorf("?w=320 of a %d-pixel-wide photo: %d, %d bytes; want the photo itself", w, resp.Code, resp.Body.Len())
				}
				return
			}
			checkVariant(t, resp, "image/jpeg", 320, (320*h+w/2)/w)
			if md := imagetest.MetadataSegments(t, resp.Body.Bytes()); len(md) != 0 {
				t.Errorf("variant has metadata segments % x; want none", md)
			}
		})
	}
	if turned == 0 {
		t.Error("no photo was turned by its orientation: the test lost its point")
	}
}

// exifOrientation is the Orientation the exif package read from a
// photo, in the NAME.json beside it: 1 where it has none.
func exifOrientation(t *testing.T, path string) int {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 1
	}
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Image struct{ Orientation int }
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return max(v.Image.Orientation, 1)
}
