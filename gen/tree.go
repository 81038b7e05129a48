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
const recordDir = "render-v2"

// treeKey hashes what the walk found and everything else an output
// depends on. When recording it also returns the racy files, with stamps
// that hold their content's sum; ok is false when a racy file cannot be
// read.
func (r *run) treeKey(recording bool) (key [sha256.Size]byte, racyFiles []racyFile, ok bool) {
	if r.cfg.CacheDir == "" || len(r.cfg.Templates) > 0 {
		return key, nil, false
	}
	h := sha256.New()
	var buf []byte
	str := func(s string) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(len(s)))
		buf = append(buf, s...)
		h.Write(buf)
	}
	stat := func(k statKey) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(k.Size))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(k.MTime))
		buf = k.Sys.append(buf)
		h.Write(buf)
	}
	str(generatorID())
	cfg := r.cfg
	cfg.Progress, cfg.Log = nil, nil // a func prints as its address, which differs per process
	str(fmt.Sprintf("%#v", cfg))
	for _, a := range r.assets {
		str(a.Logical)
		str(a.abs)
		stat(keyOf(a.src.Info))
		if recording && racy(a.src.Info, r.start) {
			racyFiles = append(racyFiles, racyFile{a.abs, stamp{Key: keyOf(a.src.Info), Racy: true, Sum: a.srcSum}})
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
		fi, err := os.Stat(f)
		if err != nil {
			continue
		}
		stat(keyOf(fi))
		if recording && racy(fi, r.start) {
			st, err := r.stampFile(f, nil)
			if err != nil {
				return key, nil, false
			}
			racyFiles = append(racyFiles, racyFile{f, st})
		}
	}
	h.Sum(key[:0])
	return key, racyFiles, true
}

// racyFile is a file whose content a record checks by reading.
type racyFile struct {
	path string
	st   stamp
}

func (r *run) treeRecordFile() string {
	id := sha256.Sum256([]byte(r.outAbs))
	return filepath.Join(r.cfg.CacheDir, recordDir, hex.EncodeToString(id[:12])+".tree")
}

// recordTree remembers this run's tree and the key its outputs were
// rendered from, after a run whose outputs are now right.
//
//	tree key [32], output key [32], bytes u64, rewritten u64,
//	count u32, count × (len u32, path, stamp), then per warning: len u32, text
func (r *run) recordTree(outKey [sha256.Size]byte) {
	key, racyFiles, ok := r.treeKey(true)
	if !ok {
		return
	}
	_ = os.MkdirAll(filepath.Dir(r.treeRecordFile()), 0o755)
	_ = writeFileAtomic(r.treeRecordFile(), r.encodeTree(key, outKey, racyFiles))
}

func (r *run) encodeTree(key, outKey [sha256.Size]byte, racyFiles []racyFile) []byte {
	b := append(key[:], outKey[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.res.Bytes))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.res.Rewritten))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(racyFiles)))
	for _, f := range racyFiles {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f.path)))
		b = append(b, f.path...)
		b = f.st.append(b)
	}
	for _, w := range r.res.Warnings { // repeated by the runs that stop early
		b = binary.LittleEndian.AppendUint32(b, uint32(len(w)))
		b = append(b, w...)
	}
	return b
}

// unchanged reports whether the tree and the outputs are as recorded, and
// if so fills in the result as the full run would have. Racy files are
// read and compared; once they are past the racy window the record is
// rewritten without them, so later runs read nothing.
func (r *run) unchanged() bool {
	key, _, ok := r.treeKey(false)
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
	n := d.u32()
	stillRacy := false
	for range n {
		p := d.str()
		st := readStamp(&d)
		if d.err != nil || !st.current(p) {
			return false
		}
		stillRacy = stillRacy || !st.settled(r.start)
	}
	for len(d.b) > 0 && d.err == nil {
		r.res.Warnings = append(r.res.Warnings, d.str())
	}
	if d.err != nil {
		return false
	}
	if n > 0 && !stillRacy {
		_ = writeFileAtomic(r.treeRecordFile(), r.encodeTree(key, outKey, nil))
	}
	return true
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

// stamp is what a record keeps of one file: its stat key, and when its
// times were racy at recording, the SHA-256 of its content, which is then
// checked by reading it.
type stamp struct {
	Key  statKey
	Racy bool
	Sum  [sha256.Size]byte
}

// stampFile stamps a file; data, if not nil, is its content, which saves
// reading it when it is racy.
func (r *run) stampFile(file string, data []byte) (stamp, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return stamp{}, err
	}
	st := stamp{Key: keyOf(fi), Racy: racy(fi, r.start)}
	if !st.Racy {
		return st, nil
	}
	if data == nil {
		if data, err = os.ReadFile(file); err != nil {
			return stamp{}, err
		}
	}
	st.Sum = sha256.Sum256(data)
	return st, nil
}

// current reports whether the file still matches the stamp.
func (s stamp) current(file string) bool {
	fi, err := os.Stat(file)
	if err != nil || keyOf(fi) != s.Key {
		return false
	}
	if !s.Racy {
		return true
	}
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	sum, _, _, err := sumReader(f, make([]byte, 64<<10)) // streamed: outputs run to megabytes
	return err == nil && sum == s.Sum
}

// settled reports whether a racy stamp's times are now far enough before
// start that, the content having been checked, it need not be again.
func (s stamp) settled(start time.Time) bool {
	limit := start.Add(-racyWindow).UnixNano()
	return !s.Racy || s.Key.MTime < limit && s.Key.Sys.changeTime() < limit
}

func (s stamp) append(b []byte) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(s.Key.Size))
	b = binary.LittleEndian.AppendUint64(b, uint64(s.Key.MTime))
	b = s.Key.Sys.append(b)
	if !s.Racy {
		return append(b, 0)
	}
	b = append(b, 1)
	return append(b, s.Sum[:]...)
}

func readStamp(d *decoder) stamp {
	var s stamp
	s.Key.Size = int64(d.u64())
	s.Key.MTime = int64(d.u64())
	s.Key.Sys = readSysKey(d)
	if f := d.bytes(1); f != nil && f[0] == 1 {
		s.Racy = true
		copy(s.Sum[:], d.bytes(sha256.Size))
	}
	return s
}
