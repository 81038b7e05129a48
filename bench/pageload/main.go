// Command pageload measures the first and the repeat visit of a page in
// headless Chromium over a throttled loopback link, with the same files
// and the same page served four ways:
//
//	django      Django + WhiteNoise (CompressedManifestStaticFilesStorage)
//	            under gunicorn, the page from a Django template
//	assetgen    the generated package's handler, the page from a Go template
//	hints       the same, with the preload elements and Link headers of
//	            Set.Preload (runtime.PreloadHTML, runtime.EarlyHints)
//	hints-h2    the same over HTTP/2 and TLS, where Chromium acts on 103
//	            Early Hints (it ignores them over HTTP/1.1)
//
// Two pages: the example's (a style sheet that @imports two more, the last
// declaring a web font; a logo; a classic script) and one built on a real
// npm package tree with ES modules and an import map and no bundler (lit
// and the three packages it imports by bare specifier, fetched with npm
// pack into a temporary directory, never committed).
//
// Each measurement starts a fresh Chromium (an empty cache), sets
// DevTools' Network.emulateNetworkConditions (-rtt of latency, -down and
// -up of throughput), loads the page and waits for the load event, then
// opens a second tab in the same browser and loads the page again: the
// repeat visit. It records, from the DevTools network events, the requests
// and the bytes transferred, and from the page the load event's time and
// the largest contentful paint. Each cell is measured -runs times, the
// stacks in a rotating order, and the medians are printed as Markdown
// tables with each figure's ratio to django's.
//
// Run it from bench/ (it needs npm, Debian's chromium, python3-django,
// python3-whitenoise and gunicorn):
//
//	go run ./pageload
//	go run ./pageload -runs 7 -rtt 150ms -down 1.6e6
package main

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"flag"
	"fmt"
	"html/template"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/runtime"
)

func main() {
	runs := flag.Int("runs", 5, "measurements of each cell; the median is kept")
	rtt := flag.Duration("rtt", 150*time.Millisecond, "added latency of each request (DevTools' latency)")
	down := flag.Float64("down", 1.6e6, "download throughput in bits per second")
	up := flag.Float64("up", 750e3, "upload throughput in bits per second")
	keep := flag.Bool("keep", false, "keep the work directory")
	verbose = flag.Bool("v", false, "log each URL fetched more than once in a visit")
	flag.Parse()
	log.SetFlags(0)

	repo, err := filepath.Abs("..")
	check(err)
	work, err := os.MkdirTemp("", "assetgen-pageload-")
	check(err)
	if *keep {
		log.Printf("work directory: %s", work)
	} else {
		defer os.RemoveAll(work)
	}

	pages := []*pageDef{examplePage(repo, work), litPage(work)}
	var stacks []string
	for _, p := range pages {
		p.urls = map[string]string{}
		set := p.generate()
		p.urls["assetgen"] = serveGo(p, set, false, false)
		p.urls["hints"] = serveGo(p, set, true, false)
		p.urls["hints-h2"] = serveGo(p, set, true, true)
		stop := serveDjango(p)
		defer stop()
	}
	stacks = []string{"django", "assetgen", "hints", "hints-h2"}

	cond := network.EmulateNetworkConditions(false, float64(rtt.Milliseconds()), *down/8, *up/8)
	results := map[string][]visit{} // page/stack → per run
	for r := range *runs {
		for _, p := range pages {
			for i := range stacks {
				s := stacks[(i+r)%len(stacks)]
				v := measure(cond, p.urls[s])
				results[p.name+"/"+s] = append(results[p.name+"/"+s], v)
				log.Printf("run %d %s %s: %s", r+1, p.name, s, v)
			}
		}
	}
	fmt.Printf("Throttled: %v latency, %.1f Mbit/s down, %.2f Mbit/s up; median of %d runs; ratio to django.\n\n", *rtt, *down/1e6, *up/1e6, *runs)
	for _, p := range pages {
		fmt.Printf("### %s\n\n", p.title)
		fmt.Println("| stack | first load | LCP | requests | KB | repeat: asset requests | repeat load |")
		fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
		base := median(results[p.name+"/django"])
		for _, s := range stacks {
			m := median(results[p.name+"/"+s])
			fmt.Printf("| %s | %d ms (%.2f) | %d ms (%.2f) | %d | %.1f | %d | %d ms (%.2f) |\n", s,
				m.load.Milliseconds(), ratio(m.load, base.load),
				m.lcp.Milliseconds(), ratio(m.lcp, base.lcp),
				m.requests, float64(m.bytes)/1024,
				m.repeatAssets, m.repeatLoad.Milliseconds(), ratio(m.repeatLoad, base.repeatLoad))
		}
		fmt.Println()
	}
}

var verbose *bool

// cert is the h2 server's certificate, and certSPKI the hash by which
// Chromium is told to trust it. --ignore-certificate-errors would not do:
// Chromium does not cache what a connection with a certificate error
// brings, which would make every repeat visit a first one.
var cert, certSPKI = selfSigned()

// pageDef is a page: its asset tree and its two templates.
type pageDef struct {
	name, title string
	dirs        []string // source directories, in precedence order
	importMap   string   // file, or ""
	goPage      string   // html/template text with the generated FuncMap
	djangoPage  string   // Django template text
	out         string   // generated package directory
	urls        map[string]string
}

func (p *pageDef) generate() *runtime.Set {
	check(os.MkdirAll(p.out, 0o755))
	cfg := gen.Config{Settings: gen.Settings{Dirs: p.dirs}, OutDir: p.out, Package: "assets", Preload: []string{"fonts/*.woff2"}, ImportMap: p.importMap}
	_, err := gen.Generate(context.Background(), cfg)
	check(err)
	pkg, err := assetpkg.Load(p.out)
	check(err)
	return pkg.Set()
}

func examplePage(repo, work string) *pageDef {
	return &pageDef{
		name:  "example",
		title: "The example's page: three style sheets chained by @import, a web font, a logo, a script",
		dirs:  []string{filepath.Join(repo, "example/theme"), filepath.Join(repo, "example/static")},
		out:   filepath.Join(work, "example"),
		goPage: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>example</title>
{{if .Hints}}{{preload "css/base.css" "img/logo.svg" "js/app.js"}}{{end}}<link rel="stylesheet" href="{{static "css/base.css"}}">
</head><body><header><img src="{{static "img/logo.svg"}}" alt="logo" width="64" height="64"><h1>assetgen example</h1></header>
<p>Every asset on this page is served under a content-hashed name.</p><p id="status"></p>
<script src="{{static "js/app.js"}}"></script></body></html>
`,
		djangoPage: `{% load static %}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>example</title>
<link rel="stylesheet" href="{% static 'css/base.css' %}">
</head><body><header><img src="{% static 'img/logo.svg' %}" alt="logo" width="64" height="64"><h1>assetgen example</h1></header>
<p>Every asset on this page is served under a content-hashed name.</p><p id="status"></p>
<script src="{% static 'js/app.js' %}"></script></body></html>
`,
	}
}

// litPackages are lit and the packages it imports by bare specifier.
var litPackages = []struct{ spec, dir string }{
	{"lit@3.3.3", "lit"},
	{"lit-html@3.3.3", "lit-html"},
	{"lit-element@4.2.2", "lit-element"},
	{"@lit/reactive-element@2.1.2", "reactive-element"},
}

func litPage(work string) *pageDef {
	static := filepath.Join(work, "lit-src", "static")
	vendor := filepath.Join(static, "vendor")
	check(os.MkdirAll(vendor, 0o755))
	tgz := filepath.Join(work, "tgz")
	check(os.MkdirAll(tgz, 0o755))
	var specs []string
	for _, p := range litPackages {
		specs = append(specs, p.spec)
	}
	cmd := exec.Command("npm", append([]string{"pack", "--silent"}, specs...)...)
	cmd.Dir = tgz
	out, err := cmd.Output()
	check(err)
	files := strings.Fields(string(out))
	for i, p := range litPackages {
		dir := filepath.Join(vendor, p.dir)
		check(os.MkdirAll(dir, 0o755))
		run("tar", "-xzf", filepath.Join(tgz, files[i]), "-C", dir, "--strip-components=1")
		// The Node builds and the TypeScript sources are not for browsers.
		for _, sub := range []string{"node", "development"} {
			os.RemoveAll(filepath.Join(dir, sub))
		}
	}
	write(filepath.Join(static, "js/app.js"), `import { LitElement, html, css } from "lit";

class HelloCard extends LitElement {
	static styles = css`+"`h1 { font: 700 2.5rem Inter, sans-serif; margin: 0 }`"+`;
	render() {
		return html`+"`<h1>Hello from lit</h1><p>Rendered by modules loaded through an import map, with no bundler.</p>`"+`;
	}
}
customElements.define("hello-card", HelloCard);
`)
	write(filepath.Join(static, "css/page.css"), `@import "fonts.css";
body { font-family: Inter, sans-serif; margin: 2rem; }
`)
	write(filepath.Join(static, "css/fonts.css"), `@font-face { font-family: Inter; font-weight: 400; src: url(../fonts/inter.woff2) format("woff2"); }
`)
	font, err := os.ReadFile(filepath.Join("..", "example/static/fonts/inter-latin-400-normal.woff2"))
	check(err)
	write(filepath.Join(static, "fonts/inter.woff2"), string(font))
	var dirs, imports []string
	for _, p := range litPackages {
		dirs = append(dirs, `"vendor/`+p.dir+`"`)
	}
	importMap := filepath.Join(work, "lit-src", "importmap.json")
	write(importMap, `{"packages": [`+strings.Join(dirs, ", ")+`]}`)
	// Django has no import maps: a Django user writes one by hand, with
	// {% static %} for each entry module and a prefix for each package.
	for _, e := range []struct{ spec, file string }{
		{"lit", "lit/index.js"}, {"lit/", "lit/"},
		{"lit-html", "lit-html/lit-html.js"}, {"lit-html/", "lit-html/"},
		{"lit-element/", "lit-element/"},
		{"@lit/reactive-element", "reactive-element/reactive-element.js"}, {"@lit/reactive-element/", "reactive-element/"},
	} {
		imports = append(imports, fmt.Sprintf(`%q: "{%% static 'vendor/%s' %%}"`, e.spec, e.file))
	}
	return &pageDef{
		name:      "lit",
		title:     "A lit component from npm (lit, lit-html, lit-element, @lit/reactive-element) through an import map, no bundler",
		dirs:      []string{static},
		importMap: importMap,
		out:       filepath.Join(work, "lit"),
		goPage: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lit</title>
{{importmap "js/app.js"}}
{{if .Hints}}{{preload "css/page.css" "js/app.js"}}{{end}}<link rel="stylesheet" href="{{static "css/page.css"}}">
<script type="module" src="{{static "js/app.js"}}" integrity="{{integrity "js/app.js"}}"></script>
</head><body><hello-card></hello-card></body></html>
`,
		djangoPage: `{% load static %}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lit</title>
<script type="importmap">{"imports": {` + strings.Join(imports, ", ") + `}}</script>
<link rel="stylesheet" href="{% static 'css/page.css' %}">
<script type="module" src="{% static 'js/app.js' %}"></script>
</head><body><hello-card></hello-card></body></html>
`,
	}
}

// serveGo serves the page at / and the assets under /static/ on a free
// loopback port, and returns the page's URL.
func serveGo(p *pageDef, set *runtime.Set, hints, h2 bool) string {
	tmpl := template.Must(template.New(p.name).Funcs(set.FuncMap()).Parse(p.goPage))
	var early []runtime.Asset
	if hints {
		for _, path := range preloadEntries(p.goPage) {
			a, ok := set.Lookup(path)
			if !ok {
				log.Fatalf("%s: no asset %s", p.name, path)
			}
			early = append(early, a)
		}
		early = set.Preload(early...)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", set.Handler())
	mux.Handle("/{$}", runtime.EarlyHints(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		if err := tmpl.Execute(w, struct{ Hints bool }{hints}); err != nil {
			log.Print(err)
		}
	}), early...))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if !h2 {
		go srv.Serve(ln)
		return "http://" + ln.Addr().String() + "/"
	}
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
	go srv.ServeTLS(ln, "", "")
	return "https://" + ln.Addr().String() + "/"
}

// preloadEntries returns the logical paths of the page's preload call.
func preloadEntries(page string) []string {
	_, rest, _ := strings.Cut(page, "{{preload ")
	call, _, _ := strings.Cut(rest, "}}")
	var out []string
	for _, f := range strings.Fields(call) {
		out = append(out, strings.Trim(f, `"`))
	}
	return out
}

// serveDjango writes a Django project around the page's directories, runs
// collectstatic, starts gunicorn on a free loopback port and returns a
// function that stops it.
func serveDjango(p *pageDef) func() {
	dir := filepath.Join(filepath.Dir(p.out), p.name+"-django")
	var dirs []string
	for _, d := range p.dirs {
		dirs = append(dirs, fmt.Sprintf("%q", d))
	}
	write(filepath.Join(dir, "benchsettings.py"), `SECRET_KEY = "bench"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.staticfiles"]
MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]
ROOT_URLCONF = "benchurls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [`+fmt.Sprintf("%q", filepath.Join(dir, "templates"))+`]}]
STATIC_URL = "/static/"
STATIC_ROOT = `+fmt.Sprintf("%q", filepath.Join(dir, "collected"))+`
STATICFILES_DIRS = [`+strings.Join(dirs, ", ")+`]
STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
`)
	write(filepath.Join(dir, "benchurls.py"), `from django.urls import path
from django.views.generic import TemplateView
urlpatterns = [path("", TemplateView.as_view(template_name="page.html"))]
`)
	write(filepath.Join(dir, "benchwsgi.py"), `from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
`)
	write(filepath.Join(dir, "templates/page.html"), p.djangoPage)
	env := append(os.Environ(), "PYTHONPATH="+dir, "DJANGO_SETTINGS_MODULE=benchsettings")
	c := exec.Command("/usr/bin/python3", "-m", "django", "collectstatic", "--noinput", "-v0")
	c.Dir, c.Env, c.Stderr = dir, env, os.Stderr
	check(c.Run())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	addr := ln.Addr().String()
	ln.Close()
	g := exec.Command("gunicorn", "--workers", "2", "--bind", addr, "--log-level", "warning", "benchwsgi")
	g.Dir, g.Env, g.Stderr = dir, env, os.Stderr
	g.SysProcAttr = orphanKill // gunicorn dies with this program, even on log.Fatal
	check(g.Start())
	url := "http://" + addr + "/"
	for i := 0; ; i++ {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				log.Fatalf("django %s: %s", p.name, resp.Status)
			}
			break
		}
		if i > 100 {
			log.Fatalf("gunicorn for %s did not start", p.name)
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.urls["django"] = url
	return func() { g.Process.Kill(); g.Wait() }
}

// chromium starts a new headless Chromium, with an empty profile and so
// an empty cache and no open connection, with the flags this machine's
// closed network needs, accepting the h2 server's self-signed certificate.
func chromium() (context.Context, context.CancelFunc) {
	profile, err := os.MkdirTemp("", "assetgen-pageload-profile-")
	check(err)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath("chromium"),
		chromedp.UserDataDir(profile),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("ignore-certificate-errors-spki-list", certSPKI),
		chromedp.WindowSize(1200, 900),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	check(chromedp.Run(ctx)) // start the browser
	return ctx, func() { cancel(); cancelAlloc(); os.RemoveAll(profile) }
}

// visit is one measurement: a first visit with an empty cache, then a
// repeat visit in a new tab of the same browser context.
type visit struct {
	load, lcp    time.Duration
	requests     int
	bytes        int64
	repeatAssets int // requests other than the page itself
	repeatLoad   time.Duration
}

func (v visit) String() string {
	return fmt.Sprintf("load %v, LCP %v, %d requests, %d bytes; repeat: %d asset requests, load %v", v.load, v.lcp, v.requests, v.bytes, v.repeatAssets, v.repeatLoad)
}

// measure starts a browser for each measurement: a new profile is the one
// sure way to start with no cache and no connection to reuse.
func measure(cond *network.EmulateNetworkConditionsParams, url string) visit {
	bctx, cancel := chromium()
	defer cancel()
	var v visit
	v.load, v.lcp, v.requests, v.bytes = load(bctx, cond, url)
	tab, cancelTab := chromedp.NewContext(bctx)
	defer cancelTab()
	var reqs int
	v.repeatLoad, _, reqs, _ = load(tab, cond, url)
	v.repeatAssets = reqs - 1
	return v
}

// load navigates ctx's tab to url under cond and returns the load event's
// time, the largest contentful paint, and the requests and bytes the
// network events counted.
func load(ctx context.Context, cond *network.EmulateNetworkConditionsParams, url string) (loadT, lcp time.Duration, requests int, bytes int64) {
	var mu sync.Mutex
	sent := map[network.RequestID]string{}
	cached := map[network.RequestID]bool{}
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if !strings.HasPrefix(e.Request.URL, "data:") {
				sent[e.RequestID] = e.Request.URL
			}
		case *network.EventRequestServedFromCache:
			cached[e.RequestID] = true
		case *network.EventResponseReceived:
			if e.Response.FromDiskCache || e.Response.FromPrefetchCache {
				cached[e.RequestID] = true
			}
		case *network.EventLoadingFinished:
			bytes += int64(e.EncodedDataLength)
		}
	})
	var loadMS, lcpMS float64
	check(chromedp.Run(ctx,
		network.Enable(),
		cond,
		chromedp.Navigate(url),
		chromedp.Evaluate(`new Promise(r => setTimeout(r, 300))`, nil, awaitPromise),
		chromedp.Evaluate(`performance.getEntriesByType("navigation")[0].loadEventStart`, &loadMS),
		chromedp.Evaluate(`new Promise(r => {
			new PerformanceObserver(l => { const e = l.getEntries(); r(e[e.length-1].startTime); }).observe({type: "largest-contentful-paint", buffered: true});
			setTimeout(() => r(-1), 2000);
		})`, &lcpMS, awaitPromise),
	))
	mu.Lock()
	defer mu.Unlock()
	// A request counts when it reached the server: not one the cache
	// answered. One that a 103's preload made counts (its response says
	// fromEarlyHints), but its bytes may not: they arrive before the page
	// has a target whose events this listens to.
	fetched := map[string]int{}
	for id, u := range sent {
		if !cached[id] {
			requests++
			fetched[u]++
		}
	}
	for u, n := range fetched {
		if n > 1 && *verbose {
			log.Printf("  %s fetched %d times", u, n)
		}
	}
	return ms(loadMS), ms(lcpMS), requests, bytes
}

func awaitPromise(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
	return p.WithAwaitPromise(true)
}

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

func median(vs []visit) visit {
	pick := func(get func(visit) int64) int64 {
		xs := make([]int64, len(vs))
		for i, v := range vs {
			xs[i] = get(v)
		}
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	return visit{
		load:         time.Duration(pick(func(v visit) int64 { return int64(v.load) })),
		lcp:          time.Duration(pick(func(v visit) int64 { return int64(v.lcp) })),
		requests:     int(pick(func(v visit) int64 { return int64(v.requests) })),
		bytes:        pick(func(v visit) int64 { return v.bytes }),
		repeatAssets: int(pick(func(v visit) int64 { return int64(v.repeatAssets) })),
		repeatLoad:   time.Duration(pick(func(v visit) int64 { return int64(v.repeatLoad) })),
	}
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(cmp.Or(b, 1)) }

func selfSigned() (tls.Certificate, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	check(err)
	c, err := x509.ParseCertificate(der)
	check(err)
	spki := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, base64.StdEncoding.EncodeToString(spki[:])
}

func write(file, data string) {
	check(os.MkdirAll(filepath.Dir(file), 0o755))
	check(os.WriteFile(file, []byte(data), 0o644))
}

func run(name string, args ...string) {
	c := exec.Command(name, args...)
	c.Stderr = os.Stderr
	check(c.Run())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
