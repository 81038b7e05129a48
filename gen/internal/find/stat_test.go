package find

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzStatFile checks that statFile, which Winner calls for each source
// directory, agrees with os.Stat of the joined path for any logical
// path: files, directories, links to files and to directories, missing
// names, a NUL byte, and a path too long for statFile's buffer.
func FuzzStatFile(f *testing.F) {
	long := strings.Repeat("d", 200)
	deep := strings.Join([]string{long, long, long, long, long, "deep.css"}, "/")
	for _, p := range []string{"x.css", "a/y.js", "a", "link.css", "vendor/lib.js", "vendor", "missing.css", "x.css\x00.png", "x.css/", deep, deep + "x"} {
		f.Add(p)
	}
	root := tree(f, map[string]string{"s/x.css": "x", "s/a/y.js": "yy", "lib/lib.js": "lib", "s/" + deep: "deep"})
	dir := filepath.Join(root, "s")
	for link, target := range map[string]string{"link.css": "x.css", "vendor": "../lib"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			f.Skipf("symbolic links: %v", err)
		}
	}
	for _, p := range []string{"x.css", "link.css", "vendor/lib.js", deep} {
		if _, ok := statFile(dir, filepath.FromSlash(p)); !ok {
			f.Fatalf("statFile(%q): no file", p)
		}
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !fs.ValidPath(p) {
			return // holders stats only these
		}
		name := filepath.FromSlash(p)
		got, gotOK := statFile(dir, name)
		want, wantOK := statPath(dir, name)
		if gotOK != wantOK || got.Size != want.Size || !got.ModTime.Equal(want.ModTime) {
			t.Fatalf("statFile(%q) = %+v %v, os.Stat %+v %v", p, got, gotOK, want, wantOK)
		}
	})
}
