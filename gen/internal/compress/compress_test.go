package compress

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen/internal/mediatype"
	"github.com/assetgen/assetgen/internal/assetpkg"
)

func TestCompressible(t *testing.T) {
	tests := []struct {
		name string
		ct   string
		want bool
	}{
		{"CSS", "text/css; charset=utf-8", true},
		{"JS", "text/javascript; charset=utf-8", true},
		{"LegacyJS", "application/javascript", true},
		{"JSON", "application/json", true},
		{"Manifest", "application/manifest+json", true},
		{"SVG", "image/svg+xml", true},
		{"RSS", "application/rss+xml", true},
		{"Wasm", "application/wasm", true},
		{"TTF", "font/ttf", true},
		{"OTF", "font/otf", true},
		{"EOT", "application/vnd.ms-fontobject", true},
		{"ICO", "image/vnd.microsoft.icon", true},
		{"BMP", "image/bmp", true},
		{"UpperCase", "TEXT/HTML; Charset=UTF-8", true},
		{"PNG", "image/png", false},
		{"JPEG", "image/jpeg", false},
		{"GIF", "image/gif", false},
		{"WebP", "image/webp", false},
		{"AVIF", "image/avif", false},
		{"WOFF", "font/woff", false},
		{"WOFF2", "font/woff2", false},
		{"Zip", "application/zip", false},
		{"Gzip", "application/gzip", false},
		{"MP4", "video/mp4", false},
		{"MP3", "audio/mpeg", false},
		{"Octet", "application/octet-stream", false},
		{"Empty", "", false},
		{"Garbage", ";;;", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compressible(tt.ct); got != tt.want {
				t.Errorf("Compressible(%q) = %v, want %v", tt.ct, got, tt.want)
			}
		})
	}
}

// text returns n bytes of repetitive, CSS-like text.
func text(n int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(".rule-")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(" { color: #123456; margin: 0 auto; }\n")
	}
	return []byte(b.String()[:n])
}

// noise returns n pseudo-random bytes, which no coder can shrink.
func noise(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestVariants(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		ct   string
		want []string // codings, in order
	}{
		{"CSS", text(4096), "text/css; charset=utf-8", []string{"br", "zstd", "gzip"}},
		{"TinyCSS", text(MinSize - 1), "text/css; charset=utf-8", nil},
		{"AtMinSize", text(MinSize), "text/css; charset=utf-8", []string{"br", "zstd", "gzip"}},
		{"PNG", text(4096), "image/png", nil},
		{"WOFF2", text(4096), "font/woff2", nil},
		{"Incompressible", noise(4096), "application/wasm", nil},
		{"Empty", nil, "text/plain; charset=utf-8", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := Variants(tt.data, tt.ct, Options{})
			var got []string
			for _, v := range vs {
				got = append(got, v.Coding)
				if !worthKeeping(int64(len(tt.data)), int64(len(v.Data))) {
					t.Errorf("%s: kept %d -> %d bytes, below threshold", v.Coding, len(tt.data), len(v.Data))
				}
				if dec := decode(t, v); !bytes.Equal(dec, tt.data) {
					t.Errorf("%s: round trip differs: got %d bytes, want %d", v.Coding, len(dec), len(tt.data))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("codings (-want +got):\n%s", diff)
			}
		})
	}
}

func decode(t *testing.T, v Variant) []byte {
	t.Helper()
	b, err := assetpkg.Decode(v.Coding, v.Data)
	if err != nil {
		t.Fatalf("%s: %v", v.Coding, err)
	}
	return b
}

func TestWorthKeeping(t *testing.T) {
	tests := []struct {
		name             string
		orig, compressed int64
		want             bool
	}{
		{"BothMet", 10000, 5000, true},
		{"Exactly64And5Percent", 1280, 1216, true},
		{"63Bytes", 1000, 937, false},
		{"Under5Percent", 10000, 9600, false},
		{"Exactly5Percent", 10000, 9500, true},
		{"Larger", 1000, 1100, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := worthKeeping(tt.orig, tt.compressed); got != tt.want {
				t.Errorf("worthKeeping(%d, %d) = %v, want %v", tt.orig, tt.compressed, got, tt.want)
			}
		})
	}
}

// TestDeterministic checks that repeated and concurrent runs give
// byte-identical output, which generated code relies on.
func TestDeterministic(t *testing.T) {
	data := text(200 << 10)
	want := Variants(data, "text/css", Options{})
	if len(want) != 3 {
		t.Fatalf("got %d variants, want 3", len(want))
	}
	var wg sync.WaitGroup
	got := make([][]Variant, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = Variants(data, "text/css", Options{})
		}()
	}
	wg.Wait()
	for i, g := range got {
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("run %d differs (-want +got):\n%s", i, diff)
		}
	}
}

// TestGzipHeader checks that the gzip header has no name and a zero MTIME
// (RFC 1952 §2.3), so that output depends on content alone.
func TestGzipHeader(t *testing.T) {
	for _, e := range []Effort{Full, Fast} {
		vs := Variants(text(1024), "text/css", Options{Codings: []string{Gzip}, Effort: e})
		if len(vs) != 1 {
			t.Fatalf("%v: got %d variants, want 1", e, len(vs))
		}
		checkGzipHeader(t, vs[0].Data)
	}
}

func checkGzipHeader(t *testing.T, b []byte) {
	t.Helper()
	if flg := b[3]; flg != 0 {
		t.Errorf("FLG = %#x, want 0 (no name, comment or extra)", flg)
	}
	if mtime := b[4:8]; !bytes.Equal(mtime, []byte{0, 0, 0, 0}) {
		t.Errorf("MTIME = %x, want 00000000", mtime)
	}
}

func FuzzVariants(f *testing.F) {
	f.Add(text(300), "text/css")
	f.Add(noise(300), "application/wasm")
	f.Add([]byte{}, "text/plain")
	f.Add(text(300), "text/css; fast")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		opt := Options{}
		if strings.HasSuffix(ct, "; fast") {
			opt.Effort = Fast
		}
		for _, v := range Variants(data, ct, opt) {
			if !worthKeeping(int64(len(data)), int64(len(v.Data))) {
				t.Errorf("%s kept below threshold", v.Coding)
			}
			if dec := decode(t, v); !bytes.Equal(dec, data) {
				t.Errorf("%s: round trip differs", v.Coding)
			}
		}
	})
}

func BenchmarkVariants(b *testing.B) {
	for _, bb := range []struct {
		name string
		data []byte
	}{
		{"CSS4K", text(4 << 10)},
		{"CSS64K", text(64 << 10)},
		{"Noise64K", noise(64 << 10)},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.data)))
			for b.Loop() {
				Variants(bb.data, "text/css", Options{})
			}
		})
	}
}

func TestEffortFor(t *testing.T) {
	tests := []struct {
		path string
		want Effort
	}{
		{"css/app.css", Full},
		{"js/app.js", Full},
		{"js/app.mjs", Full},
		{"data/big.json", Full},
		{"img/logo.svg", Full},
		{"css/app.css.map", Fast},
		{"js/app.js.MAP", Fast},
		{"src/index.ts", Fast},
		{"src/index.d.ts", Fast},
		{"scss/_variables.scss", Fast},
		{"less/main.less", Fast},
		{"README.md", Fast},
		{"LICENSE", Fast},
		{"vendor/LICENSE.txt", Fast},
		{"licenses.json", Full}, // not "license." + ext
		{"mapping.js", Full},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := EffortFor(tt.path); got != tt.want {
				t.Errorf("EffortFor(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

// TestOptions checks that only the codings asked for are made, always in
// order of preference, at either effort.
func TestOptions(t *testing.T) {
	data := text(8192)
	tests := []struct {
		name    string
		codings []string
		want    []string
	}{
		{"All", nil, []string{"br", "zstd", "gzip"}},
		{"BrOnly", []string{"br"}, []string{"br"}},
		{"NoZstd", []string{"gzip", "br"}, []string{"br", "gzip"}},
		{"ZstdGzip", []string{"zstd", "gzip"}, []string{"zstd", "gzip"}},
	}
	for _, tt := range tests {
		for _, e := range []Effort{Full, Fast} {
			t.Run(tt.name+"/"+e.String(), func(t *testing.T) {
				var got []string
				for _, v := range Variants(data, "text/css", Options{Codings: tt.codings, Effort: e}) {
					got = append(got, v.Coding)
					if dec := decode(t, v); !bytes.Equal(dec, data) {
						t.Errorf("%s: round trip differs", v.Coding)
					}
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("codings (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// recordSinks returns a sink factory that notes each coding asked for.
func recordSinks(asked *[]string) func(string) (Sink, error) {
	return func(c string) (Sink, error) {
		*asked = append(*asked, c)
		return &memSink{}, nil
	}
}

// TestGzipDecides checks that content gzip cannot shrink enough never
// reaches Brotli or zstd, with gzip asked for or only used as the probe.
func TestGzipDecides(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		codings []string
		asked   []string
	}{
		{"Incompressible", noise(64 << 10), nil, []string{"gzip"}},
		{"IncompressibleBrOnly", noise(64 << 10), []string{"br"}, nil},
		{"Text", text(64 << 10), nil, []string{"gzip", "br", "zstd"}},
		{"TextBrOnly", text(64 << 10), []string{"br"}, []string{"br"}},
		// gzip saves 5% but not 64 bytes: Brotli still gets its try.
		{"SmallText", []byte(`body{margin:0;padding:0}.a{color:red}.b{color:blue}.c{margin:0 auto}.d{padding:1em 2em}.e{font:12px/1.5 sans-serif}.f{display:flex}.g{display:grid}.h{border:1px solid #ccc}.i{background:#fff}.j{color:#333}.k{text-align:center}`), nil, []string{"gzip", "br", "zstd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			err := Encode(bytes.NewReader(tt.data), int64(len(tt.data)), Options{Codings: tt.codings}, recordSinks(&asked))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.asked, asked); diff != "" {
				t.Errorf("sinks asked for (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkEffort compares the two efforts on 256 KiB of text.
//
//	go test ./gen/internal/compress -run '^$' -bench Effort
func BenchmarkEffort(b *testing.B) {
	data := text(256 << 10)
	for _, e := range []Effort{Full, Fast} {
		b.Run(e.String(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var n int
			for b.Loop() {
				n = 0
				for _, v := range Variants(data, "text/css", Options{Effort: e}) {
					n += len(v.Data)
				}
			}
			b.ReportMetric(float64(n)/float64(len(data)), "ratio")
		})
	}
}

// BenchmarkTree runs each coding alone over every file of a real tree,
// at the effort EffortFor gives each file, and reports MB/s by coding and
// effort: where a first run's time goes. The tree is the directory in
// $ASSETGEN_COMPRESS_TREE (for example the static/ of
// KEEP=1 bench/collectstatic.sh); without it the benchmark is skipped.
//
//	ASSETGEN_COMPRESS_TREE=/tmp/assetgen-collectstatic-…/pkg/static \
//	go test ./gen/internal/compress -run '^$' -bench Tree -benchtime 1x
func BenchmarkTree(b *testing.B) {
	root := os.Getenv("ASSETGEN_COMPRESS_TREE")
	if root == "" {
		b.Skip("set ASSETGEN_COMPRESS_TREE to a directory of static files")
	}
	type file struct {
		data        []byte
		contentType string
	}
	byEffort := map[Effort][]file{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		ct := mediatype.Of(p, data[:min(len(data), 512)]) // as generate sniffs it
		if err == nil && len(data) >= MinSize && Compressible(ct) {
			byEffort[EffortFor(filepath.ToSlash(p))] = append(byEffort[EffortFor(filepath.ToSlash(p))], file{data, ct})
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range Codings() {
		for _, e := range []Effort{Full, Fast} {
			files := byEffort[e]
			var size int64
			for _, f := range files {
				size += int64(len(f.data))
			}
			b.Run(c+"/"+e.String(), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(size)
				for b.Loop() {
					for _, f := range files {
						Variants(f.data, f.contentType, Options{Codings: []string{c}, Effort: e})
					}
				}
				b.ReportMetric(float64(len(files)), "files")
			})
		}
	}
}
