package cache

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHashesRoundTrip(t *testing.T) {
	m := map[string]entry{
		"/a/b.css": {Key: Key{Size: 3, MTime: 42}, Entry: Entry{Sum: [32]byte{1, 2, 3}, Size: 3, ContentType: "text/css; charset=utf-8"}},
		"/a/c d":   {Key: Key{Size: 0, MTime: -1}, Racy: true},
	}
	got, err := decodeHashes(encodeHashes(m))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range [][]byte{nil, []byte("junk"), encodeHashes(m)[:len(hashesMagic)+5]} {
		if _, err := decodeHashes(bad); err == nil {
			t.Errorf("decodeHashes(%q) accepted damage", bad)
		}
	}
}

// FuzzDecodeHashes checks that a damaged cache file is an error, never a
// panic, and that whatever decodes encodes back to the same entries.
func FuzzDecodeHashes(f *testing.F) {
	f.Add(encodeHashes(map[string]entry{"/x": {Entry: Entry{Size: 1, ContentType: "a"}}}))
	f.Add([]byte(hashesMagic))
	f.Add([]byte(hashesMagic + "\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeHashes(data)
		if err != nil {
			return
		}
		again, err := decodeHashes(encodeHashes(m))
		if err != nil || !cmp.Equal(m, again) {
			t.Fatalf("re-encoding changed the entries: %v", err)
		}
	})
}

// TestStamp checks the racy-clean check itself: a racy stamp is trusted
// only while the content hashes to its sum, a settled one on its stat.
func TestStamp(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, []byte("one"), 0o644)
	start := time.Now()
	st, err := StampFile(file, nil, WallMark(start))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Racy || st.Sum != sha256.Sum256([]byte("one")) {
		t.Fatalf("fresh file: stamp %+v, want racy with its sum", st)
	}
	if !st.Current(file) {
		t.Error("unchanged racy file not current")
	}
	if st.Settled(WallMark(start)) {
		t.Error("fresh file settled")
	}
	// Same stat, other content: what a rewrite within one clock tick
	// leaves, and what only the sum can tell.
	other := st
	other.Sum = sha256.Sum256([]byte("two"))
	if other.Current(file) {
		t.Error("racy stamp with another sum taken for current")
	}
	later := time.Now().Add(RacyWindow + time.Second)
	if !st.Settled(WallMark(later)) {
		t.Error("stamp not settled a window later")
	}
	if st2, _ := StampFile(file, nil, WallMark(later)); st2.Racy || !st2.Current(file) {
		t.Errorf("settled stamp %+v", st2)
	}
	var w Writer
	w.Stamp(st)
	d := NewDecoder(w.Data())
	if got := ReadStamp(d); got != st || d.Err() != nil || d.More() {
		t.Errorf("stamp round trip: got %+v, %v", got, d.Err())
	}
}

// TestRacy checks the racy-clean rule at its edges, for a modification
// time and for a change time.
func TestRacy(t *testing.T) {
	at := time.Unix(1_000_000, 0)
	for _, tt := range []struct {
		t    time.Time
		want bool
	}{
		{at, true},
		{at.Add(time.Hour), true},
		{at.Add(-RacyWindow), true},
		{at.Add(-RacyWindow - 1), false},
		{at.Add(-time.Hour), false},
	} {
		if got := Racy(tt.t, at); got != tt.want {
			t.Errorf("Racy(at%+v) = %v, want %v", tt.t.Sub(at), got, tt.want)
		}
		if got := (Key{MTime: tt.t.UnixNano()}).Racy(WallMark(at)); got != tt.want {
			t.Errorf("Key{MTime: at%+v}.Racy = %v, want %v", tt.t.Sub(at), got, tt.want)
		}
	}
}

// TestFile checks that cache files of different packages differ and that
// one package's are stable.
func TestFile(t *testing.T) {
	a, b := File("/c", "hash-v1", "/p/a", ""), File("/c", "hash-v1", "/p/b", "")
	if a == b || a != File("/c", "hash-v1", "/p/a", "") || filepath.Dir(a) != filepath.Join("/c", "hash-v1") {
		t.Errorf("File: %s, %s", a, b)
	}
	if got := File("/c", "r", "/p/a", ".tree"); filepath.Ext(got) != ".tree" {
		t.Errorf("File with .tree = %s", got)
	}
}

func TestTreeRoundTrip(t *testing.T) {
	rec := &Tree{
		Key: TreeKey{1}, Output: OutputKey{2}, Bytes: 73, Rewritten: 4,
		Racy:     []Stamped{{Path: "/s/a.css", Stamp: Stamp{Key: Key{Size: 3}, Racy: true, Sum: [32]byte{9}}}},
		Copies:   []Stamped{{Path: "/p/_assetgen/files.txt", Stamp: Stamp{Key: Key{Size: 40, MTime: 5}}}},
		Warnings: []string{"w1", ""},
	}
	got, err := decodeTree(rec.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range [][]byte{nil, []byte("junk"), rec.Encode()[:len(treeMagic)+40]} {
		if _, err := decodeTree(bad); err == nil {
			t.Errorf("decodeTree(%q) accepted damage", bad)
		}
	}
}

// FuzzDecodeTree checks that a damaged tree record is an error, never a
// panic, and that whatever decodes encodes back to the same record.
func FuzzDecodeTree(f *testing.F) {
	f.Add((&Tree{Racy: []Stamped{{Path: "/a", Stamp: Stamp{Racy: true}}}, Warnings: []string{"w"}}).Encode())
	f.Add([]byte(treeMagic))
	f.Add([]byte(treeMagic + strings.Repeat("\xff", 100)))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := decodeTree(data)
		if err != nil {
			return
		}
		again, err := decodeTree(rec.Encode())
		if err != nil || !cmp.Equal(rec, again) {
			t.Fatalf("re-encoding changed the record: %v", err)
		}
	})
}

// TestStampedCheck checks the racy-clean rule for a record's entries: a
// racy entry is read, and comes back clean once its times are before the
// mark; a changed file is not current.
func TestStampedCheck(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, []byte("one"), 0o644)
	start := time.Now()
	st, err := StampFile(file, nil, WallMark(start))
	if err != nil {
		t.Fatal(err)
	}
	f := Stamped{Path: file, Stamp: st}
	if now, current, read, settled := f.Check(WallMark(start)); !current || !read || settled || now != f {
		t.Errorf("racy at once: current %v, read %v, settled %v", current, read, settled)
	}
	later := WallMark(time.Now().Add(RacyWindow + time.Second))
	now, current, read, settled := f.Check(later)
	if !current || !read || !settled || now.Stamp.Racy || now.Stamp.Key != st.Key {
		t.Errorf("racy, a window later: %+v, current %v, read %v, settled %v", now, current, read, settled)
	}
	if _, current, read, _ := now.Check(later); !current || read {
		t.Errorf("settled: current %v, read %v; want current without reading", current, read)
	}
	os.WriteFile(file, []byte("two"), 0o644)
	if _, current, _, _ := f.Check(later); current {
		t.Error("rewritten file current")
	}
}
