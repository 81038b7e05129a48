//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cache

import (
	"io/fs"
)

// sysKey is empty where the system reports no inode or change time; the
// size and modification time remain, with the racy-clean rule.
type sysKey struct{}

func sysKeyOf(fs.FileInfo) sysKey { return sysKey{} }

func (sysKey) append(b []byte) []byte { return b }

func readSysKey(*decoder) sysKey { return sysKey{} }

// changeTime is unknown here; the modification time stands alone.
func (sysKey) changeTime() int64 { return 0 }

// device is unknown here.
func (sysKey) device() uint64 { return 0 }
