package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/assetgen/assetgen/gen/internal/cache"
	"github.com/assetgen/assetgen/internal/relpath"
)

// How a run changes the package, so that after a crash, a kill or a full
// disk at any point the package builds, and the next run (which waits for
// the lock) finds everything either as the last run left it or as this
// run meant to:
//
//  1. The record (OwnedDir/files.txt) names every file assetgen may have
//     written in the owned directory. It is rewritten first, to name the
//     new copies too, before any is written: it may run ahead of the
//     copies, never behind.
//  2. The copies, named by content hash, are written beside the old ones
//     (each to a temporary file renamed into place), so the old Go file
//     still finds everything it embeds. A copy already present is checked
//     by content (the hash cache vouches for one unchanged since it was
//     checked) and rewritten if it is wrong.
//  3. The Go file, manifest and development file are written to temporary
//     files, then a journal (journalName) listing their renames is renamed
//     into place: the commit point. The renames follow and the journal is
//     removed. A run that finds a journal finishes its renames first, so a
//     kill between two renames leaves the three files of one generation
//     after the next run (before it, the package still builds: the files
//     differ only in which copies are named, and all of them exist).
//  4. Garbage collection removes what the record names and the Go file now
//     on disk does not embed, and the temporary files of killed runs, then
//     rewrites the record to name exactly what is embedded. It goes by the
//     Go file, not by what the run meant to write, so it is right after a
//     failure too, and never touches a file assetgen did not write.

// journalName lists the renames of a commit in progress, in the output
// directory.
const journalName = ".assetgen.journal"

// write puts the owned files in place, commits the outputs that changed,
// and collects garbage; on failure it collects garbage against the Go
// file still in place and says the previous package is intact. It returns
// how many owned files it wrote and the outputs that changed.
func (r *run) write(ctx context.Context, owned, outs []output) (copied int, written []string, err error) {
	ownedDir := filepath.Join(r.cfg.OutDir, OwnedDir)
	copied, err = r.writeOwned(ctx, ownedDir, owned)
	if err == nil {
		written, err = r.commit(outs)
	}
	r.collect(ownedDir)
	return copied, written, err
}

// writeOwned brings the record ahead, then writes each copy that is
// missing or wrong.
func (r *run) writeOwned(ctx context.Context, ownedDir string, owned []output) (copied int, err error) {
	if len(owned) == 0 {
		return 0, nil
	}
	if err := os.MkdirAll(ownedDir, 0o755); err != nil {
		return copied, fsError(ownedDir, err, true)
	}
	prev := readRecord(ownedDir)
	all := slices.Clone(prev)
	for _, o := range owned {
		all = append(all, path.Base(o.name))
	}
	slices.Sort(all)
	if all = slices.Compact(all); len(all) != len(prev) {
		if err := r.writeFile(filepath.Join(ownedDir, recordName), recordBytes(all)); err != nil {
			return copied, err
		}
	}
	for _, o := range owned {
		if err := ctx.Err(); err != nil {
			return copied, err
		}
		file := filepath.Join(r.cfg.OutDir, filepath.FromSlash(o.name))
		if r.copyIntact(o.name) {
			if o.tmp != "" {
				os.Remove(o.tmp) // a streamed variant already in place
			}
			continue
		}
		if o.tmp != "" {
			// A streamed variant, written and named by content while
			// compressing: only its rename is left.
			if err := r.step("rename", file); err != nil {
				return copied, fsError(file, err, true)
			}
			if err := os.Rename(o.tmp, file); err != nil {
				return copied, fsError(file, err, true)
			}
			r.wroteCopy(o.name, [sha256.Size]byte(o.sum))
			copied++
			continue
		}
		if o.data == nil {
			// A variant reused from the previous run was checked when it
			// was chosen; it has changed since.
			return copied, &Error{File: relpath.Display(file), Msg: "changed while assetgen ran; run it again"}
		}
		if err := r.writeFile(file, o.data); err != nil {
			return copied, err
		}
		r.wroteCopy(o.name, sha256.Sum256(o.data))
		copied++
	}
	return copied, nil
}

// wroteCopy tells the hash cache what a copy this run wrote holds, so that
// the next run need not read it to check it (see cache.Hashes.StoreWritten).
func (r *run) wroteCopy(name string, sum [sha256.Size]byte) {
	abs := filepath.Join(r.outAbs, filepath.FromSlash(name))
	if fi, err := os.Stat(abs); err == nil {
		r.hashCache().StoreWritten(abs, fi, cache.Entry{Sum: sum, Size: fi.Size()})
	}
}

// copyIntact reports whether a copy in the owned directory, name being
// slash-separated and relative to the output directory, holds the content
// its name promises: the first 16 bytes of its SHA-256, in hex, start its
// name. The hash cache vouches for a copy unchanged (same size, times and
// inode) since it was last read or written; any other is read.
func (r *run) copyIntact(name string) bool {
	want, err := hex.DecodeString(strings.SplitN(path.Base(name), ".", 2)[0])
	if err != nil || len(want) != 16 {
		return false
	}
	abs := filepath.Join(r.outAbs, filepath.FromSlash(name))
	fi, err := os.Stat(abs)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	c := r.hashCache()
	if e, ok := c.Lookup(abs, fi); ok && bytes.Equal(e.Sum[:16], want) {
		return true
	}
	r.reread.Add(1)
	b, err := os.ReadFile(abs)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(b)
	if !bytes.Equal(sum[:16], want) {
		return false
	}
	c.Store(abs, fi, cache.Entry{Sum: sum, Size: int64(len(b))})
	return true
}

// commit swaps in the outputs that changed, through the journal, and
// returns their names.
func (r *run) commit(outs []output) (written []string, err error) {
	var changed []output
	for _, o := range outs {
		if o.old == nil || !bytes.Equal(o.old, o.data) {
			changed = append(changed, o) // unchanged: touch nothing, keep build caches warm
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	var journal []string
	defer func() { // on failure before the journal is in place
		for i := 0; i < len(journal); i += 2 {
			os.Remove(filepath.Join(r.cfg.OutDir, journal[i]))
		}
	}()
	for _, o := range changed {
		file := filepath.Join(r.cfg.OutDir, o.name)
		tmp, err := r.writeTemp(file, o.data, true)
		if err != nil {
			return nil, err
		}
		journal = append(journal, filepath.Base(tmp), o.name)
	}
	jfile := filepath.Join(r.cfg.OutDir, journalName)
	if err := r.writeFileSync(jfile, []byte(strings.Join(journal, "\n")+"\n"), true); err != nil {
		return nil, err
	}
	journal = nil // committed: the renames are the next run's to finish if this one stops
	if err := r.finishJournal(); err != nil {
		return nil, err
	}
	for _, o := range changed {
		written = append(written, slash(filepath.Join(r.cfg.OutDir, o.name)))
	}
	return written, nil
}

// finishJournal carries out the renames a journal lists, where the
// temporary file is still there, then removes the journal. A run calls it
// after committing, and first thing after taking the lock, to finish the
// commit of a run that was stopped.
func (r *run) finishJournal() error {
	jfile := filepath.Join(r.cfg.OutDir, journalName)
	b, err := os.ReadFile(jfile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fsError(jfile, err, false)
	}
	lines := strings.Fields(string(b))
	for i := 0; i+1 < len(lines); i += 2 {
		tmp, dst := lines[i], lines[i+1]
		if !strings.HasPrefix(tmp, cache.TempPrefix) || filepath.Base(dst) != dst || filepath.Base(tmp) != tmp {
			continue // not one of ours: never rename it
		}
		from, to := filepath.Join(r.cfg.OutDir, tmp), filepath.Join(r.cfg.OutDir, dst)
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue // renamed before the stop
		}
		if err := r.step("rename", to); err != nil {
			return fsError(to, err, false)
		}
		if err := os.Rename(from, to); err != nil {
			return fsError(to, err, false)
		}
	}
	syncDir(r.cfg.OutDir)
	if err := r.step("remove", jfile); err != nil {
		return fsError(jfile, err, false)
	}
	if err := os.Remove(jfile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fsError(jfile, err, false)
	}
	return nil
}

// collect removes the files the record names that the Go file on disk
// does not embed, and temporary files left by stopped runs, then makes the
// record name exactly what is embedded. It is best effort: what it cannot
// remove stays in the record, for the next run to remove.
func (r *run) collect(ownedDir string) {
	r.removeStrayTemps(r.cfg.OutDir)
	prev := readRecord(ownedDir)
	if prev == nil {
		if _, err := os.Stat(filepath.Join(ownedDir, recordName)); err != nil {
			return // assetgen has written nothing here
		}
	}
	r.removeStrayTemps(ownedDir)
	embedded := r.embedded()
	var keep []string
	for _, n := range prev {
		switch {
		case embedded[n]:
			keep = append(keep, n)
		case path.Base(n) == n && n != recordName && !strings.HasPrefix(n, "."):
			file := filepath.Join(ownedDir, n)
			if r.step("remove", file) != nil {
				keep = append(keep, n) // still ours to remove later
				continue
			}
			if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
				keep = append(keep, n)
			}
		}
	}
	rec := filepath.Join(ownedDir, recordName)
	if len(keep) == 0 {
		if r.step("remove", rec) == nil {
			_ = os.Remove(rec)
			_ = os.Remove(ownedDir) // only if empty: others' files stay
		}
		return
	}
	if !slices.Equal(keep, prev) {
		_ = r.writeFile(rec, recordBytes(keep)) // if it fails, the record stays ahead: safe
	}
}

// embedded returns the names in the owned directory that the Go file on
// disk embeds, read from its go:embed lines: what the package uses now,
// whichever run wrote it. A missing or foreign Go file embeds nothing.
func (r *run) embedded() map[string]bool {
	out := map[string]bool{}
	b, err := os.ReadFile(filepath.Join(r.cfg.OutDir, r.cfg.FileName))
	if err != nil || !generatedByUs(r.cfg.FileName, b) {
		return out
	}
	for line := range strings.Lines(string(b)) {
		name, ok := strings.CutPrefix(strings.TrimSpace(line), "//go:embed ")
		if !ok {
			continue
		}
		if uq, err := strconv.Unquote(name); err == nil {
			name = uq
		}
		if n, ok := strings.CutPrefix(name, OwnedDir+"/"); ok {
			out[n] = true
		}
	}
	return out
}

// removeStrayTemps removes the temporary files of stopped runs from dir.
// The lock guarantees no other run is writing them.
func (r *run) removeStrayTemps(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), cache.TempPrefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if _, err := strconv.ParseUint(n, 10, 64); err != nil {
			continue // not a name os.CreateTemp gave us
		}
		file := filepath.Join(dir, e.Name())
		if r.step("remove", file) == nil {
			_ = os.Remove(file)
		}
	}
}

// readRecord returns the names listed in the owned directory's record.
func readRecord(ownedDir string) []string {
	b, err := os.ReadFile(filepath.Join(ownedDir, recordName))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

func recordBytes(names []string) []byte {
	return []byte(strings.Join(append(names, ""), "\n"))
}

// writeFile writes a file by way of a temporary file renamed into place,
// so a reader sees the old file or the new one.
func (r *run) writeFile(file string, data []byte) error {
	return r.writeFileSync(file, data, false)
}

func (r *run) writeFileSync(file string, data []byte, sync bool) error {
	tmp, err := r.writeTemp(file, data, sync)
	if err != nil {
		return err
	}
	if err := r.step("rename", file); err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
		return fsError(file, err, true)
	}
	if sync {
		syncDir(filepath.Dir(file))
	}
	return nil
}

// writeTemp writes data to a new temporary file beside file and returns
// its name. Errors name file, not the temporary file.
func (r *run) writeTemp(file string, data []byte, sync bool) (string, error) {
	if err := r.step("create", file); err != nil {
		return "", fsError(file, err, true)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), cache.TempPrefix+"*")
	if err != nil {
		return "", fsError(file, err, true)
	}
	err = r.step("write", file)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil && sync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fsError(file, err, true)
	}
	return tmp.Name(), nil
}

// syncDir makes renames in dir durable where the system allows it; it is
// best effort (Windows cannot open a directory for it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// step calls the test hook, if any, before a change to the file system.
func (r *run) step(op, file string) error {
	if r.hooks == nil || r.hooks.step == nil {
		return nil
	}
	return r.hooks.step(op, file)
}

// fsError describes a failed file system operation on file (never on a
// temporary file standing in for it) with the way out. intact says
// whether the previous package is still as it was.
func fsError(file string, err error, intact bool) *Error {
	var errno syscall.Errno
	cause := unwrapPathErr(err)
	if le, ok := cause.(*os.LinkError); ok {
		cause = le.Err
	}
	fix := ""
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ENOSPC:
			fix = "free space and run again"
		case syscall.EDQUOT:
			fix = "free space within your disk quota and run again"
		case syscall.EROFS:
			fix = "make the file system writable, or generate elsewhere"
		case syscall.EACCES, syscall.EPERM:
			fix = "check the permissions of the file and its directory"
		}
	}
	if fix == "" {
		fix = "fix the cause and run again"
	}
	msg := fmt.Sprintf("%v; %s", cause, fix)
	if intact {
		msg += " — the previous package is intact"
	} else {
		msg += " — the next run finishes this one's changes"
	}
	return &Error{File: relpath.Display(file), Msg: msg}
}
