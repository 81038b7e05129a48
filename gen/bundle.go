package gen

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/gen/internal/minify"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/vite"
)

// minifyAll minifies CSS, JavaScript, SVG and JSON assets (Config.Minify) before their
// references are found and their names hashed, so the hash covers the
// bytes that are served. A file the minifier cannot read is served as it
// is, with a warning. Prehashed files are a bundler's output, already
// minified, and are left alone.
func (r *run) minifyAll(ctx context.Context) error {
	if !r.cfg.Minify {
		return nil
	}
	var errs ErrorList
	for _, a := range r.assets {
		if a.prehashed || !minifiable(a.contentType) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.load(a); err != nil {
			errs = append(errs, err)
			continue
		}
		out, changed, err := minify.Minify(a.contentType, a.data)
		var deep *minify.NestingError
		if errors.As(err, &deep) {
			errs = append(errs, &Error{File: slash(a.src.Path), Line: deep.Line, Col: deep.Col, Msg: strings.TrimPrefix(deep.Error(), fmt.Sprintf("%d:%d: ", deep.Line, deep.Col))})
			continue
		}
		if err != nil {
			r.res.Warnings = append(r.res.Warnings, fmt.Sprintf("%s: not minified: %v", slash(a.src.Path), err))
			continue
		}
		if changed {
			a.data, a.sum, a.size, a.copy = out, sha256.Sum256(out), int64(len(out)), true
		}
	}
	return errs.err()
}

func minifiable(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return mt == "text/css" || mt == "text/javascript" || mt == "image/svg+xml" || mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// load reads an asset's content into a.data, once, checking it is what
// was hashed.
func (r *run) load(a *asset) *Error {
	b, err := content(a)
	if err != nil {
		return &Error{File: slash(a.src.Path), Msg: err.Error()}
	}
	a.data = b
	return nil
}

// content returns an asset's content, a.data if it is loaded, else read
// from disk (without keeping it) and checked against the hashed sum.
func content(a *asset) ([]byte, error) {
	if a.data != nil {
		return a.data, nil
	}
	b, err := os.ReadFile(a.src.Path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	if sha256.Sum256(b) != a.sum {
		return nil, fmt.Errorf("changed while assetgen ran; run it again")
	}
	return b, nil
}

// viteEntries reads Config.ViteManifest: every file it lists is already
// fingerprinted by Vite, so it is prehashed, and every entry with a source
// name gets an identifier under that name (src/main.ts → SrcMainTS) for
// the built chunk, so Go code refers to the source it knows rather than a
// hash it cannot.
func (r *run) viteEntries(context.Context) error {
	if r.cfg.ViteManifest == "" {
		return nil
	}
	data, err := os.ReadFile(r.cfg.ViteManifest)
	if err != nil {
		return &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("cannot read Vite manifest: %v; fix -vite-manifest", unwrapPathErr(err))}
	}
	entries, err := vite.Parse(slash(r.cfg.ViteManifest), data)
	if err != nil {
		return &Error{Msg: err.Error()}
	}
	byLogical := make(map[string]*asset, len(r.assets))
	taken := map[string]bool{}
	for _, a := range r.assets {
		byLogical[a.logical] = a
		taken[a.ident] = true
	}
	var errs ErrorList
	mark := func(e vite.Entry, file string) *asset {
		a := byLogical[file]
		if a == nil {
			errs = append(errs, &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("entry %q: %s is in no -dir; pass Vite's outDir as a -dir", e.Key, file)})
			return nil
		}
		a.prehashed = true
		return a
	}
	for _, e := range entries {
		a := mark(e, e.File)
		for _, f := range slices.Concat(e.CSS, e.Assets) {
			mark(e, f)
		}
		if a == nil || e.Src == "" {
			continue
		}
		id := naming.Ident(e.Src)
		if id == "" || taken[id] {
			errs = append(errs, &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("entry %q: identifier %s is taken; rename the source or the clashing file", e.Key, id)})
			continue
		}
		taken[id] = true
		r.aliases = append(r.aliases, alias{ident: id, source: e.Src, target: a})
	}
	return errs.err()
}

// alias is an extra identifier for an asset, named after its source.
type alias struct {
	ident  string
	source string
	target *asset
}
