//go:build linux && (amd64 || arm64)

package find

import (
	"path/filepath"
	"testing"
)

// TestWinnerAllocs checks that Winner, which development mode calls for
// each file of each request, allocates nothing, whether the file is in the
// second directory, the first or none.
func TestWinnerAllocs(t *testing.T) {
	root := tree(t, map[string]string{"a/x.css": "a", "b/css/y.css": "b"})
	dirs := []string{filepath.Join(root, "a"), filepath.Join(root, "b")}
	ig, _ := NewIgnorer(DefaultIgnore)
	for _, p := range []string{"css/y.css", "x.css", "css/missing.css"} {
		if n := testing.AllocsPerRun(100, func() { Winner(dirs, ig, p) }); n != 0 {
			t.Errorf("Winner(%q): %v allocations, want 0", p, n)
		}
	}
}
