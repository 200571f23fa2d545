package tui

import (
	"strings"
	"testing"
)

// Once every step has run, nothing offers the keys that run steps: the steps
// panel said "every step has run" above a help line that still offered ctrl+n
// next step • ctrl+g to the next pause • ctrl+r to the end via pauses, which did
// nothing (a presenter's trial); nor do ?'s list and a last pause's sentence.
func TestPlayOffersNoStepKeysOnceAllHaveRun(t *testing.T) {
	offers := func(h *harness, where, s string) {
		t.Helper()
		for _, k := range []string{"ctrl+n", "ctrl+g", "ctrl+r"} {
			if strings.Contains(s, k) {
				t.Errorf("%s offers %s with every step run:\n%s", where, k, h.screen())
			}
		}
	}
	helpLine := func(h *harness) string {
		lines := strings.Split(h.screen(), "\n")
		return lines[len(lines)-1]
	}

	h := playWorld(t, "testdata/play.yaml")
	h.press("enter", "ctrl+r", "ctrl+r", "ctrl+r") // to the pause, to step 6, which fails, to the end
	h.contains("every step has run")
	h.press("ctrl+o")
	offers(h, "the steps panel's help line", helpLine(h))
	h.contains("↑/↓ scroll • esc close")
	h.press("?")
	offers(h, "the help", h.screen())
	h.contains("ctrl+o the scenario's steps")

	h = playWorld(t, "testdata/play-ends-paused.yaml")
	h.press("enter", "ctrl+g")
	h.contains("That is the whole story.", "enter close · ctrl+o the steps")
	offers(h, "the last pause's sentence", h.screen())
}
