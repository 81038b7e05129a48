package httpserve

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Prefix is a URL prefix in force, with Data derived from it, replaced
// whole so that readers see the old prefix and its data or the new ones,
// never a mix, and a read is one atomic load. The static Set keeps its
// URLs as Data; the media store keeps nothing more.
type Prefix[T any] struct {
	p atomic.Pointer[PrefixState[T]]
}

// PrefixState is one prefix: as given with a trailing "/" added, the URL
// path a handler answers under (see ParsePrefix), and what its owner
// derives from it.
type PrefixState[T any] struct {
	Prefix, Mount string
	Data          T
}

// NewPrefixState validates prefix with ParsePrefix. what names the
// prefix in the error ("asset", "media") and example is a path to
// suggest ("static").
func NewPrefixState[T any](prefix, what, example string) (*PrefixState[T], error) {
	mount, why := ParsePrefix(prefix)
	if why != "" {
		return nil, fmt.Errorf("invalid %s URL prefix %q: %s; use a path such as /%s/ or an origin such as https://cdn.example.com/%s/", what, prefix, why, example, example)
	}
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &PrefixState[T]{Prefix: prefix, Mount: mount}, nil
}

// Load returns the state in force.
func (p *Prefix[T]) Load() *PrefixState[T] { return p.p.Load() }

// Store puts st in force.
func (p *Prefix[T]) Store(st *PrefixState[T]) { p.p.Store(st) }
