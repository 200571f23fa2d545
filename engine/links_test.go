package engine_test

import (
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// An auth link walks the widget as v1's connect does; its code, exchanged, makes an
// account that keeps the link's customer and reference. A link ends once.
func TestAuthLink(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkAuth,
		Customer: engine.LinkCustomer{Name: "Adam Okafor", Email: "adam@example.com"}, Ref: "ref-001",
		RedirectURL: "http://127.0.0.1:3000/linked"})
	if err != nil {
		t.Fatal(err)
	}
	if l.ID == "" || l.Status != engine.LinkPending || l.Customer.ID == "" || !l.ExpiresAt.Equal(adamStart.Add(engine.LinkTTL)) {
		t.Fatalf("link = %+v", l)
	}
	// The same email is the same customer.
	again, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkAuth,
		Customer: engine.LinkCustomer{Name: "Adam", Email: "adam@example.com"}, RedirectURL: "https://example.com/x"})
	if err != nil || again.Customer.ID != l.Customer.ID || again.ID == l.ID {
		t.Fatalf("a second link for the same email = %+v, %v", again, err)
	}
	if st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID}); err != nil || st.Status != engine.WidgetInstitution ||
		st.Reference != "ref-001" || st.Link == nil {
		t.Fatalf("a link naming no bank, opened without one = %+v, %v; want the list of banks", st, err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID, Institution: "044"})
	if err != nil || st.Link == nil || st.Link.ID != l.ID {
		t.Fatalf("open = %+v, %v", st, err)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, adam.Password); err != nil || st.Status != engine.WidgetSuccess {
		t.Fatalf("login = %+v, %v", st, err)
	}
	if st.Link == nil || st.Link.Status != engine.LinkLinked || st.Link.Code != st.Code {
		t.Fatalf("the link at success = %+v", st.Link)
	}
	a, err := w.eng.ExchangeCode(w.ctx, st.Code)
	if err != nil {
		t.Fatal(err)
	}
	if a.Customer != l.Customer.ID || a.Ref != "ref-001" || a.DataStatus != engine.DataAvailable {
		t.Fatalf("account = customer %q ref %q %s", a.Customer, a.Ref, a.DataStatus)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID, Institution: "044"}); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("a used link = %v, want ECONFLICT", err)
	}
	w.advance(engine.LinkTTL)
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: again.ID, Institution: "044"}); engine.ErrorCode(err) != engine.EEXPIRED {
		t.Fatalf("an expired link = %v, want EEXPIRED", err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: "nope"}); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("an unknown link = %v, want ENOTFOUND", err)
	}
}

// A reauth link replaces v1's reauth token: after a password change breaks a
// real-time job, it asks the user only for the new password and syncs.
func TestReauthLink(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(20 * time.Minute)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	if res, _ := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0); res.Code != engine.CodeReauthRequired {
		t.Fatalf("real-time job after the change = %+v", res)
	}
	w.post(adam, engine.Credit, 70_000)
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkReauth, Account: a.ID, Ref: "re-1",
		RedirectURL: "http://127.0.0.1:3000/reauthorised"})
	if err != nil {
		t.Fatal(err)
	}
	if l.AccountID != a.ID || l.Institution != "044" || l.AuthMethod != a.AuthMethod {
		t.Fatalf("reauth link = %+v", l)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID})
	if err != nil || !st.Reauth || st.Status != engine.WidgetLogin || st.Username != adam.Username {
		t.Fatalf("open = %+v, %v; want a reauth session asking for the password", st, err)
	}
	st, err = w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd")
	for i := 0; err == nil && st.Status == engine.WidgetChallenge && i < 3; i++ { // an OTP after a password change
		ans, aerr := w.bank.ExpectedAnswer(st.Challenge.ID)
		if aerr != nil {
			t.Fatal(aerr)
		}
		st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans)
	}
	if err != nil || st.Status != engine.WidgetSuccess || st.AccountID != a.ID || st.Link.Status != engine.LinkReauthorised {
		t.Fatalf("reauth = %+v, %v", st, err)
	}
	if got := w.account(a.ID); got.ReauthRequired || got.Balance != 1_070_000 {
		t.Fatalf("after the reauth link: reauth required %v, balance %d", got.ReauthRequired, got.Balance)
	}
}

// A re-authorisation link whose account was unlinked after it was made says so
// and what to do: it said only "no connected account has ID …" (a v2 developer's
// trial).
func TestReauthLinkOfAnUnlinkedAccount(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkReauth, Account: a.ID, RedirectURL: "http://127.0.0.1:3000/back"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.eng.Unlink(w.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID})
	if engine.ErrorCode(err) != engine.ENOTFOUND || !strings.Contains(err.Error(), "which was unlinked at ") || !strings.Contains(err.Error(), "scope auth") {
		t.Fatalf("opening the link of an unlinked account: %v; want 404 saying it was unlinked and how to connect again", err)
	}
	// The page a browser shows before Continue says so too: it offered a
	// re-authorisation that could not be (a review).
	if _, err := w.eng.ReauthTarget(w.ctx, engine.WidgetRequest{Link: l.ID}); engine.ErrorCode(err) != engine.ENOTFOUND || !strings.Contains(err.Error(), "which was unlinked at ") {
		t.Fatalf("the link's target of an unlinked account: %v; want the same 404", err)
	}
}

// Bad link requests say what was wrong, naming the field.
func TestLinkRequestValidation(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	ok := engine.LinkRequest{Scope: engine.LinkAuth, Customer: engine.LinkCustomer{Name: "A", Email: "a@b.co"},
		RedirectURL: "http://127.0.0.1/x"}
	for _, tc := range []struct {
		field string
		edit  func(*engine.LinkRequest)
		code  string
	}{
		{"scope", func(r *engine.LinkRequest) { r.Scope = "" }, engine.EINVALID},
		{"scope", func(r *engine.LinkRequest) { r.Scope = "connect" }, engine.EINVALID},
		{"redirect_url", func(r *engine.LinkRequest) { r.RedirectURL = "" }, engine.EINVALID},
		{"redirect_url", func(r *engine.LinkRequest) { r.RedirectURL = "/relative" }, engine.EINVALID},
		{"redirect_url", func(r *engine.LinkRequest) { r.RedirectURL = "javascript:alert(1)" }, engine.EINVALID},
		{"customer", func(r *engine.LinkRequest) { r.Customer = engine.LinkCustomer{} }, engine.EINVALID},
		{"customer.email", func(r *engine.LinkRequest) { r.Customer.Email = "not an email" }, engine.EINVALID},
		{"customer.email", func(r *engine.LinkRequest) { r.Customer.Email = " " }, engine.EINVALID}, // was "customer is required"
		{"customer.name", func(r *engine.LinkRequest) { r.Customer.Name = "" }, engine.EINVALID},
		{"institution.auth_method", func(r *engine.LinkRequest) { r.AuthMethod = "ussd" }, engine.EINVALID},
		{"institution.id", func(r *engine.LinkRequest) { r.Institution = "999" }, engine.ENOTFOUND},
		{"account", func(r *engine.LinkRequest) { r.Scope = engine.LinkReauth }, engine.EINVALID},
		{"", func(r *engine.LinkRequest) {
			r.Scope, r.Account, r.Customer = engine.LinkReauth, "nope", engine.LinkCustomer{}
		}, engine.ENOTFOUND},
		{"customer", func(r *engine.LinkRequest) { r.Scope, r.Account = engine.LinkReauth, "nope" }, engine.EINVALID}, // another scope's field
		{"account", func(r *engine.LinkRequest) { r.Account = a.ID }, engine.EINVALID},
	} {
		r := ok
		tc.edit(&r)
		_, err := w.eng.InitiateLink(w.ctx, r)
		e, isDomain := engine.AsError(err)
		if !isDomain || e.Code != tc.code || e.Field != tc.field || e.Message == "" {
			t.Errorf("%s: %v (field %q), want %s naming %q", tc.field, err, e.Field, tc.code, tc.field)
		}
	}
	if _, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkReauth, Account: a.ID, RedirectURL: "https://x.co"}); err != nil {
		t.Fatalf("a reauth link needs no customer: %v", err)
	}
}

// After the right password the session no longer says the password was rejected,
// and at success it no longer counts down attempts: the JSON said
// password_rejected at the OTP that followed the new password, and attempts_left 1
// on the success screen.
func TestReauthSessionForgetsItsMistakes(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	if err := w.bank.SetMFA(adam.ID, engine.MFAOTP); err != nil {
		t.Fatal(err)
	}
	w.advance(engine.RateLimitWindow)
	if res := w.sync(a.ID); res.Code != engine.CodeReauthRequired {
		t.Fatalf("a sync after the change = %+v", res)
	}
	tok, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
	if err != nil || !st.PasswordRejected {
		t.Fatalf("open = %+v, %v; want the saved password said rejected", st, err)
	}
	if _, err := w.eng.WidgetLogin(w.ctx, st.Session, "", "wrong-one"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("a wrong password: %v", err)
	}
	st, err = w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd")
	if err != nil || st.Status != engine.WidgetChallenge || st.PasswordRejected {
		t.Fatalf("after the right password = %+v, %v; want the OTP, the password no longer said rejected", st, err)
	}
	ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans); err != nil || st.Status != engine.WidgetSuccess || st.AttemptsLeft != engine.MaxWidgetAttempts {
		t.Fatalf("success = %+v, %v; want attempts_left back at %d", st, err, engine.MaxWidgetAttempts)
	}
}

// A link for a bank chosen ahead keeps it: a widget that names another bank is
// refused (it connected an account there), and one that names the same keeps the
// link's auth method (it was dropped).
func TestLinkKeepsItsBank(t *testing.T) {
	w := newWorld(t, worldOpts{})
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkAuth, Customer: engine.LinkCustomer{Name: "A", Email: "a@b.co"},
		RedirectURL: "http://127.0.0.1/x", Institution: "044", AuthMethod: engine.AuthMobileBanking})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID, Institution: "058"}); engine.ErrorCode(err) != engine.ECONFLICT ||
		!strings.Contains(engine.ErrorMessage(err), "this link is for the bank with code 044") {
		t.Fatalf("another bank than the link's = %v, want ECONFLICT naming the link's bank", err)
	}
	for _, inst := range []string{"", "044"} {
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID, Institution: inst})
		if err != nil || st.Institution.Code != "044" || st.AuthMethod != engine.AuthMobileBanking || !st.InstitutionFixed {
			t.Errorf("institution %q: %+v, %v; want Access Bank by mobile banking, fixed", inst, st, err)
		}
	}
}

// A session on an initiate link that expired says how to go on: its link has
// expired by then too, so a new link, not "open a new one", which the link
// refused (a newcomer trial).
func TestExpiredLinkSessionSaysMakeANewLink(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkAuth,
		Customer: engine.LinkCustomer{Name: "Adam Okafor", Email: "adam@example.com"}, RedirectURL: "http://127.0.0.1:3000/linked"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID, Institution: "044"})
	if err != nil {
		t.Fatal(err)
	}
	w.advance(engine.WidgetSessionTTL + time.Minute)
	_, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, adam.Password)
	if msg := engine.ErrorMessage(err); engine.ErrorCode(err) != engine.EEXPIRED ||
		!strings.Contains(msg, "its link cannot open another: this link expired at "+engine.TimeText(l.ExpiresAt)) ||
		!strings.HasSuffix(msg, "make a new one with POST /v2/accounts/initiate") {
		t.Fatalf("an expired session on an expired link: %v", err)
	}
}
