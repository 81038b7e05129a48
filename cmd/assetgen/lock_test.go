//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
)

// TestLockHeld runs assetgen while another process's lock (a flock here,
// as assetgen takes it) is on the package: it says on stderr that it
// waits and for whom, then fails with exit status 1 naming the holder; and
// with -lock-timeout 0 it fails at once, without the waiting line.
func TestLockHeld(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "static"), 0o755)
	os.WriteFile(filepath.Join(dir, "static", "a.txt"), []byte("a"), 0o644)
	t.Chdir(dir)
	f, err := os.OpenFile(".assetgen.lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	f.WriteString("pid 4211 on build-3 since 2026-11-30T15:04:05Z\n")
	env := func(k string) string { return map[string]string{"GOPACKAGE": "web"}[k] }
	for _, tt := range []struct {
		timeout string
		want    string
	}{
		{"10ms", `^assetgen: \.assetgen\.lock: another assetgen run on this package \(pid 4211 on build-3 since 2026-11-30T15:04:05Z\) holds the lock; waiting up to 10ms
assetgen: \.assetgen\.lock: another assetgen run on this package \(pid 4211 on build-3 since 2026-11-30T15:04:05Z\) still holds the lock after 10ms; let it finish and run again, or stop it \(the lock goes with its process\)
$`},
		{"0", `^assetgen: \.assetgen\.lock: another assetgen run on this package \(pid 4211 on build-3 since 2026-11-30T15:04:05Z\) still holds the lock after 0s; let it finish and run again, or stop it \(the lock goes with its process\)
$`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-no-cache", "-q", "-lock-timeout", tt.timeout}, &stdout, &stderr, env)
		if code != exitInput || !regexp.MustCompile(tt.want).MatchString(stderr.String()) {
			t.Errorf("-lock-timeout %s: exit %d, stderr:\n%s", tt.timeout, code, stderr.String())
		}
	}
	if _, err := os.Stat("assets_gen.go"); err == nil {
		t.Error("wrote the package while another run held the lock")
	}
}
