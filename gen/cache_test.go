package gen

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/assetgen/assetgen/gen/internal/cache"
)

// TestCacheSeesRewrite rewrites a file with the same size and puts its
// modification time back, as tar or touch -d would: the hash must change.
func TestCacheSeesRewrite(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	file := filepath.Join(static, "a.css")
	old := time.Now().Add(-time.Hour)
	os.WriteFile(file, []byte("aaaa"), 0o644)
	os.Chtimes(file, old, old)
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}

	// The change time is now; wait it out so the entry is stored.
	time.Sleep(cache.RacyWindow + 100*time.Millisecond)
	first := generateSum(t, cfg)
	if res, _ := Generate(context.Background(), cfg); res.Hashed != 0 {
		t.Fatalf("unchanged run hashed %d files; the cache was not used", res.Hashed)
	}
	os.WriteFile(file, []byte("bbbb"), 0o644)
	os.Chtimes(file, old, old)
	if second := generateSum(t, cfg); second == first {
		t.Fatalf("same integrity %s after rewriting the file: stale cache entry used", first)
	}
}

func generateSum(t *testing.T, cfg Config) string {
	t.Helper()
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, DefaultManifest))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOutputRecord checks the skip for unchanged outputs: once recorded, a
// run reads nothing, and a hand edit that keeps the size is still undone.
func TestOutputRecord(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	os.WriteFile(filepath.Join(static, "a.css"), []byte("a{}"), 0o644)
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	gen := filepath.Join(dir, DefaultFileName)
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(gen)
	time.Sleep(cache.RacyWindow + 100*time.Millisecond)
	if _, err := Generate(context.Background(), cfg); err != nil { // verifies and records
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.CacheDir, recordDir)); err != nil {
		t.Fatal(err)
	}
	// Same size, one byte changed.
	edited := append([]byte(nil), want...)
	edited[len(edited)-2] ^= 1
	os.WriteFile(gen, edited, 0o644)
	res, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(gen); string(got) != string(want) {
		t.Errorf("hand edit survived a run; written %v", res.Written)
	}
}

// TestTreeRecord checks the early stop over an unchanged tree, and that a
// same-size rewrite of a source with its old modification time still
// regenerates.
func TestTreeRecord(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	src := filepath.Join(static, "a.css")
	old := time.Now().Add(-time.Hour)
	os.WriteFile(src, []byte("a{}"), 0o644)
	os.Chtimes(src, old, old)
	warn := filepath.Join(static, "w.css")
	os.WriteFile(warn, []byte("/* assetgen:allow-missing /api/* */ .w { background: url(/api/x.png) }"), 0o644)
	os.Chtimes(warn, old, old)
	// An empty directory adds a warning of the walk's own, which the
	// early stop must replay once, like the others.
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	cfg := Config{Settings: Settings{Dirs: []string{static, empty}}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	run := func() *Result {
		t.Helper()
		res, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	run()
	time.Sleep(cache.RacyWindow + 100*time.Millisecond)
	run() // records the outputs
	run() // records the tree
	if _, err := os.Stat(filepath.Join(cfg.CacheDir, recordDir)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, DefaultManifest))
	// Without the hash cache, only the early stop avoids hashing.
	if err := os.RemoveAll(filepath.Join(cfg.CacheDir, "hash-v1")); err != nil {
		t.Fatal(err)
	}
	if res := run(); res.Files != 2 || res.Bytes != 73 || len(res.Written) != 0 || res.Hashed != 0 || len(res.Warnings) != 2 {
		t.Fatalf("unchanged run: %+v", res)
	}
	os.WriteFile(src, []byte("b{}"), 0o644)
	os.Chtimes(src, old, old)
	run()
	if after, _ := os.ReadFile(filepath.Join(dir, DefaultManifest)); string(after) == string(before) {
		t.Fatal("manifest unchanged after a same-size rewrite of a source")
	}
}

func TestErrorQuotesControlCharacters(t *testing.T) {
	e := &Error{File: "static/new\nline.css", Msg: "bad name"}
	if got, want := e.Error(), `"static/new\nline.css": bad name`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{File: "static/a.css", Line: 3, Col: 7, Msg: "x"}
	if got, want := e.Error(), "static/a.css:3:7: x"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestGlobEscape(t *testing.T) {
	for _, p := range []string{"assets/index-BkJ3Ld9x.js", "pages/[slug].js", `a\b*?.js`} {
		if ok, err := path.Match(globEscape(p), p); !ok || err != nil {
			t.Errorf("globEscape(%q) = %q does not match itself: %v", p, globEscape(p), err)
		}
		if ok, _ := path.Match(globEscape(p), p+"x"); ok {
			t.Errorf("globEscape(%q) matches more than itself", p)
		}
	}
}

// TestFirstRerunAfterEdit checks git's racy-clean rule: the run that
// follows an edit at once stops after the walk (it reads only the edited
// file and the outputs, whose times are racy), and later runs read nothing.
func TestFirstRerunAfterEdit(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	for _, n := range []string{"a.css", "b.css", "c.js"} {
		os.WriteFile(filepath.Join(static, n), []byte("/* "+n+" */ a { color: red }"), 0o644)
	}
	time.Sleep(cache.RacyWindow + 100*time.Millisecond) // the sources settle
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	generate := func() *Result {
		t.Helper()
		res, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := generate(); res.Hashed != 3 {
		t.Fatalf("first run hashed %d files, want 3", res.Hashed)
	}
	os.WriteFile(filepath.Join(static, "a.css"), []byte("a { color: blue }"), 0o644)
	if res := generate(); res.Hashed != 1 || len(res.Written) == 0 {
		t.Fatalf("edit run hashed %d files and wrote %v; want 1 and the outputs", res.Hashed, res.Written)
	}
	// At once, within the racy window: the early stop, which would have
	// to hash a.css again had it fallen through to the hash stage.
	manifest, _ := os.ReadFile(filepath.Join(dir, DefaultManifest))
	for i := range 2 {
		res := generate()
		if res.Hashed != 0 || len(res.Written) != 0 || res.Files != 3 {
			t.Fatalf("rerun %d after the edit: hashed %d, wrote %v, %d files; want the early stop", i+1, res.Hashed, res.Written, res.Files)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(dir, DefaultManifest)); string(after) != string(manifest) {
		t.Error("manifest changed on an unchanged rerun")
	}
	// Once a.css and the outputs settle, a run checks them once more and
	// records them clean: the next reads nothing.
	time.Sleep(cache.RacyWindow + 100*time.Millisecond)
	for i := range 2 {
		res := generate()
		if res.Hashed != 0 || len(res.Written) != 0 {
			t.Fatalf("settled rerun %d hashed %d, wrote %v", i+1, res.Hashed, res.Written)
		}
		if i == 1 && res.Reread != 0 {
			t.Errorf("second settled rerun re-read %d files; want none", res.Reread)
		}
	}
}

// TestRerunsReadNothing is the loop every user runs: a tree written just
// before the first run. Its times are before the run's mark on the file
// system's clock, so the first run trusts them; the second reads again at
// most what the first wrote (the outputs and copies, whose times are the
// first run's own) and records it clean; the third reads nothing.
func TestRerunsReadNothing(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	big := strings.Repeat("a { color: red }\n", 200)
	for n, data := range map[string]string{"a.css": big + "b { background: url(b.svg) }", "b.svg": "<svg></svg>", "c.js": big} {
		os.WriteFile(filepath.Join(static, n), []byte(data), 0o644)
	}
	if fi, err := os.Stat(filepath.Join(static, "a.css")); err != nil || fi.ModTime().Nanosecond() == 0 {
		t.Skip("the file system keeps whole seconds: a run then trusts only files a second older")
	}
	// Past the coarsest kernel clock tick, which file times are taken from.
	tick := func() { time.Sleep(50 * time.Millisecond) }
	tick()
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: filepath.Join(dir, "out"), Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	os.MkdirAll(cfg.OutDir, 0o755)
	var reread []int
	for i := range 3 {
		res, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{0: 3}[i]; res.Hashed != want {
			t.Errorf("run %d hashed %d files, want %d", i+1, res.Hashed, want)
		}
		reread = append(reread, res.Reread)
		tick()
	}
	if reread[2] != 0 {
		t.Errorf("re-read %v files in three runs; want none in the third", reread)
	}
}

// TestEarlyStopSeesStrayTemp checks that a temporary file a stopped run
// left in the owned directory, after the tree was recorded, makes the
// next run a full one, which removes it: the early stop lists the owned
// directory only when its stat has changed since it was found clean
// (cache.Tree.Owned), and a new entry changes it.
func TestEarlyStopSeesStrayTemp(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	os.WriteFile(filepath.Join(static, "a.css"), []byte(strings.Repeat("a { color: red }\n", 200)), 0o644)
	if fi, err := os.Stat(filepath.Join(static, "a.css")); err != nil || fi.ModTime().Nanosecond() == 0 {
		t.Skip("the file system keeps whole seconds: a run then trusts only files a second older")
	}
	time.Sleep(50 * time.Millisecond) // past the coarsest kernel clock tick
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	for range 3 {
		if _, err := Generate(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stray := filepath.Join(dir, OwnedDir, cache.TempPrefix+"123456789") // as os.CreateTemp names one
	if err := os.WriteFile(stray, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stray); err == nil {
		t.Errorf("the run after a stray temporary file appeared in %s stopped early and left it", OwnedDir)
	}
}

// TestRecordsFollowSettings checks that the records belong to the
// settings they were made with: the same tree with another setting is a
// full run, and the first setting's records are not taken for it.
func TestRecordsFollowSettings(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	os.MkdirAll(static, 0o755)
	os.WriteFile(filepath.Join(static, "a.css"), []byte("a{}"), 0o644)
	cfg := Config{Settings: Settings{Dirs: []string{static}}, OutDir: dir, Package: "assets", CacheDir: filepath.Join(dir, "cache")}
	manifest := func(cfg Config) string {
		t.Helper()
		if _, err := Generate(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, DefaultManifest))
		return string(b)
	}
	short := manifest(cfg)
	manifest(cfg) // records the tree
	long := cfg
	long.HashLen = 16
	if got := manifest(long); got == short {
		t.Fatalf("-hash-len 16 left the manifest as it was:\n%s", got)
	}
	if got := manifest(cfg); got != short {
		t.Errorf("back to the default hash length, manifest\n%s\nwant\n%s", got, short)
	}
}

// TestGeneratorKeysEverySetting checks that every setting can be keyed
// (the generator identity refuses what it cannot key, and a run would
// then cache nothing) and that each one changes the identity: a field
// added to Config joins the records' keys by itself.
func TestGeneratorKeysEverySetting(t *testing.T) {
	ident := func(cfg Config) cache.Generator {
		t.Helper()
		g, ok := (&run{cfg: cfg}).generator()
		if !ok {
			t.Fatalf("no generator identity for %+v", cfg)
		}
		return g
	}
	base := ident(Config{})
	// VisibleFields: the embedded Settings' fields are settings too.
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Config]()) {
		if f.Anonymous {
			continue
		}
		var cfg Config
		v := reflect.ValueOf(&cfg).Elem().FieldByIndex(f.Index)
		switch v.Kind() {
		case reflect.Func:
			v.Set(reflect.MakeFunc(f.Type, func([]reflect.Value) []reflect.Value { return nil }))
			if ident(cfg) != base {
				t.Errorf("%s, a hook, changed the generator identity", f.Name)
			}
			continue
		case reflect.String:
			v.SetString("x")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int64:
			v.SetInt(1)
		case reflect.Slice:
			v.Set(reflect.MakeSlice(f.Type, 1, 1))
		default:
			t.Errorf("%s: a %s; teach this test to set it", f.Name, v.Kind())
			continue
		}
		if ident(cfg) == base {
			t.Errorf("setting %s left the generator identity as it was", f.Name)
		}
	}
}

// TestRerunReports runs a package with a shadowed file twice: the second
// run stops early, as nothing changed, and still reports the shadowing.
func TestRerunReports(t *testing.T) {
	t.Chdir(t.TempDir())
	files := map[string]string{
		"static/css/base.css": "body{}\n",
		"theme/css/base.css":  "body{color:red}\n",
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{
		Settings: Settings{Dirs: []string{"theme", "static"}, NoCompress: true},
		Package:  "web", CacheDir: "cache",
	}
	var results []*Result
	for range 2 {
		res, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	first, second := results[0], results[1]
	if second.Hashed != 0 || len(second.Written) != 0 {
		t.Fatalf("the unchanged re-run hashed %d files and wrote %q", second.Hashed, second.Written)
	}
	if !reflect.DeepEqual(first.Shadowed, second.Shadowed) || len(first.Shadowed) != 1 {
		t.Errorf("Shadowed: first run %v, unchanged re-run %v", first.Shadowed, second.Shadowed)
	}
}

// TestTemplatesCheckedEveryRun: template checks read files the tree
// record does not cover, so a run with Config.Templates never stops
// early; a template broken after an unchanged run fails the next one.
func TestTemplatesCheckedEveryRun(t *testing.T) {
	t.Chdir(t.TempDir())
	for name, data := range map[string]string{
		"static/css/base.css": "body{}\n",
		"templates/home.html": `{{static "css/base.css"}}`,
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{
		Settings: Settings{Dirs: []string{"static"}, NoCompress: true},
		Package:  "web", CacheDir: "cache", Templates: []string{"templates/*.html"},
	}
	for range 2 {
		if _, err := Generate(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile("templates/home.html", []byte(`{{static "css/bse.css"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "css/bse.css is not an asset") {
		t.Errorf("after breaking the template, Generate = %v, want its error", err)
	}
}
