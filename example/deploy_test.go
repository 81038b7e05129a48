package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/collect"
	"github.com/assetgen/assetgen/internal/testenv"
)

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

	var paths []string
	for a := range All() {
		paths = append(paths, a.URL(), "/static/"+a.Path())
	}
	seen := testenv.CompareServers(t, app.URL, nginx, paths)
	if seen["br"] == 0 || seen["gzip"] == 0 || seen[""] == 0 {
		t.Errorf("answers compared by Content-Encoding: %v; want br, gzip and identity", seen)
	}
	if t.Failed() {
		t.Logf("location block:\n%s", conf)
	}
	// The state file collect keeps in the tree is not served.
	if a := testenv.Fetch(t, http.DefaultClient, nginx+"/static/"+collect.StateFile, ""); a.Status != http.StatusNotFound {
		t.Errorf("GET %s: %d, want 404", collect.StateFile, a.Status)
	}
	if _, err := os.Stat(filepath.Join(root, collect.StateFile)); err != nil {
		t.Error(err)
	}
}
