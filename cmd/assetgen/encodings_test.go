package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEncodingsFlag checks -encodings: bad lists are usage errors, and a
// good one chooses the variants, whatever its order and spacing.
func TestEncodingsFlag(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "static", "app.css")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte(strings.Repeat(".a { color: red; margin: 0 auto; }\n", 200)), 0o644)
	t.Chdir(dir)
	env := func(string) string { return "" }
	tests := []struct {
		name   string
		value  string
		code   int
		stderr string
		want   []string
	}{
		{"Unknown", "br,deflate", exitUsage, "assetgen: unknown encoding \"deflate\"; use br, zstd or gzip, comma-separated, or -no-compress for none\n", nil},
		{"Empty", "", exitUsage, "assetgen: unknown encoding \"\"; use br, zstd or gzip, comma-separated, or -no-compress for none\n", nil},
		{"Twice", "br,br", exitUsage, "assetgen: encoding \"br\" listed twice; list each once\n", nil},
		{"GzipBr", "gzip, br", exitOK, "", []string{"br", "gzip"}},
		{"ZstdOnly", "zstd", exitOK, "", []string{"zstd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"-pkg", "assets", "-no-cache", "-encodings", tt.value}, &stdout, &stderr, env)
			if code != tt.code || stderr.String() != tt.stderr {
				t.Fatalf("exit %d, stderr %q; want %d, %q", code, stderr.String(), tt.code, tt.stderr)
			}
			if tt.code != exitOK {
				return
			}
			var m struct {
				Assets map[string]struct {
					Encodings []struct{ Coding string }
				}
			}
			b, _ := os.ReadFile("manifest.json")
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range m.Assets["app.css"].Encodings {
				got = append(got, e.Coding)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("encodings %v, want %v", got, tt.want)
			}
		})
	}
}
