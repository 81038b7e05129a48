package dev_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/runtime"
)

// TestSafeWriteSwapsStyleSheet checks the event open pages get for each
// way of changing files: an editor's safe write of a style sheet (a
// temporary file renamed over it) swaps the sheet in place, as a plain
// write does; a changed script reloads the page, as does one in a
// directory a link leads to.
func TestSafeWriteSwapsStyleSheet(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"static/css/app.css": "body { color: red; }\n", "static/js/app.js": "let a = 1;\n", "vendor/lib.js": "let b = 1;\n"})
	if err := os.Symlink(filepath.Join("..", "vendor"), filepath.Join(dir, "static", "vendor")); err != nil {
		t.Skipf("symbolic links: %v", err)
	}
	set := runtime.New(fstest.MapFS{}, "/static/", nil)
	src, err := dev.Attach(set, dev.Config{Root: dir, Dirs: []string{"static"}, Reload: true, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	srv := httptest.NewServer(set.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/static/.assetgen/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewScanner(resp.Body)
	next := func() string {
		for events.Scan() {
			if ev, ok := strings.CutPrefix(events.Text(), "event: "); ok {
				return ev
			}
		}
		t.Fatalf("event stream ended: %v", events.Err())
		return ""
	}
	css := filepath.Join(dir, "static", "css", "app.css")
	tests := []struct {
		name   string
		change func()
		want   string
	}{
		{"Write", func() { writeFile(t, css, "body { color: blue; }\n") }, "css"},
		{"SafeWrite", func() {
			tmp := css + ".tmp1234"
			writeFile(t, tmp, "body { color: green; }\n")
			if err := os.Rename(tmp, css); err != nil {
				t.Fatal(err)
			}
		}, "css"},
		{"Script", func() { writeFile(t, filepath.Join(dir, "static", "js", "app.js"), "let a = 2;\n") }, "reload"},
		{"ThroughLink", func() { writeFile(t, filepath.Join(dir, "vendor", "lib.js"), "let b = 2;\n") }, "reload"},
	}
	for _, tt := range tests {
		tt.change()
		if got := next(); got != tt.want {
			t.Errorf("%s: event %q, want %q", tt.name, got, tt.want)
		}
	}
}
