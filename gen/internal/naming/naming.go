// Package naming maps logical paths to Go identifiers and to fingerprinted
// file names. Both mappings are pure functions of the path (and the hash), so
// a file's identifier never changes because another file was added.
package naming

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
)

// initialisms are words written in upper case in Go names: the common ones
// from Go's style (ID, URL, HTML...) and the file types an asset tree holds.
var initialisms = map[string]bool{
	"api": true, "ascii": true, "avif": true, "bmp": true, "cpu": true,
	"css": true, "csv": true, "dns": true, "eot": true, "gif": true,
	"gz": true, "html": true, "http": true, "https": true, "ico": true,
	"id": true, "ip": true, "jpeg": true, "jpg": true, "js": true,
	"json": true, "jsx": true, "mjs": true, "mp3": true, "mp4": true,
	"otf": true, "pdf": true, "png": true, "rss": true, "sql": true,
	"svg": true, "tif": true, "tiff": true, "ts": true, "tsx": true,
	"ttf": true, "txt": true, "ui": true, "uri": true, "url": true,
	"utf8": true, "uuid": true, "wasm": true, "webm": true, "webp": true,
	"woff": true, "woff2": true, "xml": true, "yaml": true, "yml": true,
	"zip": true,
}

// Ident returns the exported Go identifier for a logical path.
//
// The rule: the path is split into words at every character that is neither
// a letter nor a digit ("/", ".", "-", "_", space...). Each word is
// capitalized (its first letter upper-cased, the rest kept, so "myIcon"
// stays "MyIcon"), or written in upper case when it is an initialism such as
// CSS, JS, SVG, PNG, JSON, HTML, ID or URL. Two adjacent words that would
// run digits together ("icon-1-2.png") are joined by "_" so that "1_2"
// cannot be confused with "12". If the result does not start with an
// upper-case letter (a leading digit, or a letter with no upper case, as in
// most CJK scripts), it is prefixed with "X". Letters outside ASCII are kept,
// as Go allows.
//
//	base.css           BaseCSS
//	css/site.min.js    CSSSiteMinJS
//	img/logo@2x.png    ImgLogo2xPNG
//	404.html           X404HTML
//	fonts/Inter-Bold.woff2  FontsInterBoldWOFF2
//
// An empty result (a path of only punctuation) is returned as "".
func Ident(logical string) string {
	var b strings.Builder
	prevDigit := false
	for _, w := range words(logical) {
		first, _ := utf8.DecodeRuneInString(w)
		if prevDigit && unicode.IsDigit(first) {
			b.WriteByte('_')
		}
		if initialisms[strings.ToLower(w)] {
			b.WriteString(strings.ToUpper(w))
		} else {
			b.WriteRune(unicode.ToUpper(first))
			b.WriteString(w[utf8.RuneLen(first):])
		}
		last, _ := utf8.DecodeLastRuneInString(w)
		prevDigit = unicode.IsDigit(last)
	}
	id := b.String()
	if id == "" {
		return ""
	}
	if first, _ := utf8.DecodeRuneInString(id); !unicode.IsUpper(first) {
		id = "X" + id
	}
	return id
}

// words splits s at every rune that cannot be part of a Go identifier word.
// Invalid UTF-8 counts as a separator.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r))
	})
}

// compound are extensions kept together, so that the fingerprint goes before
// them: tools that recognise "x.tar.gz" or "x.js.map" still do.
var compound = []string{".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".js.map", ".mjs.map", ".css.map", ".d.ts"}

// SplitExt splits the base name of a logical path into stem and extension,
// the point where a fingerprint goes: the last dot, except that the known
// compound extensions stay whole and a leading dot is part of the stem.
//
//	base.css        base          .css
//	jquery.min.js   jquery.min    .js
//	archive.tar.gz  archive       .tar.gz
//	app.js.map      app           .js.map
//	LICENSE         LICENSE       ""
//	.htaccess       .htaccess     ""
func SplitExt(name string) (stem, ext string) {
	lower := strings.ToLower(name)
	for _, c := range compound {
		if strings.HasSuffix(lower, c) && len(name) > len(c) {
			return name[:len(name)-len(c)], name[len(name)-len(c):]
		}
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, ""
	}
	return name[:i], name[i:]
}

// Hashed returns the fingerprinted logical path: the hash goes between the
// stem and the extension of the base name, after a dot, as Django's
// ManifestStaticFilesStorage does ("css/base.css" becomes
// "css/base.1a2b3c4d5e6f.css"; "LICENSE" becomes "LICENSE.1a2b3c4d5e6f").
func Hashed(logical, hash string) string {
	dir, name := "", logical
	if i := strings.LastIndexByte(logical, '/'); i >= 0 {
		dir, name = logical[:i+1], logical[i+1:]
	}
	stem, ext := SplitExt(name)
	return dir + stem + "." + hash + ext
}

// Parse is the inverse of Hashed for a hash of n lower-case hex digits: it
// returns the logical path and the hash of a fingerprinted name, and ok
// false for a name that Hashed does not make with such a hash. For hashes
// of 8 digits or more (Config allows 8 to 64) it undoes Hashed exactly;
// shorter ones can be ambiguous across SplitExt's compounds. Development
// mode uses it to serve a fingerprinted URL from the source it names.
func Parse(name string, n int) (logical, hash string, ok bool) {
	dir, base := "", name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir, base = name[:i+1], name[i+1:]
	}
	// The hash follows a dot and ends the base name or comes before
	// another dot. Which dot depends on SplitExt's compound extensions, so
	// each candidate is checked by making the name again.
	for i := 0; i+n < len(base); i++ {
		end := i + 1 + n
		if base[i] != '.' || !isHex(base[i+1:end], n) || end < len(base) && base[end] != '.' {
			continue
		}
		if p := dir + base[:i] + base[end:]; Hashed(p, base[i+1:end]) == name {
			return p, base[i+1 : end], true
		}
	}
	return "", "", false
}

// isHex reports whether s is n lower-case hex digits, as Hashed's hashes
// are written.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// CycleSums returns the sums that name the members of a reference cycle
// (a.css imports b.css imports a.css), which cannot be named one after
// another. logicals are the members' logical paths, sorted; partial[i] is
// member i's content with the references leaving the cycle already
// rewritten to their final names. The cycle's digest is the SHA-256 of
// every member's path and partial content, length-prefixed, in order; a
// member's sum is the SHA-256 of that digest and its own path. So every
// member's name covers every member's content and everything the cycle
// reaches, and depends on nothing else.
func CycleSums(logicals []string, partial [][]byte) [][sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for i, l := range logicals {
		binary.LittleEndian.PutUint64(n[:], uint64(len(l)))
		h.Write(n[:])
		h.Write([]byte(l))
		binary.LittleEndian.PutUint64(n[:], uint64(len(partial[i])))
		h.Write(n[:])
		h.Write(partial[i])
	}
	digest := h.Sum(nil)
	out := make([][sha256.Size]byte, len(logicals))
	for i, l := range logicals {
		out[i] = sha256.Sum256(append(digest[:len(digest):len(digest)], l...))
	}
	return out
}
