//go:build linux && !(amd64 || arm64)

package dirstat

import "golang.org/x/sys/unix"

// fstatat stats name in the directory fd.
func fstatat(fd int, name string, _ *nameBuf, st *unix.Stat_t, flags int) error {
	return unix.Fstatat(fd, name, st, flags)
}
