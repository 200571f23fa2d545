package tui

import (
	"testing"
	"time"
)

// The dashboard's LIVE is never older than its BALANCE: a sync that finishes
// (an auto-sync's notice reloads the accounts) reads the bank's figures again
// after the accounts, and a tick reads them again once the virtual clock has
// moved on, not only every ten ticks. At 3600× LIVE and DRIFT were hours old,
// and just after a sync LIVE read older than BALANCE (a presenter's trial).
func TestAccountsLiveFollowsTheSyncsAndTheClock(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 180, height: 30}) // Adam's row first, selected
	adam := w.customerAt("044")
	number := adam.Accounts[0].Number
	spend := func() {
		t.Helper()
		if _, err := w.bank.PostTransaction(adam.ID, simulatorPosting(number, 500_000)); err != nil {
			t.Fatal(err)
		}
	}

	// Adam spends and a sync the page did not start takes it in: the notice of its
	// end reloads the accounts, and nothing says the bank moved.
	spend()
	if _, err := w.eng.Sync(w.ctx, w.account("ADAM").ID); err != nil {
		t.Fatal(err)
	}
	h.send(reloadMsg{reloadAccounts})
	h.contains("snapshot matches the bank")

	// He spends again and the clock runs an hour in a second, as at 3600×: the
	// next tick shows it.
	spend()
	if err := w.clock.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	live, err := w.bank.LiveBalance(number)
	if err != nil {
		t.Fatal(err)
	}
	h.send(tickMsg{w.clock.State()})
	h.contains("the bank shows " + naira(live))
}

// The account's page reads the bank's side again as the clock moves, as the
// dashboard does: its "At the bank" stood at what it was when the page opened,
// while the bank's balance moved on (a presenter's trial).
func TestAccountPageLiveFollowsTheClock(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 180, height: 40})
	adam := w.customerAt("044")
	number := adam.Accounts[0].Number
	h.send(openAccountMsg{id: w.account("ADAM").ID})
	before, err := w.bank.LiveBalance(number)
	if err != nil {
		t.Fatal(err)
	}
	h.contains("At the bank", naira(before))

	if _, err := w.bank.PostTransaction(adam.ID, simulatorPosting(number, 500_000)); err != nil {
		t.Fatal(err)
	}
	if err := w.clock.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	live, err := w.bank.LiveBalance(number)
	if err != nil || live == before {
		t.Fatalf("the bank's balance after a posting = %d, %v; want it moved from %d", live, err, before)
	}
	h.send(tickMsg{w.clock.State()})
	h.contains("At the bank", naira(live))
}
