package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The hash cache lets a run over an unchanged tree skip reading files. It
// maps a file's absolute path to what hashing it gave, together with
// everything that changes when the file's bytes do: size, modification time,
// and where the system has them, device, inode and change time. The change
// time cannot be set from user space (touch -d and tar set only the
// modification time), so a rewritten file never matches an old entry.
//
// One case remains: a file written twice within one tick of the file
// system's clock keeps the same times. As in git's "racy clean" rule, an
// entry made for a file whose times are within racyWindow of the run's
// start is recorded but marked racy, and a later run whose stat matches a
// racy entry reads the file again rather than trusting it; the entry it
// then records is clean. So an edit costs the next run one read of the
// edited file, not of the tree, and no run refuses to record.
//
// The cache only ever decides whether to read a file, never what the output
// is: a hit yields exactly the sum that reading would have, so a deleted or
// corrupt cache costs time, not correctness. A cache file that fails to
// decode is ignored.
const racyWindow = 2 * time.Second

// cacheMagic starts a cache file; it changes when the format or the meaning
// of an entry does.
// v2: an entry for a text asset also says it is valid UTF-8 or declares
// its encoding; v1 entries were made without that check. v3: entries carry
// the racy flag.
const cacheMagic = "assetgen hash cache v3\n"

type cacheEntry struct {
	Key         statKey
	Sum         [sha256.Size]byte
	Size        int64
	ContentType string
	Racy        bool // recorded within racyWindow of the file's times: read again
}

// statKey is what must not change for an entry to be used.
type statKey struct {
	Size  int64
	MTime int64
	Sys   sysKey
}

type cache struct {
	file  string    // "" when caching is off
	start time.Time // the run's, before the walk
	old   map[string]cacheEntry

	mu      sync.Mutex
	new     map[string]cacheEntry
	changed bool
}

// openCache loads the cache for one output directory. A missing or
// unreadable cache is an empty one. start is when the run began, before it
// walked the tree.
func openCache(dir, outAbs string, start time.Time) *cache {
	c := &cache{start: start, new: map[string]cacheEntry{}}
	if dir == "" {
		return c
	}
	key := sha256.Sum256([]byte(outAbs))
	c.file = filepath.Join(dir, "hash-v1", hex.EncodeToString(key[:12]))
	if b, err := os.ReadFile(c.file); err == nil {
		c.old, _ = decodeCache(b)
	}
	return c
}

func keyOf(info fs.FileInfo) statKey {
	return statKey{Size: info.Size(), MTime: info.ModTime().UnixNano(), Sys: sysKeyOf(info)}
}

// lookup returns the cached result for the file at abs if it is unchanged.
func (c *cache) lookup(abs string, info fs.FileInfo) (cacheEntry, bool) {
	if c.file == "" {
		return cacheEntry{}, false
	}
	e, ok := c.old[abs]
	if !ok || e.Racy || e.Key != keyOf(info) {
		return cacheEntry{}, false
	}
	c.mu.Lock()
	c.new[abs] = e
	c.mu.Unlock()
	return e, true
}

// store records a freshly computed result, marked racy if the file is too
// young to trust its times.
func (c *cache) store(abs string, info fs.FileInfo, e cacheEntry) {
	if c.file == "" {
		return
	}
	key := keyOf(info)
	if key.Size != e.Size {
		return // changed between the walk and the read
	}
	e.Key, e.Racy = key, racy(info, c.start)
	if old, ok := c.old[abs]; ok && old == e {
		c.mu.Lock()
		c.new[abs] = e
		c.mu.Unlock()
		return
	}
	c.mu.Lock()
	c.new[abs] = e
	c.changed = true
	c.mu.Unlock()
}

// racy reports whether a file's times are too close to start to tell a
// later rewrite within the same clock tick from no change at all.
func racy(info fs.FileInfo, start time.Time) bool {
	return !info.ModTime().Before(start.Add(-racyWindow)) || !sysChangeTime(info).Before(start.Add(-racyWindow))
}

// save writes the entries used or made by this run, dropping the rest, so
// the cache does not grow with deleted files. Failure to save is ignored:
// the cache is an optimisation.
func (c *cache) save() {
	if c.file == "" || (!c.changed && len(c.new) == len(c.old)) {
		return
	}
	_ = os.MkdirAll(filepath.Dir(c.file), 0o755)
	_ = writeFileAtomic(c.file, encodeCache(c.new))
}

// encodeCache writes entries as fixed-layout little-endian records,
// decoded without reflection: a few milliseconds for 10,000 files.
//
//	len(path) u32, path, size i64, mtime i64, sys key, sum [32], size i64,
//	len(contentType) u32, contentType, racy u8
func encodeCache(m map[string]cacheEntry) []byte {
	b := []byte(cacheMagic)
	le := binary.LittleEndian
	for path, e := range m {
		b = le.AppendUint32(b, uint32(len(path)))
		b = append(b, path...)
		b = le.AppendUint64(b, uint64(e.Key.Size))
		b = le.AppendUint64(b, uint64(e.Key.MTime))
		b = e.Key.Sys.append(b)
		b = append(b, e.Sum[:]...)
		b = le.AppendUint64(b, uint64(e.Size))
		b = le.AppendUint32(b, uint32(len(e.ContentType)))
		b = append(b, e.ContentType...)
		if e.Racy {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b
}

var errBadCache = errors.New("bad cache file")

// decodeCache reads what encodeCache wrote; any damage makes the whole file
// count as empty.
func decodeCache(data []byte) (map[string]cacheEntry, error) {
	if !bytes.HasPrefix(data, []byte(cacheMagic)) {
		return nil, errBadCache
	}
	d := decoder{b: data[len(cacheMagic):]}
	m := map[string]cacheEntry{}
	for len(d.b) > 0 && d.err == nil {
		path := d.str()
		var e cacheEntry
		e.Key.Size = int64(d.u64())
		e.Key.MTime = int64(d.u64())
		e.Key.Sys = readSysKey(&d)
		copy(e.Sum[:], d.bytes(len(e.Sum)))
		e.Size = int64(d.u64())
		e.ContentType = d.str()
		switch r := d.bytes(1); {
		case r == nil:
		case r[0] == 1:
			e.Racy = true
		case r[0] != 0:
			d.err = errBadCache
		}
		m[path] = e
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}

// decoder reads little-endian fields from a byte slice, remembering the
// first error so callers check once.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.err = errBadCache
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u64() uint64 {
	if b := d.bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if b := d.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) str() string { return string(d.bytes(int(d.u32()))) }
