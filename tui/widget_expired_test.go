package tui

import (
	"strings"
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

// An OTP that expired says so, and how to get a new one: after the clock moved
// ten minutes on the OTP step, ctrl+f filled nothing and enter said "answer is
// required", nothing saying the code had expired (a presenter's trial).
func TestWidgetSaysTheOTPExpired(t *testing.T) {
	w, h := reauthAtTheOTP(t, harnessOpts{width: 120, height: 40})
	h.contains("📱 The bank sent a 6-digit code")
	if err := w.clock.Advance(10 * time.Minute); err != nil { // ctrl+t 0
		t.Fatal(err)
	}
	h.send(tickMsg{clock: w.clock.State()})
	for _, k := range []string{"", "ctrl+f", "enter"} {
		if k != "" {
			h.press(k)
		}
		h.contains("✗ The code expired at 10:21:02: the bank waits 5 minutes", "r re-authorises again", "esc close")
		if s := h.screen(); strings.Contains(s, "answer is required") || strings.Contains(s, "📱 The bank sent") || strings.Contains(s, "fill the answer") {
			t.Fatalf("after %q the widget does not say the code expired:\n%s", k, s)
		}
	}
	if _, ok := h.m.top().(*widgetModal); !ok {
		t.Fatalf("the widget closed:\n%s", h.screen())
	}
}
