package cache

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"sync"
)

// Hashes is the hash cache: it lets a run over an unchanged tree skip
// reading files. It maps a file's absolute path to what hashing it gave,
// together with the file's Key, which changes when its bytes do.
//
// One case remains: a file written twice within one tick of the file
// system's clock keeps the same times. As in git's "racy clean" rule, an
// entry made for a file whose times are within RacyWindow of the run's
// start is recorded but marked racy, and a later run whose stat matches a
// racy entry reads the file again rather than trusting it; the entry it
// then records is clean. So an edit costs the next run one read of the
// edited file, not of the tree, and no run refuses to record.
//
// A hit yields exactly the sum that reading would have, so a deleted or
// corrupt cache costs time, not correctness. A cache file that fails to
// decode is ignored.
type Hashes struct {
	file string // "" when caching is off
	mark Mark   // the run's, before the walk
	old  map[string]entry

	mu      sync.Mutex
	new     map[string]entry
	written map[string]bool // entries of files this run wrote, judged at Save
	changed bool
}

// hashesMagic starts a hash cache file; it changes when the format or the
// meaning of an entry does.
// v2: an entry for a text asset also says it is valid UTF-8 or declares
// its encoding; v1 entries were made without that check. v3: entries carry
// the racy flag.
const hashesMagic = "assetgen hash cache v3\n"

// Entry is what hashing a file gave.
type Entry struct {
	Sum         [sha256.Size]byte
	Size        int64
	ContentType string
}

type entry struct {
	Entry
	Key  Key
	Racy bool // recorded too close to the file's times: read again
}

// OpenHashes loads the hash cache of the package in outAbs from the cache
// directory dir; "" turns caching off. A missing or unreadable cache is an
// empty one. m is the run's mark, taken before it walked the tree.
func OpenHashes(dir, outAbs string, m Mark) *Hashes {
	c := &Hashes{mark: m, new: map[string]entry{}, written: map[string]bool{}}
	if dir == "" {
		return c
	}
	c.file = File(dir, "hash-v1", outAbs, "")
	if s, err := readRecord(c.file); err == nil {
		c.old, _ = decodeHashes(s)
	}
	return c
}

// Lookup returns the cached result for the file at abs if it is unchanged.
func (c *Hashes) Lookup(abs string, info fs.FileInfo) (Entry, bool) {
	if c.file == "" {
		return Entry{}, false
	}
	e, ok := c.old[abs]
	if !ok || e.Racy || e.Key != KeyOf(info) {
		return Entry{}, false
	}
	c.mu.Lock()
	c.new[abs] = e
	c.mu.Unlock()
	return e.Entry, true
}

// Store records a freshly computed result, marked racy if the file is too
// young to trust its times.
func (c *Hashes) Store(abs string, info fs.FileInfo, e Entry) {
	if c.file == "" {
		return
	}
	key := KeyOf(info)
	if key.Size != e.Size {
		return // changed between the walk and the read
	}
	c.put(abs, entry{Entry: e, Key: key, Racy: key.Racy(c.mark)})
}

// StoreWritten records the content of a file this run wrote. Its times
// are after the run's mark, so the entry is judged at Save against the
// mark taken after the last write: like git's files that a checkout
// writes before the index, it is trusted from the next run on when the
// file system's clock has moved on since.
func (c *Hashes) StoreWritten(abs string, info fs.FileInfo, e Entry) {
	if c.file == "" || info.Size() != e.Size {
		return
	}
	c.put(abs, entry{Entry: e, Key: KeyOf(info)})
	c.mu.Lock()
	c.written[abs] = true
	c.mu.Unlock()
}

func (c *Hashes) put(abs string, ne entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.new[abs] = ne
	if old, ok := c.old[abs]; !ok || old != ne {
		c.changed = true
	}
}

// Stamp returns a stamp for the file at abs, whose key is k, from the
// entry this run looked up or stored for it, if it has one for that key.
// Its times are judged at the run's mark, or at end for a file this run
// wrote (as Save judges them), and a racy stamp takes the entry's sum, so
// that stamping reads nothing.
func (c *Hashes) Stamp(abs string, k Key, end Mark) (Stamp, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.new[abs]
	if !ok || e.Key != k {
		return Stamp{}, false
	}
	m := c.mark
	if c.written[abs] {
		m = end
	}
	st := Stamp{Key: k, Racy: k.Racy(m)}
	if st.Racy {
		st.Sum = e.Sum
	}
	return st, true
}

// Save writes the entries used or made by this run, dropping the rest, so
// the cache does not grow with deleted files; a run that looked at only
// some files (one that stopped after the walk) passes keepUnused. end is
// the mark after the run's last write. Failure to save is ignored: the
// cache is an optimisation.
func (c *Hashes) Save(end Mark, keepUnused bool) {
	if c.file == "" || keepUnused && !c.changed && len(c.written) == 0 {
		return
	}
	for abs := range c.written {
		e := c.new[abs]
		e.Racy = e.Key.Racy(end)
		c.new[abs] = e
	}
	if keepUnused {
		for abs, e := range c.old {
			if _, ok := c.new[abs]; !ok {
				c.new[abs] = e
			}
		}
	}
	if !c.changed && len(c.new) == len(c.old) {
		return
	}
	_ = WriteFile(c.file, encodeHashes(c.new))
}

// encodeHashes writes entries as fixed-layout little-endian records,
// decoded without reflection: a few milliseconds for 10,000 files.
//
//	len(path) u32, path, key, sum [32], size i64,
//	len(contentType) u32, contentType, racy u8
func encodeHashes(m map[string]entry) []byte {
	w := &Writer{buf: []byte(hashesMagic)}
	for path, e := range m {
		w.Str32(path)
		w.Key(e.Key)
		w.Bytes(e.Sum[:])
		w.Num(e.Size)
		w.Str32(e.ContentType)
		w.Bool(e.Racy)
	}
	return w.buf
}

var errBad = errors.New("bad cache file")

// decodeHashes reads what encodeHashes wrote; any damage makes the whole
// file count as empty.
func decodeHashes(data string) (map[string]entry, error) {
	d, err := openRecord(data, hashesMagic)
	if err != nil {
		return nil, err
	}
	m := map[string]entry{}
	for d.more() {
		path := d.str()
		var e entry
		e.Key = readKey(d)
		copy(e.Sum[:], d.bytes(len(e.Sum)))
		e.Size = int64(d.u64())
		e.ContentType = d.str()
		e.Racy = d.bool()
		m[path] = e
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}
