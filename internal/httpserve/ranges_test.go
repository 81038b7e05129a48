package httpserve

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseRangeTests is one flat table, as net/http's: garbage first, then
// valid, then limits.
var parseRangeTests = []struct {
	s    string
	size int64
	want []Range
	res  RangeResult
}{
	{"", 10, nil, RangeIgnore},
	{"foo", 10, nil, RangeIgnore},
	{"bytes", 10, nil, RangeIgnore},
	{"bytes=", 10, nil, RangeIgnore},
	{"bytes=,", 10, nil, RangeIgnore},
	{"items=0-1", 10, nil, RangeIgnore},
	{"bytes=7", 10, nil, RangeIgnore},
	{"bytes= 7 ", 10, nil, RangeIgnore},
	{"bytes=1-a", 10, nil, RangeIgnore},
	{"bytes=a-1", 10, nil, RangeIgnore},
	{"bytes=--6", 10, nil, RangeIgnore},
	{"bytes=-6-", 10, nil, RangeIgnore},
	{"bytes=+1-2", 10, nil, RangeIgnore},
	{"bytes=1 -2", 10, nil, RangeIgnore},
	{"bytes=6-5", 10, nil, RangeIgnore},
	{"bytes=-", 10, nil, RangeIgnore},
	{"bytes=0-1,x", 10, nil, RangeIgnore},
	{"bytes=99999999999999999999-", 10, nil, RangeIgnore},
	{"bytes=0-99999999999999999999", 10, nil, RangeIgnore},

	{"bytes=0-4", 10, []Range{{0, 5}}, RangeSatisfiable},
	{"BYTES=0-4", 10, []Range{{0, 5}}, RangeSatisfiable},
	{" bytes = 0-4 ", 10, []Range{{0, 5}}, RangeSatisfiable},
	{"bytes=2-", 10, []Range{{2, 8}}, RangeSatisfiable},
	{"bytes=-2", 10, []Range{{8, 2}}, RangeSatisfiable},
	{"bytes=-20", 10, []Range{{0, 10}}, RangeSatisfiable},
	{"bytes=0-", 10, []Range{{0, 10}}, RangeSatisfiable},
	{"bytes=9-", 10, []Range{{9, 1}}, RangeSatisfiable},
	{"bytes=5-100", 10, []Range{{5, 5}}, RangeSatisfiable},
	{"bytes=0-0,-2", 10, []Range{{0, 1}, {8, 2}}, RangeSatisfiable},
	{"bytes=0-1, 5-6", 10, []Range{{0, 2}, {5, 2}}, RangeSatisfiable},
	{"bytes=0-1,,5-6,", 10, []Range{{0, 2}, {5, 2}}, RangeSatisfiable},
	{"bytes=0-0,10-,-2", 10, []Range{{0, 1}, {8, 2}}, RangeSatisfiable},
	{"bytes=000-004", 10, []Range{{0, 5}}, RangeSatisfiable},

	{"bytes=10-", 10, nil, RangeUnsatisfiable},
	{"bytes=10-20", 10, nil, RangeUnsatisfiable},
	{"bytes=-0", 10, nil, RangeUnsatisfiable},
	{"bytes=10-,20-", 10, nil, RangeUnsatisfiable},

	{"bytes=0-5,3-8", 10, nil, RangeIgnore}, // overlapping
	{"bytes=0-5,0-5", 10, nil, RangeIgnore}, // repeated
	{"bytes=-5,0-9", 10, nil, RangeIgnore},  // overlapping, larger than the file
	{"bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9", 10, []Range{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}}, RangeSatisfiable},
	{"bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9,10-10,11-11,12-12,13-13,14-14,15-15", 100, []Range{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}, {10, 1}, {11, 1}, {12, 1}, {13, 1}, {14, 1}, {15, 1}}, RangeSatisfiable},
	{"bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9,10-10,11-11,12-12,13-13,14-14,15-15,16-16", 100, nil, RangeIgnore}, // 17 ranges
}

func TestParseRange(t *testing.T) {
	for _, tt := range parseRangeTests {
		t.Run(tt.s, func(t *testing.T) {
			var rs RangeSet
			res := rs.Parse(tt.s, tt.size)
			if res != tt.res {
				t.Errorf("Parse(%q, %d) result = %d, want %d", tt.s, tt.size, res, tt.res)
			}
			if diff := cmp.Diff(tt.want, rs.Ranges(), cmp.AllowUnexported(Range{})); res == RangeSatisfiable && diff != "" {
				t.Errorf("Parse(%q, %d) (-want +got):\n%s", tt.s, tt.size, diff)
			}
		})
	}
}

func FuzzParseRange(f *testing.F) {
	for _, tt := range parseRangeTests {
		f.Add(tt.s, tt.size)
	}
	f.Fuzz(func(t *testing.T, s string, size int64) {
		if size <= 0 {
			return
		}
		var rs RangeSet
		res := rs.Parse(s, size)
		if res != RangeSatisfiable {
			if rs.n != 0 {
				t.Errorf("%q: result %d with %d ranges", s, res, rs.n)
			}
			return
		}
		if rs.n < 1 || rs.n > MaxRanges {
			t.Fatalf("%q: %d ranges", s, rs.n)
		}
		var sum int64
		for i, r := range rs.Ranges() {
			if r.Start < 0 || r.Length <= 0 || r.Start+r.Length > size || r.Start+r.Length < r.Start {
				t.Errorf("%q size %d: range %d = %+v outside the content", s, size, i, r)
			}
			sum += r.Length
			// Round trip: the formatted range parses back to itself.
			cr := string(ContentRange(nil, r, size))
			spec, _ := CutByte(cr[len("bytes "):], '/')
			var back RangeSet
			if res := back.Parse("bytes="+spec, size); res != RangeSatisfiable || back.n != 1 || back.r[0] != r {
				t.Errorf("%q: %+v formats as %q and parses back as %+v, %d", s, r, cr, back.Ranges(), res)
			}
		}
		if sum > size {
			t.Errorf("%q: ranges add up to %d > %d", s, sum, size)
		}
		if !reasonable(rs.Ranges(), size) {
			t.Errorf("%q: overlapping ranges accepted", s)
		}
	})
}
