package rewrite

import (
	"path"
	"strings"
	"testing"
)

var classifyTests = []struct {
	name           string
	lang           Lang
	kind           Kind
	ref            string
	pathPart, suff string
	local          bool
}{
	{"Empty", CSS, KindURL, "", "", "", false},
	{"FragmentOnly", CSS, KindURL, "#clip", "", "#clip", false},
	{"QueryOnly", CSS, KindURL, "?v=1", "", "?v=1", false},
	{"HTTP", CSS, KindURL, "http://x.test/a.png", "http://x.test/a.png", "", false},
	{"HTTPS", CSS, KindImportRule, "https://fonts.test/css?family=X", "https://fonts.test/css", "?family=X", false},
	{"UpperScheme", CSS, KindURL, "HTTPS://x.test/a.png", "HTTPS://x.test/a.png", "", false},
	{"ProtocolRelative", CSS, KindURL, "//cdn.test/a.png", "//cdn.test/a.png", "", false},
	{"Data", CSS, KindURL, "data:image/png;base64,iVBOR", "data:image/png;base64,iVBOR", "", false},
	{"DataSVGFragment", CSS, KindURL, "data:image/svg+xml,<svg/>#a", "data:image/svg+xml,<svg/>", "#a", false},
	{"Blob", JS, KindNewURL, "blob:https://x.test/uuid", "blob:https://x.test/uuid", "", false},
	{"Mailto", CSS, KindURL, "mailto:a@b.test", "mailto:a@b.test", "", false},
	{"ChromeExtension", CSS, KindURL, "chrome-extension://id/a.png", "chrome-extension://id/a.png", "", false},
	{"Jinja", CSS, KindURL, "{{ STATIC_URL }}a.png", "{{ STATIC_URL }}a.png", "", false},
	{"DjangoTag", CSS, KindURL, "{% static 'a.png' %}", "{% static 'a.png' %}", "", false},
	{"Dollar", JS, KindNewURL, "./${name}.png", "./${name}.png", "", false},
	{"ERB", CSS, KindURL, "<%= asset %>", "<%= asset %>", "", false},
	{"Thymeleaf", CSS, KindURL, "@{/a.png}", "@{/a.png}", "", false},
	{"PlaceholderInQuery", CSS, KindURL, "a.png?v={{v}}", "a.png", "?v={{v}}", false},
	{"BareImport", JS, KindImport, "react", "react", "", false},
	{"ScopedImport", JS, KindImport, "@scope/pkg", "@scope/pkg", "", false},
	{"BareSubpath", JS, KindExport, "lodash/fp", "lodash/fp", "", false},
	{"BareDynamic", JS, KindDynamicImport, "a.js", "a.js", "", false},
	{"DotImport", JS, KindImport, ".", ".", "", false},
	{"DotDotNoSlash", JS, KindImport, "..", "..", "", false},
	{"NodeScheme", JS, KindImport, "node:fs", "node:fs", "", false},

	{"Relative", CSS, KindURL, "img/a.png", "img/a.png", "", true},
	{"RelativeDot", CSS, KindURL, "./a.png", "./a.png", "", true},
	{"Parent", CSS, KindURL, "../img/a.png", "../img/a.png", "", true},
	{"Absolute", CSS, KindURL, "/static/a.png", "/static/a.png", "", true},
	{"IEFix", CSS, KindURL, "font.eot?#iefix", "font.eot", "?#iefix", true},
	{"SVGFragment", CSS, KindURL, "icons.svg#home", "icons.svg", "#home", true},
	{"QueryAndFragment", CSS, KindURL, "a.svg?v=1#x", "a.svg", "?v=1#x", true},
	{"ColonInPath", CSS, KindURL, "./a:b.png", "./a:b.png", "", true},
	{"DigitFirstNotScheme", CSS, KindURL, "1a:b.png", "1a:b.png", "", true},
	{"ImportRelative", JS, KindImport, "./a.js", "./a.js", "", true},
	{"ImportParent", JS, KindExport, "../a.js", "../a.js", "", true},
	{"ImportAbsolute", JS, KindDynamicImport, "/static/a.js", "/static/a.js", "", true},
	{"NewURLBareName", JS, KindNewURL, "a.png", "a.png", "", true},
	{"SourceMapBareName", JS, KindSourceMap, "a.js.map", "a.js.map", "", true},
	{"CSSImportBareName", CSS, KindImportRule, "base.css", "base.css", "", true},
}

func TestClassify(t *testing.T) {
	for _, tt := range classifyTests {
		t.Run(tt.name, func(t *testing.T) {
			p, s, local := Classify(tt.lang, tt.kind, tt.ref)
			if p != tt.pathPart || s != tt.suff || local != tt.local {
				t.Errorf("Classify(%v, %v, %q) = %q, %q, %v; want %q, %q, %v",
					tt.lang, tt.kind, tt.ref, p, s, local, tt.pathPart, tt.suff, tt.local)
			}
		})
	}
}

func FuzzClassify(f *testing.F) {
	for _, tt := range classifyTests {
		f.Add(int(tt.lang), string(tt.kind), tt.ref)
	}
	f.Fuzz(func(t *testing.T, lang int, kind, ref string) {
		p, s, local := Classify(Lang(lang), Kind(kind), ref)
		if p+s != ref {
			t.Fatalf("Classify(%q) = %q + %q, which is not the reference", ref, p, s)
		}
		if strings.ContainsAny(p, "?#") || s != "" && s[0] != '?' && s[0] != '#' {
			t.Fatalf("Classify(%q) split at the wrong place: %q, %q", ref, p, s)
		}
		if local && (p == "" || strings.HasPrefix(p, "//")) {
			t.Fatalf("Classify(%q) is local with path %q", ref, p)
		}
	})
}

var resolveTests = []struct {
	name, from, ref, prefix string
	want                    string
	ok                      bool
}{
	{"Sibling", "css/app.css", "a.png", "/static/", "css/a.png", true},
	{"Dot", "css/app.css", "./a.png", "/static/", "css/a.png", true},
	{"Parent", "css/app.css", "../img/a.png", "/static/", "img/a.png", true},
	{"RootFile", "app.css", "img/a.png", "/static/", "img/a.png", true},
	{"DeepParent", "a/b/c/d.css", "../../x.png", "/", "a/x.png", true},
	{"InnerDotDot", "css/app.css", "sub/../a.png", "/", "css/a.png", true},
	{"DoubleSlash", "css/app.css", "img//a.png", "/", "css/img/a.png", true},
	{"Absolute", "css/app.css", "/static/img/a.png", "/static/", "img/a.png", true},
	{"AbsoluteNoSlashes", "css/app.css", "/static/img/a.png", "static", "img/a.png", true},
	{"AbsoluteRootPrefix", "css/app.css", "/img/a.png", "/", "img/a.png", true},
	{"AbsoluteEmptyPrefix", "css/app.css", "/img/a.png", "", "img/a.png", true},
	{"AbsoluteNestedPrefix", "a.css", "/assets/v1/a.png", "/assets/v1/", "a.png", true},
	{"PercentSpace", "css/app.css", "a%20b.png", "/", "css/a b.png", true},
	{"PercentUTF8", "app.css", "caf%C3%A9.png", "/", "café.png", true},
	{"Backslash", "css/app.css", `..\img\a.png`, "/", "img/a.png", true},

	{"EscapesRoot", "css/app.css", "../../a.png", "/", "", false},
	{"EscapesRootFromTop", "app.css", "../a.png", "/", "", false},
	{"EscapesEncoded", "app.css", "%2e%2e/a.png", "/", "", false},
	{"AbsoluteOutsidePrefix", "css/app.css", "/media/a.png", "/static/", "", false},
	{"AbsolutePrefixWithoutSlash", "css/app.css", "/static", "/static/", "", false},
	{"AbsoluteEscapesPrefix", "css/app.css", "/static/../secret", "/static/", "", false},
	{"BadPercent", "app.css", "a%zz.png", "/", "", false},
	{"Directory", "css/app.css", "img/", "/", "", false},
	{"DotOnly", "css/app.css", ".", "/", "", false},
	{"DirectoryDotDot", "css/app.css", "img/..", "/", "", false},
	{"Empty", "css/app.css", "", "/", "", false},
	{"PrefixItself", "app.css", "/static/", "/static/", "", false},
}

func TestResolve(t *testing.T) {
	for _, tt := range resolveTests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Resolve(tt.from, tt.ref, tt.prefix)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Resolve(%q, %q, %q) = %q, %v; want %q, %v", tt.from, tt.ref, tt.prefix, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzResolve(f *testing.F) {
	for _, tt := range resolveTests {
		f.Add(tt.from, tt.ref, tt.prefix)
	}
	f.Fuzz(func(t *testing.T, from, ref, prefix string) {
		got, ok := Resolve(from, ref, prefix)
		if !ok {
			if got != "" {
				t.Fatalf("Resolve(%q, %q, %q) = %q, false", from, ref, prefix, got)
			}
			return
		}
		// A resolved path stays under the root, cleaned.
		if got == "" || got == "." || got == ".." || strings.HasPrefix(got, "../") || strings.HasPrefix(got, "/") || path.Clean(got) != got {
			t.Fatalf("Resolve(%q, %q, %q) = %q, not a clean path under the root", from, ref, prefix, got)
		}
	})
}

var relativeTests = []struct {
	name, from, to, want string
}{
	{"SameDir", "css/app.abc.css", "css/x.def.png", "x.def.png"},
	{"Parent", "css/app.abc.css", "fonts/x.def.woff2", "../fonts/x.def.woff2"},
	{"RootToSub", "app.css", "img/a.png", "img/a.png"},
	{"SubToRoot", "css/app.css", "a.png", "../a.png"},
	{"Deep", "a/b/c/d.css", "a/x/y.png", "../../x/y.png"},
	{"SharedPrefixName", "ab/c.css", "a/b.png", "../a/b.png"},
	{"DirNamedLikeFile", "img/app.css", "img/img/a.png", "img/a.png"},
	{"Self", "css/app.css", "css/app.css", "app.css"},
	{"Space", "app.css", "img/a b.png", "img/a%20b.png"},
	{"Specials", "app.css", "a'(\")*%?#.png", "a%27%28%22%29%2A%25%3F%23.png"},
	{"Colon", "app.css", "a:b.png", "a%3Ab.png"},
	{"SubDelims", "app.css", "a-b_c~d!e$f&g+h,i;j=k@l.png", "a-b_c~d!e$f&g+h,i;j=k@l.png"},
	{"UTF8", "app.css", "café.png", "caf%C3%A9.png"},
	{"Backslash", "app.css", `a\b.png`, "a%5Cb.png"},
}

func TestRelative(t *testing.T) {
	for _, tt := range relativeTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Relative(tt.from, tt.to); got != tt.want {
				t.Errorf("Relative(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// FuzzRelative checks the round trip: resolving the relative URL from the
// referencing file gives back the target.
func FuzzRelative(f *testing.F) {
	for _, tt := range relativeTests {
		f.Add(tt.from, tt.to)
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		if !isLogical(from) || !isLogical(to) {
			return
		}
		rel := Relative(from, to)
		_, _, local := Classify(CSS, KindURL, rel)
		got, ok := Resolve(from, rel, "/")
		if !local || !ok || got != to {
			t.Fatalf("Relative(%q, %q) = %q, which resolves to %q, %v (local %v)", from, to, rel, got, ok, local)
		}
	})
}

// isLogical reports whether p is a logical path: clean, relative, and with
// no empty, "." or ".." segment.
func isLogical(p string) bool {
	if p == "" || path.Clean(p) != p || strings.HasPrefix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
