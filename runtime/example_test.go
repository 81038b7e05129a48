package runtime_test

import (
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing/fstest"

	"github.com/assetgen/assetgen/runtime"
)

// newSet stands for a package that assetgen generated: its Set() returns
// this, and its Handler, FuncMap and SetPrefix call the methods below.
func newSet() *runtime.Set {
	css := "body{margin:0}\n"
	return runtime.New(fstest.MapFS{"static/css/base.css": {Data: []byte(css)}}, "/static/", []runtime.File{{
		Path:        "css/base.css",
		HashedPath:  "css/base.0123456789ab.css",
		Name:        "static/css/base.css",
		Integrity:   "sha256-example",
		ContentType: "text/css; charset=utf-8",
		Size:        int64(len(css)),
	}})
}

// The generated package in a handler: mount Handler under the prefix and
// let pages name assets by URL. With a generated package assets, this is
// mux.Handle("/static/", assets.Handler()) and assets.BaseCSS.URL().
func ExampleSet_Handler() {
	assets := newSet()
	mux := http.NewServeMux()
	mux.Handle("/static/", assets.Handler())

	url := assets.MustURL("css/base.css")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	fmt.Println(url)
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"))
	// Output:
	// /static/css/base.0123456789ab.css
	// 200 public, max-age=31536000, immutable
}

// FuncMap returns a fresh map, so one's own functions (and a media
// store's, store.FuncMap()) join it in one call to Funcs each.
func ExampleSet_FuncMap() {
	assets := newSet()
	page := template.Must(template.New("page").Funcs(assets.FuncMap(template.FuncMap{"upper": strings.ToUpper})).Parse(
		`<link rel="stylesheet" href="{{static "css/base.css"}}" integrity="{{integrity "css/base.css"}}" crossorigin="anonymous"> {{upper "hi"}}` + "\n"))
	if err := page.Execute(os.Stdout, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <link rel="stylesheet" href="/static/css/base.0123456789ab.css" integrity="sha256-example" crossorigin="anonymous"> HI
}

// SetPrefix points every URL at a CDN, once, at start-up. The CDN fetches
// from the bucket assetgen-publish filled; a stylesheet with SRI or a font
// loaded from another origin needs crossorigin in the page and a CORS
// header from the CDN (ServeOptions.CORSOrigin when the CDN pulls from
// this handler).
func ExampleSet_SetPrefix() {
	assets := newSet()
	if err := assets.SetPrefix("https://cdn.example.com/static/"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(assets.MustURL("css/base.css"))
	// Output: https://cdn.example.com/static/css/base.0123456789ab.css
}
