package httpserve

import (
	"strings"
	"testing"
)

func TestMount(t *testing.T) {
	for _, tt := range []struct{ prefix, mount, why string }{
		{"/static/", "/static/", ""},
		{"/static", "/static/", ""},
		{"/", "/", ""},
		{"https://cdn.example.com/static/", "/static/", ""},
		{"https://cdn.example.com", "/", ""},
		{"http://cdn.example.com/a/b", "/a/b/", ""},
		{"static/", "", "relative path"},
		{"", "", "empty"},
		{"/a//b/", "", "has an empty path segment"},
		{"/a/../b/", "", `has a "." or ".." segment`},
		{"/s/?v=1", "", "has a query or fragment"},
		{"ftp://h/s/", "", "scheme must be http or https"},
		{"https://u@h/s/", "", "has user info"},
		{"/a b/", "", "contains a space, control character or backslash"},
	} {
		mount, why := ParsePrefix(tt.prefix)
		if mount != tt.mount || why != tt.why {
			t.Errorf("ParsePrefix(%q) = %q, %q; want %q, %q", tt.prefix, mount, why, tt.mount, tt.why)
		}
		want := tt.mount
		if tt.why != "" {
			want = "/"
		}
		if got := Mount(tt.prefix); got != want {
			t.Errorf("Mount(%q) = %q, want %q", tt.prefix, got, want)
		}
	}
}

func FuzzMount(f *testing.F) {
	for _, s := range []string{"/static/", "https://cdn.example.com/x", "", "/a//b", "%zz", "/é/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, prefix string) {
		m := Mount(prefix)
		if m == "" || m[0] != '/' || m[len(m)-1] != '/' {
			t.Fatalf("Mount(%q) = %q, want a path starting and ending in /", prefix, m)
		}
		if strings.Contains(m, "//") {
			t.Fatalf("Mount(%q) = %q, with an empty segment", prefix, m)
		}
	})
}
