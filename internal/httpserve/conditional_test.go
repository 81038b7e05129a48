package httpserve

import (
	"net/http"
	"strings"
	"testing"
)

var scanETagTests = []struct {
	in, tag, rest string
}{
	{``, ``, ``},
	{`abc`, ``, ``},
	{`"abc`, ``, ``},
	{`W/`, ``, ``},
	{`w/"abc"`, ``, ``},
	{`"a b"`, ``, ``},
	{"\"a\x00\"", ``, ``},
	{`"abc"`, `"abc"`, ``},
	{`""`, `""`, ``},
	{`W/"abc"`, `W/"abc"`, ``},
	{` "abc" , "d"`, `"abc"`, ` , "d"`},
	{`"a/b+c="`, `"a/b+c="`, ``},
	{"\"\x80\xff\"", "\"\x80\xff\"", ``},
	{"\"a\x7f\"", ``, ``},
	{"\"!#~\"", "\"!#~\"", ``},
	{`"a"b"`, `"a"`, `b"`},
	{`W/"a" x`, `W/"a"`, ` x`},
	{`"0123456789abcdef0123456789abcdef"`, `"0123456789abcdef0123456789abcdef"`, ``},
	{"\"0123456789ab\x7fdef\"", ``, ``},
	{"\"0123456\x20\"", ``, ``},
	{"\"01234567\x80\xff\x21~\x81\xfe\xf0\"", "\"01234567\x80\xff\x21~\x81\xfe\xf0\"", ``},
	{"\"\x01bcdefghijklmnop\"", ``, ``},
}

func TestScanETag(t *testing.T) {
	for _, tt := range scanETagTests {
		t.Run(tt.in, func(t *testing.T) {
			tag, rest := scanETag(tt.in)
			if tag != tt.tag || rest != tt.rest {
				t.Errorf("scanETag(%q) = %q, %q; want %q, %q", tt.in, tag, rest, tt.tag, tt.rest)
			}
		})
	}
}

// TestScanETagEveryByte puts each byte value at each place of a tag long
// enough for two 8-byte words and a tail, alone and after a space (a
// byte that borrows), and compares scanETag with the grammar.
func TestScanETagEveryByte(t *testing.T) {
	for _, fill := range []string{"a", "!", "\xff"} {
		for at := 1; at < 20; at++ {
			for b := range 256 {
				for _, before := range []string{fill, " "} {
					in := []byte(`"` + strings.Repeat(fill, 19) + `"`)
					in[at-1], in[at] = before[0], byte(b)
					if at == 1 {
						in[0] = '"'
					}
					if got, _ := scanETag(string(in)); got != scanETagGrammar(string(in)) {
						t.Fatalf("scanETag(%q) = %q; the grammar gives %q", in, got, scanETagGrammar(string(in)))
					}
				}
			}
		}
	}
}

var checkPreconditionsTests = []struct {
	name       string
	method     string
	header     http.Header
	wantStatus int
	wantRange  bool
}{
	{"None", "GET", nil, 0, true},
	{"IfMatch", "GET", http.Header{"If-Match": {`"e"`}}, 0, true},
	{"IfMatchList", "GET", http.Header{"If-Match": {`"a", "e"`}}, 0, true},
	{"IfMatchStar", "GET", http.Header{"If-Match": {`*`}}, 0, true},
	{"IfMatchWeak", "GET", http.Header{"If-Match": {`W/"e"`}}, 412, false},
	{"IfMatchOther", "GET", http.Header{"If-Match": {`"a"`}}, 412, false},
	{"IfMatchEmpty", "GET", http.Header{"If-Match": {``}}, 412, false},
	{"INM", "GET", http.Header{"If-None-Match": {`"e"`}}, 304, false},
	{"INMHead", "HEAD", http.Header{"If-None-Match": {`"e"`}}, 304, false},
	{"INMPost", "POST", http.Header{"If-None-Match": {`"e"`}}, 412, false},
	{"INMWeak", "GET", http.Header{"If-None-Match": {`W/"e"`}}, 304, false},
	{"INMStar", "GET", http.Header{"If-None-Match": {`*`}}, 304, false},
	{"INMListCommas", "GET", http.Header{"If-None-Match": {`,"a",,"e",`}}, 304, false},
	{"INMOther", "GET", http.Header{"If-None-Match": {`"a"`}}, 0, true},
	{"INMStopsAtGarbage", "GET", http.Header{"If-None-Match": {`"a", x, "e"`}}, 0, true},
	{"IfMatchThenINM", "GET", http.Header{"If-Match": {`"e"`}, "If-None-Match": {`"e"`}}, 304, false},
	{"IfRange", "GET", http.Header{"Range": {"bytes=0-1"}, "If-Range": {`"e"`}}, 0, true},
	{"IfRangeOther", "GET", http.Header{"Range": {"bytes=0-1"}, "If-Range": {`"a"`}}, 0, false},
	{"IfRangeWeak", "GET", http.Header{"Range": {"bytes=0-1"}, "If-Range": {`W/"e"`}}, 0, false},
	{"IfRangeDate", "GET", http.Header{"Range": {"bytes=0-1"}, "If-Range": {`Sat, 01 Jan 2000 00:00:00 GMT`}}, 0, false},
	{"IfRangeTrailing", "GET", http.Header{"Range": {"bytes=0-1"}, "If-Range": {`"e" x`}}, 0, false},
	{"IfRangeTwice", "GET", http.Header{"Range": {"bytes=0-1"}, "If-Range": {`"e"`, `"e"`}}, 0, false},
	{"IfRangeWithoutRange", "GET", http.Header{"If-Range": {`"a"`}}, 0, true},
}

func TestCheckPreconditions(t *testing.T) {
	for _, tt := range checkPreconditionsTests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(tt.method, "/", nil)
			r.Header = tt.header
			// As serveFile and serveRanges combine them.
			status := CheckPreconditions(r, `"e"`)
			rangeOK := status == 0 && (len(r.Header["Range"]) == 0 || CheckIfRange(r, `"e"`) != CondFalse)
			if status != tt.wantStatus || rangeOK != tt.wantRange {
				t.Errorf("CheckPreconditions, CheckIfRange = %d, %v; want %d, %v", status, rangeOK, tt.wantStatus, tt.wantRange)
			}
		})
	}
}

func FuzzMatchETagList(f *testing.F) {
	for _, tt := range scanETagTests {
		f.Add(tt.in, `"abc"`)
	}
	f.Fuzz(func(t *testing.T, line, etag string) {
		strong := matchETagList(line, etag, true)
		weak := matchETagList(line, etag, false)
		if strong && !weak && TrimOWS(line) != "*" {
			t.Errorf("%q matches %q strongly but not weakly", line, etag)
		}
		tag, rest := scanETag(line)
		if tag != "" && tag+rest != TrimOWS(line) {
			t.Errorf("scanETag(%q) = %q, %q: not a split of the input", line, tag, rest)
		}
		if want := scanETagGrammar(line); tag != want {
			t.Errorf("scanETag(%q) = %q; the grammar gives %q", line, tag, want)
		}
	})
}

// scanETagGrammar is scanETag written as the grammar reads, a byte at a
// time, for the fuzz test to compare against.
func scanETagGrammar(s string) string {
	s = TrimOWS(s)
	start := 0
	if len(s) >= 2 && s[0] == 'W' && s[1] == '/' {
		start = 2
	}
	if len(s) <= start || s[start] != '"' {
		return ""
	}
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1]
		case c == 0x21 || 0x23 <= c && c <= 0x7e || c >= 0x80:
		default:
			return ""
		}
	}
	return ""
}
