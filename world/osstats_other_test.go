//go:build !unix || aix

package world

import "time"

// cpuTime is not measured where Go's syscall has no getrusage(2) and sync(2)
// both (Windows, AIX): the benchmarks report 0 CPU seconds, and the tests build.
func cpuTime() time.Duration { return 0 }

// syncDisks does nothing there: a timed run may then wait for the writeback of
// the run before it.
func syncDisks() {}
