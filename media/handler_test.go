package media_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/runtime"
)

// get asks h for target with the given header lines ("Range: bytes=0-1").
func get(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for _, line := range header {
		k, v, _ := strings.Cut(line, ": ")
		r.Header.Add(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func save(t *testing.T, s *media.Store, name string, content []byte) string {
	t.Helper()
	stored, err := s.Save(t.Context(), name, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

func TestHandler(t *testing.T) {
	forBackends(t, handlerCases)
}

var handlerCases = []storeCase{
	{"InertImage", func(t *testing.T, e *env) {
		s := e.open(t)
		name := save(t, s, "inline.png", pngBytes)
		w := get(s.Handler(), "GET", "/media/"+name)
		h := w.Result().Header
		if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), pngBytes) {
			t.Fatalf("GET = %d, %d bytes", w.Code, w.Body.Len())
		}
		for k, want := range map[string]string{
			"Content-Type":            "image/png",
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "public, max-age=300, must-revalidate",
			"Accept-Ranges":           "bytes",
			"Content-Disposition":     "",
			"Content-Security-Policy": "",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		if h.Get("Etag") == "" {
			t.Error("no ETag")
		}
	}},
	{"ActiveTypesInert", func(t *testing.T, e *env) {
		s := e.open(t)
		for _, tt := range []struct {
			name    string
			content []byte
			ctype   string
		}{
			{"xss.svg", svgXSS, "image/svg+xml"},
			{"xss.html", htmlXSS, "text/html; charset=utf-8"},
			{"xss.js", []byte("#!/usr/bin/env node\n" + string(jsXSS)), "text/javascript"},
			{"doc.pdf", []byte("%PDF-1.7\n1 0 obj <</Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n"), "application/pdf"},
			{"blob.bin", []byte{0, 1, 2, 3, 4, 5}, "application/octet-stream"},
			{"feed.xml", []byte(`<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>`), "text/xml; charset=utf-8"},
		} {
			name := save(t, s, tt.name, tt.content)
			for _, method := range []string{"GET", "HEAD"} {
				w := get(s.Handler(), method, "/media/"+name)
				h := w.Result().Header
				disp, params, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
				if w.Code != 200 || h.Get("Content-Type") != tt.ctype || disp != "attachment" || params["filename"] != name ||
					h.Get("Content-Security-Policy") != "sandbox" || h.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("%s %s = %d %q", method, name, w.Code, h)
				}
			}
		}
	}},
	{"Conditional", func(t *testing.T, e *env) {
		s := e.open(t)
		name := save(t, s, "cond.png", pngBytes)
		h := s.Handler()
		etag := get(h, "GET", "/media/"+name).Header().Get("Etag")
		if w := get(h, "GET", "/media/"+name, "If-None-Match: "+etag); w.Code != 304 || w.Body.Len() != 0 || w.Header().Get("Etag") != etag {
			t.Errorf("If-None-Match = %d, %d bytes, ETag %q", w.Code, w.Body.Len(), w.Header().Get("Etag"))
		}
		if w := get(h, "GET", "/media/"+name, `If-Match: "other"`); w.Code != 412 {
			t.Errorf("If-Match other = %d, want 412", w.Code)
		}
		if w := get(h, "GET", "/media/"+name, "If-Match: "+etag); w.Code != 200 {
			t.Errorf("If-Match = %d, want 200", w.Code)
		}
	}},
	{"Ranges", func(t *testing.T, e *env) {
		s := e.open(t)
		name := save(t, s, "range.png", pngBytes)
		h := s.Handler()
		size := len(pngBytes)
		w := get(h, "GET", "/media/"+name, "Range: bytes=2-9")
		if w.Code != 206 || !bytes.Equal(w.Body.Bytes(), pngBytes[2:10]) || w.Header().Get("Content-Range") != "bytes 2-9/"+itoa(size) {
			t.Errorf("one range = %d %q %q", w.Code, w.Header().Get("Content-Range"), w.Body.Bytes())
		}
		w = get(h, "GET", "/media/"+name, "Range: bytes=0-1,-3")
		mt, params, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
		if w.Code != 206 || mt != "multipart/byteranges" || w.Header().Get("Content-Length") != itoa(w.Body.Len()) {
			t.Fatalf("two ranges = %d %q, length %q for %d bytes", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Length"), w.Body.Len())
		}
		mr := multipart.NewReader(w.Body, params["boundary"])
		for _, want := range [][]byte{pngBytes[:2], pngBytes[size-3:]} {
			p, err := mr.NextPart()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(p)
			if !bytes.Equal(got, want) || p.Header.Get("Content-Type") != "image/png" {
				t.Errorf("part %q %q, want %q", p.Header, got, want)
			}
		}
		if w := get(h, "GET", "/media/"+name, "Range: bytes=9999-"); w.Code != 416 || w.Header().Get("Content-Range") != "bytes */"+itoa(size) {
			t.Errorf("unsatisfiable = %d %q", w.Code, w.Header().Get("Content-Range"))
		}
		if w := get(h, "GET", "/media/"+name, "Range: bytes=0-1", `If-Range: "stale"`); w.Code != 200 || w.Body.Len() != size {
			t.Errorf("stale If-Range = %d, %d bytes; want the whole file", w.Code, w.Body.Len())
		}
	}},
	{"Paths", func(t *testing.T, e *env) {
		s := e.open(t)
		name := save(t, s, "paths.png", pngBytes)
		h := s.Handler()
		for _, tt := range []struct {
			method, target string
			want           int
		}{
			{"GET", "/media/" + name, 200},
			{"HEAD", "/media/" + name, 200},
			{"GET", "/media/missing.png", 404},
			{"GET", "/media/" + name + ".attrs", 404}, // the local store's sidecar
			{"GET", "/media/%ff", 404},
			{"GET", "/media/", 404},
			{"GET", "/media/dir/", 404},
			{"GET", "/media/.hidden", 404},
			{"GET", "/media/a/../" + name, 400},
			{"GET", "/media/a%2F" + name, 400},
			{"GET", "/media/a%00b", 400},
			{"GET", "/media/" + strings.Repeat("a", 5000), 414},
			{"POST", "/media/" + name, 405},
			{"DELETE", "/media/" + name, 405},
			{"GET", "/" + name, 200}, // stripped by http.StripPrefix
		} {
			if w := get(h, tt.method, tt.target); w.Code != tt.want || w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %.60s = %d, want %d with nosniff", tt.method, tt.target, w.Code, tt.want)
			}
		}
	}},
	{"SignedURL", func(t *testing.T, e *env) {
		key := []byte("0123456789abcdef0123456789abcdef")
		s := e.open(t, media.Private(), media.SigningKey(key))
		name := save(t, s, "private.png", pngBytes)
		ttl := time.Hour
		if e.s3 != nil {
			ttl = time.Second // S3 checks expiry by its own clock
		}
		signed, err := s.SignedURL(name, ttl)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(signed)
		fetch := func(target string) int {
			if e.s3 != nil {
				resp, err := http.Get(target)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			return get(s.Handler(), "GET", target).Code
		}
		if code := fetch(signed); code != 200 {
			t.Errorf("signed URL = %d, want 200", code)
		}
		q := u.Query()
		sigParam := "signature"
		if e.s3 != nil {
			sigParam = "X-Amz-Signature"
		}
		sig := q.Get(sigParam)
		flip := "A"
		if sig[0] == 'A' {
			flip = "B"
		}
		q.Set(sigParam, flip+sig[1:])
		tampered := *u
		tampered.RawQuery = q.Encode()
		if code := fetch(tampered.String()); code != 403 {
			t.Errorf("tampered signature = %d, want 403", code)
		}
		other := save(t, s, "other.png", pngBytes)
		renamed := *u
		renamed.Path = strings.Replace(u.Path, name, other, 1)
		if code := fetch(renamed.String()); code != 403 {
			t.Errorf("signature for another name = %d, want 403", code)
		}
		if e.s3 == nil {
			if code := fetch(s.URL(name)); code != 403 {
				t.Errorf("unsigned URL of a private file = %d, want 403", code)
			}
			s.SetNow(func() time.Time { return time.Now().Add(ttl + time.Second) })
		} else {
			time.Sleep(ttl + 1100*time.Millisecond) // the URL's life, rounded up to a second
		}
		if code := fetch(signed); code != 403 {
			t.Errorf("expired signed URL = %d, want 403", code)
		}
	}},
}

func TestRedirect(t *testing.T) {
	forBackends(t, []storeCase{{"Redirect", func(t *testing.T, e *env) {
		if e.s3 == nil {
			return // TestOpenErrors: a local store cannot redirect
		}
		s := e.open(t, media.Redirect(time.Minute))
		name := save(t, s, "redirect.png", pngBytes)
		w := get(s.Handler(), "GET", "/media/"+name)
		loc := w.Header().Get("Location")
		if w.Code != 302 || !strings.HasPrefix(loc, e.s3.Endpoint+"/") {
			t.Fatalf("GET = %d to %q, want 302 to the store", w.Code, loc)
		}
		resp, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !bytes.Equal(body, pngBytes) {
			t.Errorf("the store answered %d with %d bytes", resp.StatusCode, len(body))
		}
		if w := get(s.Handler(), "HEAD", "/media/"+name); w.Code != 200 || w.Header().Get("Content-Length") != itoa(len(pngBytes)) {
			t.Errorf("HEAD = %d %q, want 200 with the headers", w.Code, w.Header())
		}
		// The store sends an active type as an attachment too: the
		// disposition was stored with the object.
		svg := save(t, s, "redirect.svg", svgXSS)
		resp, err = http.Get(get(s.Handler(), "GET", "/media/"+svg).Header().Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if disp, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); resp.StatusCode != 200 || disp != "attachment" {
			t.Errorf("the store answered an SVG %d with Content-Disposition %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
	}}})
}

// TestStaticAndMediaApart mounts both handlers on one mux: a media file
// named like a static asset does not shadow it, and neither handler serves
// the other's files.
func TestStaticAndMediaApart(t *testing.T) {
	css := []byte("body{color:red}")
	set := runtime.New(fstest.MapFS{"app.css": {Data: css}}, "/static/", []runtime.File{{
		Path: "app.css", HashedPath: "app.css", Name: "app.css", ContentType: "text/css; charset=utf-8",
		Integrity: "sha256-x", Size: int64(len(css)),
	}})
	s := openStore(t, t.TempDir(), media.Static(set.Prefix))
	name := save(t, s, "app.css", []byte("body{color:blue}"))
	mux := http.NewServeMux()
	mux.Handle("/static/", set.Handler())
	mux.Handle("/media/", s.Handler())
	for _, tt := range []struct {
		target string
		want   int
		body   string
	}{
		{"/static/app.css", 200, "body{color:red}"},
		{"/media/" + name, 200, "body{color:blue}"},
		{"/static/media/" + name, 404, ""},
		{"/media/static/app.css", 404, ""},
	} {
		w := get(mux, "GET", tt.target)
		if w.Code != tt.want || (tt.body != "" && w.Body.String() != tt.body) {
			t.Errorf("GET %s = %d %q, want %d %q", tt.target, w.Code, w.Body, tt.want, tt.body)
		}
	}
	if err := set.SetPrefix("/files/"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPrefix("/files/media/"); err == nil {
		t.Error("media prefix inside the static prefix set later accepted")
	}
	if err := set.SetPrefix("/"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Handler with the static prefix moved around the media prefix did not panic")
		}
	}()
	s.Handler()
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestS3Outage stops the S3 server under a store: Save fails with an
// error rather than hanging or half-storing, the handler answers 500
// without error text, and both work again once the server is back.
func TestS3Outage(t *testing.T) {
	srv := testenv.S3(t)
	s := openStore(t, srv.URL())
	name := save(t, s, "outage.png", pngBytes)
	h := s.Handler()

	srv.Stop()
	// The AWS SDK retries a refused connection for seconds; a request's
	// deadline bounds it, as a server's would.
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if _, err := s.Save(ctx, "down.png", bytes.NewReader(pngBytes)); err == nil {
		t.Error("Save with the store down succeeded")
	}
	ctx, cancel = context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/media/"+name, nil).WithContext(ctx))
	if w.Code != 500 || w.Body.String() != "Internal Server Error\n" {
		t.Errorf("GET with the store down = %d %q, want 500 and no detail", w.Code, w.Body)
	}

	srv.Start()
	if w := get(h, "GET", "/media/"+name); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), pngBytes) {
		t.Errorf("GET after the store is back = %d, %d bytes", w.Code, w.Body.Len())
	}
	if got := save(t, s, "down.png", pngBytes); got != "down.png" {
		t.Errorf("Save after the outage stored %q, want down.png: the failed upload left its name taken", got)
	}
}
