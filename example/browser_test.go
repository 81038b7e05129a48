package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/assetgen/assetgen/internal/testenv"
)

// hashedAsset matches the URL path of a fingerprinted asset: a 12-hex
// fingerprint before the extension, as assetgen names files by default.
var hashedAsset = regexp.MustCompile(`^/static/[^?#]*\.[0-9a-f]{12}\.[a-z0-9]+$`)

// TestBrowser loads the example site in headless Chromium and checks, from
// the DevTools network events and the rendered page, what a real browser
// sees: no failed request, the stylesheet and script applied (both carry
// Subresource Integrity, so a wrongly decoded body would be refused),
// every asset fetched by its fingerprinted URL, br wherever the table has a
// br variant, and on reload no asset fetched again.
func TestBrowser(t *testing.T) {
	brotli := brotliPaths(t)
	if len(brotli) == 0 {
		t.Fatal("manifest.json lists no asset with a br variant; the br check would prove nothing")
	}

	var srvLog serverLog
	srv := httptest.NewServer(srvLog.wrap(newMux(testStore(t))))
	defer srv.Close()

	ctx, stop := testenv.Chromium(t, 20*time.Second)
	defer stop()

	var net netLog
	chromedp.ListenTarget(ctx, net.record)

	var color, status, headerBG string
	var interLoaded bool
	var shot []byte
	if err := chromedp.Run(ctx,
		network.Enable(),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("h1")).color`, &color),
		chromedp.Text("#status", &status, chromedp.ByQuery),
		// theme.css, imported by base.css, sets the header's background;
		// fonts.css, imported by theme.css, declares Inter.
		chromedp.Evaluate(`getComputedStyle(document.querySelector("header")).backgroundImage`, &headerBG),
		chromedp.Evaluate(`document.fonts.ready.then(() => document.fonts.check("16px Inter") && [...document.fonts].some(f => f.family === "Inter" && f.status === "loaded"))`, &interLoaded, awaitPromise),
		chromedp.FullScreenshot(&shot, 100), // 100: PNG,
	); err != nil {
		t.Fatalf("first load: %v", err)
	}
	first := net.settle(t)
	logRequests(t, "first load", first)
	firstServed := srvLog.take()

	if color != "rgb(11, 107, 203)" {
		t.Errorf("h1 color = %q, want rgb(11, 107, 203) from css/base.css: stylesheet not applied", color)
	}
	if !strings.HasPrefix(status, "app.js loaded from "+srv.URL+JSAppJS.URL()) {
		t.Errorf("#status = %q, want app.js's text: script not run", status)
	}
	if dir := os.Getenv("ASSETGEN_SCREENSHOT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "example.png"), shot, 0o644); err != nil {
			t.Error(err)
		}
	}

	// Two levels of @import: base.css → theme.css → fonts.css, which pulls
	// the font; theme.css pulls the image. Each by its hashed URL.
	if !strings.Contains(headerBG, ImgStripesSVG.URL()) {
		t.Errorf("header background-image = %q, want url(...%s): theme.css not applied or not rewritten", headerBG, ImgStripesSVG.URL())
	}
	if !interLoaded {
		t.Error("font Inter not loaded: fonts.css not applied or the font URL not rewritten")
	}
	checkFirstLoad(t, first, brotli)
	for _, p := range []string{CSSBaseCSS.URL(), CSSThemeCSS.URL(), CSSFontsCSS.URL(), FontsInterLatin400NormalWOFF2.URL(), ImgStripesSVG.URL(), JSAppJS.URL(), ImgLogoSVG.URL()} {
		if firstServed[p] != http.StatusOK {
			t.Errorf("first load: server answered %s with %d, want 200", p, firstServed[p])
		}
	}

	if err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload: %v", err)
	}
	reload := net.settle(t)
	logRequests(t, "reload", reload)
	checkReload(t, reload, srvLog.take())
}

// awaitPromise makes Evaluate wait for the expression's promise.
func awaitPromise(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
	return p.WithAwaitPromise(true)
}

// checkFirstLoad checks the requests of a load with an empty cache.
func checkFirstLoad(t *testing.T, reqs map[network.RequestID]*netRequest, brotli map[string]bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range reqs {
		path := urlPath(t, r.url)
		if r.failed != "" {
			t.Errorf("%s failed: %s", r.url, r.failed)
			continue
		}
		if r.resp == nil {
			// Sent but never answered or failed, even after settle: a
			// request the browser dropped (see settle). What must load
			// is checked below, and from the server's side.
			continue
		}
		if path == "/" {
			continue
		}
		if !hashedAsset.MatchString(path) {
			t.Errorf("request for %s: not a fingerprinted asset URL", r.url)
			continue
		}
		seen[path] = true
		if r.resp.Status != http.StatusOK {
			t.Errorf("%s: status %d, want 200", r.url, r.resp.Status)
		}
		got := header(r.resp.Headers, "Content-Encoding")
		want := ""
		if brotli[path] {
			want = "br"
		}
		if got != want {
			t.Errorf("%s: Content-Encoding %q, want %q (request Accept-Encoding %q)",
				r.url, got, want, header(r.resp.RequestHeaders, "Accept-Encoding"))
		}
		if cc := header(r.resp.Headers, "Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable", r.url, cc)
		}
	}
	for _, p := range []string{CSSBaseCSS.URL(), JSAppJS.URL(), ImgLogoSVG.URL()} {
		if !seen[p] {
			t.Errorf("first load: no request for %s", p)
		}
	}
}

// checkReload checks that a reload fetched the page again but took every
// asset from the browser's cache: fingerprinted URLs are immutable, so
// Chromium neither refetches nor revalidates them. A revalidation answered
// 304 is accepted too; DevTools reports it as the cached 200, so the
// server's log tells it apart from a refetch.
func checkReload(t *testing.T, reqs map[network.RequestID]*netRequest, served map[string]int) {
	t.Helper()
	for _, r := range reqs {
		path := urlPath(t, r.url)
		switch {
		case r.failed != "":
			t.Errorf("reload: %s failed: %s", r.url, r.failed)
		case path == "/":
		case r.fromCache, r.resp != nil && r.resp.FromDiskCache:
		case served[path] == http.StatusNotModified:
		case r.resp == nil:
			// Sent but never answered: the browser dropped it (a
			// favicon fetch the reload overtook) or answered it from
			// another request for the same URL. Not a network fetch;
			// had it reached the server, the log below would say so.
		default:
			t.Errorf("reload: %s fetched from the network, want the cache or 304", r.url)
		}
	}
	if served["/"] != http.StatusOK {
		t.Errorf("reload: server answered / with %d, want 200 (page not reloaded?)", served["/"])
	}
	for p, status := range served {
		if p != "/" && status != http.StatusNotModified {
			t.Errorf("reload: server answered %s with %d, want no request or 304", p, status)
		}
	}
}

// brotliPaths returns the URL paths of the assets that manifest.json lists
// with a br variant: those Chromium must receive as br.
func brotliPaths(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Assets map[string]struct {
			Encodings []struct{ Coding string }
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for p, a := range m.Assets {
		for _, e := range a.Encodings {
			if e.Coding == "br" {
				u, err := URL(p)
				if err != nil {
					t.Fatal(err)
				}
				out[u] = true
			}
		}
	}
	return out
}

// netRequest is what the DevTools events say about one request.
type netRequest struct {
	url       string
	resp      *network.Response
	fromCache bool   // Network.requestServedFromCache
	finished  bool   // Network.loadingFinished
	failed    string // Network.loadingFailed's error text
}

// done reports whether the request has ended, one way or the other.
func (r *netRequest) done() bool { return r.finished || r.failed != "" }

// netLog collects network events by request; events arrive on
// chromedp's goroutine.
type netLog struct {
	mu   sync.Mutex
	reqs map[network.RequestID]*netRequest
}

func (l *netLog) record(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.reqs == nil {
		l.reqs = map[network.RequestID]*netRequest{}
	}
	get := func(id network.RequestID) *netRequest {
		r := l.reqs[id]
		if r == nil {
			r = &netRequest{}
			l.reqs[id] = r
		}
		return r
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		get(ev.RequestID).url = ev.Request.URL
	case *network.EventRequestServedFromCache:
		get(ev.RequestID).fromCache = true
	case *network.EventResponseReceived:
		r := get(ev.RequestID)
		r.resp = ev.Response
		if r.url == "" {
			r.url = ev.Response.URL
		}
	case *network.EventLoadingFinished:
		get(ev.RequestID).finished = true
	case *network.EventLoadingFailed:
		get(ev.RequestID).failed = ev.ErrorText
	}
}

// settle waits until every request recorded so far has ended, then takes
// them. The page's load event does not wait for everything: Chromium
// fetches the favicon (<link rel="icon">, the logo) after it, so a log
// taken when Navigate or Reload returns can hold that request half-way,
// with no response yet. A request still open after a few seconds is taken
// as it is: Chromium cancels a favicon fetch that a newer one for the same
// URL overtook without always reporting it.
func (l *netLog) settle(t *testing.T) map[network.RequestID]*netRequest {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) && !l.allDone() {
		time.Sleep(10 * time.Millisecond)
	}
	return l.take()
}

func (l *netLog) allDone() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.reqs {
		if !r.done() {
			return false
		}
	}
	return true
}

// take returns the requests recorded so far and starts a new log.
func (l *netLog) take() map[network.RequestID]*netRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	reqs := l.reqs
	l.reqs = nil
	return reqs
}

// serverLog records the status the server answered for each path, to
// confirm from the server's side what the browser reports.
type serverLog struct {
	mu     sync.Mutex
	status map[string]int
}

func (l *serverLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.status == nil {
			l.status = map[string]int{}
		}
		l.status[r.URL.Path] = sw.status
	})
}

func (l *serverLog) take() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.status
	l.status = nil
	return s
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// logRequests lists the requests for -v, and for the log of a failure.
func logRequests(t *testing.T, what string, reqs map[network.RequestID]*netRequest) {
	t.Helper()
	for _, r := range reqs {
		switch {
		case r.resp == nil:
			t.Logf("%s: %s: no response; failed: %q", what, r.url, r.failed)
		default:
			t.Logf("%s: %s: %d, Content-Encoding %q, fromDiskCache %v, servedFromCache %v",
				what, r.url, r.resp.Status, header(r.resp.Headers, "Content-Encoding"), r.resp.FromDiskCache, r.fromCache)
		}
	}
}

func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

func urlPath(t *testing.T, s string) string {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Errorf("DevTools reported URL %q: %v", s, err)
		return s
	}
	return u.Path
}
