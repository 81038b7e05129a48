package rewrite

import (
	"testing"
)

var applyTests = []struct {
	name string
	lang Lang
	src  string
	repl []string // one per ref Find returns
	want string
}{
	{"NoRefs", CSS, "a{color:red}/* url(x) */", nil, "a{color:red}/* url(x) */"},
	{"Empty", JS, "", nil, ""},
	{"Unquoted", CSS, "a{b:url( a.png )}", []string{"a.1234.png"}, "a{b:url( a.1234.png )}"},
	{"UnquotedNeedsQuotes", CSS, "a{b:url(a.png)}", []string{"a b(1).png"}, `a{b:url("a b(1).png")}`},
	{"UnquotedQuote", CSS, "a{b:url(a.png)}", []string{`a"b'.png`}, `a{b:url("a\"b'.png")}`},
	{"UnquotedBackslash", CSS, "a{b:url(a.png)}", []string{`a\b.png`}, `a{b:url("a\\b.png")}`},
	{"UnquotedNewline", CSS, "a{b:url(a.png)}", []string{"a\nb.png"}, `a{b:url("a\a b.png")}`},
	{"UnquotedEmpty", CSS, "a{b:url(a.png)}", []string{""}, `a{b:url("")}`},
	{"TemplateLiteral", JS, "import(`./a.js`)", []string{"./b${x}`.js"}, "import(`./b\\${x}\\`.js`)"},
	{"DoubleQuoted", CSS, `a{b:url("a.png")}`, []string{`x"y'.png`}, `a{b:url("x\"y'.png")}`},
	{"SingleQuoted", CSS, `a{b:url('a.png')}`, []string{`x"y'.png`}, `a{b:url('x"y\'.png')}`},
	{"EscapedKeptWhenUnchanged", CSS, `a{b:url(a\2e png)}`, []string{"a.png"}, `a{b:url(a\2e png)}`},
	{"EscapedRewritten", CSS, `a{b:url(a\2e png)}`, []string{"a.1.png"}, `a{b:url(a.1.png)}`},
	{"Import", CSS, `@import "a.css";@import url(b.css) print;`, []string{"a.1.css", "b.2.css"}, `@import "a.1.css";@import url(b.2.css) print;`},
	{"ImageSet", CSS, `a{b:image-set("a.png" 1x,'b.png' 2x)}`, []string{"a.1.png", "b.2.png"}, `a{b:image-set("a.1.png" 1x,'b.2.png' 2x)}`},
	{"CSSSourceMap", CSS, "/*# sourceMappingURL=a.css.map */", []string{"a b*/.map"}, "/*# sourceMappingURL=a%20b%2A/.map */"},
	{"JSSourceMap", JS, "//# sourceMappingURL=a.js.map", []string{"a\nb.map"}, "//# sourceMappingURL=a%0Ab.map"},
	{"JSDouble", JS, `import "./a.js"`, []string{`./a"\b.js`}, `import "./a\"\\b.js"`},
	{"JSSingle", JS, `import './a.js'`, []string{"./a'\r\n\u2028\x01.js"}, `import './a\'\r\n\u2028\x01.js'`},
	{"JSUnicodeKept", JS, `import "./a.js"`, []string{"./é.js"}, `import "./é.js"`},
	{"ModuleSpecifierStaysRelative", JS, `import "./a.js";export * from "./b.js";import("./c.js");new URL("./d.png",import.meta.url)`,
		[]string{"a.1.js", "../b.2.js", "/c.3.js", "d.4.png"},
		`import "./a.1.js";export * from "../b.2.js";import("/c.3.js");new URL("d.4.png",import.meta.url)`},
	{"Several", JS, "import a from './a.js'\nexport * from './b.js'\nimport('./c.js')",
		[]string{"./a.1.js", "./b.2.js", "./c.3.js"},
		"import a from './a.1.js'\nexport * from './b.2.js'\nimport('./c.3.js')"},
}

func TestApply(t *testing.T) {
	for _, tt := range applyTests {
		t.Run(tt.name, func(t *testing.T) {
			refs, _, _ := Find(tt.lang, []byte(tt.src))
			if len(refs) != len(tt.repl) {
				t.Fatalf("Find found %d refs, the test has %d replacements", len(refs), len(tt.repl))
			}
			if got := string(Apply([]byte(tt.src), refs, tt.repl)); got != tt.want {
				t.Errorf("Apply:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestApplyInvalid(t *testing.T) {
	src := []byte("abcdef")
	tests := []struct {
		name string
		refs []Ref
		repl []string
	}{
		{"LengthMismatch", []Ref{{Start: 0, End: 1}}, nil},
		{"Unsorted", []Ref{{Start: 3, End: 4}, {Start: 0, End: 1}}, []string{"x", "y"}},
		{"Overlap", []Ref{{Start: 0, End: 3}, {Start: 2, End: 4}}, []string{"x", "y"}},
		{"OutOfBounds", []Ref{{Start: 4, End: 9}}, []string{"x"}},
		{"Negative", []Ref{{Start: -1, End: 2}}, []string{"x"}},
		{"Reversed", []Ref{{Start: 3, End: 2}}, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Apply(src, tt.refs, tt.repl)); got != string(src) {
				t.Errorf("Apply = %q, want the source unchanged", got)
			}
		})
	}
}
