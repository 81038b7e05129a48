package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io"
	"os"
	"strings"
)

// Writer writes the little-endian fields of the cache's records, and of
// the keys that identify a tree or a model: every string with its length,
// so that no two inputs share an encoding. A Writer from NewKeyWriter
// hashes as it goes instead of keeping the bytes.
type Writer struct {
	buf []byte
	h   hash.Hash
}

// NewKeyWriter returns a Writer whose Sum is the SHA-256 of what was
// written.
func NewKeyWriter() *Writer { return &Writer{h: sha256.New()} }

// flush hashes what a key writer holds once it is a few kilobytes: a
// tree key is 30,000 small fields, each too small to hash on its own.
func (w *Writer) flush() {
	if w.h != nil && len(w.buf) >= 4<<10 {
		w.h.Write(w.buf)
		w.buf = w.buf[:0]
	}
}

// Bytes writes b as it is.
func (w *Writer) Bytes(b []byte) { w.buf = append(w.buf, b...); w.flush() }

// Num writes n as eight bytes.
func (w *Writer) Num(n int64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(n)); w.flush() }

// Str32 writes s with its length as four bytes.
func (w *Writer) Str32(s string) {
	w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(len(s)))
	w.buf = append(w.buf, s...)
	w.flush()
}

// Strs writes a list of strings with its length.
func (w *Writer) Strs(ss []string) {
	w.Num(int64(len(ss)))
	for _, s := range ss {
		w.Str32(s)
	}
}

// Bool writes b as one byte.
func (w *Writer) Bool(b bool) {
	v := byte(0)
	if b {
		v = 1
	}
	w.buf = append(w.buf, v)
	w.flush()
}

// Key writes a file's key.
func (w *Writer) Key(k Key) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(k.Size))
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(k.MTime))
	w.buf = k.Sys.append(w.buf)
	w.flush()
}

// stamp writes a stamp: its key, then a racy flag and, if set, the sum.
func (w *Writer) stamp(s Stamp) {
	w.Key(s.Key)
	w.Bool(s.Racy)
	if s.Racy {
		w.Bytes(s.Sum[:])
	}
}

// Sum returns the SHA-256 of what a Writer from NewKeyWriter was given.
func (w *Writer) Sum() (sum [sha256.Size]byte) {
	w.h.Write(w.buf)
	w.buf = w.buf[:0]
	w.h.Sum(sum[:0])
	return sum
}

// openRecord returns a decoder for the fields of a record that must
// begin with magic, which names its kind and format.
func openRecord(s, magic string) (*decoder, error) {
	rest, ok := strings.CutPrefix(s, magic)
	if !ok {
		return nil, errBad
	}
	return &decoder{rest: rest}, nil
}

// readRecord returns the content of a record file. It is read into a
// string of the file's size, and the strings a decoder reads are slices
// of it, not an allocation each, nor a copy of the whole: a tree record
// holds thousands of paths, and every page of memory a short run touches
// costs it a page fault.
func readRecord(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if fi.Size() > maxRecord {
		return "", errBad
	}
	var b strings.Builder
	b.Grow(int(fi.Size()))
	// Through a small buffer: an *os.File's WriteTo would allocate one
	// of 32 KB.
	_, err = io.CopyBuffer(&b, struct{ io.Reader }{f}, make([]byte, 8<<10))
	return b.String(), err
}

// maxRecord bounds the size of a record file read: past it, the file is
// damage, not a record.
const maxRecord = 1 << 30

// decoder reads what a Writer wrote, remembering the first error so that
// callers check once, at the end.
type decoder struct {
	rest string // the fields not yet read
	err  error
}

// more reports whether bytes remain and no error was met.
func (d *decoder) more() bool { return len(d.rest) > 0 && d.err == nil }

// bytes reads n bytes.
func (d *decoder) bytes(n int) string {
	if d.err != nil || n < 0 || n > len(d.rest) {
		d.err = errBad
		return ""
	}
	v := d.rest[:n]
	d.rest = d.rest[n:]
	return v
}

// u64 reads eight bytes.
func (d *decoder) u64() uint64 {
	if b := d.bytes(8); d.err == nil {
		return binary.LittleEndian.Uint64([]byte(b))
	}
	return 0
}

// u32 reads four bytes.
func (d *decoder) u32() uint32 {
	if b := d.bytes(4); d.err == nil {
		return binary.LittleEndian.Uint32([]byte(b))
	}
	return 0
}

// str reads what Str32 wrote.
func (d *decoder) str() string {
	return d.bytes(int(d.u32()))
}

// bool reads what Bool wrote; any byte but 0 and 1 is damage.
func (d *decoder) bool() bool {
	b := d.bytes(1)
	if d.err == nil && b[0] > 1 {
		d.err = errBad
	}
	return d.err == nil && b[0] == 1
}

// readKey reads what Writer.Key wrote.
func readKey(d *decoder) Key {
	return Key{Size: int64(d.u64()), MTime: int64(d.u64()), Sys: readSysKey(d)}
}

// readStamp reads what Writer.stamp wrote.
func readStamp(d *decoder) Stamp {
	s := Stamp{Key: readKey(d), Racy: d.bool()}
	if s.Racy {
		copy(s.Sum[:], d.bytes(sha256.Size))
	}
	return s
}
