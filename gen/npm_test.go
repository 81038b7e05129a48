package gen_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/testenv"
)

// npmPackages are real front-end packages, fetched from the npm registry by
// the test (never committed): thousands of files with the names, nesting
// and cross-references that real asset trees have.
var npmPackages = []struct {
	name, version string
	dir           string // directory inside the package to serve
}{
	{"bootstrap", "5.3.3", "dist"},
	{"@fortawesome/fontawesome-free", "6.5.2", "."},
	{"jquery", "3.7.1", "dist"},
	{"htmx.org", "1.9.12", "dist"},
	{"bootstrap-icons", "1.11.3", "."},
}

// TestNPMPackages generates a package from each real npm package, builds a
// program that serves every asset through the generated handler and checks
// each one comes back byte for byte, as is and in every coding the handler
// chooses (br, zstd, gzip), decoded.
//
// Compressing these trees at full effort is nearly all of the test's cost
// (about 99%: fontawesome generates in 0.9 s with -no-compress). The
// generator reuses the variants a previous run wrote (same content, same
// compressor, files in place), so the test keeps each package's
// manifest.json and _assetgen/ in the user cache directory beside the
// tarballs and puts them in place before generating: a warm run reuses
// them, a cold one (a fresh machine, a new compressor) compresses and
// refreshes the copy. Nothing is trusted: every variant served is decoded
// and compared with the file.
func TestNPMPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches packages from the npm registry and runs the go command; skipped with -short")
	}
	mod := t.TempDir()
	testenv.Module(t, mod, "example.com/npm", "", nil)

	var imports, checks []string
	for i, p := range npmPackages {
		pkg := fmt.Sprintf("p%d", i)
		dir := filepath.Join(mod, pkg)
		testenv.NPM(t, p.name, p.version, filepath.Join(dir, "npm"))
		writeFile(t, filepath.Join(dir, "doc.go"), []byte("package "+pkg+"\n"))
		src := filepath.Join(dir, "npm", "package", filepath.FromSlash(p.dir))
		seed := npmSeedDir(p.name, p.version)
		copyOutputs(seed, dir)
		res, err := gen.Generate(context.Background(), gen.Config{
			Settings: gen.Settings{Dirs: []string{src}, Ignore: []string{"package.json", "*.md", "*.scss", "*.less"}},

			OutDir:  dir,
			Package: pkg,
		})
		if err != nil {
			t.Fatalf("%s@%s: %v", p.name, p.version, err)
		}
		t.Logf("%s@%s: %d files, %d bytes, %d compressed", p.name, p.version, res.Files, res.Bytes, res.Compressed)
		if res.Compressed > 0 && seed != "" {
			saveSeed(seed, dir)
		}
		imports = append(imports, fmt.Sprintf("\t%q", "example.com/npm/"+pkg))
		checks = append(checks, fmt.Sprintf("\tcheck(%q, %s.All(), %s.Handler())", p.name, pkg, pkg))
	}
	writeFile(t, filepath.Join(mod, "main.go"), []byte(`package main

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/assetgen/assetgen/runtime"
`+strings.Join(imports, "\n")+`
)

// decode undoes a Content-Encoding.
func decode(coding string, b []byte) ([]byte, error) {
	var r io.Reader
	switch coding {
	case "":
		return b, nil
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r = zr
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("unknown coding %q", coding)
	}
	return io.ReadAll(r)
}

func check(name string, all iter.Seq[runtime.Asset], h http.Handler) {
	n, coded := 0, 0
	for a := range all {
		want, err := a.ReadAll()
		if err != nil {
			fmt.Println(name, a.Path(), err)
			os.Exit(1)
		}
		for _, enc := range []string{"", "br", "zstd", "gzip"} {
			req := httptest.NewRequest("GET", a.URL(), nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				fmt.Println(name, a.URL(), enc, rec.Code)
				os.Exit(1)
			}
			coding := rec.Header().Get("Content-Encoding")
			if coding != "" {
				coded++
			}
			got, err := decode(coding, rec.Body.Bytes())
			if err != nil || !bytes.Equal(got, want) {
				fmt.Println(name, a.URL(), "Accept-Encoding", enc, "Content-Encoding", coding, "content differs", err)
				os.Exit(1)
			}
		}
		n++
	}
	fmt.Println(name, n, "files,", coded, "coded responses")
}

func main() {
`+strings.Join(checks, "\n")+`
}
`))
	testenv.Go(t, mod, "vet", "./...")
	out := testenv.Go(t, mod, "run", ".")
	t.Log(out)
}

// npmSeedDir is where a package's last generated manifest.json and
// _assetgen/ are kept between runs, or "" when there is no cache
// directory.
func npmSeedDir(name, version string) string {
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(cacheDir, "assetgen-test", "npm-out", strings.ReplaceAll(name, "/", "_")+"-"+version)
}

// copyOutputs copies manifest.json and the files of _assetgen/ from one
// package directory to another, as far as they exist. A partial copy (a
// concurrent saveSeed) is harmless: the generator reuses only variants
// whose files are in place at the recorded size, and compresses the rest.
func copyOutputs(from, to string) {
	if from == "" {
		return
	}
	names, _ := filepath.Glob(filepath.Join(from, gen.OwnedDir, "*"))
	names = append(names, filepath.Join(from, gen.DefaultManifest))
	for _, n := range names {
		rel, _ := filepath.Rel(from, n)
		b, err := os.ReadFile(n)
		if err != nil {
			continue
		}
		os.MkdirAll(filepath.Dir(filepath.Join(to, rel)), 0o755)
		os.WriteFile(filepath.Join(to, rel), b, 0o644)
	}
}

// saveSeed replaces the kept outputs with a package directory's, through
// a temporary directory renamed into place.
func saveSeed(seed, dir string) {
	parent := filepath.Dir(seed)
	os.MkdirAll(parent, 0o755)
	tmp, err := os.MkdirTemp(parent, ".seed-")
	if err != nil {
		return
	}
	copyOutputs(dir, tmp)
	os.RemoveAll(seed)
	if os.Rename(tmp, seed) != nil {
		os.RemoveAll(tmp)
	}
}
