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
	got, err := decodeHashes(string(encodeHashes(m)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range [][]byte{nil, []byte("junk"), encodeHashes(m)[:len(hashesMagic)+5]} {
		if _, err := decodeHashes(string(bad)); err == nil {
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
		m, err := decodeHashes(string(data))
		if err != nil {
			return
		}
		again, err := decodeHashes(string(encodeHashes(m)))
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
	w.stamp(st)
	d := &decoder{rest: string(w.buf)}
	if got := readStamp(d); got != st || d.err != nil || d.more() {
		t.Errorf("stamp round trip: got %+v, %v", got, d.err)
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
	got, err := decodeTree(string(rec.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range [][]byte{nil, []byte("junk"), rec.Encode()[:len(treeMagic)+40]} {
		if _, err := decodeTree(string(bad)); err == nil {
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
		rec, err := decodeTree(string(data))
		if err != nil {
			return
		}
		again, err := decodeTree(string(rec.Encode()))
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

// TestCheckAll checks a list of stamped files in two directories as
// Check checks each: current while unchanged, a racy one read and then
// settled, and not current once any file is rewritten, replaced or
// removed.
func TestCheckAll(t *testing.T) {
	root := t.TempDir()
	var list []Stamped
	old := time.Now().Add(-time.Hour)
	later := WallMark(time.Now().Add(RacyWindow + time.Second))
	for _, name := range []string{"a/1", "a/2", "b/1", "b/2", "b/3"} {
		file := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(file), 0o755)
		os.WriteFile(file, []byte(name), 0o644)
		m := later // stamped a window after its times: clean
		if name == "b/2" {
			m = WallMark(time.Now())
		}
		st, err := StampFile(file, nil, m)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, Stamped{Path: file, Stamp: st})
	}
	if list[3].Stamp.Racy == list[0].Stamp.Racy {
		t.Fatal("b/2 is not the one racy file")
	}
	check := func(m Mark) ([]Stamped, bool, int, bool) {
		now := make([]Stamped, len(list))
		current, read, settled := CheckAll(list, m, now)
		return now, current, read, settled
	}
	if now, current, read, settled := check(WallMark(time.Now())); !current || read != 1 || settled || !cmp.Equal(now, list) {
		t.Errorf("unchanged: current %v, read %d, settled %v", current, read, settled)
	}
	now, current, read, settled := check(later)
	if !current || read != 1 || !settled || now[3].Stamp.Racy || now[3].Stamp.Key != list[3].Stamp.Key {
		t.Errorf("a window later: current %v, read %d, settled %v, b/2 %+v", current, read, settled, now[3])
	}
	for _, change := range []struct {
		name string
		do   func(file string)
	}{
		{"rewritten", func(f string) { os.WriteFile(f, []byte("new"), 0o644); os.Chtimes(f, old, old) }},
		{"removed", func(f string) { os.Remove(f) }},
		{"replaced by a directory", func(f string) { os.Remove(f); os.Mkdir(f, 0o755) }},
	} {
		t.Run(change.name, func(t *testing.T) {
			for i := range list {
				file := list[i].Path
				saved, _ := os.ReadFile(file)
				change.do(file)
				if _, current, _, _ := check(later); current {
					t.Errorf("%s %s: current", filepath.Base(filepath.Dir(file)), filepath.Base(file))
				}
				os.RemoveAll(file)
				os.WriteFile(file, saved, 0o644)
				list[i].Stamp, _ = StampFile(file, nil, later)
			}
		})
	}
}

func TestOutputsRoundTrip(t *testing.T) {
	rec := &Outputs{Key: OutputKey{7}, Files: []Stamped{
		{Path: "assets_gen.go", Stamp: Stamp{Key: Key{Size: 10, MTime: 3}}},
		{Path: "assets.json", Stamp: Stamp{Key: Key{Size: 4}, Racy: true, Sum: [32]byte{1}}},
	}}
	got, err := decodeOutputs(string(rec.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	file := filepath.Join(t.TempDir(), "r")
	if err := WriteFile(file, rec.Encode()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		key   OutputKey
		names []string
		want  bool
	}{
		{"same", OutputKey{7}, []string{"assets_gen.go", "assets.json"}, true},
		{"other key", OutputKey{8}, []string{"assets_gen.go", "assets.json"}, false},
		{"other names", OutputKey{7}, []string{"assets_gen.go", "m.json"}, false},
		{"fewer names", OutputKey{7}, []string{"assets_gen.go"}, false},
	} {
		if _, ok := ReadOutputs(file, tt.key, tt.names); ok != tt.want {
			t.Errorf("%s: ReadOutputs ok = %v, want %v", tt.name, ok, tt.want)
		}
	}
}

// FuzzDecodeOutputs checks that a damaged output record is an error,
// never a panic, and that whatever decodes encodes back the same.
func FuzzDecodeOutputs(f *testing.F) {
	f.Add((&Outputs{Files: []Stamped{{Path: "a", Stamp: Stamp{Racy: true}}}}).Encode())
	f.Add([]byte(outputsMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := decodeOutputs(string(data))
		if err != nil {
			return
		}
		again, err := decodeOutputs(string(rec.Encode()))
		if err != nil || !cmp.Equal(rec, again) {
			t.Fatalf("re-encoding changed the record: %v", err)
		}
	})
}

func TestRenderCache(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r")
	code, manifest := []byte("package a\n"), []byte("{}")
	if err := WriteRender(file, OutputKey{1}, code, manifest); err != nil {
		t.Fatal(err)
	}
	if c, m, ok := ReadRender(file, OutputKey{1}, nil, nil); !ok || string(c) != string(code) || string(m) != string(manifest) {
		t.Errorf("ReadRender = %q, %q, %v", c, m, ok)
	}
	if _, _, ok := ReadRender(file, OutputKey{2}, nil, nil); ok {
		t.Error("ReadRender answered for another key")
	}
	// The outputs on disk, already right, are the answer as they are.
	if c, _, ok := ReadRender(file, OutputKey{1}, code, manifest); !ok || &c[0] != &code[0] {
		t.Error("ReadRender did not take the outputs on disk")
	}
}

// TestValue checks the settings encoding behind Generator: every field
// and element counts, map order does not, and what cannot be keyed is
// an error rather than a key that ignores it.
func TestValue(t *testing.T) {
	type settings struct {
		Dirs    []string
		HashLen int
		Minify  bool
		Wait    time.Duration
		Extra   map[string]int
		Inner   *struct{ A string }
		Log     func(string)
	}
	key := func(v any) [32]byte {
		t.Helper()
		w := NewKeyWriter()
		if err := w.Value(v); err != nil {
			t.Fatalf("Value(%+v): %v", v, err)
		}
		return w.Sum()
	}
	base := settings{Dirs: []string{"static"}, HashLen: 12, Extra: map[string]int{"a": 1, "b": 2}}
	seen := map[[32]byte]string{key(base): "base"}
	for name, s := range map[string]settings{
		"dirs split":  {Dirs: []string{"sta", "tic"}, HashLen: 12, Extra: base.Extra},
		"no dirs":     {HashLen: 12, Extra: base.Extra},
		"hash length": {Dirs: base.Dirs, HashLen: 13, Extra: base.Extra},
		"minify":      {Dirs: base.Dirs, HashLen: 12, Minify: true, Extra: base.Extra},
		"wait":        {Dirs: base.Dirs, HashLen: 12, Wait: 1, Extra: base.Extra},
		"map value":   {Dirs: base.Dirs, HashLen: 12, Extra: map[string]int{"a": 1, "b": 3}},
		"inner":       {Dirs: base.Dirs, HashLen: 12, Extra: base.Extra, Inner: &struct{ A string }{}},
	} {
		k := key(s)
		if prev, ok := seen[k]; ok {
			t.Errorf("%s keys the same as %s", name, prev)
		}
		seen[k] = name
	}
	for range 10 { // map iteration order varies from run to run
		if key(settings{Dirs: []string{"static"}, HashLen: 12, Extra: map[string]int{"b": 2, "a": 1}}) != key(base) {
			t.Fatal("map order changed the key")
		}
	}
	withLog := base
	withLog.Log = func(string) {}
	if err := NewKeyWriter().Value(withLog); err == nil {
		t.Error("a func was keyed")
	}
	if _, ok := NewGenerator(withLog); ok {
		t.Error("NewGenerator took settings with a func")
	}
	if g1, ok1 := NewGenerator(base); !ok1 || g1 == Generator(key(base)) {
		t.Error("the generator is not the build with the settings")
	}
}
