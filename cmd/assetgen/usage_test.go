package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the flag list in doc.go from the flag definitions")

// TestManualFlags checks that the manual (go doc cmd/assetgen) lists every
// flag of the generate command with the text -h prints: the flag
// definitions are the one source, and -update copies them into doc.go.
func TestManualFlags(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	const start = "// Flags:\n//\n"
	i := strings.Index(string(doc), start)
	if i < 0 {
		t.Fatalf("doc.go has no %q section", "Flags:")
	}
	i += len(start)
	j := i
	for j < len(doc) && strings.HasPrefix(string(doc[j:]), "//\t") {
		j += strings.IndexByte(string(doc[j:]), '\n') + 1
	}
	fs, _ := newGenerateFlags()
	var want strings.Builder
	for _, line := range strings.SplitAfter(flagList(fs), "\n") {
		if line != "" {
			want.WriteString("//\t" + strings.TrimPrefix(line, "  "))
		}
	}
	if *update {
		out := string(doc[:i]) + want.String() + string(doc[j:])
		if err := os.WriteFile("doc.go", []byte(out), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want.String(), string(doc[i:j])); diff != "" {
		t.Errorf("doc.go's flag list differs from the flags (-want +got); run go test ./cmd/assetgen -run TestManualFlags -update:\n%s", diff)
	}
}

// TestShortUsage checks that -h lists the common flags and points to the
// rest, rather than burying the synopsis under every flag.
func TestShortUsage(t *testing.T) {
	var out, errb strings.Builder
	if code := run(t.Context(), []string{"-h"}, &out, &errb, func(string) string { return "" }); code != exitOK {
		t.Fatalf("assetgen -h: exit %d", code)
	}
	got := errb.String()
	for _, want := range []string{"usage: assetgen [flags]\n", "  -dir DIRECTORY ", "All flags: assetgen help flags\n\nThe manual: go doc github.com/assetgen/assetgen/cmd/assetgen\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("assetgen -h lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "-compressed-only") {
		t.Errorf("assetgen -h lists every flag:\n%s", got)
	}
	out.Reset()
	if code := run(t.Context(), []string{"help", "flags"}, &out, &errb, func(string) string { return "" }); code != exitOK {
		t.Fatalf("assetgen help flags: exit %d", code)
	}
	if !strings.Contains(out.String(), "  -compressed-only ") {
		t.Errorf("assetgen help flags lacks -compressed-only:\n%s", out.String())
	}
}
