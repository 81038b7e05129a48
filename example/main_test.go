package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/assetgen/assetgen/media"
)

// TestSite loads the page and every asset URL it names, as a browser would.
func TestSite(t *testing.T) {
	srv := httptest.NewServer(newMux(testStore(t)))
	defer srv.Close()
	body := get(t, srv.URL+"/", 200)
	urls := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(urls) < 4 {
		t.Fatalf("page names %d assets, want at least 4:\n%s", len(urls), body)
	}
	for _, m := range urls {
		get(t, srv.URL+m[1], 200)
	}
	if logo := get(t, srv.URL+ImgLogoSVG.URL(), 200); !regexp.MustCompile(`#0b6bcb`).MatchString(logo) {
		t.Errorf("img/logo.svg is not theme/'s copy: %s", logo)
	}
}

// testStore opens a media store in a directory of the test's own.
func testStore(t *testing.T) *media.Store {
	t.Helper()
	s, err := media.Open(t.Context(), t.TempDir(), media.Static(Prefix), media.Images(imageOptions))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAssetURLAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = CSSBaseCSS.URL() }); n != 0 {
		t.Errorf("CSSBaseCSS.URL() allocates %v times, want 0", n)
	}
}

func BenchmarkFileURL(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = CSSBaseCSS.URL()
	}
}

func get(t *testing.T, url string, code int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != code {
		t.Errorf("GET %s: %d, want %d", url, resp.StatusCode, code)
	}
	return string(b)
}
