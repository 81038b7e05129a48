// Package settings holds what generate and development mode must agree on
// to serve the same files under the same names with the same bytes: the
// source directories and what they ignore, the URL prefix, the hash
// length, the references that may be missing, the prehashed files,
// minification and the content codings.
//
// There is one Settings type. gen.Config and gen/dev's Config embed it
// (gen.Settings and dev.Settings are this type under the names their
// users write), Check validates it for both modes, and generate writes it
// into the development-mode file (package emit), so that development mode
// starts from the settings generate used.
package settings

import (
	"fmt"
	"path"
	"slices"

	"github.com/assetgen/assetgen/gen/internal/build"
	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/gen/internal/find"
	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/runtime"
)

// Defaults for the fields left zero.
const (
	DefaultPrefix  = runtime.DefaultPrefix
	DefaultHashLen = 12
)

// Settings decide which files there are and the names and bytes they are
// served with, in generate and in development mode alike.
type Settings struct {
	// Dirs are the source directories in precedence order: when several
	// hold the same logical path, the first wins (package find says how,
	// symbolic links included). Relative ones are relative to the working
	// directory for generate; development mode's Config says what for it.
	Dirs []string
	// Ignore are extra patterns (path.Match syntax) matched against each
	// file's and directory's base name and logical path.
	Ignore []string
	// NoDefaultIgnore turns off find.DefaultIgnore (".*", "*~", "CVS", "#*#").
	NoDefaultIgnore bool

	// Prefix is the URL prefix (DefaultPrefix if empty): generate compiles
	// it in as the default, which the generated SetPrefix overrides at run
	// time, and absolute references in CSS and JavaScript
	// ("/static/img/a.png") resolve against its path. Development mode,
	// when attached to a Set, takes the Set's prefix for an empty one.
	Prefix string
	// HashLen is the number of hex digits of the SHA-256 put in names
	// (default DefaultHashLen, 8 to 64).
	HashLen int

	// AllowMissing are patterns (path.Match, tried against a reference's
	// path as written and as resolved) of references in CSS and JavaScript
	// that may name no asset: a warning rather than an error. A file can
	// say the same with an assetgen:allow-missing comment.
	AllowMissing []string
	// Prehashed are patterns, matched like Ignore, of files a bundler has
	// already fingerprinted (Vite's assets/index-BkJ3Ld9x.js): they keep
	// their names, are not hashed again, and are served as immutable.
	Prehashed []string

	// Minify minifies CSS, JavaScript, SVG and JSON before hashing, so
	// that the fingerprint covers the bytes served.
	Minify bool

	// NoCompress turns off precompression. By default every compressible
	// asset gets br, zstd and gzip variants where they save enough.
	NoCompress bool
	// Encodings are the content codings to make, from "br", "zstd" and
	// "gzip" in any order; nil means all three. Each one costs a file per
	// compressible asset in the owned directory, its bytes in the binary,
	// and its encoder's time. Brotli serves every current browser, gzip
	// every client; zstd serves none that Brotli does not.
	Encodings []string
}

// Check returns s with zero fields filled in, or an error naming the first
// setting that neither mode accepts and the flag that sets it. Its slices
// are copies, so the caller's cannot change under a run.
func Check(s Settings) (Settings, error) {
	s.Dirs = slices.Clone(s.Dirs)
	if s.Prefix == "" {
		s.Prefix = DefaultPrefix
	}
	if s.HashLen == 0 {
		s.HashLen = DefaultHashLen
	}
	switch {
	case len(s.Dirs) == 0:
		return s, fmt.Errorf("no source directories; pass at least one -dir")
	case slices.Contains(s.Dirs, ""):
		return s, fmt.Errorf("empty source directory name; give -dir a directory")
	case s.HashLen < 8 || s.HashLen > 64:
		return s, fmt.Errorf("hash length %d out of range; use 8 to 64 hex digits", s.HashLen)
	}
	// The runtime's own rules, so that a prefix generate compiles in is
	// one the generated SetPrefix accepts.
	if err := runtime.New(nil, DefaultPrefix, nil).SetPrefix(s.Prefix); err != nil {
		return s, err
	}
	for _, list := range []struct {
		flag string
		pats []string
	}{{"-ignore", s.Ignore}, {"-prehashed", s.Prehashed}, {"-allow-missing", s.AllowMissing}} {
		if err := Patterns(list.flag, list.pats); err != nil {
			return s, err
		}
	}
	return s, checkEncodings(s.Encodings)
}

// Patterns rejects a malformed pattern before any file is read, so that
// it is reported as a usage error, like any other bad flag value, naming
// the flag it came from.
func Patterns(flag string, pats []string) error {
	for _, p := range pats {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("%s pattern %q is malformed (%v); see path.Match for the syntax", flag, p, err)
		}
	}
	return nil
}

// checkEncodings rejects unknown and repeated codings.
func checkEncodings(codings []string) error {
	seen := map[string]bool{}
	for _, c := range codings {
		switch {
		case !slices.Contains(compress.Codings(), c):
			return fmt.Errorf("unknown encoding %q; use br, zstd or gzip, comma-separated, or -no-compress for none", c)
		case seen[c]:
			return fmt.Errorf("encoding %q listed twice; list each once", c)
		}
		seen[c] = true
	}
	return nil
}

// Ignorer returns the ignore rules of s: find.DefaultIgnore unless
// NoDefaultIgnore, then Ignore.
func Ignorer(s Settings) (*find.Ignorer, error) {
	var pats []string
	if !s.NoDefaultIgnore {
		pats = append(pats, find.DefaultIgnore...)
	}
	return find.NewIgnorer(append(pats, s.Ignore...))
}

// BuildOptions are the options of package build that s gives: those
// that decide what Prepare makes of a file in both modes.
func BuildOptions(s Settings) build.Options {
	return build.Options{Mount: httpserve.Mount(s.Prefix), Minify: s.Minify, AllowMissing: s.AllowMissing}
}
