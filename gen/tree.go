package gen

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/emit"
	"github.com/assetgen/assetgen/gen/internal/txwrite"
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
const recordDir = "render-v4"

// treeKey hashes what the walk found and everything else an output
// depends on. When recording it also returns the racy files, with stamps
// that hold their content's sum; ok is false when a racy file cannot be
// read.
func (r *run) treeKey(recording bool) (key cache.TreeKey, racy []cache.Stamped, ok bool) {
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
			st, ok := r.hashCache().Stamp(a.abs, k, r.mark)
			if !ok {
				var err error
				if st, err = cache.StampFile(a.abs, nil, r.mark); err != nil {
					return key, nil, false
				}
			}
			racy = append(racy, cache.Stamped{Path: a.abs, Stamp: st})
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
			racy = append(racy, cache.Stamped{Path: f, Stamp: st})
		}
	}
	return cache.TreeKey(w.Sum()), racy, true
}

func (r *run) treeRecordFile() string {
	return cache.File(r.cfg.CacheDir, recordDir, r.outAbs, ".tree")
}

// recordTree remembers this run's tree, the key its outputs were rendered
// from and the owned directory's files, after a run whose outputs are now
// right.
func (r *run) recordTree(outKey cache.OutputKey, res *Result) {
	key, racy, ok := r.treeKey(true)
	if !ok {
		return
	}
	copies, ok := r.stampCopies()
	if !ok {
		return
	}
	rec := cache.Tree{Key: key, Output: outKey, Bytes: res.Bytes, Rewritten: res.Rewritten, Racy: racy, Copies: copies, Warnings: r.warnings}
	_ = cache.WriteFile(r.treeRecordFile(), rec.Encode())
}

// stampCopies stamps the owned directory's record and every file it
// lists. The hash cache has an entry for each copy this run checked or
// wrote, so stamping reads at most the record.
func (r *run) stampCopies() ([]cache.Stamped, bool) {
	dir := filepath.Join(r.outAbs, OwnedDir)
	names := txwrite.Record(dir)
	if len(names) == 0 {
		return nil, true
	}
	end := r.lock.Mark()
	c := r.hashCache()
	out := make([]cache.Stamped, 0, len(names)+1)
	for _, n := range append(names, txwrite.RecordName) {
		abs := filepath.Join(dir, n)
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, false
		}
		st, ok := c.Stamp(abs, cache.KeyOf(fi), end)
		if !ok {
			if st, err = cache.StampFile(abs, nil, r.mark); err != nil {
				return nil, false
			}
		}
		out = append(out, cache.Stamped{Path: abs, Stamp: st})
	}
	return out, true
}

// unchanged reports whether the tree and the outputs are as recorded, and
// if so returns the result the full run would have (its warnings go to
// the run's). Racy files are read and compared; those whose times are
// now before the run's mark are then known clean, as git's index records
// an entry it has checked, and the record is rewritten with them clean,
// so later runs read nothing.
func (r *run) unchanged() (*Result, bool) {
	key, _, ok := r.treeKey(false)
	if !ok {
		return nil, false
	}
	rec, ok := cache.ReadTree(r.treeRecordFile(), key)
	if !ok {
		return nil, false
	}
	names := []string{r.cfg.FileName}
	if r.cfg.Manifest != "-" {
		names = append(names, r.cfg.Manifest)
	}
	if root, _ := moduleOf(r.outAbs); root != "" {
		names = append(names, emit.DevFileName(r.cfg.FileName))
	}
	if !r.outputsCurrent(rec.Output, names) || r.writer().Unfinished() {
		return nil, false
	}
	racy, okRacy, settledRacy := r.checkStamped(rec.Racy)
	copies, okCopies, settledCopies := r.checkStamped(rec.Copies)
	if !okRacy || !okCopies {
		return nil, false
	}
	r.warnings = append(r.warnings, rec.Warnings...)
	if settledRacy || settledCopies {
		rec.Racy = slices.DeleteFunc(racy, func(f cache.Stamped) bool { return !f.Stamp.Racy })
		rec.Copies = copies
		_ = cache.WriteFile(r.treeRecordFile(), rec.Encode())
	}
	return &Result{Bytes: rec.Bytes, Rewritten: rec.Rewritten}, true
}

// checkStamped checks stamped files on every core, like the walk: it is
// stat-bound. It returns the list with the stamps that settled made clean,
// whether every file is current, and whether any stamp settled.
func (r *run) checkStamped(list []cache.Stamped) (now []cache.Stamped, current, settled bool) {
	now = slices.Clone(list)
	var stale, anySettled atomic.Bool
	parallel(context.Background(), len(list), func() func(i int) error {
		return func(i int) error {
			if stale.Load() {
				return nil
			}
			f, ok, read, s := list[i].Check(r.mark)
			if read {
				r.reread.Add(1)
			}
			if !ok {
				stale.Store(true)
			}
			if s {
				anySettled.Store(true)
			}
			now[i] = f
			return nil
		}
	})
	return now, !stale.Load(), anySettled.Load()
}
