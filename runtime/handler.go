package runtime

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// Cache-Control values. A fingerprinted URL names one content forever, so it
// may be cached for a year (the longest RFC 9111 suggests) and never
// revalidated; a logical URL (robots.txt, favicon.ico, or a page that could
// not be rewritten) changes with a deploy, so caches must revalidate it.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRevalid   = "public, max-age=60, must-revalidate"
)

// Handler returns an http.Handler that serves the assets under the URL path
// of the prefix in force ("/static/" by default), by fingerprinted name with
// immutable caching and by logical name with revalidation. It strips the
// prefix itself, so it can be mounted directly:
//
//	mux.Handle("/static/", assets.Handler())
//
// It answers GET and HEAD, 405 for other methods, 304 for a matching
// If-None-Match, and Range requests through http.ServeContent. Directories
// and unknown names are 404; error responses never include error text.
func (s *Set) Handler() http.Handler { return s.Serve(ServeOptions{}) }

// ServeOptions adjust what Serve's handler does; the zero value is what
// Handler uses.
type ServeOptions struct{}

// Serve returns a handler like Handler's, adjusted by opts.
func (s *Set) Serve(opts ServeOptions) http.Handler { return handler{s} }

type handler struct{ s *Set }

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	st := h.s.state.Load()
	name, ok := strings.CutPrefix(r.URL.Path, st.mount)
	if !ok {
		http.NotFound(w, r)
		return
	}
	i, immutable := h.s.byHashed[name]
	if !immutable || h.s.files[i].HashedPath == h.s.files[i].Path {
		var found bool
		i, found = h.s.byPath[name]
		immutable = false
		if !found {
			http.NotFound(w, r)
			return
		}
	}
	f := &h.s.files[i]
	hdr := w.Header()
	hdr.Set("Content-Type", f.ContentType)
	hdr.Set("ETag", h.s.etags[i])
	hdr.Set("X-Content-Type-Options", "nosniff")
	if immutable {
		hdr.Set("Cache-Control", cacheImmutable)
	} else {
		hdr.Set("Cache-Control", cacheRevalid)
	}
	file, err := h.s.fsys.Open(f.Name)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	defer file.Close()
	rs, ok := file.(io.ReadSeeker)
	if !ok {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, "", time.Time{}, rs)
}
