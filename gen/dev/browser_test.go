package dev_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/runtime"
)

var livePage = template.Must(template.New("page").Parse(`<!doctype html>
<html>
<head>
<link rel="stylesheet" href="{{.CSS.URL}}" integrity="{{.CSS.Integrity}}">
{{.Live}}
</head>
<body>
<img id="logo" src="{{.Logo.URL}}" alt="logo">
<p>live reload</p>
</body>
</html>
`))

// TestBrowserLiveReload opens a page in headless Chromium with live reload
// on. Changing the style sheet on disk changes the computed style without
// reloading the page (a marker set on window survives, and the new
// fingerprinted URL, checked with its new integrity, is what the page
// links); changing the image the template references reloads the page
// (the marker is gone).
func TestBrowserLiveReload(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"static/css/app.css":  "body { color: rgb(255, 0, 0); }\n",
		"static/img/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`,
	})
	set := runtime.New(fstest.MapFS{}, "/static/", nil)
	src, err := dev.Attach(set, dev.Config{Root: dir, Settings: dev.Settings{Dirs: []string{"static"}}, Reload: true, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	mux := http.NewServeMux()
	mux.Handle("/static/", set.Handler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		css, _ := set.Lookup("css/app.css")
		logo, _ := set.Lookup("img/logo.svg")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		livePage.Execute(w, map[string]any{"CSS": css, "Logo": logo, "Live": set.LiveReloadScript()})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx, stop := testenv.Chromium(t, 30*time.Second)
	defer stop()

	connected := chromedp.Poll(`document.documentElement.dataset.assetgenLive === "open"`, nil, chromedp.WithPollingTimeout(10*time.Second))
	var color, href string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		connected,
		chromedp.Evaluate(`window.marker = 1; getComputedStyle(document.body).color`, &color),
	); err != nil {
		t.Fatalf("first load: %v", err)
	}
	if color != "rgb(255, 0, 0)" {
		t.Fatalf("body color %q, want rgb(255, 0, 0): style sheet not applied", color)
	}

	writeFile(t, filepath.Join(dir, "static", "css", "app.css"), "body { color: rgb(0, 0, 255); }\n")
	var marker bool
	if err := chromedp.Run(ctx,
		chromedp.Poll(`getComputedStyle(document.body).color === "rgb(0, 0, 255)"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`window.marker === 1`, &marker),
		chromedp.Evaluate(`document.querySelector('link[rel="stylesheet"]').getAttribute("href")`, &href),
	); err != nil {
		t.Fatalf("after editing the style sheet: %v", err)
	}
	if !marker {
		t.Error("the page reloaded for a style sheet change; it should only have swapped the style sheet")
	}
	if want, _ := set.URL("css/app.css"); href != want {
		t.Errorf("the page links %s, want the new URL %s", href, want)
	}

	if err := os.Remove(filepath.Join(dir, "static", "img", "logo.svg")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "static", "img", "logo.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"/>`)
	// The reload interrupts whatever runs in the page, so poll from here,
	// taking an error as "not yet".
	reloaded := false
	for deadline := time.Now().Add(10 * time.Second); !reloaded && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		err := chromedp.Run(ctx, chromedp.Evaluate(`window.marker === undefined && document.readyState === "complete"`, &reloaded))
		if err != nil {
			reloaded = false
		}
	}
	if !reloaded {
		t.Fatal("the page did not reload after the image it shows changed")
	}
	var src2 string
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.getElementById("logo").getAttribute("src")`, &src2),
	); err != nil {
		t.Fatalf("after editing the image: %v", err)
	}
	if want, _ := set.URL("img/logo.svg"); src2 != want {
		t.Errorf("after the reload the page shows %s, want %s", src2, want)
	}
}
