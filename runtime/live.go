package runtime

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"sync"
	"time"
)

// Live is a source that takes a Set's assets over at run time: development
// mode, where package github.com/assetgen/assetgen/gen/dev serves them from
// the source directories as they are on disk. While a Set has a Live (see
// SetLive), URL, Lookup, All, Len, FS, the Asset methods and handlers made
// by Serve and Handler ask it rather than the table, so the application
// keeps using the generated API unchanged.
//
// A production binary never sets one, and then each of those calls costs
// one atomic load and a nil check: URL() stays allocation-free. Everything
// else about development mode lives outside this package.
type Live interface {
	// Stat returns the asset at logical path p as it is now, and false if
	// there is none. Of the File, HashedPath, Integrity, ContentType, Size
	// and Immutable are used; they describe the content Read returns.
	Stat(p string) (File, bool)
	// Read returns the asset at p and its content, consistent with each
	// other. The content must not be modified. An error wrapping
	// fs.ErrNotExist makes the handler answer 404, any other 500.
	Read(p string) (File, []byte, error)
	// Logical maps a name the handler was asked for, after the mount path
	// and past the handler's path rules, to a logical path: the name
	// itself, or the logical path of a fingerprinted name.
	Logical(name string) (p string, ok bool)
	// Paths returns every logical path, sorted.
	Paths() []string
	// Variants returns the precompressed variants of content, the asset
	// f as Read returned them, in any order; nil for none. The handler
	// asks on every response it serves from the Live, so a Live that
	// compresses should keep the result while f.Integrity stays the same.
	Variants(f File, content []byte) []Variant
	// Events returns the handler for requests under LiveDir, below the
	// mount path (the live reload script and event stream), or nil when
	// live reload is off.
	Events() http.Handler
}

// Variant is a precompressed representation of a Live's asset: what a
// table row's Encoding names in the embedded file system, held in memory.
type Variant struct {
	// Coding is the content-coding token: "br", "zstd" or "gzip".
	Coding string
	// Data is the encoded content.
	Data []byte
}

// LiveDir is the directory below the handler's mount path where, in
// development mode, Live.Events answers ("/static/.assetgen/events"). As a
// dotfile directory, the production handler answers 404 under it.
const LiveDir = ".assetgen/"

// liveState is the Live in force and the names of the assets it has
// shown that the table lacks. Once a Set has had a Live it keeps a
// liveState, with a nil l after SetLive(nil), so that an Asset of a file
// the table lacks stays valid: Asset methods take the live path whenever
// there is a liveState, and Set methods only when it has a Live (see
// liveNow).
type liveState struct {
	l     Live
	names *liveNames
}

// liveNames gives an index to each logical path that Lookup found only in
// the Live (a file added on disk since generation), so that an Asset stays
// a pointer and an int32: such assets have negative indexes, -1 for the
// first. The list only grows, and outlives a change of Live.
type liveNames struct {
	mu    sync.Mutex
	paths []string
	ids   map[string]int32
}

// SetLive makes l the source of the Set's assets, or, with nil, goes back
// to the table. Call it before Handler or Serve: a handler made before it
// keeps serving the table. Package gen/dev calls it (dev.Attach); a
// generated package does so in builds with the assetgen_dev tag.
func (s *Set) SetLive(l Live) {
	s.liveMu.Lock()
	defer s.liveMu.Unlock()
	if s.names == nil {
		if l == nil {
			return
		}
		s.names = &liveNames{ids: map[string]int32{}}
	}
	s.live.Store(&liveState{l: l, names: s.names})
}

// liveNow returns the liveState if the Set has a Live, else nil.
func (s *Set) liveNow() *liveState {
	if ls := s.live.Load(); ls != nil && ls.l != nil {
		return ls
	}
	return nil
}

// assetOf returns the Asset for a logical path the Live has.
func (s *Set) assetOf(ls *liveState, p string) Asset {
	if i, ok := s.byPath[p]; ok {
		return Asset{s, i}
	}
	n := ls.names
	n.mu.Lock()
	defer n.mu.Unlock()
	id, ok := n.ids[p]
	if !ok {
		n.paths = append(n.paths, p)
		id = -int32(len(n.paths))
		n.ids[p] = id
	}
	return Asset{s, id}
}

// path returns the asset's logical path, which never changes.
func (a Asset) path() string {
	if a.i >= 0 {
		return a.s.files[a.i].Path
	}
	n := a.s.names
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.paths[-a.i-1]
}

// liveFile is file() in development mode, and for an asset the table
// lacks: the Live's view, or the table's for a file deleted since.
func (a Asset) liveFile(ls *liveState) *File {
	p := a.path()
	if ls != nil && ls.l != nil {
		if f, ok := ls.l.Stat(p); ok {
			f.Path = p
			return &f
		}
	}
	if a.i >= 0 {
		return &a.s.files[a.i]
	}
	return &File{Path: p, HashedPath: p}
}

func (a Asset) liveURL() string {
	ls := a.s.live.Load()
	if ls.l == nil && a.i >= 0 {
		return a.s.state.Load().Data[a.i]
	}
	return a.s.state.Load().Prefix + escapePath(a.liveFile(ls).HashedPath)
}

func (s *Set) liveURL(ls *liveState, p string) (string, error) {
	f, ok := ls.l.Stat(p)
	if !ok {
		return "", &NotFoundError{Path: p}
	}
	return s.state.Load().Prefix + escapePath(f.HashedPath), nil
}

func (s *Set) liveLookup(ls *liveState, p string) (Asset, bool) {
	if _, ok := ls.l.Stat(p); !ok {
		return Asset{}, false
	}
	return s.assetOf(ls, p), true
}

func (s *Set) liveAll(ls *liveState) func(yield func(Asset) bool) {
	return func(yield func(Asset) bool) {
		for _, p := range ls.l.Paths() {
			if !yield(s.assetOf(ls, p)) {
				return
			}
		}
	}
}

// liveFS is a snapshot of the Live's tree, taken when FS is called: a Set
// of its own over the content read then, so that the file system code is
// the production one.
func (s *Set) liveFS(ls *liveState) fs.FS {
	paths := slices.Clone(ls.l.Paths())
	slices.Sort(paths)
	paths = slices.Compact(paths)
	files := make([]File, 0, len(paths))
	data := make(memFS, len(paths))
	for _, p := range paths {
		f, b, err := ls.l.Read(p)
		if err != nil {
			continue
		}
		f.Path, f.Name, f.Encodings, f.Size = p, p, nil, int64(len(b))
		if f.HashedPath == "" {
			f.HashedPath = p
		}
		files = append(files, f)
		data[p] = b
	}
	return New(data, s.Prefix(), files).FS()
}

// memFS and memFile hold a snapshot's content.
type memFS map[string][]byte

func (m memFS) Open(name string) (fs.File, error) {
	b, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{Reader: bytes.NewReader(b), name: path.Base(name)}, nil
}

// memFile is its own fs.FileInfo; Size is the Reader's, the content's.
type memFile struct {
	*bytes.Reader
	name string
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Name() string               { return f.name }
func (f *memFile) Mode() fs.FileMode          { return 0o444 }
func (f *memFile) ModTime() time.Time         { return time.Time{} }
func (f *memFile) IsDir() bool                { return false }
func (f *memFile) Sys() any                   { return nil }

// LiveReloadScript returns, for a page template, the script element that
// connects the page to live reload: in development mode with live reload
// on, a <script> loading LiveDir+"reload.js" under the handler's mount
// path; otherwise, in production above all, "". Put it in every page's
// <head> or at the end of <body>:
//
//	template.FuncMap{"liveReload": assets.Set().LiveReloadScript}
//	...
//	{{liveReload}}
func (s *Set) LiveReloadScript() template.HTML {
	ls := s.liveNow()
	if ls == nil || ls.l.Events() == nil {
		return ""
	}
	src := s.state.Load().Mount + LiveDir + "reload.js"
	return template.HTML(`<script src="` + template.HTMLEscapeString(src) + `"></script>`)
}
