// Package vite reads the build manifest Vite writes with build.manifest
// (dist/.vite/manifest.json): for each source module, the hashed output
// file and what it pulls in. assetgen uses it to serve a Vite build whose
// names are already hashed.
package vite

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/internal/diag"
)

// Entry is one chunk or asset of the manifest. The JSON field names are
// Vite's (see vite/src/node/plugins/manifest.ts, ManifestChunk).
type Entry struct {
	// Key is the entry's key in the manifest: the source path relative
	// to the project root ("src/main.ts"), or "_name-hash.js" for a
	// shared chunk with no source of its own.
	Key string `json:"-"`
	// File is the output path relative to the build's outDir
	// ("assets/main-BkJ3Ld9x.js").
	File string `json:"file"`
	// Src is the source path, the same as Key for chunks that have one.
	Src string `json:"src,omitempty"`
	// Name is the chunk's name, when it has one.
	Name string `json:"name,omitempty"`
	// IsEntry is set for the entry points of build.rollupOptions.input.
	IsEntry bool `json:"isEntry,omitempty"`
	// IsDynamicEntry is set for chunks loaded with import().
	IsDynamicEntry bool `json:"isDynamicEntry,omitempty"`
	// CSS and Assets are output paths, relative to outDir, of the style
	// sheets and the other files the chunk uses.
	CSS    []string `json:"css,omitempty"`
	Assets []string `json:"assets,omitempty"`
	// Imports and DynamicImports are keys of other entries that the chunk
	// imports statically and with import().
	Imports        []string `json:"imports,omitempty"`
	DynamicImports []string `json:"dynamicImports,omitempty"`
}

// Parse reads a manifest, file being its path for messages, and returns its
// entries sorted by Key. Fields Vite may add later are ignored.
//
// The errors are of the form "file:line:col: what is wrong" for JSON that
// does not parse or has a value of the wrong type, and "file: entry
// "key": what is wrong" for an entry without a file, with an output path
// that is absolute or leaves outDir, or importing a key the manifest does
// not have. Each is a *diag.Diag; all are reported, in entry order,
// joined with errors.Join.
func Parse(file string, data []byte) ([]Entry, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &diag.Diag{File: file, Msg: "the manifest is empty; is the build finished?"}
	}
	var m map[string]Entry
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, jsonError(file, data, err)
	}
	if m == nil {
		return nil, &diag.Diag{File: file, Msg: "the manifest is null, not an object of entries; is this .vite/manifest.json?"}
	}
	entries := make([]Entry, 0, len(m))
	for k, e := range m {
		e.Key = k
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Key, b.Key) })
	var errs []error
	for _, e := range entries {
		for _, msg := range check(e, m) {
			errs = append(errs, &diag.Diag{File: file, Msg: fmt.Sprintf("entry %q: %s", e.Key, msg)})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return entries, nil
}

// check returns what is wrong with an entry of manifest m.
func check(e Entry, m map[string]Entry) []string {
	var msgs []string
	if e.File == "" {
		msgs = append(msgs, `no "file"; every chunk and asset has an output file`)
	} else if msg := checkOutput(e.File); msg != "" {
		msgs = append(msgs, fmt.Sprintf("file %q %s", e.File, msg))
	}
	for _, list := range []struct {
		name  string
		paths []string
	}{{"css", e.CSS}, {"assets", e.Assets}} {
		for i, p := range list.paths {
			if msg := checkOutput(p); msg != "" {
				msgs = append(msgs, fmt.Sprintf("%s[%d] %q %s", list.name, i, p, msg))
			}
		}
	}
	for _, list := range []struct {
		name string
		keys []string
	}{{"imports", e.Imports}, {"dynamicImports", e.DynamicImports}} {
		for i, k := range list.keys {
			if _, ok := m[k]; !ok {
				msgs = append(msgs, fmt.Sprintf("%s[%d] %q is not a key of the manifest", list.name, i, k))
			}
		}
	}
	return msgs
}

// checkOutput returns what is wrong with an output path, or "": it must be
// a clean relative slash-separated path inside outDir.
func checkOutput(p string) string {
	switch {
	case p == "":
		return "is empty"
	case strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || strings.Contains(p, ":"):
		return "is not a relative slash-separated path"
	case path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../"):
		return "is not a clean path inside outDir"
	}
	return ""
}

// jsonError positions a JSON decoding error at its line and column.
func jsonError(file string, data []byte, err error) *diag.Diag {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return &diag.Diag{File: file, Line: line, Col: col, Msg: "invalid JSON: " + syn.Error()}
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		what := "the manifest"
		if typ.Field != "" {
			what = fmt.Sprintf("field %q", typ.Field)
		}
		return &diag.Diag{File: file, Line: line, Col: col, Msg: fmt.Sprintf("%s is a JSON %s, want %s", what, typ.Value, typ.Type)}
	}
	return &diag.Diag{File: file, Msg: err.Error()}
}

// position returns the 1-based line and byte column of offset in data.
// encoding/json reports the offset just after the byte that went wrong (for
// a syntax error) or after the value of the wrong type, so the column
// points at that byte, or at the last byte of the value or of truncated
// input.
func position(data []byte, offset int64) (line, col int) {
	off := int(min(max(offset, 1), int64(len(data)))) - 1
	if off < 0 {
		return 1, 1
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(data[:off], '\n')
}
