package gen

import (
	"context"
	"time"

	"github.com/assetgen/assetgen/gen/internal/txwrite"
)

// GenerateHooked is Generate with the test hooks of run: step is called
// before each change to the package's files, and an error from it fails
// that change; locked is called once the run holds the package's lock.
func GenerateHooked(ctx context.Context, cfg Config, step func(op, file string) error, locked func()) (*Result, error) {
	return generate(ctx, cfg, &hooks{step: step, locked: locked})
}

// HoldLock takes the package lock of dir as a run would, for a test that
// plays another run; release gives it back.
func HoldLock(dir string) (release func(), err error) {
	l, err := txwrite.Acquire(context.Background(), dir, time.Minute, nil)
	if err != nil {
		return nil, err
	}
	return l.Release, nil
}
