// Package testenv decides what a test does when a program it needs, such as
// a browser or a server, is not installed: on a developer's machine it
// skips, and under .ci/run, which sets ASSETGEN_REQUIRE_ALL=1, it fails, so
// that CI can never pass by skipping.
package testenv

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// RequireAllVar is the environment variable that turns skips into failures.
const RequireAllVar = "ASSETGEN_REQUIRE_ALL"

// Program returns the path of the first of names found on $PATH. When none
// is found it skips the test, or fails it if RequireAllVar is set.
func Program(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(t, "none of %q is installed", names)
	return ""
}

// Missing skips or fails the test, as RequireAllVar says, with a message
// that says what is missing.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireAllVar) != "" {
		t.Fatalf("%s is set, so this cannot be skipped: "+format, append([]any{RequireAllVar}, args...)...)
	}
	t.Skipf(format, args...)
}

// BrowserProfile returns a new directory for a browser's profile. Unlike
// t.TempDir, its removal at the end of the test retries for a while and
// never fails the test: a browser's helper processes may still be writing
// into it for a moment after the browser was told to exit.
func BrowserProfile(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "assetgen-browser-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	return dir
}
