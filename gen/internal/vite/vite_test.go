package vite

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// realManifest is the shape Vite 5 and 6 write for an app with an entry,
// a shared chunk, a lazy route, CSS and an image.
const realManifest = `{
  "_shared-B7PI925R.js": {
    "file": "assets/shared-B7PI925R.js",
    "name": "shared"
  },
  "baz.js": {
    "file": "assets/baz-B2H3sXNv.js",
    "name": "baz",
    "src": "baz.js",
    "isDynamicEntry": true
  },
  "views/foo.js": {
    "file": "assets/foo-BRBmoGS9.js",
    "name": "foo",
    "src": "views/foo.js",
    "isEntry": true,
    "imports": ["_shared-B7PI925R.js"],
    "dynamicImports": ["baz.js"],
    "css": ["assets/foo-5UjPuW-k.css"],
    "assets": ["assets/logo-CYB1lNBn.svg"],
    "names": ["foo.js"]
  }
}`

var parseTests = []struct {
	name    string
	data    string
	want    []Entry
	wantErr string
}{
	// Garbage first.
	{name: "Empty", data: "", wantErr: "dist/.vite/manifest.json: the manifest is empty; is the build finished?"},
	{name: "Spaces", data: " \n", wantErr: "dist/.vite/manifest.json: the manifest is empty; is the build finished?"},
	{name: "Null", data: "null", wantErr: "dist/.vite/manifest.json: the manifest is null, not an object of entries; is this .vite/manifest.json?"},
	{name: "Truncated", data: "{\n  \"a.js\": {\"file\": \"a.js\"", wantErr: "dist/.vite/manifest.json:2:25: invalid JSON: unexpected end of JSON input"},
	{name: "TrailingComma", data: "{\n  \"a.js\": {\"file\": \"a.js\"},\n}", wantErr: "dist/.vite/manifest.json:3:1: invalid JSON: invalid character '}' looking for beginning of object key string"},
	{name: "NotJSON", data: "<html>", wantErr: "dist/.vite/manifest.json:1:1: invalid JSON: invalid character '<' looking for beginning of value"},
	{name: "Array", data: "[]", wantErr: "dist/.vite/manifest.json:1:1: the manifest is a JSON array, want map[string]vite.Entry"},
	{name: "WrongType", data: "{\"a.js\": {\"file\": \"a.js\",\n \"isEntry\": \"yes\"}}", wantErr: `dist/.vite/manifest.json:2:17: field "isEntry" is a JSON string, want bool`},
	{name: "WrongListType", data: `{"a.js": {"file": "a.js", "css": "a.css"}}`, wantErr: `dist/.vite/manifest.json:1:40: field "css" is a JSON string, want []string`},

	// Entries that are wrong, all reported.
	{name: "NoFile", data: `{"a.js": {"src": "a.js"}}`, wantErr: `dist/.vite/manifest.json: entry "a.js": no "file"; every chunk and asset has an output file`},
	{name: "BadPaths", data: `{"a.js": {"file": "/abs/a.js", "css": ["../x.css", "ok.css", "a//b.css"], "assets": ["C:\\x.png"]}}`,
		wantErr: `dist/.vite/manifest.json: entry "a.js": file "/abs/a.js" is not a relative slash-separated path
dist/.vite/manifest.json: entry "a.js": css[0] "../x.css" is not a clean path inside outDir
dist/.vite/manifest.json: entry "a.js": css[2] "a//b.css" is not a clean path inside outDir
dist/.vite/manifest.json: entry "a.js": assets[0] "C:\\x.png" is not a relative slash-separated path`},
	{name: "MissingImport", data: `{"b.js": {"file": "b.js", "dynamicImports": ["c.js"]}, "a.js": {"file": "a.js", "imports": ["_gone.js"]}}`,
		wantErr: `dist/.vite/manifest.json: entry "a.js": imports[0] "_gone.js" is not a key of the manifest
dist/.vite/manifest.json: entry "b.js": dynamicImports[0] "c.js" is not a key of the manifest`},

	// Valid.
	{name: "EmptyObject", data: "{}", want: []Entry{}},
	{name: "Real", data: realManifest, want: []Entry{
		{Key: "_shared-B7PI925R.js", File: "assets/shared-B7PI925R.js", Name: "shared"},
		{Key: "baz.js", File: "assets/baz-B2H3sXNv.js", Name: "baz", Src: "baz.js", IsDynamicEntry: true},
		{Key: "views/foo.js", File: "assets/foo-BRBmoGS9.js", Name: "foo", Src: "views/foo.js", IsEntry: true,
			Imports: []string{"_shared-B7PI925R.js"}, DynamicImports: []string{"baz.js"},
			CSS: []string{"assets/foo-5UjPuW-k.css"}, Assets: []string{"assets/logo-CYB1lNBn.svg"}},
	}},
	{name: "AssetOnly", data: `{"logo.svg": {"file": "assets/logo-CYB1lNBn.svg", "src": "logo.svg"}}`,
		want: []Entry{{Key: "logo.svg", File: "assets/logo-CYB1lNBn.svg", Src: "logo.svg"}}},
	{name: "SelfImport", data: `{"a.js": {"file": "a.js", "imports": ["a.js"]}}`,
		want: []Entry{{Key: "a.js", File: "a.js", Imports: []string{"a.js"}}}},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("dist/.vite/manifest.json", []byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse error:\n got %v\nwant %s", err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("Parse returned entries with an error: %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse("m.json", data)
		if err != nil {
			if entries != nil {
				t.Fatalf("entries and an error")
			}
			return
		}
		for i, e := range entries {
			if i > 0 && entries[i-1].Key >= e.Key {
				t.Fatalf("entries not sorted: %q then %q", entries[i-1].Key, e.Key)
			}
			if checkOutput(e.File) != "" {
				t.Fatalf("accepted entry %q with file %q", e.Key, e.File)
			}
		}
	})
}
