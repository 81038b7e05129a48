package runtime

import (
	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/internal/pkgformat"
)

// Content codings the handler can serve, in the server's order of
// preference among codings a client weighs equally: Brotli is densest and
// universally supported by browsers, zstd decodes faster but is newer, gzip
// is the fallback everyone has.
const (
	codingBr = iota
	codingZstd
	codingGzip
	numCodings

	codingIdentity = -1
)

// codingIndex returns the index of a content-coding token as File tables
// spell it, or codingIdentity for a token the handler does not negotiate.
func codingIndex(token string) int {
	switch token {
	case pkgformat.Brotli:
		return codingBr
	case pkgformat.Zstd:
		return codingZstd
	case pkgformat.Gzip:
		return codingGzip
	}
	return codingIdentity
}

// acceptEncoding is a parsed Accept-Encoding field (RFC 9110 §12.5.3),
// reduced to what the handler can act on: the weight of each coding it
// serves, of "identity" and of "*". A weight is a qvalue times 1000
// (0..1000), or -1 when the field does not mention the coding.
type acceptEncoding struct {
	present  bool // the request has an Accept-Encoding field, even empty
	q        [numCodings]int16
	identity int16
	star     int16
}

// parseAcceptEncoding parses the Accept-Encoding field lines of a request.
// It does not allocate. Elements it cannot parse (a bad qvalue, a
// malformed parameter) are ignored, as RFC 9110 §5.6.1.2 lets a recipient
// do with invalid list elements; codings it does not serve are ignored. If
// a coding is listed twice, the higher weight counts. "x-gzip" is gzip
// (RFC 9110 §8.4.1.3).
//
// Each element's coding is matched before its parameters are read, so the
// parameters of codings the handler ignores ("deflate;q=0.5") cost nothing,
// and a coding that matches needs no token check: every name it can match
// is a token.
func parseAcceptEncoding(lines []string) acceptEncoding {
	ae := acceptEncoding{
		present:  len(lines) > 0,
		q:        [numCodings]int16{-1, -1, -1},
		identity: -1,
		star:     -1,
	}
	for _, line := range lines {
		for len(line) > 0 {
			var elem string
			elem, line = httpserve.CutByte(line, ',')
			coding, params := httpserve.CutByte(elem, ';')
			dst := ae.weightOf(httpserve.TrimOWS(coding))
			if dst == nil {
				continue
			}
			if q, ok := parseWeight(params); ok {
				*dst = max(*dst, q)
			}
		}
	}
	return ae
}

// weightOf returns where the weight of coding is kept, or nil for a coding
// (or a malformed element) the handler ignores.
func (ae *acceptEncoding) weightOf(coding string) *int16 {
	// The spellings browsers send, compared as strings first: a switch
	// on length and bytes costs less than folding case.
	switch coding {
	case pkgformat.Brotli:
		return &ae.q[codingBr]
	case pkgformat.Zstd:
		return &ae.q[codingZstd]
	case pkgformat.Gzip:
		return &ae.q[codingGzip]
	}
	switch {
	case httpserve.EqualFoldASCII(coding, pkgformat.Brotli):
		return &ae.q[codingBr]
	case httpserve.EqualFoldASCII(coding, pkgformat.Zstd):
		return &ae.q[codingZstd]
	case httpserve.EqualFoldASCII(coding, pkgformat.Gzip), httpserve.EqualFoldASCII(coding, "x-gzip"):
		return &ae.q[codingGzip]
	case httpserve.EqualFoldASCII(coding, "identity"):
		return &ae.identity
	case coding == "*":
		return &ae.star
	}
	return nil
}

// parseWeight parses the parameters of a list element, `;q=0.8` in
// `gzip;q=0.8` (RFC 9110 §12.4.2, §12.5.3), into a weight: 1000 if there
// is no q parameter, and not ok if its value is malformed.
func parseWeight(params string) (q int16, ok bool) {
	q = 1000
	for params != "" {
		var p string
		p, params = httpserve.CutByte(params, ';')
		p = httpserve.TrimOWS(p)
		if p == "" {
			continue
		}
		name, value := httpserve.CutByte(p, '=')
		name, value = httpserve.TrimOWS(name), httpserve.TrimOWS(value)
		if !httpserve.EqualFoldASCII(name, "q") {
			continue // no other parameter is defined for codings
		}
		w, ok := parseQValue(value)
		if !ok {
			return 0, false
		}
		q = w
	}
	return q, true
}

// parseQValue parses a qvalue (RFC 9110 §12.4.2) into thousandths:
//
//	qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
func parseQValue(s string) (int16, bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	q := int16(s[0]-'0') * 1000
	if len(s) == 1 {
		return q, true
	}
	if s[1] != '.' || len(s) > 5 {
		return 0, false
	}
	scale := int16(100)
	for i := 2; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int16(c-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return 0, false
	}
	return q, true
}

// negotiate picks the representation to send given the codings a file has
// (RFC 9110 §12.5.3). It returns codingIdentity or a coding index, and
// false when nothing the file has is acceptable.
//
// Without an Accept-Encoding field the client has no preference and gets
// identity, the representation every client can read. Otherwise the coding
// with the highest weight wins, ties going to the server's preference
// (br, zstd, gzip); a coding the field does not name gets the weight of
// "*", and none if "*" is absent. Identity is acceptable unless the field
// gives it weight 0, or gives "*" weight 0 without naming identity; it wins
// only if the field names it with a weight above every acceptable coding's,
// since a client that accepts a coding saves bytes by getting it.
//
// When identity is excluded and no coding is acceptable, RFC 9110 §12.5.3
// allows either ignoring the field or answering 406; the handler answers
// 406 Not Acceptable, which tells a misconfigured client what is wrong
// rather than sending bytes it said it cannot read.
func (ae *acceptEncoding) negotiate(has *[numCodings]bool) (int, bool) {
	if !ae.present {
		return codingIdentity, true
	}
	best, bestQ := codingIdentity, int16(0)
	for c := range numCodings {
		if !has[c] {
			continue
		}
		q := ae.q[c]
		if q < 0 {
			q = ae.star
		}
		if q > bestQ {
			best, bestQ = c, q
		}
	}
	if best != codingIdentity && ae.identity <= bestQ {
		return best, true
	}
	identityOK := ae.identity > 0 || (ae.identity < 0 && ae.star != 0)
	if identityOK {
		return codingIdentity, true
	}
	if best != codingIdentity {
		return best, true
	}
	return codingIdentity, false
}
