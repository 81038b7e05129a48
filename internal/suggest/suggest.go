// Package suggest picks the "did you mean" for a logical path that names no
// asset. The runtime's template check, the generator's template check and
// the Go analyzer share it, so that the same typo gets the same suggestion
// wherever it is found.
package suggest

import (
	"iter"
	"path"
	"strings"
)

// Closest returns the candidate closest to p, or "" when none is close.
// A candidate equal to p but for letter case is closest of all; otherwise
// the candidate at the smallest Levenshtein distance wins if that distance
// is at most a third of the length of p's base name, so that "css/bse.css"
// suggests "css/base.css" but "x.css" suggests nothing in a tree of
// unrelated names. Ties go to the candidate that sorts first, so the answer
// does not depend on the order of candidates.
func Closest(p string, candidates iter.Seq[string]) string {
	best, bestD := "", len(path.Base(p))/3+1
	folded := ""
	for c := range candidates {
		if c == p {
			continue
		}
		if strings.EqualFold(c, p) {
			if folded == "" || c < folded {
				folded = c
			}
			continue
		}
		if abs(len(c)-len(p)) > bestD {
			continue
		}
		d := distance(c, p, bestD+1)
		if d < bestD || d == bestD && best != "" && c < best {
			best, bestD = c, d
		}
	}
	if folded != "" {
		return folded
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the Levenshtein distance of a and b in bytes, or limit when
// it is at least that: rows stop early once every cell reaches limit.
func distance(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
