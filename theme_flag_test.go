package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The terminal UI's palette can be chosen — --theme, or SANDBANK_THEME for
// every run — by the TUI and by scenario play: a light terminal that does not
// answer the background-colour query got the dark palette, near-white text on
// white, with no way to change it before going on stage (a presenter's trial).
// The flag wins over the variable; a wrong value in the variable says where it
// came from.
func TestThemeFlagAndEnvironment(t *testing.T) {
	t.Setenv("SANDBANK_THEME", "") // set and empty, as ${THEME:-} leaves it: auto
	parse := func(args ...string) cli {
		t.Helper()
		var c cli
		if _, err := newParser(&c).Parse(args); err != nil {
			t.Fatalf("sandbank %s: %v", strings.Join(args, " "), err)
		}
		return c
	}
	if c := parse(); c.TUI.Theme != "auto" {
		t.Errorf("no theme given: %q, want auto", c.TUI.Theme)
	}
	if c := parse("--theme", "light"); c.TUI.Theme != "light" {
		t.Errorf("--theme light: %q", c.TUI.Theme)
	}
	t.Setenv("SANDBANK_THEME", "light")
	if c := parse(); c.TUI.Theme != "light" {
		t.Errorf("SANDBANK_THEME=light: %q", c.TUI.Theme)
	}
	if c := parse("scenario", "play", "fixtures/password-change.yaml"); c.Scenario.Play.Theme != "light" {
		t.Errorf("SANDBANK_THEME=light, scenario play: %q", c.Scenario.Play.Theme)
	}
	if c := parse("--theme=dark"); c.TUI.Theme != "dark" {
		t.Errorf("SANDBANK_THEME=light --theme=dark: %q, want the flag's", c.TUI.Theme)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "sandbank.db"))
	cmd.Env = append(os.Environ(), "SANDBANK_MAIN=1", "SANDBANK_THEME=blue")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), `--theme must be one of "auto","light","dark" but got "blue" (from $SANDBANK_THEME)`) {
		t.Fatalf("SANDBANK_THEME=blue: exit %d (%v):\n%s", code, err, out)
	}
}
