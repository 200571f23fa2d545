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
	var logs syncBuffer
	w := newWorld(t, worldOpts{dir: dir, logger: slog.New(slog.NewTextHandler(&logs, nil))})
	six := 6 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
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
