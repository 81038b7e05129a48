package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/testenv"
)

// checkModule writes a module with a generated package web, a package
// good that uses its assets correctly, a package bad that does not, and a
// template, and returns its directory.
func checkModule(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("loads and type-checks a module with the go command; skipped with -short")
	}
	dir := t.TempDir()
	files := map[string]string{
		"web/web.go":              "// Package web holds the site's assets.\npackage web\n",
		"web/static/css/base.css": "body { background: url(../img/bg.png) }\n",
		"web/static/img/bg.png":   "png",
		"web/static/img/old.png":  "old",
		"web/static/js/app.js":    "console.log(1)\n",
		"web/static/js/admin.js":  "console.log(2)\n",
		"good/good.go": `package good

import "example.com/site/web"

func Head() string { return web.CSSBaseCSS.URL() }
`,
		"bad/bad.go": `package bad

import "example.com/site/web"

func Head() string {
	return web.MustURL("css/bse.css")
}

func Script() (string, error) {
	return web.URL("js/app.js")
}
`,
		"good/templates/page.html": "<script src=\"{{static \"js/admin.js\"}}\"></script>\n<img src=\"{{static \"img/nope.png\"}}\">\n",
	}
	testenv.Module(t, dir, "example.com/site", "", files)
	t.Chdir(dir)
	if _, err := gen.Generate(context.Background(), gen.Config{Dirs: []string{"web/static"}, OutDir: "web", Package: "web", NoCompress: true}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	return dir
}

func TestCheck(t *testing.T) {
	checkModule(t)
	const (
		bse         = "bad/bad.go:6:21: css/bse.css is not an asset of package web; did you mean css/base.css?\n"
		appJS       = "bad/bad.go:10:9: use web.JSAppJS.URL() for js/app.js; the compiler checks it\n"
		nope        = "good/templates/page.html:2:20: static: img/nope.png is not an asset; fix the path or add the file\n"
		oldPNG      = "web/static/img/old.png: unused asset img/old.png (package web)\n"
		admin       = "web/static/js/admin.js: unused asset js/admin.js (package web)\n"
		appJSUnused = "web/static/js/app.js: unused asset js/app.js (package web)\n"
	)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"Good", []string{"./good", "./web"}, exitOK, ""},
		{"Bad", []string{"./..."}, exitInput, bse},
		{"DefaultAll", nil, exitInput, bse},
		{"UnusedNoAssets", []string{"-unused", "./good"}, exitUsage, ""},
		{"PreferTyped", []string{"-prefer-typed", "./..."}, exitInput, bse + appJS},
		{"Templates", []string{"-templates", "good/**/*.html", "./good", "./web"}, exitInput, nope},
		// bg.png is used through base.css, which good uses; admin.js by
		// the template found by scanning good/; app.js only by bad.
		{"Unused", []string{"-unused", "./good", "./web"}, exitInput, oldPNG + appJSUnused},
		{"UnusedAll", []string{"-unused", "./good", "./bad", "./web"}, exitInput, bse + oldPNG},
		{"UnusedNoTemplates", []string{"-unused", "-templates", "web/web.go", "./good", "./web"}, exitInput, oldPNG + admin + appJSUnused},
		{"BadFlag", []string{"-bogus"}, exitUsage, ""},
		{"BadPattern", []string{"-templates", "nope/*.html", "./web"}, exitInput, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"check"}, tt.args...), &stdout, &stderr, os.Getenv)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if diff := cmp.Diff(tt.stdout, stdout.String()); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVetTool builds assetgen and runs it under go vet -vettool, which
// dispatches to unitchecker: a broken path fails vet with the analyzer's
// message; correct code passes.
func TestVetTool(t *testing.T) {
	dir := checkModule(t)
	bin := filepath.Join(t.TempDir(), "assetgen")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Dir(mustCaller(t))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	vet := func(pkg string) (string, error) {
		cmd := exec.Command("go", "vet", "-vettool="+bin, pkg)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := vet("./good"); err != nil {
		t.Errorf("go vet ./good: %v\n%s", err, out)
	}
	out, err := vet("./bad")
	if err == nil {
		t.Fatalf("go vet ./bad passed:\n%s", out)
	}
	for _, want := range []string{
		"bad/bad.go:6:21: css/bse.css is not an asset of package web; did you mean css/base.css?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
}

func mustCaller(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return file
}

func TestIsVetTool(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-V=full"}, true},
		{[]string{"-flags"}, true},
		{[]string{"-assetgen", "/tmp/go-build/vet.cfg"}, true},
		{[]string{"/tmp/b001/vet.cfg"}, true},
		{[]string{"-dir", "static"}, false},
		{[]string{"check", "./..."}, false},
		{[]string{"-version"}, false},
	} {
		if got := isVetTool(tt.args); got != tt.want {
			t.Errorf("isVetTool(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
