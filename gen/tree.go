package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/assetgen/assetgen/gen/internal/emit"
)

// A run over a tree that has not changed since a run that found its
// outputs already right can stop after walking: the tree record holds the
// tree key of that run (every source file's path and stat key, the
// configuration, the generator, and the stat keys of the package's other
// Go files and of a Vite manifest) and the output key its outputs were
// rendered from. If the key matches and the outputs still match their
// recorded stats (outputsCurrent), the outputs are what a full run would
// write, so nothing is hashed, rendered or written.
//
// The same rules as the hash cache keep it from lying: every stat key
// includes the change time, which user space cannot set, and a record is
// made only when every source is older than the racy window. Template
// checks read files the key does not cover, so a run with Config.Templates
// never takes this path.

// treeKey hashes what the walk found and everything else an output
// depends on; ok is false when some file is too young to trust.
func (r *run) treeKey(recording bool) (key [sha256.Size]byte, ok bool) {
	if r.cfg.CacheDir == "" || len(r.cfg.Templates) > 0 {
		return key, false
	}
	h := sha256.New()
	var buf []byte
	str := func(s string) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(len(s)))
		buf = append(buf, s...)
		h.Write(buf)
	}
	stat := func(fi os.FileInfo) bool {
		now := time.Now()
		if recording && (now.Sub(fi.ModTime()) < racyWindow || now.Sub(sysChangeTime(fi)) < racyWindow) {
			return false
		}
		k := keyOf(fi)
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(k.Size))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(k.MTime))
		buf = k.Sys.append(buf)
		h.Write(buf)
		return true
	}
	str(generatorID())
	cfg := r.cfg
	cfg.Progress, cfg.Log = nil, nil // a func prints as its address, which differs per process
	str(fmt.Sprintf("%#v", cfg))
	for _, a := range r.assets {
		str(a.logical)
		str(a.abs)
		if !stat(a.src.Info) {
			return key, false
		}
		for _, sh := range a.shadowed {
			str(sh.Path)
		}
	}
	others, _ := filepath.Glob(filepath.Join(r.outAbs, "*.go"))
	extra := append(others, filepath.Join(r.outAbs, "go.mod"))
	if r.cfg.ViteManifest != "" {
		extra = append(extra, r.cfg.ViteManifest)
	}
	for _, f := range extra {
		str(f)
		if fi, err := os.Stat(f); err == nil && !stat(fi) {
			return key, false
		}
	}
	h.Sum(key[:0])
	return key, true
}

func (r *run) treeRecordFile() string {
	id := sha256.Sum256([]byte(r.outAbs))
	return filepath.Join(r.cfg.CacheDir, "render-v1", hex.EncodeToString(id[:12])+".tree")
}

// recordTree remembers this run's tree and the key its outputs were
// rendered from, after a run that found the outputs already right.
func (r *run) recordTree(outKey [sha256.Size]byte) {
	key, ok := r.treeKey(true)
	if !ok {
		return
	}
	b := append(key[:], outKey[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.res.Bytes))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.res.Rewritten))
	for _, w := range r.res.Warnings { // repeated by the runs that stop early
		b = binary.LittleEndian.AppendUint32(b, uint32(len(w)))
		b = append(b, w...)
	}
	_ = writeFileAtomic(r.treeRecordFile(), b)
}

// unchanged reports whether the tree and the outputs are as recorded, and
// if so fills in the result as the full run would have.
func (r *run) unchanged() bool {
	key, ok := r.treeKey(false)
	if !ok {
		return false
	}
	b, err := os.ReadFile(r.treeRecordFile())
	const head = 2*sha256.Size + 16
	if err != nil || len(b) < head || !bytes.Equal(b[:sha256.Size], key[:]) {
		return false
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
		return false
	}
	r.res.Bytes = int64(binary.LittleEndian.Uint64(b[2*sha256.Size:]))
	r.res.Rewritten = int(binary.LittleEndian.Uint64(b[2*sha256.Size+8:]))
	d := decoder{b: b[head:]}
	for len(d.b) > 0 && d.err == nil {
		r.res.Warnings = append(r.res.Warnings, d.str())
	}
	return d.err == nil
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
			if strings.HasPrefix(e.Name(), tempPrefix) || e.Name() == journalName {
				return false
			}
		}
	}
	for _, n := range readRecord(dir) {
		if !r.copyIntact(filepath.Join(dir, n)) {
			return false
		}
	}
	return true
}
