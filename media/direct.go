package media

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"gocloud.dev/blob"
)

// pendingDir holds direct uploads until Finalize. Its leading dot keeps
// them out of List, Handler and Open.
const pendingDir = ".pending/"

// uploadURLTTL is how long a DirectUpload's URL can start an upload.
const uploadURLTTL = 15 * time.Minute

// A DirectUpload is where a browser sends one file's bytes itself, so that
// they do not pass through the program: one PUT of the bytes to URL,
// before Expires, then Finalize(Pending).
type DirectUpload struct {
	// Method is the request's method, PUT.
	Method string
	// URL takes the bytes: a URL the store signed (S3, GCS, Azure), or
	// one of Handler's, signed with the SigningKey, on a local store.
	URL string
	// Pending names the upload for Finalize. It is not secret, but it is
	// unguessable: only the client given it can finalize what it sent.
	Pending string
	// Expires is when URL stops accepting an upload.
	Expires time.Time
}

// PresignUpload returns where a browser can send a file of size bytes
// straight to the store, as Active Storage's direct uploads do, for files
// too large or too many to pass through the program. The bytes land under
// a pending name, which Handler, List and Open never show; nothing is
// stored under a real name until Finalize has checked them.
//
// The name is cleaned as Save cleans it. A size of 0 is ErrEmpty, one
// over opts.MaxSize ErrTooLarge. A store's signed URL cannot bound what a
// client sends (S3 signs no Content-Length for PUT), so Finalize checks
// the size again, and the type, from the content.
//
// A local store needs a SigningKey: the URL is Handler's, which takes one
// PUT of at most size bytes at it. A remote store's bucket must allow the
// site's origin to PUT in its CORS rules; see docs/media.md.
func (s *Store) PresignUpload(ctx context.Context, name string, size int64, opts UploadOptions) (DirectUpload, error) {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	switch {
	case size <= 0:
		return DirectUpload{}, fmt.Errorf("%q: %w", name, ErrEmpty)
	case size > opts.MaxSize:
		return DirectUpload{}, fmt.Errorf("%q: %w: %d bytes, more than %d", name, ErrTooLarge, size, opts.MaxSize)
	}
	key := pendingDir + rand.Text() + "/" + cleanName(name)
	up := DirectUpload{Method: http.MethodPut, Pending: key, Expires: s.now().Add(uploadURLTTL)}
	if s.signs {
		u, err := s.bucket.SignedURL(ctx, key, &blob.SignedURLOptions{Method: http.MethodPut, Expiry: uploadURLTTL})
		if err != nil {
			return DirectUpload{}, fmt.Errorf("media: %w", err)
		}
		up.URL = u
		return up, nil
	}
	if len(s.cfg.key) == 0 {
		return DirectUpload{}, errors.New("media: PresignUpload needs a SigningKey on a store that does not sign URLs itself")
	}
	expires := strconv.FormatInt(up.Expires.Unix(), 10)
	n := strconv.FormatInt(size, 10)
	q := url.Values{paramExpires: {expires}, paramSize: {n}, paramSignature: {s.signUpload(key, expires, n)}}
	up.URL = s.URL(key) + "?" + q.Encode()
	return up, nil
}

// paramSize is the size a local store's upload URL allows.
const paramSize = "size"

// signUpload signs a local store's upload URL: the pending key, its
// expiry and the size allowed, in a domain no download signature (sign)
// shares.
func (s *Store) signUpload(key, expires, size string) string {
	return s.mac("assetgen media upload v1", key, expires, size)
}

// receiveDirect takes the PUT of a local store's upload URL: a pending
// key, a valid signature and at most the signed size, else 403 or 413.
func (s *Store) receiveDirect(w http.ResponseWriter, r *http.Request, key string) {
	q := r.URL.Query()
	n := q.Get(paramSize)
	size, err := strconv.ParseInt(n, 10, 64)
	_, pending := parsePending(key)
	_, signed := s.verifySigned(q, func(expires string) string { return s.signUpload(key, expires, n) })
	if !pending || len(q[paramSize]) != 1 || err != nil || !signed {
		http.Error(w, "403 forbidden", http.StatusForbidden)
		return
	}
	if r.ContentLength > size {
		http.Error(w, "413 content too large", http.StatusRequestEntityTooLarge)
		return
	}
	body := &capReader{r: r.Body, left: size}
	if _, err := s.write(r.Context(), key, "application/octet-stream", nil, body); err != nil {
		switch {
		case errors.Is(err, ErrTooLarge):
			http.Error(w, "413 content too large", http.StatusRequestEntityTooLarge)
		case errors.Is(err, ErrMalformed):
			http.Error(w, "400 bad request", http.StatusBadRequest)
		default:
			http.Error(w, "500 internal server error", http.StatusInternalServerError)
		}
		return
	}
	w.WriteHeader(http.StatusOK)
}

// parsePending returns the cleaned name in a pending key that
// PresignUpload could have made: pendingDir, 26 characters of
// crypto/rand.Text, "/", and a name as Save cleans it.
func parsePending(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, pendingDir)
	if !ok {
		return "", false
	}
	token, name, ok := strings.Cut(rest, "/")
	if !ok || len(token) != 26 || strings.Trim(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" || name == "" || cleanName(name) != name || !validName(name) {
		return "", false
	}
	return name, true
}

// Finalize checks a direct upload (see PresignUpload) as Receive checks a
// form's file, and stores it under its name: the type from the content
// (ErrTypeNotAllowed unless opts.Allow takes it), the size (ErrTooLarge
// over opts.MaxSize, ErrEmpty for none), the name cleaned and claimed
// atomically as Save claims it, never overwriting. A refused upload is
// deleted. A pending name PresignUpload could not have made, or whose
// upload never arrived or was finalized already, is an error that wraps
// fs.ErrNotExist; one that another call is finalizing, fs.ErrExist.
//
// Audio and video on a remote store are copied within the store: the
// program reads their first bytes only, and the type the client sent
// with the PUT must be the type of the content. Everything else is read
// through the program once, as Save reads it: an image for its size (and
// for ImageOptions.StripOriginal), any type that Handler sends as an
// attachment so that the stored file carries its Content-Disposition, and
// every upload to a local store, whose bytes are on this machine anyway.
//
// A pending upload that is never finalized stays invisible until Sweep
// deletes it.
func (s *Store) Finalize(ctx context.Context, pending string, opts UploadOptions) (Saved, error) {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	name, ok := parsePending(pending)
	if !ok {
		return Saved{}, notExist("finalize", pending)
	}
	// One Finalize at a time per upload, or two calls at once (a client
	// that retries) would each store a copy.
	lock := claimsDir + pending
	if err := s.create(ctx, lock); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Saved{}, &fs.PathError{Op: "finalize", Path: pending, Err: fmt.Errorf("%w: being finalized already", fs.ErrExist)}
		}
		return Saved{}, err
	}
	defer s.release(ctx, lock)
	r, err := s.bucket.NewReader(ctx, pending, nil)
	if err != nil {
		return Saved{}, s.pathError("finalize", pending, err)
	}
	closeReader := sync.OnceValue(r.Close) // early for a copy, which needs no body
	defer closeReader()
	refuse := func(err error) (Saved, error) {
		s.release(ctx, pending)
		return Saved{}, fmt.Errorf("%q: %w", name, err)
	}
	size := r.Size()
	switch {
	case size == 0:
		return refuse(ErrEmpty)
	case size > opts.MaxSize:
		return refuse(fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, size, opts.MaxSize))
	}
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF {
		return Saved{}, fmt.Errorf("media: finalize %q: %w", pending, err)
	}
	mt := mimetype.Detect(head)
	if !allowed(mt, opts.Allow) {
		return refuse(fmt.Errorf("%s: %w", mt.String(), ErrTypeNotAllowed))
	}
	if s.dir == "" && copiedInStore(mt.String()) {
		declared, _, err := mime.ParseMediaType(r.ContentType())
		if err != nil || !mt.Is(declared) {
			return refuse(fmt.Errorf("sent as %q, but the content is %s: %w", r.ContentType(), mt.String(), ErrTypeNotAllowed))
		}
		closeReader()
		key, err := s.claim(ctx, fitExtension(name, mt))
		if err != nil {
			return Saved{}, err
		}
		if beforeCopy != nil {
			beforeCopy()
		}
		if err := s.bucket.Copy(ctx, key, pending, nil); err != nil {
			s.release(ctx, key)
			return Saved{}, fmt.Errorf("media: finalize %q: %w", pending, err)
		}
		s.release(ctx, pending)
		return Saved{Filename: name, Name: key, ContentType: mt.String(), Size: size}, nil
	}
	f, err := s.save(ctx, name, br, nil)
	if err != nil {
		if errors.Is(err, ErrBadImage) || errors.Is(err, ErrTooLarge) {
			return refuse(err)
		}
		return Saved{}, err
	}
	s.release(ctx, pending)
	return Saved{Filename: name, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Width: f.Width, Height: f.Height}, nil
}

// beforeCopy is called before Finalize copies an upload; fault tests stop
// the store there.
var beforeCopy func()

// copiedInStore reports whether Finalize copies an upload of this type
// within a remote store rather than reading it: audio and video, which
// are large, inert (see Handler) and carry no size a page needs.
func copiedInStore(contentType string) bool {
	return strings.HasPrefix(contentType, "audio/") || strings.HasPrefix(contentType, "video/")
}
