package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"sync/atomic"
)

// fileServe is what the handler needs to serve one file, built once by New
// so that a request only looks things up.
//
// Header values are one-element slices with len == cap, assigned straight
// into the response's header map. They are shared by every response, so
// the handler never writes to them, and a middleware that appends to one
// (Header.Add) gets a copy because there is no spare capacity.
type fileServe struct {
	contentType []string
	identity    rep
	// variants are the precompressed representations by coding index, nil
	// where the file has none.
	variants [numCodings]*rep
	has      [numCodings]bool
	// hasVariants says whether the response depends on Accept-Encoding,
	// and so carries Vary: Accept-Encoding.
	hasVariants bool
	// gzipOnly is true when the identity bytes are not embedded
	// (File.Name == ""): the rare client that accepts no coding gets the
	// gzip variant decompressed on the fly.
	gzipOnly bool
}

// rep is one representation of a file: its identity content or one
// precompressed variant, with its own strong entity tag as RFC 9110
// §8.8.3 requires of different representations.
type rep struct {
	name            string // in the embedded file system
	size            int64
	etag            string
	etagHdr         []string
	contentLength   []string
	contentEncoding []string // nil for identity

	// data caches the content on first use. Reading an embedded file
	// copies it out of the binary; doing that once per process rather than
	// per request trades heap (the size of the files actually requested,
	// each representation at most once) for zero-copy, allocation-free
	// responses. Concurrent first reads may both read; one copy wins.
	data atomic.Pointer[[]byte]
}

// newFileServes builds the serving data for a table. Like New, it panics
// on a table assetgen would not write: a file without embedded identity
// bytes and no gzip variant to decompress.
func newFileServes(files []File, etags []string) []fileServe {
	out := make([]fileServe, len(files))
	for i := range files {
		fs := &out[i]
		fs.init(&files[i], etags[i])
		if fs.gzipOnly && fs.variants[codingGzip] == nil {
			panic(fmt.Sprintf("assetgen runtime: %q has no embedded content and no gzip variant", files[i].Path))
		}
	}
	return out
}

// init sets fs up to serve f, whose identity's entity tag is etag.
func (fs *fileServe) init(f *File, etag string) {
	fs.contentType = []string{f.ContentType}
	fs.identity.init(f.Name, f.Size, etag, "")
	fs.gzipOnly = f.Name == ""
	for _, e := range f.Encodings {
		c := codingIndex(e.Coding)
		if c == codingIdentity || fs.variants[c] != nil {
			continue // a coding the handler does not negotiate, or a duplicate
		}
		r := new(rep)
		r.init(e.Name, e.Size, variantETag(etag, e.Coding), e.Coding)
		fs.variants[c] = r
		fs.has[c] = true
		fs.hasVariants = true
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
	fs.init(&f, etag(f.Integrity))
	fs.gzipOnly = false // whatever f.Name says: the identity is here
	fs.identity.data.Store(&data)
	for _, v := range variants {
		if c := codingIndex(v.Coding); c != codingIdentity && fs.variants[c].data.Load() == nil {
			fs.variants[c].data.Store(&v.Data)
		}
	}
	return fs
}

func (r *rep) init(name string, size int64, etag, coding string) {
	r.name = name
	r.size = size
	r.etag = etag
	r.etagHdr = []string{etag}
	r.contentLength = []string{strconv.FormatInt(size, 10)}
	if coding != "" {
		r.contentEncoding = []string{coding}
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

// errSize reports an embedded file whose size differs from the table's,
// which would make Content-Length lie.
var errSize = errors.New("embedded file size differs from table")

// bytes returns the representation's content, reading it from fsys on
// first use.
func (r *rep) bytes(fsys fs.FS) ([]byte, error) {
	if p := r.data.Load(); p != nil {
		return *p, nil
	}
	b, err := fs.ReadFile(fsys, r.name)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != r.size {
		return nil, errSize
	}
	r.data.CompareAndSwap(nil, &b)
	return *r.data.Load(), nil
}
