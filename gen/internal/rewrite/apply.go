package rewrite

import (
	"bytes"
	"unicode/utf8"
)

// ApplyFunc returns a copy of src with the text of each of n references
// that ref returns, once each and in order, replaced by the URL returned
// with it, escaped for where the reference stands; a nil *Ref skips one.
// The references must be sorted by Start and not overlap, as Find returns
// them; otherwise ApplyFunc returns src unchanged rather than guess.
// Taking references through a function lets a caller whose references
// live in its own structures rewrite a file without first copying
// millions of them into slices.
//
// A replacement equal to the reference's URL keeps the original bytes, so
// rewriting to the references' own URLs gives src byte for byte, and a file with no
// references comes back identical. Any other replacement is written so that
// it reads back as itself:
//
//   - in a quoted CSS string, with \\, \" or \' and hex escapes for
//     control characters;
//   - in an unquoted CSS url(), as is when it holds no white space, quote,
//     parenthesis, backslash or control character, and otherwise in double
//     quotes, which the url() syntax allows;
//   - in a JavaScript string, with \\, \" or \', \n, \r, \u2028, \u2029
//     and \xHH for control characters; and in import, export and
//     import(), with "./" before a path that would otherwise be a bare
//     module specifier, so that Relative's "x.js" for a file in the same
//     directory stays a URL;
//   - in a sourceMappingURL comment, with white space, control characters
//     and "*" percent-encoded, as the URL ends at white space and a "*/"
//     would end the comment.
func ApplyFunc(src []byte, n int, ref func(i int) (*Ref, string)) []byte {
	var b bytes.Buffer // its bytes are the result: no copy of a large file at the end
	b.Grow(len(src))
	last := 0
	for i := range n {
		r, url := ref(i)
		if r == nil {
			continue
		}
		if r.Start < last || r.End < r.Start || r.End > len(src) {
			return append([]byte(nil), src...) // not as Find returns them: do not guess
		}
		b.Write(src[last:r.Start])
		if url == r.URL {
			b.Write(src[r.Start:r.End])
		} else {
			encode(&b, *r, url)
		}
		last = r.End
	}
	b.Write(src[last:])
	return b.Bytes()
}

// encode writes url escaped for the place of r, as ApplyFunc says.
func encode(b *bytes.Buffer, r Ref, url string) {
	switch {
	case r.Kind == KindSourceMap:
		encodeComment(b, url)
	case r.Kind == KindURL || r.Kind == KindImageSet || r.Kind == KindImportRule:
		if r.Quote == 0 && !needsQuotesCSS(url) {
			b.WriteString(url)
			return
		}
		q := r.Quote
		if q == 0 {
			q = '"'
		}
		if r.Quote == 0 {
			b.WriteByte(q)
		}
		encodeCSSString(b, url, q)
		if r.Quote == 0 {
			b.WriteByte(q)
		}
	default:
		encodeJSString(b, AsWritten(r, url), r.Quote)
	}
}

// AsWritten returns url as ApplyFunc writes it in place of r, before escaping:
// in a module specifier, a path that would read as a bare specifier gets
// "./". Logs of what was rewritten show this form, which is what the file
// holds.
func AsWritten(r Ref, url string) string {
	if r.Kind.isModuleSpecifier() && url != "" && !isRelativeSpecifier(url) && !hasScheme(url) {
		return "./" + url
	}
	return url
}

// needsQuotesCSS reports whether url cannot stand unquoted in url() (CSS
// Syntax Level 3 §4.3.6) or is empty, which url() would read as no URL.
func needsQuotesCSS(url string) bool {
	if url == "" {
		return true
	}
	for i := 0; i < len(url); i++ {
		switch c := url[i]; {
		case c <= ' ', c == 0x7f, c == '"', c == '\'', c == '(', c == ')', c == '\\':
			return true
		}
	}
	return false
}

// encodeCSSString writes s as the inside of a CSS string quoted with q.
func encodeCSSString(b *bytes.Buffer, s string, q byte) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == q || c == '\\' || c == '$' && q == '`':
			// In a template literal, "$" is escaped too, so that no "${"
			// can start a substitution.
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c == 0x7f:
			// A hex escape ends at a space, which it then includes.
			b.WriteByte('\\')
			if c >= 16 {
				b.WriteByte(hex[c>>4])
			}
			b.WriteByte(hex[c&15])
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
}

// encodeJSString writes s as the inside of a JavaScript string quoted with
// q.
func encodeJSString(b *bytes.Buffer, s string, q byte) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == q || c == '\\' || c == '$' && q == '`':
			// In a template literal, "$" is escaped too, so that no "${"
			// can start a substitution.
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < ' ' || c == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			switch r {
			case '\u2028':
				b.WriteString(`\u2028`)
			case '\u2029':
				b.WriteString(`\u2029`)
			default:
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		default:
			b.WriteByte(c)
		}
		i++
	}
}

// encodeComment writes url for a sourceMappingURL comment.
func encodeComment(b *bytes.Buffer, url string) {
	const hex = "0123456789ABCDEF"
	if url == "" {
		url = "#" // keep the directive well-formed; names no map
	}
	for i := 0; i < len(url); i++ {
		c := url[i]
		if c <= ' ' || c == 0x7f || c == '*' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
}
