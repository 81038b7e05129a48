package dev

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/assetgen/assetgen/gen/internal/build"
	"github.com/assetgen/assetgen/gen/internal/rewrite"
	"github.com/assetgen/assetgen/internal/sri"
	"github.com/assetgen/assetgen/runtime"
)

// name names, as generate does (build.Name), every node of seen whose
// content or targets' names changed since it was last named, and
// describes each that was.
func (s *Source) name(seen map[string]*node) {
	dirty := false
	for _, n := range seen {
		if n == nil {
			continue
		}
		for j := range n.Refs {
			r := &n.Refs[j]
			r.Target = nil
			if t := seen[r.Logical]; t != nil {
				r.Target = &t.Node
			}
		}
		dirty = dirty || n.Dirty()
	}
	if !dirty {
		return
	}
	keys := sortedKeys(seen)
	nodes := make([]*build.Node, len(keys))
	for i, k := range keys {
		nodes[i] = &seen[k].Node
	}
	_ = build.Name(context.Background(), nodes, s.cfg.HashLen, func(bn *build.Node, final []byte, _ []string) []byte {
		return s.decorate(seen[bn.Logical], final)
	})
	for _, k := range keys {
		n := seen[k]
		if n.row.HashedPath == n.Hashed && n.rowSum == n.Sum {
			continue
		}
		n.row = runtime.File{
			Path:        n.Logical,
			HashedPath:  n.Hashed,
			Integrity:   sri.Of(n.Sum),
			ContentType: n.contentType,
			Size:        int64(len(n.Final)),
			Immutable:   n.Prehashed,
		}
		n.rowSum = n.Sum
	}
}

// sortedKeys returns the keys of m's nodes in order, for a deterministic
// graph.
func sortedKeys(m map[string]*node) []string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n != nil {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// decorate logs a file's problems and makes them visible in what is
// served: for CSS, a comment at the top (after @charset, which must come
// first) and a body::before banner at the end; for JavaScript, a
// console.error call at the end. Both keep the file valid: comments are
// allowed before @import, and nothing is put before a "use strict".
func (s *Source) decorate(n *node, final []byte) []byte {
	var problems []string
	for _, p := range n.prep.Problems {
		problems = append(problems, p.In(s.file(n)).Error())
	}
	for i := range n.Refs {
		if r := &n.Refs[i]; r.Target == nil {
			if p, allowed := n.prep.Missing(n.Logical, r, s.opt, nil, nil); !allowed {
				problems = append(problems, p.In(s.file(n)).Error())
			}
		}
	}
	if len(problems) == 0 {
		return final
	}
	for _, p := range problems {
		s.cfg.Logf("assetgen: %s", p)
	}
	msg := "assetgen: " + strings.Join(problems, "\n")
	lang, _ := rewrite.LangOf(n.Logical)
	var b strings.Builder
	switch lang {
	case rewrite.CSS:
		at := 0
		if strings.HasPrefix(string(final), `@charset "`) {
			if i := strings.IndexByte(string(final), ';'); i >= 0 {
				at = i + 1
			}
		}
		b.Write(final[:at])
		b.WriteString("/* " + strings.ReplaceAll(msg, "*/", "* /") + " */\n")
		b.Write(final[at:])
		b.WriteString("\n/* assetgen */ body::before { content: " + cssString(msg) + "; display: block; white-space: pre-wrap; position: relative; z-index: 2147483647; background: #b00020; color: #fff; font: 14px/1.4 monospace; padding: .5em 1em; }\n")
	case rewrite.JS:
		q, _ := json.Marshal(msg)
		b.Write(final)
		b.WriteString("\n;console.error(" + string(q) + ");\n")
	default:
		return final
	}
	return []byte(b.String())
}

// cssString quotes s as a CSS string, with line breaks as \A.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\A `)
		case c < ' ' || c == 0x7f:
			fmt.Fprintf(&b, `\%x `, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
