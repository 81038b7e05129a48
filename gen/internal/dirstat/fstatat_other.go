//go:build linux && !(amd64 || arm64)

package dirstat

import "golang.org/x/sys/unix"

// fstatat stats name in the directory fd, below dir when dir is not "".
func fstatat(fd int, dir, name string, _ []byte, st *unix.Stat_t, flags int) error {
	return unix.Fstatat(fd, joinPath(dir, name), st, flags)
}
