package gen

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
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
