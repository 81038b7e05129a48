// Package httpserve is the one HTTP serving pipeline of the static
// handler (package runtime, production and development mode) and the
// media handler (package media), so that there is one copy of each rule:
// the request path rules, methods, preconditions (RFC 9110 §13), ranges
// (§14), the error responses and the URL prefix rules. Serve runs them
// all, as net/http's serveContent does.
//
// Nothing here knows where content comes from. Each handler is only a
// Resolver: it finds the Representation a request names, whose bytes are
// in memory (runtime) or streamed from a file or an object store (media).
package httpserve

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Error answers status with its standard text. Validators and content
// fields set for a success response are removed; error text never is
// sent, as it could reveal file names or internals.
func Error(w http.ResponseWriter, r *http.Request, status int) {
	hdr := w.Header()
	for _, k := range []string{"Etag", "Cache-Control", "Content-Encoding", "Accept-Ranges"} {
		delete(hdr, k)
	}
	body := http.StatusText(status) + "\n"
	hdr["Content-Type"] = []string{"text/plain; charset=utf-8"}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		io.WriteString(w, body)
	}
}

// ParsePrefix validates a URL prefix and returns the URL path a handler is
// mounted at, always starting and ending with "/", or why the prefix is
// invalid (mount is then "").
//
// A prefix is either an absolute path ("/static/", "/media/") or an http or
// https origin with an optional path, as when files are served by a CDN
// ("https://cdn.example.com/app/"; "//cdn.example.com/" is accepted too).
// A relative path, another scheme, a query, a fragment, user info, a
// space, control character or backslash, an empty path segment or a "."
// or ".." segment is invalid.
func ParsePrefix(prefix string) (mount, why string) {
	if prefix == "" {
		return "", "empty"
	}
	for _, r := range prefix {
		if r <= ' ' || r == 0x7f || r == '\\' {
			return "", "contains a space, control character or backslash"
		}
	}
	u, err := url.Parse(prefix)
	if err != nil {
		return "", "not a URL"
	}
	switch {
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(prefix, "?#"):
		return "", "has a query or fragment"
	case u.User != nil:
		return "", "has user info"
	case u.Scheme == "" && u.Host == "" && !strings.HasPrefix(prefix, "/"):
		return "", "relative path"
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		return "", "scheme must be http or https"
	case u.Scheme != "" && u.Host == "":
		return "", "no host"
	case u.Opaque != "":
		return "", "not a hierarchical URL"
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		if seg == "." || seg == ".." {
			return "", `has a "." or ".." segment`
		}
	}
	if strings.Contains(p, "//") {
		return "", "has an empty path segment"
	}
	return p, ""
}

// Mount returns the URL path where a Set with the given prefix answers, and
// against which absolute references in CSS and JavaScript resolve:
// "/static/" for "/static/" and for "https://cdn.example.com/static/". A
// prefix that ParsePrefix refuses, which no Set or Config accepts, gives
// "/".
func Mount(prefix string) string {
	if mount, why := ParsePrefix(prefix); why == "" {
		return mount
	}
	return "/"
}

// CutByte is strings.Cut for a single byte.
func CutByte(s string, sep byte) (before, after string) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// TrimOWS removes optional whitespace, spaces and tabs (RFC 9110 §5.6.3).
func TrimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// EqualFoldASCII is strings.EqualFold for ASCII, which is all that header
// tokens may hold; it does not decode UTF-8.
func EqualFoldASCII(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		a, b := s[i], t[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}
