package gen

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/assetgen/assetgen/gen/internal/cache"
)

// content is one asset's bytes for the stages after hash, which read each
// source file once: prepare, name, compress and the copy into the owned
// directory all take the bytes from here. hash keeps a file's bytes in
// memory when a later stage needs them and they fit (see keepBudget);
// otherwise they are read again from disk, as many bytes as hash counted,
// and checked against its sum, so that a file that changed since is an
// error rather than a package whose names lie.
type content struct {
	path string // the source file to read again; "" when data is all there is
	size int64
	sum  [sha256.Size]byte
	data []byte // the bytes, if kept; nil means read path again
}

// kept reports whether the bytes are in memory.
func (c content) kept() bool { return c.data != nil || c.path == "" }

// bytes returns the whole content: the kept bytes, or the file read again
// into one buffer of its size and checked.
func (c content) bytes() ([]byte, error) {
	if c.kept() {
		if c.data == nil {
			return []byte{}, nil
		}
		return c.data, nil
	}
	f, err := os.Open(c.path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	defer f.Close()
	b := make([]byte, c.size)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, changedOr(err)
	}
	var one [1]byte
	if n, _ := f.Read(one[:]); n > 0 || sha256.Sum256(b) != c.sum {
		return nil, errChanged
	}
	return b, nil
}

// open returns the content for reading at will, by offset, as many times
// as the caller likes: the compressors stream a large file once per
// coding rather than hold it. A file read again is checked as the first
// pass over it goes (its bytes, in order, must hash to the sum), and its
// stat must be the same when done is called, which reports any change.
func (c content) open() (io.ReaderAt, func() error, error) {
	if c.kept() {
		return bytes.NewReader(c.data), func() error { return nil }, nil
	}
	f, err := os.Open(c.path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() != c.size {
		f.Close()
		return nil, nil, changedOr(err)
	}
	rd := &checkedFile{f: f, want: c.sum, size: c.size, h: sha256.New()}
	closed := false
	return rd, func() error {
		if closed {
			return nil
		}
		closed = true
		after, err := f.Stat()
		f.Close()
		if err != nil || cache.KeyOf(after) != cache.KeyOf(fi) || !rd.checked() {
			return errChanged
		}
		return nil
	}, nil
}

// checkedFile hashes a file's bytes as they are first read in order, and
// fails the read that reaches the end if they are not what hash read.
type checkedFile struct {
	f    *os.File
	want [sha256.Size]byte
	size int64
	h    hash.Hash

	mu   sync.Mutex // ReaderAt allows concurrent calls
	next int64      // the offset the hash has reached
	ok   bool       // the whole file hashed to want
}

func (c *checkedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.f.ReadAt(p, off)
	c.mu.Lock()
	defer c.mu.Unlock()
	if off == c.next && c.next < c.size {
		k := min(int64(n), c.size-c.next)
		c.h.Write(p[:k])
		c.next += k
		if c.next == c.size {
			if !bytes.Equal(c.h.Sum(nil), c.want[:]) {
				return n, errChanged
			}
			c.ok = true
		}
	}
	return n, err
}

// checked reports whether the first pass hashed the whole file to the sum.
func (c *checkedFile) checked() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size == 0 || c.ok
}

// changedOr is err, or errChanged when the file came out shorter than
// hash counted.
func changedOr(err error) error {
	if err == nil || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errChanged
	}
	return fmt.Errorf("cannot read: %v", unwrapPathErr(err))
}

var errChanged = errors.New("changed while assetgen ran; run it again")
