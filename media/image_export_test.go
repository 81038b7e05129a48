package media

// VariantsMade returns how many variants the Store has made and stored.
func (s *Store) VariantsMade() int64 { return s.cfg.images.made.Load() }

// FillImageQueue takes every worker and queue place, as a burst of new
// images would, until release is called.
func (s *Store) FillImageQueue() (release func()) {
	im := s.cfg.images
	n := cap(im.admit)
	for range n {
		im.admit <- struct{}{}
	}
	return func() {
		for range n {
			<-im.admit
		}
	}
}
