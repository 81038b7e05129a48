package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"os"
)

// The render cache keeps the last outputs rendered for a package, by
// their OutputKey: rendering formats the whole Go file with go/format,
// which for 10,000 assets costs several times more than walking and
// stat-ing the tree, and a run whose model did not change should not pay
// it. An entry is a header (the key, the SHA-256 of both outputs, the Go
// file's length), then the outputs. Like the hash cache, it can only save
// time: a miss renders.
type renderHeader struct {
	Key            OutputKey
	Code, Manifest [sha256.Size]byte
	CodeLen        uint64
}

// ReadRender returns the outputs that file holds for key. When the files
// on disk (oldCode, oldManifest) hash to the recorded sums, they are the
// answer, and only the header is read.
func ReadRender(file string, key OutputKey, oldCode, oldManifest []byte) (code, manifest []byte, ok bool) {
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

// WriteRender records the outputs rendered for key in file.
func WriteRender(file string, key OutputKey, code, manifest []byte) error {
	h := renderHeader{Key: key, Code: sha256.Sum256(code), Manifest: sha256.Sum256(manifest), CodeLen: uint64(len(code))}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, &h)
	b.Write(code)
	b.Write(manifest)
	return WriteFile(file, b.Bytes())
}
