// Package importmap resolves the bare module specifiers of a package's
// JavaScript ("lodash-es", "app/util.js") to logical paths, from a small
// configuration file, so that modules written for the browser's import maps
// need no bundler and a specifier with no target fails go generate at its
// line and column rather than the page at run time.
//
// The configuration is JSON:
//
//	{
//	  "imports": {
//	    "app/": "js/app/",
//	    "chart": "vendor/chart/chart.js"
//	  },
//	  "packages": ["vendor/lodash-es"]
//	}
//
// An "imports" key is a specifier, its value a logical path; a key ending
// in "/" maps every specifier it starts with to the same rest under a
// directory, and the longest such key wins, as in the HTML Standard's
// "resolve an imports match". Each "packages" entry is the logical
// directory of a vendored npm package: its package.json's "name" becomes a
// specifier, and its "exports" (subpaths, "*" patterns and the "browser",
// "import", "module" and "default" conditions, in the file's order) or,
// without exports, its "module" or "main" field says which file each
// subpath names, as Node and bundlers read it. An "imports" entry wins over
// a package.
package importmap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/internal/diag"
)

// Map resolves specifiers. The zero Map resolves none.
type Map struct {
	exact    map[string]string // specifier to logical path
	prefixes []prefix          // longest key first
	packages []*pkg            // by name, longest first
}

type prefix struct{ key, dir string }

// pkg is a vendored npm package.
type pkg struct {
	name, dir string
	exports   *ordered // nil: no "exports"; use main
	main      string
}

// Load reads the configuration in data (read from the file name, for
// messages) and the package.json of each package, which read returns by
// logical path. A problem with either is a *diag.Diag in that file: the
// configuration's name, or the package.json's logical path.
func Load(name string, data []byte, read func(logical string) ([]byte, error)) (*Map, error) {
	var cfg struct {
		Imports  map[string]string `json:"imports"`
		Packages []string          `json:"packages"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, &diag.Diag{File: name, Msg: fmt.Sprintf("%v; want {\"imports\": {\"specifier\": \"logical/path.js\"}, \"packages\": [\"vendor/pkg\"]}", err)}
	}
	m := &Map{exact: map[string]string{}}
	for k, v := range cfg.Imports {
		v = strings.TrimPrefix(v, "./")
		switch {
		case k == "" || !Bare(k):
			return nil, &diag.Diag{File: name, Msg: fmt.Sprintf("imports: %q is not a bare specifier; relative and absolute ones need no map", k)}
		case strings.HasSuffix(k, "/") != strings.HasSuffix(v, "/"):
			return nil, &diag.Diag{File: name, Msg: fmt.Sprintf("imports: %q maps to %q; a key ending in / needs a directory ending in /, and only such a key", k, v)}
		case strings.HasSuffix(k, "/"):
			m.prefixes = append(m.prefixes, prefix{k, v})
		default:
			m.exact[k] = v
		}
	}
	slices.SortFunc(m.prefixes, func(a, b prefix) int { return len(b.key) - len(a.key) })
	for _, dir := range cfg.Packages {
		dir = strings.Trim(strings.TrimPrefix(dir, "./"), "/")
		file := path.Join(dir, "package.json")
		data, err := read(file)
		if err != nil {
			return nil, &diag.Diag{File: name, Msg: fmt.Sprintf("packages: %s: %v; vendor the package's files (package.json included) under a source directory", file, err)}
		}
		p, err := parsePackage(dir, data)
		if err != nil {
			return nil, &diag.Diag{File: file, Msg: err.Error()}
		}
		m.packages = append(m.packages, p)
	}
	slices.SortFunc(m.packages, func(a, b *pkg) int { return len(b.name) - len(a.name) })
	return m, nil
}

// Bare reports whether a module specifier is bare: not a URL with a scheme
// and not a path starting with "/", "./" or "../".
func Bare(spec string) bool {
	if strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") {
		return false
	}
	if i := strings.IndexByte(spec, ':'); i > 0 && !strings.ContainsAny(spec[:i], "/@") {
		return false
	}
	return true
}

// Resolve returns the logical path spec names, or ok false. A path that
// climbs out of the tree ("app/../../x") names nothing.
func (m *Map) Resolve(spec string) (logical string, ok bool) {
	l, ok := m.resolve(spec)
	if !ok || l == "." || l == ".." || strings.HasPrefix(l, "../") || strings.HasPrefix(l, "/") {
		return "", false
	}
	return l, true
}

func (m *Map) resolve(spec string) (logical string, ok bool) {
	if m == nil {
		return "", false
	}
	if l, ok := m.exact[spec]; ok {
		return l, true
	}
	for _, p := range m.prefixes {
		if rest, ok := strings.CutPrefix(spec, p.key); ok && rest != "" {
			// The HTML Standard refuses a match that backtracks above
			// the key's directory.
			l := path.Clean(p.dir + rest)
			return l, strings.HasPrefix(l, p.dir)
		}
	}
	for _, p := range m.packages {
		sub, ok := strings.CutPrefix(spec, p.name)
		if !ok || sub != "" && sub[0] != '/' {
			continue
		}
		return p.resolve("." + sub)
	}
	return "", false
}

func parsePackage(dir string, data []byte) (*pkg, error) {
	v, err := decodeOrdered(data)
	if err != nil {
		return nil, fmt.Errorf("%v", err)
	}
	obj, _ := v.(*ordered)
	if obj == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	p := &pkg{dir: dir}
	p.name, _ = obj.get("name").(string)
	if p.name == "" {
		return nil, fmt.Errorf(`no "name"; a vendored package needs the name modules import it by`)
	}
	switch e := obj.get("exports").(type) {
	case nil:
	case string:
		p.exports = &ordered{keys: []string{"."}, vals: []any{e}}
	case *ordered:
		if len(e.keys) > 0 && !strings.HasPrefix(e.keys[0], ".") {
			e = &ordered{keys: []string{"."}, vals: []any{e}} // conditions for "."
		}
		p.exports = e
	default:
		return nil, fmt.Errorf(`"exports" is neither a string nor an object`)
	}
	for _, f := range []string{"module", "main"} {
		if s, ok := obj.get(f).(string); ok && s != "" {
			p.main = s
			break
		}
	}
	if p.main == "" {
		p.main = "index.js"
	}
	return p, nil
}

// conditions are the export conditions a browser build matches, as
// bundlers targeting the browser set them.
var conditions = []string{"browser", "import", "module", "default"}

// resolve returns the file subpath ("." or "./x") names.
func (p *pkg) resolve(sub string) (string, bool) {
	if p.exports == nil {
		if sub == "." {
			sub = p.main
		}
		return path.Join(p.dir, sub), true
	}
	if t := p.exports.get(sub); t != nil {
		return p.target(t, "")
	}
	// Subpath patterns: the longest key before "*" wins (Node's
	// PATTERN_KEY_COMPARE).
	best, star := -1, ""
	for i, k := range p.exports.keys {
		before, after, ok := strings.Cut(k, "*")
		if !ok || !strings.HasPrefix(sub, before) || !strings.HasSuffix(sub, after) || len(sub) < len(before)+len(after) {
			continue
		}
		if best < 0 || len(before) > len(strings.SplitN(p.exports.keys[best], "*", 2)[0]) {
			best, star = i, sub[len(before):len(sub)-len(after)]
		}
	}
	if best < 0 {
		return "", false
	}
	return p.target(p.exports.vals[best], star)
}

// target resolves an exports value: a path, conditions or a fallback list.
func (p *pkg) target(v any, star string) (string, bool) {
	switch t := v.(type) {
	case string:
		if !strings.HasPrefix(t, "./") {
			return "", false
		}
		return path.Join(p.dir, strings.ReplaceAll(t, "*", star)), true
	case *ordered:
		for i, k := range t.keys {
			if slices.Contains(conditions, k) {
				if l, ok := p.target(t.vals[i], star); ok {
					return l, true
				}
			}
		}
	case []any:
		for _, e := range t {
			if l, ok := p.target(e, star); ok {
				return l, true
			}
		}
	}
	return "", false
}

// ordered is a JSON object with its keys in the order written, which the
// conditions of "exports" depend on.
type ordered struct {
	keys []string
	vals []any
}

func (o *ordered) get(k string) any {
	if o == nil {
		return nil
	}
	if i := slices.Index(o.keys, k); i >= 0 {
		return o.vals[i]
	}
	return nil
}

func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("text after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > 100 {
		return nil, fmt.Errorf("nested more than 100 deep")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &ordered{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			o.keys = append(o.keys, k.(string))
			o.vals = append(o.vals, v)
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		var a []any
		for dec.More() {
			v, err := decodeValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token()
		return a, err
	}
	return tok, nil
}
