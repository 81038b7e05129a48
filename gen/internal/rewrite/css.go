package rewrite

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
)

// findCSS records the references of a style sheet. It walks the tokens of
// the CSS Syntax Level 3 tokenizer and looks at:
//
//   - url tokens, wherever they are (property values, @font-face src lists,
//     url() arguments of image-set()), except the namespace name of
//     @namespace, which is a URI and not a file;
//   - the first string or url token after @import;
//   - string tokens that are direct arguments of image-set() or
//     -webkit-image-set(), which CSS Images Level 4 §2.4 reads as url()s;
//   - comments, for sourceMappingURL and directives.
//
// The tokenizer reads every byte into some token, so offsets are the running
// sum of token lengths.
func findCSS(f *finder) {
	// A full slice expression makes NewInputBytes copy src when it appends
	// its NUL sentinel, instead of writing past len(src) into the caller's
	// array.
	l := css.NewLexer(parse.NewInputBytes(f.src[:len(f.src):len(f.src)]))
	var (
		pos       int
		namespace bool   // in an @namespace prelude
		importRef bool   // in an @import prelude, before its URL
		fns       []Kind // open function and parenthesis blocks: the kind of their string arguments, or
	)
	for {
		tt, data := l.Next()
		if tt == css.ErrorToken {
			return // the tokenizer reports only the end of input
		}
		start := pos
		pos += len(data)
		switch tt {
		case css.CommentToken:
			f.comment(start, data)
		case css.AtKeywordToken:
			name := cssName(data[1:])
			importRef = bytes.EqualFold(name, []byte("import"))
			namespace = bytes.EqualFold(name, []byte("namespace"))
		case css.URLToken:
			switch {
			case importRef:
				f.cssURL(start, data, KindImportRule)
			case !namespace:
				f.cssURL(start, data, KindURL)
			}
			importRef = false
		case css.StringToken:
			switch {
			case importRef:
				f.cssString(start, data, KindImportRule)
			case len(fns) > 0 && fns[len(fns)-1] != "":
				f.cssString(start, data, fns[len(fns)-1])
			}
			importRef = false
		case css.FunctionToken:
			fns = append(fns, cssFunctionKind(data))
			importRef = false
		case css.LeftParenthesisToken:
			fns = append(fns, "")
		case css.RightParenthesisToken:
			if len(fns) > 0 {
				fns = fns[:len(fns)-1]
			}
		case css.SemicolonToken, css.LeftBraceToken, css.RightBraceToken:
			// The end of a prelude or declaration closes whatever a
			// malformed sheet left open.
			namespace, importRef, fns = false, false, fns[:0]
		case css.WhitespaceToken:
		default:
			importRef = false
		}
	}
}

// cssFunctionKind returns the kind of reference that the string arguments
// of a function token make: url("x") when the tokenizer did not read it as
// a url token (its name has escapes, as in u\72l("x")), image-set("x" 1x),
// or "" for other functions.
func cssFunctionKind(data []byte) Kind {
	name := cssName(data[:len(data)-1])
	switch {
	case bytes.EqualFold(name, []byte("url")):
		return KindURL
	case bytes.EqualFold(name, []byte("image-set")), bytes.EqualFold(name, []byte("-webkit-image-set")):
		return KindImageSet
	}
	return ""
}

// cssName returns an identifier with its escapes decoded, without copying
// the common identifier that has none.
func cssName(ident []byte) []byte {
	if bytes.IndexByte(ident, '\\') < 0 {
		return ident
	}
	return []byte(cssUnescape(ident))
}

// cssURL records the URL of a url token, such as url( "a.png" ), which
// starts at offset start of the source.
func (f *finder) cssURL(start int, data []byte, kind Kind) {
	i := bytes.IndexByte(data, '(') + 1
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i < len(data) && (data[i] == '"' || data[i] == '\'') {
		f.cssString(start+i, data[i:], kind)
		return
	}
	j := i
	for j < len(data) && data[j] != ')' && !isSpace(data[j]) {
		if data[j] == '\\' {
			j += cssEscapeLen(data[j:])
			continue
		}
		j++
	}
	if j > i {
		f.add(start+i, start+j, f.unescaped(data[i:j], cssUnescape), kind, 0)
	}
}

// cssString records the URL of a string token, or of a string that starts
// a longer token, which starts at offset start of the source. An empty
// string is no reference.
func (f *finder) cssString(start int, data []byte, kind Kind) {
	q := data[0]
	i, j := 1, 1
	for j < len(data) && data[j] != q {
		if data[j] == '\\' && j+1 < len(data) {
			j++
		}
		j++
	}
	if j > len(data) {
		j = len(data)
	}
	if j > i {
		f.add(start+i, start+j, f.unescaped(data[i:j], cssUnescape), kind, q)
	}
}

// cssEscapeLen returns the length of the escape at the start of s, which
// starts with a backslash: with hex digits it includes the one white space
// that may end it (CSS Syntax Level 3 §4.3.7).
func cssEscapeLen(s []byte) int {
	i := 1
	if i < len(s) && hexVal(s[i]) < 0 {
		return 2
	}
	for n := 0; n < 6 && i < len(s) && hexVal(s[i]) >= 0; n++ {
		i++
	}
	switch {
	case i+1 < len(s) && s[i] == '\r' && s[i+1] == '\n':
		i += 2
	case i < len(s) && isSpace(s[i]):
		i++
	}
	return min(i, len(s))
}

// cssUnescape decodes the escapes of CSS Syntax Level 3 §4.3.7: a backslash
// and one to six hex digits (and one optional white space) is that code
// point, U+FFFD when it is zero, a surrogate or out of range; a backslash
// and a newline is nothing (a line continuation in a string); a backslash
// and any other character is that character.
func cssUnescape(s []byte) string {
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch c := s[i]; {
		case c == '\n' || c == '\f':
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case hexVal(c) >= 0:
			r := rune(0)
			n := 0
			for ; n < 6 && i < len(s) && hexVal(s[i]) >= 0; n++ {
				r = r<<4 | rune(hexVal(s[i]))
				i++
			}
			if i < len(s) && isSpace(s[i]) {
				if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
					i++
				}
			} else {
				i--
			}
			if r == 0 || r > utf8.MaxRune || 0xD800 <= r && r <= 0xDFFF {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// hexVal returns the value of a hex digit, or -1.
func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
