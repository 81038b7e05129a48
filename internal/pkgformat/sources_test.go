package pkgformat

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/sri"
)

func TestChangedSources(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	for name, data := range map[string]string{
		"web/static/a.css":   "a{}/* edited */",
		"web/static/b.svg":   "<svg/>",
		"web/theme/logo.svg": "<svg>new</svg>",
	} {
		p := filepath.Join(wd, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := &Manifest{Assets: map[string]ManifestEntry{
		"a.css":    {Source: "static/a.css", SourceSum: sri.Bytes([]byte("a{}"))},
		"b.svg":    {Source: "static/b.svg", SourceSum: sri.Bytes([]byte("<svg/>"))},
		"gone.css": {Source: "static/gone.css", SourceSum: sri.Bytes([]byte("x"))},
		"logo.svg": {Source: "theme/logo.svg", SourceSum: sri.Bytes([]byte("<svg/>"))},
		"old.css":  {Source: "static/a.css"}, // an older assetgen's manifest
	}}
	for _, tt := range []struct{ dir, want string }{
		{"web", "web/static/a.css: changed since go generate; run go generate ./web\nweb/theme/logo.svg: changed since go generate; run go generate ./web\n"},
		{filepath.Join(wd, "web"), "web/static/a.css: changed since go generate; run go generate ./web\nweb/theme/logo.svg: changed since go generate; run go generate ./web\n"},
	} {
		var got string
		for _, err := range m.ChangedSources(tt.dir, "") {
			got += err.Error() + "\n"
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ChangedSources(%q) (-want +got):\n%s", tt.dir, diff)
		}
	}
	t.Chdir(filepath.Join(wd, "web"))
	errs := m.ChangedSources(".", "")
	if len(errs) != 2 || errs[0].Error() != "static/a.css: changed since go generate; run go generate ." {
		t.Errorf("from the package directory: %v", errs)
	}
	errs = m.ChangedSources(".", "example.com/site/web")
	if len(errs) != 2 || errs[0].Error() != "static/a.css: changed since go generate; run go generate example.com/site/web" {
		t.Errorf("with an import path: %v", errs)
	}
}
