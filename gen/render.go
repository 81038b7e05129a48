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
func (r *run) render(pkg *emit.Package, oldCode, oldManifest []byte) (code, manifest []byte, err error) {
	var file string
	var key [sha256.Size]byte
	if r.cfg.CacheDir != "" {
		key = renderKey(pkg)
		id := sha256.Sum256([]byte(r.outAbs))
		file = filepath.Join(r.cfg.CacheDir, "render-v1", hex.EncodeToString(id[:12]))
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

// renderKey is a fixed-size key for the model and the generator. Every
// string is written with its length, so no two models share an encoding.
func renderKey(pkg *emit.Package) [sha256.Size]byte {
	h := sha256.New()
	var buf []byte
	str := func(s string) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(len(s)))
		h.Write(buf)
		io.WriteString(h, s)
	}
	str(generatorID())
	str(pkg.Name)
	str(pkg.Prefix)
	str(pkg.Compressor)
	for _, al := range pkg.Aliases {
		str(fmt.Sprint(al.Ident, " ", al.Source, " ", al.Index))
	}
	for _, a := range pkg.Assets {
		for _, s := range [...]string{a.Ident, a.Path, a.HashedPath, a.Name, a.Source, a.Integrity, a.ContentType} {
			str(s)
		}
		str(fmt.Sprint(a.Size, len(a.Refs), a.Immutable))
		for _, e := range a.Encodings {
			str(fmt.Sprint(e.Coding, " ", e.Name, " ", e.Size))
		}
		for _, ref := range a.Refs {
			str(ref)
		}
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
