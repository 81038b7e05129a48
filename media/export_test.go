package media

import "time"

// SetNow sets the clock that signed URLs are made and checked with.
func (s *Store) SetNow(now func() time.Time) { s.now = now }

// SetBeforeCopy sets a function Finalize calls between claiming a name
// and copying a pending upload to it, for fault tests.
func SetBeforeCopy(f func()) { beforeCopy = f }
