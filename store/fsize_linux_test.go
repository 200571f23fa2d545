//go:build linux

package store

import (
	"context"
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
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	limit := func(n uint64) {
		t.Helper()
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: min(n, old.Max), Max: old.Max}); err != nil {
			t.Fatalf("setting a file-size limit of %d: %v", n, err)
		}
	}
	limit(uint64(fi.Size()))
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
	// A new database that cannot grow to its first size (4 KiB), or to its schema
	// (64 KiB), is refused as much — "open database …: write …: file too large",
	// and "damaged … restore it from a backup" (reviews) — and not left half-made:
	// with room again it opened as damaged. Emptied, it is a new database then.
	for _, n := range []uint64{4 << 10, 64 << 10} {
		limit(n)
		p := tempPath(t)
		db2, err := Open(p)
		if err == nil {
			db2.Close()
			t.Fatalf("a new database opened under a limit of %d bytes", n)
		}
		if engine.ErrorCode(err) != engine.ENOSPACE || !strings.Contains(err.Error(), "ulimit -f") {
			t.Fatalf("opening a new database past a limit of %d bytes: %v; want %s naming the limit", n, err, engine.ENOSPACE)
		}
		limit(old.Cur)
		if fi, err := os.Stat(p); err != nil || fi.Size() != 0 {
			t.Fatalf("the new database that could not be made under %d bytes is left at %s: %v (%v); want it empty", n, p, fi.Size(), err)
		}
		db2, err = Open(p)
		if err != nil {
			t.Fatalf("with room again, the database that could not be made under %d bytes: %v", n, err)
		}
		db2.Close()
	}
}
