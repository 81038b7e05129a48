//go:build unix

package txwrite

import (
	"errors"
	"os"
	"syscall"
	"testing"
)

// TestFSError checks that a failed write names the file it was for, never
// the temporary file that stood in for it, with the way out.
func TestFSError(t *testing.T) {
	tmp := func(err error) error {
		return &os.PathError{Op: "open", Path: "web/_assetgen/.assetgen-3860523887", Err: err}
	}
	for _, tt := range []struct {
		name   string
		err    error
		intact bool
		want   string
	}{
		{"NoSpace", tmp(syscall.ENOSPC), true, "web/_assetgen/a.css: no space left on device; free space and run again — the previous package is intact"},
		{"ReadOnly", tmp(syscall.EROFS), true, "web/_assetgen/a.css: read-only file system; make the file system writable, or generate elsewhere — the previous package is intact"},
		{"Permission", tmp(syscall.EACCES), true, "web/_assetgen/a.css: permission denied; check the permissions of the file and its directory — the previous package is intact"},
		{"Rename", &os.LinkError{Op: "rename", Old: "web/.assetgen-1", New: "web/_assetgen/a.css", Err: syscall.EIO}, false, "web/_assetgen/a.css: input/output error; fix the cause and run again — the next run finishes this one's changes"},
		{"Other", errors.New("boom"), true, "web/_assetgen/a.css: boom; fix the cause and run again — the previous package is intact"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fsError("web/_assetgen/a.css", tt.err, tt.intact).Error(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
