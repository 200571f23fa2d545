package tui

import (
	"strings"
	"testing"
)

// accountSelected is the name of the account the dashboard's cursor is on.
func accountSelected(h *harness) string {
	a, _ := h.m.pages[pageAccounts].(*accountsPage).selected()
	return a.Name
}

// Clearing a filter keeps the row selected, as a sort does: /kunle then esc put
// the cursor on the first row (a presenter's trial) — esc while typing, and esc
// on a filter kept; on the Bank console too.
func TestClearingAFilterKeepsTheSelection(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	for _, keep := range []bool{false, true} {
		h.press("/")
		h.typ("kunle")
		if keep {
			h.press("enter")
		}
		h.press("esc")
		h.contains("3 of 3")
		if got := accountSelected(h); got != "KUNLE ODUKOYA" {
			t.Fatalf("kept %v: after esc the cursor is on %q, not on KUNLE ODUKOYA:\n%s", keep, got, h.screen())
		}
		h.press("home")
	}

	h.bankConsoleAt("yusuf")
	h.press("esc")
	h.contains("Customers 24")
	if c, _ := h.m.pages[pageBank].(*bankPage).selected(); c.Name != "Yusuf Tanko" {
		t.Fatalf("after esc the Bank console's cursor is on %q, not on Yusuf Tanko:\n%s", c.Name, h.screen())
	}
}

// What shows as selected under the welcome is what its enter leads to: the
// line under the card named ADAM OKAFOR, the first row, while enter then opened
// ABDULLAHI CONCEPTS, its step 1 (a presenter's trial). esc, which only closes
// it, puts the cursor back.
func TestTheWelcomeSelectsWhatItsEnterOpens(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{firstRun: true, width: 200, height: 50})
	h.contains("Welcome to sandbank", "Open ABDULLAHI CONCEPTS (enter)", "ABDULLAHI CONCEPTS · Providus Bank · ")
	if strings.Contains(h.screen(), "ADAM OKAFOR · Access Bank · ") {
		t.Fatalf("the line under the welcome names another account than its step 1:\n%s", h.screen())
	}
	h.press("enter", "enter")
	h.contains("‹ esc ABDULLAHI CONCEPTS · Providus Bank")

	h = newHarness(t, w, harnessOpts{width: 200, height: 50})
	h.press("down", "w")
	h.contains("Welcome to sandbank", "ABDULLAHI CONCEPTS · Providus Bank · ")
	h.press("esc")
	if got := accountSelected(h); got != "KUNLE ODUKOYA" {
		t.Fatalf("esc on the welcome left the cursor on %q, not on KUNLE ODUKOYA, where it was", got)
	}
}
