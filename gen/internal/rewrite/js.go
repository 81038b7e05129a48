package rewrite

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// findJS records the references of a script or module. It reads
// significant tokens (not white space or comments) and matches, at each
// import, export and new keyword, the few statement shapes that name a file
// with a string literal:
//
//	import "x"                     side effect
//	import a, {b as c} from "x"    any import clause, import * as n too
//	export {a} from "x"            and export * from "x", export * as n from "x"
//	import("x")                    a lone string argument, options allowed after
//	new URL("x", import.meta.url)  the asset URL pattern bundlers recognise
//
// The keyword must not follow "." or "?.", so obj.import("x") is a method
// call. A template literal or an expression is not a reference, even
// without substitutions: it cannot be rewritten safely.
func findJS(f *finder) {
	s := newJSTokens(f)
	for {
		t := s.next()
		switch t.tt {
		case js.ErrorToken:
			if t.eof {
				return
			}
		case js.ImportToken:
			if !t.afterDot {
				s.importDecl()
			}
		case js.ExportToken:
			if !t.afterDot {
				s.exportDecl()
			}
		case js.NewToken:
			s.newURL()
		}
	}
}

// jsToken is a significant token; its text is src[start:end].
type jsToken struct {
	tt         js.TokenType
	start, end int
	eof        bool
	afterDot   bool // the token lexed before was . or ?., so this is a property name
	nl         bool // a line break came before it
}

// jsTokens yields the significant tokens of a script, with lookahead undone
// by unread, and hands comments to the finder.
//
// After a lexer error it starts a new lexer where the old one stopped. The
// lexer computes the line and column of each error by reading its input
// from the start, so on input full of errors one lexer would take quadratic
// time; a lexer per stretch between errors reads each byte once. What is
// lost is the lexer's memory of open template literals, which after an
// error is doubtful anyway.
type jsTokens struct {
	f    *finder
	buf  []byte // src and the NUL the lexer needs after it, copied once
	base int    // offset in src where the current lexer started
	in   *parse.Input
	l    *js.Lexer
	prev js.TokenType // last significant token lexed, to tell / from a regexp
	back []jsToken
}

func newJSTokens(f *finder) *jsTokens {
	s := &jsTokens{f: f, prev: js.ErrorToken}
	s.buf = append(make([]byte, 0, len(f.src)+1), f.src...)
	s.buf = append(s.buf, 0)
	if bytes.HasPrefix(f.src, []byte("#!")) {
		// A hashbang line (ECMAScript 2023 §12.5) is a comment the
		// lexer does not know.
		s.base = len(f.src)
		if i := bytes.IndexAny(f.src, "\r\n"); i >= 0 {
			s.base = i
		}
	}
	s.restart(s.base)
	return s
}

// restart starts a new lexer at offset off of the source. The input
// shares buf, whose last byte is already the NUL that NewInputBytes
// writes after the slice, so nothing is copied.
func (s *jsTokens) restart(off int) {
	s.base = off
	s.in = parse.NewInputBytes(s.buf[off:len(s.f.src)])
	s.l = js.NewLexer(s.in)
}

// next returns the next significant token. At the end of input it returns
// an ErrorToken with eof set; a lexer error is an ErrorToken without eof,
// which matches no statement shape.
func (s *jsTokens) next() jsToken {
	if n := len(s.back); n > 0 {
		t := s.back[n-1]
		s.back = s.back[:n-1]
		return t
	}
	nl := false
	for {
		before := s.in.Offset()
		tt, data := s.l.Next()
		end := s.base + s.in.Offset()
		start := end - len(data)
		switch tt {
		case js.ErrorToken:
			if end >= len(s.f.src) || end == s.base+before {
				return s.token(jsToken{tt: tt, start: end, end: end, eof: true})
			}
			s.restart(end)
		case js.WhitespaceToken:
			continue
		case js.LineTerminatorToken:
			nl = true
			continue
		case js.CommentToken, js.CommentLineTerminatorToken:
			s.f.comment(start, data)
			nl = nl || tt == js.CommentLineTerminatorToken
			continue
		case js.DivToken, js.DivEqToken:
			if regexpAllowed(s.prev) {
				tt, data = s.l.RegExp()
				end = s.base + s.in.Offset()
				start = end - len(data)
				if tt == js.ErrorToken {
					// Unterminated: read on from the end of the line.
					s.restart(end)
				}
			}
		}
		return s.token(jsToken{tt: tt, start: start, end: end, nl: nl})
	}
}

func (s *jsTokens) token(t jsToken) jsToken {
	t.afterDot = s.prev == js.DotToken || s.prev == js.OptChainToken
	s.prev = t.tt
	return t
}

// unread makes next return t again.
func (s *jsTokens) unread(t jsToken) { s.back = append(s.back, t) }

// regexpAllowed reports whether a / after a token of type prev starts a
// regular expression literal rather than a division. The grammar decides
// this by context; the token before is the usual approximation (an operand
// before a division, an operator or punctuator before a literal). A } is
// taken to end a block, as dividing an object literal makes no sense.
func regexpAllowed(prev js.TokenType) bool {
	switch prev {
	case js.ErrorToken, js.OpenBraceToken, js.CloseBraceToken, js.OpenParenToken,
		js.OpenBracketToken, js.SemicolonToken, js.CommaToken, js.QuestionToken,
		js.ColonToken, js.ArrowToken, js.EllipsisToken,
		js.TemplateStartToken, js.TemplateMiddleToken:
		return true
	case js.CloseParenToken, js.CloseBracketToken, js.DotToken,
		js.IncrToken, js.DecrToken:
		return false
	case js.ReturnToken, js.TypeofToken, js.InstanceofToken, js.InToken,
		js.NewToken, js.DeleteToken, js.VoidToken, js.ThrowToken, js.CaseToken,
		js.DoToken, js.ElseToken, js.YieldToken, js.AwaitToken, js.ExtendsToken:
		return true
	}
	return js.IsOperator(prev)
}

// importDecl matches what follows an import keyword: a string (side-effect
// import), ( and a string (dynamic import), or an import clause and from.
func (s *jsTokens) importDecl() {
	t := s.next()
	switch t.tt {
	case js.StringToken:
		s.f.jsString(t, KindImport)
	case js.OpenParenToken:
		arg := s.next()
		// A template literal without substitutions (import(`./x.js`)) is
		// a constant too; one with ${} is not, and is left alone.
		if arg.tt != js.StringToken && arg.tt != js.TemplateToken {
			s.unread(arg)
			return
		}
		if end := s.next(); end.tt == js.CloseParenToken || end.tt == js.CommaToken {
			s.f.jsString(arg, KindDynamicImport)
		} else {
			s.unread(end)
		}
	case js.DotToken: // import.meta
	default:
		s.unread(t)
		s.clause(KindImport)
	}
}

// exportDecl matches what follows an export keyword when it re-exports:
// * or { starts a clause that may end in from and a string.
func (s *jsTokens) exportDecl() {
	t := s.next()
	s.unread(t)
	if t.tt == js.MulToken || t.tt == js.OpenBraceToken {
		s.clause(KindExport)
	}
}

// clause reads an import or export clause up to from and the module
// specifier: names, commas, *, as, and braces holding names or strings
// ({"a-b" as c}). Anything else ends the match and is read again by the
// caller. A clause closed by } must continue with from, or it was
// export {a} with no module; "from" may itself be a name (import from from
// "x").
func (s *jsTokens) clause(kind Kind) {
	depth := 0
	for {
		t := s.next()
		switch {
		case t.tt == js.OpenBraceToken:
			depth++
		case t.tt == js.CloseBraceToken:
			if depth--; depth < 0 {
				s.unread(t)
				return
			}
			if depth == 0 {
				if from := s.next(); from.tt != js.FromToken {
					s.unread(from)
					return
				}
				s.from(kind)
				return
			}
		case depth == 0 && t.tt == js.FromToken:
			s.from(kind)
			return
		case t.tt == js.CommaToken || t.tt == js.MulToken:
		case t.tt == js.StringToken && depth > 0:
		case js.IsIdentifierName(t.tt) && t.tt != js.ImportToken && t.tt != js.ExportToken:
		case depth > 0 && js.IsIdentifierName(t.tt):
		default:
			s.unread(t)
			return
		}
	}
}

// from matches the module specifier after the from of a clause. from
// followed by from or a comma was a name: the clause goes on.
func (s *jsTokens) from(kind Kind) {
	t := s.next()
	switch t.tt {
	case js.StringToken:
		s.f.jsString(t, kind)
	case js.FromToken, js.CommaToken:
		s.unread(t)
		s.clause(kind)
	default:
		s.unread(t)
	}
}

// newURL matches URL("x", import.meta.url) after a new keyword.
func (s *jsTokens) newURL() {
	if !s.expectIdent("URL") || !s.expect(js.OpenParenToken) {
		return
	}
	arg := s.next()
	if arg.tt != js.StringToken {
		s.unread(arg)
		return
	}
	if !s.expect(js.CommaToken) || !s.importMetaURL() {
		return
	}
	if end := s.next(); end.tt == js.CloseParenToken || end.tt == js.CommaToken {
		s.f.jsString(arg, KindNewURL)
	} else {
		s.unread(end)
	}
}

// importMetaURL consumes import.meta.url, or leaves all it read to be
// read again: the import may start an import() instead.
func (s *jsTokens) importMetaURL() bool {
	var read []jsToken
	for _, want := range []js.TokenType{js.ImportToken, js.DotToken, js.MetaToken, js.DotToken, js.IdentifierToken} {
		t := s.next()
		read = append(read, t)
		if t.tt != want || want == js.IdentifierToken && string(s.f.src[t.start:t.end]) != "url" {
			for i := len(read) - 1; i >= 0; i-- {
				s.unread(read[i])
			}
			return false
		}
	}
	return true
}

// expect consumes the next token if it has type tt, or leaves it to be
// read again.
func (s *jsTokens) expect(tt js.TokenType) bool {
	t := s.next()
	if t.tt != tt {
		s.unread(t)
		return false
	}
	return true
}

// expectIdent consumes the next token if it is the identifier name.
func (s *jsTokens) expectIdent(name string) bool {
	t := s.next()
	if !js.IsIdentifierName(t.tt) || string(s.f.src[t.start:t.end]) != name {
		s.unread(t)
		return false
	}
	return true
}

// jsString records the URL of a string literal token.
func (f *finder) jsString(t jsToken, kind Kind) {
	if t.end-t.start < 3 {
		return // "" names nothing
	}
	q := f.src[t.start]
	f.add(t.start+1, t.end-1, f.unescaped(f.src[t.start+1:t.end-1], jsUnescape), kind, q)
}

// jsUnescape decodes the escapes of a string literal (ECMAScript 2024
// §12.9.4): the single-character escapes, \xHH, \uHHHH (surrogate pairs
// joined), \u{H...}, \0, and line continuations, which are nothing. Any
// other escaped character is itself, as in the legacy octal-free grammar.
func jsUnescape(s []byte) string {
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var b strings.Builder
	var pending rune = -1 // a high surrogate waiting for its pair
	flush := func() {
		if pending >= 0 {
			b.WriteRune(utf8.RuneError)
			pending = -1
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			flush()
			b.WriteByte(s[i])
			continue
		}
		i++
		r, n := jsEscape(s[i:])
		i += n - 1
		if r < 0 {
			flush()
			continue // line continuation
		}
		if utf16.IsSurrogate(r) {
			if pending >= 0 && r >= 0xDC00 {
				b.WriteRune(utf16.DecodeRune(pending, r))
				pending = -1
				continue
			}
			flush()
			if r < 0xDC00 {
				pending = r
				continue
			}
		} else {
			flush()
		}
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// jsEscape decodes the escape whose backslash came just before s, and
// returns the rune (-1 for a line continuation) and the bytes it took.
func jsEscape(s []byte) (r rune, n int) {
	switch c := s[0]; c {
	case 'n':
		return '\n', 1
	case 't':
		return '\t', 1
	case 'r':
		return '\r', 1
	case 'b':
		return '\b', 1
	case 'f':
		return '\f', 1
	case 'v':
		return '\v', 1
	case '0':
		return 0, 1
	case '\n':
		return -1, 1
	case '\r':
		if len(s) > 1 && s[1] == '\n' {
			return -1, 2
		}
		return -1, 1
	case 'x':
		if len(s) >= 3 && hexVal(s[1]) >= 0 && hexVal(s[2]) >= 0 {
			return rune(hexVal(s[1])<<4 | hexVal(s[2])), 3
		}
	case 'u':
		if len(s) >= 3 && s[1] == '{' {
			v, j := rune(0), 2
			for ; j < len(s) && hexVal(s[j]) >= 0 && v <= utf8.MaxRune; j++ {
				v = v<<4 | rune(hexVal(s[j]))
			}
			if j > 2 && j < len(s) && s[j] == '}' && v <= utf8.MaxRune {
				return v, j + 1
			}
		} else if len(s) >= 5 && hexVal(s[1]) >= 0 && hexVal(s[2]) >= 0 && hexVal(s[3]) >= 0 && hexVal(s[4]) >= 0 {
			return rune(hexVal(s[1])<<12 | hexVal(s[2])<<8 | hexVal(s[3])<<4 | hexVal(s[4])), 5
		}
	}
	r, n = utf8.DecodeRune(s)
	if r == '\u2028' || r == '\u2029' {
		return -1, n
	}
	return r, n
}
