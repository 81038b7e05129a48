package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Key is what must not change for a file's cached facts to hold: its
// size, modification time, and where the system has them, device, inode
// and change time. The change time cannot be set from user space (touch -d
// and tar set only the modification time), so a rewritten file never
// matches an old key, except within one clock tick: see Racy.
type Key struct {
	Size  int64
	MTime int64
	Sys   sysKey
}

// KeyOf returns a file's key.
func KeyOf(info fs.FileInfo) Key {
	return Key{Size: info.Size(), MTime: info.ModTime().UnixNano(), Sys: sysKeyOf(info)}
}

// Racy reports whether the file's modification or change time is too
// close to the mark m to tell a later rewrite within the same clock tick
// from no change at all: at the mark or later on the file system's clock,
// or else within RacyWindow of it on the wall clock.
func (k Key) Racy(m Mark) bool {
	if at, ok := m.fsTime(k); ok {
		return k.MTime >= at || k.Sys.changeTime() >= at
	}
	return Racy(time.Unix(0, k.MTime), m.wall) || k.Sys.changeTime() != 0 && Racy(time.Unix(0, k.Sys.changeTime()), m.wall)
}

// File is the one place a cache file lives: dir/kind/<id><ext>, where id
// names the package directory outAbs, so that packages share a cache
// directory without sharing entries.
func File(dir, kind, outAbs, ext string) string {
	id := sha256.Sum256([]byte(outAbs))
	return filepath.Join(dir, kind, hex.EncodeToString(id[:12])+ext)
}

// TempPrefix starts the name of every temporary file a run writes, into
// the output and owned directories as into the cache; garbage collection
// removes those that a killed run left.
const TempPrefix = ".assetgen-"

// WriteFile writes a cache file by way of a temporary file renamed into
// place, creating its directory.
func WriteFile(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), TempPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// Stamp is what a record keeps of one file: its key, and when its times
// were racy at recording, the SHA-256 of its content, which is then
// checked by reading it.
type Stamp struct {
	Key  Key
	Racy bool
	Sum  [sha256.Size]byte
}

// StampFile stamps a file at the mark m; data, if not nil, is its
// content, which saves reading it when it is racy.
func StampFile(file string, data []byte, m Mark) (Stamp, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return Stamp{}, err
	}
	st := Stamp{Key: KeyOf(fi)}
	if st.Racy = st.Key.Racy(m); !st.Racy {
		return st, nil
	}
	if data == nil {
		if data, err = os.ReadFile(file); err != nil {
			return Stamp{}, err
		}
	}
	st.Sum = sha256.Sum256(data)
	return st, nil
}

// Current reports whether the file still matches the stamp.
func (s Stamp) Current(file string) bool {
	fi, err := os.Stat(file)
	if err != nil || KeyOf(fi) != s.Key {
		return false
	}
	if !s.Racy {
		return true
	}
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil { // streamed: outputs run to megabytes
		return false
	}
	return [sha256.Size]byte(h.Sum(nil)) == s.Sum
}

// Settled reports whether a racy stamp's times are now far enough before
// the mark m that, its content having been checked since m, it need not
// be again: the caller records it clean, as git's index does.
func (s Stamp) Settled(m Mark) bool {
	return !s.Racy || !s.Key.Racy(m)
}

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

func (w *Writer) flush() {
	if w.h != nil {
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

// Stamp writes a stamp: its key, then a racy flag and, if set, the sum.
func (w *Writer) Stamp(s Stamp) {
	w.Key(s.Key)
	w.Bool(s.Racy)
	if s.Racy {
		w.Bytes(s.Sum[:])
	}
}

// Data returns what a Writer not made by NewKeyWriter holds.
func (w *Writer) Data() []byte { return w.buf }

// Sum returns the SHA-256 of what a Writer from NewKeyWriter was given.
func (w *Writer) Sum() (sum [sha256.Size]byte) {
	w.h.Sum(sum[:0])
	return sum
}

// Decoder reads what a Writer wrote, remembering the first error so that
// callers check once, at the end.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder returns a Decoder reading b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Err returns the first error met, if any.
func (d *Decoder) Err() error { return d.err }

// More reports whether bytes remain and no error was met.
func (d *Decoder) More() bool { return len(d.b) > 0 && d.err == nil }

// Bytes reads n bytes.
func (d *Decoder) Bytes(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.err = errBad
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// U64 reads eight bytes.
func (d *Decoder) U64() uint64 {
	if b := d.Bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// u32 reads four bytes.
func (d *Decoder) u32() uint32 {
	if b := d.Bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// Str reads what Str32 wrote.
func (d *Decoder) Str() string { return string(d.Bytes(int(d.u32()))) }

// Bool reads what Bool wrote; any byte but 0 and 1 is damage.
func (d *Decoder) Bool() bool {
	b := d.Bytes(1)
	if b != nil && b[0] > 1 {
		d.err = errBad
	}
	return b != nil && b[0] == 1
}

// ReadKey reads what Writer.Key wrote.
func ReadKey(d *Decoder) Key {
	return Key{Size: int64(d.U64()), MTime: int64(d.U64()), Sys: readSysKey(d)}
}

// ReadStamp reads what Writer.Stamp wrote.
func ReadStamp(d *Decoder) Stamp {
	s := Stamp{Key: ReadKey(d), Racy: d.Bool()}
	if s.Racy {
		copy(s.Sum[:], d.Bytes(sha256.Size))
	}
	return s
}
