package runtime

import (
	"bytes"
	htmltemplate "html/template"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// graphSet is a package with a module graph: app.js imports util.js
// statically and lazy.js dynamically; util.js imports the bare "dep",
// mapped to vendor/dep.js; base.css imports theme.css, which names the
// critical font.
func graphSet(t *testing.T) *Set {
	t.Helper()
	fsys := fstest.MapFS{}
	files := []File{
		{Path: "css/base.css", HashedPath: "css/base.aaaaaaaaaaaa.css", ContentType: "text/css; charset=utf-8", Integrity: "sha256-YmFzZQ==", Preload: []int{1}},
		{Path: "css/theme.css", HashedPath: "css/theme.bbbbbbbbbbbb.css", ContentType: "text/css; charset=utf-8", Integrity: "sha256-dGhlbWU=", Preload: []int{2}},
		{Path: "fonts/a.woff2", HashedPath: "fonts/a.cccccccccccc.woff2", ContentType: "font/woff2", Integrity: "sha256-Zm9udA=="},
		{Path: "js/app.js", HashedPath: "js/app.dddddddddddd.js", ContentType: "text/javascript; charset=utf-8", Integrity: "sha256-YXBw", Module: true, Preload: []int{5}, Lazy: []int{4}},
		{Path: "js/lazy.js", HashedPath: "js/lazy.eeeeeeeeeeee.js", ContentType: "text/javascript; charset=utf-8", Integrity: "sha256-bGF6eQ==", Module: true},
		{Path: "js/util.js", HashedPath: "js/util.ffffffffffff.js", ContentType: "text/javascript; charset=utf-8", Integrity: "sha256-dXRpbA==", Module: true, Preload: []int{6}},
		{Path: "vendor/dep.js", HashedPath: "vendor/dep.111111111111.js", ContentType: "text/javascript; charset=utf-8", Integrity: "sha256-ZGVw", Module: true},
		{Path: "x.js", HashedPath: "x.222222222222.js", ContentType: "text/javascript; charset=utf-8", Integrity: "sha256-eA=="},
	}
	for _, f := range files {
		fsys[f.Path] = &fstest.MapFile{}
	}
	for i := range files {
		files[i].Name = files[i].Path
	}
	return New(fsys, "/static/", files, Import{Specifier: "dep", File: 6})
}

func paths(as []Asset) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Path())
	}
	return out
}

func TestPreload(t *testing.T) {
	s := graphSet(t)
	get := func(p string) Asset { a, _ := s.Lookup(p); return a }
	tests := []struct {
		name    string
		entries []string
		want    []string
	}{
		{"None", nil, nil},
		{"Module", []string{"js/app.js"}, []string{"js/app.js", "js/util.js", "vendor/dep.js"}},
		{"Style", []string{"css/base.css"}, []string{"css/base.css", "css/theme.css", "fonts/a.woff2"}},
		{"Both", []string{"css/base.css", "js/app.js"}, []string{"css/base.css", "js/app.js", "css/theme.css", "js/util.js", "fonts/a.woff2", "vendor/dep.js"}},
		{"Repeated", []string{"js/util.js", "js/app.js", "js/util.js"}, []string{"js/util.js", "js/app.js", "vendor/dep.js"}},
		{"Leaf", []string{"x.js"}, []string{"x.js"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var entries []Asset
			for _, p := range tt.entries {
				entries = append(entries, get(p))
			}
			if diff := cmp.Diff(tt.want, paths(s.Preload(entries...))); diff != "" {
				t.Errorf("Preload(%q) (-want +got):\n%s", tt.entries, diff)
			}
		})
	}
}

func TestLink(t *testing.T) {
	s := graphSet(t)
	want := map[string]string{
		"css/base.css":  "</static/css/base.aaaaaaaaaaaa.css>; rel=preload; as=style",
		"fonts/a.woff2": "</static/fonts/a.cccccccccccc.woff2>; rel=preload; as=font; crossorigin; type=font/woff2",
		"js/app.js":     "</static/js/app.dddddddddddd.js>; rel=modulepreload",
		"x.js":          "</static/x.222222222222.js>; rel=preload; as=script",
	}
	for p, w := range want {
		a, _ := s.Lookup(p)
		if got := a.Link(); got != w {
			t.Errorf("%s: Link() = %q, want %q", p, got, w)
		}
	}
	if err := s.SetPrefix("https://cdn.example.com/s/"); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Lookup("css/base.css")
	if got, w := a.Link(), "<https://cdn.example.com/s/css/base.aaaaaaaaaaaa.css>; rel=preload; as=style"; got != w {
		t.Errorf("with a CDN prefix: Link() = %q, want %q", got, w)
	}
}

func TestImportMap(t *testing.T) {
	s := graphSet(t)
	app, _ := s.Lookup("js/app.js")
	tests := []struct {
		name    string
		entries []Asset
		want    string
	}{
		{"All", nil, `{"imports":{"dep":"/static/vendor/dep.111111111111.js"},"integrity":{"/static/js/app.dddddddddddd.js":"sha256-YXBw","/static/js/lazy.eeeeeeeeeeee.js":"sha256-bGF6eQ==","/static/js/util.ffffffffffff.js":"sha256-dXRpbA==","/static/vendor/dep.111111111111.js":"sha256-ZGVw"}}`},
		{"Entry", []Asset{app}, `{"imports":{"dep":"/static/vendor/dep.111111111111.js"},"integrity":{"/static/js/app.dddddddddddd.js":"sha256-YXBw","/static/js/lazy.eeeeeeeeeeee.js":"sha256-bGF6eQ==","/static/js/util.ffffffffffff.js":"sha256-dXRpbA==","/static/vendor/dep.111111111111.js":"sha256-ZGVw"}}`},
	}
	x, _ := s.Lookup("x.js")
	tests = append(tests, struct {
		name    string
		entries []Asset
		want    string
	}{"NoModules", []Asset{x}, `{"imports":{}}`})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, string(s.ImportMap(tt.entries...))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPreloadTemplate(t *testing.T) {
	s := graphSet(t)
	tmpl := htmltemplate.Must(htmltemplate.New("p").Funcs(s.FuncMap()).Parse(`{{importmap "js/util.js"}}
{{preload "js/app.js" "css/base.css"}}`))
	var b bytes.Buffer
	if err := tmpl.Execute(&b, nil); err != nil {
		t.Fatal(err)
	}
	want := `<script type="importmap">{"imports":{"dep":"/static/vendor/dep.111111111111.js"},"integrity":{"/static/js/util.ffffffffffff.js":"sha256-dXRpbA==","/static/vendor/dep.111111111111.js":"sha256-ZGVw"}}</script>
<link rel="modulepreload" href="/static/js/app.dddddddddddd.js" integrity="sha256-YXBw" crossorigin>
<link rel="preload" as="style" href="/static/css/base.aaaaaaaaaaaa.css">
<link rel="modulepreload" href="/static/js/util.ffffffffffff.js" integrity="sha256-dXRpbA==" crossorigin>
<link rel="preload" as="style" href="/static/css/theme.bbbbbbbbbbbb.css">
<link rel="modulepreload" href="/static/vendor/dep.111111111111.js" integrity="sha256-ZGVw" crossorigin>
<link rel="preload" as="font" type="font/woff2" href="/static/fonts/a.cccccccccccc.woff2" crossorigin>
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	err := htmltemplate.Must(htmltemplate.New("p").Funcs(s.FuncMap()).Parse(`{{preload "js/nope.js"}}`)).Execute(&b, nil)
	if err == nil {
		t.Error("preload of an unknown path: no error")
	}
}

// TestEarlyHints checks that a 103 carries the Link fields of the preload
// set, modules of a set with an import map left out, and that the final
// response keeps the page's own headers.
func TestEarlyHints(t *testing.T) {
	s := graphSet(t)
	app, _ := s.Lookup("js/app.js")
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Page", "1")
		w.Write([]byte("<!doctype html>"))
	})
	css, _ := s.Lookup("css/base.css")
	x, _ := s.Lookup("x.js")
	// The set has an import map, so its modules stay out of the headers.
	srv := httptest.NewServer(EarlyHints(page, s.Preload(app, css, x)...))
	defer srv.Close()
	wantLinks := []string{
		"</static/css/base.aaaaaaaaaaaa.css>; rel=preload; as=style",
		"</static/x.222222222222.js>; rel=preload; as=script",
		"</static/css/theme.bbbbbbbbbbbb.css>; rel=preload; as=style",
		"</static/fonts/a.cccccccccccc.woff2>; rel=preload; as=font; crossorigin; type=font/woff2",
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var early []string
		var codes []int
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			codes = append(codes, code)
			early = append(early, h["Link"]...)
			return nil
		}}
		req, _ := http.NewRequest(method, srv.URL, nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Page") != "1" || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: final response %d %v lost the page's headers", method, resp.StatusCode, resp.Header)
		}
		if method == http.MethodPost {
			if len(codes) != 0 {
				t.Errorf("POST: got 1xx responses %v, want none", codes)
			}
			continue
		}
		if diff := cmp.Diff([]int{103}, codes); diff != "" {
			t.Errorf("1xx codes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantLinks, early); diff != "" {
			t.Errorf("103 Link fields (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantLinks, resp.Header["Link"]); diff != "" {
			t.Errorf("final Link fields (-want +got):\n%s", diff)
		}
	}
}

// TestEarlyHintsModules checks that a Set without an import map hints its
// modules as modulepreload, and that nothing to hint sends no 103.
func TestEarlyHintsModules(t *testing.T) {
	s := graphSet(t)
	plain := New(s.fsys, "/static/", s.files)
	app, _ := plain.Lookup("js/app.js")
	rec := httptest.NewRecorder()
	EarlyHints(http.NotFoundHandler(), plain.Preload(app)...).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	want := []string{
		"</static/js/app.dddddddddddd.js>; rel=modulepreload",
		"</static/js/util.ffffffffffff.js>; rel=modulepreload",
		"</static/vendor/dep.111111111111.js>; rel=modulepreload",
	}
	if diff := cmp.Diff(want, rec.Header()["Link"]); diff != "" {
		t.Errorf("Link (-want +got):\n%s", diff)
	}
	withMap, _ := s.Lookup("js/app.js")
	rec = httptest.NewRecorder()
	EarlyHints(http.NotFoundHandler(), withMap).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if l := rec.Header()["Link"]; l != nil {
		t.Errorf("a module of a set with an import map was hinted: %q", l)
	}
}
