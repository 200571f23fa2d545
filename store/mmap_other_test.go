//go:build !linux

package store

// smallMapChild needs setrlimit(RLIMIT_AS), which the test uses only on Linux.
func smallMapChild(string) int { return 2 }
