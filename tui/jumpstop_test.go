package tui

import (
	"strings"
	"testing"
	"time"
)

// p during a jump the time panel started stops it where it is — after the work
// of the moment it is at — and pauses the clock there: it said "Clock: paused"
// while the jump ran on to its end, and only quitting stopped it (a presenter's
// trial).
func TestPauseStopsThePanelsJump(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 30})
	h.press("t")
	before := w.clock.Now()
	_, jump := h.m.Update(keyPress("m"))                 // the jump, not yet run
	h.press("d")                                         // queued behind it
	w.clock.AfterFunc(before.Add(36*time.Hour), func() { // a day and a half into it
		h.press("p")
		h.contains("stopping the jump…")
		h.press("d") // not queued behind a jump that stops, to be dropped
		h.contains("The jump is stopping: press d again once it has")
		if strings.Contains(h.screen(), "Clock: paused") {
			t.Errorf("p said paused while the jump runs:\n%s", h.screen())
		}
	})
	h.run(jump)
	if got := w.clock.Now().Sub(before); got != 36*time.Hour {
		t.Fatalf("p stopped the jump after %s; want where p was pressed, 36h", got)
	}
	if !w.clock.State().Paused {
		t.Fatal("the clock runs after p stopped the jump")
	}
	h.contains("Clock: p stopped the +30d jump at +"+span(36*time.Hour)+", paused → "+fmtClock(w.clock.Now())+" (+1d queued: dropped)", "⏸ paused")
}

// p during a jump an app started, which the TUI cannot stop, says the clock
// pauses where that jump ends: "Clock: paused" while the date ran on by days
// read as if p did nothing.
func TestPauseDuringAnAppsJumpSaysWhere(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 30})
	if err := w.clock.SetPaused(false); err != nil {
		t.Fatal(err)
	}
	h.send(tickMsg{clock: w.clock.State()})
	before := w.clock.Now()
	w.clock.AfterFunc(before.Add(time.Hour), func() { h.press("t", "p") })
	if err := w.clock.Advance(3 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	h.contains("Clock: pauses where the jump under way ends, " + fmtClock(before.Add(3*24*time.Hour)))
}
