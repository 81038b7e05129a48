package gen

import (
	"context"
	"fmt"

	"github.com/assetgen/assetgen/internal/suggest"
	"github.com/assetgen/assetgen/internal/tmplcheck"
)

// checkTemplates parses the template files that Config.Templates names and
// reports every {{static "path"}} and {{integrity "path"}} whose constant
// path names no asset of the package, with the closest path as a
// suggestion. Calls with a computed path are listed in Result.Unchecked.
// It runs before compression so that a typo fails fast.
func (r *run) checkTemplates(ctx context.Context, assets []*asset) (unchecked []string, err error) {
	if len(r.cfg.Templates) == 0 {
		return nil, nil
	}
	files, err := tmplcheck.Glob(ctx, r.cfg.Templates)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, &Error{Msg: err.Error()}
	}
	known := make(map[string]bool, len(assets))
	for _, a := range assets {
		known[a.Logical] = true
	}
	paths := func(yield func(string) bool) {
		for _, a := range assets {
			if !yield(a.Logical) {
				return
			}
		}
	}
	diags, dynamic, err := tmplcheck.Check(ctx, files,
		func(p string) bool { return known[p] },
		func(p string) string { return suggest.Closest(p, paths) })
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, &Error{Msg: fmt.Sprintf("reading templates: %v", err)}
	}
	for _, d := range dynamic {
		unchecked = append(unchecked, d.String())
	}
	var errs ErrorList
	for _, d := range diags {
		errs = append(errs, d.In(slash(d.File)))
	}
	return unchecked, errs.err()
}
