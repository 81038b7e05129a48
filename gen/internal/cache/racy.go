package cache

import "time"

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
