package tui

import "testing"

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
