//go:build !linux

package store

import "os"

// fdatasync stands for bbolt's sync elsewhere, which is fsync (or fcntl's F_FULLFSYNC).
func fdatasync(f *os.File) error { return f.Sync() }
