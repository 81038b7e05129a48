package runtime

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/internal/pkgformat"
)

// maxPathLen caps the request path the handler looks at; see
// httpserve.MaxPathLen.
const maxPathLen = httpserve.MaxPathLen

// Cache-Control values. A fingerprinted URL names one content forever, so
// it is httpserve.Immutable; a logical URL (robots.txt, favicon.ico, or a
// page that could not be rewritten) changes with a deploy, so caches reuse
// it only briefly and then revalidate, which the ETag makes a cheap 304.
const (
	cacheNoCache          = "no-cache"
	defaultUnhashedMaxAge = time.Minute
)

// Handler returns an http.Handler that serves the assets with the default
// ServeOptions. See Serve for what it does.
//
//	mux.Handle("/static/", assets.Handler())
func (s *Set) Handler() http.Handler { return s.Serve(ServeOptions{}) }

// ServeOptions adjust what Serve's handler does. The zero value is what
// Handler uses: unhashed URLs cached for a minute, no CORS header, no extra
// headers, no index files, no fallback.
type ServeOptions struct {
	// UnhashedMaxAge is how long a response for a logical (unhashed) URL
	// may be reused before revalidation: "public, max-age=N,
	// must-revalidate". Zero means one minute; a negative value sends
	// "no-cache", revalidating every time. Fingerprinted URLs are always
	// "public, max-age=31536000, immutable".
	UnhashedMaxAge time.Duration

	// CORSOrigin, if not empty, is sent as Access-Control-Allow-Origin on
	// every asset response, typically "*" or the site's origin. Assets
	// served from a CDN on another origin need it for fonts (CSS Fonts §4.9
	// fetches them in CORS mode) and for scripts and styles loaded with a
	// crossorigin attribute, which Subresource Integrity checks require;
	// so it applies to all assets, not just fonts. The value is fixed, not
	// echoed from Origin, so no Vary: Origin is needed.
	CORSOrigin string

	// Headers are extra response headers by path pattern, applied in
	// order to the 200, 206 and 304 responses of matching files; a later
	// rule replaces an earlier one's value, and both replace the
	// handler's own (Cache-Control, Content-Type...). They may not set
	// the headers that frame or validate the response: Content-Length,
	// Content-Range, Content-Encoding, Transfer-Encoding, ETag or Vary.
	Headers []HeaderRule

	// Index serves "dir/index.html" for "dir/" (and for the prefix itself,
	// "index.html"), and redirects "dir" to "dir/" so that relative URLs
	// in the page resolve. There are never directory listings: a directory
	// without an index file is 404.
	Index bool

	// Fallback, if not empty, is the logical path of an asset (typically
	// "index.html") served, with status 200 and Cache-Control: no-cache,
	// for a request under the prefix that names no asset and whose last
	// segment has no "." — a client-side route of a single-page app
	// rather than a missing file, which stays 404.
	Fallback string
}

// HeaderRule adds headers to the responses for files whose logical path
// (File.Path, whichever URL was requested) matches Pattern, as path.Match
// does: "*.html", "fonts/*", "*/*.wasm".
type HeaderRule struct {
	Pattern string
	Header  http.Header
}

// Serve returns an http.Handler that serves the assets under the URL path
// of the prefix in force ("/static/" by default). It reads the full
// request path and matches the prefix itself, so it is mounted without
// http.StripPrefix, under a ServeMux pattern for the prefix ("/static/" or
// "GET /static/"). It follows a later SetPrefix. A path that does not start
// with the prefix is taken as already stripped of it (by http.StripPrefix,
// with or without the trailing slash, or by a router that mounts that
// way), so wrapping it out of habit still works.
//
// A fingerprinted name ("css/base.1a2b3c4d5e6f.css") is served with
// Cache-Control "public, max-age=31536000, immutable"; a logical name
// ("css/base.css") with a short max-age and must-revalidate (see
// ServeOptions.UnhashedMaxAge). Only names in the table are served: a
// wrong hash is 404, as is any directory without ServeOptions.Index.
//
// Requests are handled as follows, each step citing RFC 9110:
//
//   - The path: a path longer than 4096 bytes is 414; one with an empty,
//     "." or ".." segment, an escaped slash or backslash, a backslash or a
//     control byte is 400; one with a segment starting with "." (a
//     dotfile) is 404, whether or not such a file exists.
//   - Methods: GET and HEAD. Any other, OPTIONS included, is 405 with
//     Allow: GET, HEAD. HEAD gets GET's headers, Content-Length included,
//     and no body.
//   - Accept-Encoding (§12.5.3): when the file has precompressed variants,
//     the one with the highest qvalue is sent, ties broken br, zstd,
//     gzip, with Content-Encoding, its own Content-Length and Vary:
//     Accept-Encoding (sent on every response for such a file). Identity
//     is sent without the field, or when the field gives it a higher
//     qvalue than every coding; if the field excludes identity
//     ("identity;q=0", or "*;q=0") and accepts no variant, the answer is
//     406.
//   - ETag (§8.8.3): strong, from the content hash; a variant's carries the
//     coding ("…-br"), since each representation needs its own.
//   - Preconditions in the order of §13.2.2: If-Match (strong comparison,
//     "*") failing is 412; If-None-Match (weak comparison, lists, "*")
//     matching is 304 with ETag, Cache-Control and Vary but no body.
//     If-Modified-Since and If-Unmodified-Since are ignored: there is no
//     Last-Modified, as embedded files have no modification time.
//   - Range (§14.2), on GET of the identity representation only (a
//     variant is sent whole, 200): one range is 206 with Content-Range;
//     several are multipart/byteranges; none satisfiable is 416 with
//     Content-Range: bytes */size. If-Range (§13.1.5) must match the ETag
//     strongly, or the whole file is sent. A malformed Range, more than 16
//     ranges, overlapping ranges, or ranges adding up to more than the
//     file are ignored (probably an attack). Identity responses carry
//     Accept-Ranges: bytes.
//   - Always: Content-Type from the table, X-Content-Type-Options: nosniff,
//     and ServeOptions.CORSOrigin and ServeOptions.Headers if set.
//
// A handler made while the Set has a Live (development mode, see SetLive)
// serves the names Live.Logical knows by these same steps, each with
// Cache-Control: no-cache, until SetLive(nil): a file whose content is
// the table's with the table's representations, any other with the
// variants the Live offers.
//
// Error responses are short text/plain bodies naming the status, never
// error text. A file whose identity content is not embedded (File.Name ==
// "") is sent to a client that accepts no coding by decompressing its gzip
// variant with compress/gzip as it is written; Range is ignored for it.
//
// File contents are read from the embedded file system once, on first
// request, and kept in memory, so that the common responses (a file, a
// variant, a 304, a single range) involve no copying and, apart from the
// two Content-Range and Content-Length values of a 206, no allocation by
// the handler.
//
// Serve panics, as http.ServeMux.Handle does for a bad pattern, if
// opts.Fallback names no asset, a HeaderRule pattern is malformed, or a
// rule sets a header it may not: these are fixed by the program at start-up,
// never by a request.
func (s *Set) Serve(opts ServeOptions) http.Handler {
	h := &handler{
		s: s,
		cacheControl: [numKinds][]string{
			kindHashed:   {httpserve.Immutable},
			kindUnhashed: {cacheControlUnhashed(opts.UnhashedMaxAge)},
			kindFallback: {cacheNoCache},
		},
		rules:    checkRules(opts.Headers),
		names:    servableNames(s.files),
		index:    opts.Index,
		fallback: opts.Fallback,
	}
	if opts.CORSOrigin != "" {
		h.cors = []string{opts.CORSOrigin}
	}
	if len(h.rules) > 0 || h.cors != nil {
		h.extra = make([][]httpserve.Field, len(s.files))
		for i, f := range s.files {
			h.extra[i] = h.fields(f.Path)
		}
	}
	h.table = &resolver{h, tableSource{h}}
	var src source = tableSource{h}
	var out http.Handler = h
	if ls := s.liveNow(); ls != nil {
		src, out = liveSource{ls.l, h}, devHandler{h}
	}
	if opts.Fallback != "" {
		if _, ok := src.lookupPath(opts.Fallback); !ok {
			panic(fmt.Sprintf("assetgen runtime: ServeOptions.Fallback %q is not an asset", opts.Fallback))
		}
	}
	return out
}

func cacheControlUnhashed(maxAge time.Duration) string {
	switch {
	case maxAge == 0:
		maxAge = defaultUnhashedMaxAge
	case maxAge < 0:
		return cacheNoCache
	}
	return "public, max-age=" + strconv.FormatInt(int64(maxAge/time.Second), 10) + ", must-revalidate"
}

// reservedHeaders may not be set by a HeaderRule: the handler computes
// them per representation and request.
var reservedHeaders = []string{"Content-Length", "Content-Range", "Content-Encoding", "Transfer-Encoding", "Etag", "Vary"}

// checkRules checks rules as Serve documents, panicking on a bad one, and
// returns them with keys canonicalized and values copied with len == cap,
// like the handler's own, so that no response can write into them.
func checkRules(rules []HeaderRule) []HeaderRule {
	var out []HeaderRule
	for _, rule := range rules {
		if _, err := path.Match(rule.Pattern, ""); err != nil {
			panic(fmt.Sprintf("assetgen runtime: HeaderRule pattern %q: %v", rule.Pattern, err))
		}
		hdr := make(http.Header, len(rule.Header))
		for k, v := range rule.Header {
			if slices.Contains(reservedHeaders, http.CanonicalHeaderKey(k)) {
				panic(fmt.Sprintf("assetgen runtime: HeaderRule %q sets %s, which the handler computes", rule.Pattern, k))
			}
			hdr[http.CanonicalHeaderKey(k)] = slices.Clip(slices.Clone(v))
		}
		out = append(out, HeaderRule{rule.Pattern, hdr})
	}
	return out
}

// headersFor returns the fields that checked rules give the file at
// logical path p, a later rule's value replacing an earlier one's, sorted
// by key. Serve resolves them for each file of the table once, so that a
// request does no matching; a Live's file is matched per request.
func headersFor(rules []HeaderRule, p string) []httpserve.Field {
	var out []httpserve.Field
	for _, rule := range rules {
		if ok, _ := path.Match(rule.Pattern, p); !ok {
			continue
		}
		for k, v := range rule.Header {
			j := slices.IndexFunc(out, func(hf httpserve.Field) bool { return hf.Key == k })
			if j >= 0 {
				out[j].Value = v
			} else {
				out = append(out, httpserve.Field{Key: k, Value: v})
			}
		}
	}
	slices.SortFunc(out, func(a, b httpserve.Field) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// fields returns the fields sent with the file at logical path p besides
// the handler's own: ServeOptions.CORSOrigin, then the Headers rules,
// which win.
func (h *handler) fields(p string) []httpserve.Field {
	out := headersFor(h.rules, p)
	if h.cors != nil {
		out = append([]httpserve.Field{{Key: "Access-Control-Allow-Origin", Value: h.cors}}, out...)
	}
	return out
}

// servableNames maps every name the handler serves a file under to the
// file and the caching that URL gets: the logical path with revalidation,
// and the fingerprinted path (or the logical path of an Immutable file)
// as immutable, which wins should a logical path equal another file's
// fingerprinted one. Names that checkName would not pass, dotfiles above
// all, are left out, so that a request whose path is found here needs no
// further checks unless its escaped form is unusual.
func servableNames(files []File) map[string]nameEntry {
	m := make(map[string]nameEntry, 2*len(files))
	for i, f := range files {
		if httpserve.CheckName(f.Path, "") == httpserve.PathOK {
			m[f.Path] = nameEntry{int32(i), kindUnhashed}
		}
	}
	for i, f := range files {
		if pkgformat.Hashed(f.Path, f.HashedPath, f.Immutable) && httpserve.CheckName(f.HashedPath, "") == httpserve.PathOK {
			m[f.HashedPath] = nameEntry{int32(i), kindHashed}
		}
	}
	return m
}

type nameEntry struct {
	i    int32
	kind fileKind
}

// handler is Serve's http.Handler. Every header value it sends on a
// success path is built here or in New, never per request.
type handler struct {
	s            *Set
	cacheControl [numKinds][]string         // by fileKind
	cors         []string                   // nil without ServeOptions.CORSOrigin
	rules        []HeaderRule               // ServeOptions.Headers, checked
	extra        [][]httpserve.Field        // fields by file index; nil without CORS or rules
	names        map[string]nameEntry       // by name after the mount path
	table        httpserve.Resolver[target] // the table's resolver
	byURL        atomic.Pointer[urlIndex]
	live         atomic.Pointer[liveResolver] // development mode's, for the Live in force
	index        bool                         // ServeOptions.Index
	fallback     string                       // ServeOptions.Fallback
}

// fileKind says which URL of a file was asked for, which decides caching.
type fileKind int

const (
	kindHashed   fileKind = iota // fingerprinted name: immutable
	kindUnhashed                 // logical name: revalidate
	kindFallback                 // single-page-app fallback: no-cache
	numKinds
)

// target is a file that resolve found.
type target struct {
	ref  ref
	kind fileKind
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The fast path: a name in the table, escaped the usual way, needs no
	// checks; servableNames only holds names that pass them.
	if e, ok := h.urls().names[r.URL.Path]; ok && r.URL.RawPath == "" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			httpserve.MethodNotAllowed(w, r)
			return
		}
		f, _ := tableSource{h}.open(ref{i: e.i}, e.kind)
		rp := f.fs.negotiate(w, r)
		if rp == nil {
			httpserve.Error(w, r, http.StatusNotAcceptable)
			return
		}
		httpserve.ServeContent(w, r, &rp.http, f.cache, f.extra)
		return
	}
	httpserve.Serve(w, r, h.s.state.Load().Mount, h.table)
}

// urlIndex is h.names keyed by full request path, mount included, for the
// prefix state it was built for, so that the common request is one map
// lookup with no prefix to cut off.
type urlIndex struct {
	state *httpserve.PrefixState[[]string]
	names map[string]nameEntry
}

// urls returns the urlIndex for the current prefix, building it on the
// first request after a SetPrefix. Concurrent builders build equal
// indexes; the last one stored wins.
func (h *handler) urls() *urlIndex {
	st := h.s.state.Load()
	if x := h.byURL.Load(); x != nil && x.state == st {
		return x
	}
	x := &urlIndex{state: st, names: make(map[string]nameEntry, len(h.names))}
	for name, e := range h.names {
		if p := st.Mount + name; len(p) <= maxPathLen {
			x.names[p] = e
		}
	}
	h.byURL.Store(x)
	return x
}

// resolver is the httpserve.Resolver of a handler over a source, the
// table or a Live: the same rules whichever the source.
type resolver struct {
	h   *handler
	src source
}

// Resolve maps name to a file of the source, applying the options. Names
// under LiveDir go to the source's event handler, if it has one;
// without, they are dotfiles, 404.
func (rs *resolver) Resolve(w http.ResponseWriter, r *http.Request, name string, check httpserve.PathStatus) (target, int) {
	h, src := rs.h, rs.src
	if ev := src.events(); ev != nil {
		if rest, ok := strings.CutPrefix(name, LiveDir); ok && r.URL.RawPath == "" && httpserve.CheckName(rest, "") == httpserve.PathOK {
			ev.ServeHTTP(w, r)
			return target{}, httpserve.Answered
		}
	}
	switch check {
	case httpserve.PathDotfile:
		return target{}, http.StatusNotFound
	case httpserve.PathDir:
		if h.index {
			if ref, ok := src.lookupPath(name + "index.html"); ok {
				return target{ref: ref, kind: kindUnhashed}, 0
			}
		}
		return target{}, http.StatusNotFound
	}
	if ref, kind, ok := src.lookup(name); ok {
		return target{ref: ref, kind: kind}, 0 // or escaped letters: "robots%2Etxt"
	}
	if h.index {
		if _, ok := src.lookupPath(name + "/index.html"); ok {
			loc := path.Base(name) + "/"
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			w.Header()["Location"] = []string{loc}
			return target{}, http.StatusMovedPermanently
		}
	}
	if h.fallback != "" && !strings.Contains(path.Base(name), ".") {
		if ref, ok := src.lookupPath(h.fallback); ok {
			return target{ref: ref, kind: kindFallback}, 0
		}
	}
	return target{}, http.StatusNotFound
}

// Open opens the file and negotiates its representation (RFC 9110
// §12.5.3): 406 if the client accepts none.
func (rs *resolver) Open(w http.ResponseWriter, r *http.Request, t target) (httpserve.Response, int) {
	f, err := rs.src.open(t.ref, t.kind)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return httpserve.Response{}, http.StatusNotFound
	case err != nil:
		return httpserve.Response{}, http.StatusInternalServerError
	}
	rp := f.fs.negotiate(w, r)
	if rp == nil {
		return httpserve.Response{}, http.StatusNotAcceptable
	}
	return httpserve.Response{Rep: &rp.http, CacheControl: f.cache, Fields: f.extra}, 0
}

// varyAcceptEncoding is the Vary value of a file with variants.
var varyAcceptEncoding = []string{"Accept-Encoding"}

// negotiate picks the representation for the request's Accept-Encoding
// (RFC 9110 §12.5.3), or nil if the client accepts none (406). A file
// with variants answers with Vary: Accept-Encoding, the 406 included.
func (fs *fileServe) negotiate(w http.ResponseWriter, r *http.Request) *rep {
	if !fs.hasVariants {
		// Identity is all there is; it is refused only if excluded, which
		// takes a weight of 0: a field without "=" (a browser's "gzip,
		// deflate, br, zstd") cannot exclude it and needs no parsing.
		if lines := r.Header["Accept-Encoding"]; len(lines) > 0 && hasWeight(lines) {
			ae := parseAcceptEncoding(lines)
			if _, ok := ae.negotiate(&fs.has); !ok {
				return nil
			}
		}
		return &fs.identity
	}
	w.Header()["Vary"] = varyAcceptEncoding
	ae := parseAcceptEncoding(r.Header["Accept-Encoding"])
	c, ok := ae.negotiate(&fs.has)
	switch {
	case !ok:
		return nil
	case c == codingIdentity:
		return &fs.identity
	}
	return fs.variants[c]
}

// hasWeight reports whether a field line holds an "=", which every
// parameter, and so every qvalue, needs.
func hasWeight(lines []string) bool {
	for _, line := range lines {
		if strings.IndexByte(line, '=') >= 0 {
			return true
		}
	}
	return false
}

// gunzip streams the identity content of a file embedded only as gzip.
// Content-Length is the table's size; should the variant be corrupt, the
// body is cut short and net/http closes the connection, so the client
// sees a failed transfer rather than wrong bytes.
type gunzip struct{ gz *rep }

func (g gunzip) Open(ctx context.Context, off, length int64) (io.ReadCloser, error) {
	data, err := g.gz.Bytes()
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return zr, nil
}
