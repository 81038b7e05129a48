package runtime

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// testSet builds a Set the way generated code does, over an in-memory FS
// whose names differ from the logical paths.
func testSet(t testing.TB) *Set {
	t.Helper()
	fsys := fstest.MapFS{
		"static/css/base.css":  {Data: []byte("body{}")},
		"static/img/logo.svg":  {Data: []byte("<svg/>")},
		"_assetgen/abc.js":     {Data: []byte("console.log(1)")},
		"static/robots.txt":    {Data: []byte("User-agent: *")},
		"static/fonts/a b.ttf": {Data: []byte("font")},
	}
	return New(fsys, "/static/", []File{
		{Path: "css/base.css", HashedPath: "css/base.0123456789ab.css", Name: "static/css/base.css", Integrity: "sha256-AAAA", ContentType: "text/css; charset=utf-8", Size: 6},
		{Path: "fonts/a b.ttf", HashedPath: "fonts/a b.0123456789ab.ttf", Name: "static/fonts/a b.ttf", Integrity: "sha256-BBBB", ContentType: "font/ttf", Size: 4},
		{Path: "img/logo.svg", HashedPath: "img/logo.0123456789ab.svg", Name: "static/img/logo.svg", Integrity: "sha256-CCCC", ContentType: "image/svg+xml", Size: 6},
		{Path: "js/app.js", HashedPath: "js/app.0123456789ab.js", Name: "_assetgen/abc.js", Integrity: "sha256-DDDD", ContentType: "text/javascript; charset=utf-8", Size: 14},
		{Path: "robots.txt", HashedPath: "robots.0123456789ab.txt", Name: "static/robots.txt", Integrity: "sha256-EEEE", ContentType: "text/plain; charset=utf-8", Size: 13},
	})
}

var prefixTests = []struct {
	name, prefix, wantURL, wantErr string
}{
	{"Default", "/static/", "/static/css/base.0123456789ab.css", ""},
	{"NoTrailingSlash", "/assets", "/assets/css/base.0123456789ab.css", ""},
	{"Root", "/", "/css/base.0123456789ab.css", ""},
	{"CDN", "https://cdn.example.com/app/", "https://cdn.example.com/app/css/base.0123456789ab.css", ""},
	{"CDNNoPath", "https://cdn.example.com", "https://cdn.example.com/css/base.0123456789ab.css", ""},
	{"ProtocolRelative", "//cdn.example.com/s/", "//cdn.example.com/s/css/base.0123456789ab.css", ""},
	{"HTTPPort", "http://localhost:8081/static/", "http://localhost:8081/static/css/base.0123456789ab.css", ""},
	{"Empty", "", "", "empty"},
	{"Relative", "static/", "", "relative path"},
	{"Query", "/static/?v=1", "", "has a query or fragment"},
	{"Fragment", "/static/#x", "", "has a query or fragment"},
	{"Scheme", "ftp://host/", "", "scheme must be http or https"},
	{"Javascript", "javascript:alert(1)", "", "scheme must be http or https"},
	{"Space", "/sta tic/", "", "contains a space, control character or backslash"},
	{"Backslash", `\static\`, "", "contains a space, control character or backslash"},
	{"DotDot", "/static/../x/", "", `has a "." or ".." segment`},
	{"DoubleSlash", "/static//x/", "", "has an empty path segment"},
	{"UserInfo", "https://u:p@cdn.example.com/", "", "has user info"},
	{"NoHost", "https:///x/", "", "no host"},
}

func TestSetPrefix(t *testing.T) {
	for _, tt := range prefixTests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSet(t)
			err := s.SetPrefix(tt.prefix)
			if tt.wantErr != "" {
				want := fmt.Sprintf("invalid asset URL prefix %q: ", tt.prefix) + tt.wantErr + "; use a path such as /static/ or an origin such as https://cdn.example.com/static/"
				if err == nil || err.Error() != want {
					t.Fatalf("SetPrefix(%q) = %v, want %s", tt.prefix, err, want)
				}
				if got := s.Asset(0).URL(); got != "/static/css/base.0123456789ab.css" {
					t.Errorf("after a failed SetPrefix, URL = %q; the old prefix must stay", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Asset(0).URL(); got != tt.wantURL {
				t.Errorf("URL = %q, want %q", got, tt.wantURL)
			}
		})
	}
}

// FuzzSetPrefix checks that an accepted prefix gives URLs that start with
// it and that a rejected one leaves the old prefix in force.
func FuzzSetPrefix(f *testing.F) {
	for _, tt := range prefixTests {
		f.Add(tt.prefix)
	}
	s := testSet(f)
	f.Fuzz(func(t *testing.T, p string) {
		before := s.Prefix()
		if err := s.SetPrefix(p); err != nil {
			if s.Prefix() != before {
				t.Fatalf("failed SetPrefix(%q) changed the prefix", p)
			}
			return
		}
		mount := s.state.Load().Mount
		if mount == "" || mount[0] != '/' || mount[len(mount)-1] != '/' {
			t.Fatalf("SetPrefix(%q): mount %q", p, mount)
		}
		for a := range s.All() {
			if u := a.URL(); len(u) < len(s.Prefix()) || u[:len(s.Prefix())] != s.Prefix() {
				t.Fatalf("URL %q does not start with prefix %q", u, s.Prefix())
			}
		}
	})
}

func TestLookupAndURL(t *testing.T) {
	s := testSet(t)
	a, ok := s.Lookup("js/app.js")
	if !ok {
		t.Fatal("Lookup(js/app.js) failed")
	}
	got := map[string]any{
		"URL": a.URL(), "Path": a.Path(), "HashedPath": a.HashedPath(), "Integrity": a.Integrity(),
		"ContentType": a.ContentType(), "Size": a.Size(), "ETag": a.ETag(), "String": a.String(),
	}
	want := map[string]any{
		"URL": "/static/js/app.0123456789ab.js", "Path": "js/app.js", "HashedPath": "js/app.0123456789ab.js",
		"Integrity": "sha256-DDDD", "ContentType": "text/javascript; charset=utf-8", "Size": int64(14),
		"ETag": `"DDDD"`, "String": "js/app.js",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("asset (-want +got):\n%s", diff)
	}
	b, err := a.ReadAll()
	if err != nil || string(b) != "console.log(1)" {
		t.Errorf("ReadAll = %q, %v", b, err)
	}
	if u, err := s.URL("fonts/a b.ttf"); err != nil || u != "/static/fonts/a%20b.0123456789ab.ttf" {
		t.Errorf("URL with a space = %q, %v; want it percent-encoded", u, err)
	}
	_, err = s.URL("nope.css")
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != `asset "nope.css" not found` {
		t.Errorf("URL(nope.css) error = %v", err)
	}
	if _, ok := s.Lookup("nope.css"); ok {
		t.Error("Lookup(nope.css) succeeded")
	}
	defer func() {
		if recover() == nil {
			t.Error("MustURL of a missing asset did not panic")
		}
	}()
	s.MustURL("nope.css")
}

func TestFS(t *testing.T) {
	s := testSet(t)
	if err := fstest.TestFS(s.FS(), "css/base.css", "fonts/a b.ttf", "img/logo.svg", "js/app.js", "robots.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(s.FS(), "static/css/base.css"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("FS exposes embed names: %v", err)
	}
}

func TestAllOrder(t *testing.T) {
	var got []string
	for a := range testSet(t).All() {
		got = append(got, a.Path())
	}
	want := []string{"css/base.css", "fonts/a b.ttf", "img/logo.svg", "js/app.js", "robots.txt"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
}

func TestNewUnsorted(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted an unsorted table")
		}
	}()
	New(fstest.MapFS{}, "/", []File{{Path: "b"}, {Path: "a"}})
}

// TestSetPrefixConcurrent is meant for -race: readers never see a torn
// prefix while it changes.
func TestSetPrefixConcurrent(t *testing.T) {
	s := testSet(t)
	a := s.Asset(0)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				if u := a.URL(); u != "/static/css/base.0123456789ab.css" && u != "https://cdn.example.com/css/base.0123456789ab.css" {
					t.Errorf("torn URL %q", u)
					return
				}
			}
		}()
	}
	for i := range 1000 {
		p := "/static/"
		if i%2 == 0 {
			p = "https://cdn.example.com/"
		}
		if err := s.SetPrefix(p); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func BenchmarkAssetURL(b *testing.B) {
	a := testSet(b).Asset(2)
	b.ReportAllocs()
	var u string
	for b.Loop() {
		u = a.URL()
	}
	_ = u
}

func BenchmarkURLByPath(b *testing.B) {
	s := testSet(b)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = s.URL("img/logo.svg")
	}
}

func TestURLAllocs(t *testing.T) {
	a := testSet(t).Asset(2)
	if n := testing.AllocsPerRun(100, func() { _ = a.URL() }); n != 0 {
		t.Errorf("Asset.URL allocates %v times per call, want 0", n)
	}
}

// TestCompressedOnly reads an asset whose identity bytes are not embedded:
// Open, ReadAll and FS decompress its gzip variant.
func TestCompressedOnly(t *testing.T) {
	content := strings.Repeat("body { color: red; }\n", 50)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(content))
	zw.Close()
	s := New(fstest.MapFS{"_assetgen/x.css.gzip": {Data: gz.Bytes()}}, "/static/", []File{{
		Path: "app.css", HashedPath: "app.0123456789ab.css", Integrity: "sha256-AAAA",
		ContentType: "text/css; charset=utf-8", Size: int64(len(content)),
		Encodings: []Encoding{{Coding: "gzip", Name: "_assetgen/x.css.gzip", Size: int64(gz.Len())}},
	}})
	b, err := s.Asset(0).ReadAll()
	if err != nil || string(b) != content {
		t.Fatalf("ReadAll = %d bytes, %v; want the decompressed content", len(b), err)
	}
	if b, err := fs.ReadFile(s.FS(), "app.css"); err != nil || string(b) != content {
		t.Fatalf("fs.ReadFile = %d bytes, %v", len(b), err)
	}
}
