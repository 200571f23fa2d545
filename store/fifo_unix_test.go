//go:build unix

package store

import (
	"strings"
	"syscall"
	"testing"
)

// --db at a named pipe is refused at once: opening it waited for a writer, and
// sandbank hung for good, SIGTERM and all (a hostile-input trial).
func TestNamedPipeIsRefused(t *testing.T) {
	p := tempPath(t)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(p)
	if err == nil {
		db.Close()
		t.Fatal("a named pipe opened as a database")
	}
	if !strings.Contains(err.Error(), "is not a sandbank database (it is a named pipe (FIFO))") {
		t.Fatalf("a named pipe: %v; want it refused as a named pipe", err)
	}
}
