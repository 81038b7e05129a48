//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cache

import (
	"encoding/binary"
	"io/fs"

	"github.com/assetgen/assetgen/gen/internal/dirstat"
)

// sysKey adds the file's identity and change time to the cache key.
type sysKey struct {
	Dev, Ino uint64
	CTime    int64
}

func sysKeyOf(info fs.FileInfo) sysKey {
	dev, ino, ctime, ok := dirstat.Identity(info)
	if !ok {
		return sysKey{}
	}
	return sysKey{Dev: dev, Ino: ino, CTime: ctime}
}

func (k sysKey) append(b []byte) []byte {
	b = binary.LittleEndian.AppendUint64(b, k.Dev)
	b = binary.LittleEndian.AppendUint64(b, k.Ino)
	return binary.LittleEndian.AppendUint64(b, uint64(k.CTime))
}

func readSysKey(d *decoder) sysKey {
	return sysKey{Dev: d.u64(), Ino: d.u64(), CTime: int64(d.u64())}
}

// changeTime returns the change time in the key, in Unix nanoseconds.
func (k sysKey) changeTime() int64 { return k.CTime }

// device returns the file system the key's file lies on.
func (k sysKey) device() uint64 { return k.Dev }
