// Package graph orders the assets for hashing: a file's hash covers the
// hashed names of the files it references, so those must be hashed first.
package graph

import "slices"

// Components returns the strongly connected components of the directed
// graph with nodes 0 to n-1 and an edge from i to each node of edges(i)
// (i references them), in reverse topological order: a component comes
// after every component it has an edge into, so dependencies come first.
//
// A component of one node without a self-loop is a file outside any cycle,
// hashed on its own. A larger component, or a node that references itself,
// is a cycle of references (a.css imports b.css, which uses url(a.css#x));
// no member can be hashed before the others, and the pipeline decides how
// to hash them together.
//
// The result is deterministic: nodes are visited in index order and their
// edges in the order given, and the nodes of each component are sorted.
// The algorithm is Tarjan's, written with an explicit stack rather than
// recursion so that a chain of a hundred thousand references does not
// exhaust the goroutine stack. Edges to nodes outside [0, n) are ignored.
// It runs in O(n + edges) time and calls edges once per node.
func Components(n int, edges func(i int) []int) [][]int {
	const unvisited = -1
	index := make([]int, n) // visit order, or unvisited
	low := make([]int, n)   // lowest index reachable staying in the stack
	onStack := make([]bool, n)
	for i := range index {
		index[i] = unvisited
	}
	type frame struct {
		node int
		succ []int
		next int
	}
	var (
		comps   [][]int
		stack   []int // Tarjan's stack of nodes in open components
		call    []frame
		counter int
	)
	for root := range n {
		if index[root] != unvisited {
			continue
		}
		push := func(v int) {
			index[v], low[v] = counter, counter
			counter++
			stack = append(stack, v)
			onStack[v] = true
			call = append(call, frame{node: v, succ: edges(v)})
		}
		push(root)
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.next < len(f.succ) {
				w := f.succ[f.next]
				f.next++
				switch {
				case w < 0 || w >= n:
				case index[w] == unvisited:
					push(w) // f may move; it is not used again below
				case onStack[w]:
					low[f.node] = min(low[f.node], index[w])
				}
				continue
			}
			v := f.node
			call = call[:len(call)-1]
			if len(call) > 0 {
				parent := call[len(call)-1].node
				low[parent] = min(low[parent], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			// v is the root of a component: pop it.
			var comp []int
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			slices.Sort(comp)
			comps = append(comps, comp)
		}
	}
	return comps
}

// Cyclic reports whether a component returned by Components is a cycle:
// more than one node, or one node that references itself.
func Cyclic(comp []int, edges func(i int) []int) bool {
	if len(comp) != 1 {
		return len(comp) > 1
	}
	for _, w := range edges(comp[0]) {
		if w == comp[0] {
			return true
		}
	}
	return false
}
