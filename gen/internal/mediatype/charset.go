package mediatype

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Text reports whether a media type is text that a browser decodes as
// UTF-8: a text/* type, JavaScript, JSON and its +json relatives, and XML
// and its +xml relatives (SVG among them), whose default encoding is
// UTF-8 when the file declares none. Such a file that is not valid UTF-8
// shows as mojibake, or breaks a script, in the browser.
func Text(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/javascript", mt == "application/json", mt == "application/xml",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

// WithoutCharset drops the charset parameter of a media type: "text/css;
// charset=utf-8" is "text/css". A file in another encoding is then decoded
// by what it declares itself, or by the browser's guess.
func WithoutCharset(contentType string) string {
	mt, params, ok := strings.Cut(contentType, ";")
	if !ok {
		return contentType
	}
	var keep []string
	for _, p := range strings.Split(params, ";") {
		if k, _, _ := strings.Cut(strings.TrimSpace(p), "="); !strings.EqualFold(k, "charset") {
			keep = append(keep, strings.TrimSpace(p))
		}
	}
	if len(keep) == 0 {
		return mt
	}
	return mt + "; " + strings.Join(keep, "; ")
}

// DeclaredCharset returns the encoding a file declares in its first bytes,
// in the form a CSS or XML parser reads it: a style sheet starting with
// @charset "name"; (CSS Syntax Level 3 §3.2, which requires exactly that
// form at byte 0), or an XML prolog <?xml ... encoding="name"?> (XML 1.0
// §4.3.3), as SVG files have. It returns "" when there is none.
func DeclaredCharset(head []byte) string {
	if rest, ok := bytes.CutPrefix(head, []byte(`@charset "`)); ok {
		if i := bytes.IndexByte(rest, '"'); i > 0 && bytes.HasPrefix(rest[i:], []byte(`";`)) {
			return string(rest[:i])
		}
		return ""
	}
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return ""
	}
	prolog := head[:end]
	i := bytes.Index(prolog, []byte("encoding"))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(prolog[i+len("encoding"):], " \t\r\n")
	rest, ok := bytes.CutPrefix(rest, []byte("="))
	if !ok {
		return ""
	}
	rest = bytes.TrimLeft(rest, " \t\r\n")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	if j := bytes.IndexByte(rest[1:], rest[0]); j > 0 {
		return string(rest[1 : 1+j])
	}
	return ""
}

// IsUTF8Name reports whether an encoding name means UTF-8.
func IsUTF8Name(name string) bool {
	return strings.EqualFold(name, "utf-8") || strings.EqualFold(name, "utf8")
}

// UTF8Checker finds the first byte of a stream that is not valid UTF-8.
// It is an io.Writer, so that it can watch a file being hashed
// (io.TeeReader) without a second read; a character split across writes
// is handled. After the first invalid byte it does no more work.
type UTF8Checker struct {
	off       int64  // bytes written before pending
	line      int    // newlines before off
	lineStart int64  // offset just after the last newline before off
	pending   []byte // the start of a character cut by the end of a write
	bad       bool
	at        Position
}

// Position is where the first invalid byte is.
type Position struct {
	Offset int64 // 0-based byte offset
	Line   int   // 1-based
	Col    int   // 1-based byte column
	Byte   byte  // the byte itself
}

// Write checks p, which follows what was written before.
func (c *UTF8Checker) Write(p []byte) (int, error) {
	if c.bad {
		return len(p), nil
	}
	buf := p
	if len(c.pending) > 0 {
		buf = append(c.pending, p...)
		c.pending = nil
	}
	// Hold back a character the write cut short.
	cut := len(buf)
	for k := 1; k <= utf8.UTFMax-1 && k <= len(buf); k++ {
		if utf8.RuneStart(buf[len(buf)-k]) {
			if !utf8.FullRune(buf[len(buf)-k:]) {
				cut = len(buf) - k
			}
			break
		}
	}
	whole := buf[:cut]
	if utf8.Valid(whole) {
		c.advance(whole)
		c.pending = append([]byte(nil), buf[cut:]...)
		return len(p), nil
	}
	i := 0
	for i < len(whole) {
		r, size := utf8.DecodeRune(whole[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	c.advance(whole[:i])
	c.fail(whole[i])
	return len(p), nil
}

// advance moves past valid bytes, counting lines.
func (c *UTF8Checker) advance(b []byte) {
	if n := bytes.Count(b, []byte{'\n'}); n > 0 {
		c.line += n
		c.lineStart = c.off + int64(bytes.LastIndexByte(b, '\n')) + 1
	}
	c.off += int64(len(b))
}

func (c *UTF8Checker) fail(b byte) {
	c.bad = true
	c.at = Position{Offset: c.off, Line: c.line + 1, Col: int(c.off-c.lineStart) + 1, Byte: b}
}

// Invalid reports the first invalid byte once the whole stream has been
// written; a character cut short by the end of the stream is invalid.
func (c *UTF8Checker) Invalid() (Position, bool) {
	if !c.bad && len(c.pending) > 0 {
		c.fail(c.pending[0])
		c.pending = nil
	}
	return c.at, c.bad
}

// Served returns the content type a file named name is served with, for
// both generate and development mode: Of(name, head), where head is the
// file's first bytes, and for a text type without its charset when head
// declares another encoding (@charset in CSS, the XML prolog's encoding)
// or the content is not valid UTF-8 (validUTF8 false), so that the
// declaration, or the browser, decides. notUTF8 reports the last case:
// text that claims no other encoding and is not UTF-8, which generate
// rejects unless told otherwise and development mode serves as it is.
func Served(name string, head []byte, validUTF8 bool) (contentType string, notUTF8 bool) {
	head = head[:min(len(head), 512)]
	contentType = Of(name, head)
	if !Text(contentType) {
		return contentType, false
	}
	if d := DeclaredCharset(head); d != "" && !IsUTF8Name(d) {
		return WithoutCharset(contentType), false
	}
	if !validUTF8 {
		return WithoutCharset(contentType), true
	}
	return contentType, false
}
