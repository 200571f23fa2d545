//go:build linux

package engine_test

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"sandbank/engine"
)

// A sync whose results cannot be saved under a limit on a file's size (ulimit -f)
// answers FILE_TOO_LARGE, the store's reason, not DISK_FULL: the disk may have room
// to spare (the review). It runs in a process of its own: the limit is the
// process's.
func TestSyncUnderAFileSizeLimitSaysTheLimit(t *testing.T) {
	const env = "SANDBANK_TEST_ENGINE_FSIZE"
	if os.Getenv(env) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSyncUnderAFileSizeLimitSaysTheLimit$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), env+"=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("under a file-size limit:\n%s", out)
		}
		return
	}
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	for range 20000 { // enough new rows that the sync must grow the file
		w.post(adam, engine.Credit, 1)
	}
	fi, err := os.Stat(w.path)
	if err != nil {
		t.Fatal(err)
	}
	lim := uint64(fi.Size())
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
		t.Skipf("no file-size limit to set: %v", err)
	}
	w.advance(engine.RateLimitWindow)
	_, err = w.eng.Sync(w.ctx, a.ID)
	e, ok := engine.AsError(err)
	if !ok || engine.ErrorCode(err) != engine.ENOSPACE || e.Reason != "FILE_TOO_LARGE" || !strings.Contains(err.Error(), "ulimit -f") {
		t.Fatalf("a sync past the file-size limit: %v; want %s, FILE_TOO_LARGE, naming the limit", err, engine.ENOSPACE)
	}
}
