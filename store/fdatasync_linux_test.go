package store

import (
	"os"
	"syscall"
)

// fdatasync is the call bbolt's commit makes on Linux.
func fdatasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
