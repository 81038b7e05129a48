package media

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/text/unicode/norm"

	"github.com/assetgen/assetgen/internal/httpserve"
)

var cleanNameTests = []struct {
	name, in, want string
}{
	{"Plain", "cat.png", "cat.png"},
	{"UpperExt", "Cat.PNG", "Cat.png"},
	{"Empty", "", "file"},
	{"Dots", "...", "file"},
	{"DotDot", "..", "file"},
	{"OnlyExt", ".png", "png"},
	{"Dotfile", ".htaccess", "htaccess"},
	{"DotDotSlash", "../../etc/passwd", "passwd"},
	{"Backslash", `..\..\windows\win.ini`, "win.ini"},
	{"WindowsPath", `C:\Users\me\Desktop\photo.jpg`, "photo.jpg"},
	{"TrailingSlash", "dir/", "file"},
	{"NUL", "a\x00b.png", "ab.png"},
	{"Controls", "a\x01\x1f\x7fb\u0085.png", "ab_.png"},
	{"Newline", "a\nb.png", "a_b.png"},
	{"Bidi", "invoice\u202egnp.exe", "invoicegnp.exe"},
	{"BidiIsolate", "a\u2066b\u2069.txt", "ab.txt"},
	{"ZeroWidth", "a\u200bb\u200d.txt", "ab.txt"},
	{"Spaces", "my  holiday photo.jpg", "my_holiday_photo.jpg"},
	{"NBSP", "a\u00a0b.jpg", "a_b.jpg"},
	{"Quotes", `a"b'c<d>e;f&g|h$i%j.png`, "abcdefghij.png"},
	{"URLChars", "a?b#c=d+e.png", "abcde.png"},
	{"NFD", "cafe\u0301.txt", "caf\u00e9.txt"},
	{"NFDAfterRemoval", "e\u202e\u0301.txt", "\u00e9.txt"},
	{"Unicode", "日本語 ファイル.png", "日本語_ファイル.png"},
	{"InvalidUTF8", "a\xffb.png", "ab.png"},
	{"TrailingDot", "a.png.", "a.png"},
	{"StemDots", "a...png", "a.png"},
	{"LongExt", "a.verylongextension12", "a.verylongextension12"},
	{"Attrs", "x.attrs", "x_attrs"},
	{"Tmp", "x.TMP", "x_tmp"},
	{"Device", "CON.txt", "_CON.txt"},
	{"DeviceCOM", "com1", "_com1"},
	{"NotDevice", "COMX.txt", "COMX.txt"},
	{"Long", strings.Repeat("a", 10<<10) + ".png", strings.Repeat("a", MaxNameLen-4) + ".png"},
	{"LongUnicode", strings.Repeat("é", 10<<10) + ".png", strings.Repeat("é", (MaxNameLen-4)/2) + ".png"},
	{"LongCombining", strings.Repeat("a", MaxNameLen-5) + "\u0301\u0301.png", strings.Repeat("a", MaxNameLen-6) + ".png"},
}

func TestCleanName(t *testing.T) {
	for _, tt := range cleanNameTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanName(tt.in); got != tt.want {
				t.Errorf("cleanName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

var fitExtensionTests = []struct {
	name, in, content, want string
}{
	{"Kept", "a.png", "\x89PNG\r\n\x1a\n", "a.png"},
	{"Alias", "a.jpeg", "\xff\xd8\xff\xe0", "a.jpeg"},
	{"ScriptAsPNG", "a.png", "alert(document.cookie)", "a.txt"},
	{"HTMLAsPNG", "a.png", "<!DOCTYPE html><script>alert(1)</script>", "a.html"},
	{"PNGAsHTML", "a.html", "\x89PNG\r\n\x1a\n", "a.png"},
	{"SVG", "a.png", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "a.svg"},
	{"NoExt", "a", "\x89PNG\r\n\x1a\n", "a.png"},
	{"UnknownKeepsOwn", "scene.blend", "\x00\x01\x02\x03garbage", "scene.blend"},
	{"UnknownDropsKnown", "page.html", "\x00\x01\x02\x03garbage", "page"},
}

func TestFitExtension(t *testing.T) {
	for _, tt := range fitExtensionTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fitExtension(tt.in, mimetype.Detect([]byte(tt.content))); got != tt.want {
				t.Errorf("fitExtension(%q, %s) = %q, want %q", tt.in, mimetype.Detect([]byte(tt.content)), got, tt.want)
			}
		})
	}
}

// FuzzCleanName checks what a cleaned name must be, whatever the client
// sent: short, one path segment the handler serves, NFC, free of invisible
// and control characters, and already clean.
func FuzzCleanName(f *testing.F) {
	for _, tt := range cleanNameTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := cleanName(in)
		switch {
		case got == "" || len(got) > MaxNameLen:
			t.Fatalf("cleanName(%q) = %q: %d bytes", in, got, len(got))
		case !utf8.ValidString(got) || !norm.NFC.IsNormalString(got):
			t.Fatalf("cleanName(%q) = %q: not valid NFC", in, got)
		case httpserve.CheckName(got, "") != httpserve.PathOK:
			t.Fatalf("cleanName(%q) = %q: the handler would not serve it", in, got)
		case strings.HasSuffix(got, ".attrs") || strings.HasSuffix(got, ".tmp"):
			t.Fatalf("cleanName(%q) = %q: a name the local store reserves", in, got)
		}
		for _, r := range got {
			if !(unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
				t.Fatalf("cleanName(%q) = %q: holds %U", in, got, r)
			}
		}
		if again := cleanName(got); again != got {
			t.Fatalf("cleanName(%q) = %q, but cleanName(%q) = %q", in, got, got, again)
		}
		if s := withSuffix(got); len(s) != len(got)+8 || httpserve.CheckName(s, "") != httpserve.PathOK || !strings.HasSuffix(s, ext(got)) {
			t.Fatalf("withSuffix(%q) = %q", got, s)
		}
	})
}

func ext(name string) string {
	_, e := splitExt(name)
	return e
}
