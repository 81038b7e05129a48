package naming

import (
	"go/token"
	"strings"
	"testing"
	"unicode/utf8"
)

var identTests = []struct {
	name, path, want string
}{
	{"Simple", "base.css", "BaseCSS"},
	{"Dirs", "css/site.min.js", "CSSSiteMinJS"},
	{"Initialisms", "api/user-id.json", "APIUserIDJSON"},
	{"KeepsCamel", "img/myIcon.svg", "ImgMyIconSVG"},
	{"At2x", "img/logo@2x.png", "ImgLogo2xPNG"},
	{"LeadingDigit", "404.html", "X404HTML"},
	{"DigitRuns", "icon-1-2.png", "Icon1_2PNG"},
	{"DigitThenLetter", "v2/app.js", "V2AppJS"},
	{"NoExt", "LICENSE", "LICENSE"},
	{"Compound", "dist/archive.tar.gz", "DistArchiveTarGZ"},
	{"Space", "my icon.svg", "MyIconSVG"},
	{"Underscore", "a_b.css", "ABCSS"},
	{"NonASCIIUpper", "été/café.png", "ÉtéCaféPNG"},
	{"NoUpperCase", "日本.txt", "X日本TXT"},
	{"Punctuation", "---", ""},
	{"Empty", "", ""},
	{"InvalidUTF8", "a\xffb.css", "ABCSS"},
	{"Emoji", "🙂.png", "PNG"},
	{"Woff2", "fonts/Inter-Bold.woff2", "FontsInterBoldWOFF2"},
	{"URL", "url", "URL"},
}

func TestIdent(t *testing.T) {
	for _, tt := range identTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Ident(tt.path); got != tt.want {
				t.Errorf("Ident(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

// FuzzIdent checks that every identifier is an exported Go identifier and
// that the mapping is a pure function.
func FuzzIdent(f *testing.F) {
	for _, tt := range identTests {
		f.Add(tt.path)
	}
	f.Fuzz(func(t *testing.T, p string) {
		id := Ident(p)
		if id != Ident(p) {
			t.Fatalf("Ident(%q) not deterministic", p)
		}
		if id == "" {
			return
		}
		if !token.IsIdentifier(id) || !token.IsExported(id) {
			t.Fatalf("Ident(%q) = %q, not an exported identifier", p, id)
		}
		if !utf8.ValidString(id) {
			t.Fatalf("Ident(%q) = %q, invalid UTF-8", p, id)
		}
	})
}

var hashedTests = []struct {
	name, path, want string
}{
	{"Simple", "base.css", "base.HASH.css"},
	{"Dir", "css/base.css", "css/base.HASH.css"},
	{"MultiDot", "js/jquery.min.js", "js/jquery.min.HASH.js"},
	{"TarGz", "dist/archive.tar.gz", "dist/archive.HASH.tar.gz"},
	{"SourceMap", "app.js.map", "app.HASH.js.map"},
	{"DTS", "types/index.d.ts", "types/index.HASH.d.ts"},
	{"NoExt", "LICENSE", "LICENSE.HASH"},
	{"DotFile", ".htaccess", ".htaccess.HASH"},
	{"DotFileExt", ".eslintrc.json", ".eslintrc.HASH.json"},
	{"OnlyCompound", ".tar.gz", ".tar.HASH.gz"},
	{"DirWithDot", "v1.2/app", "v1.2/app.HASH"},
	{"UpperExt", "IMG.PNG", "IMG.HASH.PNG"},
	{"TrailingDot", "a.", "a.HASH."},
}

func TestHashed(t *testing.T) {
	for _, tt := range hashedTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hashed(tt.path, "HASH"); got != tt.want {
				t.Errorf("Hashed(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

// FuzzHashed checks that the fingerprint is inserted, not substituted: the
// directory stays, and removing ".HASH" gives back the path.
func FuzzHashed(f *testing.F) {
	for _, tt := range hashedTests {
		f.Add(tt.path)
	}
	f.Fuzz(func(t *testing.T, p string) {
		const h = "0123456789ab"
		got := Hashed(p, h)
		if strings.Count(got, "."+h) < 1 || strings.Replace(got, "."+h, "", 1) != p && !strings.Contains(p, "."+h) {
			t.Fatalf("Hashed(%q) = %q: removing the hash does not give the path back", p, got)
		}
		if i := strings.LastIndexByte(p, '/'); i >= 0 && !strings.HasPrefix(got, p[:i+1]) {
			t.Fatalf("Hashed(%q) = %q: directory changed", p, got)
		}
	})
}

func TestParse(t *testing.T) {
	const h = "0123456789ab"
	for _, tt := range hashedTests {
		t.Run(tt.name, func(t *testing.T) {
			name := Hashed(tt.path, h)
			if got, hash, ok := Parse(name, len(h)); !ok || got != tt.path || hash != h {
				t.Errorf("Parse(%q) = %q, %q, %v; want %q, %q, true", name, got, hash, ok, tt.path, h)
			}
		})
	}
	for _, name := range []string{"base.css", "base.0123456789AB.css", "base.0123456789a.css", "LICENSE", "a/b.0123456789ab/c.css", ""} {
		t.Run("Not/"+name, func(t *testing.T) {
			if got, _, ok := Parse(name, len(h)); ok {
				t.Errorf("Parse(%q) = %q, true; want false", name, got)
			}
		})
	}
}

// FuzzParse checks that Parse undoes Hashed for every path, and that a
// name it accepts is one Hashed makes.
func FuzzParse(f *testing.F) {
	for _, tt := range hashedTests {
		f.Add(tt.path, "0123456789ab")
		f.Add(Hashed(tt.path, "0123456789ab"), "")
	}
	f.Fuzz(func(t *testing.T, p, hash string) {
		// Hashes of one digit are ambiguous ("0.0.d.ts" is "0.0.ts" with
		// hash d, and "0.d.ts" with hash 0); Config allows 8 to 64.
		if isHex(hash, len(hash)) && len(hash) >= 8 {
			name := Hashed(p, hash)
			if got, h, ok := Parse(name, len(hash)); !ok || got != p || h != hash {
				t.Fatalf("Parse(Hashed(%q, %q) = %q) = %q, %q, %v", p, hash, name, got, h, ok)
			}
		}
		if got, h, ok := Parse(p, 12); ok && Hashed(got, h) != p {
			t.Fatalf("Parse(%q) = %q, %q, but Hashed gives %q", p, got, h, Hashed(got, h))
		}
	})
}

func TestCycleSums(t *testing.T) {
	logicals := []string{"a.css", "b.css"}
	base := CycleSums(logicals, [][]byte{[]byte("A"), []byte("B")})
	if base[0] == base[1] {
		t.Fatal("members share a sum")
	}
	if again := CycleSums(logicals, [][]byte{[]byte("A"), []byte("B")}); again[0] != base[0] || again[1] != base[1] {
		t.Fatal("CycleSums is not deterministic")
	}
	// Changing one member renames every member.
	changed := CycleSums(logicals, [][]byte{[]byte("A"), []byte("B2")})
	if changed[0] == base[0] || changed[1] == base[1] {
		t.Error("changing b.css left a member's sum unchanged")
	}
	// Lengths are part of the digest: moving a byte across the boundary
	// between path and content changes the sums.
	shifted := CycleSums([]string{"a.cssA", "b.css"}, [][]byte{nil, []byte("B")})
	if shifted[1] == base[1] {
		t.Error("path/content boundary not encoded")
	}
}
