//go:build !unix

package main

import "time"

// selfCPU is unknown here: BenchmarkRerun then reports no CPU ratio.
func selfCPU() time.Duration { return 0 }
