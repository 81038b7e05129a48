package txwrite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/internal/diag"
	"github.com/assetgen/assetgen/internal/relpath"
)

// lockName is the lock file in the output directory. Its leading dot keeps
// it out of go:embed patterns and out of the package.
const lockName = ".assetgen.lock"

// lockPoll is how often a waiting run tries the lock again.
const lockPoll = 50 * time.Millisecond

// Runs on one package take turns: two go generate runs at once (an
// editor's on-save hook and a terminal, or go generate ./... twice) would
// otherwise each remove the copies the other's Go file embeds. The lock is
// the operating system's (flock on Unix, LockFileEx on Windows), held on an
// open file, so the kernel releases it when its holder exits, even by
// SIGKILL: a lock is never stale, whatever the file says. The file names
// its holder (process, host, start time), for the message of a run that
// waits. The holder removes it before releasing the lock, so a finished run
// leaves nothing behind; a run that locked a file another run has since
// removed finds it no longer at the path and tries again.

// Lock is a held lock on one output directory. Its methods accept a nil
// Lock, which Acquire returns for a directory no run can write.
type Lock struct {
	f    *os.File
	path string
}

// Acquire takes the output directory's lock, waiting up to timeout for
// another run to finish. It says once, through logf, that it waits and for
// whom; after the timeout the error names the holder. In a directory no
// run can write (a read-only checkout) it returns a nil Lock: no run
// needs to wait there.
func Acquire(ctx context.Context, dir string, timeout time.Duration, logf func(string)) (*Lock, error) {
	file := filepath.Join(dir, lockName)
	deadline := time.Now().Add(timeout)
	waited := false
	for {
		f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o644)
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
			// No run can write here either, so none needs to wait: a
			// run over an unchanged tree in a read-only checkout works.
			return nil, nil
		}
		if err != nil {
			return nil, fsError(file, err, true)
		}
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fsError(file, err, true)
		}
		if ok {
			if fi, err := f.Stat(); err == nil {
				if at, err := os.Stat(file); err == nil && os.SameFile(fi, at) {
					l := &Lock{f: f, path: file}
					l.describe()
					return l, nil
				}
			}
			f.Close() // removed by its holder after we opened it: again
			continue
		}
		holder := readHolder(f)
		f.Close()
		if !waited && logf != nil && timeout > 0 {
			logf(fmt.Sprintf("%s: another assetgen run on this package (%s) holds the lock; waiting up to %v", relpath.Display(file), holder, timeout))
			waited = true
		}
		if !time.Now().Before(deadline) {
			return nil, &diag.Diag{File: relpath.Display(file), Msg: fmt.Sprintf("another assetgen run on this package (%s) still holds the lock after %v; let it finish and run again, or stop it (the lock goes with its process)", holder, timeout)}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(lockPoll, time.Until(deadline)+time.Millisecond)):
		}
	}
}

// describe writes who holds the lock into the file, for waiting runs'
// messages, and says whether it did. It is only a description: failing
// to write it is harmless.
func (l *Lock) describe() bool {
	host, _ := os.Hostname()
	desc := fmt.Sprintf("pid %d on %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if l.f.Truncate(0) != nil {
		return false
	}
	_, err := l.f.WriteAt([]byte(desc), 0)
	return err == nil
}

// Mark rewrites the lock file and returns the moment as the file system
// records it (cache.Mark), for the racy-clean rule: every file of the
// package that changes after this call gets times at the mark or later.
// Without a lock (a read-only package) the mark is the wall clock's.
func (l *Lock) Mark() cache.Mark {
	now := time.Now()
	if l == nil || !l.describe() {
		return cache.WallMark(now)
	}
	fi, err := l.f.Stat()
	if err != nil {
		return cache.WallMark(now)
	}
	return cache.MarkOf(now, fi)
}

// readHolder returns the holder's description, or a placeholder when the
// holder has not written it yet.
func readHolder(f *os.File) string {
	b := make([]byte, 256)
	n, _ := f.ReadAt(b, 0)
	if s := strings.TrimSpace(string(b[:n])); s != "" && !strings.ContainsAny(s, "\n\r") {
		return s
	}
	return "holder not yet named"
}

// Release removes the lock file, then releases the lock by closing it.
func (l *Lock) Release() {
	if l == nil {
		return
	}
	_ = os.Remove(l.path) // may fail where open files cannot be removed; harmless
	_ = l.f.Close()
}
