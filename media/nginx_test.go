package media_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/media"
)

// TestNginx serves one local store with nginx, from the block Nginx
// writes, and with Handler, and compares status, type, disposition, CSP,
// nosniff, caching and body for each file, hostile uploads included, for
// the driver's metadata files and for names never stored.
func TestNginx(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	var paths []string
	for _, f := range []struct {
		name    string
		content []byte
	}{
		{"photo.png", pngBytes},
		{"page.html", htmlXSS},
		{"drawing.svg", svgXSS},
		{"script.js", jsXSS},
		{"notes.txt", []byte("plain words\n")},
		{"table.csv", []byte("a,b\n1,2\n")},
		{"polyglot.png", append(append([]byte{}, htmlXSS...), pngBytes...)}, // HTML first: a page, renamed
		{"gif.html", append([]byte("GIF89a"), htmlXSS...)},                  // a GIF header with a page after it
		{"data.json", []byte(`{"a": 1}`)},
		{".htaccess", []byte("Options +ExecCGI\n")}, // stored without its dot
	} {
		name := save(t, s, f.name, f.content)
		paths = append(paths, "/media/"+(&url.URL{Path: name}).EscapedPath(), "/media/"+name+".attrs")
	}
	if err := os.WriteFile(filepath.Join(dir, ".hidden"), []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, "/media/.hidden", "/media/missing.png", "/media/missing")
	conf, err := s.Nginx()
	if err != nil {
		t.Fatal(err)
	}
	nginx := testenv.Nginx(t, string(conf))
	app := httptest.NewServer(s.Handler())
	defer app.Close()
	testenv.CompareServers(t, app.URL, nginx, paths)

	// A non-ASCII name: nginx sends "attachment" without the filename
	// parameter (see Nginx); the rest is the same.
	name := save(t, s, "résumé.pdf", []byte("%PDF-1.4\n<< /JS (app.alert(1)) >>\n"))
	p := "/media/" + (&url.URL{Path: name}).EscapedPath()
	c := &http.Client{}
	want, got := testenv.Fetch(t, c, app.URL+p, ""), testenv.Fetch(t, c, nginx+p, "")
	if got.ContentDisposition != "attachment" {
		t.Errorf("GET %s from nginx: Content-Disposition %q, want attachment", p, got.ContentDisposition)
	}
	want.ContentDisposition = got.ContentDisposition
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET %s: the servers differ (-handler +nginx):\n%s", p, diff)
	}
	if t.Failed() {
		t.Logf("paths: %q\nlocation block:\n%s", paths, conf)
	}
}

// TestNginxRefuses checks that a store whose rules nginx cannot apply gets
// no block.
func TestNginxRefuses(t *testing.T) {
	for name, opts := range map[string][]media.Option{
		"private": {media.Private(), media.SigningKey([]byte("0123456789abcdef0123456789abcdef"))},
	} {
		t.Run(name, func(t *testing.T) {
			s := openStore(t, t.TempDir(), opts...)
			if conf, err := s.Nginx(); err == nil {
				t.Errorf("Nginx() = %s, want an error", conf)
			}
		})
	}
}
