package main

import "syscall"

// orphanKill has the kernel kill a child when this program dies.
var orphanKill = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
