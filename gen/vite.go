package gen

import (
	"fmt"
	"os"
	"slices"

	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/vite"
)

// viteEntries reads Config.ViteManifest: every file it lists is already
// fingerprinted by Vite, so it is prehashed, and every entry with a source
// name gets an identifier under that name (src/main.ts → SrcMainTS) for
// the built chunk, so Go code refers to the source it knows rather than a
// hash it cannot.
func (r *run) viteEntries() error {
	if r.cfg.ViteManifest == "" {
		return nil
	}
	data, err := os.ReadFile(r.cfg.ViteManifest)
	if err != nil {
		return &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("cannot read Vite manifest: %v; fix -vite-manifest", unwrapPathErr(err))}
	}
	entries, err := vite.Parse(slash(r.cfg.ViteManifest), data)
	if err != nil {
		return asErrorList(err)
	}
	taken := map[string]bool{}
	for _, a := range r.assets {
		taken[a.ident] = true
	}
	var errs ErrorList
	index := make(map[string]int, len(r.assets))
	for i, a := range r.assets {
		index[a.Logical] = i
	}
	mark := func(e vite.Entry, file string) int {
		i, ok := index[file]
		if !ok {
			errs = append(errs, &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("entry %q: %s is in no -dir; pass Vite's outDir as a -dir", e.Key, file)})
			return -1
		}
		r.assets[i].Prehashed = true
		return i
	}
	for _, e := range entries {
		i := mark(e, e.File)
		for _, f := range slices.Concat(e.CSS, e.Assets) {
			mark(e, f)
		}
		if i < 0 || e.Src == "" {
			continue
		}
		id := naming.Ident(e.Src)
		if id == "" || taken[id] {
			errs = append(errs, &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("entry %q: identifier %s is taken; rename the source or the clashing file", e.Key, id)})
			continue
		}
		taken[id] = true
		r.aliases = append(r.aliases, alias{ident: id, source: e.Src, target: i})
	}
	return errs.err()
}

// alias is an extra identifier for an asset, named after its source.
type alias struct {
	ident  string
	source string
	target int // the asset's index
}
