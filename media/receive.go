package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// Errors of Receive, each wrapped with the file's name. A handler maps them
// to statuses with errors.Is: ErrTooLarge to 413 Content Too Large,
// ErrTypeNotAllowed to 415 Unsupported Media Type, ErrEmpty and ErrMalformed
// to 400 Bad Request; any other error is the store's, 500 or 503.
var (
	// ErrTooLarge reports a file larger than UploadOptions.MaxSize, more
	// files than UploadOptions.MaxFiles, or an oversized form field.
	ErrTooLarge = errors.New("media: upload too large")
	// ErrTypeNotAllowed reports a file whose detected type is not in
	// UploadOptions.Allow.
	ErrTypeNotAllowed = errors.New("media: file type not allowed")
	// ErrMalformed reports a request that is not a well-formed
	// multipart/form-data body.
	ErrMalformed = errors.New("media: malformed multipart form")
)

// Default limits of UploadOptions.
const (
	DefaultMaxSize  = 32 << 20
	DefaultMaxFiles = 16
)

// Limits on the parts of a form that are not files, which Receive reads
// and discards: a form may carry a few small fields beside its files, never
// megabytes of them.
const (
	maxFieldSize = 64 << 10
	maxParts     = 256
)

// UploadOptions are the rules for the files of one form.
type UploadOptions struct {
	// Allow lists the media types accepted, exactly ("image/png") or by
	// top-level type ("image/*"), matched against the type detected from
	// the content. Empty means any type: Handler serves every type
	// inertly, but a site that expects images should say so. Note that
	// "image/*" includes SVG, which can hold script; Handler sends it as
	// an attachment.
	Allow []string
	// MaxSize caps each file, in bytes; 0 means DefaultMaxSize (32 MiB).
	MaxSize int64
	// MaxFiles caps the number of files in the form; 0 means
	// DefaultMaxFiles (16).
	MaxFiles int
}

// Saved describes one stored file of a form.
type Saved struct {
	// Field is the form field the file came in.
	Field string
	// Filename is the name the client sent, as sent: untrusted, for
	// display (escaped) at most.
	Filename string
	// Name is the name the file was stored under; Store.URL(Name) is its URL.
	Name string
	// ContentType is the type detected from the content.
	ContentType string
	// Size is the size in bytes.
	Size int64
	// Width and Height are an image's size as displayed; see Info.
	Width, Height int
}

// Receive stores the files of a multipart/form-data request, each as Save
// does, and returns them in form order. It reads the form as a stream
// (http.Request.MultipartReader, never ParseMultipartForm's temporary
// files), so memory use does not grow with the upload.
//
// Each file is checked while it streams: its type, detected from its first
// bytes and never taken from its name or the client's Content-Type, must
// be allowed (ErrTypeNotAllowed), and it may not grow past MaxSize
// (ErrTooLarge). Parts that are not files are read and discarded, up to
// 64 KiB each. A part for a file input left empty (no name, no content)
// is skipped.
//
// Receive is all or nothing: on any error, files already stored from the
// form are deleted, and the file being received leaves nothing.
func (s *Store) Receive(r *http.Request, opts UploadOptions) ([]Saved, error) {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	ctx := r.Context()
	var saved []Saved
	fail := func(err error) ([]Saved, error) {
		for _, f := range saved {
			s.release(ctx, f.Name)
		}
		return nil, err
	}
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return saved, nil
		}
		if err != nil {
			return fail(clientError(err))
		}
		if parts == maxParts {
			return fail(fmt.Errorf("%w: more than %d parts", ErrTooLarge, maxParts))
		}
		filename, isFile := partFilename(p)
		if !isFile {
			if _, err := io.Copy(io.Discard, io.LimitReader(p, maxFieldSize+1)); err != nil {
				return fail(clientError(err))
			}
			if n, _ := io.Copy(io.Discard, io.LimitReader(p, 1)); n > 0 {
				return fail(fmt.Errorf("%w: field %q larger than %d bytes", ErrTooLarge, p.FormName(), maxFieldSize))
			}
			continue
		}
		if len(saved) == opts.MaxFiles {
			return fail(fmt.Errorf("%w: more than %d files", ErrTooLarge, opts.MaxFiles))
		}
		f, err := s.receiveFile(ctx, p, filename, opts)
		if errors.Is(err, ErrEmpty) && filename == "" {
			continue // a file input with no file chosen
		}
		if err != nil {
			return fail(err)
		}
		saved = append(saved, Saved{Field: p.FormName(), Filename: filename, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Width: f.Width, Height: f.Height})
	}
}

// receiveFile saves one file part, capped and type-checked.
func (s *Store) receiveFile(ctx context.Context, p io.Reader, filename string, opts UploadOptions) (Info, error) {
	capped := &capReader{r: p, left: opts.MaxSize}
	accept := func(mt *mimetype.MIME) error {
		if !allowed(mt, opts.Allow) {
			return fmt.Errorf("%q (%s): %w", filename, mt.String(), ErrTypeNotAllowed)
		}
		return nil
	}
	f, err := s.save(ctx, filename, capped, accept)
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrEmpty) {
		err = fmt.Errorf("%q: %w", filename, err)
	}
	return f, err
}

// partFilename returns the filename parameter of a part's
// Content-Disposition as the client sent it (multipart.Part.FileName keeps
// only its base, and Save does its own cleaning), and whether the part is
// a file at all.
func partFilename(p *multipart.Part) (string, bool) {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	name, ok := params["filename"]
	return name, ok
}

// allowed reports whether the detected type matches one of the patterns:
// an exact type (aliases included) or "type/*". Parent types do not count:
// SVG is a kind of XML, which is a kind of text/plain, and allowing
// text/plain must not allow SVG.
func allowed(mt *mimetype.MIME, allow []string) bool {
	if len(allow) == 0 {
		return true
	}
	base, _, _ := strings.Cut(mt.String(), ";")
	for _, a := range allow {
		a = strings.ToLower(strings.TrimSpace(a))
		if top, ok := strings.CutSuffix(a, "/*"); ok {
			if strings.HasPrefix(base, top+"/") {
				return true
			}
			continue
		}
		if t, _, err := mime.ParseMediaType(a); err == nil && mt.Is(t) {
			return true
		}
	}
	return false
}

// capReader reads a file part: it returns ErrTooLarge once more than left
// bytes are read, and marks the errors of reading the request, a body cut
// short or a broken form, as the client's (ErrMalformed), or as too large
// when the request body is capped (http.MaxBytesReader).
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	switch {
	case c.left < 0:
		return n, ErrTooLarge
	case err != nil && err != io.EOF:
		err = clientError(err)
	}
	return n, err
}

// clientError marks an error reading the request as the client's: too
// large if the body was capped with http.MaxBytesReader, else malformed
// (cut short, or not a valid form).
func clientError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}
