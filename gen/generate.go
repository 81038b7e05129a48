package gen

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/module"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/emit"
	"github.com/assetgen/assetgen/gen/internal/find"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/txwrite"
	"github.com/assetgen/assetgen/internal/progress"
	"github.com/assetgen/assetgen/internal/relpath"
)

// asset is one file the walk found, as checkNames, place and prehashed
// leave it: its names and where it lies. What later stages learn of it
// they return, by asset index (see built).
type asset struct {
	Logical   string
	Prehashed bool // named by a bundler already: set by prehashed
	src       find.Source
	abs       string // src.Path made absolute
	shadowed  []find.Source

	ident   string
	inPlace string // its path in the package directory, if go:embed can take it there; "" makes it owned

	rejected bool // already reported as an error
}

// built is what the stages after place return, by asset index, for emit
// to render; each field is one stage's result.
type built struct {
	assets   []*asset
	aliases  []alias     // prehashed: identifiers a Vite manifest gives its entries
	viteOnly []string    // prehashed: files only a Vite manifest made prehashed
	hashes   []hashed    // hash: source sums, sizes, content types and bytes
	graph    graph       // prepare: prepared content and resolved references
	finals   []final     // name: served content, sums and sizes; whether owned
	variants [][]variant // compress: precompressed forms; nil without compression
}

// run is the state of one Generate call.
type run struct {
	start    time.Time    // when the run began
	mark     cache.Mark   // before the walk: the reference for racy times
	reread   atomic.Int64 // files read again to check a record (Result.Reread)
	early    bool         // stopped after the walk: the tree is as recorded
	cfg      Config
	outAbs   string       // OutDir, absolute and with symbolic links evaluated
	wd       string       // the working directory, which relative source paths are in
	found    []find.Match // what the walk found, by logical path
	warnings []string     // problems that do not stop the run, for Result

	realDirs map[string]string // directory → its path with links evaluated
	modDirs  map[string]bool   // directory → whether it is in another module

	tempMu sync.Mutex
	temps  []string // streamed variants and copies not yet renamed into place

	lock  *txwrite.Lock   // held from lockOut to the end of the run
	cache *cache.Hashes   // the hash cache, opened on first use
	ident *generatorIdent // the generator identity, made on first use
	hooks *hooks          // for tests; nil otherwise
}

// hooks let tests stop or fail a run at a chosen point.
type hooks struct {
	// step is called before each change a run makes to the package's
	// files: op is "create", "write", "rename" or "remove", file the file
	// changed (never a temporary name). An error fails the change as the
	// system would.
	step func(op, file string) error
	// locked is called once the run holds the package's lock.
	locked func()
}

// Generate writes the package that cfg describes. On any error it leaves the
// previous output as it was. Problems with the input come back as an
// ErrorList of *Error, sorted, all of them at once where the stage allows.
//
// Runs on one package take turns, and whatever stops a run, the package
// it leaves builds and the next run completes or undoes its changes (see
// package gen/internal/txwrite, which writes the package).
func Generate(ctx context.Context, cfg Config) (*Result, error) {
	return generate(ctx, cfg, nil)
}

func generate(ctx context.Context, cfg Config, h *hooks) (*Result, error) {
	start := time.Now()
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, start: start, mark: cache.WallMark(start), hooks: h}
	var res *Result
	defer func() {
		if r.cache != nil {
			// A run that stopped early looked at only some files.
			r.cache.Save(r.lock.Mark(), res == nil || r.early)
		}
		r.lock.Release()
	}()
	res, err = r.steps(ctx)
	if err != nil {
		r.removeTemps()
		return nil, r.staleNote(err)
	}
	res.Files = len(r.found)
	res.Warnings = r.warnings
	res.Reread = int(r.reread.Load())
	res.Elapsed = time.Since(start)
	return res, nil
}

// steps runs the steps of a run in order, each taking what it needs from
// the run and returning what it counts; see the package documentation.
func (r *run) steps(ctx context.Context) (*Result, error) {
	res := &Result{}
	var err error
	if err = r.checkDirs(); err != nil {
		return nil, err
	}
	if err = r.lockOut(ctx); err != nil {
		return nil, err
	}
	if res.Shadowed, err = r.find(ctx); err != nil {
		return nil, err
	}
	// An unchanged tree whose outputs are as the last run left them needs
	// nothing more.
	if rec, ok := r.unchanged(); ok {
		r.early = true
		rec.Shadowed = res.Shadowed
		return rec, nil
	}
	b := built{assets: r.newAssets()}
	if err = r.checkNames(b.assets); err != nil {
		return nil, err
	}
	r.place(b.assets)
	if b.aliases, b.viteOnly, err = r.prehashed(b.assets); err != nil {
		return nil, err
	}
	if b.hashes, res.Hashed, res.Bytes, err = r.hash(ctx, b.assets); err != nil {
		return nil, err
	}
	if b.graph, err = r.prepare(ctx, b.assets, b.hashes); err != nil {
		return nil, err
	}
	if b.finals, res.Rewritten, res.Rewrites, err = r.name(ctx, b.assets, b.hashes, b.graph); err != nil {
		return nil, err
	}
	if res.Unchecked, err = r.checkTemplates(ctx, b.assets); err != nil {
		return nil, err
	}
	if b.variants, res.Compressed, err = r.compress(ctx, b.assets, b.hashes, b.finals); err != nil {
		return nil, err
	}
	if res.Copied, res.Written, err = r.emitAndWrite(ctx, res, b); err != nil {
		return nil, err
	}
	return res, nil
}

// warn records a problem that does not stop the run.
func (r *run) warn(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

// checkDirs rejects repeated source directories and an output directory
// inside a source directory, whose generated files would become assets.
func (r *run) checkDirs() error {
	out, err := realAbs(r.cfg.OutDir)
	if err != nil {
		return &Error{File: slash(r.cfg.OutDir), Msg: fmt.Sprintf("output directory: %v; create it or fix -o", err)}
	}
	r.outAbs = out
	var errs ErrorList
	seen := map[string]string{}
	for _, d := range r.cfg.Dirs {
		abs, err := realAbs(d)
		if err != nil {
			errs = append(errs, dirError(d, err))
			continue
		}
		if prev, ok := seen[abs]; ok {
			errs = append(errs, &Error{File: slash(d), Msg: fmt.Sprintf("source directory listed twice (also as %s); remove one -dir", slash(prev))})
			continue
		}
		seen[abs] = d
		if within(out, abs) {
			errs = append(errs, &Error{File: slash(d), Msg: fmt.Sprintf("output directory %s is inside this source directory, so generated files would become assets; move the static files to a subdirectory or generate elsewhere with -o", slash(r.cfg.OutDir))})
		}
	}
	return errs.err()
}

// lockOut takes the package's lock, then finishes the commit of a run
// that was stopped in the middle of one.
func (r *run) lockOut(ctx context.Context) error {
	timeout := r.cfg.LockTimeout
	switch {
	case timeout == 0:
		timeout = DefaultLockTimeout
	case timeout < 0:
		timeout = 0 // one try
	}
	l, err := txwrite.Acquire(ctx, r.cfg.OutDir, timeout, r.cfg.Log)
	if err != nil {
		return err
	}
	r.lock = l
	r.mark = l.Mark()
	if r.hooks != nil && r.hooks.locked != nil {
		r.hooks.locked()
	}
	return r.writer().Recover()
}

// DefaultLockTimeout is how long a run waits for another run on the same
// package before giving up (Config.LockTimeout).
const DefaultLockTimeout = 5 * time.Minute

// hashCache returns the run's hash cache, opening it on first use.
func (r *run) hashCache() *cache.Hashes {
	if r.cache == nil {
		r.cache = cache.OpenHashes(r.cfg.CacheDir, r.outAbs, r.mark)
	}
	return r.cache
}

// dirError is the error for a source directory that cannot be used.
func dirError(d string, err error) *Error {
	return &Error{File: slash(d), Msg: fmt.Sprintf("source directory: %v; create it or fix -dir", unwrapPathErr(err))}
}

// find walks the source directories and returns the logical paths held
// by more than one.
func (r *run) find(ctx context.Context) ([]Shadow, error) {
	ig, err := ignorer(r.cfg)
	if err != nil {
		return nil, err
	}
	matches, err := find.Walk(ctx, r.cfg.Dirs, ig)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, asErrorList(err)
	}
	if r.wd, err = os.Getwd(); err != nil {
		return nil, err
	}
	r.found = matches
	var errs ErrorList
	var shadowed []Shadow
	for _, m := range matches {
		if len(m.Shadowed) == 0 {
			continue
		}
		sh := Shadow{Logical: m.Logical, Winner: slash(m.Winner.Path)}
		for _, s := range m.Shadowed {
			sh.Shadowed = append(sh.Shadowed, slash(s.Path))
		}
		shadowed = append(shadowed, sh)
		if r.cfg.NoShadow {
			errs = append(errs, &Error{File: sh.Shadowed[0], Msg: fmt.Sprintf("shadowed by %s (-no-shadow); remove one of them or drop -no-shadow", sh.Winner)})
		}
	}
	return shadowed, errs.err()
}

// newAssets makes an asset of each file the walk found, once the run goes
// past the early stop, which needs only the walk's results: an unchanged
// tree of 10,000 files then allocates none of them.
func (r *run) newAssets() []*asset {
	all := make([]asset, len(r.found))
	assets := make([]*asset, len(r.found))
	for i, m := range r.found {
		all[i] = asset{Logical: m.Logical, src: m.Winner, shadowed: m.Shadowed, abs: r.abs(m.Winner.Path)}
		assets[i] = &all[i]
	}
	return assets
}

// abs returns a source path made absolute.
func (r *run) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.wd, p)
}

// largeAsset is the size above which an asset gets a warning. Every byte
// is embedded into each binary that imports the package (and, when
// compressible, compressed up to three more times at generate time); past
// 50 MB that is rarely meant, and it is where GitHub starts warning about
// a file pushed into a repository (50 MiB, which progress.Size writes
// "50.0 MB", as every byte count assetgen prints).
const largeAsset = 50 << 20

// warnSizes warns about a source directory that contributed no file, not
// even a shadowed one (a typo in -dir, or an -ignore pattern that is too
// broad, which would otherwise pass without a word), and about an asset
// over largeAsset. It runs after the unchanged-tree check, whose record
// replays the warnings of the run that made it.
func (r *run) warnSizes(assets []*asset) {
	held := map[string]bool{}
	for _, a := range assets {
		held[a.src.Dir] = true
		for _, s := range a.shadowed {
			held[s.Dir] = true
		}
		if n := a.src.Info.Size(); n > largeAsset {
			r.warn("%s: %s is embedded into every program that imports the package; serve a file this large from elsewhere (a CDN, media storage) and add it to -ignore", slash(a.src.Path), progress.Size(n))
		}
	}
	for _, d := range r.cfg.Dirs {
		if !held[d] {
			r.warn("%s: source directory holds no files (after -ignore and the default ignores); add files or fix -dir", slash(d))
		}
	}
}

// checkNames rejects logical paths that go:embed or a checkout on another
// operating system cannot hold, and paths that differ only in case.
func (r *run) checkNames(assets []*asset) error {
	r.warnSizes(assets)
	var errs ErrorList
	byFold := map[string]*asset{}
	for _, a := range assets {
		if err := module.CheckFilePath(a.Logical); err != nil {
			errs = append(errs, &Error{File: slash(a.src.Path), Msg: fmt.Sprintf("name cannot be embedded or checked out everywhere (%v); rename the file or add it to -ignore", trimCheckErr(err))})
			continue
		}
		fold := strings.ToLower(a.Logical)
		if prev, ok := byFold[fold]; ok {
			a.rejected = true
			errs = append(errs, &Error{File: slash(a.src.Path), Msg: fmt.Sprintf("differs from %s only in letter case, which breaks checkouts on macOS and Windows; rename one of them", slash(prev.src.Path))})
			continue
		}
		byFold[fold] = a
		if dotPath(a.Logical) {
			r.warn("%s: embedded, but the handler never serves a path with a dot segment (%s); serve it yourself from FS(), or leave it out", slash(a.src.Path), a.Logical)
		}
	}
	idErrs, err := r.identify(assets)
	if err != nil {
		return err
	}
	return append(errs, idErrs...).err()
}

// dotPath reports whether a logical path has a segment starting with a
// dot, which only -no-default-ignore lets through.
func dotPath(p string) bool {
	return strings.HasPrefix(p, ".") || strings.Contains(p, "/.")
}

// trimCheckErr drops the quoted path that module.CheckFilePath repeats.
func trimCheckErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "malformed file path") {
		return s[i+2:]
	}
	return s
}

// place decides, per asset, whether go:embed can take the file where it
// lies: inside the package directory, reached without symbolic links,
// in this module, and with a name that is not read as a glob pattern.
// Everything else is owned: copied into the owned directory under its
// content hash, which is why hash keeps its content in memory if it can.
func (r *run) place(assets []*asset) {
	r.realDirs, r.modDirs = map[string]string{}, map[string]bool{}
	for _, a := range assets {
		a.inPlace, _ = r.embeddable(a)
	}
}

func (r *run) embeddable(a *asset) (string, bool) {
	real, err := r.realPath(a)
	if err != nil || !within(real, r.outAbs) {
		return "", false
	}
	rel, err := filepath.Rel(r.outAbs, real)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if module.CheckFilePath(rel) != nil || strings.ContainsAny(rel, `*?[]\`) {
		return "", false
	}
	for _, elem := range strings.Split(rel, "/") {
		switch elem {
		case ".git", ".hg", ".svn", ".bzr":
			return "", false
		}
	}
	if r.otherModule(path.Dir(rel)) {
		return "", false
	}
	return rel, true
}

// otherModule reports whether a directory below the package directory, or
// one between them, holds a go.mod, which puts its files in another module
// that go:embed cannot reach. Answers are memoized per directory.
func (r *run) otherModule(dir string) bool {
	if dir == "." {
		return false
	}
	if v, ok := r.modDirs[dir]; ok {
		return v
	}
	_, err := os.Lstat(filepath.Join(r.outAbs, filepath.FromSlash(dir), "go.mod"))
	v := err == nil || r.otherModule(path.Dir(dir))
	r.modDirs[dir] = v
	return v
}

// identify gives each asset its Go identifier and reports collisions:
// between assets, with the generated API, and with declarations in the
// package's other files.
func (r *run) identify(assets []*asset) (ErrorList, error) {
	reserved := map[string]bool{}
	for _, n := range emit.Reserved {
		reserved[n] = true
	}
	declPos, err := packageDecls(r.outAbs, r.cfg.FileName)
	if err != nil {
		return nil, err
	}
	decls := map[string]string{}
	for n, p := range declPos {
		decls[n] = fmt.Sprintf("%s:%d:%d", relpath.Display(p.Filename), p.Line, p.Column)
	}
	var errs ErrorList
	// The generated file's own top-level names must not be declared by
	// hand elsewhere in the package, or the package will not compile.
	for _, n := range append([]string{"embedded", "set"}, emit.Reserved...) {
		if at, ok := declPos[n]; ok {
			errs = append(errs, &Error{File: relpath.Display(at.Filename), Line: at.Line, Col: at.Column, Msg: fmt.Sprintf("%s is also declared by the generated %s; rename this declaration or generate into another package", n, r.cfg.FileName)})
		}
	}
	byIdent := map[string]*asset{}
	for _, a := range assets {
		if a.rejected {
			continue
		}
		id := naming.Ident(a.Logical)
		if reserved[id] {
			id += "File"
		}
		switch prev, dup := byIdent[id]; {
		case id == "":
			// A name of punctuation only gets no identifier; it is still
			// served and reachable through URL and Lookup.
		case dup:
			errs = append(errs, &Error{File: slash(a.src.Path), Msg: fmt.Sprintf("identifier %s is also the identifier of %s; rename one of the files or add one to -ignore", id, slash(prev.src.Path))})
		case decls[id] != "":
			errs = append(errs, &Error{File: slash(a.src.Path), Msg: fmt.Sprintf("identifier %s is already declared at %s; rename the file or the declaration", id, decls[id])})
		default:
			byIdent[id] = a
			a.ident = id
		}
	}
	return errs, nil
}

// packageDecls returns the top-level names declared in the package's other
// Go files, with their positions, so that an asset identifier that would
// clash with one is reported here rather than by the compiler.
func packageDecls(dir, generated string) (map[string]token.Position, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	out := map[string]token.Position{}
	fset := token.NewFileSet()
	for _, f := range files {
		if filepath.Base(f) == generated || strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			continue // the compiler will say what is wrong with it
		}
		for _, d := range af.Decls {
			for _, id := range declNames(d) {
				if id.Name != "_" {
					out[id.Name] = fset.Position(id.Pos())
				}
			}
		}
	}
	return out, nil
}

// realAbs returns the absolute path of an existing directory with symbolic
// links evaluated.
func realAbs(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("not a directory")
	}
	return real, nil
}

// within reports whether p is dir or lies below it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func slash(p string) string { return filepath.ToSlash(p) }

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// declNames returns the names a top-level declaration introduces.
func declNames(d ast.Decl) []*ast.Ident {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			return []*ast.Ident{d.Name}
		}
	case *ast.GenDecl:
		var out []*ast.Ident
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.ValueSpec:
				out = append(out, s.Names...)
			case *ast.TypeSpec:
				out = append(out, s.Name)
			}
		}
		return out
	}
	return nil
}

// realPath returns a file's absolute path with symbolic links evaluated.
// It has no links in it, which go:embed would refuse; a link that leads to
// a file inside the package is embedded by the name of its target. Parent
// directories are resolved once each, not once per file.
func (r *run) realPath(a *asset) (string, error) {
	if a.src.Symlink {
		return filepath.EvalSymlinks(a.abs)
	}
	dir := filepath.Dir(a.abs)
	real, ok := r.realDirs[dir]
	if !ok {
		var err error
		if real, err = filepath.EvalSymlinks(dir); err != nil {
			return "", err
		}
		r.realDirs[dir] = real
	}
	return filepath.Join(real, filepath.Base(a.abs)), nil
}
