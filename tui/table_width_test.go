package tui

import (
	"strings"
	"testing"
	"time"
)

// rowsWith are the screen's lines that hold every text.
func rowsWith(s string, texts ...string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		all := true
		for _, t := range texts {
			all = all && strings.Contains(l, t)
		}
		if all {
			out = append(out, l)
		}
	}
	return out
}

// Width to spare goes to the columns that cut their text before the holder's
// takes the rest: at 200×50 HOLDER took 113 spare cells while BANK read "⚠
// Provid…" on Accounts and "FirstB… +1", "Fideli… +1", "Corona… +1" on the Bank
// console, at 120×40 too (a presenter's trial).
func TestSpareWidthGoesToTheColumnsThatCut(t *testing.T) {
	w := newTestWorld(t)
	if err := w.bank.StartOutage("101", time.Hour); err != nil { // Providus
		t.Fatal(err)
	}
	for _, size := range [][2]int{{120, 40}, {200, 50}} {
		h := newHarness(t, w, harnessOpts{width: size[0], height: size[1]})
		if rows := rowsWith(h.screen(), "ABDULLAHI CONCEPTS", "⚠ Providus "); len(rows) != 1 {
			t.Errorf("%dx%d: the Providus row does not say its bank whole:\n%s", size[0], size[1], h.screen())
		}
		h.press("3")
		for _, bank := range []string{"FirstBank +1", "Fidelity +1", "Coronation ⚠+1"} {
			if len(rowsWith(h.screen(), bank+" ")) == 0 {
				t.Errorf("%dx%d: the Bank console does not show %q whole:\n%s", size[0], size[1], bank, h.screen())
			}
		}
		h.contains("Oluwaseun Ogunbiyi ") // the names keep their room
	}
}

// Columns keep a gap wider than a word's space where there is room: at 120×40
// SYNCED ran into MFA, "13h 41m ago none", and DRIFT into STATUS, "in sync
// AVAILABLE" (a presenter's trial). At 80 columns there is none to spare: HOOKS
// stays.
func TestColumnsKeepAGap(t *testing.T) {
	w := newTestWorld(t)
	if err := w.clock.Advance(13*time.Hour + 41*time.Minute); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, w, harnessOpts{width: 120, height: 40})
	h.send(tickMsg{clock: w.clock.State()})
	if rows := rowsWith(h.screen(), "13h 41m ago  none"); len(rows) != 2 {
		t.Errorf("SYNCED runs into MFA:\n%s", h.screen())
	}
	h.press("s") // Adam's sync brings his spending: "in sync" beside the status
	if rows := rowsWith(h.screen(), "in sync  AVAILABLE"); len(rows) != 1 {
		t.Errorf("DRIFT runs into STATUS:\n%s", h.screen())
	}
	small := newHarness(t, w, harnessOpts{width: 80, height: 24})
	small.contains("HOOKS")
}
