package media

// VariantsMade returns how many variants the Store has made and stored,
// once the work going on is done: the narrower widths a request's work
// makes after answering it.
func (s *Store) VariantsMade() int64 {
	s.cfg.images.work.Wait()
	return s.cfg.images.made.Load()
}

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
