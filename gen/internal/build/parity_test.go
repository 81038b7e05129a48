package build_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/testenv"
	"github.com/assetgen/assetgen/runtime"
)

// parityTree has what naming must agree on: references rewritten in CSS
// and JavaScript (relative, absolute under the prefix, with a query and a
// fragment, a source map), a reference cycle and a self-reference, a
// shadowed file, minifiable SVG and JSON, a style sheet that declares
// another charset, and a Vite build whose files keep their names; and
// parityLinks.
var parityTree = map[string]string{
	"static/css/app.css":            "@import \"a.css\";\nbody { background: url(/static/img/bg.png?v=1#x); }\n@font-face { src: url('../fonts/f.woff2') format('woff2'); }\n",
	"static/css/a.css":              "@import \"b.css\";\n.a { background: url(../img/bg.png); }\n",
	"static/css/b.css":              "@import \"a.css\";\n.b { color: red; }\n",
	"static/css/self.css":           ".s { background: url(self.css#x); }\n",
	"static/css/latin.css":          "@charset \"ISO-8859-1\";\n/* \xe9viter */\n.l { color: blue; }\n",
	"static/fonts/f.woff2":          "wOF2\x00\x01\x02",
	"static/img/bg.png":             "\x89PNG\r\n\x1a\nshadowed",
	"static/img/logo.svg":           "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <!-- a comment -->\n  <rect width=\"10\" height=\"10\"/>\n</svg>\n",
	"static/data.json":              "{\n  \"a\": 1,\n  \"b\": [1, 2, 3]\n}\n",
	"static/js/app.js":              "import \"./lib.js\";\nconst u = new URL(\"../img/bg.png\", import.meta.url);\nimport(\"./lazy.js\");\n",
	"static/js/lib.js":              "export default function   lib() { return 1; }\n//# sourceMappingURL=lib.js.map\n",
	"static/js/lib.js.map":          "{\"version\":3,\"sources\":[],\"mappings\":\"\"}",
	"static/js/lazy.js":             "export const lazy = import(\"./app.js\");\n",
	"static/notes.txt":              "plain text\n",
	"theme/img/bg.png":              "\x89PNG\r\n\x1a\nwinner",
	"vite/assets/main-BkJ3Ld9x.js":  "import \"./chunk-Dx1a2b3c.js\";\nconsole.log(1)\n",
	"vite/assets/chunk-Dx1a2b3c.js": "export const c = 1\n",
	"vite/assets/main-C4sS9xYz.css": ".m{color:red}\n",
	"shared/notes.txt":              "shared notes\n",
	"shared/lib/util.js":            "export const u = new URL(\"../img/bg.png\", import.meta.url);\n",
	"vite/.vite/manifest.json": `{
  "src/main.ts": {"file": "assets/main-BkJ3Ld9x.js", "src": "src/main.ts", "isEntry": true, "imports": ["_chunk"], "css": ["assets/main-C4sS9xYz.css"]},
  "_chunk": {"file": "assets/chunk-Dx1a2b3c.js"}
}`,
}

// parityLinks are the symbolic links of the parity tree, link to target:
// one to a file in the same directory, one to a directory outside every
// source directory (whose script references a file through the link's
// path), and one in the first directory that leads outside and shadows a
// file of the second.
var parityLinks = map[string]string{
	"static/css/alias.css": "app.css",
	"static/vendor":        "../shared/lib",
	"theme/notes.txt":      "../shared/notes.txt",
}

// TestParity generates a package and serves the same tree in development
// mode, and checks that every asset has the same description (path,
// fingerprinted name, integrity, content type, size, immutability) and the
// same bytes in both; then edits files, a cycle member, a shadowing file
// and a file reached through a link among them, and checks again against the same development server, whose
// naming is now incremental.
func TestParity(t *testing.T) {
	for _, minify := range []bool{false, true} {
		t.Run(fmt.Sprintf("Minify=%v", minify), func(t *testing.T) {
			dir := t.TempDir()
			testenv.WriteTree(t, dir, parityTree)
			testenv.WriteTree(t, dir, map[string]string{"go.mod": "module example.com/site\n\ngo 1.24\n", "doc.go": "package assets\n"})
			for link, target := range parityLinks {
				if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
					t.Skipf("symbolic links: %v", err)
				}
			}
			t.Chdir(dir)
			cfg := gen.Config{Dirs: []string{"theme", "static", "vite"}, Package: "assets", Minify: minify, ViteManifest: "vite/.vite/manifest.json", Manifest: "-"}
			src, err := dev.New(dev.Config{
				Dirs:      cfg.Dirs,
				Minify:    minify,
				Prehashed: []string{"assets/main-BkJ3Ld9x.js", "assets/chunk-Dx1a2b3c.js", "assets/main-C4sS9xYz.css"},
				Logf:      t.Logf,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()

			compare(t, cfg, src)
			testenv.WriteTree(t, dir, map[string]string{
				"theme/img/bg.png": "\x89PNG\r\n\x1a\nedited",
				"static/css/b.css": "@import \"a.css\";\n.b { color: green; }\n",
				"static/js/lib.js": "export default 2;\n//# sourceMappingURL=lib.js.map\n",
				"shared/notes.txt": "shared notes, edited through a link\n",
			})
			compare(t, cfg, src)
		})
	}
}

// compare generates the package cfg describes and compares it with src.
func compare(t *testing.T, cfg gen.Config, src *dev.Source) {
	t.Helper()
	if _, err := gen.Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	pkg, err := assetpkg.Load(".")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, want := range pkg.Files {
		paths = append(paths, want.Path)
		got, body, err := src.Read(want.Path)
		if err != nil {
			t.Errorf("%s: development mode: %v", want.Path, err)
			continue
		}
		if diff := cmp.Diff(describe(want), describe(got)); diff != "" {
			t.Errorf("%s (-generate +dev):\n%s", want.Path, diff)
		}
		wantBody, err := fs.ReadFile(pkg.FS(), want.Name)
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != string(wantBody) {
			t.Errorf("%s: development mode serves\n%q\ngenerate embeds\n%q", want.Path, body, wantBody)
		}
	}
	if len(paths) < len(parityTree)-3 {
		t.Fatalf("generate made %d assets, want at least %d", len(paths), len(parityTree)-3)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(paths)), src.Paths()); diff != "" {
		t.Errorf("paths (-generate +dev):\n%s", diff)
	}
}

// describe is every field of a table row that development mode describes:
// all but where production stores the bytes (Name, Encodings) and the
// page graph (Module, Preload, Lazy), which development mode takes from
// the table of the last go generate (runtime.Set.Preload says so).
func describe(f runtime.File) runtime.File {
	f.Name, f.Encodings = "", nil
	f.Module, f.Preload, f.Lazy = false, nil, nil
	return f
}
