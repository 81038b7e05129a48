package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assetgen/assetgen/internal/imagetest"
	"github.com/assetgen/assetgen/media"
)

// photoOnce makes the 12-megapixel phone photo once for all tests.
var photoOnce = sync.OnceValue(func() []byte { return imagetest.Photo(&testing.T{}) })

// smallPhoto is a 400 × 300 phone photo stored sideways (orientation 6)
// with a GPS position, XMP and a comment: upright, 300 × 400, red, green,
// blue and white quarters.
func smallPhoto(t testing.TB) []byte {
	stored := imagetest.Quadrants(400, 300, imagetest.Green, imagetest.White, imagetest.Red, imagetest.Blue)
	return imagetest.WithSegments(imagetest.JPEG(t, stored), imagetest.EXIF(binary.LittleEndian, 6), imagetest.XMP, imagetest.Comment)
}

// withImages opens the backend's store with Images and the given options.
func withImages(t *testing.T, e *env, o media.ImageOptions, opts ...media.Option) *media.Store {
	return e.open(t, append(opts, media.Images(o))...)
}

// checkVariant checks that a response is a metadata-free image of the
// given type and size, with an ETag of its bytes, and returns it decoded.
func checkVariant(t *testing.T, w *httptest.ResponseRecorder, ctype string, width, height int) image.Image {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	h := w.Result().Header
	if got := h.Get("Content-Type"); got != ctype {
		t.Errorf("Content-Type %q, want %q", got, ctype)
	}
	sum := sha256.Sum256(w.Body.Bytes())
	if want := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`; h.Get("Etag") != want {
		t.Errorf("ETag %s, want %s (from the bytes)", h.Get("Etag"), want)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Disposition") != "" {
		t.Errorf("headers %v", h)
	}
	m, _, err := image.Decode(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("variant does not decode: %v", err)
	}
	if b := m.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Fatalf("variant is %d×%d, want %d×%d", b.Dx(), b.Dy(), width, height)
	}
	for _, s := range imagetest.Private {
		if bytes.Contains(w.Body.Bytes(), []byte(s)) {
			t.Errorf("variant contains %q", s)
		}
	}
	return m
}

const longCache = "public, max-age=31536000, immutable"

func TestImages(t *testing.T) {
	forBackends(t, imageCases)
}

var imageCases = []storeCase{
	{"PhonePhoto", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{})
		name := save(t, s, "photo.jpg", photoOnce())
		w := get(s.Handler(), "GET", "/media/"+name+"?w=640")
		// Upright, the 4032 × 3024 photo is 3024 × 4032: 640 wide is 853 high.
		m := checkVariant(t, w, "image/jpeg", 640, 853)
		imagetest.WantQuadrants(t, m, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
		if md := imagetest.MetadataSegments(t, w.Body.Bytes()); len(md) != 0 {
			t.Errorf("variant has metadata segments % x; want none", md)
		}
		if got := w.Result().Header.Get("Cache-Control"); got != "public, max-age=300, must-revalidate" {
			t.Errorf("unversioned Cache-Control %q", got)
		}
		t.Logf("%d-byte photo, %d-byte variant", len(photoOnce()), w.Body.Len())

		u := s.ImageURL(name, 640)
		if !strings.HasPrefix(u, "/media/"+name+"?v=") || !strings.HasSuffix(u, "&w=640") {
			t.Errorf("ImageURL = %q", u)
		}
		w2 := get(s.Handler(), "GET", u)
		if !bytes.Equal(w2.Body.Bytes(), w.Body.Bytes()) || w2.Result().Header.Get("Cache-Control") != longCache {
			t.Errorf("versioned GET: %d bytes, Cache-Control %q", w2.Body.Len(), w2.Result().Header.Get("Cache-Control"))
		}
		if w3 := get(s.Handler(), "GET", u, "If-None-Match: "+w.Result().Header.Get("Etag")); w3.Code != 304 {
			t.Errorf("If-None-Match: %d, want 304", w3.Code)
		}
		// 640 and, from the same decode, 320 below it.
		if n := s.VariantsMade(); n != 2 {
			t.Errorf("made %d variants, want 2", n)
		}
		// Variants are stored under a dot directory: never listed, never
		// served by a plain path.
		if got := names(t, s, ""); len(got) != 1 || got[0] != name {
			t.Errorf("List = %q, want only %q", got, name)
		}
		if n := countVariants(t, e, name); n != 2 {
			t.Fatalf("%d variants stored, want 2", n)
		}
		if w := get(s.Handler(), "GET", "/media/"+name+"?w=320"); w.Code != 200 || s.VariantsMade() != 2 {
			t.Errorf("?w=320: %d, %d made; want 200 from the store", w.Code, s.VariantsMade())
		}
		v := strings.TrimSuffix(strings.TrimPrefix(u, "/media/"+name+"?v="), "&w=640")
		for _, p := range []string{"/media/.variants/" + name + "/" + v + "-640", "/media/.variants/" + name + "/", "/media/.variants/"} {
			if w := get(s.Handler(), "GET", p); w.Code != 404 && w.Code != 400 {
				t.Errorf("GET %s: %d", p, w.Code)
			}
		}
	}},
	{"Orientation", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{Widths: []int{150}})
		name := save(t, s, "small.jpg", smallPhoto(t))
		m := checkVariant(t, get(s.Handler(), "GET", "/media/"+name+"?w=150"), "image/jpeg", 150, 200)
		imagetest.WantQuadrants(t, m, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
	}},
	{"PNGKeepsAlpha", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{})
		src := image.NewNRGBA(image.Rect(0, 0, 1280, 640))
		for y := range 640 {
			for x := range 640 {
				src.SetNRGBA(x, y, color.NRGBA{0, 0, 255, 128}) // the right half stays clear
			}
		}
		name := save(t, s, "alpha.png", imagetest.PNG(t, src))
		m := checkVariant(t, get(s.Handler(), "GET", "/media/"+name+"?w=320"), "image/png", 320, 160)
		for _, p := range []struct {
			x    int
			want color.NRGBA
		}{{40, color.NRGBA{0, 0, 255, 128}}, {280, color.NRGBA{}}} {
			if got := color.NRGBAModel.Convert(m.At(p.x, 80)).(color.NRGBA); got != p.want {
				t.Errorf("pixel (%d, 80) = %v, want %v", p.x, got, p.want)
			}
		}
	}},
	{"WidthNotInSet", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{Widths: []int{100, 200}})
		name := save(t, s, "set.jpg", smallPhoto(t))
		for _, q := range []string{"w=150", "w=640", "w=0", "w=-100", "w=abc", "w=", "w=100&w=200", "w=1e2", "w=0100"} {
			if w := get(s.Handler(), "GET", "/media/"+name+"?"+q); w.Code != 400 {
				t.Errorf("?%s: %d, want 400", q, w.Code)
			}
		}
		if w := get(s.Handler(), "GET", "/media/"+name+"?w=100"); w.Code != 200 {
			t.Errorf("?w=100: %d", w.Code)
		}
		plain := e.open(t) // without Images
		if w := get(plain.Handler(), "GET", "/media/"+name+"?w=100"); w.Code != 400 {
			t.Errorf("?w=100 without Images: %d, want 400", w.Code)
		}
		if n := s.VariantsMade(); n != 1 {
			t.Errorf("made %d variants, want 1", n)
		}
	}},
	{"WiderThanSource", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{Widths: []int{300, 640}})
		src := smallPhoto(t) // 300 wide upright
		name := save(t, s, "narrow.jpg", src)
		for _, width := range []string{"300", "640", "640"} {
			w := get(s.Handler(), "GET", "/media/"+name+"?w="+width)
			if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), src) {
				t.Errorf("?w=%s: %d, %d bytes; want the source's %d", width, w.Code, w.Body.Len(), len(src))
			}
		}
		if n := s.VariantsMade(); n != 0 {
			t.Errorf("made %d variants, want 0", n)
		}
	}},
	{"ConcurrentFirstRequests", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{})
		name := save(t, s, "busy.jpg", imagetest.PhotoLike(t, 1600, 1200))
		h := s.Handler()
		var wg sync.WaitGroup
		bodies := make([][]byte, 50)
		for i := range bodies {
			wg.Go(func() {
				w := get(h, "GET", "/media/"+name+"?w=640")
				if w.Code != 200 {
					t.Errorf("request %d: %d", i, w.Code)
				}
				bodies[i] = w.Body.Bytes()
			})
		}
		wg.Wait()
		for i, b := range bodies {
			if len(b) == 0 || !bytes.Equal(b, bodies[0]) {
				t.Fatalf("request %d got %d bytes, request 0 %d", i, len(b), len(bodies[0]))
			}
		}
		if n := s.VariantsMade(); n != 2 {
			t.Errorf("50 concurrent first requests made %d variants, want 2 (640 and 320)", n)
		}
		if n := countVariants(t, e, name); n != 2 {
			t.Errorf("%d variants stored, want 2", n)
		}
	}},
	{"Refused", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{})
		jpg := imagetest.JPEG(t, imagetest.Noise(800, 600))
		for _, tt := range []struct {
			name    string
			content []byte
			want    int
		}{
			{"bomb.png", imagetest.PNGBomb(), 422},
			{"bomb.jpg", imagetest.JPEGBomb(t), 422},
			{"cut.jpg", jpg[:len(jpg)/2], 422},
			{"notes.txt", []byte("not an image at all"), 415},
			{"xss.svg", svgXSS, 415},
		} {
			name := save(t, s, tt.name, tt.content)
			if w := get(s.Handler(), "GET", "/media/"+name+"?w=320"); w.Code != tt.want {
				t.Errorf("%s: %d, want %d", tt.name, w.Code, tt.want)
			}
		}
		if w := get(s.Handler(), "GET", "/media/missing.jpg?w=320"); w.Code != 404 {
			t.Errorf("missing: %d, want 404", w.Code)
		}
		if n := s.VariantsMade(); n != 0 {
			t.Errorf("made %d variants, want 0", n)
		}
	}},
	{"SurvivesRestart", func(t *testing.T, e *env) {
		first := withImages(t, e, media.ImageOptions{})
		name := save(t, first, "kept.jpg", imagetest.PhotoLike(t, 1600, 1200))
		w1 := get(first.Handler(), "GET", "/media/"+name+"?w=640")
		first.Close()
		second := withImages(t, e, media.ImageOptions{}) // another server, or this one restarted
		w2 := get(second.Handler(), "GET", "/media/"+name+"?w=640")
		if w1.Code != 200 || w2.Code != 200 || !bytes.Equal(w1.Body.Bytes(), w2.Body.Bytes()) {
			t.Fatalf("before: %d, %d bytes; after: %d, %d bytes", w1.Code, w1.Body.Len(), w2.Code, w2.Body.Len())
		}
		if e1, e2 := w1.Result().Header.Get("Etag"), w2.Result().Header.Get("Etag"); e1 != e2 {
			t.Errorf("ETag %s, then %s", e1, e2)
		}
		if n := second.VariantsMade(); n != 0 {
			t.Errorf("the restarted store made %d variants, want 0: read back", n)
		}
	}},
	{"ReplacedSourceNewURLs", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{})
		now := time.Now()
		s.SetNow(func() time.Time { return now })
		name := save(t, s, "replaced.jpg", imagetest.JPEG(t, imagetest.Noise(1000, 800)))
		before := s.ImageURL(name, 640)
		w1 := get(s.Handler(), "GET", before)
		if err := s.Delete(t.Context(), name); err != nil {
			t.Fatal(err)
		}
		if n := countVariants(t, e, name); n != 0 {
			t.Errorf("Delete left %d variants", n)
		}
		quarters := imagetest.Quadrants(1000, 800, imagetest.Red, imagetest.Red, imagetest.Blue, imagetest.Blue)
		if got := save(t, s, "replaced.jpg", imagetest.JPEG(t, quarters)); got != name {
			t.Fatalf("saved as %s, want %s again", got, name)
		}
		if got := s.ImageURL(name, 640); got != before {
			t.Errorf("within MaxAge, ImageURL = %q, want the cached %q", got, before)
		}
		now = now.Add(6 * time.Minute)
		after := s.ImageURL(name, 640)
		if after == before {
			t.Fatalf("after MaxAge, ImageURL is still %q", before)
		}
		w2 := get(s.Handler(), "GET", after)
		if w2.Code != 200 || bytes.Equal(w1.Body.Bytes(), w2.Body.Bytes()) {
			t.Errorf("new URL: %d, same bytes %v", w2.Code, bytes.Equal(w1.Body.Bytes(), w2.Body.Bytes()))
		}
		// The old URL now names content that is gone: it is answered with
		// the current variant, not cached for long.
		if w3 := get(s.Handler(), "GET", before); w3.Result().Header.Get("Cache-Control") == longCache {
			t.Errorf("stale URL cached for long")
		}
	}},
	{"DeletedAndSavedAgain", func(t *testing.T, e *env) {
		// The same bytes saved again under the same name have, on S3, the
		// same ETag (their MD5), so the same variant name: the variant
		// deleted with the first must be made again, not looked for.
		s := withImages(t, e, media.ImageOptions{Widths: []int{150}})
		src := smallPhoto(t)
		name := save(t, s, "again.jpg", src)
		first := get(s.Handler(), "GET", "/media/"+name+"?w=150")
		if err := s.Delete(t.Context(), name); err != nil {
			t.Fatal(err)
		}
		if w := get(s.Handler(), "GET", "/media/"+name+"?w=150"); w.Code != 404 {
			t.Errorf("variant of a deleted image: %d, want 404", w.Code)
		}
		if got := save(t, s, "again.jpg", src); got != name {
			t.Fatalf("saved as %s, want %s", got, name)
		}
		again := get(s.Handler(), "GET", "/media/"+name+"?w=150")
		if first.Code != 200 || again.Code != 200 || !bytes.Equal(first.Body.Bytes(), again.Body.Bytes()) {
			t.Errorf("first %d, %d bytes; again %d, %d bytes", first.Code, first.Body.Len(), again.Code, again.Body.Len())
		}
		if n := s.VariantsMade(); n != 2 {
			t.Errorf("made %d variants, want 2", n)
		}
	}},
	{"Redirect", func(t *testing.T, e *env) {
		if e.s3 == nil {
			return // a local store cannot redirect
		}
		s := withImages(t, e, media.ImageOptions{Widths: []int{150, 640}}, media.Redirect(time.Minute))
		name := save(t, s, "redirected.jpg", smallPhoto(t))
		w := get(s.Handler(), "GET", "/media/"+name+"?w=150")
		loc := w.Header().Get("Location")
		if w.Code != 302 || !strings.HasPrefix(loc, e.s3.Endpoint+"/") || !strings.Contains(loc, ".variants") {
			t.Fatalf("GET = %d to %q, want 302 to the variant in the store", w.Code, loc)
		}
		resp, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		m, err := jpeg.Decode(resp.Body)
		if err != nil || m.Bounds().Dx() != 150 {
			t.Fatalf("the store answered %d: %v", resp.StatusCode, err)
		}
		// Wider than the source: a redirect to the source itself.
		if loc := get(s.Handler(), "GET", "/media/"+name+"?w=640").Header().Get("Location"); strings.Contains(loc, ".variants") || !strings.Contains(loc, name) {
			t.Errorf("?w=640 redirected to %q, want the source", loc)
		}
	}},
	{"SizeRecorded", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{Widths: []int{150}, Placeholder: true})
		for _, tt := range []struct {
			name    string
			content []byte
			w, h    int
		}{
			{"sideways.jpg", smallPhoto(t), 300, 400}, // stored 400 × 300, orientation 6
			{"alpha.png", imagetest.PNG(t, image.NewNRGBA(image.Rect(0, 0, 64, 32))), 64, 32},
			{"bomb.png", imagetest.PNGBomb(), 0, 0}, // stored, but no size
			{"notes.txt", []byte("not an image"), 0, 0},
		} {
			name := save(t, s, tt.name, tt.content)
			info, err := s.Stat(t.Context(), name)
			if err != nil || info.Width != tt.w || info.Height != tt.h {
				t.Errorf("%s: Stat = %d×%d, %v; want %d×%d", tt.name, info.Width, info.Height, err, tt.w, tt.h)
			}
			if got := readAll(t, s, name); !bytes.Equal(got, tt.content) {
				t.Errorf("%s: stored %d bytes, want the %d uploaded", tt.name, len(got), len(tt.content))
			}
			if has := strings.Contains(string(s.ImageTag(name, "", "")), "data:image/png;base64,"); has != (tt.w > 0) {
				t.Errorf("%s: placeholder %v, want %v", tt.name, has, tt.w > 0)
			}
		}
	}},
	{"Eager", func(t *testing.T, e *env) {
		var logged bytes.Buffer
		o := media.ImageOptions{Widths: []int{100, 200}, Eager: true, ErrorLog: log.New(&logged, "", 0)}
		first := withImages(t, e, o)
		name := save(t, first, "eager.jpg", smallPhoto(t)) // 300 wide
		bomb := save(t, first, "eager-bomb.png", imagetest.PNGBomb())
		first.Close() // waits for the variants
		if n := first.VariantsMade(); n != 2 {
			t.Errorf("made %d variants at upload, want 2", n)
		}
		if !strings.Contains(logged.String(), bomb) || strings.Contains(logged.String(), name) {
			t.Errorf("logged %q; want the bomb's failure only", logged.String())
		}
		second := withImages(t, e, o)
		for _, w := range []string{"100", "200"} {
			if got := get(second.Handler(), "GET", "/media/"+name+"?w="+w); got.Code != 200 {
				t.Errorf("?w=%s: %d", w, got.Code)
			}
		}
		if n := second.VariantsMade(); n != 0 {
			t.Errorf("requests made %d variants, want 0: made at upload", n)
		}
	}},
	{"StripOriginal", func(t *testing.T, e *env) {
		s := withImages(t, e, media.ImageOptions{StripOriginal: true})
		name := save(t, s, "gps.jpg", smallPhoto(t))
		got := readAll(t, s, name)
		for _, p := range imagetest.Private {
			if bytes.Contains(got, []byte(p)) {
				t.Errorf("stored original contains %q", p)
			}
		}
		if md := imagetest.MetadataSegments(t, got); len(md) != 0 {
			t.Errorf("stored original has metadata segments % x", md)
		}
		m, err := jpeg.Decode(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		if b := m.Bounds(); b.Dx() != 300 || b.Dy() != 400 {
			t.Errorf("stored original is %d×%d, want 300×400, upright", b.Dx(), b.Dy())
		}
		imagetest.WantQuadrants(t, m, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
		info, err := s.Stat(t.Context(), name)
		if err != nil || info.ContentType != "image/jpeg" || info.Size != int64(len(got)) {
			t.Errorf("Stat = %+v, %v", info, err)
		}
		// One that cannot be decoded is refused, and leaves nothing.
		_, err = s.Save(t.Context(), "nogps-bomb.png", bytes.NewReader(imagetest.PNGBomb()))
		if !errors.Is(err, media.ErrBadImage) {
			t.Errorf("bomb: %v, want ErrBadImage", err)
		}
		checkNothingLeft(t, e, s, "nogps-bomb")
		// Other types are stored as sent.
		if got := readAll(t, s, save(t, s, "notes.txt", []byte("taken at home"))); string(got) != "taken at home" {
			t.Errorf("text stored as %q", got)
		}
	}},
}

// countVariants counts the variants of the named image stored in the
// backend, looking at its files, not through the store.
func countVariants(t *testing.T, e *env, name string) int {
	t.Helper()
	root := e.dir
	if root == "" {
		root = filepath.Join(e.s3.Dir, e.s3.Bucket)
	}
	n := 0
	filepath.WalkDir(filepath.Join(root, ".variants", name), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".attrs") {
			n++
		}
		return nil
	})
	return n
}

func TestImageURLs(t *testing.T) {
	s := openStore(t, t.TempDir(), media.Images(media.ImageOptions{Widths: []int{640, 320, 1280}}))
	name := save(t, s, "cat.jpg", smallPhoto(t))
	v := strings.TrimPrefix(strings.Split(s.ImageURL(name, 320), "&")[0], "/media/cat.jpg?v=")
	if len(v) != 12 {
		t.Fatalf("version %q", v)
	}
	for _, tt := range []struct {
		width int
		want  string
	}{
		{320, "/media/cat.jpg?v=" + v + "&w=320"},
		{1, "/media/cat.jpg?v=" + v + "&w=320"},
		{600, "/media/cat.jpg?v=" + v + "&w=640"},
		{1280, "/media/cat.jpg?v=" + v + "&w=1280"},
		{5000, "/media/cat.jpg?v=" + v + "&w=1280"},
	} {
		if got := s.ImageURL(name, tt.width); got != tt.want {
			t.Errorf("ImageURL(%d) = %q, want %q", tt.width, got, tt.want)
		}
	}
	if got, want := s.SrcSet(name), "/media/cat.jpg?v="+v+"&w=320 320w, /media/cat.jpg?v="+v+"&w=640 640w, /media/cat.jpg?v="+v+"&w=1280 1280w"; got != want {
		t.Errorf("SrcSet() = %q, want %q", got, want)
	}
	if got, want := s.SrcSet(name, 700, 300, 320), "/media/cat.jpg?v="+v+"&w=320 320w, /media/cat.jpg?v="+v+"&w=1280 1280w"; got != want {
		t.Errorf("SrcSet(700, 300, 320) = %q, want %q", got, want)
	}
	if got := s.ImageURL("missing.jpg", 320); got != "/media/missing.jpg?w=320" {
		t.Errorf("ImageURL of a missing file = %q", got)
	}
	svg := save(t, s, "logo.svg", svgXSS)
	if got, set := s.ImageURL(svg, 320), s.SrcSet(svg); got != "/media/logo.svg" || set != "" {
		t.Errorf("for an SVG, ImageURL = %q, SrcSet = %q; want the plain URL, no srcset", got, set)
	}
	if err := s.SetPrefix("https://cdn.example.com/m/"); err != nil {
		t.Fatal(err)
	}
	if got := s.ImageURL(name, 320); got != "https://cdn.example.com/m/cat.jpg?v="+v+"&w=320" {
		t.Errorf("ImageURL under a CDN prefix = %q", got)
	}

	plain := openStore(t, t.TempDir())
	if got := plain.ImageURL("cat.jpg", 320); got != "/media/cat.jpg" {
		t.Errorf("without Images, ImageURL = %q", got)
	}
	if got := plain.SrcSet("cat.jpg"); got != "" {
		t.Errorf("without Images, SrcSet = %q", got)
	}
}

func TestImageFuncMap(t *testing.T) {
	s := openStore(t, t.TempDir(), media.Images(media.ImageOptions{Widths: []int{320, 640}}))
	name := save(t, s, "cat.jpg", smallPhoto(t))
	v := strings.TrimPrefix(strings.Split(s.ImageURL(name, 320), "&")[0], "/media/cat.jpg?v=")
	tmpl := template.Must(template.New("p").Funcs(s.FuncMap()).Parse(
		`<a href="{{mediaURL .}}"><img src="{{imageURL . 640}}" srcset="{{srcset .}}" sizes="(max-width: 640px) 100vw, 640px" alt=""></a>`))
	var b strings.Builder
	if err := tmpl.Execute(&b, name); err != nil {
		t.Fatal(err)
	}
	want := `<a href="/media/cat.jpg"><img src="/media/cat.jpg?v=` + v + `&amp;w=640" srcset="/media/cat.jpg?v=` + v + `&amp;w=320 320w, /media/cat.jpg?v=` + v + `&amp;w=640 640w" sizes="(max-width: 640px) 100vw, 640px" alt=""></a>`
	if b.String() != want {
		t.Errorf("rendered\n%s\nwant\n%s", b.String(), want)
	}
}

func TestImagesPrivate(t *testing.T) {
	key := bytes.Repeat([]byte("k"), 32)
	s := openStore(t, t.TempDir(), media.Private(), media.SigningKey(key), media.Images(media.ImageOptions{Widths: []int{150}}))
	name := save(t, s, "secret.jpg", smallPhoto(t))
	if w := get(s.Handler(), "GET", s.ImageURL(name, 150)); w.Code != 403 {
		t.Errorf("unsigned variant: %d, want 403", w.Code)
	}
	signed, err := s.SignedURL(name, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Split(s.ImageURL(name, 150), "?")[1] // v=...&w=150
	w := get(s.Handler(), "GET", signed+"&"+v)
	checkVariant(t, w, "image/jpeg", 150, 200)
	if cc := w.Result().Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private, ") {
		t.Errorf("a private variant's Cache-Control is %q", cc)
	}
}

func TestImageOptionsChecked(t *testing.T) {
	for _, o := range []media.ImageOptions{
		{Widths: []int{0}},
		{Widths: []int{640, -1}},
		{Widths: []int{100000}},
		{Quality: 101},
		{Quality: -1},
		{MaxPixels: -1},
		{Workers: -1},
		{Formats: []media.ImageFormat{{ContentType: "webp", Encode: func(io.Writer, image.Image, int) error { return nil }}}},
		{Formats: []media.ImageFormat{{ContentType: "image/webp"}}},
		{Queue: -2},
	} {
		if _, err := media.Open(t.Context(), t.TempDir(), media.Images(o)); err == nil {
			t.Errorf("Open with %+v: no error", o)
		}
	}
}

// FuzzImageQuery sends the media handler arbitrary queries for a stored
// photo over a local store with Images, and checks what must hold: no
// server error, a variant only for a configured width, and never more
// variants stored than there are widths.
func FuzzImageQuery(f *testing.F) {
	for _, q := range []string{"w=64", "w=32", "w=64&v=x", "w=064", "w=+64", "w=64&w=64", "w=1e9", "w=-1", "w=", "v=1", "w=%36%34", "w=64;w=32", "w=9999999999999999999999"} {
		f.Add(q)
	}
	s, err := media.Open(context.Background(), f.TempDir(), media.Images(media.ImageOptions{Widths: []int{32, 64}}))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	name, err := s.Save(context.Background(), "p.jpg", bytes.NewReader(smallPhoto(f)))
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, query string) {
		r, err := http.NewRequest("GET", "/media/"+name+"?"+query, nil)
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		q := r.URL.Query()
		switch {
		case w.Code >= 500:
			t.Fatalf("?%s: %d", query, w.Code)
		case w.Code == 200 && q.Has("w") && q.Get("w") != "32" && q.Get("w") != "64":
			t.Fatalf("?%s: 200 for a width not configured", query)
		case w.Code == 200 && q.Has("w"):
			if m, _, err := image.Decode(w.Body); err != nil || strconv.Itoa(m.Bounds().Dx()) != q.Get("w") {
				t.Fatalf("?%s: not a variant of the width: %v", query, err)
			}
		}
		if n := s.VariantsMade(); n > 2 {
			t.Fatalf("%d variants made for 2 widths", n)
		}
	})
}

func TestImagesBusy(t *testing.T) {
	s := openStore(t, t.TempDir(), media.Images(media.ImageOptions{Widths: []int{150}, Workers: 1, Queue: 1}))
	name := save(t, s, "busy.jpg", smallPhoto(t))
	release := s.FillImageQueue()
	w := get(s.Handler(), "GET", "/media/"+name+"?w=150")
	if w.Code != 503 || w.Result().Header.Get("Retry-After") == "" {
		t.Errorf("full queue: %d, Retry-After %q; want 503 with Retry-After", w.Code, w.Result().Header.Get("Retry-After"))
	}
	release()
	checkVariant(t, get(s.Handler(), "GET", "/media/"+name+"?w=150"), "image/jpeg", 150, 200)
}

func TestReceiveRecordsSize(t *testing.T) {
	s := openStore(t, t.TempDir(), media.Images(media.ImageOptions{}))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("photo", "cat.jpg")
	fw.Write(smallPhoto(t))
	mw.Close()
	r := httptest.NewRequest("POST", "/upload", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	saved, err := s.Receive(r, media.UploadOptions{Allow: []string{"image/*"}})
	if err != nil || len(saved) != 1 {
		t.Fatalf("Receive = %+v, %v", saved, err)
	}
	if saved[0].Width != 300 || saved[0].Height != 400 {
		t.Errorf("Saved is %d×%d, want 300×400 (upright)", saved[0].Width, saved[0].Height)
	}
}

func TestImageTag(t *testing.T) {
	s := openStore(t, t.TempDir(), media.Images(media.ImageOptions{Widths: []int{150, 300}}))
	name := save(t, s, "cat.jpg", smallPhoto(t))
	u := s.ImageURL(name, 300)
	v := strings.TrimSuffix(strings.TrimPrefix(u, "/media/cat.jpg?v="), "&w=300")
	tmpl := template.Must(template.New("p").Funcs(s.FuncMap()).Parse(
		`{{img . "A \"cat\" & a mat" ""}}|{{imageWidth .}}x{{imageHeight .}}|{{img "notes.txt" "" "50vw"}}`))
	save(t, s, "notes.txt", []byte("text"))
	var b strings.Builder
	if err := tmpl.Execute(&b, name); err != nil {
		t.Fatal(err)
	}
	want := `<img src="/media/cat.jpg?v=` + v + `&amp;w=300"` +
		` srcset="/media/cat.jpg?v=` + v + `&amp;w=150 150w, /media/cat.jpg?v=` + v + `&amp;w=300 300w"` +
		` sizes="100vw" width="300" height="400" alt="A &#34;cat&#34; &amp; a mat" loading="lazy" decoding="async">` +
		`|300x400|<img src="/media/notes.txt" alt="" loading="lazy" decoding="async">`
	if b.String() != want {
		t.Errorf("rendered\n%s\nwant\n%s", b.String(), want)
	}
}

func TestImagePlaceholder(t *testing.T) {
	s := openStore(t, t.TempDir(), media.Images(media.ImageOptions{Widths: []int{150}, Placeholder: true}))
	name := save(t, s, "cat.jpg", smallPhoto(t))
	tag := string(s.ImageTag(name, "", ""))
	_, after, ok := strings.Cut(tag, `style="background-size:cover;background-image:url(data:image/png;base64,`)
	data, _, ok2 := strings.Cut(after, `)"`)
	if !ok || !ok2 {
		t.Fatalf("ImageTag = %s; want a placeholder background", tag)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Bounds(); r.Dx() != 8 || r.Dy() != 11 {
		t.Errorf("placeholder is %v, want 8×11 (upright 300×400)", r)
	}
	imagetest.WantQuadrants(t, m, imagetest.Red, imagetest.Green, imagetest.Blue, imagetest.White)
	t.Logf("%d-byte placeholder", len(b))
}
