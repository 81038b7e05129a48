package dirstat

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestStatAgreesWithOS checks that each info Stat gives describes its
// entry as os.Lstat (or os.Stat, following links) does, that SameFile
// matches infos from either, and that a missing name is an error naming
// its path.
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
	for _, follow := range []bool{false, true} {
		osStat := os.Lstat
		if follow {
			osStat = os.Stat
		}
		seen := 0
		d.Stat(names, follow, func(i int, got fs.FileInfo, err error) bool {
			seen++
			name := names[i]
			want, wantErr := osStat(filepath.Join(dir, name))
			if wantErr != nil {
				var pe *fs.PathError
				if !errors.As(err, &pe) || pe.Path != filepath.Join(dir, name) || !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("follow %v, %s: error %v, want a path error for %s", follow, name, err, filepath.Join(dir, name))
				}
				return true
			}
			if err != nil {
				t.Fatalf("follow %v, %s: %v", follow, name, err)
			}
			if got.Name() != want.Name() || got.Size() != want.Size() || got.Mode() != want.Mode() || !got.ModTime().Equal(want.ModTime()) || got.IsDir() != want.IsDir() {
				t.Errorf("follow %v, %s: got %s %d %v %v, os says %s %d %v %v", follow, name, got.Name(), got.Size(), got.Mode(), got.ModTime(), want.Name(), want.Size(), want.Mode(), want.ModTime())
			}
			if !SameFile(got, want) || !SameFile(want, got) {
				t.Errorf("follow %v, %s: not the same file as os's info", follow, name)
			}
			if other, _ := os.Stat(filepath.Join(dir, "other")); name != "other" && SameFile(got, other) {
				t.Errorf("follow %v, %s: the same file as other", follow, name)
			}
			return true
		})
		if seen != len(names) {
			t.Errorf("follow %v: fn called %d times, want %d", follow, seen, len(names))
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
