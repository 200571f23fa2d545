package tui

import (
	"strings"
	"testing"
)

// Every page's footer shows ? help, the way to the keys cut before it: the
// bank console's at 120 columns, and most at 80, ended "…" before it (a
// presenter's trial).
func TestFooterAlwaysShowsHelp(t *testing.T) {
	w := newTestWorld(t)
	for _, width := range []int{80, 120} {
		h := newHarness(t, w, harnessOpts{width: width, height: 30})
		for _, keys := range [][]string{{"1"}, {"enter"}, {"esc", "2"}, {"3"}, {"4"}} {
			h.press(keys...)
			lines := strings.Split(h.screen(), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, "? help") {
				t.Errorf("at %d columns, after %v the footer reads %q", width, keys, last)
			}
		}
	}
}

// Unlinking says whether account_unlinked was sent, as the settings decide (R4),
// and its toast keeps ? help on screen at 80 columns: it said "was sent if it
// receives webhooks" and took the help line (a presenter's trial).
func TestUnlinkSaysWhetherItsEventWasSent(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	h.press("enter", "u", "y") // ADAM OKAFOR, connected before Data Sync was enabled
	h.contains("ADAM OKAFOR is unlinked", "account_unlinked is", "kept, not sent (R4)")
	if s := h.screen(); strings.Contains(s, "if it receives webhooks") || !strings.Contains(s[strings.LastIndex(s, "\n"):], "? help") {
		t.Fatalf("after the unlink:\n%s", s)
	}
}
