package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/assetgen/assetgen/publish"
)

// progressLine redraws one status line on a terminal: files, bytes, rate
// and time left. It is small and self-contained on purpose, so that it can
// be merged with the generator's own progress line later. A nil
// *progressLine draws nothing.
type progressLine struct {
	w     io.Writer
	start time.Time
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

// redrawEvery keeps a fast run from spending its time on the terminal.
const redrawEvery = 100 * time.Millisecond

func (l *progressLine) update(p publish.Progress) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.last) < redrawEvery && p.Objects < p.TotalObjects {
		return
	}
	l.last = now
	l.drawn = true
	fmt.Fprintf(l.w, "\r\033[K%s", progressText(p, now.Sub(l.start)))
}

// progressText is the line's text. The rate is of bytes checked or
// uploaded, which is what the rest of the run has to get through.
func progressText(p publish.Progress, elapsed time.Duration) string {
	s := fmt.Sprintf("assetgen-publish: %d/%d files, %s/%s", p.Files, p.TotalFiles, byteSize(p.Bytes), byteSize(p.TotalBytes))
	if elapsed <= 0 || p.Bytes == 0 {
		return s
	}
	rate := float64(p.Bytes) / elapsed.Seconds()
	s += fmt.Sprintf(", %s/s", byteSize(int64(rate)))
	if left := p.TotalBytes - p.Bytes; left > 0 {
		eta := time.Duration(float64(left) / rate * float64(time.Second))
		s += fmt.Sprintf(", %s left", eta.Round(time.Second))
	}
	return s + fmt.Sprintf(" (%d uploaded)", p.Uploaded)
}

func (l *progressLine) clear() {
	if l != nil && l.drawn {
		fmt.Fprint(l.w, "\r\033[K")
	}
}

// isTerminal reports whether w is a character device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// byteSize formats n bytes for a person.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
