package tmplcheck

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var matchTests = []struct {
	name, pattern, path string
	want                bool
	wantErr             bool
}{
	{"Bad", "a/[", "a/b", false, true},
	{"BadAfterStar", "**/[x", "a", false, true},
	{"Literal", "a/b.html", "a/b.html", true, false},
	{"LiteralNo", "a/b.html", "a/c.html", false, false},
	{"Star", "a/*.html", "a/b.html", true, false},
	{"StarNoSlash", "a/*.html", "a/x/b.html", false, false},
	{"DoubleStarZero", "a/**/*.html", "a/b.html", true, false},
	{"DoubleStarOne", "a/**/*.html", "a/x/b.html", true, false},
	{"DoubleStarMany", "a/**/*.html", "a/x/y/z/b.html", true, false},
	{"DoubleStarWrongExt", "a/**/*.html", "a/x/b.tmpl", false, false},
	{"LeadingDoubleStar", "**/*.gohtml", "x/y.gohtml", true, false},
	{"TrailingDoubleStar", "a/**", "a/x/y", true, false},
	{"TrailingDoubleStarEmpty", "a/**", "a", true, false},
	{"TwoDoubleStars", "**/admin/**/*.html", "x/admin/y/z.html", true, false},
	{"TwoDoubleStarsNo", "**/admin/**/*.html", "x/y/z.html", false, false},
	{"DoubleStarInElement", "a/x**y", "a/xzzy", true, false},
	{"DoubleStarInElementNoSlash", "a/x**y", "a/x/y", false, false},
	{"Class", "t/[ab].html", "t/b.html", true, false},
	{"Question", "t/?.html", "t/ab.html", false, false},
}

func TestMatch(t *testing.T) {
	for _, tt := range matchTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Match(tt.pattern, tt.path)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Match(%q, %q) = %v, %v; want %v, error %v", tt.pattern, tt.path, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// FuzzMatch checks Match against path.Match for patterns without "**",
// where they must agree, and that "**/" in front matches any prefix when the
// match went element by element (the same number of separators on both
// sides: path.Match lets a class such as "[^0]" match a "/", which no
// element can hold).
func FuzzMatch(f *testing.F) {
	for _, tt := range matchTests {
		f.Add(tt.pattern, tt.path)
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		got, err := Match(pattern, name)
		if err != nil {
			return
		}
		if !strings.Contains(pattern, "**") {
			want, werr := path.Match(pattern, name)
			if werr == nil && got != want {
				t.Fatalf("Match(%q, %q) = %v, path.Match says %v", pattern, name, got, want)
			}
		}
		if got && strings.Count(pattern, "/") == strings.Count(name, "/") {
			if ok, _ := Match("**/"+pattern, "x/y/"+name); !ok {
				t.Fatalf("Match(%q, %q) but not with **/ in front of x/y/", pattern, name)
			}
		}
	})
}

func TestGlob(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"t/index.html", "t/a/b/deep.html", "t/a/x.tmpl", "t/.git/hidden.html", "other.html"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	tests := []struct {
		name     string
		patterns []string
		want     []string
		wantErr  string
	}{
		{"DoubleStar", []string{"t/**/*.html"}, []string{"t/a/b/deep.html", "t/index.html"}, ""},
		{"Several", []string{"t/*.html", "t/**/*.tmpl", "t/index.html"}, []string{"t/a/x.tmpl", "t/index.html"}, ""},
		{"DotSlash", []string{"./t/*.html"}, []string{"t/index.html"}, ""},
		{"Everything", []string{"**/*.html"}, []string{"other.html", "t/a/b/deep.html", "t/index.html"}, ""},
		{"Absolute", []string{filepath.ToSlash(dir) + "/t/*.html"}, []string{filepath.ToSlash(dir) + "/t/index.html"}, ""},
		{"NoMatch", []string{"t/*.gohtml"}, nil, "template pattern t/*.gohtml matches no files; fix the pattern"},
		{"NoDir", []string{"nope/**/*.html"}, nil, "template pattern nope/**/*.html matches no files; fix the pattern"},
		{"Bad", []string{"t/[.html"}, nil, `template pattern t/[.html: malformed element "[.html"; see path.Match for the syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Glob(context.Background(), tt.patterns)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Glob(%q) error %v, want %q", tt.patterns, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Glob(%q) mismatch (-want +got):\n%s", tt.patterns, diff)
			}
		})
	}
}
