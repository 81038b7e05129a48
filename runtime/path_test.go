package runtime

import (
	"strings"
	"testing"
)

var checkNameTests = []struct {
	name, raw string
	want      pathStatus
}{
	{"", "", pathDir},
	{"a/", "", pathDir},
	{"a/b/", "", pathDir},
	{"a.css", "", pathOK},
	{"a/b.1234.css", "", pathOK},
	{"a b.css", "/static/a%20b.css", pathOK},
	{"é.css", "", pathOK},
	{"a..b", "", pathOK},
	{"/a", "", pathBad},
	{"/", "", pathBad},
	{"a//b", "", pathBad},
	{"a//", "", pathBad},
	{"..", "", pathBad},
	{"../a", "", pathBad},
	{"a/..", "", pathBad},
	{"a/../b", "", pathBad},
	{"./a", "", pathBad},
	{"a/.", "", pathBad},
	{"a/./", "", pathBad},
	{`a\b`, "", pathBad},
	{"a\x00", "", pathBad},
	{"a\nb", "", pathBad},
	{"a\x7f", "", pathBad},
	{"a/b", "/static/a%2Fb", pathBad},
	{"a/b", "/static/a%2fb", pathBad},
	{`a\b`, "/static/a%5cb", pathBad},
	{".env", "", pathDotfile},
	{".git/config", "", pathDotfile},
	{"a/.hidden/b", "", pathDotfile},
	{".well-known/", "", pathDotfile},
	{".a/..", "", pathBad},
	{strings.Repeat("a", maxPathLen+1), "", pathTooLong},
}

func TestCheckName(t *testing.T) {
	for _, tt := range checkNameTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkName(tt.name, tt.raw); got != tt.want {
				t.Errorf("checkName(%q, %q) = %d, want %d", tt.name, tt.raw, got, tt.want)
			}
		})
	}
}

func FuzzCheckName(f *testing.F) {
	for _, tt := range checkNameTests {
		f.Add(tt.name, tt.raw)
	}
	f.Fuzz(func(t *testing.T, name, raw string) {
		switch checkName(name, raw) {
		case pathOK, pathDir:
			for _, seg := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
				if name != "" && (seg == "" || seg[0] == '.') {
					t.Errorf("%q accepted with segment %q", name, seg)
				}
			}
			if strings.ContainsAny(name, "\\\x00") || len(name) > maxPathLen {
				t.Errorf("%q accepted", name)
			}
		}
	})
}
