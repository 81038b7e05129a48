package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/packages"

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
	if _, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{"web/static"}, NoCompress: true}, OutDir: "web", Package: "web"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	return dir
}

// sharedLoads returns a loader that loads each set of patterns once and
// hands every later run the same packages: TestCheck runs check 14 times
// over 4 sets, and loading (type-checking every dependency from source)
// is most of a run's time. What a run does with the packages is not
// shared.
func sharedLoads() loader {
	type result struct {
		pkgs []*packages.Package
		err  error
	}
	loads := map[string]result{}
	return func(cfg *packages.Config, patterns ...string) ([]*packages.Package, error) {
		key := fmt.Sprintf("%v %v %q", cfg.Mode, cfg.Tests, patterns)
		r, ok := loads[key]
		if !ok {
			r.pkgs, r.err = packages.Load(cfg, patterns...)
			loads[key] = r
		}
		return r.pkgs, r.err
	}
}

func TestCheck(t *testing.T) {
	dir := checkModule(t)
	load := sharedLoads()
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
		// Without a generated package, a template path cannot be judged.
		{"Good", []string{"./good"}, exitOK, ""},
		// Template-like files below the packages are scanned by check as
		// by check -unused, and a literal path to no asset is reported.
		{"GoodTemplates", []string{"./good", "./web"}, exitInput, nope},
		{"Bad", []string{"./..."}, exitInput, bse + nope},
		{"DefaultAll", nil, exitInput, bse + nope},
		{"UnusedNoAssets", []string{"-unused", "./good"}, exitUsage, ""},
		{"PreferTyped", []string{"-prefer-typed", "./..."}, exitInput, bse + appJS + nope},
		{"Templates", []string{"-templates", "good/**/*.html", "./good", "./web"}, exitInput, nope},
		// bg.png is used through base.css, which good uses; admin.js by
		// the template found by scanning good/; app.js only by bad.
		{"Unused", []string{"-unused", "./good", "./web"}, exitInput, nope + oldPNG + appJSUnused},
		// ./... is good, bad and web, so this run shares the load of Bad.
		{"UnusedAll", []string{"-unused", "./..."}, exitInput, bse + nope + oldPNG},
		{"UnusedNoTemplates", []string{"-unused", "-templates", "web/web.go", "./good", "./web"}, exitInput, oldPNG + admin + appJSUnused},
		{"BadFlag", []string{"-bogus"}, exitUsage, ""},
		{"BadPattern", []string{"-templates", "nope/*.html", "./good", "./web"}, exitInput, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runCheck(context.Background(), tt.args, &stdout, &stderr, load)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if diff := cmp.Diff(tt.stdout, stdout.String()); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
		})
	}

	// The package's go:generate line names its templates, as generate
	// checks them: check and check -unused then check those files fully,
	// a parse error included, without -templates.
	writeFile(t, filepath.Join(dir, "web", "web.go"), "// Package web holds the site's assets.\npackage web\n\n//go:generate go tool assetgen -dir static \"-templates=../good/templates/*.html\"\n")
	writeFile(t, filepath.Join(dir, "good", "templates", "broken.html"), "{{static \"js/app.js\"\n")
	load = sharedLoads() // web.go changed: load it again
	const broken = "good/templates/broken.html:2: does not parse as a template: unclosed action started at broken.html:1; fix it or leave it out of the template patterns\n"
	for _, tt := range []struct {
		name   string
		args   []string
		stdout string
	}{
		{"GenerateLine", []string{"./good", "./web"}, broken + nope},
		{"GenerateLineUnused", []string{"-unused", "./good", "./web"}, broken + nope + oldPNG + appJSUnused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runCheck(context.Background(), tt.args, &stdout, &stderr, load); code != exitInput {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitInput, stderr.String())
			}
			if diff := cmp.Diff(tt.stdout, stdout.String()); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTemplatesFlags(t *testing.T) {
	for _, tt := range []struct {
		line string
		want []string
	}{
		{`go tool assetgen -dir static -templates templates/*.html`, []string{"templates/*.html"}},
		{`go run github.com/assetgen/assetgen/cmd/assetgen@v1.2.0 -templates=a/*.tmpl --templates "b c/**/*.html"`, []string{"a/*.tmpl", "b c/**/*.html"}},
		{`assetgen -templates`, nil},
		{`go run ../cmd/assetgen -dir static`, nil},
		{`stringer -type=Pill -templates x`, nil},
		{`go run ./internal/mkfiles -o static`, nil},
	} {
		if got := assetgenFlag(generateWords(tt.line), "templates"); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestToolInstall sets assetgen up as a new user does, with nothing but
// the go command: a module that gets it as a tool (go get -tool), with the
// go command's default -mod=readonly and no module proxy, so that a
// missing go.mod requirement fails as it would for the user. Then:
// go generate; go vet -vettool=$(go tool -n assetgen), the README's form
// for a tool install, fails on a broken path and passes on correct code;
// and the development-mode build (-tags assetgen_dev, which links
// fsnotify) builds without a go mod tidy or any other step.
func TestToolInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command; skipped with -short")
	}
	dir := t.TempDir()
	root := testenv.RepoRoot(t)
	files := map[string]string{
		"go.mod":                  "module example.com/site\n\ngo 1.24\n\nreplace github.com/assetgen/assetgen => " + filepath.ToSlash(root) + "\n",
		"web/web.go":              "// Package web holds the site's assets.\npackage web\n\n//go:generate go tool assetgen -dir static\n",
		"web/static/css/base.css": "body { color: red }\n",
		"good/good.go":            "package good\n\nimport \"example.com/site/web\"\n\nfunc Head() string { return web.CSSBaseCSS.URL() }\n",
		"bad/bad.go":              "package bad\n\nimport \"example.com/site/web\"\n\nfunc Head() string {\n\treturn web.MustURL(\"css/bse.css\")\n}\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		writeFile(t, p, data)
	}
	goCmd := func(args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		// The user's defaults: no -mod=mod; modules from the local cache
		// only (tests reach no network), unverified by the checksum
		// database for the same reason.
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := goCmd(args...)
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	// go get -tool reads the go.mod of every version in assetgen's
	// module graph, older ones too (esbuild's go.mod names
	// golang.org/x/sys of 2022); building this repository downloads
	// only those of the versions it selects. go mod graph here
	// downloads the rest from the configured proxy, as the user's go get
	// would: without it the test passed only once another package's test
	// had fetched them.
	graph := exec.Command("go", "mod", "graph")
	graph.Dir = root
	graph.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := graph.CombinedOutput(); err != nil {
		t.Fatalf("go mod graph in %s: %v\n%s", root, err, out)
	}
	must("get", "-tool", "github.com/assetgen/assetgen/cmd/assetgen")
	must("generate", "./...")
	must("build", "./...")
	// Development mode needs fsnotify, which go get -tool recorded
	// because the tool links package dev.
	must("build", "-tags", "assetgen_dev", "./...")

	bin := must("tool", "-n", "assetgen")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("go tool -n assetgen printed %q: %v", bin, err)
	}
	must("vet", "-vettool="+bin, "./good")
	out, err := goCmd("vet", "-vettool="+bin, "./bad")
	if err == nil {
		t.Fatalf("go vet ./bad passed:\n%s", out)
	}
	if want := "bad/bad.go:6:21: css/bse.css is not an asset of package web; did you mean css/base.css?"; !strings.Contains(out, want) {
		t.Errorf("go vet output lacks %q:\n%s", want, out)
	}

	// A source edited since go generate still builds; vet says so.
	must("vet", "-vettool="+bin, "./web")
	writeFile(t, filepath.Join(dir, "web", "static", "css", "base.css"), "body { color: blue }\n")
	must("build", "./...")
	out, err = goCmd("vet", "-vettool="+bin, "./web")
	if want := "static/css/base.css: changed since go generate; run go generate example.com/site/web"; err == nil || !strings.Contains(out, want) {
		t.Errorf("go vet ./web after an edit: %v; output lacks %q:\n%s", err, want, out)
	}
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

// TestCheckStaleSource: check reports each source edited since
// go generate, one embedded in place (app.js) and one served from its
// rewritten copy (base.css, whose url() is rewritten), with the fix.
func TestCheckStaleSource(t *testing.T) {
	dir := checkModule(t)
	for _, name := range []string{"web/static/css/base.css", "web/static/js/app.js"} {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), "/* edited */\n")
	}
	var stdout, stderr bytes.Buffer
	code := runCheck(context.Background(), []string{"./web"}, &stdout, &stderr, packages.Load)
	want := "web/assets_gen.go:3:1: web/static/css/base.css: changed since go generate; run go generate example.com/site/web\n" +
		"web/assets_gen.go:3:1: web/static/js/app.js: changed since go generate; run go generate example.com/site/web\n"
	if code != exitInput {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitInput, stderr.String())
	}
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
}
