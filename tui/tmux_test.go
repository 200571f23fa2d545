package tui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestTmux builds the real sandbank binary and runs scripts/tui-e2e.sh, which
// drives it in tmux through the reauth demo (open, sync, webhook delivered, bank
// console password change, reauthorisation required, reauthorise with the OTP from
// the phone, fresh data). It skips without tmux unless SANDBANK_REQUIRE_TMUX=1 (CI).
func TestTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("SANDBANK_REQUIRE_TMUX") == "1" {
			t.Fatal("tmux is required (SANDBANK_REQUIRE_TMUX=1) but not installed")
		}
		t.Skip("tmux is not installed; SANDBANK_REQUIRE_TMUX=1 makes this a failure")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "sandbank")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building sandbank: %v\n%s", err, out)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "tui-e2e.sh"))
	if err != nil {
		t.Fatal(err)
	}
	run := exec.CommandContext(ctx, "bash", script, bin, work)
	run.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir) // nothing of the user's is touched
	out, err := run.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		if log, rerr := os.ReadFile(filepath.Join(work, "sandbank.log")); rerr == nil {
			t.Logf("sandbank.log:\n%s", log)
		}
		t.Fatalf("the tmux script failed: %v", err)
	}
}
