package txwrite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/pkgformat"
	"github.com/assetgen/assetgen/internal/testenv"
)

// The fault tests change a directory from one generation of a small
// package to the next, failing or killing the writer before each change
// it makes to the file system. gen's own fault tests (gen/faults_test.go)
// do the same through Generate, with a package the go command builds.

const (
	goFile   = "p_gen.go"
	listFile = "list.txt" // an output that names what the Go file embeds, as the manifest does
	owned    = "_assetgen"
)

// foreign are files the writer did not write, in the directories it
// changes, among them names like its own temporary files: they must
// survive every run, failed, killed or not.
var foreign = map[string]string{
	"notes.txt":                 "mine",
	owned + "/mine.txt":         "mine too",
	owned + "/.assetgen-notnum": "not a name os.CreateTemp gives",
}

// generation returns the copies and outputs of generation g: 12 copies,
// a third changed from the previous generation, two gone and two new.
func generation(g int) (copies []File, outputs map[string]string) {
	var names []string
	for i := 2 * g; i < 2*g+12; i++ {
		v := 0
		if i%3 == 0 {
			v = g
		}
		data := []byte(fmt.Sprintf("file %d, version %d\n", i, v))
		sum := sha256.Sum256(data)
		name := owned + "/" + hex.EncodeToString(sum[:16]) + ".txt"
		copies = append(copies, File{Name: name, Data: data})
		names = append(names, name)
	}
	slices.SortFunc(copies, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(names)
	code := "// " + pkgformat.Header + "\n\npackage p\n\n"
	for _, n := range names {
		code += "//go:embed " + n + "\n"
	}
	return copies, map[string]string{goFile: code, listFile: strings.Join(names, "\n") + "\n"}
}

// writer is the Writer of dir, checking copies by content.
func writer(dir string, step func(op, file string) error) *Writer {
	return &Writer{Dir: dir, Owned: owned, GoFile: goFile, Step: step, Intact: func(name string) bool {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		sum := sha256.Sum256(b)
		return err == nil && strings.HasPrefix(filepath.Base(name), hex.EncodeToString(sum[:16]))
	}}
}

// run does what a generator run does with the writer: finish a stopped
// run's commit, then write generation g.
func run(dir string, g int, step func(op, file string) error) error {
	w := writer(dir, step)
	if err := w.Recover(); err != nil {
		return err
	}
	copies, outs := generation(g)
	var outputs []File
	for _, n := range []string{goFile, listFile} {
		o := File{Name: n, Data: []byte(outs[n])}
		if old, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			o.Old = old
		}
		outputs = append(outputs, o)
	}
	_, _, err := w.Write(context.Background(), copies, outputs)
	return err
}

// snapshot returns every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// setup returns a directory holding generation 1, written cleanly, and
// the foreign files.
func setup(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range foreign {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(dir, 1, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// clone copies dir to a new directory.
func clone(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	for name, data := range snapshot(t, dir) {
		p := filepath.Join(out, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// steps records the changes of writing generation 2 over generation 1.
func steps(t *testing.T) []string {
	t.Helper()
	dir := setup(t)
	var out []string
	if err := run(dir, 2, func(op, file string) error {
		rel, _ := filepath.Rel(dir, file)
		out = append(out, op+" "+filepath.ToSlash(rel))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkBuilds checks what a failed or stopped run left: every file the Go
// file embeds is there and holds what its name promises (so the package
// builds and serves the right bytes), the two outputs agree once the
// renames of a journal left behind are counted, and the foreign files
// are untouched.
func checkBuilds(t *testing.T, dir, label string) {
	t.Helper()
	pending := map[string]string{}
	if j, err := os.ReadFile(filepath.Join(dir, journalName)); err == nil {
		f := strings.Fields(string(j))
		for i := 0; i+1 < len(f); i += 2 {
			if _, err := os.Stat(filepath.Join(dir, f[i])); err == nil {
				pending[f[i+1]] = f[i]
			}
		}
	}
	read := func(name string, committed bool) string {
		if tmp, ok := pending[name]; ok && committed {
			name = tmp
		}
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return string(b)
	}
	w := writer(dir, nil)
	for _, n := range Embeds([]byte(read(goFile, false))) {
		if !w.Intact(n) {
			t.Errorf("%s: %s embeds %s, which is missing or wrong", label, goFile, n)
		}
	}
	if got, want := read(listFile, true), strings.Join(Embeds([]byte(read(goFile, true))), "\n")+"\n"; got != want {
		t.Errorf("%s: %s and %s disagree:\n%s\n%s", label, goFile, listFile, got, want)
	}
	for name, data := range foreign {
		if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil || string(b) != data {
			t.Errorf("%s: %s, which the writer did not write, is changed or gone", label, name)
		}
	}
}

// TestFailAtEveryStep fails each change of writing generation 2 over
// generation 1 with an I/O error, as a full or failing disk would: a
// failure before the commit point leaves the directory exactly as it was
// and says so; one after it is finished by the next run; a failure in
// garbage collection, which is best effort, fails nothing. Each time the
// package builds, and a run without faults leaves exactly what a clean
// run does.
func TestFailAtEveryStep(t *testing.T) {
	base := setup(t)
	before := snapshot(t, base)
	clean := clone(t, base)
	if err := run(clean, 2, nil); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, clean)
	all := steps(t)
	for at, s := range all {
		label := fmt.Sprintf("EIO at step %d (%s)", at, s)
		dir := clone(t, base)
		n := 0
		err := run(dir, 2, func(op, file string) error {
			n++
			if n-1 == at {
				return &os.PathError{Op: op, Path: file, Err: syscall.EIO}
			}
			return nil
		})
		checkBuilds(t, dir, label)
		switch {
		case err == nil:
		case strings.HasSuffix(err.Error(), "the previous package is intact"):
			if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
				t.Errorf("%s: %v; but the directory changed (-before +after):\n%s", label, err, diff)
			}
		case !strings.HasSuffix(err.Error(), "the next run finishes this one's changes"):
			t.Errorf("%s: error without the way out: %v", label, err)
		}
		if err := run(dir, 2, nil); err != nil {
			t.Fatalf("%s, then a run without faults: %v", label, err)
		}
		if diff := cmp.Diff(want, snapshot(t, dir)); diff != "" {
			t.Errorf("%s, then a run without faults (-clean +got):\n%s", label, diff)
		}
	}
}

// TestKillAtEveryStep kills a child process writing generation 2 over
// generation 1 just before each change it makes, so that nothing of the
// run (deferred removals, garbage collection) gets to happen: each time
// the package builds, and the next run leaves exactly what a clean run
// does.
func TestKillAtEveryStep(t *testing.T) {
	base := setup(t)
	clean := clone(t, base)
	if err := run(clean, 2, nil); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, clean)
	for at, s := range steps(t) {
		label := fmt.Sprintf("killed before step %d (%s)", at, s)
		dir := clone(t, base)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TXWRITE_KILL_DIR="+dir, "TXWRITE_KILL_AT="+strconv.Itoa(at))
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 3 {
			t.Fatalf("%s: the child was not killed: %v\n%s", label, err, out)
		}
		checkBuilds(t, dir, label)
		if err := run(dir, 2, nil); err != nil {
			t.Fatalf("%s, then a run: %v", label, err)
		}
		if diff := cmp.Diff(want, snapshot(t, dir)); diff != "" {
			t.Errorf("%s, then a run (-clean +got):\n%s", label, diff)
		}
	}
}

// TestMain runs the test binary as TestKillAtEveryStep's child when asked.
func TestMain(m *testing.M) {
	if dir := os.Getenv("TXWRITE_KILL_DIR"); dir != "" {
		at, _ := strconv.Atoi(os.Getenv("TXWRITE_KILL_AT"))
		kill, steps := testenv.KillBefore(at)
		err := run(dir, 2, kill)
		fmt.Fprintf(os.Stderr, "finished before step %d (%d steps): %v\n", at, steps(), err)
		os.Exit(3)
	}
	os.Exit(m.Run())
}
