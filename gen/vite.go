package gen

import (
	"fmt"
	"os"
	"slices"

	"github.com/assetgen/assetgen/gen/internal/find"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/vite"
)

// prehashed marks the files a bundler has already fingerprinted, whose
// names and bytes are left alone: those Config.Prehashed matches and
// those a Vite manifest lists. It returns the Vite aliases (see
// viteEntries) and, for the development-mode file, the files only the
// Vite manifest made prehashed.
func (r *run) prehashed(assets []*asset) (aliases []alias, viteOnly []string, err error) {
	pats, err := find.NewIgnorer(r.cfg.Prehashed)
	if err != nil {
		return nil, nil, &Error{Msg: "-prehashed: " + err.Error()}
	}
	byVite := make([]bool, len(assets))
	if aliases, err = r.viteEntries(assets, byVite); err != nil {
		return nil, nil, err
	}
	for i, a := range assets {
		a.Prehashed = byVite[i] || pats.Ignored(a.Logical)
		if byVite[i] && !pats.Ignored(a.Logical) {
			viteOnly = append(viteOnly, a.Logical)
		}
	}
	return aliases, viteOnly, nil
}

// viteEntries reads Config.ViteManifest: every file it lists is already
// fingerprinted by Vite, so it is prehashed (byVite, by asset index), and
// every entry with a source name gets an identifier under that name
// (src/main.ts → SrcMainTS) for the built chunk, so Go code refers to the
// source it knows rather than a hash it cannot.
func (r *run) viteEntries(assets []*asset, byVite []bool) (aliases []alias, err error) {
	if r.cfg.ViteManifest == "" {
		return nil, nil
	}
	data, err := os.ReadFile(r.cfg.ViteManifest)
	if err != nil {
		return nil, &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("cannot read Vite manifest: %v; fix -vite-manifest", unwrapPathErr(err))}
	}
	entries, err := vite.Parse(slash(r.cfg.ViteManifest), data)
	if err != nil {
		return nil, asErrorList(err)
	}
	taken := map[string]bool{}
	index := make(map[string]int, len(assets))
	for i, a := range assets {
		taken[a.ident] = true
		index[a.Logical] = i
	}
	var errs ErrorList
	mark := func(e vite.Entry, file string) int {
		i, ok := index[file]
		if !ok {
			errs = append(errs, &Error{File: slash(r.cfg.ViteManifest), Msg: fmt.Sprintf("entry %q: %s is in no -dir; pass Vite's outDir as a -dir", e.Key, file)})
			return -1
		}
		byVite[i] = true
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
		aliases = append(aliases, alias{ident: id, source: e.Src, target: i})
	}
	return aliases, errs.err()
}

// alias is an extra identifier for an asset, named after its source.
type alias struct {
	ident  string
	source string
	target int // the asset's index
}
