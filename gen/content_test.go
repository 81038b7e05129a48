package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestContent checks both ways of reading an asset's bytes after hash,
// whole and by offset, when they were kept, when the file is as hash read
// it, and when it changed since: a change is errChanged, never other
// bytes under the hashed name.
func TestContent(t *testing.T) {
	orig := bytes.Repeat([]byte("0123456789abcdef"), 10_000) // several reads
	tests := []struct {
		name   string
		kept   bool
		now    []byte // the file's bytes when read again; nil: removed
		wantOK bool
	}{
		{"Kept", true, nil, true},
		{"Unchanged", false, orig, true},
		{"SameSizeOtherBytes", false, append([]byte("X"), orig[1:]...), false},
		{"Shorter", false, orig[:len(orig)-1], false},
		{"Longer", false, append(bytes.Clone(orig), 'x'), false},
		{"Removed", false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "f.css")
			c := content{path: file, size: int64(len(orig)), sum: sha256.Sum256(orig)}
			if tt.kept {
				c.data = orig
			}
			if tt.now != nil {
				if err := os.WriteFile(file, tt.now, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := c.bytes()
			if tt.wantOK != (err == nil) || err == nil && !bytes.Equal(got, orig) {
				t.Errorf("bytes: %d bytes, %v; want ok %v", len(got), err, tt.wantOK)
			}
			if tt.now != nil && len(tt.now) != len(orig) {
				if err == nil || !errors.Is(err, errChanged) {
					t.Errorf("bytes of a file whose size changed: %v; want errChanged", err)
				}
			}
			// Two passes by offset, as two encoders make them.
			src, done, err := c.open()
			if err == nil {
				for range 2 {
					var b bytes.Buffer
					if _, err = io.Copy(&b, io.NewSectionReader(src, 0, c.size)); err != nil {
						break
					}
					if !bytes.Equal(b.Bytes(), orig) {
						t.Fatalf("open: a pass read other bytes than hashed without an error")
					}
				}
				if derr := done(); err == nil {
					err = derr
				}
			}
			if tt.wantOK != (err == nil) {
				t.Errorf("open: %v; want ok %v", err, tt.wantOK)
			}
		})
	}
}

// TestContentEmpty checks that kept empty content is not nil, which the
// writer would take for a copy reused from the previous run.
func TestContentEmpty(t *testing.T) {
	for _, c := range []content{{data: []byte{}}, {path: ""}} {
		b, err := c.bytes()
		if err != nil || b == nil || len(b) != 0 {
			t.Errorf("bytes of %+v = %v, %v; want empty, not nil", c, b, err)
		}
	}
}

// TestColdRunReadsEachFileOnce checks, through what the process read
// (/proc/self/io's rchar), that a cold run reads each source file once:
// hash keeps the bytes that prepare, compression and the copy into the
// owned directory need, rather than each reading the file again. Were
// each step to read for itself, the style sheet, script and SVG would be
// read twice and the run would read 1.75 times the tree; the bound leaves
// room for the run's small reads of its own files.
func TestColdRunReadsEachFileOnce(t *testing.T) {
	if _, err := rchar(); err != nil {
		t.Skipf("no /proc/self/io: %v", err)
	}
	const size = 1 << 20
	files := map[string][]byte{
		"a.css": append([]byte(".a{background:url(b.svg)}\n"), bytes.Repeat([]byte(".b{color:red}\n"), size/14)...),
		"m.js":  append([]byte("export const x = 1;\n"), bytes.Repeat([]byte("// a comment\n"), size/13)...),
		"b.svg": append(append([]byte("<svg xmlns=\"http://www.w3.org/2000/svg\">\n"), bytes.Repeat([]byte("<!-- -->\n"), size/9)...), "</svg>\n"...),
		"c.bin": append([]byte{0}, bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 251}, size/8)...),
	}
	for _, owned := range []bool{false, true} {
		name := map[bool]string{false: "InPlace", true: "Owned"}[owned]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			static := filepath.Join(dir, "static")
			if err := os.MkdirAll(static, 0o755); err != nil {
				t.Fatal(err)
			}
			var tree int64
			for n, data := range files {
				if err := os.WriteFile(filepath.Join(static, n), data, 0o644); err != nil {
					t.Fatal(err)
				}
				tree += int64(len(data))
			}
			out := dir
			if owned {
				out = filepath.Join(dir, "out")
				if err := os.Mkdir(out, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			cfg := Config{Settings: Settings{Dirs: []string{static}, Encodings: []string{"gzip"}}, OutDir: out, Package: "assets"}
			before, _ := rchar()
			res, err := Generate(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			after, _ := rchar()
			read := after - before
			t.Logf("read %d bytes for a tree of %d (%.3f); %d compressed, %d copied", read, tree, float64(read)/float64(tree), res.Compressed, res.Copied)
			if res.Compressed != 3 || res.Rewritten != 1 {
				t.Fatalf("compressed %d and rewrote %d; want the three text files compressed and one reference rewritten", res.Compressed, res.Rewritten)
			}
			if read > tree+tree/4 {
				t.Errorf("a cold run read %d bytes for a tree of %d (%.2f times); want each file read once", read, tree, float64(read)/float64(tree))
			}
		})
	}
}

// rchar returns the bytes this process has read through read(2) and its
// kind.
func rchar() (int64, error) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, errors.New("no rchar line")
}
