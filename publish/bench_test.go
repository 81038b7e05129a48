package publish

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/collect"
	"github.com/assetgen/assetgen/internal/testenv"
)

// benchPackage generates a package of 10,000 files: 9,000 incompressible
// binaries of 0.5 to 4 KiB (one object each) and 1,000 stylesheets of
// about 2 KiB (br, zstd and gzip variants: four objects each), about 20
// MiB in all.
func benchPackage(b *testing.B) *assetpkg.Package {
	b.Helper()
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 10_000 {
		var name string
		var data []byte
		if i%10 == 0 {
			name = fmt.Sprintf("css/d%02d/s%05d.css", i%100, i)
			var sb strings.Builder
			for j := range 40 {
				fmt.Fprintf(&sb, ".c%d-%d { margin: %dpx; color: #%06x }\n", i, j, rng.IntN(40), rng.IntN(1<<24))
			}
			data = []byte(sb.String())
		} else {
			name = fmt.Sprintf("bin/d%02d/f%05d.bin", i%100, i)
			data = make([]byte, 512+rng.IntN(3584))
			for k := range data {
				data[k] = byte(rng.Uint32())
			}
		}
		p := filepath.Join(dir, "static", filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{filepath.Join(dir, "static")}}, OutDir: dir, Package: "assets"}); err != nil {
		b.Fatal(err)
	}
	p, err := assetpkg.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkPublish10k publishes the 10,000-file package to a file:// and
// an S3 bucket (versitygw on loopback): First into an empty bucket,
// Unchanged again over what is there. objects/op is what was uploaded,
// requests/op what was sent (lists, attribute reads, uploads, manifests).
//
//	go test ./publish -run '^$' -bench Publish10k -benchtime 3x
func BenchmarkPublish10k(b *testing.B) {
	p := benchPackage(b)
	ctx := context.Background()
	s3 := testenv.S3(b)
	stores := []struct {
		name string
		url  func(run int) string
	}{
		{"file", func(int) string { return "file://" + filepath.ToSlash(b.TempDir()) }},
		{"s3", func(run int) string { return s3.URL(fmt.Sprintf("prefix=bench%d/", run)) }},
	}
	run := 0
	for _, s := range stores {
		b.Run(s.name+"/First", func(b *testing.B) {
			var st Stats
			for b.Loop() {
				b.StopTimer()
				run++
				bucket := open(b, s.url(run))
				b.StartTimer()
				var err error
				if st, err = Publish(ctx, bucket, p.Dir, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			reportPublish(b, st)
		})
		b.Run(s.name+"/Unchanged", func(b *testing.B) {
			run++
			bucket := open(b, s.url(run))
			if _, err := Publish(ctx, bucket, p.Dir, Options{}); err != nil {
				b.Fatal(err)
			}
			var st Stats
			for b.Loop() {
				var err error
				if st, err = Publish(ctx, bucket, p.Dir, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			if st.Uploaded != 0 {
				b.Errorf("unchanged re-run uploaded %d objects", st.Uploaded)
			}
			reportPublish(b, st)
		})
	}
}

func reportPublish(b *testing.B, st Stats) {
	b.ReportAllocs()
	b.ReportMetric(float64(st.Files), "files")
	b.ReportMetric(float64(st.Uploaded), "objects/op")
	b.ReportMetric(float64(st.Requests), "requests/op")
}

// BenchmarkCollect10k collects the same package for nginx: First into an
// empty directory, Unchanged over the same tree (every file read and
// compared, none written).
//
//	go test ./publish -run '^$' -bench Collect10k -benchtime 3x
func BenchmarkCollect10k(b *testing.B) {
	p := benchPackage(b)
	ctx := context.Background()
	b.Run("First", func(b *testing.B) {
		var res collect.Result
		for b.Loop() {
			b.StopTimer()
			dir := b.TempDir()
			b.StartTimer()
			var err error
			if res, err = collect.Collect(ctx, p, collect.Options{Dir: dir}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ReportMetric(float64(res.Written), "written/op")
	})
	b.Run("Unchanged", func(b *testing.B) {
		dir := b.TempDir()
		if _, err := collect.Collect(ctx, p, collect.Options{Dir: dir}); err != nil {
			b.Fatal(err)
		}
		var res collect.Result
		for b.Loop() {
			var err error
			if res, err = collect.Collect(ctx, p, collect.Options{Dir: dir}); err != nil {
				b.Fatal(err)
			}
		}
		if res.Written != 0 {
			b.Errorf("unchanged collect wrote %d files", res.Written)
		}
		b.ReportAllocs()
		b.ReportMetric(float64(res.Unchanged), "unchanged/op")
	})
}
