package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

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
func (r *run) render(pkg *emit.Package, key [sha256.Size]byte, oldCode, oldManifest []byte) (code, manifest []byte, err error) {
	var file string
	if r.cfg.CacheDir != "" {
		id := sha256.Sum256([]byte(r.outAbs))
		file = filepath.Join(r.cfg.CacheDir, recordDir, hex.EncodeToString(id[:12]))
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
	if file != "" && os.MkdirAll(filepath.Dir(file), 0o755) == nil {
		h := renderHeader{Key: key, Code: sha256.Sum256(code), Manifest: sha256.Sum256(manifest), CodeLen: uint64(len(code))}
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, &h)
		b.Write(code)
		b.Write(manifest)
		_ = writeFileAtomic(file, b.Bytes())
	}
	return code, manifest, nil
}

type renderHeader struct {
	Key, Code, Manifest [sha256.Size]byte
	CodeLen             uint64
}

// readRender returns the cached outputs for key, reading only the header
// when the old outputs are already right.
func readRender(file string, key [sha256.Size]byte, oldCode, oldManifest []byte) (code, manifest []byte, ok bool) {
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
func outputKey(pkg *emit.Package, dev *emit.DevPackage, names []string) [sha256.Size]byte {
	h := sha256.New()
	var buf []byte
	str := func(s string) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(len(s)))
		buf = append(buf, s...) // one Write, no conversion allocated
		h.Write(buf)
	}
	num := func(n int64) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(n))
		h.Write(buf)
	}
	strs := func(ss []string) {
		num(int64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	str(generatorID())
	strs(names)
	str(pkg.Name)
	str(pkg.Prefix)
	str(pkg.Compressor)
	num(int64(len(pkg.Aliases)))
	for _, al := range pkg.Aliases {
		str(al.Ident)
		str(al.Source)
		num(int64(al.Index))
	}
	num(int64(len(pkg.Assets)))
	for _, a := range pkg.Assets {
		for _, s := range [...]string{a.Ident, a.Path, a.HashedPath, a.Name, a.Source, a.Integrity, a.ContentType} {
			str(s)
		}
		num(a.Size)
		if a.Immutable {
			num(1)
		} else {
			num(0)
		}
		strs(a.Refs)
		num(int64(len(a.Encodings)))
		for _, e := range a.Encodings {
			str(e.Coding)
			str(e.Name)
			num(e.Size)
		}
	}
	if dev != nil {
		str(fmt.Sprintf("%#v", *dev))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
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
// their content's hash: then nothing needs rendering or writing. Once the
// racy ones are past the window the record is rewritten without their
// sums.
//
//	key [32], then per output: len u32, name, stamp
func (r *run) outputsCurrent(key [sha256.Size]byte, names []string) bool {
	file := r.outputRecordFile()
	if file == "" {
		return false
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) < sha256.Size || !bytes.Equal(b[:sha256.Size], key[:]) {
		return false
	}
	d := decoder{b: b[sha256.Size:]}
	stillRacy, anyRacy := false, false
	for _, n := range names {
		if d.str() != n {
			return false
		}
		st := readStamp(&d)
		if d.err != nil || !st.current(filepath.Join(r.cfg.OutDir, n)) {
			return false
		}
		anyRacy = anyRacy || st.Racy
		stillRacy = stillRacy || !st.settled(r.start)
	}
	if d.err != nil || len(d.b) != 0 {
		return false
	}
	if anyRacy && !stillRacy {
		r.recordOutputs(key, names, nil)
	}
	return true
}

// recordOutputs records the outputs' stamps, after a run that wrote them
// or found them already right, so that the next run can skip them. data,
// if not nil, holds their contents, which saves reading racy ones.
func (r *run) recordOutputs(key [sha256.Size]byte, names []string, data [][]byte) {
	file := r.outputRecordFile()
	if file == "" {
		return
	}
	b := append([]byte(nil), key[:]...)
	for i, n := range names {
		var content []byte
		if data != nil {
			content = data[i]
		}
		st, err := r.stampFile(filepath.Join(r.cfg.OutDir, n), content)
		if err != nil {
			os.Remove(file)
			return
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(len(n)))
		b = append(b, n...)
		b = st.append(b)
	}
	_ = os.MkdirAll(filepath.Dir(file), 0o755)
	_ = writeFileAtomic(file, b)
}

func (r *run) outputRecordFile() string {
	if r.cfg.CacheDir == "" {
		return ""
	}
	id := sha256.Sum256([]byte(r.outAbs))
	return filepath.Join(r.cfg.CacheDir, recordDir, hex.EncodeToString(id[:12])+".stat")
}
