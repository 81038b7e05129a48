package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

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

// TestAssetsFresh fails when a file embedded in place was edited since
// go generate, which the handler would answer with a 500: the check a
// project copies into its own tests.
func TestAssetsFresh(t *testing.T) {
	if err := Set().Verify(); err != nil {
		t.Fatal(err)
	}
}

// testStore opens a media store in a directory of the test's own.
func testStore(t *testing.T) *media.Store {
	t.Helper()
	s, err := media.Open(t.Context(), t.TempDir(), media.Static(Prefix), media.Images(imageOptions), media.SigningKey([]byte("a key for the example's tests 32")))
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

// TestSlowHeaders opens a connection and sends half a request line, as a
// slowloris client does: the server sets every timeout, and closes the
// connection once ReadHeaderTimeout passes (shortened here) instead of
// holding it open.
func TestSlowHeaders(t *testing.T) {
	srv := newServer("127.0.0.1:0", newMux(testStore(t)))
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Fatalf("a timeout is unset: %+v", srv)
	}
	srv.ReadHeaderTimeout = 50 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(time.Minute)) // a bound on the test, not a measurement
	b, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("connection still open after a minute of half-sent headers")
	}
	if len(b) > 0 && !strings.HasPrefix(string(b), "HTTP/1.1 408") {
		t.Errorf("answered %q", b)
	}
}
