// Package relpath names files in messages the way a user typed them: relative
// to the working directory when they lie below it, slash-separated on every
// system, so that messages and golden files read the same everywhere.
package relpath

import (
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Display names p for a message: relative to the working directory when
// p lies below it, else as given, cleaned; slash-separated.
func Display(p string) string {
	if wd, err := os.Getwd(); err == nil && filepath.IsAbs(p) {
		if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return path.Clean(filepath.ToSlash(p))
}
