package gen

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/assetgen/assetgen/gen/internal/mediatype"
)

// hash reads every asset once, on every core: one SHA-256 pass serves the
// fingerprint, the SRI string and the ETag, and the first bytes give the
// content type where the extension does not. Files whose size, times and
// identity match the cache are not read at all.
func (r *run) hash(ctx context.Context) error {
	c := r.hashCache()

	errs := make([]error, len(r.assets))
	var next, done atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), len(r.assets))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64<<10)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(r.assets) || ctx.Err() != nil {
					return
				}
				errs[i] = r.hashOne(c, r.assets[i], buf)
				n := done.Add(1)
				if r.cfg.Progress != nil && n%256 == 0 {
					r.cfg.Progress(int(n), len(r.assets))
				}
			}
		}()
	}
	wg.Wait()
	r.res.Hashed = int(r.hashed.Load())
	if err := ctx.Err(); err != nil {
		return err
	}
	var list ErrorList
	for i, err := range errs {
		if err != nil {
			list = append(list, &Error{File: slash(r.assets[i].src.Path), Msg: err.Error()})
			continue
		}
		r.res.Bytes += r.assets[i].size
	}
	return list.err()
}

// hashOne fills in an asset's sum, size and content type.
func (r *run) hashOne(c *cache, a *asset, buf []byte) error {
	if !a.copy {
		if e, ok := c.lookup(a.abs, a.src.Info); ok {
			a.sum, a.size, a.contentType = e.Sum, e.Size, e.ContentType
			return nil
		}
	}
	f, err := os.Open(a.src.Path)
	if err != nil {
		return fmt.Errorf("cannot read: %v; check its permissions or add it to -ignore", unwrapPathErr(err))
	}
	defer f.Close()
	var head []byte
	if a.copy {
		if a.data, err = io.ReadAll(f); err == nil {
			a.sum, a.size, head = sha256.Sum256(a.data), int64(len(a.data)), a.data
		}
	} else {
		a.sum, a.size, head, err = sumReader(f, buf)
	}
	if err != nil {
		return fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	a.contentType = mediatype.Of(a.logical, head[:min(len(head), 512)])
	c.store(a.abs, a.src.Info, cacheEntry{Sum: a.sum, Size: a.size, ContentType: a.contentType})
	r.hashed.Add(1)
	return nil
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
