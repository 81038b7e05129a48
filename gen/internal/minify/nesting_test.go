package minify

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/internal/diag"
)

// nestingShapes are the ways a script can make esbuild's parser recurse
// once per repetition; before the nesting check, 300,000 of any of them
// crashed the process with a fatal stack overflow.
var nestingShapes = []struct{ name, open, mid, close string }{
	{"Parens", "x=(", "1", ")"},
	{"Brackets", "x=[", "1", "]"},
	{"Blocks", "{", "", "}"},
	{"Template", "x=`${", "1", "}`"},
	{"Not", "x=!", "1", ""},
	{"Assign", "a=", "1", ""},
	{"Conditional", "a?b:", "1", ""},
	{"Arrow", "a=>", "1", ""},
	{"Exponent", "2**", "1", ""},
	{"Await", "await ", "1", ""},
}

func nested(open, mid, close string, n int) []byte {
	return []byte(strings.Repeat(open, n) + mid + strings.Repeat(close, n))
}

// TestNestingLimit gives the minifier each shape nested 300,000 deep,
// which must come back as a *diag.Diag with its position, and nested
// just within the limit, which esbuild must survive.
func TestNestingLimit(t *testing.T) {
	for _, s := range nestingShapes {
		t.Run(s.name, func(t *testing.T) {
			src := nested(s.open, s.mid, s.close, 300_000)
			got, changed, err := Minify("text/javascript", src)
			var ne *diag.Diag
			if !errors.As(err, &ne) || changed || string(got) != string(src) {
				t.Fatalf("Minify = changed %v, err %v; want the source back and a *diag.Diag", changed, err)
			}
			if ne.Line != 1 || ne.Col < 1 || ne.Col > len(s.open)*(MaxNestingJS+1) {
				t.Errorf("position 1:%d, want 1:1 to 1:%d", ne.Col, len(s.open)*(MaxNestingJS+1))
			}
			// Within the limit (each repetition counts at most twice),
			// esbuild parses it.
			if _, _, err := Minify("text/javascript", nested(s.open, s.mid, s.close, MaxNestingJS/2-1)); err != nil {
				var ne *diag.Diag
				if errors.As(err, &ne) {
					t.Errorf("within the limit: %v", err)
				}
			}
		})
	}
}

func TestNestingMessage(t *testing.T) {
	_, _, err := Minify("text/javascript", nested("(", "1", ")", MaxNestingJS+1))
	want := fmt.Sprintf("1:%d: nested more than 1000 levels deep, which the JavaScript minifier cannot parse; flatten the expression, or leave the file unminified (build it with a bundler, or run without -minify)", MaxNestingJS+1)
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}
