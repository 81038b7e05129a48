// Package rewrite finds the references one asset makes to others (url() and
// @import in CSS, import/export and new URL() in JavaScript, and the
// sourceMappingURL comment of both) and replaces them with the hashed names.
//
// It reads source with the lexers of github.com/tdewolff/parse/v2, never with
// regular expressions, so text inside comments, ordinary strings, template
// literals and regular expression literals is never mistaken for a
// reference. The functions here are pure: the pipeline decides which file a
// reference names (Classify, Resolve), what its new URL is (Relative), and
// then writes it back (ApplyFunc).
//
// Find never fails on malformed input: CSS and JavaScript that a browser
// would reject are read as far as the lexer can go, and only what is
// recognisably a reference is reported. The only error it returns is a
// malformed assetgen:allow-missing pattern, which the author can fix.
package rewrite

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/internal/diag"
)

// Lang is a language whose references Find understands.
type Lang int

const (
	CSS Lang = iota + 1 // style sheets (.css)
	JS                  // JavaScript, classic scripts and modules (.js, .mjs)
)

func (l Lang) String() string {
	switch l {
	case CSS:
		return "CSS"
	case JS:
		return "JS"
	}
	return fmt.Sprintf("Lang(%d)", int(l))
}

// LangOf returns the language of a file from its logical path's extension,
// compared case-insensitively; ok is false for every other file, which has
// no references to rewrite.
func LangOf(logicalPath string) (lang Lang, ok bool) {
	switch strings.ToLower(path.Ext(logicalPath)) {
	case ".css":
		return CSS, true
	case ".js", ".mjs":
		return JS, true
	}
	return 0, false
}

// Kind is the syntax a reference was found in. Its string is the syntax as
// a reader would name it in a message ("url() not found").
type Kind string

const (
	KindURL           Kind = "url()"            // CSS url(x), url('x'), url("x")
	KindImageSet      Kind = "image-set()"      // CSS string argument of image-set("x" 1x)
	KindImportRule    Kind = "@import"          // CSS @import "x" and @import url(x)
	KindSourceMap     Kind = "sourceMappingURL" // /*# sourceMappingURL=x */ and //# sourceMappingURL=x
	KindImport        Kind = "import"           // JS import ... from "x" and import "x"
	KindExport        Kind = "export"           // JS export ... from "x"
	KindDynamicImport Kind = "import()"         // JS import("x")
	KindNewURL        Kind = "new URL()"        // JS new URL("x", import.meta.url)
)

// isModuleSpecifier reports whether references of kind k follow the module
// resolution rules, under which a specifier without "/", "./" or "../" names
// a package rather than a file.
func (k Kind) isModuleSpecifier() bool {
	return k == KindImport || k == KindExport || k == KindDynamicImport
}

// Ref is one reference in a source file.
type Ref struct {
	// Start and End are the byte offsets in the source of the URL text that
	// ApplyFunc replaces: inside the quotes or the parentheses, never including
	// them or the white space around an unquoted url().
	Start, End int
	// Line and Col are the 1-based line and 1-based byte column of Start.
	// Lines end at "\n", "\r\n" or a lone "\r".
	Line, Col int
	// URL is the reference as written, with the escapes of its syntax
	// decoded (CSS "\2e" or "\." and JavaScript "\x2e" or "\u002e" are "."),
	// but without percent-decoding, which is Resolve's job.
	URL string
	// Kind is the syntax the reference was found in.
	Kind Kind
	// Quote is the quote around the URL, '"' or '\'', or 0 when it is not
	// quoted (CSS url(x) and sourceMappingURL comments). ApplyFunc uses it to
	// escape a replacement.
	Quote byte
}

// Find returns the references in src, a file in language lang, sorted by
// Start, and the patterns of its assetgen:allow-missing directives in the
// order written.
//
// The directive is written in any comment of the file:
//
//	/* assetgen:allow-missing /api/* */
//	// assetgen:allow-missing ../vendor/*.png
//
// Each directive takes one path.Match pattern, the next run of non-space
// characters; write the directive again for more. It tells the pipeline
// that a reference matching the pattern (see AllowMissing) may name a file
// assetgen does not have, such as a path served by the application itself,
// so that a missing target is a warning rather than an error.
//
// err is non-nil only when a directive's pattern is malformed; it is a
// *DirectiveError for the first such pattern, and refs and allowMissing are
// complete even then (the malformed pattern is left out). Find does not fail
// on anything else: it reads malformed CSS or JavaScript as far as it can
// and returns what it found. It never modifies src.
func Find(lang Lang, src []byte) (refs []Ref, allowMissing []string, err error) {
	f := &finder{src: src}
	switch lang {
	case CSS:
		findCSS(f)
	case JS:
		findJS(f)
	}
	f.gather()
	slices.SortStableFunc(f.refs, func(a, b Ref) int { return a.Start - b.Start })
	f.position()
	return f.refs, f.allow, f.err
}

// DirectiveError is a malformed assetgen:allow-missing pattern.
// Its Diag holds the pattern's line and column and the message.
type DirectiveError struct {
	diag.Diag
	Pattern string // as written
	Err     error  // from path.Match
}

func (e *DirectiveError) Unwrap() error { return e.Err }

// AllowMissing reports whether a reference whose path is written pathPart
// (as returned by Classify) and resolves to logical (as returned by
// Resolve, or "" when it did not resolve) matches one of the
// assetgen:allow-missing patterns: a pattern is matched with path.Match
// against both, so "/api/*" matches the absolute URL as written and
// "img/*.png" the logical path, whichever the author found natural.
func AllowMissing(patterns []string, pathPart, logical string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, pathPart); ok {
			return true
		}
		if logical != "" {
			if ok, _ := path.Match(p, logical); ok {
				return true
			}
		}
	}
	return false
}

// finder collects the results of one Find call.
type finder struct {
	src    []byte
	chunks [][]Ref // refs as found, in chunks that never move
	refs   []Ref   // all of them, gathered at the end
	allow  []string
	err    error
	// dirs holds the offsets of directive patterns with errors so that
	// their positions are computed together with the refs'.
	dirErrs []int
	// urls holds one copy of each URL text, so that a sheet repeating
	// url(a.png) a million times holds the string once.
	urls map[string]string
}

// unescaped returns the URL text b with its escapes decoded by unescape;
// text without escapes is shared.
func (f *finder) unescaped(b []byte, unescape func([]byte) string) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return f.text(b)
	}
	return unescape(b)
}

// text returns the URL text b as a string, one allocation per distinct
// text.
func (f *finder) text(b []byte) string {
	if s, ok := f.urls[string(b)]; ok {
		return s
	}
	if f.urls == nil {
		f.urls = map[string]string{}
	}
	s := string(b)
	f.urls[s] = s
	return s
}

// add records a reference, unless its URL is empty (url(""), or a string
// holding only a line continuation), which names nothing.
func (f *finder) add(start, end int, url string, kind Kind, quote byte) {
	if url == "" {
		return
	}
	if n := len(f.chunks); n == 0 || len(f.chunks[n-1]) == cap(f.chunks[n-1]) {
		f.chunks = append(f.chunks, make([]Ref, 0, refChunk))
	}
	n := len(f.chunks) - 1
	f.chunks[n] = append(f.chunks[n], Ref{Start: start, End: end, URL: url, Kind: kind, Quote: quote})
}

// refChunk is how many references a chunk holds. Collecting in chunks and
// gathering once at the end, rather than appending to one growing slice,
// allocates twice what is stored rather than about five times: a sheet
// with 3 million url()s stores 220 MB of them.
const refChunk = 4096

// gather puts the chunks into f.refs.
func (f *finder) gather() {
	n := 0
	for _, c := range f.chunks {
		n += len(c)
	}
	if n == 0 {
		return
	}
	f.refs = make([]Ref, 0, n)
	for _, c := range f.chunks {
		f.refs = append(f.refs, c...)
	}
	f.chunks = nil
}

// position fills in Line and Col of the refs (sorted by Start) and of the
// directive error, counting lines as it goes rather than holding the
// offset of every line: memory stays with the references.
func (f *finder) position() {
	c := lineCounter{src: f.src, line: 1}
	for i := range f.refs {
		f.refs[i].Line, f.refs[i].Col = c.at(f.refs[i].Start)
	}
	if e, ok := f.err.(*DirectiveError); ok && len(f.dirErrs) > 0 {
		d := lineCounter{src: f.src, line: 1}
		e.Line, e.Col = d.at(f.dirErrs[0])
	}
}

// lineCounter gives the 1-based line and column of offsets asked for in
// increasing order. A line ends at "\n", "\r\n" or a lone "\r".
type lineCounter struct {
	src              []byte
	line, start, off int // the line and its start at offset off
}

func (c *lineCounter) at(off int) (line, col int) {
	for ; c.off < off && c.off < len(c.src); c.off++ {
		switch c.src[c.off] {
		case '\n':
			c.line, c.start = c.line+1, c.off+1
		case '\r':
			if c.off+1 >= len(c.src) || c.src[c.off+1] != '\n' {
				c.line, c.start = c.line+1, c.off+1
			}
		}
	}
	return c.line, off - c.start + 1
}

// String names a reference as messages do: "url(fonts/a.woff2)" for
// url(), the kind and the URL for the others ("import ./lib.js").
func (r Ref) String() string {
	if r.Kind == KindURL {
		return "url(" + r.URL + ")"
	}
	return string(r.Kind) + " " + r.URL
}

// Missing is the message, after file:line:col, for a reference to no
// asset: one that resolved to logical (resolved true) or that points
// outside the asset tree. suggestion, if not empty, is the closest asset.
// Generation and development mode both use it, so a broken reference
// reads the same in both.
func Missing(r Ref, logical string, resolved bool, suggestion string) string {
	if !resolved {
		return r.String() + " points outside the asset tree; reference a file in a source directory, or allow it with /* assetgen:allow-missing PATTERN */"
	}
	msg := r.String() + " not found (no asset " + logical + ")"
	if suggestion != "" {
		return msg + "; did you mean " + suggestion + "?"
	}
	return msg + "; add the file, fix the reference, or allow it with an assetgen:allow-missing comment or -allow-missing"
}
