package handlertest

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/httpserve"
)

// Protocol is one file as a handler serves it, for the cases that every
// handler built on httpserve.Serve answers alike: the static table,
// development mode and the media store, local and on S3. They cover the
// request path rules, methods, preconditions (RFC 9110 §13), ranges
// (§14) and error bodies, on identity content.
type Protocol struct {
	Handler http.Handler
	// Mount is the URL path the handler answers under ("/static/").
	Mount string
	// Target is the request target of the file, under Mount; it must be
	// at least 20 bytes long.
	Target       string
	Content      []byte
	ContentType  string
	CacheControl string
}

// protocol is m's Protocol: the fingerprinted stylesheet.
func (m Mode) protocol(t *testing.T) Protocol {
	return Protocol{
		Handler:      m.Set.Handler(),
		Mount:        "/static/",
		Target:       m.url(t, "css/base.css"),
		Content:      m.Variants["css/base.css"][""],
		ContentType:  "text/css; charset=utf-8",
		CacheControl: m.cacheControl(Immutable),
	}
}

func runProtocol(t *testing.T, m Mode) { RunProtocol(t, m.protocol(t)) }

// RunProtocol runs the protocol cases against p.
func RunProtocol(t *testing.T, p Protocol) {
	do := func(method, target string, header http.Header) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		for k, v := range header {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		p.Handler.ServeHTTP(w, r)
		return w
	}
	first := do("GET", p.Target, nil)
	etag := first.Header().Get("Etag")
	if first.Code != 200 || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("GET %s = %d, ETag %q: want 200 and a strong entity tag", p.Target, first.Code, etag)
	}
	body, size := string(p.Content), strconv.Itoa(len(p.Content))
	n := len(p.Content)
	tests := []struct {
		name       string
		method     string // GET if empty
		target     string // p.Target if empty
		header     http.Header
		wantStatus int
		wantHeader map[string]string
		wantBody   *string
	}{
		{name: "GET", wantStatus: 200, wantHeader: map[string]string{"Content-Type": p.ContentType, "Cache-Control": p.CacheControl, "Etag": etag, "X-Content-Type-Options": "nosniff", "Content-Length": size, "Accept-Ranges": "bytes", "Content-Encoding": absent}, wantBody: &body},
		{name: "HEAD", method: "HEAD", wantStatus: 200, wantHeader: map[string]string{"Content-Length": size, "Etag": etag}, wantBody: ptr("")},
		{name: "POST", method: "POST", wantStatus: 405, wantHeader: map[string]string{"Allow": "GET, HEAD", "Etag": absent}, wantBody: ptr("Method Not Allowed\n")},
		{name: "OPTIONS", method: "OPTIONS", wantStatus: 405, wantHeader: map[string]string{"Allow": "GET, HEAD"}},
		{name: "Unknown", target: p.Mount + "nope-unknown.txt", wantStatus: 404, wantHeader: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}, wantBody: ptr("Not Found\n")},
		{name: "DELETE", method: "DELETE", wantStatus: 405, wantHeader: map[string]string{"Allow": "GET, HEAD"}},
		{name: "Directory", target: p.Mount, wantStatus: 404},

		{name: "INMMatch", header: http.Header{"If-None-Match": {etag}}, wantStatus: 304, wantHeader: map[string]string{"Etag": etag, "Cache-Control": p.CacheControl, "Content-Type": absent, "Content-Length": absent}, wantBody: ptr("")},
		{name: "INMWeak", header: http.Header{"If-None-Match": {"W/" + etag}}, wantStatus: 304},
		{name: "INMStar", header: http.Header{"If-None-Match": {"*"}}, wantStatus: 304},
		{name: "INMList", header: http.Header{"If-None-Match": {`"x", ` + etag}}, wantStatus: 304},
		{name: "INMNoMatch", header: http.Header{"If-None-Match": {`"nope"`}}, wantStatus: 200},
		{name: "INMHead", method: "HEAD", header: http.Header{"If-None-Match": {etag}}, wantStatus: 304},
		{name: "IfMatch", header: http.Header{"If-Match": {etag}}, wantStatus: 200},
		{name: "IfMatchStar", header: http.Header{"If-Match": {"*"}}, wantStatus: 200},
		{name: "IfMatchFails", header: http.Header{"If-Match": {`"nope"`}}, wantStatus: 412, wantHeader: map[string]string{"Etag": absent}, wantBody: ptr("Precondition Failed\n")},
		{name: "IfMatchWeakFails", header: http.Header{"If-Match": {"W/" + etag}}, wantStatus: 412},
		{name: "IfMatchBeforeINM", header: http.Header{"If-Match": {`"nope"`}, "If-None-Match": {etag}}, wantStatus: 412},

		{name: "Range", header: rng("bytes=0-9"), wantStatus: 206, wantHeader: map[string]string{"Content-Range": "bytes 0-9/" + size, "Content-Length": "10", "Content-Type": p.ContentType, "Etag": etag}, wantBody: ptr(body[:10])},
		{name: "RangeSuffix", header: rng("bytes=-5"), wantStatus: 206, wantBody: ptr(body[n-5:])},
		{name: "RangeOpen", header: rng("bytes=5-"), wantStatus: 206, wantBody: ptr(body[5:])},
		{name: "RangeClamped", header: rng("bytes=0-99999999"), wantStatus: 206, wantHeader: map[string]string{"Content-Range": fmt.Sprintf("bytes 0-%d/%d", n-1, n)}},
		{name: "RangeUnsatisfiable", header: rng("bytes=" + size + "-"), wantStatus: 416, wantHeader: map[string]string{"Content-Range": "bytes */" + size, "Etag": absent}},
		{name: "RangeHEADIgnored", method: "HEAD", header: rng("bytes=0-9"), wantStatus: 200},
		{name: "RangeIfRange", header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {etag}}, wantStatus: 206},
		{name: "RangeIfRangeStale", header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {`"old"`}}, wantStatus: 200},
		{name: "RangeIfRangeWeak", header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {"W/" + etag}}, wantStatus: 200},
		{name: "RangeOverlap", header: rng("bytes=0-9,5-14"), wantStatus: 200},
		{name: "RangeTooMany", header: rng("bytes=" + strings.Repeat("0-0,", 16) + "0-0"), wantStatus: 200},
		{name: "RangeBadUnit", header: rng("items=0-9"), wantStatus: 200},
		{name: "RangeTwoLines", header: http.Header{"Range": {"bytes=0-1", "bytes=2-3"}}, wantStatus: 200},
		{name: "RangeINMWins", header: http.Header{"Range": {"bytes=0-9"}, "If-None-Match": {etag}}, wantStatus: 304},

		{name: "DotDot", target: p.Mount + "../x", wantStatus: 400},
		{name: "DotDotEscaped", target: p.Mount + "%2e%2e/etc/passwd", wantStatus: 400},
		{name: "DoubleSlash", target: p.Mount + "a//b", wantStatus: 400},
		{name: "EncodedSlash", target: p.Mount + "a%2Fb", wantStatus: 400},
		{name: "Backslash", target: p.Mount + `a\b`, wantStatus: 400},
		{name: "NUL", target: p.Mount + "a%00", wantStatus: 400},
		{name: "Dotfile", target: p.Mount + ".env", wantStatus: 404},
		{name: "TooLong", target: p.Mount + strings.Repeat("a", httpserve.MaxPathLen), wantStatus: 414},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, target := tt.method, tt.target
			if method == "" {
				method = "GET"
			}
			if target == "" {
				target = p.Target
			}
			w := do(method, target, tt.header)
			want{tt.wantStatus, tt.wantHeader, tt.wantBody}.check(t, w)
		})
	}
	t.Run("Multipart", func(t *testing.T) {
		w := do("GET", p.Target, rng("bytes=0-4, 10-14, -3"))
		if w.Code != 206 {
			t.Fatalf("status = %d, want 206", w.Code)
		}
		got := parts(t, w)
		want := []part{
			{p.ContentType, fmt.Sprintf("bytes 0-4/%d", n), body[0:5]},
			{p.ContentType, fmt.Sprintf("bytes 10-14/%d", n), body[10:15]},
			{p.ContentType, fmt.Sprintf("bytes %d-%d/%d", n-3, n-1, n), body[n-3:]},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("parts (-want +got):\n%s", diff)
		}
	})
	t.Run("Stripped", func(t *testing.T) {
		h := http.StripPrefix(strings.TrimSuffix(p.Mount, "/"), p.Handler)
		if w := serve(h, p.Target); w.Code != 200 || w.Body.String() != body {
			t.Errorf("through http.StripPrefix: %d, %d bytes", w.Code, w.Body.Len())
		}
	})
}

// serve answers a GET of target with h.
func serve(h http.Handler, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	return w
}

// part is one part of a multipart/byteranges body.
type part struct{ ContentType, ContentRange, Body string }

// parts parses a multipart/byteranges response as a client would.
func parts(t *testing.T, w *httptest.ResponseRecorder) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if err != nil || mt != "multipart/byteranges" {
		t.Fatalf("Content-Type = %q (%v)", w.Header().Get("Content-Type"), err)
	}
	var got []part
	mr := multipart.NewReader(w.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, part{p.Header.Get("Content-Type"), p.Header.Get("Content-Range"), string(b)})
	}
}
