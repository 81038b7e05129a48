package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/collect"
	"github.com/assetgen/assetgen/internal/testenv"
)

// answer is what the nginx test compares of a response.
type answer struct {
	Status                int
	Body                  string
	ContentType           string
	ContentEncoding       string
	CacheControl          string
	Vary                  string
	XContentTypeOptions   string
	ContentLengthMatchLen bool
}

// TestCollectNginx collects this package's directory, as assetgen collect
// does, serves the tree with the real nginx and the location block
// collect writes, and checks that for every file, under its hashed and
// its logical name, nginx and this binary's compiled Handler() answer
// with the same bytes, Content-Type, Content-Encoding and caching headers
// for Accept-Encoding br, gzip and none.
func TestCollectNginx(t *testing.T) {
	p, err := assetpkg.Load(".")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if _, err := collect.Collect(context.Background(), p, collect.Options{Dir: root, Unhashed: true}); err != nil {
		t.Fatal(err)
	}
	conf, err := collect.Nginx(p, collect.NginxOptions{Root: root, Mount: "/static/", Unhashed: true})
	if err != nil {
		t.Fatal(err)
	}
	nginx := testenv.Nginx(t, string(conf))
	app := httptest.NewServer(Handler())
	defer app.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}

	var urls []string
	for a := range All() {
		urls = append(urls, a.URL(), "/static/"+a.Path())
	}
	compared := map[string]int{}
	for _, u := range urls {
		for _, ae := range []string{"br", "gzip", ""} {
			want := fetch(t, client, app.URL+u, ae)
			got := fetch(t, client, nginx+u, ae)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GET %s, Accept-Encoding %q: nginx differs from the handler (-handler +nginx):\n%s", u, ae, diff)
			}
			compared[want.ContentEncoding]++
		}
	}
	// Every coding the example has must have been compared.
	if compared["br"] == 0 || compared["gzip"] == 0 || compared[""] == 0 {
		t.Errorf("compared responses by Content-Encoding: %v; want br, gzip and identity", compared)
	}
	if t.Failed() {
		t.Logf("location block:\n%s", conf)
	}
	// The state file collect keeps in the tree is not served.
	if a := fetch(t, client, nginx+"/static/"+collect.StateFile, ""); a.Status != http.StatusNotFound {
		t.Errorf("GET %s: %d, want 404", collect.StateFile, a.Status)
	}
	if _, err := os.Stat(filepath.Join(root, collect.StateFile)); err != nil {
		t.Error(err)
	}
}

func fetch(t *testing.T, c *http.Client, url, acceptEncoding string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	return answer{
		Status:                resp.StatusCode,
		Body:                  fmt.Sprintf("%d bytes %q", len(b), short(b)),
		ContentType:           h.Get("Content-Type"),
		ContentEncoding:       h.Get("Content-Encoding"),
		CacheControl:          strings.Join(h.Values("Cache-Control"), ", "),
		Vary:                  strings.Join(h.Values("Vary"), ", "),
		XContentTypeOptions:   h.Get("X-Content-Type-Options"),
		ContentLengthMatchLen: resp.ContentLength == int64(len(b)),
	}
}

// short keeps a failure message readable while still comparing every
// byte: the prefix shows what it is, the hash whether it is the same.
func short(b []byte) string {
	s := string(b)
	if len(s) > 40 {
		s = s[:40]
	}
	return s + fmt.Sprintf("… sha256 %s", assetpkg.SHA256(b))
}
