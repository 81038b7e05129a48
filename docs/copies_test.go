package docs_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/assetgen/assetgen/internal/testenv"
)

// copyWords is how many words in a row a page may share with a doc
// comment: a phrase, not a copied sentence.
const copyWords = 12

// TestNoCopies checks that no page copies a doc comment: the package docs
// are the reference, and a page links to them. A copy is a run of
// copyWords words of prose (code is left out) that a page and a comment
// both hold; one of them goes out of date when the other changes.
func TestNoCopies(t *testing.T) {
	root := testenv.RepoRoot(t)
	runs := map[string]string{} // run of words -> Go file holding it
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_gen.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, cg := range f.Comments {
			var prose strings.Builder
			for _, c := range cg.List {
				text := strings.TrimPrefix(c.Text, "//")
				if strings.HasPrefix(text, "\t") || strings.HasPrefix(text, "go:") {
					continue // code in a doc comment, a directive
				}
				prose.WriteString(text + " ")
			}
			for _, r := range wordRuns(prose.String()) {
				runs[r] = filepath.ToSlash(rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages(t) {
		var prose strings.Builder
		fenced := false
		for line := range strings.Lines(read(t, p)) {
			if strings.HasPrefix(line, "```") {
				fenced = !fenced
				continue
			}
			if fenced || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
				continue
			}
			prose.WriteString(line)
		}
		w := words(prose.String())
		for i := 0; i+copyWords <= len(w); i++ {
			if file, ok := runs[strings.Join(w[i:i+copyWords], " ")]; ok {
				t.Errorf("%s: %q… copies %s's doc comment; keep the text there and link to it", p, strings.Join(w[i:i+copyWords], " "), file)
				i += copyWords - 1
			}
		}
	}
}

var wordRE = regexp.MustCompile(`[\p{L}\p{N}']+`)

func words(s string) []string { return wordRE.FindAllString(strings.ToLower(s), -1) }

func wordRuns(s string) []string {
	w := words(s)
	var out []string
	for i := 0; i+copyWords <= len(w); i++ {
		out = append(out, strings.Join(w[i:i+copyWords], " "))
	}
	return out
}
