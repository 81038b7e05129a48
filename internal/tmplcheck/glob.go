package tmplcheck

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Glob returns the files that match any of patterns, sorted and without
// duplicates, in the form the patterns are written in (relative to the
// working directory, or absolute).
//
// Patterns are path.Match patterns over slash-separated paths, plus "**"
// as a whole path element, which matches any number of elements, none
// included: "templates/**/*.html" matches templates/index.html and
// templates/admin/users/list.html. "**" does not enter directories whose
// name starts with a dot. A pattern without metacharacters names one file.
// A pattern that matches no file is an error: it is almost always a typo.
func Glob(ctx context.Context, patterns []string) ([]string, error) {
	var out []string
	for _, pat := range patterns {
		files, err := glob(ctx, pat)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("template pattern %s matches no files; fix the pattern", pat)
		}
		out = append(out, files...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func glob(ctx context.Context, pat string) ([]string, error) {
	pat = path.Clean(filepath.ToSlash(pat))
	if err := validate(pat); err != nil {
		return nil, err
	}
	root, rest := split(pat)
	if rest == "" {
		if fi, err := os.Stat(filepath.FromSlash(root)); err != nil || fi.IsDir() {
			return nil, nil
		}
		return []string{root}, nil
	}
	var out []string
	err := filepath.WalkDir(filepath.FromSlash(root), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == filepath.FromSlash(root) {
				return fs.SkipAll // no such directory: no matches
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.FromSlash(root), p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if ok, _ := Match(rest, rel); ok {
			out = append(out, path.Join(root, rel))
		}
		return nil
	})
	return out, err
}

// split divides a cleaned pattern into the directory before its first
// element with a metacharacter, where the walk starts, and the rest.
func split(pat string) (root, rest string) {
	elems := strings.Split(pat, "/")
	for i, e := range elems {
		if strings.ContainsAny(e, `*?[\`) {
			root = strings.Join(elems[:i], "/")
			if root == "" && strings.HasPrefix(pat, "/") {
				root = "/"
			} else if root == "" {
				root = "."
			}
			return root, strings.Join(elems[i:], "/")
		}
	}
	return pat, ""
}

// validate rejects a malformed element up front, since path.Match reports
// one only when matching reaches it.
func validate(pat string) error {
	for _, e := range strings.Split(pat, "/") {
		if _, err := path.Match(e, ""); err != nil {
			return fmt.Errorf("template pattern %s: malformed element %q; see path.Match for the syntax", pat, e)
		}
	}
	return nil
}

// Match reports whether the slash-separated name matches pattern, where a
// "**" element matches zero or more elements and every other element is a
// path.Match pattern. The only error is path.ErrBadPattern.
//
// A pattern without a "**" element is matched by path.Match itself, so the
// two always agree there, even where path.Match lets a character class
// match the separator ("[^0]" matches "/"); element by element, a class
// never matches one.
//
// It runs in time proportional to the product of the element counts, so
// no pattern, however many "**" it holds, makes it slow.
func Match(pattern, name string) (bool, error) {
	if err := validate(pattern); err != nil {
		return false, path.ErrBadPattern
	}
	pe, ne := strings.Split(pattern, "/"), strings.Split(name, "/")
	if !slices.Contains(pe, "**") {
		return path.Match(pattern, name)
	}
	// m[j] is whether pe[i:] matches ne[j:], for the current i, from the end.
	m := make([]bool, len(ne)+1)
	m[len(ne)] = true
	next := make([]bool, len(ne)+1)
	for i := len(pe) - 1; i >= 0; i-- {
		if pe[i] == "**" {
			// Matches ne[j:] if pe[i+1:] matches ne[j:] (zero elements)
			// or ** matches ne[j:] shifted by one element.
			next[len(ne)] = m[len(ne)]
			for j := len(ne) - 1; j >= 0; j-- {
				next[j] = m[j] || next[j+1]
			}
		} else {
			next[len(ne)] = false
			for j := len(ne) - 1; j >= 0; j-- {
				ok, _ := path.Match(pe[i], ne[j])
				next[j] = ok && m[j+1]
			}
		}
		m, next = next, m
	}
	return m[0], nil
}
