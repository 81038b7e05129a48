package gen

import (
	"regexp"
	"testing"
)

// plainExtRE is the rule plainExt spells out as a loop.
var plainExtRE = regexp.MustCompile(`^\.[A-Za-z0-9]{1,10}$`)

var plainExtTests = []string{"", ".", ".css", ".CSS", ".woff2", ".a1234567890", ".a123456789", "css", ".c-s", ".c s", ".ü", "..", ".css.", "x.css"}

func TestPlainExt(t *testing.T) {
	for _, ext := range plainExtTests {
		if got, want := plainExt(ext), plainExtRE.MatchString(ext); got != want {
			t.Errorf("plainExt(%q) = %v, want %v", ext, got, want)
		}
	}
}

// FuzzPlainExt checks plainExt against the regexp it replaces.
func FuzzPlainExt(f *testing.F) {
	for _, ext := range plainExtTests {
		f.Add(ext)
	}
	f.Fuzz(func(t *testing.T, ext string) {
		if got, want := plainExt(ext), plainExtRE.MatchString(ext); got != want {
			t.Fatalf("plainExt(%q) = %v, want %v", ext, got, want)
		}
	})
}
