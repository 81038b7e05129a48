package gen_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen"
)

// TestTemplates generates a package with Config.Templates set: broken
// references fail the run with every error at its position; valid and
// computed ones do not.
func TestTemplates(t *testing.T) {
	tests := []struct {
		name          string
		templates     map[string]string
		patterns      []string
		wantErr       []string
		wantUnchecked []string
	}{
		{
			name: "Valid",
			templates: map[string]string{
				"templates/base.html":       `{{define "head"}}<link href="{{static "css/base.css"}}" integrity="{{integrity "css/base.css"}}">{{end}}`,
				"templates/pages/home.html": `{{template "head" .}}{{block "js" .}}{{"js/app.js" | static}}{{end}}{{static .Extra}}`,
			},
			patterns:      []string{"templates/**/*.html"},
			wantUnchecked: []string{"templates/pages/home.html:1:71: static with a computed argument is not checked"},
		},
		{
			name: "Broken",
			templates: map[string]string{
				"templates/base.html":       "{{define \"head\"}}\n<link href=\"{{static \"css/bse.css\"}}\">{{end}}",
				"templates/pages/home.html": `{{printf "%s" (integrity "js/nope.js")}}`,
				"templates/other.tmpl":      `{{static "not/checked.css"}}`,
			},
			patterns: []string{"templates/**/*.html"},
			wantErr: []string{
				"templates/base.html:2:22: static: css/bse.css is not an asset; did you mean css/base.css?",
				"templates/pages/home.html:1:26: integrity: js/nope.js is not an asset; fix the path or add the file",
			},
		},
		{
			name:     "NoMatch",
			patterns: []string{"templates/*.gohtml"},
			wantErr:  []string{"template pattern templates/*.gohtml matches no files; fix the pattern"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			files := map[string]string{
				"static/css/base.css": "body{}\n",
				"static/js/app.js":    "console.log(1)\n",
			}
			for k, v := range tt.templates {
				files[k] = v
			}
			for name, data := range files {
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res, err := gen.Generate(context.Background(), gen.Config{
				Settings: gen.Settings{Dirs: []string{"static"}, NoCompress: true}, Package: "web", Templates: tt.patterns,
			})
			var got []string
			if el := (gen.ErrorList{}); errors.As(err, &el) {
				for _, e := range el {
					got = append(got, e.Error())
				}
			} else if err != nil {
				got = []string{err.Error()}
			}
			if diff := cmp.Diff(tt.wantErr, got); diff != "" {
				t.Fatalf("errors mismatch (-want +got):\n%s", diff)
			}
			if err != nil {
				if !gen.IsInputError(err) {
					t.Errorf("IsInputError(%v) = false", err)
				}
				if _, serr := os.Stat("assets_gen.go"); serr == nil {
					t.Error("a failed run wrote assets_gen.go")
				}
				return
			}
			if diff := cmp.Diff(tt.wantUnchecked, res.Unchecked); diff != "" {
				t.Errorf("Unchecked mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
