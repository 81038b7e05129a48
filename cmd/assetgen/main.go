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
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/assetgen/assetgen/gen"
)

// Exit statuses.
const (
	exitOK    = 0
	exitInput = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

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
	return gen.Config{Dirs: dirs, Ignore: c.ignore, NoDefaultIgnore: c.noDefaultIgnore}
}

// run is the whole command, with its inputs passed in so that tests can
// call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "find" {
		return runFind(args[1:], stdout, stderr)
	}
	if isVetTool(args) {
		runVetTool() // go vet -vettool=assetgen; exits
	}
	if len(args) > 0 && args[0] == "check" {
		return runCheck(ctx, args[1:], stdout, stderr)
	}
	return runGenerate(ctx, args, stdout, stderr, getenv)
}

func usage(fs *flag.FlagSet, stderr io.Writer, synopsis string) func() {
	return func() {
		fmt.Fprintf(stderr, "usage: %s\n\nFlags:\n", synopsis)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
	}
}

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("assetgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		c         common
		out       = fs.String("o", ".", "package `directory` to write")
		pkg       = fs.String("pkg", "", "package `name` (default $GOPACKAGE, else the directory's name)")
		file      = fs.String("file", gen.DefaultFileName, "generated Go file `name`")
		manifest  = fs.String("manifest", gen.DefaultManifest, "JSON manifest `name`, or - for none")
		prefix    = fs.String("prefix", gen.DefaultPrefix, "default URL `prefix`, a path or an origin")
		hashLen   = fs.Int("hash-len", gen.DefaultHashLen, "hex digits of the SHA-256 in file names, 8 to 64")
		noShadow  = fs.Bool("no-shadow", false, "make a logical path held by two directories an error")
		allowMiss stringsFlag
		prehashed stringsFlag
		templates stringsFlag
		doMinify  = fs.Bool("minify", false, "minify CSS, JavaScript, SVG and JSON before hashing")
		viteMan   = fs.String("vite-manifest", "", "Vite build `manifest` (.vite/manifest.json): its files are prehashed and its entries named after their sources")
		noComp    = fs.Bool("no-compress", false, "make no br, zstd or gzip variants")
		compOnly  = fs.Bool("compressed-only", false, "embed only the compressed variants of files that have a gzip one")
		cacheDir  = fs.String("cache", "", "hash cache `directory` (default assetgen in the user cache directory)")
		noCache   = fs.Bool("no-cache", false, "hash every file; use no cache")
		lockWait  = fs.Duration("lock-timeout", gen.DefaultLockTimeout, "how long to wait for another run on the same package")
		verbose   = fs.Bool("v", false, "list shadowed files, rewritten references, unchecked template calls and files written")
		quiet     = fs.Bool("q", false, "print nothing but errors")
		version   = fs.Bool("version", false, "print the version and exit")
		synopsis  = "assetgen [flags]\n       assetgen find [-first] [-dir DIR]... PATH\n       assetgen check [-unused] [-templates GLOB]... [packages]"
		printHelp = usage(fs, stderr, synopsis)
	)
	c.register(fs)
	fs.Var(&allowMiss, "allow-missing", "let CSS/JS references matching `pattern` name no asset (a warning), repeatable")
	fs.Var(&templates, "templates", "check static and integrity calls in template files matching `glob` (** for any depth), repeatable")
	fs.Var(&prehashed, "prehashed", "files matching `pattern` are already fingerprinted by a bundler: keep their names, repeatable")
	fs.Usage = func() {} // printed below, once
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp()
			return exitOK
		}
		fmt.Fprintf(stderr, "assetgen: %v\n", err)
		printHelp()
		return exitUsage
	}
	if *version {
		fmt.Fprintln(stdout, "assetgen", moduleVersion())
		return exitOK
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "assetgen: unexpected argument %q; did you mean assetgen find?\n", fs.Arg(0))
		printHelp()
		return exitUsage
	}
	cfg := c.config()
	cfg.OutDir, cfg.FileName, cfg.Manifest, cfg.Prefix = *out, *file, *manifest, *prefix
	cfg.HashLen, cfg.NoShadow = *hashLen, *noShadow
	cfg.NoCompress, cfg.CompressedOnly = *noComp, *compOnly
	cfg.AllowMissing, cfg.Prehashed = allowMiss, prehashed
	cfg.Templates = templates
	cfg.Minify, cfg.ViteManifest = *doMinify, *viteMan
	cfg.Package = *pkg
	if cfg.Package == "" {
		cfg.Package = defaultPackage(*out, getenv)
	}
	if !*noCache {
		cfg.CacheDir = *cacheDir
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
	cfg.LockTimeout = *lockWait
	cfg.Log = func(msg string) { fmt.Fprintf(stderr, "assetgen: %s\n", msg) }
	var prog *progress
	if !*quiet && isTerminal(stderr) {
		prog = &progress{w: stderr, start: time.Now()}
		cfg.Progress = prog.update
	}
	res, err := gen.Generate(ctx, cfg)
	prog.clear()
	if err != nil {
		where := ""
		if f := getenv("GOFILE"); f != "" {
			where = " (go:generate in " + f + ")"
		}
		fmt.Fprintf(stderr, "assetgen%s: %v\n", where, indentLines(err))
		return exitInput
	}
	if *quiet {
		return exitOK
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "assetgen: warning: %s\n", w)
	}
	if *verbose {
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
	fmt.Fprintf(stdout, "assetgen: %d files, %d shadowed, %s, %d hashed, %d references rewritten, %d compressed, %d copied, %s\n",
		res.Files, len(res.Shadowed), byteSize(res.Bytes), res.Hashed, res.Rewritten, res.Compressed, res.Copied, res.Elapsed.Round(time.Millisecond))
	return exitOK
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp()
			return exitOK
		}
		fmt.Fprintf(stderr, "assetgen find: %v\n", err)
		printHelp()
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "assetgen find: want exactly one logical path, such as css/base.css")
		printHelp()
		return exitUsage
	}
	srcs, err := gen.Find(c.config(), fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "assetgen find: %v\n", err)
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

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// progress draws one status line on a terminal while a long run works.
// Generate calls update from its hashing goroutines.
type progress struct {
	w     io.Writer
	start time.Time
	mu    sync.Mutex
	drawn bool
}

func (p *progress) update(done, total int) {
	if time.Since(p.start) < 300*time.Millisecond {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawn = true
	fmt.Fprintf(p.w, "\rassetgen: hashing %d/%d files", done, total)
}

func (p *progress) clear() {
	if p != nil && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// isTerminal reports whether w is a character device, without a dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
