package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/assetgen/assetgen/gen/internal/build"
	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/gen/internal/dirstat"
	"github.com/assetgen/assetgen/gen/internal/emit"
	"github.com/assetgen/assetgen/gen/internal/naming"
	"github.com/assetgen/assetgen/gen/internal/rewrite"
	"github.com/assetgen/assetgen/gen/internal/txwrite"
	"github.com/assetgen/assetgen/internal/pkgformat"
	"github.com/assetgen/assetgen/internal/sri"
)

// emitAndWrite renders everything in memory, checks that no output would
// overwrite something assetgen did not write, then writes, and records
// the tree for the next run (res is what it replays). It returns how many
// files it copied into the owned directory and which outputs changed.
func (r *run) emitAndWrite(ctx context.Context, res *Result, b built) (copied int, written []string, err error) {
	owned, err := r.ownedFiles(b)
	if err != nil {
		return 0, nil, err
	}
	pkg := r.pkg(b)
	devPkg := r.devPackage(b.viteOnly)
	names := []string{r.cfg.FileName}
	if r.cfg.Manifest != "-" {
		names = append(names, r.cfg.Manifest)
	}
	if devPkg != nil {
		names = append(names, emit.DevFileName(r.cfg.FileName))
	}
	key, keyed := r.outputKey(pkg, devPkg, names)
	if keyed && r.outputsCurrent(key, names) {
		if copied, _, err = r.writer().Write(ctx, owned, nil); err != nil {
			return 0, nil, err
		}
		r.recordTree(key, res)
		return copied, nil, nil
	}
	// The outputs are rendered and compared below; either way they are
	// then what this key renders to, and the next run can trust them.
	outs := make([]txwrite.File, len(names))
	for i, n := range names {
		outs[i].Name = n
	}
	if err := r.checkOutputs(outs, b.assets); err != nil {
		return 0, nil, err
	}
	var oldManifest []byte
	if r.cfg.Manifest != "-" {
		oldManifest = outs[1].Old
	}
	code, js, err := r.render(pkg, key, keyed, outs[0].Old, oldManifest)
	if err != nil {
		return 0, nil, err
	}
	outs[0].Data = code
	if r.cfg.Manifest != "-" {
		outs[1].Data = js
	}
	if devPkg != nil {
		if outs[len(outs)-1].Data, err = emit.DevGo(devPkg); err != nil {
			return 0, nil, err
		}
	}
	if copied, written, err = r.writer().Write(ctx, owned, outs); err != nil {
		return 0, nil, err
	}
	data := make([][]byte, len(outs))
	wrote := make([]bool, len(outs))
	for i, o := range outs {
		data[i], wrote[i] = o.Data, o.Old == nil || !bytes.Equal(o.Old, o.Data)
	}
	if keyed {
		r.recordOutputs(key, names, data, wrote)
		r.recordTree(key, res)
	}
	return copied, written, nil
}

// devPackage describes the development-mode file (built only with the
// assetgen_dev tag; see package gen/dev), which records where the sources
// are relative to the module so that it is the same on every machine. A
// package outside any module gets none: dev mode could not find its
// sources again.
func (r *run) devPackage(viteOnly []string) *emit.DevPackage {
	root, module := moduleOf(r.outAbs)
	if root == "" {
		return nil
	}
	rel := func(base, p string) string {
		abs, err := filepath.Abs(p)
		if err != nil {
			return filepath.ToSlash(p)
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		if r, err := filepath.Rel(base, abs); err == nil {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(abs)
	}
	set := r.cfg.Settings
	set.Dirs = nil
	for _, d := range r.cfg.Dirs {
		set.Dirs = append(set.Dirs, rel(r.outAbs, d))
	}
	set.Prehashed = slices.Clone(r.cfg.Prehashed)
	for _, l := range viteOnly { // as exact patterns, so dev mode keeps their names too
		set.Prehashed = append(set.Prehashed, globEscape(l))
	}
	return &emit.DevPackage{Name: r.cfg.Package, Module: module, Package: rel(root, r.outAbs), Settings: set}
}

// globEscape quotes path.Match's metacharacters, so the pattern matches
// only the path itself.
func globEscape(p string) string {
	var b strings.Builder
	for _, c := range p {
		if strings.ContainsRune(`*?[]\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// moduleOf returns the root and path of the module holding dir: the
// nearest go.mod at or above it.
func moduleOf(dir string) (root, module string) {
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			return d, modfile.ModulePath(b)
		}
		if filepath.Dir(d) == d {
			return "", ""
		}
	}
}

// embedName is an asset's name in the embed.FS: where it lies, or for an
// owned one, its copy in the owned directory, named by content hash.
func embedName(a *asset, f final) string {
	if !f.owned {
		return a.inPlace
	}
	return OwnedDir + "/" + hex.EncodeToString(f.sum[:16]) + safeExt(a.Logical)
}

// ownedFiles lists the copies in the owned directory, named by content hash so
// that identical content is stored once and a rename never rewrites a file.
func (r *run) ownedFiles(b built) ([]txwrite.File, error) {
	var out []txwrite.File
	seen := map[string]bool{}
	for i, a := range b.assets {
		f := b.finals[i]
		if !f.owned {
			continue
		}
		name := embedName(a, f)
		if seen[name] || r.identityOmitted(b.variants, i) {
			continue
		}
		seen[name] = true
		c, err := r.ownedCopy(name, f.content)
		if err != nil {
			return nil, &Error{File: slash(a.src.Path), Msg: err.Error()}
		}
		out = append(out, c)
	}
	for _, vs := range b.variants {
		for _, v := range vs {
			if !seen[v.name] {
				seen[v.name] = true
				out = append(out, txwrite.File{Name: v.name, Data: v.data, Tmp: v.tmp, Sum: v.tmpSum})
			}
		}
	}
	slices.SortFunc(out, func(a, b txwrite.File) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// ownedCopy is the copy of c named name in the owned directory: its bytes
// if hash kept them, else nothing to write if the copy is already there,
// else the file read again into a temporary file, which the writer
// renames into place.
func (r *run) ownedCopy(name string, c content) (txwrite.File, error) {
	if c.kept() {
		data, err := c.bytes()
		return txwrite.File{Name: name, Data: data}, err
	}
	if r.copyIntact(name) {
		return txwrite.File{Name: name}, nil
	}
	src, done, err := c.open()
	if err != nil {
		return txwrite.File{}, err
	}
	defer done()
	s, err := r.newFileSink("")
	if err == nil {
		_, err = io.Copy(s, io.NewSectionReader(src, 0, c.size))
	}
	if err == nil {
		err = done()
	}
	if err == nil {
		err = s.Keep()
	}
	if err != nil {
		if s != nil {
			s.remove()
		}
		return txwrite.File{}, err
	}
	return txwrite.File{Name: name, Tmp: s.f.Name(), Sum: s.sum}, nil
}

// safeExt keeps a copy's extension, for people who look in the directory,
// when it is plain enough to be any file name.
func safeExt(logical string) string {
	_, ext := naming.SplitExt(path.Base(logical))
	if i := strings.LastIndexByte(ext, '.'); i > 0 {
		ext = ext[i:]
	}
	if plainExt(ext) {
		return strings.ToLower(ext)
	}
	return ""
}

// plainExt reports whether ext is a dot and 1 to 10 ASCII letters and
// digits. It is a loop, not a regexp, so that no run pays for compiling
// one when the program starts.
func plainExt(ext string) bool {
	if len(ext) < 2 || len(ext) > 11 || ext[0] != '.' {
		return false
	}
	for _, c := range []byte(ext[1:]) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// identityOmitted reports whether only an asset's compressed variants are
// embedded (Config.CompressedOnly), which needs a gzip variant to decode.
func (r *run) identityOmitted(variants [][]variant, i int) bool {
	if !r.cfg.CompressedOnly || variants == nil {
		return false
	}
	for _, v := range variants[i] {
		if v.coding == compress.Gzip {
			return true
		}
	}
	return false
}

// pkg builds the model that emit renders.
func (r *run) pkg(b built) *emit.Package {
	p := &emit.Package{Name: r.cfg.Package, Prefix: r.cfg.Prefix, Compressor: r.compressor(), Assets: make([]emit.Asset, 0, len(b.assets))}
	modules, hints, imports := hints(b, r.cfg.Preload)
	p.Imports = imports
	for i, a := range b.assets {
		n, f := &b.graph.nodes[i], b.finals[i]
		var encs []pkgformat.Encoding
		if b.variants != nil {
			for _, v := range b.variants[i] {
				encs = append(encs, pkgformat.Encoding{Coding: v.coding, Name: v.name, Size: v.size})
			}
		}
		name := embedName(a, f)
		if r.identityOmitted(b.variants, i) {
			name = ""
		}
		var refs []string
		seen := map[*build.Node]bool{}
		for _, ref := range n.Refs {
			if !seen[ref.Target] {
				seen[ref.Target] = true
				refs = append(refs, ref.Target.Logical)
			}
		}
		slices.Sort(refs)
		p.Assets = append(p.Assets, emit.Asset{
			Refs:        refs,
			Module:      modules[i],
			Preload:     hints[i].preload,
			Lazy:        hints[i].lazy,
			Immutable:   a.Prehashed,
			Encodings:   encs,
			Ident:       a.ident,
			Path:        a.Logical,
			HashedPath:  n.Hashed,
			Name:        name,
			Source:      relTo(r.outAbs, a.abs),
			SourceSum:   sri.Of(b.hashes[i].sum),
			Integrity:   sri.Of(f.sum),
			ContentType: b.hashes[i].contentType,
			Size:        f.size,
		})
	}
	for _, al := range b.aliases {
		p.Aliases = append(p.Aliases, emit.Alias{Ident: al.ident, Source: al.source, Index: al.target})
	}
	slices.SortFunc(p.Aliases, func(a, b emit.Alias) int { return strings.Compare(a.Ident, b.Ident) })
	return p
}

// edges are what one asset makes the browser fetch, by asset index.
type edges struct{ preload, lazy []int }

// hints returns, for the runtime's preload and import map support, which
// assets are ES modules, what each asset makes the browser fetch (its
// static imports, @import rules and the url() targets the preload
// patterns name; its dynamic imports and new URL() targets), and the
// import map's entries, sorted by specifier; all by asset index.
func hints(b built, preload []string) (modules []bool, hints []edges, imports []emit.Import) {
	nodes := b.graph.nodes
	index := make(map[*build.Node]int, len(nodes))
	for i := range nodes {
		index[&nodes[i]] = i
	}
	modules, hints = make([]bool, len(nodes)), make([]edges, len(nodes))
	critical := func(logical string) bool {
		for _, p := range preload {
			if ok, _ := path.Match(p, logical); ok {
				return true
			}
		}
		return false
	}
	specs := map[string]int{}
	for i := range nodes {
		n := &nodes[i]
		if strings.EqualFold(path.Ext(n.Logical), ".mjs") {
			modules[i] = true
		}
		var e edges
		seen := map[int]bool{}
		add := func(list *[]int, j int) {
			if !seen[j] {
				seen[j] = true
				*list = append(*list, j)
			}
		}
		refs := append(slices.Clone(b.graph.bare[i]), n.Refs...)
		slices.SortStableFunc(refs, func(x, y build.Ref) int { return x.Start - y.Start })
		for _, ref := range refs {
			j, ok := index[ref.Target]
			if !ok {
				continue
			}
			switch ref.Kind {
			case rewrite.KindImport, rewrite.KindExport:
				modules[i], modules[j] = true, true
				add(&e.preload, j)
			case rewrite.KindDynamicImport:
				modules[i], modules[j] = true, true
				add(&e.lazy, j)
			case rewrite.KindNewURL:
				add(&e.lazy, j)
			case rewrite.KindImportRule:
				add(&e.preload, j)
			case rewrite.KindURL, rewrite.KindImageSet:
				if critical(ref.Target.Logical) {
					add(&e.preload, j)
				}
			}
		}
		for _, ref := range b.graph.bare[i] {
			specs[ref.URL] = index[ref.Target]
		}
		hints[i] = e
	}
	for s, j := range specs {
		imports = append(imports, emit.Import{Specifier: s, Index: j})
	}
	slices.SortFunc(imports, func(a, b emit.Import) int { return strings.Compare(a.Specifier, b.Specifier) })
	return modules, hints, imports
}

// relTo names a source file relative to the package directory, which is
// the same on every machine, unlike an absolute path.
func relTo(base, abs string) string {
	if rel, err := filepath.Rel(base, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// checkOutputs reads the current outputs, once, and refuses to overwrite a
// file that assetgen did not generate, or to write where a source directory
// lies.
func (r *run) checkOutputs(outs []txwrite.File, assets []*asset) error {
	var errs ErrorList
	ownedAbs := filepath.Join(r.outAbs, OwnedDir)
	for _, d := range r.cfg.Dirs {
		if abs, err := realAbs(d); err == nil && within(abs, ownedAbs) {
			errs = append(errs, &Error{File: slash(d), Msg: fmt.Sprintf("source directory lies in %s, which assetgen owns and rewrites; move the files elsewhere", OwnedDir)})
		}
	}
	for i := range outs {
		o := &outs[i]
		file := filepath.Join(r.cfg.OutDir, o.Name)
		old, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, &Error{File: slash(file), Msg: fmt.Sprintf("cannot read existing output: %v", unwrapPathErr(err))})
			continue
		}
		o.Old = old
		if !generatedByUs(o.Name, old) {
			errs = append(errs, &Error{File: slash(file), Msg: "exists and was not written by assetgen; move it away, or choose another name with -file or -manifest"})
		}
		if fi, err := os.Stat(file); err == nil {
			for _, a := range assets {
				if dirstat.SameFile(fi, a.src.Info) {
					errs = append(errs, &Error{File: slash(file), Msg: "output would overwrite an input; choose another -o, -file or -manifest"})
				}
			}
		}
	}
	return errs.err()
}

// generatedByUs recognises assetgen's own Go files by their header and
// manifests by their generator field.
func generatedByUs(name string, data []byte) bool {
	if strings.HasSuffix(name, ".go") {
		return pkgformat.IsGo(data)
	}
	return pkgformat.IsManifest(data)
}

// writer writes the run's package: the outputs and the copies in the
// owned directory, all or nothing (see package txwrite). The hash cache
// checks copies for it and learns what it wrote.
func (r *run) writer() *txwrite.Writer {
	w := &txwrite.Writer{Dir: r.cfg.OutDir, Owned: OwnedDir, GoFile: r.cfg.FileName, Intact: r.copyIntact, Wrote: r.wroteCopy}
	if r.hooks != nil {
		w.Step = r.hooks.step
	}
	return w
}

// wroteCopy tells the hash cache what a copy this run wrote holds, so that
// the next run need not read it to check it (see cache.Hashes.StoreWritten).
func (r *run) wroteCopy(name string, sum [sha256.Size]byte) {
	abs := filepath.Join(r.outAbs, filepath.FromSlash(name))
	if fi, err := os.Stat(abs); err == nil {
		r.hashCache().StoreWritten(abs, fi, cache.Entry{Sum: sum, Size: fi.Size()})
	}
}

// copyIntact reports whether a copy in the owned directory, name being
// slash-separated and relative to the output directory, holds the content
// its name promises: the first 16 bytes of its SHA-256, in hex, start its
// name. The hash cache vouches for a copy unchanged (same size, times and
// inode) since it was last read or written; any other is read.
func (r *run) copyIntact(name string) bool {
	want, err := hex.DecodeString(strings.SplitN(path.Base(name), ".", 2)[0])
	if err != nil || len(want) != 16 {
		return false
	}
	abs := filepath.Join(r.outAbs, filepath.FromSlash(name))
	fi, err := os.Stat(abs)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	c := r.hashCache()
	if e, ok := c.Lookup(abs, fi); ok && bytes.Equal(e.Sum[:16], want) {
		return true
	}
	r.reread.Add(1)
	b, err := os.ReadFile(abs)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(b)
	if !bytes.Equal(sum[:16], want) {
		return false
	}
	c.Store(abs, fi, cache.Entry{Sum: sum, Size: int64(len(b))})
	return true
}
