package media

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image"
	"image/png"
	"io"
	"log"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/singleflight"

	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/media/internal/imageproc"
)

// ErrBadImage reports an image that cannot be processed: corrupt,
// truncated, or with more pixels than ImageOptions.MaxPixels (a
// decompression bomb). Handlers map it to 422 Unprocessable Content.
var ErrBadImage = errors.New("media: image cannot be processed")

// defaultWidths are the variant widths when ImageOptions.Widths is empty:
// a phone, a phone at 2× or a laptop, a laptop at 2×, a desktop.
var defaultWidths = []int{320, 640, 1280, 1920}

// ImageOptions configure image variants; see Images.
type ImageOptions struct {
	// Widths are the widths, in pixels, of the variants Handler makes;
	// a request for any other width is 400, so that nobody can fill the
	// store with sizes of their choosing. Empty means 320, 640, 1280 and
	// 1920: a phone, a phone at 2× or a laptop, a laptop at 2×, a desktop.
	Widths []int
	// Quality is the JPEG quality of variants and of StripOriginal's
	// re-encodes, 1 to 100; 0 means 82.
	Quality int
	// MaxPixels refuses images with more pixels (width × height) before
	// decoding them; 0 means 50 megapixels, above a 48-megapixel phone.
	MaxPixels int64
	// StripOriginal makes Save and Receive store a JPEG, PNG, GIF or WebP
	// without its metadata (EXIF with its GPS position, XMP, comments), in
	// place of the file uploaded, for a site that must never publish
	// where a photo was taken. A JPEG or PNG is re-encoded (a JPEG at
	// Quality, with its EXIF orientation applied to the pixels, so a
	// re-encode of a re-encode loses a little each time); a GIF or WebP
	// is copied without its metadata blocks, animation kept. The upload
	// is held in memory while this is done, up to its MaxSize, and one
	// that cannot be decoded is refused with ErrBadImage.
	StripOriginal bool
	// Placeholder makes Save and Receive store with an image a tiny copy
	// of it (8 pixels wide, a PNG of a few hundred bytes), which ImageTag
	// sets as the img element's background: a blurred preview while the
	// image loads, as Next.js's placeholder="blur". The upload is then
	// held in memory, up to 64 MB, and decoded (a JPEG at 1/8 of its size,
	// about 50 ms for 12 megapixels).
	Placeholder bool
	// Workers is how many sources have variants made from them at once;
	// 0 means GOMAXPROCS. The memory variants take is that of one
	// source's work (see Images) times Workers.
	Workers int
	// Eager makes every configured width of an image (in every format of
	// Formats) when Save or Receive stores it, in the background, as
	// Active Storage's preprocessed variants do, so that no page view
	// waits for one. It takes a worker like a request; if it fails (the
	// image is corrupt, the queue full) it logs why to ErrorLog and the
	// variant is made on its first request instead. Close waits for it.
	Eager bool
	// ErrorLog receives Eager's failures; nil means the log package's
	// standard logger.
	ErrorLog *log.Logger
	// Formats are formats that variants are also made in, besides JPEG
	// and PNG, for browsers that accept them: a variant request whose
	// Accept header names one of them (explicitly: not image/* or */*,
	// which every browser sends) is answered in the first such, each
	// format stored as its own variant, and every variant response has
	// Vary: Accept. Package media/webp gives WebP, about a third smaller
	// than JPEG for photos.
	Formats []ImageFormat
	// Queue is how many more sources may wait for a worker; 0 means 64.
	// A request that finds the queue full is answered 503 Service
	// Unavailable with Retry-After, and its retry usually finds the
	// variant made.
	Queue int
}

// ImageFormat is a format variants can be made in; see
// ImageOptions.Formats.
type ImageFormat struct {
	// ContentType is the format's media type, as browsers name it in
	// Accept: "image/webp", "image/avif".
	ContentType string
	// Encode writes m in the format, at quality 1 to 100
	// (ImageOptions.Quality), as small as it reasonably can: a variant is
	// made once and served many times, but the first request waits for
	// it. m may have transparency (a PNG's or GIF's); it must be kept.
	Encode func(w io.Writer, m image.Image, quality int) error
}

// suffix names the format in variant keys: "-webp" for image/webp.
func (f *ImageFormat) suffix() string {
	if f == nil {
		return ""
	}
	_, sub, _ := strings.Cut(f.ContentType, "/")
	return "-" + sub
}

// maxWidth bounds a configured width: wider than any screen.
const maxWidth = 8192

// maxImageBytes bounds the image held in memory to make a variant or to
// strip an original saved with Save (Receive has UploadOptions.MaxSize):
// 50 megapixels at JPEG's highest quality stay below it.
const maxImageBytes = 64 << 20

// variantsDir holds every variant, under the source's name. Its leading
// dot keeps it out of List, Handler's plain paths and every name Save can
// make, since names that start with a dot are never stored or served.
const variantsDir = ".variants/"

// etagMetadata is the metadata key under which a variant's ETag, a digest
// of its bytes, is stored with it; Handler sends it.
const etagMetadata = "assetgen-etag"

// Images turns on resized image variants for the Store. Handler then
// answers a source image's URL with ?w=N, N one of the configured Widths,
// with a variant N pixels wide: made on the first request, from the
// source's pixels only (so without its EXIF, GPS position, XMP or
// comments), with its EXIF orientation applied, and stored in the store
// under a name derived from the source's name, ETag and N, where every
// server of the site finds it. ImageURL and SrcSet make such URLs, and
// FuncMap gives them to templates.
//
// Variants are resampled with a Catmull-Rom filter. A JPEG's variant is a
// JPEG, a PNG's is a PNG with its transparency, a GIF's is a PNG of its
// first frame, and a WebP's (which Go cannot encode) a JPEG, or a PNG if
// it has transparency; ImageOptions.Formats adds formats such as WebP for
// the browsers that accept them. A width at or above the source's own is
// answered with the source: a variant is never larger than it.
//
// The first request for a width decodes the source once and makes that
// width and every configured width below it, each stored as its own
// variant, from the widest down; each request is answered as soon as its
// own width is stored, and the work goes on for the narrower ones.
// Requests for wider ones of the same source that arrive while it waits
// for a worker widen it, so a page's srcset costs one decode per image. A JPEG is decoded at the smallest of 1/8, 2/8, 4/8 or 8/8 of its
// size that still covers the widest width being made (libjpeg's DCT
// scaling). Each worker holds one source's work at a time: for a
// 12-megapixel JPEG about 5 MB to make 640 and 320, and up to about
// 60 MB to make all four default widths of a portrait photo, which needs
// a full decode for 1920; a PNG, GIF or WebP takes its full decoded size
// (4 bytes a pixel) besides. So variants take at most Workers times that.
// More sources wait, up to Queue, and the time spent waiting does not
// count against the minute each source's work may take. Past Queue a
// request is answered 503 with Retry-After, never 500. The source's type
// must be JPEG, PNG, GIF or WebP (415 otherwise); a source that is
// corrupt, truncated or over MaxPixels is 422.
//
// On a Private store a variant is served, privately cached, for the
// source's SignedURL with &w=N added: the signature covers the name and
// expiry, not the width, so its holder may ask for any configured width
// of that one image. ImageURL and SrcSet do not sign.
func Images(o ImageOptions) Option {
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	queue := o.Queue
	if queue <= 0 {
		queue = defaultQueue
	}
	return func(c *config) {
		im := &images{
			opts:    o,
			sem:     make(chan struct{}, workers),
			admit:   make(chan struct{}, workers+queue),
			sources: make(map[string]sourceEntry),
			wanted:  make(map[string]int),
			whole:   make(map[string]bool),
			stored:  make(chan struct{}),
			fresh:   make(map[string]bool),
			making:  make(map[string]int),
		}
		im.idle = sync.NewCond(&im.mu)
		c.images = im
	}
}

// defaultQueue is ImageOptions.Queue when it is 0: a page of 64 new
// photos waits rather than being told to retry.
const defaultQueue = 64

// retryAfter is the Retry-After of a 503 for a full queue, in seconds:
// about what a worker takes for a few photos.
const retryAfter = "2"

// errBusy reports a full queue; Handler answers 503.
var errBusy = errors.New("media: too many images waiting for variants")

// variantTimeout bounds the work of making one source's variants, from
// when a worker takes it.
const variantTimeout = time.Minute

// images is the state of a Store's variants.
type images struct {
	opts  ImageOptions
	group singleflight.Group
	sem   chan struct{} // bounds the sources worked on at once
	admit chan struct{} // bounds those worked on or waiting
	made  atomic.Int64  // variants stored, for tests

	mu sync.Mutex
	// sources caches the versions of sources, for ImageURL; see version.
	sources map[string]sourceEntry
	// eager tracks Eager's work, and work the making of variants, which
	// Close waits for: a source's work goes on after the requests it
	// answers, for the narrower widths.
	eager, work sync.WaitGroup
	// stored is closed, and replaced, each time a variant is stored;
	// fresh holds the keys of those stored by work still going on, so
	// that a request waiting for that work is answered as soon as its
	// own width is stored.
	stored chan struct{}
	fresh  map[string]bool
	// making counts the work going on for each source name, and idle is
	// signalled when it ends: Delete waits for it before deleting the
	// variants, which that work may store after answering its requests.
	making map[string]int
	idle   *sync.Cond
	// wanted holds the widest variant asked for of each source whose
	// variants are being made or waiting to be; see makeVariants.
	wanted map[string]int
	// whole holds the variant keys answered with their source, the width
	// being at or above the source's, found by reading its header once.
	// (Whether a made variant exists is asked of the store each time: it
	// may have been deleted with its source, and the source uploaded
	// again with the same bytes, so the same ETag.)
	whole map[string]bool
}

// sourceEntry is what ImageURL knows of a source as of a time: its
// version, or "" if it is not a type variants are made of, and its size
// as recorded at upload (0 if not).
type sourceEntry struct {
	version string
	uploadImage
	at time.Time
}

// maxCached bounds each in-memory cache; a full one is emptied.
const maxCached = 10_000

// statTimeout bounds the store request ImageURL may make, which has no
// context of its own: a template calls it.
const statTimeout = 10 * time.Second

func (im *images) widths() []int {
	if len(im.opts.Widths) == 0 {
		return defaultWidths
	}
	return im.opts.Widths
}

func (im *images) procOptions() imageproc.Options {
	return imageproc.Options{MaxPixels: im.opts.MaxPixels, Quality: im.opts.Quality}
}

// check reports options that cannot work, at Open.
func (im *images) check() error {
	for _, w := range im.opts.Widths {
		if w < 1 || w > maxWidth {
			return fmt.Errorf("media: image width %d; use widths from 1 to %d", w, maxWidth)
		}
	}
	if q := im.opts.Quality; q < 0 || q > 100 {
		return fmt.Errorf("media: image quality %d; use 1 to 100, or 0 for the default, 82", q)
	}
	for _, f := range im.opts.Formats {
		if _, sub, ok := strings.Cut(f.ContentType, "/"); !ok || sub == "" || strings.ContainsAny(sub, "/;, ") || f.Encode == nil {
			return fmt.Errorf("media: image format %q; give a media type such as image/webp and an Encode function", f.ContentType)
		}
	}
	if im.opts.Workers < 0 || im.opts.Queue < 0 {
		return fmt.Errorf("media: Workers %d, Queue %d; use positive numbers, or 0 for the defaults", im.opts.Workers, im.opts.Queue)
	}
	if im.opts.MaxPixels < 0 {
		return fmt.Errorf("media: MaxPixels %d; use a positive number, or 0 for the default", im.opts.MaxPixels)
	}
	return nil
}

// fit returns the smallest configured width at or above w, or the largest.
func (im *images) fit(w int) int {
	ws := slices.Sorted(slices.Values(im.widths()))
	for _, x := range ws {
		if x >= w {
			return x
		}
	}
	return ws[len(ws)-1]
}

// imageTypes are the source types variants are made of.
var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// version returns a short digest of a source's ETag: it names the
// variants of that content, in their keys and their URLs.
func version(etag string) string {
	sum := sha256.Sum256([]byte(etag))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// variantKey is where the width-pixel variant of a source is stored.
func variantKey(name, etag string, width int) string {
	return variantsDir + name + "/" + version(etag) + "-" + strconv.Itoa(width)
}

// ImageURL returns the URL of the named image's variant width pixels
// wide, such as "/media/cat.jpg?v=Xk3…&w=640": the width rounded up to
// one of ImageOptions.Widths (or down to the largest), and v a digest of
// the image's current ETag, which makes the URL change when the image is
// replaced, so that it can be cached for a year.
//
// Finding the ETag takes a request to the store, whose answer is kept for
// five minutes, the max-age of media responses: a replaced image gets new
// variant URLs within that time. If the store cannot say (the file is
// missing, the store unreachable), the URL has no v, and its answer is
// cached only that long. For a file that is not a JPEG, PNG, GIF or WebP
// (an SVG, say), and without Images, it is URL(name), so that a template
// can use it for any upload.
func (s *Store) ImageURL(name string, width int) string {
	im := s.cfg.images
	if im == nil {
		return s.URL(name)
	}
	v, ok := s.version(name)
	if ok && v == "" {
		return s.URL(name)
	}
	q := url.Values{"w": {strconv.Itoa(im.fit(width))}}
	if v != "" {
		q.Set("v", v)
	}
	return s.URL(name) + "?" + q.Encode()
}

// SrcSet returns the value of an img element's srcset attribute for the
// named image: ImageURL for each width (ImageOptions.Widths if none are
// given) with its "w" descriptor, such as
// "/media/cat.jpg?w=320&v=… 320w, /media/cat.jpg?w=640&v=… 640w".
// Without Images, or for a file that is not a JPEG, PNG, GIF or WebP, it
// is "".
func (s *Store) SrcSet(name string, widths ...int) string {
	im := s.cfg.images
	if im == nil {
		return ""
	}
	if v, ok := s.version(name); ok && v == "" {
		return ""
	}
	if len(widths) == 0 {
		widths = im.widths()
	}
	var fitted []int
	for _, w := range widths {
		fitted = append(fitted, im.fit(w))
	}
	slices.Sort(fitted)
	var b strings.Builder
	for i, w := range slices.Compact(fitted) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.ImageURL(name, w))
		b.WriteString(" " + strconv.Itoa(w) + "w")
	}
	return b.String()
}

// FuncMap returns template functions for the Store, for html/template and
// text/template alike:
//
//	mediaURL NAME          URL(NAME)
//	imageURL NAME WIDTH    ImageURL(NAME, WIDTH)
//	srcset NAME [WIDTH...] SrcSet(NAME, WIDTH...)
//	img NAME ALT SIZES     ImageTag(NAME, ALT, SIZES)
//	imageWidth NAME        the width recorded at upload (see Info)
//	imageHeight NAME       the height recorded at upload
//
// as in
//
//	{{img .Photo "A cat asleep" "(max-width: 640px) 100vw, 640px"}}
//
// or, by hand,
//
//	<img src="{{imageURL .Photo 640}}" srcset="{{srcset .Photo}}"
//	     width="{{imageWidth .Photo}}" height="{{imageHeight .Photo}}"
//	     sizes="(max-width: 640px) 100vw, 640px" alt="">
func (s *Store) FuncMap() map[string]any {
	return map[string]any{
		"mediaURL":    s.URL,
		"imageURL":    s.ImageURL,
		"srcset":      s.SrcSet,
		"img":         s.ImageTag,
		"imageWidth":  func(name string) int { w, _ := s.imageSize(name); return w },
		"imageHeight": func(name string) int { _, h := s.imageSize(name); return h },
	}
}

// ImageTag returns a complete img element for the named image, escaped
// for HTML: src (the widest variant), srcset and sizes (SIZES, or "100vw"
// if empty), width and height as recorded at upload (so that the browser
// reserves the space and the page does not shift as the image loads; left
// out if unknown), a style with the placeholder as background if
// ImageOptions.Placeholder made one, alt, loading="lazy" and
// decoding="async". A browser
// scales the image to the width the page gives it, keeping the ratio of
// width to height, when the page's CSS sets height: auto. Without
// Images, or for a file that is not a JPEG, PNG, GIF or WebP, src is
// URL(name) and there is no srcset.
func (s *Store) ImageTag(name, alt, sizes string) template.HTML {
	var b strings.Builder
	attr := func(k, v string) {
		b.WriteString(" " + k + `="` + template.HTMLEscapeString(v) + `"`)
	}
	b.WriteString("<img")
	if im := s.cfg.images; im != nil {
		attr("src", s.ImageURL(name, slices.Max(im.widths())))
		if set := s.SrcSet(name); set != "" {
			attr("srcset", set)
			if sizes == "" {
				sizes = "100vw"
			}
			attr("sizes", sizes)
		}
		if e, _ := s.source(name); e.width > 0 && e.height > 0 {
			attr("width", strconv.Itoa(e.width))
			attr("height", strconv.Itoa(e.height))
			if e.placeholder != "" {
				attr("style", "background-size:cover;background-image:url("+e.placeholder+")")
			}
		}
	} else {
		attr("src", s.URL(name))
	}
	attr("alt", alt)
	b.WriteString(` loading="lazy" decoding="async">`)
	return template.HTML(b.String())
}

// imageSize returns the named image's size as recorded at upload, or
// zeros; without Images, always zeros (the size is not cached then).
func (s *Store) imageSize(name string) (int, int) {
	if s.cfg.images == nil {
		return 0, 0
	}
	e, _ := s.source(name)
	return e.width, e.height
}

// version returns the version of the named source, from the cache or the
// store, with ok set: "" if it is not a type variants are made of. If the
// store cannot say, ok is false.
func (s *Store) version(name string) (v string, ok bool) {
	e, ok := s.source(name)
	return e.version, ok
}

// source returns what is known of the named source, from the cache or
// the store, with ok false if the store cannot say.
func (s *Store) source(name string) (sourceEntry, bool) {
	im := s.cfg.images
	now := s.now()
	im.mu.Lock()
	e, ok := im.sources[name]
	im.mu.Unlock()
	if ok && now.Sub(e.at) < maxAge {
		return e, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), statTimeout)
	defer cancel()
	info, err := s.Stat(ctx, name)
	if err != nil {
		return sourceEntry{}, false
	}
	e = sourceEntry{uploadImage: info.image, at: now}
	if imageTypes[info.ContentType] {
		e.version = version(info.ETag)
	}
	im.mu.Lock()
	if len(im.sources) >= maxCached {
		clear(im.sources)
	}
	im.sources[name] = e
	im.mu.Unlock()
	return e, true
}

// serveImage answers a request for a variant: ?w=WIDTH, and ?v= as
// ImageURL makes it.
func (h handler) serveImage(w http.ResponseWriter, r *http.Request, name string, q url.Values, cacheControl string) {
	s := h.s
	im := s.cfg.images
	width, err := strconv.Atoi(q.Get("w"))
	if im == nil || err != nil || len(q["w"]) != 1 || q.Get("w") != strconv.Itoa(width) || !slices.Contains(im.widths(), width) {
		httpserve.Error(w, r, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	a, err := s.bucket.Attributes(ctx, name)
	switch {
	case gcerrors.Code(err) == gcerrors.NotFound, err == nil && a.Size == 0:
		httpserve.Error(w, r, http.StatusNotFound)
		return
	case err != nil:
		httpserve.Error(w, r, http.StatusInternalServerError)
		return
	case !imageTypes[a.ContentType]:
		httpserve.Error(w, r, http.StatusUnsupportedMediaType)
		return
	}
	etag := entityTag(a.ETag, a.MD5, a.Size, a.ModTime)
	if q.Get("v") == version(etag) && !s.cfg.private {
		// A versioned URL, one that ImageURL made: its key includes the
		// source's ETag, so what it names never changes.
		cacheControl = httpserve.Immutable
	}
	f := im.format(r.Header["Accept"])
	key, err := s.variant(ctx, name, etag, width, f)
	switch {
	case errors.Is(err, imageproc.ErrUnsupported):
		httpserve.Error(w, r, http.StatusUnsupportedMediaType)
		return
	case errors.Is(err, ErrBadImage):
		httpserve.Error(w, r, http.StatusUnprocessableEntity)
		return
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", retryAfter)
		httpserve.Error(w, r, http.StatusServiceUnavailable)
		return
	case err != nil:
		httpserve.Error(w, r, http.StatusInternalServerError)
		return
	}
	if len(im.opts.Formats) > 0 {
		w.Header().Add("Vary", "Accept")
	}
	if s.cfg.redirect > 0 && r.Method == http.MethodGet {
		h.redirect(w, r, key)
		return
	}
	h.serve(w, r, key, cacheControl)
}

// format returns the first of ImageOptions.Formats that a request's
// Accept header names with a q above 0 (RFC 9110 §12.5.1), or nil for
// JPEG or PNG. Wildcards do not count: browsers send image/* for every
// image, including formats they cannot show.
func (im *images) format(accept []string) *ImageFormat {
	for i := range im.opts.Formats {
		f := &im.opts.Formats[i]
		for _, line := range accept {
			for _, item := range strings.Split(line, ",") {
				typ, params, _ := strings.Cut(item, ";")
				if !strings.EqualFold(strings.TrimSpace(typ), f.ContentType) {
					continue
				}
				if q, ok := qValue(params); ok && q > 0 {
					return f
				}
			}
		}
	}
	return nil
}

// qValue reads the weight from an Accept item's parameters: 1 if none,
// ok false if it is malformed.
func qValue(params string) (float64, bool) {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "q") {
			q, err := strconv.ParseFloat(v, 64)
			return q, err == nil && q >= 0 && q <= 1
		}
	}
	return 1, true
}

// variant returns the key of the width-pixel variant of the source name
// whose ETag is etag, making and storing it if no server has: the source's
// name itself if the width is at or above the source's.
func (s *Store) variant(ctx context.Context, name, etag string, width int, f *ImageFormat) (string, error) {
	im := s.cfg.images
	if got, ok := s.madeVariant(ctx, name, variantKey(name, etag, width), f); ok {
		return got, nil
	}
	// Made once for all the requests that ask at once, whichever of them
	// goes away, with its own deadline. The work for a source makes the
	// widths up to the one its first request asked for; a request for a
	// wider one that joined it asks again, and then starts its own.
	source := variantsDir + name + "/" + version(etag) + f.suffix()
	im.mu.Lock()
	if len(im.wanted) >= maxCached {
		clear(im.wanted) // entries left by requests that went away
	}
	im.wanted[source] = max(im.wanted[source], width)
	im.mu.Unlock()
	key := variantKey(name, etag, width) + f.suffix()
	for range len(im.widths()) + 1 {
		ch := im.group.DoChan(source, func() (any, error) {
			defer im.begin(name)()
			return s.makeVariants(context.WithoutCancel(ctx), name, etag, source, width, f)
		})
		for waiting := true; waiting; {
			im.mu.Lock()
			got, more := im.fresh[key], im.stored
			im.mu.Unlock()
			if got {
				return key, nil
			}
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-more:
			case res := <-ch:
				if res.Err != nil {
					return "", res.Err
				}
				if got, ok := res.Val.(map[int]string)[width]; ok {
					return got, nil
				}
				waiting = false
			}
		}
	}
	return "", errBusy
}

// begin records that work on the variants of the source name starts, for
// Close and Delete to wait for; the function it returns records its end.
func (im *images) begin(name string) (end func()) {
	im.work.Add(1)
	im.mu.Lock()
	im.making[name]++
	im.mu.Unlock()
	return func() {
		im.mu.Lock()
		if im.making[name]--; im.making[name] == 0 {
			delete(im.making, name)
		}
		im.idle.Broadcast()
		im.mu.Unlock()
		im.work.Done()
	}
}

// madeVariant returns what answers for the variant key of name in format
// f if it is known: name if the source is to be served (whatever the
// format), the key in f if it is stored.
func (s *Store) madeVariant(ctx context.Context, name, key string, f *ImageFormat) (string, bool) {
	im := s.cfg.images
	im.mu.Lock()
	whole := im.whole[key]
	im.mu.Unlock()
	if whole {
		return name, true
	}
	key += f.suffix()
	if a, err := s.bucket.Attributes(ctx, key); err == nil && a.Size > 0 {
		return key, true
	}
	return "", false
}

// makeVariants makes and stores the variants of name, of the widths up to
// the widest asked for (width, or im.wanted[source] if wider) that are
// not yet stored, in format f (nil for JPEG or PNG), from one read and
// decode of the source, and returns what answers for each width: its
// key, or name if the source is to be served instead. Each variant is
// put in im.fresh as it is stored, for the requests waiting for it. It waits
// for a worker first, unless the queue is full (errBusy); the time it then
// takes is bounded by variantTimeout. Requests for wider variants that
// arrive while it waits widen what it makes: a page's srcset asks for
// several widths of each image at once, and they cost one decode.
func (s *Store) makeVariants(ctx context.Context, name, etag, source string, width int, f *ImageFormat) (map[int]string, error) {
	im := s.cfg.images
	select {
	case im.admit <- struct{}{}:
		defer func() { <-im.admit }()
	default:
		return nil, errBusy
	}
	select {
	case im.sem <- struct{}{}:
		defer func() { <-im.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	im.mu.Lock()
	width = max(width, im.wanted[source])
	delete(im.wanted, source)
	im.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, variantTimeout)
	defer cancel()
	// Another server, or an earlier job, may have stored some already.
	done := make(map[int]string)
	var todo []int
	for _, w := range im.widths() {
		if w > width {
			continue
		}
		if got, ok := s.madeVariant(ctx, name, variantKey(name, etag, w), f); ok {
			done[w] = got
		} else {
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 {
		return done, nil
	}
	src, err := s.openImage(ctx, name)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	o := im.procOptions()
	contentType := ""
	if f != nil {
		o.Encode = f.Encode
		contentType = f.ContentType
	}
	var fresh []string
	defer func() {
		im.mu.Lock()
		defer im.mu.Unlock()
		for _, key := range fresh {
			delete(im.fresh, key)
		}
	}()
	_, err = imageproc.Variants(bufio.NewReaderSize(src, 64<<10), todo, o, func(v imageproc.Variant) error {
		key := variantKey(name, etag, v.Width) + f.suffix()
		sum := sha256.Sum256(v.Data)
		if f == nil {
			contentType = v.ContentType()
		}
		err := s.bucket.WriteAll(ctx, key, v.Data, &blob.WriterOptions{
			ContentType: contentType,
			Metadata:    map[string]string{etagMetadata: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`},
		})
		if err != nil {
			return fmt.Errorf("media: storing %s: %w", key, err)
		}
		im.made.Add(1)
		done[v.Width] = key
		// Answer the requests waiting for this width now, not once
		// the narrower ones are made.
		im.mu.Lock()
		defer im.mu.Unlock()
		im.fresh[key] = true
		fresh = append(fresh, key)
		close(im.stored)
		im.stored = make(chan struct{})
		return nil
	})
	if err != nil {
		return nil, imageError(err)
	}
	// The widths left are at or above the source's: it answers for them.
	im.mu.Lock()
	defer im.mu.Unlock()
	for _, w := range todo {
		if _, ok := done[w]; !ok {
			if len(im.whole) >= maxCached {
				clear(im.whole)
			}
			im.whole[variantKey(name, etag, w)] = true
			done[w] = name
		}
	}
	return done, nil
}

// openImage opens a stored image of up to maxImageBytes, to be decoded as
// it is read: a buffer of the whole (2.9 MB for a 12-megapixel photo),
// new memory each time, cost page faults and zeroing, and the collector
// more work.
func (s *Store) openImage(ctx context.Context, name string) (*blob.Reader, error) {
	r, err := s.bucket.NewReader(ctx, name, nil)
	if err != nil {
		return nil, s.pathError("open", name, err)
	}
	if r.Size() > maxImageBytes {
		r.Close()
		return nil, fmt.Errorf("%w: %s is %d bytes, over %d", ErrBadImage, name, r.Size(), maxImageBytes)
	}
	return r, nil
}

// imageError maps an error of package imageproc to this package's.
func imageError(err error) error {
	if errors.Is(err, imageproc.ErrCorrupt) || errors.Is(err, imageproc.ErrTooLarge) {
		return fmt.Errorf("%w: %w", ErrBadImage, err)
	}
	return err
}

// stripOriginal returns the content of an upload of the given type to
// store in its place: without metadata if StripOriginal is set and the
// type is an image it can strip, else r itself.
func (s *Store) stripOriginal(contentType string, r io.Reader) (io.Reader, error) {
	im := s.cfg.images
	if im == nil || !im.opts.StripOriginal || !imageTypes[contentType] {
		return r, nil
	}
	src, err := io.ReadAll(io.LimitReader(r, maxImageBytes+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxImageBytes {
		return nil, fmt.Errorf("%w: image larger than %d bytes", ErrTooLarge, maxImageBytes)
	}
	v, err := imageproc.Strip(src, im.procOptions())
	if err != nil {
		if errors.Is(err, imageproc.ErrUnsupported) {
			return nil, fmt.Errorf("%w: %w", ErrBadImage, err)
		}
		return nil, imageError(err)
	}
	return bytes.NewReader(v.Data), nil
}

// deleteVariants deletes the variants of the named source, of any
// version. It is best effort: a variant left behind is never served once
// its source is gone, since its key includes the source's ETag.
func (s *Store) deleteVariants(ctx context.Context, name string) {
	im := s.cfg.images
	if im == nil {
		return
	}
	// Work that read the source before it was deleted may still store
	// variants of it.
	im.mu.Lock()
	for im.making[name] > 0 {
		im.idle.Wait()
	}
	im.mu.Unlock()
	it := s.bucket.List(&blob.ListOptions{Prefix: variantsDir + name + "/"})
	for {
		obj, err := it.Next(ctx)
		if err != nil {
			return
		}
		s.bucket.Delete(ctx, obj.Key)
	}
}

// probeLimit bounds what is read of an upload, ahead of storing it, to
// find its size: a JPEG's frame header follows its EXIF and colour
// profile segments, which stay well below it.
const probeLimit = 256 << 10

// uploadImage is what Save and Receive learn of an image they store.
type uploadImage struct {
	width, height int
	placeholder   string // a data: URL, if ImageOptions.Placeholder
}

// probeUpload reads the header of an image being saved and returns its
// displayed size, or zeros if it is not a JPEG, PNG, GIF or WebP or its
// header cannot be read in probeLimit bytes (it is stored all the same;
// a variant of it is 422), with a reader of the whole upload. With
// ImageOptions.Placeholder it reads the image whole, up to maxImageBytes,
// and makes its placeholder.
func (s *Store) probeUpload(contentType string, r io.Reader) (io.Reader, uploadImage) {
	if !imageTypes[contentType] {
		return r, uploadImage{}
	}
	limit := int64(probeLimit)
	var o imageproc.Options
	im := s.cfg.images
	if im != nil {
		o = im.procOptions()
		if im.opts.Placeholder {
			limit = maxImageBytes
		}
	}
	var head bytes.Buffer
	_, err := io.CopyN(&head, r, limit)
	whole := err == io.EOF
	switch {
	case whole:
		r = &head
	case err != nil:
		return io.MultiReader(&head, errReader{err}), uploadImage{}
	default:
		r = io.MultiReader(&head, r)
	}
	info, err := imageproc.Probe(bytes.NewReader(head.Bytes()), o)
	if err != nil {
		return r, uploadImage{}
	}
	u := uploadImage{width: info.Width, height: info.Height}
	if whole && im != nil && im.opts.Placeholder {
		u.placeholder = placeholder(head.Bytes(), o)
	}
	return r, u
}

// placeholderWidth is the width of ImageOptions.Placeholder's images: a
// few hundred bytes as a PNG, which the browser stretches smoothly.
const placeholderWidth = 8

// placeholder makes src's placeholder, or "" if it cannot.
func placeholder(src []byte, o imageproc.Options) string {
	o.Encode = func(w io.Writer, m image.Image, _ int) error {
		return (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(w, m)
	}
	var data []byte
	_, err := imageproc.Variants(bytes.NewReader(src), []int{placeholderWidth}, o, func(v imageproc.Variant) error {
		data = v.Data
		return nil
	})
	if err != nil || data == nil {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(data)
}

// errReader fails every read with err: what was left of an upload whose
// read failed while its header was read.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Metadata keys of what Save and Receive record of an image.
const (
	widthMetadata       = "assetgen-width"
	heightMetadata      = "assetgen-height"
	placeholderMetadata = "assetgen-placeholder"
)

// metadata is what is stored with an uploaded image.
func (u uploadImage) metadata() map[string]string {
	if u.width <= 0 || u.height <= 0 {
		return nil
	}
	md := map[string]string{widthMetadata: strconv.Itoa(u.width), heightMetadata: strconv.Itoa(u.height)}
	if u.placeholder != "" {
		md[placeholderMetadata] = u.placeholder
	}
	return md
}

// metadataImage reads what uploadImage.metadata wrote, or zeros.
func metadataImage(md map[string]string) uploadImage {
	w, err1 := strconv.Atoi(md[widthMetadata])
	h, err2 := strconv.Atoi(md[heightMetadata])
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return uploadImage{}
	}
	u := uploadImage{width: w, height: h}
	if p := md[placeholderMetadata]; strings.HasPrefix(p, "data:image/png;base64,") {
		u.placeholder = p
	}
	return u
}

// makeEagerly makes the variants of an image just stored, in the
// background, if ImageOptions.Eager is set; see there.
func (s *Store) makeEagerly(name, contentType string) {
	im := s.cfg.images
	if im == nil || !im.opts.Eager || !imageTypes[contentType] {
		return
	}
	im.eager.Go(func() {
		ctx := context.Background()
		a, err := s.bucket.Attributes(ctx, name)
		if err != nil {
			im.logf("media: variants of %s: %v", name, err)
			return
		}
		etag := entityTag(a.ETag, a.MD5, a.Size, a.ModTime)
		formats := []*ImageFormat{nil}
		for i := range im.opts.Formats {
			formats = append(formats, &im.opts.Formats[i])
		}
		for _, f := range formats {
			if _, err := s.variant(ctx, name, etag, slices.Max(im.widths()), f); err != nil {
				im.logf("media: variants of %s: %v", name, err)
				return
			}
		}
	})
}

// logf logs to ImageOptions.ErrorLog.
func (im *images) logf(format string, args ...any) {
	if im.opts.ErrorLog != nil {
		im.opts.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// wait waits for Eager's work and the variants being made, for Close.
func (im *images) wait() {
	if im != nil {
		im.eager.Wait()
		im.work.Wait()
	}
}
