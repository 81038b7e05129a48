package gen_test

import (
	"context"
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
	for name, size := range map[string]int64{"static/data/big.bin": 50_000_001, "static/data/edge.bin": 50_000_000} {
		writeFile(t, name, nil)
		if err := os.Truncate(name, size); err != nil {
			t.Fatal(err)
		}
	}
	res, err := gen.Generate(context.Background(), gen.Config{Dirs: []string{"static"}, Package: "web", NoCompress: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"static/data/big.bin: 50 MB is embedded into every program that imports the package; serve a file this large from elsewhere (a CDN, media storage) and add it to -ignore"}
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
	cfg := gen.Config{Dirs: []string{"web/static"}, OutDir: "web", Package: "web", NoCompress: true}
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
