package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/assetgen/assetgen/internal/testenv"
)

// svgXSS is an SVG whose script, if it ever ran on the site's origin,
// would leave a mark in the origin's localStorage.
const svgXSS = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">` +
	`<rect width="20" height="20" fill="red"/>` +
	`<script>localStorage.setItem("svg-ran", "yes")</script></svg>`

// TestBrowserUpload uploads through the example's form in headless
// Chromium: a PNG is stored and shown as a preview, decoded by the
// browser; an SVG with a script is stored but served as an inert
// attachment (Content-Disposition: attachment, CSP sandbox, nosniff), and
// opening its URL runs nothing on the site's origin. The same SVG served
// plainly from the same origin does run, which shows the check can fail.
func TestBrowserUpload(t *testing.T) {
	dir := t.TempDir()
	pngPath := filepath.Join(dir, "red square.png")
	img := image.NewRGBA(image.Rect(0, 0, 20, 10))
	for x := range 20 {
		for y := range 10 {
			img.Set(x, y, color.RGBA{200, 0, 0, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	svgPath := filepath.Join(dir, "evil.svg")
	for p, b := range map[string][]byte{pngPath: buf.Bytes(), svgPath: []byte(svgXSS)} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	site := http.NewServeMux()
	site.Handle("/", newMux(testStore(t)))
	site.HandleFunc("GET /unsafe.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write([]byte(svgXSS))
	})
	srv := httptest.NewServer(site)
	defer srv.Close()

	ctx, stop := testenv.Chromium(t, 30*time.Second)
	defer stop()
	upload := func(path string) chromedp.Tasks {
		return chromedp.Tasks{
			chromedp.Navigate(srv.URL + "/upload"),
			chromedp.SetUploadFiles(`input[type=file]`, []string{path}, chromedp.ByQuery),
			chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`img.preview`, chromedp.ByQuery),
		}
	}

	var width int
	var pngURL string
	if err := chromedp.Run(ctx,
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorDeny),
		upload(pngPath),
		chromedp.Evaluate(`new Promise(ok => { const i = document.querySelector("img.preview"); i.complete ? ok(i.naturalWidth) : (i.onload = i.onerror = () => ok(i.naturalWidth)) })`, &width, awaitPromise),
		chromedp.AttributeValue(`img.preview`, "src", &pngURL, nil, chromedp.ByQuery),
	); err != nil {
		t.Fatalf("PNG upload: %v", err)
	}
	if width != 20 || pngURL != "/media/red_square.png" {
		t.Errorf("preview %q decoded %d pixels wide, want /media/red_square.png, 20", pngURL, width)
	}

	var svgURL string
	var headers []string
	if err := chromedp.Run(ctx,
		upload(svgPath),
		chromedp.AttributeValue(`img.preview`, "src", &svgURL, nil, chromedp.ByQuery),
		chromedp.Evaluate(`fetch(document.querySelector("img.preview").src).then(r => ["content-type", "content-disposition", "content-security-policy", "x-content-type-options"].map(h => r.headers.get(h)))`, &headers, awaitPromise),
	); err != nil {
		t.Fatalf("SVG upload: %v", err)
	}
	want := []string{"image/svg+xml", "attachment; filename=evil.svg", "sandbox", "nosniff"}
	if svgURL != "/media/evil.svg" || strings.Join(headers, "|") != strings.Join(want, "|") {
		t.Errorf("SVG stored at %q with headers %q, want /media/evil.svg with %q", svgURL, headers, want)
	}

	// A user opens the SVG's URL: the browser downloads it (denied here)
	// rather than showing it, so the script never runs on the origin.
	var mark, location string
	chromedp.Run(ctx, chromedp.Navigate(srv.URL+svgURL)) // aborted: a download
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`location.pathname`, &location),
		chromedp.Evaluate(`String(localStorage.getItem("svg-ran"))`, &mark),
	); err != nil {
		t.Fatal(err)
	}
	if mark != "null" || location != "/upload" {
		t.Errorf("after opening %s: at %s, localStorage svg-ran = %s; the SVG was rendered on the site's origin", svgURL, location, mark)
	}

	// The control: the same bytes served plainly do run.
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/unsafe.svg"),
		chromedp.Evaluate(`String(localStorage.getItem("svg-ran"))`, &mark),
	); err != nil {
		t.Fatal(err)
	}
	if mark != "yes" {
		t.Errorf("the SVG served plainly did not run its script (svg-ran = %s): the check above proves nothing", mark)
	}
}
