// Package media stores and serves files that users upload: Django's media
// files (MEDIA_ROOT, MEDIA_URL, FileField and its storages) for a Go
// program whose static files come from assetgen.
//
// Media files are the opposite of static files: they come from users, so
// nothing about them can be trusted, not their names, not their types, not
// their sizes; they are never in version control nor embedded; and they
// must never replace a static file. A Store keeps them in a local directory
// (the default, like MEDIA_ROOT) or in any object store that
// gocloud.dev/blob opens (S3 and S3-compatible stores, Google Cloud
// Storage, Azure Blob Storage), and its Handler serves them so that an
// uploaded file can never act on the site's origin.
//
//	store, err := media.Open(ctx, "uploads")
//	...
//	mux.Handle("/media/", store.Handler())
//	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
//		saved, err := store.Receive(r, media.UploadOptions{Allow: []string{"image/png", "image/jpeg"}})
//		...
//	})
//
// Only the drivers a program imports are linked in. A local directory needs
// none; for a URL location, import the driver for its scheme:
//
//	import _ "gocloud.dev/blob/s3blob"    // s3://
//	import _ "gocloud.dev/blob/gcsblob"   // gs://
//	import _ "gocloud.dev/blob/azureblob" // azblob://
//
// # Names
//
// Save and Receive clean the client's name (see the rules at Save) and
// never overwrite: a name that is taken gets a random suffix, as Django's
// get_available_name does, decided atomically so that concurrent uploads of
// one name all survive.
//
// # Direct uploads
//
// PresignUpload and Finalize let a browser send a large file straight to
// the store, with the checks Receive makes run on what arrived before it
// is stored. Sweep removes what failed uploads leave behind.
//
// # Serving
//
// See Handler. Every response has X-Content-Type-Options: nosniff, and a
// type that can run script or navigate (HTML, SVG, XML, JavaScript, PDF and
// anything unknown) is sent as an attachment with Content-Security-Policy:
// sandbox.
//
// # Images
//
// With the Images option, the Handler also serves resized variants of
// uploaded JPEG, PNG, GIF and WebP images (NAME?w=640), made on first
// request without the source's metadata and stored beside it, and
// ImageURL, SrcSet and FuncMap put them in pages with a srcset; see
// Images and ImageOptions.
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/gcerrors"

	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/runtime"
)

// DefaultPrefix is the URL prefix a Store starts with, matching Django's
// conventional MEDIA_URL.
const DefaultPrefix = "/media/"

// maxAge is how long a media response may be reused before
// revalidation. Names are not content-hashed, and a deleted name may be
// reused, so it is short; the ETag makes revalidation a cheap 304.
const maxAge = 5 * time.Minute

// A Store holds media files in a local directory or an object store. It is
// safe for concurrent use.
type Store struct {
	bucket *blob.Bucket
	// dir is the local directory, "" for a remote store. A local store
	// reserves names with an exclusive create, which fileblob's
	// IfNotExist does not make atomic.
	dir string
	// signs says whether the store signs URLs itself (S3, GCS, Azure).
	signs bool
	cfg   config
	state httpserve.Prefix[struct{}]
	local localFiles       // a local store's attributes; see serveLocal
	now   func() time.Time // time.Now; tests move it
}

// config is what Options set.
type config struct {
	key      []byte
	private  bool
	redirect time.Duration
	static   func() string
	images   *images // see Images
}

// An Option configures a Store at Open.
type Option func(*config)

// SigningKey sets the secret key of the HMAC-signed URLs that SignedURL
// makes on a store that cannot sign URLs itself (a local directory), and
// that Handler checks. Use at least 32 random bytes, kept secret and the
// same on every server of the site; changing it invalidates every signed
// URL given out.
func SigningKey(key []byte) Option {
	return func(c *config) { c.key = append([]byte(nil), key...) }
}

// Private makes every file of the store private, as django-storages'
// querystring_auth does: Handler serves a file only for a URL that
// SignedURL made, unexpired and untampered (403 otherwise). On a store
// that signs URLs itself, SignedURL points at the store, and the bucket
// must not be public either.
func Private() Option {
	return func(c *config) { c.private = true }
}

// Redirect makes Handler answer a GET with a redirect (302) to a URL that
// the store itself signed, valid for ttl, instead of sending the bytes
// through this server: the object store (or a CDN in front of it) does the
// transfer. Open fails if the store cannot sign URLs.
func Redirect(ttl time.Duration) Option {
	return func(c *config) { c.redirect = ttl }
}

// Static tells the Store where static files are served, as a function
// returning the static URL prefix (pass the generated asset package's
// Prefix), so that a media prefix equal to, inside or containing it is an
// error at Open and SetPrefix, and Handler panics if the static prefix has
// moved onto the media one since. Without it, the check is against
// runtime.DefaultPrefix, "/static/".
func Static(prefix func() string) Option {
	return func(c *config) { c.static = prefix }
}

// Open opens the store at location: a local directory ("uploads",
// "/var/lib/site/media"), created if missing, or a gocloud.dev/blob URL
// ("file:///abs/dir", "s3://bucket?region=eu-west-1", "gs://bucket",
// "azblob://container") whose driver the program imports. It checks that
// the store is reachable, so that a wrong location fails at start-up.
//
// A local directory must be on the same file system as the temporary
// directory (os.TempDir, $TMPDIR), where uploads are written before they
// are moved into place; Open says so if it is not.
func Open(ctx context.Context, location string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now}
	for _, o := range opts {
		o(&s.cfg)
	}
	if err := s.open(ctx, location); err != nil {
		return nil, err
	}
	if err := s.check(ctx); err != nil {
		s.bucket.Close()
		return nil, err
	}
	if err := s.SetPrefix(DefaultPrefix); err != nil {
		s.bucket.Close()
		return nil, err
	}
	return s, nil
}

// open opens the bucket for location.
func (s *Store) open(ctx context.Context, location string) error {
	dir := location
	if scheme, _, ok := strings.Cut(location, "://"); ok {
		u, err := url.Parse(location)
		if err != nil {
			return fmt.Errorf("media: location %q: %w", location, err)
		}
		if scheme != fileblob.Scheme {
			b, err := blob.OpenBucket(ctx, location)
			if err != nil {
				return fmt.Errorf("media: %w; a URL location needs its driver imported, such as _ \"gocloud.dev/blob/s3blob\"", err)
			}
			s.bucket = b
			return nil
		}
		if u.RawQuery != "" {
			return fmt.Errorf("media: location %q: a file URL takes no query; the directory is created if missing", location)
		}
		dir = filepath.FromSlash(u.Path)
		if u.Host == "." {
			dir = strings.TrimPrefix(dir, string(filepath.Separator))
		}
	}
	if dir == "" {
		return errors.New("media: empty location; use a directory such as uploads or a URL such as s3://bucket")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	if err := checkSameDevice(dir); err != nil {
		return err
	}
	b, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		b.Close()
		return fmt.Errorf("media: %w", err)
	}
	s.bucket, s.dir = b, abs
	return nil
}

// checkSameDevice checks that a file made in os.TempDir can be renamed into
// dir, as fileblob does with every upload.
func checkSameDevice(dir string) error {
	f, err := os.CreateTemp("", "assetgen-media-probe-*")
	if err != nil {
		return fmt.Errorf("media: temporary directory: %w", err)
	}
	f.Close()
	defer os.Remove(f.Name())
	dst := filepath.Join(dir, "."+filepath.Base(f.Name()))
	if err := os.Rename(f.Name(), dst); err != nil {
		return fmt.Errorf("media: cannot move uploads from the temporary directory %s into %s (%w); set TMPDIR to a directory on the same file system as %s", os.TempDir(), dir, err, dir)
	}
	return os.Remove(dst)
}

// check makes sure the store is reachable and the options fit it.
func (s *Store) check(ctx context.Context) error {
	if ok, err := s.bucket.IsAccessible(ctx); !ok {
		if err == nil {
			err = errors.New("bucket does not exist")
		}
		return fmt.Errorf("media: store not accessible: %w", err)
	}
	// A store that cannot sign (a directory; GCS without a signing
	// identity) is still a store: only Redirect needs signing.
	_, err := s.bucket.SignedURL(ctx, "probe", &blob.SignedURLOptions{Expiry: time.Minute})
	s.signs = err == nil
	switch {
	case s.cfg.redirect != 0 && !s.signs:
		return fmt.Errorf("media: Redirect needs a store that signs URLs, such as S3; a local directory does not: %w", err)
	case s.cfg.redirect < 0:
		return errors.New("media: Redirect needs a positive time to live")
	case s.cfg.private && !s.signs && len(s.cfg.key) == 0:
		return errors.New("media: Private needs a SigningKey on a store that does not sign URLs itself")
	case s.cfg.images != nil:
		return s.cfg.images.check()
	}
	return nil
}

// Close waits for the variants being made (ImageOptions.Eager's, and the
// narrower widths a request's work goes on to make after answering it),
// then closes the store's connection to its bucket.
func (s *Store) Close() error {
	s.cfg.images.wait()
	return s.bucket.Close()
}

// SetPrefix sets the URL prefix that URL puts before names and under which
// Handler answers: an absolute path ("/media/", the default) or an http or
// https origin with an optional path, as when media files are served by a
// CDN ("https://media.example.com/"). A missing trailing slash is added.
//
// A prefix whose path is equal to, inside or around the static prefix is
// an error (see Static), since one of the two handlers would then receive
// the other's requests; so is one that the static side's SetPrefix would
// reject. On error the previous prefix stays in force.
func (s *Store) SetPrefix(prefix string) error {
	st, err := httpserve.NewPrefixState[struct{}](prefix, "media", "media")
	if err != nil {
		return err
	}
	if err := s.checkStatic(st.Mount); err != nil {
		return err
	}
	s.state.Store(st)
	return nil
}

// checkStatic reports an error if the media mount path is equal to,
// inside or around the static prefix's.
func (s *Store) checkStatic(mount string) error {
	static := runtime.DefaultPrefix
	if s.cfg.static != nil {
		static = s.cfg.static()
	}
	if smount, why := httpserve.ParsePrefix(static); why == "" && (strings.HasPrefix(mount, smount) || strings.HasPrefix(smount, mount)) {
		return fmt.Errorf("media URL path %q overlaps the static prefix %q: media and static files must never share a URL path; use a separate one such as /media/", mount, static)
	}
	return nil
}

// Prefix returns the URL prefix in force.
func (s *Store) Prefix() string { return s.state.Load().Prefix }

// URL returns the URL of the named file: the prefix followed by the name,
// escaped. It does not check that the file exists. On a Private store it
// is not enough to fetch the file; use SignedURL.
func (s *Store) URL(name string) string {
	return s.state.Load().Prefix + (&url.URL{Path: name}).EscapedPath()
}

// Info describes a stored file.
type Info struct {
	// Name is the file's name in the store, as Save returned it.
	Name string
	// Size is the size in bytes.
	Size int64
	// ContentType is the media type detected from the content when it was
	// saved. Stat fills it; List does not (see List).
	ContentType string
	// ModTime is when the file was stored.
	ModTime time.Time
	// ETag is the store's strong entity tag for the content, quotes
	// included, which Handler sends.
	ETag string
	// Width and Height are a JPEG's, PNG's, GIF's or WebP's size in
	// pixels as displayed (after its EXIF orientation), read from its
	// header when Save or Receive stored it: what an img element's width
	// and height attributes need so that the page does not shift as it
	// loads. They are 0 for other files and for images whose header could
	// not be read or is over ImageOptions.MaxPixels (or 50 megapixels).
	Width, Height int
	image         uploadImage // what Stat read of it, for ImageTag

	// List leaves ContentType, ETag, Width and Height empty: a listing
	// does not carry them everywhere, and fetching them would cost a
	// request per file. Stat fills them.
}

// Stat returns information about the named file. A name that does not
// exist, or that could not have been stored (a dotfile, "..") is an error
// that wraps fs.ErrNotExist.
func (s *Store) Stat(ctx context.Context, name string) (Info, error) {
	if !validName(name) {
		return Info{}, notExist("stat", name)
	}
	a, err := s.bucket.Attributes(ctx, name)
	if err != nil {
		return Info{}, s.pathError("stat", name, err)
	}
	if a.Size == 0 {
		return Info{}, notExist("stat", name) // a reservation; see Save
	}
	u := metadataImage(a.Metadata)
	return Info{Name: name, Size: a.Size, ContentType: a.ContentType, ModTime: a.ModTime, ETag: entityTag(a.ETag, a.MD5, a.Size, a.ModTime), Width: u.width, Height: u.height, image: u}, nil
}

// Open opens the named file for reading. The reader can Seek: reading
// after a Seek fetches from the new offset, so a remote file is never read
// whole unless asked. Errors are as Stat's.
func (s *Store) Open(ctx context.Context, name string) (io.ReadSeekCloser, error) {
	if !validName(name) {
		return nil, notExist("open", name)
	}
	r, err := s.bucket.NewReader(ctx, name, nil)
	if err != nil {
		return nil, s.pathError("open", name, err)
	}
	if r.Size() == 0 {
		r.Close()
		return nil, notExist("open", name)
	}
	return r, nil
}

// Delete removes the named file. Deleting a file that does not exist is an
// error that wraps fs.ErrNotExist.
func (s *Store) Delete(ctx context.Context, name string) error {
	if !validName(name) {
		return notExist("delete", name)
	}
	err := s.bucket.Delete(ctx, name)
	s.local.forget(name)
	if err != nil {
		return s.pathError("delete", name, err)
	}
	s.deleteVariants(ctx, name)
	return nil
}

// List returns the files whose names start with prefix ("" for all), in
// name order, with a non-nil error as the last pair if listing fails.
// Uploads still being written are not listed.
//
// Each Info has Name, Size and ModTime only, which one listing request
// gives for many files; ContentType, ETag, Width and Height are empty.
// Stat a name for them (one request per file).
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[Info, error] {
	return func(yield func(Info, error) bool) {
		it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
		for {
			obj, err := it.Next(ctx)
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Info{}, fmt.Errorf("media: list %q: %w", prefix, err))
				return
			}
			if obj.IsDir || obj.Size == 0 || !validName(obj.Key) {
				continue
			}
			info := Info{Name: obj.Key, Size: obj.Size, ModTime: obj.ModTime}
			if !yield(info, nil) {
				return
			}
		}
	}
}

// validName reports whether name could be a stored name: the handler's
// path rules; valid UTF-8, which every store's keys are; no longer than
// S3 allows a key (1024 bytes), with no segment longer than a file system
// allows a name (255 bytes); and not a local store's attribute file
// (fileblob's sidecar, which it refuses as a key).
func validName(name string) bool {
	if len(name) > maxKeyLen || httpserve.CheckName(name, "") != httpserve.PathOK || !utf8.ValidString(name) || strings.HasSuffix(name, ".attrs") {
		return false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if len(seg) > maxSegmentLen {
			return false
		}
	}
	return true
}

// Limits of names that some store cannot hold; Save's names are far
// shorter (MaxNameLen).
const (
	maxKeyLen     = 1024
	maxSegmentLen = 255
)

func notExist(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}

// pathError wraps a store error so that errors.Is finds fs.ErrNotExist or
// fs.ErrExist in it.
func (s *Store) pathError(op, name string, err error) error {
	switch {
	case isNotFound(err):
		err = fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	case gcerrors.Code(err) == gcerrors.FailedPrecondition, gcerrors.Code(err) == gcerrors.AlreadyExists:
		err = fmt.Errorf("%w: %w", fs.ErrExist, err)
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// isNotFound reports whether a store error means there is no such file,
// including a local store's "not a directory" for "a.png/b", a name under
// a file.
func isNotFound(err error) bool {
	return gcerrors.Code(err) == gcerrors.NotFound || errors.Is(err, syscall.ENOTDIR)
}

// entityTag returns a strong entity tag for a stored file: the store's own
// if it is a well-formed strong tag (S3's is the content's MD5, fileblob's
// its modification time and size), else one made from the MD5 or, failing
// that, from the size and modification time.
func entityTag(etag string, md5 []byte, size int64, mod time.Time) string {
	if len(etag) >= 2 && etag[0] == '"' && etag[len(etag)-1] == '"' && !strings.ContainsAny(etag[1:len(etag)-1], "\" \t\r\n\\") {
		return etag
	}
	if len(md5) > 0 {
		return fmt.Sprintf(`"%x"`, md5)
	}
	return fmt.Sprintf(`"%x-%x"`, mod.UnixNano(), size)
}
