package tui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Answers that come back after what asked for them has gone (a TUI review).

// The welcome's load, back after the welcome was closed, leaves the cursor where
// it is: it moved it to the business account, which the next s synced.
func TestTheWelcomesLateLoadLeavesTheCursor(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 200, height: 50})
	h.press("down")
	if got := accountSelected(h); got != "KUNLE ODUKOYA" {
		t.Fatalf("setup: the cursor is on %q", got)
	}
	_, load := h.m.Update(keyPress("w")) // the welcome's load, held as a slow read would be
	h.press("esc")
	h.run(load)
	if got := accountSelected(h); got != "KUNLE ODUKOYA" {
		t.Errorf("the welcome's late load moved the cursor to %q:\n%s", got, h.screen())
	}
}

// The welcome opened while a filter hides its business account does not leave it
// to be chased: a reload long after, the filter cleared, moved the cursor to it.
func TestAWelcomeUnderAFilterLeavesNoCursorMoveBehind(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 200, height: 50})
	h.press("/")
	h.typ("kunle")
	h.press("enter")
	h.press("w", "esc")
	h.press("esc")
	h.press("home")
	if got := accountSelected(h); got != "ADAM OKAFOR" {
		t.Fatalf("setup: the cursor is on %q", got)
	}
	h.send(reloadMsg{what: reloadAccounts}) // any sync's notice
	if got := accountSelected(h); got != "ADAM OKAFOR" {
		t.Errorf("a reload moved the cursor from ADAM OKAFOR to %q", got)
	}
}

// A sync asked on an account's page, closed before it came back, is said in a
// toast: no page said it.
func TestASyncOfAClosedPageIsSaid(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("enter")
	h.contains("‹ esc ADAM OKAFOR")
	_, sync := h.m.Update(keyPress("s"))
	h.press("esc")
	h.m.toast = toastMsg{}
	h.run(sync)
	if !strings.HasPrefix(h.m.toast.text, "ADAM OKAFOR: ") {
		t.Errorf("the sync's outcome, its page closed: toast %q; want it said:\n%s", h.m.toast.text, h.screen())
	}
}

// An unlink asked on an account's page, closed before it came back, is said too.
func TestAnUnlinkOfAClosedPageIsSaid(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("enter", "u")
	_, unlink := h.m.Update(keyPress("y"))
	h.press("esc")
	h.m.toast = toastMsg{}
	h.run(unlink)
	if !strings.Contains(h.m.toast.text, "ADAM OKAFOR is unlinked") {
		t.Errorf("the unlink, its page closed: toast %q; want it said:\n%s", h.m.toast.text, h.screen())
	}
}

// e m e, then esc while the first PDF renders: the second, queued on the page,
// is written all the same.
func TestAPDFQueuedOnAClosedPageIsWritten(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 40})
	h.press("enter", "right", "right")
	_, cmd := h.m.Update(keyPress("e")) // the last 3 months
	h.press("m", "e")                   // the last 6, queued while it renders
	h.press("esc")
	h.run(cmd)
	files, _ := filepath.Glob(filepath.Join(h.exportDir, "statement-4259134808-*.pdf"))
	if len(files) != 2 {
		t.Errorf("PDFs saved %v; want the 3 months' and the 6 months' (toast %q)", files, h.m.toast.text)
	}
}

// Every page and overlay draws at any size, from 1×1 up, with ticks between:
// nothing below the smallest it lays out panics.
func TestEverySizeDrawsWithoutPanic(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{firstRun: true})
	sizes := [][2]int{{20, 5}, {1, 1}, {80, 24}, {80, 5}, {5, 24}, {300, 24}, {80, 100}}
	steps := [][]string{{}, {"esc"}, {"enter"}, {"right"}, {"right"}, {"esc"}, {"2"}, {"enter"}, {"esc"}, {"3"}, {"s"}, {"esc"}, {"4"}, {"t"}, {"esc"}, {"1"}, {"c"}, {"ctrl+p"}}
	for _, st := range steps {
		for _, s := range sizes {
			h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
			_ = h.m.View()
			h.send(tickMsg{clock: w.clock.State()})
			_ = h.m.View()
		}
		h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
		h.press(st...)
		_ = h.m.View()
	}
}

// 1 on an account's page goes back to the list, as esc does; so does a click on
// its tab.
func TestPageOneOnAnAccountGoesBackToTheList(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("enter")
	h.contains("‹ esc ADAM OKAFOR")
	h.press("1")
	h.contains("Connected accounts")
	if h.m.detail != nil {
		t.Fatalf("1 left the account's page open:\n%s", h.screen())
	}
}
