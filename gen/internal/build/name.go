package build

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/gen/internal/graph"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/rewrite"
)

// Node is one file of the graph that Name names.
type Node struct {
	Logical string
	// Data is the prepared content. It may be nil for a node without
	// references whose Sum is known, so that a large file that needs no
	// rewrite is never held in memory.
	Data []byte
	// Sum is the SHA-256 of Data; Name replaces it with that of Final.
	Sum  [sha256.Size]byte
	Refs []Ref

	// Set by Name, valid until the node is dirty again.
	Final  []byte // Data with its references rewritten; Data itself if none changed
	Hashed string // the fingerprinted logical path

	Prehashed bool // named by a bundler already: keeps its name
	named     bool
	rewritten bool
	deps      []dep // each distinct target's name as Final used it
}

// dep is a target's name as a node's final content used it: the first
// reference to the target, and the name it had. A style sheet may refer
// to one image a million times, so a node keeps one per target, not one
// per reference.
type dep struct {
	ref    int32
	hashed string
}

// Rewritten reports whether Name changed the node's content by rewriting
// its references (not by Decorate).
func (n *Node) Rewritten() bool { return n.rewritten }

// Dirty reports whether n must be named again: it never was, or a target
// has changed its name since.
func (n *Node) Dirty() bool {
	if !n.named {
		return true
	}
	for _, d := range n.deps {
		if hashedOf(n.Refs[d.ref].Target) != d.hashed {
			return true
		}
	}
	return false
}

func hashedOf(n *Node) string {
	if n == nil {
		return ""
	}
	return n.Hashed
}

// Decorate, if not nil, is given each node's final content as Name makes
// it, after its references are rewritten and before it is hashed, with a
// line for each reference whose text changed ("line:col url -> new
// url"), and returns what to serve: development mode adds its error
// banners here, generate logs the rewrites for -v.
type Decorate func(n *Node, final []byte, rewrites []string) []byte

// Name gives every dirty node of nodes its final content and fingerprinted
// name, in dependency order, so that a node's name covers the final names
// of everything it references, transitively. Every Ref.Target must be in
// nodes or nil.
//
// References form a graph; its strongly connected components are named
// one at a time, dependencies first. A component of one node that does
// not reference itself is the common case: its references are rewritten
// to the targets' final names and its name is the hash of the result. A
// cycle (a.css imports b.css imports a.css) cannot be ordered, so its
// members are named together: each member's references to nodes outside
// the cycle are rewritten first, the cycle's digest is the SHA-256 of
// every member's logical path and partly rewritten content in
// logical-path order, and each member's fingerprint is the SHA-256 of
// that digest and its own logical path (naming.CycleSums). Then the
// references inside the cycle are rewritten to those names. Any change to
// any member renames every member; the names depend on content alone, so
// they are stable from run to run. A member's Sum is still the hash of its
// final bytes.
func Name(ctx context.Context, nodes []*Node, hashLen int, decorate Decorate) error {
	if !slices.ContainsFunc(nodes, (*Node).Dirty) {
		return nil
	}
	index := make(map[*Node]int, len(nodes))
	for i, n := range nodes {
		index[n] = i
	}
	edges := func(i int) []int {
		var out []int
		for _, r := range nodes[i].Refs {
			if j, ok := index[r.Target]; ok {
				out = append(out, j)
			}
		}
		return out
	}
	for _, comp := range graph.Components(len(nodes), edges) {
		if err := ctx.Err(); err != nil {
			return err
		}
		members := make([]*Node, len(comp))
		dirty := false
		for i, k := range comp {
			members[i] = nodes[k]
			dirty = dirty || members[i].Dirty()
		}
		switch {
		case !dirty:
		case !graph.Cyclic(comp, edges):
			nameOne(members[0], hashLen, decorate)
		default:
			nameCycle(members, hashLen, decorate)
		}
	}
	return nil
}

// nameOne rewrites a node's references, whose targets are all named, and
// names it by the hash of the result.
func nameOne(n *Node, hashLen int, decorate Decorate) {
	final, lines := apply(n, func(*Node) bool { return true })
	finish(n, final, lines, decorate)
	n.Hashed = hashedName(n, n.Sum, hashLen)
}

// nameCycle names the members of one strongly connected component.
func nameCycle(members []*Node, hashLen int, decorate Decorate) {
	in := make(map[*Node]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	slices.SortFunc(members, func(a, b *Node) int { return strings.Compare(a.Logical, b.Logical) })
	// Outside references first, so the digest covers the names of
	// everything the cycle reaches.
	logicals := make([]string, len(members))
	partial := make([][]byte, len(members))
	for i, m := range members {
		logicals[i] = m.Logical
		partial[i], _ = apply(m, func(t *Node) bool { return !in[t] })
	}
	for i, sum := range naming.CycleSums(logicals, partial) {
		members[i].Hashed = hashedName(members[i], sum, hashLen)
	}
	for _, m := range members {
		final, lines := apply(m, func(*Node) bool { return true })
		finish(m, final, lines, decorate)
	}
}

// finish records a node's final content, its sum and the names of the
// targets it used.
func finish(n *Node, final []byte, lines []string, decorate Decorate) {
	if !sameBytes(final, n.Data) && string(final) == string(n.Data) {
		final = n.Data
	}
	n.rewritten = !sameBytes(final, n.Data)
	changed := n.rewritten
	if decorate != nil {
		if d := decorate(n, final, lines); !sameBytes(d, final) {
			final, changed = d, true
		}
	}
	if changed {
		n.Sum = sha256.Sum256(final)
	}
	n.Final, n.named = final, true
	n.deps = n.deps[:0]
	seen := map[string]bool{}
	for i := range n.Refs {
		if l := n.Refs[i].Logical; !seen[l] {
			seen[l] = true
			n.deps = append(n.deps, dep{ref: int32(i), hashed: hashedOf(n.Refs[i].Target)})
		}
	}
}

// sameBytes reports whether a and b are the same slice.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// apply returns a node's content with the references whose targets pass
// use pointing at the targets' hashed names, relative to the node's own
// directory, so that they keep working when the prefix becomes a CDN
// origin, and a line for each one whose text changed. Other references
// keep their text.
func apply(n *Node, use func(*Node) bool) ([]byte, []string) {
	type key struct {
		target *Node
		suffix string
	}
	urls := map[key]string{} // one string for each repeated URL
	var lines []string
	used := false
	out := rewrite.ApplyFunc(n.Data, len(n.Refs), func(i int) (*rewrite.Ref, string) {
		r := &n.Refs[i]
		if r.Target == nil || !use(r.Target) {
			return nil, ""
		}
		used = true
		u, ok := urls[key{r.Target, r.Suffix}]
		if !ok {
			u = rewrite.Relative(n.Logical, r.Target.Hashed) + r.Suffix
			urls[key{r.Target, r.Suffix}] = u
		}
		if u != r.URL {
			lines = append(lines, fmt.Sprintf("%d:%d %s -> %s", r.Line, r.Col, r.URL, rewrite.AsWritten(r.Ref, u)))
		}
		return &r.Ref, u
	})
	if !used {
		return n.Data, nil
	}
	return out, lines
}
