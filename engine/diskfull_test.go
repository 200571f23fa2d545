//go:build linux

package engine_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sandbank/engine"
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
