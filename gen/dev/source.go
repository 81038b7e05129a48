package dev

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/assetgen/assetgen/gen/internal/build"
	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/find"
	"github.com/assetgen/assetgen/gen/internal/mediatype"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/settings"
	"github.com/assetgen/assetgen/internal/relpath"
	"github.com/assetgen/assetgen/runtime"
)

// Source serves assets from source directories: a runtime.Live. It is
// safe for concurrent use; requests are served one at a time, which is
// plenty for one developer's browser.
type Source struct {
	cfg  Config
	dirs []string // absolute
	ig   *find.Ignorer
	pre  *find.Ignorer
	opt  build.Options
	set  *runtime.Set
	now  func() time.Time // time.Now; tests move it

	mu    sync.Mutex
	nodes map[string]*node // by logical path: every file seen so far
	seen  map[string]*node // current's, emptied and used again by each request

	reload *reloader // nil without live reload
	enc    encoder   // precompressed variants; see encode.go
}

var _ runtime.Live = (*Source)(nil)

// New returns a Source over the directories cfg describes, not attached
// to a Set: Attach is New and Set.SetLive.
func New(cfg Config) (*Source, error) {
	cfg, dirs, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ig, err := settings.Ignorer(cfg.Settings)
	if err != nil {
		return nil, fmt.Errorf("assetgen dev: %w", err)
	}
	pre, err := find.NewIgnorer(cfg.Prehashed)
	if err != nil {
		return nil, fmt.Errorf("assetgen dev: prehashed: %w", err)
	}
	s := &Source{cfg: cfg, dirs: dirs, ig: ig, pre: pre, opt: settings.BuildOptions(cfg.Settings), nodes: map[string]*node{}, now: time.Now}
	if cfg.Reload {
		if s.reload, err = s.watch(); err != nil {
			s.Close()
			return nil, fmt.Errorf("assetgen dev: live reload: %w", err)
		}
	}
	return s, nil
}

// Close stops watching. The Set, if attached, should be detached first
// (set.SetLive(nil)).
func (s *Source) Close() error {
	if s.reload != nil {
		s.reload.close()
	}
	return nil
}

// node is the cached state of one logical path: a node of the build
// graph (its prepared content, references and, once named, its final
// content and name) and what development mode needs to tell a change.
type node struct {
	build.Node
	dir   int // index of the winning source directory
	size  int64
	mtime time.Time
	racy  bool // modified too recently to trust size and mtime alone

	orig        []byte // content as read, to tell a real change from a touch
	contentType string
	prep        build.Prepared // what the references were found in, for Missing

	row    runtime.File // the node's description as of rowSum
	rowSum [sha256.Size]byte
}

// Stat implements runtime.Live.
func (s *Source) Stat(p string) (runtime.File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.current(p)
	if n == nil {
		return runtime.File{}, false
	}
	return n.row, true
}

// Read implements runtime.Live.
func (s *Source) Read(p string) (runtime.File, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.current(p)
	if n == nil {
		return runtime.File{}, nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return n.row, n.Final, nil
}

// Logical implements runtime.Live: a name is a logical path held by a
// source directory, or a fingerprinted one, stem.<HashLen hex digits>.ext
// (any digits: see the package doc).
func (s *Source) Logical(name string) (string, bool) {
	if _, _, ok := s.find(name); ok {
		return name, true
	}
	p, _, ok := naming.Parse(name, s.cfg.HashLen)
	if !ok {
		return "", false
	}
	if _, _, ok := s.find(p); ok {
		return p, true
	}
	return "", false
}

// Paths implements runtime.Live by walking every source directory: All
// and FS use it, the handler and URL never do.
func (s *Source) Paths() []string {
	matches, err := find.Walk(context.Background(), s.dirs, s.ig)
	if err != nil {
		s.cfg.Logf("assetgen: %v", err)
	}
	out := make([]string, len(matches))
	for i, m := range matches {
		out[i] = m.Logical
	}
	return out
}

// Events implements runtime.Live.
func (s *Source) Events() http.Handler {
	if s.reload == nil {
		return nil
	}
	return s.reload
}

// find returns the source directory that holds logical path p now, as
// generate decides it (find.Winner), and the file's size and time.
func (s *Source) find(p string) (int, find.Stat, bool) {
	return find.Winner(s.dirs, s.ig, p)
}

// current returns the up-to-date node of p, or nil if no source
// directory holds it: it checks p and everything p references,
// transitively, once each, and names again what changed. s.mu is held.
func (s *Source) current(p string) *node {
	if s.seen == nil {
		s.seen = map[string]*node{}
	}
	seen := s.seen
	defer clear(seen) // keeps its room, not the nodes
	n := s.visit(p, seen)
	if n == nil {
		return nil
	}
	s.name(seen)
	return n
}

// visit brings the node of p and those it references up to date with the
// disk, recording each in seen (nil for a path that is not there).
func (s *Source) visit(p string, seen map[string]*node) *node {
	if n, ok := seen[p]; ok {
		return n
	}
	n := s.load(p)
	seen[p] = n
	if n != nil {
		for _, r := range n.Refs {
			s.visit(r.Logical, seen)
		}
	}
	return n
}

// load returns the node of p, read again if its winning directory, size
// or modification time changed, or nil.
func (s *Source) load(p string) *node {
	dir, st, ok := s.find(p)
	old := s.nodes[p]
	if !ok {
		delete(s.nodes, p)
		return nil
	}
	if old != nil && old.dir == dir && old.size == st.Size && old.mtime.Equal(st.ModTime) && !old.racy {
		return old
	}
	raw, err := os.ReadFile(s.path(dir, p))
	if err != nil {
		s.cfg.Logf("assetgen: %s: cannot read: %v", relpath.Display(s.path(dir, p)), err)
		delete(s.nodes, p)
		return nil
	}
	racy := cache.Racy(st.ModTime, s.now())
	if old != nil && old.dir == dir && string(old.orig) == string(raw) {
		old.size, old.mtime, old.racy = st.Size, st.ModTime, racy
		return old
	}
	n := &node{Node: build.Node{Logical: p, Prehashed: s.pre.Ignored(p)}, dir: dir, size: st.Size, mtime: st.ModTime, racy: racy, orig: raw}
	n.contentType, _ = mediatype.Served(p, raw, utf8.Valid(raw))
	n.prep = build.Prepare(p, n.contentType, raw, n.Prehashed, s.opt)
	if n.prep.NotMinified != nil {
		s.cfg.Logf("assetgen: %s: not minified: %v", s.file(n), n.prep.NotMinified)
	}
	n.Data, n.Sum, n.Refs = n.prep.Data, sha256.Sum256(n.prep.Data), n.prep.Refs
	s.nodes[p] = n
	return n
}

// file names a node's source file for messages.
func (s *Source) file(n *node) string {
	return relpath.Display(s.path(n.dir, n.Logical))
}

// path is the file at logical path p in the dir'th source directory, made
// only when it is read or named: find decides without it.
func (s *Source) path(dir int, p string) string {
	return filepath.Join(s.dirs[dir], filepath.FromSlash(p))
}
