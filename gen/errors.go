package gen

import (
	"errors"
	"strings"

	"github.com/assetgen/assetgen/internal/diag"
)

// Error is a problem with the input, positioned in a file where there is
// one. Its text reads "file:line:col: what is wrong; how to fix", with
// line:col omitted when there is no position. errors.As extracts it from
// what Generate returns. It is the one positioned problem every assetgen
// command reports, with fields File, Line, Col (1-based; 0 when unknown)
// and Msg.
type Error = diag.Diag

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
	return ErrorList(diag.Sort(l))
}

// asErrorList turns a stage's error, one *Error or several joined with
// errors.Join, into an ErrorList, keeping each one's position so that it
// sorts with the others. Anything else is one Error with its text.
func asErrorList(err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var list ErrorList
	for _, e := range errs {
		if d, ok := e.(*Error); ok {
			list = append(list, d)
		} else {
			list = append(list, &Error{Msg: e.Error()})
		}
	}
	return list.err()
}

// IsInputError reports whether err is a problem with the input (a bad file,
// directory or name) rather than with the machine, so a command can choose
// its exit status.
func IsInputError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
