package runtime

import (
	"net/http"
	"strconv"
	"strings"
)

// maxRanges caps the number of ranges in one Range field. Browsers send
// one (media seeking, resumed downloads); PDF viewers a handful. A request
// for more is almost certainly an attempt to make the server do a lot of
// small writes or reflect a large multipart body, and RFC 9110 §14.2 lets
// a server ignore such a field, so the whole representation is sent.
const maxRanges = 16

// byteRange is one satisfiable range, resolved against the size.
type byteRange struct {
	start, length int64
}

// rangeSet holds parsed ranges in a fixed array so that parsing does not
// allocate.
type rangeSet struct {
	n int
	r [maxRanges]byteRange
}

func (rs *rangeSet) ranges() []byteRange { return rs.r[:rs.n] }

// rangeResult says what to do with a Range field.
type rangeResult int

const (
	rangeIgnore        rangeResult = iota // send the whole representation, 200
	rangeSatisfiable                      // send the ranges, 206
	rangeUnsatisfiable                    // 416 with Content-Range: bytes */size
)

// parseRange parses a Range field (RFC 9110 §14.1.2, §14.2) against a
// representation of size bytes, size > 0.
//
// A field that is not a valid bytes ranges-specifier is ignored, as
// §14.2 requires for units the server does not understand and allows for
// invalid ones (net/http answers 416; ignoring is kinder to clients that
// merely got the syntax wrong, and costs nothing since a 200 is always
// correct). So is one with more than maxRanges ranges, one whose ranges
// overlap, and one whose ranges add up to more than the size: as net/http
// says, "probably an attack", and §14.2 allows ignoring them.
//
// Ranges that start past the end are dropped; if none is left the result
// is rangeUnsatisfiable (§15.5.17). A last-pos past the end is clamped,
// and a suffix range longer than the size means the whole representation
// (§14.1.2).
func parseRange(field string, size int64) (rangeSet, rangeResult) {
	var rs rangeSet
	unit, specs := cutByte(field, '=')
	if !equalFoldASCII(trimOWS(unit), "bytes") {
		return rs, rangeIgnore
	}
	specified := 0
	for specs != "" {
		var spec string
		spec, specs = cutByte(specs, ',')
		spec = trimOWS(spec)
		if spec == "" {
			continue // empty list elements are allowed (RFC 9110 §5.6.1.2)
		}
		specified++
		if specified > maxRanges {
			return rangeSet{}, rangeIgnore
		}
		r, ok, satisfiable := parseRangeSpec(spec, size)
		if !ok {
			return rangeSet{}, rangeIgnore
		}
		if satisfiable {
			rs.r[rs.n] = r
			rs.n++
		}
	}
	switch {
	case specified == 0:
		return rangeSet{}, rangeIgnore
	case rs.n == 0:
		return rangeSet{}, rangeUnsatisfiable
	case !reasonable(rs.ranges(), size):
		return rangeSet{}, rangeIgnore
	}
	return rs, rangeSatisfiable
}

// parseRangeSpec parses one int-range or suffix-range (RFC 9110 §14.1.1):
//
//	int-range    = first-pos "-" [ last-pos ]
//	suffix-range = "-" suffix-length
//
// ok is false for a malformed spec, including last-pos < first-pos.
func parseRangeSpec(spec string, size int64) (r byteRange, ok, satisfiable bool) {
	first, last := cutByte(spec, '-')
	if len(first) == len(spec) {
		return byteRange{}, false, false // no "-"
	}
	if first == "" {
		n, ok := parseDigits(last)
		if !ok {
			return byteRange{}, false, false
		}
		if n == 0 {
			return byteRange{}, true, false
		}
		n = min(n, size)
		return byteRange{start: size - n, length: n}, true, true
	}
	start, ok := parseDigits(first)
	if !ok {
		return byteRange{}, false, false
	}
	end := size - 1
	if last != "" {
		e, ok := parseDigits(last)
		if !ok || e < start {
			return byteRange{}, false, false
		}
		end = min(e, size-1)
	}
	if start >= size {
		return byteRange{}, true, false
	}
	return byteRange{start: start, length: end - start + 1}, true, true
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
func reasonable(rs []byteRange, size int64) bool {
	var sum int64
	for i, a := range rs {
		sum += a.length
		for _, b := range rs[:i] {
			if a.start < b.start+b.length && b.start < a.start+a.length {
				return false
			}
		}
	}
	return sum <= size
}

// contentRange formats a Content-Range field value (RFC 9110 §14.4).
func contentRange(dst []byte, r byteRange, size int64) []byte {
	dst = append(dst, "bytes "...)
	dst = strconv.AppendInt(dst, r.start, 10)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, r.start+r.length-1, 10)
	dst = append(dst, '/')
	return strconv.AppendInt(dst, size, 10)
}

// writeRange answers a single range, 206 with Content-Range (RFC 9110
// §15.3.7.1). The two header values share one string and one backing
// array, two allocations in all: they depend on the request, so unlike
// every other value the handler sends they cannot be built in advance.
func writeRange(w http.ResponseWriter, r *http.Request, data []byte, br byteRange) {
	size := int64(len(data))
	var buf [64]byte
	b := contentRange(buf[:0], br, size)
	n := len(b)
	b = strconv.AppendInt(b, br.length, 10)
	s := string(b)
	vals := new([2]string)
	vals[0], vals[1] = s[:n], s[n:]
	h := w.Header()
	h["Content-Range"] = vals[0:1:1]
	h["Content-Length"] = vals[1:2:2]
	w.WriteHeader(http.StatusPartialContent)
	if r.Method != http.MethodHead {
		w.Write(data[br.start : br.start+br.length])
	}
}

// writeMultipartRanges answers several ranges as multipart/byteranges
// (RFC 9110 §14.6), each part with the representation's Content-Type and
// its Content-Range. The length is computed first, so the response has a
// Content-Length rather than being chunked.
//
// The boundary is derived from the entity tag, so it is fixed per content
// and needs no random source: it can only appear in the content if the
// content contains its own SHA-256, which is infeasible to construct.
func writeMultipartRanges(w http.ResponseWriter, r *http.Request, data []byte, ranges []byteRange, contentType, etag string) {
	size := int64(len(data))
	boundary := multipartBoundary(etag)
	heads := make([]string, len(ranges))
	total := int64(0)
	for i, br := range ranges {
		var sb strings.Builder
		if i > 0 {
			sb.WriteString("\r\n")
		}
		sb.WriteString("--")
		sb.WriteString(boundary)
		sb.WriteString("\r\nContent-Range: ")
		sb.Write(contentRange(nil, br, size))
		sb.WriteString("\r\nContent-Type: ")
		sb.WriteString(contentType)
		sb.WriteString("\r\n\r\n")
		heads[i] = sb.String()
		total += int64(len(heads[i])) + br.length
	}
	tail := "\r\n--" + boundary + "--\r\n"
	total += int64(len(tail))

	h := w.Header()
	h["Content-Type"] = []string{"multipart/byteranges; boundary=" + boundary}
	h["Content-Length"] = []string{strconv.FormatInt(total, 10)}
	w.WriteHeader(http.StatusPartialContent)
	if r.Method == http.MethodHead {
		return
	}
	for i, br := range ranges {
		if _, err := w.Write([]byte(heads[i])); err != nil {
			return
		}
		if _, err := w.Write(data[br.start : br.start+br.length]); err != nil {
			return
		}
	}
	w.Write([]byte(tail))
}

// multipartBoundary turns an entity tag, a quoted base64 SHA-256, into a
// boundary of token characters (RFC 2046 §5.1.1), so that it needs no
// quoting in the Content-Type parameter. The prefix keeps it non-empty and
// the cut keeps it within the 70 characters RFC 2046 allows.
func multipartBoundary(etag string) string {
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
