//go:build !linux

package dirstat

import (
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// stat stats by path: every info comes from package os, so keep changes
// nothing.
func (d *Dir) stat(names []string, follow, keep bool, fn func(i int, info fs.FileInfo, err error) bool) {
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	for i, n := range names {
		fi, err := stat(filepath.Join(d.path, n))
		if !fn(i, fi, err) {
			return
		}
	}
}

// own reports no identity: no info here is Stat's own.
func own(fs.FileInfo) (dev, ino uint64, ctime int64, ok bool) { return 0, 0, 0, false }

// Regular stats dir joined with name, following symbolic links, and
// returns the size and modification time of a regular file; ok is false
// for anything else and for an error. Here it is os.Stat.
func Regular(dir, name string) (size int64, mtime time.Time, ok bool) {
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil || !fi.Mode().IsRegular() {
		return 0, time.Time{}, false
	}
	return fi.Size(), fi.ModTime(), true
}
