package emit

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/assetgen/assetgen/gen/internal/settings"
	"github.com/assetgen/assetgen/internal/pkgformat"
)

const devPath = "github.com/assetgen/assetgen/gen/dev"

// DevTag is the build tag that compiles in the development-mode file.
const DevTag = "assetgen_dev"

// DevPackage is what the development-mode file records: where the sources
// are, relative to the module, and the Settings generate used, so that
// package gen/dev can serve them live with the same names and bytes.
// Every path is slash-separated and relative, so the file is
// byte-identical on every machine.
type DevPackage struct {
	Name    string // package name
	Module  string // module path, from go.mod
	Package string // package directory relative to the module root ("." for the root)
	// Settings are generate's, filled in, with Dirs relative to the
	// package directory ("static", "../theme") and Prehashed naming the
	// files a Vite manifest made prehashed too.
	Settings settings.Settings
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
// mislead. Settings left zero are left out.
func DevGo(p *DevPackage) ([]byte, error) {
	f := jen.NewFile(p.Name)
	f.HeaderComment("// " + pkgformat.Header + "\n\n//go:build " + DevTag)
	f.ImportName(devPath, "dev")

	set, err := settingsLit(p.Settings)
	if err != nil {
		return nil, err
	}
	fields := jen.Dict{
		jen.Id("Module"):   jen.Lit(p.Module),
		jen.Id("Package"):  jen.Lit(p.Package),
		jen.Id("Settings"): jen.Qual(devPath, "Settings").Values(set),
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

// settingsLit writes each field of s that is not zero as a composite
// literal's element, so that a field added to Settings reaches the
// development-mode file without a change here (TestDevGoRoundTrip).
func settingsLit(s settings.Settings) (jen.Dict, error) {
	d := jen.Dict{}
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		if f.IsZero() {
			continue
		}
		switch x := f.Interface().(type) {
		case string, int:
			d[jen.Id(name)] = jen.Lit(x)
		case bool:
			d[jen.Id(name)] = jen.True()
		case []string:
			d[jen.Id(name)] = jen.Index().String().ValuesFunc(func(g *jen.Group) {
				for _, s := range x {
					g.Lit(s)
				}
			})
		default:
			return nil, fmt.Errorf("development-mode file: settings field %s of type %T has no literal form", name, x)
		}
	}
	return d, nil
}
