// Package compress makes the precompressed variants of an asset that the
// runtime handler serves to clients that accept them: Brotli ("br"),
// Zstandard ("zstd") and gzip, in that order of preference.
//
// Compression happens once, at generate time, so for what browsers load it
// can afford the densest settings: Brotli quality 11, zstd's best level and
// gzip level 9 (Full). A browser fetching a fingerprinted file caches it for
// a year, so every byte saved is saved on every first visit, while the cost
// is paid once per content hash (the caller caches results by hash). Files
// that only developer tools and build tools fetch (source maps, style and
// type sources) get fast levels instead (Fast): they are half the bytes of
// a typical npm package, and Brotli 11 on them bought a few percent that no
// visitor ever downloads. See EffortFor.
//
// Only types that compress are tried: text, JavaScript, JSON, XML, SVG,
// WebAssembly and uncompressed font and bitmap formats (TrueType, OpenType,
// EOT, ICO, BMP). Formats that are already compressed (PNG, JPEG, GIF, WebP,
// AVIF, WOFF, WOFF2, archives, audio and video) gain nothing and would cost
// binary size and CPU on the client, so they are skipped without trying.
// gzip, the fastest of the three, runs first and decides for the others:
// content that gzip cannot shrink by 5% (MinSavingDivisor) is taken for
// incompressible and not given to Brotli or zstd at all. (A small file that
// gzip shrinks by 5% but by fewer than MinSaving bytes still gets its Brotli
// try: Brotli's built-in dictionary often saves enough there, cheaply.)
//
// Output is deterministic: the same input gives byte-identical variants on
// every run and machine. No encoder is run concurrently with itself, the
// gzip header carries no name and a zero MTIME, and the zstd frame carries
// no dictionary ID or padding. Generated code is committed and diffed, so
// this matters as much as density.
package compress

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/assetgen/assetgen/internal/pkgformat"
)

// Content-coding tokens, as sent in Content-Encoding (RFC 9110 §8.4.1);
// the generated package's format (pkgformat) defines them.
const (
	Brotli = pkgformat.Brotli
	Zstd   = pkgformat.Zstd
	Gzip   = pkgformat.Gzip
)

// Codings returns every coding this package makes, in order of preference.
func Codings() []string { return []string{Brotli, Zstd, Gzip} }

// Variant is one compressed form of an asset.
type Variant struct {
	// Coding is the content-coding token: Brotli, Zstd or Gzip.
	Coding string
	// Data is the compressed content.
	Data []byte
}

// Effort says how hard the encoders work on a file.
type Effort int

const (
	// Full is for what browsers load: Brotli 11 (9 above 4 MiB), zstd's
	// best level (its second best above 4 MiB) and gzip 9.
	Full Effort = iota
	// Fast is for files only tools fetch: Brotli 5, zstd's default level
	// and gzip 6, ten to a hundred times faster than Full and a few
	// percent larger.
	Fast
)

func (e Effort) String() string {
	switch e {
	case Full:
		return "full"
	case Fast:
		return "fast"
	}
	return fmt.Sprintf("Effort(%d)", int(e))
}

// EffortFor returns the effort a file deserves by its logical path: Fast
// for source maps (.map, fetched by developer tools only when they are
// open), for the sources they point to (TypeScript, Sass, Less, CoffeeScript
// and Flow files, type declarations), for Markdown, and for the licence and
// read-me files that npm packages carry; Full for everything else.
func EffortFor(logical string) Effort {
	base := strings.ToLower(path.Base(logical))
	switch ext := path.Ext(base); ext {
	case ".map", ".ts", ".mts", ".cts", ".tsx", ".scss", ".sass", ".less", ".styl",
		".coffee", ".flow", ".md", ".markdown":
		return Fast
	}
	for _, p := range []string{"license", "licence", "readme", "changelog", "changes", "authors", "notice"} {
		if base == p || strings.HasPrefix(base, p+".") {
			return Fast
		}
	}
	return Full
}

// Options say which codings to make and how hard to work.
type Options struct {
	// Codings is a subset of Codings(); nil means all of them. Order does
	// not matter: variants always come in order of preference.
	Codings []string
	Effort  Effort
}

func (o Options) wants(coding string) bool {
	if o.Codings == nil {
		return true
	}
	for _, c := range o.Codings {
		if c == coding {
			return true
		}
	}
	return false
}

// Thresholds deciding whether a variant is worth keeping.
//
// MinSize: below 256 bytes the whole response, headers included, fits in
// one TCP segment whatever the coding, and the Content-Encoding and Vary
// headers a variant needs cost about 40 bytes of their own, so compressing
// saves no round trip and little else.
//
// A variant is kept only if it is at least MinSaving bytes and at least
// 1/MinSavingDivisor (5%) smaller than the original. Each kept variant adds
// its size to the binary and one more representation for caches to store;
// a saving under 64 bytes is lost in header overhead, and one under 5% is
// what incompressible data (already-compressed fonts, minified data URIs)
// typically yields, not worth a second copy.
const (
	MinSize          = 256
	MinSaving        = 64
	MinSavingDivisor = 20
)

// Levels by input size. Brotli quality 11 runs at roughly 1 MB/s, fine for
// the CSS, JavaScript and fonts of a web app; beyond largeInput a single
// file would take tens of seconds, and quality 9 is within a few percent
// of 11 at ten times the speed. zstd's best level likewise gives way to its
// second.
const (
	largeInput  = 4 << 20
	brotliBest  = 11
	brotliLarge = 9
	brotliFast  = 5
	gzipFast    = 6
)

// zstdWindowLog caps the zstd window at 8 MiB, the most that browsers
// accept for HTTP content coding (RFC 8878 §3.1.1.1.2 recommends decoders
// support at least 8 MB; Chrome and Firefox reject larger windows).
const zstdWindowLog = 23

// windowLog returns the base-2 logarithm of the smallest window that holds
// n bytes, clamped to [lo, hi]. A window larger than the input compresses
// no better but makes both encoders allocate tens of megabytes of tables,
// which dominated the run time of small files.
func windowLog(n int64, lo, hi int) int {
	l := lo
	for l < hi && int64(1)<<l < n {
		l++
	}
	return l
}

// Compressible reports whether content of the given media type (parameters
// such as charset are ignored) is worth compressing.
func Compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	if strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml") {
		// application/manifest+json, image/svg+xml, application/rss+xml...
		return true
	}
	switch mt {
	case "application/javascript", "application/x-javascript", "application/ecmascript",
		"application/json", "application/xml", "application/wasm",
		"application/x-yaml", "application/yaml", "application/toml",
		"font/ttf", "font/otf", "font/collection", "font/sfnt",
		"application/x-font-ttf", "application/x-font-otf", "application/font-sfnt",
		"application/vnd.ms-fontobject",
		"image/bmp", "image/x-ms-bmp", "image/x-icon", "image/vnd.microsoft.icon":
		return true
	}
	return false
}

// Variants returns the compressed variants of data worth serving, in order
// of preference (Brotli, zstd, gzip), or none if contentType is not
// Compressible, data is shorter than MinSize, or no coding saves enough
// (see MinSaving). The result does not alias data.
//
// Variants is safe for concurrent use and deterministic. The encoders write
// to memory and cannot fail; if one ever did, its variant would be left out
// rather than the run failing, since the identity content is always served.
func Variants(data []byte, contentType string, opt Options) []Variant {
	if len(data) < MinSize || !Compressible(contentType) {
		return nil
	}
	bufs := map[string]*memSink{}
	err := Encode(bytes.NewReader(data), int64(len(data)), opt, func(coding string) (Sink, error) {
		s := &memSink{}
		s.Grow(len(data) / 4)
		bufs[coding] = s
		return s, nil
	})
	if err != nil {
		return nil
	}
	var out []Variant
	for _, c := range Codings() {
		if s := bufs[c]; s != nil && s.kept {
			out = append(out, Variant{Coding: c, Data: s.Bytes()})
		}
	}
	return out
}

// memSink keeps a variant in memory.
type memSink struct {
	bytes.Buffer
	kept bool
}

func (s *memSink) Keep() error { s.kept = true; return nil }
func (s *memSink) Drop()       { s.Reset() }

// Sink receives one variant as it is made. Encode calls exactly one of
// Keep, once the variant is complete and worth keeping, or Drop.
type Sink interface {
	io.Writer
	Keep() error
	Drop()
}

// Encode streams the size bytes of src through each coding that opt asks
// for into the sink that newSink returns for it, gzip first: when gzip
// saves less than 5%, Brotli and zstd are not tried. (When opt
// leaves gzip out, a fast gzip pass into no sink decides.) src is read
// once per coding, never held whole, so a file of any size costs only the
// encoders' state, which windowLog bounds. The caller checks that the
// content is compressible and at least MinSize bytes.
func Encode(src io.ReaderAt, size int64, opt Options, newSink func(coding string) (Sink, error)) error {
	probe := !opt.wants(Gzip)
	gz, err := encodeOne(src, size, Gzip, opt.Effort, probe, newSink)
	if err != nil || gz >= size-size/MinSavingDivisor {
		return err
	}
	for _, c := range []string{Brotli, Zstd} {
		if !opt.wants(c) {
			continue
		}
		if _, err := encodeOne(src, size, c, opt.Effort, false, newSink); err != nil {
			return err
		}
	}
	return nil
}

// encodeOne makes one variant, keeps it if it is worth keeping, and
// returns its size. A probe goes to no sink and is made at the fast level.
func encodeOne(src io.ReaderAt, size int64, coding string, effort Effort, probe bool, newSink func(string) (Sink, error)) (int64, error) {
	var sink Sink = discard{}
	if probe {
		effort = Fast
	} else {
		var err error
		if sink, err = newSink(coding); err != nil {
			return 0, err
		}
	}
	cw := &countWriter{w: sink}
	w, err := NewWriter(cw, coding, effort, size)
	if err == nil {
		_, err = io.Copy(w, io.NewSectionReader(src, 0, size))
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		sink.Drop()
		return 0, err
	}
	if !worthKeeping(size, cw.n) {
		sink.Drop()
		return cw.n, nil
	}
	return cw.n, sink.Keep()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Keep() error                 { return nil }
func (discard) Drop()                       {}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// worthKeeping applies the MinSaving and MinSavingDivisor thresholds.
func worthKeeping(orig, compressed int64) bool {
	saving := orig - compressed
	return saving >= MinSaving && saving >= orig/MinSavingDivisor
}

// NewWriter returns an encoder for coding at effort that writes to w, sized
// for content of size bytes (its window and the zstd frame's content size
// come from it, so exactly size bytes must be written). Closing it flushes
// the encoder, not w.
func NewWriter(w io.Writer, coding string, effort Effort, size int64) (io.WriteCloser, error) {
	switch coding {
	case Brotli:
		q := brotliBest
		switch {
		case effort == Fast:
			q = brotliFast
		case size > largeInput:
			q = brotliLarge
		}
		return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: q, LGWin: windowLog(size, 10, 22)}), nil
	case Zstd:
		level := zstd.SpeedBestCompression
		switch {
		case effort == Fast:
			level = zstd.SpeedDefault
		case size > largeInput:
			level = zstd.SpeedBetterCompression
		}
		enc, err := zstd.NewWriter(nil,
			zstd.WithEncoderLevel(level),
			zstd.WithWindowSize(1<<windowLog(size, 10, zstdWindowLog)),
			zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderCRC(true),
		)
		if err != nil {
			return nil, err
		}
		enc.ResetContentSize(w, size)
		return enc, nil
	case Gzip:
		level := gzip.BestCompression
		if effort == Fast {
			level = gzipFast
		}
		gw, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return nil, err
		}
		// No Name, and MTIME 0 ("no time stamp available", RFC 1952
		// §2.3.1): klauspost/compress writes ModTime.Unix() as is, so the
		// zero time.Time would give a meaningless (if fixed) value.
		gw.ModTime = time.Unix(0, 0)
		return gw, nil
	}
	return nil, fmt.Errorf("unknown content coding %q", coding)
}
