package httpserve

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A Resolver finds what a request names, in two steps, so that Serve can
// check the method between them as net/http's serveContent does after
// its file system lookup: the production table, development mode's Live
// and the media store are each only a Resolver, and every RFC 9110 rule
// lives in Serve and ServeContent.
type Resolver[T any] interface {
	// Resolve maps name, the request path after the mount that CheckName
	// classed as check (never PathBad or PathTooLong), to a target, or
	// returns a status to answer with: an error status, a redirect (with
	// Location set), or Answered. It must not read content: a request
	// with a wrong method is answered from the path alone.
	Resolve(w http.ResponseWriter, r *http.Request, name string, check PathStatus) (T, int)
	// Open returns the response to t to send to a GET or HEAD, or a
	// status as Resolve does.
	Open(w http.ResponseWriter, r *http.Request, t T) (Response, int)
}

// Answered is the status a Resolver returns for a request it has
// answered itself.
const Answered = -1

// Serve answers r through res. In order: a path longer than MaxPathLen
// is 414; the path after mount (or the whole path, taken as stripped by
// http.StripPrefix, when it lacks the mount) is checked by CheckName (400,
// 414); res resolves it; a method other than GET and HEAD is 405 with
// Allow: GET, HEAD; res opens it; ServeContent sends it.
func Serve[T any](w http.ResponseWriter, r *http.Request, mount string, res Resolver[T]) {
	if len(r.URL.Path) > MaxPathLen {
		Error(w, r, http.StatusRequestURITooLong)
		return
	}
	name := Name(r.URL.Path, mount)
	check := CheckName(name, r.URL.RawPath)
	switch check {
	case PathBad:
		Error(w, r, http.StatusBadRequest)
		return
	case PathTooLong:
		Error(w, r, http.StatusRequestURITooLong)
		return
	}
	t, status := res.Resolve(w, r, name, check)
	if status != 0 {
		answer(w, r, status)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		MethodNotAllowed(w, r)
		return
	}
	resp, status := res.Open(w, r, t)
	if status != 0 {
		answer(w, r, status)
		return
	}
	ServeContent(w, r, resp.Rep, resp.CacheControl, resp.Fields)
}

// Name returns the name a request path asks for: the path after mount,
// or, for a path without the mount, the path without its leading slash.
// Such a path was stripped already, by http.StripPrefix("/static/")
// ("css/a.css"), StripPrefix("/static") ("/css/a.css") or a router that
// mounts sub-handlers that way; it names the same files, so it is served
// the same.
func Name(urlPath, mount string) string {
	if name, ok := strings.CutPrefix(urlPath, mount); ok {
		return name
	}
	return strings.TrimPrefix(urlPath, "/")
}

// answer sends a Resolver's status: nothing if it answered itself, the
// redirect it set Location for, or the error.
func answer(w http.ResponseWriter, r *http.Request, status int) {
	if status != Answered {
		Error(w, r, status)
	}
}

// allowGetHead is the Allow value of a 405; len == cap, so that a
// middleware's Header.Add copies it.
var allowGetHead = []string{"GET, HEAD"}

// MethodNotAllowed answers 405 with Allow: GET, HEAD (RFC 9110 §15.5.6).
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header()["Allow"] = allowGetHead
	Error(w, r, http.StatusMethodNotAllowed)
}

// Field is a response header field: a canonical key and a value that
// ServeContent assigns as is, shared between responses (len == cap, so
// that a middleware's Header.Add copies it).
type Field struct {
	Key   string
	Value []string
}

// Response is what a Resolver opens for ServeContent: a representation,
// and the fields that the URL it was asked by decides rather than its
// content. A handler whose representations are built once (the static
// table) points at one, so that a request copies none of it.
type Response struct {
	Rep          *Representation
	CacheControl []string
	// Fields are sent on 200, 206 and 304, after the handler's own, so
	// that they win (CORS, ServeOptions.Headers).
	Fields []Field
}

// Representation is one representation of a resource (RFC 9110 §3.2),
// with its validators and its bytes. Header values are assigned as they
// are and ServeContent never writes to it, so a table builds each once
// and every response that sends it shares it.
type Representation struct {
	// ETag is the strong entity tag, quoted, as a one-element value: sent
	// on 200, 206 and 304 and compared by preconditions and If-Range.
	ETag        []string
	ContentType []string
	// ContentFields are sent on 200 and 206 only (Content-Disposition).
	ContentFields   []Field
	ContentEncoding []string // nil for identity content
	// Size is the length of the content; ContentLength, if not nil, is
	// it formatted.
	Size          int64
	ContentLength []string
	// Ranges says Range is answered (identity content): Accept-Ranges:
	// bytes, 206 and 416.
	Ranges bool
	// RandomBoundary makes a multipart/byteranges boundary random rather
	// than derived from ETag, for an entity tag that is not a digest the
	// content cannot contain (one an object store made).
	RandomBoundary bool
	// Data holds the content in memory; if nil, Stream reads it.
	Data   Loader
	Stream Opener
}

// A Loader returns content held in memory, read on first use.
type Loader interface {
	Bytes() ([]byte, error)
}

// An Opener reads length bytes of content from off. An error wrapping
// fs.ErrNotExist is a 404 (the file went away), any other a 500.
type Opener interface {
	Open(ctx context.Context, off, length int64) (io.ReadCloser, error)
}

// ServeContent answers a GET or HEAD with rep, with cacheControl as its
// Cache-Control and with fields (see Response), as net/http's
// serveContent does: preconditions in the order of RFC 9110 §13.2.2
// (If-Match failing is 412; If-None-Match matching is 304 with the
// validator and caching fields but no content fields, §15.4.5), then
// Range (§14.2) on a GET of a representation with Ranges, and otherwise
// the whole content. Every response carries X-Content-Type-Options:
// nosniff. Content is opened before the status is sent, so that a read
// failure is a 404 or 500 and never a truncated 200.
//
// The parts of a Response are separate arguments so that rep does not
// escape: escape analysis does not tell a struct's fields apart, so the
// header values put in the map would take a Response's pointer with them
// (media copies its cached representation per request, on the stack).
func ServeContent(w http.ResponseWriter, r *http.Request, rep *Representation, cacheControl []string, fields []Field) {
	hdr := w.Header()
	status := CheckPreconditions(r, rep.ETag[0])
	if status == http.StatusPreconditionFailed {
		Error(w, r, status)
		return
	}
	if status == http.StatusNotModified {
		setValidators(hdr, rep, cacheControl, fields)
		w.WriteHeader(status)
		return
	}
	var data []byte
	if rep.Data != nil {
		var err error
		if data, err = rep.Data.Bytes(); err != nil {
			Error(w, r, http.StatusInternalServerError)
			return
		}
	}
	hdr["Content-Type"] = rep.ContentType
	setValidators(hdr, rep, cacheControl, fields)
	for _, f := range rep.ContentFields {
		hdr[f.Key] = f.Value
	}
	if rep.ContentEncoding != nil {
		hdr["Content-Encoding"] = rep.ContentEncoding
	}
	if rep.Ranges {
		hdr["Accept-Ranges"] = acceptRanges
		// Range is a single field; two lines are invalid. Looked up here
		// so that the common request, without one, makes no call.
		if lines := r.Header["Range"]; len(lines) == 1 && r.Method == http.MethodGet && serveRanges(w, r, rep, data, lines[0]) {
			return
		}
	}
	hdr["Content-Length"] = contentLength(rep)
	switch {
	case r.Method == http.MethodHead:
		w.WriteHeader(http.StatusOK)
	case rep.Data == nil:
		sendStream(w, r, rep)
	default:
		w.WriteHeader(http.StatusOK)
		w.Write(data)
	}
}

// sendStream sends a 200 with the content that rep.Stream reads. It is
// opened before the status is sent, so that a failure is a 404 or 500.
// It is a function of its own so that ServeContent, the path of content
// held in memory, has no defer.
func sendStream(w http.ResponseWriter, r *http.Request, rep *Representation) {
	rc, err := rep.Stream.Open(r.Context(), 0, rep.Size)
	if err != nil {
		readError(w, r, err)
		return
	}
	defer rc.Close()
	w.WriteHeader(http.StatusOK)
	io.CopyN(w, rc, rep.Size)
}

var (
	nosniff      = []string{"nosniff"}
	acceptRanges = []string{"bytes"}
)

// setValidators sets the fields a 200, 206 and 304 share.
func setValidators(hdr http.Header, rep *Representation, cacheControl []string, fields []Field) {
	hdr["Etag"] = rep.ETag
	hdr["Cache-Control"] = cacheControl
	hdr["X-Content-Type-Options"] = nosniff
	for _, f := range fields {
		hdr[f.Key] = f.Value
	}
}

func contentLength(rep *Representation) []string {
	if rep.ContentLength != nil {
		return rep.ContentLength
	}
	return []string{strconv.FormatInt(rep.Size, 10)}
}

// readError answers a failure to open content.
func readError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		Error(w, r, http.StatusNotFound)
		return
	}
	Error(w, r, http.StatusInternalServerError)
}

// serveRanges answers a request with one Range field, field, if it
// should (RFC 9110 §14.2), and reports whether it did; if not, the
// caller sends the whole content.
// An If-Range that does not hold (§13.1.5, step 5 of §13.2.2) means the
// whole content. An empty file ignores Range: every range is
// unsatisfiable, but a 416 for a file that exists would only confuse
// (net/http does the same).
func serveRanges(w http.ResponseWriter, r *http.Request, rep *Representation, data []byte, field string) bool {
	if rep.Size == 0 {
		return false
	}
	etag := rep.ETag[0]
	if CheckIfRange(r, etag) == CondFalse {
		return false
	}
	var rs RangeSet
	switch rs.Parse(field, rep.Size) {
	case RangeIgnore:
		return false
	case RangeUnsatisfiable:
		w.Header()["Content-Range"] = []string{"bytes */" + contentLength(rep)[0]}
		Error(w, r, http.StatusRequestedRangeNotSatisfiable)
		return true
	}
	if rs.Len() == 1 {
		br := rs.At(0)
		if data != nil || rep.Data != nil {
			SetRange(w, br, rep.Size)
			if r.Method != http.MethodHead {
				w.Write(data[br.Start : br.Start+br.Length])
			}
			return true
		}
		rc, err := rep.Stream.Open(r.Context(), br.Start, br.Length)
		if err != nil {
			readError(w, r, err)
			return true
		}
		defer rc.Close()
		SetRange(w, br, rep.Size)
		io.CopyN(w, rc, br.Length)
		return true
	}
	boundary := MultipartBoundary(etag)
	if rep.RandomBoundary {
		boundary = rand.Text()
	}
	m := NewMultipart(rs.Ranges(), rep.Size, rep.ContentType[0], boundary)
	m.Write(w, r, func(w io.Writer, br Range) error {
		if rep.Data != nil {
			_, err := w.Write(data[br.Start : br.Start+br.Length])
			return err
		}
		rc, err := rep.Stream.Open(r.Context(), br.Start, br.Length)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.CopyN(w, rc, br.Length)
		return err
	})
	return true
}

// Immutable is the Cache-Control value for a URL that names one content
// forever (a fingerprinted asset, a versioned image variant): caches may
// keep it for a year, the longest RFC 9111 suggests, and never revalidate.
const Immutable = "public, max-age=31536000, immutable"

// MaxAge returns the Cache-Control value for content that caches may
// reuse for d and must then revalidate: "public, max-age=N,
// must-revalidate", or for one user's content (a private store, a signed
// redirect) "private, max-age=N", which expires with its signature.
func MaxAge(d time.Duration, private bool) string {
	n := strconv.FormatInt(int64(d/time.Second), 10)
	if private {
		return "private, max-age=" + n
	}
	return "public, max-age=" + n + ", must-revalidate"
}
