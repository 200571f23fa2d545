//go:build unix

package store

import (
	"os"
	"syscall"
)

// discardUnheld empties the file at path unless another process holds its lock
// (bbolt's flock): a file this process failed to make, which another sandbank
// may since have opened and made.
func discardUnheld(path string) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // released with the file anyway
	_ = f.Truncate(0)
}
