package gen

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/assetgen/assetgen/gen/internal/txwrite"
)

// staleNote adds to a failed run's errors a note when the package that the
// previous run wrote no longer builds: its go:embed lines name a file that
// is gone (renamed or deleted since). go build then fails inside the
// generated file with "pattern ...: no matching files found", which says
// nothing of the generator; the note says why, and what to run. The note
// comes last, after the errors it refers to.
func (r *run) staleNote(err error) error {
	var list ErrorList
	switch e := err.(type) {
	case ErrorList:
		list = append(list, e...)
	case *Error:
		list = ErrorList{e}
	default:
		return err // cancelled, or a machine problem
	}
	file := filepath.Join(r.cfg.OutDir, r.cfg.FileName)
	gone := missingEmbeds(file)
	if len(gone) == 0 {
		return err
	}
	what := gone[0] + ", which no longer exists"
	if len(gone) > 1 {
		what = fmt.Sprintf("%s and %d more files that no longer exist", gone[0], len(gone)-1)
	}
	return append(list, &Error{File: slash(file), Msg: fmt.Sprintf("the package is stale: it embeds %s, so go build fails in this file until assetgen succeeds; fix the errors above and run go generate again", what)})
}

// missingEmbeds returns the go:embed patterns of a generated Go file, in
// order, that name no file in its directory. A file assetgen did not write
// is not looked into.
func missingEmbeds(file string) []string {
	b, err := os.ReadFile(file)
	if err != nil || !generatedByUs(file, b) {
		return nil
	}
	dir := filepath.Dir(file)
	var gone []string
	for _, pat := range txwrite.Embeds(b) {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(pat))); err != nil {
			gone = append(gone, pat)
		}
	}
	return gone
}
