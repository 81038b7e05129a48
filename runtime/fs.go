package runtime

import (
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// FS returns a read-only file system of the assets by logical path, with the
// directories their paths imply. It is what Django calls STATIC_ROOT: the
// collected tree, with shadowed and ignored files absent.
func (s *Set) FS() fs.FS {
	if ls := s.liveNow(); ls != nil {
		return s.liveFS(ls)
	}
	return setFS{s}
}

type setFS struct{ s *Set }

var (
	_ fs.FS         = setFS{}
	_ fs.ReadDirFS  = setFS{}
	_ fs.StatFS     = setFS{}
	_ fs.ReadFileFS = setFS{}
)

// Open opens a file or directory by logical path.
func (f setFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if a, ok := f.s.Lookup(name); ok {
		file, err := a.Open()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return file, nil
	}
	if d, ok := f.s.tree.dirs[name]; ok {
		return &dirFile{d: d, s: f.s}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists a directory in name order.
func (f setFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	d, ok := f.s.tree.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return d.entries(f.s), nil
}

// Stat describes a file or directory without opening it.
func (f setFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if a, ok := f.s.Lookup(name); ok {
		return fileInfo{a}, nil
	}
	if d, ok := f.s.tree.dirs[name]; ok {
		return dirInfo{d}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// ReadFile returns a copy of a file's content.
func (f setFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	a, ok := f.s.Lookup(name)
	if !ok {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrNotExist}
	}
	b, err := a.ReadAll()
	if err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	return b, nil
}

// dirTree holds the directories implied by the logical paths, built once by
// New so that the file system needs no walking at run time.
type dirTree struct {
	dirs map[string]*dir
}

type dir struct {
	name  string   // logical path, "." for the root
	dirs  []string // child directory names, sorted
	files []int32  // child file indexes, sorted by name
}

func newDirTree(files []File) *dirTree {
	t := &dirTree{dirs: map[string]*dir{".": {name: "."}}}
	var ensure func(p string) *dir
	ensure = func(p string) *dir {
		if d, ok := t.dirs[p]; ok {
			return d
		}
		d := &dir{name: p}
		t.dirs[p] = d
		parent := path.Dir(p)
		pd := ensure(parent)
		pd.dirs = append(pd.dirs, path.Base(p))
		return d
	}
	for i, f := range files {
		d := ensure(path.Dir(f.Path))
		d.files = append(d.files, int32(i))
	}
	for _, d := range t.dirs {
		slices.Sort(d.dirs)
		d.dirs = slices.Compact(d.dirs)
		slices.SortFunc(d.files, func(a, b int32) int {
			return strings.Compare(path.Base(files[a].Path), path.Base(files[b].Path))
		})
	}
	return t
}

// entries merges a directory's subdirectories and files in name order, as
// fs.ReadDir promises.
func (d *dir) entries(s *Set) []fs.DirEntry {
	out := make([]fs.DirEntry, 0, len(d.dirs)+len(d.files))
	for _, name := range d.dirs {
		out = append(out, fs.FileInfoToDirEntry(dirInfo{s.tree.dirs[path.Join(d.name, name)]}))
	}
	for _, i := range d.files {
		out = append(out, fs.FileInfoToDirEntry(fileInfo{Asset{s, i}}))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

// fileInfo describes an asset by its logical name. Embedded files have no
// modification time; neither does this.
type fileInfo struct{ a Asset }

func (fi fileInfo) Name() string       { return path.Base(fi.a.Path()) }
func (fi fileInfo) Size() int64        { return fi.a.Size() }
func (fi fileInfo) Mode() fs.FileMode  { return 0o444 }
func (fi fileInfo) ModTime() time.Time { return time.Time{} }
func (fi fileInfo) IsDir() bool        { return false }
func (fi fileInfo) Sys() any           { return nil }

type dirInfo struct{ d *dir }

func (di dirInfo) Name() string       { return path.Base(di.d.name) }
func (di dirInfo) Size() int64        { return 0 }
func (di dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (di dirInfo) ModTime() time.Time { return time.Time{} }
func (di dirInfo) IsDir() bool        { return true }
func (di dirInfo) Sys() any           { return nil }

// assetFile is an opened asset whose Stat reports the logical name, whatever
// the name of the embedded file behind it.
type assetFile struct {
	fs.File
	a Asset
}

func (f *assetFile) Stat() (fs.FileInfo, error) { return fileInfo{f.a}, nil }

// Seek and ReadAt pass through when the embedded file supports them, as
// embed.FS files do, so http.ServeContent can answer Range requests.
func (f *assetFile) Seek(offset int64, whence int) (int64, error) {
	if s, ok := f.File.(io.Seeker); ok {
		return s.Seek(offset, whence)
	}
	return 0, &fs.PathError{Op: "seek", Path: f.a.Path(), Err: fs.ErrInvalid}
}

func (f *assetFile) ReadAt(p []byte, off int64) (int, error) {
	if r, ok := f.File.(io.ReaderAt); ok {
		return r.ReadAt(p, off)
	}
	return 0, &fs.PathError{Op: "readat", Path: f.a.Path(), Err: fs.ErrInvalid}
}

// dirFile is an opened directory.
type dirFile struct {
	d      *dir
	s      *Set
	offset int
}

func (f *dirFile) Stat() (fs.FileInfo, error) { return dirInfo{f.d}, nil }
func (f *dirFile) Close() error               { return nil }
func (f *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: f.d.name, Err: fs.ErrInvalid}
}

// ReadDir follows fs.ReadDirFile: n <= 0 returns the rest, n > 0 returns at
// most n entries and io.EOF at the end.
func (f *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	all := f.d.entries(f.s)
	rest := all[f.offset:]
	if n <= 0 {
		f.offset = len(all)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	f.offset += n
	return rest[:n], nil
}
