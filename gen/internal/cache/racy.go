package cache

import (
	"io/fs"
	"time"
)

// RacyWindow is how close to a moment a file's times must be for its
// content not to be trusted from its stat alone: a file written twice
// within one tick of the file system's clock keeps the same size and
// times. This is git's "racy clean" rule; the window is wide enough for
// the coarsest common clock (FAT's two seconds).
const RacyWindow = 2 * time.Second

// Racy reports whether a file time t is within RacyWindow of at, or later:
// a change made after the file was read, within the same tick, could keep
// t, so the content must be read again to be trusted.
func Racy(t, at time.Time) bool {
	return !t.Before(at.Add(-RacyWindow))
}

// Mark is the moment a run judges file times against. Where it can, it
// is a time on the file system's own clock: the times of a file the run
// has just written (the package's lock file), as git judges its index
// entries against the index file's own time. A file on the same device
// whose times are before the mark cannot change again without its times
// moving to the mark or past it, whatever the clock's tick (FAT's two
// seconds, a kernel's coarse clock), so no window is needed, and a tree
// written just before a run is trusted by that run. A file on another
// device, or on a system that gives no device, is judged by the wall
// clock and RacyWindow.
type Mark struct {
	wall time.Time
	fs   Key // the times of the file written at the mark; zero if none
}

// WallMark is a mark on the wall clock alone.
func WallMark(t time.Time) Mark { return Mark{wall: t} }

// MarkOf is a mark at wall time t and at the times of the file fi
// describes, which the caller has just written.
func MarkOf(t time.Time, fi fs.FileInfo) Mark {
	return Mark{wall: t, fs: KeyOf(fi)}
}

// fsTime returns the mark's time on the clock of k's file system, if the
// mark was taken on its device.
func (m Mark) fsTime(k Key) (int64, bool) {
	c := m.fs.Sys.changeTime()
	if c == 0 || k.Sys.changeTime() == 0 || m.fs.Sys.device() != k.Sys.device() {
		return 0, false
	}
	return min(c, m.fs.MTime), true
}

// MarkPast returns a mark from next, taken again until none of keys is
// racy at it, for files a run has just written: their times are the file
// system clock's last tick, and a mark a tick later trusts them, so that
// the next run need not read them again (git's index, written a tick
// after a checkout, does the same). It waits at most wait, and not at all
// for a key judged by the wall clock, whose window only time can close.
func MarkPast(keys []Key, next func() Mark, wait time.Duration) Mark {
	m := next()
	deadline := time.Now().Add(wait)
	for {
		racy := false
		for _, k := range keys {
			if !k.Racy(m) {
				continue
			}
			if _, onClock := m.fsTime(k); !onClock {
				return m
			}
			racy = true
			break
		}
		if !racy || !time.Now().Before(deadline) {
			return m
		}
		time.Sleep(time.Millisecond)
		m = next()
	}
}
