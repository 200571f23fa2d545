package tui

import (
	"strings"
	"testing"

	"sandbank/engine"
)

// The welcome says what the world holds now: after Data Sync was turned off and
// on again it still said the business account got webhooks ("its webhook is on
// 2") beside HOOKS ✗, and with the demo's accounts unlinked it named them all
// the same (a presenter's trial). At 80×24 the longer card keeps its keys.
func TestWelcomeSaysWhatTheWorldHolds(t *testing.T) {
	w := newTestWorld(t)
	setDataSync := func(on bool) {
		t.Helper()
		if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
			t.Fatal(err)
		}
	}
	card := func() string {
		t.Helper()
		h := newHarness(t, w, harnessOpts{width: 80, height: 24})
		h.press("w")
		h.contains("Welcome to sandbank", "enter starts · w shows this again")
		return strings.Join(strings.Fields(strings.ReplaceAll(h.screen(), "│", "")), " ") // its lines joined, as wrapped words read

	}
	lies := func(s string, texts ...string) {
		t.Helper()
		for _, text := range texts {
			if strings.Contains(s, text) {
				t.Errorf("the welcome says %q:\n%s", text, s)
			}
		}
	}

	setDataSync(false)
	s := card()
	lies(s, "with webhooks", "its webhook is on 2", "connected before Data Sync was enabled")
	for _, want := range []string{"Data Sync is off", "its event is on 2, not sent"} {
		if !strings.Contains(s, want) {
			t.Errorf("the welcome does not say %q:\n%s", want, s)
		}
	}

	setDataSync(true) // the business account, connected before, gets none now (R4)
	s = card()
	lies(s, "with webhooks", "its webhook is on 2")
	if !strings.Contains(s, "last enabled: no webhooks either (R4)") {
		t.Errorf("the welcome does not say the business gets no webhooks:\n%s", s)
	}
	// Nor the MFA account: it read as before beside HOOKS ✗ (a newcomer's trial).
	if !strings.Contains(s, "re-authorise (R5). No webhooks either: connected before Data Sync was last enabled (R4).") {
		t.Errorf("the welcome does not say the MFA account gets no webhooks:\n%s", s)
	}
	// With more accounts than kinds, those named are not said to be the demo's
	// three: one connected since may stand for a kind.
	if _, err := w.eng.ExchangeCode(w.ctx, w.widgetCode(t, w.customerAt("214"))); err != nil {
		t.Fatal(err)
	}
	s = card()
	lies(s, "The demo's", "Three accounts to try")
	if !strings.Contains(s, "Accounts to try, of the 4 connected:") {
		t.Errorf("the welcome of a world of four accounts:\n%s", s)
	}

	// After the bank has moved on (a jump, a spend), step 1 does not say there is
	// nothing new: it said so beside the account's own "the bank shows …, the API
	// …" (a presenter's trial).
	if !strings.Contains(s, "press s to Sync now: nothing new at the bank, so no webhook.") {
		t.Errorf("the welcome's step 1 with nothing new at the bank:\n%s", s)
	}
	accounts, err := w.eng.Accounts(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.Institution.Type == engine.InstitutionBusiness {
			if _, err := w.bank.PostTransaction(a.CustomerID, simulatorPosting(a.Number, 500_000)); err != nil {
				t.Fatal(err)
			}
		}
	}
	s = card()
	lies(s, "nothing new at the bank")
	if !strings.Contains(s, "press s to Sync now: new data at the bank, so account_updated on 2 (not sent: R4).") {
		t.Errorf("the welcome's step 1 with news at the bank:\n%s", s)
	}
	for _, a := range accounts {
		if err := w.eng.Unlink(w.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	s = card()
	lies(s, "ADAM", "KUNLE", "ABDULLAHI", "Try this first")
	if !strings.Contains(s, "No account is connected yet") {
		t.Errorf("the welcome of a world without accounts:\n%s", s)
	}
}

// In a scenario played on stage the welcome is not offered: its first steps are
// the demo world's, and it named the demo's three accounts over a world of
// others, or none (a presenter's trial). ? does not list w, and w says why.
func TestPlayOffersNoWelcome(t *testing.T) {
	h := playWorld(t, "testdata/play.yaml")
	h.press("enter", "?")
	h.contains("Everywhere")
	if strings.Contains(h.screen(), "first steps") {
		t.Fatalf("the help offers the welcome in play mode:\n%s", h.screen())
	}
	h.press("esc", "w")
	if strings.Contains(h.screen(), "Welcome to sandbank") || strings.Contains(h.screen(), "The demo's") {
		t.Fatalf("w showed the welcome in play mode:\n%s", h.screen())
	}
	h.contains("The welcome is the demo world's: ctrl+o lists this scenario's steps")
}
