package httpserve

import (
	"strings"
	"testing"
)

var checkNameTests = []struct {
	name, raw string
	want      PathStatus
}{
	{"", "", PathDir},
	{"a/", "", PathDir},
	{"a/b/", "", PathDir},
	{"a.css", "", PathOK},
	{"a/b.1234.css", "", PathOK},
	{"a b.css", "/static/a%20b.css", PathOK},
	{"é.css", "", PathOK},
	{"a..b", "", PathOK},
	{"/a", "", PathBad},
	{"/", "", PathBad},
	{"a//b", "", PathBad},
	{"a//", "", PathBad},
	{"..", "", PathBad},
	{"../a", "", PathBad},
	{"a/..", "", PathBad},
	{"a/../b", "", PathBad},
	{"./a", "", PathBad},
	{"a/.", "", PathBad},
	{"a/./", "", PathBad},
	{`a\b`, "", PathBad},
	{"a\x00", "", PathBad},
	{"a\nb", "", PathBad},
	{"a\x7f", "", PathBad},
	{"a/b", "/static/a%2Fb", PathBad},
	{"a/b", "/static/a%2fb", PathBad},
	{`a\b`, "/static/a%5cb", PathBad},
	{".env", "", PathDotfile},
	{".git/config", "", PathDotfile},
	{"a/.hidden/b", "", PathDotfile},
	{".well-known/", "", PathDotfile},
	{".a/..", "", PathBad},
	{strings.Repeat("a", MaxPathLen+1), "", PathTooLong},
}

func TestCheckName(t *testing.T) {
	for _, tt := range checkNameTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckName(tt.name, tt.raw); got != tt.want {
				t.Errorf("CheckName(%q, %q) = %d, want %d", tt.name, tt.raw, got, tt.want)
			}
		})
	}
}

func FuzzCheckName(f *testing.F) {
	for _, tt := range checkNameTests {
		f.Add(tt.name, tt.raw)
	}
	f.Fuzz(func(t *testing.T, name, raw string) {
		switch CheckName(name, raw) {
		case PathOK, PathDir:
			for _, seg := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
				if name != "" && (seg == "" || seg[0] == '.') {
					t.Errorf("%q accepted with segment %q", name, seg)
				}
			}
			if strings.ContainsAny(name, "\\\x00") || len(name) > MaxPathLen {
				t.Errorf("%q accepted", name)
			}
		}
	})
}
