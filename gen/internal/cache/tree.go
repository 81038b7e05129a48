package cache

import (
	"crypto/sha256"
	"io/fs"
	"os"

	"github.com/assetgen/assetgen/gen/internal/dirstat"
)

// TreeKey identifies what a run's walk found and everything else its
// outputs depend on besides the files' content: every source's path and
// Key, the settings and the generator. Equal keys mean the sources are
// as they were, except for files whose times were racy (Tree.Racy).
type TreeKey [sha256.Size]byte

// OutputKey identifies everything the outputs are rendered from: the
// model the generator built from the sources' content, and the generator.
type OutputKey [sha256.Size]byte

// Tree is the tree record: what a successful run leaves for the next run
// over the same package, so that a run over an unchanged tree can stop
// after walking it. If the next run's tree key is Key, the outputs are
// those of Output (see Outputs) and every stamped file is current, the
// package is what a full run would write, and its Result is this one's.
type Tree struct {
	Key       TreeKey
	Output    OutputKey
	Bytes     int64 // Result.Bytes
	Rewritten int   // Result.Rewritten
	// Racy lists the sources (and the package's other files) whose times
	// were racy when recorded: checked by their content until they settle,
	// then dropped, since Key covers their stat.
	Racy []Stamped
	// Copies lists the files of the owned directory, the record among
	// them: the outputs embed them, so each is checked by its stat.
	Copies []Stamped
	// Owned is the owned directory itself, stamped clean when it held no
	// temporary file (txwrite's Writer.OwnedClean): while its stat is
	// unchanged no entry was added, so a run need not list its thousands
	// of copies to find one. Its Path is empty when the directory was
	// not clean or its times were racy.
	Owned Stamped
	// Warnings are the run's warnings, repeated by the runs that stop
	// early.
	Warnings []string
}

// Stamped is a file with its stamp.
type Stamped struct {
	Path  string
	Stamp Stamp
}

// treeMagic starts a tree record; it changes with the format.
const treeMagic = "assetgen tree record v2\n"

// Encode returns the record as bytes for WriteFile.
//
//	magic, key [32], output key [32], bytes u64, rewritten u64,
//	racy: count u64, count × (len u32, path, stamp), copies: the same,
//	owned: len u32, path, stamp, then per warning: len u32, text
func (t *Tree) Encode() []byte {
	w := &Writer{buf: []byte(treeMagic)}
	w.Bytes(t.Key[:])
	w.Bytes(t.Output[:])
	w.Num(t.Bytes)
	w.Num(int64(t.Rewritten))
	for _, list := range [...][]Stamped{t.Racy, t.Copies} {
		w.Num(int64(len(list)))
		for _, f := range list {
			w.Str32(f.Path)
			w.stamp(f.Stamp)
		}
	}
	w.Str32(t.Owned.Path)
	w.stamp(t.Owned.Stamp)
	for _, s := range t.Warnings {
		w.Str32(s)
	}
	return w.buf
}

// minStamped is the fewest bytes a Stamped takes in a record.
const minStamped = 4 + 16 + 1

// decodeTree reads what Encode wrote.
func decodeTree(s string) (*Tree, error) {
	d, err := openRecord(s, treeMagic)
	if err != nil {
		return nil, err
	}
	t := &Tree{}
	copy(t.Key[:], d.bytes(len(t.Key)))
	copy(t.Output[:], d.bytes(len(t.Output)))
	t.Bytes = int64(d.u64())
	t.Rewritten = int(d.u64())
	for _, list := range [...]*[]Stamped{&t.Racy, &t.Copies} {
		n := d.u64()
		// Sized up front, but never past what the bytes left could hold.
		*list = make([]Stamped, 0, min(n, uint64(len(d.rest)/minStamped)))
		for i := uint64(0); i < n && d.err == nil; i++ {
			*list = append(*list, Stamped{Path: d.str(), Stamp: readStamp(d)})
		}
	}
	t.Owned = Stamped{Path: d.str(), Stamp: readStamp(d)}
	for d.more() {
		t.Warnings = append(t.Warnings, d.str())
	}
	if d.err != nil {
		return nil, d.err
	}
	return t, nil
}

// ReadTree returns the tree record in file, or nil for a missing or
// damaged one. It holds for the tree whose key is its Key, and no other.
func ReadTree(file string) *Tree {
	s, err := readRecord(file)
	if err != nil {
		return nil
	}
	t, err := decodeTree(s)
	if err != nil {
		return nil
	}
	return t
}

// Check reports whether the stamped file is still as stamped, and whether
// its content had to be read to tell (a racy stamp). A racy stamp checked
// at the mark m and whose times are now before m comes back clean, so
// that the caller records it so and no later run reads the file again,
// as git's index records an entry it has checked: settled is then true.
func (f Stamped) Check(m Mark) (now Stamped, current, read, settled bool) {
	if !f.Stamp.Current(f.Path) {
		return f, false, f.Stamp.Racy, false
	}
	if f.Stamp.Racy && f.Stamp.Settled(m) {
		return Stamped{Path: f.Path, Stamp: Stamp{Key: f.Stamp.Key}}, true, true, true
	}
	return f, true, f.Stamp.Racy, false
}

// CheckAll checks the stamped files of list as Check checks each, and
// writes into now (as long as list, and list itself will do) what Check
// returns for each. It
// stats them directory by directory, a run of files in one directory
// through one descriptor of it (package dirstat), so that the owned
// directory's thousands of copies cost a name lookup each, not a path's.
// It stops at the first file that is not current. read counts the files
// it read.
func CheckAll(list []Stamped, m Mark, now []Stamped) (current bool, read int, settled bool) {
	for start := 0; start < len(list); {
		dir, _ := splitDir(list[start].Path)
		end := start + 1
		for end < len(list) {
			if d, _ := splitDir(list[end].Path); d != dir {
				break
			}
			end++
		}
		group := list[start:end]
		names := make([]string, len(group))
		for i, f := range group {
			_, names[i] = splitDir(f.Path)
		}
		d, err := dirstat.Open(dir)
		if err != nil {
			return false, read, settled
		}
		current = true
		d.Scan(names, true, func(i int, info fs.FileInfo, err error) bool {
			f := group[i]
			if err != nil || KeyOf(info) != f.Stamp.Key {
				current = false
				return false
			}
			if !f.Stamp.Racy {
				now[start+i] = f
				return true
			}
			f, ok, _, s := f.Check(m)
			read++
			now[start+i], current, settled = f, ok, settled || s
			return ok
		})
		d.Close()
		if !current {
			return false, read, settled
		}
		start = end
	}
	return true, read, settled
}

// splitDir splits a file's path into its directory and its name.
func splitDir(p string) (dir, name string) {
	i := len(p) - 1
	for i >= 0 && !os.IsPathSeparator(p[i]) {
		i--
	}
	if i < 0 {
		return ".", p
	}
	if i == 0 {
		return p[:1], p[1:]
	}
	return p[:i], p[i+1:]
}
