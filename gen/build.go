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

// graph is what prepare makes: a build node per asset, by index, holding
// its prepared content (nil for a file prepare leaves alone) and its
// resolved references, and the bare module specifiers the import map
// resolved.
type graph struct {
	nodes []build.Node
	bare  [][]build.Ref
}

// prepare minifies each asset (Config.Minify) and finds and resolves the
// references of each CSS and JavaScript one (build.Prepare), before
// anything is named, so that the hash covers the bytes that are served. A
// reference to no asset is an error at its line and column, with the
// closest name as a suggestion, unless an assetgen:allow-missing directive
// in the file or Config.AllowMissing covers it. Prehashed files are a
// bundler's output and are left alone.
func (r *run) prepare(ctx context.Context, assets []*asset, hashes []hashed) (graph, error) {
	g := graph{nodes: make([]build.Node, len(assets)), bare: make([][]build.Ref, len(assets))}
	index := make(map[string]int, len(assets))
	for i, a := range assets {
		g.nodes[i] = build.Node{Logical: a.Logical, Sum: hashes[i].sum, Prehashed: a.Prehashed}
		index[a.Logical] = i
	}
	opt := settings.BuildOptions(r.cfg.Settings)
	exists := func(l string) bool { _, ok := index[l]; return ok }
	closest := func(p string) string {
		return suggest.Closest(p, func(yield func(string) bool) {
			for _, a := range assets {
				if !yield(a.Logical) {
					return
				}
			}
		})
	}
	target := func(l string) *build.Node {
		if i, ok := index[l]; ok {
			return &g.nodes[i]
		}
		return nil
	}
	var errs ErrorList
	problem := func(a *asset, p diag.Diag) *Error { return p.In(slash(a.src.Path)) }
	if r.cfg.ImportMap != "" {
		m, err := r.loadImportMap(index, hashes)
		if err != nil {
			return g, err
		}
		opt.Imports, opt.ImportMapFile = m, slash(r.cfg.ImportMap)
	}
	for i, a := range assets {
		h := &hashes[i]
		if a.Prehashed || !build.Reads(a.Logical, h.contentType, opt) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return g, err
		}
		data, err := h.bytes()
		if err != nil {
			errs = append(errs, &Error{File: slash(a.src.Path), Msg: err.Error()})
			continue
		}
		n := &g.nodes[i]
		p := build.Prepare(a.Logical, h.contentType, data, false, opt)
		if p.NotMinified != nil {
			r.warn("%s: not minified: %v", slash(a.src.Path), p.NotMinified)
		}
		for _, w := range p.Allowed {
			r.warn("%s", w.In(slash(a.src.Path)))
		}
		for _, pr := range p.Problems {
			errs = append(errs, problem(a, pr))
		}
		n.Data = p.Data
		if p.Minified {
			n.Sum = sha256.Sum256(p.Data)
		}
		for _, ref := range p.Bare {
			t := target(ref.Logical)
			if t == nil {
				errs = append(errs, problem(a, diag.Diag{Line: ref.Line, Col: ref.Col, Msg: fmt.Sprintf("%s maps to %s in %s, which is not an asset; fix the map or add the file", ref.Ref, ref.Logical, slash(r.cfg.ImportMap))}))
				continue
			}
			ref.Target = t
			g.bare[i] = append(g.bare[i], ref)
		}
		n.Refs = p.Refs[:0]
		for _, ref := range p.Refs {
			if t := target(ref.Logical); t != nil {
				ref.Target = t
				n.Refs = append(n.Refs, ref)
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
	return g, errs.err()
}

// loadImportMap reads Config.ImportMap and the package.json files of the
// packages it lists, which are assets.
func (r *run) loadImportMap(index map[string]int, hashes []hashed) (*importmap.Map, error) {
	data, err := os.ReadFile(r.cfg.ImportMap)
	if err != nil {
		return nil, &Error{File: slash(r.cfg.ImportMap), Msg: fmt.Sprintf("%v; -importmap names a JSON file of bare specifiers", unwrapPathErr(err))}
	}
	m, err := importmap.Load(slash(r.cfg.ImportMap), data, func(l string) ([]byte, error) {
		i, ok := index[l]
		if !ok {
			return nil, fs.ErrNotExist
		}
		b, err := hashes[i].bytes()
		if err != nil {
			return nil, &Error{File: slash(hashes[i].path), Msg: err.Error()}
		}
		return b, nil
	})
	var d *Error
	if errors.As(err, &d) {
		file := d.File
		if i, ok := index[file]; ok {
			file = slash(hashes[i].path) // a package.json
		}
		return nil, d.In(file)
	}
	return m, err
}

// final is an asset's served content as name leaves it (its prepared and
// rewritten bytes, or the source as hash read it), and whether it is
// copied into the owned directory: when go:embed cannot take the source
// where it lies, or when the served bytes are not the source's.
type final struct {
	content
	owned bool
}

// name gives every asset its final content and fingerprinted name
// (build.Name), and returns the final content by asset and the
// references it rewrote.
func (r *run) name(ctx context.Context, assets []*asset, hashes []hashed, g graph) (out []final, rewritten int, rewrites []Rewrite, err error) {
	nodes := make([]*build.Node, len(g.nodes))
	for i := range g.nodes {
		nodes[i] = &g.nodes[i]
	}
	lines := map[*build.Node][]string{}
	err = build.Name(ctx, nodes, r.cfg.HashLen, func(n *build.Node, final []byte, rewrites []string) []byte {
		if len(rewrites) > 0 {
			lines[n] = rewrites
		}
		return final
	})
	if err != nil {
		return nil, 0, nil, err
	}
	out = make([]final, len(assets))
	for i, a := range assets {
		n, h := nodes[i], hashes[i]
		f := final{content: h.content, owned: a.inPlace == ""}
		if n.Final != nil {
			f.data, f.size, f.sum = n.Final, int64(len(n.Final)), n.Sum
		}
		if f.sum != h.sum { // minified or rewritten: the bytes are only in memory
			f.path, f.owned = "", true
		}
		out[i] = f
		if l := lines[n]; len(l) > 0 && n.Rewritten() {
			rewritten += len(l)
			rewrites = append(rewrites, Rewrite{File: slash(a.src.Path), Refs: l})
		}
	}
	return out, rewritten, rewrites, nil
}
