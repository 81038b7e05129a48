package publish

import "testing"

// stores returns the buckets every publish test runs against.
func stores(t *testing.T) []store {
	return []store{fileStore()}
}
