// Package report describes a generated package for people: every asset's
// size raw and in each coding, who references whom, which source files
// are shadowed and which assets nothing uses. It renders that as one
// self-contained HTML page (no external script, style or font, so it opens
// from disk, offline, under any Content-Security-Policy) or as JSON for
// scripts. assetgen report is its command.
package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"slices"
	"sync"

	"github.com/assetgen/assetgen/internal/assetpkg"
)

// Report is the data of one generated package. Its JSON form is what
// assetgen report -json writes; its field names are stable.
type Report struct {
	Package  string   `json:"package"` // import path
	Dir      string   `json:"dir"`     // package directory, as given
	Prefix   string   `json:"prefix"`  // the default URL prefix
	Totals   Totals   `json:"totals"`
	Assets   []Asset  `json:"assets"`   // by logical path
	Shadowed []Shadow `json:"shadowed"` // by logical path
	Unused   []string `json:"unused"`   // logical paths, sorted
}

// Totals sums the assets. Each coding's figure is what a client that
// accepts only that coding downloads for every asset: the variant where
// there is one, else the identity bytes, as the handler serves it.
type Totals struct {
	Files int   `json:"files"`
	Raw   int64 `json:"raw"`
	Br    int64 `json:"br"`
	Zstd  int64 `json:"zstd"`
	Gzip  int64 `json:"gzip"`
}

// Asset is one asset of the package.
type Asset struct {
	Path        string           `json:"path"`
	HashedPath  string           `json:"hashedPath"`
	ContentType string           `json:"contentType"`
	Size        int64            `json:"size"`
	Encodings   map[string]int64 `json:"encodings,omitempty"` // coding to variant size
	Refs        []string         `json:"refs,omitempty"`      // what it references
	Referrers   []string         `json:"referrers,omitempty"` // who references it
}

// Shadow is a logical path that more than one source directory holds.
type Shadow struct {
	Path     string   `json:"path"`
	Served   string   `json:"served"`   // the file that won
	Shadowed []string `json:"shadowed"` // the files it hides, in precedence order
}

// New describes pkg, with its import path, the logical paths nothing uses
// and its shadowed files, which the caller found.
func New(importPath string, pkg *assetpkg.Package, unused []string, shadowed []Shadow) *Report {
	r := &Report{Package: importPath, Dir: pkg.Dir, Prefix: pkg.Prefix, Shadowed: shadowed, Unused: slices.Sorted(slices.Values(unused))}
	if r.Shadowed == nil {
		r.Shadowed = []Shadow{}
	}
	if r.Unused == nil {
		r.Unused = []string{}
	}
	r.Assets = make([]Asset, len(pkg.Files))
	for i, f := range pkg.Files {
		a := &r.Assets[i]
		a.Path, a.HashedPath, a.ContentType, a.Size = f.Path, f.HashedPath, f.ContentType, f.Size
		sizes := map[string]int64{"br": f.Size, "zstd": f.Size, "gzip": f.Size}
		for _, e := range f.Encodings {
			if a.Encodings == nil {
				a.Encodings = map[string]int64{}
			}
			a.Encodings[e.Coding] = e.Size
			sizes[e.Coding] = e.Size
		}
		r.Totals.Files++
		r.Totals.Raw += f.Size
		r.Totals.Br += sizes["br"]
		r.Totals.Zstd += sizes["zstd"]
		r.Totals.Gzip += sizes["gzip"]
	}
	for i, refs := range pkg.Refs {
		for _, j := range refs {
			r.Assets[i].Refs = append(r.Assets[i].Refs, pkg.Files[j].Path)
			r.Assets[j].Referrers = append(r.Assets[j].Referrers, pkg.Files[i].Path)
		}
	}
	for i := range r.Assets {
		slices.Sort(r.Assets[i].Refs)
		slices.Sort(r.Assets[i].Referrers)
	}
	return r
}

// JSON returns the report as indented JSON, the same bytes for the same
// package.
func (r *Report) JSON() []byte {
	b, err := json.MarshalIndent(r, "", "\t")
	if err != nil {
		panic(err) // strings, numbers and maps of them always marshal
	}
	return append(b, '\n')
}

//go:embed report.html
var page string

// tmpl is parsed on first use, not when the program starts: the
// assetgen command links this package, and most of its runs never
// write a report.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(page))
})

// HTML returns the report as one HTML page. The data is embedded as JSON
// in the page and drawn by the page's own script.
func (r *Report) HTML() []byte {
	var b bytes.Buffer
	title := r.Package
	if title == "" {
		title = r.Dir
	}
	// The JSON is a JavaScript expression in a script element:
	// json.Marshal escapes <, >, & and U+2028/U+2029, so nothing in it
	// can end the element or the line early.
	data, _ := json.Marshal(r)
	if err := tmpl().Execute(&b, struct {
		Title string
		Data  template.JS
	}{title, template.JS(data)}); err != nil {
		panic(err) // the template is fixed and the data is plain
	}
	return b.Bytes()
}
