package main

import (
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/assetgen/assetgen/media"
)

// uploadOptions are the rules for the example's uploads: images, up to
// 10 MiB each. image/* includes SVG, which can hold script; the media
// handler serves it as an attachment under a sandbox, which the browser
// test checks.
var uploadOptions = media.UploadOptions{Allow: []string{"image/*"}, MaxSize: 10 << 20, MaxFiles: 4}

// directOptions are the rules for direct uploads (templates/upload.html's
// second form, static/js/direct-upload.js): audio and video up to 1 GiB,
// sent by the browser straight to the store.
var directOptions = media.UploadOptions{Allow: []string{"video/*", "audio/*"}, MaxSize: 1 << 30}

// imageOptions make the store serve resized variants of uploaded images
// for templates/upload.html's srcset, and store photos without their
// EXIF, so that the example never publishes where a photo was taken.
var imageOptions = media.ImageOptions{Widths: []int{320, 640, 1280}, StripOriginal: true}

// uploadData is what templates/upload.html sees.
type uploadData struct {
	CSS     File
	Direct  File     // the direct-upload script
	Uploads []upload // the files just stored, shown as previews
	Error   string
}

type upload struct {
	Name, ContentType string
	Image             bool // shown as an img with its variants, else as a link
}

// handleUploads serves the upload form at /upload, stores what it posts in
// store and shows the stored images; the files themselves are served by
// the store's handler under /media/.
func handleUploads(mux *http.ServeMux, store *media.Store) {
	// The page calls the store's template functions (mediaURL, imageURL,
	// srcset), so it is parsed for this store.
	uploadPage := template.Must(template.New("upload.html").Funcs(store.FuncMap()).ParseFS(templates, "templates/upload.html"))
	renderUpload := func(w http.ResponseWriter, status int, data uploadData) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		if err := uploadPage.Execute(w, data); err != nil {
			log.Print(err)
		}
	}
	mux.HandleFunc("GET /upload", func(w http.ResponseWriter, r *http.Request) {
		data := uploadData{CSS: CSSBaseCSS, Direct: JSDirectUploadJS}
		for _, name := range r.URL.Query()["name"] {
			info, err := store.Stat(r.Context(), name)
			if err != nil {
				continue // a stale or forged link: show nothing for it
			}
			data.Uploads = append(data.Uploads, upload{Name: name, ContentType: info.ContentType, Image: strings.HasPrefix(info.ContentType, "image/")})
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
			renderUpload(w, status, uploadData{CSS: CSSBaseCSS, Direct: JSDirectUploadJS, Error: msg})
			return
		}
		// Post/Redirect/Get: a reload shows the previews, not a resubmission.
		q := url.Values{}
		for _, f := range saved {
			q.Add("name", f.Name)
		}
		http.Redirect(w, r, "/upload?"+q.Encode(), http.StatusSeeOther)
	})
	// Direct uploads: presign, then finalize what the browser sent.
	mux.HandleFunc("POST /upload/direct", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Name string `json:"name"`
			Size int64  `json:"size"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request"})
			return
		}
		up, err := store.PresignUpload(r.Context(), req.Name, req.Size, directOptions)
		if err != nil {
			directError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"method": up.Method, "url": up.URL, "pending": up.Pending})
	})
	mux.HandleFunc("POST /upload/direct/done", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Pending string `json:"pending"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request"})
			return
		}
		saved, err := store.Finalize(r.Context(), req.Pending, directOptions)
		if err != nil {
			directError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"name": saved.Name})
	})
}

// directError answers a failed direct upload with the status and message
// uploadError gives, as JSON for static/js/direct-upload.js.
func directError(w http.ResponseWriter, err error) {
	status, msg := uploadError(err)
	switch {
	case errors.Is(err, media.ErrTypeNotAllowed):
		msg = "Only audio and video can be uploaded directly."
	case errors.Is(err, media.ErrTooLarge):
		msg = "That file is too large (1 GiB at most)."
	case errors.Is(err, fs.ErrNotExist):
		status, msg = http.StatusNotFound, "No such upload; start again."
	case errors.Is(err, fs.ErrExist):
		status, msg = http.StatusConflict, "That upload is being finished already."
	}
	if status >= 500 {
		log.Printf("direct upload: %v", err)
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
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
