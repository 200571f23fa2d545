package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
	"sandbank/simulator"
)

// On a paused clock a delivery waiting for its retry says the clock is paused, and
// which keys move it past the wait, as the sync's rate-limit line does: "next
// attempt in 0:30" stood still, and read as on its way (a newcomer's trial). At 80
// columns the words go on under themselves; on a running clock they go.
func TestWebhooksSayTheClockIsPaused(t *testing.T) {
	w := newTestWorld(t)
	w.sender.failStatus.Store(503)
	business := w.bank.Customers()[5]
	if _, err := w.bank.PostTransaction(business.ID, simulator.Posting{Account: business.Accounts[0].Number, Type: engine.Credit, Amount: 100_000, Narration: "TRANSFER IN"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.Sync(w.ctx, w.account("CONCEPTS").ID); err != nil { // account_updated, refused: its retry in 30 s
		t.Fatal(err)
	}
	w.settle()
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	h.press("2")
	h.contains("next attempt in 0:30", "⏸ clock paused", "t 2 jumps the clock")
	h.golden("webhooks-paused-80x24")

	if err := w.clock.SetPaused(false); err != nil { // the wall stands still in tests: the clock does too
		t.Fatal(err)
	}
	h.send(tickMsg{w.clock.State()})
	h.contains("next attempt in 0:30")
	if strings.Contains(h.screen(), "paused") {
		t.Fatalf("a running clock is said to be paused:\n%s", h.screen())
	}
}

// The hint names the time panel's shortest jump that passes the wait.
func TestJumpHint(t *testing.T) {
	sh := &shared{styles: NewStyles(true), keys: DefaultKeyMap()}
	for _, c := range []struct {
		wait time.Duration
		want string
	}{
		{30 * time.Second, "t 2 jumps the clock"},
		{2 * time.Minute, "t 2 jumps the clock"},
		{4 * time.Minute, "t 0 jumps the clock"},
		{32 * time.Minute, "t h jumps the clock"},
		{time.Hour, "t h jumps the clock"},
		{90 * time.Minute, "t d jumps the clock"},
		{48 * time.Hour, "t d jumps the clock"},      // a day's jump, pressed again
		{40 * 24 * time.Hour, "t d jumps the clock"}, // not the month's, which runs on past it
	} {
		if got := ansi.Strip(sh.jumpHint(c.wait)); got != c.want {
			t.Errorf("a wait of %s: %q, want %q", c.wait, got, c.want)
		}
	}
}
