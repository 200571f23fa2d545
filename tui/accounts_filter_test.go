package tui

import (
	"strconv"
	"testing"

	"sandbank/engine"
	"sandbank/simulator"
)

// connectCustomer connects c's first account through the widget, answering what
// its bank asks after the password.
func connectCustomer(t *testing.T, w *testWorld, c simulator.Customer) {
	t.Helper()
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: c.Accounts[0].Institution.Code})
	if err == nil {
		st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	}
	for err == nil && st.Status == engine.WidgetChallenge {
		var ans string
		if ans, err = w.bank.ExpectedAnswer(st.Challenge.ID); err == nil {
			st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans)
		}
	}
	if err == nil && st.Status == engine.WidgetAccount {
		st, err = w.eng.WidgetChooseAccount(w.ctx, st.Session, st.Accounts[0].Number)
	}
	if err == nil {
		_, err = w.eng.ExchangeCode(w.ctx, st.Code)
	}
	if err != nil {
		t.Fatalf("connecting %s: %v", c.Name, err)
	}
}

// The MFA filter finds every account whose bank asks it, on screen or not: the
// kinds were read with the visible rows' live balances, and /otp on 300 accounts
// said 3 of 300 until the list had been scrolled through (a QA lead's trial). A
// kind the bank changes later is matched as well.
func TestAccountsFilterByMFAFindsRowsNeverOnScreen(t *testing.T) {
	w := newTestWorld(t)
	accounts, err := w.eng.Accounts(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	connected := map[string]bool{}
	for _, a := range accounts {
		connected[a.CustomerID] = true
	}
	// The customers without MFA first, ten more of them made for it: the OTP ones
	// come last, below the screen.
	for range 10 {
		if _, err := w.bank.AddCustomer(simulator.NewCustomer{Institution: "057", MFA: engine.MFANone}); err != nil {
			t.Fatal(err)
		}
	}
	var none, otp []simulator.Customer
	for _, c := range w.bank.Customers() {
		switch {
		case connected[c.ID]:
		case c.MFA == engine.MFANone:
			none = append(none, c)
		case c.MFA == engine.MFAOTP:
			otp = append(otp, c)
		}
	}
	for _, c := range append(none, otp...) {
		connectCustomer(t, w, c)
	}
	w.settle()
	all, err := w.eng.Accounts(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, a := range all {
		if c, err := w.bank.Customer(a.CustomerID); err == nil && c.MFA == engine.MFAOTP {
			want++
		}
	}

	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	p := h.m.pages[pageAccounts].(*accountsPage)
	if _, to := p.list.visible(); to >= len(all)-len(otp) {
		t.Fatalf("%d rows on screen of %d: the OTP accounts are not below it", to, len(all))
	}
	h.press("/")
	h.typ("otp")
	h.press("enter")
	h.contains("Connected accounts " + strconv.Itoa(want) + " of " + strconv.Itoa(len(all)))

	// The bank asks one more holder, off screen, for an OTP: the next read of
	// the bank finds it too.
	if err := w.bank.SetMFA(none[len(none)-1].ID, engine.MFAOTP); err != nil {
		t.Fatal(err)
	}
	h.send(reloadMsg{what: reloadBank})
	h.contains("Connected accounts " + strconv.Itoa(want+1) + " of " + strconv.Itoa(len(all)))
}
