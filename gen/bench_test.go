package gen_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/gen/internal/find"
	"github.com/assetgen/assetgen/internal/testenv"
)

// The benchmark tree: 10,000 files, 200 MB, in 100 directories, with sizes
// spread from a few bytes to a few hundred kilobytes as in a real asset tree.
const (
	benchFiles = 10_000
	benchBytes = 200 << 20
)

var (
	benchOnce sync.Once
	benchDir  string
	benchSize int64
)

// benchTree writes the tree once per process under a directory that is
// removed at the end of the benchmark run, and waits until its files are
// old enough for the hash cache to trust them.
func benchTree(b *testing.B) (pkgDir string, total int64) {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "assetgen-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		rng := rand.New(rand.NewPCG(1, 2))
		buf := make([]byte, 1<<20)
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		avg := benchBytes / benchFiles
		for i := range benchFiles {
			// Exponential-ish sizes with the right mean.
			size := int(rng.ExpFloat64() * float64(avg))
			size = min(size, len(buf)-1)
			name := filepath.Join(dir, "static", fmt.Sprintf("d%02d", i%100), fmt.Sprintf("file-%05d.bin", i))
			if i < 100 {
				os.MkdirAll(filepath.Dir(name), 0o755)
			}
			off := rng.IntN(len(buf) - size)
			if size > 0 {
				// A leading NUL makes every file sniff as binary: a few
				// random bytes can pass for UTF-8 text, which must be valid.
				buf[off] = 0
			}
			if err := os.WriteFile(name, buf[off:off+size], 0o644); err != nil {
				b.Fatal(err)
			}
			benchSize += int64(size)
		}
		os.WriteFile(filepath.Join(dir, "doc.go"), []byte("package assets\n"), 0o644)
		time.Sleep(2100 * time.Millisecond) // past the cache's racy window
	})
	return benchDir, benchSize
}

func TestMain(m *testing.M) {
	if os.Getenv("ASSETGEN_FAULT_CHILD") != "" {
		faultChild() // TestKill's generator, killed midway
	}
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchConfig(dir, cache string) gen.Config {
	return gen.Config{
		Settings: gen.Settings{Dirs: []string{filepath.Join(dir, "static")}},
		OutDir:   dir,
		Package:  "assets",
		CacheDir: cache,
	}
}

// BenchmarkGenerate measures a full run over 10,000 files and 200 MB: Cold
// reads and hashes every byte, Warm runs over the unchanged tree with the
// hash cache. Compare Warm with BenchmarkWalkStat, and Cold with
// BenchmarkSHA256, which hashes the same bytes on one core.
//
//	go test ./gen -run '^$' -bench 'Generate|WalkStat|SHA256' -benchtime 5x
func BenchmarkGenerate(b *testing.B) {
	dir, total := benchTree(b)
	b.Run("Cold", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(total)
		for b.Loop() {
			if _, err := gen.Generate(context.Background(), benchConfig(dir, "")); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(benchFiles)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	})
	b.Run("NoCompress", func(b *testing.B) {
		// A tree of text files would be compressed; this one is not, but
		// say so: what is left is walk, hash, render and write.
		b.ReportAllocs()
		b.SetBytes(total)
		cfg := benchConfig(dir, "")
		cfg.NoCompress = true
		for b.Loop() {
			if _, err := gen.Generate(context.Background(), cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Warm", func(b *testing.B) {
		// Steady state: the first run writes the outputs and records them
		// and the tree; from then on a run over the unchanged tree stops
		// after walking it (once the outputs settle, without reading them).
		cache := b.TempDir()
		if _, err := gen.Generate(context.Background(), benchConfig(dir, cache)); err != nil {
			b.Fatal(err)
		}
		time.Sleep(2100 * time.Millisecond)
		if _, err := gen.Generate(context.Background(), benchConfig(dir, cache)); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var hashed int
		for b.Loop() {
			res, err := gen.Generate(context.Background(), benchConfig(dir, cache))
			if err != nil {
				b.Fatal(err)
			}
			hashed += res.Hashed
		}
		if hashed != 0 {
			b.Errorf("warm runs hashed %d files; want 0", hashed)
		}
		b.ReportMetric(float64(benchFiles)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	})
}

// BenchmarkRerunAfterEdit times the first unchanged run after an edit:
// each iteration edits one file and regenerates (untimed), then runs again
// at once (timed). Under git's racy-clean rule that run stops after the
// walk, reading only the edited file and the outputs.
//
//	go test ./gen -run '^$' -bench 'RerunAfterEdit|Generate/Warm|WalkStat' -benchtime 10x
func BenchmarkRerunAfterEdit(b *testing.B) {
	dir, _ := benchTree(b)
	cache := b.TempDir()
	cfg := benchConfig(dir, cache)
	if _, err := gen.Generate(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
	edited := filepath.Join(dir, "static", "d00", "file-00000.bin")
	orig, err := os.ReadFile(edited)
	if err != nil {
		b.Fatal(err)
	}
	defer os.WriteFile(edited, orig, 0o644)
	b.ReportAllocs()
	var hashed int
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		if err := os.WriteFile(edited, append(orig, byte(i)), 0o644); err != nil {
			b.Fatal(err)
		}
		if _, err := gen.Generate(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := gen.Generate(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		hashed += res.Hashed
	}
	if hashed != 0 {
		b.Errorf("reruns hashed %d files; want the early stop", hashed)
	}
}

// BenchmarkReadHash is the floor for a cold run without compression:
// reading and SHA-256 hashing every file of the tree on all cores, with
// nothing else.
func BenchmarkReadHash(b *testing.B) {
	dir, total := benchTree(b)
	var files []string
	filepath.WalkDir(filepath.Join(dir, "static"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	b.ReportAllocs()
	b.SetBytes(total)
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]byte, 64<<10)
				for {
					i := int(next.Add(1) - 1)
					if i >= len(files) {
						return
					}
					f, err := os.Open(files[i])
					if err != nil {
						b.Error(err)
						return
					}
					h := sha256.New()
					io.CopyBuffer(h, f, buf)
					f.Close()
				}
			}()
		}
		wg.Wait()
	}
}

// BenchmarkWalkStat is the floor for a warm run: walking the tree and
// stat-ing each file, nothing else.
func BenchmarkWalkStat(b *testing.B) {
	dir, _ := benchTree(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := filepath.WalkDir(filepath.Join(dir, "static"), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if _, err := os.Stat(p); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil || n < benchFiles {
			b.Fatal(err, n)
		}
	}
}

// BenchmarkSHA256 is the hash's own speed on one core, for comparison
// with BenchmarkGenerate/Cold's MB/s over two.
func BenchmarkSHA256(b *testing.B) {
	data := make([]byte, 1<<20)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sha256.Sum256(data)
	}
}

// BenchmarkCompile compares building a generated package for 10,000 assets
// with building a bare //go:embed of the same files. Each iteration changes
// a constant so that the package is compiled again; the rest of the build
// is cached.
//
//	go test ./gen -run '^$' -bench Compile -benchtime 3x
func BenchmarkCompile(b *testing.B) {
	if testing.Short() {
		b.Skip("runs the go command")
	}
	dir, _ := benchTree(b)
	mod := b.TempDir()
	testenv.Module(b, mod, "bench", "", nil)
	write := func(name, data string) {
		p := filepath.Join(mod, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// Both packages hold a copy of the tree, so both embed in place.
	var patterns []string
	for _, pkg := range []string{"assets", "bare"} {
		os.MkdirAll(filepath.Join(mod, pkg), 0o755)
		if out, err := exec.Command("cp", "-r", filepath.Join(dir, "static"), filepath.Join(mod, pkg, "static")).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v\n%s", err, out)
		}
	}
	write("assets/doc.go", "package assets\n")
	if _, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{filepath.Join(mod, "assets", "static")}}, OutDir: filepath.Join(mod, "assets"), Package: "assets"}); err != nil {
		b.Fatal(err)
	}
	filepath.WalkDir(filepath.Join(mod, "bare", "static"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(mod, "bare"), p)
			patterns = append(patterns, "//go:embed "+filepath.ToSlash(rel))
		}
		return err
	})
	write("bare/bare.go", "package bare\n\nimport \"embed\"\n\n"+strings.Join(patterns, "\n")+"\nvar FS embed.FS\n")
	write("main.go", "package main\n\nimport (\n\t\"bench/assets\"\n\t\"bench/bare\"\n)\n\nfunc main() { _ = assets.All; _ = bare.FS }\n")
	testenv.Go(b, mod, "build", "./...")
	for _, pkg := range []string{"assets", "bare"} {
		b.Run(pkg, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				write(pkg+"/nonce.go", fmt.Sprintf("package %s\n\nconst nonce = %d\n", pkg, i))
				testenv.Go(b, mod, "build", "-o", os.DevNull, "./"+pkg)
			}
		})
	}
}

// BenchmarkFind is the find stage alone over the benchmark tree, for
// comparison with BenchmarkWalkStat.
func BenchmarkFind(b *testing.B) {
	dir, _ := benchTree(b)
	ig, _ := find.NewIgnorer(find.DefaultIgnore)
	b.ReportAllocs()
	for b.Loop() {
		ms, err := find.Walk(context.Background(), []string{filepath.Join(dir, "static")}, ig)
		if err != nil || len(ms) != benchFiles {
			b.Fatal(err, len(ms))
		}
	}
}
