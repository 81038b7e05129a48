package dev

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/gen/internal/graph"
	"github.com/assetgen/assetgen/gen/internal/mediatype"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/rewrite"
	"github.com/assetgen/assetgen/runtime"
)

// The naming here is gen's nameAll (gen/refs.go) over the files one
// request reaches, so that development mode gives the names production
// will: each file's references are rewritten to its targets' hashed
// names, dependencies first, and a cycle of references is named as one,
// by the digest of its members. A node keeps its name while its content
// and its targets' names are unchanged.

// nameAlone names a file that references nothing.
func (s *Source) nameAlone(n *node) { s.nameOne(n, nil) }

// nameReachable names again, in dependency order, every node of seen
// whose content or targets' names changed.
func (s *Source) nameReachable(seen map[string]*node) {
	keys := sortedKeys(seen)
	index := make(map[string]int, len(keys))
	for i, k := range keys {
		index[k] = i
	}
	comps := graph.Components(len(keys), func(i int) []int {
		var out []int
		for _, r := range seen[keys[i]].refs {
			if j, ok := index[r.target]; ok {
				out = append(out, j)
			}
		}
		return out
	})
	for _, comp := range comps {
		members := make([]*node, len(comp))
		clean := true
		for i, k := range comp {
			members[i] = seen[keys[k]]
			clean = clean && s.clean(members[i], seen)
		}
		switch {
		case clean:
		case len(members) == 1 && !selfRef(members[0]):
			s.nameOne(members[0], seen)
		default:
			s.nameCycle(members, seen)
		}
	}
}

// clean reports whether n's name still holds: named, and every target
// still has the name it had then.
func (s *Source) clean(n *node, seen map[string]*node) bool {
	if !n.named {
		return false
	}
	for i, r := range n.refs {
		if hashedOf(seen[r.target]) != n.deps[i] {
			return false
		}
	}
	return true
}

func hashedOf(n *node) string {
	if n == nil {
		return ""
	}
	return n.hashed
}

func selfRef(n *node) bool {
	for _, r := range n.refs {
		if r.target == n.logical {
			return true
		}
	}
	return false
}

// nameOne rewrites a node's references, whose targets are all named, and
// names it by the hash of the result.
func (s *Source) nameOne(n *node, seen map[string]*node) {
	final, problems := s.apply(n, seen, func(*node) bool { return true })
	final = s.decorate(n, final, problems)
	s.finish(n, final, s.hashedName(n, sha256.Sum256(final)), seen)
}

// nameCycle names the members of one strongly connected component as
// gen's nameCycle does.
func (s *Source) nameCycle(members []*node, seen map[string]*node) {
	in := make(map[*node]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	slices.SortFunc(members, func(a, b *node) int { return strings.Compare(a.logical, b.logical) })
	logicals := make([]string, len(members))
	partial := make([][]byte, len(members))
	for i, m := range members {
		logicals[i] = m.logical
		partial[i], _ = s.apply(m, seen, func(t *node) bool { return !in[t] })
	}
	for i, sum := range naming.CycleSums(logicals, partial) {
		members[i].hashed = s.hashedName(members[i], sum)
	}
	for _, m := range members {
		final, problems := s.apply(m, seen, func(*node) bool { return true })
		s.finish(m, s.decorate(m, final, problems), m.hashed, seen)
	}
}

// apply returns n's content with the references whose targets exist and
// pass use pointing at the targets' hashed names, relative to n, and the
// messages for references to files that do not exist.
func (s *Source) apply(n *node, seen map[string]*node, use func(*node) bool) ([]byte, []string) {
	problems := slices.Clone(n.bad)
	var refs []rewrite.Ref
	var repl []string
	for _, r := range n.refs {
		t := seen[r.target]
		switch {
		case t == nil && !r.allow:
			problems = append(problems, fmt.Sprintf("%s:%d:%d: %s", s.file(n), r.Line, r.Col, rewrite.Missing(r.Ref, r.target, true, "")))
		case t == nil, !use(t):
		default:
			refs = append(refs, r.Ref)
			repl = append(repl, rewrite.Relative(n.logical, t.hashed)+r.suffix)
		}
	}
	if len(refs) == 0 {
		return n.raw, problems
	}
	return rewrite.Apply(n.raw, refs, repl), problems
}

// hashedName is a node's fingerprinted logical path for a given sum; a
// prehashed file keeps its own name.
func (s *Source) hashedName(n *node, sum [sha256.Size]byte) string {
	if n.prehashed {
		return n.logical
	}
	return naming.Hashed(n.logical, hex.EncodeToString(sum[:])[:s.cfg.HashLen])
}

// finish records a node's final content and name.
func (s *Source) finish(n *node, final []byte, hashed string, seen map[string]*node) {
	n.deps = n.deps[:0]
	for _, r := range n.refs {
		n.deps = append(n.deps, hashedOf(seen[r.target]))
	}
	sum := sha256.Sum256(final)
	n.final, n.hashed, n.named = final, hashed, true
	n.row = runtime.File{
		Path:        n.logical,
		HashedPath:  hashed,
		Integrity:   "sha256-" + base64.StdEncoding.EncodeToString(sum[:]),
		ContentType: mediatype.ForContent(mediatype.Of(n.logical, final[:min(len(final), 512)]), final),
		Size:        int64(len(final)),
		Immutable:   n.prehashed,
	}
}

// decorate logs a file's problems and makes them visible in what is
// served: for CSS, a comment at the top (after @charset, which must come
// first) and a body::before banner at the end; for JavaScript, a
// console.error call at the end. Both keep the file valid: comments are
// allowed before @import, and nothing is put before a "use strict".
func (s *Source) decorate(n *node, final []byte, problems []string) []byte {
	if len(problems) == 0 {
		return final
	}
	for _, p := range problems {
		s.cfg.Logf("assetgen: %s", p)
	}
	msg := "assetgen: " + strings.Join(problems, "\n")
	lang, _ := rewrite.LangOf(n.logical)
	var b strings.Builder
	switch lang {
	case rewrite.CSS:
		at := 0
		if strings.HasPrefix(string(final), `@charset "`) {
			if i := strings.IndexByte(string(final), ';'); i >= 0 {
				at = i + 1
			}
		}
		b.Write(final[:at])
		b.WriteString("/* " + strings.ReplaceAll(msg, "*/", "* /") + " */\n")
		b.Write(final[at:])
		b.WriteString("\n/* assetgen */ body::before { content: " + cssString(msg) + "; display: block; white-space: pre-wrap; position: relative; z-index: 2147483647; background: #b00020; color: #fff; font: 14px/1.4 monospace; padding: .5em 1em; }\n")
	case rewrite.JS:
		q, _ := json.Marshal(msg)
		b.Write(final)
		b.WriteString("\n;console.error(" + string(q) + ");\n")
	default:
		return final
	}
	return []byte(b.String())
}

// cssString quotes s as a CSS string, with line breaks as \A.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\A `)
		case c < ' ' || c == 0x7f:
			fmt.Fprintf(&b, `\%x `, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
