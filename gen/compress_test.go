package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/pkgformat"
)

// cssText returns n bytes of varied, compressible CSS.
func cssText(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, ".c%d { margin: %dpx %dpx; color: #%06x; }\n", i, i%17, i%29, i*2654435761%0xffffff)
	}
	return b.Bytes()[:n]
}

// compressTree writes files into a fresh package directory's static/.
func compressTree(t *testing.T, files map[string][]byte) (dir, static string) {
	t.Helper()
	dir = t.TempDir()
	static = filepath.Join(dir, "static")
	for name, data := range files {
		p := filepath.Join(static, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, static
}

func readManifest(t *testing.T, dir string) pkgformat.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, DefaultManifest))
	if err != nil {
		t.Fatal(err)
	}
	var m pkgformat.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func codingsOf(e pkgformat.ManifestEntry) []string {
	var out []string
	for _, enc := range e.Encodings {
		out = append(out, enc.Coding)
	}
	return out
}

// TestEncodings checks that Config.Encodings chooses the variants made,
// listed in order of preference whatever the order given.
func TestEncodings(t *testing.T) {
	tests := []struct {
		name      string
		encodings []string
		want      []string
	}{
		{"Default", nil, []string{"br", "zstd", "gzip"}},
		{"BrOnly", []string{"br"}, []string{"br"}},
		{"NoZstd", []string{"gzip", "br"}, []string{"br", "gzip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, static := compressTree(t, map[string][]byte{"app.css": cssText(8 << 10)})
			cfg := Config{Settings: Settings{Dirs: []string{static}, Encodings: tt.encodings}, OutDir: dir, Package: "assets"}
			if _, err := Generate(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			m := readManifest(t, dir)
			if diff := cmp.Diff(tt.want, codingsOf(m.Assets["app.css"])); diff != "" {
				t.Errorf("encodings (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(m.Compressor, "compress-v2") {
				t.Errorf("compressor %q", m.Compressor)
			}
		})
	}
}

func TestEncodingsInvalid(t *testing.T) {
	tests := []struct {
		name      string
		encodings []string
		want      string
	}{
		{"Unknown", []string{"br", "deflate"}, `unknown encoding "deflate"; use br, zstd or gzip, comma-separated, or -no-compress for none`},
		{"Empty", []string{""}, `unknown encoding ""; use br, zstd or gzip, comma-separated, or -no-compress for none`},
		{"Twice", []string{"gzip", "gzip"}, `encoding "gzip" listed twice; list each once`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Settings: Settings{Dirs: []string{"static"}, Encodings: tt.encodings}, Package: "assets"}
			err := cfg.Validate()
			if err == nil || err.Error() != tt.want {
				t.Errorf("Validate() = %v, want %s", err, tt.want)
			}
		})
	}
}

// TestEffortByName checks that a source map gets the fast variants and the
// file browsers load the full ones, and that a rerun after renaming content
// between the two does not reuse variants made at the other effort.
func TestEffortByName(t *testing.T) {
	data := cssText(64 << 10)
	dir, static := compressTree(t, map[string][]byte{"app.css": data, "app.css.map": data})
	cfg := Config{Settings: Settings{Dirs: []string{static}, Encodings: []string{"br"}}, OutDir: dir, Package: "assets"}
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	want := func(e compress.Effort) int64 {
		return int64(len(compress.Variants(data, "text/css", compress.Options{Codings: []string{"br"}, Effort: e})[0].Data))
	}
	m := readManifest(t, dir)
	if got, w := m.Assets["app.css"].Encodings[0].Size, want(compress.Full); got != w {
		t.Errorf("app.css br %d bytes, want %d (full)", got, w)
	}
	if got, w := m.Assets["app.css.map"].Encodings[0].Size, want(compress.Fast); got != w {
		t.Errorf("app.css.map br %d bytes, want %d (fast)", got, w)
	}
	if want(compress.Fast) == want(compress.Full) {
		t.Fatal("fast and full give the same size; the test cannot tell them apart")
	}
	// The same content under a map name only: no reuse of the full variant.
	os.Remove(filepath.Join(static, "app.css"))
	os.WriteFile(filepath.Join(static, "other.css.map"), data, 0o644)
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	m = readManifest(t, dir)
	if got, w := m.Assets["other.css.map"].Encodings[0].Size, want(compress.Fast); got != w {
		t.Errorf("other.css.map br %d bytes, want %d (fast)", got, w)
	}
}

// TestStreamedVariants checks a file above streamMin: its variants are
// streamed to the owned directory, decode to the content, are named by
// their own hash, and leave no temporary file behind.
func TestStreamedVariants(t *testing.T) {
	data := cssText(streamMin + 12345)
	dir, static := compressTree(t, map[string][]byte{"big.css": data, "small.css": cssText(4096)})
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets"}
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, dir)
	e := m.Assets["big.css"]
	if diff := cmp.Diff([]string{"br", "zstd", "gzip"}, codingsOf(e)); diff != "" {
		t.Errorf("encodings (-want +got):\n%s", diff)
	}
	for _, enc := range e.Encodings {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(enc.Name)))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != enc.Size {
			t.Errorf("%s: %d bytes, manifest says %d", enc.Name, len(b), enc.Size)
		}
		if got := decodeVariant(t, enc.Coding, b); !bytes.Equal(got, data) {
			t.Errorf("%s: decodes to %d bytes, not the content", enc.Name, len(got))
		}
	}
	noTemps(t, dir)
	// Deterministic: a second run from scratch names the same files.
	os.RemoveAll(filepath.Join(dir, OwnedDir))
	os.Remove(filepath.Join(dir, DefaultManifest))
	os.Remove(filepath.Join(dir, DefaultFileName))
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e, readManifest(t, dir).Assets["big.css"]); diff != "" {
		t.Errorf("second run differs (-first +second):\n%s", diff)
	}
}

// TestStreamedVariantsFailedRun checks that a run that fails after
// compressing leaves no streamed variant behind.
func TestStreamedVariantsFailedRun(t *testing.T) {
	dir, static := compressTree(t, map[string][]byte{"big.css": cssText(streamMin + 1)})
	// Not written by assetgen: the write stage refuses it.
	os.WriteFile(filepath.Join(dir, DefaultFileName), []byte("package assets\n"), 0o644)
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets"}
	if _, err := Generate(context.Background(), cfg); err == nil {
		t.Fatal("Generate succeeded over a hand-written file")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, OwnedDir))
	for _, e := range entries {
		t.Errorf("left %s in %s", e.Name(), OwnedDir)
	}
}

func noTemps(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, OwnedDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".assetgen-") {
			t.Errorf("temporary file %s left in %s", e.Name(), OwnedDir)
		}
	}
}

func decodeVariant(t *testing.T, coding string, b []byte) []byte {
	t.Helper()
	out, err := assetpkg.Decode(coding, b)
	if err != nil {
		t.Fatalf("%s: %v", coding, err)
	}
	return out
}

// TestProgress checks that each long phase ends with a report of all its
// files and bytes, and that reports never overlap.
func TestProgress(t *testing.T) {
	files := map[string][]byte{"big.css": cssText(streamMin + 1), "noise.bin": bytes.Repeat([]byte{1, 2, 3}, 1000)}
	for i := range 20 {
		files[fmt.Sprintf("c/%02d.css", i)] = cssText(2000 + i)
	}
	dir, static := compressTree(t, files)
	var mu sync.Mutex
	busy := false
	last := map[Phase]Progress{}
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets", Progress: func(p Progress) {
		mu.Lock()
		if busy {
			t.Error("Progress called concurrently")
		}
		busy = true
		mu.Unlock()
		last[p.Phase] = p
		mu.Lock()
		busy = false
		mu.Unlock()
	}}
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, b := range files {
		total += int64(len(b))
	}
	h := last[PhaseHash]
	if h.Files != 22 || h.TotalFiles != 22 || h.Bytes != total || h.TotalBytes != total {
		t.Errorf("last hashing report %+v, want 22 files and %d bytes", h, total)
	}
	c := last[PhaseCompress]
	if c.Files != 21 || c.TotalFiles != 21 || c.Bytes != c.TotalBytes || c.TotalBytes != 3*(total-3000) {
		t.Errorf("last compressing report %+v, want 21 files and 3 passes over %d bytes", c, total-3000)
	}
	if PhaseHash.String() != "hashing" || PhaseCompress.String() != "compressing" {
		t.Errorf("phase names %v, %v", PhaseHash, PhaseCompress)
	}
}
