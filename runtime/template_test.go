package runtime

import (
	"errors"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/google/go-cmp/cmp"
)

func TestFuncMap(t *testing.T) {
	s := testSet(t)
	tests := []struct {
		name, text, want, wantErr string
	}{
		{"Static", `<link href="{{static "css/base.css"}}">`, `<link href="/static/css/base.0123456789ab.css">`, ""},
		{"Integrity", `<script integrity="{{integrity "js/app.js"}}"></script>`, `<script integrity="sha256-DDDD"></script>`, ""},
		{"Escaped", `<img src="{{static "fonts/a b.ttf"}}">`, `<img src="/static/fonts/a%20b.0123456789ab.ttf">`, ""},
		{"UnknownStatic", `{{static "css/nope.css"}}`, "", `error calling static: asset "css/nope.css" not found`},
		{"UnknownIntegrity", `{{integrity "nope"}}`, "", `error calling integrity: asset "nope" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kind := range []string{"html", "text"} {
				var b strings.Builder
				var err error
				if kind == "html" {
					tmpl := htmltemplate.Must(htmltemplate.New("t").Funcs(s.FuncMap()).Parse(tt.text))
					err = tmpl.Execute(&b, nil)
				} else {
					tmpl := texttemplate.Must(texttemplate.New("t").Funcs(s.FuncMap()).Parse(tt.text))
					err = tmpl.Execute(&b, nil)
				}
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Errorf("%s: error %v, want one containing %q", kind, err, tt.wantErr)
					}
					if !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("%s: errors.Is(%v, fs.ErrNotExist) = false", kind, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", kind, err)
				}
				if kind == "html" && b.String() != tt.want {
					t.Errorf("%s: got %q, want %q", kind, b.String(), tt.want)
				}
			}
		})
	}
}

var checkTemplatesTests = []struct {
	name string
	text string
	want []string
}{
	{"Valid", `{{static "css/base.css"}} {{integrity "js/app.js"}} {{"robots.txt" | static}}`, nil},
	{"Typo", "<head>\n<link href=\"{{static \"css/bse.css\"}}\">",
		[]string{`page.html:2:22: static: css/bse.css is not an asset; did you mean css/base.css?`}},
	{"NoSuggestion", `{{integrity "x.js"}}`,
		[]string{`page.html:1:13: integrity: x.js is not an asset; fix the path or add the file`}},
	{"Dynamic", `{{static .Path}}{{range .}}{{static .}}{{end}}`, nil},
	{"Arity", `{{static "css/base.css" "js/app.js"}}`,
		[]string{`page.html:1:3: static takes one argument, a logical path such as "css/base.css"; it has 2`}},
	{"DefineBlockTemplate", "{{define \"head\"}}{{static \"img/logo.png\"}}{{end}}\n" +
		"{{block \"foot\" .}}{{integrity \"js/ap.js\"}}{{end}}\n" +
		"{{template \"head\" (static \"robot.txt\")}}",
		[]string{
			`page.html:1:27: static: img/logo.png is not an asset; did you mean img/logo.svg?`,
			`page.html:2:31: integrity: js/ap.js is not an asset; did you mean js/app.js?`,
			`page.html:3:27: static: robot.txt is not an asset; did you mean robots.txt?`,
		}},
	{"Pipelines", `{{if static "CSS/base.css"}}{{printf "%s" (static "css/base.css") | printf "%s"}}{{end}}`,
		[]string{`page.html:1:13: static: CSS/base.css is not an asset; did you mean css/base.css?`}},
}

func TestCheckTemplates(t *testing.T) {
	s := testSet(t)
	for _, tt := range checkTemplatesTests {
		t.Run(tt.name, func(t *testing.T) {
			html, err := htmltemplate.New("page.html").Funcs(s.FuncMap()).Parse(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			text := texttemplate.Must(texttemplate.New("page.html").Funcs(s.FuncMap()).Parse(tt.text))
			var htmlTrees, textTrees []*parse.Tree
			for _, t := range html.Templates() {
				htmlTrees = append(htmlTrees, t.Tree)
			}
			for _, t := range text.Templates() {
				textTrees = append(textTrees, t.Tree)
			}
			for kind, trees := range map[string][]*parse.Tree{"html": htmlTrees, "text": textTrees} {
				if diff := cmp.Diff(tt.want, errorStrings(s.CheckTemplates(trees...))); diff != "" {
					t.Errorf("%s/template mismatch (-want +got):\n%s", kind, diff)
				}
			}
		})
	}
}

// TestCheckTemplatesAfterEscaping checks trees that html/template has
// already escaped by executing them: the escaper adds commands and copies
// trees, and each bad call must still be reported once.
func TestCheckTemplatesAfterEscaping(t *testing.T) {
	s := testSet(t)
	tmpl := htmltemplate.Must(htmltemplate.New("p").Funcs(s.FuncMap()).Parse(
		`{{define "x"}}{{static "nope.css"}}{{end}}<a href="{{template "x"}}">{{template "x"}}</a>`))
	_ = tmpl.Execute(new(strings.Builder), nil)
	var trees []*parse.Tree
	for _, t := range tmpl.Templates() {
		trees = append(trees, t.Tree)
	}
	want := []string{`p:1:24: static: nope.css is not an asset; fix the path or add the file`}
	if diff := cmp.Diff(want, errorStrings(s.CheckTemplates(append(trees, nil)...))); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	var nf *NotFoundError
	if errs := s.CheckTemplates(trees...); !errors.As(errs[0], &nf) || nf.Path != "nope.css" {
		t.Errorf("errors.As(%v, *NotFoundError) = %v", errs[0], nf)
	}
}

func errorStrings(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// FuzzCheckTemplates parses random template text and checks it: it never
// panics, and every error names the template.
func FuzzCheckTemplates(f *testing.F) {
	for _, tt := range checkTemplatesTests {
		f.Add(tt.text)
	}
	s := testSet(f)
	f.Fuzz(func(t *testing.T, text string) {
		tmpl, err := texttemplate.New("f").Funcs(s.FuncMap()).Parse(text)
		if err != nil {
			return
		}
		for _, err := range s.CheckTemplates(tmpl.Tree) {
			if !strings.HasPrefix(err.Error(), "f") {
				t.Fatalf("error does not name the template: %v", err)
			}
		}
	})
}

// TestFuncMapJoins checks that FuncMap joins more maps, and that a name
// defined twice, by the Set or by two maps, panics naming it.
func TestFuncMapJoins(t *testing.T) {
	s := New(fstest.MapFS{}, "/static/", nil)
	upper := func(s string) string { return s }
	m := s.FuncMap(map[string]any{"upper": upper}, nil, map[string]any{"mediaURL": upper})
	for _, name := range []string{"static", "integrity", "importmap", "preload", "upper", "mediaURL"} {
		if m[name] == nil {
			t.Errorf("FuncMap lacks %s", name)
		}
	}
	for _, tc := range []struct {
		name string
		more []map[string]any
	}{
		{"static", []map[string]any{{"static": upper}}},
		{"upper", []map[string]any{{"upper": upper}, {"upper": upper}}},
	} {
		func() {
			defer func() {
				want := `runtime: template function "` + tc.name + `" is defined twice; rename or delete one`
				if got := recover(); got != want {
					t.Errorf("FuncMap(%v): panic %v, want %q", tc.more, got, want)
				}
			}()
			s.FuncMap(tc.more...)
		}()
	}
}
