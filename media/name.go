package media

import (
	"mime"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/text/unicode/norm"
)

// MaxNameLen caps a cleaned name, in bytes, before a random suffix is
// added to make it unique (8 bytes more). It matches the default
// max_length of Django's FileField, and leaves room under the 255 bytes
// most file systems allow for one name.
const MaxNameLen = 100

// maxExtLen caps an extension, dot included. Real ones are short; a longer
// "extension" is more likely a name with a dot in it.
const maxExtLen = 16

// defaultName replaces a name that is empty once cleaned.
const defaultName = "file"

// cleanName turns a client's file name into one safe to store and serve,
// as Django's get_valid_name does, and more:
//
//   - Only the last element is kept: a client sends no directories, and
//     "../", "..\" or "C:\Users\x\" before a name are dropped with them.
//   - Letters, marks, digits, "-", "_" and "." are kept; spaces and other
//     separators become "_"; everything else goes: control characters, NUL,
//     bidirectional controls (which make "gpj.exe" read as "exe.jpg"),
//     invisible format characters, quotes, slashes, shell and URL
//     metacharacters, and invalid UTF-8.
//   - The result is in Unicode Normalization Form C, so that "é" typed on
//     two systems is one name, not two that look alike.
//   - Leading dots are removed (no dotfiles: the handler never serves them)
//     and so are trailing dots (Windows drops them).
//   - The extension is lower-cased, and one that a local store reserves
//     (".attrs", ".tmp") loses its dot.
//   - Windows device names (CON, NUL, COM1...) get a "_" prefix.
//   - The name is cut to MaxNameLen bytes at a character boundary,
//     keeping the extension.
//   - A name left empty becomes "file".
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	under := false // last written byte is a "_" made from a separator
	for _, r := range norm.NFC.String(strings.ToValidUTF8(name, "")) {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.':
			b.WriteRune(r)
			under = false
		case unicode.IsSpace(r) || unicode.In(r, unicode.Zs):
			if !under {
				b.WriteByte('_')
				under = true
			}
		}
	}
	// Removing characters can bring a base letter and a mark together, so
	// normalize again.
	name = norm.NFC.String(b.String())
	name = strings.Trim(name, ".")
	if _, ext := splitExt(name); ext == "" && len(name) > MaxNameLen {
		// No extension to keep: cut first, so that the cut name's own
		// extension, if it has one, is lower-cased like any other.
		name = strings.TrimRight(cutAt(name, MaxNameLen), ".")
	}
	stem, ext := splitExt(name)
	stem = strings.TrimRight(stem, ".")
	if stem == "" {
		stem = defaultName
	}
	if isDeviceName(stem) {
		stem = "_" + stem
	}
	return joinExt(stem, ext)
}

// splitExt splits a name at its last dot into stem and lower-cased
// extension, dot included. A dot at the start is not an extension, nor is
// one that leaves a long or empty suffix.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || len(name)-i > maxExtLen || i == len(name)-1 {
		return name, ""
	}
	stem, ext = name[:i], strings.ToLower(name[i:])
	if ext == ".attrs" || ext == ".tmp" {
		// "a.B.TMP" becomes "a.B_tmp", whose own extension, ".B_tmp",
		// is split (and lower-cased) as any other, so that cleaning
		// twice gives what cleaning once did.
		return splitExt(stem + "_" + ext[1:])
	}
	return stem, ext
}

// joinExt joins stem and ext, cutting stem so that the result fits in
// MaxNameLen bytes.
func joinExt(stem, ext string) string {
	if max := MaxNameLen - len(ext); len(stem) > max {
		stem = strings.TrimRight(cutAt(stem, max), ".")
		if stem == "" {
			stem = defaultName
		}
	}
	return stem + ext
}

// cutAt cuts s to at most max bytes at a boundary where NFC stays NFC, so
// that a letter never loses its accent to the cut.
func cutAt(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !(utf8.RuneStart(s[i]) && norm.NFC.PropertiesString(s[i:]).BoundaryBefore()) {
		i--
	}
	return s[:i]
}

// isDeviceName reports whether stem, or its part before a dot, is a name
// Windows reserves for a device, which no file there can have.
func isDeviceName(stem string) bool {
	base, _, _ := strings.Cut(stem, ".")
	switch u := strings.ToUpper(base); u {
	case "CON", "PRN", "AUX", "NUL":
		return true
	default:
		return len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && '0' <= u[3] && u[3] <= '9'
	}
}

// fitExtension makes a cleaned name's extension agree with the type
// detected from the content, so that a server that guesses types from
// names (nginx over the local directory, a download's file manager) does
// not take a script named ".png" for an image, or a PNG named ".html" for
// a page. The client's extension stays if it is one for the detected type
// ("photo.jpeg" for image/jpeg); otherwise it becomes the detected type's
// usual one. Content of unknown type keeps its extension unless it names a
// type a browser or server would run (activeExts) or one that nginx (see
// Store.Nginx) would serve as a known type: HTML with binary bytes after it
// is of no known type, and must not be served as "x.png".
func fitExtension(name string, detected *mimetype.MIME) string {
	stem, ext := splitExt(name)
	want := detected.Extension()
	if ext != "" && ext == want {
		return name
	}
	if ext != "" {
		base, _, _ := strings.Cut(detected.String(), ";")
		exts, _ := mime.ExtensionsByType(base)
		if slices.Contains(exts, ext) {
			return name
		}
	}
	switch {
	case want != "":
		ext = want
	case activeExts[ext] || guessedExt(ext):
		ext = ""
	}
	return joinExt(stem, ext)
}

// guessedExt reports whether Store.Nginx's types map names ext (".png").
func guessedExt(ext string) bool {
	types, _ := nginxTypes()
	_, ok := types[strings.TrimPrefix(ext, ".")]
	return ok
}

// activeExts are extensions that make a server or browser run or render a
// file as a page or program; content of unknown type loses them.
var activeExts = map[string]bool{
	".html": true, ".htm": true, ".xhtml": true, ".xht": true, ".shtml": true,
	".svg": true, ".svgz": true, ".xml": true, ".xsl": true, ".xslt": true,
	".js": true, ".mjs": true, ".pdf": true, ".swf": true,
	".php": true, ".phtml": true, ".cgi": true, ".asp": true, ".aspx": true, ".jsp": true,
}
