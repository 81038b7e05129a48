package gen

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Error is a problem with the input, positioned in a file where there is
// one. Its text reads "file:line:col: what is wrong; how to fix", with
// line:col omitted when there is no position. errors.As extracts it from
// what Generate returns.
type Error struct {
	File string // slash-separated, relative to the working directory
	Line int    // 1-based; 0 when the problem is the file as a whole
	Col  int    // 1-based byte column; 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	file := e.File
	if strings.ContainsFunc(file, unicode.IsControl) {
		// A name with a newline or escape in it would break the one-line
		// form and could rewrite the terminal: quote it.
		file = strconv.Quote(file)
	}
	switch {
	case file == "":
		return e.Msg
	case e.Line == 0:
		return file + ": " + e.Msg
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", file, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, e.Line, e.Col, e.Msg)
}

// ErrorList is every input error of a run, sorted by file and position so
// that the output is the same on every run. It unwraps to its elements, so
// errors.As finds an *Error in it.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors of the list.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// sorted returns the list sorted, or nil when it is empty, for use as an
// error value.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(
			strings.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			strings.Compare(a.Msg, b.Msg),
		)
	})
	l = slices.CompactFunc(l, func(a, b *Error) bool { return *a == *b })
	return l
}

// IsInputError reports whether err is a problem with the input (a bad file,
// directory or name) rather than with the machine, so a command can choose
// its exit status.
func IsInputError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
