package httpserve

import (
	"net/http"
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
	})
}
