// Package find decides which source directory holds a logical path, for
// generate and development mode alike. It works the way Django's
// staticfiles finders do: every file has a logical path relative to its
// directory, and when several directories hold the same logical path the
// first one wins and the others are shadowed. Walk lists the whole tree
// (generate); Lookup and Winner answer for one path without walking
// (findstatic, and each request in development mode). All three apply the
// same rules, so the two modes see the same files.
//
// A file is held when it is a regular file, after following symbolic
// links, and neither its logical path nor any directory above it is
// ignored. Sockets, pipes and devices are not static files.
//
// # Symbolic links
//
// A symbolic link in a source directory is followed wherever it leads,
// and what it reaches is held under the link's own logical path: a link
// to a file inside the same directory is an alias of it, and a link to a
// directory elsewhere (static/vendor -> ../node_modules/x/dist) lends
// that directory's files its logical path, vendor/.... Generate embeds
// what links reach, so development mode serves the same: a link is part
// of the tree its owner publishes. A request cannot make a link: a
// logical path never leaves its directory by itself, since one with a
// ".." element, or on Windows a backslash, a colon or a reserved name, is
// held by no directory (filepath.Localize). Walk reports a broken link
// and a link back to a directory above it (a cycle) as errors; Lookup and
// Winner, which see one path, find nothing there.
package find

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assetgen/assetgen/gen/internal/dirstat"
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
	dir      int // the index of Winner.Dir in Walk's dirs, for sorting
}

// Ignorer decides which names the walk skips.
type Ignorer struct {
	matchers []matcher
}

// matcher is one compiled pattern. A pattern without "/" can only match a
// base name (path.Match's "*" never matches "/"), and one with "/" only a
// logical path, so each pattern is tried once; the common shapes (a literal,
// "*suffix", "prefix*") skip path.Match altogether.
type matcher struct {
	pattern string
	full    bool   // match the logical path, not the base name
	kind    byte   // '=' literal, '<' prefix*, '>' *suffix, 'm' path.Match
	lit     string // the literal part for '=', '<' and '>'
}

// NewIgnorer checks the patterns (path.Match syntax) and returns an Ignorer.
func NewIgnorer(patterns []string) (*Ignorer, error) {
	ig := &Ignorer{}
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("ignore pattern %q: %w; see path.Match for the syntax", p, err)
		}
		m := matcher{pattern: p, full: strings.Contains(p, "/"), kind: 'm'}
		switch body := p; {
		case !strings.ContainsAny(body, `*?[\`):
			m.kind, m.lit = '=', body
		case strings.HasSuffix(body, "*") && !strings.ContainsAny(body[:len(body)-1], `*?[\`):
			m.kind, m.lit = '<', body[:len(body)-1]
		case strings.HasPrefix(body, "*") && !strings.ContainsAny(body[1:], `*?[\/`):
			m.kind, m.lit = '>', body[1:]
		}
		ig.matchers = append(ig.matchers, m)
	}
	return ig, nil
}

// Ignored reports whether a file or directory at logical path p is ignored:
// a pattern matches either its base name or its whole logical path.
func (ig *Ignorer) Ignored(p string) bool {
	if ig == nil {
		return false
	}
	base := p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		base = p[i+1:]
	}
	for _, m := range ig.matchers {
		s := base
		if m.full {
			s = p
		}
		if m.match(s) {
			return true
		}
	}
	return false
}

func (m *matcher) match(s string) bool {
	switch m.kind {
	case '=':
		return s == m.lit
	case '<':
		return strings.HasPrefix(s, m.lit) && !strings.Contains(s[len(m.lit):], "/")
	case '>':
		return strings.HasSuffix(s, m.lit) && !strings.Contains(s[:len(s)-len(m.lit)], "/")
	}
	ok, _ := path.Match(m.pattern, s)
	return ok
}

// Walk lists every file under dirs, by logical path in byte order, with the
// first directory's copy winning. It follows symbolic links to files and
// directories and reports a directory cycle as an error. The error joins
// every problem found in every directory (errors.Join, sorted), so that
// two link cycles are reported in one run, not one per run.
func Walk(ctx context.Context, dirs []string, ig *Ignorer) ([]Match, error) {
	var all []Match
	var errs []error
	for i, d := range dirs {
		ms, err := walkDir(ctx, i, d, ig)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			errs = append(errs, err)
		}
		if all == nil {
			all = ms // the one directory's list, not a copy of it
		} else {
			all = append(all, ms...)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// By logical path, then by directory: the first of a run of equal
	// paths wins and shadows the rest, which are folded into it in place.
	// A sort, not a map, keeps a walk of 10,000 files to a few
	// allocations.
	slices.SortFunc(all, func(a, b Match) int {
		if c := strings.Compare(a.Logical, b.Logical); c != 0 {
			return c
		}
		return a.dir - b.dir
	})
	out := all[:0]
	for _, m := range all {
		if n := len(out); n > 0 && out[n-1].Logical == m.Logical {
			out[n-1].Shadowed = append(out[n-1].Shadowed, m.Winner)
			continue
		}
		out = append(out, m)
	}
	clear(all[len(out):])
	return out, nil
}

// Lookup returns the path on disk of every file that holds logical path
// p, in precedence order, without walking the trees: Django's findstatic.
// p may use backslashes and be unclean ("css//a.css"); one that is not a
// path relative to a directory is an error.
func Lookup(dirs []string, ig *Ignorer, p string) ([]string, error) {
	clean := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	if !fs.ValidPath(clean) || clean == "." {
		return nil, fmt.Errorf("%q is not a logical path: use a slash-separated path relative to a source directory, such as css/base.css", p)
	}
	var out []string
	for i := range holders(dirs, ig, clean) {
		out = append(out, filepath.Join(dirs[i], filepath.FromSlash(clean)))
	}
	return out, nil
}

// Stat is what Winner tells of the file it finds: enough for development
// mode to tell that the file changed since it was last read.
type Stat struct {
	Size    int64
	ModTime time.Time
}

// Winner returns the index in dirs of the directory whose file is served
// at logical path p, and that file's Stat: the first that holds it. ok is
// false when none does, and for a p that is not a clean logical path.
// Development mode calls it for each file of each request, so it
// allocates nothing (see dirstat.Regular).
func Winner(dirs []string, ig *Ignorer, p string) (i int, st Stat, ok bool) {
	for i, st := range holders(dirs, ig, p) {
		return i, st, true
	}
	return 0, Stat{}, false
}

// holders yields each directory that holds the clean logical path p, by
// index in dirs, in precedence order, with the file's Stat.
func holders(dirs []string, ig *Ignorer, p string) iter.Seq2[int, Stat] {
	return func(yield func(int, Stat) bool) {
		if !fs.ValidPath(p) || p == "." || ig.IgnoredPath(p) {
			return
		}
		name, err := filepath.Localize(p)
		if err != nil {
			return
		}
		for i, d := range dirs {
			size, mtime, ok := dirstat.Regular(filepath.Clean(d), name)
			if ok && !yield(i, Stat{Size: size, ModTime: mtime}) {
				return
			}
		}
	}
}

// IgnoredPath reports whether logical path p or a directory above it is
// ignored: whether a walk would skip it.
func (ig *Ignorer) IgnoredPath(p string) bool {
	for q := p; q != "."; q = path.Dir(q) {
		if ig.Ignored(q) {
			return true
		}
	}
	return false
}

// walkDir walks one source directory, the dir'th, and returns its files
// in no particular order (Walk sorts).
func walkDir(ctx context.Context, dir int, root string, ig *Ignorer) ([]Match, error) {
	info, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: source directory does not exist; create it or fix the -dir flag", filepath.ToSlash(root))
		}
		return nil, fmt.Errorf("%s: %w", filepath.ToSlash(root), unwrapPath(err))
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s: not a directory; -dir takes a directory of static files", filepath.ToSlash(root))
	}
	w := &walker{ctx: ctx, rootLen: len(dirPrefix(filepath.Clean(root))), ig: ig, sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
	w.wg.Add(1)
	w.walk(dirTask{prefix: dirPrefix(filepath.Clean(root)), dir: root, ancestors: []os.FileInfo{info}})
	w.wg.Wait()
	if len(w.errs) > 0 {
		// Report the same errors whatever the scheduling: sorted by path.
		slices.SortFunc(w.errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(w.errs...)
	}
	// The directories by path: each list is sorted (walk), so the whole
	// is too unless a directory holds both files and directories.
	slices.SortFunc(w.hits, func(a, b []hit) int { return strings.Compare(a[0].path, b[0].path) })
	// The Matches are made on every core, each a part of the list: for a
	// tree of 10,000 files they fill a megabyte of memory not touched
	// before, a page fault every 40 of them.
	starts := make([]int, len(w.hits)+1) // where each directory's files go
	for i, hits := range w.hits {
		starts[i+1] = starts[i] + len(hits)
	}
	out := make([]Match, starts[len(w.hits)])
	parts := min(runtime.GOMAXPROCS(0), len(w.hits))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for i := p * len(w.hits) / parts; i < (p+1)*len(w.hits)/parts; i++ {
				for j, h := range w.hits[i] {
					out[starts[i]+j] = Match{Logical: w.logical(h.path), Winner: Source{Dir: root, Path: h.path, Info: h.info, Symlink: h.link}, dir: dir}
				}
			}
		})
	}
	wg.Wait()
	return out, nil
}

// A walker lists directories on every core: reading a directory and
// stat-ing its entries is system-call bound, and a tree of thousands of
// files walks about twice as fast on two cores as on one. Each directory is
// handed to another goroutine when one of GOMAXPROCS slots is free and
// walked inline otherwise, so the number of goroutines stays bounded; all
// are joined before walkDir returns.
type walker struct {
	ctx context.Context
	// rootLen is the length of the cleaned root with its separator: a
	// file's logical path is its path past it.
	rootLen int
	ig      *Ignorer
	sem     chan struct{}
	wg      sync.WaitGroup

	mu sync.Mutex
	// hits are the files found, per directory: one slice grown over the
	// whole tree would be copied again and again. walkDir makes each a
	// Match, in one allocation.
	hits [][]hit
	errs []error
}

// hit is a file the walk found: 40 bytes where a Match is 104, since a
// walk keeps one per file until walkDir makes the Matches, and each page
// of memory a short run touches costs it a page fault.
type hit struct {
	path string
	info fs.FileInfo
	link bool
}

type dirTask struct {
	prefix    string        // the directory's path, cleaned, and a separator: its files' paths begin with it
	dir       string        // the directory's path, for messages
	ancestors []os.FileInfo // directories from the root down, for cycle checks
	viaLink   bool
}

// dirPrefix returns what a file's path in the cleaned directory dir
// begins with: dir and a separator, nothing for ".".
func dirPrefix(dir string) string {
	switch {
	case dir == ".":
		return ""
	case os.IsPathSeparator(dir[len(dir)-1]):
		return dir // the root of a volume
	}
	return dir + string(filepath.Separator)
}

func (w *walker) fail(err error) {
	w.mu.Lock()
	w.errs = append(w.errs, err)
	w.mu.Unlock()
}

// walk lists one directory, stat-ing its entries through its descriptor
// (package dirstat). Each file's path is made once, and its logical
// path is the part past the root. A symbolic link back to one of the
// task's ancestors is a cycle, reported rather than followed forever.
func (w *walker) walk(t dirTask) {
	defer w.wg.Done()
	if err := w.ctx.Err(); err != nil {
		w.fail(err)
		return
	}
	d, err := dirstat.Open(t.dir)
	if err != nil {
		w.fail(fmt.Errorf("%s: %w", filepath.ToSlash(t.dir), unwrapPath(err)))
		return
	}
	names, err := d.Names()
	if err != nil {
		d.Close()
		w.fail(fmt.Errorf("%s: %w", filepath.ToSlash(t.dir), unwrapPath(err)))
		return
	}
	// Each kept entry's path goes into hits at once; the stats fill in
	// the files' infos and drop the rest, moving each file down over
	// the entries before it that were not (n <= i).
	hits := make([]hit, 0, len(names))
	kept := names[:0]
	for _, name := range names {
		full := t.prefix + name
		if w.ig.Ignored(w.logical(full)) {
			continue
		}
		kept = append(kept, name)
		hits = append(hits, hit{path: full})
	}
	var subs []dirTask
	failed := false
	n := 0
	d.Stat(kept, false, func(i int, info fs.FileInfo, err error) bool {
		full := hits[i].path
		if err != nil {
			w.fail(fmt.Errorf("%s: %w", filepath.ToSlash(full), unwrapPath(err)))
			failed = true
			return false
		}
		link := t.viaLink
		if info.Mode()&fs.ModeSymlink != 0 {
			link = true
			info, err = os.Stat(full)
			if err != nil {
				w.fail(fmt.Errorf("%s: broken symbolic link: %w; remove it or add it to -ignore", filepath.ToSlash(full), unwrapPath(err)))
				return true
			}
		}
		switch {
		case info.IsDir():
			if slices.ContainsFunc(t.ancestors, func(a os.FileInfo) bool { return dirstat.SameFile(a, info) }) {
				w.fail(fmt.Errorf("%s: symbolic link cycle: it leads back to a directory above it; remove the link or add it to -ignore", filepath.ToSlash(full)))
				return true
			}
			subs = append(subs, dirTask{prefix: full + string(filepath.Separator), dir: full, ancestors: append(slices.Clip(t.ancestors), info), viaLink: link})
		case info.Mode().IsRegular():
			hits[n] = hit{path: full, info: info, link: link}
			n++
		default:
			// Sockets, pipes and devices are not static files.
		}
		return true
	})
	d.Close()
	if failed {
		return
	}
	// In byte order here, on every core, so that walkDir's list is in
	// order wherever no directory holds both files and directories, and
	// Walk's sort of it costs little more than a pass.
	hits = hits[:n]
	slices.SortFunc(hits, func(a, b hit) int { return strings.Compare(a.path, b.path) })
	for _, sub := range subs {
		w.wg.Add(1)
		select {
		case w.sem <- struct{}{}:
			go func() {
				defer func() { <-w.sem }()
				w.walk(sub)
			}()
		default:
			w.walk(sub)
		}
	}
	if len(hits) > 0 {
		w.mu.Lock()
		w.hits = append(w.hits, hits)
		w.mu.Unlock()
	}
}

// logical returns the logical path of the file at full, a path in the
// walk's root: the part past the root, slash-separated. Where the
// separator is a slash it shares full's bytes.
func (w *walker) logical(full string) string {
	return filepath.ToSlash(full[w.rootLen:])
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
