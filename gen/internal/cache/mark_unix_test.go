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

// TestMarkPast checks that MarkPast waits for the file system's clock to
// pass a file just written, and trusts it then.
func TestMarkPast(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "written")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	k := KeyOf(fi)
	marks := 0
	next := func() Mark {
		marks++
		p := filepath.Join(dir, "mark")
		os.WriteFile(p, []byte("mark"), 0o644)
		fi, _ := os.Stat(p)
		return MarkOf(time.Now(), fi)
	}
	if m := MarkPast([]Key{k}, next, time.Second); k.Racy(m) {
		t.Errorf("racy at the mark after %d marks", marks)
	}
	// A key on another device is judged by the wall clock: no waiting.
	other := k
	other.Sys.Dev++
	marks = 0
	if m := MarkPast([]Key{other}, next, time.Second); !other.Racy(m) || marks != 1 {
		t.Errorf("key on another device: racy %v after %d marks, want racy after 1", other.Racy(m), marks)
	}
}
