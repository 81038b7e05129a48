package rewrite

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden rewrites each file of testdata/golden the way the pipeline
// will, and compares the result, followed by a report of every reference,
// with the file's .golden. The file is taken to be at logical path
// css/<name> or js/<name>, served under /static/; every local reference
// that resolves is taken to exist unless its path has "missing" in it, and
// its hashed name is its logical path
// with a hash of that path before the extension.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/golden/*")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") {
			continue
		}
		name := filepath.Base(in)
		seen[name+".golden"] = true
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := rewriteForGolden(t, name, src)
			goldenPath := in + ".golden"
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v; run go test -update to create it", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from the rewrite; run go test -update and review with git diff\ngot:\n%s", goldenPath, got)
			}
		})
	}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") && !seen[filepath.Base(in)] {
			t.Errorf("orphan golden file %s: remove it", in)
		}
	}
}

func rewriteForGolden(t *testing.T, name string, src []byte) []byte {
	lang, ok := LangOf(name)
	if !ok {
		t.Fatalf("%s: not CSS or JS", name)
	}
	from := strings.ToLower(lang.String()) + "/" + name
	refs, allow, err := Find(lang, src)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	var report strings.Builder
	repl := make([]string, len(refs))
	for i, r := range refs {
		repl[i] = r.URL
		pathPart, suffix, local := Classify(lang, r.Kind, r.URL)
		var action string
		switch logical, ok := Resolve(from, pathPart, "/static/"); {
		case !local:
			action = "kept: not local"
		case AllowMissing(allow, pathPart, logical):
			action = "kept: allowed missing " + pathPart
		case !ok:
			action = "error: does not resolve under /static/"
		case strings.Contains(logical, "missing"):
			action = "error: not found: " + logical
		default:
			repl[i] = Relative(hashed(from), hashed(logical)) + suffix
			action = "-> " + logical
		}
		fmt.Fprintf(&report, "%s:%d:%d: %s %q %s\n", from, r.Line, r.Col, r.Kind, r.URL, action)
	}
	out := Apply(src, refs, repl)
	return fmt.Appendf(out, "\n-- refs (allow-missing %q) --\n%s", allow, report.String())
}

// hashed inserts a hash of the logical path before its extension, as the
// pipeline does with a hash of the content.
func hashed(logical string) string {
	sum := sha256.Sum256([]byte(logical))
	ext := path.Ext(logical)
	return fmt.Sprintf("%s.%x%s", strings.TrimSuffix(logical, ext), sum[:4], ext)
}
