//go:build !unix && !windows

package txwrite

import "os"

// tryLock always succeeds where the system has no file locks (Plan 9,
// WebAssembly): runs there are not serialised.
func tryLock(*os.File) (bool, error) { return true, nil }
