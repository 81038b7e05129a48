package media

import "time"

// SetNow sets the clock that signed URLs are made and checked with.
func (s *Store) SetNow(now func() time.Time) { s.now = now }
