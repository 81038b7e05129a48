package webp_test

import (
	"bytes"
	"html/template"
	"image"
	"image/color"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/assetgen/assetgen/internal/imagetest"
	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/media/webp"
)

// TestBrowserGallery loads, in headless Chromium, a page of photos made
// with the img template function, its image responses held back 300 ms
// so that the page is laid out before any arrives. Chromium must get
// WebP, and the page must not shift as they load (cumulative layout
// shift 0), where the same page without width and height does. It logs
// the bytes of the images against the same variants as JPEG.
func TestBrowserGallery(t *testing.T) {
	s, err := media.Open(t.Context(), t.TempDir(), media.Images(media.ImageOptions{Widths: []int{320, 640}, Formats: []media.ImageFormat{webp.Format()}}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Each page its own photos, so that none is in Chromium's cache.
	photos := map[string][]string{}
	for i := range 6 {
		name, err := s.Save(t.Context(), "photo.jpg", bytes.NewReader(imagetest.JPEG(t, scene(900+100*(i%3), 700, i))))
		if err != nil {
			t.Fatal(err)
		}
		p := []string{"/page", "/control"}[i/3]
		photos[p] = append(photos[p], name)
	}
	const page = `<!doctype html><html><head><style>img{display:block;max-width:100%;height:auto}</style></head><body>
<p>Photos</p>{{range .}}{{IMG}}{{end}}<p>The end</p>
<script>window.cls = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.cls += e.value }).observe({type: "layout-shift", buffered: true})</script>
</body></html>`
	pages := map[string]*template.Template{
		"/page":    template.Must(template.New("p").Funcs(s.FuncMap()).Parse(strings.Replace(page, "{{IMG}}", `{{img . "" "320px"}}`, 1))),
		"/control": template.Must(template.New("c").Funcs(s.FuncMap()).Parse(strings.Replace(page, "{{IMG}}", `<img src="{{imageURL . 640}}" srcset="{{srcset .}}" sizes="320px" alt="">`, 1))),
	}
	var log imageLog
	mux := http.NewServeMux()
	for p, tmpl := range pages {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { tmpl.Execute(w, photos[p]) })
	}
	mux.Handle("/media/", log.wrap(s.Handler()))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx, stop := testenv.Chromium(t, 60*time.Second)
	defer stop()

	for _, tt := range []struct {
		path     string
		shifts   bool
		wantType string
	}{{"/page", false, "image/webp"}, {"/control", true, "image/webp"}} {
		log.reset()
		var cls float64
		if err := chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+tt.path),
			chromedp.Evaluate(`Promise.all([...document.images].map(i => i.decode().catch(() => {}))).then(() => new Promise(ok => setTimeout(() => ok(window.cls), 200)))`, &cls, awaitPromise),
		); err != nil {
			t.Fatal(err)
		}
		if (cls > 0) != tt.shifts {
			t.Errorf("%s: cumulative layout shift %.3f, want %s", tt.path, cls, map[bool]string{false: "0", true: "above 0"}[tt.shifts])
		}
		got := log.responses()
		if len(got) != 3 {
			t.Errorf("%s: %d image responses, want 3: %v", tt.path, len(got), got)
		}
		if tt.path != "/page" {
			continue
		}
		var webpBytes, jpegBytes int
		for uri, r := range got {
			if r.contentType != tt.wantType {
				t.Errorf("%s: %s came as %s, want %s", tt.path, uri, r.contentType, tt.wantType)
			}
			webpBytes += r.size
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, httptest.NewRequest("GET", uri, nil)) // no Accept: JPEG
			jpegBytes += w.Body.Len()
		}
		t.Logf("%s: %d images, %d bytes as WebP, %d as JPEG (%.2f)", tt.path, len(got), webpBytes, jpegBytes, float64(webpBytes)/float64(jpegBytes))
		if webpBytes >= jpegBytes {
			t.Errorf("WebP variants are %d bytes, JPEG %d", webpBytes, jpegBytes)
		}
	}
}

// scene is a w × h photo-like picture, smooth with a little noise: sky,
// hills, a sun, different for each seed.
func scene(w, h, seed int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(seed + 1)
	for py := range h {
		for px := range w {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			n := float64(x%9) - 4
			fx, fy := float64(px)/float64(w), float64(py)/float64(h)
			hill := 0.6 + 0.1*math.Sin(fx*7+float64(seed)) + 0.05*math.Sin(fx*23)
			var c [3]float64
			switch {
			case math.Hypot(fx-0.7, fy-0.25) < 0.08:
				c = [3]float64{250, 220, 120}
			case fy > hill:
				c = [3]float64{40 + 60*fy, 120 - 40*fy, 40}
			default:
				c = [3]float64{90 + 100*fy, 140 + 80*fy, 230}
			}
			m.SetRGBA(px, py, color.RGBA{clamp(c[0] + n), clamp(c[1] + n), clamp(c[2] + n), 255})
		}
	}
	return m
}

func clamp(v float64) uint8 { return uint8(min(max(v, 0), 255)) }

// imageLog holds back and records the variant responses a server sends.
type imageLog struct {
	mu sync.Mutex
	m  map[string]response
}

type response struct {
	contentType string
	size        int
}

func (l *imageLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond) // after the page's layout
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		l.mu.Lock()
		l.m[r.URL.RequestURI()] = response{rec.Header().Get("Content-Type"), rec.Body.Len()}
		l.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

func (l *imageLog) responses() map[string]response {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m
}

func (l *imageLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m = make(map[string]response)
}

// awaitPromise makes Evaluate wait for the expression's promise.
func awaitPromise(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
	return p.WithAwaitPromise(true)
}
