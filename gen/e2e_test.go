package gen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/internal/testenv"
)

// TestEndToEnd builds a fresh module that uses assetgen the way the README
// says: two packages, one generated with "go run" and one with "go tool",
// both linked into one binary. It vets and runs the program, which checks
// URLs, content and the handler, then deletes an asset, generates again and
// checks that the build fails naming the identifier.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped with -short")
	}
	dir := t.TempDir()
	files := map[string]string{
		// The directive is split so that go generate ./... in this
		// repository does not run it.
		"web/web.go":                "// Package web holds the site's assets.\npackage web\n\n//go:" + "generate go run github.com/assetgen/assetgen/cmd/assetgen -dir ../theme -dir static\n",
		"web/static/css/base.css":   "body { color: red; }\n",
		"web/static/img/logo.svg":   "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
		"theme/img/logo.svg":        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>\n",
		"admin/admin.go":            "// Package admin holds the admin pages' assets.\npackage admin\n\n//go:generate go tool assetgen -dir static -prefix /admin/static/\n",
		"admin/static/css/base.css": "body { color: green; }\n",
		"main.go": `package main

import (
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strings"

	"example.com/e2e/admin"
	"example.com/e2e/web"
)

func check(ok bool, format string, args ...any) {
	if !ok {
		fmt.Printf("FAIL: "+format+"\n", args...)
		os.Exit(1)
	}
}

func main() {
	u := web.CSSBaseCSS.URL()
	check(strings.HasPrefix(u, "/static/css/base.") && strings.HasSuffix(u, ".css"), "web URL %q", u)
	a := admin.CSSBaseCSS.URL()
	check(strings.HasPrefix(a, "/admin/static/css/base."), "admin URL %q", a)
	check(u != a, "two packages, one URL")

	b, err := web.ImgLogoSVG.ReadAll()
	check(err == nil && strings.Contains(string(b), "<rect/>"), "theme/ must shadow static/: %q %v", b, err)

	got, err := web.URL("css/base.css")
	check(err == nil && got == u, "URL(): %q %v", got, err)
	_, err = web.URL("css/nope.css")
	check(err != nil, "URL of a missing asset must fail")

	rec := httptest.NewRecorder()
	web.Handler().ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
	body, _ := io.ReadAll(rec.Body)
	check(rec.Code == 200 && string(body) == "body { color: red; }\n", "GET %s: %d %q", u, rec.Code, body)
	check(rec.Header().Get("Cache-Control") == "public, max-age=31536000, immutable", "Cache-Control %q", rec.Header().Get("Cache-Control"))

	check(web.SetPrefix("https://cdn.example.com/app/") == nil, "SetPrefix")
	check(strings.HasPrefix(web.CSSBaseCSS.URL(), "https://cdn.example.com/app/css/base."), "CDN URL %q", web.CSSBaseCSS.URL())
	check(admin.SetPrefix("relative/") != nil, "bad prefix accepted")

	n := 0
	for range web.All() {
		n++
	}
	check(n == 2, "All() gave %d assets", n)
	fmt.Println("ok")
}
`,
	}
	testenv.Module(t, dir, "example.com/e2e", "\ntool github.com/assetgen/assetgen/cmd/assetgen\n", files)

	testenv.Go(t, dir, "mod", "tidy")
	testenv.Go(t, dir, "generate", "./...")
	testenv.Go(t, dir, "vet", "./...")
	if out := testenv.Go(t, dir, "run", "."); strings.TrimSpace(out) != "ok" {
		t.Fatalf("program printed %q, want ok", out)
	}

	// Deleting an asset and generating again breaks every use of it at
	// compile time.
	if err := os.Remove(filepath.Join(dir, "web", "static", "css", "base.css")); err != nil {
		t.Fatal(err)
	}
	testenv.Go(t, dir, "generate", "./web")
	cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("build succeeded after deleting css/base.css")
	}
	if !strings.Contains(string(out), "undefined: web.CSSBaseCSS") {
		t.Errorf("build error does not name the identifier:\n%s", out)
	}
}
