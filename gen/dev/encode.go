package dev

import (
	"sync"

	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/runtime"
)

// Variants implements runtime.Live: the br, zstd and gzip variants of a
// file, made by generate's own compressor (package compress, with its
// thresholds: compressible types, 256 bytes and more, 5% saved) so that
// the handler negotiates Accept-Encoding as in production. They are made
// at compress.Fast, since a developer waits for them, on the first
// request for each version of the file, and kept until it changes: the
// bytes differ from production's, what they decode to does not.
// Config.NoCompress and Config.Encodings apply as to generate.
func (s *Source) Variants(f runtime.File, content []byte) []runtime.Variant {
	if s.cfg.NoCompress {
		return nil
	}
	return s.enc.variants(f, content, compress.Options{Codings: s.cfg.Encodings, Effort: compress.Fast})
}

// encoder keeps the variants of the version of each file last served.
type encoder struct {
	mu     sync.Mutex
	byPath map[string]*encoded
}

// encoded are the variants of one version of a file, made once.
type encoded struct {
	integrity string
	once      sync.Once
	variants  []runtime.Variant
}

func (e *encoder) variants(f runtime.File, content []byte, opt compress.Options) []runtime.Variant {
	e.mu.Lock()
	x := e.byPath[f.Path]
	if x == nil || x.integrity != f.Integrity {
		x = &encoded{integrity: f.Integrity}
		if e.byPath == nil {
			e.byPath = map[string]*encoded{}
		}
		e.byPath[f.Path] = x
	}
	e.mu.Unlock()
	// Outside e.mu: one file's compression holds up no other file.
	x.once.Do(func() {
		for _, v := range compress.Variants(content, f.ContentType, opt) {
			x.variants = append(x.variants, runtime.Variant{Coding: v.Coding, Data: v.Data})
		}
	})
	return x.variants
}
