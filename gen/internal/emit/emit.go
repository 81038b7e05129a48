// Package emit renders the generated Go file and the JSON manifest from the
// in-memory asset set. Rendering is a pure function of its input: the same
// Package renders to the same bytes on every machine.
package emit

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/assetgen/assetgen/internal/pkgformat"
)

const runtimePath = pkgformat.RuntimePath

// Reserved are the names the generated package declares itself; an asset
// identifier must not take one.
var Reserved = []string{"All", "CheckTemplates", "FS", "File", "FuncMap", "Handler", "HandlerWith", "Lookup", "MustURL", "Prefix", "Set", "SetPrefix", "URL"}

// Package is what the generated file declares.
type Package struct {
	Name       string   // package name
	Prefix     string   // default URL prefix
	Assets     []Asset  // sorted by Path
	Compressor string   // identifies the compressors that made Encodings
	Aliases    []Alias  // extra identifiers, from a Vite manifest
	Imports    []Import // the import map's entries, sorted by Specifier
}

// Import is an entry of the import map: a bare module specifier and the
// asset it names.
type Import struct {
	Specifier string
	Index     int // into Assets
}

// Alias is an extra identifier for an asset, named after the source file a
// bundler built it from.
type Alias struct {
	Ident  string
	Source string // "src/main.ts"
	Index  int    // into Assets
}

// Asset is one row of the table and, when Ident is set, one identifier.
type Asset struct {
	Ident       string
	Path        string
	HashedPath  string
	Name        string // name in the embed.FS, relative to the package directory
	Source      string // where it came from, relative to the package directory, slash-separated
	SourceSum   string // SRI-form SHA-256 of the source's bytes as read, for the manifest
	Integrity   string
	ContentType string
	Size        int64
	Refs        []string             // logical paths this asset references
	Encodings   []pkgformat.Encoding // precompressed variants, in order of preference
	Immutable   bool                 // Path already carries a content hash
	Module      bool                 // an ES module (runtime.File.Module)
	Preload     []int                // into Assets: what the browser fetches next
	Lazy        []int                // into Assets: dynamic import() and new URL()
}

// Go renders the generated Go source, gofmt'ed.
func Go(p *Package) ([]byte, error) {
	f := jen.NewFile(p.Name)
	f.HeaderComment(pkgformat.Header)
	f.ImportName(runtimePath, "runtime")
	f.ImportName("embed", "embed")
	f.ImportName("io/fs", "fs")
	f.ImportName("iter", "iter")
	f.ImportName("net/http", "http")

	f.Comment("The runtime must read tables of this generation; if it cannot, this fails to compile.")
	f.Const().Id("_").Op("=").Qual(runtimePath, "GeneratedV1")
	f.Line()

	f.Add(embedComments(p.Assets))
	f.Var().Id("embedded").Qual("embed", "FS")
	f.Line()

	f.Comment("set holds every asset of this package, sorted by logical path.")
	args := []jen.Code{
		jen.Id("embedded"),
		jen.Lit(p.Prefix),
		jen.Index().Qual(runtimePath, "File").Values(jen.Id(rowsMark)),
	}
	if len(p.Imports) > 0 {
		args = append(args, jen.Id("imports").Op("..."))
	}
	f.Var().Id("set").Op("=").Qual(runtimePath, "New").Call(args...)
	if len(p.Imports) > 0 {
		f.Line()
		f.Comment("imports is the import map: each bare module specifier that a module of")
		f.Comment("this package imports, and the asset it names.")
		f.Var().Id("imports").Op("=").Index().Qual(runtimePath, "Import").ValuesFunc(func(g *jen.Group) {
			for _, im := range p.Imports {
				g.Line().Values(jen.Id("Specifier").Op(":").Lit(im.Specifier), jen.Id("File").Op(":").Lit(im.Index))
			}
			g.Line()
		})
	}
	f.Line()

	fileType(f)
	f.Comment("One constant per asset. Referring to an asset by its constant makes")
	f.Comment("deleting or renaming its file a compile-time error.")
	f.Const().DefsFunc(func(g *jen.Group) {
		for i, a := range p.Assets {
			if a.Ident == "" {
				continue
			}
			g.Commentf("%s is %s, from %s.", a.Ident, a.Path, a.Source)
			g.Id(a.Ident).Id("File").Op("=").Lit(i)
		}
		for _, al := range p.Aliases {
			g.Commentf("%s is the build of %s: %s.", al.Ident, al.Source, p.Assets[al.Index].Path)
			g.Id(al.Ident).Id("File").Op("=").Lit(al.Index)
		}
	})
	f.Line()
	api(f)

	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("rendering generated code: %w", err)
	}
	out, err := spliceRows(buf.Bytes(), p.Assets)
	if err != nil {
		return nil, err
	}
	return groupImports(out), nil
}

// rowsMark stands for the table's rows while jennifer renders the file.
// The rows, one line each, are written by spliceRows after go/format has
// run: formatting 10,000 of them through jennifer and go/format cost more
// than reading and hashing the files they describe, and a composite
// literal with one element per line is already gofmt'ed as written (no
// alignment happens within or across such lines). TestRowsAsJennifer
// checks the result against jennifer's own rendering.
const rowsMark = "assetgenRowsMark"

func spliceRows(src []byte, assets []Asset) ([]byte, error) {
	// The mark ends the line that declares set, before its closing
	// parenthesis or the import map's argument, whatever the prefix and
	// the asset names elsewhere in the file hold.
	mark := []byte(".File{" + rowsMark + "}")
	start := bytes.Index(src, []byte("\nvar set = "))
	end := -1
	if start >= 0 {
		end = bytes.IndexByte(src[start+1:], '\n') + start + 1
	}
	i := -1
	if start >= 0 && end > start {
		i = bytes.LastIndex(src[start:end], mark) + start
	}
	j := bytes.LastIndex(src[start+1:max(i, start+1)], []byte("[]")) + start + 1
	if start < 0 || end <= start || i < start || j <= start {
		return nil, fmt.Errorf("rendering generated code: table marker not found")
	}
	q := string(src[j+2 : i]) // the runtime package's name in this file
	var b bytes.Buffer
	b.Grow(len(src) + 300*len(assets))
	b.Write(src[:i])
	b.WriteString(".File{")
	if len(assets) > 0 {
		b.WriteByte('\n')
	}
	for _, a := range assets {
		b.WriteByte('\t')
		writeRow(&b, a, q)
		b.WriteString(",\n")
	}
	b.WriteByte('}')
	b.Write(src[i+len(mark):])
	return b.Bytes(), nil
}

// writeRow writes one File literal as gofmt would, optional fields only
// when set; q names the runtime package.
func writeRow(b *bytes.Buffer, a Asset, q string) {
	str := func(name, v string) {
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(strconv.Quote(v))
	}
	b.WriteByte('{')
	str("Path", a.Path)
	str(", HashedPath", a.HashedPath)
	str(", Name", a.Name)
	str(", Integrity", a.Integrity)
	str(", ContentType", a.ContentType)
	b.WriteString(", Size: ")
	b.WriteString(strconv.FormatInt(a.Size, 10))
	if len(a.Encodings) > 0 {
		b.WriteString(", Encodings: []")
		b.WriteString(q)
		b.WriteString(".Encoding{")
		for i, e := range a.Encodings {
			if i > 0 {
				b.WriteString(", ")
			}
			str("{Coding", e.Coding)
			str(", Name", e.Name)
			b.WriteString(", Size: ")
			b.WriteString(strconv.FormatInt(e.Size, 10))
			b.WriteByte('}')
		}
		b.WriteByte('}')
	}
	if a.Immutable {
		b.WriteString(", Immutable: true")
	}
	if a.Module {
		b.WriteString(", Module: true")
	}
	ints := func(name string, v []int) {
		if len(v) == 0 {
			return
		}
		b.WriteString(", " + name + ": []int{")
		for i, n := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte('}')
	}
	ints("Preload", a.Preload)
	ints("Lazy", a.Lazy)
	b.WriteByte('}')
}

// groupImports puts a blank line between standard library imports and the
// others, as goimports does; jennifer sorts them as one block. gofmt keeps
// the groups, so the result is still gofmt'ed.
func groupImports(src []byte) []byte {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src
	}
	start += len("\nimport (\n")
	end := bytes.Index(src[start:], []byte("\n)\n"))
	if end < 0 {
		return src
	}
	end += start
	var std, other [][]byte
	for _, line := range bytes.Split(src[start:end], []byte("\n")) {
		path := bytes.Trim(bytes.TrimSpace(line), `"`)
		if first, _, _ := bytes.Cut(path, []byte("/")); bytes.Contains(first, []byte(".")) {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	if len(std) == 0 || len(other) == 0 {
		return src
	}
	var out bytes.Buffer
	out.Write(src[:start])
	out.Write(bytes.Join(std, []byte("\n")))
	out.WriteString("\n\n")
	out.Write(bytes.Join(other, []byte("\n")))
	out.Write(src[end:])
	return out.Bytes()
}

// embedComments writes one //go:embed line per file. Names go:embed would
// read as patterns or split at spaces are quoted; callers have already
// copied names with glob metacharacters elsewhere.
func embedComments(assets []Asset) jen.Code {
	var names []string
	for _, a := range assets {
		if a.Name != "" {
			names = append(names, a.Name)
		}
		for _, e := range a.Encodings {
			names = append(names, e.Name)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var lines []string
	for _, name := range names {
		if strings.ContainsAny(name, " \"`") {
			name = strconv.Quote(name)
		}
		lines = append(lines, "//go:embed "+name)
	}
	if len(lines) == 0 {
		// An embed.FS needs at least one pattern to be embedded at all;
		// with no assets it stays empty, which is what we want.
		return jen.Null()
	}
	return jen.Comment(strings.Join(lines, "\n"))
}

// fileType declares File, the type of the asset constants, with methods
// that delegate to the runtime. Constants rather than variables keep a
// package of 10,000 assets as quick to compile as a bare go:embed of the
// same files: no initialization code, nothing to type-check but integers.
func fileType(f *jen.File) {
	rt := func(name string) *jen.Statement { return jen.Qual(runtimePath, name) }
	f.Comment("File is one asset of this package: one of the constants below. Its")
	f.Comment("methods are those of runtime.Asset; Asset returns that value for code that")
	f.Comment("works with assets of any package. Other values of File are invalid.")
	f.Type().Id("File").Int()
	f.Line()
	method := func(doc, name string, results ...jen.Code) {
		for _, line := range strings.Split(doc, "\n") {
			f.Comment(line)
		}
		f.Func().Params(jen.Id("f").Id("File")).Id(name).Params().Params(results...).Block(
			jen.Return(jen.Id("set").Dot("Asset").Call(jen.Int().Call(jen.Id("f"))).Dot(name).Call()),
		)
		f.Line()
	}
	f.Comment("Asset returns the runtime's view of f, as Lookup and All return it.")
	f.Func().Params(jen.Id("f").Id("File")).Id("Asset").Params().Params(rt("Asset")).Block(
		jen.Return(jen.Id("set").Dot("Asset").Call(jen.Int().Call(jen.Id("f")))),
	)
	f.Line()
	method("URL returns the asset's URL: the prefix followed by its fingerprinted name.\nIt does not allocate.", "URL", jen.String())
	method("Path returns the asset's logical path, such as \"css/base.css\".", "Path", jen.String())
	method("HashedPath returns the fingerprinted logical path.", "HashedPath", jen.String())
	method("Integrity returns the Subresource Integrity string, \"sha256-...\".", "Integrity", jen.String())
	method("ContentType returns the media type the handler sends.", "ContentType", jen.String())
	method("Size returns the size in bytes.", "Size", jen.Int64())
	method("ETag returns the strong entity tag the handler sends, quotes included.", "ETag", jen.String())
	method("Open opens the asset's content for reading.", "Open", jen.Qual("io/fs", "File"), jen.Error())
	method("ReadAll returns a copy of the asset's content.", "ReadAll", jen.Index().Byte(), jen.Error())
	method("String returns the logical path.", "String", jen.String())
}

// api declares the package-level functions, thin wrappers over set.
func api(f *jen.File) {
	rt := func(name string) *jen.Statement { return jen.Qual(runtimePath, name) }
	fn := func(doc, name string, params []jen.Code, results []jen.Code, body jen.Code) {
		for _, line := range strings.Split(doc, "\n") {
			f.Comment(line)
		}
		f.Func().Id(name).Params(params...).Params(results...).Block(body)
		f.Line()
	}
	lp := jen.Id("logicalPath").String()
	call := func(name string, args ...jen.Code) *jen.Statement {
		return jen.Return(jen.Id("set").Dot(name).Call(args...))
	}
	fn("URL returns the URL of the asset at logicalPath (\"css/base.css\"): the prefix\nfollowed by the fingerprinted name. An unknown path is an error.",
		"URL", []jen.Code{lp}, []jen.Code{jen.String(), jen.Error()}, call("URL", jen.Id("logicalPath")))
	fn("MustURL is like URL but panics on an unknown path, for use in templates,\nwhere the panic becomes an execution error naming the path.",
		"MustURL", []jen.Code{lp}, []jen.Code{jen.String()}, call("MustURL", jen.Id("logicalPath")))
	fn("Lookup returns the asset at logicalPath, if there is one.",
		"Lookup", []jen.Code{lp}, []jen.Code{rt("Asset"), jen.Bool()}, call("Lookup", jen.Id("logicalPath")))
	fn("All returns every asset in logical-path order.",
		"All", nil, []jen.Code{jen.Qual("iter", "Seq").Index(rt("Asset"))}, call("All"))
	fn("FS returns the assets as a read-only file system by logical path.",
		"FS", nil, []jen.Code{jen.Qual("io/fs", "FS")}, call("FS"))
	fn("Handler returns an http.Handler that serves the assets under the path of\nthe prefix, fingerprinted names with immutable caching. Mount it at that\npath; it strips the prefix itself:\n\n\tmux.Handle(\"/static/\", Handler())",
		"Handler", nil, []jen.Code{jen.Qual("net/http", "Handler")}, call("Handler"))
	fn("HandlerWith is like Handler, adjusted by opts (caching of unhashed names,\nCORS, extra headers, index.html and single-page-app fallback).",
		"HandlerWith", []jen.Code{jen.Id("opts").Qual(runtimePath, "ServeOptions")}, []jen.Code{jen.Qual("net/http", "Handler")}, call("Serve", jen.Id("opts")))
	fn("SetPrefix sets the URL prefix, an absolute path (\"/static/\") or an origin\n(\"https://cdn.example.com/static/\"). Call it at start-up; it is safe for\nconcurrent use, and a bad prefix is an error that leaves the old one.",
		"SetPrefix", []jen.Code{jen.Id("prefix").String()}, []jen.Code{jen.Error()}, call("SetPrefix", jen.Id("prefix")))
	fn("Set returns the runtime's set of this package's assets, for code that\nworks with several packages, and for development mode's dev.Attach.",
		"Set", nil, []jen.Code{jen.Op("*").Add(rt("Set"))}, jen.Return(jen.Id("set")))
	fn("Prefix returns the URL prefix in force.",
		"Prefix", nil, []jen.Code{jen.String()}, call("Prefix"))
	fn("FuncMap returns the template functions static (logical path to URL),\nintegrity (logical path to SRI string), importmap (the import map's\nscript element) and preload (link elements for what a page fetches\nfirst), for html/template and text/template, joined by the functions of\nthe maps in more (a media store's, one's own):\ntemplate.New(\"page\").Funcs(FuncMap(store.FuncMap())). A name defined\ntwice panics. runtime.Set.FuncMap documents each function. An unknown\npath stops the template with an error; CheckTemplates finds such paths\nfirst.",
		"FuncMap", []jen.Code{jen.Id("more").Op("...").Map(jen.String()).Any()}, []jen.Code{jen.Map(jen.String()).Any()}, call("FuncMap", jen.Id("more").Op("...")))
	fn("CheckTemplates returns an error for each static or integrity call in the\ntrees whose constant argument names no asset, as \"page.html:3:17: static:\ncss/bse.css is not an asset; did you mean css/base.css?\". Pass the trees\nof every associated template:\n\n\tfor _, t := range tmpl.Templates() {\n\t\terrs = append(errs, CheckTemplates(t.Tree)...)\n\t}",
		"CheckTemplates", []jen.Code{jen.Id("trees").Op("...").Op("*").Qual("text/template/parse", "Tree")}, []jen.Code{jen.Index().Error()}, call("CheckTemplates", jen.Id("trees").Op("...")))
}

// JSON renders the manifest, indented, with a final newline.
func JSON(p *Package) ([]byte, error) {
	m := pkgformat.Manifest{Prefix: p.Prefix, Compressor: p.Compressor, Assets: make(map[string]pkgformat.ManifestEntry, len(p.Assets))}
	for _, a := range p.Assets {
		m.Assets[a.Path] = pkgformat.ManifestEntry{
			HashedPath:  a.HashedPath,
			Integrity:   a.Integrity,
			Size:        a.Size,
			ContentType: a.ContentType,
			Ident:       a.Ident,
			Refs:        a.Refs,
			Immutable:   a.Immutable,
			Embedded:    a.Name,
			Encodings:   a.Encodings,
			Source:      a.Source,
			SourceSum:   a.SourceSum,
		}
	}
	for _, al := range p.Aliases {
		if m.Sources == nil {
			m.Sources = map[string]string{}
		}
		m.Sources[al.Source] = p.Assets[al.Index].Path
	}
	return m.Marshal()
}
