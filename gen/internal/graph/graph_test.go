package graph

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var componentsTests = []struct {
	name  string
	n     int
	edges [][]int
	want  [][]int
}{
	{"Empty", 0, nil, nil},
	{"Single", 1, [][]int{nil}, [][]int{{0}}},
	{"Chain", 3, [][]int{{1}, {2}, nil}, [][]int{{2}, {1}, {0}}},
	{"ChainReversed", 3, [][]int{nil, {0}, {1}}, [][]int{{0}, {1}, {2}}},
	{"Diamond", 4, [][]int{{1, 2}, {3}, {3}, nil}, [][]int{{3}, {1}, {2}, {0}}},
	{"SelfLoop", 2, [][]int{{0, 1}, nil}, [][]int{{1}, {0}}},
	{"TwoCycle", 2, [][]int{{1}, {0}}, [][]int{{0, 1}}},
	{"CycleWithTail", 4, [][]int{{1}, {2}, {1, 3}, nil}, [][]int{{3}, {1, 2}, {0}}},
	{"TailIntoCycle", 4, [][]int{{1}, {2}, {3}, {1}}, [][]int{{1, 2, 3}, {0}}},
	{"Disconnected", 4, [][]int{nil, {0}, nil, {2}}, [][]int{{0}, {1}, {2}, {3}}},
	{"TwoCycles", 5, [][]int{{1}, {0, 2}, {3}, {2, 4}, nil}, [][]int{{4}, {2, 3}, {0, 1}}},
	{"DuplicateEdges", 2, [][]int{{1, 1, 1}, {}}, [][]int{{1}, {0}}},
	{"OutOfRangeEdges", 2, [][]int{{-1, 5, 1}, {2}}, [][]int{{1}, {0}}},
	{"BigCycle", 5, [][]int{{4}, {0}, {1}, {2}, {3}}, [][]int{{0, 1, 2, 3, 4}}},
}

func TestComponents(t *testing.T) {
	for _, tt := range componentsTests {
		t.Run(tt.name, func(t *testing.T) {
			got := Components(tt.n, func(i int) []int { return tt.edges[i] })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Components (-want +got):\n%s", diff)
			}
			checkComponents(t, tt.n, tt.edges, got)
		})
	}
}

func TestCyclic(t *testing.T) {
	edges := [][]int{{0}, {2}, {1}, nil}
	e := func(i int) []int { return edges[i] }
	tests := []struct {
		name string
		comp []int
		want bool
	}{
		{"SelfLoop", []int{0}, true},
		{"Pair", []int{1, 2}, true},
		{"Alone", []int{3}, false},
		{"Empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cyclic(tt.comp, e); got != tt.want {
				t.Errorf("Cyclic(%v) = %v, want %v", tt.comp, got, tt.want)
			}
		})
	}
}

// TestComponentsDeep checks that long chains and cycles do not recurse.
func TestComponentsDeep(t *testing.T) {
	const n = 200_000
	chain := func(i int) []int {
		if i+1 < n {
			return []int{i + 1}
		}
		return nil
	}
	got := Components(n, chain)
	if len(got) != n || got[0][0] != n-1 || got[n-1][0] != 0 {
		t.Errorf("chain: %d components, first %v, last %v", len(got), got[0], got[len(got)-1])
	}
	cycle := func(i int) []int { return []int{(i + 1) % n} }
	got = Components(n, cycle)
	if len(got) != 1 || len(got[0]) != n {
		t.Errorf("cycle: %d components", len(got))
	}
}

// checkComponents checks the invariants: every node in exactly one
// component, components sorted, and for every edge between components, the
// target's component first.
func checkComponents(t *testing.T, n int, edges [][]int, comps [][]int) {
	t.Helper()
	of := make([]int, n)
	for i := range of {
		of[i] = -1
	}
	for c, comp := range comps {
		if !slices.IsSorted(comp) {
			t.Fatalf("component %d %v is not sorted", c, comp)
		}
		for _, v := range comp {
			if of[v] != -1 {
				t.Fatalf("node %d in components %d and %d", v, of[v], c)
			}
			of[v] = c
		}
	}
	for v, c := range of {
		if c == -1 {
			t.Fatalf("node %d in no component", v)
		}
	}
	for i, succ := range edges {
		for _, j := range succ {
			if j < 0 || j >= n {
				continue
			}
			if of[j] > of[i] {
				t.Fatalf("edge %d->%d: component %d comes before %d", i, j, of[i], of[j])
			}
		}
	}
}

// FuzzComponents reads the input as a graph: the first byte is the node
// count, and each following pair of bytes an edge.
func FuzzComponents(f *testing.F) {
	for _, tt := range componentsTests {
		b := []byte{byte(tt.n)}
		for i, succ := range tt.edges {
			for _, j := range succ {
				b = append(b, byte(i), byte(j))
			}
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		n := int(b[0])%64 + 1
		edges := make([][]int, n)
		for k := 1; k+1 < len(b); k += 2 {
			i, j := int(b[k])%n, int(b[k+1])%n
			edges[i] = append(edges[i], j)
		}
		comps := Components(n, func(i int) []int { return edges[i] })
		checkComponents(t, n, edges, comps)
		// Members of one component reach each other: check with a
		// plain search from each component's first node.
		for _, comp := range comps {
			seen := reach(comp[0], edges)
			for _, v := range comp {
				if !seen[v] || !reach(v, edges)[comp[0]] {
					t.Fatalf("nodes %d and %d of %v do not reach each other", comp[0], v, comp)
				}
			}
		}
		if again := Components(n, func(i int) []int { return edges[i] }); !cmp.Equal(comps, again) {
			t.Fatalf("not deterministic: %v then %v", comps, again)
		}
	})
}

func reach(from int, edges [][]int) map[int]bool {
	seen := map[int]bool{from: true}
	todo := []int{from}
	for len(todo) > 0 {
		v := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, w := range edges[v] {
			if !seen[w] {
				seen[w] = true
				todo = append(todo, w)
			}
		}
	}
	return seen
}
