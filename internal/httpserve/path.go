package httpserve

// MaxPathLen caps the request path a handler looks at. No asset or media
// name comes near it; a longer path is answered 414 URI Too Long (RFC 9110
// §15.5.15) without further work.
const MaxPathLen = 4096

// PathStatus classifies the name a request asks for, after the mount path.
type PathStatus int

const (
	PathOK      PathStatus = iota
	PathDir                // "" or ending in "/": a directory
	PathBad                // malformed: 400
	PathDotfile            // a segment starts with ".": 404
	PathTooLong            // 414
)

// CheckName applies the handlers' path rules to name, the decoded path
// after the mount path, and rawPath, the request's escaped path if it
// differs from the default encoding (url.URL.RawPath).
//
// The static handler only ever serves names in its table, and the media
// handler only names in its store, so these rules are not what keeps them
// inside; they make their answers to hostile paths explicit and uniform:
//
//   - a NUL or other control byte, or a backslash (which some clients and
//     file systems treat as a separator): 400;
//   - an escaped slash or backslash ("%2F", "%5C"), which would make one
//     segment look like two: 400;
//   - an empty segment ("a//b", "//a"), or a "." or ".." segment, escaped
//     or not: 400, since a clean URL never has them and net/http's
//     ServeMux would already have redirected it;
//   - a segment starting with "." (".git/config", "a/.env"): 404, so that
//     dotfiles are never served and their existence is not revealed;
//   - a path longer than MaxPathLen: 414.
//
// A trailing "/" (or the empty name) asks for a directory, which has no
// listing; the static handler serves it only through ServeOptions.Index.
func CheckName(name, rawPath string) PathStatus {
	if len(name) > MaxPathLen || len(rawPath) > MaxPathLen {
		return PathTooLong
	}
	if containsEscapedSeparator(rawPath) {
		return PathBad
	}
	st := PathOK
	if name == "" {
		return PathDir
	}
	if name[len(name)-1] == '/' {
		st = PathDir
		name = name[:len(name)-1] // "/" becomes "", an empty segment below
	}
	// One pass over the bytes, checking each segment at its end: this runs
	// on every request, and strings.Cut per segment cost twice as much.
	dot := false
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '/' {
			if c := name[i]; c < 0x20 || c == 0x7f || c == '\\' {
				return PathBad
			}
			continue
		}
		switch seg := name[start:i]; {
		case seg == "", seg == ".", seg == "..":
			return PathBad
		case seg[0] == '.':
			dot = true
		}
		start = i + 1
	}
	if dot {
		return PathDotfile
	}
	return st
}

// containsEscapedSeparator reports whether an escaped path holds "%2F" or
// "%5C" in either case.
func containsEscapedSeparator(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		a, b := raw[i+1], raw[i+2]
		if (a == '2' && (b == 'f' || b == 'F')) || (a == '5' && (b == 'c' || b == 'C')) {
			return true
		}
	}
	return false
}
