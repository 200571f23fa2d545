package tui

import (
	"strings"
	"testing"

	"sandbank/engine"
)

// s refused as the account's sync is running names the account by its holder,
// and during a jump says the jump's automatic syncs are running: it read "could
// not sync: a sync of account 690370fa5e01cdf5a5865e53 is already running"
// (a presenter's trial).
func TestSyncRefusedWhileOneRunsSaysWhy(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 30})
	adam := w.account("ADAM")
	busy := engine.Errorf(engine.ECONFLICT, "a sync of account %s is already running; wait for it to finish", adam.ID).WithReason("SYNC_IN_PROGRESS")
	for _, jumping := range []bool{true, false} {
		h.m.pages[pageAccounts].(*accountsPage).syncing[adam.ID] = true
		h.send(syncDoneMsg{accountID: adam.ID, err: busy, jumping: jumping})
		want := "ADAM OKAFOR: not now: a sync of this account is running already"
		if jumping {
			want = "ADAM OKAFOR: not now: the clock is jumping, and its automatic syncs are running; sync once the jump ends"
		}
		h.contains(want)
		if strings.Contains(h.screen(), adam.ID+" is already") {
			t.Fatalf("the toast names the account by its ID:\n%s", h.screen())
		}
	}
}

// A sync refused as Data Sync is off points to Settings, not to the API: at 80
// columns it read "turn it on with PATCH …", cut (a presenter's trial).
func TestSyncWithDataSyncOffPointsToSettings(t *testing.T) {
	w := newTestWorld(t)
	off := false
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	h.press("s")
	h.contains("ADAM OKAFOR: failed — Data Sync is off: turn it on in Settings (4), then sync")
	if strings.Contains(h.screen(), "PATCH") {
		t.Fatalf("the TUI points to the API:\n%s", h.screen())
	}
}
