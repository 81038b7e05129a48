package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/emit"
)

// A run over a tree that has not changed since the last successful run can
// stop after walking: the tree record holds the tree key of that run
// (every source file's path and stat key, the configuration, the
// generator, and the stat keys of the package's other Go files and of a
// Vite manifest) and the output key its outputs were rendered from. If the
// key matches and the outputs still match their recorded stats
// (outputsCurrent), the outputs are what a full run would write, so nothing
// is hashed, rendered or written.
//
// The same rules as the hash cache keep it from lying: every stat key
// includes the change time, which user space cannot set, and a file whose
// times were within the racy window of the recording run's start is listed
// with its content's SHA-256 and read again before the record is trusted
// (git's racy-clean rule). Every successful run records, the one that wrote
// new outputs included, so the first run after an edit already stops after
// the walk. Template checks read files the key does not cover, so a run
// with Config.Templates never takes this path.

// recordDir holds the render cache and the tree and output records; its
// version changes with their formats.
const recordDir = "render-v3"

// treeKey hashes what the walk found and everything else an output
// depends on. When recording it also returns the racy files, with stamps
// that hold their content's sum; ok is false when a racy file cannot be
// read.
func (r *run) treeKey(recording bool) (key [sha256.Size]byte, racyFiles []racyFile, ok bool) {
	if r.cfg.CacheDir == "" || len(r.cfg.Templates) > 0 {
		return key, nil, false
	}
	w := cache.NewKeyWriter()
	w.Str32(generatorID())
	cfg := r.cfg
	cfg.Progress, cfg.Log = nil, nil // a func prints as its address, which differs per process
	w.Str32(fmt.Sprintf("%#v", cfg))
	for _, a := range r.assets {
		w.Str32(a.Logical)
		w.Str32(a.abs)
		k := cache.KeyOf(a.src.Info)
		w.Key(k)
		if recording && k.Racy(r.mark) {
			// The hash cache holds the sum this run read; a file it
			// does not vouch for is read again.
			st := cache.Stamp{Key: k, Racy: true}
			var ok bool
			if st.Sum, ok = r.hashCache().Sum(a.abs, k); !ok {
				var err error
				if st, err = cache.StampFile(a.abs, nil, r.mark); err != nil {
					return key, nil, false
				}
			}
			racyFiles = append(racyFiles, racyFile{a.abs, st})
		}
		for _, sh := range a.shadowed {
			w.Str32(sh.Path)
		}
	}
	others, _ := filepath.Glob(filepath.Join(r.outAbs, "*.go"))
	extra := append(others, filepath.Join(r.outAbs, "go.mod"))
	for _, f := range []string{r.cfg.ViteManifest, r.cfg.ImportMap} {
		if f != "" {
			extra = append(extra, f)
		}
	}
	for _, f := range extra {
		w.Str32(f)
		fi, err := os.Stat(f)
		if err != nil {
			continue
		}
		w.Key(cache.KeyOf(fi))
		if recording && cache.KeyOf(fi).Racy(r.mark) {
			st, err := cache.StampFile(f, nil, r.mark)
			if err != nil {
				return key, nil, false
			}
			racyFiles = append(racyFiles, racyFile{f, st})
		}
	}
	return w.Sum(), racyFiles, true
}

// racyFile is a file whose content a record checks by reading.
type racyFile struct {
	path string
	st   cache.Stamp
}

func (r *run) treeRecordFile() string {
	return cache.File(r.cfg.CacheDir, recordDir, r.outAbs, ".tree")
}

// recordTree remembers this run's tree and the key its outputs were
// rendered from, after a run whose outputs are now right.
//
//	tree key [32], output key [32], bytes u64, rewritten u64,
//	count u64, count × (len u32, path, stamp), then per warning: len u32, text
func (r *run) recordTree(outKey [sha256.Size]byte, res *Result) {
	key, racyFiles, ok := r.treeKey(true)
	if !ok {
		return
	}
	_ = cache.WriteFile(r.treeRecordFile(), r.encodeTree(key, outKey, racyFiles, res))
}

func (r *run) encodeTree(key, outKey [sha256.Size]byte, racyFiles []racyFile, res *Result) []byte {
	var w cache.Writer
	w.Bytes(key[:])
	w.Bytes(outKey[:])
	w.Num(res.Bytes)
	w.Num(int64(res.Rewritten))
	w.Num(int64(len(racyFiles)))
	for _, f := range racyFiles {
		w.Str32(f.path)
		w.Stamp(f.st)
	}
	for _, warning := range r.warnings { // repeated by the runs that stop early
		w.Str32(warning)
	}
	return w.Data()
}

// unchanged reports whether the tree and the outputs are as recorded, and
// if so returns the result the full run would have (its warnings go to
// the run's). Racy files are read and compared; those whose times are
// now before the run's mark are then known clean, as git's index records
// an entry it has checked, and the record is rewritten without them, so
// later runs read nothing.
func (r *run) unchanged() (*Result, bool) {
	key, _, ok := r.treeKey(false)
	if !ok {
		return nil, false
	}
	b, err := os.ReadFile(r.treeRecordFile())
	const head = 2*sha256.Size + 16
	if err != nil || len(b) < head || !bytes.Equal(b[:sha256.Size], key[:]) {
		return nil, false
	}
	var outKey [sha256.Size]byte
	copy(outKey[:], b[sha256.Size:])
	names := []string{r.cfg.FileName}
	if r.cfg.Manifest != "-" {
		names = append(names, r.cfg.Manifest)
	}
	if root, _ := moduleOf(r.outAbs); root != "" {
		names = append(names, emit.DevFileName(r.cfg.FileName))
	}
	if !r.outputsCurrent(outKey, names) || !r.ownedIntact() {
		return nil, false
	}
	res := &Result{
		Bytes:     int64(binary.LittleEndian.Uint64(b[2*sha256.Size:])),
		Rewritten: int(binary.LittleEndian.Uint64(b[2*sha256.Size+8:])),
	}
	d := cache.NewDecoder(b[head:])
	n := d.U64()
	var stillRacy []racyFile
	for range n {
		p := d.Str()
		st := cache.ReadStamp(d)
		if d.Err() != nil {
			return nil, false
		}
		r.reread.Add(1)
		if !st.Current(p) {
			return nil, false
		}
		if !st.Settled(r.mark) {
			stillRacy = append(stillRacy, racyFile{p, st})
		}
	}
	for d.More() {
		r.warnings = append(r.warnings, d.Str())
	}
	if d.Err() != nil {
		return nil, false
	}
	if int(n) > len(stillRacy) {
		_ = cache.WriteFile(r.treeRecordFile(), r.encodeTree(key, outKey, stillRacy, res))
	}
	return res, true
}

// ownedIntact reports whether every file the owned directory's record
// lists holds what its name promises (the hash cache vouches for those
// unchanged since they were read), and no stopped run left temporary
// files for garbage collection to remove.
func (r *run) ownedIntact() bool {
	dir := filepath.Join(r.cfg.OutDir, OwnedDir)
	for _, d := range []string{r.cfg.OutDir, dir} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), cache.TempPrefix) || e.Name() == journalName {
				return false
			}
		}
	}
	// Stat-bound, like the walk: on every core.
	names := readRecord(dir)
	if len(names) == 0 {
		return true
	}
	r.hashCache() // opened here, before the workers share it
	var bad atomic.Bool
	parallel(context.Background(), len(names), func() func(i int) error {
		return func(i int) error {
			if !bad.Load() && !r.copyIntact(OwnedDir+"/"+names[i]) {
				bad.Store(true)
			}
			return nil
		}
	})
	return !bad.Load()
}
