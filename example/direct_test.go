package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/media"
)

// mp4Head starts an MP4 file, which is all type detection reads.
const mp4Head = "\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"

// countingBody counts the request body bytes the server reads.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestBrowserDirectUpload sends a 200 MB video from Chromium through the
// example's direct-upload form to versitygw: the bytes go to the bucket,
// not through the Go server, which reads a few hundred bytes of JSON and
// whose heap stays flat; the page then shows the stored file. A page sent
// as a video is refused at Finalize and leaves nothing.
func TestBrowserDirectUpload(t *testing.T) {
	s3 := testenv.S3(t)
	store, err := media.Open(t.Context(), s3.URL(), media.Static(Prefix), media.Images(imageOptions))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var read atomic.Int64
	mux := newMux(store)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = countingBody{r.Body, &read}
		mux.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s3.AllowCORS(srv.URL)

	dir := t.TempDir()
	video := filepath.Join(dir, "holiday video.mp4")
	const size = 200 << 20
	f, err := os.Create(video)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(mp4Head)
	f.Truncate(size) // zeros after the header, written by the file system
	f.Close()
	fake := filepath.Join(dir, "fake.mp4")
	os.WriteFile(fake, []byte(`<!DOCTYPE html><html><script>alert(1)</script></html>`), 0o644)

	ctx, stop := testenv.Chromium(t, 2*time.Minute)
	defer stop()

	// The heap, sampled while the upload runs.
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			var ms goruntime.MemStats
			goruntime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var caption string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/upload"),
		chromedp.SetUploadFiles(`#direct input[type=file]`, []string{video}, chromedp.ByQuery),
		chromedp.Click(`#direct button`, chromedp.ByQuery),
		chromedp.WaitVisible(`figcaption a`, chromedp.ByQuery),
		chromedp.Text(`figcaption`, &caption, chromedp.ByQuery),
	)
	close(done)
	<-sampled
	if err != nil {
		t.Fatalf("direct upload: %v", err)
	}
	info, err := store.Stat(t.Context(), "holiday_video.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != size || info.ContentType != "video/mp4" {
		t.Errorf("stored %d bytes of %s, want %d of video/mp4", info.Size, info.ContentType, size)
	}
	if caption != "holiday_video.mp4 video/mp4" {
		t.Errorf("the page shows %q", caption)
	}
	if n := read.Load(); n > 64<<10 {
		t.Errorf("the Go server read %d bytes of request bodies; the file went through it", n)
	}
	if grew := int64(peak.Load()) - int64(base); grew > 32<<20 {
		t.Errorf("the heap grew by %d MB during the upload", grew>>20)
	}
	t.Logf("Go server read %d body bytes; heap peak %+d KB over %d KB", read.Load(), (int64(peak.Load())-int64(base))>>10, base>>10)

	var msg string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/upload"),
		chromedp.SetUploadFiles(`#direct input[type=file]`, []string{fake}, chromedp.ByQuery),
		chromedp.Click(`#direct button`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("direct-status").textContent.startsWith("The upload failed")`, nil),
		chromedp.Text(`#direct-status`, &msg, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("spoofed upload: %v", err)
	}
	if msg != "The upload failed: Only audio and video can be uploaded directly." {
		t.Errorf("spoofed upload: the page says %q", msg)
	}
	var names []string
	for info, err := range store.List(t.Context(), "") {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, info.Name)
	}
	if len(names) != 1 {
		t.Errorf("stored %q, want only holiday_video.mp4", names)
	}
}
