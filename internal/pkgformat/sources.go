package pkgformat

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/internal/relpath"
	"github.com/assetgen/assetgen/internal/sri"
)

// ChangedSources returns an error for each asset of m, a manifest of the
// package in directory dir, whose source file no longer has the bytes
// go generate read (ManifestEntry.SourceSum), sorted by the source's name.
// Each names the source, relative to the working directory, and the fix:
// go generate on pkg, the package as go generate takes it, or when pkg is
// "" on dir ("./web"). The analyzer passes the import path: go vet runs
// it in the package directory, where "." would name the wrong package to
// a user at the module root.
//
// It is the one check of sources, for everything that reads a generated
// package from its directory: collect and publish, which would otherwise
// ship the old rewritten copy of an edited style sheet, and assetgen check
// and the analyzer. A source that is gone is not reported: a deploy may
// run where only the generated package was checked out (a bundler's dist/
// is often not committed), and an embedded one that is gone fails go build
// already. An entry without a SourceSum, from an older assetgen, is
// skipped.
func (m *Manifest) ChangedSources(dir, pkg string) []error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return []error{err}
	}
	if pkg == "" {
		pkg = generateArg(abs)
	}
	var errs []error
	for _, p := range slices.Sorted(maps.Keys(m.Assets)) {
		e := m.Assets[p]
		if e.Source == "" || e.SourceSum == "" {
			continue
		}
		name := filepath.Join(abs, filepath.FromSlash(e.Source))
		sum, err := fileSum(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %v", relpath.Display(name), err))
		case sum != e.SourceSum:
			errs = append(errs, fmt.Errorf("%s: changed since go generate; run go generate %s", relpath.Display(name), pkg))
		}
	}
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

// generateArg names package directory abs as go generate takes it: "."
// or "./web/assets" below the working directory, else as it is.
func generateArg(abs string) string {
	d := relpath.Display(abs)
	if d == "." || filepath.IsAbs(d) || d == ".." || strings.HasPrefix(d, "../") {
		return d
	}
	return "./" + d
}

// fileSum returns the SRI-form SHA-256 of a file's bytes.
func fileSum(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sri.Of(sum), nil
}
