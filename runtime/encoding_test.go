package runtime

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var parseQValueTests = []struct {
	in   string
	want int16
	ok   bool
}{
	{"", 0, false},
	{"2", 0, false},
	{"-1", 0, false},
	{"0.1234", 0, false},
	{"1.001", 0, false},
	{"1.5", 0, false},
	{".5", 0, false},
	{"0,5", 0, false},
	{"0.5x", 0, false},
	{"0", 0, true},
	{"0.", 0, true},
	{"0.5", 500, true},
	{"0.05", 50, true},
	{"0.001", 1, true},
	{"0.999", 999, true},
	{"1", 1000, true},
	{"1.", 1000, true},
	{"1.000", 1000, true},
}

func TestParseQValue(t *testing.T) {
	for _, tt := range parseQValueTests {
		t.Run(strconv.Quote(tt.in), func(t *testing.T) {
			got, ok := parseQValue(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseQValue(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// all is a file with every coding.
var all = [numCodings]bool{true, true, true}

var negotiateTests = []struct {
	name  string
	lines []string
	has   [numCodings]bool
	want  int
	ok    bool
}{
	{"NoField", nil, all, codingIdentity, true},
	{"EmptyField", []string{""}, all, codingIdentity, true},
	{"Garbage", []string{";;,,=q"}, all, codingIdentity, true},
	{"Br", []string{"br"}, all, codingBr, true},
	{"BrAbsent", []string{"br"}, [numCodings]bool{false, true, true}, codingIdentity, true},
	{"Browser", []string{"gzip, deflate, br, zstd"}, all, codingBr, true},
	{"ZstdPreferred", []string{"br;q=0.9, zstd"}, all, codingZstd, true},
	{"GzipOnly", []string{"gzip"}, all, codingGzip, true},
	{"XGzip", []string{"x-gzip;q=0.5"}, all, codingGzip, true},
	{"Star", []string{"*"}, all, codingBr, true},
	{"StarLowerThanGzip", []string{"gzip, *;q=0.1"}, all, codingGzip, true},
	{"StarZeroExceptGzip", []string{"*;q=0, gzip"}, all, codingGzip, true},
	{"StarZero", []string{"*;q=0"}, all, codingIdentity, false},
	{"StarZeroIdentityAllowed", []string{"*;q=0, identity"}, all, codingIdentity, true},
	{"IdentityZero", []string{"identity;q=0"}, all, codingIdentity, false},
	{"IdentityZeroGzip", []string{"identity;q=0, gzip;q=0.1"}, all, codingGzip, true},
	{"IdentityZeroNoVariants", []string{"identity;q=0, gzip"}, [numCodings]bool{}, codingIdentity, false},
	{"IdentityHigher", []string{"gzip;q=0.5, identity"}, all, codingIdentity, true},
	{"IdentityEqual", []string{"gzip, identity"}, all, codingGzip, true},
	{"AllZero", []string{"br;q=0, zstd;q=0, gzip;q=0"}, all, codingIdentity, true},
	{"Duplicate", []string{"gzip;q=0, gzip;q=0.5, br;q=0.4"}, all, codingGzip, true},
	{"TwoLines", []string{"br;q=0.1", "gzip"}, all, codingGzip, true},
	{"Spaces", []string{" \tgzip \t; \tq=0.5 \t,\tbr ; q=0.4"}, all, codingGzip, true},
	{"UpperQ", []string{"br;Q=0.2, gzip;q=0.3"}, all, codingGzip, true},
	{"OtherParam", []string{"br;level=9"}, all, codingBr, true},
	{"BadQIgnored", []string{"br;q=x, gzip"}, all, codingGzip, true},
	{"Unknown", []string{"compress, deflate"}, all, codingIdentity, true},
}

func TestNegotiate(t *testing.T) {
	for _, tt := range negotiateTests {
		t.Run(tt.name, func(t *testing.T) {
			ae := parseAcceptEncoding(tt.lines)
			got, ok := ae.negotiate(&tt.has)
			if got != tt.want || ok != tt.ok {
				t.Errorf("negotiate(%q) = %d, %v; want %d, %v", tt.lines, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// format writes ae back as a field value, for the round-trip check.
func (ae acceptEncoding) format() string {
	var parts []string
	add := func(name string, q int16) {
		if q >= 0 {
			parts = append(parts, name+";q=0."+strings.TrimRight(strconv.Itoa(1000 + int(q))[1:], "0"))
			if q == 1000 {
				parts[len(parts)-1] = name
			}
		}
	}
	add("br", ae.q[codingBr])
	add("zstd", ae.q[codingZstd])
	add("gzip", ae.q[codingGzip])
	add("identity", ae.identity)
	add("*", ae.star)
	return strings.Join(parts, ", ")
}

func FuzzAcceptEncoding(f *testing.F) {
	for _, tt := range negotiateTests {
		f.Add(strings.Join(tt.lines, ","))
	}
	f.Fuzz(func(t *testing.T, field string) {
		ae := parseAcceptEncoding([]string{field})
		for _, q := range []int16{ae.q[0], ae.q[1], ae.q[2], ae.identity, ae.star} {
			if q < -1 || q > 1000 {
				t.Fatalf("%q: weight %d out of range", field, q)
			}
		}
		again := parseAcceptEncoding([]string{ae.format()})
		if diff := cmp.Diff(ae, again, cmp.AllowUnexported(acceptEncoding{})); diff != "" {
			t.Errorf("%q: round trip through %q (-first +second):\n%s", field, ae.format(), diff)
		}
		for mask := range 1 << numCodings {
			var has [numCodings]bool
			for c := range numCodings {
				has[c] = mask&(1<<c) != 0
			}
			c, ok := ae.negotiate(&has)
			if ok && c != codingIdentity && !has[c] {
				t.Errorf("%q: chose coding %d the file lacks", field, c)
			}
			if !ok && c != codingIdentity {
				t.Errorf("%q: refused but chose %d", field, c)
			}
		}
	})
}
