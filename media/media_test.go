package media_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "gocloud.dev/blob/s3blob"

	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/media"
)

// env is one backend for one test case.
type env struct {
	// open opens a Store over the backend with the options.
	open func(t *testing.T, opts ...media.Option) *media.Store
	// dir is the local directory, "" for S3.
	dir string
	s3  *testenv.S3Server
}

// forBackends runs each case on a local directory and on versitygw, a real
// S3 server on loopback (one server for all cases, so cases use names of
// their own).
func forBackends(t *testing.T, cases []storeCase) {
	t.Run("Local", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				dir := t.TempDir()
				c.run(t, &env{dir: dir, open: func(t *testing.T, opts ...media.Option) *media.Store {
					return openStore(t, dir, opts...)
				}})
			})
		}
	})
	t.Run("S3", func(t *testing.T) {
		srv := testenv.S3(t)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.run(t, &env{s3: srv, open: func(t *testing.T, opts ...media.Option) *media.Store {
					return openStore(t, srv.URL(), opts...)
				}})
			})
		}
	})
}

type storeCase struct {
	name string
	run  func(t *testing.T, e *env)
}

func openStore(t *testing.T, location string, opts ...media.Option) *media.Store {
	t.Helper()
	s, err := media.Open(t.Context(), location, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 300)...)
	svgXSS   = []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>document.title = "pwned"; parent.postMessage("pwned", "*")</script></svg>`)
	htmlXSS  = []byte(`<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>`)
	jsXSS    = []byte(`fetch("/account", {method: "DELETE"}); alert(document.cookie);`)
)

// names lists the stored names that start with prefix.
func names(t *testing.T, s *media.Store, prefix string) []string {
	t.Helper()
	var out []string
	for info, err := range s.List(t.Context(), prefix) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, info.Name)
	}
	return out
}

// readAll reads a stored file through Open.
func readAll(t *testing.T, s *media.Store, name string) []byte {
	t.Helper()
	r, err := s.Open(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkNothingLeft checks that nothing whose name starts with prefix is
// stored or left behind: not listed, no claim, and in a local directory no
// file at all, temporary ones included.
func checkNothingLeft(t *testing.T, e *env, s *media.Store, prefix string) {
	t.Helper()
	if got := names(t, s, prefix); len(got) != 0 {
		t.Errorf("stored after a failed upload: %q", got)
	}
	if e.dir != "" {
		ents, err := os.ReadDir(e.dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, ent := range ents {
			if strings.HasPrefix(ent.Name(), prefix) {
				t.Errorf("left in the directory: %s", ent.Name())
			}
		}
		return
	}
	// On S3, a claim is an empty object; list the bucket's directory.
	filepath.WalkDir(filepath.Join(e.s3.Dir, e.s3.Bucket), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), prefix) {
			t.Errorf("left in the bucket: %s", d.Name())
		}
		return nil
	})
}

func TestStore(t *testing.T) {
	forBackends(t, storeCases)
}

var storeCases = []storeCase{
	{"SaveStatOpenListDelete", func(t *testing.T, e *env) {
		s := e.open(t)
		ctx := t.Context()
		name, err := s.Save(ctx, "Basic Photo.PNG", bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		if name != "Basic_Photo.png" {
			t.Errorf("Save stored %q, want Basic_Photo.png", name)
		}
		info, err := s.Stat(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != name || info.Size != int64(len(pngBytes)) || info.ContentType != "image/png" || info.ETag == "" || info.ModTime.IsZero() {
			t.Errorf("Stat = %+v", info)
		}
		if got := readAll(t, s, name); !bytes.Equal(got, pngBytes) {
			t.Errorf("Open read %d bytes, want the %d saved", len(got), len(pngBytes))
		}
		if got := names(t, s, "Basic"); !slices.Equal(got, []string{name}) {
			t.Errorf("List = %q", got)
		}
		if got, want := s.URL(name), "/media/Basic_Photo.png"; got != want {
			t.Errorf("URL = %q, want %q", got, want)
		}
		if err := s.Delete(ctx, name); err != nil {
			t.Fatal(err)
		}
		for op, err := range map[string]error{
			"Stat":   second(s.Stat(ctx, name)),
			"Open":   second(s.Open(ctx, name)),
			"Delete": s.Delete(ctx, name),
			"Dotdot": second(s.Stat(ctx, "../x")),
		} {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s after Delete: %v, want fs.ErrNotExist", op, err)
			}
		}
	}},
	{"Clash", func(t *testing.T, e *env) {
		s := e.open(t)
		first, err := s.Save(t.Context(), "clash.txt", strings.NewReader("first"))
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.Save(t.Context(), "clash.txt", strings.NewReader("second"))
		if err != nil {
			t.Fatal(err)
		}
		if first != "clash.txt" || second == first || !strings.HasPrefix(second, "clash_") || !strings.HasSuffix(second, ".txt") {
			t.Errorf("Save twice stored %q and %q", first, second)
		}
		if a, b := readAll(t, s, first), readAll(t, s, second); string(a) != "first" || string(b) != "second" {
			t.Errorf("contents %q, %q; want first, second", a, b)
		}
	}},
	{"Concurrent", func(t *testing.T, e *env) {
		s := e.open(t)
		const n = 20
		stored := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				stored[i], errs[i] = s.Save(t.Context(), "same.txt", strings.NewReader(fmt.Sprintf("upload %d", i)))
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("upload %d: %v", i, errs[i])
			}
			if seen[stored[i]] {
				t.Errorf("two uploads stored as %q", stored[i])
			}
			seen[stored[i]] = true
			if got, want := string(readAll(t, s, stored[i])), fmt.Sprintf("upload %d", i); got != want {
				t.Errorf("%s holds %q, want %q", stored[i], got, want)
			}
		}
		if got := names(t, s, "same"); len(got) != n {
			t.Errorf("List has %d files, want %d: %q", len(got), n, got)
		}
	}},
	{"Cancelled", func(t *testing.T, e *env) {
		s := e.open(t)
		ctx, cancel := context.WithCancel(t.Context())
		pr, pw := io.Pipe()
		go func() {
			pw.Write(pngBytes)
			pw.Write(bytes.Repeat([]byte{1}, 64<<10))
			cancel() // midway: the upload has started and is not done
			pw.Write(bytes.Repeat([]byte{2}, 64<<10))
			pw.Close()
		}()
		name, err := s.Save(ctx, "cancelled.png", pr)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Save = %q, %v; want context.Canceled", name, err)
		}
		checkNothingLeft(t, e, s, "cancelled")
	}},
	{"ReaderFails", func(t *testing.T, e *env) {
		s := e.open(t)
		boom := errors.New("connection reset")
		r := io.MultiReader(bytes.NewReader(pngBytes), bytes.NewReader(make([]byte, 10<<10)), errReader{boom})
		if _, err := s.Save(t.Context(), "failed.png", r); !errors.Is(err, boom) {
			t.Errorf("Save: %v, want %v", err, boom)
		}
		checkNothingLeft(t, e, s, "failed")
	}},
	{"Empty", func(t *testing.T, e *env) {
		s := e.open(t)
		if _, err := s.Save(t.Context(), "empty.txt", strings.NewReader("")); !errors.Is(err, media.ErrEmpty) {
			t.Errorf("Save of nothing: %v, want ErrEmpty", err)
		}
		checkNothingLeft(t, e, s, "empty")
	}},
	{"HostileNames", func(t *testing.T, e *env) {
		s := e.open(t)
		for _, tt := range []struct{ in, want string }{
			{"../../../etc/cron.d/job.png", "job.png"},
			{`..\..\boot.png`, "boot.png"},
			{"nul\x00byte.png", "nulbyte.png"},
			{"bidi\u202egnp.exe.png", "bidignp.exe.png"},
			{strings.Repeat("long", 2560) + ".png", strings.Repeat("long", 24) + ".png"},
			{".hidden.png", "hidden.png"},
		} {
			got, err := s.Save(t.Context(), tt.in, bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatalf("Save(%.40q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Save(%.40q) stored %q, want %q", tt.in, got, tt.want)
			}
			if _, err := s.Stat(t.Context(), got); err != nil {
				t.Errorf("Stat(%q): %v", got, err)
			}
		}
		if e.dir != "" {
			// Nothing escaped the directory.
			ents, _ := os.ReadDir(filepath.Dir(e.dir))
			if len(ents) != 1 {
				t.Errorf("the directory's parent holds %d entries, want only the directory", len(ents))
			}
		}
	}},
	{"SpoofedType", func(t *testing.T, e *env) {
		s := e.open(t)
		name, err := s.Save(t.Context(), "spoof.png", bytes.NewReader(htmlXSS))
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Stat(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if name != "spoof.html" || info.ContentType != "text/html; charset=utf-8" {
			t.Errorf("HTML named .png stored as %q, %q", name, info.ContentType)
		}
	}},
	{"PrefixRules", func(t *testing.T, e *env) {
		s := e.open(t)
		for _, p := range []string{"/static/", "/static", "/static/media/", "/", "https://cdn.example.com/static/img/"} {
			if err := s.SetPrefix(p); err == nil {
				t.Errorf("SetPrefix(%q) accepted a prefix that overlaps /static/", p)
			}
		}
		for _, p := range []string{"relative/", "/a/../b/", "/a?b"} {
			if err := s.SetPrefix(p); err == nil {
				t.Errorf("SetPrefix(%q) accepted an invalid prefix", p)
			}
		}
		if s.Prefix() != media.DefaultPrefix {
			t.Errorf("a failed SetPrefix changed the prefix to %q", s.Prefix())
		}
		if err := s.SetPrefix("https://media.example.com/u"); err != nil {
			t.Fatal(err)
		}
		if got, want := s.URL("a b.png"), "https://media.example.com/u/a%20b.png"; got != want {
			t.Errorf("URL = %q, want %q", got, want)
		}
		assets := e.open(t, media.Static(func() string { return "/assets/" }))
		if err := assets.SetPrefix("/static/"); err != nil {
			t.Errorf("with static files under /assets/, /static/ is free: %v", err)
		}
		if err := assets.SetPrefix("/assets/uploads/"); err == nil {
			t.Error("SetPrefix inside the static prefix accepted")
		}
	}},
}

func second[T any](_ T, err error) error { return err }

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// uploadServer serves the store under /media/ and takes uploads at
// /upload, answering the saved names one per line, or the status the
// package documents for each error.
func uploadServer(t *testing.T, s *media.Store, opts media.UploadOptions) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("/media/", s.Handler())
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		saved, err := s.Receive(r, opts)
		switch {
		case errors.Is(err, media.ErrTooLarge):
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		case errors.Is(err, media.ErrTypeNotAllowed):
			http.Error(w, err.Error(), http.StatusUnsupportedMediaType)
		case errors.Is(err, media.ErrMalformed), errors.Is(err, media.ErrEmpty):
			http.Error(w, err.Error(), http.StatusBadRequest)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			for _, f := range saved {
				fmt.Fprintf(w, "%s %s %s %d %q\n", f.Field, f.Name, f.ContentType, f.Size, f.Filename)
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// formFile is one file of a test form.
type formFile struct {
	field, filename, contentType string
	body                         io.Reader
}

// postForm posts a multipart form, streaming it, and returns the status
// and body of the answer.
func postForm(t *testing.T, url string, files ...formFile) (int, string) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("title", "holiday")
		for _, f := range files {
			h := textproto.MIMEHeader{}
			// As browsers write it: raw UTF-8, quotes and newlines escaped.
			esc := strings.NewReplacer(`"`, "%22", "\r", "%0D", "\n", "%0A")
			h.Set("Content-Disposition", `form-data; name="`+esc.Replace(f.field)+`"; filename="`+esc.Replace(f.filename)+`"`)
			h.Set("Content-Type", f.contentType)
			w, err := mw.CreatePart(h)
			if err == nil {
				_, err = io.Copy(w, f.body)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	resp, err := http.Post(url+"/upload", mw.FormDataContentType(), pr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReceive(t *testing.T) {
	forBackends(t, receiveCases)
}

var imagesOnly = media.UploadOptions{Allow: []string{"image/png", "image/jpeg", "image/gif", "image/webp"}, MaxSize: 64 << 10}

var receiveCases = []storeCase{
	{"Several", func(t *testing.T, e *env) {
		s := e.open(t)
		srv := uploadServer(t, s, media.UploadOptions{Allow: []string{"image/*"}})
		status, body := postForm(t, srv.URL,
			formFile{"photo", "../../a.png", "image/png", bytes.NewReader(pngBytes)},
			formFile{"photo", "drawing.svg", "image/svg+xml", bytes.NewReader(svgXSS)},
			formFile{"other", "", "application/octet-stream", strings.NewReader("")}, // no file chosen
		)
		want := fmt.Sprintf("photo a.png image/png %d \"../../a.png\"\nphoto drawing.svg image/svg+xml %d \"drawing.svg\"\n", len(pngBytes), len(svgXSS))
		if status != 200 || body != want {
			t.Errorf("upload = %d %q, want 200 %q", status, body, want)
		}
	}},
	{"TooLarge", func(t *testing.T, e *env) {
		s := e.open(t)
		srv := uploadServer(t, s, imagesOnly)
		big := io.MultiReader(bytes.NewReader(pngBytes), bytes.NewReader(make([]byte, 1<<20)))
		status, body := postForm(t, srv.URL,
			formFile{"photo", "big-ok.png", "image/png", bytes.NewReader(pngBytes)},
			formFile{"photo", "big.png", "image/png", big})
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("upload of 1 MiB with a 64 KiB limit = %d %q, want 413", status, body)
		}
		checkNothingLeft(t, e, s, "big") // the file before it is removed too
	}},
	{"TooManyFiles", func(t *testing.T, e *env) {
		s := e.open(t)
		opts := imagesOnly
		opts.MaxFiles = 2
		srv := uploadServer(t, s, opts)
		var files []formFile
		for range 3 {
			files = append(files, formFile{"photo", "many.png", "image/png", bytes.NewReader(pngBytes)})
		}
		if status, body := postForm(t, srv.URL, files...); status != http.StatusRequestEntityTooLarge {
			t.Errorf("3 files with a limit of 2 = %d %q, want 413", status, body)
		}
		checkNothingLeft(t, e, s, "many")
	}},
	{"ScriptNamedPNG", func(t *testing.T, e *env) {
		s := e.open(t)
		srv := uploadServer(t, s, imagesOnly)
		if status, body := postForm(t, srv.URL, formFile{"photo", "script.png", "image/png", bytes.NewReader(jsXSS)}); status != http.StatusUnsupportedMediaType {
			t.Errorf("a script named .png = %d %q, want 415", status, body)
		}
		checkNothingLeft(t, e, s, "script")
	}},
	{"HTMLSentAsPNG", func(t *testing.T, e *env) {
		s := e.open(t)
		srv := uploadServer(t, s, imagesOnly)
		if status, body := postForm(t, srv.URL, formFile{"photo", "page.png", "image/png", bytes.NewReader(htmlXSS)}); status != http.StatusUnsupportedMediaType {
			t.Errorf("HTML sent as image/png = %d %q, want 415", status, body)
		}
		checkNothingLeft(t, e, s, "page")
	}},
	{"SVGNotAllowedByTextPlain", func(t *testing.T, e *env) {
		s := e.open(t)
		srv := uploadServer(t, s, media.UploadOptions{Allow: []string{"text/plain"}})
		if status, body := postForm(t, srv.URL, formFile{"doc", "notes.txt", "text/plain", bytes.NewReader(svgXSS)}); status != http.StatusUnsupportedMediaType {
			t.Errorf("SVG with text/plain allowed = %d %q, want 415", status, body)
		}
		checkNothingLeft(t, e, s, "notes")
	}},
	{"HostileFilenames", func(t *testing.T, e *env) {
		s := e.open(t)
		srv := uploadServer(t, s, imagesOnly)
		status, body := postForm(t, srv.URL,
			formFile{"photo", "../../../../tmp/evil.png", "image/png", bytes.NewReader(pngBytes)},
			formFile{"photo", "right\u202egnp.exe", "image/png", bytes.NewReader(pngBytes)},
			formFile{"photo", strings.Repeat("x", 10<<10) + ".png", "image/png", bytes.NewReader(pngBytes)},
		)
		want := []string{"evil.png", "rightgnp.png", strings.Repeat("x", media.MaxNameLen-4) + ".png"}
		var got []string
		for line := range strings.Lines(body) {
			got = append(got, strings.Fields(line)[1])
		}
		if status != 200 || !slices.Equal(got, want) {
			t.Errorf("upload = %d, stored %q; want %q", status, got, want)
		}
	}},
	{"CutShort", func(t *testing.T, e *env) {
		s := e.open(t)
		body, ctype, _ := uploadBody(1 << 20)
		body = io.MultiReader(io.LimitReader(body, 512<<10), errReader{io.ErrUnexpectedEOF})
		r := httptest.NewRequest("POST", "/upload", body).WithContext(t.Context())
		r.Header.Set("Content-Type", ctype)
		opts := imagesOnly
		opts.MaxSize = 2 << 20
		if _, err := s.Receive(r, opts); !errors.Is(err, media.ErrMalformed) {
			t.Errorf("Receive of a body cut short: %v, want ErrMalformed", err)
		}
		checkNothingLeft(t, e, s, "big")
	}},
	{"MaxBytesReader", func(t *testing.T, e *env) {
		s := e.open(t)
		r := httptest.NewRequest("POST", "/upload", nil).WithContext(t.Context())
		body, ctype, _ := uploadBody(1 << 20)
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(body), 256<<10)
		r.Header.Set("Content-Type", ctype)
		opts := imagesOnly
		opts.MaxSize = 2 << 20
		if _, err := s.Receive(r, opts); !errors.Is(err, media.ErrTooLarge) {
			t.Errorf("Receive of a body over http.MaxBytesReader's limit: %v, want ErrTooLarge", err)
		}
		checkNothingLeft(t, e, s, "big")
	}},
	{"NotMultipart", func(t *testing.T, e *env) {
		s := e.open(t)
		srv := uploadServer(t, s, imagesOnly)
		resp, err := http.Post(srv.URL+"/upload", "image/png", bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("a raw body = %d, want 400", resp.StatusCode)
		}
	}},
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, tt := range []struct {
		name     string
		location string
		opts     []media.Option
		want     string
	}{
		{"Empty", "", nil, "empty location"},
		{"NotADir", file, nil, "not a directory"},
		{"FileQuery", "file:///tmp/x?create_dir=1", nil, "takes no query"},
		{"NoDriver", "gs://bucket", nil, `driver imported, such as _ "gocloud.dev/blob/s3blob"`},
		{"RedirectLocal", t.TempDir(), []media.Option{media.Redirect(time.Minute)}, "Redirect needs a store that signs URLs"},
		{"PrivateNoKey", t.TempDir(), []media.Option{media.Private()}, "Private needs a SigningKey"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := media.Open(ctx, tt.location, tt.opts...)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tt.location)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open(%q): %v; want it to say %q", tt.location, err, tt.want)
			}
		})
	}
}

// TestOpenLocations opens the same directory as a plain path, a file://
// URL and a relative one, and finds one store.
func TestOpenLocations(t *testing.T) {
	dir := t.TempDir()
	name := save(t, openStore(t, filepath.Join(dir, "new", "uploads")), "a.png", pngBytes)
	t.Chdir(dir)
	for _, loc := range []string{
		filepath.Join(dir, "new", "uploads"),
		"file://" + filepath.ToSlash(filepath.Join(dir, "new", "uploads")),
		"file://./new/uploads",
		"new/uploads",
	} {
		s := openStore(t, loc)
		if info, err := s.Stat(t.Context(), name); err != nil || info.Size != int64(len(pngBytes)) {
			t.Errorf("Open(%q): Stat = %+v, %v", loc, info, err)
		}
	}
}
