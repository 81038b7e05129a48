package dirstat

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestStatAgreesWithOS checks that each info Stat and Scan give
// describes its entry as os.Lstat (or os.Stat, following links) does,
// that SameFile matches infos from either and Identity gives both the
// same, and that a missing name is an error naming its path.
func TestStatAgreesWithOS(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file"), []byte("twelve bytes"), 0o640)
	os.WriteFile(filepath.Join(dir, "other"), []byte("x"), 0o600)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	if err := os.Symlink("file", filepath.Join(dir, "link")); err != nil {
		t.Skipf("symbolic links: %v", err)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names := []string{"file", "sub", "link", "missing", "other"}
	for _, c := range []struct {
		method string
		stat   func([]string, bool, func(int, fs.FileInfo, error) bool)
		follow bool
	}{
		{"Stat", d.Stat, false},
		{"Stat", d.Stat, true},
		{"Scan", d.Scan, false},
		{"Scan", d.Scan, true},
	} {
		follow := c.follow
		osStat := os.Lstat
		if follow {
			osStat = os.Stat
		}
		seen := 0
		c.stat(names, follow, func(i int, got fs.FileInfo, err error) bool {
			seen++
			name := names[i]
			want, wantErr := osStat(filepath.Join(dir, name))
			if wantErr != nil {
				var pe *fs.PathError
				if !errors.As(err, &pe) || pe.Path != filepath.Join(dir, name) || !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s, follow %v, %s: error %v, want a path error for %s", c.method, follow, name, err, filepath.Join(dir, name))
				}
				return true
			}
			if err != nil {
				t.Fatalf("%s, follow %v, %s: %v", c.method, follow, name, err)
			}
			if got.Name() != want.Name() || got.Size() != want.Size() || got.Mode() != want.Mode() || !got.ModTime().Equal(want.ModTime()) || got.IsDir() != want.IsDir() {
				t.Errorf("%s, follow %v, %s: got %s %d %v %v, os says %s %d %v %v", c.method, follow, name, got.Name(), got.Size(), got.Mode(), got.ModTime(), want.Name(), want.Size(), want.Mode(), want.ModTime())
			}
			if !SameFile(got, want) || !SameFile(want, got) {
				t.Errorf("%s, follow %v, %s: not the same file as os's info", c.method, follow, name)
			}
			dev, ino, ctime, ok := Identity(got)
			wdev, wino, wctime, wok := Identity(want)
			if dev != wdev || ino != wino || ctime != wctime || ok != wok {
				t.Errorf("%s, follow %v, %s: Identity %d %d %d %v, os's info gives %d %d %d %v", c.method, follow, name, dev, ino, ctime, ok, wdev, wino, wctime, wok)
			}
			if other, _ := os.Stat(filepath.Join(dir, "other")); name != "other" && SameFile(got, other) {
				t.Errorf("%s, follow %v, %s: the same file as other", c.method, follow, name)
			}
			return true
		})
		if seen != len(names) {
			t.Errorf("%s, follow %v: fn called %d times, want %d", c.method, follow, seen, len(names))
		}
	}
}

// TestStatStops checks that Stat stops once fn returns false.
func TestStatStops(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names, err := d.Names()
	if err != nil || len(names) != 3 {
		t.Fatalf("Names: %q, %v", names, err)
	}
	calls := 0
	d.Stat(names, false, func(int, fs.FileInfo, error) bool { calls++; return calls < 2 })
	if calls != 2 {
		t.Errorf("fn called %d times after returning false on the second, want 2", calls)
	}
}

// BenchmarkStat stats a directory of 1,000 files through Stat and, for
// comparison, each by its path with os.Lstat.
func BenchmarkStat(b *testing.B) {
	dir := b.TempDir()
	for i := range 1000 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d", i)), nil, 0o644)
	}
	d, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	names, _ := d.Names()
	b.Run("Stat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.Stat(names, false, func(int, fs.FileInfo, error) bool { return true })
		}
	})
	b.Run("Lstat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, n := range names {
				os.Lstat(filepath.Join(dir, n))
			}
		}
	})
}
