// Package minify is assetgen's opt-in minification of CSS, SVG and JSON
// with github.com/tdewolff/minify/v2 and of JavaScript with esbuild
// (github.com/evanw/esbuild/pkg/api), made safe for the references the
// rewrite package finds.
//
// The minifiers keep every url(), @import, import, export, import() and
// new URL() reference (possibly requoted), but drop comments, which hold
// the sourceMappingURL and the assetgen:allow-missing directives. Minify
// writes those back, as comments at the end of the output, so that
// rewrite.Find reads the same references and directives before and after
// minification.
//
// Source maps: the sourceMappingURL is kept, but the map it names still
// describes the file as it was before minification, so a debugger maps
// positions in the minified file wrongly. Minification here is meant for
// files without source maps; a build that produces source maps should
// minify in the bundler, which updates the map, and leave -minify off.
package minify

import (
	"bytes"
	"fmt"
	"mime"
	"strings"

	"github.com/assetgen/assetgen/gen/internal/rewrite"
	"github.com/assetgen/assetgen/internal/diag"
	"github.com/evanw/esbuild/pkg/api"
	tdminify "github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
)

// Minify returns src minified according to its media type, such as
// "text/css; charset=utf-8" (parameters are ignored): CSS for text/css,
// SVG for image/svg+xml, JSON for application/json and any type ending in
// +json (application/manifest+json, application/ld+json). Any other type,
// or a media type that does not parse, returns src itself and changed
// false.
//
// JavaScript (text/javascript and its legacy names) is minified by
// esbuild's transform API: whitespace, syntax and local identifiers, with
// import and export statements, import() and new URL() kept as they are
// (a transform does not bundle) and license comments (/*! ... */, @license)
// kept at the end of the file. tdewolff/minify's JavaScript minifier is
// not used: the release that builds with go 1.24 does not build against
// the lexer version the rewrite package needs.
//
// err is the minifier's error when src cannot be minified; the caller
// should then serve src unminified and say why. A *diag.Diag, positioned,
// is a script nested too deep: a file that must not be given to the
// minifier at all, which a caller should treat as an error in the file.
func Minify(mediaType string, src []byte) (out []byte, changed bool, err error) {
	mt, _, perr := mime.ParseMediaType(mediaType)
	if perr != nil {
		return src, false, nil
	}
	var (
		m    tdminify.MinifierFunc
		lang rewrite.Lang
	)
	switch {
	case isJS(mt):
		return minifyJS(src)
	case mt == "text/css":
		m, lang = (&css.Minifier{}).Minify, rewrite.CSS
	case mt == "image/svg+xml":
		m = (&svg.Minifier{}).Minify
	case mt == "application/json", strings.HasSuffix(mt, "+json"):
		m = (&json.Minifier{}).Minify
	default:
		return src, false, nil
	}
	var buf bytes.Buffer
	if err := m(tdminify.New(), &buf, bytes.NewReader(src), nil); err != nil {
		return src, false, fmt.Errorf("minify %s: %w", mt, err)
	}
	out = buf.Bytes()
	if lang != 0 {
		out = keepComments(lang, src, out)
	}
	return out, true, nil
}

func isJS(mt string) bool {
	switch mt {
	case "text/javascript", "application/javascript", "application/x-javascript", "application/ecmascript", "text/ecmascript":
		return true
	}
	return false
}

// MaxNestingJS is how deep a script may nest (see rewrite.NestingJS) to
// be given to esbuild, whose parser recurses once per level and overflows
// the stack, fatally, at a few hundred thousand. Hand-written and bundled
// code stays far below it; 1,000 levels cost esbuild a few megabytes of
// stack.
const MaxNestingJS = 1000

// nestingMsg says why a script nested too deep is not minified: the
// generator fails on it and development mode shows it, rather than letting
// the parser crash the process.
var nestingMsg = fmt.Sprintf("nested more than %d levels deep, which the JavaScript minifier cannot parse; flatten the expression, or leave the file unminified (build it with a bundler, or run without -minify)", MaxNestingJS)

// minifyJS minifies a script or module with esbuild, once the lexer has
// found it shallow enough to parse. esbuild's errors carry a line and
// column, which the message keeps.
func minifyJS(src []byte) ([]byte, bool, error) {
	if line, col, ok := rewrite.NestingJS(src, MaxNestingJS); !ok {
		return src, false, &diag.Diag{Line: line, Col: col, Msg: nestingMsg}
	}
	res := api.Transform(string(src), api.TransformOptions{
		Loader:            api.LoaderJS,
		Target:            api.ESNext,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsEndOfFile,
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: true,
		LogLevel:          api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		if e.Location != nil {
			return src, false, fmt.Errorf("minify text/javascript: %d:%d: %s", e.Location.Line, e.Location.Column+1, e.Text)
		}
		return src, false, fmt.Errorf("minify text/javascript: %s", e.Text)
	}
	return keepComments(rewrite.JS, src, res.Code), true, nil
}

// keepComments appends to the minified out the assetgen:allow-missing
// directives and the sourceMappingURL of src that minification dropped:
// the directives as they were, the sourceMappingURL last, as the Source Map
// proposal wants it, with its URL written as in src.
func keepComments(lang rewrite.Lang, src, out []byte) []byte {
	refs, allow, _ := rewrite.Find(lang, src)
	outRefs, outAllow, _ := rewrite.Find(lang, out)
	var sourceMap string
	for _, r := range refs {
		if r.Kind == rewrite.KindSourceMap {
			sourceMap = string(src[r.Start:r.End])
		}
	}
	for _, r := range outRefs {
		if r.Kind == rewrite.KindSourceMap {
			sourceMap = "" // the minifier kept it
		}
	}
	if len(outAllow) == 0 {
		for _, p := range allow {
			out = append(out, "\n/* assetgen:allow-missing "...)
			out = append(out, p...)
			out = append(out, " */"...)
		}
	}
	if sourceMap != "" {
		if lang == rewrite.CSS {
			out = fmt.Appendf(out, "\n/*# sourceMappingURL=%s */", sourceMap)
		} else {
			out = fmt.Appendf(out, "\n//# sourceMappingURL=%s", sourceMap)
		}
	}
	return out
}
