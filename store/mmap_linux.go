package store

import "syscall"

// initialMmapSize is bigMapBytes unless the process's address space is limited
// (ulimit -v): the map would take room the Go heap may need, and running out of
// that later is fatal where a refused map is not.
func initialMmapSize() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &lim); err == nil && lim.Cur != ^uint64(0) {
		return 0
	}
	return bigMapBytes()
}
