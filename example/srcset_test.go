package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/assetgen/assetgen/internal/imagetest"
	"github.com/assetgen/assetgen/internal/testenv"
)

// TestBrowserSrcset uploads a phone photo (1600 × 1200, stored sideways
// with EXIF orientation 6 and a GPS position) through the example's form
// in headless Chromium, then loads the preview page at two viewport
// widths and checks, from the page and from the server's log, which
// variant Chromium chose from the srcset: with sizes saying 100vw up to
// 640px, a 320-pixel viewport takes the 320 variant and a 1024-pixel one
// the 640 variant, each upright (taller than wide) and without EXIF.
func TestBrowserSrcset(t *testing.T) {
	photo := filepath.Join(t.TempDir(), "holiday.jpg")
	if err := os.WriteFile(photo, imagetest.PhotoLike(t, 1600, 1200), 0o644); err != nil {
		t.Fatal(err)
	}
	var log requestLog
	srv := httptest.NewServer(log.wrap(newMux(testStore(t))))
	defer srv.Close()

	ctx, stop := testenv.Chromium(t, 60*time.Second)
	defer stop()

	// The upload's own page load happens at the narrow viewport, so that
	// no wider variant is in the browser's cache before the first check.
	var page string
	if err := chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(320, 800, 1, false),
		chromedp.Navigate(srv.URL+"/upload"),
		chromedp.SetUploadFiles(`input[type=file]`, []string{photo}, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`img.preview`, chromedp.ByQuery),
		chromedp.Location(&page),
	); err != nil {
		t.Fatalf("upload: %v", err)
	}
	for i, tt := range []struct {
		viewport      int64
		width, height int // of the variant, upright
	}{
		{320, 320, 427},
		{1024, 640, 853},
	} {
		if i > 0 {
			log.reset()
			if err := chromedp.Run(ctx,
				emulation.SetDeviceMetricsOverride(tt.viewport, 800, 1, false),
				chromedp.Navigate(page),
			); err != nil {
				t.Fatal(err)
			}
		}
		var got struct {
			CurrentSrc    string
			Width, Height int
		}
		if err := chromedp.Run(ctx, chromedp.Evaluate(`new Promise(ok => {
			const i = document.querySelector("img.preview");
			const done = () => ok({CurrentSrc: new URL(i.currentSrc).pathname + new URL(i.currentSrc).search, Width: i.naturalWidth, Height: i.naturalHeight});
			i.complete ? done() : (i.onload = i.onerror = done);
		})`, &got, awaitPromise)); err != nil {
			t.Fatal(err)
		}
		want := "&w=" + strconv.Itoa(tt.width)
		if !strings.HasPrefix(got.CurrentSrc, "/media/holiday.jpg?v=") || !strings.HasSuffix(got.CurrentSrc, want) {
			t.Errorf("viewport %d: Chromium chose %q, want the %s variant", tt.viewport, got.CurrentSrc, want)
		}
		if got.Width != tt.width || got.Height != tt.height {
			t.Errorf("viewport %d: image is %d×%d, want %d×%d, upright", tt.viewport, got.Width, got.Height, tt.width, tt.height)
		}
		if fetched := log.images(); !slices.Equal(fetched, []string{got.CurrentSrc}) {
			t.Errorf("viewport %d: server saw image requests %q, want only %q", tt.viewport, fetched, got.CurrentSrc)
		}
		body := []byte(get(t, srv.URL+got.CurrentSrc, 200))
		for _, p := range imagetest.Private {
			if bytes.Contains(body, []byte(p)) {
				t.Errorf("viewport %d: variant contains %q", tt.viewport, p)
			}
		}
	}
	// StripOriginal: the stored photo itself has lost its GPS position.
	if orig := get(t, srv.URL+"/media/holiday.jpg", 200); strings.Contains(orig, "GPS") || strings.Contains(orig, "Exif") {
		t.Errorf("the stored original keeps its EXIF")
	}
}

// requestLog records the image requests (those with a query) under
// /media/ that the server answered.
type requestLog struct {
	mu   sync.Mutex
	uris []string
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Logged before it is answered, so that a request the test has
		// seen answered is already in the log.
		if strings.HasPrefix(r.URL.Path, "/media/") && r.URL.RawQuery != "" {
			l.mu.Lock()
			l.uris = append(l.uris, r.URL.RequestURI())
			l.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// images returns the URIs requested, each once: Chromium's preload
// scanner and the img element may both ask for the one they chose.
func (l *requestLog) images() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Compact(slices.Sorted(slices.Values(l.uris)))
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uris = nil
}
