// Package progress measures and shows the progress of a long run: the
// generator's hashing and compression, collect's writing and publish's
// uploads. All three count with a Meter and show a Line, so they report
// alike and the rules (when to draw, how to format) are written once.
//
// It has two halves. A Meter counts work done from any number of
// goroutines and hands a Snapshot to a callback every Interval, from one
// goroutine that Stop joins, so a library (package gen, publish,
// internal/collect) can report without printing. A Line renders snapshots for people: on a terminal, one line
// redrawn in place once a run has lasted a second; elsewhere (CI logs, go
// generate in an editor) a plain line every ten seconds, which a log keeps
// readable. A run shorter than the delay prints nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Snapshot is the state of one phase of a run.
type Snapshot struct {
	Phase      string // "hashing", "compressing"...
	Files      int    // files finished
	TotalFiles int
	Bytes      int64 // bytes done, of TotalBytes
	TotalBytes int64
	Elapsed    time.Duration // since the phase started
}

// Interval is how often a Meter reports.
const Interval = 100 * time.Millisecond

// Meter counts the work of one phase. Add is safe for concurrent use.
type Meter struct {
	files, bytes atomic.Int64
	snap         Snapshot // fixed fields
	start        time.Time
	report       func(Snapshot)
	stop         chan struct{}
	wg           sync.WaitGroup
}

// Start begins a phase and reports it every Interval until Stop. With a nil
// report it counts and reports nothing, so callers need not check.
func Start(phase string, totalFiles int, totalBytes int64, report func(Snapshot)) *Meter {
	m := &Meter{snap: Snapshot{Phase: phase, TotalFiles: totalFiles, TotalBytes: totalBytes}, start: time.Now(), report: report}
	if report == nil {
		return m
	}
	m.stop = make(chan struct{})
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(Interval)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				m.report(m.Snapshot())
			}
		}
	}()
	return m
}

// Add records files finished and bytes done.
func (m *Meter) Add(files int, bytes int64) {
	if files != 0 {
		m.files.Add(int64(files))
	}
	if bytes != 0 {
		m.bytes.Add(bytes)
	}
}

// Snapshot returns the counts so far.
func (m *Meter) Snapshot() Snapshot {
	s := m.snap
	s.Files, s.Bytes, s.Elapsed = int(m.files.Load()), m.bytes.Load(), time.Since(m.start)
	return s
}

// Stop ends the phase: it joins the reporting goroutine and reports the
// final counts once more, from the calling goroutine.
func (m *Meter) Stop() {
	if m.report == nil {
		return
	}
	close(m.stop)
	m.wg.Wait()
	m.report(m.Snapshot())
}

// Reader counts the bytes read through it into a Meter.
type Reader struct {
	R io.Reader
	M *Meter
}

func (r Reader) Read(p []byte) (int, error) {
	n, err := r.R.Read(p)
	r.M.Add(0, int64(n))
	return n, err
}

// Delays for a Line.
const (
	// TerminalDelay is how long a run goes unreported on a terminal: a
	// run that ends sooner shows only its summary.
	TerminalDelay = time.Second
	// TerminalEvery limits redraws, which cost the terminal more than us.
	TerminalEvery = 200 * time.Millisecond
	// LogEvery spaces the plain lines written where there is no terminal.
	LogEvery = 10 * time.Second
)

// Line renders snapshots on w. Update is safe for concurrent use.
type Line struct {
	w        io.Writer
	terminal bool
	start    time.Time
	now      func() time.Time

	mu    sync.Mutex
	last  time.Time // of the last line drawn
	drawn bool      // a terminal line is showing
}

// IsTerminal reports whether w is a character device, which is what
// decides between redrawing a line and writing plain ones; it needs no
// dependency.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// NewLine returns a Line writing to w, redrawing in place if terminal.
// now is the clock (time.Now outside tests).
func NewLine(w io.Writer, terminal bool, now func() time.Time) *Line {
	return &Line{w: w, terminal: terminal, start: now(), now: now}
}

// Update shows s if it is time to.
func (l *Line) Update(s Snapshot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	since := now.Sub(l.start)
	switch {
	case l.terminal && since >= TerminalDelay && now.Sub(l.last) >= TerminalEvery:
		fmt.Fprintf(l.w, "\r\033[K%s", Format(s))
		l.drawn = true
	case !l.terminal && since >= LogEvery && now.Sub(l.last) >= LogEvery:
		fmt.Fprintf(l.w, "%s\n", Format(s))
	default:
		return
	}
	l.last = now
}

// Clear removes the terminal line, before the summary or an error.
func (l *Line) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn {
		fmt.Fprint(l.w, "\r\033[K")
		l.drawn = false
	}
}

// Format renders a snapshot as one line:
//
//	assetgen: compressing 1,204/2,310 files, 12.1/25.9 MB, 3.2 MB/s, 4s left
//
// The rate and estimate need a second of data and some bytes done.
func Format(s Snapshot) string {
	line := fmt.Sprintf("assetgen: %s %s/%s files, %s/%s", s.Phase, count(s.Files), count(s.TotalFiles), Size(s.Bytes), Size(s.TotalBytes))
	if s.Elapsed < time.Second || s.Bytes <= 0 {
		return line
	}
	rate := float64(s.Bytes) / s.Elapsed.Seconds()
	line += ", " + Size(int64(rate)) + "/s"
	if left := s.TotalBytes - s.Bytes; left > 0 {
		eta := time.Duration(float64(left) / rate * float64(time.Second))
		line += ", " + eta.Round(time.Second).String() + " left"
	}
	return line
}

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Size writes a byte count for a person, in the largest unit that keeps
// it above one: "812 B", "12.1 KB", "3.4 MB", "1.2 GB" (units of 1,024).
// It is the one formatter of byte counts: the progress line, every
// command's summary and generate's large-file warning use it, so the
// same size reads the same everywhere.
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
