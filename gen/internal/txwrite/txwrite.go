// Package txwrite changes a generated package's files all or nothing.
//
// A generator run replaces three files (the Go file, the manifest and the
// development file) and the copies in the owned directory that the Go
// file embeds. go generate runs from an editor's on-save hook, a
// terminal and CI, and any of them can be killed, hit a full disk or
// start while another runs. This package is what makes that safe, in one
// place, apart from the stages that decide what to write:
//
//   - After a crash, a kill or a full disk at any point the package
//     builds, and the next run finds everything either as the last run
//     left it or as this run meant to (Writer.Write, Writer.Recover).
//   - It never deletes a file it did not write: the owned directory's
//     record names every file it wrote there, and only those, and only
//     temporary files with its own prefix and os.CreateTemp's suffix,
//     are ever removed.
//   - Runs on one output directory take turns (Acquire): two at once
//     would each remove the copies the other's Go file embeds.
//
// Writer.Step is the fault hook: tests call it to fail or stop a run
// before any change to the file system.
//
// How a run changes the package:
//
//  1. The record (the owned directory's files.txt) names every file
//     assetgen may have written in the owned directory. It is rewritten
//     first, to name the new copies too, before any is written: it may
//     run ahead of the copies, never behind.
//  2. The copies, named by content hash, are written beside the old ones
//     (each to a temporary file renamed into place), so the old Go file
//     still finds everything it embeds. A copy already present is checked
//     by content (Writer.Intact) and rewritten if it is wrong.
//  3. The outputs are written to temporary files, then a journal
//     (journalName) listing their renames is renamed into place: the
//     commit point. The renames follow and the journal is removed. A run
//     that finds a journal finishes its renames first, so a kill between
//     two renames leaves the outputs of one generation after the next run
//     (before it, the package still builds: the files differ only in
//     which copies are named, and all of them exist).
//  4. Garbage collection removes what the record names and the Go file now
//     on disk does not embed, and the temporary files of killed runs, then
//     rewrites the record to name exactly what is embedded. It goes by the
//     Go file, not by what the run meant to write, so it is right after a
//     failure too, and never touches a file assetgen did not write.
package txwrite

import (
	"bytes"
	"context"
	"crypto/sha256"
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
	"github.com/assetgen/assetgen/internal/diag"
	"github.com/assetgen/assetgen/internal/pkgformat"
	"github.com/assetgen/assetgen/internal/relpath"
)

// journalName lists the renames of a commit in progress, in the output
// directory.
const journalName = ".assetgen.journal"

// RecordName is the owned directory's record: the files assetgen wrote
// there, so that a later run removes exactly those that went stale and
// nothing else.
const RecordName = "files.txt"

// Writer changes one output directory's files. A run makes one while it
// holds the directory's Lock.
type Writer struct {
	Dir    string // the output directory
	Owned  string // the subdirectory of Dir whose files assetgen writes and removes
	GoFile string // the generated Go file in Dir, whose go:embed lines say which copies are in use

	// Intact reports whether a copy already in place, named relative to
	// Dir, holds what its name promises; nil means none does.
	Intact func(name string) bool
	// Wrote, if set, is told each copy Write wrote, with its SHA-256.
	Wrote func(name string, sum [sha256.Size]byte)
	// Step, if set, is called before each change to the file system: op
	// is "create", "write", "rename" or "remove", file the file changed
	// (never a temporary name). An error from it fails the change as the
	// system would. It is for tests.
	Step func(op, file string) error
}

// File is one file Write puts in place.
type File struct {
	Name string // slash-separated, relative to the output directory
	Data []byte
	Tmp  string // a copy only: a temporary file in the owned directory holding the data instead, renamed into place
	Sum  []byte // Tmp's SHA-256
	Old  []byte // an output only: what the file holds now; nil if it does not exist
}

// Write puts the copies in place in the owned directory, commits the
// outputs that changed, and collects garbage; on failure it collects
// garbage against the Go file still in place and says the previous
// package is intact. It returns how many copies it wrote and the outputs
// that changed (slash-separated, joined to Dir).
func (w *Writer) Write(ctx context.Context, copies, outputs []File) (copied int, written []string, err error) {
	ownedDir := filepath.Join(w.Dir, w.Owned)
	copied, err = w.writeCopies(ctx, ownedDir, copies)
	if err == nil {
		written, err = w.commit(outputs)
	}
	w.collect(ownedDir)
	return copied, written, err
}

// writeCopies brings the record ahead, then writes each copy that is
// missing or wrong.
func (w *Writer) writeCopies(ctx context.Context, ownedDir string, copies []File) (copied int, err error) {
	if len(copies) == 0 {
		return 0, nil
	}
	if err := os.MkdirAll(ownedDir, 0o755); err != nil {
		return copied, fsError(ownedDir, err, true)
	}
	prev := Record(ownedDir)
	all := slices.Clone(prev)
	for _, o := range copies {
		all = append(all, path.Base(o.Name))
	}
	slices.Sort(all)
	if all = slices.Compact(all); len(all) != len(prev) {
		if err := w.writeFile(filepath.Join(ownedDir, RecordName), recordBytes(all)); err != nil {
			return copied, err
		}
	}
	for _, o := range copies {
		if err := ctx.Err(); err != nil {
			return copied, err
		}
		file := filepath.Join(w.Dir, filepath.FromSlash(o.Name))
		if w.Intact != nil && w.Intact(o.Name) {
			if o.Tmp != "" {
				os.Remove(o.Tmp) // a streamed variant already in place
			}
			continue
		}
		if o.Tmp != "" {
			// A streamed variant, written and named by content while
			// compressing: only its rename is left.
			if err := w.step("rename", file); err != nil {
				return copied, fsError(file, err, true)
			}
			if err := os.Rename(o.Tmp, file); err != nil {
				return copied, fsError(file, err, true)
			}
			w.wrote(o.Name, [sha256.Size]byte(o.Sum))
			copied++
			continue
		}
		if o.Data == nil {
			// A variant reused from the previous run was checked when it
			// was chosen; it has changed since.
			return copied, &diag.Diag{File: relpath.Display(file), Msg: "changed while assetgen ran; run it again"}
		}
		if err := w.writeFile(file, o.Data); err != nil {
			return copied, err
		}
		w.wrote(o.Name, sha256.Sum256(o.Data))
		copied++
	}
	return copied, nil
}

func (w *Writer) wrote(name string, sum [sha256.Size]byte) {
	if w.Wrote != nil {
		w.Wrote(name, sum)
	}
}

// commit swaps in the outputs that changed, through the journal, and
// returns their names.
func (w *Writer) commit(outputs []File) (written []string, err error) {
	var changed []File
	for _, o := range outputs {
		if o.Old == nil || !bytes.Equal(o.Old, o.Data) {
			changed = append(changed, o) // unchanged: touch nothing, keep build caches warm
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	var journal []string
	defer func() { // on failure before the journal is in place
		for i := 0; i < len(journal); i += 2 {
			os.Remove(filepath.Join(w.Dir, journal[i]))
		}
	}()
	for _, o := range changed {
		file := filepath.Join(w.Dir, o.Name)
		tmp, err := w.writeTemp(file, o.Data, true)
		if err != nil {
			return nil, err
		}
		journal = append(journal, filepath.Base(tmp), o.Name)
	}
	jfile := filepath.Join(w.Dir, journalName)
	if err := w.writeFileSync(jfile, []byte(strings.Join(journal, "\n")+"\n"), true); err != nil {
		return nil, err
	}
	journal = nil // committed: the renames are the next run's to finish if this one stops
	if err := w.Recover(); err != nil {
		return nil, err
	}
	for _, o := range changed {
		written = append(written, filepath.ToSlash(filepath.Join(w.Dir, o.Name)))
	}
	return written, nil
}

// Recover carries out the renames a journal lists, where the temporary
// file is still there, then removes the journal. Write calls it after
// committing, and a run calls it first thing after taking the lock, to
// finish the commit of a run that was stopped.
func (w *Writer) Recover() error {
	jfile := filepath.Join(w.Dir, journalName)
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
		from, to := filepath.Join(w.Dir, tmp), filepath.Join(w.Dir, dst)
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue // renamed before the stop
		}
		if err := w.step("rename", to); err != nil {
			return fsError(to, err, false)
		}
		if err := os.Rename(from, to); err != nil {
			return fsError(to, err, false)
		}
	}
	syncDir(w.Dir)
	if err := w.step("remove", jfile); err != nil {
		return fsError(jfile, err, false)
	}
	if err := os.Remove(jfile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fsError(jfile, err, false)
	}
	return nil
}

// Unfinished reports whether a stopped run left work for the next one:
// a journal, or temporary files in the output or owned directory. With
// ownedClean the caller vouches for the owned directory, which holds
// thousands of copies: OwnedClean found no temporary file in it, and its
// stat has not changed since, so no entry was added.
func (w *Writer) Unfinished(ownedClean bool) bool {
	return unfinishedIn(w.Dir) || !ownedClean && !w.OwnedClean()
}

// OwnedClean reports whether the owned directory holds no temporary file.
func (w *Writer) OwnedClean() bool {
	return !unfinishedIn(filepath.Join(w.Dir, w.Owned))
}

// unfinishedIn reports whether dir holds a journal or a temporary file.
func unfinishedIn(dir string) bool {
	for _, name := range dirNames(dir) {
		if strings.HasPrefix(name, cache.TempPrefix) || name == journalName {
			return true
		}
	}
	return false
}

// dirNames lists a directory's names, unsorted and without a stat or an
// entry each: the owned directory holds thousands of copies, and a run
// over an unchanged tree asks Unfinished.
func dirNames(dir string) []string {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	return names
}

// collect removes the files the record names that the Go file on disk
// does not embed, and temporary files left by stopped runs, then makes the
// record name exactly what is embedded. It is best effort: what it cannot
// remove stays in the record, for the next run to remove.
func (w *Writer) collect(ownedDir string) {
	if _, err := os.Lstat(filepath.Join(w.Dir, journalName)); err != nil {
		// With a journal left by a commit that failed half way, the
		// temporary files it lists are the next run's to rename.
		w.removeStrayTemps(w.Dir)
	}
	prev := Record(ownedDir)
	if prev == nil {
		if _, err := os.Stat(filepath.Join(ownedDir, RecordName)); err != nil {
			return // assetgen has written nothing here
		}
	}
	w.removeStrayTemps(ownedDir)
	embedded := w.embedded()
	var keep []string
	for _, n := range prev {
		switch {
		case embedded[n]:
			keep = append(keep, n)
		case path.Base(n) == n && n != RecordName && !strings.HasPrefix(n, "."):
			file := filepath.Join(ownedDir, n)
			if w.step("remove", file) != nil {
				keep = append(keep, n) // still ours to remove later
				continue
			}
			if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
				keep = append(keep, n)
			}
		}
	}
	rec := filepath.Join(ownedDir, RecordName)
	if len(keep) == 0 {
		if w.step("remove", rec) == nil {
			_ = os.Remove(rec)
			_ = os.Remove(ownedDir) // only if empty: others' files stay
		}
		return
	}
	if !slices.Equal(keep, prev) {
		_ = w.writeFile(rec, recordBytes(keep)) // if it fails, the record stays ahead: safe
	}
}

// embedded returns the names in the owned directory that the Go file on
// disk embeds: what the package uses now, whichever run wrote it. A
// missing or foreign Go file embeds nothing.
func (w *Writer) embedded() map[string]bool {
	out := map[string]bool{}
	b, err := os.ReadFile(filepath.Join(w.Dir, w.GoFile))
	if err != nil || !pkgformat.IsGo(b) {
		return out
	}
	for _, name := range Embeds(b) {
		if n, ok := strings.CutPrefix(name, w.Owned+"/"); ok {
			out[n] = true
		}
	}
	return out
}

// Embeds returns the patterns of a Go file's go:embed lines, in order.
// Each line holds one or more, space-separated, each bare or a Go string
// literal.
func Embeds(code []byte) []string {
	var out []string
	for line := range strings.Lines(string(code)) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "//go:embed ")
		if !ok {
			continue
		}
		out = append(out, embedPatterns(rest)...)
	}
	return out
}

// embedPatterns splits a go:embed line's arguments.
func embedPatterns(s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' || s[0] == '`' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return out
			}
			s = s[len(q):]
			if u, err := strconv.Unquote(q); err == nil {
				out = append(out, u)
			}
			continue
		}
		f, rest, _ := strings.Cut(s, " ")
		out = append(out, f)
		s = rest
	}
	return out
}

// removeStrayTemps removes the temporary files of stopped runs from dir.
// The lock guarantees no other run is writing them.
func (w *Writer) removeStrayTemps(dir string) {
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
		if w.step("remove", file) == nil {
			_ = os.Remove(file)
		}
	}
}

// Record returns the names listed in the owned directory's record.
func Record(ownedDir string) []string {
	b, err := os.ReadFile(filepath.Join(ownedDir, RecordName))
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
func (w *Writer) writeFile(file string, data []byte) error {
	return w.writeFileSync(file, data, false)
}

func (w *Writer) writeFileSync(file string, data []byte, sync bool) error {
	tmp, err := w.writeTemp(file, data, sync)
	if err != nil {
		return err
	}
	// One err throughout: a failed rename must fail the write, or a Go
	// file embedding the copy would be committed without it.
	err = w.step("rename", file)
	if err == nil {
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
func (w *Writer) writeTemp(file string, data []byte, sync bool) (string, error) {
	if err := w.step("create", file); err != nil {
		return "", fsError(file, err, true)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), cache.TempPrefix+"*")
	if err != nil {
		return "", fsError(file, err, true)
	}
	err = w.step("write", file)
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
func (w *Writer) step(op, file string) error {
	if w.Step == nil {
		return nil
	}
	return w.Step(op, file)
}

// fsError describes a failed file system operation on file (never on a
// temporary file standing in for it) with the way out. intact says
// whether the previous package is still as it was.
func fsError(file string, err error, intact bool) *diag.Diag {
	var errno syscall.Errno
	cause := err
	if pe, ok := cause.(*os.PathError); ok {
		cause = pe.Err
	}
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
	return &diag.Diag{File: relpath.Display(file), Msg: msg}
}
