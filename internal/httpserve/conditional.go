package httpserve

import (
	"net/http"
	"strings"
)

// Cond is the outcome of evaluating one precondition header.
type Cond int

const (
	CondNone  Cond = iota // the header is absent
	CondTrue              // the condition holds
	CondFalse             // the condition fails
)

// CheckPreconditions evaluates the request's preconditions against etag,
// the strong entity tag of the selected representation, in the order of
// RFC 9110 §13.2.2. It returns the status to answer instead of the
// representation (412 or 304), or 0.
//
// Step 5, If-Range, applies only to a GET with a Range field, which only
// the identity representation honors; the caller evaluates it with
// CheckIfRange after finding a Range field, so that the common request
// reads that field once.
//
// Neither handler sends Last-Modified (embedded files have no modification
// time, a media file's is less exact than its entity tag), so
// If-Unmodified-Since and If-Modified-Since are never evaluated: RFC 9110
// §13.1.4 and §13.1.3 tell a server to ignore them for a resource without
// a modification date.
func CheckPreconditions(r *http.Request, etag string) (status int) {
	// Step 1: If-Match (§13.1.1).
	if checkIfMatch(r, etag) == CondFalse {
		return http.StatusPreconditionFailed
	}
	// Step 2: If-Unmodified-Since, ignored; see above.
	// Step 3: If-None-Match (§13.1.2).
	if checkIfNoneMatch(r, etag) == CondFalse {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return http.StatusNotModified
		}
		return http.StatusPreconditionFailed
	}
	// Step 4: If-Modified-Since, ignored; see above.
	// Step 5: If-Range, in serveRanges; see above.
	return 0
}

// checkIfMatch evaluates If-Match (RFC 9110 §13.1.1): true if the field is
// "*" or lists a tag that matches etag by strong comparison.
func checkIfMatch(r *http.Request, etag string) Cond {
	lines := r.Header["If-Match"]
	if len(lines) == 0 {
		return CondNone
	}
	for _, line := range lines {
		if matchETagList(line, etag, true) {
			return CondTrue
		}
	}
	return CondFalse
}

// checkIfNoneMatch evaluates If-None-Match (RFC 9110 §13.1.2): false if
// the field is "*" or lists a tag that matches etag by weak comparison,
// so that a cache holding a weakly tagged copy (as some proxies make when
// they re-encode) still gets a 304.
func checkIfNoneMatch(r *http.Request, etag string) Cond {
	lines := r.Header["If-None-Match"]
	if len(lines) == 0 {
		return CondNone
	}
	for _, line := range lines {
		if matchETagList(line, etag, false) {
			return CondFalse
		}
	}
	return CondTrue
}

// CheckIfRange evaluates If-Range (RFC 9110 §13.1.5) for a request that
// has a Range field (without one, If-Range is ignored and the caller does
// not ask). An entity tag holds if it matches etag by strong
// comparison; a weak tag never does. A date never holds, since no handler
// sends a Last-Modified that it could match. When it does not hold, the
// Range field is ignored and the whole representation is sent.
func CheckIfRange(r *http.Request, etag string) Cond {
	lines := r.Header["If-Range"]
	if len(lines) == 0 {
		return CondNone
	}
	if len(lines) > 1 {
		return CondFalse // If-Range is a single value, not a list
	}
	tag, rest := scanETag(lines[0])
	if tag == "" || TrimOWS(rest) != "" || !strongMatch(tag, etag) {
		return CondFalse
	}
	return CondTrue
}

// matchETagList reports whether one field line of If-Match or
// If-None-Match, "*" or a comma-separated list of entity tags, matches
// etag. Parsing stops at the first malformed element, as net/http's does.
func matchETagList(line, etag string, strong bool) bool {
	line = TrimOWS(line)
	if line == "*" {
		return true
	}
	for line != "" {
		if line[0] == ',' {
			line = TrimOWS(line[1:])
			continue
		}
		var tag string
		tag, line = scanETag(line)
		if tag == "" {
			return false
		}
		if strong && strongMatch(tag, etag) || !strong && weakMatch(tag, etag) {
			return true
		}
		line = TrimOWS(line)
	}
	return false
}

// scanETag scans an entity tag at the start of s (RFC 9110 §8.8.3),
//
//	entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
//	etagc      = %x21 / %x23-7E / obs-text
//
// returning it and the rest of s, or "" if s does not start with one.
func scanETag(s string) (tag, rest string) {
	s = TrimOWS(s)
	start := 0
	if len(s) >= 2 && s[0] == 'W' && s[1] == '/' {
		start = 2
	}
	if len(s) <= start || s[start] != '"' {
		return "", ""
	}
	end := strings.IndexByte(s[start+1:], '"') + start + 1
	if end == start || !etagcOnly(s[start+1:end]) {
		return "", "" // no closing quote, or a byte etagc excludes
	}
	return s[:end+1], s[end+1:]
}

// etagcOnly reports whether s, which holds no quote, is all etagc: no
// control byte, space or DEL. Every 304 scans a tag of 50 to 70 bytes,
// and a comparison per byte was a fifth of such a request's CPU time, so
// it looks at 8 bytes at a time, with the tests of Hacker's Delight
// §6-1: the high bit of a byte of (x - 0x21…) &^ x is set for a byte
// below 0x21, and that of (y - 0x01…) &^ y for a zero byte of y, one
// that is 0x7f in x. A borrow can only set it above a byte that has it.
func etagcOnly(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for len(s) >= 8 {
		x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		y := x ^ 0x7f*ones
		if ((x-0x21*ones)&^x|(y-ones)&^y)&highs != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// strongMatch is the strong comparison of RFC 9110 §8.8.3.2: both tags
// strong and equal.
func strongMatch(a, b string) bool {
	return a == b && a != "" && a[0] == '"'
}

// weakMatch is the weak comparison of RFC 9110 §8.8.3.2: equal opaque
// tags, either or both may be weak.
func weakMatch(a, b string) bool {
	return opaqueTag(a) == opaqueTag(b)
}

func opaqueTag(t string) string {
	if len(t) >= 2 && t[0] == 'W' && t[1] == '/' {
		return t[2:]
	}
	return t
}
