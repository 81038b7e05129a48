package gen_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

// The fault tests run the generator over a module whose package directory,
// assets/, embeds a tree in ../static: every file is copied into
// assets/_assetgen, which is what a crash can leave half-done. Generation
// g of the tree has about 300 files; from one generation to the next a
// third of them change, 20 disappear and 20 appear, and style sheets
// reference changed files, so their names change too.

// faultTree returns generation g of the source tree.
func faultTree(g int) map[string]string {
	files := map[string]string{}
	for i := 20 * g; i < 20*g+260; i++ {
		files[fmt.Sprintf("static/txt/f%03d.txt", i)] = fmt.Sprintf("file %d, version %d\n", i, version(i, g))
	}
	for i := range 30 {
		t := 20*g + 20 + i*7
		files[fmt.Sprintf("static/css/c%02d.css", i)] = fmt.Sprintf(".c%d { background: url(../txt/f%03d.txt) }\n", i, t)
	}
	for i := range 6 { // big enough to compress: br, zstd and gzip copies
		files[fmt.Sprintf("static/js/j%d.js", i)] = strings.Repeat(fmt.Sprintf("console.log(%d, %d);\n", i, version(i, g)), 40)
	}
	return files
}

// version changes for a third of the files between generations.
func version(i, g int) int {
	if i%3 == 0 {
		return g
	}
	return 0
}

// faultConfig generates the package in pkgDir, by absolute paths so that
// runs in goroutines need no working directory.
func faultConfig(pkgDir string) gen.Config {
	return gen.Config{Settings: gen.Settings{Dirs: []string{filepath.Join(pkgDir, "..", "static")}}, OutDir: pkgDir, Package: "assets"}
}

// faultModule writes a module with generation g of the tree and returns
// its package directory.
func faultModule(t *testing.T, g int) string {
	t.Helper()
	mod := t.TempDir()
	files := faultTree(g)
	files["assets/doc.go"] = "// Package assets embeds the tree.\npackage assets\n"
	testenv.Module(t, mod, "example.com/faults", "", files)
	return filepath.Join(mod, "assets")
}

// setTree replaces the module's static/ with generation g.
func setTree(t *testing.T, pkgDir string, g int) {
	t.Helper()
	static := filepath.Join(pkgDir, "..", "static")
	if err := os.RemoveAll(static); err != nil {
		t.Fatal(err)
	}
	for name, data := range faultTree(g) {
		p := filepath.Join(pkgDir, "..", filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// generateOK runs the generator on pkgDir and fails the test on error or
// if it had to wait for a lock: nothing else holds one in these tests,
// and a killed run's lock must go with it.
func generateOK(t *testing.T, pkgDir string) *gen.Result {
	t.Helper()
	cfg := faultConfig(pkgDir)
	cfg.Log = func(msg string) { t.Errorf("unexpected message: %s", msg) }
	res, err := gen.Generate(context.Background(), cfg)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return res
}

// outputs are the three files a run commits together.
var outputs = []string{"assets_gen.go", "manifest.json", "assets_dev_gen.go"}

// reference generates generation g from scratch, for comparison.
func reference(t *testing.T, g int) map[string]string {
	t.Helper()
	dir := faultModule(t, g)
	generateOK(t, dir)
	out := map[string]string{}
	for _, n := range outputs {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// embeds returns the go:embed names of a generated Go file.
func embeds(code []byte) []string {
	var out []string
	for _, line := range strings.Split(string(code), "\n") {
		if n, ok := strings.CutPrefix(line, "//go:embed "); ok {
			if uq, err := strconv.Unquote(n); err == nil {
				n = uq
			}
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// manifestNames returns the embedded names a manifest lists, and its
// assets' hashed paths.
func manifestNames(t *testing.T, data []byte) (names, hashed []string) {
	t.Helper()
	var m struct {
		Assets map[string]struct {
			HashedPath string
			Embedded   string
			Encodings  []struct{ Name string }
		}
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	for _, a := range m.Assets {
		if a.Embedded != "" {
			names = append(names, a.Embedded)
		}
		for _, e := range a.Encodings {
			names = append(names, e.Name)
		}
		hashed = append(hashed, a.HashedPath)
	}
	slices.Sort(names)
	return slices.Compact(names), hashed
}

// checkState checks what a stopped run left: the Go file and development
// file are whole Go files, everything the Go file embeds exists (so the
// package builds), and the Go file and manifest agree, counting the
// renames of a commit journal the stopped run left for the next run.
func checkState(t *testing.T, pkgDir, label string) {
	t.Helper()
	pending := map[string]string{} // output → the temporary file that replaces it
	if j, err := os.ReadFile(filepath.Join(pkgDir, ".assetgen.journal")); err == nil {
		f := strings.Fields(string(j))
		for i := 0; i+1 < len(f); i += 2 {
			if _, err := os.Stat(filepath.Join(pkgDir, f[i])); err == nil {
				pending[f[i+1]] = f[i]
			}
		}
	}
	read := func(name string, committed bool) []byte {
		if tmp, ok := pending[name]; ok && committed {
			name = tmp
		}
		b, err := os.ReadFile(filepath.Join(pkgDir, name))
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		return b
	}
	for _, n := range []string{"assets_gen.go", "assets_dev_gen.go"} {
		for _, committed := range []bool{false, true} {
			if _, err := parser.ParseFile(token.NewFileSet(), n, read(n, committed), parser.PackageClauseOnly); err != nil {
				t.Errorf("%s: %s is not a whole Go file: %v", label, n, err)
			}
		}
	}
	for _, n := range embeds(read("assets_gen.go", false)) {
		if fi, err := os.Stat(filepath.Join(pkgDir, n)); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s: assets_gen.go embeds %s, which is missing: the package would not build", label, n)
		}
	}
	code := read("assets_gen.go", true)
	names, hashed := manifestNames(t, read("manifest.json", true))
	if diff := cmp.Diff(embeds(code), names); diff != "" {
		t.Errorf("%s: assets_gen.go and manifest.json disagree on what is embedded (-go +manifest):\n%s", label, diff)
	}
	for _, h := range hashed {
		if !bytes.Contains(code, []byte(strconv.Quote(h))) {
			t.Errorf("%s: manifest.json names %s, which assets_gen.go does not", label, h)
			break
		}
	}
}

// checkFinal checks the package after a run that completed: its outputs
// are those of a clean run of the same tree, nothing of a stopped run is
// left (journal, lock, temporary files), and _assetgen holds exactly what
// the Go file embeds, plus the record naming exactly that.
func checkFinal(t *testing.T, pkgDir string, want map[string]string, label string) {
	t.Helper()
	for _, n := range outputs {
		b, _ := os.ReadFile(filepath.Join(pkgDir, n))
		if string(b) != want[n] {
			t.Errorf("%s: %s differs from a clean run's", label, n)
		}
	}
	top, _ := os.ReadDir(pkgDir)
	for _, e := range top {
		if strings.HasPrefix(e.Name(), ".assetgen") {
			t.Errorf("%s: left behind: %s", label, e.Name())
		}
	}
	var want2 []string
	for _, n := range embeds([]byte(want["assets_gen.go"])) {
		want2 = append(want2, strings.TrimPrefix(n, "_assetgen/"))
	}
	var got []string
	entries, _ := os.ReadDir(filepath.Join(pkgDir, "_assetgen"))
	for _, e := range entries {
		if e.Name() != "files.txt" {
			got = append(got, e.Name())
		}
	}
	if diff := cmp.Diff(want2, got); diff != "" {
		t.Errorf("%s: _assetgen holds other than what is embedded (-embedded +held):\n%s", label, diff)
	}
	rec, _ := os.ReadFile(filepath.Join(pkgDir, "_assetgen", "files.txt"))
	if diff := cmp.Diff(want2, strings.Fields(string(rec))); diff != "" {
		t.Errorf("%s: files.txt is not what is embedded (-embedded +record):\n%s", label, diff)
	}
	for _, n := range got {
		if b, err := os.ReadFile(filepath.Join(pkgDir, "_assetgen", n)); err == nil {
			if sum := sha256.Sum256(b); !strings.HasPrefix(n, hex.EncodeToString(sum[:16])) {
				t.Errorf("%s: _assetgen/%s does not hold what its name says", label, n)
			}
		}
	}
}

// step is one change a run makes, as the step hook sees it.
type step struct{ op, file string }

// class is what a step changes: a copy, or one of the named files.
func (s step) class() string {
	if filepath.Base(filepath.Dir(s.file)) == "_assetgen" && filepath.Base(s.file) != "files.txt" {
		return "copy"
	}
	return filepath.Base(s.file)
}

// runSteps records the steps of generating generation g over a copy of
// the module at pkgDir.
func runSteps(t *testing.T, pkgDir string, g int) []step {
	t.Helper()
	dir := filepath.Join(testenv.CopyDir(t, filepath.Dir(pkgDir)), "assets")
	setTree(t, dir, g)
	var steps []step
	_, err := gen.GenerateHooked(context.Background(), faultConfig(dir), func(op, file string) error {
		rel, _ := filepath.Rel(dir, file)
		steps = append(steps, step{op, filepath.ToSlash(rel)})
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// stopPoints picks the steps to stop at. Steps on files of one class in
// a row (the 100th copy is written like the 99th) are sampled: every step
// on the first, middle and last file of the row.
func stopPoints(steps []step) []int {
	var out []int
	for i := 0; i < len(steps); {
		j := i
		var files []string
		for j < len(steps) && steps[j].class() == steps[i].class() {
			if !slices.Contains(files, steps[j].file) {
				files = append(files, steps[j].file)
			}
			j++
		}
		pick := []string{files[0], files[len(files)/2], files[len(files)-1]}
		for k := i; k < j; k++ {
			if slices.Contains(pick, steps[k].file) {
				out = append(out, k)
			}
		}
		i = j
	}
	return out
}

// faultChild is the test binary run as the generator by TestKill: it
// generates the package in $ASSETGEN_FAULT_DIR and kills itself with
// SIGKILL just before step $ASSETGEN_FAULT_KILL, so nothing of the run
// (deferred removals, unlocking) gets to happen.
func faultChild() {
	dir := os.Getenv("ASSETGEN_FAULT_DIR")
	stop, _ := strconv.Atoi(os.Getenv("ASSETGEN_FAULT_KILL"))
	kill, steps := testenv.KillBefore(stop)
	_, err := gen.GenerateHooked(context.Background(), faultConfig(dir), kill, nil)
	fmt.Fprintf(os.Stderr, "fault child: finished before step %d (%d steps): %v\n", stop, steps(), err)
	os.Exit(3)
}

// TestKill kills the generator with SIGKILL in the middle of changing a
// package from one generation of a 300-file tree to the next, at every
// kind of step (sampled where steps repeat): each time the package must
// build, its Go file and manifest agree (counting the renames its commit
// journal holds), and one more run must leave it exactly as a clean run
// would, with _assetgen holding exactly what is embedded. The kill is a
// real one, of a child process, so no deferred clean-up runs and the lock
// is released only by the kernel; a few of the killed states are also
// built with the go command.
func TestKill(t *testing.T) {
	base := faultModule(t, 1)
	generateOK(t, base)
	want := reference(t, 2)
	steps := runSteps(t, base, 2)
	points := stopPoints(steps)
	t.Logf("%d steps, stopping at %d of them", len(steps), len(points))
	builds := map[string]bool{"create copy": true, "rename assets_gen.go": true, "rename manifest.json": true, "remove copy": true}
	for _, at := range points {
		label := fmt.Sprintf("killed before step %d (%s %s)", at, steps[at].op, steps[at].file)
		mod := testenv.CopyDir(t, filepath.Dir(base))
		dir := filepath.Join(mod, "assets")
		setTree(t, dir, 2)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ASSETGEN_FAULT_CHILD=1", "ASSETGEN_FAULT_DIR="+dir, fmt.Sprintf("ASSETGEN_FAULT_KILL=%d", at))
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("%s: child did not die by SIGKILL: %v\n%s", label, err, out)
		}
		checkState(t, dir, label)
		if k := steps[at].op + " " + steps[at].class(); builds[k] {
			delete(builds, k) // once per kind: the go command is slow
			testenv.Go(t, mod, "build", "./...")
		}
		generateOK(t, dir)
		checkFinal(t, dir, want, label)
	}
	if len(builds) > 0 {
		t.Errorf("no stop at %v", builds)
	}
}

// TestDiskFull fails a write with ENOSPC at each kind of write step of the
// same change: the run must fail with one error naming the file it was
// writing (not a temporary name) and the fix, leave the package exactly as
// it was, with _assetgen holding only what it embeds, and a run with space
// again must complete it.
func TestDiskFull(t *testing.T) {
	base := faultModule(t, 1)
	generateOK(t, base)
	before := reference(t, 1)
	want := reference(t, 2)
	steps := runSteps(t, base, 2)
	var writes []step
	for _, s := range steps {
		if s.op == "write" {
			writes = append(writes, s)
		}
	}
	for _, at := range stopPoints(writes) {
		label := fmt.Sprintf("ENOSPC at write %d (%s)", at, writes[at].file)
		dir := filepath.Join(testenv.CopyDir(t, filepath.Dir(base)), "assets")
		setTree(t, dir, 2)
		n := 0
		_, err := gen.GenerateHooked(context.Background(), faultConfig(dir), func(op, file string) error {
			if op != "write" {
				return nil
			}
			n++
			if n-1 == at {
				return syscall.ENOSPC
			}
			return nil
		}, nil)
		if at == len(writes)-1 {
			// The last write is the record's, after the commit: it may
			// fail, leaving the record ahead for the next run.
			if err != nil {
				t.Errorf("%s: %v", label, err)
			}
			checkState(t, dir, label)
			generateOK(t, dir)
			checkFinal(t, dir, want, label+", then a run with space")
			continue
		}
		wantErr := filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(writes[at].file))) + ": no space left on device; free space and run again — the previous package is intact"
		if err == nil || err.Error() != wantErr {
			t.Errorf("%s: error\n%v\nwant\n%s", label, err, wantErr)
		}
		checkFinal(t, dir, before, label)
		generateOK(t, dir)
		checkFinal(t, dir, want, label+", then a run with space")
	}
}

// TestConcurrentRuns starts ten runs at once on one package, each from its
// own tree: they take turns, and the package is that of the run that took
// the lock last, builds, and a further run of that tree changes nothing.
func TestConcurrentRuns(t *testing.T) {
	dir := faultModule(t, 0)
	mod := filepath.Dir(dir)
	for g := range 10 {
		for name, data := range faultTree(g) {
			p := filepath.Join(mod, fmt.Sprintf("src%d", g), strings.TrimPrefix(name, "static/"))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(data), 0o644)
		}
	}
	cfgOf := func(g int) gen.Config {
		cfg := faultConfig(dir)
		cfg.Dirs = []string{filepath.Join(mod, fmt.Sprintf("src%d", g))}
		return cfg
	}
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	errs := make([]error, 10)
	for g := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[g] = gen.GenerateHooked(context.Background(), cfgOf(g), nil, func() {
				mu.Lock()
				order = append(order, g)
				mu.Unlock()
			})
		}()
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", g, err)
		}
	}
	if len(order) != 10 {
		t.Fatalf("%d runs took the lock, want 10", len(order))
	}
	last := order[9]
	res, err := gen.Generate(context.Background(), cfgOf(last))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 0 || res.Copied != 0 {
		t.Errorf("the package is not that of the last run (%d): a run of its tree wrote %v and %d copies", last, res.Written, res.Copied)
	}
	want := map[string]string{}
	for _, n := range outputs {
		b, _ := os.ReadFile(filepath.Join(dir, n))
		want[n] = string(b)
	}
	checkFinal(t, dir, want, "after ten concurrent runs")
	testenv.Go(t, mod, "build", "./...")
}

// TestRepairCopy flips one byte, keeping the size and modification time,
// in a copy and in a compressed variant: the next run, with or without the
// hash cache, and on the unchanged-tree fast path, puts the right bytes
// back.
func TestRepairCopy(t *testing.T) {
	for _, cached := range []bool{false, true} {
		t.Run(fmt.Sprintf("cache=%v", cached), func(t *testing.T) {
			dir := faultModule(t, 1)
			cfg := faultConfig(dir)
			if cached {
				cfg.CacheDir = t.TempDir()
			}
			if _, err := gen.Generate(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			want := reference(t, 1)
			if cached {
				// Past the racy window, a run records the tree and
				// vouches for the copies, so the next takes the fast path.
				ageTree(t, filepath.Dir(dir))
				if _, err := gen.Generate(context.Background(), cfg); err != nil {
					t.Fatal(err)
				}
			}
			code, _ := os.ReadFile(filepath.Join(dir, "assets_gen.go"))
			var copyName, variant string
			for _, n := range embeds(code) {
				switch {
				case strings.HasSuffix(n, ".css"):
					copyName = n
				case strings.HasSuffix(n, ".js.br"):
					variant = n
				}
			}
			for _, n := range []string{copyName, variant} {
				flip(t, filepath.Join(dir, n))
				res, err := gen.Generate(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				if res.Copied != 1 {
					t.Errorf("%s: %d copies written, want 1", n, res.Copied)
				}
				checkFinal(t, dir, want, "after repairing "+n)
			}
		})
	}
}

// ageTree waits until every file written so far is older than the hash
// cache's racy window (two seconds), as in TestTreeRecord: change times
// cannot be set back.
func ageTree(t *testing.T, dir string) {
	t.Helper()
	time.Sleep(2100 * time.Millisecond)
}

// flip changes the middle byte of a file, keeping its size and times.
func flip(t *testing.T, file string) {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	b[len(b)/2] ^= 0x20
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(file, fi.ModTime(), fi.ModTime())
}

// TestLockWait holds a package's lock as another run would: a run waits,
// says so once, and fails after its timeout naming the holder; a run with
// time to wait proceeds once the lock is released.
func TestLockWait(t *testing.T) {
	dir := faultModule(t, 1)
	release, err := gen.HoldLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	cfg := faultConfig(dir)
	cfg.Log = func(msg string) { logged = append(logged, msg) }
	cfg.LockTimeout = 1 // one try
	_, err = gen.Generate(context.Background(), cfg)
	host, _ := os.Hostname()
	holder := fmt.Sprintf("pid %d on %s since ", os.Getpid(), host)
	if err == nil || !strings.Contains(err.Error(), "assets/.assetgen.lock: another assetgen run on this package ("+holder) || !strings.HasSuffix(err.Error(), "still holds the lock after 1ns; let it finish and run again, or stop it (the lock goes with its process)") {
		t.Errorf("error: %v", err)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "("+holder) || !strings.HasSuffix(logged[0], "holds the lock; waiting up to 1ns") {
		t.Errorf("messages: %q", logged)
	}

	waiting := make(chan string, 1)
	cfg.Log = func(msg string) { waiting <- msg }
	cfg.LockTimeout = 0 // the default: minutes
	done := make(chan error)
	go func() {
		_, err := gen.Generate(context.Background(), cfg)
		done <- err
	}()
	<-waiting
	release()
	if err := <-done; err != nil {
		t.Fatalf("after release: %v", err)
	}
	checkFinal(t, dir, reference(t, 1), "after waiting")
}
