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
// source directory and links that leave it, beside a secret file.
func escapeTree(t testing.TB) (dir string) {
	dir = t.TempDir()
	writeTree(t, dir, map[string]string{
		"secret/outside.txt":  "SECRET",
		"first/robots.txt":    "User-agent: *\n",
		"first/.env":          "SECRET dotfile",
		"second/css/app.css":  "body { background: url(../img/bg.png); }\n",
		"second/img/bg.png":   "png",
		"second/index.html":   "<p>home</p>",
		"second/docs/a b.txt": "spaced",
	})
	for link, target := range map[string]string{
		"first/link.txt":     "../secret/outside.txt", // leaves first/
		"first/dirlink":      "../secret",             // leaves first/
		"second/abs.txt":     filepath.Join(dir, "secret", "outside.txt"),
		"second/other.txt":   "../first/robots.txt", // another source dir is still outside
		"second/inner.css":   "css/app.css",         // stays inside: followed
		"second/img/up.png":  "../img/bg.png",       // stays inside: followed
		"second/docs/secret": "../../secret",        // leaves second/
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	return dir
}

// TestSymlinks checks which links development mode follows: those that
// stay inside their source directory, never those that leave it.
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
		{"link.txt", false},
		{"dirlink/outside.txt", false},
		{"abs.txt", false},
		{"other.txt", false},
		{"docs/secret/outside.txt", false},
		{".env", false},
		{"../secret/outside.txt", false},
		{"css/../../secret/outside.txt", false},
	} {
		if _, ok := src.Stat(tc.path); ok != tc.ok {
			t.Errorf("Stat(%q) found = %v, want %v", tc.path, ok, tc.ok)
		}
	}
}

// FuzzLivePath sends arbitrary request targets to the development-mode
// handler, with the production handler's seeds and paths that try to
// leave the source directories: every 200 body must be the final content
// of a file under a source directory, never the secret beside them, and
// every status one the production handler gives.
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
		"/static/docs/secret/outside.txt", "/static/.env", "/static/%2e%2e/secret/outside.txt",
		"/static/css/..%2f..%2fsecret/outside.txt", "/static/.assetgen/events", "/static/img/up.png",
	)
	handlertest.FuzzTargets(f, seeds, h, contents, func(t *testing.T, target string, w *httptest.ResponseRecorder) {
		if bytes.Contains(w.Body.Bytes(), []byte("SECRET")) {
			t.Fatalf("%q: served the secret: %d %q", target, w.Code, w.Body.Bytes())
		}
	})
}
