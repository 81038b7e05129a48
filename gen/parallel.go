package gen

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallel calls a worker's function for every i in [0, n), on as many
// goroutines as there are cores, and returns the errors by index. Each
// goroutine makes its worker once, so per-worker state (a read buffer)
// lives in the closure. It stops handing out work when ctx is done;
// hashing and compressing, the two phases that read every byte, share it.
func parallel(ctx context.Context, n int, worker func() func(i int) error) []error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do := worker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				errs[i] = do(i)
			}
		}()
	}
	wg.Wait()
	return errs
}
