package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/assetgen/assetgen/gen/internal/find"
)

// The hash cache lets a run over an unchanged tree skip reading files. It
// maps a file's path to what hashing it gave, together with everything that
// changes when the file's bytes do: size, modification time, and where the
// system has them, device, inode and change time. The change time cannot be
// set from user space (touch -d and tar set only the modification time), so
// a rewritten file never matches an old entry.
//
// One case remains: a file written twice within one tick of the file
// system's clock keeps the same times. Entries are therefore stored only for
// files whose times are at least racyWindow old when hashed (the rule git
// calls "racy clean"); a younger file is hashed again on the next run.
//
// The cache only ever decides whether to read a file, never what the output
// is: a hit yields exactly the sum that reading would have, so a deleted or
// corrupt cache costs time, not correctness. A cache file that fails to
// decode is ignored.
const racyWindow = 2 * time.Second

// cacheVersion is bumped when the entry format or meaning changes.
const cacheVersion = "hash-v1"

type cacheEntry struct {
	Key         statKey
	Sum         [sha256.Size]byte
	Size        int64
	ContentType string
}

// statKey is what must not change for an entry to be used.
type statKey struct {
	Size  int64
	MTime int64
	Sys   sysKey
}

type cache struct {
	file string // "" when caching is off
	now  time.Time
	old  map[string]cacheEntry

	mu  sync.Mutex
	new map[string]cacheEntry
}

// openCache loads the cache for one output directory. A missing or
// unreadable cache is an empty one.
func openCache(dir, outAbs string) *cache {
	c := &cache{now: time.Now(), new: map[string]cacheEntry{}}
	if dir == "" {
		return c
	}
	key := sha256.Sum256([]byte(outAbs))
	c.file = filepath.Join(dir, cacheVersion, hex.EncodeToString(key[:12])+".gob")
	if b, err := os.ReadFile(c.file); err == nil {
		_ = gob.NewDecoder(bytes.NewReader(b)).Decode(&c.old)
	}
	return c
}

func keyOf(info fs.FileInfo) statKey {
	return statKey{Size: info.Size(), MTime: info.ModTime().UnixNano(), Sys: sysKeyOf(info)}
}

// lookup returns the cached result for src if its file is unchanged.
func (c *cache) lookup(src find.Source) (cacheEntry, bool) {
	if c.file == "" {
		return cacheEntry{}, false
	}
	abs, err := filepath.Abs(src.Path)
	if err != nil {
		return cacheEntry{}, false
	}
	e, ok := c.old[abs]
	if !ok || e.Key != keyOf(src.Info) {
		return cacheEntry{}, false
	}
	c.mu.Lock()
	c.new[abs] = e
	c.mu.Unlock()
	return e, true
}

// store records a freshly computed result, unless the file is too young to
// trust its times.
func (c *cache) store(src find.Source, e cacheEntry) {
	if c.file == "" {
		return
	}
	key := keyOf(src.Info)
	if key.Size != e.Size || c.now.Sub(src.Info.ModTime()) < racyWindow || c.now.Sub(sysChangeTime(src.Info)) < racyWindow {
		return
	}
	abs, err := filepath.Abs(src.Path)
	if err != nil {
		return
	}
	e.Key = key
	c.mu.Lock()
	c.new[abs] = e
	c.mu.Unlock()
}

// save writes the entries used or made by this run, dropping the rest, so
// the cache does not grow with deleted files. Failure to save is ignored:
// the cache is an optimisation.
func (c *cache) save() {
	if c.file == "" || sameEntries(c.old, c.new) {
		return
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c.new); err != nil {
		return
	}
	_ = os.MkdirAll(filepath.Dir(c.file), 0o755)
	_ = writeFileAtomic(c.file, buf.Bytes())
}

func sameEntries(a, b map[string]cacheEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w.Key != v.Key || w.Sum != v.Sum {
			return false
		}
	}
	return true
}
