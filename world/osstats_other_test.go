//go:build !unix

package world

import "time"

// cpuTime is not measured where getrusage(2) is not: the benchmarks report 0
// CPU seconds, and the tests build (Windows).
func cpuTime() time.Duration { return 0 }

// syncDisks does nothing where sync(2) is not: a timed run may then wait for
// the writeback of the run before it.
func syncDisks() {}
