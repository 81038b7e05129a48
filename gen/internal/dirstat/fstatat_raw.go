//go:build linux && (amd64 || arm64)

package dirstat

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fstatat stats name in the directory fd, below dir when dir is not ""
// (see joinPath). The path is copied into buf with its NUL, where
// unix.Fstatat allocates a copy of each: a walk and a check stat
// thousands of names, and development mode a path in each source
// directory for each file of each request (Regular).
func fstatat(fd int, dir, name string, buf []byte, st *unix.Stat_t, flags int) error {
	n := len(name)
	if dir != "" {
		n += len(dir) + 1
	}
	if n >= len(buf) || strings.IndexByte(dir, 0) >= 0 || strings.IndexByte(name, 0) >= 0 {
		return unix.Fstatat(fd, joinPath(dir, name), st, flags) // its own copy, or its error
	}
	i := 0
	if dir != "" {
		i = copy(buf, dir)
		buf[i] = '/'
		i++
	}
	i += copy(buf[i:], name)
	buf[i] = 0
	_, _, errno := unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(st)), uintptr(flags), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
