package minify

import (
	"slices"
	"testing"

	"github.com/assetgen/assetgen/gen/internal/rewrite"
	"github.com/google/go-cmp/cmp"
)

var minifyTests = []struct {
	name      string
	mediaType string
	src       string
	want      string
	changed   bool
}{
	{"Plain", "text/plain; charset=utf-8", "  keep  me  ", "  keep  me  ", false},
	{"HTML", "text/html", "<p>  x  </p>", "<p>  x  </p>", false},
	{"PNG", "image/png", "\x89PNG", "\x89PNG", false},
	{"BadMediaType", "text/css;;=", "a { color : red }", "a { color : red }", false},
	{"Empty", "", "a { color : red }", "a { color : red }", false},

	{"CSS", "text/css; charset=utf-8", "a {\n  color : #ff0000;\n}\n", "a{color:red}", true},
	{"CSSURLs", "text/css",
		"@import url(\"base.css\") screen;\n/* c */\n.a { background : url( ../img/a.png ) ; mask: url('x y.svg#m') }\n@font-face { src: url(f.eot?#iefix) format(\"embedded-opentype\") }\n.b { background: image-set(\"b.png\" 1x, url(b2.png) 2x) }\n",
		"@import url(\"base.css\") screen;.a{background:url(../img/a.png);mask:url('x y.svg#m')}@font-face{src:url(f.eot?#iefix)format(\"embedded-opentype\")}.b{background:image-set(\"b.png\" 1x,url(b2.png) 2x)}", true},
	{"CSSSourceMap", "text/css", "a { color: red }\n/*# sourceMappingURL=app.css.map */\n",
		"a{color:red}\n/*# sourceMappingURL=app.css.map */", true},
	{"CSSDirective", "text/css", "/* assetgen:allow-missing /api/* */\na { b: url(/api/x.png) }",
		"a{b:url(/api/x.png)}\n/* assetgen:allow-missing /api/* */", true},
	{"JS", "text/javascript", "function add ( a , b ) {\n  return a + b ;\n}\n", "function add(n,d){return n+d}\n", true},
	{"JSModule", "text/javascript", "import { helper } from \"./util.js\";\nimport React from 'react';\nexport * from \"../lib/lib.mjs\";\nconst worker = new URL( \"./worker.js\" , import.meta.url );\nimport( \"./lazy.js\" );\nconsole.log( helper , React , worker );\n//# sourceMappingURL=main.js.map\n",
		"import{helper as o}from\"./util.js\";import r from\"react\";export*from\"../lib/lib.mjs\";const e=new URL(\"./worker.js\",import.meta.url);import(\"./lazy.js\"),console.log(o,r,e);\n\n//# sourceMappingURL=main.js.map", true},
	{"JSLicense", "application/javascript", "/*! keep me, MIT */\nvar  x = 1 ;\n", "var x=1;\n/*! keep me, MIT */\n", true},
	{"SVG", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" >\n  <!-- c -->\n  <rect width=\"10\" height=\"10\" />\n</svg>\n",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"10\" height=\"10\"/></svg>", true},
	{"JSON", "application/json", "{\n  \"a\" : [ 1 , 2 ]\n}\n", "{\"a\":[1,2]}", true},
	{"Manifest", "application/manifest+json", "{ \"icons\" : [ { \"src\" : \"icon.png\" } ] }", "{\"icons\":[{\"src\":\"icon.png\"}]}", true},
}

func TestMinify(t *testing.T) {
	for _, tt := range minifyTests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed, err := Minify(tt.mediaType, []byte(tt.src))
			if err != nil {
				t.Fatalf("Minify: %v", err)
			}
			if string(got) != tt.want || changed != tt.changed {
				t.Errorf("Minify(%q) = %v,\n%s\nwant %v,\n%s", tt.mediaType, changed, got, tt.changed, tt.want)
			}
			checkRefsKept(t, tt.mediaType, []byte(tt.src), got)
		})
	}
}

func TestMinifyError(t *testing.T) {
	src := []byte(`{"a": [1, }`)
	got, changed, err := Minify("application/json", src)
	if err == nil || changed || string(got) != string(src) {
		t.Errorf("Minify(invalid JSON) = %q, %v, %v; want the source, false and an error", got, changed, err)
	}
	src = []byte("let x = ;\n")
	got, changed, err = Minify("text/javascript", src)
	if want := "minify text/javascript: 1:9: Unexpected \";\""; err == nil || err.Error() != want || changed || string(got) != string(src) {
		t.Errorf("Minify(invalid JS) = %q, %v, %v; want the source, false and %s", got, changed, err, want)
	}
}

// checkRefsKept checks that rewrite.Find reads the same URLs, kinds and
// directives before and after minification.
func checkRefsKept(t *testing.T, mediaType string, src, out []byte) {
	t.Helper()
	lang := rewrite.Lang(0)
	switch mediaType {
	case "text/css", "text/css; charset=utf-8":
		lang = rewrite.CSS
	case "text/javascript", "application/javascript":
		lang = rewrite.JS
	default:
		return
	}
	refs := func(b []byte) ([]string, []string) {
		rs, allow, _ := rewrite.Find(lang, b)
		var urls []string
		for _, r := range rs {
			urls = append(urls, string(r.Kind)+" "+r.URL)
		}
		slices.Sort(urls)
		return urls, allow
	}
	before, allowBefore := refs(src)
	after, allowAfter := refs(out)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("references before and after (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(allowBefore, allowAfter); diff != "" {
		t.Errorf("allow-missing before and after (-before +after):\n%s", diff)
	}
}

func FuzzMinify(f *testing.F) {
	for _, tt := range minifyTests {
		f.Add(tt.mediaType, []byte(tt.src))
	}
	f.Fuzz(func(t *testing.T, mediaType string, src []byte) {
		orig := slices.Clone(src)
		out, changed, err := Minify(mediaType, src)
		if !slices.Equal(src, orig) {
			t.Fatalf("Minify modified its input")
		}
		if (err != nil || !changed) && !slices.Equal(out, src) {
			t.Fatalf("Minify returned new bytes with changed=%v, err=%v", changed, err)
		}
	})
}
