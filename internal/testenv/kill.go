package testenv

import "os"

// KillBefore returns a step hook for a fault test's child process (the
// writer's Step, gen's step hook): it kills the process, as SIGKILL does
// (TerminateProcess on Windows), just before step at, counting from 0, so
// that nothing of the run, deferred clean-up and unlocking included, gets
// to happen. steps reports how many steps the hook let through, for a
// child that finished before at.
func KillBefore(at int) (hook func(op, file string) error, steps func() int) {
	n := 0
	hook = func(op, file string) error {
		if n == at {
			p, _ := os.FindProcess(os.Getpid())
			p.Kill()
			select {}
		}
		n++
		return nil
	}
	return hook, func() int { return n }
}
