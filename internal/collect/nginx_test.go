package collect

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/testenv"
)

// TestNginxNames serves a package with names that need care in an nginx
// configuration (a space, a dollar sign, no extension, an upper
// case extension, a dot path the handler refuses) under a prefix other
// than /static/, with nginx and the handler, and compares every answer.
// The package embeds compressible files only as their variants
// (-compressed-only), so collect writes their identity bytes decompressed,
// as the handler sends them to a client that accepts no coding.
func TestNginxNames(t *testing.T) {
	dir := t.TempDir()
	pad := strings.Repeat("/* compressible padding */\n", 30)
	for name, data := range map[string]string{
		"css/a b.css":       "a { color: red }\n" + pad,
		"txt/cost$5.txt":    "five dollars\n" + pad,
		"LICENSE":           "Permission is hereby granted\n" + pad,
		"data/x.JSON":       `{"a": 1}` + "\n",
		"js/app.js":         "console.log(1)\n" + pad,
		"fonts/f.woff2":     "wOF2 not really",
		".well-known/x.txt": "hidden\n",
	} {
		p := filepath.Join(dir, "static", filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := gen.Config{Settings: gen.Settings{Dirs: []string{filepath.Join(dir, "static")}, Prefix: "/assets/v2/", NoDefaultIgnore: true}, OutDir: dir, Package: "assets", CompressedOnly: true}
	if _, err := gen.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	p, err := assetpkg.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	gzipOnly := 0
	for _, f := range p.Files {
		if f.Name == "" {
			gzipOnly++
		}
	}
	if gzipOnly == 0 {
		t.Fatal("no file embedded only compressed")
	}
	root := t.TempDir()
	res, err := Collect(context.Background(), p, Options{Dir: root, Unhashed: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 2 {
		t.Errorf("%+v: want the dot path skipped, hashed and logical", res)
	}
	conf, err := Nginx(p, NginxOptions{Root: root, Mount: "/assets/v2/", Unhashed: true})
	if err != nil {
		t.Fatal(err)
	}
	nginx := testenv.Nginx(t, string(conf))
	app := httptest.NewServer(p.Set().Handler())
	defer app.Close()
	var paths []string
	for _, f := range p.Files {
		for _, name := range []string{f.HashedPath, f.Path} {
			paths = append(paths, "/assets/v2/"+(&url.URL{Path: name}).EscapedPath())
		}
	}
	seen := testenv.CompareServers(t, app.URL, nginx, paths)
	if seen["br"] == 0 || seen["gzip"] == 0 || seen[""] == 0 {
		t.Errorf("answers compared by Content-Encoding: %v; want br, gzip and identity", seen)
	}
	if t.Failed() {
		t.Logf("location block:\n%s", conf)
	}
}
