package find

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen/internal/dirstat"
)

var ignoreTests = []struct {
	name     string
	patterns []string
	path     string
	want     bool
}{
	{"DotFile", DefaultIgnore, ".env", true},
	{"DotDir", DefaultIgnore, "a/.git", true},
	{"Backup", DefaultIgnore, "css/app.css~", true},
	{"CVS", DefaultIgnore, "lib/CVS", true},
	{"EmacsAutosave", DefaultIgnore, "#app.css#", true},
	{"Plain", DefaultIgnore, "css/app.css", false},
	{"DotInside", DefaultIgnore, "jquery.min.js", false},
	{"BaseName", []string{"*.scss"}, "css/x.scss", true},
	{"LogicalPath", []string{"src/*"}, "src/main.ts", true},
	{"LogicalPathNotNested", []string{"src/*"}, "lib/src/main.ts", false},
	{"Exact", []string{"robots.txt"}, "robots.txt", true},
	{"None", nil, ".env", false},
}

func TestIgnored(t *testing.T) {
	for _, tt := range ignoreTests {
		t.Run(tt.name, func(t *testing.T) {
			ig, err := NewIgnorer(tt.patterns)
			if err != nil {
				t.Fatal(err)
			}
			if got := ig.Ignored(tt.path); got != tt.want {
				t.Errorf("Ignored(%q) with %q = %v, want %v", tt.path, tt.patterns, got, tt.want)
			}
		})
	}
}

func TestBadPattern(t *testing.T) {
	_, err := NewIgnorer([]string{"[a-"})
	want := `ignore pattern "[a-": syntax error in pattern; see path.Match for the syntax`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// tree writes files (path → content) under a temporary directory.
func tree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestWalkPrecedence(t *testing.T) {
	root := tree(t, map[string]string{
		"a/x.css":     "a",
		"b/x.css":     "b",
		"c/x.css":     "c",
		"b/only-b.js": "b",
		"c/sub/y.png": "c",
	})
	dirs := []string{filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")}
	ig, _ := NewIgnorer(DefaultIgnore)
	ms, err := Walk(context.Background(), dirs, ig)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Logical, Winner string
		Shadowed        []string
	}
	var got []row
	for _, m := range ms {
		r := row{Logical: m.Logical, Winner: rel(t, root, m.Winner.Path)}
		for _, s := range m.Shadowed {
			r.Shadowed = append(r.Shadowed, rel(t, root, s.Path))
		}
		got = append(got, r)
	}
	want := []row{
		{"only-b.js", "b/only-b.js", nil},
		{"sub/y.png", "c/sub/y.png", nil},
		{"x.css", "a/x.css", []string{"b/x.css", "c/x.css"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Walk (-want +got):\n%s", diff)
	}

	found, err := Lookup(dirs, ig, "x.css")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range found {
		paths = append(paths, rel(t, root, p))
	}
	if diff := cmp.Diff([]string{"a/x.css", "b/x.css", "c/x.css"}, paths); diff != "" {
		t.Errorf("Lookup (-want +got):\n%s", diff)
	}
}

// TestWalkPaths checks the paths Walk gives for directories named as a
// user may name them, relative and unclean, against filepath.Join of the
// directory and the logical path, and that each file's Info describes it
// as os.Stat does.
func TestWalkPaths(t *testing.T) {
	root := tree(t, map[string]string{"s/x.css": "x", "s/sub/deep/y.js": "yy"})
	t.Chdir(root)
	for _, dir := range []string{"s", "./s/", "s/sub/..", ".", root + string(filepath.Separator)} {
		ms, err := Walk(context.Background(), []string{dir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 {
			t.Fatalf("%q: %d files, want 2", dir, len(ms))
		}
		for _, m := range ms {
			src := m.Winner
			if want := filepath.Join(dir, filepath.FromSlash(m.Logical)); src.Path != want || src.Dir != dir {
				t.Errorf("%q: %s at %s in %s, want %s", dir, m.Logical, src.Path, src.Dir, want)
			}
			fi, err := os.Stat(src.Path)
			if err != nil {
				t.Fatal(err)
			}
			if src.Info.Size() != fi.Size() || !src.Info.ModTime().Equal(fi.ModTime()) || src.Info.Mode() != fi.Mode() || !dirstat.SameFile(src.Info, fi) {
				t.Errorf("%q: %s: Info %d %v %v, os.Stat %d %v %v", dir, m.Logical, src.Info.Size(), src.Info.ModTime(), src.Info.Mode(), fi.Size(), fi.ModTime(), fi.Mode())
			}
		}
	}
}

func TestLookupBadPath(t *testing.T) {
	for _, p := range []string{"", "/", "../etc/passwd", "/abs/x.css"} {
		if _, err := Lookup([]string{"."}, nil, p); err == nil {
			t.Errorf("Lookup(%q): no error", p)
		}
	}
}

func TestWalkCanceled(t *testing.T) {
	root := tree(t, map[string]string{"a/x.css": "a"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Walk(ctx, []string{filepath.Join(root, "a")}, nil); err != context.Canceled {
		t.Errorf("Walk with canceled context: %v, want context.Canceled", err)
	}
}

func rel(t *testing.T, root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(r)
}

// FuzzIgnored checks the compiled matchers against the definition: a
// pattern ignores a path if path.Match accepts its base name or the whole
// logical path.
func FuzzIgnored(f *testing.F) {
	for _, tt := range ignoreTests {
		for _, p := range tt.patterns {
			f.Add(p, tt.path)
		}
	}
	f.Add("src/*", "src/a/b")
	f.Add("a*", "a/b")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		ig, err := NewIgnorer([]string{pattern})
		if err != nil {
			return
		}
		base := p
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			base = p[i+1:]
		}
		m1, _ := path.Match(pattern, base)
		m2, _ := path.Match(pattern, p)
		if got, want := ig.Ignored(p), m1 || m2; got != want {
			t.Fatalf("Ignored(%q) with %q = %v, want %v", p, pattern, got, want)
		}
	})
}

// FuzzLookup checks that Lookup never names a file outside the source
// directories, whatever the logical path it is given.
func FuzzLookup(f *testing.F) {
	for _, p := range []string{"x.css", "../x.css", "a/../../x.css", "/etc/passwd", `..\x.css`, "a//b", ".", "", "a/./b"} {
		f.Add(p)
	}
	root := f.TempDir()
	os.MkdirAll(filepath.Join(root, "static", "a"), 0o755)
	os.WriteFile(filepath.Join(root, "static", "x.css"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(root, "static", "a", "b"), []byte("b"), 0o644)
	os.WriteFile(filepath.Join(root, "outside.css"), []byte("o"), 0o644)
	dir := filepath.Join(root, "static")
	f.Fuzz(func(t *testing.T, p string) {
		found, err := Lookup([]string{dir}, nil, p)
		if err != nil {
			return
		}
		for _, f := range found {
			rel, err := filepath.Rel(dir, f)
			if err != nil || !filepath.IsLocal(rel) {
				t.Fatalf("Lookup(%q) found %s, outside %s", p, f, dir)
			}
		}
	})
}

// TestAgree checks that Walk, Lookup and Winner decide alike, over a tree
// with shadowed files, ignored paths and symbolic links that stay inside
// their directory and that leave it: generate walks, development mode and
// findstatic look up one path.
func TestAgree(t *testing.T) {
	root := tree(t, map[string]string{
		"a/x.css":         "a",
		"a/.hidden/y.css": "hidden",
		"b/x.css":         "b",
		"b/out.css":       "b",
		"b/sub/z.js":      "b",
		"lib/lib.js":      "lib",
		"outside.css":     "outside",
	})
	links := map[string]string{
		"a/alias.css": "x.css",          // inside
		"a/out.css":   "../outside.css", // outside, shadows b/out.css
		"a/vendor":    "../lib",         // a directory outside
		"b/sub/up":    "..",             // back to a directory above it: a cycle
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	dirs := []string{filepath.Join(root, "a"), filepath.Join(root, "b")}
	ig, _ := NewIgnorer(DefaultIgnore)
	_, err := Walk(context.Background(), dirs, ig)
	if err == nil || !strings.Contains(err.Error(), "symbolic link cycle") {
		t.Fatalf("Walk: %v, want the cycle through b/sub/up", err)
	}
	os.Remove(filepath.Join(root, "b", "sub", "up"))
	ms, err := Walk(context.Background(), dirs, ig)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, m := range ms {
		walked := []string{rel(t, root, m.Winner.Path)}
		for _, s := range m.Shadowed {
			walked = append(walked, rel(t, root, s.Path))
		}
		got[m.Logical] = walked
		found, err := Lookup(dirs, ig, m.Logical)
		if err != nil {
			t.Fatal(err)
		}
		var looked []string
		for _, f := range found {
			looked = append(looked, rel(t, root, f))
		}
		if diff := cmp.Diff(walked, looked); diff != "" {
			t.Errorf("%s: Lookup differs from Walk (-walk +lookup):\n%s", m.Logical, diff)
		}
		i, st, ok := Winner(dirs, ig, m.Logical)
		if info := m.Winner.Info; !ok || dirs[i] != m.Winner.Dir || st.Size != info.Size() || !st.ModTime.Equal(info.ModTime()) {
			t.Errorf("%s: Winner = %d %+v %v, Walk's winner %s %d %v", m.Logical, i, st, ok, m.Winner.Path, info.Size(), info.ModTime())
		}
	}
	want := map[string][]string{
		"alias.css":     {"a/alias.css"},
		"out.css":       {"a/out.css", "b/out.css"},
		"sub/z.js":      {"b/sub/z.js"},
		"vendor/lib.js": {"a/vendor/lib.js"},
		"x.css":         {"a/x.css", "b/x.css"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Walk (-want +got):\n%s", diff)
	}
	for _, p := range []string{".hidden/y.css", "vendor/../x.css", "missing.css", "vendor"} {
		if _, _, ok := Winner(dirs, ig, p); ok {
			t.Errorf("Winner(%q) found a file", p)
		}
	}
}
