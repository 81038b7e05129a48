package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"

	"github.com/assetgen/assetgen/bench/assets"
)

// TestRouters mounts the generated handler the way each common router's
// documentation mounts a file server, and checks a fingerprinted asset is
// served, with immutable caching, and an unknown one is not.
func TestRouters(t *testing.T) {
	h := assets.Handler()
	chiMount := chi.NewRouter()
	chiMount.Mount("/static", h)
	chiWildcard := chi.NewRouter()
	chiWildcard.Handle("/static/*", h)
	gorilla := mux.NewRouter()
	gorilla.PathPrefix("/static/").Handler(h)
	gorillaStrip := mux.NewRouter()
	gorillaStrip.PathPrefix("/static/").Handler(http.StripPrefix("/static/", h))
	serveMux := http.NewServeMux()
	serveMux.Handle("GET /static/", h)

	for _, tt := range []struct {
		name   string
		router http.Handler
	}{
		{"ServeMux", serveMux},
		{"ChiMount", chiMount},
		{"ChiWildcard", chiWildcard},
		{"GorillaPathPrefix", gorilla},
		{"GorillaStripPrefix", gorillaStrip},
	} {
		t.Run(tt.name, func(t *testing.T) {
			get := func(target string) *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				tt.router.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
				return w
			}
			w := get(assets.CSSSiteCSS.URL())
			if w.Code != 200 || w.Body.Len() != int(assets.CSSSiteCSS.Size()) {
				t.Fatalf("GET %s: %d, %d bytes; want 200, %d bytes", assets.CSSSiteCSS.URL(), w.Code, w.Body.Len(), assets.CSSSiteCSS.Size())
			}
			if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", cc)
			}
			if w := get("/static/css/nope.css"); w.Code != 404 {
				t.Errorf("GET /static/css/nope.css: %d, want 404", w.Code)
			}
		})
	}
}
