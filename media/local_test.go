package media_test

import (
	"bytes"
	"testing"
)

// TestLocalFollowsWrites checks that a local store, which serves from the
// file system with its files' attributes cached, answers with what is
// stored now: after its own delete and save, and after another store
// over the same directory (another process) replaced the file with one
// of the same size.
func TestLocalFollowsWrites(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	h := s.Handler()
	etags := map[string]bool{}
	check := func(step string, status int, body []byte) {
		t.Helper()
		w := get(h, "GET", "/media/a.txt")
		if w.Code != status || (body != nil && !bytes.Equal(w.Body.Bytes(), body)) {
			t.Errorf("%s: %d %q, want %d %q", step, w.Code, w.Body, status, body)
		}
		if status == 200 {
			etags[w.Header().Get("Etag")] = true
		}
	}
	first, second, third := []byte("first version, plain text\n"), []byte("the second version, longer\n"), []byte("THIRD VERSION, PLAIN TEXT\n")
	if got := save(t, s, "a.txt", first); got != "a.txt" {
		t.Fatalf("stored as %q", got)
	}
	check("saved", 200, first)
	check("saved", 200, first) // from the cache

	if err := s.Delete(t.Context(), "a.txt"); err != nil {
		t.Fatal(err)
	}
	check("deleted", 404, nil)
	if got := save(t, s, "a.txt", second); got != "a.txt" {
		t.Fatalf("stored again as %q", got)
	}
	check("saved again", 200, second)

	other := openStore(t, dir)
	if err := other.Delete(t.Context(), "a.txt"); err != nil {
		t.Fatal(err)
	}
	if got := save(t, other, "a.txt", third); got != "a.txt" {
		t.Fatalf("the other store stored %q", got)
	}
	check("replaced by another store", 200, third)
	if len(etags) != 3 {
		t.Errorf("%d entity tags for three contents", len(etags))
	}
}
