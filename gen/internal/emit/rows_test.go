package emit

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/dave/jennifer/jen"
	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/pkgformat"
)

// row is one File literal's fields as jennifer would render them, which
// writeRow must match.
func row(a Asset) []jen.Code {
	fields := []jen.Code{
		jen.Id("Path").Op(":").Lit(a.Path),
		jen.Id("HashedPath").Op(":").Lit(a.HashedPath),
		jen.Id("Name").Op(":").Lit(a.Name),
		jen.Id("Integrity").Op(":").Lit(a.Integrity),
		jen.Id("ContentType").Op(":").Lit(a.ContentType),
		jen.Id("Size").Op(":").Op(strconv.FormatInt(a.Size, 10)),
	}
	if len(a.Encodings) > 0 {
		fields = append(fields, jen.Id("Encodings").Op(":").Index().Qual(runtimePath, "Encoding").ValuesFunc(func(g *jen.Group) {
			for _, e := range a.Encodings {
				g.Values(jen.Id("Coding").Op(":").Lit(e.Coding), jen.Id("Name").Op(":").Lit(e.Name), jen.Id("Size").Op(":").Op(strconv.FormatInt(e.Size, 10)))
			}
		}))
	}
	if a.Immutable {
		fields = append(fields, jen.Id("Immutable").Op(":").True())
	}
	return fields
}

// jenRows renders the table the way Go did before spliceRows, through
// jennifer and go/format.
func jenRows(t *testing.T, assets []Asset) []byte {
	t.Helper()
	f := jen.NewFile("p")
	f.ImportName(runtimePath, "runtime")
	f.Var().Id("set").Op("=").Qual(runtimePath, "New").Call(
		jen.Index().Qual(runtimePath, "File").CustomFunc(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, func(g *jen.Group) {
			for _, a := range assets {
				g.Values(row(a)...)
			}
		}).Op(","),
	)
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func splicedRows(t *testing.T, assets []Asset) []byte {
	t.Helper()
	f := jen.NewFile("p")
	f.ImportName(runtimePath, "runtime")
	f.Var().Id("set").Op("=").Qual(runtimePath, "New").Call(
		jen.Index().Qual(runtimePath, "File").Values(jen.Id(rowsMark)).Op(","),
	)
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		t.Fatal(err)
	}
	out, err := spliceRows(buf.Bytes(), assets)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var rowCases = map[string][]Asset{
	"Empty":     nil,
	"Plain":     {{Path: "css/a.css", HashedPath: "css/a.0123456789ab.css", Name: "static/css/a.css", Integrity: "sha256-x", ContentType: "text/css; charset=utf-8", Size: 12}},
	"Encodings": {{Path: "a.js", Name: "_assetgen/x.js", Size: 1 << 40, Encodings: []pkgformat.Encoding{{Coding: "br", Name: "_assetgen/y.js.br", Size: 3}, {Coding: "gzip", Name: "_assetgen/z.js.gzip", Size: 0}}, Immutable: true}},
	"Mark":      {{Path: "x.File{" + rowsMark + "})", Name: "[]y.File{" + rowsMark + "}"}},
	"Quotes":    {{Path: "a \"b\" `c` \\ d\n\x00\u00e9\u2028\xff.css", Name: ""}, {Path: "日本/файл.txt", Immutable: true}},
}

// TestRowsAsJennifer checks that the hand-written rows are byte for byte
// what jennifer and go/format made of them.
func TestRowsAsJennifer(t *testing.T) {
	for name, assets := range rowCases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(string(jenRows(t, assets)), string(splicedRows(t, assets))); diff != "" {
				t.Errorf("(-jennifer +spliced):\n%s", diff)
			}
		})
	}
}

func FuzzRowsAsJennifer(f *testing.F) {
	for _, assets := range rowCases {
		for _, a := range assets {
			f.Add(a.Path, a.Name, a.Size, a.Immutable)
		}
	}
	f.Fuzz(func(t *testing.T, p, name string, size int64, immutable bool) {
		assets := []Asset{{Path: p, HashedPath: p, Name: name, Integrity: name, ContentType: p, Size: size, Immutable: immutable, Encodings: []pkgformat.Encoding{{Coding: name, Name: p, Size: size}}}}
		if got, want := splicedRows(t, assets), jenRows(t, assets); !bytes.Equal(got, want) {
			t.Errorf("spliced %q\njennifer %q", got, want)
		}
	})
}
