package build

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// graph makes nodes a.css, b.css... from spec: byte i says which nodes
// node i%n references (a bit mask), so that any input is a graph, with
// self-references and cycles as likely as not.
func graphOf(n int, spec []byte) []*Node {
	nodes := make([]*Node, n)
	for i := range nodes {
		nodes[i] = &Node{Logical: fmt.Sprintf("css/%c.css", 'a'+i)}
	}
	for i, node := range nodes {
		var b strings.Builder
		mask := byte(0)
		if i < len(spec) {
			mask = spec[i]
		}
		fmt.Fprintf(&b, ".n%d{}\n", i)
		for j := range n {
			if mask&(1<<j) != 0 {
				fmt.Fprintf(&b, ".r%d{background:url(%c.css#x)}\n", j, 'a'+j)
			}
		}
		node.Data = []byte(b.String())
		node.Sum = sha256.Sum256(node.Data)
		p := Prepare(node.Logical, "text/css", node.Data, false, Options{Mount: "/static/"})
		node.Refs = p.Refs
		for k := range node.Refs {
			for _, t := range nodes {
				if t.Logical == node.Refs[k].Logical {
					node.Refs[k].Target = t
				}
			}
		}
	}
	return nodes
}

type named struct {
	Hashed string
	Final  string
	Sum    [32]byte
}

func results(nodes []*Node) map[string]named {
	out := map[string]named{}
	for _, n := range nodes {
		out[n.Logical] = named{n.Hashed, string(n.Final), n.Sum}
	}
	return out
}

// FuzzName checks, on any graph of style sheets, that names depend on
// content alone: naming the nodes in another order, or again after one
// of them is dirtied and comes back unchanged, gives the same names,
// bytes and sums; and that every reference ends up pointing at its
// target's name.
func FuzzName(f *testing.F) {
	f.Add(uint8(2), []byte{0b10, 0b01})      // a cycle of two
	f.Add(uint8(3), []byte{0b110, 0b100, 0}) // a chain
	f.Add(uint8(1), []byte{0b1})             // a self-reference
	f.Add(uint8(5), []byte{0b11111, 0, 0b1, 0b11000, 0b10})
	f.Fuzz(func(t *testing.T, n uint8, spec []byte) {
		size := int(n%6) + 1
		first := graphOf(size, spec)
		if err := Name(context.Background(), first, 12, nil); err != nil {
			t.Fatal(err)
		}
		want := results(first)
		for _, node := range first {
			for _, r := range node.Refs {
				if !strings.Contains(string(node.Final), strings.TrimPrefix(r.Target.Hashed, "css/")) {
					t.Fatalf("%s does not name %s's %s:\n%s", node.Logical, r.Logical, r.Target.Hashed, node.Final)
				}
			}
		}
		second := graphOf(size, spec)
		slices.Reverse(second)
		if err := Name(context.Background(), second, 12, nil); err != nil {
			t.Fatal(err)
		}
		if got := results(second); !mapsEqual(got, want) {
			t.Fatalf("reversed order named differently:\n%v\n%v", got, want)
		}
		// Dirty one node as development mode does when its file is read
		// again with the same content: a new node in its place.
		fresh := graphOf(size, spec)[0]
		for k := range fresh.Refs {
			for _, t := range first {
				if t.Logical == fresh.Refs[k].Logical {
					fresh.Refs[k].Target = t
				}
			}
		}
		for _, node := range first {
			for k := range node.Refs {
				if node.Refs[k].Target == first[0] {
					node.Refs[k].Target = fresh
				}
			}
		}
		for k := range fresh.Refs {
			if fresh.Refs[k].Target == first[0] {
				fresh.Refs[k].Target = fresh
			}
		}
		first[0] = fresh
		if err := Name(context.Background(), first, 12, nil); err != nil {
			t.Fatal(err)
		}
		if got := results(first); !mapsEqual(got, want) {
			t.Fatalf("renaming after a touch changed names:\n%v\n%v", got, want)
		}
	})
}

func mapsEqual(a, b map[string]named) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
