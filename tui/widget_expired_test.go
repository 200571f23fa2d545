package tui

import (
	"testing"
	"time"
)

// A widget whose session expires while it is open — the clock jumping under it
// — stays open, saying it expired, until the user closes it: the enter typed
// for the bank closed it without a word, and the keys typed next went to the
// accounts list behind it, an s there starting a sync (a presenter's trial).
// Its login expires; the bank list renews its session until the first step.
func TestWidgetExpiredOnItsOwnStaysOpen(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 30})
	h.press("c")
	h.typ("prov")
	h.press("enter")
	h.contains("Log in to Providus Bank")
	if err := w.clock.Advance(time.Hour); err != nil { // a jump under way, past the session's life
		t.Fatal(err)
	}
	h.send(tickMsg{clock: w.clock.State()})
	h.typ("musa")
	h.press("enter", "s", "enter")
	if _, ok := h.m.top().(*widgetModal); !ok {
		t.Fatalf("the widget closed on the keys typed after its session expired:\n%s", h.screen())
	}
	h.contains("✗ Expired", "This widget session expired at", "esc close")
	h.press("esc")
	if h.m.top() != nil {
		t.Fatalf("esc left the expired widget open:\n%s", h.screen())
	}
}
