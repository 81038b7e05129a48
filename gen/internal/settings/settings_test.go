package settings

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheck gives each setting that neither mode accepts, with the exact
// message, and checks the defaults of a minimal one.
func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    Settings
		want string
	}{
		{"NoDirs", Settings{}, "no source directories; pass at least one -dir"},
		{"EmptyDir", Settings{Dirs: []string{"static", ""}}, "empty source directory name; give -dir a directory"},
		{"HashShort", Settings{Dirs: []string{"s"}, HashLen: 7}, "hash length 7 out of range; use 8 to 64 hex digits"},
		{"HashLong", Settings{Dirs: []string{"s"}, HashLen: 65}, "hash length 65 out of range; use 8 to 64 hex digits"},
		{"Prefix", Settings{Dirs: []string{"s"}, Prefix: "static"}, `invalid asset URL prefix "static": relative path; use a path such as /static/ or an origin such as https://cdn.example.com/static/`},
		{"Ignore", Settings{Dirs: []string{"s"}, Ignore: []string{"[a-"}}, `-ignore pattern "[a-" is malformed (syntax error in pattern); see path.Match for the syntax`},
		{"Prehashed", Settings{Dirs: []string{"s"}, Prehashed: []string{"\\"}}, `-prehashed pattern "\\" is malformed (syntax error in pattern); see path.Match for the syntax`},
		{"AllowMissing", Settings{Dirs: []string{"s"}, AllowMissing: []string{"["}}, `-allow-missing pattern "[" is malformed (syntax error in pattern); see path.Match for the syntax`},
		{"UnknownEncoding", Settings{Dirs: []string{"s"}, Encodings: []string{"deflate"}}, `unknown encoding "deflate"; use br, zstd or gzip, comma-separated, or -no-compress for none`},
		{"RepeatedEncoding", Settings{Dirs: []string{"s"}, Encodings: []string{"br", "br"}}, `encoding "br" listed twice; list each once`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check(tt.s)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Check(%+v) = %v, want %s", tt.s, err, tt.want)
			}
		})
	}
	t.Run("Defaults", func(t *testing.T) {
		in := Settings{Dirs: []string{"static"}}
		got, err := Check(in)
		if err != nil {
			t.Fatal(err)
		}
		want := Settings{Dirs: []string{"static"}, Prefix: DefaultPrefix, HashLen: DefaultHashLen}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Check (-want +got):\n%s", diff)
		}
		got.Dirs[0] = "changed"
		if in.Dirs[0] != "static" {
			t.Error("Check shares Dirs with its caller")
		}
	})
}
