package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/collect"
	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/internal/progress"
)

const collectSynopsis = "assetgen collect [-o DIR] [-unhashed] [-prune-older-than DURATION] [-nginx FILE] [-prefix PATH] [PKGDIR]"

func runCollect(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("assetgen collect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	out := fs.String("o", "collected", "output `directory`, as nginx's root for the prefix")
	unhashed := fs.Bool("unhashed", false, "also write each file under its logical name, as collectstatic does")
	pruneAge := fs.Duration("prune-older-than", 0, "remove files collected earlier that the package has not named for `duration` (default: keep them)")
	nginx := fs.String("nginx", "", "write an nginx location block serving the output to `file`")
	prefix := fs.String("prefix", "", "URL `path` (or origin) the application's prefix is set to (default: the package's)")
	quiet := fs.Bool("q", false, "print nothing but errors")
	printHelp := usage(fs, stderr, collectSynopsis)
	if code, done := parseFlags(fs, args, printHelp, stderr, "assetgen collect"); done {
		return code
	}
	if fs.NArg() > 1 {
		return usageError(stderr, "assetgen collect", "one package directory at most, got %q", fs.Args())
	}
	if *pruneAge < 0 {
		return usageError(stderr, "assetgen collect", "-prune-older-than %v is negative", *pruneAge)
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	p, err := assetpkg.Load(dir)
	if err != nil {
		fmt.Fprintf(stderr, "assetgen collect: %v\n", err)
		return exitInput
	}
	// The nginx block is made and its directory checked before any file
	// is collected, so that a mistake in -nginx leaves nothing half done.
	var conf []byte
	if *nginx != "" {
		if conf, err = nginxConf(p, *nginx, *out, *prefix, *unhashed); err != nil {
			fmt.Fprintf(stderr, "assetgen collect: %v\n", err)
			return exitInput
		}
	}
	opts := collect.Options{Dir: *out, Unhashed: *unhashed, PruneOlderThan: *pruneAge}
	var line *progress.Line
	if !*quiet {
		line = progress.NewLine(stderr, progress.IsTerminal(stderr), time.Now)
		opts.Progress = line.Update
	}
	res, err := collect.Collect(ctx, p, opts)
	if line != nil {
		line.Clear()
	}
	if err != nil {
		fmt.Fprintf(stderr, "assetgen collect: %v\n", err)
		return exitInput
	}
	if conf != nil {
		if err := os.WriteFile(*nginx, conf, 0o644); err != nil {
			fmt.Fprintf(stderr, "assetgen collect: %v\n", err)
			return exitInput
		}
	}
	if !*quiet {
		fmt.Fprintf(stdout, "assetgen collect: %s: %d files written (%s), %d unchanged, %d pruned", filepath.ToSlash(*out), res.Written, progress.Size(res.Bytes), res.Unchanged, res.Pruned)
		if res.Skipped > 0 {
			fmt.Fprintf(stdout, ", %d not served by the handler (dot paths) left out", res.Skipped)
		}
		fmt.Fprintln(stdout)
	}
	return exitOK
}

// nginxConf makes the location block for the collected tree, to be
// written to file, and checks that file's directory exists.
func nginxConf(p *assetpkg.Package, file, out, prefix string, unhashed bool) ([]byte, error) {
	if d := filepath.Dir(file); !isDir(d) {
		return nil, fmt.Errorf("-nginx %s: directory %s does not exist; create it, or name a file in an existing directory", filepath.ToSlash(file), filepath.ToSlash(d))
	}
	root, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if prefix == "" {
		prefix = p.Prefix
	}
	mount, why := httpserve.ParsePrefix(prefix)
	if why != "" {
		return nil, fmt.Errorf("-prefix %q: want a path such as /static/ or an origin such as https://cdn.example.com/static/ (this one: %s)", prefix, why)
	}
	return collect.Nginx(p, collect.NginxOptions{Root: filepath.ToSlash(root), Mount: mount, Unhashed: unhashed})
}

func isDir(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}
