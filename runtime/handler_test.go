package runtime

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
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

	"github.com/google/go-cmp/cmp"
)

// testAsset describes one file of the test table.
type testAsset struct {
	path, hashed, contentType string
	content                   []byte
	codings                   []string // variants to make: "br" and "zstd" get fake bytes, "gzip" real ones
	noIdentity                bool     // embed only the variants
	immutable                 bool
}

var cssContent = bytes.Repeat([]byte("body { color: #333; margin: 0 auto; }\n"), 40)

func testAssets() []testAsset {
	return []testAsset{
		{path: ".well-known/security.txt", hashed: ".well-known/security.txt", contentType: "text/plain; charset=utf-8", content: []byte("Contact: x\n")},
		{path: "app/only.js", hashed: "app/only.0123456789ab.js", contentType: "text/javascript; charset=utf-8", content: bytes.Repeat([]byte("console.log(1);\n"), 50), codings: []string{"gzip"}, noIdentity: true},
		{path: "css/base.css", hashed: "css/base.1a2b3c4d5e6f.css", contentType: "text/css; charset=utf-8", content: cssContent, codings: []string{"br", "zstd", "gzip"}},
		{path: "docs/index.html", hashed: "docs/index.html", contentType: "text/html; charset=utf-8", content: []byte("<h1>docs</h1>\n")},
		{path: "empty.txt", hashed: "empty.txt", contentType: "text/plain; charset=utf-8", content: []byte{}},
		{path: "fonts/inter.ttf", hashed: "fonts/inter.aabbccddeeff.ttf", contentType: "font/ttf", content: []byte("\x00\x01\x00\x00fake font")},
		{path: "index.html", hashed: "index.html", contentType: "text/html; charset=utf-8", content: []byte("<!doctype html><title>app</title>\n")},
		{path: "robots.txt", hashed: "robots.txt", contentType: "text/plain; charset=utf-8", content: []byte("User-agent: *\n")},
		{path: "vendor/lib-Ab12Cd34.js", hashed: "vendor/lib-Ab12Cd34.js", contentType: "text/javascript; charset=utf-8", content: []byte("export {}\n"), immutable: true},
	}
}

// variantBytes makes a variant's content: real gzip, and recognizable fake
// bytes for br and zstd, which the handler never decodes.
func variantBytes(t testing.TB, coding string, content []byte) []byte {
	if coding != "gzip" {
		return []byte(coding + ":" + strconv.Itoa(len(content)))
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func integrity(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// newTestSet builds a Set over a MapFS, the way generated code builds one
// over an embed.FS, and returns it with each file's variant contents by
// logical path and coding.
func newTestSet(t testing.TB) (*Set, map[string]map[string][]byte) {
	return buildSet(t, testAssets())
}

func buildSet(t testing.TB, assets []testAsset) (*Set, map[string]map[string][]byte) {
	fsys := fstest.MapFS{}
	variants := map[string]map[string][]byte{}
	var files []File
	for _, a := range assets {
		f := File{
			Path:        a.path,
			HashedPath:  a.hashed,
			Name:        "files/" + a.hashed,
			Integrity:   integrity(a.content),
			ContentType: a.contentType,
			Size:        int64(len(a.content)),
			Immutable:   a.immutable,
		}
		if a.noIdentity {
			f.Name = ""
		} else {
			fsys[f.Name] = &fstest.MapFile{Data: a.content}
		}
		variants[a.path] = map[string][]byte{"": a.content}
		for _, c := range a.codings {
			b := variantBytes(t, c, a.content)
			name := "files/" + a.hashed + "." + c
			fsys[name] = &fstest.MapFile{Data: b}
			f.Encodings = append(f.Encodings, Encoding{Coding: c, Name: name, Size: int64(len(b))})
			variants[a.path][c] = b
		}
		files = append(files, f)
	}
	return New(fsys, "/static/", files), variants
}

// absent in a want map means the header must not be sent.
const absent = "<absent>"

func etagOf(content []byte, coding string) string {
	e := etag(integrity(content))
	if coding != "" {
		e = variantETag(e, coding)
	}
	return e
}

func TestHandler(t *testing.T) {
	set, variants := newTestSet(t)
	css := variants["css/base.css"]
	cssETag := etagOf(css[""], "")
	cssBrETag := etagOf(css[""], "br")
	cssLen := strconv.Itoa(len(css[""]))
	const hashedCSS = "/static/css/base.1a2b3c4d5e6f.css"
	robots := variants["robots.txt"][""]
	only := variants["app/only.js"]

	tests := []struct {
		name       string
		opts       ServeOptions
		method     string // GET if empty
		target     string
		header     http.Header
		wantStatus int
		wantHeader map[string]string
		wantBody   *string // not checked if nil
	}{
		// Lookup and caching.
		{name: "Hashed", target: hashedCSS, wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/css; charset=utf-8", "Cache-Control": cacheImmutable, "Etag": cssETag, "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff", "Content-Length": cssLen, "Accept-Ranges": "bytes", "Content-Encoding": absent},
			wantBody:   ptr(string(css[""]))},
		{name: "Logical", target: "/static/css/base.css", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=60, must-revalidate", "Etag": cssETag}},
		{name: "NoVariantsNoVary", target: "/static/robots.txt", wantStatus: 200,
			wantHeader: map[string]string{"Vary": absent, "Content-Length": strconv.Itoa(len(robots))}, wantBody: ptr(string(robots))},
		{name: "ImmutableFlag", target: "/static/vendor/lib-Ab12Cd34.js", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": cacheImmutable}},
		{name: "UnhashedMaxAge", opts: ServeOptions{UnhashedMaxAge: 5 * time.Minute}, target: "/static/robots.txt", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=300, must-revalidate"}},
		{name: "UnhashedNoCache", opts: ServeOptions{UnhashedMaxAge: -1}, target: "/static/robots.txt", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "no-cache"}},
		{name: "WrongHash", target: "/static/css/base.000000000000.css", wantStatus: 404},
		{name: "Unknown", target: "/static/nope.css", wantStatus: 404,
			wantHeader: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}, wantBody: ptr("Not Found\n")},
		{name: "OutsideMount", target: "/other/robots.txt", wantStatus: 404},
		{name: "MountWithoutSlash", target: "/static", wantStatus: 404},
		{name: "Empty", target: "/static/empty.txt", wantStatus: 200, wantHeader: map[string]string{"Content-Length": "0"}, wantBody: ptr("")},

		// Methods.
		{name: "HEAD", method: "HEAD", target: hashedCSS, wantStatus: 200,
			wantHeader: map[string]string{"Content-Length": cssLen, "Etag": cssETag}, wantBody: ptr("")},
		{name: "HEADBr", method: "HEAD", target: hashedCSS, header: http.Header{"Accept-Encoding": {"br"}}, wantStatus: 200,
			wantHeader: map[string]string{"Content-Length": strconv.Itoa(len(css["br"])), "Content-Encoding": "br"}, wantBody: ptr("")},
		{name: "POST", method: "POST", target: hashedCSS, wantStatus: 405, wantHeader: map[string]string{"Allow": "GET, HEAD", "Etag": absent}},
		{name: "OPTIONS", method: "OPTIONS", target: hashedCSS, wantStatus: 405, wantHeader: map[string]string{"Allow": "GET, HEAD"}},
		{name: "DELETEUnknown", method: "DELETE", target: "/static/nope", wantStatus: 404},

		// Accept-Encoding (RFC 9110 §12.5.3).
		{name: "AEBrGzip", target: hashedCSS, header: ae("br, gzip"), wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": "br", "Etag": cssBrETag, "Vary": "Accept-Encoding", "Content-Length": strconv.Itoa(len(css["br"])), "Accept-Ranges": absent},
			wantBody:   ptr(string(css["br"]))},
		{name: "AEGzip", target: hashedCSS, header: ae("gzip"), wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": "gzip", "Etag": etagOf(css[""], "gzip")}, wantBody: ptr(string(css["gzip"]))},
		{name: "AEXGzip", target: hashedCSS, header: ae("x-gzip"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "gzip"}},
		{name: "AEZstdGzip", target: hashedCSS, header: ae("zstd, gzip"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "zstd"}},
		{name: "AEQValues", target: hashedCSS, header: ae("gzip;q=1, br;q=0.5"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "gzip"}},
		{name: "AETieServerPreference", target: hashedCSS, header: ae("gzip;q=0.5, zstd;q=0.5, br;q=0.5"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "br"}},
		{name: "AEStar", target: hashedCSS, header: ae("*"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "br"}},
		{name: "AEUpperCase", target: hashedCSS, header: ae("GZIP"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "gzip"}},
		{name: "AETwoLines", target: hashedCSS, header: http.Header{"Accept-Encoding": {"gzip;q=0.5", "zstd"}}, wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "zstd"}},
		{name: "AEIdentity", target: hashedCSS, header: ae("identity"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": absent, "Etag": cssETag}},
		{name: "AEEmpty", target: hashedCSS, header: ae(""), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": absent}},
		{name: "AEBrRefused", target: hashedCSS, header: ae("br;q=0"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": absent}},
		{name: "AEIdentityPreferred", target: hashedCSS, header: ae("gzip;q=0.5, identity"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": absent}},
		{name: "AEBadQIgnored", target: hashedCSS, header: ae("br;q=2"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": absent}},
		{name: "AEUnknownCoding", target: hashedCSS, header: ae("deflate"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": absent}},
		{name: "AEStarExceptIdentity", target: hashedCSS, header: ae("*;q=0, gzip"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": "gzip"}},
		{name: "AEIdentityExcluded406", target: hashedCSS, header: ae("identity;q=0"), wantStatus: 406,
			wantHeader: map[string]string{"Vary": "Accept-Encoding", "Etag": absent}, wantBody: ptr("Not Acceptable\n")},
		{name: "AEStarZero406", target: hashedCSS, header: ae("*;q=0"), wantStatus: 406},
		{name: "AENoVariants406", target: "/static/robots.txt", header: ae("identity;q=0, gzip"), wantStatus: 406, wantHeader: map[string]string{"Vary": absent}},
		{name: "AENoVariantsGzip", target: "/static/robots.txt", header: ae("gzip"), wantStatus: 200, wantHeader: map[string]string{"Content-Encoding": absent}},

		// Identity not embedded: decompressed from gzip.
		{name: "GzipOnlyGzip", target: "/static/app/only.0123456789ab.js", header: ae("gzip, br"), wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": "gzip"}, wantBody: ptr(string(only["gzip"]))},
		{name: "GzipOnlyIdentity", target: "/static/app/only.0123456789ab.js", wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": absent, "Content-Length": strconv.Itoa(len(only[""])), "Etag": etagOf(only[""], ""), "Vary": "Accept-Encoding"},
			wantBody:   ptr(string(only[""]))},
		{name: "GzipOnlyHEAD", method: "HEAD", target: "/static/app/only.0123456789ab.js", wantStatus: 200,
			wantHeader: map[string]string{"Content-Length": strconv.Itoa(len(only[""]))}, wantBody: ptr("")},
		{name: "GzipOnlyRangeIgnored", target: "/static/app/only.0123456789ab.js", header: http.Header{"Range": {"bytes=0-1"}}, wantStatus: 200},

		// Preconditions (RFC 9110 §13.2.2).
		{name: "INMMatch", target: hashedCSS, header: http.Header{"If-None-Match": {cssETag}}, wantStatus: 304,
			wantHeader: map[string]string{"Etag": cssETag, "Cache-Control": cacheImmutable, "Vary": "Accept-Encoding", "Content-Type": absent, "Content-Length": absent},
			wantBody:   ptr("")},
		{name: "INMWeak", target: hashedCSS, header: http.Header{"If-None-Match": {"W/" + cssETag}}, wantStatus: 304},
		{name: "INMStar", target: hashedCSS, header: http.Header{"If-None-Match": {"*"}}, wantStatus: 304},
		{name: "INMList", target: hashedCSS, header: http.Header{"If-None-Match": {`"x", ` + cssETag}}, wantStatus: 304},
		{name: "INMSecondLine", target: hashedCSS, header: http.Header{"If-None-Match": {`"x"`, cssETag}}, wantStatus: 304},
		{name: "INMOtherRepresentation", target: hashedCSS, header: http.Header{"If-None-Match": {cssBrETag}}, wantStatus: 200},
		{name: "INMVariant", target: hashedCSS, header: http.Header{"If-None-Match": {cssBrETag}, "Accept-Encoding": {"br"}}, wantStatus: 304,
			wantHeader: map[string]string{"Etag": cssBrETag, "Content-Encoding": absent}},
		{name: "INMNoMatch", target: hashedCSS, header: http.Header{"If-None-Match": {`"nope"`}}, wantStatus: 200},
		{name: "INMMalformed", target: hashedCSS, header: http.Header{"If-None-Match": {`nope, ` + cssETag}}, wantStatus: 200},
		{name: "INMHead", method: "HEAD", target: hashedCSS, header: http.Header{"If-None-Match": {cssETag}}, wantStatus: 304},
		{name: "IfMatch", target: hashedCSS, header: http.Header{"If-Match": {cssETag}}, wantStatus: 200},
		{name: "IfMatchStar", target: hashedCSS, header: http.Header{"If-Match": {"*"}}, wantStatus: 200},
		{name: "IfMatchFails", target: hashedCSS, header: http.Header{"If-Match": {`"nope"`}}, wantStatus: 412,
			wantHeader: map[string]string{"Etag": absent}, wantBody: ptr("Precondition Failed\n")},
		{name: "IfMatchWeakFails", target: hashedCSS, header: http.Header{"If-Match": {"W/" + cssETag}}, wantStatus: 412},
		{name: "IfMatchBeforeINM", target: hashedCSS, header: http.Header{"If-Match": {`"nope"`}, "If-None-Match": {cssETag}}, wantStatus: 412},
		{name: "IfModifiedSinceIgnored", target: hashedCSS, header: http.Header{"If-Modified-Since": {time.Now().UTC().Format(http.TimeFormat)}}, wantStatus: 200},
		{name: "IfUnmodifiedSinceIgnored", target: hashedCSS, header: http.Header{"If-Unmodified-Since": {"Sat, 01 Jan 2000 00:00:00 GMT"}}, wantStatus: 200},

		// Ranges (RFC 9110 §14).
		{name: "Range", target: hashedCSS, header: rng("bytes=0-9"), wantStatus: 206,
			wantHeader: map[string]string{"Content-Range": "bytes 0-9/" + cssLen, "Content-Length": "10", "Content-Type": "text/css; charset=utf-8", "Etag": cssETag},
			wantBody:   ptr(string(css[""][:10]))},
		{name: "RangeSuffix", target: hashedCSS, header: rng("bytes=-5"), wantStatus: 206, wantBody: ptr(string(css[""][len(css[""])-5:]))},
		{name: "RangeOpen", target: "/static/robots.txt", header: rng("bytes=5-"), wantStatus: 206, wantBody: ptr(string(robots[5:]))},
		{name: "RangeClamped", target: "/static/robots.txt", header: rng("bytes=0-9999"), wantStatus: 206,
			wantHeader: map[string]string{"Content-Range": fmt.Sprintf("bytes 0-%d/%d", len(robots)-1, len(robots))}},
		{name: "RangeUnsatisfiable", target: hashedCSS, header: rng("bytes=" + cssLen + "-"), wantStatus: 416,
			wantHeader: map[string]string{"Content-Range": "bytes */" + cssLen, "Etag": absent}},
		{name: "RangeVariantIgnored", target: hashedCSS, header: http.Header{"Range": {"bytes=0-9"}, "Accept-Encoding": {"br"}}, wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": "br", "Content-Range": absent}},
		{name: "RangeHEADIgnored", method: "HEAD", target: hashedCSS, header: rng("bytes=0-9"), wantStatus: 200},
		{name: "RangeIfRange", target: hashedCSS, header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {cssETag}}, wantStatus: 206},
		{name: "RangeIfRangeStale", target: hashedCSS, header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {`"old"`}}, wantStatus: 200},
		{name: "RangeIfRangeWeak", target: hashedCSS, header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {"W/" + cssETag}}, wantStatus: 200},
		{name: "RangeIfRangeDate", target: hashedCSS, header: http.Header{"Range": {"bytes=0-9"}, "If-Range": {"Sat, 01 Jan 2000 00:00:00 GMT"}}, wantStatus: 200},
		{name: "RangeOverlap", target: hashedCSS, header: rng("bytes=0-9,5-14"), wantStatus: 200},
		{name: "RangeTooMany", target: hashedCSS, header: rng("bytes=" + strings.Repeat("0-0,", 16) + "0-0"), wantStatus: 200},
		{name: "RangeBadUnit", target: hashedCSS, header: rng("items=0-9"), wantStatus: 200},
		{name: "RangeMalformed", target: hashedCSS, header: rng("bytes=9-0"), wantStatus: 200},
		{name: "RangeTwoLines", target: hashedCSS, header: http.Header{"Range": {"bytes=0-1", "bytes=2-3"}}, wantStatus: 200},
		{name: "RangeEmptyFile", target: "/static/empty.txt", header: rng("bytes=0-0"), wantStatus: 200},
		{name: "RangeINMWins", target: hashedCSS, header: http.Header{"Range": {"bytes=0-9"}, "If-None-Match": {cssETag}}, wantStatus: 304},

		// Options.
		{name: "CORS", opts: ServeOptions{CORSOrigin: "*"}, target: "/static/fonts/inter.aabbccddeeff.ttf", wantStatus: 200,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Content-Type": "font/ttf"}},
		{name: "NoCORS", target: "/static/fonts/inter.aabbccddeeff.ttf", wantStatus: 200, wantHeader: map[string]string{"Access-Control-Allow-Origin": absent}},
		{name: "HeaderRule", opts: ServeOptions{Headers: []HeaderRule{{Pattern: "*.html", Header: http.Header{"content-security-policy": {"default-src 'self'"}}}}},
			target: "/static/index.html", wantStatus: 200, wantHeader: map[string]string{"Content-Security-Policy": "default-src 'self'"}},
		{name: "HeaderRuleNoMatch", opts: ServeOptions{Headers: []HeaderRule{{Pattern: "*.html", Header: http.Header{"X-A": {"1"}}}}},
			target: "/static/robots.txt", wantStatus: 200, wantHeader: map[string]string{"X-A": absent}},
		{name: "HeaderRuleOverrides", opts: ServeOptions{Headers: []HeaderRule{
			{Pattern: "css/*", Header: http.Header{"Cache-Control": {"private"}, "X-A": {"1"}}},
			{Pattern: "css/*.css", Header: http.Header{"X-A": {"2"}}},
		}}, target: hashedCSS, wantStatus: 200, wantHeader: map[string]string{"Cache-Control": "private", "X-A": "2"}},
		{name: "HeaderRuleOn304", opts: ServeOptions{Headers: []HeaderRule{{Pattern: "css/*", Header: http.Header{"X-A": {"1"}}}}},
			target: hashedCSS, header: http.Header{"If-None-Match": {cssETag}}, wantStatus: 304, wantHeader: map[string]string{"X-A": "1"}},
		{name: "IndexRoot", opts: ServeOptions{Index: true}, target: "/static/", wantStatus: 200, wantBody: ptr(string(variants["index.html"][""]))},
		{name: "IndexDir", opts: ServeOptions{Index: true}, target: "/static/docs/", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=60, must-revalidate"}, wantBody: ptr(string(variants["docs/index.html"][""]))},
		{name: "IndexRedirect", opts: ServeOptions{Index: true}, target: "/static/docs?a=1", wantStatus: 301, wantHeader: map[string]string{"Location": "docs/?a=1"}},
		{name: "IndexNoIndexFile", opts: ServeOptions{Index: true}, target: "/static/css/", wantStatus: 404},
		{name: "NoIndex", target: "/static/", wantStatus: 404},
		{name: "NoIndexDir", target: "/static/docs/", wantStatus: 404},
		{name: "Fallback", opts: ServeOptions{Fallback: "index.html"}, target: "/static/app/settings", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "no-cache", "Content-Type": "text/html; charset=utf-8"}, wantBody: ptr(string(variants["index.html"][""]))},
		{name: "FallbackNotForFiles", opts: ServeOptions{Fallback: "index.html"}, target: "/static/app/missing.js", wantStatus: 404},
		{name: "FallbackNotForBadPaths", opts: ServeOptions{Fallback: "index.html"}, target: "/static/a/../b", wantStatus: 400},
		{name: "FallbackNotForDotfiles", opts: ServeOptions{Fallback: "index.html"}, target: "/static/.env", wantStatus: 404},

		// Hostile paths.
		{name: "DotDot", target: "/static/../static/robots.txt", wantStatus: 400},
		{name: "DotDotEscaped", target: "/static/%2e%2e/etc/passwd", wantStatus: 400},
		{name: "Dot", target: "/static/./robots.txt", wantStatus: 400},
		{name: "DoubleSlash", target: "/static/css//base.css", wantStatus: 400},
		{name: "LeadingDoubleSlash", target: "/static//robots.txt", wantStatus: 400},
		{name: "EncodedSlash", target: "/static/css%2Fbase.css", wantStatus: 400},
		{name: "EncodedSlashLower", target: "/static/css%2fbase.css", wantStatus: 400},
		{name: "EncodedBackslash", target: "/static/css%5Cbase.css", wantStatus: 400},
		{name: "Backslash", target: `/static/css\base.css`, wantStatus: 400},
		{name: "NUL", target: "/static/robots.txt%00", wantStatus: 400},
		{name: "Newline", target: "/static/robots%0a.txt", wantStatus: 400},
		{name: "Dotfile", target: "/static/.well-known/security.txt", wantStatus: 404},
		{name: "DotfileLast", target: "/static/css/.base.css", wantStatus: 404},
		{name: "TooLong", target: "/static/" + strings.Repeat("a", maxPathLen), wantStatus: 414},
		{name: "EscapedLetters", target: "/static/robots%2Etxt", wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			r := httptest.NewRequest(method, tt.target, nil)
			for k, v := range tt.header {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			set.Serve(tt.opts).ServeHTTP(w, r)
			res := w.Result()
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			for k, want := range tt.wantHeader {
				got, ok := res.Header[http.CanonicalHeaderKey(k)]
				switch {
				case want == absent && ok:
					t.Errorf("%s = %q, want absent", k, got)
				case want != absent && (len(got) != 1 || got[0] != want):
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if tt.wantBody != nil {
				if diff := cmp.Diff(*tt.wantBody, w.Body.String()); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func ae(v string) http.Header  { return http.Header{"Accept-Encoding": {v}} }
func rng(v string) http.Header { return http.Header{"Range": {v}} }

// TestMultipartRanges checks a multi-range response by parsing it as a
// client would.
func TestMultipartRanges(t *testing.T) {
	set, variants := newTestSet(t)
	css := variants["css/base.css"][""]
	r := httptest.NewRequest("GET", "/static/css/base.1a2b3c4d5e6f.css", nil)
	r.Header.Set("Range", "bytes=0-4, 10-14, -3")
	w := httptest.NewRecorder()
	set.Handler().ServeHTTP(w, r)
	if w.Code != 206 {
		t.Fatalf("status = %d, want 206", w.Code)
	}
	if got, want := w.Header().Get("Content-Length"), strconv.Itoa(w.Body.Len()); got != want {
		t.Errorf("Content-Length = %s, body is %s bytes", got, want)
	}
	mt, params, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if err != nil || mt != "multipart/byteranges" {
		t.Fatalf("Content-Type = %q (%v)", w.Header().Get("Content-Type"), err)
	}
	type part struct{ ContentType, ContentRange, Body string }
	var got []part
	mr := multipart.NewReader(w.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
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
	n := len(css)
	ct := "text/css; charset=utf-8"
	want := []part{
		{ct, fmt.Sprintf("bytes 0-4/%d", n), string(css[0:5])},
		{ct, fmt.Sprintf("bytes 10-14/%d", n), string(css[10:15])},
		{ct, fmt.Sprintf("bytes %d-%d/%d", n-3, n-1, n), string(css[n-3:])},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
}

// TestServeMux checks that the handler works under ServeMux patterns
// without http.StripPrefix, and follows SetPrefix.
func TestServeMux(t *testing.T) {
	set, _ := newTestSet(t)
	mux := http.NewServeMux()
	mux.Handle("GET /static/", set.Handler())
	mux.Handle("GET /assets/", set.Handler())
	get := func(target string) int {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		return w.Code
	}
	if got := get("/static/robots.txt"); got != 200 {
		t.Errorf("/static/robots.txt: status %d, want 200", got)
	}
	if err := set.SetPrefix("/assets/"); err != nil {
		t.Fatal(err)
	}
	if got := get("/assets/robots.txt"); got != 200 {
		t.Errorf("after SetPrefix, /assets/robots.txt: status %d, want 200", got)
	}
	if got := get("/static/robots.txt"); got != 404 {
		t.Errorf("after SetPrefix, /static/robots.txt: status %d, want 404", got)
	}
}

// TestStripped checks that the handler serves paths a wrapper has already
// stripped of the prefix, and still refuses what is not in the table.
func TestStripped(t *testing.T) {
	set, _ := newTestSet(t)
	for _, tt := range []struct {
		name   string
		h      http.Handler
		target string
		want   int
	}{
		{"Direct", set.Handler(), "/static/robots.txt", 200},
		{"StripSlash", http.StripPrefix("/static/", set.Handler()), "/static/robots.txt", 200},
		{"StripNoSlash", http.StripPrefix("/static", set.Handler()), "/static/robots.txt", 200},
		{"StripUnknown", http.StripPrefix("/static/", set.Handler()), "/static/nope.txt", 404},
		{"StripDotDot", http.StripPrefix("/static/", set.Handler()), "/static/../robots.txt", 400},
		{"StripDotfile", http.StripPrefix("/static", set.Handler()), "/static/.env", 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, httptest.NewRequest("GET", tt.target, nil))
			if w.Code != tt.want {
				t.Errorf("GET %s: %d, want %d", tt.target, w.Code, tt.want)
			}
		})
	}
}

func TestServePanics(t *testing.T) {
	set, _ := newTestSet(t)
	tests := []struct {
		name string
		opts ServeOptions
	}{
		{"UnknownFallback", ServeOptions{Fallback: "nope.html"}},
		{"BadPattern", ServeOptions{Headers: []HeaderRule{{Pattern: "[", Header: http.Header{"X-A": {"1"}}}}}},
		{"ReservedHeader", ServeOptions{Headers: []HeaderRule{{Pattern: "*", Header: http.Header{"content-length": {"1"}}}}}},
		{"ReservedETag", ServeOptions{Headers: []HeaderRule{{Pattern: "*", Header: http.Header{"ETag": {`"x"`}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Serve did not panic")
				}
			}()
			set.Serve(tt.opts)
		})
	}
}

// TestHeaderValuesNotShared checks that a middleware appending to a header
// the handler set does not write into the slices the handler shares
// between responses.
func TestHeaderValuesNotShared(t *testing.T) {
	set, _ := newTestSet(t)
	h := set.Handler()
	for range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/static/css/base.css", nil))
		w.Header().Add("Vary", "Origin")
		w.Header().Add("Cache-Control", "x")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/static/css/base.css", nil))
	if diff := cmp.Diff([]string{"Accept-Encoding"}, w.Header()["Vary"]); diff != "" {
		t.Errorf("Vary (-want +got):\n%s", diff)
	}
}

// FuzzHandlerPath serves arbitrary request targets and checks that the
// status is one the handler documents and that any 200 body is exactly
// one asset's content.
func FuzzHandlerPath(f *testing.F) {
	for _, s := range []string{
		"/static/css/base.1a2b3c4d5e6f.css", "/static/css/base.css", "/static/", "/static/docs",
		"/static/../static/robots.txt", "/static/%2e%2e/etc/passwd", "/static/css%2Fbase.css",
		`/static/css\base.css`, "/static/robots.txt%00", "/static//robots.txt", "/static/.well-known/security.txt",
		"/static/app/settings", "/static/app/x.js", "/static/robots%2Etxt", "/other", "*", "",
	} {
		f.Add(s)
	}
	set, variants := newTestSet(f)
	h := set.Serve(ServeOptions{Index: true, Fallback: "index.html"})
	var contents [][]byte
	for _, v := range variants {
		contents = append(contents, v[""])
	}
	f.Fuzz(func(t *testing.T, target string) {
		r, err := http.NewRequest("GET", "http://example.com", nil)
		if err != nil {
			t.Fatal(err)
		}
		// Parse the way net/http's server does.
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		r.URL = u
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case 200:
			n := 0
			for _, c := range contents {
				if bytes.Equal(c, w.Body.Bytes()) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%q: 200 body matches %d assets, want 1", target, n)
			}
			if strings.Contains(u.Path, "/.") || strings.Contains(u.Path, "//") || strings.Contains(u.Path, `\`) {
				t.Errorf("%q: served a path with a dot segment, empty segment or backslash", target)
			}
		case 301, 400, 404, 414:
		default:
			t.Errorf("%q: status %d", target, w.Code)
		}
	})
}
