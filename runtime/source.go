package runtime

import (
	"net/http"

	"github.com/assetgen/assetgen/internal/httpserve"
)

// source is what a handler serves from: the generated table, or in
// development mode a Live. It only looks names up; the one resolver
// (resolver) applies the path rules and ServeOptions around it, and the
// one RFC 9110 path (httpserve.Serve) serves what it opens, so that both
// modes, and the media store, answer a request the same way.
type source interface {
	// lookup returns the file served under name, a path after the mount
	// that passed the path rules, and how that URL is cached.
	lookup(name string) (ref, fileKind, bool)
	// lookupPath returns the file at logical path p: an index file, the
	// fallback.
	lookupPath(p string) (ref, bool)
	// open returns what serving the file takes. An error wrapping
	// fs.ErrNotExist is a 404, any other a 500.
	open(r ref, kind fileKind) (file, error)
	// events returns the handler for the names under LiveDir, or nil.
	events() http.Handler
}

// ref names a file of a source: by index in the table, by logical path in
// a Live.
type ref struct {
	i    int32
	path string
}

// file is a file as resolver.Open takes it.
type file struct {
	fs    *fileServe
	extra []httpserve.Field // CORS and ServeOptions.Headers for its path
	cache []string          // Cache-Control
}

// tableSource is the handler's table.
type tableSource struct{ h *handler }

func (t tableSource) lookup(name string) (ref, fileKind, bool) {
	e, ok := t.h.names[name]
	return ref{i: e.i}, e.kind, ok
}

func (t tableSource) lookupPath(p string) (ref, bool) {
	i, ok := t.h.s.byPath[p]
	return ref{i: i}, ok
}

func (t tableSource) open(r ref, kind fileKind) (file, error) {
	f := file{fs: &t.h.s.serve[r.i], cache: t.h.cacheControl[kind]}
	if t.h.extra != nil {
		f.extra = t.h.extra[r.i]
	}
	return f, nil
}

func (tableSource) events() http.Handler { return nil }

// devHandler is Serve's handler in development mode: it serves the Live
// while the Set has one, and the table after SetLive(nil). A handler made
// in production never looks for a Live.
type devHandler struct{ *handler }

func (h devHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ls := h.s.liveNow(); ls != nil {
		httpserve.Serve(w, r, h.s.state.Load().Mount, h.liveResolver(ls))
		return
	}
	h.handler.ServeHTTP(w, r)
}

// liveSource is the Live of a handler made in development mode. Its files
// are read per request and all sent with Cache-Control: no-cache and a
// strong ETag from the content hash, so that a reload revalidates each
// asset with a cheap 304 and never shows stale content. A file whose
// content is what the table holds (unchanged since generation) is served
// from the table's representations, exactly as production serves it;
// any other, with the variants the Live offers.
type liveSource struct {
	l Live
	h *handler
}

func (s liveSource) lookup(name string) (ref, fileKind, bool) {
	p, ok := s.l.Logical(name)
	return ref{path: p}, kindUnhashed, ok
}

func (s liveSource) lookupPath(p string) (ref, bool) {
	q, ok := s.l.Logical(p)
	return ref{path: p}, ok && q == p
}

func (s liveSource) open(r ref, kind fileKind) (file, error) {
	f, data, err := s.l.Read(r.path)
	if err != nil {
		return file{}, err
	}
	noCache := s.h.cacheControl[kindFallback]
	if i, ok := s.h.s.byPath[r.path]; ok && s.h.s.files[i].Integrity == f.Integrity {
		tf, err := tableSource{s.h}.open(ref{i: i}, kind)
		tf.cache = noCache
		return tf, err
	}
	return file{
		fs:    memFileServe(f, data, s.l.Variants(f, data)),
		extra: s.h.fields(r.path),
		cache: noCache,
	}, nil
}

func (s liveSource) events() http.Handler { return s.l.Events() }

// liveResolver is a handler's resolver over a Live, made once per SetLive.
type liveResolver struct {
	ls *liveState
	r  *resolver
}

// liveResolver returns the resolver over ls, so that a request in
// development mode allocates none.
func (h *handler) liveResolver(ls *liveState) *resolver {
	if x := h.live.Load(); x != nil && x.ls == ls {
		return x.r
	}
	x := &liveResolver{ls, &resolver{h, liveSource{ls.l, h}}}
	h.live.Store(x)
	return x.r
}
