package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/emit"
)

// render renders the Go file and the manifest, or takes them from the
// render cache when the same generator rendered the same model before.
// Rendering formats the whole Go file with go/format, which for 10,000
// assets costs several times more than walking and stat-ing the tree; an
// unchanged tree should not pay it.
//
// An entry is the key, the SHA-256 of both outputs, then the outputs. When
// the files on disk (oldCode, oldManifest) hash to the recorded sums, they
// are the answer and the rest of the entry is not even read.
//
// The key covers the model (every field emit reads) and the generator's
// identity: its build info and its executable's size and modification time,
// so a rebuilt assetgen never reuses another build's output. Like the hash
// cache, the render cache can only save time: a miss renders.
func (r *run) render(pkg *emit.Package, key cache.OutputKey, oldCode, oldManifest []byte) (code, manifest []byte, err error) {
	var file string
	if r.cfg.CacheDir != "" {
		file = cache.File(r.cfg.CacheDir, recordDir, r.outAbs, "")
		if code, manifest, ok := readRender(file, key, oldCode, oldManifest); ok {
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
		h := renderHeader{Key: key, Code: sha256.Sum256(code), Manifest: sha256.Sum256(manifest), CodeLen: uint64(len(code))}
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, &h)
		b.Write(code)
		b.Write(manifest)
		_ = cache.WriteFile(file, b.Bytes())
	}
	return code, manifest, nil
}

type renderHeader struct {
	Key            cache.OutputKey
	Code, Manifest [sha256.Size]byte
	CodeLen        uint64
}

// readRender returns the cached outputs for key, reading only the header
// when the old outputs are already right.
func readRender(file string, key cache.OutputKey, oldCode, oldManifest []byte) (code, manifest []byte, ok bool) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, false
	}
	defer f.Close()
	var h renderHeader
	if binary.Read(f, binary.LittleEndian, &h) != nil || h.Key != key {
		return nil, nil, false
	}
	if oldCode != nil && oldManifest != nil && sha256.Sum256(oldCode) == h.Code && sha256.Sum256(oldManifest) == h.Manifest {
		return oldCode, oldManifest, true
	}
	rest, err := io.ReadAll(f)
	if err != nil || h.CodeLen > uint64(len(rest)) {
		return nil, nil, false
	}
	code, manifest = rest[:h.CodeLen], rest[h.CodeLen:]
	if sha256.Sum256(code) != h.Code || sha256.Sum256(manifest) != h.Manifest {
		return nil, nil, false
	}
	return code, manifest, true
}

// outputKey is a fixed-size key for everything the outputs are rendered
// from: the generator, the model, the development-mode file's fields and
// the output names. Every string is written with its length, so no two
// inputs share an encoding.
func outputKey(pkg *emit.Package, dev *emit.DevPackage, names []string) cache.OutputKey {
	w := cache.NewKeyWriter()
	w.Str32(generatorID())
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
	if dev != nil {
		w.Str32(fmt.Sprintf("%#v", *dev))
	}
	return cache.OutputKey(w.Sum())
}

// generatorID identifies the running build of assetgen.
func generatorID() string {
	var b bytes.Buffer
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.WriteString(bi.String())
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			fmt.Fprint(&b, exe, fi.ModTime().UnixNano(), fi.Size())
		}
	}
	return b.String()
}

// outputsCurrent reports whether the outputs on disk are exactly what the
// last run recorded for this key, judged by their stat as the hash cache
// judges sources, and for those whose times were racy when recorded, by
// their content's hash: then nothing needs rendering or writing. Those
// checked now and no longer racy at this run's mark are recorded clean.
//
//	key [32], then per output: len u32, name, stamp
func (r *run) outputsCurrent(key cache.OutputKey, names []string) bool {
	file := r.outputRecordFile()
	if file == "" {
		return false
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) < sha256.Size || !bytes.Equal(b[:sha256.Size], key[:]) {
		return false
	}
	d := cache.NewDecoder(b[sha256.Size:])
	stamps := make([]cache.Stamp, len(names))
	settled := false
	for i, n := range names {
		if d.Str() != n {
			return false
		}
		st := cache.ReadStamp(d)
		if d.Err() != nil {
			return false
		}
		if st.Racy {
			r.reread.Add(1)
		}
		if !st.Current(filepath.Join(r.cfg.OutDir, n)) {
			return false
		}
		if st.Racy && st.Settled(r.mark) {
			st, settled = cache.Stamp{Key: st.Key}, true
		}
		stamps[i] = st
	}
	if d.Err() != nil || d.More() {
		return false
	}
	if settled {
		_ = cache.WriteFile(file, encodeOutputs(key, names, stamps))
	}
	return true
}

// encodeOutputs is the output record of the outputs names, stamped.
func encodeOutputs(key cache.OutputKey, names []string, stamps []cache.Stamp) []byte {
	var w cache.Writer
	w.Bytes(key[:])
	for i, n := range names {
		w.Str32(n)
		w.Stamp(stamps[i])
	}
	return w.Data()
}

// recordOutputs records the outputs' stamps, after a run that wrote them
// or found them already right, so that the next run can skip them. data
// holds their contents, which saves reading racy ones. An output this
// run wrote (wrote[i]) is stamped at the mark taken after its writes:
// like the files a git checkout writes before its index, it is trusted
// from the next run on once the file system's clock has moved past it.
// The others are stamped at the run's mark, like sources.
func (r *run) recordOutputs(key cache.OutputKey, names []string, data [][]byte, wrote []bool) {
	file := r.outputRecordFile()
	if file == "" {
		return
	}
	var end cache.Mark
	if slices.Contains(wrote, true) {
		end = r.lock.Mark()
	}
	stamps := make([]cache.Stamp, len(names))
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
		stamps[i] = st
	}
	_ = cache.WriteFile(file, encodeOutputs(key, names, stamps))
}

func (r *run) outputRecordFile() string {
	if r.cfg.CacheDir == "" {
		return ""
	}
	return cache.File(r.cfg.CacheDir, recordDir, r.outAbs, ".stat")
}
