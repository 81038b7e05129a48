package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/media"
)

// gateReader reads r, but stops once at byte at: it closes reached and
// waits for resume, so that a test can act while an upload is half sent.
type gateReader struct {
	r       io.Reader
	at, n   int64
	once    sync.Once
	reached chan struct{}
	resume  chan struct{}
}

func newGate(r io.Reader, at int64) *gateReader {
	return &gateReader{r: r, at: at, reached: make(chan struct{}), resume: make(chan struct{})}
}

func (g *gateReader) Read(p []byte) (int, error) {
	if g.n == g.at {
		g.once.Do(func() { close(g.reached); <-g.resume })
	}
	if g.n < g.at && int64(len(p)) > g.at-g.n {
		p = p[:g.at-g.n]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// TestUploadFaults stops the S3 server in the middle of a Save, of a
// multipart part and of a Finalize, and starts it again. Each upload
// fails and its clean-up too, so claims and a pending upload are left
// behind; none is listed, served or stat-able, and once the claims lapse,
// Sweep removes every one and the names are free.
func TestUploadFaults(t *testing.T) {
	srv := testenv.S3(t)
	e := &env{s3: srv}
	// The AWS SDK would try each request against the stopped server three
	// times, with back-off; a retry quota too small for one retry makes
	// it try once: the same test, seconds sooner.
	s := openStore(t, srv.URL("rate_limiter_capacity=1"), media.SigningKey(uploadKey))
	h := s.Handler()
	video := func(n int) []byte { return append(bytes.Clone(mp4Bytes), make([]byte, n)...) }

	// saveCut saves content, stopping the server once at bytes are read.
	saveCut := func(name string, content []byte, at int64) {
		t.Helper()
		gate := newGate(bytes.NewReader(content), at)
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() { _, err := s.Save(ctx, name, gate); done <- err }()
		select {
		case <-gate.reached:
		case err := <-done:
			t.Fatalf("Save %s ended before the cut: %v", name, err)
		}
		srv.Stop()
		close(gate.resume)
		if err := <-done; err == nil {
			t.Errorf("Save %s with the server stopped mid-way succeeded", name)
		}
		srv.Start()
	}
	saveCut("fault_up.mp4", video(100<<10), 50<<10)
	saveCut("fault_mp.mp4", video(12<<20), 11<<20) // parts of 5 MiB: the third is cut

	up, err := s.PresignUpload(t.Context(), "fault_fin.mp4", int64(len(mp4Bytes)), media.UploadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if code := put(t, h, up, "video/mp4", mp4Bytes); code != 200 {
		t.Fatalf("PUT = %d", code)
	}
	media.SetBeforeCopy(srv.Stop)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	_, err = s.Finalize(ctx, up.Pending, media.UploadOptions{})
	cancel()
	media.SetBeforeCopy(nil)
	if err == nil {
		t.Error("Finalize with the server stopped before the copy succeeded")
	}
	srv.Start()

	names3 := []string{"fault_up.mp4", "fault_mp.mp4", "fault_fin.mp4"}
	left := leftovers(rawKeys(t, e))
	t.Logf("left behind by the outages: %q", left)
	for _, name := range names3 {
		if !contains(left, name) {
			t.Errorf("no claim left for %s; the test did not cut where it meant to", name)
		}
		if w := get(h, "GET", "/media/"+name); w.Code != 404 {
			t.Errorf("GET %s = %d, want 404", name, w.Code)
		}
		if _, err := s.Stat(t.Context(), name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat %s: %v, want fs.ErrNotExist", name, err)
		}
	}
	if got := names(t, s, ""); len(got) != 0 {
		t.Errorf("List after the outages = %q, want nothing", got)
	}

	later := time.Now().Add(media.ClaimTimeout + time.Minute)
	s.SetNow(func() time.Time { return later })
	if _, err := s.Sweep(t.Context(), time.Hour); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(rawKeys(t, e)); len(left) != 0 {
		t.Errorf("after Sweep, left %q", left)
	}
	for _, name := range names3 {
		if got := save(t, s, name, mp4Bytes); got != name {
			t.Errorf("Save after Sweep stored %q, want %s", got, name)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
