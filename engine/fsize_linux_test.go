//go:build linux

package engine_test

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"sandbank/engine"
)

// A sync whose results cannot be saved under a limit on a file's size (ulimit -f)
// answers FILE_TOO_LARGE, the store's reason, not DISK_FULL: the disk may have room
// to spare (the review). It runs in a process of its own: the limit is the
// process's.
func TestSyncUnderAFileSizeLimitSaysTheLimit(t *testing.T) {
	if !inOwnProcess(t) {
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

// A jump whose automatic syncs a file-size limit lost on the way, while the
// clock's own commit had room, says the limit, not a full disk (the review: it
// said DISK_FULL and to free some space). Its own process, as above.
func TestJumpThatMeetsAFileSizeLimitOnTheWaySaysTheLimit(t *testing.T) {
	if !inOwnProcess(t) {
		return
	}
	w, _, six := autoSyncingWorld(t, t.TempDir())
	for range 4 {
		c := w.adam()
		w.connect(c)
		for range 5000 { // enough new transactions that the syncs must grow the file
			w.post(c, engine.Credit, 1)
		}
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	var urgent, room error
	w.clock.AfterFunc(w.clock.Now().Add(six+30*time.Minute), func() { // after the round at +6h
		fi, err := os.Stat(w.path)
		if err != nil {
			urgent = err
			return
		}
		lim := uint64(fi.Size())
		if urgent = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: lim, Max: old.Max}); urgent != nil {
			return
		}
		urgent = w.db.Update(w.ctx, func(tx engine.Tx) error { return tx.PutClockState(w.clock.State()) })
		room = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
	})
	w.advance(six + time.Hour)
	if e, ok := engine.AsError(urgent); !ok || e.Reason != "FILE_TOO_LARGE" || room != nil {
		t.Fatalf("the write that may not wait, past the limit: %v (lifting it: %v); want FILE_TOO_LARGE, the jump's syncs with it", urgent, room)
	}
	err := w.eng.ClockSaveError()
	e, ok := engine.AsError(err)
	if !ok || e.Reason != "FILE_TOO_LARGE" || !strings.Contains(err.Error(), "and is saved") || !strings.Contains(err.Error(), "limit on a file's size") || !strings.Contains(err.Error(), "Raise the limit") {
		t.Fatalf("the jump said %v; want FILE_TOO_LARGE, the clock saved, the limit named", err)
	}
}

// ownProcessEnv names, in a test's own process, the test it runs.
const ownProcessEnv = "SANDBANK_TEST_OWN_PROCESS"

// inOwnProcess re-runs the calling test in a process of its own, and reports its
// outcome, unless it is that run: then it says to go on. A limit on a file's size
// is the process's, and every other test writes files.
func inOwnProcess(t *testing.T) bool {
	t.Helper()
	if os.Getenv(ownProcessEnv) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), ownProcessEnv+"="+t.Name())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("in a process of its own:\n%s", out)
	}
	return false
}
