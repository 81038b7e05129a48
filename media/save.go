package media

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// ErrEmpty reports an upload with no content. A store keeps no empty
// files: an empty object is how Save holds a name while the content is
// being written.
var ErrEmpty = errors.New("media: empty file")

// sniffLen is how many leading bytes decide a file's type: mimetype's
// default read limit, enough for every format it knows.
const sniffLen = 3072

// partSize and partConcurrency bound what a remote store's writer holds in
// memory: S3 uploads a large file in parts of partSize (its minimum), one
// at a time, so an upload costs about two parts of heap whatever its size.
const (
	partSize        = 5 << 20
	partConcurrency = 1
)

// writeBufferSize is the size of the writes to the store.
const writeBufferSize = 64 << 10

// maxTries caps the names Save tries before giving up. The first is the
// cleaned name, the rest have random suffixes from 32⁷ values, so a second
// clash is already unlikely.
const maxTries = 10

// releaseTimeout bounds the clean-up of a failed upload, which runs even
// when the upload's context is cancelled.
const releaseTimeout = 30 * time.Second

// ClaimTimeout is how long an empty claim holds its name. A Save still
// writing after nine tenths of it is cancelled, so that no write can land
// on a name after its claim has lapsed; an older claim is one whose
// upload died with its clean-up (a crash, an outage), and no longer
// blocks the name: the next Save of that name takes it over, and Sweep
// deletes it.
const ClaimTimeout = 24 * time.Hour

// claimsDir holds the locks of claims being taken over (see takeOver).
// Its leading dot keeps it out of List, Handler and Open.
const claimsDir = ".claims/"

// Save stores the content read from r under a name made from name, and
// returns that name. It streams: memory use does not grow with the size.
//
// The type is detected from the first bytes of the content with
// github.com/gabriel-vasile/mimetype, never from the name, and stored with
// the file; Handler sends it.
//
// The name is cleaned (as Django's get_valid_name does, and more): only
// its last element is kept, so a client sends no directories or ".."; it
// is put in Unicode NFC; control, bidirectional and other invisible
// characters, quotes and most punctuation go, and spaces become "_";
// leading dots go, so there are no dotfiles; it is cut to MaxNameLen
// bytes; an empty name becomes "file". The extension is lower-cased and
// made to agree with the detected type: a PNG named "x.html" is stored as
// "x.png".
//
// Save never overwrites. If the name is taken, a random suffix is added
// ("cat_k2m9q7x.png"), as Django's get_available_name does. The name is
// claimed before the content is written, atomically: an empty object
// created only if none exists (an exclusive create in a local directory, a
// conditional write, If-None-Match: *, on S3), so concurrent uploads of one
// name each get their own. An upload that fails or whose context is
// cancelled leaves nothing: the claim is deleted, and until the content is
// complete the name is neither listed nor served. A claim left behind when
// the delete fails too (the store went away mid-upload) lapses after
// ClaimTimeout; a write still running by then is cancelled.
func (s *Store) Save(ctx context.Context, name string, r io.Reader) (stored string, err error) {
	f, err := s.save(ctx, name, r, nil)
	return f.Name, err
}

// save is Save, with accept checking the detected type before anything is
// stored.
func (s *Store) save(ctx context.Context, name string, r io.Reader, accept func(*mimetype.MIME) error) (Info, error) {
	r = ctxReader{ctx, r}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	switch {
	case err == io.EOF:
		return Info{}, ErrEmpty
	case err != nil && err != io.ErrUnexpectedEOF:
		return Info{}, err
	}
	head = head[:n]
	mt := mimetype.Detect(head)
	if accept != nil {
		if err := accept(mt); err != nil {
			return Info{}, err
		}
	}
	body, err := s.stripOriginal(mt.String(), io.MultiReader(bytes.NewReader(head), r)) // see ImageOptions
	if err != nil {
		return Info{}, err
	}
	body, img := s.probeUpload(mt.String(), body) // see Info
	key, err := s.claim(ctx, fitExtension(cleanName(name), mt))
	if err != nil {
		return Info{}, err
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	size, err := s.write(wctx, key, mt.String(), img.metadata(), body)
	if err != nil {
		s.release(ctx, key)
		return Info{}, err
	}
	s.makeEagerly(key, mt.String()) // see ImageOptions
	return Info{Name: key, Size: size, ContentType: mt.String(), Width: img.width, Height: img.height}, nil
}

// write streams r to key, replacing the claim. An error aborts the write,
// so the claim stays empty.
func (s *Store) write(ctx context.Context, key, contentType string, metadata map[string]string, r io.Reader) (int64, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts := &blob.WriterOptions{
		ContentType:    contentType,
		Metadata:       metadata,
		BufferSize:     partSize,
		MaxConcurrency: partConcurrency,
	}
	if !inert(contentType) {
		// Stored with the object, so that the store itself sends it when
		// it serves the file (Redirect, SignedURL, a CDN in front of it).
		opts.ContentDisposition = contentDisposition(key)
	}
	w, err := s.bucket.NewWriter(wctx, key, opts)
	if err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	// Multipart parts are read a few KiB at a time; batch them into larger
	// writes, as io.Copy of a plain body would make.
	bw := bufio.NewWriterSize(w, writeBufferSize)
	n, err := io.Copy(bw, r)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		cancel() // abort: gocloud discards a write whose context is done
		w.Close()
		return 0, err
	}
	err = w.Close()
	s.local.forget(key)
	if err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	return n, nil
}

// writeTimeout bounds a Save's write, so that it ends while its claim
// still holds: a tenth of ClaimTimeout is left for the store's clock to
// differ from this one.
const writeTimeout = ClaimTimeout - ClaimTimeout/10

// claim reserves a free name, base or base with a random suffix, by
// creating an empty object only if none exists, or by taking over a
// lapsed claim.
func (s *Store) claim(ctx context.Context, base string) (string, error) {
	for try := range maxTries {
		key := base
		if try > 0 {
			key = withSuffix(base)
		}
		err := s.create(ctx, key)
		if err == nil {
			return key, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
		if s.takeOver(ctx, key) == nil {
			return key, nil
		}
	}
	return "", fmt.Errorf("media: no free name like %q after %d tries: %w", base, maxTries, fs.ErrExist)
}

// create makes an empty object at key if there is none, atomically. In a
// local directory it is an exclusive create: fileblob's IfNotExist checks
// and then renames, which two writers can both pass. The path is the one
// fileblob uses, since cleaned names need none of its escapes.
func (s *Store) create(ctx context.Context, key string) error {
	if s.dir != "" {
		path := filepath.Join(s.dir, filepath.FromSlash(key))
		if dir := filepath.Dir(path); dir != s.dir {
			if err := os.MkdirAll(dir, 0o777); err != nil {
				return fmt.Errorf("media: %w", err)
			}
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err != nil {
			return fmt.Errorf("media: %w", err)
		}
		return f.Close()
	}
	err := s.bucket.WriteAll(ctx, key, nil, &blob.WriterOptions{ContentType: "application/octet-stream", IfNotExist: true})
	if err != nil {
		if gcerrors.Code(err) == gcerrors.FailedPrecondition {
			return fmt.Errorf("media: %w: %w", fs.ErrExist, err)
		}
		return fmt.Errorf("media: %w", err)
	}
	return nil
}

// lapsed reports whether the object at key is a claim older than
// ClaimTimeout.
func (s *Store) lapsed(ctx context.Context, key string) bool {
	a, err := s.bucket.Attributes(ctx, key)
	return err == nil && a.Size == 0 && s.now().Sub(a.ModTime) > ClaimTimeout
}

// takeOver makes a lapsed claim at key this upload's: it deletes the
// claim (deleteLapsed) and claims the name again, which another upload
// may win.
func (s *Store) takeOver(ctx context.Context, key string) error {
	if !s.lapsed(ctx, key) {
		return fs.ErrExist
	}
	if deleted, err := s.deleteLapsed(ctx, key); !deleted {
		return cmp.Or(err, fs.ErrExist)
	}
	return s.create(ctx, key)
}

// deleteLapsed deletes the claim at key if it has lapsed, and reports
// whether it did; the error is the delete's. Looking and then deleting is not enough: two uploads
// that both saw it lapsed could each delete the other's new claim. So it
// first holds a lock, an exclusive create of claimsDir+key, and looks
// again under it: a claim another upload has just renewed is no longer
// lapsed. A lock left by a crash only sends uploads of that name to a
// suffix until Sweep removes it.
func (s *Store) deleteLapsed(ctx context.Context, key string) (bool, error) {
	lock := claimsDir + key
	if s.create(ctx, lock) != nil {
		return false, nil // another upload or Sweep holds it
	}
	defer s.release(ctx, lock)
	if !s.lapsed(ctx, key) {
		return false, nil
	}
	if err := s.bucket.Delete(ctx, key); err != nil && !isNotFound(err) {
		return false, err
	}
	s.local.forget(key)
	return true, nil
}

// release deletes a claim whose upload failed. It runs even if ctx is
// cancelled, which is the usual reason.
func (s *Store) release(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	s.bucket.Delete(ctx, key)
	s.local.forget(key)
}

// withSuffix adds "_" and seven random lower-case letters and digits to
// the stem of a cleaned name.
func withSuffix(name string) string {
	stem, ext := splitExt(name)
	return stem + "_" + strings.ToLower(rand.Text()[:7]) + ext
}

// ctxReader fails reads once its context is done, so that a cancelled
// upload stops at once rather than when the client stops sending.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
