//go:build linux

package engine_test

import (
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// The disk-full test runs on a real, small tmpfs: the test binary runs this test
// again in its own user and mount namespaces, where it may mount one.
const tmpfsEnv = "SANDBANK_TEST_TMPFS"

// inSmallTmpfs re-runs the calling test on a fresh tmpfs and reports its outcome, or
// returns the tmpfs's directory when it is that run.
func inSmallTmpfs(t *testing.T) (dir string) {
	t.Helper()
	if dir := os.Getenv(tmpfsEnv); dir != "" {
		if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
			t.Fatalf("making mounts private: %v", err)
		}
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=32m"); err != nil {
			t.Fatalf("mounting a tmpfs: %v", err)
		}
		return dir
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), tmpfsEnv+"="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err != nil && !errors.As(err, &exit):
		t.Skipf("this system gives no user and mount namespaces to mount a small tmpfs in: %v", err)
	case err != nil:
		t.Fatalf("on a small tmpfs:\n%s", out)
	}
	t.Logf("on a small tmpfs:\n%s", out)
	return ""
}

// A sync that cannot be saved because the disk is full says so — not "internal
// error" — and once there is room again the account syncs as before.
func TestSyncOnAFullDiskSaysSo(t *testing.T) {
	dir := inSmallTmpfs(t)
	if dir == "" {
		return
	}
	w := newWorld(t, worldOpts{dir: dir})
	adam := w.adam()
	a := w.connect(adam)
	for range 2000 { // enough new transactions that the sync must grow the file
		w.post(adam, engine.Credit, 1)
	}
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	f.Close()

	w.advance(engine.RateLimitWindow)
	_, err = w.eng.Sync(w.ctx, a.ID)
	if engine.ErrorCode(err) != engine.ENOSPACE {
		t.Fatalf("a sync on a full disk = %v; want %s", err, engine.ENOSPACE)
	}
	msg := engine.ErrorMessage(err)
	for _, want := range []string{"full", "could not be saved", "free some space", w.path} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message %q does not say %q", msg, want)
		}
	}
	t.Logf("the sync said: %s", msg)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if res := w.sync(a.ID); res.Status != engine.StatusSyncSuccessful || !res.HasNewData {
		t.Fatalf("the sync once there is room again = %+v", res)
	}
	if got := w.account(a.ID).Balance; got != 1_000_000+2000 {
		t.Fatalf("after the sync the balance is %d, want %d", got, 1_000_000+2000)
	}
}

// A clock jump over a full disk says so to whoever moved the clock — it answered
// as if all were saved, while neither its automatic syncs nor the clock were — and
// logs the syncs it lost once, not a line each into a log on that same disk (an
// operator's trial). Once there is room, the next jump saves all again.
func TestJumpOnAFullDiskSaysSo(t *testing.T) {
	dir := inSmallTmpfs(t)
	if dir == "" {
		return
	}
	w, logs, six := autoSyncingWorld(t, dir)
	var customers []simulator.Customer
	var ids []string
	for range 4 {
		c := w.adam()
		ids = append(ids, w.connect(c).ID)
		customers = append(customers, c)
	}
	for _, c := range customers {
		for range 2000 { // enough new transactions that each sync must grow the file
			w.post(c, engine.Credit, 1)
		}
	}
	filler := fillDisk(t, dir)
	w.advance(2 * 24 * time.Hour) // 8 rounds of 4 accounts
	err := w.eng.ClockSaveError()
	if engine.ErrorCode(err) != engine.ENOSPACE {
		t.Fatalf("the jump's save = %v; want %s", err, engine.ENOSPACE)
	}
	msg := engine.ErrorMessage(err)
	for _, want := range []string{"the clock moved to " + engine.TimeText(w.clock.Now()), "disk is full", "automatic syncs", "Free some space"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message %q does not say %q", msg, want)
		}
	}
	t.Logf("the jump said: %s", msg)
	if n := strings.Count(logs.String(), "automatic sync"); n != 1 {
		t.Errorf("%d log lines about automatic syncs on the full disk; want 1:\n%s", n, logs.String())
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	w.advance(six)
	if err := w.eng.ClockSaveError(); err != nil {
		t.Fatalf("the jump once there is room again: %v", err)
	}
	for _, id := range ids {
		if got := w.account(id).Balance; got != 1_000_000+2000 {
			t.Errorf("account %s's balance after the jump with room: %d; want %d", id, got, 1_000_000+2000)
		}
	}
}

// A jump whose automatic syncs the full disk lost on the way, while its last
// commit — the clock's — had room, says so to whoever moved the clock: a year's
// jump answered 200 with 33,020 syncs lost, which only the next move owned up to,
// and each sync that started from a lost one logged a warning (an operator's
// trial). Here a write that may not wait makes the jump's batch commit in the
// middle of the jump, on a full disk; then there is room again.
func TestJumpThatFillsTheDiskOnTheWaySaysSo(t *testing.T) {
	dir := inSmallTmpfs(t)
	if dir == "" {
		return
	}
	w, logs, six := autoSyncingWorld(t, dir)
	var ids []string
	for range 4 {
		c := w.adam()
		ids = append(ids, w.connect(c).ID)
		for range 2000 { // enough new transactions that each sync must grow the file
			w.post(c, engine.Credit, 1)
		}
	}
	before := map[string]time.Time{}
	for _, id := range ids {
		before[id] = w.account(id).LastSyncedAt
	}
	var urgent, room error
	w.clock.AfterFunc(w.clock.Now().Add(six+30*time.Minute), func() { // after the round at +6h
		filler := fillDisk(t, dir)
		urgent = w.db.Update(w.ctx, func(tx engine.Tx) error { return tx.PutClockState(w.clock.State()) })
		room = os.Remove(filler)
	})
	w.advance(six + time.Hour)
	if engine.ErrorCode(urgent) != engine.ENOSPACE || room != nil {
		t.Fatalf("the write that may not wait, on the full disk: %v (freeing the disk: %v); want %s, the jump's syncs with it", urgent, room, engine.ENOSPACE)
	}
	if saved := w.db.SavedClock(); !saved.Equal(w.clock.Now()) {
		t.Fatalf("the clock is saved at %v; want where the jump went, %v (there was room for it)", saved, w.clock.Now())
	}
	for _, id := range ids {
		if got := w.account(id).LastSyncedAt; !got.Equal(before[id]) {
			t.Fatalf("account %s last synced at %v; want its sync of the jump lost, %v", id, got, before[id])
		}
	}
	err := w.eng.ClockSaveError()
	msg := engine.ErrorMessage(err)
	if engine.ErrorCode(err) != engine.ENOSPACE || !strings.Contains(msg, "the clock moved to "+engine.TimeText(w.clock.Now())+" and is saved") ||
		!strings.Contains(msg, "4 automatic syncs could not be saved") || !strings.Contains(msg, "Free some space") {
		t.Fatalf("the jump said %v; want %s saying the clock is saved and 4 automatic syncs are not", err, engine.ENOSPACE)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 0 {
		t.Errorf("%d warnings logged; want the lost syncs counted, not logged:\n%s", n, logs.String())
	}
	w.advance(six) // room again: the next move saves all, and says nothing of the last
	if err := w.eng.ClockSaveError(); err != nil {
		t.Fatalf("the next move, with room: %v", err)
	}
	for _, id := range ids {
		if got := w.account(id).LastSyncedAt; !got.After(before[id]) {
			t.Errorf("account %s last synced at %v after the jump with room; want a sync", id, got)
		}
	}
}

// autoSyncingWorld is a world in dir that syncs every 6 hours (six), logging to
// logs.
func autoSyncingWorld(t *testing.T, dir string) (w *world, logs *syncBuffer, six time.Duration) {
	logs, six = &syncBuffer{}, 6*time.Hour
	w = newWorld(t, worldOpts{dir: dir, logger: slog.New(slog.NewTextHandler(logs, nil))})
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
	return w, logs, six
}

// fillDisk fills dir's file system with a file, which it returns.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return filler
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
