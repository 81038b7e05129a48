package media

// VariantsMade returns how many variants the Store has made and stored.
func (s *Store) VariantsMade() int64 { return s.cfg.images.made.Load() }
