package runtime_test

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/sri"
	"github.com/assetgen/assetgen/runtime"
)

// staleSet is a Set whose table was generated for logo.svg's old content
// "<svg/>", over a file system that holds what the binary embeds after
// the source was edited and the binary rebuilt without go generate.
func staleSet(logo string) *runtime.Set {
	old := []byte("<svg/>")
	fsys := fstest.MapFS{
		"theme/img/logo.svg": {Data: []byte(logo)},
		"theme/robots.txt":   {Data: []byte("ok")},
	}
	return runtime.New(fsys, "/static/", []runtime.File{
		{Path: "img/logo.svg", HashedPath: "img/logo.0123456789ab.svg", Name: "theme/img/logo.svg", Integrity: sri.Bytes(old), ContentType: "image/svg+xml", Size: int64(len(old))},
		{Path: "robots.txt", HashedPath: "robots.txt", Name: "theme/robots.txt", Integrity: sri.Bytes([]byte("ok")), ContentType: "text/plain; charset=utf-8", Size: 2},
	})
}

// TestStaleEmbedded: a source embedded in place and edited after
// go generate is a 500 with no detail for the client, one log line per
// file however many requests, and an error from Verify, each naming the
// file and the fix.
func TestStaleEmbedded(t *testing.T) {
	for _, tt := range []struct{ name, logo, want string }{
		{"Size", "<svg></svg>", "theme/img/logo.svg: 11 bytes, the table says 6; it changed since go generate: run go generate and rebuild"},
		{"SameSize", "<svg >", "theme/img/logo.svg: content hash differs from the table's; it changed since go generate: run go generate and rebuild"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			flags, out := log.Flags(), log.Writer()
			log.SetFlags(0)
			log.SetOutput(&logged)
			t.Cleanup(func() { log.SetFlags(flags); log.SetOutput(out) })

			s := staleSet(tt.logo)
			h := s.Handler()
			for range 3 {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/static/img/logo.0123456789ab.svg", nil))
				if w.Code != http.StatusInternalServerError || bytes.Contains(w.Body.Bytes(), []byte("logo")) {
					t.Fatalf("got %d %q; want 500 without the error text", w.Code, w.Body)
				}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/static/robots.txt", nil))
			if w.Code != http.StatusOK {
				t.Errorf("robots.txt: got %d; want 200", w.Code)
			}
			if diff := cmp.Diff("assetgen: "+tt.want+" (the handler answers 500 for it)\n", logged.String()); diff != "" {
				t.Errorf("log (-want +got):\n%s", diff)
			}
			err := s.Verify()
			if err == nil || err.Error() != tt.want {
				t.Errorf("Verify() = %v; want %s", err, tt.want)
			}
		})
	}
}

func TestVerifyFresh(t *testing.T) {
	if err := staleSet("<svg/>").Verify(); err != nil {
		t.Errorf("Verify() = %v; want nil", err)
	}
}
