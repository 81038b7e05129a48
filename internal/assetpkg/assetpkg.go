// Package assetpkg reads a package that assetgen generated, from its
// directory, the way the compiler will build it, for the commands that put
// its files outside the binary (collect, publish).
//
// The source of truth is the generated Go file, not manifest.json: the
// table it passes to runtime.New, read from its syntax tree (every field is
// a literal), and the files its //go:embed lines name. That is what a
// binary built from the directory serves, byte for byte, so the files
// outside can only differ from the binary's if the directory changed in
// between. Load checks what it can without compiling: the table is sorted,
// every name it uses is embedded, manifest.json (when there is one) says
// the same, and Read checks each file's bytes against the table's hash
// (decompressing variants), so a source edited since go generate is an
// error that says to run it, never a silently different file.
package assetpkg

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/internal/pkgformat"
	"github.com/assetgen/assetgen/internal/sri"
	"github.com/assetgen/assetgen/runtime"
)

// Package is a generated package as its directory holds it.
type Package struct {
	// Dir is the package directory, as given to Load.
	Dir string
	// GoFile is the generated Go file the table was read from, in Dir.
	GoFile string
	// Prefix is the default URL prefix the table was generated with.
	Prefix string
	// Files is the table passed to runtime.New, sorted by Path.
	Files []runtime.File
	// Refs lists, by file index, the files each one references (CSS
	// url() and @import, JavaScript imports), from manifest.json; nil
	// when the package has no manifest (generated with -manifest -).
	Refs [][]int
	// Imports are the import map's entries, passed to runtime.New after
	// the table.
	Imports []runtime.Import

	fsys fs.FS

	setOnce sync.Once
	set     *runtime.Set
	handler http.Handler
}

// FS returns the package directory as a file system, which is what the
// embedded file system holds under the same names.
func (p *Package) FS() fs.FS { return p.fsys }

// Set returns a new runtime.Set over the directory's files with the
// package's table: the same handler a binary built from the directory
// runs, reading from disk rather than from the binary.
func (p *Package) Set() *runtime.Set { return runtime.New(p.fsys, p.Prefix, p.Files, p.Imports...) }

// Headers returns the header fields the handler of a binary built from the
// directory sends with object o (Handler(), default options), taken from
// the handler's own answer to a HEAD request, so that a web server or a
// bucket given them cannot differ from the binary: Content-Type,
// Cache-Control, Content-Encoding, Vary, X-Content-Type-Options and the
// rest.
func (p *Package) Headers(o Object) (http.Header, error) {
	h, _, err := p.serve(o, http.MethodHead)
	return h, err
}

// Served returns what the package's handler sends for object o, header
// fields and body, byte for byte: a GET asking for o's coding alone. The
// handler keeps what it reads, so Headers and then Served read a file
// from disk once (the identity content of a file embedded only as gzip
// is decompressed again for each request); Check the body before
// trusting it.
func (p *Package) Served(o Object) (http.Header, []byte, error) {
	return p.serve(o, http.MethodGet)
}

func (p *Package) serve(o Object, method string) (http.Header, []byte, error) {
	p.setOnce.Do(func() {
		p.set = p.Set()
		p.handler = p.set.Handler()
	})
	h, b, err := serveObject(p.handler, httpserve.Mount(p.set.Prefix()), o, method)
	if err != nil && !errors.Is(err, ErrNotServed) {
		// Most likely a 500 for a file embedded in place and edited since
		// go generate, which Load cannot see without a manifest: say which.
		if verr := p.set.Verify(); verr != nil {
			return nil, nil, fmt.Errorf("%w\n%w", err, verr)
		}
	}
	return h, b, err
}

// HandlerHeaders returns the header fields handler h, a runtime.Set's
// handler mounted at mount, sends with object o: it serves h a HEAD
// request for o's name, asking for o's coding alone. A 404 is
// ErrNotServed; any other answer than a 200 with o's coding is an error.
func HandlerHeaders(h http.Handler, mount string, o Object) (http.Header, error) {
	hdr, _, err := serveObject(h, mount, o, http.MethodHead)
	return hdr, err
}

// serveObject serves h a request for object o with method, and returns
// the header fields and, for a GET, the body.
func serveObject(h http.Handler, mount string, o Object, method string) (http.Header, []byte, error) {
	r := &http.Request{
		Method: method,
		URL:    &url.URL{Path: mount + o.Name[:len(o.Name)-len(pkgformat.Suffix(o.Coding))]},
		Header: http.Header{"Accept-Encoding": {"identity"}},
	}
	if o.Coding != "" {
		r.Header.Set("Accept-Encoding", o.Coding)
	}
	w := &recorder{h: http.Header{}}
	if method == http.MethodGet {
		w.body = make([]byte, 0, o.Size)
	}
	h.ServeHTTP(w, r)
	if w.code == http.StatusNotFound {
		return nil, nil, ErrNotServed
	}
	if w.code != http.StatusOK || w.h.Get("Content-Encoding") != o.Coding {
		return nil, nil, fmt.Errorf("the handler answers %d %q for %s; want 200 %q", w.code, w.h.Get("Content-Encoding"), r.URL.Path, o.Coding)
	}
	return w.h, w.body, nil
}

// ErrNotServed is Headers' error for an object the handler does not
// serve at all, as a dot path (".well-known/x"): the binary answers 404,
// so the files outside leave it out too.
var ErrNotServed = errors.New("not served by the handler")

// recorder is the http.ResponseWriter serveObject serves into. It keeps
// the body only when body is not nil (a GET).
type recorder struct {
	h    http.Header
	code int
	body []byte
}

func (w *recorder) Header() http.Header { return w.h }
func (w *recorder) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *recorder) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.body != nil {
		w.body = append(w.body, b...)
	}
	return len(b), nil
}

// Load reads the generated package in dir.
func Load(dir string) (*Package, error) {
	goFile, src, err := findGenerated(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, goFile, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%v; run go generate", err)
	}
	p := &Package{Dir: dir, GoFile: goFile, fsys: os.DirFS(dir)}
	call, embedded, imports, err := findTable(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v; run go generate with this version of assetgen", slash(goFile), err)
	}
	pos := func(n ast.Node) string { return slash(fset.Position(n.Pos()).String()) }
	if p.Prefix, err = stringLit(call.Args[1]); err != nil {
		return nil, fmt.Errorf("%s: prefix: %v", pos(call.Args[1]), err)
	}
	// runtime.New panics on a prefix SetPrefix refuses.
	if _, why := httpserve.ParsePrefix(p.Prefix); why != "" {
		return nil, fmt.Errorf("%s: prefix %q: %s; run go generate with this version of assetgen", pos(call.Args[1]), p.Prefix, why)
	}
	if p.Files, err = files(call.Args[2], pos); err != nil {
		return nil, fmt.Errorf("%v; run go generate with this version of assetgen", err)
	}
	if imports != nil {
		if p.Imports, err = importList(imports, pos); err != nil {
			return nil, fmt.Errorf("%v; run go generate with this version of assetgen", err)
		}
	}
	if err := p.check(embedded); err != nil {
		return nil, fmt.Errorf("%s: %v", slash(goFile), err)
	}
	if err := p.checkManifest(); err != nil {
		return nil, err
	}
	return p, nil
}

// findGenerated returns the non-test Go file of dir that assetgen wrote
// with a table in it: the one whose header says so and that calls
// runtime.New (the development-mode file does neither).
func findGenerated(dir string) (string, []byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil, err
	}
	var found []string
	var src []byte
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", nil, err
		}
		if pkgformat.IsGo(b) && bytes.Contains(b, []byte("runtime.New(")) {
			found = append(found, name)
			src = b
		}
	}
	switch len(found) {
	case 0:
		return "", nil, fmt.Errorf("%s: no package generated by assetgen here; run go generate, or name the package directory", slash(dir))
	case 1:
		return filepath.Join(dir, found[0]), src, nil
	}
	return "", nil, fmt.Errorf("%s: several generated tables (%s); keep one", slash(dir), strings.Join(found, ", "))
}

// findTable finds `runtime.New(embedded, "prefix", []runtime.File{...})`,
// the names embedded into the variable it passes and the value of the
// imports variable, the import map, if there is one.
func findTable(f *ast.File) (call *ast.CallExpr, embedded []string, imports ast.Expr, err error) {
	rt := "runtime"
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == pkgformat.RuntimePath && imp.Name != nil {
			rt = imp.Name.Name
		}
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if g.Doc != nil && len(vs.Names) == 1 && hasEmbed(g.Doc) {
				names, err := embedNames(g.Doc)
				if err != nil {
					return nil, nil, nil, err
				}
				embedded = append(embedded, names...)
			}
			if len(vs.Names) == 1 && vs.Names[0].Name == "imports" && len(vs.Values) == 1 {
				imports = vs.Values[0]
			}
			for _, v := range vs.Values {
				c, ok := v.(*ast.CallExpr)
				if !ok || len(c.Args) < 3 { // a fourth is the import map
					continue
				}
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "New" {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == rt {
						call = c
					}
				}
			}
		}
	}
	if call == nil {
		return nil, nil, nil, errors.New("no runtime.New call with a table")
	}
	return call, embedded, imports, nil
}

// importList reads the []runtime.Import composite literal.
func importList(e ast.Expr, pos func(ast.Node) string) ([]runtime.Import, error) {
	return rows(e, "import", pos, func(im *runtime.Import, key string, v ast.Expr) (err error) {
		switch key {
		case "Specifier":
			im.Specifier, err = stringLit(v)
		case "File":
			var n int64
			n, err = intLit(v)
			im.File = int(n)
		default:
			err = errors.New("unknown field")
		}
		return err
	})
}

// rows reads a composite literal of keyed struct literals, one T per row,
// as the generated file writes the table, its encodings and its imports:
// set stores one field. An error is at the position of what is wrong.
func rows[T any](e ast.Expr, what string, pos func(ast.Node) string, set func(row *T, key string, v ast.Expr) error) ([]T, error) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, positioned{fmt.Errorf("%s: the %s list is not a composite literal", pos(e), what)}
	}
	out := make([]T, len(lit.Elts))
	for i, elt := range lit.Elts {
		row, ok := elt.(*ast.CompositeLit)
		if !ok {
			return nil, positioned{fmt.Errorf("%s: an %s is not a composite literal", pos(elt), what)}
		}
		for _, x := range row.Elts {
			kv, _ := x.(*ast.KeyValueExpr)
			var key *ast.Ident
			if kv != nil {
				key, _ = kv.Key.(*ast.Ident)
			}
			if key == nil {
				return nil, positioned{fmt.Errorf("%s: %s field without a name for a key", pos(x), what)}
			}
			if err := set(&out[i], key.Name, kv.Value); err != nil {
				if errors.As(err, new(positioned)) {
					return nil, err // a nested list's, at its own position
				}
				return nil, positioned{fmt.Errorf("%s: %s %s: %v", pos(x), what, key.Name, err)}
			}
		}
	}
	return out, nil
}

// positioned is an error that starts with its file:line:col.
type positioned struct{ error }

func hasEmbed(doc *ast.CommentGroup) bool {
	for _, c := range doc.List {
		if strings.HasPrefix(c.Text, "//go:embed ") {
			return true
		}
	}
	return false
}

// embedNames reads the names of //go:embed lines, as assetgen writes
// them: one name a line, quoted when it holds a space or a quote.
func embedNames(doc *ast.CommentGroup) ([]string, error) {
	var names []string
	for _, c := range doc.List {
		arg, ok := strings.CutPrefix(c.Text, "//go:embed ")
		if !ok {
			continue
		}
		arg = strings.TrimSpace(arg)
		if strings.HasPrefix(arg, `"`) || strings.HasPrefix(arg, "`") {
			u, err := strconv.Unquote(arg)
			if err != nil {
				return nil, fmt.Errorf("go:embed %s: %v", arg, err)
			}
			arg = u
		}
		names = append(names, arg)
	}
	return names, nil
}

// files reads the []runtime.File composite literal, the table.
func files(e ast.Expr, pos func(ast.Node) string) ([]runtime.File, error) {
	return rows(e, "entry", pos, func(f *runtime.File, key string, v ast.Expr) (err error) {
		switch key {
		case "Path":
			f.Path, err = stringLit(v)
		case "HashedPath":
			f.HashedPath, err = stringLit(v)
		case "Name":
			f.Name, err = stringLit(v)
		case "Integrity":
			f.Integrity, err = stringLit(v)
		case "ContentType":
			f.ContentType, err = stringLit(v)
		case "Size":
			f.Size, err = intLit(v)
		case "Immutable":
			f.Immutable, err = boolLit(v)
		case "Encodings":
			f.Encodings, err = encodings(v, pos)
		case "Module":
			f.Module, err = boolLit(v)
		case "Preload":
			f.Preload, err = intList(v)
		case "Lazy":
			f.Lazy, err = intList(v)
		default:
			err = errors.New("unknown field")
		}
		return err
	})
}

// encodings reads an entry's []runtime.Encoding.
func encodings(e ast.Expr, pos func(ast.Node) string) ([]runtime.Encoding, error) {
	return rows(e, "encoding", pos, func(enc *runtime.Encoding, key string, v ast.Expr) (err error) {
		switch key {
		case "Coding":
			enc.Coding, err = stringLit(v)
		case "Name":
			enc.Name, err = stringLit(v)
		case "Size":
			enc.Size, err = intLit(v)
		default:
			err = errors.New("unknown field")
		}
		return err
	})
}

func intList(e ast.Expr) ([]int, error) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, errors.New("not a composite literal")
	}
	out := make([]int, len(lit.Elts))
	for i, x := range lit.Elts {
		n, err := intLit(x)
		if err != nil {
			return nil, err
		}
		out[i] = int(n)
	}
	return out, nil
}

func stringLit(e ast.Expr) (string, error) {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		return strconv.Unquote(b.Value)
	}
	return "", errors.New("not a string literal")
}

func intLit(e ast.Expr) (int64, error) {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.INT {
		return strconv.ParseInt(b.Value, 0, 64)
	}
	return 0, errors.New("not an integer literal")
}

func boolLit(e ast.Expr) (bool, error) {
	if id, ok := e.(*ast.Ident); ok && (id.Name == "true" || id.Name == "false") {
		return id.Name == "true", nil
	}
	return false, errors.New("not true or false")
}

// check applies the rules runtime.New and the compiler would: a sorted
// table without duplicates, names that are embedded, and identity bytes
// or a gzip variant for every file.
func (p *Package) check(embedded []string) error {
	emb := make(map[string]bool, len(embedded))
	for _, n := range embedded {
		emb[n] = true
	}
	for i, f := range p.Files {
		if i > 0 && p.Files[i-1].Path >= f.Path {
			return fmt.Errorf("table not sorted at %q; run go generate", f.Path)
		}
		if !fs.ValidPath(f.Path) || !fs.ValidPath(f.HashedPath) {
			return fmt.Errorf("%q: invalid path in table", f.Path)
		}
		names := []string{f.Name}
		for _, e := range f.Encodings {
			names = append(names, e.Name)
		}
		for _, n := range names {
			if n != "" && !emb[n] {
				return fmt.Errorf("%q: %s is not embedded; run go generate", f.Path, n)
			}
		}
		if f.Name == "" && !slices.ContainsFunc(f.Encodings, func(e runtime.Encoding) bool { return e.Coding == pkgformat.Gzip }) {
			return fmt.Errorf("%q: no embedded content and no gzip variant", f.Path)
		}
	}
	return nil
}

// checkManifest compares manifest.json, when the directory has one that
// assetgen wrote, with the table: the two are written together, so a
// difference means one was edited or is left from another run. It also
// checks the sources the manifest records (ChangedSources).
func (p *Package) checkManifest() error {
	name := filepath.Join(p.Dir, "manifest.json")
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	m, err := pkgformat.ReadManifest(b)
	if err != nil {
		return nil // not assetgen's manifest; the table alone counts
	}
	stale := func(path string) error {
		return fmt.Errorf("%s: %q differs from %s; run go generate", slash(name), path, slash(p.GoFile))
	}
	if len(m.Assets) != len(p.Files) {
		return fmt.Errorf("%s: %d assets, %s has %d; run go generate", slash(name), len(m.Assets), slash(p.GoFile), len(p.Files))
	}
	index := make(map[string]int, len(p.Files))
	for i, f := range p.Files {
		index[f.Path] = i
	}
	refs := make([][]int, len(p.Files))
	for i, f := range p.Files {
		e, ok := m.Assets[f.Path]
		if !ok || e.HashedPath != f.HashedPath || e.Integrity != f.Integrity || e.Embedded != f.Name {
			return stale(f.Path)
		}
		for _, r := range e.Refs {
			j, ok := index[r]
			if !ok {
				return stale(f.Path)
			}
			refs[i] = append(refs[i], j)
		}
	}
	p.Refs = refs
	// A source edited since go generate leaves the table and the copies
	// the package embeds as they were, and they would ship in their old
	// version without a word.
	return errors.Join(m.ChangedSources(p.Dir, "")...)
}

func slash(p string) string { return filepath.ToSlash(p) }

// An Object is one file to put outside the binary: a file's identity
// content or one precompressed variant, under the name a web server or a
// bucket holds it by.
type Object struct {
	// Name is the served name, relative to the prefix: the hashed (or,
	// for an unhashed copy, logical) path, plus ".br", ".gz" or ".zst" for
	// a variant, the names nginx's brotli_static and gzip_static look for.
	Name string
	// File is the index of the file in Package.Files.
	File int
	// Coding is the variant's content coding, "" for identity.
	Coding string
	// Hashed says Name is a fingerprinted name, cached as immutable.
	Hashed bool
	// Size is the object's size in bytes.
	Size int64
}

// hashed reports whether file f is served under a fingerprinted name
// (HashedPath), and so cached as immutable.
func hashed(f *runtime.File) bool { return pkgformat.Hashed(f.Path, f.HashedPath, f.Immutable) }

// Objects returns the objects of every file in table order, each file's
// variants before its identity content. With unhashed, a file with a
// fingerprinted name is also listed under its logical path, as Django's
// collectstatic writes both, unless that path is another file's
// fingerprinted name, which the handler serves there instead. Like the
// handler, it keeps one variant per coding and ignores codings the
// handler does not serve.
func (p *Package) Objects(unhashed bool) []Object {
	fingerprinted := make(map[string]bool, len(p.Files))
	for i := range p.Files {
		if hashed(&p.Files[i]) {
			fingerprinted[p.Files[i].HashedPath] = true
		}
	}
	var out []Object
	for i := range p.Files {
		f := &p.Files[i]
		out = append(out, objects(f, i, f.HashedPath, hashed(f))...)
		if unhashed && hashed(f) && !fingerprinted[f.Path] {
			out = append(out, objects(f, i, f.Path, false)...)
		}
	}
	return out
}

func objects(f *runtime.File, i int, name string, hashed bool) []Object {
	var out []Object
	seen := map[string]bool{}
	for _, e := range f.Encodings {
		if pkgformat.Suffix(e.Coding) == "" || seen[e.Coding] {
			continue
		}
		seen[e.Coding] = true
		out = append(out, Object{Name: name + pkgformat.Suffix(e.Coding), File: i, Coding: e.Coding, Hashed: hashed, Size: e.Size})
	}
	return append(out, Object{Name: name, File: i, Hashed: hashed, Size: f.Size})
}

// Read returns an object's bytes, checked against the table (read, then
// Check).
func (p *Package) Read(o Object) ([]byte, error) {
	b, err := p.raw(o)
	if err != nil {
		return nil, err
	}
	return b, p.Check(o, b)
}

// raw returns an object's bytes as the package holds them, unchecked.
func (p *Package) raw(o Object) ([]byte, error) {
	f := &p.Files[o.File]
	var b []byte
	var err error
	if o.Coding == "" && f.Name == "" {
		b, err = p.decompressed(f)
	} else {
		b, err = fs.ReadFile(p.fsys, p.embeddedName(f, o.Coding))
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Check checks an object's bytes against the table: its size; the identity content
// must hash to the file's Integrity, and a variant must decompress to
// content that does. A mismatch means the source changed since go
// generate, and the error says so.
func (p *Package) Check(o Object, b []byte) error {
	f := &p.Files[o.File]
	if int64(len(b)) != o.Size {
		return p.stale(f, o, fmt.Sprintf("%d bytes, the table says %d", len(b), o.Size))
	}
	content := b
	if o.Coding != "" {
		var err error
		if content, err = Decode(o.Coding, b); err != nil {
			return p.stale(f, o, fmt.Sprintf("%s variant does not decode: %v", o.Coding, err))
		}
	}
	if got := sri.Bytes(content); got != f.Integrity {
		return p.stale(f, o, "content hash differs from the table's")
	}
	return nil
}

func (p *Package) stale(f *runtime.File, o Object, why string) error {
	name := p.embeddedName(f, o.Coding)
	if name == "" {
		name = p.embeddedName(f, pkgformat.Gzip)
	}
	return fmt.Errorf("%s: %s; the file changed since go generate: run it again", slash(filepath.Join(p.Dir, name)), why)
}

// embeddedName returns the embedded name of file f's identity content
// (coding "") or of its variant.
func (p *Package) embeddedName(f *runtime.File, coding string) string {
	if coding == "" {
		return f.Name
	}
	for _, e := range f.Encodings {
		if e.Coding == coding {
			return e.Name
		}
	}
	return ""
}

// decompressed returns the identity content of a file embedded only as
// gzip, as the handler sends it to a client that accepts no coding.
func (p *Package) decompressed(f *runtime.File) ([]byte, error) {
	gz, err := fs.ReadFile(p.fsys, p.embeddedName(f, pkgformat.Gzip))
	if err != nil {
		return nil, err
	}
	return Decode(pkgformat.Gzip, gz)
}

// maxDecoded bounds what a variant may decode to, so that a corrupt or
// hostile variant cannot exhaust memory before its hash is checked.
const maxDecoded = 1 << 30

// Decode returns the content a variant in coding b decodes to, at most
// 1 GiB: the one decoder of each coding pkgformat names, which it cannot
// hold itself because the runtime imports it and these need third-party
// code.
func Decode(coding string, b []byte) ([]byte, error) {
	var r io.Reader
	switch coding {
	case pkgformat.Brotli:
		r = brotli.NewReader(bytes.NewReader(b))
	case pkgformat.Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r = zr
	case pkgformat.Zstd:
		zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("unknown coding %q", coding)
	}
	return io.ReadAll(io.LimitReader(r, maxDecoded))
}

// SHA256 returns the hex SHA-256 of b, as publish stores it in object
// metadata.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
