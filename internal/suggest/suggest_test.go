package suggest

import (
	"slices"
	"testing"
)

var closestTests = []struct {
	name       string
	p          string
	candidates []string
	want       string
}{
	{"Empty", "", nil, ""},
	{"NoCandidates", "css/base.css", nil, ""},
	{"Exact", "css/base.css", []string{"css/base.css"}, ""},
	{"OneDeletion", "css/bse.css", []string{"css/base.css", "js/app.js"}, "css/base.css"},
	{"Case", "CSS/Base.css", []string{"css/base.css", "CSS/Base.cs"}, "css/base.css"},
	{"TooFar", "x.css", []string{"css/base.css", "img/logo.svg"}, ""},
	{"Directory", "img/logo.svg", []string{"images/logo.svg"}, ""},
	{"WrongExt", "js/app.ts", []string{"js/app.js", "js/app.css"}, "js/app.js"},
	{"TieSortsFirst", "a/bx.css", []string{"a/bz.css", "a/by.css"}, "a/by.css"},
	{"Unicode", "img/café.png", []string{"img/cafe.png"}, "img/cafe.png"},
}

func TestClosest(t *testing.T) {
	for _, tt := range closestTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.p, slices.Values(tt.candidates)); got != tt.want {
				t.Errorf("Closest(%q, %q) = %q, want %q", tt.p, tt.candidates, got, tt.want)
			}
			rev := slices.Clone(tt.candidates)
			slices.Reverse(rev)
			if got := Closest(tt.p, slices.Values(rev)); got != tt.want {
				t.Errorf("Closest(%q, reversed %q) = %q, want %q: order must not matter", tt.p, rev, got, tt.want)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"", "", 5, 0},
		{"abc", "", 5, 3},
		{"kitten", "sitting", 10, 3},
		{"kitten", "sitting", 2, 2},
		{"same", "same", 1, 0},
	} {
		if got := distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

// FuzzClosest checks that a suggestion is always one of the candidates and
// never p itself.
func FuzzClosest(f *testing.F) {
	for _, tt := range closestTests {
		a, b := "", ""
		if len(tt.candidates) > 0 {
			a = tt.candidates[0]
		}
		if len(tt.candidates) > 1 {
			b = tt.candidates[1]
		}
		f.Add(tt.p, a, b)
	}
	f.Fuzz(func(t *testing.T, p, a, b string) {
		got := Closest(p, slices.Values([]string{a, b}))
		if got != "" && got != a && got != b || got == p && got != "" {
			t.Fatalf("Closest(%q, [%q %q]) = %q", p, a, b, got)
		}
	})
}
