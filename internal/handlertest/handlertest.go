// Package handlertest holds the tests of the handler that package runtime
// serves assets with, as functions of a Mode: over a generated table
// (runtime's tests) and over a development mode Live (gen/dev's, with the
// same files on disk), so that one table of cases holds both to one
// behaviour. The differences that remain are marked in the cases and
// listed in docs/development.md; nothing else may differ. Its protocol
// cases (RunProtocol) hold the media store's handler, local and on S3,
// to the same answers.
//
// It is imported only by tests.
package handlertest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/internal/sri"
	"github.com/assetgen/assetgen/runtime"
)

// Immutable is the Cache-Control of a fingerprinted URL in production.
const Immutable = "public, max-age=31536000, immutable"

// Asset describes one file of a test tree.
type Asset struct {
	Path, Hashed, ContentType string
	Content                   []byte
	Codings                   []string // table variants: "br" and "zstd" get fake bytes, "gzip" real ones
	NoIdentity                bool     // embed only the variants
	Immutable                 bool
}

var cssContent = bytes.Repeat([]byte("body { color: #333; margin: 0 auto; }\n"), 40)

// Assets is the tree the cases are written for.
func Assets() []Asset {
	return []Asset{
		{Path: ".well-known/security.txt", Hashed: ".well-known/security.txt", ContentType: "text/plain; charset=utf-8", Content: []byte("Contact: x\n")},
		{Path: "app/only.js", Hashed: "app/only.0123456789ab.js", ContentType: "text/javascript; charset=utf-8", Content: bytes.Repeat([]byte("console.log(1);\n"), 50), Codings: []string{"gzip"}, NoIdentity: true},
		{Path: "css/base.css", Hashed: "css/base.1a2b3c4d5e6f.css", ContentType: "text/css; charset=utf-8", Content: cssContent, Codings: []string{"br", "zstd", "gzip"}},
		{Path: "docs/index.html", Hashed: "docs/index.html", ContentType: "text/html; charset=utf-8", Content: []byte("<h1>docs</h1>\n")},
		{Path: "empty.txt", Hashed: "empty.txt", ContentType: "text/plain; charset=utf-8", Content: []byte{}},
		{Path: "fonts/inter.ttf", Hashed: "fonts/inter.aabbccddeeff.ttf", ContentType: "font/ttf", Content: []byte("\x00\x01\x00\x00fake font")},
		{Path: "index.html", Hashed: "index.html", ContentType: "text/html; charset=utf-8", Content: []byte("<!doctype html><title>app</title>\n")},
		{Path: "robots.txt", Hashed: "robots.txt", ContentType: "text/plain; charset=utf-8", Content: []byte("User-agent: *\n")},
		{Path: "vendor/lib-Ab12Cd34.js", Hashed: "vendor/lib-Ab12Cd34.js", ContentType: "text/javascript; charset=utf-8", Content: []byte("export {}\n"), Immutable: true},
	}
}

// Variants are the contents of each file's representations, by logical
// path and coding ("" for identity).
type Variants map[string]map[string][]byte

// Table builds a Set over a MapFS, the way generated code builds one over
// an embed.FS, and returns it with each file's variant contents.
func Table(t testing.TB, assets []Asset) (*runtime.Set, Variants) {
	fsys := fstest.MapFS{}
	variants := Variants{}
	var files []runtime.File
	for _, a := range assets {
		f := runtime.File{
			Path:        a.Path,
			HashedPath:  a.Hashed,
			Name:        "files/" + a.Hashed,
			Integrity:   sri.Bytes(a.Content),
			ContentType: a.ContentType,
			Size:        int64(len(a.Content)),
			Immutable:   a.Immutable,
		}
		if a.NoIdentity {
			f.Name = ""
		} else {
			fsys[f.Name] = &fstest.MapFile{Data: a.Content}
		}
		variants[a.Path] = map[string][]byte{"": a.Content}
		for _, c := range a.Codings {
			b := variantBytes(t, c, a.Content)
			name := "files/" + a.Hashed + "." + c
			fsys[name] = &fstest.MapFile{Data: b}
			f.Encodings = append(f.Encodings, runtime.Encoding{Coding: c, Name: name, Size: int64(len(b))})
			variants[a.Path][c] = b
		}
		files = append(files, f)
	}
	return runtime.New(fsys, "/static/", files), variants
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

// Mode is one way of serving the tree of Assets.
type Mode struct {
	// Set serves the tree, from its table or from its Live.
	Set *runtime.Set
	// Variants are the contents the Set serves.
	Variants Variants
	// Dev is development mode: every response that is cached is
	// Cache-Control: no-cache, and the cases' dev answers apply.
	Dev bool
	// Table, in development mode, says the Set's table holds the same
	// files, as after go generate: each is then served from the table,
	// and the dev answers of cases marked devEdited, which come from
	// serving a file the table lacks, do not apply.
	Table bool
}

// cacheControl is the Cache-Control that m sends where production sends
// want: in development mode, no-cache for what the handler caches itself.
// (A value a ServeOptions.Headers rule sets is sent in both.)
func (m Mode) cacheControl(want string) string {
	if m.Dev && strings.HasPrefix(want, "public, ") {
		return "no-cache"
	}
	return want
}

// url is the fingerprinted URL of the file at logical path p.
func (m Mode) url(t testing.TB, p string) string {
	t.Helper()
	u, err := m.Set.URL(p)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Run runs every test of the handler, each against a Mode newMode makes
// for it.
func Run(t *testing.T, newMode func(testing.TB) Mode) {
	for _, test := range []struct {
		name string
		run  func(*testing.T, Mode)
	}{
		{"Cases", cases},
		{"MultipartRanges", multipartRanges},
		{"ServeMux", serveMux},
		{"Stripped", stripped},
		{"ServePanics", servePanics},
		{"HeaderValuesNotShared", headerValuesNotShared},
		{"Protocol", runProtocol},
	} {
		t.Run(test.name, func(t *testing.T) { test.run(t, newMode(t)) })
	}
}

// absent in a want map means the header must not be sent.
const absent = "<absent>"

// want is a case's expected answer.
type want struct {
	status int
	header map[string]string
	body   *string // not checked if nil
}

// ETag is the entity tag of content in coding ("" for identity).
func ETag(content []byte, coding string) string {
	_, digest, _ := strings.Cut(sri.Bytes(content), "-")
	if coding != "" {
		digest += "-" + coding
	}
	return `"` + digest + `"`
}

// cases is the table of requests and answers.
func cases(t *testing.T, m Mode) {
	variants := m.Variants
	css := variants["css/base.css"]
	cssETag := ETag(css[""], "")
	cssBrETag := ETag(css[""], "br")
	cssLen := strconv.Itoa(len(css[""]))
	hashedCSS := m.url(t, "css/base.css")
	onlyURL, fontURL := m.url(t, "app/only.js"), m.url(t, "fonts/inter.ttf")
	robots := variants["robots.txt"][""]
	only := variants["app/only.js"]

	tests := []struct {
		name       string
		opts       runtime.ServeOptions
		method     string // GET if empty
		target     string
		header     http.Header
		wantStatus int
		wantHeader map[string]string
		wantBody   *string // not checked if nil
		// dev, if set, replaces wantStatus, wantHeader and wantBody in
		// development mode: the differences docs/development.md lists as intended.
		// devEdited limits it to a file edited or added since generation.
		dev       *want
		devEdited bool
	}{
		// Lookup and caching.
		{name: "Hashed", target: hashedCSS, wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/css; charset=utf-8", "Cache-Control": Immutable, "Etag": cssETag, "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff", "Content-Length": cssLen, "Accept-Ranges": "bytes", "Content-Encoding": absent},
			wantBody:   ptr(string(css[""]))},
		{name: "Logical", target: "/static/css/base.css", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=60, must-revalidate", "Etag": cssETag}},
		{name: "NoVariantsNoVary", target: "/static/robots.txt", wantStatus: 200,
			wantHeader: map[string]string{"Vary": absent, "Content-Length": strconv.Itoa(len(robots))}, wantBody: ptr(string(robots))},
		{name: "ImmutableFlag", target: "/static/vendor/lib-Ab12Cd34.js", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": Immutable}},
		{name: "UnhashedMaxAge", opts: runtime.ServeOptions{UnhashedMaxAge: 5 * time.Minute}, target: "/static/robots.txt", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=300, must-revalidate"}},
		{name: "UnhashedNoCache", opts: runtime.ServeOptions{UnhashedMaxAge: -1}, target: "/static/robots.txt", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "no-cache"}},
		{name: "WrongHash", target: "/static/css/base.000000000000.css", wantStatus: 404,
			// Development mode serves a stale fingerprint the current
			// content, so that a page rendered before an edit loads.
			dev: &want{status: 200, header: map[string]string{"Etag": cssETag}, body: ptr(string(css[""]))}},
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
			wantHeader: map[string]string{"Content-Encoding": "gzip", "Etag": ETag(css[""], "gzip")}, wantBody: ptr(string(css["gzip"]))},
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
		{name: "GzipOnlyGzip", target: onlyURL, header: ae("gzip, br"), wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": "gzip"}, wantBody: ptr(string(only["gzip"])),
			// Development mode has the identity bytes of every file, so
			// its variants are compress's choice: br for this one.
			dev: &want{status: 200, header: map[string]string{"Content-Encoding": "br"}, body: ptr(string(only["br"]))}, devEdited: true},
		{name: "GzipOnlyIdentity", target: onlyURL, wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": absent, "Content-Length": strconv.Itoa(len(only[""])), "Etag": ETag(only[""], ""), "Vary": "Accept-Encoding"},
			wantBody:   ptr(string(only[""]))},
		{name: "GzipOnlyHEAD", method: "HEAD", target: onlyURL, wantStatus: 200,
			wantHeader: map[string]string{"Content-Length": strconv.Itoa(len(only[""]))}, wantBody: ptr("")},
		{name: "GzipOnlyRangeIgnored", target: onlyURL, header: http.Header{"Range": {"bytes=0-1"}}, wantStatus: 200,
			// ...and so answers Range on such a file.
			dev: &want{status: 206, body: ptr(string(only[""][:2]))}, devEdited: true},

		// Preconditions (RFC 9110 §13.2.2).
		{name: "INMMatch", target: hashedCSS, header: http.Header{"If-None-Match": {cssETag}}, wantStatus: 304,
			wantHeader: map[string]string{"Etag": cssETag, "Cache-Control": Immutable, "Vary": "Accept-Encoding", "Content-Type": absent, "Content-Length": absent},
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
		{name: "CORS", opts: runtime.ServeOptions{CORSOrigin: "*"}, target: fontURL, wantStatus: 200,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*", "Content-Type": "font/ttf"}},
		{name: "NoCORS", target: fontURL, wantStatus: 200, wantHeader: map[string]string{"Access-Control-Allow-Origin": absent}},
		{name: "HeaderRule", opts: runtime.ServeOptions{Headers: []runtime.HeaderRule{{Pattern: "*.html", Header: http.Header{"content-security-policy": {"default-src 'self'"}}}}},
			target: "/static/index.html", wantStatus: 200, wantHeader: map[string]string{"Content-Security-Policy": "default-src 'self'"}},
		{name: "HeaderRuleNoMatch", opts: runtime.ServeOptions{Headers: []runtime.HeaderRule{{Pattern: "*.html", Header: http.Header{"X-A": {"1"}}}}},
			target: "/static/robots.txt", wantStatus: 200, wantHeader: map[string]string{"X-A": absent}},
		{name: "HeaderRuleOverrides", opts: runtime.ServeOptions{Headers: []runtime.HeaderRule{
			{Pattern: "css/*", Header: http.Header{"Cache-Control": {"private"}, "X-A": {"1"}}},
			{Pattern: "css/*.css", Header: http.Header{"X-A": {"2"}}},
		}}, target: hashedCSS, wantStatus: 200, wantHeader: map[string]string{"Cache-Control": "private", "X-A": "2"}},
		{name: "HeaderRuleOn304", opts: runtime.ServeOptions{Headers: []runtime.HeaderRule{{Pattern: "css/*", Header: http.Header{"X-A": {"1"}}}}},
			target: hashedCSS, header: http.Header{"If-None-Match": {cssETag}}, wantStatus: 304, wantHeader: map[string]string{"X-A": "1"}},
		{name: "IndexRoot", opts: runtime.ServeOptions{Index: true}, target: "/static/", wantStatus: 200, wantBody: ptr(string(variants["index.html"][""]))},
		{name: "IndexDir", opts: runtime.ServeOptions{Index: true}, target: "/static/docs/", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=60, must-revalidate"}, wantBody: ptr(string(variants["docs/index.html"][""]))},
		{name: "IndexRedirect", opts: runtime.ServeOptions{Index: true}, target: "/static/docs?a=1", wantStatus: 301, wantHeader: map[string]string{"Location": "docs/?a=1"}},
		{name: "IndexNoIndexFile", opts: runtime.ServeOptions{Index: true}, target: "/static/css/", wantStatus: 404},
		{name: "NoIndex", target: "/static/", wantStatus: 404},
		{name: "NoIndexDir", target: "/static/docs/", wantStatus: 404},
		{name: "Fallback", opts: runtime.ServeOptions{Fallback: "index.html"}, target: "/static/app/settings", wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "no-cache", "Content-Type": "text/html; charset=utf-8"}, wantBody: ptr(string(variants["index.html"][""]))},
		{name: "FallbackNotForFiles", opts: runtime.ServeOptions{Fallback: "index.html"}, target: "/static/app/missing.js", wantStatus: 404},
		{name: "FallbackNotForBadPaths", opts: runtime.ServeOptions{Fallback: "index.html"}, target: "/static/a/../b", wantStatus: 400},
		{name: "FallbackNotForDotfiles", opts: runtime.ServeOptions{Fallback: "index.html"}, target: "/static/.env", wantStatus: 404},

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
		{name: "TooLong", target: "/static/" + strings.Repeat("a", httpserve.MaxPathLen), wantStatus: 414},
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
			m.Set.Serve(tt.opts).ServeHTTP(w, r)
			want := want{tt.wantStatus, tt.wantHeader, tt.wantBody}
			if m.Dev && tt.dev != nil && !(m.Table && tt.devEdited) {
				want = *tt.dev
			}
			if cc, ok := want.header["Cache-Control"]; ok {
				want.header = maps.Clone(want.header)
				want.header["Cache-Control"] = m.cacheControl(cc)
			}
			want.check(t, w)
		})
	}
}

// check compares an answer with w.
func (want want) check(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	res := w.Result()
	if res.StatusCode != want.status {
		t.Errorf("status = %d, want %d", res.StatusCode, want.status)
	}
	for k, v := range want.header {
		got, ok := res.Header[http.CanonicalHeaderKey(k)]
		switch {
		case v == absent && ok:
			t.Errorf("%s = %q, want absent", k, got)
		case v != absent && (len(got) != 1 || got[0] != v):
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if want.body != nil {
		if diff := cmp.Diff(*want.body, w.Body.String()); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func ae(v string) http.Header  { return http.Header{"Accept-Encoding": {v}} }
func rng(v string) http.Header { return http.Header{"Range": {v}} }

// multipartRanges checks a multi-range response by parsing it as a
// client would.
func multipartRanges(t *testing.T, m Mode) {
	css := m.Variants["css/base.css"][""]
	r := httptest.NewRequest("GET", m.url(t, "css/base.css"), nil)
	r.Header.Set("Range", "bytes=0-4, 10-14, -3")
	w := httptest.NewRecorder()
	m.Set.Handler().ServeHTTP(w, r)
	if w.Code != 206 {
		t.Fatalf("status = %d, want 206", w.Code)
	}
	if got, want := w.Header().Get("Content-Length"), strconv.Itoa(w.Body.Len()); got != want {
		t.Errorf("Content-Length = %s, body is %s bytes", got, want)
	}
	got := parts(t, w)
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

// serveMux checks that the handler works under ServeMux patterns
// without http.StripPrefix, and follows SetPrefix.
func serveMux(t *testing.T, m Mode) {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", m.Set.Handler())
	mux.Handle("GET /assets/", m.Set.Handler())
	get := func(target string) int {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		return w.Code
	}
	if got := get("/static/robots.txt"); got != 200 {
		t.Errorf("/static/robots.txt: status %d, want 200", got)
	}
	if err := m.Set.SetPrefix("/assets/"); err != nil {
		t.Fatal(err)
	}
	if got := get("/assets/robots.txt"); got != 200 {
		t.Errorf("after SetPrefix, /assets/robots.txt: status %d, want 200", got)
	}
	if got := get("/static/robots.txt"); got != 404 {
		t.Errorf("after SetPrefix, /static/robots.txt: status %d, want 404", got)
	}
}

// stripped checks that the handler serves paths a wrapper has already
// stripped of the prefix, and still refuses what is not in the table.
func stripped(t *testing.T, m Mode) {
	for _, tt := range []struct {
		name   string
		h      http.Handler
		target string
		want   int
	}{
		{"Direct", m.Set.Handler(), "/static/robots.txt", 200},
		{"StripSlash", http.StripPrefix("/static/", m.Set.Handler()), "/static/robots.txt", 200},
		{"StripNoSlash", http.StripPrefix("/static", m.Set.Handler()), "/static/robots.txt", 200},
		{"StripUnknown", http.StripPrefix("/static/", m.Set.Handler()), "/static/nope.txt", 404},
		{"StripDotDot", http.StripPrefix("/static/", m.Set.Handler()), "/static/../robots.txt", 400},
		{"StripDotfile", http.StripPrefix("/static", m.Set.Handler()), "/static/.env", 404},
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

// servePanics checks that Serve panics on options a program fixes at
// start-up.
func servePanics(t *testing.T, m Mode) {
	tests := []struct {
		name string
		opts runtime.ServeOptions
	}{
		{"UnknownFallback", runtime.ServeOptions{Fallback: "nope.html"}},
		{"BadPattern", runtime.ServeOptions{Headers: []runtime.HeaderRule{{Pattern: "[", Header: http.Header{"X-A": {"1"}}}}}},
		{"ReservedHeader", runtime.ServeOptions{Headers: []runtime.HeaderRule{{Pattern: "*", Header: http.Header{"content-length": {"1"}}}}}},
		{"ReservedETag", runtime.ServeOptions{Headers: []runtime.HeaderRule{{Pattern: "*", Header: http.Header{"ETag": {`"x"`}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Serve did not panic")
				}
			}()
			m.Set.Serve(tt.opts)
		})
	}
}

// headerValuesNotShared checks that a middleware appending to a header
// the handler set does not write into the slices the handler shares
// between responses.
func headerValuesNotShared(t *testing.T, m Mode) {
	h := m.Set.Handler()
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

// Seeds are request targets for fuzzing a handler mounted at /static/
// over the tree of Assets: its names, and the path rules' hostile cases.
func Seeds() []string {
	return []string{
		"/static/css/base.1a2b3c4d5e6f.css", "/static/css/base.css", "/static/", "/static/docs",
		"/static/../static/robots.txt", "/static/%2e%2e/etc/passwd", "/static/css%2Fbase.css",
		`/static/css\base.css`, "/static/robots.txt%00", "/static//robots.txt", "/static/.well-known/security.txt",
		"/static/app/settings", "/static/app/x.js", "/static/robots%2Etxt", "/other", "*", "",
	}
}

// Fuzz serves arbitrary request targets with m, with an index and a
// fallback, through FuzzTargets.
func Fuzz(f *testing.F, m Mode) {
	var contents [][]byte
	for _, v := range m.Variants {
		contents = append(contents, v[""])
	}
	h := m.Set.Serve(runtime.ServeOptions{Index: true, Fallback: "index.html"})
	FuzzTargets(f, append(Seeds(), m.url(f, "css/base.css")), h, contents, nil)
}

// FuzzTargets fuzzes h with request targets, seeds first, parsed as
// net/http's server does. It checks that each status is one the handler
// documents and that any 200 body is exactly one of contents (equal
// contents counting once), for a path with no dot segment, empty segment
// or backslash. check, if not nil, looks at every answer too.
func FuzzTargets(f *testing.F, seeds []string, h http.Handler, contents [][]byte, check func(t *testing.T, target string, w *httptest.ResponseRecorder)) {
	for _, s := range seeds {
		f.Add(s)
	}
	slices.SortFunc(contents, bytes.Compare)
	contents = slices.CompactFunc(contents, bytes.Equal)
	f.Fuzz(func(t *testing.T, target string) {
		r, err := http.NewRequest("GET", "http://example.com", nil)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		r.URL = u
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if check != nil {
			check(t, target, w)
		}
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
