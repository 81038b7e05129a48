package rewrite

import (
	"strings"
	"testing"
)

// deep repeats open n times around a 1, closed by close n times.
func deep(open, mid, close string, n int) string {
	return strings.Repeat(open, n) + mid + strings.Repeat(close, n)
}

var nestingTests = []struct {
	name      string
	src       string
	limit     int
	line, col int // 0 when within the limit
}{
	{"Empty", "", 3, 0, 0},
	{"Parens", "x=" + deep("(", "1", ")", 3), 4, 0, 0},
	{"ParensOver", "x=" + deep("(", "1", ")", 4), 4, 1, 6},
	{"Brackets", deep("[", "", "]", 5), 4, 1, 5},
	{"Blocks", deep("{", "", "}", 5), 4, 1, 5},
	{"Template", "`" + deep("${`", "", "`}", 3) + "`", 2, 1, 7},
	{"Not", "x=!!!!1", 4, 1, 6},
	{"Assign", "a=b=c=d=e", 3, 1, 8},
	{"Conditional", "a?b:c?d:e?f:g", 2, 1, 10},
	{"Arrow", "f=a=>b=>c=>d", 3, 1, 10},
	{"Exponent", "x=2**2**2**2", 3, 1, 10},
	{"Typeof", "typeof typeof typeof void x", 3, 1, 22},
	{"New", "new new new new X", 3, 1, 13},
	{"UnaryMinus", "x=- - -1", 3, 1, 7},
	// Loops, not recursion: no limit however long.
	{"Sum", "x=" + strings.Repeat("1+", 100) + "1", 3, 0, 0},
	{"Calls", "f" + strings.Repeat("()", 100), 3, 0, 0},
	{"Members", "a" + strings.Repeat(".b", 100), 3, 0, 0},
	{"Statements", strings.Repeat("a=b=1;", 100), 3, 0, 0},
	{"Commas", "f(" + strings.Repeat("a=b=1,", 100) + ")", 3, 0, 0},
	{"LinesWithoutSemicolons", strings.Repeat("a = b = 1\n", 100), 3, 0, 0},
	{"ClosedLevels", strings.Repeat("f((((1))))\n", 100), 5, 0, 0},
	// A line break inside an expression does not end it.
	{"AssignAcrossLines", "a=\nb=\nc=\nd", 2, 3, 2},
	{"LeadingOperatorLines", "a=b\n=c\n=d", 2, 3, 1},
	// Brackets that are not tokens do not count.
	{"InString", `x="((((((((("`, 2, 0, 0},
	{"InComment", "/* (((((((( */ // [[[[[[[[\nx", 2, 0, 0},
	{"InRegExp", `x=/((((((((\(/`, 2, 0, 0},
	{"InTemplateText", "x=`((((((((`", 2, 0, 0},
	{"Unbalanced", "))))]]]]}}}}" + deep("(", "", "", 3), 3, 0, 0},
}

func TestNestingJS(t *testing.T) {
	for _, tt := range nestingTests {
		t.Run(tt.name, func(t *testing.T) {
			line, col, ok := NestingJS([]byte(tt.src), tt.limit)
			if want := tt.line == 0; ok != want || line != tt.line || col != tt.col {
				t.Errorf("NestingJS(limit %d) = %d:%d %v, want %d:%d %v", tt.limit, line, col, ok, tt.line, tt.col, want)
			}
		})
	}
}

// FuzzNestingJS checks that NestingJS never fails on any input, that a
// limit that passes also passes when raised, and that the position it
// reports is in the source.
func FuzzNestingJS(f *testing.F) {
	for _, tt := range nestingTests {
		f.Add([]byte(tt.src), uint8(tt.limit))
	}
	f.Fuzz(func(t *testing.T, src []byte, limit uint8) {
		line, col, ok := NestingJS(src, int(limit))
		if ok {
			if _, _, ok := NestingJS(src, int(limit)+1); !ok {
				t.Fatalf("within limit %d but not %d", limit, int(limit)+1)
			}
			return
		}
		lines := lineStarts(src)
		if line < 1 || line > len(lines) || col < 1 || lines[line-1]+col-1 >= len(src) {
			t.Fatalf("position %d:%d outside the source", line, col)
		}
	})
}
