package webp_test

import (
	"bytes"
	"encoding/binary"
	"net/http/httptest"
	"testing"

	xwebp "golang.org/x/image/webp"

	"github.com/assetgen/assetgen/internal/imagetest"
	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/media/webp"
)

// TestVariants asks one photo for a variant as a browser that takes WebP
// and as one that does not: each gets its format, upright, with Vary:
// Accept.
func TestVariants(t *testing.T) {
	s, err := media.Open(t.Context(), t.TempDir(), media.Images(media.ImageOptions{Widths: []int{150}, Formats: []media.ImageFormat{webp.Format()}}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stored := imagetest.Quadrants(400, 300, imagetest.Green, imagetest.White, imagetest.Red, imagetest.Blue)
	photo := imagetest.WithSegments(imagetest.JPEG(t, stored), imagetest.EXIF(binary.LittleEndian, 6))
	name, err := s.Save(t.Context(), "cat.jpg", bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		accept, want string
	}{
		{"image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", "image/webp"}, // Chromium
		{"image/webp,*/*", "image/webp"},                                                // Firefox
		{"image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5", "image/jpeg"}, // old Safari
		{"image/webp;q=0, image/*", "image/jpeg"},
		{"", "image/jpeg"},
	} {
		r := httptest.NewRequest("GET", "/media/"+name+"?w=150", nil)
		if tt.accept != "" {
			r.Header.Set("Accept", tt.accept)
		}
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		h := w.Result().Header
		if w.Code != 200 || h.Get("Content-Type") != tt.want || h.Get("Vary") != "Accept" {
			t.Fatalf("Accept %q: %d, %s, Vary %q; want 200 %s, Vary Accept", tt.accept, w.Code, h.Get("Content-Type"), h.Get("Vary"), tt.want)
		}
		if tt.want != "image/webp" {
			continue
		}
		m, err := xwebp.Decode(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if b := m.Bounds(); b.Dx() != 150 || b.Dy() != 200 {
			t.Errorf("WebP variant is %v, want 150×200", b)
		}
		imagetest.WantQuadrants(t, m, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
	}
}
