package runtime

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assetgen/assetgen/internal/httpserve"
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
	// Events returns the handler for requests under LiveDir, below the
	// mount path (the live reload script and event stream), or nil when
	// live reload is off.
	Events() http.Handler
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
		return a.s.state.Load().urls[a.i]
	}
	return a.s.state.Load().prefix + escapePath(a.liveFile(ls).HashedPath)
}

func (a Asset) liveOpen(ls *liveState) (fs.File, error) {
	if ls.l == nil {
		return a.tableOpen()
	}
	f, data, err := ls.l.Read(a.path())
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: path.Base(a.path()), size: f.Size}}, nil
}

// tableOpen is Open after SetLive(nil).
func (a Asset) tableOpen() (fs.File, error) {
	if a.i < 0 {
		return nil, &fs.PathError{Op: "open", Path: a.path(), Err: fs.ErrNotExist}
	}
	f := &a.s.files[a.i]
	if f.Name == "" {
		return a.openGzip()
	}
	file, err := a.s.fsys.Open(f.Name)
	if err != nil {
		return nil, err
	}
	return &assetFile{File: file, a: a}, nil
}

func (a Asset) liveReadAll(ls *liveState) ([]byte, error) {
	if ls.l == nil {
		f, err := a.tableOpen()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	_, data, err := ls.l.Read(a.path())
	return slices.Clone(data), err
}

func (s *Set) liveURL(ls *liveState, p string) (string, error) {
	f, ok := ls.l.Stat(p)
	if !ok {
		return "", &NotFoundError{Path: p}
	}
	return s.state.Load().prefix + escapePath(f.HashedPath), nil
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
	return &memFile{Reader: bytes.NewReader(b), info: memInfo{name: path.Base(name), size: int64(len(b))}}, nil
}

type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (fi memInfo) Name() string       { return fi.name }
func (fi memInfo) Size() int64        { return fi.size }
func (fi memInfo) Mode() fs.FileMode  { return 0o444 }
func (fi memInfo) ModTime() time.Time { return time.Time{} }
func (fi memInfo) IsDir() bool        { return false }
func (fi memInfo) Sys() any           { return nil }

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
	src := s.state.Load().mount + LiveDir + "reload.js"
	return template.HTML(`<script src="` + template.HTMLEscapeString(src) + `"></script>`)
}

// liveServe returns Serve's handler in development mode, or nil in
// production.
func (s *Set) liveServe(opts ServeOptions) http.Handler {
	ls := s.liveNow()
	if ls == nil {
		return nil
	}
	headerRules(nil, opts.Headers) // the same checks, and panics, as Serve
	if opts.Fallback != "" {
		if _, ok := ls.l.Stat(opts.Fallback); !ok {
			panic("assetgen runtime: ServeOptions.Fallback " + opts.Fallback + " is not an asset")
		}
	}
	return &liveHandler{s: s, opts: opts}
}

// liveHandler serves a Set's assets from its Live. It applies the
// production handler's path rules (checkName) and options, and leaves
// the rest (preconditions, ranges) to http.ServeContent. Every response
// is Cache-Control: no-cache, with a strong ETag from the content hash,
// so a reload revalidates each asset with a cheap 304 and never shows
// stale content; there are no precompressed variants.
type liveHandler struct {
	s    *Set
	opts ServeOptions

	once sync.Once
	prod http.Handler // for requests after SetLive(nil)
}

func (h *liveHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ls := h.s.liveNow()
	if ls == nil {
		h.once.Do(func() { h.prod = h.s.Serve(h.opts) })
		h.prod.ServeHTTP(w, r)
		return
	}
	p, status, redirect := h.resolve(ls.l, w, r)
	switch status {
	case 0:
	case -1:
		return // answered by Live.Events
	case http.StatusMovedPermanently:
		w.Header()["Location"] = []string{redirect}
		writeError(w, r, status)
		return
	default:
		writeError(w, r, status)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		writeError(w, r, http.StatusMethodNotAllowed)
		return
	}
	f, data, err := ls.l.Read(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		writeError(w, r, http.StatusNotFound)
		return
	case err != nil:
		writeError(w, r, http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr["Content-Type"] = []string{f.ContentType}
	hdr["Etag"] = []string{etag(f.Integrity)}
	hdr["Cache-Control"] = []string{cacheNoCache}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	if h.opts.CORSOrigin != "" {
		hdr["Access-Control-Allow-Origin"] = []string{h.opts.CORSOrigin}
	}
	for _, rule := range h.opts.Headers {
		if ok, _ := path.Match(rule.Pattern, p); ok {
			for k, v := range rule.Header {
				hdr[http.CanonicalHeaderKey(k)] = slices.Clone(v)
			}
		}
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// resolve is handler.resolve over a Live: the same path rules and
// options, with names looked up on disk rather than in the table. It
// returns the logical path to serve, or a status: -1 when Live.Events has
// answered.
func (h *liveHandler) resolve(l Live, w http.ResponseWriter, r *http.Request) (p string, status int, redirect string) {
	if len(r.URL.Path) > maxPathLen {
		return "", http.StatusRequestURITooLong, ""
	}
	name, ok := strings.CutPrefix(r.URL.Path, h.s.state.Load().mount)
	if !ok {
		name = strings.TrimPrefix(r.URL.Path, "/") // stripped already, as in production
	}
	if rest, ok := strings.CutPrefix(name, LiveDir); ok && r.URL.RawPath == "" && httpserve.CheckName(rest, "") == httpserve.PathOK {
		if ev := l.Events(); ev != nil {
			ev.ServeHTTP(w, r)
			return "", -1, ""
		}
		return "", http.StatusNotFound, ""
	}
	switch httpserve.CheckName(name, r.URL.RawPath) {
	case httpserve.PathBad:
		return "", http.StatusBadRequest, ""
	case httpserve.PathTooLong:
		return "", http.StatusRequestURITooLong, ""
	case httpserve.PathDotfile:
		return "", http.StatusNotFound, ""
	case httpserve.PathDir:
		if h.opts.Index {
			if p, ok := l.Logical(name + "index.html"); ok {
				return p, 0, ""
			}
		}
		return "", http.StatusNotFound, ""
	}
	if p, ok := l.Logical(name); ok {
		return p, 0, ""
	}
	if h.opts.Index {
		if _, ok := l.Logical(name + "/index.html"); ok {
			loc := path.Base(name) + "/"
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			return "", http.StatusMovedPermanently, loc
		}
	}
	if h.opts.Fallback != "" && !strings.Contains(path.Base(name), ".") {
		return h.opts.Fallback, 0, ""
	}
	return "", http.StatusNotFound, ""
}
