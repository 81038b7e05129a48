package rewrite

import (
	"net/url"
	"path"
	"strings"
)

// placeholders open the template syntaxes whose output assetgen cannot
// know: Jinja and Django ({{ }} and {% %}), JavaScript template literals
// and shells (${ }), ERB and EJS (<% %>), and Thymeleaf (@{ }). A reference
// holding one anywhere is left alone.
var placeholders = []string{"{{", "{%", "${", "<%", "@{"}

// Classify splits a reference into the path to resolve and the suffix to
// keep ("font.woff?#iefix" is "font.woff" and "?#iefix"; "icons.svg#home"
// is "icons.svg" and "#home"), and reports whether it is local: a file of
// this asset tree, to be resolved and rewritten.
//
// Not local, by design:
//   - an empty reference, or one that is only a ?query or #fragment (it
//     names the document itself);
//   - a URL with a scheme (RFC 3986 §3.1: http:, https:, data:, blob:,
//     mailto:, chrome-extension: ...), or protocol-relative (//host/x);
//   - a template placeholder anywhere in it ({{ }}, {% %}, ${ }, <% %>,
//     @{ }), as the file is a template for someone else's renderer;
//   - in import, export and import(), a bare module specifier ("react",
//     "@scope/pkg", "lodash/fp", "."): the HTML module resolution
//     algorithm takes only specifiers starting with "/", "./" or "../" as
//     URLs, and leaves the rest to an import map. In CSS and in
//     new URL("x", import.meta.url), "img.png" is relative as usual.
func Classify(lang Lang, kind Kind, ref string) (pathPart, suffix string, local bool) {
	pathPart, suffix = ref, ""
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		pathPart, suffix = ref[:i], ref[i:]
	}
	switch {
	case pathPart == "",
		hasScheme(ref),
		strings.HasPrefix(ref, "//"),
		kind.isModuleSpecifier() && !isRelativeSpecifier(ref):
		return pathPart, suffix, false
	}
	for _, p := range placeholders {
		if strings.Contains(ref, p) {
			return pathPart, suffix, false
		}
	}
	return pathPart, suffix, true
}

// hasScheme reports whether ref starts with a URI scheme and colon: a
// letter, then letters, digits, "+", "-" or "." (RFC 3986 §3.1).
func hasScheme(ref string) bool {
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// isRelativeSpecifier reports whether a module specifier is a URL rather
// than a bare name (HTML Standard, "resolve a module specifier").
func isRelativeSpecifier(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../")
}

// Resolve returns the logical path a local reference's path names.
//
// A relative path is resolved against the directory of the referencing
// file's logical path ("css/app.css" and "../img/a.png" is "img/a.png"). An
// absolute path ("/static/img/a.png") must start with prefixPath, the URL
// path the assets are served under ("/static/"; "" and "/" mean the root),
// and the rest is the logical path. As browsers do for http URLs, a
// backslash is read as a slash; then the path is percent-decoded
// ("a%20b.png" is "a b.png").
//
// ok is false when the path does not decode, escapes the root with "..",
// names a directory (empty, ".", or ending in "/"), or is absolute outside
// prefixPath.
func Resolve(fromLogical, pathPart, prefixPath string) (logical string, ok bool) {
	p, err := url.PathUnescape(strings.ReplaceAll(pathPart, `\`, "/"))
	if err != nil || p == "" || strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || p == "." {
		return "", false
	}
	if strings.HasPrefix(pathPart, "/") || strings.HasPrefix(pathPart, `\`) {
		prefix := "/" + strings.Trim(prefixPath, "/") + "/"
		if prefix == "//" {
			prefix = "/"
		}
		if !strings.HasPrefix(p, prefix) {
			return "", false
		}
		p = p[len(prefix):]
	} else {
		p = path.Dir(fromLogical) + "/" + p
	}
	// Cleaning from the root makes ".." stop there, so compare with a
	// cleaning that keeps it to find escapes.
	clean := path.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, "../") || strings.HasPrefix(clean, "/") || clean == "." || strings.HasSuffix(p, "/..") {
		return "", false
	}
	return clean, true
}

// Relative returns the shortest relative URL from the file at logical path
// from to the file at logical path to: "../fonts/x.woff2" from
// "css/app.css" to "fonts/x.woff2", "x.woff2" in the same directory.
// Rewritten files use relative URLs so that they keep working wherever the
// tree is served from, a CDN origin included. In a module specifier a
// same-directory result must read "./x.js"; ApplyFunc adds the "./".
//
// Each path segment is percent-encoded except for the characters RFC 3986
// §3.3 allows in a segment and that need no quoting in CSS or JavaScript:
// letters, digits, "-", ".", "_", "~", "!", "$", "&", "+", ",", ";", "=" and
// "@". A ":" is encoded so that a first segment is never read as a scheme.
func Relative(from, to string) string {
	fromDir := strings.Split(from, "/")
	fromDir = fromDir[:len(fromDir)-1]
	toParts := strings.Split(to, "/")
	n := 0
	for n < len(fromDir) && n < len(toParts)-1 && fromDir[n] == toParts[n] {
		n++
	}
	var b strings.Builder
	for range len(fromDir) - n {
		b.WriteString("../")
	}
	for i, seg := range toParts[n:] {
		if i > 0 {
			b.WriteByte('/')
		}
		escapeSegment(&b, seg)
	}
	return b.String()
}

// escapeSegment writes a path segment, percent-encoded as Relative says.
func escapeSegment(b *strings.Builder, seg string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~!$&+,;=@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

// Suggest returns what a local reference that names no asset probably
// meant, written as the reference should be, or "" when nothing is close.
//
// A relative path that names an asset when read from a directory above
// from's is a forgotten "../": url(fonts/x.woff2) in css/app.css, where
// fonts/x.woff2 is an asset, suggests ../fonts/x.woff2. Otherwise closest,
// given the logical path the reference resolved to, names the nearest
// asset by spelling. The suggestion is relative to from (with "./" kept
// when pathPart had it, as a module specifier needs), or under prefixPath
// when pathPart was absolute, so that it can be pasted in place.
func Suggest(from, pathPart, prefixPath string, exists func(string) bool, closest func(string) string) string {
	abs := strings.HasPrefix(pathPart, "/") || strings.HasPrefix(pathPart, `\`)
	target := ""
	if !abs {
		for dir := path.Dir(from); dir != "." && target == ""; {
			dir = path.Dir(dir)
			if l, ok := Resolve(path.Join(dir, "_"), pathPart, prefixPath); ok && exists(l) {
				target = l
			}
		}
	}
	if target == "" {
		l, ok := Resolve(from, pathPart, prefixPath)
		if !ok {
			return ""
		}
		if target = closest(l); target == "" {
			return ""
		}
	}
	if abs {
		return "/" + strings.TrimPrefix(prefixPath, "/") + target
	}
	rel := Relative(from, target)
	if strings.HasPrefix(pathPart, "./") && !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}
