package tmplcheck

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/diag"
	"github.com/assetgen/assetgen/internal/suggest"
)

var assets = []string{"css/base.css", "img/logo.svg", "js/app.js"}

func known(p string) bool { return slices.Contains(assets, p) }

func closest(p string) string { return suggest.Closest(p, slices.Values(assets)) }

func TestCheck(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		want        []string
		wantDynamic []string
	}{
		{"Valid", `<link href="{{static "css/base.css"}}" integrity="{{integrity "css/base.css"}}">`, nil, nil},
		{"Typo", "<head>\n<link href=\"{{static \"css/bse.css\"}}\">",
			[]string{"t/p.html:2:22: static: css/bse.css is not an asset; did you mean css/base.css?"}, nil},
		{"NoSuggestion", `{{integrity "fonts/x.woff2"}}`,
			[]string{"t/p.html:1:13: integrity: fonts/x.woff2 is not an asset; fix the path or add the file"}, nil},
		{"Define", "{{define \"head\"}}\n  {{static \"img/logo.png\"}}\n{{end}}",
			[]string{"t/p.html:2:12: static: img/logo.png is not an asset; did you mean img/logo.svg?"}, nil},
		{"Block", `{{block "js" .}}{{integrity "js/ap.js"}}{{end}}`,
			[]string{"t/p.html:1:29: integrity: js/ap.js is not an asset; did you mean js/app.js?"}, nil},
		{"TemplateArg", `{{template "x" static "nope.css"}}`,
			[]string{"t/p.html:1:23: static: nope.css is not an asset; fix the path or add the file"}, nil},
		{"Pipeline", `{{"js/app.jss" | static}}{{"js/app.js" | static | printf "%s"}}`,
			[]string{"t/p.html:1:3: static: js/app.jss is not an asset; did you mean js/app.js?"}, nil},
		{"Parenthesised", `{{printf "%s?v=2" (static "css/base.cs")}}`,
			[]string{"t/p.html:1:27: static: css/base.cs is not an asset; did you mean css/base.css?"}, nil},
		{"IfRangeWith", `{{if .X}}{{static "a"}}{{else}}{{range .Y}}{{with static "b"}}{{.}}{{end}}{{end}}{{end}}`,
			[]string{
				"t/p.html:1:19: static: a is not an asset; fix the path or add the file",
				"t/p.html:1:58: static: b is not an asset; fix the path or add the file",
			}, nil},
		{"Arity", `{{static}}`, []string{`t/p.html:1:3: static takes one argument, a logical path such as "css/base.css"; it has 0`}, nil},
		{"Dynamic", "{{static .CSS}}\n{{range .Scripts}}{{integrity .}}{{end}}", nil,
			[]string{"t/p.html:1:3: static with a computed argument is not checked", "t/p.html:2:21: integrity with a computed argument is not checked"}},
		{"OwnFunctions", `{{markdown .Body | safe}}{{static "css/base.css"}}`, nil, nil},
		{"ParseError", "ok\n{{if}}", []string{"t/p.html:2: does not parse as a template: missing value for if; fix it or leave it out of the template patterns"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.Mkdir("t", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("t", "p.html"), []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			diags, dynamic, err := Check(context.Background(), []string{"t/p.html"}, known, closest)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, strs(diags)); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDynamic, strs(dynamic)); diff != "" {
				t.Errorf("dynamic mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckSameDefineInTwoFiles: pages that each define "content" are
// parsed apart, so neither is a redefinition.
func TestCheckSameDefineInTwoFiles(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, f := range []string{"a.html", "b.html"} {
		if err := os.WriteFile(f, []byte(`{{define "content"}}{{static "css/base.css"}}{{end}}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	diags, _, err := Check(context.Background(), []string{"a.html", "b.html"}, known, closest)
	if err != nil || len(diags) != 0 {
		t.Errorf("Check = %v, %v; want nothing", strs(diags), err)
	}
	if _, _, err := Check(context.Background(), []string{"missing.html"}, known, closest); err == nil {
		t.Error("Check of a missing file: no error")
	}
}

func strs(ds []diag.Diag) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}
