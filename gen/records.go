package gen

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/emit"
	"github.com/assetgen/assetgen/gen/internal/txwrite"
)

// A run over a tree that has not changed since the last successful run can
// stop after walking: the tree record (cache.Tree) holds the tree key of
// that run (the generator, every source file's path and stat key, and the
// stat keys of the package's other Go files and of a Vite manifest or
// import map) and the output key its outputs were rendered from. If the
// key matches, the outputs still match the output record (cache.Outputs)
// and the owned directory's files their stamps, the outputs are what a
// full run would write, so nothing is hashed, rendered or written.
//
// The same rules as the hash cache keep it from lying: every stat key
// includes the change time, which user space cannot set, and a file whose
// times were racy at the recording run's mark is stamped with its
// content's SHA-256 and read again before the record is trusted (git's
// racy-clean rule); once checked and settled, it is recorded clean. Every
// successful run records, the one that wrote new outputs included, so the
// first run after an edit already stops after the walk. Template checks
// read files the key does not cover, so a run with Config.Templates never
// takes this path.
//
// This file computes the keys from the run's model and decides; package
// cache holds the records' formats.

// recordDir holds the render cache and the tree and output records; its
// version changes with their formats.
const recordDir = "render-v4"

// generator returns the run's generator identity: this build of assetgen
// with the run's settings. ok is false when there is none to trust, and
// then nothing is recorded or reused.
func (r *run) generator() (cache.Generator, bool) {
	if r.ident == nil {
		cfg := r.cfg
		cfg.Progress, cfg.Log = nil, nil // hooks: they change no output
		g, ok := cache.NewGenerator(cfg)
		r.ident = &generatorIdent{g, ok}
	}
	return r.ident.g, r.ident.ok
}

type generatorIdent struct {
	g  cache.Generator
	ok bool
}

// treeKey hashes what the walk found and everything else an output
// depends on. When recording it also returns the racy files, with stamps
// that hold their content's sum; ok is false when a racy file cannot be
// read.
func (r *run) treeKey(recording bool) (key cache.TreeKey, racy []cache.Stamped, ok bool) {
	if !r.treeKeyed() {
		return key, nil, false
	}
	g, ok := r.generator()
	if !ok {
		return key, nil, false
	}
	w := cache.NewKeyWriter()
	w.Bytes(g[:])
	w.Str32(r.wd) // relative source paths are in it
	for _, m := range r.found {
		w.Str32(m.Logical)
		w.Str32(m.Winner.Path)
		k := cache.KeyOf(m.Winner.Info)
		w.Key(k)
		if recording && k.Racy(r.mark) {
			// The hash cache holds the sum this run read; a file it
			// does not vouch for is read again.
			abs := r.abs(m.Winner.Path)
			st, ok := r.hashCache().Stamp(abs, k, r.mark)
			if !ok {
				var err error
				if st, err = cache.StampFile(abs, nil, r.mark); err != nil {
					return key, nil, false
				}
			}
			racy = append(racy, cache.Stamped{Path: abs, Stamp: st})
		}
		w.Num(int64(len(m.Shadowed)))
		for _, sh := range m.Shadowed {
			w.Str32(sh.Path)
		}
	}
	// The package's other Go files, but not the outputs: the output
	// record checks those, and they are newer than the run's mark.
	others, _ := filepath.Glob(filepath.Join(r.outAbs, "*.go"))
	others = slices.DeleteFunc(others, func(f string) bool {
		n := filepath.Base(f)
		return n == r.cfg.FileName || n == emit.DevFileName(r.cfg.FileName)
	})
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

// treeKeyed reports whether the run has a tree key: not without a cache
// directory, nor with template checks, which read files it does not
// cover.
func (r *run) treeKeyed() bool {
	return r.cfg.CacheDir != "" && len(r.cfg.Templates) == 0
}

// outputKey is a fixed-size key for everything the outputs are rendered
// from: the generator, the model, the development-mode file's fields and
// the output names. ok is false without a cache directory or a generator
// identity: then nothing is reused or recorded.
func (r *run) outputKey(pkg *emit.Package, dev *emit.DevPackage, names []string) (key cache.OutputKey, ok bool) {
	if r.cfg.CacheDir == "" {
		return key, false
	}
	g, ok := r.generator()
	if !ok {
		return key, false
	}
	w := cache.NewKeyWriter()
	w.Bytes(g[:])
	w.Strs(names)
	w.Str32(pkg.Name)
	w.Str32(pkg.Prefix)
	w.Str32(pkg.Compressor)
	w.Num(int64(len(pkg.Aliases)))
	for _, al := range pkg.Aliases {
		w.Str32(al.Ident)
		w.Str32(al.Source)
		w.Num(int64(al.Index))
	}
	w.Num(int64(len(pkg.Imports)))
	for _, im := range pkg.Imports {
		w.Str32(im.Specifier)
		w.Num(int64(im.Index))
	}
	w.Num(int64(len(pkg.Assets)))
	for _, a := range pkg.Assets {
		for _, s := range [...]string{a.Ident, a.Path, a.HashedPath, a.Name, a.Source, a.Integrity, a.ContentType} {
			w.Str32(s)
		}
		w.Num(a.Size)
		w.Bool(a.Immutable)
		w.Strs(a.Refs)
		w.Bool(a.Module)
		for _, list := range [][]int{a.Preload, a.Lazy} {
			w.Num(int64(len(list)))
			for _, n := range list {
				w.Num(int64(n))
			}
		}
		w.Num(int64(len(a.Encodings)))
		for _, e := range a.Encodings {
			w.Str32(e.Coding)
			w.Str32(e.Name)
			w.Num(e.Size)
		}
	}
	if err := w.Value(dev); err != nil {
		return key, false
	}
	return cache.OutputKey(w.Sum()), true
}

// recordFile is the record of kind ext ("" for the render cache) for the
// package.
func (r *run) recordFile(ext string) string {
	if r.cfg.CacheDir == "" {
		return ""
	}
	return cache.File(r.cfg.CacheDir, recordDir, r.outAbs, ext)
}

// render renders the Go file and the manifest, or takes them from the
// render cache (cache.ReadRender) when this generator rendered the same
// model before.
func (r *run) render(pkg *emit.Package, key cache.OutputKey, keyed bool, oldCode, oldManifest []byte) (code, manifest []byte, err error) {
	file := r.recordFile("")
	if !keyed {
		file = ""
	}
	if file != "" {
		if code, manifest, ok := cache.ReadRender(file, key, oldCode, oldManifest); ok {
			return code, manifest, nil
		}
	}
	if code, err = emit.Go(pkg); err != nil {
		return nil, nil, err
	}
	if manifest, err = emit.JSON(pkg); err != nil {
		return nil, nil, err
	}
	if file != "" {
		_ = cache.WriteRender(file, key, code, manifest)
	}
	return code, manifest, nil
}

// outputsCurrent reports whether the outputs on disk are exactly what the
// last run recorded for this key, judged by their stat as the hash cache
// judges sources, and for those whose times were racy when recorded, by
// their content's hash: then nothing needs rendering or writing. Those
// checked now and no longer racy at this run's mark are recorded clean.
func (r *run) outputsCurrent(key cache.OutputKey, names []string) bool {
	file := r.recordFile(".stat")
	if file == "" {
		return false
	}
	rec, ok := cache.ReadOutputs(file, key, names)
	if !ok {
		return false
	}
	settled := false
	for i, f := range rec.Files {
		f.Path = filepath.Join(r.outAbs, names[i])
		now, current, read, s := f.Check(r.mark)
		if read {
			r.reread.Add(1)
		}
		if !current {
			return false
		}
		rec.Files[i].Stamp, settled = now.Stamp, settled || s
	}
	if settled {
		_ = cache.WriteFile(file, rec.Encode())
	}
	return true
}

// recordOutputs records the outputs' stamps, after a run that wrote them
// or found them already right, so that the next run can skip them. data
// holds their contents, which saves reading racy ones. An output this
// run wrote (wrote[i]) is stamped at a mark taken after its writes, once
// the file system's clock has moved past them (markPast): like the files
// a git checkout writes before its index, the next run trusts it without
// reading it. The others are stamped at the run's mark, like sources.
func (r *run) recordOutputs(key cache.OutputKey, names []string, data [][]byte, wrote []bool) {
	file := r.recordFile(".stat")
	if file == "" {
		return
	}
	var written []cache.Key
	for i, n := range names {
		if fi, err := os.Stat(filepath.Join(r.cfg.OutDir, n)); err == nil && wrote[i] {
			written = append(written, cache.KeyOf(fi))
		}
	}
	end := r.markPast(written)
	rec := cache.Outputs{Key: key, Files: make([]cache.Stamped, len(names))}
	for i, n := range names {
		m := r.mark
		if wrote[i] {
			m = end
		}
		st, err := cache.StampFile(filepath.Join(r.cfg.OutDir, n), data[i], m)
		if err != nil {
			os.Remove(file)
			return
		}
		rec.Files[i] = cache.Stamped{Path: n, Stamp: st}
	}
	_ = cache.WriteFile(file, rec.Encode())
}

// settleWait bounds how long a run that wrote files waits for the file
// system's clock to tick past them (markPast): a tick is a few
// milliseconds where the clock is coarse, and a run that writes takes far
// longer.
const settleWait = 50 * time.Millisecond

// markPast returns a mark taken after this run's writes at which none of
// the files of keys, which it wrote, is racy (cache.MarkPast); none when
// there are no keys.
func (r *run) markPast(keys []cache.Key) cache.Mark {
	if len(keys) == 0 {
		return cache.Mark{}
	}
	return cache.MarkPast(keys, r.lock.Mark, settleWait)
}

// recordTree remembers this run's tree, the key its outputs were rendered
// from and the owned directory's files, after a run whose outputs are now
// right.
func (r *run) recordTree(outKey cache.OutputKey, res *Result) {
	key, racy, ok := r.treeKey(true)
	if !ok {
		return
	}
	copies, owned, ok := r.stampCopies()
	if !ok {
		return
	}
	rec := cache.Tree{Key: key, Output: outKey, Bytes: res.Bytes, Rewritten: res.Rewritten, Racy: racy, Copies: copies, Owned: owned, Warnings: r.warnings}
	_ = cache.WriteFile(r.recordFile(".tree"), rec.Encode())
}

// stampCopies stamps the owned directory's record and every file it
// lists, at a mark past this run's writes (markPast). The hash cache has
// an entry for each copy this run checked or wrote, so stamping reads at
// most the record, and that only if its times are racy all the same. It
// also stamps the directory itself if it holds no temporary file and its
// times are not racy at that mark (cache.Tree.Owned), and leaves owned's
// Path empty otherwise.
func (r *run) stampCopies() (copies []cache.Stamped, owned cache.Stamped, ok bool) {
	dir := filepath.Join(r.outAbs, OwnedDir)
	names := txwrite.Record(dir)
	if len(names) == 0 {
		return nil, owned, true
	}
	names = append(names, txwrite.RecordName)
	keys := make([]cache.Key, len(names), len(names)+1)
	for i, n := range names {
		fi, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			return nil, owned, false
		}
		keys[i] = cache.KeyOf(fi)
	}
	// The directory's stat before its listing: an entry added after
	// this stat changes it.
	di, err := os.Stat(dir)
	if err != nil {
		return nil, owned, false
	}
	dirKey := cache.KeyOf(di)
	clean := r.writer().OwnedClean()
	end := r.markPast(append(keys, dirKey))
	c := r.hashCache()
	copies = make([]cache.Stamped, 0, len(names))
	for i, n := range names {
		abs := filepath.Join(dir, n)
		st, ok := c.Stamp(abs, keys[i], end)
		if !ok {
			var err error
			if st, err = cache.StampFile(abs, nil, end); err != nil {
				return nil, owned, false
			}
		}
		copies = append(copies, cache.Stamped{Path: abs, Stamp: st})
	}
	if clean && !dirKey.Racy(end) {
		owned = cache.Stamped{Path: dir, Stamp: cache.Stamp{Key: dirKey}}
	}
	return copies, owned, true
}

// unchanged reports whether the tree and the outputs are as recorded, and
// if so returns the result the full run would have (its warnings go to
// the run's). Racy files are read and compared; those whose times are
// now before the run's mark are then known clean, as git's index records
// an entry it has checked, and the record is rewritten with them clean,
// so later runs read nothing.
func (r *run) unchanged() (*Result, bool) {
	// The record is read on another core while this one computes the
	// key: each costs a few milliseconds, and a run that has a record
	// reads it whether or not the key matches.
	if !r.treeKeyed() {
		return nil, false
	}
	file := r.recordFile(".tree")
	var rec *cache.Tree
	read := make(chan struct{})
	go func() {
		defer close(read)
		rec = cache.ReadTree(file)
	}()
	key, _, ok := r.treeKey(false)
	<-read
	if !ok || rec == nil || rec.Key != key {
		return nil, false
	}
	names := []string{r.cfg.FileName}
	if r.cfg.Manifest != "-" {
		names = append(names, r.cfg.Manifest)
	}
	if root, _ := moduleOf(r.outAbs); root != "" {
		names = append(names, emit.DevFileName(r.cfg.FileName))
	}
	// A racy stamp would be checked by reading the file, which for a
	// directory fails: the directory is listed then, as it is unstamped.
	ownedClean := rec.Owned.Path != "" && rec.Owned.Stamp.Current(rec.Owned.Path)
	if !r.outputsCurrent(rec.Output, names) || r.writer().Unfinished(ownedClean) {
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
		_ = cache.WriteFile(file, rec.Encode())
	}
	return &Result{Bytes: rec.Bytes, Rewritten: rec.Rewritten}, true
}

// checkStamped checks stamped files on every core, like the walk: it is
// stat-bound. Each core takes a contiguous part of the list, so that the
// files of one directory share its descriptor (cache.CheckAll). It
// returns the list with the stamps that settled made clean, in place,
// whether every file is current, and whether any stamp settled.
func (r *run) checkStamped(list []cache.Stamped) (now []cache.Stamped, current, settled bool) {
	now = list
	parts := min(runtime.GOMAXPROCS(0), (len(list)+minCheckPart-1)/minCheckPart)
	var stale, anySettled atomic.Bool
	parallel(context.Background(), parts, func() func(i int) error {
		return func(i int) error {
			lo, hi := i*len(list)/parts, (i+1)*len(list)/parts
			ok, read, s := cache.CheckAll(list[lo:hi], r.mark, now[lo:hi])
			r.reread.Add(int64(read))
			if !ok {
				stale.Store(true)
			}
			if s {
				anySettled.Store(true)
			}
			return nil
		}
	})
	return now, !stale.Load(), anySettled.Load()
}

// minCheckPart is the fewest stamped files worth a core of their own.
const minCheckPart = 256
