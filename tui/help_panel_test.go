package tui

import (
	"strings"
	"testing"
)

// Help over the time panel lists the panel's keys and only what else works
// there: it listed "1 accounts 2 webhooks … q quit", where 2 jumps the clock
// two minutes and q closes the panel (a presenter's trial).
func TestHelpOverTheTimePanelListsItsKeys(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	h.press("t", "?")
	h.contains("Keys here", "+2m", "+30d", "ctrl+t", "the pages' keys work once the panel below this help is closed")
	for _, wrong := range []string{"webhooks", "quit"} {
		if strings.Contains(h.screen(), wrong) {
			t.Errorf("help over the time panel lists %q:\n%s", wrong, h.screen())
		}
	}
	h.press("esc") // closes the help; the panel stays
	h.contains("Virtual time")
}
