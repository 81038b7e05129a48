package runtime

import (
	"cmp"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"text/template/parse"

	"github.com/assetgen/assetgen/internal/suggest"
	"github.com/assetgen/assetgen/internal/tmplwalk"
)

// FuncMap returns the template functions for the Set's assets, for
// html/template and text/template alike (both FuncMap types are
// map[string]any underneath, so the result converts to either or can be
// passed to Funcs as is):
//
//	static "css/base.css"     the asset's URL, as URL returns it
//	integrity "css/base.css"  the asset's Subresource Integrity string
//	importmap "js/app.js"...  the import map for those entries' modules, a
//	                          whole script element (ImportMap); with no
//	                          argument, for every module of the package
//	preload "js/app.js"...    link elements preloading what those entries
//	                          fetch first (Preload, PreloadHTML)
//
// An unknown path makes the call return an error, which stops the template
// with a message naming the template, the line and the path. Check the
// templates with CheckTemplates before serving, or at generate time with
// assetgen -templates, to find such paths first.
//
// The functions of the maps in more join them, so that one call gives a
// page every function it uses: the media store's, and one's own:
//
//	template.New("page").Funcs(assets.FuncMap(store.FuncMap(), template.FuncMap{"upper": strings.ToUpper}))
//
// A name defined twice is a mistake in the program, and FuncMap panics
// naming it, as Funcs panics on a value that is not a function: one map
// silently replacing another's function would change what a template
// calls. Each call returns a fresh map.
func (s *Set) FuncMap(more ...map[string]any) map[string]any {
	m := s.funcs()
	for _, fm := range more {
		for _, name := range slices.Sorted(maps.Keys(fm)) {
			if _, dup := m[name]; dup {
				panic(fmt.Sprintf("runtime: template function %q is defined twice; rename or delete one", name))
			}
			m[name] = fm[name]
		}
	}
	return m
}

// funcs returns the Set's own template functions.
func (s *Set) funcs() map[string]any {
	return map[string]any{
		"static": func(p string) (string, error) { return s.URL(p) },
		"integrity": func(p string) (string, error) {
			a, ok := s.Lookup(p)
			if !ok {
				return "", &NotFoundError{Path: p}
			}
			return a.Integrity(), nil
		},
		"importmap": func(paths ...string) (template.HTML, error) {
			entries, err := s.lookupAll(paths)
			if err != nil {
				return "", err
			}
			return template.HTML(`<script type="importmap">` + string(s.ImportMap(entries...)) + "</script>"), nil
		},
		"preload": func(paths ...string) (template.HTML, error) {
			entries, err := s.lookupAll(paths)
			if err != nil {
				return "", err
			}
			return PreloadHTML(s.Preload(entries...)), nil
		},
	}
}

// lookupAll returns the assets at paths, or a *NotFoundError for the first
// unknown one.
func (s *Set) lookupAll(paths []string) ([]Asset, error) {
	out := make([]Asset, len(paths))
	for i, p := range paths {
		a, ok := s.Lookup(p)
		if !ok {
			return nil, &NotFoundError{Path: p}
		}
		out[i] = a
	}
	return out, nil
}

// CheckTemplates returns an error for each call of static or integrity in
// the given template trees whose argument is a string constant that names
// no asset, and for each call with other than one argument. Calls with a
// computed argument ({{static .Path}}) cannot be checked and are skipped.
//
// It takes parse trees so that it serves html/template and text/template
// alike; a template's trees are those of its associated templates:
//
//	for _, t := range tmpl.Templates() {
//		errs = append(errs, assets.CheckTemplates(t.Tree)...)
//	}
//
// Each error reads "name:line:col: static: css/bse.css is not an asset;
// did you mean css/base.css?", where name is the name the text was parsed
// under (the file's base name for ParseFiles and ParseFS), and unwraps to a
// *NotFoundError for an unknown path. The errors are sorted by position;
// a call that several trees share (html/template copies trees while
// escaping) is reported once. Nil trees are skipped.
func (s *Set) CheckTemplates(trees ...*parse.Tree) []error {
	var found []*templateError
	seen := map[templateError]bool{}
	for _, tree := range trees {
		for _, c := range tmplwalk.Calls(tree, tmplwalk.Funcs) {
			e := s.checkCall(tree, c)
			if e == nil || seen[*e] {
				continue
			}
			seen[*e] = true
			found = append(found, e)
		}
	}
	slices.SortFunc(found, compareTemplateErrors)
	errs := make([]error, len(found))
	for i, e := range found {
		errs[i] = e
	}
	return errs
}

// checkCall returns the error for one call, or nil when it is fine or
// cannot be checked.
func (s *Set) checkCall(tree *parse.Tree, c tmplwalk.Call) *templateError {
	e := &templateError{Func: c.Func, NArgs: c.NArgs}
	e.Name, e.Line, e.Col = tmplwalk.Position(tree, c.Node)
	switch {
	case c.NArgs != 1:
		return e
	case !c.Literal:
		return nil
	}
	if _, ok := s.byPath[c.Path]; ok {
		return nil
	}
	e.Path = c.Path
	e.Suggestion = suggest.Closest(c.Path, maps.Keys(s.byPath))
	return e
}

// templateError is one bad call found by CheckTemplates: an unknown path,
// or (Path "") a call with NArgs other than one.
type templateError struct {
	Name       string
	Line, Col  int
	Func       string
	NArgs      int
	Path       string
	Suggestion string
}

func (e *templateError) Error() string {
	loc := e.Name
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", e.Name, e.Line, e.Col)
	}
	switch {
	case e.NArgs != 1:
		return fmt.Sprintf("%s: %s takes one argument, a logical path such as \"css/base.css\"; it has %d", loc, e.Func, e.NArgs)
	case e.Suggestion != "":
		return fmt.Sprintf("%s: %s: %s is not an asset; did you mean %s?", loc, e.Func, e.Path, e.Suggestion)
	}
	return fmt.Sprintf("%s: %s: %s is not an asset; fix the path or add the file", loc, e.Func, e.Path)
}

// Unwrap returns a *NotFoundError for an unknown path, so that errors.As
// and errors.Is(err, fs.ErrNotExist) work as they do for URL's errors.
func (e *templateError) Unwrap() error {
	if e.NArgs != 1 {
		return nil
	}
	return &NotFoundError{Path: e.Path}
}

func compareTemplateErrors(a, b *templateError) int {
	return cmp.Or(
		strings.Compare(a.Name, b.Name),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		strings.Compare(a.Error(), b.Error()),
	)
}
