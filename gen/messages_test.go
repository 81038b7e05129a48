package gen_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen"
)

// TestLargeAssetWarning checks that an asset over 50 MB is warned about,
// by exact text, and one at the threshold is not. The files are sparse, so
// the test writes no 50 MB to disk.
func TestLargeAssetWarning(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for name, size := range map[string]int64{"static/data/big.bin": 50<<20 + 1, "static/data/edge.bin": 50 << 20} {
		writeFile(t, name, nil)
		if err := os.Truncate(name, size); err != nil {
			t.Fatal(err)
		}
	}
	res, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{"static"}, NoCompress: true}, Package: "web"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"static/data/big.bin: 50.0 MB is embedded into every program that imports the package; serve a file this large from elsewhere (a CDN, media storage) and add it to -ignore"}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestStaleNote renames a source file that a style sheet refers to and
// checks that the failed run says, after its errors, that the package the
// previous run wrote is stale and what to run; a failed run with nothing
// gone says nothing more.
func TestStaleNote(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, "web/static/css/app.css", []byte(".h { background: url(../img/hero.png) }\n"))
	writeFile(t, "web/static/img/hero.png", []byte("png"))
	writeFile(t, "web/static/img/logo.png", []byte("logo"))
	cfg := gen.Config{Settings: gen.Settings{Dirs: []string{"web/static"}, NoCompress: true}, OutDir: "web", Package: "web"}
	if _, err := gen.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename("web/static/img/hero.png", "web/static/img/banner.png"); err != nil {
		t.Fatal(err)
	}
	const cssErr = "web/static/css/app.css:1:22: url(../img/hero.png) not found (no asset img/hero.png); add the file, fix the reference, or allow it with an assetgen:allow-missing comment or -allow-missing"
	_, err := gen.Generate(context.Background(), cfg)
	want := cssErr + "\n" +
		"web/assets_gen.go: the package is stale: it embeds static/img/hero.png, which no longer exists, so go build fails in this file until assetgen succeeds; fix the errors above and run go generate again"
	if err == nil {
		t.Fatal("generate passed")
	}
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	// Two files gone: the note counts the rest.
	if err := os.Remove("web/static/img/logo.png"); err != nil {
		t.Fatal(err)
	}
	_, err = gen.Generate(context.Background(), cfg)
	if got, wantEnd := err.Error(), "it embeds static/img/hero.png and 1 more files that no longer exist, so"; !strings.Contains(got, wantEnd) {
		t.Errorf("error %q lacks %q", got, wantEnd)
	}
	// Restored, the package builds again; a failure now has no note.
	os.Rename("web/static/img/banner.png", "web/static/img/hero.png")
	writeFile(t, "web/static/img/logo.png", []byte("logo"))
	writeFile(t, "web/static/css/bad.css", []byte(".x { background: url(nope.png) }\n"))
	_, err = gen.Generate(context.Background(), cfg)
	if err == nil || strings.Contains(err.Error(), "stale") {
		t.Errorf("error %v: want one without a stale note", err)
	}
}

// TestNonUTF8 checks that text assets that are not valid UTF-8 fail at
// their first bad byte, by exact text, all in one run; that a file
// declaring its own encoding, and a binary file, pass; and that
// AllowNonUTF8 keeps them, served without the UTF-8 charset.
func TestNonUTF8(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	files := map[string]string{
		"static/css/app.css":    "/* \xe9viter */\nbody {}\n",
		"static/css/decl.css":   "@charset \"ISO-8859-1\";\n/* \xe9t\xe9 */\n",
		"static/data.json":      "{\n  \"name\": \"Andr\xe9\"\n}\n",
		"static/img/latin.svg":  "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><title>\xe9</title></svg>\n",
		"static/img/photo.jpg":  "\xff\xd8\xff\xe0 binary \xe9",
		"static/js/ok.js":       "console.log(\"été\");\n",
		"static/js/cut.js":      "let s = \"\xe2\x82",
		"static/notes.unknown1": "plain \xe9 text",
	}
	for name, data := range files {
		writeFile(t, name, []byte(data))
	}
	cfg := gen.Config{Settings: gen.Settings{Dirs: []string{"static"}, NoCompress: true}, Package: "web"}
	_, err := gen.Generate(context.Background(), cfg)
	const fix = "but served as text, which browsers decode as UTF-8; re-save the file as UTF-8 (from Latin-1: iconv -f ISO-8859-1 -t UTF-8), or pass -allow-non-utf8 to serve it without a charset"
	want := "static/css/app.css:1:4: not valid UTF-8 (byte 0xE9 at offset 3), " + fix + "\n" +
		"static/data.json:2:16: not valid UTF-8 (byte 0xE9 at offset 17), " + fix + "\n" +
		"static/js/cut.js:1:10: not valid UTF-8 (byte 0xE2 at offset 9), " + fix + "\n" +
		"static/notes.unknown1:1:7: not valid UTF-8 (byte 0xE9 at offset 6), " + fix
	if err == nil {
		t.Fatal("generate passed")
	}
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}

	cfg.AllowNonUTF8 = true
	if _, err := gen.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Assets map[string]struct {
			ContentType string `json:"contentType"`
		} `json:"assets"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for p, a := range m.Assets {
		got[p] = a.ContentType
	}
	wantTypes := map[string]string{
		"css/app.css":    "text/css",
		"css/decl.css":   "text/css",
		"data.json":      "application/json",
		"img/latin.svg":  "image/svg+xml",
		"img/photo.jpg":  "image/jpeg",
		"js/ok.js":       "text/javascript; charset=utf-8",
		"js/cut.js":      "text/javascript",
		"notes.unknown1": "text/plain",
	}
	if diff := cmp.Diff(wantTypes, got); diff != "" {
		t.Errorf("content types (-want +got):\n%s", diff)
	}
}
