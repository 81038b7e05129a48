package emit

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/assetgen/assetgen/internal/pkgformat"
)

const devPath = "github.com/assetgen/assetgen/gen/dev"

// DevTag is the build tag that compiles in the development-mode file.
const DevTag = "assetgen_dev"

// DevPackage is what the development-mode file records: where the sources
// are, relative to the module, and how generate named them, so that
// package gen/dev can serve them live with the same names. Every path is
// slash-separated and relative, so the file is byte-identical on every
// machine.
type DevPackage struct {
	Name    string // package name
	Module  string // module path, from go.mod
	Package string // package directory relative to the module root ("." for the root)
	// Dirs are the source directories relative to the package directory,
	// in precedence order ("static", "../theme").
	Dirs            []string
	Ignore          []string
	NoDefaultIgnore bool
	Prefix          string // Config.Prefix: absolute references resolve against its path
	HashLen         int
	AllowMissing    []string
	Prehashed       []string
	Minify          bool
	NoCompress      bool     // Config.NoCompress: dev negotiates no coding either
	Encodings       []string // Config.Encodings: the codings dev offers
}

// DevFileName returns the name of the development-mode file beside the
// generated file name: "assets_gen.go" gives "assets_dev_gen.go", any
// other "x.go" gives "x_dev.go".
func DevFileName(fileName string) string {
	if stem, ok := strings.CutSuffix(fileName, "_gen.go"); ok {
		return stem + "_dev_gen.go"
	}
	return strings.TrimSuffix(fileName, ".go") + "_dev.go"
}

// DevGo renders the development-mode file, gofmt'ed: built only with the
// assetgen_dev tag, it attaches the package's set to its source
// directories from init, and panics there if they cannot be found, since
// a development build that silently served the embedded files would
// mislead. Fields left zero are left out.
func DevGo(p *DevPackage) ([]byte, error) {
	f := jen.NewFile(p.Name)
	f.HeaderComment("// " + pkgformat.Header + "\n\n//go:build " + DevTag)
	f.ImportName(devPath, "dev")

	strs := func(ss []string) *jen.Statement {
		return jen.Index().String().ValuesFunc(func(g *jen.Group) {
			for _, s := range ss {
				g.Lit(s)
			}
		})
	}
	fields := jen.Dict{
		jen.Id("Module"):  jen.Lit(p.Module),
		jen.Id("Package"): jen.Lit(p.Package),
		jen.Id("Dirs"):    strs(p.Dirs),
		jen.Id("Prefix"):  jen.Lit(p.Prefix),
		jen.Id("HashLen"): jen.Lit(p.HashLen),
	}
	if len(p.Ignore) > 0 {
		fields[jen.Id("Ignore")] = strs(p.Ignore)
	}
	if p.NoDefaultIgnore {
		fields[jen.Id("NoDefaultIgnore")] = jen.True()
	}
	if len(p.AllowMissing) > 0 {
		fields[jen.Id("AllowMissing")] = strs(p.AllowMissing)
	}
	if p.Minify {
		fields[jen.Id("Minify")] = jen.True()
	}
	if len(p.Prehashed) > 0 {
		fields[jen.Id("Prehashed")] = strs(p.Prehashed)
	}
	if p.NoCompress {
		fields[jen.Id("NoCompress")] = jen.True()
	}
	if len(p.Encodings) > 0 {
		fields[jen.Id("Encodings")] = strs(p.Encodings)
	}

	f.Comment("In a build with -tags " + DevTag + ", the assets are served live from their")
	f.Comment("source directories, with the same API and fingerprinted URLs: see")
	f.Comment("package " + devPath + ". Other builds leave this file out.")
	f.Func().Id("init").Params().Block(
		jen.If(
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Qual(devPath, "Attach").Call(
				jen.Id("set"),
				jen.Qual(devPath, "Config").Values(fields),
			),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Panic(jen.Err())),
	)

	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("rendering development-mode code: %w", err)
	}
	return buf.Bytes(), nil
}
