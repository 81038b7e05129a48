// Package dev is assetgen's development mode: it serves a generated
// package's assets live from the source directories, through the same
// generated API, so that an edited file shows on the next reload without
// running go generate.
//
// # Switching it on
//
// Either build with the assetgen_dev tag,
//
//	go run -tags assetgen_dev ./cmd/site
//
// which compiles in the generated file assets_dev_gen.go (its
// "//go:build assetgen_dev" line keeps it out of every other build) and
// so calls Attach from the generated package's init; or call Attach
// yourself, under a flag of your own:
//
//	if *devMode {
//		if _, err := dev.Attach(assets.Set(), dev.Config{Dirs: []string{"web/static"}}); err != nil {
//			log.Fatal(err)
//		}
//	}
//
// A binary built without the tag and without such a call links none of this
// package, nor fsnotify: the generated package imports only the runtime.
//
// # What it does
//
// While attached, URL, MustURL, Lookup, All, FS, Handler, HandlerWith and
// the asset constants' methods answer from the source directories as they
// are at that moment:
//
//   - The first directory that holds a logical path wins, decided at
//     each request by a stat in each directory in order, so a file added
//     to the first directory shadows the others at once. Ignore patterns
//     are gen's (find.DefaultIgnore unless NoDefaultIgnore).
//   - URLs stay fingerprinted: each file's name carries the hash of its
//     content, recomputed when its size or modification time changes.
//     CSS and JavaScript references are rewritten by the code generate
//     uses (package rewrite, naming.Hashed, the same hash length and the
//     same naming of reference cycles), so a page sees the URLs and bytes
//     production will serve.
//   - A file added on disk is served at once, by URL(path), Lookup and
//     the handler; its typed constant appears after the next go generate.
//   - The handler keeps the production path rules and ServeOptions, and
//     sends every file with Cache-Control: no-cache and a strong ETag: a
//     reload revalidates each asset (a 304 when unchanged). It also
//     serves a fingerprinted name whose hash is not the current one, with
//     the current content, so that a page rendered just before an edit
//     still loads. A file unchanged since go generate (the same content
//     hash as its table row) is served from the embedded table: the same
//     representations, variants and all, as production. An edited or
//     added file gets variants made on its first request at a fast level
//     (see Source.Variants).
//
// Nothing walks the trees per request. The state of each file requested
// so far is cached: the winning directory, size and modification time,
// and for CSS and JavaScript the final content and the files it
// references, which are checked the same way, recursively, once per
// request. A request costs a few stats, whatever the size of the tree.
// A file modified less than two seconds before it was read is read again
// on the next request (git's racy-clean rule), since a second edit within
// one tick of the file system clock could keep its size and time.
//
// # Broken references
//
// A CSS or JavaScript reference to a file that does not exist is an error
// at generate time. In development mode it is logged, once per version
// of the file, in generate's format,
//
//	static/css/app.css:3:8: url(../img/gone.png) not found (no asset img/gone.png); add the file, fix the reference, or allow it with an assetgen:allow-missing comment
//
// and the file is still served, 200, with the reference left as written
// and the error made visible: a style sheet gets a comment at the top
// (after any @charset) and, at the end, a body::before rule that shows a
// red banner with the messages on every page that uses it; a script gets
// a console.error call at the end. Allowed references
// (assetgen:allow-missing, Config.AllowMissing) are left alone silently.
//
// # Symbolic links
//
// Links are followed as generate follows them, wherever they lead (see
// package gen/internal/find), so that development mode serves what
// generate embeds: a file a link reaches is served under the link's
// logical path, and live reload watches a directory a link leads to. A
// request cannot climb out of a source directory: a path with "..", or
// on Windows a backslash, is not found.
//
// # Live reload
//
// With Config.Reload, or ASSETGEN_DEV_RELOAD=1 in the environment, the
// source directories are watched (recursively, with fsnotify, adding
// directories created later), and the handler serves a script and a
// Server-Sent Events stream under its mount path
// ("/static/.assetgen/reload.js", ".../events"). Put the script in each
// page with the runtime's template helper:
//
//	template.FuncMap{"liveReload": assets.Set().LiveReloadScript}
//	<head>... {{liveReload}}</head>
//
// which renders nothing in production. When a file in a source directory
// changes, open pages reload; when only style sheets changed, each
// <link rel=stylesheet> under the mount path is swapped for its new
// fingerprinted URL (and integrity) without a reload, keeping the page's
// state.
package dev

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/assetgen/assetgen/gen/internal/build"
	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/internal/relpath"
	"github.com/assetgen/assetgen/runtime"
)

// Config says where the sources are and how generate named them. Its
// fields mirror gen.Config's; the generated assets_dev_gen.go fills them
// from the generate run.
type Config struct {
	// Dirs are the source directories in precedence order, relative to
	// Root (or, when Module is set, to the package directory) unless
	// absolute.
	Dirs []string
	// Ignore are extra patterns (path.Match syntax) matched against each
	// file's and directory's base name and logical path.
	Ignore []string
	// NoDefaultIgnore turns off find.DefaultIgnore (".*", "*~", "CVS", "#*#").
	NoDefaultIgnore bool
	// Prefix is the URL prefix whose path absolute references
	// ("/static/img/a.png") resolve against, as at generate time. Empty
	// means the Set's prefix when attached, or runtime.DefaultPrefix.
	Prefix string
	// HashLen is the number of hex digits of the SHA-256 in names
	// (default 12, as gen.DefaultHashLen).
	HashLen int
	// AllowMissing are patterns of references that may name no asset.
	AllowMissing []string
	// Prehashed are patterns of files that keep their names.
	Prehashed []string
	// Minify minifies CSS, JavaScript, SVG and JSON as generate's -minify
	// does, so that fingerprints match production's.
	Minify bool
	// NoCompress and Encodings are gen.Config's: which precompressed
	// variants the handler may negotiate (see encode.go).
	NoCompress bool
	Encodings  []string

	// Root is the directory relative Dirs are resolved against. Empty
	// means the working directory, or, when Module is set, the package
	// directory found as Module says.
	Root string
	// Module and Package are set by generated code, whose source
	// directories are recorded relative to its package directory so that
	// the file is the same on every machine. At run time the package
	// directory is Package (slash-separated, relative to the module root)
	// below the module root, which is $ASSETGEN_DEV_ROOT if set, else the
	// nearest directory at or above the working directory whose go.mod
	// declares Module. go run, go test and go build run from inside the
	// module find it; a binary started elsewhere needs ASSETGEN_DEV_ROOT.
	Module, Package string

	// Reload turns on live reload; so does ASSETGEN_DEV_RELOAD=1.
	Reload bool
	// Logf receives the messages about broken references and watch
	// errors; nil means log.Printf.
	Logf func(format string, args ...any)
}

// RootEnv and ReloadEnv are the environment variables development mode
// reads; see Config.Module and Config.Reload.
const (
	RootEnv   = "ASSETGEN_DEV_ROOT"
	ReloadEnv = "ASSETGEN_DEV_RELOAD"
)

// Attach serves set's assets live from the sources cfg describes, until
// the returned Source is closed or set.SetLive(nil) is called. Call it
// before the application calls Handler: a handler made before serves the
// embedded files.
func Attach(set *runtime.Set, cfg Config) (*Source, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = set.Prefix()
	}
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	s.set = set
	set.SetLive(s)
	s.cfg.Logf("%s", s.startLine())
	return s, nil
}

// startLine is the one line Attach logs, so that a developer can tell
// development mode is on, what it watches, and whether pages reload.
func (s *Source) startLine() string {
	dirs := make([]string, len(s.dirs))
	for i, d := range s.dirs {
		dirs[i] = relpath.Display(d)
	}
	reload := "live reload off (set " + ReloadEnv + "=1 to turn it on)"
	if s.cfg.Reload {
		reload = "live reload on"
	}
	return fmt.Sprintf("assetgen: development mode on: serving %s from %s; %s", s.cfg.Prefix, strings.Join(dirs, ", "), reload)
}

// withDefaults fills zero fields, resolves the directories and checks
// them.
func (cfg Config) withDefaults() (Config, []string, error) {
	if cfg.HashLen == 0 {
		cfg.HashLen = build.DefaultHashLen
	}
	if cfg.Prefix == "" {
		cfg.Prefix = runtime.DefaultPrefix
	}
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	if v := os.Getenv(ReloadEnv); v != "" && v != "0" {
		cfg.Reload = true
	}
	switch {
	case len(cfg.Dirs) == 0:
		return cfg, nil, errors.New("assetgen dev: no source directories")
	case cfg.HashLen < 8 || cfg.HashLen > 64:
		return cfg, nil, fmt.Errorf("assetgen dev: hash length %d out of range; use 8 to 64 hex digits", cfg.HashLen)
	}
	base, err := cfg.base()
	if err != nil {
		return cfg, nil, err
	}
	dirs := make([]string, len(cfg.Dirs))
	for i, d := range cfg.Dirs {
		d = filepath.FromSlash(d)
		if !filepath.IsAbs(d) {
			d = filepath.Join(base, d)
		}
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() {
			return cfg, nil, fmt.Errorf("assetgen dev: source directory %s: not a directory; set %s to the module root, or fix the directory", relpath.Display(d), RootEnv)
		}
		dirs[i] = d
	}
	return cfg, dirs, nil
}

// base is the directory relative Dirs are resolved against.
func (cfg Config) base() (string, error) {
	if cfg.Root != "" {
		return cfg.Root, nil
	}
	if cfg.Module == "" {
		return os.Getwd()
	}
	root := os.Getenv(RootEnv)
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		if root = findModule(wd, cfg.Module); root == "" {
			return "", fmt.Errorf("assetgen dev: no go.mod of module %s at or above %s; run from inside the module, or set %s to its root", cfg.Module, relpath.Display(wd), RootEnv)
		}
	}
	return filepath.Join(root, filepath.FromSlash(cfg.Package)), nil
}

// findModule returns the nearest directory at or above dir whose go.mod
// declares module mod, or "".
func findModule(dir, mod string) string {
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modfile.ModulePath(b) == mod {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// buildOptions are the settings of package build that cfg gives, as
// generate's are.
func (cfg Config) buildOptions() build.Options {
	return build.Options{Mount: httpserve.Mount(cfg.Prefix), Minify: cfg.Minify, AllowMissing: cfg.AllowMissing}
}
