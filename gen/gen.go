// Package gen is assetgen's generator as a library: it turns an ordered list
// of static directories into a Go package that embeds the winning files under
// content-hashed names, with one typed identifier per file.
//
// Generate runs a short list of steps over an in-memory set of assets
// (run.steps), each a function that takes what it needs and returns what
// it makes and counts. From hash on, each returns its result by asset and
// the next takes it: hash the source's sum, size, content type and bytes;
// prepare the graph of prepared content and references; name the served
// content, its sum and size, and whether it is copied into _assetgen/;
// compress the variants. A source file is read once, by hash, which keeps
// the bytes a later step needs while they fit; a step that needs bytes
// hash did not keep reads them again and checks them against its sum.
//
//	checkDirs      reject a repeated source directory, or an output inside one
//	lockOut        wait for any other run on the package; finish a stopped one's commit
//	find           walk the directories; first match wins, the rest are shadowed
//	unchanged      stop here if the tree and outputs are as the last run left them
//	checkNames     reject names that cannot be embedded or that collide; identifiers
//	place          embed in place when possible, else own a copy in _assetgen/
//	prehashed      mark -prehashed and a Vite build's files, alias Vite entries
//	hash           read each file once (the hash cache skips unchanged ones),
//	               keeping the bytes later steps need while they fit
//	prepare        minify, find and resolve references (package build)
//	name           rewrite references and name by content, dependencies first
//	checkTemplates check {{static}} calls in -templates files
//	compress       make br, zstd and gzip variants, reusing the last run's
//	emitAndWrite   render the Go file and manifest, write copies, then commit
//	               the outputs through one journal; remove what is not embedded
//
// Development mode (package gen/dev) runs the same prepare and name steps,
// package build, over the files each request reaches. The package never
// exits, prints, reads flags or reads the environment; the caller supplies
// a Config.
package gen

import (
	"fmt"
	"go/token"
	"path/filepath"
	"time"

	"github.com/assetgen/assetgen/gen/internal/find"
	"github.com/assetgen/assetgen/gen/internal/settings"
	"github.com/assetgen/assetgen/internal/pkgformat"
)

// Defaults for Config fields left zero.
const (
	DefaultFileName = "assets_gen.go"
	DefaultManifest = pkgformat.ManifestName
	DefaultPrefix   = settings.DefaultPrefix
	DefaultHashLen  = settings.DefaultHashLen
	// OwnedDir is the subdirectory of the output directory that assetgen
	// owns: it holds the files that cannot be embedded where they lie. Its
	// leading underscore keeps the go command from treating it as a package.
	OwnedDir = "_assetgen"
)

// Config says what to generate. Paths are relative to the working
// directory or absolute; messages name them as given, slash-separated.
type Config struct {
	// Settings are the source directories and the settings that decide
	// the names and bytes of what they hold: Dirs, Ignore,
	// NoDefaultIgnore, Prefix, HashLen, AllowMissing, Prehashed, Minify,
	// NoCompress and Encodings. Development mode takes the same Settings.
	Settings

	// NoShadow makes a logical path held by more than one directory an error.
	NoShadow bool

	// OutDir is the generated package's directory (default ".").
	OutDir string
	// Package is the generated package's name. Required.
	Package string
	// FileName is the generated Go file's name (default DefaultFileName).
	FileName string
	// Manifest is the JSON manifest's name in OutDir (default
	// DefaultManifest); "-" writes none.
	Manifest string

	// AllowNonUTF8 keeps text assets (CSS, JavaScript, JSON, SVG, HTML...)
	// that are not valid UTF-8 and declare no encoding of their own, served
	// without "charset=utf-8". By default each is an error at its first
	// invalid byte.
	AllowNonUTF8 bool

	// ViteManifest is a Vite build manifest (.vite/manifest.json): the
	// files it lists are prehashed, and each entry gets an identifier named
	// after its source (src/main.ts → SrcMainTS). Vite's outDir must be a
	// source directory.
	ViteManifest string

	// ImportMap is a JSON file (see package gen/internal/importmap's doc,
	// repeated in cmd/assetgen's) that maps bare module specifiers
	// ("lodash-es") to assets, for pages that load ES modules through an
	// import map rather than a bundler. With it, every bare specifier a
	// module imports must resolve to an asset, or generation fails at its
	// line and column; the generated package's ImportMap lists each one.
	// Without it, bare specifiers are left alone.
	ImportMap string
	// Preload are patterns (path.Match, against the logical path) of files
	// that a style sheet names with url() and that the browser needs to
	// render the page, such as its body font: Preload hints include them.
	// Modules a module imports statically and style sheets an @import
	// names are always included; other url() targets are left to the
	// browser, which fetches a font only when text uses it.
	Preload []string

	// Templates are patterns of template files (path.Match syntax, plus
	// "**" for any number of directories) that use the generated FuncMap:
	// each {{static "path"}} and {{integrity "path"}} in them whose path is
	// a constant must name an asset, or generation fails.
	Templates []string

	// CompressedOnly embeds only the compressed variants of a file that has
	// a gzip one, not its identity bytes; the handler decompresses for the
	// rare client that accepts no coding. It shrinks the binary.
	CompressedOnly bool

	// CacheDir holds the hash cache that makes a run over an unchanged tree
	// cheap; empty means no cache.
	CacheDir string
	// Progress, if set, is called about ten times a second during the
	// long phases of a run (hashing, compressing) and once at the end of
	// each, from one goroutine at a time, never after Generate returns.
	// It must not block: the caller decides what to show and when.
	Progress func(Progress)
	// Log, if set, receives messages a user should see while the run
	// goes on, such as that it waits for another run on the package.
	Log func(msg string)
	// LockTimeout is how long a run waits for another run on the same
	// output directory to finish (default DefaultLockTimeout); a negative
	// one means not to wait.
	LockTimeout time.Duration
}

// Settings are what generate and development mode share: the type
// gen/dev's Config embeds too, and the one the development-mode file
// records. go doc github.com/assetgen/assetgen/gen/internal/settings.Settings
// documents each field.
type Settings = settings.Settings

// Progress is how far one phase of a run has got.
type Progress struct {
	Phase      Phase
	Files      int   // files finished
	TotalFiles int   // files the phase will handle
	Bytes      int64 // bytes done: read, or for compression fed to encoders
	TotalBytes int64
	Elapsed    time.Duration // since the phase started
}

// Phase names a phase of a run that reports Progress.
type Phase int

const (
	// PhaseHash reads and hashes files that the cache does not know.
	PhaseHash Phase = iota + 1
	// PhaseCompress makes the br, zstd and gzip variants; its bytes count
	// each file once per encoder it goes through.
	PhaseCompress
)

func (p Phase) String() string {
	switch p {
	case PhaseHash:
		return "hashing"
	case PhaseCompress:
		return "compressing"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Result describes a successful run.
type Result struct {
	Files      int           // assets in the package
	Bytes      int64         // their total size
	Shadowed   []Shadow      // logical paths held by more than one directory
	Copied     int           // files written to the owned directory
	Compressed int           // files compressed (the rest reused earlier variants)
	Rewritten  int           // references in CSS and JavaScript rewritten to hashed names
	Rewrites   []Rewrite     // per file, for -v: those this run made, none when nothing changed
	Warnings   []string      // problems allowed by AllowMissing or a directive
	Unchecked  []string      // template calls with a computed path, which no check can see
	Written    []string      // output files that changed, slash-separated
	Hashed     int           // files read and hashed (the rest came from the cache)
	Reread     int           // files read again to check a record: those changed too close to the run that recorded them to be trusted by their times
	Elapsed    time.Duration // wall time of the run
}

// Rewrite lists the references of one file that were rewritten.
type Rewrite struct {
	File string   // source file, slash-separated
	Refs []string // "line:col url -> new url"
}

// Shadow is a logical path held by more than one source directory.
type Shadow struct {
	Logical  string
	Winner   string   // file that is served, slash-separated
	Shadowed []string // files that are not, in precedence order
}

// Source is one file that holds a logical path, for Find.
type Source struct {
	Path   string // slash-separated
	Winner bool
}

// Find returns every file that holds logical path p under the configured
// directories, in precedence order, the first being the one served:
// Django's findstatic. Ignored paths have none.
func Find(cfg Config, p string) ([]Source, error) {
	ig, err := ignorer(cfg)
	if err != nil {
		return nil, err
	}
	if len(cfg.Dirs) == 0 {
		return nil, &Error{Msg: "no source directories; pass at least one -dir"}
	}
	// A missing directory would otherwise read as "no file holds p", which
	// sends the user looking for the file rather than at the flag.
	var errs ErrorList
	for _, d := range cfg.Dirs {
		if _, err := realAbs(d); err != nil {
			errs = append(errs, dirError(d, err))
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	paths, err := find.Lookup(cfg.Dirs, ig, p)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	out := make([]Source, len(paths))
	for i, path := range paths {
		out[i] = Source{Path: filepath.ToSlash(path), Winner: i == 0}
	}
	return out, nil
}

func ignorer(cfg Config) (*find.Ignorer, error) {
	ig, err := settings.Ignorer(cfg.Settings)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	return ig, nil
}

// Validate reports a configuration that Generate would refuse before
// reading any file: no directories, an empty one, a bad package name,
// hash length, file name or prefix. A command can report these as usage
// errors.
func (cfg Config) Validate() error {
	_, err := cfg.withDefaults()
	return err
}

// withDefaults fills zero fields and checks the rest: the Settings as
// development mode checks them, then what only generate reads.
func (cfg Config) withDefaults() (Config, error) {
	var err error
	if cfg.Settings, err = settings.Check(cfg.Settings); err != nil {
		return cfg, &Error{Msg: err.Error()}
	}
	if cfg.OutDir == "" {
		cfg.OutDir = "."
	}
	if cfg.FileName == "" {
		cfg.FileName = DefaultFileName
	}
	if cfg.Manifest == "" {
		cfg.Manifest = DefaultManifest
	}
	switch {
	case cfg.Package == "":
		return cfg, &Error{Msg: "no package name; run under go generate, which sets $GOPACKAGE, or pass -pkg"}
	case !token.IsIdentifier(cfg.Package) || cfg.Package == "_":
		return cfg, &Error{Msg: fmt.Sprintf("package name %q is not a Go identifier; fix -pkg", cfg.Package)}
	case filepath.Base(cfg.FileName) != cfg.FileName || filepath.Ext(cfg.FileName) != ".go":
		return cfg, &Error{Msg: fmt.Sprintf("output file name %q must be a plain name ending in .go", cfg.FileName)}
	case cfg.Manifest != "-" && filepath.Base(cfg.Manifest) != cfg.Manifest:
		return cfg, &Error{Msg: fmt.Sprintf("manifest name %q must be a plain file name, or - for none", cfg.Manifest)}
	}
	for _, list := range []struct {
		flag string
		pats []string
	}{{"-templates", cfg.Templates}, {"-preload", cfg.Preload}} {
		if err := settings.Patterns(list.flag, list.pats); err != nil {
			return cfg, &Error{Msg: err.Error()}
		}
	}
	return cfg, nil
}
