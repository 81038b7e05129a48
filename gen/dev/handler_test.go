package dev_test

import (
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/assetgen/assetgen/gen/dev"
	"github.com/assetgen/assetgen/gen/internal/compress"
	"github.com/assetgen/assetgen/internal/handlertest"
	"github.com/assetgen/assetgen/runtime"
)

// devMode is development mode over the handler tests' tree, written to a
// temporary directory: a Source attached to a Set whose table is empty.
// The variants it serves are compress's at the fast level, which the
// expected contents are computed with here.
func devMode(t testing.TB) handlertest.Mode {
	dir := t.TempDir()
	variants := handlertest.Variants{}
	for _, a := range handlertest.Assets() {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(a.Path)), string(a.Content))
		variants[a.Path] = map[string][]byte{"": a.Content}
		for _, v := range compress.Variants(a.Content, a.ContentType, compress.Options{Effort: compress.Fast}) {
			variants[a.Path][v.Coding] = v.Data
		}
	}
	set := runtime.New(fstest.MapFS{}, "/static/", nil)
	src, err := dev.Attach(set, dev.Config{Root: dir, Settings: dev.Settings{Dirs: []string{"."}, Prehashed: []string{"vendor/*"}}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return handlertest.Mode{Set: set, Variants: variants, Dev: true}
}

// devOverTable is development mode as a generated package runs it: a
// Source attached to a Set whose table holds the same files. Each file
// is unchanged since "generation", so it is served from the table,
// exactly as production serves it but for Cache-Control.
func devOverTable(t testing.TB) handlertest.Mode {
	dir := t.TempDir()
	for _, a := range handlertest.Assets() {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(a.Path)), string(a.Content))
	}
	set, variants := handlertest.Table(t, handlertest.Assets())
	src, err := dev.Attach(set, dev.Config{Root: dir, Settings: dev.Settings{Dirs: []string{"."}, Prehashed: []string{"vendor/*"}}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return handlertest.Mode{Set: set, Variants: variants, Dev: true, Table: true}
}

// TestHandler runs the runtime handler's tests in development mode, over
// files the table lacks (an empty table) and over the table they came
// from.
func TestHandler(t *testing.T) {
	t.Run("NoTable", func(t *testing.T) { handlertest.Run(t, devMode) })
	t.Run("Table", func(t *testing.T) { handlertest.Run(t, devOverTable) })
}

func FuzzHandlerPath(f *testing.F) { handlertest.Fuzz(f, devMode(f)) }
