package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/mediatype"
	"github.com/assetgen/assetgen/internal/progress"
)

// hash reads every asset once, on every core: one SHA-256 pass serves the
// fingerprint, the SRI string and the ETag, and the first bytes give the
// content type where the extension does not. Files whose size, times and
// identity match the cache are not read at all.
func (r *run) hash(ctx context.Context) (hashed int, bytes int64, err error) {
	c := r.hashCache()
	var total int64
	for _, a := range r.assets {
		total += a.src.Info.Size()
	}
	m := r.meter(PhaseHash, len(r.assets), total)
	var read atomic.Int64
	errs := parallel(ctx, len(r.assets), func() func(i int) error {
		buf := make([]byte, 64<<10)
		return func(i int) error {
			defer m.Add(1, 0)
			wasRead, err := r.hashOne(c, r.assets[i], buf, m)
			if wasRead {
				read.Add(1)
			}
			return err
		}
	})
	m.Stop()
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	var list ErrorList
	for i, err := range errs {
		if pe, ok := err.(*Error); ok {
			list = append(list, pe)
			continue
		}
		if err != nil {
			list = append(list, &Error{File: slash(r.assets[i].src.Path), Msg: err.Error()})
			continue
		}
		bytes += r.assets[i].size
	}
	return int(read.Load()), bytes, list.err()
}

// hashOne fills in an asset's sum, size and content type, and says
// whether it read the file rather than take them from the cache.
func (r *run) hashOne(c *cache.Hashes, a *asset, buf []byte, m *progress.Meter) (read bool, err error) {
	if !a.owned {
		if e, ok := c.Lookup(a.abs, a.src.Info); ok {
			a.Sum, a.size, a.contentType = e.Sum, e.Size, e.ContentType
			a.srcSum = a.Sum
			m.Add(0, a.src.Info.Size())
			return false, nil
		}
	}
	f, err := os.Open(a.src.Path)
	if err != nil {
		return false, fmt.Errorf("cannot read: %v; check its permissions or add it to -ignore", unwrapPathErr(err))
	}
	defer f.Close()
	var head []byte
	var enc mediatype.UTF8Checker
	rd := progress.Reader{R: io.TeeReader(f, &enc), M: m} // checked and counted in the same pass
	if a.owned {
		if a.Data, err = readAll(rd, a.src.Info.Size()); err == nil {
			a.Sum, a.size, head = sha256.Sum256(a.Data), int64(len(a.Data)), a.Data
		}
	} else {
		a.Sum, a.size, head, err = sumReader(rd, buf)
	}
	if err != nil {
		return true, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	a.srcSum = a.Sum
	trusted, err := r.checkEncoding(a, &enc, head)
	if err != nil {
		return true, err
	}
	if trusted {
		c.Store(a.abs, a.src.Info, cache.Entry{Sum: a.Sum, Size: a.size, ContentType: a.contentType})
	}
	return true, nil
}

// readAll reads all of rd into a buffer sized for the file's size as
// stat saw it, so that a large file is not copied again at each doubling.
func readAll(rd io.Reader, size int64) ([]byte, error) {
	b := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err := b.ReadFrom(rd)
	return b.Bytes(), err
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

// checkEncoding sets the content type an asset is served with
// (mediatype.Served) and holds a text asset to its charset. Text types are
// served as UTF-8 (or, like JSON and SVG, default to it), so one that is
// not valid UTF-8 is an error at its first bad byte, as Django's
// collectstatic makes it, unless the file declares its own encoding or
// Config.AllowNonUTF8 is set: then it is served without the charset
// parameter. A file kept by AllowNonUTF8 is not cached (trusted false), so
// that a run without the option reads and rejects it again.
func (r *run) checkEncoding(a *asset, enc *mediatype.UTF8Checker, head []byte) (trusted bool, err error) {
	at, bad := enc.Invalid()
	var notUTF8 bool
	a.contentType, notUTF8 = mediatype.Served(a.Logical, head, !bad)
	switch {
	case !notUTF8:
		return true, nil
	case r.cfg.AllowNonUTF8:
		return false, nil
	}
	return false, &Error{File: slash(a.src.Path), Line: at.Line, Col: at.Col, Msg: fmt.Sprintf(
		"not valid UTF-8 (byte 0x%02X at offset %d), but served as text, which browsers decode as UTF-8; re-save the file as UTF-8 (from Latin-1: iconv -f ISO-8859-1 -t UTF-8), or pass -allow-non-utf8 to serve it without a charset",
		at.Byte, at.Offset)}
}

// sumReader hashes everything rd holds in one pass, returning the sum, the
// number of bytes hashed (not what Stat said, in case the file changed) and
// the first bytes, for content sniffing.
func sumReader(rd io.Reader, buf []byte) (sum [sha256.Size]byte, n int64, head []byte, err error) {
	h := sha256.New()
	for {
		k, err := rd.Read(buf)
		if k > 0 {
			if n == 0 {
				head = append([]byte(nil), buf[:min(k, 512)]...)
			}
			h.Write(buf[:k])
			n += int64(k)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return sum, n, nil, err
		}
	}
	h.Sum(sum[:0])
	return sum, n, head, nil
}

// load reads an asset's content into a.Data, once, checking it is what
// was hashed.
func (r *run) load(a *asset) *Error {
	b, err := content(a)
	if err != nil {
		return &Error{File: slash(a.src.Path), Msg: err.Error()}
	}
	a.Data = b
	return nil
}

// content returns an asset's content: in memory if it is held (its final
// form once named), else read from disk (without keeping it) and checked
// against the hashed sum.
func content(a *asset) ([]byte, error) {
	if a.Final != nil {
		return a.Final, nil
	}
	if a.Data != nil {
		return a.Data, nil
	}
	b, err := os.ReadFile(a.src.Path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	if sha256.Sum256(b) != a.Sum {
		return nil, fmt.Errorf("changed while assetgen ran; run it again")
	}
	return b, nil
}
