// Package tmplcheck checks, at generate time, the template files that use
// the generated package's FuncMap: every {{static "path"}} and
// {{integrity "path"}} whose argument is a string constant must name an
// asset. Templates are parsed with the real text/template/parse package,
// which html/template uses too, with function checks off, so templates that
// use functions of their own parse as they are.
//
// It lives in the module's internal directory rather than gen/internal
// because both gen (the generate-time check) and cmd/assetgen ("assetgen
// check", which also counts template uses for -unused) import it.
package tmplcheck

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"

	"github.com/assetgen/assetgen/internal/diag"
	"github.com/assetgen/assetgen/internal/tmplwalk"
)

// Ref is one call of static or integrity in a template file.
type Ref struct {
	File      string // as passed to Scan
	Line, Col int    // 1-based; Col counts bytes
	Func      string // "static" or "integrity"
	Path      string // the argument, when Literal
	Literal   bool   // one argument, a string constant
	NArgs     int    // arguments, counting a piped value
}

// Scan parses each file as a template and returns its calls of static and
// integrity, sorted by file and position, and a diag.Diag for each file that
// does not parse. Each file is parsed on its own, so that two pages may
// each define a template of the same name, as is common with a layout
// ({{define "content"}}). Only an I/O error or a cancelled ctx is an error.
func Scan(ctx context.Context, files []string) (refs []Ref, bad []diag.Diag, err error) {
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		text, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, err
		}
		trees, d := parseFile(file, string(text))
		if d != nil {
			bad = append(bad, *d)
			continue
		}
		for _, tree := range trees {
			for _, c := range tmplwalk.Calls(tree, tmplwalk.Funcs) {
				_, line, col := tmplwalk.Position(tree, c.Node)
				refs = append(refs, Ref{File: file, Line: line, Col: col, Func: c.Func, Path: c.Path, Literal: c.Literal, NArgs: c.NArgs})
			}
		}
	}
	slices.SortFunc(refs, func(a, b Ref) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return slices.Compact(refs), bad, nil
}

// parseFile parses text into its trees, named file for positions.
func parseFile(file, text string) (map[string]*parse.Tree, *diag.Diag) {
	trees := map[string]*parse.Tree{}
	t := parse.New(filepath.Base(file))
	t.Mode = parse.SkipFuncCheck
	if _, err := t.Parse(text, "", "", trees); err != nil {
		d := parseError(file, err)
		return nil, &d
	}
	return trees, nil
}

// parseError turns "template: name:12: unexpected EOF" into a diag.Diag at
// line 12 of file.
func parseError(file string, err error) diag.Diag {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	d := diag.Diag{File: file}
	name := filepath.Base(file) + ":"
	if rest, ok := strings.CutPrefix(msg, name); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil {
				d.Line, msg = line, after
			}
		}
	}
	d.Msg = "does not parse as a template: " + msg + "; fix it or leave it out of the template patterns"
	return d
}

// Check scans files and reports each call whose argument is a string
// constant for which known is false, with suggest's answer as a "did you
// mean" when it has one, and each call with other than one argument.
// Files that do not parse are reported too. Calls with a computed argument
// come back separately in dynamic: they are not errors, but a verbose run
// lists them as what could not be checked.
func Check(ctx context.Context, files []string, known func(logical string) bool, suggest func(logical string) string) (diags, dynamic []diag.Diag, err error) {
	refs, diags, err := Scan(ctx, files)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range refs {
		at := diag.Diag{File: r.File, Line: r.Line, Col: r.Col}
		switch {
		case r.NArgs != 1:
			at.Msg = fmt.Sprintf("%s takes one argument, a logical path such as \"css/base.css\"; it has %d", r.Func, r.NArgs)
			diags = append(diags, at)
		case !r.Literal:
			at.Msg = fmt.Sprintf("%s with a computed argument is not checked", r.Func)
			dynamic = append(dynamic, at)
		case !known(r.Path):
			at.Msg = fmt.Sprintf("%s: %s is not an asset; fix the path or add the file", r.Func, r.Path)
			if s := suggest(r.Path); s != "" {
				at.Msg = fmt.Sprintf("%s: %s is not an asset; did you mean %s?", r.Func, r.Path, s)
			}
			diags = append(diags, at)
		}
	}
	return diags, dynamic, nil
}
