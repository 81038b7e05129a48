package rewrite

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// benchSize is the size of the generated benchmark files: about a large
// framework bundle.
const benchSize = 1 << 20

// benchCSS returns about benchSize bytes of style sheet: rules with
// comments, font faces, backgrounds, image-set, data URIs and strings, as
// in a framework's compiled CSS.
func benchCSS() []byte {
	var b strings.Builder
	b.WriteString("@charset \"utf-8\";\n@import url(\"base.css\") screen;\n")
	for i := 0; b.Len() < benchSize; i++ {
		fmt.Fprintf(&b, `/* Component %[1]d: see url(docs/%[1]d.png) */
@font-face{font-family:"F%[1]d";src:url(../fonts/f%[1]d.eot?#iefix) format("embedded-opentype"),url('../fonts/f%[1]d.woff2') format("woff2")}
.c%[1]d{display:flex;margin:0 auto;padding:.5rem 1rem;color:#333;background:url(../img/bg%[1]d.png) no-repeat center/cover}
.c%[1]d:hover,.c%[1]d:focus-visible{background-image:image-set("../img/bg%[1]d.avif" type("image/avif") 1x,url(../img/bg%[1]d@2x.png) 2x)}
.c%[1]d::before{content:"\201C";mask:url(data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=)}
@media (min-width:768px){.c%[1]d{padding:1rem 2rem;font:600 1rem/1.5 var(--font,system-ui)}}
`, i)
	}
	b.WriteString("/*# sourceMappingURL=app.css.map */\n")
	return []byte(b.String())
}

// benchJS returns about benchSize bytes of ES module: imports, functions
// with regexps, divisions, templates, comments and dynamic imports, as in
// an application bundle.
func benchJS() []byte {
	var b strings.Builder
	for i := 0; b.Len() < benchSize; i++ {
		fmt.Fprintf(&b, `import { h as h%[1]d, render as r%[1]d } from "./vendor/preact%[1]d.mjs";
// Module %[1]d: import("./commented.js") is only a comment.
export function f%[1]d(items, total) {
  const re = /^(?:import|export)\s+["'](.*?)["']$/gm;
  const ratio = total / items.length / 2;
  const label = `+"`"+`item ${items.length} of ${total}: ${ratio.toFixed(2)}`+"`"+`;
  if (!re.test(label)) { return { label, ratio, url: new URL("../img/icon%[1]d.svg", import.meta.url).href }; }
  return import("./lazy/page%[1]d.js").then((m) => m.default(items.map((x) => x * 2)));
}
`, i)
	}
	b.WriteString("//# sourceMappingURL=app.js.map\n")
	return []byte(b.String())
}

func benchFind(b *testing.B, lang Lang, src []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, _, err := Find(lang, src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindCSS(b *testing.B) { benchFind(b, CSS, benchCSS()) }
func BenchmarkFindJS(b *testing.B)  { benchFind(b, JS, benchJS()) }

// benchRewrite does all a file's rewriting: find, classify, resolve, a
// relative URL per reference, apply.
func benchRewrite(b *testing.B, lang Lang, from string, src []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		refs, _, _ := Find(lang, src)
		repl := make([]string, len(refs))
		for i, r := range refs {
			repl[i] = r.URL
			p, suffix, local := Classify(lang, r.Kind, r.URL)
			if !local {
				continue
			}
			if logical, ok := Resolve(from, p, "/static/"); ok {
				repl[i] = Relative(from, logical) + suffix
			}
		}
		Apply(src, refs, repl)
	}
}

func BenchmarkRewriteCSS(b *testing.B) { benchRewrite(b, CSS, "css/app.css", benchCSS()) }
func BenchmarkRewriteJS(b *testing.B)  { benchRewrite(b, JS, "js/app.js", benchJS()) }

// BenchmarkSHA256 hashes the same bytes, the work the pipeline does on
// every file anyway, for scale.
func BenchmarkSHA256(b *testing.B) {
	src := benchJS()
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		sha256.Sum256(src)
	}
}
