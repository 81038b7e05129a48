//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package dirstat

import "io/fs"

// sysIdentity reports none: the system gives no inode or change time.
func sysIdentity(fs.FileInfo) (dev, ino uint64, ctime int64, ok bool) { return 0, 0, 0, false }
