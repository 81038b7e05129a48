package runtime

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/assetgen/assetgen/internal/httpserve"
)

// fileServe is what the handler needs to serve one file, built once by New
// so that a request only looks things up.
//
// Header values are one-element slices with len == cap, assigned straight
// into the response's header map. They are shared by every response, so
// the handler never writes to them, and a middleware that appends to one
// (Header.Add) gets a copy because there is no spare capacity.
type fileServe struct {
	identity rep
	// variants are the precompressed representations by coding index, nil
	// where the file has none.
	variants [numCodings]*rep
	has      [numCodings]bool
	// hasVariants says whether the response depends on Accept-Encoding,
	// and so carries Vary: Accept-Encoding.
	hasVariants bool
	// logged is set when the handler has logged that the file is stale,
	// so that it logs that once per file, not once per request.
	logged atomic.Bool
	// gzipOnly is true when the identity bytes are not embedded
	// (File.Name == ""): the rare client that accepts no coding gets the
	// gzip variant decompressed on the fly.
	gzipOnly bool
}

// rep is one representation of a file: its identity content or one
// precompressed variant, with its own strong entity tag as RFC 9110
// §8.8.3 requires of different representations.
type rep struct {
	// http is what the handler serves, built here once so that a request
	// copies none of it: its header values, its size, and the rep itself
	// as its Loader.
	http httpserve.Representation
	// src is where the content is in the embedded file system, nil when
	// data is set from the start (a Live's file). It is a pointer so that
	// a Live's representations, made per request, carry none of it.
	src *embedded

	// data caches the content on first use. Reading an embedded file
	// copies it out of the binary; doing that once per process rather than
	// per request trades heap (the size of the files actually requested,
	// each representation at most once) for zero-copy, allocation-free
	// responses. Concurrent first reads may both read; one copy wins.
	data atomic.Pointer[[]byte]
}

// embedded is where a representation's content is in the embedded file
// system, and what it must hash to.
type embedded struct {
	fsys  fs.FS
	name  string
	sum   *[sha256.Size]byte // of identity content, from the table's Integrity
	owner *fileServe         // logs that the file is stale
}

// newFileServes builds the serving data for a table. Like New, it panics
// on a table assetgen would not write: a file without embedded identity
// bytes and no gzip variant to decompress.
func newFileServes(fsys fs.FS, files []File, etags []string) []fileServe {
	out := make([]fileServe, len(files))
	for i := range files {
		fs := &out[i]
		fs.init(fsys, &files[i], etags[i])
		if fs.gzipOnly && fs.variants[codingGzip] == nil {
			panic(fmt.Sprintf("assetgen runtime: %q has no embedded content and no gzip variant", files[i].Path))
		}
	}
	return out
}

// init sets fs up to serve f, whose identity's entity tag is etag.
func (fs *fileServe) init(fsys fs.FS, f *File, etag string) {
	contentType := []string{f.ContentType}
	fs.identity.init(fs, fsys, f.Name, f.Size, etag, "", contentType)
	if fs.identity.src != nil {
		fs.identity.src.sum = sumOf(f.Integrity)
	}
	for _, e := range f.Encodings {
		c := codingIndex(e.Coding)
		if c == codingIdentity || fs.variants[c] != nil {
			continue // a coding the handler does not negotiate, or a duplicate
		}
		r := new(rep)
		r.init(fs, fsys, e.Name, e.Size, variantETag(etag, e.Coding), e.Coding, contentType)
		fs.variants[c] = r
		fs.has[c] = true
		fs.hasVariants = true
	}
	fs.setGzipOnly(f.Name == "")
}

// setGzipOnly says whether the identity bytes are missing, and so
// whether its representation is streamed by decompressing the gzip
// variant as it is written, without Range.
func (fs *fileServe) setGzipOnly(gzipOnly bool) {
	fs.gzipOnly = gzipOnly
	id := &fs.identity.http
	if gzipOnly {
		id.Ranges, id.Data, id.Stream = false, nil, gunzip{fs.variants[codingGzip]}
	} else {
		id.Ranges, id.Data, id.Stream = true, &fs.identity, nil
	}
}

// memFileServe returns the serving data of a file whose content and
// variants are in memory, as a Live gives them: the table's, with every
// representation read already.
func memFileServe(f File, data []byte, variants []Variant) *fileServe {
	f.Size, f.Encodings = int64(len(data)), nil
	for _, v := range variants {
		f.Encodings = append(f.Encodings, Encoding{Coding: v.Coding, Size: int64(len(v.Data))})
	}
	fs := new(fileServe)
	fs.init(nil, &f, etag(f.Integrity))
	fs.setGzipOnly(false) // whatever f.Name says: the identity is here
	fs.identity.data.Store(&data)
	for _, v := range variants {
		if c := codingIndex(v.Coding); c != codingIdentity && fs.variants[c].data.Load() == nil {
			fs.variants[c].data.Store(&v.Data)
		}
	}
	return fs
}

func (r *rep) init(owner *fileServe, fsys fs.FS, name string, size int64, etag, coding string, contentType []string) {
	if fsys != nil {
		r.src = &embedded{fsys: fsys, name: name, owner: owner}
	}
	r.http = httpserve.Representation{
		ETag:          []string{etag},
		ContentType:   contentType,
		Size:          size,
		ContentLength: []string{strconv.FormatInt(size, 10)},
		Ranges:        coding == "", // a variant is sent whole
		Data:          r,
	}
	if coding != "" {
		r.http.ContentEncoding = []string{coding}
	}
}

// variantETag derives a variant's entity tag from the identity's, "abc"
// becoming "abc-br": distinct per representation, and still derived from
// the content hash alone.
func variantETag(etag, coding string) string {
	if len(etag) < 2 {
		return `"` + coding + `"`
	}
	return etag[:len(etag)-1] + "-" + coding + `"`
}

// StaleError reports an embedded file whose bytes are not the ones the
// table describes. It happens when a source embedded in place is edited
// after go generate and the binary rebuilt: go:embed takes the new bytes,
// the table keeps the old size and hash. Serving them would make
// Content-Length, the ETag and the page's SRI lie, so the handler answers
// 500 instead, and says why in the log (once per file) rather than to the
// client.
type staleError struct {
	name string // in the embedded file system
	why  string
}

func (e *staleError) Error() string {
	return fmt.Sprintf("%s: %s; it changed since go generate: run go generate and rebuild", e.name, e.why)
}

// Bytes returns the representation's content, reading it from the
// embedded file system on first use (httpserve.Loader). A failure is
// logged once for the file.
func (r *rep) Bytes() ([]byte, error) {
	if p := r.data.Load(); p != nil {
		return *p, nil
	}
	b, err := r.read()
	if err != nil {
		logOnce(r.src.owner, err)
		return nil, err
	}
	r.data.CompareAndSwap(nil, &b)
	return *r.data.Load(), nil
}

// read reads the representation from fsys and checks it against the
// table: its size, and for identity content its SHA-256, which costs one
// pass over the bytes once per process. A variant's hash is not in the
// table, only the hash of what it decodes to; its size is checked.
func (r *rep) read() ([]byte, error) {
	src := r.src
	b, err := fs.ReadFile(src.fsys, src.name)
	if err != nil {
		return nil, err
	}
	if size := r.http.Size; int64(len(b)) != size {
		return nil, &staleError{src.name, fmt.Sprintf("%d bytes, the table says %d", len(b), size)}
	}
	if src.sum != nil && sha256.Sum256(b) != *src.sum {
		return nil, &staleError{src.name, "content hash differs from the table's"}
	}
	return b, nil
}

// sumOf returns the digest of an SRI string "sha256-<base64>", or nil for
// another algorithm or a malformed string, which are not checked.
func sumOf(integrity string) *[sha256.Size]byte {
	b64, ok := strings.CutPrefix(integrity, "sha256-")
	if !ok {
		return nil
	}
	var sum [sha256.Size]byte
	if n, err := base64.StdEncoding.Decode(sum[:], []byte(b64)); err != nil || n != len(sum) {
		return nil
	}
	return &sum
}

// logOnce logs why file fs cannot be served, the first time only: a stale
// file fails every request for it, and one line per request would bury
// the cause. The client gets a bare 500, never the error text.
func logOnce(fs *fileServe, err error) {
	if !fs.logged.Swap(true) {
		log.Printf("assetgen: %v (the handler answers 500 for it)", err)
	}
}

// Verify reads every embedded file of the table and returns an error
// naming each one whose bytes are not what the table says (size, and
// SHA-256 for identity content), or that cannot be read; nil if all are
// right. Such a file is a source embedded in place and edited after
// go generate: the handler answers 500 for it. A test or a start-up check
// calls it, through the generated package, as assets.Set().Verify(), to
// fail at once rather than on the first request. It reads every file,
// and keeps none in memory.
func (s *Set) Verify() error {
	var errs []error
	for i := range s.serve {
		fs := &s.serve[i]
		reps := []*rep{&fs.identity}
		if fs.gzipOnly {
			reps = nil
		}
		for _, r := range fs.variants {
			if r != nil {
				reps = append(reps, r)
			}
		}
		for _, r := range reps {
			if _, err := r.read(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
