package rewrite

// Apply is ApplyFunc over refs and their replacements repl, which must be
// as long as refs.
func Apply(src []byte, refs []Ref, repl []string) []byte {
	if len(refs) != len(repl) {
		return append([]byte(nil), src...)
	}
	return ApplyFunc(src, len(refs), func(i int) (*Ref, string) { return &refs[i], repl[i] })
}
