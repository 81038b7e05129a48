package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		s    Snapshot
		want string
	}{
		{"Start", Snapshot{Phase: "hashing", TotalFiles: 3000, TotalBytes: 25 << 20},
			"assetgen: hashing 0/3,000 files, 0 B/25.0 MB"},
		{"UnderASecond", Snapshot{Phase: "hashing", Files: 10, TotalFiles: 3000, Bytes: 1 << 20, TotalBytes: 25 << 20, Elapsed: 500 * time.Millisecond},
			"assetgen: hashing 10/3,000 files, 1.0 MB/25.0 MB"},
		{"RateAndETA", Snapshot{Phase: "compressing", Files: 1204, TotalFiles: 2310, Bytes: 10 << 20, TotalBytes: 30 << 20, Elapsed: 5 * time.Second},
			"assetgen: compressing 1,204/2,310 files, 10.0 MB/30.0 MB, 2.0 MB/s, 10s left"},
		{"Done", Snapshot{Phase: "compressing", Files: 2, TotalFiles: 2, Bytes: 2048, TotalBytes: 2048, Elapsed: 2 * time.Second},
			"assetgen: compressing 2/2 files, 2.0 KB/2.0 KB, 1.0 KB/s"},
		{"Millions", Snapshot{Phase: "hashing", Files: 1234567, TotalFiles: 12345678, TotalBytes: 3 << 30},
			"assetgen: hashing 1,234,567/12,345,678 files, 0 B/3.0 GB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(tt.s); got != tt.want {
				t.Errorf("Format = %q\nwant     %q", got, tt.want)
			}
		})
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		want string
	}{
		{"Zero", 0, "0 B"},
		{"Bytes", 812, "812 B"},
		{"BelowKB", 1<<10 - 1, "1023 B"},
		{"KB", 1 << 10, "1.0 KB"},
		{"KBRounded", 12390, "12.1 KB"},
		{"BelowMBRoundsUp", 1<<20 - 1, "1024.0 KB"},
		{"MB", 3565158, "3.4 MB"},
		{"LargeAsset", 50<<20 + 1, "50.0 MB"},
		{"GB", 1288490189, "1.2 GB"},
		{"TB", 5 << 40, "5120.0 GB"},
		{"Negative", -5, "-5 B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Size(tt.n); got != tt.want {
				t.Errorf("Size(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

// clock is a fake time source that tests move by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLineTerminal(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var buf bytes.Buffer
	l := NewLine(&buf, true, c.now)
	s := Snapshot{Phase: "hashing", Files: 1, TotalFiles: 2}
	l.Update(s)
	c.t = c.t.Add(900 * time.Millisecond)
	l.Update(s)
	if buf.Len() != 0 {
		t.Fatalf("drew %q before a second had passed", buf.String())
	}
	c.t = c.t.Add(100 * time.Millisecond)
	l.Update(s)
	c.t = c.t.Add(100 * time.Millisecond) // within TerminalEvery: no redraw
	l.Update(s)
	c.t = c.t.Add(TerminalEvery)
	s.Files = 2
	l.Update(s)
	l.Clear()
	l.Clear() // twice is once
	want := "\r\033[Kassetgen: hashing 1/2 files, 0 B/0 B" +
		"\r\033[Kassetgen: hashing 2/2 files, 0 B/0 B" +
		"\r\033[K"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestLineLog(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var buf bytes.Buffer
	l := NewLine(&buf, false, c.now)
	s := Snapshot{Phase: "compressing", TotalFiles: 5}
	for range 250 { // 25 s in steps of 100 ms
		c.t = c.t.Add(100 * time.Millisecond)
		l.Update(s)
		s.Files = min(s.Files+1, 5)
	}
	l.Clear() // no terminal line: writes nothing
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []string{
		"assetgen: compressing 5/5 files, 0 B/0 B",
		"assetgen: compressing 5/5 files, 0 B/0 B",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if strings.Contains(buf.String(), "\r") || strings.Contains(buf.String(), "\033") {
		t.Errorf("control characters in a log: %q", buf.String())
	}
}

// TestMeter counts from several goroutines and checks that Stop's final
// report has every count, and that no report comes after Stop.
func TestMeter(t *testing.T) {
	var mu sync.Mutex
	var got []Snapshot
	m := Start("hashing", 400, 400*10, func(s Snapshot) {
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				r := Reader{R: strings.NewReader("0123456789"), M: m}
				var b [4]byte
				for {
					if _, err := r.Read(b[:]); err != nil {
						break
					}
				}
				m.Add(1, 0)
			}
		}()
	}
	wg.Wait()
	m.Stop()
	mu.Lock()
	n := len(got)
	last := got[n-1]
	mu.Unlock()
	if last.Files != 400 || last.Bytes != 4000 || last.TotalFiles != 400 || last.Phase != "hashing" {
		t.Errorf("final report %+v, want 400 files and 4000 bytes", last)
	}
	time.Sleep(2 * Interval)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n {
		t.Errorf("%d reports after Stop", len(got)-n)
	}
}

// TestMeterNil checks that a Meter without a report counts and is stopped
// without a goroutine.
func TestMeterNil(t *testing.T) {
	m := Start("hashing", 1, 1, nil)
	m.Add(1, 1)
	m.Stop()
	if s := m.Snapshot(); s.Files != 1 || s.Bytes != 1 {
		t.Errorf("Snapshot = %+v", s)
	}
}
