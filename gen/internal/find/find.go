// Package find walks an ordered list of source directories the way Django's
// staticfiles finders do: every file has a logical path relative to its
// directory, and when several directories hold the same logical path the
// first one wins and the others are shadowed.
package find

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultIgnore are the patterns ignored unless turned off: Django's
// defaults (dotfiles and dot-directories, editor backups, CVS) plus Emacs
// autosave files.
var DefaultIgnore = []string{".*", "*~", "CVS", "#*#"}

// Source is one file on disk that holds a logical path.
type Source struct {
	// Dir is the source directory as configured.
	Dir string
	// Path is the file's path on disk: Dir joined with the logical path.
	Path string
	// Info describes the file, after following a symbolic link.
	Info fs.FileInfo
	// Symlink reports whether Path or one of its directories below Dir is a
	// symbolic link.
	Symlink bool
}

// Match is a logical path with the source that wins it and those it shadows,
// in precedence order.
type Match struct {
	Logical  string
	Winner   Source
	Shadowed []Source
}

// Ignorer decides which names the walk skips.
type Ignorer struct {
	patterns []string
}

// NewIgnorer checks the patterns (path.Match syntax) and returns an Ignorer.
func NewIgnorer(patterns []string) (*Ignorer, error) {
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("ignore pattern %q: %w; see path.Match for the syntax", p, err)
		}
	}
	return &Ignorer{patterns: slices.Clone(patterns)}, nil
}

// Ignored reports whether a file or directory at logical path p is ignored:
// a pattern matches either its base name or its whole logical path.
func (ig *Ignorer) Ignored(p string) bool {
	if ig == nil {
		return false
	}
	base := path.Base(p)
	for _, pat := range ig.patterns {
		if ok, _ := path.Match(pat, base); ok {
			return true
		}
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
	}
	return false
}

// Walk lists every file under dirs, by logical path in byte order, with the
// first directory's copy winning. It follows symbolic links to files and
// directories and reports a directory cycle as an error.
func Walk(ctx context.Context, dirs []string, ig *Ignorer) ([]Match, error) {
	byLogical := map[string]*Match{}
	var order []string
	for _, d := range dirs {
		err := walkDir(ctx, d, ig, func(logical string, src Source) {
			m, ok := byLogical[logical]
			if !ok {
				m = &Match{Logical: logical, Winner: src}
				byLogical[logical] = m
				order = append(order, logical)
				return
			}
			m.Shadowed = append(m.Shadowed, src)
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(order)
	out := make([]Match, len(order))
	for i, l := range order {
		out[i] = *byLogical[l]
	}
	return out, nil
}

// Lookup returns every source that holds logical path p, in precedence
// order, without walking the trees: Django's findstatic.
func Lookup(dirs []string, ig *Ignorer, p string) ([]Source, error) {
	clean := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	if !fs.ValidPath(clean) || clean == "." {
		return nil, fmt.Errorf("%q is not a logical path: use a slash-separated path relative to a source directory, such as css/base.css", p)
	}
	if ig.ignoredPath(clean) {
		return nil, nil
	}
	var out []Source
	for _, d := range dirs {
		full := filepath.Join(d, filepath.FromSlash(clean))
		info, err := os.Stat(full)
		if err != nil || info.IsDir() {
			continue
		}
		out = append(out, Source{Dir: d, Path: full, Info: info})
	}
	return out, nil
}

// ignoredPath reports whether p or one of its parent directories is ignored.
func (ig *Ignorer) ignoredPath(p string) bool {
	for q := p; q != "."; q = path.Dir(q) {
		if ig.Ignored(q) {
			return true
		}
	}
	return false
}

// walkDir walks one source directory, calling visit for each file.
func walkDir(ctx context.Context, root string, ig *Ignorer, visit func(string, Source)) error {
	info, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: source directory does not exist; create it or fix the -dir flag", filepath.ToSlash(root))
		}
		return fmt.Errorf("%s: %w", filepath.ToSlash(root), unwrapPath(err))
	}
	if !info.IsDir() {
		return fmt.Errorf("%s: not a directory; -dir takes a directory of static files", filepath.ToSlash(root))
	}
	w := walker{ctx: ctx, root: root, ig: ig, visit: visit}
	return w.walk(".", root, []os.FileInfo{info}, false)
}

type walker struct {
	ctx   context.Context
	root  string
	ig    *Ignorer
	visit func(string, Source)
}

// walk lists one directory. ancestors holds the directories on the path from
// the root, so that a symbolic link back to one of them is caught as a cycle
// rather than followed forever.
func (w *walker) walk(logical, dir string, ancestors []os.FileInfo, viaLink bool) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.ToSlash(dir), unwrapPath(err))
	}
	for _, e := range entries {
		name := e.Name()
		lp := name
		if logical != "." {
			lp = logical + "/" + name
		}
		if w.ig.Ignored(lp) {
			continue
		}
		full := filepath.Join(dir, name)
		link := viaLink
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.ToSlash(full), unwrapPath(err))
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			link = true
			info, err = os.Stat(full)
			if err != nil {
				return fmt.Errorf("%s: broken symbolic link: %w; remove it or add it to -ignore", filepath.ToSlash(full), unwrapPath(err))
			}
		}
		switch {
		case info.IsDir():
			for _, a := range ancestors {
				if os.SameFile(a, info) {
					return fmt.Errorf("%s: symbolic link cycle: it leads back to a directory above it; remove the link or add it to -ignore", filepath.ToSlash(full))
				}
			}
			if err := w.walk(lp, full, append(ancestors, info), link); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			w.visit(lp, Source{Dir: w.root, Path: full, Info: info, Symlink: link})
		default:
			// Sockets, pipes and devices are not static files.
		}
	}
	return nil
}

// unwrapPath drops the *PathError's own path, which callers replace with a
// slash-separated one.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
