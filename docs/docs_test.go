// Package docs holds the guides, as Markdown, and the tests that keep
// them true: every Go snippet in README.md and docs/ type-checks against
// the current packages, every link between the documents resolves, the
// layout in CONTRIBUTING.md lists every package, no page copies a doc
// comment (the package docs are the reference; pages link to them), and no
// page talks about how the project was built rather than how to use it.
package docs_test

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/packages"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/runtime"
)

// pages are the documents users read, relative to the repository root.
func pages(t *testing.T) []string {
	t.Helper()
	root := testenv.RepoRoot(t)
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md", "CONTRIBUTING.md", "bench/README.md"}
	for _, d := range docs {
		out = append(out, "docs/"+filepath.Base(d))
	}
	return out
}

func read(t *testing.T, page string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestREADME keeps the README a door: short, and about the tool.
func TestREADME(t *testing.T) {
	readme := read(t, "README.md")
	if n := strings.Count(readme, "\n"); n >= 300 {
		t.Errorf("README.md has %d lines; keep it under 300 and move detail to docs/", n)
	}
	for _, cmd := range []string{"    go run ./example\n", "    go test ./...\n", "go get -tool github.com/assetgen/assetgen/cmd/assetgen\n"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README.md does not show %q", strings.TrimSpace(cmd))
		}
	}
}

// TestReceiveSwitch checks that every error switch after Receive shown to
// users handles ErrBadImage, so that a copied switch answers a corrupt
// image with 422 rather than its 500 branch.
func TestReceiveSwitch(t *testing.T) {
	for _, p := range pages(t) {
		text := read(t, p)
		if n, m := strings.Count(text, "errors.Is(err, media.ErrTooLarge)"), strings.Count(text, "errors.Is(err, media.ErrBadImage)"); n != m {
			t.Errorf("%s: %d Receive error switches, %d handle media.ErrBadImage (422)", p, n, m)
		}
	}
}

// TestTemplateFunctions checks that every template function the asset
// package and a media store give is named, in backquotes, in the docs.
func TestTemplateFunctions(t *testing.T) {
	var all strings.Builder
	for _, p := range pages(t) {
		all.WriteString(read(t, p))
	}
	store, err := media.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	funcs := runtime.New(fstest.MapFS{}, "/static/", nil).FuncMap(store.FuncMap())
	for name := range funcs {
		if !strings.Contains(all.String(), "`"+name+"`") {
			t.Errorf("template function %s is in no page; name it in docs/", name)
		}
	}
}

// TestFlagsExist checks that every flag the docs give a subcommand
// (assetgen check -unused, assetgen collect -nginx) is in its usage.
func TestFlagsExist(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "assetgen")
	build := exec.Command("go", "build", "-o", bin, "./cmd/assetgen")
	build.Dir = testenv.RepoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	use := regexp.MustCompile("assetgen (check|collect|report|find)((?: [^`|)\n]*)?)")
	flagRE := regexp.MustCompile(` (-[a-z][a-z-]*)`)
	usage := map[string]string{}
	for _, p := range pages(t) {
		for _, m := range use.FindAllStringSubmatch(read(t, p), -1) {
			sub := m[1]
			if _, ok := usage[sub]; !ok {
				out, _ := exec.Command(bin, sub, "-h").CombinedOutput()
				usage[sub] = string(out)
			}
			for _, f := range flagRE.FindAllStringSubmatch(m[2], -1) {
				if !strings.Contains(usage[sub], "  "+f[1]+" ") && !strings.Contains(usage[sub], "  "+f[1]+"\n") {
					t.Errorf("%s: assetgen %s %s: no such flag", p, sub, f[1])
				}
			}
		}
	}
}

// TestPhrases finds words about how the work went, which belong in commit
// messages, not in what users read.
func TestPhrases(t *testing.T) {
	banned := regexp.MustCompile(`(?i)this round|the issue|engineers|load average|other helpers`)
	for _, p := range pages(t) {
		if p == "CONTRIBUTING.md" {
			continue
		}
		for i, line := range strings.Split(read(t, p), "\n") {
			if m := banned.FindString(line); m != "" {
				t.Errorf("%s:%d: %q: say what a user needs, not how the work went", p, i+1, m)
			}
		}
	}
}

var (
	linkRE    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	headingRE = regexp.MustCompile(`(?m)^#+ (.+)$`)
)

// slug is GitHub's anchor for a heading: lower case, punctuation other
// than - and _ dropped, spaces to -.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestLinks checks every relative link of the documents: the file exists,
// and the #anchor, if any, is a heading of it.
func TestLinks(t *testing.T) {
	root := testenv.RepoRoot(t)
	anchors := map[string][]string{}
	for _, p := range pages(t) {
		for _, m := range headingRE.FindAllStringSubmatch(read(t, p), -1) {
			anchors[p] = append(anchors[p], slug(m[1]))
		}
	}
	for _, p := range pages(t) {
		for _, m := range linkRE.FindAllStringSubmatch(read(t, p), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			dest := p
			if file != "" {
				dest = filepath.ToSlash(filepath.Join(filepath.Dir(p), file))
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(dest))); err != nil {
					t.Errorf("%s: link %s: no file %s", p, target, dest)
					continue
				}
			}
			if anchor != "" && !slices.Contains(anchors[dest], anchor) {
				t.Errorf("%s: link %s: %s has no heading #%s", p, target, dest, anchor)
			}
		}
	}
}

// TestLayout checks that CONTRIBUTING.md's layout lists every package of
// the module, and nothing that is not one.
func TestLayout(t *testing.T) {
	root := testenv.RepoRoot(t)
	cmd := exec.Command("go", "list", "-f", "{{.Dir}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var want []string
	for _, dir := range strings.Fields(string(out)) {
		rel, _ := filepath.Rel(root, dir)
		want = append(want, filepath.ToSlash(rel)+"/")
	}
	contributing := read(t, "CONTRIBUTING.md")
	_, layout, _ := strings.Cut(contributing, "## Layout\n")
	layout, _, _ = strings.Cut(layout, "\n## ")
	var got []string
	for _, line := range strings.Split(layout, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "    ") && len(f) > 0 {
			got = append(got, f[0])
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CONTRIBUTING.md's layout against go list ./... (-packages +listed); add a line for each new package:\n%s", diff)
	}
}

var fenceRE = regexp.MustCompile("(?ms)^```go\n(.*?)^```\n")

// snippet is one Go fence of a document.
type snippet struct {
	page string
	line int
	text string
}

func snippets(t *testing.T) []snippet {
	var out []snippet
	for _, p := range pages(t) {
		if p == "CONTRIBUTING.md" || p == "bench/README.md" {
			continue
		}
		text := read(t, p)
		for _, m := range fenceRE.FindAllStringSubmatchIndex(text, -1) {
			out = append(out, snippet{p, strings.Count(text[:m[2]], "\n") + 1, text[m[2]:m[3]]})
		}
	}
	return out
}

// preamble is what a fragment may use without declaring it: the names
// the guides take for granted.
const preamble = `package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/publish"
	"github.com/assetgen/assetgen/runtime"

	assets "example.com/site/web"
	"example.com/site/web"
%s)

var (
	_ = context.Background
	_ = errors.New
	_ = flag.Bool
	_ = fmt.Sprint
	_ = template.New
	_ = io.EOF
	_ = log.Print
	_ = os.Exit
	_ = testing.Short
	_ = time.Second
	_ = dev.Attach
	_ = media.Open
	_ = publish.VerifyPublished
	_ = runtime.New
	_ = assets.Handler
	_ = web.Handler
)

%s

func _(ctx context.Context, mux *http.ServeMux, w http.ResponseWriter, r *http.Request, store *media.Store, devMode *bool, page *template.Template) {
	var err error
	_ = err
	{
%s
	}
}
`

// TestSnippets type-checks every Go fence of README.md and docs/ against
// the current packages, in a module with a generated package web (with
// css/base.css, img/logo.svg and js/app.js). A fence that starts with a
// package clause is a whole file; any other is a fragment: its imports and
// top-level declarations go into a file, its statements into a function
// that has ctx, mux, w, r, store, devMode, page and err in scope, and the
// packages web (also as assets), media, publish, dev and runtime imported.
// Unused names are not errors in a fragment.
func TestSnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the snippets in a generated module; skipped with -short")
	}
	all := snippets(t)
	if len(all) < 3 {
		t.Fatalf("found %d Go snippets; the README alone has three", len(all))
	}
	dir := t.TempDir()
	testenv.Module(t, dir, "example.com/site", "", map[string]string{
		"web/static/css/base.css": "body { color: #123 }\n",
		"web/static/img/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		"web/static/js/app.js":    "console.log(1)\n",
	})
	t.Chdir(dir)
	if _, err := gen.Generate(t.Context(), gen.Config{Settings: gen.Settings{Dirs: []string{"web/static"}, NoCompress: true}, OutDir: "web", Package: "web"}); err != nil {
		t.Fatal(err)
	}
	where := map[string]snippet{}
	for i, s := range all {
		file, pkgDir := fragment(s.text)
		if pkgDir == "web" {
			file = s.text
		}
		d := filepath.Join(dir, pkgDir)
		if pkgDir != "web" {
			d = filepath.Join(dir, "snippets", fmt.Sprintf("s%02d", i))
		}
		name := filepath.Join(d, fmt.Sprintf("snippet%02d.go", i))
		testenv.WriteTree(t, filepath.Dir(name), map[string]string{filepath.Base(name): file})
		where[name] = s
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo, Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if strings.Contains(e.Msg, "declared and not used") || strings.Contains(e.Msg, "imported and not used") {
				continue
			}
			pos, _, _ := strings.Cut(e.Pos, ":")
			if s, ok := where[pos]; ok {
				t.Errorf("%s: the Go snippet at line %d does not type-check: %s", s.page, s.line, e.Msg)
			} else {
				t.Errorf("%s: %s", e.Pos, e.Msg)
			}
		}
	}
}

// fragment returns the Go file for a snippet, and the package directory it
// belongs in: "web" for a file of package web, else its own.
func fragment(text string) (file, pkgDir string) {
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, "", text, parser.PackageClauseOnly); err == nil {
		if f.Name.Name == "web" {
			return text, "web"
		}
		return text, "main"
	}
	// Hoist import declarations and top-level declarations (lines from a
	// "func", "type", "var" or "const" at column 0 to the next blank
	// line at column 0) out of the statements.
	var imports, decls, body []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "import ("):
			for i++; i < len(lines) && lines[i] != ")"; i++ {
				imports = append(imports, lines[i])
			}
		case strings.HasPrefix(l, "import "):
			imports = append(imports, "\t"+strings.TrimPrefix(l, "import "))
		case strings.HasPrefix(l, "func ") || strings.HasPrefix(l, "type ") || strings.HasPrefix(l, "var ") || strings.HasPrefix(l, "const "):
			for ; i < len(lines); i++ {
				decls = append(decls, lines[i])
				if lines[i] == "}" || lines[i] == ")" || (!strings.HasSuffix(lines[i], "{") && !strings.HasSuffix(lines[i], "(") && len(decls) == 1) {
					break
				}
			}
		default:
			body = append(body, l)
		}
	}
	var kept []string
	for _, im := range imports {
		// Imports the preamble has already would be duplicates.
		if p := strings.TrimSpace(im); p != "" && !strings.Contains(preamble, p) {
			kept = append(kept, im)
		}
	}
	return fmt.Sprintf(preamble, strings.Join(kept, "\n")+"\n", strings.Join(decls, "\n"), strings.Join(body, "\n")), "main"
}
