package dev_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/gen/internal/emit"
	"github.com/assetgen/assetgen/internal/testenv"
)

// TestBuildTag generates a package and its development-mode file into a
// fresh module, then lists what a program using it links: without the
// assetgen_dev tag, neither package dev nor fsnotify; with it, both. It
// also runs the dev build, which must find its source directory from
// another working directory in the module and serve an edited file.
func TestBuildTag(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command; skipped with -short")
	}
	dir := t.TempDir()
	testenv.Module(t, dir, "example.com/devmod", "", map[string]string{
		"web/static/css/base.css": "body { color: red; }\n",
		"main.go": `package main

import (
	"fmt"
	"os"

	"example.com/devmod/web"
)

func main() {
	u := web.CSSBaseCSS.URL()
	os.WriteFile(os.Args[1], []byte("body { color: blue; }\n"), 0o644)
	b, _ := web.CSSBaseCSS.ReadAll()
	fmt.Printf("%s %v %s", string(b), u != web.CSSBaseCSS.URL(), web.Set().LiveReloadScript())
}
`,
	})
	writeFile(t, filepath.Join(dir, "web", "doc.go"), "package web\n")

	t.Chdir(filepath.Join(dir, "web"))
	if _, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{"static"}}, Package: "web"}); err != nil {
		t.Fatal(err)
	}
	// Generate writes the development-mode file beside the package.
	if _, err := os.Stat(filepath.Join(dir, "web", emit.DevFileName(gen.DefaultFileName))); err != nil {
		t.Fatalf("generate wrote no development-mode file: %v", err)
	}

	deps := func(tags ...string) []string {
		args := append([]string{"list", "-mod=mod", "-deps"}, tags...)
		out := goIn(t, dir, nil, append(args, ".")...)
		return strings.Fields(out)
	}
	const devPkg, fsnotify = "github.com/assetgen/assetgen/gen/dev", "github.com/fsnotify/fsnotify"
	prod := deps()
	if slices.Contains(prod, devPkg) || slices.Contains(prod, fsnotify) {
		t.Errorf("a build without -tags assetgen_dev links development mode: %q", prod)
	}
	if !slices.Contains(prod, "github.com/assetgen/assetgen/runtime") {
		t.Errorf("the program does not link the runtime; the test proves nothing: %q", prod)
	}
	devDeps := deps("-tags", "assetgen_dev")
	if !slices.Contains(devDeps, devPkg) || !slices.Contains(devDeps, fsnotify) {
		t.Errorf("a build with -tags assetgen_dev lacks %s or %s", devPkg, fsnotify)
	}

	// Run from a subdirectory of the module: the source directory is found
	// through go.mod, as the generated file records it relative to it.
	css := filepath.Join(dir, "web", "static", "css", "base.css")
	out := goIn(t, filepath.Join(dir, "web", "static"), []string{"ASSETGEN_DEV_RELOAD=1"}, "run", "-mod=mod", "-tags", "assetgen_dev", "../..", css)
	want := `body { color: blue; }
 true <script src="/static/.assetgen/reload.js"></script>`
	if out != want {
		t.Errorf("dev build printed %q, want %q", out, want)
	}
	writeFile(t, css, "body { color: red; }\n")
	if out := goIn(t, dir, nil, "run", "-mod=mod", ".", css); out != "body { color: red; }\n false " {
		t.Errorf("production build printed %q", out)
	}
}

func goIn(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return string(out)
}
