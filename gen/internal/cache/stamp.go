package cache

import (
	"crypto/sha256"
	"io"
	"os"
)

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
