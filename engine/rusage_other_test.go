//go:build !unix

package engine_test

// maxRSS is not measured where getrusage(2) is not: the benchmarks report 0, and
// the tests build (Windows).
func maxRSS() uint64 { return 0 }
