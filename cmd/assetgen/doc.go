// Assetgen turns a web application's static files into a typed,
// content-hashed, embedded Go package: Django's staticfiles, done at compile
// time.
//
// Put a go:generate line in the package that should hold the assets, next
// to its static directory:
//
//	//go:generate go tool assetgen -dir static
//
// (or "go run github.com/assetgen/assetgen/cmd/assetgen -dir static", or an
// installed "assetgen -dir static"), then run "go generate". Assetgen writes
// assets_gen.go and manifest.json into the package directory. The package
// then embeds every file, declares one identifier per file, and serves them:
//
//	<link rel="stylesheet" href="{{ .CSS.URL }}" integrity="{{ .CSS.Integrity }}">
//	css := assets.CSSBaseCSS.URL() // "/static/css/base.1a2b3c4d5e6f.css"
//	mux.Handle("/static/", assets.Handler())
//
// Deleting static/css/base.css and generating again makes every use of
// assets.CSSBaseCSS a compile-time error.
//
// # Finding files
//
// The -dir flags name source directories in precedence order. A file's
// logical path is its path below its directory; when two directories hold
// the same logical path, the first wins and the other is shadowed. Every run
// reports how many files are shadowed; -v lists them, -no-shadow makes
// shadowing an error, and "assetgen find PATH" shows which directories hold
// PATH:
//
//	$ assetgen find -dir theme -dir static css/base.css
//	theme/css/base.css (served)
//	static/css/base.css (shadowed)
//
// Names matching an -ignore pattern (path.Match syntax, tried against the
// base name and the logical path) are skipped, as are, unless
// -no-default-ignore is given, dotfiles and dot-directories, "*~", "CVS" and
// "#*#". Symbolic links are followed wherever they lead, in development
// mode too; link cycles and broken links are errors, all reported in one
// run. A source directory that holds no file
// after ignoring gets a warning, as does a file over 50 MB, whose bytes
// every importing program would carry.
//
// # Output
//
// Files inside the package directory are embedded where they lie. Files
// outside it (another -dir, or a path go:embed cannot name) are copied, under
// their content hash, into the _assetgen subdirectory, which assetgen owns:
// it removes files there that it wrote earlier and no longer needs, and
// touches nothing else. Output is written to temporary files and renamed into
// place, and only when it changed; an error leaves the previous output as it
// was.
//
// References in CSS (url(), @import) and JavaScript (import, export,
// import(), new URL()) are rewritten to the targets' fingerprinted names,
// in dependency order, so that a style sheet's name changes when a font it
// uses does; a reference to no asset is an error at its line and column.
// Compressible files get br, zstd and gzip variants, which the handler
// serves by Accept-Encoding.
//
// Text files (CSS, JavaScript, JSON, SVG and other XML, HTML, plain text)
// are served as UTF-8, so one that is not valid UTF-8 is an error at its
// first bad byte, unless it declares its own encoding (@charset, the XML
// prolog) or -allow-non-utf8 is given: then it is served without the
// charset parameter.
//
// When a run fails and the package the previous run wrote embeds a file
// that is gone (renamed since), go build fails inside the generated file;
// the run's last line says so, and to fix the errors and run go generate
// again.
//
// # Development mode
//
// Beside assets_gen.go, assetgen writes assets_dev_gen.go, built only with
// the assetgen_dev tag:
//
//	go run -tags assetgen_dev .
//
// serves the assets live from the source directories, with the same API
// and the same fingerprinted URLs, recomputed when a file changes; a
// broken reference shows in the page. Builds without the tag link none of
// it. See package github.com/assetgen/assetgen/gen/dev.
//
// # Checks
//
// Typed identifiers are checked by the compiler; logical paths are checked
// at three more places, so that a broken link fails a build, not a page:
//
//   - Templates, at generate time: with -templates GLOB (repeatable, "**"
//     for any number of directories) every {{static "path"}} and
//     {{integrity "path"}} in the matching files, as the generated
//     FuncMap defines them, must name an asset; -v lists calls with a
//     computed path, which cannot be checked. At run time, the generated
//     CheckTemplates does the same for parsed templates.
//   - Go code and templates: "assetgen check ./..." (./... is the
//     default) reports every constant path passed to a generated
//     package's URL, MustURL or Lookup that names no asset, and suggests
//     the typed identifier for one that does. It checks templates too:
//     the files its -templates flags name, else those named by the
//     -templates flags of the packages' assetgen go:generate lines (the
//     files generate checks), fully; else every .html, .tmpl, .gohtml and
//     .gotmpl file below the packages' directories, for literal paths
//     that name no asset. Run it first; the same Go analyzer also runs
//     under go vet, given the binary's path:
//     go vet -vettool=$(go tool -n assetgen) ./...   (go get -tool)
//     go vet -vettool=$(which assetgen) ./...        (go install)
//   - Unused assets: "assetgen check -unused" also lists the assets of the
//     generated packages among those checked that nothing refers to: no
//     Go code in them (by identifier or constant path), no template (the
//     same files as above), and no CSS or JavaScript of an asset that is
//     itself used. A file reached only by URL, such as robots.txt, is
//     listed too.
//
// check exits with status 1 when it reports anything.
//
// # Collecting for nginx
//
// "assetgen collect" writes a generated package's files into a directory
// for a web server, as Django's collectstatic fills STATIC_ROOT:
//
//	assetgen collect -o /srv/static -nginx /etc/nginx/snippets/static.conf ./web
//
// It reads the package the way the compiler builds it, from the table in
// assets_gen.go and the files its //go:embed lines name, checks every file
// against its hash (a source edited since go generate is an error), and
// writes each fingerprinted file with its br, gzip and zstd variants beside
// it as x.css.br, x.css.gz and x.css.zst, byte for byte what the binary's
// handler sends. -unhashed writes the logical names too. An unchanged file
// is not rewritten; files of earlier versions stay, since pages cached in
// browsers still point at them, unless -prune-older-than DURATION, which
// removes what collect wrote earlier and the package has not named for
// that long (collect records when in .assetgen-collect.json in the
// directory). -nginx FILE writes a location block for the prefix (or
// -prefix PATH) that sends the headers the handler does: the same
// Content-Type, immutable Cache-Control for hashed names only, Vary and
// X-Content-Type-Options, with brotli_static and gzip_static; include it
// in a server block. Publishing to object storage behind a CDN is
// "assetgen-publish", a separate command so that the cloud SDKs stay out
// of this one. Like generate, collect shows its progress on standard error
// when it lasts more than a second; -q hides it.
//
// # Usage
//
//	assetgen [flags]              generate the package
//	assetgen find [-first] PATH   list the files that hold logical path PATH
//	assetgen check [-unused] [-templates GLOB]... [packages]
//	                              check Go code and templates; list unused assets
//	assetgen report [-o FILE] [-json] [-templates GLOB]... [packages]
//	                              describe the package: sizes, references, shadowed and unused files
//	assetgen collect [-o DIR] [-unhashed] [-prune-older-than D] [-nginx FILE] [PKGDIR]
//	                              write the package's files for nginx
//	assetgen help [flags|find|check|collect|report]
//	                              print the usage; "assetgen -h" shows the common flags
//
// Flags:
//
//	-allow-missing PATTERN   let CSS/JS references matching pattern name no asset (a warning), repeatable
//	-allow-non-utf8          keep text files that are not valid UTF-8, served without charset=utf-8 (default: an error)
//	-cache DIRECTORY         hash cache directory (default assetgen in the user cache directory)
//	-compressed-only         embed only the compressed variants of files that have a gzip one
//	-dir DIRECTORY           source directory, repeatable, in precedence order (default static)
//	-encodings CODINGS       content codings to make, comma-separated, from br, zstd and gzip (default all three)
//	-file NAME               generated Go file name (default assets_gen.go)
//	-hash-len INT            hex digits of the SHA-256 in file names, 8 to 64 (default 12)
//	-ignore PATTERN          skip files and directories matching pattern, repeatable
//	-importmap FILE          JSON file mapping bare module specifiers to assets, for pages that use an import map
//	-lock-timeout DURATION   how long to wait for another run on the same package (default 5m0s)
//	-manifest NAME           JSON manifest name, or - for none (default manifest.json)
//	-minify                  minify CSS, JavaScript, SVG and JSON before hashing
//	-no-cache                hash every file; use no cache
//	-no-compress             make no br, zstd or gzip variants
//	-no-default-ignore       do not skip .*, *~, CVS and #*#
//	-no-shadow               make a logical path held by two directories an error
//	-o DIRECTORY             package directory to write (default .)
//	-pkg NAME                package name (default $GOPACKAGE, else the directory's name)
//	-prefix PREFIX           default URL prefix, a path or an origin (default /static/)
//	-prehashed PATTERN       files matching pattern are already fingerprinted by a bundler: keep their names, repeatable
//	-preload PATTERN         url() targets in CSS matching pattern (a critical font) join the preload hints of the sheet, repeatable
//	-q                       print nothing but errors
//	-templates GLOB          check static and integrity calls in template files matching glob (** for any depth), repeatable
//	-v                       list shadowed files, rewritten references, unchecked template calls and files written
//	-version                 print the version and exit
//	-vite-manifest MANIFEST  Vite build manifest (.vite/manifest.json): its files are prehashed and its entries named after their sources
//
// # Report
//
// assetgen report loads packages as check does and describes the one
// generated package among them in a single self-contained HTML file
// (assets-report.html; -o to name another, - for standard output): every
// asset's size raw and as br, zstd and gzip, drawn as a treemap; what each
// asset references and what references it; the files shadowed by a
// directory earlier in -dir order; and the assets nothing uses (check
// -unused's list). -json writes the same data for scripts. The page has no
// external script, style or font, so it opens from disk, offline.
//
// # Import maps and preload hints
//
// Pages can load ES modules with no bundler: modules import bare
// specifiers ("lodash-es", "app/util.js") and the page's import map, which
// the generated package writes ({{importmap "js/app.js"}} in a template),
// maps each to its fingerprinted URL, with an "integrity" entry for every
// module so the browser checks each one it loads. -importmap names the
// JSON file that says what each specifier names:
//
//	{
//	  "imports": {"app/": "js/app/", "chart": "vendor/chart.js"},
//	  "packages": ["vendor/lodash-es"]
//	}
//
// Values are logical paths; a key ending in "/" maps a prefix. Each
// "packages" entry is a vendored npm package's directory (as npm installs
// it, package.json included): its name and its "exports" (or "module",
// "main") decide what "lodash-es" and "lodash-es/map.js" name. With
// -importmap, a bare specifier that resolves to no asset is an error at
// its line and column; without it, bare specifiers are left to the page.
//
// Every table row records what the browser fetches as soon as it has the
// file: static imports, @import rules, and url() targets matching -preload
// (fonts otherwise load only when text uses them). The generated package's
// Set().Preload, runtime.EarlyHints and the preload template function turn
// that graph into 103 Early Hints, Link headers and link elements.
//
// A run that lasts more than a second shows its progress on standard error:
// the phase (hashing, compressing), files and bytes done of the total, the
// rate and the time left, on one line redrawn in place when standard error
// is a terminal, or as a plain line every ten seconds when it is not (CI
// logs, go generate in an editor).
//
// Compressible files get br, zstd and gzip variants: at full effort
// (Brotli 11, zstd's best level, gzip 9) for what browsers load, at fast
// levels for source maps and the sources and documents only tools fetch
// (.map, .ts, .scss, .less, .md, licences). gzip runs first, and content it
// cannot shrink by 5% is not given to the others.
//
// Runs on one package take turns: a run that finds another at work on the
// same -o directory says so on standard error and waits for it, up to
// -lock-timeout, then fails naming it. Whatever stops a run (a kill, a
// full disk), the package it leaves builds, and the next run finishes or
// undoes its changes; see docs/safety.md.
//
// Exit status is 0 on success, 1 for bad input (a missing directory, a name
// collision...), 2 for bad usage.
package main
