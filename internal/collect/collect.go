// Package collect writes a generated package's files into a directory for
// a web server to serve, as Django's collectstatic fills STATIC_ROOT: each
// hashed file with its precompressed variants beside it under the names
// nginx's gzip_static and brotli_static look for (x.css.gz, x.css.br, and
// x.css.zst for a zstd module), byte for byte what the binary's handler
// sends, and the nginx location block that sends the handler's headers.
package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/progress"
)

// StateFile is the file in the output directory where Collect records the
// names it wrote and when each was last part of a collected package. It is
// what lets prune delete only what collect wrote, and only what has been
// out of use for the grace period, whatever the files' own times say.
const StateFile = ".assetgen-collect.json"

// Options say where and what Collect writes.
type Options struct {
	// Dir is the output directory, created if missing.
	Dir string
	// Unhashed writes each fingerprinted file under its logical path too.
	Unhashed bool
	// PruneOlderThan, if positive, removes files that an earlier Collect
	// wrote, that the package no longer names, and that have not been
	// named for at least this long. Zero keeps them all: pages cached in
	// browsers still point at them.
	PruneOlderThan time.Duration
	// Now is the time recorded in the state file; zero means time.Now().
	Now time.Time
	// Progress, if set, is called about ten times a second while files
	// are written, and once at the end, from one goroutine at a time,
	// never after Collect returns.
	Progress func(progress.Snapshot)
}

// Result counts what Collect did.
type Result struct {
	Written   int   // files written, new or changed
	Unchanged int   // files already in place with the same bytes
	Pruned    int   // files removed by PruneOlderThan
	Skipped   int   // objects the handler does not serve (dot paths)
	Bytes     int64 // bytes written
}

// state is StateFile's content: name → last time a Collect named it.
type state struct {
	Files map[string]time.Time `json:"files"`
}

// Collect writes p's objects into opts.Dir. It is incremental: a file
// whose bytes are already in place is not rewritten, so a web server
// reading the tree meanwhile never sees a partly written file (changed
// files are written to a temporary name and renamed).
func Collect(ctx context.Context, p *assetpkg.Package, opts Options) (Result, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return Result{}, err
	}
	st, err := readState(opts.Dir)
	if err != nil {
		return Result{}, err
	}
	var res Result
	objs := p.Objects(opts.Unhashed)
	var size int64
	for _, o := range objs {
		size += o.Size
	}
	m := progress.Start("collecting", len(objs), size, opts.Progress)
	written, err := writeAll(ctx, p, opts.Dir, objs, m, &res)
	m.Stop()
	if err != nil {
		return res, err
	}
	for _, name := range written {
		st.Files[name] = now
	}
	if opts.PruneOlderThan > 0 {
		if err := prune(opts.Dir, st, now.Add(-opts.PruneOlderThan), &res); err != nil {
			return res, err
		}
	}
	return res, writeState(opts.Dir, st)
}

// writeAll writes objects with a few workers, files being independent,
// counting each into m, and returns the names now in place.
func writeAll(ctx context.Context, p *assetpkg.Package, dir string, objs []assetpkg.Object, m *progress.Meter, res *Result) ([]string, error) {
	work := make(chan assetpkg.Object)
	var mu sync.Mutex
	var errs []error
	var names []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				wrote, err := writeObject(p, dir, o)
				m.Add(1, o.Size)
				mu.Lock()
				switch {
				case errors.Is(err, assetpkg.ErrNotServed):
					res.Skipped++
				case err != nil:
					errs = append(errs, err)
				case wrote:
					res.Written++
					res.Bytes += o.Size
				default:
					res.Unchanged++
				}
				if err == nil {
					names = append(names, o.Name)
				}
				mu.Unlock()
			}
		}()
	}
	for _, o := range objs {
		if ctx.Err() != nil {
			break
		}
		work <- o
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return names, errors.Join(errs...)
}

// writeObject writes one object unless the same bytes are in place, and
// reports whether it wrote. An object the handler does not serve is
// assetpkg.ErrNotServed, and is not written.
func writeObject(p *assetpkg.Package, dir string, o assetpkg.Object) (bool, error) {
	b, err := p.Read(o)
	if err != nil {
		return false, err
	}
	if _, err := p.Headers(o); err != nil {
		return false, err
	}
	dst := filepath.Join(dir, filepath.FromSlash(o.Name))
	if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, b) {
		return false, nil
	}
	return true, writeFile(dst, b)
}

// writeFile writes b to a temporary file beside name and renames it into
// place.
func writeFile(name string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".assetgen-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// prune removes files the state names whose last use is before cutoff.
func prune(dir string, st *state, cutoff time.Time, res *Result) error {
	var names []string
	for name, last := range st.Files {
		if last.Before(cutoff) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		err := os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err == nil {
			res.Pruned++
			removeEmptyDirs(dir, filepath.Dir(filepath.Join(dir, filepath.FromSlash(name))))
		}
		delete(st.Files, name)
	}
	return nil
}

// removeEmptyDirs removes d and its parents up to root while they are
// empty; os.Remove refuses a directory that is not.
func removeEmptyDirs(root, d string) {
	for d != root && strings.HasPrefix(d, root) {
		if os.Remove(d) != nil {
			return
		}
		d = filepath.Dir(d)
	}
}

func readState(dir string) (*state, error) {
	st := &state{Files: map[string]time.Time{}}
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("%s: %v; delete it to start afresh (earlier files are then never pruned)", filepath.ToSlash(filepath.Join(dir, StateFile)), err)
	}
	if st.Files == nil {
		st.Files = map[string]time.Time{}
	}
	for name := range st.Files {
		if !fs.ValidPath(name) {
			return nil, fmt.Errorf("%s: %q is not a valid name; delete the file to start afresh", filepath.ToSlash(filepath.Join(dir, StateFile)), name)
		}
	}
	return st, nil
}

func writeState(dir string, st *state) error {
	b, err := json.MarshalIndent(st, "", "\t")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, StateFile), append(b, '\n'))
}
