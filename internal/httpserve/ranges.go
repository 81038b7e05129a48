package httpserve

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// MaxRanges caps the number of ranges in one Range field. Browsers send
// one (media seeking, resumed downloads); PDF viewers a handful. A request
// for more is almost certainly an attempt to make the server do a lot of
// small writes or reflect a large multipart body, and RFC 9110 §14.2 lets
// a server ignore such a field, so the whole representation is sent.
const MaxRanges = 16

// Range is one satisfiable range, resolved against the size.
type Range struct {
	Start, Length int64
}

// RangeSet holds parsed ranges in a fixed array so that parsing does not
// allocate.
type RangeSet struct {
	n int
	r [MaxRanges]Range
}

// Ranges returns the ranges in the order the field gave them.
func (rs *RangeSet) Ranges() []Range { return rs.r[:rs.n] }

// Len returns the number of ranges. With At, it reads a set without
// making it escape to the heap, as Ranges does.
func (rs *RangeSet) Len() int { return rs.n }

// At returns the i'th range.
func (rs *RangeSet) At(i int) Range { return rs.r[i] }

// RangeResult says what to do with a Range field.
type RangeResult int

const (
	RangeIgnore        RangeResult = iota // send the whole representation, 200
	RangeSatisfiable                      // send the ranges, 206
	RangeUnsatisfiable                    // 416 with Content-Range: bytes */size
)

// Parse parses a Range field (RFC 9110 §14.1.2, §14.2) against a
// representation of size bytes, size > 0, into rs, which holds no ranges
// unless the result is RangeSatisfiable. It fills rs in place rather than
// returning a RangeSet, so that a 206 copies none of its 264 bytes.
//
// A field that is not a valid bytes ranges-specifier is ignored, as
// §14.2 requires for units the server does not understand and allows for
// invalid ones (net/http answers 416; ignoring is kinder to clients that
// merely got the syntax wrong, and costs nothing since a 200 is always
// correct). So is one with more than MaxRanges ranges, one whose ranges
// overlap, and one whose ranges add up to more than the size: as net/http
// says, "probably an attack", and §14.2 allows ignoring them.
//
// Ranges that start past the end are dropped; if none is left the result
// is RangeUnsatisfiable (§15.5.17). A last-pos past the end is clamped,
// and a suffix range longer than the size means the whole representation
// (§14.1.2).
func (rs *RangeSet) Parse(field string, size int64) RangeResult {
	res := rs.parse(field, size)
	if res != RangeSatisfiable {
		rs.n = 0
	}
	return res
}

func (rs *RangeSet) parse(field string, size int64) RangeResult {
	rs.n = 0
	unit, specs := CutByte(field, '=')
	if !EqualFoldASCII(TrimOWS(unit), "bytes") {
		return RangeIgnore
	}
	specified := 0
	for specs != "" {
		var spec string
		spec, specs = CutByte(specs, ',')
		spec = TrimOWS(spec)
		if spec == "" {
			continue // empty list elements are allowed (RFC 9110 §5.6.1.2)
		}
		specified++
		if specified > MaxRanges {
			return RangeIgnore
		}
		r, ok, satisfiable := parseRangeSpec(spec, size)
		if !ok {
			return RangeIgnore
		}
		if satisfiable {
			rs.r[rs.n] = r
			rs.n++
		}
	}
	switch {
	case specified == 0:
		return RangeIgnore
	case rs.n == 0:
		return RangeUnsatisfiable
	case !reasonable(rs.Ranges(), size):
		return RangeIgnore
	}
	return RangeSatisfiable
}

// parseRangeSpec parses one int-range or suffix-range (RFC 9110 §14.1.1):
//
//	int-range    = first-pos "-" [ last-pos ]
//	suffix-range = "-" suffix-length
//
// ok is false for a malformed spec, including last-pos < first-pos.
func parseRangeSpec(spec string, size int64) (r Range, ok, satisfiable bool) {
	first, last := CutByte(spec, '-')
	if len(first) == len(spec) {
		return Range{}, false, false // no "-"
	}
	if first == "" {
		n, ok := parseDigits(last)
		if !ok {
			return Range{}, false, false
		}
		if n == 0 {
			return Range{}, true, false
		}
		n = min(n, size)
		return Range{Start: size - n, Length: n}, true, true
	}
	start, ok := parseDigits(first)
	if !ok {
		return Range{}, false, false
	}
	end := size - 1
	if last != "" {
		e, ok := parseDigits(last)
		if !ok || e < start {
			return Range{}, false, false
		}
		end = min(e, size-1)
	}
	if start >= size {
		return Range{}, true, false
	}
	return Range{Start: start, Length: end - start + 1}, true, true
}

// parseDigits parses 1*DIGIT without sign, space or overflow.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false // 18 digits cannot overflow int64
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// reasonable reports whether a set of ranges is worth serving as asked:
// no two overlap and together they are no larger than the content. A
// client gains nothing from either, and both multiply the work of a
// multipart response.
func reasonable(rs []Range, size int64) bool {
	var sum int64
	for i, a := range rs {
		sum += a.Length
		for _, b := range rs[:i] {
			if a.Start < b.Start+b.Length && b.Start < a.Start+a.Length {
				return false
			}
		}
	}
	return sum <= size
}

// ContentRange formats a Content-Range field value (RFC 9110 §14.4).
func ContentRange(dst []byte, r Range, size int64) []byte {
	dst = append(dst, "bytes "...)
	dst = strconv.AppendInt(dst, r.Start, 10)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, r.Start+r.Length-1, 10)
	dst = append(dst, '/')
	return strconv.AppendInt(dst, size, 10)
}

// SetRange prepares the answer to a single range, 206 with Content-Range
// (RFC 9110 §15.3.7.1): it sets the two fields and writes the status, and
// the caller writes the range's bytes unless the method is HEAD. The two
// header values share one string and one backing array, two allocations in
// all: they depend on the request, so unlike most values a handler sends
// they cannot be built in advance.
func SetRange(w http.ResponseWriter, br Range, size int64) {
	var buf [64]byte
	b := ContentRange(buf[:0], br, size)
	n := len(b)
	b = strconv.AppendInt(b, br.Length, 10)
	s := string(b)
	vals := new([2]string)
	vals[0], vals[1] = s[:n], s[n:]
	h := w.Header()
	h["Content-Range"] = vals[0:1:1]
	h["Content-Length"] = vals[1:2:2]
	w.WriteHeader(http.StatusPartialContent)
}

// Multipart is an answer to several ranges as multipart/byteranges (RFC
// 9110 §14.6), each part with the representation's Content-Type and its
// Content-Range. Its length is computed before anything is sent, so the
// response has a Content-Length rather than being chunked.
type Multipart struct {
	boundary string
	ranges   []Range
	heads    []string
	tail     string
	length   int64
}

// NewMultipart lays out the parts for ranges of a representation of size
// bytes and the given content type. The boundary must be made of token
// characters, at most 70 of them (RFC 2046 §5.1.1), and must not occur in
// the content; see MultipartBoundary.
func NewMultipart(ranges []Range, size int64, contentType, boundary string) *Multipart {
	m := &Multipart{boundary: boundary, ranges: slices.Clone(ranges), heads: make([]string, len(ranges))}
	for i, br := range ranges {
		var sb strings.Builder
		if i > 0 {
			sb.WriteString("\r\n")
		}
		sb.WriteString("--")
		sb.WriteString(boundary)
		sb.WriteString("\r\nContent-Range: ")
		sb.Write(ContentRange(nil, br, size))
		sb.WriteString("\r\nContent-Type: ")
		sb.WriteString(contentType)
		sb.WriteString("\r\n\r\n")
		m.heads[i] = sb.String()
		m.length += int64(len(m.heads[i])) + br.Length
	}
	m.tail = "\r\n--" + boundary + "--\r\n"
	m.length += int64(len(m.tail))
	return m
}

// Write answers 206 with the multipart body, or only its header fields for
// HEAD. part writes the bytes of one range to the body; the first error,
// its or the connection's, stops the response short, which the client
// sees as a failed transfer.
func (m *Multipart) Write(w http.ResponseWriter, r *http.Request, part func(w io.Writer, br Range) error) error {
	h := w.Header()
	h["Content-Type"] = []string{"multipart/byteranges; boundary=" + m.boundary}
	h["Content-Length"] = []string{strconv.FormatInt(m.length, 10)}
	w.WriteHeader(http.StatusPartialContent)
	if r.Method == http.MethodHead {
		return nil
	}
	for i, br := range m.ranges {
		if _, err := io.WriteString(w, m.heads[i]); err != nil {
			return err
		}
		if err := part(w, br); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, m.tail)
	return err
}

// MultipartBoundary turns an entity tag, a quoted base64 SHA-256, into a
// boundary of token characters (RFC 2046 §5.1.1), so that it needs no
// quoting in the Content-Type parameter. The prefix keeps it non-empty and
// the cut keeps it within the 70 characters RFC 2046 allows.
//
// A boundary derived from the entity tag is fixed per content and needs no
// random source: when the tag is the content's SHA-256, as the static
// handler's are, it can only appear in the content if the content contains
// its own digest, which is infeasible to construct. A handler whose tags
// are not content digests needs a random boundary instead.
func MultipartBoundary(etag string) string {
	b := "assetgen-" + strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_', r == '.':
			return r
		case r == '+':
			return '-'
		case r == '/':
			return '_'
		}
		return -1
	}, etag)
	return b[:min(len(b), 70)]
}
