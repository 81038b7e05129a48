package media

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/assetgen/assetgen/internal/httpserve"
)

// maxLocalEntries bounds the attribute cache of a local store; when it is
// full it starts again empty, which costs each file one read of its
// attributes.
const maxLocalEntries = 10000

// localFiles serves a local store from the file system directly: a
// request costs one open and one fstat, as with http.FileServer, instead
// of two trips through the blob driver (which stats the file and reads
// its .attrs sidecar for the attributes, then opens the file again).
//
// What the driver keeps beside each file (its content type, a variant's
// entity tag) is read through the driver once and cached with the
// response fields built from it. An entry holds only while the file is
// the one it was made for: the same file (device and inode), size and
// modification time. Every write of the driver renames a new file into
// place, so a write by this store, another process or another program is
// seen at the next request; the store's own writes and deletes also drop
// the entry at once (forget).
type localFiles struct {
	mu      sync.RWMutex
	entries map[string]*localEntry
}

// localEntry is what a stored file's responses carry, built once.
type localEntry struct {
	fi  os.FileInfo
	rep httpserve.Representation // without Stream
}

func (l *localFiles) load(name string) *localEntry {
	l.mu.RLock()
	e := l.entries[name]
	l.mu.RUnlock()
	return e
}

func (l *localFiles) store(name string, e *localEntry) {
	l.mu.Lock()
	if l.entries == nil || len(l.entries) >= maxLocalEntries {
		l.entries = make(map[string]*localEntry)
	}
	l.entries[name] = e
	l.mu.Unlock()
}

// forget drops name's entry, after the store wrote or deleted it.
func (l *localFiles) forget(name string) {
	l.mu.Lock()
	delete(l.entries, name)
	l.mu.Unlock()
}

// serveLocal answers a GET or HEAD of a local store's file, and reports
// false, having written nothing, for anything it leaves to the driver's
// path (representation): a name that does not open as a regular file, or
// one whose attributes changed while they were read. Both paths give the
// same answers; this one is faster.
func (h handler) serveLocal(w http.ResponseWriter, r *http.Request, name string, cacheControl []string) bool {
	s := h.s
	f, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(name)))
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if fi.Size() == 0 {
		httpserve.Error(w, r, http.StatusNotFound) // a claim; see Save
		return true
	}
	e := s.local.load(name)
	if e == nil || !os.SameFile(e.fi, fi) || e.fi.Size() != fi.Size() || !e.fi.ModTime().Equal(fi.ModTime()) {
		if e = h.localEntry(r.Context(), name, fi); e == nil {
			return false
		}
	}
	rep := e.rep
	rep.Stream = localFile{f}
	httpserve.ServeContent(w, r, &rep, cacheControl, nil)
	return true
}

// localEntry reads name's attributes through the driver and caches the
// entry for fi, or returns nil if they do not describe fi.
func (h handler) localEntry(ctx context.Context, name string, fi os.FileInfo) *localEntry {
	a, err := h.s.bucket.Attributes(ctx, name)
	if err != nil || a.Size != fi.Size() || !a.ModTime.Equal(fi.ModTime()) {
		return nil
	}
	rep := h.attributesRep(name, a)
	rep.ContentLength = []string{strconv.FormatInt(a.Size, 10)}
	e := &localEntry{fi: fi, rep: rep}
	h.s.local.store(name, e)
	return e
}

// localFile reads an open file for ServeContent, which closes what Open
// returns: the file is closed by serveLocal.
type localFile struct{ f *os.File }

func (l localFile) Open(ctx context.Context, off, length int64) (io.ReadCloser, error) {
	if _, err := l.f.Seek(off, io.SeekStart); err != nil {
		return nil, err
	}
	return noClose{l.f}, nil
}

type noClose struct{ *os.File }

func (noClose) Close() error { return nil }
