package dirstat

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRegular checks that Regular, which find.Winner calls for each
// source directory, agrees with os.Stat of the joined path for any
// logical path: files, directories, links to files and to directories,
// missing names, a NUL byte, and a path too long for Regular's buffer.
func FuzzRegular(f *testing.F) {
	long := strings.Repeat("d", 200)
	deep := strings.Join([]string{long, long, long, long, long, "deep.css"}, "/")
	for _, p := range []string{"x.css", "a/y.js", "a", "link.css", "vendor/lib.js", "vendor", "missing.css", "x.css\x00.png", "x.css/", deep, deep + "x"} {
		f.Add(p)
	}
	root := f.TempDir()
	dir := filepath.Join(root, "s")
	for name, data := range map[string]string{"s/x.css": "x", "s/a/y.js": "yy", "lib/lib.js": "lib", "s/" + deep: "deep"} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	for link, target := range map[string]string{"link.css": "x.css", "vendor": "../lib"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			f.Skipf("symbolic links: %v", err)
		}
	}
	for _, p := range []string{"x.css", "link.css", "vendor/lib.js", deep} {
		if _, _, ok := Regular(dir, filepath.FromSlash(p)); !ok {
			f.Fatalf("Regular(%q): no file", p)
		}
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !fs.ValidPath(p) {
			return // find.Winner asks only for these
		}
		name := filepath.FromSlash(p)
		size, mtime, ok := Regular(dir, name)
		fi, err := os.Stat(filepath.Join(dir, name))
		wantOK := err == nil && fi.Mode().IsRegular()
		if ok != wantOK || ok && (size != fi.Size() || !mtime.Equal(fi.ModTime())) {
			t.Fatalf("Regular(%q) = %d %v %v, os.Stat %v %v", p, size, mtime, ok, fi, err)
		}
	})
}
