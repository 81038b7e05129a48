package gen

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/assetgen/assetgen/gen/internal/build"
	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/gen/internal/mediatype"
	"github.com/assetgen/assetgen/gen/internal/settings"
	"github.com/assetgen/assetgen/internal/progress"
)

// hashed is what hash learns of one asset's source file: its bytes (see
// content) and the content type it is served with.
type hashed struct {
	content
	contentType string
}

// keepBudget bounds the bytes hash keeps in memory for the copy into the
// owned directory and for compression, so that a tree of any size costs
// at most this much: files past it, and any file of streamMin bytes or
// more, are read again when needed. Files that prepare reads are always
// kept: it holds them whole through naming anyway.
const keepBudget = 64 << 20

// hash reads every asset once, on every core: one SHA-256 pass serves the
// fingerprint, the SRI string and the ETag, and the first bytes give the
// content type where the extension does not. It keeps the bytes that a
// later stage needs (see content). Files whose size, times and identity
// match the cache are not read at all. It returns, by asset, what it
// learnt, and how many files and bytes it read.
func (r *run) hash(ctx context.Context, assets []*asset) (out []hashed, read int, total int64, err error) {
	c := r.hashCache()
	var size int64
	for _, a := range assets {
		size += a.src.Info.Size()
	}
	m := r.meter(PhaseHash, len(assets), size)
	out = make([]hashed, len(assets))
	var nread atomic.Int64
	k := &keeper{opt: settings.BuildOptions(r.cfg.Settings)}
	k.left.Store(keepBudget)
	errs := parallel(ctx, len(assets), func() func(i int) error {
		buf := make([]byte, 64<<10)
		return func(i int) error {
			defer m.Add(1, 0)
			h, wasRead, err := r.hashOne(c, assets[i], buf, m, k)
			out[i] = h
			if wasRead {
				nread.Add(1)
			}
			return err
		}
	})
	m.Stop()
	if err := ctx.Err(); err != nil {
		return nil, 0, 0, err
	}
	var list ErrorList
	for i, err := range errs {
		if pe, ok := err.(*Error); ok {
			list = append(list, pe)
			continue
		}
		if err != nil {
			list = append(list, &Error{File: slash(assets[i].src.Path), Msg: err.Error()})
			continue
		}
		total += out[i].size
	}
	return out, int(nread.Load()), total, list.err()
}

// keeper decides, for one run, which bytes hash keeps (see keep).
type keeper struct {
	opt  build.Options // what prepare reads
	left atomic.Int64  // what is left of keepBudget
}

// take reserves n bytes, if there are that many left.
func (b *keeper) take(n int64) bool {
	if b.left.Add(-n) >= 0 {
		return true
	}
	b.left.Add(n)
	return false
}

// hashOne reads and hashes one asset, or takes it from the cache, and
// says whether it read the file.
func (r *run) hashOne(c *cache.Hashes, a *asset, buf []byte, m *progress.Meter, k *keeper) (h hashed, read bool, err error) {
	h.path = a.src.Path
	// A file the cache knows is not read here, even one to copy into
	// the owned directory: its copy, named by its sum, is read again
	// only if missing (see ownedCopy).
	if e, ok := c.Lookup(a.abs, a.src.Info); ok {
		h.sum, h.size, h.contentType = e.Sum, e.Size, e.ContentType
		m.Add(0, a.src.Info.Size())
		return h, false, nil
	}
	f, err := os.Open(a.src.Path)
	if err != nil {
		return h, false, fmt.Errorf("cannot read: %v; check its permissions or add it to -ignore", unwrapPathErr(err))
	}
	defer f.Close()
	var enc mediatype.UTF8Checker
	rd := progress.Reader{R: io.TeeReader(f, &enc), M: m} // checked and counted in the same pass
	// The first block gives the content type, which decides whether a
	// later stage needs the bytes, before the rest is read.
	n, err := fill(rd, buf)
	if err != nil && err != io.EOF {
		return h, true, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	first := buf[:n]
	head := first[:min(n, 512)]
	if r.keep(a, mediatype.Of(a.Logical, head), a.src.Info.Size(), k) {
		h.data, err = readAll(first, rd, a.src.Info.Size())
		h.sum, h.size, head = sha256.Sum256(h.data), int64(len(h.data)), h.data[:len(head)]
	} else {
		head = append([]byte(nil), head...) // before buf is read into again
		h.sum, h.size, err = sumReader(first, rd, buf)
	}
	if err != nil {
		return h, true, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	var trusted bool
	h.contentType, trusted, err = r.checkEncoding(a, &enc, head)
	if err != nil {
		return h, true, err
	}
	if trusted {
		c.Store(a.abs, a.src.Info, cache.Entry{Sum: h.sum, Size: h.size, ContentType: h.contentType})
	}
	return h, true, nil
}

// keep decides whether hash keeps a file's bytes. prepare holds what it
// reads whole through naming, so those are always kept. Below streamMin,
// so are the bytes that both compression and the copy into the owned
// directory need (compression holds variants of about their size anyway,
// and reading them twice more would cost more than keeping them), and,
// while the budget lasts, the bytes that one of them needs. Everything
// else is read again by the stage that needs it, compression reading a
// large file once per coding.
func (r *run) keep(a *asset, contentType string, size int64, k *keeper) bool {
	if !a.Prehashed && build.Reads(a.Logical, contentType, k.opt) {
		return true
	}
	compressed := !r.cfg.NoCompress && compress.Compressible(contentType) && size >= compress.MinSize
	owned := a.inPlace == ""
	switch {
	case size >= streamMin || !compressed && !owned:
		return false
	case compressed && owned:
		k.take(size) // counted while it lasts, so that files one stage needs yield to these
		return true
	}
	return k.take(size)
}

// fill reads rd into buf until buf is full or rd ends (io.EOF). Here and
// below rd stays a progress.Reader rather than an io.Reader, which would
// put it on the heap for every file.
func fill(rd progress.Reader, buf []byte) (n int, err error) {
	for n < len(buf) && err == nil {
		var k int
		k, err = rd.Read(buf[n:])
		n += k
	}
	return n, err
}

// readAll reads all of rd, after the first bytes already read from it,
// into a buffer sized for the file's size as stat saw it, so that a large
// file is not copied again at each doubling.
func readAll(first []byte, rd progress.Reader, size int64) ([]byte, error) {
	b := make([]byte, len(first), max(size, int64(len(first)))+1) // +1: room to see the end
	copy(b, first)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		k, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+k]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// meter starts counting a phase, reporting to Config.Progress if set.
func (r *run) meter(p Phase, files int, bytes int64) *progress.Meter {
	if r.cfg.Progress == nil {
		return progress.Start(p.String(), files, bytes, nil)
	}
	return progress.Start(p.String(), files, bytes, func(s progress.Snapshot) {
		r.cfg.Progress(Progress{Phase: p, Files: s.Files, TotalFiles: s.TotalFiles, Bytes: s.Bytes, TotalBytes: s.TotalBytes, Elapsed: s.Elapsed})
	})
}

// checkEncoding returns the content type an asset is served with
// (mediatype.Served) and holds a text asset to its charset. Text types are
// served as UTF-8 (or, like JSON and SVG, default to it), so one that is
// not valid UTF-8 is an error at its first bad byte, as Django's
// collectstatic makes it, unless the file declares its own encoding or
// Config.AllowNonUTF8 is set: then it is served without the charset
// parameter. A file kept by AllowNonUTF8 is not cached (trusted false), so
// that a run without the option reads and rejects it again.
func (r *run) checkEncoding(a *asset, enc *mediatype.UTF8Checker, head []byte) (contentType string, trusted bool, err error) {
	at, bad := enc.Invalid()
	contentType, notUTF8 := mediatype.Served(a.Logical, head, !bad)
	switch {
	case !notUTF8:
		return contentType, true, nil
	case r.cfg.AllowNonUTF8:
		return contentType, false, nil
	}
	return "", false, &Error{File: slash(a.src.Path), Line: at.Line, Col: at.Col, Msg: fmt.Sprintf(
		"not valid UTF-8 (byte 0x%02X at offset %d), but served as text, which browsers decode as UTF-8; re-save the file as UTF-8 (from Latin-1: iconv -f ISO-8859-1 -t UTF-8), or pass -allow-non-utf8 to serve it without a charset",
		at.Byte, at.Offset)}
}

// sumReader hashes first, the bytes already read from rd, then the rest
// of rd in one pass, returning the sum and the number of bytes hashed
// (not what Stat said, in case the file changed).
func sumReader(first []byte, rd progress.Reader, buf []byte) (sum [sha256.Size]byte, n int64, err error) {
	h := sha256.New()
	h.Write(first)
	n = int64(len(first))
	for len(first) == len(buf) { // not yet at the end
		k, err := rd.Read(buf)
		h.Write(buf[:k])
		n += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			return sum, n, err
		}
	}
	h.Sum(sum[:0])
	return sum, n, nil
}
