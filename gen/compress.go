package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/internal/pkgformat"
	"github.com/assetgen/assetgen/internal/progress"
	"github.com/assetgen/assetgen/internal/sri"
)

// variant is a precompressed form of an asset's final content.
type variant struct {
	coding string
	name   string // in the embed.FS, under OwnedDir, named by content hash
	size   int64
	data   []byte // nil when reused from the previous run's output or in tmp
	tmp    string // a finished temporary file in the owned directory, for a streamed variant
	tmpSum []byte // its SHA-256
}

// streamMin is the size from which a file's variants are streamed to
// temporary files rather than made in memory: a 200 MB file then costs the
// encoders' state (tens of megabytes) rather than its variants' size three
// times over, and its content is read from disk once per encoder rather
// than held, unless a rewrite already holds it.
const streamMin = 4 << 20

// compressorID names the encoders whose output is in the owned directory
// and the codings asked for. Variants are reused across runs only when it
// is unchanged, so that an upgraded encoder never leaves old bytes beside
// new ones: the output stays a function of the input and the generator's
// dependencies.
func compressorID(codings []string) string {
	ids := []string{"compress-v2"}
	if codings != nil {
		var in []string // in order of preference, however given
		for _, c := range compress.Codings() {
			if slices.Contains(codings, c) {
				in = append(in, c)
			}
		}
		if len(in) < len(compress.Codings()) { // all three is the default
			ids = append(ids, strings.Join(in, ","))
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			switch d.Path {
			case "github.com/andybalholm/brotli", "github.com/klauspost/compress":
				ids = append(ids, d.Path+"@"+d.Version)
			}
		}
	}
	return strings.Join(ids, " ")
}

// compress makes the variants of every compressible asset, on every core,
// at the effort its name deserves (compress.EffortFor: full for what
// browsers load, fast for source maps and sources only tools fetch).
// Content whose variants the previous run already wrote (same integrity,
// same effort, same compressor, files present in the owned directory) is
// not compressed again, and not even read: at the densest settings
// compression costs milliseconds per file, which is why WhiteNoise users
// turn it off, and why a second run here must not pay it.
func (r *run) compress(ctx context.Context) (compressed int, err error) {
	if r.cfg.NoCompress {
		return 0, nil
	}
	r.compressor = compressorID(r.cfg.Encodings)
	var prev map[reuseKey][]variant // read only if some asset can use it
	var todo []*asset
	var total int64
	passes := int64(len(compress.Codings()))
	if r.cfg.Encodings != nil {
		passes = int64(len(r.cfg.Encodings))
	}
	for _, a := range r.assets {
		if !compress.Compressible(a.contentType) || a.size < compress.MinSize {
			continue
		}
		if prev == nil {
			prev = r.previousEncodings()
		}
		if vs, ok := prev[reuseKey{sri.Of(a.Sum), compress.EffortFor(a.Logical)}]; ok {
			a.variants = vs
			continue
		}
		todo = append(todo, a)
		total += a.size * passes
	}
	// Large files first, so that one does not start last and run alone.
	slices.SortStableFunc(todo, func(a, b *asset) int { return int(min(max(b.size-a.size, -1), 1)) })
	m := r.meter(PhaseCompress, len(todo), total)
	errs := parallel(ctx, len(todo), func() func(i int) error {
		return func(i int) error {
			defer m.Add(1, 0)
			return r.compressOne(todo[i], m, todo[i].size*passes)
		}
	})
	m.Stop()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var list ErrorList
	for i, err := range errs {
		if err != nil {
			list = append(list, &Error{File: slash(todo[i].src.Path), Msg: err.Error()})
		}
	}
	return len(todo), list.err()
}

// compressOne makes an asset's variants, in memory below streamMin and in
// temporary files in the owned directory from there on. weight is what the
// asset counts for in the meter; whatever the encoders did not read
// (passes that gzip's verdict skipped) is added at the end.
func (r *run) compressOne(a *asset, m *progress.Meter, weight int64) error {
	opt := compress.Options{Codings: r.cfg.Encodings, Effort: compress.EffortFor(a.Logical)}
	counted := &countingMeter{m: m}
	defer func() { m.Add(0, weight-counted.n.Load()) }()
	if a.size < streamMin {
		data, err := content(a)
		if err != nil {
			return err
		}
		counted.add(weight) // small: counted whole, at once
		for _, v := range compress.Variants(data, a.contentType, opt) {
			sum := sha256.Sum256(v.Data)
			a.variants = append(a.variants, variant{coding: v.Coding, name: r.variantName(a, sum[:], v.Coding), size: int64(len(v.Data)), data: v.Data})
		}
		return nil
	}
	src, done, err := r.openContent(a)
	if err != nil {
		return err
	}
	defer done()
	var made []*fileSink
	err = compress.Encode(countingReaderAt{src, counted}, a.size, opt, func(coding string) (compress.Sink, error) {
		s, err := r.newFileSink(coding)
		if err == nil {
			made = append(made, s)
		}
		return s, err
	})
	if err == nil {
		err = done()
	}
	for _, s := range made {
		if err != nil || !s.kept {
			s.remove()
		}
	}
	if err != nil {
		return err
	}
	for _, c := range compress.Codings() { // in order of preference
		for _, s := range made {
			if s.coding == c && s.kept {
				a.variants = append(a.variants, variant{coding: c, name: r.variantName(a, s.sum, c), size: s.n, tmp: s.f.Name(), tmpSum: s.sum})
			}
		}
	}
	return nil
}

func (r *run) variantName(a *asset, sum []byte, coding string) string {
	return OwnedDir + "/" + hex.EncodeToString(sum[:16]) + safeExt(a.Logical) + "." + coding
}

// openContent returns a large asset's content for reading at will: a.Final
// if a rewrite holds it, else the file, checked against the hashed sum
// before use and its stat after (done reports a change).
func (r *run) openContent(a *asset) (io.ReaderAt, func() error, error) {
	if a.Final != nil {
		return bytes.NewReader(a.Final), func() error { return nil }, nil
	}
	f, err := os.Open(a.src.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read: %v", unwrapPathErr(err))
	}
	fi, err := f.Stat()
	if err == nil {
		var sum [sha256.Size]byte
		sum, _, _, err = sumReader(f, make([]byte, 64<<10))
		if err == nil && sum != a.Sum {
			err = errChanged
		}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	closed := false
	return f, func() error {
		if closed {
			return nil
		}
		closed = true
		after, err := f.Stat()
		f.Close()
		if err != nil || cache.KeyOf(after) != cache.KeyOf(fi) {
			return errChanged
		}
		return nil
	}, nil
}

var errChanged = errors.New("changed while assetgen ran; run it again")

// fileSink writes a streamed variant to a temporary file in the owned
// directory, hashing it on the way for its name. The write stage renames
// it into place; a failed run removes it (see removeTemps).
type fileSink struct {
	coding string
	f      *os.File
	h      hash.Hash
	sum    []byte
	n      int64
	kept   bool
}

func (r *run) newFileSink(coding string) (*fileSink, error) {
	dir := filepath.Join(r.cfg.OutDir, OwnedDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, cache.TempPrefix+"*") // a name garbage collection knows
	if err != nil {
		return nil, err
	}
	r.tempMu.Lock()
	r.temps = append(r.temps, f.Name())
	r.tempMu.Unlock()
	return &fileSink{coding: coding, f: f, h: sha256.New()}, nil
}

func (s *fileSink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	return n, err
}

func (s *fileSink) Keep() error {
	if err := s.f.Chmod(0o644); err != nil {
		return err
	}
	if err := s.f.Close(); err != nil {
		return err
	}
	s.sum, s.kept = s.h.Sum(nil), true
	return nil
}

func (s *fileSink) Drop() { s.remove() }

func (s *fileSink) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// removeTemps removes the streamed variants that a failed run left.
func (r *run) removeTemps() {
	for _, t := range r.temps {
		os.Remove(t)
	}
}

// countingMeter feeds the meter the bytes an asset's encoders read.
type countingMeter struct {
	m *progress.Meter
	n atomic.Int64
}

func (c *countingMeter) add(n int64) {
	c.n.Add(n)
	c.m.Add(0, n)
}

type countingReaderAt struct {
	r io.ReaderAt
	c *countingMeter
}

func (r countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	r.c.add(int64(n))
	return n, err
}

// reuseKey finds a previous run's variants: the same content at the same
// effort.
type reuseKey struct {
	integrity string
	effort    compress.Effort
}

// previousEncodings reads the variants the previous run recorded in its
// manifest, by integrity and effort, keeping those whose files are still
// in place.
func (r *run) previousEncodings() map[reuseKey][]variant {
	out := map[reuseKey][]variant{}
	if r.cfg.Manifest == "-" {
		return out
	}
	b, err := os.ReadFile(filepath.Join(r.cfg.OutDir, r.cfg.Manifest))
	if err != nil || !generatedByUs(r.cfg.Manifest, b) {
		return out
	}
	m, err := pkgformat.ReadManifest(b)
	if err != nil || m.Compressor != r.compressor {
		return out
	}
	for p, e := range m.Assets {
		if len(e.Encodings) == 0 {
			continue
		}
		var vs []variant
		for _, enc := range e.Encodings {
			if !strings.HasPrefix(enc.Name, OwnedDir+"/") || !r.copyIntact(enc.Name) {
				vs = nil
				break
			}
			vs = append(vs, variant{coding: enc.Coding, name: enc.Name, size: enc.Size})
		}
		if vs != nil {
			out[reuseKey{e.Integrity, compress.EffortFor(p)}] = vs
		}
	}
	return out
}
