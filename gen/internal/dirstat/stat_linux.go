package dirstat

import (
	"io/fs"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func (d *Dir) stat(names []string, follow bool, fn func(i int, info fs.FileInfo, err error) bool) {
	flags := unix.AT_SYMLINK_NOFOLLOW
	if follow {
		flags = 0
	}
	infos := make([]fileInfo, len(names))
	rc, err := d.f.SyscallConn()
	if err != nil {
		for i, n := range names {
			if !fn(i, nil, d.pathError("fstatat", n, err)) {
				return
			}
		}
		return
	}
	// The callback runs with the descriptor held open.
	_ = rc.Control(func(fd uintptr) {
		var st unix.Stat_t
		for i, n := range names {
			err := ignoringEINTR(func() error { return unix.Fstatat(int(fd), n, &st, flags) })
			if err != nil {
				if !fn(i, nil, d.pathError("fstatat", n, err)) {
					return
				}
				continue
			}
			fi := &infos[i]
			fi.name = n
			fi.sys = syscall.Stat_t{
				Dev: st.Dev, Ino: st.Ino, Nlink: st.Nlink, Mode: st.Mode, Uid: st.Uid, Gid: st.Gid,
				Rdev: st.Rdev, Size: st.Size, Blksize: st.Blksize, Blocks: st.Blocks,
				Atim: syscall.Timespec(st.Atim), Mtim: syscall.Timespec(st.Mtim), Ctim: syscall.Timespec(st.Ctim),
			}
			if !fn(i, fi, nil) {
				return
			}
		}
	})
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}

// fileInfo is what fstatat gave, held as os.Lstat holds it: Sys is the
// *syscall.Stat_t, so that keys made from either agree.
type fileInfo struct {
	name string
	sys  syscall.Stat_t
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.sys.Size }
func (fi *fileInfo) ModTime() time.Time { return time.Unix(fi.sys.Mtim.Unix()) }
func (fi *fileInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *fileInfo) Sys() any           { return &fi.sys }

// Mode converts the system's mode bits as package os does.
func (fi *fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.sys.Mode & 0o777)
	switch fi.sys.Mode & syscall.S_IFMT {
	case syscall.S_IFBLK:
		m |= fs.ModeDevice
	case syscall.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		m |= fs.ModeDir
	case syscall.S_IFIFO:
		m |= fs.ModeNamedPipe
	case syscall.S_IFLNK:
		m |= fs.ModeSymlink
	case syscall.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if fi.sys.Mode&syscall.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.sys.Mode&syscall.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.sys.Mode&syscall.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// SameFile reports whether a and b describe the same file, as os.SameFile
// does, for infos from Stat as well as from package os.
func SameFile(a, b fs.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 {
		return false
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino
}
