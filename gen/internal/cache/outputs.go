package cache

// Outputs is the output record: the stamps of the outputs (the Go file,
// the manifest, the development-mode file) as the last run that wrote or
// checked them left them, for the OutputKey they were rendered from. A run
// whose model has that key and whose outputs are still as stamped needs
// to render and write nothing.
type Outputs struct {
	Key OutputKey
	// Files are the outputs, by name relative to the package directory.
	Files []Stamped
}

// outputsMagic starts an output record; it changes with the format.
const outputsMagic = "assetgen output record v1\n"

// Encode returns the record as bytes for WriteFile.
//
//	magic, key [32], then per output: len u32, name, stamp
func (o *Outputs) Encode() []byte {
	w := &Writer{buf: []byte(outputsMagic)}
	w.Bytes(o.Key[:])
	for _, f := range o.Files {
		w.Str32(f.Path)
		w.stamp(f.Stamp)
	}
	return w.buf
}

// decodeOutputs reads what Encode wrote.
func decodeOutputs(s string) (*Outputs, error) {
	d, err := openRecord(s, outputsMagic)
	if err != nil {
		return nil, err
	}
	o := &Outputs{}
	copy(o.Key[:], d.bytes(len(o.Key)))
	for d.more() {
		o.Files = append(o.Files, Stamped{Path: d.str(), Stamp: readStamp(d)})
	}
	if d.err != nil {
		return nil, d.err
	}
	return o, nil
}

// ReadOutputs returns the output record in file if it was made for key
// and lists exactly the outputs names, in order.
func ReadOutputs(file string, key OutputKey, names []string) (*Outputs, bool) {
	s, err := readRecord(file)
	if err != nil {
		return nil, false
	}
	o, err := decodeOutputs(s)
	if err != nil || o.Key != key || len(o.Files) != len(names) {
		return nil, false
	}
	for i, f := range o.Files {
		if f.Path != names[i] {
			return nil, false
		}
	}
	return o, true
}
