package runtime

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/internal/httpserve"
)

// fakeLive is a Live over a map: logical path to content, with a
// fingerprint of "live" for every file.
type fakeLive struct {
	files  map[string]string
	events http.Handler
}

func (l *fakeLive) Stat(p string) (File, bool) {
	f, _, err := l.Read(p)
	return f, err == nil
}

func (l *fakeLive) Read(p string) (File, []byte, error) {
	c, ok := l.files[p]
	if !ok {
		return File{}, nil, fs.ErrNotExist
	}
	dot := strings.LastIndexByte(p, '.')
	return File{Path: p, HashedPath: p[:dot] + ".live" + p[dot:], Integrity: "sha256-" + c, ContentType: "text/plain; charset=utf-8", Size: int64(len(c))}, []byte(c), nil
}

func (l *fakeLive) Logical(name string) (string, bool) {
	p := strings.Replace(name, ".live.", ".", 1)
	_, ok := l.files[p]
	return p, ok
}

func (l *fakeLive) Paths() []string {
	var out []string
	for p := range l.files {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func (l *fakeLive) Events() http.Handler { return l.events }

func (l *fakeLive) Variants(File, []byte) []Variant { return nil }

// TestLive checks that a Set with a Live answers from it, through every
// entry point, and goes back to its table without one.
func TestLive(t *testing.T) {
	s := testSet(t)
	if got := s.LiveReloadScript(); got != "" {
		t.Errorf("LiveReloadScript in production = %q, want empty", got)
	}
	l := &fakeLive{files: map[string]string{"css/base.css": "live{}", "new.txt": "new"}}
	s.SetLive(l)

	if u, err := s.URL("css/base.css"); err != nil || u != "/static/css/base.live.css" {
		t.Errorf(`URL("css/base.css") = %q, %v`, u, err)
	}
	if _, err := s.URL("img/logo.svg"); err == nil {
		t.Error("URL of a file gone from the Live did not fail")
	}
	a, ok := s.Lookup("new.txt")
	if !ok || a.Path() != "new.txt" || a.URL() != "/static/new.live.txt" || a.Size() != 3 {
		t.Fatalf("Lookup(new.txt) = %v %v: %q %q %d", a, ok, a.Path(), a.URL(), a.Size())
	}
	if b, err := a.ReadAll(); err != nil || string(b) != "new" {
		t.Errorf("ReadAll = %q, %v", b, err)
	}
	if f, err := a.Open(); err != nil {
		t.Errorf("Open: %v", err)
	} else if fi, err := f.Stat(); err != nil || fi.Name() != "new.txt" || fi.Size() != 3 || fi.IsDir() {
		t.Errorf("Open: Stat = %v, %v", fi, err)
	}
	if b, err := fs.ReadFile(s.FS(), "new.txt"); err != nil || string(b) != "new" {
		t.Errorf("FS ReadFile = %q, %v", b, err)
	}
	var paths []string
	for a := range s.All() {
		paths = append(paths, a.Path())
	}
	if want := []string{"css/base.css", "new.txt"}; !slices.Equal(paths, want) {
		t.Errorf("All = %q, want %q", paths, want)
	}
	if e := s.Asset(0).ETag(); e != `"live{}"` {
		t.Errorf("ETag = %s", e)
	}

	h := s.Handler()
	for _, tc := range []struct{ path, body string }{
		{"/static/new.live.txt", "new"},
		{"/static/css/base.css", "live{}"},
		{"/static/img/logo.svg", "Not Found\n"},
		{"/static/a/../new.txt", "Bad Request\n"},
		{"/static/.assetgen/events", "Not Found\n"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		body, _ := io.ReadAll(rec.Body)
		if string(body) != tc.body {
			t.Errorf("GET %s = %d %q, want %q", tc.path, rec.Code, body, tc.body)
		}
		if rec.Code == 200 && rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", tc.path, rec.Header().Get("Cache-Control"))
		}
	}

	l.events = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "events") })
	if got := s.LiveReloadScript(); got != `<script src="/static/.assetgen/reload.js"></script>` {
		t.Errorf("LiveReloadScript = %q", got)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/.assetgen/events", nil))
	if rec.Body.String() != "events" {
		t.Errorf("events: %q", rec.Body.String())
	}

	s.SetLive(nil)
	if a.Path() != "new.txt" {
		t.Errorf("a live-only asset lost its path: %q", a.Path())
	}
	if u := s.Asset(0).URL(); u != "/static/css/base.0123456789ab.css" {
		t.Errorf("URL after SetLive(nil) = %q", u)
	}
	if b, err := s.Asset(0).ReadAll(); err != nil || string(b) != "body{}" {
		t.Errorf("ReadAll after SetLive(nil) = %q, %v", b, err)
	}
	if _, err := a.Open(); err == nil {
		t.Error("a live-only asset opens after SetLive(nil)")
	}
	if u := a.URL(); u != "/static/new.txt" {
		t.Errorf("URL of a live-only asset after SetLive(nil) = %q", u)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/css/base.0123456789ab.css", nil))
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != httpserve.Immutable {
		t.Errorf("after SetLive(nil): %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
}
