package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/runtime"
)

func testPackage() *assetpkg.Package {
	return &assetpkg.Package{
		Dir:    "web",
		Prefix: "/static/",
		Files: []runtime.File{
			{Path: "css/a.css", HashedPath: "css/a.111111111111.css", ContentType: "text/css; charset=utf-8", Size: 100, Encodings: []runtime.Encoding{{Coding: "br", Size: 40}, {Coding: "gzip", Size: 50}}},
			{Path: "img/</script>.svg", HashedPath: "img/x.svg", ContentType: "image/svg+xml", Size: 10},
			{Path: "js/app.js", HashedPath: "js/app.222222222222.js", ContentType: "text/javascript; charset=utf-8", Size: 1000, Encodings: []runtime.Encoding{{Coding: "zstd", Size: 300}}},
		},
		Refs: [][]int{{1}, nil, {0, 1}},
	}
}

func TestNew(t *testing.T) {
	r := New("example.com/web", testPackage(), []string{"js/app.js"}, nil)
	want := Totals{Files: 3, Raw: 1110, Br: 40 + 10 + 1000, Zstd: 100 + 10 + 300, Gzip: 50 + 10 + 1000}
	if diff := cmp.Diff(want, r.Totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"css/a.css", "js/app.js"}, r.Assets[1].Referrers); diff != "" {
		t.Errorf("referrers of the image (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"css/a.css", "img/</script>.svg"}, r.Assets[2].Refs); diff != "" {
		t.Errorf("refs of app.js (-want +got):\n%s", diff)
	}
	// The JSON is the same bytes each time, and says [] rather than null
	// for empty lists that scripts iterate over.
	j := r.JSON()
	if !bytes.Equal(j, New("example.com/web", testPackage(), []string{"js/app.js"}, nil).JSON()) {
		t.Error("JSON differs between two reports of the same package")
	}
	var back map[string]any
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if _, ok := back["shadowed"].([]any); !ok {
		t.Errorf("shadowed = %v, want a list", back["shadowed"])
	}
}

// TestHTMLEscapes checks that a hostile file name cannot end the script
// element that carries the data.
func TestHTMLEscapes(t *testing.T) {
	h := string(New("example.com/web", testPackage(), nil, nil).HTML())
	if n := strings.Count(h, "</script>"); n != 1 {
		t.Errorf("the page has %d </script>, want 1: a name ended the data early", n)
	}
	if !strings.Contains(h, `img/\u003c/script\u003e.svg`) {
		t.Error("the hostile name is not in the data, escaped")
	}
}
