package gen_test

import (
	"context"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/runtime"
)

// pageTree is a page's assets with no bundler: main.js imports a prefix-
// mapped module, a vendored npm package by its bare name and a relative
// module; the style sheet @imports another, which declares the body font.
var pageTree = map[string]string{
	"importmap.json": `{"imports": {"app/": "js/app/"}, "packages": ["vendor/tiny"]}`,
	"static/js/main.js": `import { a } from "app/a.js";
import { tiny } from "tiny";
import { local } from "./local.js";
const later = () => import("./lazy.js");
document.getElementById("status").textContent = ["ok", a, tiny, local].join(" ");
`,
	"static/js/local.js":              `export const local = "local";`,
	"static/js/lazy.js":               `export const lazy = "lazy";`,
	"static/js/app/a.js":              `import { b } from "./b.js"; export const a = "a" + b;`,
	"static/js/app/b.js":              `export const b = "b";`,
	"static/vendor/tiny/package.json": `{"name": "tiny", "exports": {".": {"require": "./tiny.cjs", "import": "./src/tiny.js"}}}`,
	"static/vendor/tiny/src/tiny.js":  `export const tiny = "tiny";`,
	"static/css/app.css":              `@import "theme.css"; body { font-family: Body, sans-serif; }`,
	"static/css/theme.css":            `@font-face { font-family: Body; src: url(../fonts/body.woff2) format("woff2"); } h1 { color: rgb(1, 2, 3); }`,
	"static/img/unused.svg":           `<svg xmlns="http://www.w3.org/2000/svg"/>`,
}

// pagePackage generates pageTree with -importmap and -preload, and returns
// the package as a binary built from it would serve it.
func pagePackage(t *testing.T, edit map[string]string) *assetpkg.Package {
	t.Helper()
	dir := t.TempDir()
	tree := map[string]string{}
	for k, v := range pageTree {
		tree[k] = v
	}
	for k, v := range edit {
		tree[k] = v
	}
	testenv.WriteTree(t, dir, tree)
	font, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "example/static/fonts/inter-latin-400-normal.woff2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "static/fonts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "static/fonts/body.woff2"), font, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if _, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{"static"}, NoCompress: true}, Package: "assets", ImportMap: "importmap.json", Preload: []string{"fonts/*.woff2"}}); err != nil {
		t.Fatal(err)
	}
	pkg, err := assetpkg.Load(".")
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

const pageHTML = `<!doctype html>
<html><head><meta charset="utf-8">
{{importmap "js/main.js"}}
{{if .Hints}}{{preload "js/main.js" "css/app.css"}}{{end}}
<link rel="stylesheet" href="{{static "css/app.css"}}" integrity="{{integrity "css/app.css"}}">
<link rel="icon" href="data:,">
<script type="module" src="{{static "js/main.js"}}" integrity="{{integrity "js/main.js"}}"></script>
</head><body><h1>Page</h1><p id="status">not run</p></body></html>`

// servePage serves the page at / and the assets under /static/, and
// records the asset paths the server was asked for.
func servePage(t *testing.T, set *runtime.Set, hints bool, tamper string) (*httptest.Server, func() []string) {
	t.Helper()
	page := template.Must(template.New("page").Funcs(set.FuncMap()).Parse(pageHTML))
	var mu sync.Mutex
	var fetched []string
	assets := set.Handler()
	mux := http.NewServeMux()
	mux.Handle("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fetched = append(fetched, r.URL.Path)
		mu.Unlock()
		if tamper != "" && r.URL.Path == tamper {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write([]byte(`export const local = "tampered";`))
			return
		}
		assets.ServeHTTP(w, r)
	}))
	mux.Handle("/{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, struct{ Hints bool }{hints}); err != nil {
			t.Error(err)
		}
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(fetched)
		slices.Sort(out)
		return slices.Compact(out)
	}
}

// TestPageLoadBrowser loads a page that uses the import map in Chromium:
// the modules run with no bundler, each fetched by its hashed URL; what
// the browser fetched is exactly the preload set of the page's entries;
// and a module whose bytes differ from the import map's integrity is
// refused.
func TestPageLoadBrowser(t *testing.T) {
	pkg := pagePackage(t, nil)
	set := pkg.Set()
	ctx, stop := testenv.Chromium(t, 30*time.Second)
	defer stop()

	main, _ := set.Lookup("js/main.js")
	css, _ := set.Lookup("css/app.css")
	var want []string
	for _, a := range set.Preload(main, css) {
		want = append(want, a.URL())
	}
	slices.Sort(want)

	t.Run("ImportMap", func(t *testing.T) {
		srv, fetched := servePage(t, set, false, "")
		// What the browser says it fetched, from DevTools' network log.
		var mu sync.Mutex
		var logged []string
		chromedp.ListenTarget(ctx, func(ev any) {
			if e, ok := ev.(*network.EventRequestWillBeSent); ok && strings.HasPrefix(e.Request.URL, srv.URL+"/static/") {
				mu.Lock()
				logged = append(logged, strings.TrimPrefix(e.Request.URL, srv.URL))
				mu.Unlock()
			}
		})
		if err := chromedp.Run(ctx, network.Enable()); err != nil {
			t.Fatal(err)
		}
		status, fontReady := load(t, ctx, srv.URL)
		if status != "ok ab tiny local" {
			t.Errorf("#status = %q, want %q: the modules did not run", status, "ok ab tiny local")
		}
		if !fontReady {
			t.Error("the body font did not load")
		}
		if diff := cmp.Diff(want, fetched()); diff != "" {
			t.Errorf("Preload(js/main.js, css/app.css) against what the server was asked for (-preload +fetched):\n%s", diff)
		}
		mu.Lock()
		slices.Sort(logged)
		logged = slices.Compact(logged)
		if diff := cmp.Diff(want, logged); diff != "" {
			t.Errorf("Preload(js/main.js, css/app.css) against Chromium's network log (-preload +logged):\n%s", diff)
		}
		mu.Unlock()
	})
	t.Run("Hints", func(t *testing.T) {
		// With the preload elements, the same files, each once.
		srv, fetched := servePage(t, set, true, "")
		if status, _ := load(t, ctx, srv.URL); status != "ok ab tiny local" {
			t.Errorf("#status = %q with preload hints: the modules did not run", status)
		}
		if diff := cmp.Diff(want, fetched()); diff != "" {
			t.Errorf("with preload hints (-preload +fetched):\n%s", diff)
		}
	})
	t.Run("Tampered", func(t *testing.T) {
		// local.js is named by a relative import, so no script element
		// carries its integrity: only the import map's does.
		local, _ := set.Lookup("js/local.js")
		srv, fetched := servePage(t, set, false, local.URL())
		if status, _ := load(t, ctx, srv.URL); status != "not run" {
			t.Errorf("#status = %q, want %q: a module with the wrong bytes ran", status, "not run")
		}
		if !slices.Contains(fetched(), local.URL()) {
			t.Errorf("the browser never asked for %s, so its refusal proves nothing", local.URL())
		}
	})
}

// load opens url in a fresh page state and returns #status once the page
// has loaded and settled, and whether the font Body loaded.
func load(t *testing.T, ctx context.Context, url string) (status string, fontReady bool) {
	t.Helper()
	if err := chromedp.Run(ctx,
		chromedp.Navigate(url),
		chromedp.Evaluate(`new Promise(r => setTimeout(r, 200))`, nil, awaitPromise),
		chromedp.Text("#status", &status, chromedp.ByQuery),
		chromedp.Evaluate(`document.fonts.ready.then(() => [...document.fonts].some(f => f.family === "Body" && f.status === "loaded"))`, &fontReady, awaitPromise),
	); err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	return status, fontReady
}

func awaitPromise(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
	return p.WithAwaitPromise(true)
}
