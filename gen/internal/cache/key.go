package cache

import (
	"io/fs"
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
