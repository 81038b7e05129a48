// Package dirstat stats the entries of one directory through the
// directory's own descriptor: each stat resolves one name (fstatat),
// not a path from the working directory or the root again, and a
// directory's entries share one allocation. A walk of 10,000 files and
// the check of a package's owned copies are a stat per file, so this is
// most of what an unchanged re-run costs. Where the system has no
// fstatat for it (anything but Linux), each name is stat-ed by its path,
// as os.Lstat and os.Stat do. Regular stats one joined path the same
// way, without allocating, for development mode's per-request lookups.
package dirstat

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is an open directory whose entries are stat-ed by name.
type Dir struct {
	f    *os.File
	path string
}

// Open opens the directory at path.
func Open(path string) (*Dir, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &Dir{f: f, path: path}, nil
}

// Close closes the directory.
func (d *Dir) Close() error { return d.f.Close() }

// Names returns the names of the directory's entries, in the order the
// system gives them.
func (d *Dir) Names() ([]string, error) { return d.f.Readdirnames(-1) }

// Stat stats each of names, single names of entries in the directory,
// following a symbolic link when follow is set, and calls fn with each
// result in order, the info or an error naming the entry's path, until
// fn returns false. The infos share one allocation; each describes its
// file as os.Lstat or os.Stat would, and SameFile and Identity read them.
func (d *Dir) Stat(names []string, follow bool, fn func(i int, info fs.FileInfo, err error) bool) {
	d.stat(names, follow, true, fn)
}

// Scan is Stat for a caller that keeps no info: each is valid only until
// fn returns, and they share one, so that checking the thousands of files
// of a record against their stat allocates nothing per file.
func (d *Dir) Scan(names []string, follow bool, fn func(i int, info fs.FileInfo, err error) bool) {
	d.stat(names, follow, false, fn)
}

// pathError is the error for name, as os.Lstat would give it.
func (d *Dir) pathError(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: filepath.Join(d.path, name), Err: err}
}

// Identity returns the device and inode of the file info describes, and
// its change time in Unix nanoseconds, for an info from Stat or from
// package os; ok is false where the system reports none of them.
func Identity(info fs.FileInfo) (dev, ino uint64, ctime int64, ok bool) {
	if dev, ino, ctime, ok = own(info); ok {
		return dev, ino, ctime, true
	}
	return sysIdentity(info)
}

// SameFile reports whether a and b describe the same file, as os.SameFile
// does, for infos from Stat as well as from package os.
func SameFile(a, b fs.FileInfo) bool {
	devA, inoA, _, okA := Identity(a)
	devB, inoB, _, okB := Identity(b)
	if !okA || !okB {
		return os.SameFile(a, b)
	}
	return devA == devB && inoA == inoB
}
