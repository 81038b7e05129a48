package media_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
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

// FuzzDirectUpload sends a PUT with a fuzzed target and body to a local
// store's handler, and finalizes a fuzzed pending name: a request that
// PresignUpload did not sign stores nothing anywhere, Finalize of any
// name never panics and stores nothing, and the store lists nothing.
func FuzzDirectUpload(f *testing.F) {
	dir := f.TempDir()
	s, err := media.Open(context.Background(), dir, media.SigningKey(bytes.Repeat([]byte("f"), 32)))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	up, err := s.PresignUpload(context.Background(), "seed.png", int64(len(pngBytes)), media.UploadOptions{})
	if err != nil {
		f.Fatal(err)
	}
	token := strings.Split(up.Pending, "/")[1]
	for _, seed := range []string{
		up.URL,
		strings.Replace(up.URL, "size=", "size=1", 1),
		strings.Replace(up.URL, "seed.png", "other.png", 1),
		"/media/" + up.Pending,
		"/media/.pending/" + token + "/../a.png?expires=1&size=1&signature=x",
		"/media/.pending/" + token + "/.env",
		"/media/a.png",
		"/media/.pending/%2e%2e/a.png",
		up.Pending,
		".pending/" + token + "/a/b.png",
	} {
		f.Add(seed, []byte("<html>"))
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		if u, err := url.ParseRequestURI(target); err == nil && strings.HasPrefix(target, "/") {
			r := &http.Request{Method: "PUT", URL: u, Header: http.Header{}, RequestURI: target, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r.WithContext(t.Context()))
			// Each fuzzing process has its own upload URL, so a success
			// is checked by its shape: a pending name, signed, and a body
			// within the size signed.
			q := u.Query()
			size, _ := strconv.Atoi(q.Get("size"))
			if w.Code < 400 && (!strings.HasPrefix(u.Path, "/media/.pending/") || q.Get("signature") == "" || len(body) > size) {
				t.Fatalf("PUT %q with %d bytes = %d", target, len(body), w.Code)
			}
		}
		if strings.HasPrefix(target, ".pending/") && len(strings.Split(target, "/")) == 3 {
			return // perhaps an upload a PUT above sent, rightly finalized
		}
		if _, err := s.Finalize(t.Context(), target, media.UploadOptions{}); err == nil {
			t.Fatalf("Finalize(%q) stored an upload", target)
		}
		for info, err := range s.List(t.Context(), "") {
			t.Fatalf("listed %q (%v)", info.Name, err)
		}
	})
}
