package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
)

// flagList formats the flags of fs named in names, or all of them, one to
// a line: "-name ARG", then what it does and its default. The manual's
// flag list is this text (TestManualFlags), so the two cannot drift.
func flagList(fs *flag.FlagSet, names ...string) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		if len(names) > 0 && !slices.Contains(names, f.Name) {
			return
		}
		arg, text := flag.UnquoteUsage(f)
		if arg != "" {
			arg = " " + strings.ToUpper(arg)
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && !strings.Contains(text, "(default") {
			text += " (default " + def + ")"
		}
		fmt.Fprintf(tw, "  -%s%s\t%s\n", f.Name, arg, text)
	})
	tw.Flush()
	return b.String()
}
