package gen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/gen/internal/emit"
)

// variant is a precompressed form of an asset's final content.
type variant struct {
	coding string
	name   string // in the embed.FS, under OwnedDir, named by content hash
	size   int64
	data   []byte // nil when reused from the previous run's output
}

// compressorID names the encoders whose output is in the owned directory.
// Variants are reused across runs only when it is unchanged, so that an
// upgraded encoder never leaves old bytes beside new ones: the output stays
// a function of the input and the generator's dependencies.
func compressorID() string {
	ids := []string{"compress-v1"}
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

// compress makes br, zstd and gzip variants of every compressible asset,
// on every core. Content whose variants the previous run already wrote
// (same integrity, same compressor, files present in the owned directory)
// is not compressed again, and not even read: at the densest settings
// compression costs milliseconds per file, which is why WhiteNoise users
// turn it off, and why a second run here must not pay it.
func (r *run) compress(ctx context.Context) error {
	if r.cfg.NoCompress {
		return nil
	}
	r.compressor = compressorID()
	var prev map[string][]variant // read only if some asset can use it
	var todo []*asset
	for _, a := range r.assets {
		if !compress.Compressible(a.contentType) || a.size < compress.MinSize {
			continue
		}
		if prev == nil {
			prev = r.previousEncodings()
		}
		if vs, ok := prev[sri(a.sum)]; ok {
			a.variants = vs
			continue
		}
		todo = append(todo, a)
	}
	errs := make([]error, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(todo) || ctx.Err() != nil {
					return
				}
				errs[i] = r.compressOne(todo[i])
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	var list ErrorList
	for i, err := range errs {
		if err != nil {
			list = append(list, &Error{File: slash(todo[i].src.Path), Msg: err.Error()})
		}
	}
	r.res.Compressed = len(todo)
	return list.err()
}

func (r *run) compressOne(a *asset) error {
	data, err := content(a)
	if err != nil {
		return err
	}
	for _, v := range compress.Variants(data, a.contentType) {
		sum := sha256.Sum256(v.Data)
		a.variants = append(a.variants, variant{
			coding: v.Coding,
			name:   OwnedDir + "/" + hex.EncodeToString(sum[:16]) + safeExt(a.logical) + "." + v.Coding,
			size:   int64(len(v.Data)),
			data:   v.Data,
		})
	}
	return nil
}

// previousEncodings reads the variants the previous run recorded in its
// manifest, by integrity, keeping those whose files are still in place.
func (r *run) previousEncodings() map[string][]variant {
	out := map[string][]variant{}
	if r.cfg.Manifest == "-" {
		return out
	}
	b, err := os.ReadFile(filepath.Join(r.cfg.OutDir, r.cfg.Manifest))
	if err != nil || !generatedByUs(r.cfg.Manifest, b) {
		return out
	}
	var m emit.Manifest
	if json.Unmarshal(b, &m) != nil || m.Compressor != r.compressor {
		return out
	}
	for _, e := range m.Assets {
		if len(e.Encodings) == 0 {
			continue
		}
		var vs []variant
		for _, enc := range e.Encodings {
			if !strings.HasPrefix(enc.Name, OwnedDir+"/") || !r.copyIntact(filepath.Join(r.cfg.OutDir, filepath.FromSlash(enc.Name))) {
				vs = nil
				break
			}
			vs = append(vs, variant{coding: enc.Coding, name: enc.Name, size: enc.Size})
		}
		if vs != nil {
			out[e.Integrity] = vs
		}
	}
	return out
}
