package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"

	"github.com/assetgen/assetgen/media"
)

// mp4Bytes start as an MP4 file does, which is all type detection reads.
var mp4Bytes = append([]byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), bytes.Repeat([]byte{0}, 2000)...)

var uploadKey = bytes.Repeat([]byte("u"), 32)

// rawKeys lists every object of the backend, hidden ones included, with
// their sizes: what a failed or refused upload may have left.
func rawKeys(t *testing.T, e *env) map[string]int64 {
	t.Helper()
	b := rawBucket(t, e)
	defer b.Close()
	out := map[string]int64{}
	it := b.List(nil)
	for {
		obj, err := it.Next(t.Context())
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[obj.Key] = obj.Size
	}
}

// put sends body to a DirectUpload's URL as a browser would: to the
// store's own server, or to h for a local store.
func put(t *testing.T, h http.Handler, up media.DirectUpload, contentType string, body []byte) int {
	t.Helper()
	if strings.HasPrefix(up.URL, "/") {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(up.Method, up.URL, bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		h.ServeHTTP(w, r)
		return w.Code
	}
	r, err := http.NewRequest(up.Method, up.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// leftovers returns the objects of keys that are empty (claims) or under
// a hidden directory: what no upload may leave behind.
func leftovers(keys map[string]int64) []string {
	var out []string
	for k, n := range keys {
		if n == 0 || strings.HasPrefix(k, ".pending/") || strings.HasPrefix(k, ".claims/") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestDirectUpload sends files straight to the store and finalizes them:
// what passes is stored under its cleaned name with its detected type;
// spoofed types, oversize files, tampered URLs and forged pending names
// are refused, and nothing of theirs is left or visible.
func TestDirectUpload(t *testing.T) {
	opts := media.UploadOptions{Allow: []string{"image/*", "video/*"}, MaxSize: 4096}
	forBackends(t, []storeCase{
		{"Accepted", func(t *testing.T, e *env) {
			s := e.open(t, media.SigningKey(uploadKey))
			h := s.Handler()
			for _, tc := range []struct {
				name, sendType string
				body           []byte
				want           media.Saved
			}{
				{"My Clip.mp4", "video/mp4", mp4Bytes, media.Saved{Filename: "My_Clip.mp4", Name: "My_Clip.mp4", ContentType: "video/mp4", Size: int64(len(mp4Bytes))}},
				{"dot.png", "image/png", pngBytes, media.Saved{Filename: "dot.png", Name: "dot.png", ContentType: "image/png", Size: int64(len(pngBytes))}},
			} {
				up, err := s.PresignUpload(t.Context(), tc.name, int64(len(tc.body)), opts)
				if err != nil {
					t.Fatal(err)
				}
				if code := put(t, h, up, tc.sendType, tc.body); code != 200 {
					t.Fatalf("PUT %s = %d", up.URL, code)
				}
				if got := names(t, s, ""); len(got) != 0 {
					t.Errorf("before Finalize, List = %q", got)
				}
				if w := get(h, "GET", "/media/"+up.Pending); w.Code != 404 {
					t.Errorf("GET of the pending upload = %d, want 404", w.Code)
				}
				got, err := s.Finalize(t.Context(), up.Pending, opts)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("Finalize (-want +got):\n%s", diff)
				}
				if b := readAll(t, s, got.Name); !bytes.Equal(b, tc.body) {
					t.Errorf("%s holds %d bytes, want the %d sent", got.Name, len(b), len(tc.body))
				}
				if _, err := s.Finalize(t.Context(), up.Pending, opts); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("second Finalize: %v, want fs.ErrNotExist", err)
				}
				s.Delete(t.Context(), got.Name)
			}
			if left := leftovers(rawKeys(t, e)); len(left) != 0 {
				t.Errorf("left behind: %q", left)
			}
		}},
		{"Refused", func(t *testing.T, e *env) {
			s := e.open(t, media.SigningKey(uploadKey))
			h := s.Handler()
			if _, err := s.PresignUpload(t.Context(), "big.mp4", 4097, opts); !errors.Is(err, media.ErrTooLarge) {
				t.Errorf("PresignUpload over MaxSize: %v, want ErrTooLarge", err)
			}
			if _, err := s.PresignUpload(t.Context(), "none.mp4", 0, opts); !errors.Is(err, media.ErrEmpty) {
				t.Errorf("PresignUpload of nothing: %v, want ErrEmpty", err)
			}
			for _, tc := range []struct {
				name, sendType string
				body           []byte
				want           error
			}{
				{"page.png", "image/png", htmlXSS, media.ErrTypeNotAllowed},   // HTML sent as a PNG
				{"clip.mp4", "video/webm", mp4Bytes, media.ErrTypeNotAllowed}, // an MP4 sent as WebM (remote stores)
				{"grown.mp4", "video/mp4", append(mp4Bytes, make([]byte, 4096)...), media.ErrTooLarge},
				{"script.svg", "image/svg+xml", svgXSS, nil}, // allowed as image/*, stored as an attachment
			} {
				up, err := s.PresignUpload(t.Context(), tc.name, 2048, opts)
				if err != nil {
					t.Fatal(err)
				}
				code := put(t, h, up, tc.sendType, tc.body)
				if e.dir != "" && len(tc.body) > 2048 {
					if code != 413 {
						t.Errorf("local PUT of %d bytes for 2048 = %d, want 413", len(tc.body), code)
					}
					continue
				}
				if code != 200 {
					t.Fatalf("PUT %s = %d", tc.name, code)
				}
				got, err := s.Finalize(t.Context(), up.Pending, opts)
				want := tc.want
				if e.dir != "" && tc.sendType == "video/webm" {
					want = nil // a local store stores the type it detects; the client's never counts
				}
				if !errors.Is(err, want) || (want == nil && err != nil) {
					t.Errorf("Finalize %s: %v, want %v", tc.name, err, want)
				}
				if want == nil && err == nil {
					if w := get(h, "GET", "/media/"+got.Name); !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") && got.ContentType == "image/svg+xml" {
						t.Errorf("GET %s: Content-Disposition %q, want attachment", got.Name, w.Header().Get("Content-Disposition"))
					}
					s.Delete(t.Context(), got.Name)
				}
			}
			if got := names(t, s, ""); len(got) != 0 {
				t.Errorf("refused uploads listed: %q", got)
			}
			if left := leftovers(rawKeys(t, e)); len(left) != 0 {
				t.Errorf("refused uploads left %q", left)
			}
		}},
		{"Forged", func(t *testing.T, e *env) {
			s := e.open(t, media.SigningKey(uploadKey))
			h := s.Handler()
			up, err := s.PresignUpload(t.Context(), "real.png", int64(len(pngBytes)), opts)
			if err != nil {
				t.Fatal(err)
			}
			token := strings.Split(up.Pending, "/")[1]
			for _, tampered := range []string{
				strings.Replace(up.URL, up.Pending, "real.png", 1),                 // straight to a live name
				strings.Replace(up.URL, token, strings.Repeat("A", len(token)), 1), // another pending name
				strings.Replace(up.URL, "size=", "size=9", 1),                      // a larger size (local)
			} {
				if tampered == up.URL {
					continue
				}
				// 403, or 405 from a local store's handler for a name
				// that takes no upload at all.
				if code := put(t, h, media.DirectUpload{Method: "PUT", URL: tampered}, "image/png", pngBytes); code != 403 && code != 405 {
					t.Errorf("PUT to tampered %s = %d, want 403", tampered, code)
				}
			}
			for _, pending := range []string{
				"real.png", "", ".pending/", ".pending/" + token, ".pending/" + token + "/../real.png",
				".pending/" + token + "/.env", ".pending/" + token + "/a/b.png", ".pending/short/x.png",
				".pending/" + strings.ToLower(token) + "/real.png", up.Pending, // never uploaded
			} {
				if _, err := s.Finalize(t.Context(), pending, opts); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Finalize(%q): %v, want fs.ErrNotExist", pending, err)
				}
			}
			if len(rawKeys(t, e)) != 0 {
				t.Errorf("forged uploads stored %v", rawKeys(t, e))
			}
		}},
	})
}

// TestDirectUploadExpired checks that a local store's upload URL stops
// working when it expires.
func TestDirectUploadExpired(t *testing.T) {
	s := openStore(t, t.TempDir(), media.SigningKey(uploadKey))
	up, err := s.PresignUpload(t.Context(), "late.png", int64(len(pngBytes)), media.UploadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.SetNow(func() time.Time { return up.Expires.Add(time.Second) })
	if code := put(t, s.Handler(), up, "image/png", pngBytes); code != 403 {
		t.Errorf("PUT after expiry = %d, want 403", code)
	}
}

// TestSweep leaves claims and pending uploads as an outage would, and
// checks that a lapsed claim no longer holds its name and that Sweep
// removes what is old enough, and only that.
func TestSweep(t *testing.T) {
	forBackends(t, []storeCase{{"Sweep", func(t *testing.T, e *env) {
		s := e.open(t, media.SigningKey(uploadKey))
		// A claim left by a failed upload: an empty object, made now.
		up, err := s.PresignUpload(t.Context(), "stale.png", int64(len(pngBytes)), media.UploadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if code := put(t, s.Handler(), up, "image/png", pngBytes); code != 200 {
			t.Fatalf("PUT = %d", code)
		}
		leaveClaim(t, e, "stale.png")
		leaveClaim(t, e, "gone.png")
		if got := save(t, s, "stale.png", pngBytes); got == "stale.png" {
			t.Error("a fresh claim did not hold its name")
		}
		if n, err := s.Sweep(t.Context(), time.Hour); err != nil || n != 0 {
			t.Errorf("Sweep of fresh leftovers deleted %d (%v), want 0", n, err)
		}

		later := time.Now().Add(media.ClaimTimeout + time.Minute)
		s.SetNow(func() time.Time { return later })
		if got := save(t, s, "stale.png", pngBytes); got != "stale.png" {
			t.Errorf("Save after the claim lapsed stored %q, want stale.png", got)
		}
		n, err := s.Sweep(t.Context(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 { // gone.png's claim and the pending upload
			t.Errorf("Sweep deleted %d objects, want 2", n)
		}
		if left := leftovers(rawKeys(t, e)); len(left) != 0 {
			t.Errorf("after Sweep, left %q", left)
		}
		if got := save(t, s, "gone.png", pngBytes); got != "gone.png" {
			t.Errorf("Save after Sweep stored %q, want gone.png", got)
		}
	}}})
}

// leaveClaim makes the empty object a Save leaves when its upload and
// its clean-up both fail.
func leaveClaim(t *testing.T, e *env, name string) {
	t.Helper()
	b := rawBucket(t, e)
	defer b.Close()
	if err := b.WriteAll(context.Background(), name, nil, nil); err != nil {
		t.Fatal(err)
	}
}

// rawBucket opens the backend's bucket directly, beneath the Store, where
// hidden objects and claims are seen too.
func rawBucket(t *testing.T, e *env) *blob.Bucket {
	t.Helper()
	var b *blob.Bucket
	var err error
	if e.dir != "" {
		b, err = fileblob.OpenBucket(e.dir, nil)
	} else {
		b, err = blob.OpenBucket(t.Context(), e.s3.URL())
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFinalizeOnce finalizes one upload from several goroutines at once,
// as a client that retries might: one call stores it, the others fail,
// and the store holds one file.
func TestFinalizeOnce(t *testing.T) {
	forBackends(t, []storeCase{{"Once", func(t *testing.T, e *env) {
		s := e.open(t, media.SigningKey(uploadKey))
		up, err := s.PresignUpload(t.Context(), "once.mp4", int64(len(mp4Bytes)), media.UploadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if code := put(t, s.Handler(), up, "video/mp4", mp4Bytes); code != 200 {
			t.Fatalf("PUT = %d", code)
		}
		const calls = 4
		errs := make(chan error, calls)
		for range calls {
			go func() {
				_, err := s.Finalize(t.Context(), up.Pending, media.UploadOptions{})
				errs <- err
			}()
		}
		stored := 0
		for range calls {
			err := <-errs
			switch {
			case err == nil:
				stored++
			case !errors.Is(err, fs.ErrExist) && !errors.Is(err, fs.ErrNotExist):
				t.Errorf("Finalize: %v, want success, fs.ErrExist or fs.ErrNotExist", err)
			}
		}
		if got := names(t, s, ""); stored != 1 || len(got) != 1 {
			t.Errorf("%d calls succeeded and the store holds %q; want one of each", stored, got)
		}
		if left := leftovers(rawKeys(t, e)); len(left) != 0 {
			t.Errorf("left %q", left)
		}
	}}})
}
