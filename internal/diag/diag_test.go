package diag

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestError(t *testing.T) {
	tests := []struct {
		name string
		d    Diag
		want string
	}{
		{"Full", Diag{File: "static/app.css", Line: 12, Col: 17, Msg: "url(x.png) not found"}, "static/app.css:12:17: url(x.png) not found"},
		{"NoCol", Diag{File: "a.html", Line: 3, Msg: "m"}, "a.html:3: m"},
		{"WholeFile", Diag{File: "a.css", Msg: "m"}, "a.css: m"},
		{"NoFile", Diag{Msg: "m"}, "m"},
		{"FileNotYetKnown", Diag{Line: 1, Col: 1001, Msg: "m"}, "1:1001: m"},
		{"ControlInName", Diag{File: "a\nb.css", Line: 1, Col: 2, Msg: "m"}, `"a\nb.css":1:2: m`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIn(t *testing.T) {
	d := Diag{Line: 2, Col: 3, Msg: "m"}
	if got, want := d.In("a.js").Error(), "a.js:2:3: m"; got != want {
		t.Errorf("In = %q, want %q", got, want)
	}
	if d.File != "" {
		t.Error("In changed its receiver")
	}
}

func TestSort(t *testing.T) {
	ds := []*Diag{
		{File: "b.css", Line: 1, Col: 1, Msg: "x"},
		{File: "a.css", Line: 2, Col: 1, Msg: "x"},
		{File: "a.css", Line: 1, Col: 5, Msg: "y"},
		{File: "a.css", Line: 1, Col: 5, Msg: "x"},
		{File: "a.css", Line: 2, Col: 1, Msg: "x"},
	}
	var got []string
	for _, d := range Sort(ds) {
		got = append(got, d.Error())
	}
	want := []string{"a.css:1:5: x", "a.css:1:5: y", "a.css:2:1: x", "b.css:1:1: x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sort (-want +got):\n%s", diff)
	}
}
