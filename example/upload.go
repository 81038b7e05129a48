package main

import (
	"errors"
	"html/template"
	"log"
	"net/http"
	"net/url"

	"github.com/assetgen/assetgen/media"
)

var uploadPage = template.Must(template.ParseFS(templates, "templates/upload.html"))

// uploadOptions are the rules for the example's uploads: images, up to
// 10 MiB each. image/* includes SVG, which can hold script; the media
// handler serves it as an attachment under a sandbox, which the browser
// test checks.
var uploadOptions = media.UploadOptions{Allow: []string{"image/*"}, MaxSize: 10 << 20, MaxFiles: 4}

// uploadData is what templates/upload.html sees.
type uploadData struct {
	CSS     File
	Uploads []upload // the files just stored, shown as previews
	Error   string
}

type upload struct {
	URL, Name, ContentType string
}

// handleUploads serves the upload form at /upload, stores what it posts in
// store and shows the stored images; the files themselves are served by
// the store's handler under /media/.
func handleUploads(mux *http.ServeMux, store *media.Store) {
	mux.HandleFunc("GET /upload", func(w http.ResponseWriter, r *http.Request) {
		data := uploadData{CSS: CSSBaseCSS}
		for _, name := range r.URL.Query()["name"] {
			info, err := store.Stat(r.Context(), name)
			if err != nil {
				continue // a stale or forged link: show nothing for it
			}
			data.Uploads = append(data.Uploads, upload{URL: store.URL(name), Name: name, ContentType: info.ContentType})
		}
		renderUpload(w, http.StatusOK, data)
	})
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		saved, err := store.Receive(r, uploadOptions)
		if err != nil {
			status, msg := uploadError(err)
			if status >= 500 {
				log.Printf("upload: %v", err)
			}
			renderUpload(w, status, uploadData{CSS: CSSBaseCSS, Error: msg})
			return
		}
		// Post/Redirect/Get: a reload shows the previews, not a resubmission.
		q := url.Values{}
		for _, f := range saved {
			q.Add("name", f.Name)
		}
		http.Redirect(w, r, "/upload?"+q.Encode(), http.StatusSeeOther)
	})
}

// uploadError maps Receive's errors to a status and a message for the user,
// which never includes error text from the store.
func uploadError(err error) (int, string) {
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "That file is too large (10 MiB at most, 4 files)."
	case errors.Is(err, media.ErrTypeNotAllowed):
		return http.StatusUnsupportedMediaType, "Only images can be uploaded."
	case errors.Is(err, media.ErrEmpty), errors.Is(err, media.ErrMalformed):
		return http.StatusBadRequest, "Choose an image to upload."
	}
	return http.StatusInternalServerError, "The upload failed; try again later."
}

func renderUpload(w http.ResponseWriter, status int, data uploadData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := uploadPage.Execute(w, data); err != nil {
		log.Print(err)
	}
}
