// Package tmplwalk finds the calls of the asset functions (static,
// integrity) in text/template parse trees. It serves both template checks:
// the runtime's Set.CheckTemplates, which gets trees from html/template or
// text/template at start-up or in a test, and the generator's check of
// template files at generate time. It lives outside runtime so that gen can
// import it, and uses only the standard library so that runtime can.
//
// html/template and text/template share the parse package, so one walker
// covers both; html/template's escaper only appends commands to pipelines,
// which leaves the calls it finds where they were.
package tmplwalk

import (
	"strconv"
	"strings"
	"text/template/parse"
)

// Funcs are the names of the template functions that take a logical path,
// as runtime.Set.FuncMap defines them.
var Funcs = []string{"static", "integrity"}

// Call is one call of an asset function.
type Call struct {
	Func string // "static" or "integrity"
	// Path is the argument when Literal is set.
	Path string
	// Literal is set when the call has exactly one argument and it is a
	// string constant, given directly ({{static "a.css"}}) or piped
	// ({{"a.css" | static}}). Calls with a computed argument cannot be
	// checked before run time.
	Literal bool
	// NArgs is the number of arguments, counting a piped value. Anything
	// but 1 fails when the template runs.
	NArgs int
	// Node is where a message belongs: the literal argument if there is
	// one, else the function's name.
	Node parse.Node
}

// Calls returns the calls of the functions in funcs in tree, in the order
// the walk meets them, which is source order within a tree. It never
// panics, whatever the tree; a nil tree has no calls.
func Calls(tree *parse.Tree, funcs []string) []Call {
	if tree == nil {
		return nil
	}
	w := &walker{funcs: map[string]bool{}}
	for _, f := range funcs {
		w.funcs[f] = true
	}
	w.node(tree.Root)
	return w.calls
}

type walker struct {
	funcs map[string]bool
	calls []Call
}

// node visits every node kind that can hold a pipeline. Typed nil
// pointers occur (an if without else has a nil ElseList) and are skipped.
func (w *walker) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				w.node(c)
			}
		}
	case *parse.ActionNode:
		if n != nil {
			w.pipe(n.Pipe)
		}
	case *parse.IfNode:
		if n != nil {
			w.branch(&n.BranchNode)
		}
	case *parse.RangeNode:
		if n != nil {
			w.branch(&n.BranchNode)
		}
	case *parse.WithNode:
		if n != nil {
			w.branch(&n.BranchNode)
		}
	case *parse.TemplateNode:
		// {{template "name" pipeline}} and the call half of {{block}};
		// the block's body is a tree of its own.
		if n != nil {
			w.pipe(n.Pipe)
		}
	case *parse.PipeNode:
		w.pipe(n)
	case *parse.ChainNode:
		// (static "a.css").Field
		if n != nil {
			w.node(n.Node)
		}
	case *parse.IdentifierNode:
		// A function named as an argument, {{printf "%s" static}}, is
		// called with no arguments.
		if n != nil && w.funcs[n.Ident] {
			w.calls = append(w.calls, Call{Func: n.Ident, Node: n})
		}
	}
}

func (w *walker) branch(b *parse.BranchNode) {
	w.pipe(b.Pipe)
	w.node(b.List)
	w.node(b.ElseList)
}

// pipe visits the commands of a pipeline. A command whose first word is
// one of the functions is a call; the previous command's value, if any, is
// piped in as its last argument.
func (w *walker) pipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	for i, cmd := range p.Cmds {
		if cmd == nil || len(cmd.Args) == 0 {
			continue
		}
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok || id == nil || !w.funcs[id.Ident] {
			for _, a := range cmd.Args {
				w.node(a)
			}
			continue
		}
		var piped *parse.CommandNode
		if i > 0 {
			piped = p.Cmds[i-1]
		}
		w.calls = append(w.calls, call(id, cmd.Args[1:], piped))
		for _, a := range cmd.Args[1:] {
			w.node(a)
		}
	}
}

// call describes one call from its explicit arguments and the command
// piped into it, if any.
func call(id *parse.IdentifierNode, args []parse.Node, piped *parse.CommandNode) Call {
	c := Call{Func: id.Ident, Node: id, NArgs: len(args)}
	var arg parse.Node
	switch {
	case piped != nil:
		c.NArgs++
		if len(piped.Args) == 1 {
			arg = piped.Args[0]
		}
	case len(args) == 1:
		arg = args[0]
	}
	if s, ok := arg.(*parse.StringNode); ok && s != nil && c.NArgs == 1 {
		c.Path, c.Literal, c.Node = s.Text, true, s
	}
	return c
}

// Position returns the template name, 1-based line and 1-based byte
// column of n in tree, from tree.ErrorContext (whose column is 0-based).
// A node the tree cannot place, such as one of a tree built by hand rather
// than parsed, gets the tree's name and no line.
func Position(tree *parse.Tree, n parse.Node) (name string, line, col int) {
	if tree == nil {
		return "", 0, 0
	}
	name = tree.ParseName
	if name == "" {
		name = tree.Name
	}
	loc, ok := errorContext(tree, n)
	if !ok {
		return name, 0, 0
	}
	// The name may itself hold colons, so split from the right.
	i := strings.LastIndexByte(loc, ':')
	j := strings.LastIndexByte(loc[:max(i, 0)], ':')
	if i < 0 || j < 0 {
		return name, 0, 0
	}
	l, err1 := strconv.Atoi(loc[j+1 : i])
	c, err2 := strconv.Atoi(loc[i+1:])
	if err1 != nil || err2 != nil {
		return name, 0, 0
	}
	return loc[:j], l, c + 1
}

// errorContext calls tree.ErrorContext, which slices the template text at
// the node's offset and so panics for a node whose offset lies beyond the
// text of its tree: possible only for trees assembled by hand, but this
// package never panics on what callers pass it.
func errorContext(tree *parse.Tree, n parse.Node) (loc string, ok bool) {
	defer func() {
		if recover() != nil {
			loc, ok = "", false
		}
	}()
	loc, _ = tree.ErrorContext(n)
	return loc, true
}
