// Package diag is the one positioned problem of assetgen: a file, a line
// and column when there is one, and a message that says what is wrong and
// how to fix it. Generate's errors (gen.Error), a prepared file's problems
// (gen/internal/build), the readers of a Vite manifest and an import map,
// development mode's messages, the template checker and assetgen check
// all use it, and all print and sort it here, so that
// "file:line:col: what; fix" is written in one place.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Diag is a problem positioned in a file where there is one. Its text
// reads "file:line:col: what is wrong; how to fix", with the parts of the
// position it lacks left out. As an error, errors.As extracts it.
type Diag struct {
	File string // slash-separated, relative to the working directory; "" before a stage knows it
	Line int    // 1-based; 0 when the problem is the file as a whole
	Col  int    // 1-based byte column; 0 when unknown
	Msg  string
}

func (d *Diag) Error() string {
	file := d.File
	if strings.ContainsFunc(file, unicode.IsControl) {
		// A name with a newline or escape in it would break the one-line
		// form and could rewrite the terminal: quote it.
		file = strconv.Quote(file)
	}
	switch {
	case file == "" && d.Line == 0:
		return d.Msg
	case file == "":
		return fmt.Sprintf("%d:%d: %s", d.Line, d.Col, d.Msg)
	case d.Line == 0:
		return file + ": " + d.Msg
	case d.Col == 0:
		return fmt.Sprintf("%s:%d: %s", file, d.Line, d.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, d.Line, d.Col, d.Msg)
}

// String is Error, for a Diag printed rather than returned.
func (d Diag) String() string { return d.Error() }

// In returns d as a problem of file, for a stage that found it in a file's
// content before knowing the file's name.
func (d Diag) In(file string) *Diag {
	d.File = file
	return &d
}

// Compare orders problems by file, then position, then message: the order
// every command reports them in, the same on every run.
func Compare(a, b *Diag) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		strings.Compare(a.Msg, b.Msg),
	)
}

// Sort sorts ds in Compare order and drops repeats.
func Sort(ds []*Diag) []*Diag {
	slices.SortStableFunc(ds, Compare)
	return slices.CompactFunc(ds, func(a, b *Diag) bool { return *a == *b })
}
