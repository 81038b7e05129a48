package media

import (
	"context"
	"crypto/rand"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

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
// requests (attributes, then the content), one for a 304.
//
// With Images, a request with a w query parameter is for a resized
// variant of an image; see Images.
//
// Error responses are short text/plain bodies naming the status, never
// error text.
//
// Handler panics, as http.ServeMux.Handle does for conflicting patterns,
// if the static prefix (see Static) was changed since Open or SetPrefix to
// one that overlaps the media prefix: a program fixes that at start-up,
// never a request.
func (s *Store) Handler() http.Handler {
	if err := s.checkStatic(s.state.Load().mount); err != nil {
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
	s := h.s
	name, status := h.resolve(r)
	if status != 0 {
		httpserve.Error(w, r, status)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		httpserve.Error(w, r, http.StatusMethodNotAllowed)
		return
	}
	cacheControl := "public, max-age=" + strconv.FormatInt(int64(maxAge/time.Second), 10) + ", must-revalidate"
	if s.cfg.private {
		left, ok := s.verify(name, r.URL.Query())
		if !ok {
			httpserve.Error(w, r, http.StatusForbidden)
			return
		}
		cacheControl = "private, max-age=" + strconv.FormatInt(int64(min(left, maxAge)/time.Second), 10)
	}
	// A resized image (see Images). On a Private store, the signature
	// above covers the name and expiry, not the width.
	if q := r.URL.Query(); q.Has("w") {
		h.serveImage(w, r, name, q, cacheControl)
		return
	}
	if s.cfg.redirect > 0 && r.Method == http.MethodGet {
		h.redirect(w, r, name)
		return
	}
	h.serve(w, r, name, cacheControl)
}

// resolve maps the request path to a stored name by the static handler's
// rules, or to the error status.
func (h handler) resolve(r *http.Request) (name string, status int) {
	if len(r.URL.Path) > httpserve.MaxPathLen {
		return "", http.StatusRequestURITooLong
	}
	name, ok := strings.CutPrefix(r.URL.Path, h.s.state.Load().mount)
	if !ok {
		name = strings.TrimPrefix(r.URL.Path, "/") // stripped already
	}
	switch httpserve.CheckName(name, r.URL.RawPath) {
	case httpserve.PathBad:
		return "", http.StatusBadRequest
	case httpserve.PathTooLong:
		return "", http.StatusRequestURITooLong
	case httpserve.PathDotfile, httpserve.PathDir:
		return "", http.StatusNotFound
	}
	if !validName(name) {
		return "", http.StatusNotFound // invalid UTF-8, a sidecar: never stored
	}
	return name, 0
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
	hdr["Cache-Control"] = []string{"private, max-age=" + strconv.FormatInt(int64(ttl/2/time.Second), 10)}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(http.StatusFound)
}

// serve answers a GET or HEAD with the file's bytes.
func (h handler) serve(w http.ResponseWriter, r *http.Request, name, cacheControl string) {
	ctx := r.Context()
	a, err := h.s.bucket.Attributes(ctx, name)
	switch {
	case isNotFound(err):
		httpserve.Error(w, r, http.StatusNotFound)
		return
	case err != nil:
		httpserve.Error(w, r, http.StatusInternalServerError)
		return
	case a.Size == 0:
		httpserve.Error(w, r, http.StatusNotFound) // a claim; see Save
		return
	}
	etag := entityTag(a.ETag, a.MD5, a.Size, a.ModTime)
	if e := a.Metadata[etagMetadata]; e != "" {
		etag = e // a variant's, from its bytes
	}
	status := httpserve.CheckPreconditions(r, etag)
	if status == http.StatusPreconditionFailed {
		httpserve.Error(w, r, status)
		return
	}
	hdr := w.Header()
	hdr["Etag"] = []string{etag}
	hdr["Cache-Control"] = []string{cacheControl}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	contentType := a.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	hdr["Content-Type"] = []string{contentType}
	if !inert(contentType) {
		hdr["Content-Disposition"] = []string{contentDisposition(name)}
		hdr["Content-Security-Policy"] = []string{"sandbox"}
	}
	hdr["Accept-Ranges"] = []string{"bytes"}
	if r.Method == http.MethodGet && h.serveRanges(w, r, name, a.Size, contentType, etag) {
		return
	}
	var body io.ReadCloser
	if r.Method == http.MethodGet {
		// Opened before the status is sent, so that a file deleted since
		// its attributes were read is a 404, not a truncated 200.
		rd, err := h.s.bucket.NewReader(ctx, name, nil)
		if err != nil {
			h.readError(w, r, err)
			return
		}
		defer rd.Close()
		body = rd
	}
	hdr["Content-Length"] = []string{strconv.FormatInt(a.Size, 10)}
	w.WriteHeader(http.StatusOK)
	if body != nil {
		io.CopyN(w, body, a.Size)
	}
}

// contentDisposition makes a file a download named name.
func contentDisposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// serveRanges answers a Range request if it should be (RFC 9110 §14.2) and
// reports whether it did; see the static handler's serveRanges.
func (h handler) serveRanges(w http.ResponseWriter, r *http.Request, name string, size int64, contentType, etag string) bool {
	lines := r.Header["Range"]
	if len(lines) != 1 || httpserve.CheckIfRange(r, etag) == httpserve.CondFalse {
		return false
	}
	rs, res := httpserve.ParseRange(lines[0], size)
	switch res {
	case httpserve.RangeIgnore:
		return false
	case httpserve.RangeUnsatisfiable:
		w.Header()["Content-Range"] = []string{"bytes */" + strconv.FormatInt(size, 10)}
		httpserve.Error(w, r, http.StatusRequestedRangeNotSatisfiable)
		return true
	}
	ctx := r.Context()
	if rs.Len() == 1 {
		br := rs.At(0)
		rd, err := h.s.bucket.NewRangeReader(ctx, name, br.Start, br.Length, nil)
		if err != nil {
			h.readError(w, r, err)
			return true
		}
		defer rd.Close()
		httpserve.SetRange(w, br, size)
		io.CopyN(w, rd, br.Length)
		return true
	}
	// The boundary is random: a stored file's entity tag is not a digest
	// that its content cannot contain.
	boundary := "media-" + rand.Text()
	m := httpserve.NewMultipart(rs.Ranges(), size, contentType, boundary)
	m.Write(w, r, func(w io.Writer, br httpserve.Range) error {
		return copyRange(ctx, h.s.bucket, w, name, br)
	})
	return true
}

// copyRange writes one range of a stored file to w.
func copyRange(ctx context.Context, b *blob.Bucket, w io.Writer, name string, br httpserve.Range) error {
	rd, err := b.NewRangeReader(ctx, name, br.Start, br.Length, nil)
	if err != nil {
		return err
	}
	defer rd.Close()
	_, err = io.CopyN(w, rd, br.Length)
	return err
}

// readError answers a failure to open a file's content.
func (h handler) readError(w http.ResponseWriter, r *http.Request, err error) {
	if isNotFound(err) {
		httpserve.Error(w, r, http.StatusNotFound)
		return
	}
	httpserve.Error(w, r, http.StatusInternalServerError)
}
