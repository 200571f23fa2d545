//go:build !unix

package main

// sweepThrowAwayDirs is a no-op where folders of killed sandbanks cannot be told from
// live ones by a lock.
func sweepThrowAwayDirs(string) {}
