//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cache

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestMark checks the racy rule on the file system's clock: a file
// written before the mark file is trusted at once, whatever the wall
// clock says, one written after it is not, and a file on another device
// falls back to the wall clock's window.
func TestMark(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) os.FileInfo {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	before := write("before")
	// Past the coarsest kernel clock tick, so that the mark's time differs.
	time.Sleep(50 * time.Millisecond)
	m := MarkOf(time.Now(), write("mark"))
	time.Sleep(50 * time.Millisecond)
	after := write("after")
	if KeyOf(before).Racy(m) {
		t.Error("file written before the mark is racy")
	}
	if !KeyOf(after).Racy(m) {
		t.Error("file written after the mark is not racy")
	}
	other := KeyOf(before)
	other.Sys.Dev++
	if !other.Racy(m) {
		t.Error("file on another device judged by the mark, not the wall clock's window")
	}
}
