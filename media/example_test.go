package media_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing/fstest"
	"time"

	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/runtime"
)

// examplePNG is a 2×1 PNG, as a browser would upload it.
func examplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// exampleUpload is the request a form with <input type="file" name="photo">
// sends.
func exampleUpload(filename string, content []byte) *http.Request {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("photo", filename)
	fw.Write(content)
	mw.Close()
	r := httptest.NewRequest("POST", "/upload", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

// Receive stores a form's files and Handler serves them. Each error has
// its status: copy the switch whole, ErrBadImage included, or a corrupt
// image ends in the 500 branch.
func ExampleStore_Receive() {
	dir, _ := os.MkdirTemp("", "media-example")
	defer os.RemoveAll(dir)
	store, err := media.Open(context.Background(), filepath.Join(dir, "uploads"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()

	mux := http.NewServeMux()
	mux.Handle("/media/", store.Handler())
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		saved, err := store.Receive(r, media.UploadOptions{Allow: []string{"image/png", "image/jpeg", "image/webp"}})
		switch {
		case errors.Is(err, media.ErrTooLarge):
			http.Error(w, "the file is too large", http.StatusRequestEntityTooLarge)
		case errors.Is(err, media.ErrTypeNotAllowed):
			http.Error(w, "send a PNG, JPEG or WebP image", http.StatusUnsupportedMediaType)
		case errors.Is(err, media.ErrBadImage):
			http.Error(w, "the image cannot be read", http.StatusUnprocessableEntity)
		case errors.Is(err, media.ErrMalformed), errors.Is(err, media.ErrEmpty):
			http.Error(w, "no file was sent", http.StatusBadRequest)
		case err != nil:
			http.Error(w, "the file could not be stored", http.StatusInternalServerError)
		default:
			fmt.Fprint(w, store.URL(saved[0].Name))
		}
	})

	for _, up := range []struct {
		name    string
		content []byte
	}{
		{"../../Cat Photo.PNG", examplePNG()},
		{"notes.txt", []byte("plain text")},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, exampleUpload(up.name, up.content))
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
		if rec.Code == http.StatusOK {
			get := httptest.NewRecorder()
			mux.ServeHTTP(get, httptest.NewRequest("GET", rec.Body.String(), nil))
			fmt.Println(get.Code, get.Header().Get("Content-Type"))
		}
	}
	// Output:
	// 200 /media/Cat_Photo.png
	// 200 image/png
	// 415 send a PNG, JPEG or WebP image
}

// SrcSet lists an image's variants for an img element's srcset; Handler
// makes each width on first request. The template function srcset (see
// FuncMap) does the same in a page.
func ExampleStore_SrcSet() {
	dir, _ := os.MkdirTemp("", "media-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := media.Open(ctx, dir, media.Images(media.ImageOptions{Widths: []int{320, 640}}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	name, err := store.Save(ctx, "cat.png", bytes.NewReader(examplePNG()))
	if err != nil {
		fmt.Println(err)
		return
	}
	// v names the stored version, so that a replaced image gets new URLs.
	version := regexp.MustCompile(`v=[^&]+`)
	fmt.Println(version.ReplaceAllString(store.SrcSet(name), "v=…"))
	// Output: /media/cat.png?v=…&w=320 320w, /media/cat.png?v=…&w=640 640w
}

// FuncMap's functions join the asset package's and one's own in one call
// to the generated package's FuncMap (here a runtime.Set, which is what
// the generated assets.FuncMap calls).
func ExampleStore_FuncMap() {
	dir, _ := os.MkdirTemp("", "media-example")
	defer os.RemoveAll(dir)
	store, err := media.Open(context.Background(), dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	assets := runtime.New(fstest.MapFS{"static/site.css": {Data: []byte("body{}")}}, "/static/", []runtime.File{
		{Path: "site.css", HashedPath: "site.0123456789ab.css", Name: "static/site.css", ContentType: "text/css; charset=utf-8", Size: 6},
	})
	funcs := assets.FuncMap(store.FuncMap(), template.FuncMap{"upper": strings.ToUpper})
	page := template.Must(template.New("page").Funcs(funcs).Parse(
		`<link rel="stylesheet" href="{{static "site.css"}}"> <a href="{{mediaURL "notes.txt"}}">{{upper "notes"}}</a>` + "\n"))
	if err := page.Execute(os.Stdout, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <link rel="stylesheet" href="/static/site.0123456789ab.css"> <a href="/media/notes.txt">NOTES</a>
}

// SignedURL gives a link to a private file that stops working after ttl.
// A local store signs with the SigningKey, and its Handler checks the
// signature; S3, GCS and Azure sign URLs themselves.
func ExampleStore_SignedURL() {
	dir, _ := os.MkdirTemp("", "media-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := media.Open(ctx, dir, media.Private(), media.SigningKey(bytes.Repeat([]byte("k"), 32)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	name, _ := store.Save(ctx, "invoice.txt", strings.NewReader("private"))
	url, err := store.SignedURL(name, time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range []string{store.URL(name), url} {
		rec := httptest.NewRecorder()
		store.Handler().ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
		fmt.Println(rec.Code)
	}
	// Output:
	// 403
	// 200
}
