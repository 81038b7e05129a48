//go:build !linux

package main

import "syscall"

// orphanKill is nil where the kernel cannot kill a child with its parent.
var orphanKill *syscall.SysProcAttr
