package media

import (
	"context"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"gocloud.dev/blob"

	"github.com/assetgen/assetgen/internal/httpserve"
)

// Handler returns an http.Handler that serves the store's files under the
// URL path of the prefix in force ("/media/" by default), as the static
// handler does: it is mounted without http.StripPrefix, under a ServeMux
// pattern for the prefix, and a path that does not start with the prefix is
// taken as already stripped of it. It follows a later SetPrefix.
//
// It applies the static handler's rules, from the same code
// (internal/httpserve):
//
//   - The path: longer than 4096 bytes is 414; an empty, "." or ".."
//     segment, an escaped slash or backslash, a backslash or a control
//     byte is 400; a dotfile is 404. A directory is 404: there are no
//     listings.
//   - Methods: GET and HEAD; others are 405 with Allow: GET, HEAD.
//   - ETag (the store's, strong), If-Match (412) and If-None-Match (304)
//     in the order of RFC 9110 §13.2.2, and Range (§14.2): one range is
//     206, several are multipart/byteranges, none satisfiable is 416;
//     If-Range must match the ETag strongly.
//
// And these, because the files are untrusted:
//
//   - Content-Type is the type detected when the file was saved, never
//     guessed from the name, with X-Content-Type-Options: nosniff, so a
//     browser never reads a file as anything else.
//   - Only raster images, audio, video, plain text and CSV are shown in
//     the browser. Anything that can run script or navigate (HTML, SVG,
//     XML, XHTML, JavaScript, PDF, and every type not known to be inert) is
//     sent with Content-Disposition: attachment and
//     Content-Security-Policy: sandbox: a browser that opens it anyway
//     treats it as a page from a unique origin, with no script, so an
//     uploaded page can never act on the site's origin.
//   - Cache-Control: public, max-age=300, must-revalidate,
//     since names are not content-hashed; for a Private store, private,
//     with a max-age no longer than the signature holds.
//
// A Private store serves only URLs from SignedURL; others are 403. With
// Redirect, a GET is answered 302 to a URL the store signed, and the store
// sends the bytes. Otherwise the bytes are streamed from the store, a range
// at a time, never read whole into memory: a request costs two store
// requests (attributes, then the content), one for a 304. A local
// directory is served from the file system directly, as http.FileServer
// serves one: one open and one fstat per request, with each file's
// attributes (its type above all) read once and kept in memory until the
// file changes.
//
// With Images, a request with a w query parameter is for a resized
// variant of an image; see Images.
//
// Error responses are short text/plain bodies naming the status, never
// error text.
//
// Handler only finds the file a request names; httpserve.Serve, the
// static handler's pipeline, answers it.
//
// Handler panics, as http.ServeMux.Handle does for conflicting patterns,
// if the static prefix (see Static) was changed since Open or SetPrefix to
// one that overlaps the media prefix: a program fixes that at start-up,
// never a request.
func (s *Store) Handler() http.Handler {
	if err := s.checkStatic(s.state.Load().Mount); err != nil {
		panic(err)
	}
	return handler{s}
}

type handler struct{ s *Store }

// inertTypes are served inline: they cannot run script or navigate.
var inertTypes = map[string]bool{
	"image/png": true, "image/apng": true, "image/jpeg": true, "image/gif": true,
	"image/webp": true, "image/avif": true, "image/bmp": true,
	"image/x-icon": true, "image/vnd.microsoft.icon": true,
	"text/plain": true, "text/csv": true,
}

// inert reports whether a type may be shown in the browser.
func inert(contentType string) bool {
	base, _, _ := strings.Cut(contentType, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	return inertTypes[base] || strings.HasPrefix(base, "audio/") || strings.HasPrefix(base, "video/")
}

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mount := h.s.state.Load().Mount
	if r.Method == http.MethodPut && !h.s.signs {
		if key, ok := strings.CutPrefix(r.URL.Path, mount); ok && strings.HasPrefix(key, pendingDir) {
			h.s.receiveDirect(w, r, key) // see PresignUpload
			return
		}
	}
	httpserve.Serve(w, r, mount, h)
}

// Resolve maps a name to itself if it could be stored (httpserve.Resolver).
func (h handler) Resolve(w http.ResponseWriter, r *http.Request, name string, check httpserve.PathStatus) (string, int) {
	if check != httpserve.PathOK || !validName(name) {
		return "", http.StatusNotFound // a dotfile, a directory, invalid UTF-8, a sidecar: never stored
	}
	return name, 0
}

// Open checks a Private store's signature, then answers a resized image
// or a redirect itself, or returns the stored file's representation
// (httpserve.Resolver).
func (h handler) Open(w http.ResponseWriter, r *http.Request, name string) (httpserve.Response, int) {
	s := h.s
	cacheControl := publicCache
	var q url.Values // nil, which has nothing, unless there is a query
	if r.URL.RawQuery != "" {
		q = r.URL.Query()
	}
	if s.cfg.private {
		left, ok := s.verify(name, q)
		if !ok {
			return httpserve.Response{}, http.StatusForbidden
		}
		cacheControl = []string{httpserve.MaxAge(min(left, maxAge), true)}
	}
	// A resized image (see Images). On a Private store, the signature
	// above covers the name and expiry, not the width.
	if q.Has("w") {
		h.serveImage(w, r, name, q, cacheControl[0])
		return httpserve.Response{}, httpserve.Answered
	}
	if s.cfg.redirect > 0 && r.Method == http.MethodGet {
		h.redirect(w, r, name)
		return httpserve.Response{}, httpserve.Answered
	}
	if s.dir != "" && h.serveLocal(w, r, name, cacheControl) {
		return httpserve.Response{}, httpserve.Answered
	}
	return h.representation(r, name, cacheControl)
}

// redirect answers 302 with a URL the store signed. The redirect may be
// cached by the browser for half the URL's life, so that it is never
// followed after the URL expires.
func (h handler) redirect(w http.ResponseWriter, r *http.Request, name string) {
	ttl := h.s.cfg.redirect
	u, err := h.s.bucket.SignedURL(r.Context(), name, &blob.SignedURLOptions{Expiry: ttl})
	if err != nil {
		httpserve.Error(w, r, http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr["Location"] = []string{u}
	hdr["Cache-Control"] = []string{httpserve.MaxAge(ttl/2, true)}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(http.StatusFound)
}

// publicCache is the Cache-Control of a public store's files, shared by
// every response and never written (len == cap, so a middleware's
// Header.Add copies it).
var publicCache = []string{httpserve.MaxAge(maxAge, false)}

// serve answers a GET or HEAD with the stored file's bytes.
func (h handler) serve(w http.ResponseWriter, r *http.Request, name, cacheControl string) {
	resp, status := h.representation(r, name, []string{cacheControl})
	if status != 0 {
		httpserve.Error(w, r, status)
		return
	}
	httpserve.ServeContent(w, r, resp.Rep, resp.CacheControl, resp.Fields)
}

// representation reads a stored file's attributes: a request costs two
// store requests (attributes, then the content), one for a 304.
func (h handler) representation(r *http.Request, name string, cacheControl []string) (httpserve.Response, int) {
	a, err := h.s.bucket.Attributes(r.Context(), name)
	switch {
	case isNotFound(err):
		return httpserve.Response{}, http.StatusNotFound
	case err != nil:
		return httpserve.Response{}, http.StatusInternalServerError
	case a.Size == 0:
		return httpserve.Response{}, http.StatusNotFound // a claim; see Save
	}
	rep := h.attributesRep(name, a)
	rep.Stream = object{h.s.bucket, name, a.Size}
	return httpserve.Response{Rep: &rep, CacheControl: cacheControl}, 0
}

// attributesRep returns the fields of a stored file's responses that its
// attributes decide: the entity tag, the type and, for a type that is not
// inert, the attachment and sandbox.
func (h handler) attributesRep(name string, a *blob.Attributes) httpserve.Representation {
	etag := entityTag(a.ETag, a.MD5, a.Size, a.ModTime)
	if e := a.Metadata[etagMetadata]; e != "" {
		etag = e // a variant's, from its bytes
	}
	contentType := a.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	rep := httpserve.Representation{
		ETag:           []string{etag},
		ContentType:    []string{contentType},
		Size:           a.Size,
		Ranges:         true,
		RandomBoundary: true, // the store's entity tag is not a digest the content cannot hold
	}
	if !inert(contentType) {
		rep.ContentFields = []httpserve.Field{
			{Key: "Content-Disposition", Value: []string{contentDisposition(name)}},
			{Key: "Content-Security-Policy", Value: []string{"sandbox"}},
		}
	}
	return rep
}

// contentDisposition makes a file a download named name.
func contentDisposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// object streams a stored file, a range at a time, never read whole into
// memory (httpserve.Opener).
type object struct {
	b    *blob.Bucket
	name string
	size int64
}

func (o object) Open(ctx context.Context, off, length int64) (io.ReadCloser, error) {
	var rd *blob.Reader
	var err error
	if off == 0 && length == o.size {
		rd, err = o.b.NewReader(ctx, o.name, nil)
	} else {
		rd, err = o.b.NewRangeReader(ctx, o.name, off, length, nil)
	}
	if isNotFound(err) {
		return nil, fs.ErrNotExist // deleted since its attributes were read
	}
	return rd, err
}
