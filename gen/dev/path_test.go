package dev_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/internal/handlertest"
	"github.com/assetgen/assetgen/runtime"
)

// escapeTree is a source tree with symbolic links that stay inside their
// source directory and links that leave it for a shared directory, beside
// a secret file that no link reaches.
func escapeTree(t testing.TB) (dir string) {
	dir = t.TempDir()
	writeTree(t, dir, map[string]string{
		"secret/private.txt":  "SECRET",
		"shared/outside.txt":  "shared",
		"first/robots.txt":    "User-agent: *\n",
		"first/.env":          "SECRET dotfile",
		"second/css/app.css":  "body { background: url(../img/bg.png); }\n",
		"second/img/bg.png":   "png",
		"second/index.html":   "<p>home</p>",
		"second/docs/a b.txt": "spaced",
	})
	for link, target := range map[string]string{
		"first/link.txt":     "../shared/outside.txt", // leaves first/
		"first/dirlink":      "../shared",             // leaves first/
		"second/abs.txt":     filepath.Join(dir, "shared", "outside.txt"),
		"second/other.txt":   "../first/robots.txt", // another source directory
		"second/inner.css":   "css/app.css",         // stays inside
		"second/img/up.png":  "../img/bg.png",       // stays inside
		"second/docs/shared": "../../shared",        // leaves second/
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	return dir
}

// TestSymlinks checks that development mode follows links as generate
// does, wherever they lead, and that no path climbs out of a source
// directory by itself.
func TestSymlinks(t *testing.T) {
	dir := escapeTree(t)
	src, err := dev.New(dev.Config{Root: dir, Dirs: []string{"first", "second"}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"robots.txt", true},
		{"inner.css", true},
		{"img/up.png", true},
		{"docs/a b.txt", true},
		{"link.txt", true},
		{"dirlink/outside.txt", true},
		{"abs.txt", true},
		{"other.txt", true},
		{"docs/shared/outside.txt", true},
		{".env", false},
		{"../secret/private.txt", false},
		{"css/../../secret/private.txt", false},
		{"dirlink/../../secret/private.txt", false},
		{`..\secret\private.txt`, false},
	} {
		if _, ok := src.Stat(tc.path); ok != tc.ok {
			t.Errorf("Stat(%q) found = %v, want %v", tc.path, ok, tc.ok)
		}
	}
}

// FuzzLivePath sends arbitrary request targets to the development-mode
// handler, with the production handler's seeds and paths that try to
// leave the source directories: every 200 body must be the final content
// of a file the source directories hold, never the secret beside them
// that no link reaches, and every status one the production handler
// gives.
func FuzzLivePath(f *testing.F) {
	dir := escapeTree(f)
	set := runtime.New(fstest.MapFS{}, "/static/", nil)
	src, err := dev.Attach(set, dev.Config{Root: dir, Dirs: []string{"first", "second"}, Logf: func(string, ...any) {}})
	if err != nil {
		f.Fatal(err)
	}
	defer src.Close()
	h := set.Serve(runtime.ServeOptions{Index: true})
	var contents [][]byte
	for _, p := range src.Paths() {
		_, b, err := src.Read(p)
		if err != nil {
			f.Fatal(err)
		}
		contents = append(contents, b)
	}
	if len(contents) < 6 {
		f.Fatalf("only %d files found; the tree is not what the test expects", len(contents))
	}
	seeds := append(handlertest.Seeds(),
		"/static/link.txt", "/static/dirlink/outside.txt", "/static/abs.txt", "/static/other.txt",
		"/static/inner.css", "/static/inner.0123456789ab.css", "/static/docs/a%20b.txt",
		"/static/docs/shared/outside.txt", "/static/.env", "/static/%2e%2e/secret/private.txt",
		"/static/css/..%2f..%2fsecret/private.txt", "/static/dirlink/..%2f..%2fsecret/private.txt",
		"/static/..%5csecret%5cprivate.txt", "/static/.assetgen/events", "/static/img/up.png",
	)
	handlertest.FuzzTargets(f, seeds, h, contents, func(t *testing.T, target string, w *httptest.ResponseRecorder) {
		if bytes.Contains(w.Body.Bytes(), []byte("SECRET")) {
			t.Fatalf("%q: served the secret: %d %q", target, w.Code, w.Body.Bytes())
		}
	})
}
