// Package build is the asset graph that generate and development mode
// share, so that a page in development sees the names and bytes production
// will serve. It has two steps:
//
//	Prepare  minify one file and find and resolve its references
//	Name     rewrite references to hashed names in dependency order, and
//	         name each file by the hash of its final content
//
// Generate prepares and names every file once. Development mode prepares a
// file when it changes on disk and, at each request, names the files the
// request reaches; Name skips every node whose content and whose targets'
// names are as they were when it was last named (see Node.Dirty), which is
// the esbuild model: the dev server runs the production build, in memory,
// over what changed.
package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/assetgen/assetgen/gen/internal/importmap"
	"github.com/assetgen/assetgen/gen/internal/minify"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/rewrite"
	"github.com/assetgen/assetgen/internal/diag"
)

// Options are the settings that decide what Prepare makes.
type Options struct {
	// Mount is the URL path of the prefix (httpserve.Mount), against
	// which absolute references ("/static/img/a.png") resolve.
	Mount string
	// Minify minifies CSS, JavaScript, SVG and JSON before anything else.
	Minify bool
	// AllowMissing are patterns of references that may name no asset.
	AllowMissing []string
	// Imports resolves bare module specifiers ("lodash-es"); nil leaves
	// them alone, for the page's own import map or a bundler to resolve.
	Imports *importmap.Map
	// ImportMapFile names the file Imports came from, for messages.
	ImportMapFile string
}

// Ref is one local reference of a file, resolved to a logical path.
type Ref struct {
	rewrite.Ref
	Suffix  string // ?query and #fragment, kept
	Logical string // the logical path it resolves to
	// Target is the node Logical names, set by the caller before Name;
	// nil leaves the reference as written.
	Target *Node
}

// Prepared is what Prepare makes of a file.
type Prepared struct {
	Data     []byte      // the content, minified when Options.Minify
	Minified bool        // Data differs from the input
	Refs     []Ref       // local references that resolve, in source order
	Problems []diag.Diag // errors in the file: generate fails, dev shows them
	// NotMinified is why the minifier could not read the file, which is
	// then served as it is: generate warns, development mode logs it.
	NotMinified error
	// Allowed are references to no asset that a directive or pattern
	// allows: generate warns, development mode says nothing.
	Allowed []diag.Diag
	// Bare are the bare module specifiers that Options.Imports resolved,
	// in source order. Their text stays as written (the page's import map
	// maps them), so they are not Refs, which Name rewrites.
	Bare []Ref

	lang       rewrite.Lang
	directives []string // the file's assetgen:allow-missing patterns
}

// Reads reports whether Prepare does anything with a file, so that a
// caller need not read one it leaves alone.
func Reads(logical, contentType string, opt Options) bool {
	_, ok := rewrite.LangOf(logical)
	return ok || opt.Minify && minifiable(contentType)
}

// Prepare minifies a file (Options.Minify) and finds and resolves the
// references of a CSS or JavaScript one. contentType decides what the
// minifier does; a prehashed file is a bundler's output and is left alone.
func Prepare(logical, contentType string, data []byte, prehashed bool, opt Options) Prepared {
	p := Prepared{Data: data}
	if prehashed {
		return p
	}
	if opt.Minify && minifiable(contentType) {
		out, changed, err := minify.Minify(contentType, data)
		var deep *diag.Diag
		switch {
		case errors.As(err, &deep):
			// An error; its references are still found, so that
			// development mode serves the file as it is, rewritten.
			p.Problems = append(p.Problems, *deep)
		case err != nil:
			p.NotMinified = err
		case changed:
			p.Data, p.Minified = out, true
		}
	}
	lang, ok := rewrite.LangOf(logical)
	if !ok {
		return p
	}
	p.lang = lang
	found, directives, err := rewrite.Find(lang, p.Data)
	if err != nil {
		var de *rewrite.DirectiveError
		if errors.As(err, &de) {
			p.Problems = append(p.Problems, de.Diag)
		} else {
			p.Problems = append(p.Problems, diag.Diag{Msg: err.Error()})
		}
		return p
	}
	p.directives = directives
	// A sheet may repeat one URL a million times: resolve each distinct
	// one once, share its strings, and size the list once.
	type key struct {
		kind rewrite.Kind
		url  string
	}
	type resolution struct {
		path, suffix, logical string
		local, ok             bool
	}
	resolved := map[key]*resolution{}
	p.Refs = make([]Ref, 0, len(found))
	for _, f := range found {
		res := resolved[key{f.Kind, f.URL}]
		if res == nil {
			res = &resolution{}
			res.path, res.suffix, res.local = rewrite.Classify(lang, f.Kind, f.URL)
			if res.local {
				res.logical, res.ok = rewrite.Resolve(logical, res.path, opt.Mount)
			}
			resolved[key{f.Kind, f.URL}] = res
		}
		switch {
		case !res.local && opt.Imports != nil && isModuleSpecifier(f.Kind) && importmap.Bare(f.URL):
			if l, ok := opt.Imports.Resolve(res.path); ok {
				p.Bare = append(p.Bare, Ref{Ref: f, Suffix: res.suffix, Logical: l})
				continue
			}
			p.Problems = append(p.Problems, diag.Diag{Line: f.Line, Col: f.Col, Msg: fmt.Sprintf("%s is not in the import map %s; map it under \"imports\", or vendor its package and list it under \"packages\"", f, opt.ImportMapFile)})
		case !res.local:
		case res.ok:
			p.Refs = append(p.Refs, Ref{Ref: f, Suffix: res.suffix, Logical: res.logical})
		default:
			if by := allowedBy(directives, opt.AllowMissing, res.path, res.logical); by != "" {
				p.Allowed = append(p.Allowed, allowedWarning(f, by))
				continue
			}
			p.Problems = append(p.Problems, diag.Diag{Line: f.Line, Col: f.Col, Msg: rewrite.Missing(f, "", false, "")})
		}
	}
	return p
}

// isModuleSpecifier reports whether references of kind k are module
// specifiers, which may be bare.
func isModuleSpecifier(k rewrite.Kind) bool {
	return k == rewrite.KindImport || k == rewrite.KindExport || k == rewrite.KindDynamicImport
}

// Missing says what is wrong with a reference of the file whose target is
// no asset. When the file's assetgen:allow-missing comment or an
// Options.AllowMissing pattern allows it, it is a warning (allowed true)
// that names what allowed it. Otherwise it is a problem; given exists and
// closest (see rewrite.Suggest) it suggests the reference probably meant.
func (p *Prepared) Missing(logical string, r *Ref, opt Options, exists func(string) bool, closest func(string) string) (prob diag.Diag, allowed bool) {
	path, _, _ := rewrite.Classify(p.lang, r.Kind, r.URL)
	if by := allowedBy(p.directives, opt.AllowMissing, path, r.Logical); by != "" {
		return allowedWarning(r.Ref, by), true
	}
	s := ""
	if exists != nil {
		s = rewrite.Suggest(logical, path, opt.Mount, exists, closest)
	}
	return diag.Diag{Line: r.Line, Col: r.Col, Msg: rewrite.Missing(r.Ref, r.Logical, true, s)}, false
}

func allowedWarning(f rewrite.Ref, by string) diag.Diag {
	return diag.Diag{Line: f.Line, Col: f.Col, Msg: fmt.Sprintf("%s not found; allowed by %s", f, by)}
}

// allowedBy names what lets a reference to no asset through: the file's
// own assetgen:allow-missing comment, or the -allow-missing pattern that
// matches it; "" when nothing does. Saying which tells the user where to
// look when the warning should go.
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

// minifiable reports whether Options.Minify applies to a content type.
func minifiable(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return mt == "text/css" || mt == "text/javascript" || mt == "image/svg+xml" || mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// hashedName is a node's fingerprinted logical path for a given sum; a
// prehashed node keeps its own name.
func hashedName(n *Node, sum [sha256.Size]byte, hashLen int) string {
	if n.Prehashed {
		return n.Logical
	}
	return naming.Hashed(n.Logical, hex.EncodeToString(sum[:(hashLen+1)/2])[:hashLen])
}
