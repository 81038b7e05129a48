package gen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
// turn it off, and why a second run here must not pay it. It returns the
// variants by asset, in order of preference, and how many assets it
// compressed.
func (r *run) compress(ctx context.Context, assets []*asset, hashes []hashed, finals []final) (out [][]variant, compressed int, err error) {
	if r.cfg.NoCompress {
		return nil, 0, nil
	}
	out = make([][]variant, len(assets))
	var prev map[reuseKey][]variant // read only if some asset can use it
	var todo []int
	var total int64
	passes := int64(len(compress.Codings()))
	if r.cfg.Encodings != nil {
		passes = int64(len(r.cfg.Encodings))
	}
	for i, a := range assets {
		if !compress.Compressible(hashes[i].contentType) || finals[i].size < compress.MinSize {
			continue
		}
		if prev == nil {
			prev = r.previousEncodings()
		}
		if vs, ok := prev[reuseKey{sri.Of(finals[i].sum), compress.EffortFor(a.Logical)}]; ok {
			out[i] = vs
			continue
		}
		todo = append(todo, i)
		total += finals[i].size * passes
	}
	// Large files first, so that one does not start last and run alone.
	slices.SortStableFunc(todo, func(i, j int) int { return int(min(max(finals[j].size-finals[i].size, -1), 1)) })
	m := r.meter(PhaseCompress, len(todo), total)
	errs := parallel(ctx, len(todo), func() func(k int) error {
		return func(k int) error {
			defer m.Add(1, 0)
			i := todo[k]
			var err error
			out[i], err = r.compressOne(assets[i].Logical, hashes[i].contentType, finals[i].content, m, finals[i].size*passes)
			return err
		}
	})
	m.Stop()
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	var list ErrorList
	for k, err := range errs {
		if err != nil {
			list = append(list, &Error{File: slash(assets[todo[k]].src.Path), Msg: err.Error()})
		}
	}
	return out, len(todo), list.err()
}

// compressOne makes the variants of one asset's final content c, in
// memory below streamMin and in temporary files in the owned directory
// from there on. weight is what the asset counts for in the meter;
// whatever the encoders did not read (passes that gzip's verdict skipped)
// is added at the end.
func (r *run) compressOne(logical, contentType string, c content, m *progress.Meter, weight int64) ([]variant, error) {
	opt := compress.Options{Codings: r.cfg.Encodings, Effort: compress.EffortFor(logical)}
	counted := &countingMeter{m: m}
	defer func() { m.Add(0, weight-counted.n.Load()) }()
	var out []variant
	if c.size < streamMin {
		data, err := c.bytes()
		if err != nil {
			return nil, err
		}
		counted.add(weight) // small: counted whole, at once
		for _, v := range compress.Variants(data, contentType, opt) {
			sum := sha256.Sum256(v.Data)
			out = append(out, variant{coding: v.Coding, name: variantName(logical, sum[:], v.Coding), size: int64(len(v.Data)), data: v.Data})
		}
		return out, nil
	}
	src, done, err := c.open()
	if err != nil {
		return nil, err
	}
	defer done()
	var made []*fileSink
	err = compress.Encode(countingReaderAt{src, counted}, c.size, opt, func(coding string) (compress.Sink, error) {
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
		return nil, err
	}
	for _, coding := range compress.Codings() { // in order of preference
		for _, s := range made {
			if s.coding == coding && s.kept {
				out = append(out, variant{coding: coding, name: variantName(logical, s.sum, coding), size: s.n, tmp: s.f.Name(), tmpSum: s.sum})
			}
		}
	}
	return out, nil
}

func variantName(logical string, sum []byte, coding string) string {
	return OwnedDir + "/" + hex.EncodeToString(sum[:16]) + safeExt(logical) + "." + coding
}

// fileSink writes a streamed variant, or the copy of a file whose bytes
// hash did not keep (see ownedCopy), to a temporary file in the owned
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
	if err != nil || m.Compressor != r.compressor() {
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

// compressor is compressorID for the run's codings, or "" without
// compression.
func (r *run) compressor() string {
	if r.cfg.NoCompress {
		return ""
	}
	return compressorID(r.cfg.Encodings)
}
