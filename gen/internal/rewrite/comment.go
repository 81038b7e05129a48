package rewrite

import (
	"bytes"
	"fmt"
	"path"

	"github.com/assetgen/assetgen/internal/diag"
)

// directive is the comment text that introduces an allow-missing pattern.
const directive = "assetgen:allow-missing"

// comment looks into a comment token, which starts at offset start of the
// source, for a sourceMappingURL and for allow-missing directives. data is
// the whole token, delimiters included: /* ... */ in both languages, or
// // ... and the HTML-like <!-- and --> comments of JavaScript.
func (f *finder) comment(start int, data []byte) {
	bodyStart, bodyEnd := commentBody(data)
	body := data[bodyStart:bodyEnd]
	f.sourceMap(start+bodyStart, body)
	f.directives(start+bodyStart, body)
}

// commentBody returns the bounds of a comment's text without its delimiters.
func commentBody(data []byte) (start, end int) {
	start, end = 0, len(data)
	switch {
	case bytes.HasPrefix(data, []byte("/*")):
		start = 2
		if end >= 4 && bytes.HasSuffix(data, []byte("*/")) {
			end -= 2
		}
	case bytes.HasPrefix(data, []byte("//")):
		start = 2
	case bytes.HasPrefix(data, []byte("<!--")):
		start = 4
	case bytes.HasPrefix(data, []byte("-->")):
		start = 3
	}
	return start, end
}

// sourceMap records the URL of a source map comment, which the Source Map
// Revision 3 proposal writes "# sourceMappingURL=<url>" right after the
// comment's opening delimiter ("@" in its first version, still accepted by
// browsers). The URL ends at the first white space. body starts at offset
// start of the source.
func (f *finder) sourceMap(start int, body []byte) {
	if len(body) == 0 || body[0] != '#' && body[0] != '@' {
		return
	}
	i := 1
	for i < len(body) && isSpace(body[i]) {
		i++
	}
	const key = "sourceMappingURL="
	if !bytes.HasPrefix(body[i:], []byte(key)) {
		return
	}
	i += len(key)
	j := i
	for j < len(body) && !isSpace(body[j]) {
		j++
	}
	if j > i {
		f.add(start+i, start+j, f.text(body[i:j]), KindSourceMap, 0)
	}
}

// directives records the pattern of every assetgen:allow-missing directive
// in a comment body that starts at offset start of the source.
func (f *finder) directives(start int, body []byte) {
	for off := 0; ; {
		i := bytes.Index(body[off:], []byte(directive))
		if i < 0 {
			return
		}
		i += off + len(directive)
		off = i
		if i < len(body) && !isSpace(body[i]) {
			continue // assetgen:allow-missingness, not the directive
		}
		for i < len(body) && isSpace(body[i]) {
			i++
		}
		j := i
		for j < len(body) && !isSpace(body[j]) {
			j++
		}
		if j == i {
			continue
		}
		off = j
		pattern := string(body[i:j])
		if _, err := path.Match(pattern, ""); err != nil {
			if f.err == nil {
				f.err = &DirectiveError{Diag: diag.Diag{Msg: fmt.Sprintf("assetgen:allow-missing pattern %q is malformed (%v); write a path.Match pattern", pattern, err)}, Pattern: pattern, Err: err}
				f.dirErrs = append(f.dirErrs, start+i)
			}
			continue
		}
		f.allow = append(f.allow, pattern)
	}
}

// isSpace reports whether c is white space in CSS or JavaScript source (the
// ASCII subset; other Unicode spaces are not expected in a URL).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
