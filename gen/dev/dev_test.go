package dev_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/runtime"
)

// writeTree writes files (slash paths relative to root) and sets their
// modification times an hour back, so that they are not "racy" and the
// stat path is what runs.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		writeFile(t, filepath.Join(root, filepath.FromSlash(name)), data)
	}
}

var clock = time.Now().Add(-time.Hour)

func writeFile(t testing.TB, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each write gets a later time, as a clock would give it.
	clock = clock.Add(time.Millisecond)
	if err := os.Chtimes(p, clock, clock); err != nil {
		t.Fatal(err)
	}
}

// logBuf collects Logf lines.
type logBuf struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBuf) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logBuf) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lines
	l.lines = nil
	return out
}

// site is a temporary source tree with a Set attached to it, the way a
// generated package in a dev build is.
type site struct {
	t    *testing.T
	dir  string // holds first/ and second/
	set  *runtime.Set
	src  *dev.Source
	log  *logBuf
	h    http.Handler
	wd   string
	prev string
}

var baseTree = map[string]string{
	"second/css/app.css":  "@import \"vars.css\";\nbody { background: url(../img/bg.png); }\n",
	"second/css/vars.css": ":root { --c: red; }\n",
	"second/img/bg.png":   "png-bytes",
	"second/js/app.js":    "import { x } from \"./lib.js\";\nconsole.log(x);\n",
	"second/js/lib.js":    "export const x = 1;\n",
	"second/robots.txt":   "User-agent: *\n",
}

func newSite(t *testing.T, files map[string]string) *site {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	os.MkdirAll(filepath.Join(dir, "first"), 0o755)
	// A table as generate would have made it, for one file, so that the
	// test also covers an asset the table knows.
	set := runtime.New(fstest.MapFS{"robots.txt": {Data: []byte("User-agent: *\n")}}, "/static/", []runtime.File{
		{Path: "robots.txt", HashedPath: "robots.000000000000.txt", Name: "robots.txt", Integrity: "sha256-x", ContentType: "text/plain; charset=utf-8", Size: 14},
	})
	log := &logBuf{}
	wd, _ := os.Getwd()
	t.Chdir(dir) // messages name files relative to the working directory
	src, err := dev.Attach(set, dev.Config{Settings: dev.Settings{Dirs: []string{"first", "second"}}, Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	// Attach logs one line, development mode being on, and only that.
	want := "assetgen: development mode on: serving /static/ from first, second; live reload off (set ASSETGEN_DEV_RELOAD=1 to turn it on)"
	if diff := cmp.Diff([]string{want}, log.take()); diff != "" {
		t.Errorf("start-up log (-want +got):\n%s", diff)
	}
	return &site{t: t, dir: dir, set: set, src: src, log: log, h: set.Handler(), wd: wd}
}

func (s *site) write(name, data string) {
	s.t.Helper()
	writeFile(s.t, filepath.Join(s.dir, filepath.FromSlash(name)), data)
}

func (s *site) get(url string) (int, http.Header, string) {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, rec.Header(), string(b)
}

func (s *site) url(p string) string {
	s.t.Helper()
	u, err := s.set.URL(p)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// TestEdit changes a file on disk: the next URL() is a new fingerprinted
// URL, the handler serves the new bytes under it, and a style sheet that
// imports the file gets a new URL too, as at generate time.
func TestEdit(t *testing.T) {
	s := newSite(t, baseTree)
	oldVars, oldApp := s.url("css/vars.css"), s.url("css/app.css")
	if code, hdr, body := s.get(oldVars); code != 200 || body != ":root { --c: red; }\n" || hdr.Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET %s = %d %q %q", oldVars, code, body, hdr.Get("Cache-Control"))
	}
	s.write("second/css/vars.css", ":root { --c: blue; }\n") // same size
	newVars, newApp := s.url("css/vars.css"), s.url("css/app.css")
	if newVars == oldVars || newApp == oldApp {
		t.Fatalf("URLs did not change: vars %s -> %s, app %s -> %s", oldVars, newVars, oldApp, newApp)
	}
	if code, _, body := s.get(newVars); code != 200 || body != ":root { --c: blue; }\n" {
		t.Errorf("GET %s = %d %q", newVars, code, body)
	}
	_, _, app := s.get(newApp)
	if want := `@import "vars.` + hashOf(newVars) + `.css";`; !strings.HasPrefix(app, want) {
		t.Errorf("app.css does not import the new name:\n%s\nwant prefix %s", app, want)
	}
	// The typed constant of a file the table knows follows the disk too.
	s.write("second/robots.txt", "User-agent: bot\n")
	a, _ := s.set.Lookup("robots.txt")
	if b, _ := a.ReadAll(); string(b) != "User-agent: bot\n" || s.set.Asset(0).URL() == "/static/robots.000000000000.txt" {
		t.Errorf("robots.txt: %q at %s", b, s.set.Asset(0).URL())
	}
	if got := s.log.take(); len(got) > 0 {
		t.Errorf("unexpected log: %q", got)
	}
}

// hashOf returns the fingerprint of a URL: the segment before the
// extension.
func hashOf(u string) string {
	parts := strings.Split(u, ".")
	return parts[len(parts)-2]
}

// TestRacyEdit rewrites a file twice within the same second, keeping its
// size and modification time: the second version is still seen, because a
// file modified less than two seconds before it was read is read again.
func TestRacyEdit(t *testing.T) {
	s := newSite(t, baseTree)
	p := filepath.Join(s.dir, "second", "css", "vars.css")
	now := time.Now()
	os.WriteFile(p, []byte(":root { --c: aaa; }\n"), 0o644)
	os.Chtimes(p, now, now)
	if _, _, body := s.get(s.url("css/vars.css")); !strings.Contains(body, "aaa") {
		t.Fatalf("first version not served: %q", body)
	}
	os.WriteFile(p, []byte(":root { --c: bbb; }\n"), 0o644)
	os.Chtimes(p, now, now)
	if _, _, body := s.get(s.url("css/vars.css")); !strings.Contains(body, "bbb") {
		t.Errorf("second version within the same tick not served: %q", body)
	}
}

// TestAdded adds a file on disk: URL, Lookup and the handler have it at
// once, by logical and by fingerprinted name.
func TestAdded(t *testing.T) {
	s := newSite(t, baseTree)
	if _, err := s.set.URL("img/new.svg"); err == nil {
		t.Fatal("URL of a file not yet written succeeded")
	}
	s.write("second/img/new.svg", "<svg/>")
	u := s.url("img/new.svg")
	if !strings.HasPrefix(u, "/static/img/new.") || !strings.HasSuffix(u, ".svg") || len(hashOf(u)) != 12 {
		t.Fatalf("URL = %q", u)
	}
	for _, target := range []string{u, "/static/img/new.svg"} {
		code, hdr, body := s.get(target)
		if code != 200 || body != "<svg/>" || hdr.Get("Content-Type") != "image/svg+xml" {
			t.Errorf("GET %s = %d %q %q", target, code, body, hdr.Get("Content-Type"))
		}
	}
	a, ok := s.set.Lookup("img/new.svg")
	if !ok || a.URL() != u || a.Path() != "img/new.svg" {
		t.Errorf("Lookup = %v %v %q", a, ok, a.URL())
	}
	n := 0
	for range s.set.All() {
		n++
	}
	if n != 7 {
		t.Errorf("All() gave %d assets, want 7", n)
	}
}

// TestShadow adds a file to the first directory: it wins at once, and
// removing it brings the second directory's back.
func TestShadow(t *testing.T) {
	s := newSite(t, baseTree)
	before := s.url("css/vars.css")
	s.write("first/css/vars.css", ":root { --c: green; }\n")
	after := s.url("css/vars.css")
	if _, _, body := s.get(after); after == before || body != ":root { --c: green; }\n" {
		t.Fatalf("shadowing file not served: %s -> %s: %q", before, after, body)
	}
	if _, _, body := s.get("/static/css/vars.css"); body != ":root { --c: green; }\n" {
		t.Errorf("logical name: %q", body)
	}
	os.Remove(filepath.Join(s.dir, "first", "css", "vars.css"))
	if got := s.url("css/vars.css"); got != before {
		t.Errorf("after removing the shadowing file: %s, want %s", got, before)
	}
}

// TestMissingReference removes a file a style sheet references: the
// reference is logged at its line and column, once, and the style sheet
// is served with the error in a comment at the top and a body::before
// banner at the end, its reference left as written.
func TestMissingReference(t *testing.T) {
	s := newSite(t, baseTree)
	s.url("css/app.css")
	os.Remove(filepath.Join(s.dir, "second", "img", "bg.png"))
	code, _, body := s.get(s.url("css/app.css"))
	msg := "second/css/app.css:2:24: url(../img/bg.png) not found (no asset img/bg.png); add the file, fix the reference, or allow it with an assetgen:allow-missing comment or -allow-missing"
	if diff := cmp.Diff([]string{"assetgen: " + msg}, s.log.take()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	if code != 200 {
		t.Errorf("status %d", code)
	}
	if want := "/* assetgen: " + msg + " */\n@import \"vars."; !strings.HasPrefix(body, want) {
		t.Errorf("body does not start with %q:\n%s", want, body)
	}
	if !strings.Contains(body, "url(../img/bg.png)") || !strings.Contains(body, `body::before { content: "assetgen: `+msg+`";`) {
		t.Errorf("body lacks the reference as written or the banner:\n%s", body)
	}
	s.get(s.url("css/app.css"))
	if got := s.log.take(); len(got) != 0 {
		t.Errorf("logged again for an unchanged file: %q", got)
	}
	// Putting the file back heals the style sheet.
	s.write("second/img/bg.png", "png-bytes")
	if _, _, body := s.get(s.url("css/app.css")); strings.Contains(body, "assetgen") {
		t.Errorf("still decorated after the file came back:\n%s", body)
	}
}

// TestMissingScriptReference: a script's broken import is reported with
// console.error at the end, after the code.
func TestMissingScriptReference(t *testing.T) {
	s := newSite(t, baseTree)
	os.Remove(filepath.Join(s.dir, "second", "js", "lib.js"))
	_, _, body := s.get(s.url("js/app.js"))
	want := "import { x } from \"./lib.js\";\nconsole.log(x);\n\n;console.error(\"assetgen: second/js/app.js:1:20: import ./lib.js not found (no asset js/lib.js); add the file, fix the reference, or allow it with an assetgen:allow-missing comment or -allow-missing\");\n"
	if body != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}
}

// TestDeepNesting serves, with Minify on, a script nested deeper than the
// JavaScript minifier can parse (the parser's stack overflow used to kill
// the whole server): the server keeps serving, the script is served
// unminified with the one-line error appended as a console.error call,
// and the error is logged once, naming the file.
func TestDeepNesting(t *testing.T) {
	dir := t.TempDir()
	deep := "x=" + strings.Repeat("(", 400_000) + "1" + strings.Repeat(")", 400_000) + ";\n"
	writeTree(t, dir, map[string]string{"static/deep.js": deep, "static/ok.js": "var  a = 1 ;\n"})
	t.Chdir(dir)
	log := &logBuf{}
	set := runtime.New(fstest.MapFS{}, "/static/", nil)
	src, err := dev.Attach(set, dev.Config{Settings: dev.Settings{Dirs: []string{"static"}, Minify: true}, Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	log.take() // the start-up line, checked in newSite
	defer src.Close()
	h := set.Handler()
	get := func(p string) (int, string) {
		u, err := set.URL(p)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
		return rec.Code, rec.Body.String()
	}
	code, body := get("deep.js")
	msg := "static/deep.js:1:1002: nested more than 1000 levels deep, which the JavaScript minifier cannot parse; flatten the expression, or leave the file unminified (build it with a bundler, or run without -minify)"
	if diff := cmp.Diff([]string{"assetgen: " + msg}, log.take()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	if code != 200 || !strings.HasPrefix(body, deep) || !strings.Contains(body, msg) {
		t.Errorf("status %d; body starts %.40q, contains the message: %v", code, body, strings.Contains(body, msg))
	}
	if code, body := get("ok.js"); code != 200 || body != "var a=1;\n" {
		t.Errorf("the other script: %d %q", code, body)
	}
}

// TestNonUTF8ContentType checks that development mode never claims UTF-8
// for a text file that is not: generate rejects such a file, and until it
// is fixed the live server serves it without the charset parameter, as
// generate's -allow-non-utf8 does.
func TestNonUTF8ContentType(t *testing.T) {
	s := newSite(t, map[string]string{
		"second/css/latin.css": "/* \xe9viter */\n",
		"second/css/utf8.css":  "/* éviter */\n",
	})
	for path, want := range map[string]string{"css/latin.css": "text/css", "css/utf8.css": "text/css; charset=utf-8"} {
		if code, hdr, _ := s.get(s.url(path)); code != 200 || hdr.Get("Content-Type") != want {
			t.Errorf("GET %s = %d, Content-Type %q, want %q", path, code, hdr.Get("Content-Type"), want)
		}
	}
}
