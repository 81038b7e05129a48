package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
)

// File is the one place a cache file lives: dir/kind/<id><ext>, where id
// names the package directory outAbs, so that packages share a cache
// directory without sharing entries.
func File(dir, kind, outAbs, ext string) string {
	id := sha256.Sum256([]byte(outAbs))
	return filepath.Join(dir, kind, hex.EncodeToString(id[:12])+ext)
}

// TempPrefix starts the name of every temporary file a run writes, into
// the output and owned directories as into the cache; garbage collection
// removes those that a killed run left.
const TempPrefix = ".assetgen-"

// WriteFile writes a cache file by way of a temporary file renamed into
// place, creating its directory.
func WriteFile(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), TempPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
