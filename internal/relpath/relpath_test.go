package relpath

import (
	"path/filepath"
	"testing"
)

func TestDisplay(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	for _, tt := range []struct{ in, want string }{
		{filepath.Join(wd, "static", "app.css"), "static/app.css"},
		{wd, "."},
		{filepath.Join(wd, "..x", "a"), "..x/a"},
		{filepath.Dir(wd), filepath.ToSlash(filepath.Dir(wd))},
		{filepath.Join(filepath.Dir(wd), "other", "a.css"), filepath.ToSlash(filepath.Join(filepath.Dir(wd), "other", "a.css"))},
		{"static/app.css", "static/app.css"},
		{filepath.Join("..", "up.css"), "../up.css"},
		{"./static/../x.css", "x.css"},
	} {
		if got := Display(tt.in); got != tt.want {
			t.Errorf("Display(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
