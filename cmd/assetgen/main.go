package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/progress"
)

// Exit statuses.
const (
	exitOK    = 0
	exitInput = 1
	exitUsage = 2
)

func main() {
	firstGCLater(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// firstGCLater puts the first garbage collection off until the heap holds
// 16 MB, not the runtime's 4 MB, then leaves the collector as it was. An
// unchanged re-run of a 10,000-file tree allocates a few megabytes and
// exits: a collection there, and the sweep after it, would stop the
// program for memory the exit frees anyway. A run that goes on to hash
// and compress collects as before once the first collection is done. It
// sets nothing where GOGC is set.
//
// The percentage is raised rather than a 16 MB slice allocated and kept
// alive: an allocation that size starts a collection at once, which costs
// a command that does nothing else (assetgen -version) a quarter of its
// time.
func firstGCLater(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	old := debug.SetGCPercent(400) // the first goal is 4 MB × 400%
	runtime.AddCleanup(new(firstGC), func(old int) { debug.SetGCPercent(old) }, old)
}

// firstGC is what firstGCLater leaves unreachable: the first collection
// finds it so and runs its cleanup. It holds a pointer so that it is not
// a tiny allocation, which may share a block with data that lives on.
type firstGC struct{ _ *byte }

// stringsFlag is a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// common holds the flags every subcommand shares: where to find files.
type common struct {
	dirs            stringsFlag
	ignore          stringsFlag
	noDefaultIgnore bool
}

func (c *common) register(fs *flag.FlagSet) {
	fs.Var(&c.dirs, "dir", "source `directory`, repeatable, in precedence order (default static)")
	fs.Var(&c.ignore, "ignore", "skip files and directories matching `pattern`, repeatable")
	fs.BoolVar(&c.noDefaultIgnore, "no-default-ignore", false, "do not skip .*, *~, CVS and #*#")
}

func (c *common) config() gen.Config {
	dirs := []string(c.dirs)
	if len(dirs) == 0 {
		dirs = []string{"static"}
	}
	return gen.Config{Settings: gen.Settings{Dirs: dirs, Ignore: c.ignore, NoDefaultIgnore: c.noDefaultIgnore}}
}

// run is the whole command, with its inputs passed in so that tests can
// call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "help" {
		return runHelp(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "find" {
		return runFind(args[1:], stdout, stderr)
	}
	if isVetTool(args) {
		runVetTool() // go vet -vettool=assetgen; exits
	}
	if len(args) > 0 && args[0] == "check" {
		return runCheck(ctx, args[1:], stdout, stderr, packages.Load)
	}
	if len(args) > 0 && args[0] == "report" {
		return runReport(ctx, args[1:], stdout, stderr, packages.Load)
	}
	if len(args) > 0 && args[0] == "collect" {
		return runCollect(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "publish" {
		// A separate command, so that go generate never builds the cloud SDKs.
		return usageError(stderr, "assetgen", "publish is its own command, which links the cloud SDKs this one leaves out: go run github.com/assetgen/assetgen/cmd/assetgen-publish %s", strings.Join(args[1:], " "))
	}
	return runGenerate(ctx, args, stdout, stderr, getenv)
}

// manualHint ends every usage: the flags are listed, but what they do
// together is in the package doc, which is the manual.
const manualHint = "\nThe manual: go doc github.com/assetgen/assetgen/cmd/assetgen\n"

// usage prints a subcommand's synopsis and every flag it takes.
func usage(fs *flag.FlagSet, stderr io.Writer, synopsis string) func() {
	return func() {
		fmt.Fprintf(stderr, "usage: %s\n\nFlags:\n%s%s", synopsis, flagList(fs), manualHint)
	}
}

// parseFlags parses args into fs. done is true when the command should
// stop there with code: after -h printed the usage (printHelp), or on a
// usage mistake.
func parseFlags(fs *flag.FlagSet, args []string, printHelp func(), stderr io.Writer, cmd string) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printHelp()
		return exitOK, true
	case err != nil:
		return usageError(stderr, cmd, "%v", err), true
	}
	return exitOK, false
}

// usageError reports a usage mistake in two lines, the problem and where
// the usage is, rather than the whole flag list, which would bury the one
// line that matters.
func usageError(stderr io.Writer, cmd, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s\nrun \"%s -h\" for usage\n", cmd, fmt.Sprintf(format, args...), cmd)
	return exitUsage
}

// runHelp prints the usage of the command or of a subcommand to stdout:
// asked for, it is the output, not a diagnostic.
func runHelp(args []string, stdout, stderr io.Writer) int {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch {
	case len(args) > 1 || (sub != "" && sub != "flags" && sub != "find" && sub != "check" && sub != "collect" && sub != "report"):
		return usageError(stderr, "assetgen", "help: unknown topic %q; the topics are flags, find, check, collect and report", strings.Join(args, " "))
	case sub == "flags":
		fs, _ := newGenerateFlags()
		fmt.Fprintf(stdout, "usage: assetgen [flags]\n\nFlags:\n%s%s", flagList(fs), manualHint)
		return exitOK
	case sub == "":
		return runGenerate(context.Background(), []string{"-h"}, stdout, stdout, func(string) string { return "" })
	case sub == "find":
		return runFind([]string{"-h"}, stdout, stdout)
	case sub == "collect":
		return runCollect(context.Background(), []string{"-h"}, stdout, stdout)
	case sub == "report":
		return runReport(context.Background(), []string{"-h"}, stdout, stdout, packages.Load)
	}
	return runCheck(context.Background(), []string{"-h"}, stdout, stdout, packages.Load)
}

// generateFlags are the generate command's flags.
type generateFlags struct {
	common
	out, pkg, file, manifest, prefix *string
	hashLen                          *int
	noShadow                         *bool
	allowMiss, prehashed, templates  stringsFlag
	preload                          stringsFlag
	importMap, viteMan, encodings    *string
	doMinify, nonUTF8                *bool
	noComp, compOnly                 *bool
	cacheDir                         *string
	noCache                          *bool
	lockWait                         *time.Duration
	verbose, quiet, version          *bool
}

// shortFlags are the flags "assetgen -h" shows: those most runs use. The
// rest are in "assetgen help flags" and the manual.
var shortFlags = []string{"dir", "ignore", "o", "pkg", "prefix", "minify", "templates", "v", "q"}

// generateSynopsis is the first lines of "assetgen -h".
const generateSynopsis = "assetgen [flags]\n       assetgen find [-first] [-dir DIR]... PATH\n       assetgen check [-unused] [-templates GLOB]... [packages]\n       " + collectSynopsis + "\n       assetgen report [-o FILE] [-json] [packages]\n       assetgen help [flags|find|check|collect|report]"

// newGenerateFlags defines the generate command's flags on a new set.
func newGenerateFlags() (*flag.FlagSet, *generateFlags) {
	fs := flag.NewFlagSet("assetgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // printed by parseFlags, once
	f := &generateFlags{
		out:       fs.String("o", ".", "package `directory` to write"),
		pkg:       fs.String("pkg", "", "package `name` (default $GOPACKAGE, else the directory's name)"),
		file:      fs.String("file", gen.DefaultFileName, "generated Go file `name`"),
		manifest:  fs.String("manifest", gen.DefaultManifest, "JSON manifest `name`, or - for none"),
		prefix:    fs.String("prefix", gen.DefaultPrefix, "default URL `prefix`, a path or an origin"),
		hashLen:   fs.Int("hash-len", gen.DefaultHashLen, "hex digits of the SHA-256 in file names, 8 to 64"),
		noShadow:  fs.Bool("no-shadow", false, "make a logical path held by two directories an error"),
		importMap: fs.String("importmap", "", "JSON `file` mapping bare module specifiers to assets, for pages that use an import map"),
		doMinify:  fs.Bool("minify", false, "minify CSS, JavaScript, SVG and JSON before hashing"),
		nonUTF8:   fs.Bool("allow-non-utf8", false, "keep text files that are not valid UTF-8, served without charset=utf-8 (default: an error)"),
		viteMan:   fs.String("vite-manifest", "", "Vite build `manifest` (.vite/manifest.json): its files are prehashed and its entries named after their sources"),
		noComp:    fs.Bool("no-compress", false, "make no br, zstd or gzip variants"),
		encodings: fs.String("encodings", "", "content `codings` to make, comma-separated, from br, zstd and gzip (default all three)"),
		compOnly:  fs.Bool("compressed-only", false, "embed only the compressed variants of files that have a gzip one"),
		cacheDir:  fs.String("cache", "", "hash cache `directory` (default assetgen in the user cache directory)"),
		noCache:   fs.Bool("no-cache", false, "hash every file; use no cache"),
		lockWait:  fs.Duration("lock-timeout", gen.DefaultLockTimeout, "how long to wait for another run on the same package"),
		verbose:   fs.Bool("v", false, "list shadowed files, rewritten references, unchecked template calls and files written"),
		quiet:     fs.Bool("q", false, "print nothing but errors"),
		version:   fs.Bool("version", false, "print the version and exit"),
	}
	f.register(fs)
	fs.Var(&f.allowMiss, "allow-missing", "let CSS/JS references matching `pattern` name no asset (a warning), repeatable")
	fs.Var(&f.templates, "templates", "check static and integrity calls in template files matching `glob` (** for any depth), repeatable")
	fs.Var(&f.preload, "preload", "url() targets in CSS matching `pattern` (a critical font) join the preload hints of the sheet, repeatable")
	fs.Var(&f.prehashed, "prehashed", "files matching `pattern` are already fingerprinted by a bundler: keep their names, repeatable")
	return fs, f
}

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs, f := newGenerateFlags()
	printHelp := func() {
		fmt.Fprintf(stderr, "usage: %s\n\nCommon flags:\n%s\nAll flags: assetgen help flags\n%s", generateSynopsis, flagList(fs, shortFlags...), manualHint)
	}
	if code, done := parseFlags(fs, args, printHelp, stderr, "assetgen"); done {
		return code
	}
	if *f.version {
		fmt.Fprintln(stdout, "assetgen", moduleVersion())
		return exitOK
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "assetgen", "%s", strayArg(fs.Arg(0)))
	}
	if *f.quiet && *f.verbose {
		return usageError(stderr, "assetgen", "-q and -v contradict each other; pass one of them")
	}
	cfg := f.config()
	cfg.OutDir, cfg.FileName, cfg.Manifest, cfg.Prefix = *f.out, *f.file, *f.manifest, *f.prefix
	cfg.HashLen, cfg.NoShadow = *f.hashLen, *f.noShadow
	cfg.NoCompress, cfg.CompressedOnly = *f.noComp, *f.compOnly
	if isSet(fs, "encodings") {
		for _, c := range strings.Split(*f.encodings, ",") {
			cfg.Encodings = append(cfg.Encodings, strings.TrimSpace(c))
		}
	}
	cfg.AllowMissing, cfg.Prehashed = f.allowMiss, f.prehashed
	cfg.Templates = f.templates
	cfg.ImportMap, cfg.Preload = *f.importMap, f.preload
	cfg.Minify, cfg.ViteManifest = *f.doMinify, *f.viteMan
	cfg.AllowNonUTF8 = *f.nonUTF8
	cfg.Package = *f.pkg
	if cfg.Package == "" {
		cfg.Package = defaultPackage(*f.out, getenv)
	}
	if !*f.noCache {
		cfg.CacheDir = *f.cacheDir
		if cfg.CacheDir == "" {
			if d, err := os.UserCacheDir(); err == nil {
				cfg.CacheDir = filepath.Join(d, "assetgen")
			}
		}
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "assetgen: %v\n", err)
		return exitUsage
	}
	var line *progress.Line
	cfg.LockTimeout = *f.lockWait
	if *f.lockWait == 0 {
		cfg.LockTimeout = -1 // -lock-timeout 0: do not wait
	}
	cfg.Log = func(msg string) {
		if line != nil {
			line.Clear()
		}
		fmt.Fprintf(stderr, "assetgen: %s\n", msg)
	}
	if !*f.quiet {
		line = progress.NewLine(stderr, progress.IsTerminal(stderr), time.Now)
		cfg.Progress = func(p gen.Progress) {
			line.Update(progress.Snapshot{Phase: p.Phase.String(), Files: p.Files, TotalFiles: p.TotalFiles, Bytes: p.Bytes, TotalBytes: p.TotalBytes, Elapsed: p.Elapsed})
		}
	}
	res, err := gen.Generate(ctx, cfg)
	if line != nil {
		line.Clear()
	}
	if err != nil {
		where := ""
		if f := getenv("GOFILE"); f != "" {
			where = " (go:generate in " + f + ")"
		}
		fmt.Fprintf(stderr, "assetgen%s: %v\n", where, indentLines(err))
		return exitInput
	}
	if *f.quiet {
		return exitOK
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "assetgen: warning: %s\n", w)
	}
	if *f.verbose {
		for _, s := range res.Shadowed {
			fmt.Fprintf(stdout, "shadowed: %s: %s wins over %s\n", s.Logical, s.Winner, strings.Join(s.Shadowed, ", "))
		}
		for _, rw := range res.Rewrites {
			for _, l := range rw.Refs {
				fmt.Fprintf(stdout, "rewrote %s:%s\n", rw.File, l)
			}
		}
		for _, w := range res.Written {
			fmt.Fprintf(stdout, "wrote %s\n", w)
		}
		for _, u := range res.Unchecked {
			fmt.Fprintf(stdout, "unchecked: %s\n", u)
		}
	}
	// Files re-read to check a record are counted only when there are
	// some: the run after one that wrote, and no other.
	hashed := fmt.Sprintf("%d hashed", res.Hashed)
	if res.Reread > 0 {
		hashed += fmt.Sprintf(", %d re-read", res.Reread)
	}
	fmt.Fprintf(stdout, "assetgen: %d files, %d shadowed, %s, %s, %d references rewritten, %d compressed, %d copied, %s\n",
		res.Files, len(res.Shadowed), progress.Size(res.Bytes), hashed, res.Rewritten, res.Compressed, res.Copied, res.Elapsed.Round(time.Millisecond))
	return exitOK
}

// isSet reports whether a flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// strayArg says what an argument the generate command does not take
// probably meant: a directory given without -dir, or a pattern the shell
// expanded because it was not quoted.
func strayArg(arg string) string {
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		return fmt.Sprintf("unexpected argument %q; did you mean -dir %s?", arg, arg)
	}
	return fmt.Sprintf("unexpected argument %q; assetgen takes only flags (quote patterns, as in -ignore '*.map', so that the shell does not expand them; assetgen find PATH looks up a file)", arg)
}

// indentLines keeps a multi-line error list readable after the prefix.
func indentLines(err error) string {
	s := err.Error()
	if strings.Contains(s, "\n") {
		return "\n\t" + strings.ReplaceAll(s, "\n", "\n\t")
	}
	return s
}

// defaultPackage is $GOPACKAGE under go generate, else the output
// directory's base name when that is an identifier.
func defaultPackage(out string, getenv func(string) string) string {
	if p := getenv("GOPACKAGE"); p != "" {
		return p
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return ""
	}
	name := strings.ReplaceAll(filepath.Base(abs), "-", "_")
	return name
}

func runFind(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("assetgen find", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c common
	c.register(fs)
	first := fs.Bool("first", false, "print only the file that is served")
	printHelp := usage(fs, stderr, "assetgen find [-first] [-dir DIR]... PATH")
	fs.Usage = func() {}
	if code, done := parseFlags(fs, args, printHelp, stderr, "assetgen find"); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(stderr, "assetgen find", "want exactly one logical path, such as css/base.css; got %d arguments", fs.NArg())
	}
	srcs, err := gen.Find(c.config(), fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "assetgen find: %v\n", indentLines(err))
		return exitInput
	}
	if len(srcs) == 0 {
		fmt.Fprintf(stderr, "assetgen find: no file holds %s in %s\n", fs.Arg(0), strings.Join(c.config().Dirs, ", "))
		return exitInput
	}
	for _, s := range srcs {
		if *first {
			fmt.Fprintln(stdout, s.Path)
			break
		}
		mark := "shadowed"
		if s.Winner {
			mark = "served"
		}
		fmt.Fprintf(stdout, "%s (%s)\n", s.Path, mark)
	}
	return exitOK
}

// moduleVersion reports the version the binary was built from.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(unknown)"
	}
	return bi.Main.Version
}
