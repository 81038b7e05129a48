// Package compress makes the precompressed variants of an asset that the
// runtime handler serves to clients that accept them: Brotli ("br"),
// Zstandard ("zstd") and gzip, in that order of preference.
//
// Compression happens once, at generate time, so it can afford the slowest,
// densest settings: Brotli quality 11, zstd's best level and gzip level 9.
// A browser fetching a fingerprinted file caches it for a year, so every
// byte saved is saved on every first visit, while the cost is paid once per
// content hash (the caller caches results by hash).
//
// Only types that compress are tried: text, JavaScript, JSON, XML, SVG,
// WebAssembly and uncompressed font and bitmap formats (TrueType, OpenType,
// EOT, ICO, BMP). Formats that are already compressed (PNG, JPEG, GIF, WebP,
// AVIF, WOFF, WOFF2, archives, audio and video) gain nothing and would cost
// binary size and CPU on the client, so they are skipped without trying.
//
// Output is deterministic: the same input gives byte-identical variants on
// every run and machine. No encoder is run concurrently with itself, the
// gzip header carries no name and a zero MTIME, and the zstd frame carries
// no dictionary ID or padding. Generated code is committed and diffed, so
// this matters as much as density.
package compress

import (
	"bytes"
	"mime"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Content-coding tokens, as sent in Content-Encoding (RFC 9110 §8.4.1).
const (
	Brotli = "br"
	Zstd   = "zstd"
	Gzip   = "gzip"
)

// Variant is one compressed form of an asset.
type Variant struct {
	// Coding is the content-coding token: Brotli, Zstd or Gzip.
	Coding string
	// Data is the compressed content.
	Data []byte
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

// Brotli quality by input size. Quality 11 runs at roughly 1 MB/s, fine for
// the CSS, JavaScript and fonts of a web app; beyond brotliLargeInput a
// single file would take tens of seconds, and quality 9 is within a few
// percent of 11 at ten times the speed.
const (
	brotliLargeInput = 4 << 20
	brotliBest       = 11
	brotliLarge      = 9
)

// zstdWindowLog caps the zstd window at 8 MiB, the most that browsers
// accept for HTTP content coding (RFC 8878 §3.1.1.1.2 recommends decoders
// support at least 8 MB; Chrome and Firefox reject larger windows).
const zstdWindowLog = 23

// windowLog returns the base-2 logarithm of the smallest window that holds
// n bytes, clamped to [lo, hi]. A window larger than the input compresses
// no better but makes both encoders allocate tens of megabytes of tables,
// which dominated the run time of small files.
func windowLog(n, lo, hi int) int {
	l := lo
	for l < hi && 1<<l < n {
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
func Variants(data []byte, contentType string) []Variant {
	if len(data) < MinSize || !Compressible(contentType) {
		return nil
	}
	var out []Variant
	for _, c := range []struct {
		coding string
		fn     func([]byte) ([]byte, error)
	}{
		{Brotli, compressBrotli},
		{Zstd, compressZstd},
		{Gzip, compressGzip},
	} {
		b, err := c.fn(data)
		if err != nil || !worthKeeping(len(data), len(b)) {
			continue
		}
		out = append(out, Variant{Coding: c.coding, Data: b})
	}
	return out
}

// worthKeeping applies the MinSaving and MinSavingDivisor thresholds.
func worthKeeping(orig, compressed int) bool {
	saving := orig - compressed
	return saving >= MinSaving && saving >= orig/MinSavingDivisor
}

func compressBrotli(data []byte) ([]byte, error) {
	quality := brotliBest
	if len(data) > brotliLargeInput {
		quality = brotliLarge
	}
	var buf bytes.Buffer
	buf.Grow(len(data) / 2)
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: quality, LGWin: windowLog(len(data), 10, 22)})
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func compressZstd(data []byte) ([]byte, error) {
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedBestCompression),
		zstd.WithWindowSize(1<<windowLog(len(data), 10, zstdWindowLog)),
		zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderCRC(true),
	)
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	return enc.EncodeAll(data, make([]byte, 0, len(data)/2)), nil
}

func compressGzip(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(data) / 2)
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	// No Name, and MTIME 0 ("no time stamp available", RFC 1952 §2.3.1):
	// klauspost/compress writes ModTime.Unix() as is, so the zero time.Time
	// would give a meaningless (if fixed) value.
	w.ModTime = time.Unix(0, 0)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
