package importmap

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

var packages = map[string]string{
	"vendor/lodash-es/package.json": `{"name": "lodash-es", "module": "lodash.js", "main": "lodash.default.js"}`,
	"vendor/preact/package.json": `{"name": "preact", "exports": {
		".": {"types": "./src/index.d.ts", "browser": "./dist/preact.module.js", "require": "./dist/preact.js"},
		"./hooks": {"import": "./hooks/dist/hooks.module.js", "default": "./hooks/dist/hooks.js"},
		"./package.json": "./package.json",
		"./compat/*": "./compat/src/*.js",
		"./compat/util/*": ["nope", "./compat/util/*.mjs"]
	}}`,
	"vendor/tiny/package.json":   `{"name": "@scope/tiny", "exports": "./tiny.js"}`,
	"vendor/cond/package.json":   `{"name": "cond", "exports": {"require": "./c.cjs", "default": "./c.js"}}`,
	"vendor/noname/package.json": `{"version": "1.0.0"}`,
	"vendor/bad/package.json":    `{"name": `,
}

func read(p string) ([]byte, error) {
	if s, ok := packages[p]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

const config = `{
	"imports": {"app/": "js/app/", "app/special/": "js/special/", "chart": "./vendor/chart.js", "lodash-es": "js/my-lodash.js"},
	"packages": ["vendor/lodash-es", "./vendor/preact/", "vendor/tiny", "vendor/cond"]
}`

func TestResolve(t *testing.T) {
	m, err := Load("importmap.json", []byte(config), read)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec, want string
	}{
		{"chart", "vendor/chart.js"},
		{"app/util.js", "js/app/util.js"},
		{"app/special/x.js", "js/special/x.js"},
		{"app/a/../b.js", "js/app/b.js"},
		{"app/", ""},
		{"app/../../x.js", ""},
		{"lodash-es", "js/my-lodash.js"}, // imports win over packages
		{"lodash-es/map.js", "vendor/lodash-es/map.js"},
		{"preact", "vendor/preact/dist/preact.module.js"},
		{"preact/hooks", "vendor/preact/hooks/dist/hooks.module.js"},
		{"preact/compat/render", "vendor/preact/compat/src/render.js"},
		{"preact/compat/util/a", "vendor/preact/compat/util/a.mjs"},
		{"preact/missing", ""},
		{"preactx", ""},
		{"@scope/tiny", "vendor/tiny/tiny.js"},
		{"@scope/tiny/x", ""},
		{"cond", "vendor/cond/c.js"},
		{"react", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, ok := m.Resolve(tt.spec)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("Resolve(%q) = %q, %v; want %q", tt.spec, got, ok, tt.want)
			}
		})
	}
	var nilMap *Map
	if _, ok := nilMap.Resolve("chart"); ok {
		t.Error("a nil Map resolved a specifier")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"Syntax", `{"imports": `, `importmap.json: unexpected EOF; want {"imports": {"specifier": "logical/path.js"}, "packages": ["vendor/pkg"]}`},
		{"Unknown", `{"scopes": {}}`, `importmap.json: json: unknown field "scopes"; want {"imports": {"specifier": "logical/path.js"}, "packages": ["vendor/pkg"]}`},
		{"Relative", `{"imports": {"./a.js": "a.js"}}`, `importmap.json: imports: "./a.js" is not a bare specifier; relative and absolute ones need no map`},
		{"Slash", `{"imports": {"app/": "js/app.js"}}`, `importmap.json: imports: "app/" maps to "js/app.js"; a key ending in / needs a directory ending in /, and only such a key`},
		{"NoPackage", `{"packages": ["vendor/none"]}`, `importmap.json: packages: vendor/none/package.json: file does not exist; vendor the package's files (package.json included) under a source directory`},
		{"NoName", `{"packages": ["vendor/noname"]}`, `vendor/noname/package.json: no "name"; a vendored package needs the name modules import it by`},
		{"BadPackage", `{"packages": ["vendor/bad"]}`, `vendor/bad/package.json: EOF`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("importmap.json", []byte(tt.config), read)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Load error:\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestBare(t *testing.T) {
	for spec, want := range map[string]bool{
		"react": true, "@scope/pkg": true, "lodash/fp": true, "@x/y:z": true,
		"./a.js": false, "../a.js": false, "/a.js": false, "https://x/y.js": false, "data:text/javascript,": false, "a:b/c": false,
	} {
		if got := Bare(spec); got != want {
			t.Errorf("Bare(%q) = %v, want %v", spec, got, want)
		}
	}
}

// FuzzResolve checks that Load never panics on any configuration or
// package.json, and that a resolved path is clean and relative.
func FuzzResolve(f *testing.F) {
	f.Add(config, `{"name":"p","exports":{"./*":"./src/*.js"}}`, "p/x")
	f.Add(`{"imports":{"a/":"b/"}}`, `{}`, "a/../../x")
	f.Add(`{"packages":["p"]}`, `{"name":"p","exports":[["./a"]]}`, "p")
	for k, v := range packages {
		f.Add(`{"packages":["p"]}`, v, k)
	}
	f.Fuzz(func(t *testing.T, cfg, pkgJSON, spec string) {
		m, err := Load("c.json", []byte(cfg), func(string) ([]byte, error) { return []byte(pkgJSON), nil })
		if err != nil {
			return
		}
		l, ok := m.Resolve(spec)
		if ok && (l == "" || l[0] == '/' || l == ".." || strings.HasPrefix(l, "../")) {
			t.Errorf("Resolve(%q) = %q: not a relative logical path", spec, l)
		}
		_ = fmt.Sprint(l)
	})
}
