//go:build linux

package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"sandbank/engine"
)

// fsizeEnv runs TestFileSizeLimitIsSaid's own run, in a process of its own: the
// limit is the process's, and every other test writes files.
const fsizeEnv = "SANDBANK_TEST_FSIZE"

// A file that cannot grow past the limit on a file's size (ulimit -f) is said as a
// full disk is, naming the limit: it answered 500 "internal error", only the log
// saying why (an operator's trial).
func TestFileSizeLimitIsSaid(t *testing.T) {
	if os.Getenv(fsizeEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFileSizeLimitIsSaid$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), fsizeEnv+"=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("under a file-size limit:\n%s", out)
		}
		return
	}
	db, err := Open(tempPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	lim := uint64(fi.Size())
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
		t.Skipf("no file-size limit to set: %v", err)
	}
	big := strings.Repeat("x", 1<<20)
	for i := range 64 { // past the file's room: it must grow
		err = db.Update(context.Background(), func(tx engine.Tx) error {
			return tx.PutLink(engine.Link{ID: "l" + string(rune('a'+i%26)) + big[:i+1], Ref: big})
		})
		if err != nil {
			break
		}
	}
	if engine.ErrorCode(err) != engine.ENOSPACE || !strings.Contains(err.Error(), "ulimit -f") {
		t.Fatalf("a write past the file-size limit: %v; want %s naming the limit", err, engine.ENOSPACE)
	}
	t.Logf("said: %v", err)
	// A new database that cannot grow to its first size is refused as much (the
	// review: "open database …: write …: file too large").
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 4096, Max: 4096}); err != nil {
		t.Fatal(err)
	}
	p := tempPath(t)
	if db2, err := Open(p); err == nil {
		db2.Close()
		t.Fatal("a new database opened under a limit of 4 KiB")
	} else if engine.ErrorCode(err) != engine.ENOSPACE || !strings.Contains(err.Error(), "ulimit -f") {
		t.Fatalf("opening a new database past the file-size limit: %v; want %s naming the limit", err, engine.ENOSPACE)
	}
	// Nor is it left half-made: with room again it opened as a damaged database,
	// to restore from a backup that never was (a review).
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the new database that could not be made is left at %s (%v)", p, err)
	}
}
