// Package minify is assetgen's opt-in minification of CSS, JavaScript,
// SVG and JSON with github.com/tdewolff/minify/v2, made safe for the
// references the rewrite package finds.
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
// JavaScript is not minified yet, and returns src and changed false: the
// JavaScript minifier of minify v2.23.5, the last release that builds with
// go 1.24, does not compile against parse v2.8.20, which the lexers of the
// rewrite package need; v2.24 builds with it but requires go 1.25. When
// go.mod moves to go 1.25, add a case for text/javascript (and the legacy
// application/javascript, application/x-javascript, application/ecmascript)
// with lang rewrite.JS: keepComments already handles JavaScript.
//
// err is the minifier's error when src cannot be minified; the caller
// should then serve src unminified and say why.
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
