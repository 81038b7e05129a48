package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/unitchecker"
	"golang.org/x/tools/go/packages"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/gen/analyzer"
	"github.com/assetgen/assetgen/internal/suggest"
	"github.com/assetgen/assetgen/internal/tmplcheck"
)

// isVetTool reports whether the go command runs assetgen as a vet tool
// (go vet -vettool=$(which assetgen)): it asks for the version with
// -V=full, for the flags with -flags, and then passes one unit.cfg file.
// None of these is a valid generate command line.
func isVetTool(args []string) bool {
	if len(args) == 0 {
		return false
	}
	return args[0] == "-V=full" || args[0] == "-flags" || strings.HasSuffix(args[len(args)-1], ".cfg")
}

// runVetTool hands the process to unitchecker, which reads os.Args and
// exits.
func runVetTool() {
	unitchecker.Main(analyzer.Analyzer)
}

// templateExts are the file name extensions that check -unused scans for
// template uses when no -templates pattern is given.
var templateExts = []string{".html", ".tmpl", ".gohtml", ".gotmpl"}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("assetgen check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var templates stringsFlag
	fs.Var(&templates, "templates", "check static and integrity calls in template files matching `glob` (** for any depth), repeatable")
	unused := fs.Bool("unused", false, "also list assets that no Go code, template, CSS or JavaScript refers to")
	tests := fs.Bool("test", true, "count uses in _test.go files")
	preferTyped := fs.Bool("prefer-typed", false, "also report URL, MustURL and Lookup calls with a valid constant path, suggesting the typed constant")
	verbose := fs.Bool("v", false, "list template calls with a computed path, which cannot be checked")
	printHelp := usage(fs, stderr, "assetgen check [-unused] [-templates GLOB]... [packages]")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp()
			return exitOK
		}
		fmt.Fprintf(stderr, "assetgen check: %v\n", err)
		printHelp()
		return exitUsage
	}
	analyzer.Analyzer.Flags.Set("prefer-typed", strconv.FormatBool(*preferTyped))
	c := &check{ctx: ctx, stdout: stdout, stderr: stderr, templates: templates, tests: *tests, verbose: *verbose}
	return c.run(fs.Args(), *unused)
}

// check is one run of "assetgen check".
type check struct {
	ctx            context.Context
	stdout, stderr io.Writer
	templates      []string
	tests, verbose bool

	roots []*packages.Package
	gen   map[string]*genPackage // generated packages among the roots, by import path
	used  map[string]map[string]bool
	found int // problems reported
}

// genPackage is a generated package and its manifest.
type genPackage struct {
	path, name, dir string
	manifest        manifest
}

// manifest is the part of a generated manifest.json that check reads.
type manifest struct {
	Assets map[string]manifestEntry `json:"assets"`
}

type manifestEntry struct {
	Refs     []string `json:"refs"`     // logical paths the asset's CSS or JavaScript refers to
	Embedded string   `json:"embedded"` // name in the package's embed.FS
}

func (c *check) run(patterns []string, unused bool) int {
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	cfg := &packages.Config{Context: c.ctx, Mode: packages.LoadAllSyntax, Tests: c.tests}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		fmt.Fprintf(c.stderr, "assetgen check: %v\n", err)
		return exitInput
	}
	if n := printLoadErrors(c.stderr, pkgs); n > 0 {
		return exitInput
	}
	c.roots = pkgs
	graph, err := checker.Analyze([]*analysis.Analyzer{analyzer.Analyzer}, pkgs, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "assetgen check: %v\n", err)
		return exitInput
	}
	if err := c.collect(graph); err != nil {
		fmt.Fprintf(c.stderr, "assetgen check: %v\n", err)
		return exitInput
	}
	tmplUsed, err := c.checkTemplates(unused)
	if err != nil {
		fmt.Fprintf(c.stderr, "assetgen check: %v\n", err)
		return exitInput
	}
	if unused {
		c.reportUnused(tmplUsed)
	}
	if c.found > 0 {
		return exitInput
	}
	return exitOK
}

// printLoadErrors prints the errors of packages that did not load or type
// check, which the analysis cannot look into.
func printLoadErrors(w io.Writer, pkgs []*packages.Package) int {
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			if s := e.Error(); !seen[s] {
				seen[s] = true
				fmt.Fprintln(w, s)
			}
		}
	})
	return len(seen)
}

// collect prints the analyzer's diagnostics for the root packages, sorted
// and once each (a package and its test variant report the same ones), and
// gathers the generated packages and the assets the Go code uses.
func (c *check) collect(graph *checker.Graph) error {
	c.gen, c.used = map[string]*genPackage{}, map[string]map[string]bool{}
	var lines []tmplcheck.Diag
	for _, act := range graph.Roots {
		if act.Err != nil {
			return fmt.Errorf("%s: %w", act.Package.PkgPath, act.Err)
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			lines = append(lines, tmplcheck.Diag{File: relPath(pos.Filename), Line: pos.Line, Col: pos.Column, Msg: d.Message})
		}
		res, _ := act.Result.(*analyzer.Result)
		if res == nil {
			continue
		}
		for pkg, paths := range res.Used {
			if c.used[pkg] == nil {
				c.used[pkg] = map[string]bool{}
			}
			for _, p := range paths {
				c.used[pkg][p] = true
			}
		}
		if res.Manifest != "" && c.gen[act.Package.PkgPath] == nil {
			g := &genPackage{path: act.Package.PkgPath, name: act.Package.Name, dir: filepath.Dir(res.Manifest)}
			b, err := os.ReadFile(res.Manifest)
			if err == nil {
				err = json.Unmarshal(b, &g.manifest)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", relPath(res.Manifest), err)
			}
			c.gen[g.path] = g
		}
	}
	c.print(lines)
	return nil
}

// print writes problems sorted by file and position, without repeats, and
// counts them.
func (c *check) print(lines []tmplcheck.Diag) {
	slices.SortFunc(lines, func(a, b tmplcheck.Diag) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Msg, b.Msg))
	})
	lines = slices.Compact(lines)
	for _, l := range lines {
		fmt.Fprintln(c.stdout, l.String())
	}
	c.found += len(lines)
}

// checkTemplates scans the template files and returns the constant paths
// they use. Files named by -templates are checked too: a path that is an
// asset of no generated package, a wrong number of arguments and a file
// that does not parse are reported. Without -templates, and only for
// -unused, it scans the template-like files under the root packages'
// directories for uses, and reports nothing about them: they may well be
// templates of another kind.
func (c *check) checkTemplates(unused bool) (map[string]bool, error) {
	var files []string
	explicit := len(c.templates) > 0
	switch {
	case explicit:
		var err error
		if files, err = tmplcheck.Glob(c.ctx, c.templates); err != nil {
			return nil, err
		}
	case unused:
		files = c.templateFiles()
	default:
		return nil, nil
	}
	refs, bad, err := tmplcheck.Scan(c.ctx, files)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var lines []tmplcheck.Diag
	if explicit {
		for _, d := range bad {
			d.File = relPath(d.File)
			lines = append(lines, d)
		}
	}
	for _, r := range refs {
		at := tmplcheck.Diag{File: relPath(r.File), Line: r.Line, Col: r.Col}
		switch {
		case r.Literal:
			used[r.Path] = true
			if explicit && !c.isAsset(r.Path) {
				at.Msg = c.missing(r)
				lines = append(lines, at)
			}
		case explicit && r.NArgs != 1:
			at.Msg = fmt.Sprintf("%s takes one argument, a logical path such as \"css/base.css\"; it has %d", r.Func, r.NArgs)
			lines = append(lines, at)
		case c.verbose:
			at.Msg = r.Func + " with a computed argument is not checked"
			fmt.Fprintln(c.stderr, at.String())
		}
	}
	c.print(lines)
	return used, nil
}

// isAsset reports whether p is an asset of any generated root package:
// templates do not say whose FuncMap they use.
func (c *check) isAsset(p string) bool {
	for _, g := range c.gen {
		if _, ok := g.manifest.Assets[p]; ok {
			return true
		}
	}
	return false
}

func (c *check) missing(r tmplcheck.Ref) string {
	s := suggest.Closest(r.Path, func(yield func(string) bool) {
		for _, g := range c.gen {
			for p := range g.manifest.Assets {
				if !yield(p) {
					return
				}
			}
		}
	})
	if s != "" {
		return fmt.Sprintf("%s: %s is not an asset; did you mean %s?", r.Func, r.Path, s)
	}
	return fmt.Sprintf("%s: %s is not an asset; fix the path or add the file", r.Func, r.Path)
}

// templateFiles lists the files with a template extension below the root
// packages' directories, skipping directories that start with "." or "_",
// testdata, and nested modules.
func (c *check) templateFiles() []string {
	var files []string
	seen := map[string]bool{}
	for _, p := range c.roots {
		if len(p.GoFiles) == 0 {
			continue
		}
		root := filepath.Dir(p.GoFiles[0])
		if seen[root] {
			continue
		}
		seen[root] = true
		filepath.WalkDir(root, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if f != root && skipDir(f, d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if slices.Contains(templateExts, filepath.Ext(f)) {
				files = append(files, f)
			}
			return nil
		})
	}
	slices.Sort(files)
	return slices.Compact(files)
}

func skipDir(dir, name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules" {
		return true
	}
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}

// reportUnused lists, for each generated root package, the assets that
// nothing refers to: not Go code (by identifier or constant path), not a
// template (by constant path), and not the CSS or JavaScript of an asset
// that is itself used (the manifest's refs, followed transitively).
func (c *check) reportUnused(tmplUsed map[string]bool) {
	var lines []tmplcheck.Diag
	for _, g := range c.gen {
		used := map[string]bool{}
		var queue []string
		mark := func(p string) {
			if _, ok := g.manifest.Assets[p]; ok && !used[p] {
				used[p] = true
				queue = append(queue, p)
			}
		}
		for p := range c.used[g.path] {
			mark(p)
		}
		for p := range tmplUsed {
			mark(p)
		}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, r := range g.manifest.Assets[p].Refs {
				mark(r)
			}
		}
		for p, e := range g.manifest.Assets {
			if !used[p] {
				lines = append(lines, tmplcheck.Diag{File: relPath(g.source(e)), Msg: fmt.Sprintf("unused asset %s (package %s)", p, g.name)})
			}
		}
	}
	c.print(lines)
}

// source names the file an asset was embedded from; for one copied into
// the owned directory, whose name is a hash, the package directory.
func (g *genPackage) source(e manifestEntry) string {
	if e.Embedded == "" || strings.HasPrefix(e.Embedded, gen.OwnedDir+"/") {
		return g.dir
	}
	return filepath.Join(g.dir, filepath.FromSlash(e.Embedded))
}

// relPath names a file relative to the working directory when it lies
// below it, slash-separated.
func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return path.Clean(filepath.ToSlash(p))
}
