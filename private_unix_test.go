//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A log or transcript an older build wrote world-readable is made its user's
// alone; a device or a pipe named as the file is left as it is: --log /dev/null,
// run as root, made /dev/null 0600 for everyone else in the container.
func TestPrivateLeavesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	regular, fifo := filepath.Join(dir, "run.log"), filepath.Join(dir, "fifo")
	if err := os.WriteFile(regular, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(fifo, 0o666); err != nil { // whatever the umask made it
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{regular: 0o600, fifo: 0o666} {
		f, err := os.OpenFile(path, os.O_RDWR, 0) // a pipe opened for both ends does not wait for a reader
		if err != nil {
			t.Fatal(err)
		}
		private(f)
		f.Close()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s after private: mode %v; want %v", filepath.Base(path), fi.Mode().Perm(), want)
		}
	}
}
