package gen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/gen/internal/graph"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/rewrite"
	"github.com/assetgen/assetgen/internal/suggest"
)

// ref is one resolved reference from an asset to another.
type ref struct {
	rewrite.Ref
	target *asset // nil when the reference is left alone
	suffix string // ?query and #fragment, kept
}

// findRefs reads every CSS and JavaScript asset, finds its references with
// the lexers of package rewrite, and resolves each local one to the asset it
// names. A reference to no asset is an error at its line and column, with
// the closest name as a suggestion, unless an assetgen:allow-missing
// directive in the file or Config.AllowMissing covers it.
func (r *run) findRefs(ctx context.Context) error {
	byLogical := make(map[string]*asset, len(r.assets))
	for _, a := range r.assets {
		byLogical[a.logical] = a
	}
	mount := rewrite.PrefixPath(r.cfg.Prefix)
	var errs ErrorList
	for _, a := range r.assets {
		lang, ok := rewrite.LangOf(a.logical)
		if !ok || a.prehashed {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.load(a); err != nil {
			errs = append(errs, err)
			continue
		}
		found, allow, err := rewrite.Find(lang, a.data)
		if err != nil {
			var de *rewrite.DirectiveError
			if errors.As(err, &de) {
				errs = append(errs, &Error{File: slash(a.src.Path), Line: de.Line, Col: de.Col, Msg: strings.TrimPrefix(de.Error(), fmt.Sprintf("%d:%d: ", de.Line, de.Col))})
			} else {
				errs = append(errs, &Error{File: slash(a.src.Path), Msg: err.Error()})
			}
			continue
		}
		// A sheet may repeat one URL a million times: resolve each
		// distinct one once, and size the list once.
		resolved := map[refKey]resolution{}
		a.refs = make([]ref, 0, len(found))
		for _, f := range found {
			res, seen := resolved[refKey{f.Kind, f.URL}]
			if !seen {
				res.path, res.suffix, res.local = rewrite.Classify(lang, f.Kind, f.URL)
				if res.local {
					res.logical, res.ok = rewrite.Resolve(a.logical, res.path, mount)
				}
				resolved[refKey{f.Kind, f.URL}] = res
			}
			p, suffix, logical, ok := res.path, res.suffix, res.logical, res.ok
			if !res.local {
				continue
			}
			target := byLogical[logical]
			if !ok || target == nil {
				if by := allowedBy(allow, r.cfg.AllowMissing, p, logical); by != "" {
					r.res.Warnings = append(r.res.Warnings, fmt.Sprintf("%s:%d:%d: %s not found; allowed by %s", slash(a.src.Path), f.Line, f.Col, f, by))
					continue
				}
				errs = append(errs, &Error{File: slash(a.src.Path), Line: f.Line, Col: f.Col, Msg: r.missingMsg(a, f, p, logical, ok, byLogical, mount)})
				continue
			}
			a.refs = append(a.refs, ref{Ref: f, target: target, suffix: suffix})
		}
	}
	return errs.err()
}

// refKey and resolution memoize Classify and Resolve within one file.
type refKey struct {
	kind rewrite.Kind
	url  string
}

type resolution struct {
	path, suffix, logical string
	local, ok             bool
}

// allowedBy names what lets a reference to no asset through: the file's
// own assetgen:allow-missing comment, or the -allow-missing pattern
// (Config.AllowMissing) that matches it; "" when nothing does. Saying which
// tells the user where to look when the warning should go.
func allowedBy(directives, flags []string, p, logical string) string {
	if rewrite.AllowMissing(directives, p, logical) {
		return "an assetgen:allow-missing comment in the file"
	}
	for _, pat := range flags {
		if rewrite.AllowMissing([]string{pat}, p, logical) {
			return fmt.Sprintf("-allow-missing %q", pat)
		}
	}
	return ""
}

// missingMsg says what a reference named and how to fix it, suggesting
// the reference it probably meant (see rewrite.Suggest).
func (r *run) missingMsg(a *asset, f rewrite.Ref, p, logical string, resolved bool, byLogical map[string]*asset, mount string) string {
	s := ""
	if resolved {
		exists := func(l string) bool { return byLogical[l] != nil }
		s = rewrite.Suggest(a.logical, p, mount, exists, func(l string) string { return closest(l, r.assets) })
	}
	return rewrite.Missing(f, logical, resolved, s)
}

// closest returns the logical path closest to p, if one is close.
func closest(p string, assets []*asset) string {
	return suggest.Closest(p, func(yield func(string) bool) {
		for _, a := range assets {
			if !yield(a.logical) {
				return
			}
		}
	})
}

// nameAll gives every asset its final content and fingerprinted name, in
// dependency order, so that an asset's name covers the final names of
// everything it references, transitively.
//
// References form a graph; its strongly connected components are named one
// at a time, dependencies first. A component of one asset that does not
// reference itself is the common case: its references are rewritten to the
// targets' final names and its name is the hash of the result. A cycle
// (a.css imports b.css imports a.css) cannot be ordered, so its members are
// named together: each member's references to assets outside the cycle are
// rewritten first, the cycle's digest is the SHA-256 of every member's
// logical path and partly rewritten content in logical-path order, and each
// member's fingerprint is the SHA-256 of that digest and its own logical
// path. Then the references inside the cycle are rewritten to those names.
// Any change to any member renames every member; the names depend on
// content alone, so they are stable from run to run; there is no pass
// limit. A member's integrity and ETag are still the hash of its final
// bytes.
func (r *run) nameAll(ctx context.Context) error {
	index := make(map[*asset]int, len(r.assets))
	for i, a := range r.assets {
		index[a] = i
	}
	edges := func(i int) []int {
		var out []int
		for _, f := range r.assets[i].refs {
			out = append(out, index[f.target])
		}
		return out
	}
	comps := graph.Components(len(r.assets), edges)
	for _, comp := range comps {
		if err := ctx.Err(); err != nil {
			return err
		}
		members := make([]*asset, len(comp))
		for i, n := range comp {
			members[i] = r.assets[n]
		}
		if !graph.Cyclic(comp, edges) {
			r.nameOne(members[0])
			continue
		}
		r.nameCycle(members)
	}
	return nil
}

// nameOne rewrites an asset's references, whose targets are all named, and
// names it by the hash of the result.
func (r *run) nameOne(a *asset) {
	if len(a.refs) > 0 {
		r.rewriteRefs(a, func(*asset) bool { return true })
		a.sum = sha256.Sum256(a.data)
		a.size = int64(len(a.data))
	}
	a.hashed = r.hashedName(a, a.sum)
}

// nameCycle names the members of one strongly connected component.
func (r *run) nameCycle(members []*asset) {
	in := make(map[*asset]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	slices.SortFunc(members, func(a, b *asset) int { return strings.Compare(a.logical, b.logical) })
	// Outside references first, so the digest covers the names of
	// everything the cycle reaches.
	logicals := make([]string, len(members))
	partial := make([][]byte, len(members))
	for i, m := range members {
		logicals[i] = m.logical
		partial[i] = r.applyRefs(m, func(t *asset) bool { return !in[t] })
	}
	for i, sum := range naming.CycleSums(logicals, partial) {
		members[i].hashed = r.hashedName(members[i], sum)
	}
	for _, m := range members {
		r.rewriteRefs(m, func(*asset) bool { return true })
		m.sum = sha256.Sum256(m.data)
		m.size = int64(len(m.data))
	}
}

// hashedName is an asset's fingerprinted logical path for a given sum; a
// prehashed asset keeps its own name.
func (r *run) hashedName(a *asset, sum [sha256.Size]byte) string {
	if a.prehashed {
		return a.logical
	}
	return naming.Hashed(a.logical, hex.EncodeToString(sum[:(r.cfg.HashLen+1)/2])[:r.cfg.HashLen])
}

// rewriteRefs replaces an asset's content with its references, those whose
// targets pass use, rewritten; the asset then lives in the owned directory.
func (r *run) rewriteRefs(a *asset, use func(*asset) bool) {
	out, lines := r.applyRefsLog(a, use)
	if string(out) != string(a.data) {
		a.data = out
		a.copy = true
		r.res.Rewritten += len(lines)
		r.res.Rewrites = append(r.res.Rewrites, Rewrite{File: slash(a.src.Path), Refs: lines})
	}
}

// applyRefs returns an asset's content with the references whose targets
// pass use pointing at the targets' hashed names, relative to the asset's
// own directory, so that they keep working when the prefix becomes a CDN
// origin. Other references keep their text.
func (r *run) applyRefs(a *asset, use func(*asset) bool) []byte {
	out, _ := r.applyRefsLog(a, use)
	return out
}

// applyRefsLog is applyRefs that also says what it changed, for -v.
func (r *run) applyRefsLog(a *asset, use func(*asset) bool) ([]byte, []string) {
	type key struct {
		target *asset
		suffix string
	}
	urls := map[key]string{} // one string for each repeated URL
	var lines []string
	used := false
	out := rewrite.ApplyFunc(a.data, len(a.refs), func(i int) (*rewrite.Ref, string) {
		f := &a.refs[i]
		if !use(f.target) {
			return nil, ""
		}
		used = true
		u, ok := urls[key{f.target, f.suffix}]
		if !ok {
			u = rewrite.Relative(a.logical, f.target.hashed) + f.suffix
			urls[key{f.target, f.suffix}] = u
		}
		if u != f.URL {
			lines = append(lines, fmt.Sprintf("%d:%d %s -> %s", f.Line, f.Col, f.URL, rewrite.AsWritten(f.Ref, u)))
		}
		return &f.Ref, u
	})
	if !used {
		return a.data, nil
	}
	return out, lines
}
