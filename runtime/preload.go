package runtime

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

// Import is one entry of the package's import map: a bare module specifier
// ("lodash-es", "app/util.js") that modules of the package import, and the
// index in the table of the module it stands for. assetgen writes one entry
// per specifier that some module imports, resolved at generate time, so a
// specifier with no target fails go generate rather than the browser.
type Import struct {
	Specifier string
	File      int
}

// Preload returns the assets a page that loads entries will fetch before it
// can render: each entry, then, breadth first, the static imports of each
// module, the @import rules of each style sheet and the fonts a style sheet
// names that were declared critical at generate time (assetgen -preload).
// Dynamic import() and new URL() targets are left out: the page may never
// fetch them. Each asset appears once, in a deterministic order.
//
// Entries of other Sets are followed in their own Set. In development mode
// the graph is the one of the last go generate.
func (s *Set) Preload(entries ...Asset) []Asset {
	return closure(entries, func(f *File) [][]int { return [][]int{f.Preload} })
}

// closure walks the graph from entries along the edges next names.
func closure(entries []Asset, next func(*File) [][]int) []Asset {
	type key struct {
		s *Set
		i int32
	}
	seen := map[key]bool{}
	var out []Asset
	add := func(a Asset) {
		if a.s == nil || seen[key{a.s, a.i}] {
			return
		}
		seen[key{a.s, a.i}] = true
		out = append(out, a)
	}
	for _, a := range entries {
		add(a)
	}
	for k := 0; k < len(out); k++ {
		a := out[k]
		if int(a.i) >= len(a.s.files) {
			continue // a file added in development mode: no graph
		}
		for _, edges := range next(&a.s.files[a.i]) {
			for _, j := range edges {
				add(Asset{a.s, int32(j)})
			}
		}
	}
	return out
}

// Link returns the value of a Link header field (RFC 8288) that tells the
// browser to fetch a early, for a 103 Early Hints response or the final one:
//
//	</static/css/base.1a2b3c4d5e6f.css>; rel=preload; as=style
//
// A module is hinted as rel=modulepreload, the only hint whose fetch the
// module load reuses (Chromium fetches a module twice after a
// rel=preload; as=script). A modulepreload in a header, though, starts a
// module graph fetch before the page's import map is parsed, which makes
// the browser ignore the import map (whatwg/html#7854, #9274), so
// EarlyHints leaves out the modules of a Set that has an import map: such
// a page hints them with PreloadHTML, after the map.
func (a Asset) Link() string {
	as, cors := a.destination()
	if as == "script" && cors {
		return "<" + a.URL() + ">; rel=modulepreload"
	}
	v := "<" + a.URL() + ">; rel=preload; as=" + as
	if cors {
		v += "; crossorigin"
	}
	if as == "font" {
		v += "; type=" + a.mediaType()
	}
	return v
}

// headerSafe reports whether a may be hinted in a header: anything but a
// module of a Set with an import map (see Link).
func (a Asset) headerSafe() bool {
	return !a.isModule() || len(a.s.imports) == 0
}

// destination returns the request destination the browser fetches the
// asset for (the "as" of a preload), and whether it fetches it in CORS mode,
// which a preload must match for the browser to use it: modules and fonts
// are always fetched with CORS, classic scripts, style sheets and images
// without.
func (a Asset) destination() (as string, cors bool) {
	mt := a.mediaType()
	switch {
	case mt == "text/css":
		return "style", false
	case a.isModule():
		return "script", true
	case mt == "text/javascript" || mt == "application/javascript":
		return "script", false
	case strings.HasPrefix(mt, "font/"):
		return "font", true
	case strings.HasPrefix(mt, "image/"):
		return "image", false
	}
	return "fetch", true
}

// mediaType is the content type without parameters.
func (a Asset) mediaType() string {
	mt, _, _ := strings.Cut(a.ContentType(), ";")
	return strings.TrimSpace(mt)
}

// isModule reports whether the asset is a JavaScript module, which the
// generator decides from its syntax (import or export) and from being the
// target of an import.
func (a Asset) isModule() bool {
	return int(a.i) < len(a.s.files) && a.s.files[a.i].Module
}

// PreloadHTML returns link elements that preload assets, for a page's head
// after its import map: rel=modulepreload for modules, which fetches and
// parses them, with the module's integrity (the import map's would apply
// anyway), and rel=preload with the right destination for the rest. A
// rel=preload carries no integrity: the browser uses a preloaded response
// only for a request with the same integrity metadata, and the element
// that uses a style sheet or a font may have none.
func PreloadHTML(assets []Asset) template.HTML {
	var b strings.Builder
	for _, a := range assets {
		as, cors := a.destination()
		b.WriteString(`<link rel="`)
		if as == "script" && cors {
			b.WriteString(`modulepreload`)
		} else {
			b.WriteString(`preload" as="` + as)
			if as == "font" {
				b.WriteString(`" type="` + template.HTMLEscapeString(a.mediaType()))
			}
		}
		b.WriteString(`" href="` + template.HTMLEscapeString(a.URL()) + `"`)
		if as == "script" && cors {
			b.WriteString(` integrity="` + a.Integrity() + `"`)
		}
		if cors {
			b.WriteString(` crossorigin`)
		}
		b.WriteString(">\n")
	}
	return template.HTML(b.String())
}

// ImportMap returns the JSON text of an import map for the modules that
// entries can reach through static and dynamic imports (all of the package's
// modules when entries is empty): "imports" maps each bare specifier those
// modules use to its fingerprinted URL, and "integrity" maps the URL of
// each of those modules to its Subresource Integrity string, so that the
// browser checks every module, not only those a script element names.
// It goes in a script element of type importmap before any module script;
// the template function importmap writes that whole element:
//
//	{{importmap "js/app.js"}}
//
// The JSON escapes <, > and &, so it is safe inside a script element. Its
// keys are sorted, so the text is the same for the same package and prefix.
func (s *Set) ImportMap(entries ...Asset) []byte {
	reach := closure(entries, func(f *File) [][]int { return [][]int{f.Preload, f.Lazy} })
	if len(entries) == 0 {
		reach = nil
		for i := range s.files {
			reach = append(reach, Asset{s, int32(i)})
		}
	}
	in := map[Asset]bool{}
	m := struct {
		Imports   map[string]string `json:"imports"`
		Integrity map[string]string `json:"integrity,omitempty"`
	}{Imports: map[string]string{}, Integrity: map[string]string{}}
	for _, a := range reach {
		in[a] = true
		if a.isModule() {
			m.Integrity[a.URL()] = a.Integrity()
		}
	}
	for _, imp := range s.imports {
		a := Asset{s, int32(imp.File)}
		if len(entries) == 0 || in[a] {
			m.Imports[imp.Specifier] = a.URL()
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return b
}

// EarlyHints returns a handler that first answers a GET or HEAD request
// with 103 Early Hints (RFC 8297) whose Link fields preload assets (all
// but the modules of a Set with an import map; see Link), then runs h. The browser fetches the assets while h is still building the page.
// The same Link fields stay in the header map, so the final response
// carries them too, for clients that ignore 1xx responses; h may add or
// remove headers as usual. Pass the result of Preload:
//
//	page := runtime.EarlyHints(pageHandler, assets.Set().Preload(assets.JSAppJS.Asset(), assets.CSSBaseCSS.Asset())...)
//
// The Link values are made per request, so a prefix set later by SetPrefix
// is used. Browsers act on Early Hints only over HTTP/2 and later; over
// HTTP/1.1 the 103 costs a few bytes and the final Link fields still work.
func EarlyHints(h http.Handler, assets ...Asset) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.ProtoAtLeast(1, 1) {
			n := 0
			for _, a := range assets {
				if a.headerSafe() {
					w.Header().Add("Link", a.Link())
					n++
				}
			}
			if n > 0 {
				w.WriteHeader(http.StatusEarlyHints)
			}
		}
		h.ServeHTTP(w, r)
	})
}
