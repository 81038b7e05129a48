package mediatype

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

var utf8Cases = []struct {
	name string
	in   string
	want Position // Line 0: valid
}{
	{"Empty", "", Position{}},
	{"ASCII", "a{}\n", Position{}},
	{"Multibyte", "/* été → ✓ 𝄞 */\n", Position{}},
	{"Latin1", "/* \xe9viter */", Position{Offset: 3, Line: 1, Col: 4, Byte: 0xe9}},
	{"SecondLine", "a{}\r\nb{ content: \"\xff\" }", Position{Offset: 18, Line: 2, Col: 14, Byte: 0xff}},
	{"ThirdLineAfterUTF8", "é\n\nx\xc3(", Position{Offset: 5, Line: 3, Col: 2, Byte: 0xc3}},
	{"CutAtEnd", "ab\xe2\x82", Position{Offset: 2, Line: 1, Col: 3, Byte: 0xe2}},
	{"Continuation", "\x80", Position{Offset: 0, Line: 1, Col: 1, Byte: 0x80}},
	{"Surrogate", "a\xed\xa0\x80", Position{Offset: 1, Line: 1, Col: 2, Byte: 0xed}},
	{"Overlong", "\xc0\xaf", Position{Offset: 0, Line: 1, Col: 1, Byte: 0xc0}},
}

// check writes in in pieces of size n and returns what the checker found.
func check(in []byte, n int) (Position, bool) {
	var c UTF8Checker
	for len(in) > 0 {
		k := min(n, len(in))
		c.Write(in[:k])
		in = in[k:]
	}
	return c.Invalid()
}

func TestUTF8Checker(t *testing.T) {
	for _, tt := range utf8Cases {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{1, 2, 3, 5, 1 << 20} {
				got, bad := check([]byte(tt.in), n)
				if bad != (tt.want.Line != 0) || got != tt.want {
					t.Errorf("pieces of %d: got %+v (bad %v), want %+v", n, got, bad, tt.want)
				}
			}
		})
	}
}

// FuzzUTF8Checker checks, for any input cut anywhere, that the checker
// agrees with utf8.Valid and names the first byte where decoding fails,
// with the line and column that counting newlines before it gives.
func FuzzUTF8Checker(f *testing.F) {
	for _, tt := range utf8Cases {
		f.Add([]byte(tt.in), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, n uint8) {
		got, bad := check(in, int(n)+1)
		if bad == utf8.Valid(in) {
			t.Fatalf("bad %v for %q", bad, in)
		}
		if !bad {
			return
		}
		i := 0
		for i < len(in) {
			r, size := utf8.DecodeRune(in[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		before := in[:i]
		want := Position{Offset: int64(i), Line: bytes.Count(before, []byte("\n")) + 1, Col: i - (bytes.LastIndexByte(before, '\n') + 1) + 1, Byte: in[i]}
		if got != want {
			t.Fatalf("%q: got %+v, want %+v", in, got, want)
		}
	})
}

func TestDeclaredCharset(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{``, ``},
		{`@charset "ISO-8859-1";` + "\nbody{}", `ISO-8859-1`},
		{`@charset "utf-8";`, `utf-8`},
		{` @charset "ISO-8859-1";`, ``}, // must be at byte 0
		{`@charset 'ISO-8859-1';`, ``},  // single quotes are not the form
		{`@charset "ISO-8859-1"`, ``},
		{`<?xml version="1.0" encoding="ISO-8859-1"?><svg/>`, `ISO-8859-1`},
		{`<?xml version='1.0' encoding = 'windows-1252' ?>`, `windows-1252`},
		{`<?xml version="1.0"?><svg encoding="latin1"/>`, ``},
		{`<?xml version="1.0" encoding="latin1"`, ``},
		{`<svg/>`, ``},
	} {
		if got := DeclaredCharset([]byte(tt.in)); got != tt.want {
			t.Errorf("DeclaredCharset(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/css; charset=utf-8": true, "text/javascript; charset=utf-8": true, "application/json": true,
		"image/svg+xml": true, "application/manifest+json": true, "application/xml": true,
		"image/png": false, "font/woff2": false, "application/wasm": false, "application/octet-stream": false,
	} {
		if got := Text(ct); got != want {
			t.Errorf("Text(%q) = %v", ct, got)
		}
	}
	for in, want := range map[string]string{
		"text/css; charset=utf-8": "text/css", "image/svg+xml": "image/svg+xml", "text/x; a=b; charset=utf-8": "text/x; a=b",
	} {
		if got := WithoutCharset(in); got != want {
			t.Errorf("WithoutCharset(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServed(t *testing.T) {
	tests := []struct {
		name, file, head string
		valid            bool
		want             string
		notUTF8          bool
	}{
		{"UTF8CSS", "a.css", "body{}", true, "text/css; charset=utf-8", false},
		{"DeclaredLatin1", "a.css", `@charset "ISO-8859-1";`, false, "text/css", false},
		{"DeclaredUTF8", "a.css", `@charset "utf-8";`, true, "text/css; charset=utf-8", false},
		{"InvalidCSS", "a.css", "body{}", false, "text/css", true},
		{"Binary", "a.png", "\x89PNG\r\n\x1a\n", false, "image/png", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notUTF8 := Served(tt.file, []byte(tt.head), tt.valid)
			if got != tt.want || notUTF8 != tt.notUTF8 {
				t.Errorf("Served(%q, %q, %v) = %q, %v; want %q, %v", tt.file, tt.head, tt.valid, got, notUTF8, tt.want, tt.notUTF8)
			}
		})
	}
}
