//go:build linux && (amd64 || arm64)

package dirstat

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fstatat stats name in the directory fd. The name is copied into buf
// with its NUL, where unix.Fstatat allocates a copy of each: a walk and
// a check stat thousands of names.
func fstatat(fd int, name string, buf *nameBuf, st *unix.Stat_t, flags int) error {
	if len(name) >= len(buf) || strings.IndexByte(name, 0) >= 0 {
		return unix.Fstatat(fd, name, st, flags) // its own copy, or its error
	}
	copy(buf[:], name)
	buf[len(name)] = 0
	_, _, errno := unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(st)), uintptr(flags), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
