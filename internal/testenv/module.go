package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// RepoRoot returns the directory of this repository's go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testenv: no caller information")
	}
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// Module writes a module named path into dir for a test that uses assetgen
// as a user would: a go.mod that requires github.com/assetgen/assetgen,
// replaced by this repository, with extra lines appended (a tool
// directive, say); this repository's go.sum; and files, by slash-separated
// name.
func Module(t testing.TB, dir, path, extra string, files map[string]string) {
	t.Helper()
	root := RepoRoot(t)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{
		"go.mod": "module " + path + "\n\ngo 1.26\n\nrequire github.com/assetgen/assetgen v0.0.0\n\nreplace github.com/assetgen/assetgen => " + filepath.ToSlash(root) + "\n" + extra,
		"go.sum": string(sum),
	}
	for name, data := range files {
		all[name] = data
	}
	WriteTree(t, dir, all)
}

// WriteTree writes files, by slash-separated name relative to dir, making
// the directories they need.
func WriteTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Go runs the go command in dir, letting it update go.mod and go.sum, and
// returns its combined output; failure fails the test.
func Go(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// CopyDir copies the files below src (regular files only, recursively)
// into a new temporary directory that the test may change, and returns it.
func CopyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
