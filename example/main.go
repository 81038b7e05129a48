// Command example is a small site whose assets come from assetgen: run it
// with "go run ./example" and open http://localhost:8080.
//
// The package is its own asset package: assets_gen.go, generated from
// static/ and theme/ by the go:generate line below, embeds the files where
// they lie and declares one identifier per file (CSSBaseCSS, ImgLogoSVG...).
// theme/ comes first, so theme/img/logo.svg shadows static/img/logo.svg.
package main

//go:generate go run github.com/assetgen/assetgen/cmd/assetgen -dir theme -dir static

import (
	"context"
	"crypto/rand"
	"embed"
	"flag"
	"html/template"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	_ "gocloud.dev/blob/s3blob" // -media s3://...

	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/runtime"
)

//go:embed templates
var templates embed.FS

var page = template.Must(template.ParseFS(templates, "templates/index.html"))

// pageData is what the template sees: typed assets, so a renamed file is a
// compile error here rather than a broken link in production.
type pageData struct {
	CSS, JS, Logo File
	All           []runtime.Asset
}

// newMux returns the site: the page at /, the assets under their prefix,
// the upload form at /upload and the uploaded files under /media/.
func newMux(store *media.Store) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data := pageData{CSS: CSSBaseCSS, JS: JSAppJS, Logo: ImgLogoSVG, All: slices.Collect(All())}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, data); err != nil {
			log.Print(err)
		}
	}))
	mux.Handle("/static/", Handler())
	mux.Handle("/media/", store.Handler())
	handleUploads(mux, store)
	return mux
}

func main() {
	addr := flag.String("addr", "localhost:8080", "listen `address`")
	prefix := flag.String("prefix", "", "asset URL `prefix`, such as https://cdn.example.com/static/ (default /static/)")
	mediaLoc := flag.String("media", filepath.Join(os.TempDir(), "assetgen-example-media"), "where uploads are stored: a `directory` or a URL such as s3://bucket?region=eu-west-1")
	flag.Parse()
	if *prefix != "" {
		if err := SetPrefix(*prefix); err != nil {
			log.Fatal(err)
		}
	}
	// A local store signs its direct-upload URLs (see upload.go) with a
	// key; a random one serves one process. Servers that share a store
	// share a key, set from a secret.
	key := make([]byte, 32)
	rand.Read(key)
	store, err := media.Open(context.Background(), *mediaLoc, media.Static(Prefix), media.Images(imageOptions), media.SigningKey(key))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("serving on http://%s/", *addr)
	log.Fatal(newServer(*addr, newMux(store)).ListenAndServe())
}

// newServer returns a server with the timeouts a server on the internet
// needs: http.ListenAndServe sets none, so a client that sends its headers
// a byte at a time (slowloris) holds a connection and a goroutine for ever.
//
// WriteTimeout bounds a whole response, from the end of the request's
// headers to its last byte, so it must exceed the time the slowest client
// you mean to serve takes to download your largest asset: two minutes is
// 15 MB at 1 Mbit/s. A site that serves larger files should lengthen it, or
// move such files' deadline per request with
// http.NewResponseController(w).SetWriteDeadline, rather than cut off
// downloads that are merely slow.
func newServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,  // the request line and headers
		ReadTimeout:       30 * time.Second, // the whole request, body included
		WriteTimeout:      2 * time.Minute,  // the whole response; see above
		IdleTimeout:       2 * time.Minute,  // a keep-alive connection between requests
	}
}
