package dirstat

import (
	"io/fs"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func (d *Dir) stat(names []string, follow, keep bool, fn func(i int, info fs.FileInfo, err error) bool) {
	flags := unix.AT_SYMLINK_NOFOLLOW
	if follow {
		flags = 0
	}
	var infos []fileInfo
	if keep {
		infos = make([]fileInfo, len(names))
	} else {
		infos = make([]fileInfo, 1)
	}
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
		var buf nameBuf
		for i, n := range names {
			err := ignoringEINTR(func() error { return fstatat(int(fd), "", n, buf[:], &st, flags) })
			if err != nil {
				if !fn(i, nil, d.pathError("fstatat", n, err)) {
					return
				}
				continue
			}
			fi := &infos[0]
			if keep {
				fi = &infos[i]
			}
			*fi = fileInfo{
				name: n, size: st.Size, mode: st.Mode,
				mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(),
				dev: uint64(st.Dev), ino: st.Ino, // Dev is a uint32 on mips64
			}
			if !fn(i, fi, nil) {
				return
			}
		}
	})
}

// nameBuf holds a name and its NUL for fstatat: NAME_MAX is 255.
type nameBuf [256]byte

// joinPath is dir and name with a slash between, or name when dir is "".
func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// Regular stats dir joined with name, following symbolic links as
// os.Stat does, and returns the size and modification time of a regular
// file; ok is false for anything else and for an error. The path goes to
// fstatat from a buffer on the stack, so that where Stat's names do
// (Linux on amd64 and arm64) it allocates nothing, where
// os.Stat(filepath.Join(dir, name)) allocates about 400 bytes:
// development mode stats a path in each source directory for each file
// of each request (find.Winner). dir must be clean. The kernel resolves
// the path from the working directory, as for os.Stat, so links lead
// anywhere and a directory deleted and made again is seen at once.
func Regular(dir, name string) (size int64, mtime time.Time, ok bool) {
	var buf [1024]byte
	var st unix.Stat_t
	err := ignoringEINTR(func() error { return fstatat(unix.AT_FDCWD, dir, name, buf[:], &st, 0) })
	if err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return 0, time.Time{}, false
	}
	return st.Size, time.Unix(st.Mtim.Unix()), true
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}

// fileInfo is what fstatat gave that a run uses: 64 bytes, not the 144 of
// a syscall.Stat_t, since a walk keeps one per file and every page of
// memory a short run touches costs it a page fault. Sys is nil; Identity
// gives the device, inode and change time.
type fileInfo struct {
	name         string
	size         int64
	mode         uint32
	mtime, ctime int64 // Unix nanoseconds
	dev, ino     uint64
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) ModTime() time.Time { return time.Unix(0, fi.mtime) }
func (fi *fileInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *fileInfo) Sys() any           { return nil }

// Mode converts the system's mode bits as package os does.
func (fi *fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.mode & 0o777)
	switch fi.mode & syscall.S_IFMT {
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
	if fi.mode&syscall.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.mode&syscall.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.mode&syscall.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// own returns the identity of an info from Stat.
func own(info fs.FileInfo) (dev, ino uint64, ctime int64, ok bool) {
	fi, ok := info.(*fileInfo)
	if !ok {
		return 0, 0, 0, false
	}
	return fi.dev, fi.ino, fi.ctime, true
}
