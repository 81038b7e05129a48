package media_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/media"
)

// FuzzHandlerPath sends the media handler arbitrary paths and Range fields
// over a local store and checks what must hold whatever the request: no
// server error, nosniff always, content only for a stored name and only
// that file's bytes, and an active type never inline.
func FuzzHandlerPath(f *testing.F) {
	for _, seed := range []struct{ path, rng string }{
		{"/media/a.png", ""},
		{"/media/a.png", "bytes=0-3"},
		{"/media/a.png", "bytes=0-1,5-9"},
		{"/media/b.svg", ""},
		{"/media/b.svg", "bytes=-5"},
		{"/a.png", ""},
		{"/media/", ""},
		{"/media/../a.png", ""},
		{"/media/a%2Fb", ""},
		{"/media/%2e%2e/a.png", ""},
		{"/media/.hidden", ""},
		{"/media/a.png.attrs", ""},
		{"/media/b.svg.attrs", ""},
		{"/media/a.png/", ""},
		{"/media//a.png", ""},
		{"/media/a.png%00", ""},
		{"/media/a\\b", ""},
		{"/media/a.png?expires=1&signature=x", ""},
		{"/media/" + strings.Repeat("a", 5000), ""},
		{"/static/app.css", ""},
		{"/media/a.png", "bytes=99999-"},
		{"/media/a.png", "bytes=0-0,0-0"},
	} {
		f.Add(seed.path, seed.rng)
	}
	s, err := media.Open(context.Background(), f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	files := map[string][]byte{}
	for name, content := range map[string][]byte{"a.png": pngBytes, "b.svg": svgXSS} {
		stored, err := s.Save(context.Background(), name, bytes.NewReader(content))
		if err != nil {
			f.Fatal(err)
		}
		files[stored] = content
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, target, rng string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		r := &http.Request{Method: "GET", URL: u, Header: http.Header{}, RequestURI: target}
		r = r.WithContext(t.Context())
		if rng != "" {
			r.Header.Set("Range", rng)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		hdr := w.Result().Header
		if w.Code >= 500 {
			t.Fatalf("%q: %d", target, w.Code)
		}
		if hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%q: no nosniff", target)
		}
		if w.Code != 200 && w.Code != 206 {
			return
		}
		name := strings.TrimPrefix(strings.TrimPrefix(u.Path, "/media/"), "/")
		content, ok := files[name]
		if !ok {
			t.Fatalf("%q: %d for %q, which is not stored", target, w.Code, name)
		}
		if w.Code == 200 && !bytes.Equal(w.Body.Bytes(), content) {
			t.Fatalf("%q: 200 with other bytes than %s's", target, name)
		}
		if w.Code == 206 && hdr.Get("Content-Range") != "" && !bytes.Contains(content, w.Body.Bytes()) {
			t.Fatalf("%q %q: 206 with bytes not in %s", target, rng, name)
		}
		if strings.HasSuffix(name, ".svg") && (hdr.Get("Content-Security-Policy") != "sandbox" || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment")) {
			t.Fatalf("%q: SVG served inline: %q", target, hdr)
		}
	})
}
