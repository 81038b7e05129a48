package tmplwalk

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/google/go-cmp/cmp"
)

// parseAll parses text as file "t.html" into every tree it defines, with
// unknown functions allowed, as the checks do.
func parseAll(text string) (map[string]*parse.Tree, error) {
	trees := map[string]*parse.Tree{}
	t := parse.New("t.html")
	t.Mode = parse.SkipFuncCheck
	_, err := t.Parse(text, "", "", trees)
	return trees, err
}

// describe lists the calls of every tree, sorted by tree name, as
// "tree@line:col func arg/nargs".
func describe(trees map[string]*parse.Tree) []string {
	var names []string
	for n := range trees {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		tree := trees[n]
		for _, c := range Calls(tree, Funcs) {
			file, line, col := Position(tree, c.Node)
			arg := "?"
			if c.Literal {
				arg = fmt.Sprintf("%q", c.Path)
			}
			out = append(out, fmt.Sprintf("%s@%s:%d:%d %s %s/%d", n, file, line, col, c.Func, arg, c.NArgs))
		}
	}
	return out
}

var callsTests = []struct {
	name string
	text string
	want []string
}{
	{"None", `<p>{{.Title}}</p>`, nil},
	{"Literal", `<link href="{{static "css/base.css"}}">`,
		[]string{`t.html@t.html:1:22 static "css/base.css"/1`}},
	{"Integrity", "<a>\n  {{integrity \"js/app.js\"}}",
		[]string{`t.html@t.html:2:15 integrity "js/app.js"/1`}},
	{"Piped", `{{"css/a.css" | static}}`,
		[]string{`t.html@t.html:1:3 static "css/a.css"/1`}},
	{"PipedComputed", `{{"css/a.css" | printf "%s" | static}}`,
		[]string{`t.html@t.html:1:31 static ?/1`}},
	{"Dynamic", `{{static .Path}}`, []string{`t.html@t.html:1:3 static ?/1`}},
	{"Variable", `{{$p := "a.css"}}{{static $p}}`, []string{`t.html@t.html:1:20 static ?/1`}},
	{"TwoArgs", `{{static "a.css" "b.css"}}`, []string{`t.html@t.html:1:3 static ?/2`}},
	{"NoArgs", `{{static}}`, []string{`t.html@t.html:1:3 static ?/0`}},
	{"AsArgument", `{{printf "%s" static}}`, []string{`t.html@t.html:1:15 static ?/0`}},
	{"Parenthesised", `{{printf "%s?v=1" (static "a.css")}}`,
		[]string{`t.html@t.html:1:27 static "a.css"/1`}},
	{"ParenthesisedHead", `{{(static "a.css")}}`, []string{`t.html@t.html:1:11 static "a.css"/1`}},
	{"Chain", `{{(static "a.css").Len}}`, []string{`t.html@t.html:1:11 static "a.css"/1`}},
	{"Nested", `{{static (printf "%s.css" (static "x.css"))}}`,
		[]string{`t.html@t.html:1:3 static ?/1`, `t.html@t.html:1:35 static "x.css"/1`}},
	{"PipeIntoIntegrity", `{{static "a.css" | integrity}}`,
		[]string{`t.html@t.html:1:10 static "a.css"/1`, `t.html@t.html:1:20 integrity ?/1`}},
	{"Branches", `{{if static "a.css"}}{{static "b.css"}}{{else if .X}}{{static "c.css"}}{{else}}{{static "d.css"}}{{end}}` +
		`{{range static "e.css"}}{{static "f.css"}}{{else}}{{static "g.css"}}{{end}}` +
		`{{with static "h.css"}}{{.}}{{else with static "i.css"}}{{.}}{{end}}`,
		[]string{
			`t.html@t.html:1:13 static "a.css"/1`, `t.html@t.html:1:31 static "b.css"/1`,
			`t.html@t.html:1:63 static "c.css"/1`, `t.html@t.html:1:89 static "d.css"/1`,
			`t.html@t.html:1:120 static "e.css"/1`, `t.html@t.html:1:138 static "f.css"/1`,
			`t.html@t.html:1:164 static "g.css"/1`, `t.html@t.html:1:194 static "h.css"/1`,
			`t.html@t.html:1:227 static "i.css"/1`,
		}},
	{"Define", "{{define \"head\"}}\n<link href=\"{{static \"css/a.css\"}}\">\n{{end}}{{template \"head\" static \"b.css\"}}",
		[]string{`head@t.html:2:22 static "css/a.css"/1`, `t.html@t.html:3:33 static "b.css"/1`}},
	{"Block", "{{block \"scripts\" .}}<script src=\"{{static \"js/app.js\"}}\"></script>{{end}}",
		[]string{`scripts@t.html:1:44 static "js/app.js"/1`}},
	{"RangeBreak", `{{range .}}{{break}}{{continue}}{{static "a"}}{{end}}`,
		[]string{`t.html@t.html:1:42 static "a"/1`}},
	{"RawString", "{{static `a.css`}}", []string{`t.html@t.html:1:10 static "a.css"/1`}},
	{"Comment", `{{/* {{static "a.css"}} */}}`, nil},
	{"OtherFunc", `{{url "a.css"}}`, nil},
}

func TestCalls(t *testing.T) {
	for _, tt := range callsTests {
		t.Run(tt.name, func(t *testing.T) {
			trees, err := parseAll(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, describe(trees)); diff != "" {
				t.Errorf("calls mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNilAndHandBuilt(t *testing.T) {
	if got := Calls(nil, Funcs); got != nil {
		t.Errorf("Calls(nil) = %v", got)
	}
	// A tree assembled by hand: positions beyond its (empty) text.
	id := &parse.IdentifierNode{NodeType: parse.NodeIdentifier, Pos: 99, Ident: "static"}
	s := &parse.StringNode{NodeType: parse.NodeString, Pos: 120, Quoted: `"a.css"`, Text: "a.css"}
	cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Args: []parse.Node{id, s}}
	tree := &parse.Tree{Name: "hand", Root: &parse.ListNode{Nodes: []parse.Node{
		&parse.ActionNode{Pipe: &parse.PipeNode{Cmds: []*parse.CommandNode{cmd, nil, {}}}},
		(*parse.IfNode)(nil), &parse.IfNode{}, &parse.TemplateNode{},
	}}}
	calls := Calls(tree, Funcs)
	if len(calls) != 1 || !calls[0].Literal || calls[0].Path != "a.css" {
		t.Fatalf("Calls = %+v", calls)
	}
	name, line, col := Position(tree, calls[0].Node)
	if name != "hand" || line != 0 || col != 0 {
		t.Errorf("Position = %q %d %d, want hand 0 0", name, line, col)
	}
}

func TestPositionColonName(t *testing.T) {
	tree := parse.New("c:/x:y.html")
	tree.Mode = parse.SkipFuncCheck
	if _, err := tree.Parse("a\nb{{static \"z\"}}", "", "", map[string]*parse.Tree{}); err != nil {
		t.Fatal(err)
	}
	c := Calls(tree, Funcs)
	name, line, col := Position(tree, c[0].Node)
	if name != "c:/x:y.html" || line != 2 || col != 11 {
		t.Errorf("Position = %q %d %d, want c:/x:y.html 2 11", name, line, col)
	}
}

// FuzzCalls parses random template text and walks whatever parses: the
// walk never panics, every literal call has exactly one argument, and every
// position lies inside the text.
func FuzzCalls(f *testing.F) {
	for _, tt := range callsTests {
		f.Add(tt.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		trees, err := parseAll(text)
		if err != nil {
			return
		}
		lines := strings.Count(text, "\n") + 1
		for _, tree := range trees {
			for _, c := range Calls(tree, Funcs) {
				if c.Literal && c.NArgs != 1 {
					t.Fatalf("literal call with %d arguments: %+v", c.NArgs, c)
				}
				_, line, col := Position(tree, c.Node)
				if line < 1 || line > lines || col < 1 || col > len(text)+1 {
					t.Fatalf("position %d:%d outside the text (%d lines)", line, col, lines)
				}
			}
		}
	})
}
