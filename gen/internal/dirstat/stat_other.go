//go:build !linux

package dirstat

import (
	"io/fs"
	"os"
	"path/filepath"
)

func (d *Dir) stat(names []string, follow bool, fn func(i int, info fs.FileInfo, err error) bool) {
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

// SameFile reports whether a and b describe the same file: os.SameFile,
// since every info here comes from package os.
func SameFile(a, b fs.FileInfo) bool { return os.SameFile(a, b) }
