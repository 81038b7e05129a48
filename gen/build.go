package gen

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/assetgen/assetgen/gen/internal/build"
	"github.com/assetgen/assetgen/gen/internal/importmap"
	"github.com/assetgen/assetgen/gen/internal/settings"
	"github.com/assetgen/assetgen/internal/diag"
	"github.com/assetgen/assetgen/internal/suggest"
)

// prepare minifies each asset (Config.Minify) and finds and resolves the
// references of each CSS and JavaScript one (build.Prepare), before
// anything is named, so that the hash covers the bytes that are served. A
// reference to no asset is an error at its line and column, with the
// closest name as a suggestion, unless an assetgen:allow-missing directive
// in the file or Config.AllowMissing covers it. Prehashed files are a
// bundler's output and are left alone.
func (r *run) prepare(ctx context.Context) error {
	opt := settings.BuildOptions(r.cfg.Settings)
	exists := func(l string) bool { return r.byLogical[l] != nil }
	closest := func(p string) string {
		return suggest.Closest(p, func(yield func(string) bool) {
			for _, a := range r.assets {
				if !yield(a.Logical) {
					return
				}
			}
		})
	}
	var errs ErrorList
	problem := func(a *asset, p diag.Diag) *Error { return p.In(slash(a.src.Path)) }
	if r.cfg.ImportMap != "" {
		m, err := r.loadImportMap()
		if err != nil {
			return err
		}
		opt.Imports, opt.ImportMapFile = m, slash(r.cfg.ImportMap)
	}
	for _, a := range r.assets {
		if a.Prehashed || !build.Reads(a.Logical, a.contentType, opt) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.load(a); err != nil {
			errs = append(errs, err)
			continue
		}
		p := build.Prepare(a.Logical, a.contentType, a.Data, false, opt)
		if p.NotMinified != nil {
			r.warn("%s: not minified: %v", slash(a.src.Path), p.NotMinified)
		}
		for _, w := range p.Allowed {
			r.warn("%s", w.In(slash(a.src.Path)))
		}
		for _, pr := range p.Problems {
			errs = append(errs, problem(a, pr))
		}
		if p.Minified {
			a.Data, a.Sum, a.size, a.owned = p.Data, sha256.Sum256(p.Data), int64(len(p.Data)), true
		}
		a.bare = nil
		for _, ref := range p.Bare {
			t := r.byLogical[ref.Logical]
			if t == nil {
				errs = append(errs, problem(a, diag.Diag{Line: ref.Line, Col: ref.Col, Msg: fmt.Sprintf("%s maps to %s in %s, which is not an asset; fix the map or add the file", ref.Ref, ref.Logical, slash(r.cfg.ImportMap))}))
				continue
			}
			ref.Target = &t.Node
			a.bare = append(a.bare, ref)
		}
		a.Refs = p.Refs[:0]
		for _, ref := range p.Refs {
			if t := r.byLogical[ref.Logical]; t != nil {
				ref.Target = &t.Node
				a.Refs = append(a.Refs, ref)
				continue
			}
			switch pr, allowed := p.Missing(a.Logical, &ref, opt, exists, closest); {
			case allowed:
				r.warn("%s", pr.In(slash(a.src.Path)))
			default:
				errs = append(errs, problem(a, pr))
			}
		}
	}
	return errs.err()
}

// loadImportMap reads Config.ImportMap and the package.json files of the
// packages it lists, which are assets.
func (r *run) loadImportMap() (*importmap.Map, error) {
	data, err := os.ReadFile(r.cfg.ImportMap)
	if err != nil {
		return nil, &Error{File: slash(r.cfg.ImportMap), Msg: fmt.Sprintf("%v; -importmap names a JSON file of bare specifiers", unwrapPathErr(err))}
	}
	m, err := importmap.Load(slash(r.cfg.ImportMap), data, func(l string) ([]byte, error) {
		a := r.byLogical[l]
		if a == nil {
			return nil, fs.ErrNotExist
		}
		if err := r.load(a); err != nil {
			return nil, err
		}
		return a.Data, nil
	})
	var d *Error
	if errors.As(err, &d) {
		file := d.File
		if a := r.byLogical[file]; a != nil {
			file = slash(a.src.Path) // a package.json
		}
		return nil, d.In(file)
	}
	return m, err
}

// name gives every asset its final content and fingerprinted name
// (build.Name), and returns the references it rewrote. An asset whose
// references were rewritten lives in the owned directory from then on.
func (r *run) name(ctx context.Context) (rewritten int, rewrites []Rewrite, err error) {
	nodes := make([]*build.Node, len(r.assets))
	for i, a := range r.assets {
		nodes[i] = &a.Node
	}
	lines := map[*build.Node][]string{}
	err = build.Name(ctx, nodes, r.cfg.HashLen, func(n *build.Node, final []byte, rewrites []string) []byte {
		if len(rewrites) > 0 {
			lines[n] = rewrites
		}
		return final
	})
	if err != nil {
		return 0, nil, err
	}
	for _, a := range r.assets {
		if !a.Rewritten() {
			continue
		}
		a.owned, a.size = true, int64(len(a.Final))
		if l := lines[&a.Node]; len(l) > 0 {
			rewritten += len(l)
			rewrites = append(rewrites, Rewrite{File: slash(a.src.Path), Refs: l})
		}
	}
	return rewritten, rewrites, nil
}
