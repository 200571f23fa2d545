package engine_test

import (
	"cmp"
	"strings"
	"sync"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// The widget's state machine, walked as its faces walk it: a session opened with
// no bank asks for one; the login can go back to the list; a bank chosen ahead
// cannot be left.
func TestWidgetChoosesTheBank(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Reference: "ref-1"})
	if err != nil || st.Status != engine.WidgetInstitution || st.Institution.Code != "" || st.Reference != "ref-1" || !st.Open() {
		t.Fatalf("a widget opened with no bank = %+v, %v; want it to ask for one", st, err)
	}
	if _, err := w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, adam.Password); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("a login before a bank = %v, want ECONFLICT", err)
	}
	for _, bad := range []struct{ code, method, want string }{
		{"999", "", engine.ENOTFOUND},
		{"", "", engine.EINVALID},
		{"044", "by_pigeon", engine.EINVALID},
	} {
		if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, bad.code, bad.method); engine.ErrorCode(err) != bad.want {
			t.Fatalf("choosing %q %q = %v, want %s", bad.code, bad.method, err, bad.want)
		}
	}
	st, err = w.eng.WidgetChooseInstitution(w.ctx, st.Session, "058", engine.AuthMobileBanking)
	if err != nil || st.Status != engine.WidgetLogin || st.Institution.Code != "058" || st.AuthMethod != engine.AuthMobileBanking {
		t.Fatalf("choosing GTBank = %+v, %v", st, err)
	}
	if st, err = w.eng.WidgetBack(w.ctx, st.Session); err != nil || st.Status != engine.WidgetInstitution || st.Institution.Code != "" {
		t.Fatalf("back = %+v, %v; want the list of banks", st, err)
	}
	// Back at the list (a double click) stays there: it said "waiting for a bank
	// to be chosen, not a username and password" (a new user's trial).
	if st, err = w.eng.WidgetBack(w.ctx, st.Session); err != nil || st.Status != engine.WidgetInstitution {
		t.Fatalf("back from the list = %+v, %v; want the list still", st, err)
	}
	// At the login, choosing again switches the bank or the method.
	st, _ = w.eng.WidgetChooseInstitution(w.ctx, st.Session, "058", "")
	if st, err = w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", engine.AuthInternetBanking); err != nil || st.Institution.Code != "044" {
		t.Fatalf("switching to Access Bank at the login = %+v, %v", st, err)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, adam.Password); err != nil || st.Status != engine.WidgetSuccess ||
		st.Account == nil || st.Account.Number != adam.Accounts[0].Number || st.Username != adam.Username || st.Open() {
		t.Fatalf("login = %+v, %v; want success for Adam's account", st, err)
	}

	fixed, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "044", AuthMethod: engine.AuthInternetBanking})
	if err != nil || fixed.Status != engine.WidgetLogin || !fixed.InstitutionFixed {
		t.Fatalf("a widget opened at Access Bank = %+v, %v", fixed, err)
	}
	if _, err := w.eng.WidgetBack(w.ctx, fixed.Session); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("back from a bank chosen ahead = %v, want ECONFLICT", err)
	}
	if _, err := w.eng.WidgetChooseInstitution(w.ctx, fixed.Session, "058", ""); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("another bank than the one chosen ahead = %v, want EINVALID", err)
	}
	if st, err := w.eng.WidgetChooseInstitution(w.ctx, fixed.Session, "044", engine.AuthMobileBanking); err != nil || st.AuthMethod != engine.AuthMobileBanking {
		t.Fatalf("switching the method at a bank chosen ahead = %+v, %v", st, err)
	}
}

// A login with both fields empty names both, as the page's error summary does:
// the API's answer and the app's error event named the password alone (a
// front-end developer's trial). One field empty names that one; a
// re-authorisation that knows its user asks only for the password.
func TestWidgetLoginNamesTheEmptyFields(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "044"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ username, password, field, want string }{
		{"", "", "password", "username and password are required"},
		{" ", "", "password", "username and password are required"},
		{adam.Username, "", "password", "password is required"},
		{"", adam.Password, "username", "username is required"},
	} {
		_, err := w.eng.WidgetLogin(w.ctx, st.Session, tc.username, tc.password)
		if e, ok := engine.AsError(err); !ok || e.Code != engine.EINVALID || e.Field != tc.field || e.Message != tc.want {
			t.Errorf("login %q / %q = %v; want %s on %s", tc.username, tc.password, err, tc.want, tc.field)
		}
	}

	a := w.connect(adam)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	re := w.openReauth(a.ID)
	if re.Status != engine.WidgetLogin || re.Username != adam.Username {
		t.Fatalf("the re-authorisation = %+v; want its login, knowing the user", re)
	}
	if _, err := w.eng.WidgetLogin(w.ctx, re.Session, "", ""); engine.ErrorMessage(err) != "password is required" {
		t.Errorf("a re-authorisation's login left empty = %v; want the password alone asked for", err)
	}
}

// A customer with a savings and a current account at one bank: the sign-in sees
// both, the widget asks which to link, and the code connects that one.
func TestWidgetChoosesOneOfSeveralAccounts(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "058", AccountType: engine.AccountSavings,
		Balance: 100_000, MFA: engine.MFAOTP})
	c, err := w.bank.OpenAccount(c.ID, simulator.NewAccount{Institution: "058", AccountType: engine.AccountCurrent, Balance: 250_000})
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "058"})
	if err != nil {
		t.Fatal(err)
	}
	st, _ = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	if _, err := w.eng.WidgetChooseAccount(w.ctx, st.Session, c.Accounts[1].Number); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("choosing an account before the challenge = %v, want ECONFLICT", err)
	}
	ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans)
	if err != nil || st.Status != engine.WidgetAccount || len(st.Accounts) != 2 || st.Code != "" ||
		st.Accounts[0].Number != c.Accounts[0].Number || st.Accounts[1].Number != c.Accounts[1].Number {
		t.Fatalf("after the OTP = %+v, %v; want a choice of the two GTBank accounts", st, err)
	}
	if _, err := w.eng.WidgetChooseAccount(w.ctx, st.Session, "0000000000"); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("an account not offered = %v, want EINVALID", err)
	}
	if _, err := w.eng.WidgetChooseAccount(w.ctx, st.Session, " "); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("no account = %v, want EINVALID", err)
	}
	st, err = w.eng.WidgetChooseAccount(w.ctx, st.Session, c.Accounts[1].Number)
	if err != nil || st.Status != engine.WidgetSuccess || st.Code == "" || st.Accounts != nil || st.Account.Number != c.Accounts[1].Number {
		t.Fatalf("choosing the current account = %+v, %v", st, err)
	}
	a, err := w.eng.ExchangeCode(w.ctx, st.Code)
	if err != nil || a.Number != c.Accounts[1].Number || a.Type != engine.AccountCurrent || a.Balance != 250_000 {
		t.Fatalf("the account connected = %+v, %v; want the current account with NGN 2,500", a, err)
	}
	if _, err := w.eng.WidgetChooseAccount(w.ctx, st.Session, c.Accounts[0].Number); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("choosing again after success = %v, want ECONFLICT", err)
	}
}

// An OTP or a token code that cannot be one — letters, none at all, another
// length — is refused in words and counts no attempt: five of them, and the right
// code still connects (three locked the session); a well-formed wrong code still
// counts.
func TestWidgetRefusesAnAnswerThatIsNotACode(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for i, kind := range []engine.MFAKind{engine.MFAOTP, engine.MFAToken} {
		t.Run(string(kind), func(t *testing.T) {
			c := w.customer(simulator.NewCustomer{Name: []string{"Bola Ade", "Ngozi Okafor"}[i], Institution: "058", MFA: kind})
			st, _ := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "058"})
			st, err := w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
			if err != nil || st.Status != engine.WidgetChallenge || st.Challenge.Digits != 6 {
				t.Fatalf("login = %+v, %v; want a challenge of 6 digits", st, err)
			}
			for _, a := range []string{"wrong", "wrong", "abcdef", "12345", "1234567"} {
				got, err := w.eng.WidgetAnswer(w.ctx, st.Session, a)
				if e, ok := engine.AsError(err); !ok || e.Code != engine.EINVALID || e.Field != "answer" ||
					!strings.HasPrefix(e.Message, "enter the 6-digit code") || !strings.HasSuffix(e.Message, "this did not use up an attempt") {
					t.Fatalf("answering %q = %v; want it refused: enter the 6-digit code", a, err)
				}
				if got.Status != engine.WidgetChallenge || got.AttemptsLeft != engine.MaxWidgetAttempts {
					t.Fatalf("after %q = %+v; want the challenge still, every attempt left", a, got)
				}
			}
			if _, err := w.eng.WidgetAnswer(w.ctx, st.Session, "  "); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("no answer = %v, want EINVALID", err)
			}
			ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
			if err != nil {
				t.Fatal(err)
			}
			wrong := "000000"
			if ans == wrong {
				wrong = "111111"
			}
			if st, err = w.eng.WidgetAnswer(w.ctx, st.Session, wrong); engine.ErrorCode(err) != engine.EUNAUTHORIZED || st.AttemptsLeft != engine.MaxWidgetAttempts-1 {
				t.Fatalf("a wrong code = %+v, %v; want it counted", st, err)
			}
			if st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans); err != nil || st.Status != engine.WidgetSuccess {
				t.Fatalf("the right code after them = %+v, %v; want success", st, err)
			}
		})
	}
}

// Three wrong answers lock the session, which says so and until when; a session
// left past its time says it expired, counted from its first step if nobody had
// taken one yet; a challenge that expired at the bank sends
// the user back to the login.
func TestWidgetLockedAndExpired(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "057", MFA: engine.MFASecurityQuestion})
	st, _ := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "057"})
	st, _ = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	for range 3 {
		_, _ = w.eng.WidgetAnswer(w.ctx, st.Session, "definitely wrong")
	}
	st, err := w.eng.Widget(st.Session)
	if err != nil || st.Status != engine.WidgetLocked || st.Open() || !st.LockedUntil.Equal(w.clock.Now().Add(simulator.LockDuration)) ||
		st.Challenge != nil || st.AttemptsLeft != 0 {
		t.Fatalf("after three wrong answers = %+v, %v; want locked for %s", st, err, simulator.LockDuration)
	}
	_, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	if e, ok := engine.AsError(err); !ok || e.Code != engine.ELOCKED || e.RetryAfter != simulator.LockDuration {
		t.Fatalf("a login on the locked session = %v, want ELOCKED for %s", err, simulator.LockDuration)
	}

	// A session nobody has taken a step in yet (the SDKs open theirs at setup())
	// has its 30 minutes again, from its first step, however long it waited.
	st, _ = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	w.advance(24 * time.Hour)
	if st, err = w.eng.Widget(st.Session); err != nil || st.Status != engine.WidgetInstitution || !st.ExpiresAt.Equal(w.clock.Now().Add(engine.WidgetSessionTTL)) {
		t.Fatalf("a session nobody used, a day on = %+v, %v; want at the list of banks for another %s", st, err, engine.WidgetSessionTTL)
	}
	w.advance(engine.WidgetSessionTTL)
	if st, err = w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", ""); err != nil || st.Status != engine.WidgetLogin {
		t.Fatalf("the first step of a session nobody used, %s after it was read = %+v, %v; want the login", engine.WidgetSessionTTL, st, err)
	}
	// From its first step its time runs out.
	w.advance(engine.WidgetSessionTTL)
	if st, err = w.eng.Widget(st.Session); err != nil || st.Status != engine.WidgetExpired || st.Open() {
		t.Fatalf("a session %s after its first step = %+v, %v; want expired", engine.WidgetSessionTTL, st, err)
	}
	if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", ""); engine.ErrorCode(err) != engine.EEXPIRED {
		t.Fatalf("a step on an expired session = %v, want EEXPIRED", err)
	}

	w.advance(simulator.LockDuration)
	st, _ = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "057"})
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password); err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("login after the lock = %+v, %v", st, err)
	}
	w.advance(simulator.ChallengeTTL)
	_, err = w.eng.WidgetAnswer(w.ctx, st.Session, c.SecurityAnswer)
	if st, _ = w.eng.Widget(st.Session); engine.ErrorCode(err) != engine.EEXPIRED || st.Status != engine.WidgetLogin || st.Challenge != nil {
		t.Fatalf("answering an expired challenge = %v, then %+v; want EEXPIRED and the login again", err, st)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password); err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("signing in again = %+v, %v", st, err)
	}
}

// Wrong passwords count against the login tried — a username at a bank — as the
// bank counts them: after one at one bank, another bank's login starts with every
// attempt, and two wrong there leave one, not a locked session that refuses the
// right password.
func TestWidgetCountsWrongAttemptsPerLogin(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.customer(simulator.NewCustomer{Name: "Kunle Fashola", Institution: "232", Balance: 100_000})
	b := w.customer(simulator.NewCustomer{Name: "Fatima Danjuma", Institution: "070", Balance: 100_000})
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if err == nil {
		st, err = w.eng.WidgetChooseInstitution(w.ctx, st.Session, "232", "")
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.WidgetLogin(w.ctx, st.Session, a.Username, "wrong"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("a wrong password = %v", err)
	}
	if _, err := w.eng.WidgetBack(w.ctx, st.Session); err != nil {
		t.Fatal(err)
	}
	if st, err = w.eng.WidgetChooseInstitution(w.ctx, st.Session, "070", ""); err != nil || st.AttemptsLeft != engine.MaxWidgetAttempts {
		t.Fatalf("another bank's login = %+v, %v; want every attempt left", st, err)
	}
	for want := engine.MaxWidgetAttempts - 1; want >= 1; want-- {
		_, err := w.eng.WidgetLogin(w.ctx, st.Session, b.Username, "wrong")
		if e, ok := engine.AsError(err); !ok || e.Code != engine.EUNAUTHORIZED || e.AttemptsLeft != want {
			t.Fatalf("a wrong password there = %v; want %d attempts left", err, want)
		}
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, b.Username, b.Password); err != nil || st.Status != engine.WidgetSuccess {
		t.Fatalf("the right password = %+v, %v; want linked", st, err)
	}
}

// tokenAccountNeedingItsUser is a world with an account whose bank asks for a
// hardware token, an hour after connecting: its bank session over, its sync has
// just failed for want of the user.
func tokenAccountNeedingItsUser(t *testing.T) (*world, simulator.Customer, engine.Account) {
	t.Helper()
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Ada Eze", Institution: "058", Balance: 5_000_000, MFA: engine.MFAToken})
	a := w.connect(c)
	w.advance(time.Hour)
	if res := w.sync(a.ID); res.Code != engine.CodeReauthRequired {
		t.Fatalf("sync = %+v", res)
	}
	return w, c, a
}

// connect.js 2.x re-authorises by account ID; code written for the older SDK
// passes a reauth token in the same place, and it is spent as one.
func TestWidgetReauthorisesByAccount(t *testing.T) {
	w, c, a := tokenAccountNeedingItsUser(t)
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: a.ID, Reference: "r"})
	if err != nil || !st.Reauth || st.Status != engine.WidgetChallenge || st.Challenge.Kind != engine.MFAToken ||
		st.Account == nil || st.Account.Number != a.Number || !st.InstitutionFixed || st.Reference != "r" ||
		!st.ExpiresAt.Equal(w.clock.Now().Add(engine.WidgetSessionTTL)) {
		t.Fatalf("reauthorise(accountId) = %+v, %v; want the token challenge for %s", st, err, a.Number)
	}
	if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, "058", ""); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("choosing a bank while re-authorising = %v, want ECONFLICT", err)
	}

	if err := w.bank.ChangePassword(c.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	tok, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: tok.Token})
	if err != nil || !st.Reauth || st.Status != engine.WidgetLogin || !st.PasswordRejected || !st.ExpiresAt.Equal(w.clock.Now().Add(engine.WidgetSessionTTL)) {
		t.Fatalf("reauthorise(token) = %+v, %v; want the login, the saved password refused", st, err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: tok.Token}); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("the token again = %v, want ECONFLICT (used)", err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: "0123456789abcdef01234567"}); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("an unknown account = %v, want ENOTFOUND", err)
	}
}

// The account keeps the way the user signed in, as chosen in the widget (or by a
// link's institution.auth_method), whatever the bank's customer usually uses:
// a v2 link for mobile banking connected an internet_banking account.
func TestWidgetKeepsTheChosenAuthMethod(t *testing.T) {
	w := newWorld(t, worldOpts{})
	// a customer who usually signs in with the bank's app
	c := w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "058", Balance: 100_000, AuthMethod: engine.AuthMobileBanking})
	for _, method := range append([]string{""}, engine.AuthMethods...) {
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "058", AuthMethod: method})
		if err != nil {
			t.Fatal(err)
		}
		if st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password); err != nil || st.Code == "" {
			t.Fatalf("login = %+v, %v", st, err)
		}
		a, err := w.eng.ExchangeCode(w.ctx, st.Code)
		if err != nil {
			t.Fatal(err)
		}
		// none chosen is internet banking, as the widget's faces show it
		if want := cmp.Or(method, engine.AuthInternetBanking); a.AuthMethod != want {
			t.Errorf("signed in with %q, the account says %s; want %s", method, a.AuthMethod, want)
		}
	}
}

// connect.js 2.x names the business's customer in data.customer: the account
// connected through the widget belongs to it — the same customer an initiate link
// with that email names — with the widget's reference as its ref; without one,
// the bank's customer, as before.
func TestWidgetConnectsForTheBusinessCustomer(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Chidi Eze", Institution: "035", Balance: 100_000})
	link, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkAuth, RedirectURL: "https://app.example/linked",
		Customer: engine.LinkCustomer{Name: "Chidi Eze", Email: "chidi@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "035", Reference: "order-42",
		Customer: engine.LinkCustomer{Name: "Chidi Eze", Email: "Chidi@example.com "}})
	if err == nil {
		st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	}
	if err != nil || st.Code == "" {
		t.Fatalf("connect = %+v, %v", st, err)
	}
	a, err := w.eng.ExchangeCode(w.ctx, st.Code)
	if err != nil {
		t.Fatal(err)
	}
	if a.Customer != link.Customer.ID || a.Ref != "order-42" {
		t.Fatalf("the account's customer %q and ref %q; want the link's customer %q and the widget's reference", a.Customer, a.Ref, link.Customer.ID)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Customer: engine.LinkCustomer{Email: "not an address"}}); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("a widget for a customer whose email is no address = %v, want EINVALID", err)
	}
}

// A re-authorisation whose account is unlinked while its user answers the
// challenge: it stayed at "challenge" with no challenge, and the next answer
// panicked; then it went back to its login, asking for a password it could not
// use; now it ends, unlinked (TestAReauthEndsWhenItsAccountIsUnlinked).
func TestWidgetAfterAFailedEndGoesBackToLogin(t *testing.T) {
	w, _, a := tokenAccountNeedingItsUser(t)
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: a.ID})
	if err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("reauthorise = %+v, %v", st, err)
	}
	ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.eng.Unlink(w.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.WidgetAnswer(w.ctx, st.Session, ans); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("answering for an unlinked account = %v, want ENOTFOUND", err)
	}
	got, err := w.eng.Widget(st.Session)
	if err != nil || got.Status != engine.WidgetExpired || got.UnlinkedAt.IsZero() || got.Challenge != nil {
		t.Fatalf("after the failed end: %+v, %v; want it ended, unlinked, no challenge", got, err)
	}
	if _, err := w.eng.WidgetAnswer(w.ctx, st.Session, ans); err == nil {
		t.Fatal("an answer with no challenge waiting was taken")
	}
}

// At a bank that asks no question a re-authorisation asks for the password, and
// the attempts it offers are the bank's whole count: its saved sign-in started the
// bank's count again. It said "2 attempts left … the failed sync's sign-in too"
// after a wrong password in an earlier session, though nothing was left wrong
// (the review).
func TestReauthAtABankThatAsksNothingAsksThePassword(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: a.ID})
	if err != nil || st.Status != engine.WidgetLogin || st.PasswordRejected || st.AttemptsLeft != engine.MaxWidgetAttempts {
		t.Fatalf("re-authorising a no-MFA account = %+v, %v; want its password asked, every attempt left", st, err)
	}
	if _, err := w.eng.WidgetLogin(w.ctx, st.Session, "", "wrong-password"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("a wrong password = %v", err)
	}
	st, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: a.ID})
	if err != nil || st.Status != engine.WidgetLogin || st.AttemptsLeft != engine.MaxWidgetAttempts {
		t.Fatalf("the next re-authorisation = %+v, %v; want every attempt left", st, err)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, "", adam.Password); err != nil || st.Status != engine.WidgetSuccess {
		t.Fatalf("the right password = %+v, %v; want re-authorised", st, err)
	}
}

// A link's session, locked, says to make a new link: the link has ended by the
// time the bank's lock has (the review: "open its link again" could not work).
func TestALockedLinkSaysToMakeANewOne(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkAuth,
		Customer: engine.LinkCustomer{Name: "Adam", Email: "adam@example.com"}, RedirectURL: "https://example.com/x"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID, Institution: "044"})
	if err != nil {
		t.Fatal(err)
	}
	for range engine.MaxWidgetAttempts + 1 { // the last, a step on the locked session
		_, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, "wrong-password")
	}
	if want := "too many wrong answers: this widget session is locked; once the bank lets the user sign in again, in 30m, the app makes a new link (POST /v2/accounts/initiate)"; engine.ErrorMessage(err) != want {
		t.Fatalf("a step on the locked link's session = %v; want %q", err, want)
	}
}

// Wrong passwords for one user count nothing against another who then signs in:
// the OTP of the second said "2 attempts left" before any wrong answer (a
// presenter's trial), though the bank counts by username.
func TestAttemptsLeftAreTheUsersWhoSignedIn(t *testing.T) {
	w := newWorld(t, worldOpts{})
	other := w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "058", Balance: 100_000})
	otp := w.customer(simulator.NewCustomer{Name: "Ada Eze", Institution: "058", Balance: 100_000, MFA: engine.MFAOTP})
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "058"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.WidgetLogin(w.ctx, st.Session, other.Username, "wrong-password"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("a wrong password = %v", err)
	}
	st, err = w.eng.WidgetLogin(w.ctx, st.Session, otp.Username, otp.Password)
	if err != nil || st.Status != engine.WidgetChallenge || st.AttemptsLeft != engine.MaxWidgetAttempts {
		t.Fatalf("the OTP user signed in = %+v, %v; want at the challenge, every attempt left", st, err)
	}
}

// A re-authorisation opened with a reauth token that expires says how to open
// another: the token is spent, and "open a new one" with it was refused (a
// newcomer's trial).
func TestAnExpiredReauthSaysToRequestAToken(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	st := w.openReauth(a.ID)
	w.advance(st.ExpiresAt.Sub(w.clock.Now()) + time.Second)
	_, err := w.eng.WidgetLogin(w.ctx, st.Session, "", adam.Password)
	if want := "open a new one with a new reauth token (POST /accounts/" + a.ID + "/reauthorise; a token opens one session)"; engine.ErrorCode(err) != engine.EEXPIRED || !strings.Contains(engine.ErrorMessage(err), want) {
		t.Fatalf("a step after the session expired = %v; want it to say %q", err, want)
	}
	// One opened by the account's ID (connect.js 2.x's reauthorise) opens again so.
	st, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	w.advance(st.ExpiresAt.Sub(w.clock.Now()) + time.Second)
	if _, err = w.eng.WidgetLogin(w.ctx, st.Session, "", adam.Password); engine.ErrorCode(err) != engine.EEXPIRED || strings.Contains(engine.ErrorMessage(err), "token") {
		t.Fatalf("a step after a session opened by the account's ID expired = %v; want no word of a token", err)
	}
	// Locked by wrong answers, a token's session says so too (the review).
	st = w.openReauth(a.ID)
	for range engine.MaxWidgetAttempts + 1 { // the last, a step on the locked session
		_, err = w.eng.WidgetLogin(w.ctx, st.Session, "", "wrong-password")
	}
	if want := "too many wrong answers: this widget session is locked; once the bank lets the user sign in again, in 30m, open a new one with a new reauth token (POST /accounts/" + a.ID + "/reauthorise; a token opens one session)"; engine.ErrorCode(err) != engine.ELOCKED || engine.ErrorMessage(err) != want {
		t.Fatalf("a step on the locked session = %v; want %q", err, want)
	}
}

// Widget sessions are kept in memory until they expire, and the public key, which
// any page has, opens one: past the bound a new one is refused with 429, saying
// what frees one; the clock moving on does (a security review: 20,000 took 70 MB,
// and on a paused clock none ever went).
func TestWidgetSessionsAreBounded(t *testing.T) {
	w := newWorld(t, worldOpts{})
	engine.SetMaxWidgetSessions(t, 100)
	for i := range 100 {
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
		if err != nil {
			t.Fatalf("session %d: %v", i+1, err)
		}
		if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", ""); err != nil { // in use: kept
			t.Fatal(err)
		}
	}
	_, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if e, ok := engine.AsError(err); !ok || e.Code != engine.ERATELIMITED || e.Reason != "TOO_MANY_SESSIONS" || !strings.Contains(e.Message, "move the clock on") {
		t.Fatalf("the 101st session: %v; want 429 TOO_MANY_SESSIONS saying what frees one", err)
	}
	w.advance(engine.WidgetSessionTTL)
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{}); err != nil {
		t.Fatalf("a session once the others expired: %v", err)
	}
}

// At the bound, the sessions nobody has taken a step in make way for a new one,
// the oldest first: the public key, which any page has, opened 10,000 with a GET
// each and every user's was refused until their 30 minutes passed (a security
// review). One in use stays.
func TestUntouchedSessionsMakeWayAtTheBound(t *testing.T) {
	w := newWorld(t, worldOpts{})
	engine.SetMaxWidgetSessions(t, 100)
	used, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.WidgetChooseInstitution(w.ctx, used.Session, "044", ""); err != nil {
		t.Fatal(err)
	}
	var opened []string
	for i := range 99 {
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
		if err != nil {
			t.Fatalf("session %d: %v", i+2, err)
		}
		opened = append(opened, st.Session)
		w.advance(time.Second) // each older than the next
	}
	for i := range 200 {
		if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{}); err != nil {
			t.Fatalf("session %d past the bound, with untouched ones to make way: %v", i+1, err)
		}
	}
	if !w.eng.WidgetKept(used.Session) {
		t.Error("a session in use made way")
	}
	if w.eng.WidgetKept(opened[0]) {
		t.Error("the oldest untouched session stayed")
	}
	if st, err := w.eng.WidgetChooseInstitution(w.ctx, used.Session, "044", ""); err != nil || st.Status != engine.WidgetLogin {
		t.Errorf("the session in use, after: %+v, %v", st, err)
	}
}

// A session that has ended (the account linked) makes way at the bound too: a
// test suite on a paused clock that connected 10,000 accounts found every later
// session refused (a security review). One a user is walking stays.
func TestEndedSessionsMakeWayAtTheBound(t *testing.T) {
	w := newWorld(t, worldOpts{})
	engine.SetMaxWidgetSessions(t, 20)
	w.connect(w.adam()) // its session ended: linked
	var walking []string
	for range 19 {
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", ""); err != nil {
			t.Fatal(err)
		}
		walking = append(walking, st.Session)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{}); err != nil {
		t.Fatalf("a session at the bound with an ended one to make way: %v", err)
	}
	for _, id := range walking {
		if !w.eng.WidgetKept(id) {
			t.Fatal("a session a user is walking made way")
		}
	}
}

// A re-authorisation waiting out the bank's lock reads "locked" but goes on to
// the password when the lock ends: it is not ended, and keeps its place (a review).
func TestALockedReauthWaitingForTheBankStaysAtTheBound(t *testing.T) {
	w := newWorld(t, worldOpts{})
	bc := w.customer(simulator.NewCustomer{Institution: "058"})
	b := w.connect(bc)
	for range 3 {
		_, _ = w.bank.Login(w.ctx, b.Institution.Code, bc.Username, "wrong-password")
	}
	engine.SetMaxWidgetSessions(t, 3)
	locked, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: b.ID})
	if err != nil || locked.Status != engine.WidgetLocked || !locked.ResumesAtUnlock {
		t.Fatalf("a re-authorisation opened on the bank's lock: %+v, %v", locked, err)
	}
	for range 2 { // two in use beside it: the bound reached
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{}); engine.ErrorCode(err) != engine.ERATELIMITED {
		t.Fatalf("past the bound with every session in use: %v; want TOO_MANY_SESSIONS", err)
	}
	if !w.eng.WidgetKept(locked.Session) {
		t.Fatal("a re-authorisation waiting out the bank's lock made way")
	}
}

// A session nobody has used yet keeps its place when the expired ones are
// forgotten, so that idle can give it its time again: a test suite that loaded
// its page 65 times in a day lost the first page's session (the review). At the
// bound, such sessions go too.
func TestIdleSessionsOutliveTheSweep(t *testing.T) {
	w := newWorld(t, worldOpts{})
	first, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if err != nil {
		t.Fatal(err)
	}
	stepped, _ := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if _, err := w.eng.WidgetChooseInstitution(w.ctx, stepped.Session, "044", ""); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Hour)
	for range 70 { // past the 64 at which the expired are first forgotten
		if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := w.eng.WidgetChooseInstitution(w.ctx, first.Session, "044", ""); err != nil || st.Status != engine.WidgetLogin {
		t.Fatalf("the first step of a session nobody used, after the sweep = %+v, %v; want the login", st, err)
	}
	if w.eng.WidgetKept(stepped.Session) {
		t.Error("a session past its time after a step was kept by the sweep")
	}
}

// Sessions opened at once do not go past the bound: the check and the insertion
// are apart (the store makes the session's ID between them), and each held no
// place while its ID was made (the review).
func TestConcurrentSessionsKeepTheBound(t *testing.T) {
	w := newWorld(t, worldOpts{})
	engine.SetMaxWidgetSessions(t, 50)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var opened []string
	for range 80 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{}); err == nil {
				mu.Lock()
				opened = append(opened, st.Session)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// Untouched ones make way for newer ones (TestUntouchedSessionsMakeWayAtTheBound):
	// what is kept stays within the bound.
	kept := 0
	for _, id := range opened {
		if w.eng.WidgetKept(id) {
			kept++
		}
	}
	if len(opened) < 50 || kept > 50 {
		t.Fatalf("80 sessions opened at once under a bound of 50: %d opened, %d kept", len(opened), kept)
	}
}

// A reauth token opens a session within its 10 minutes, and the session it opens
// has a session's own 30 minutes: it had what was left of the token's, and one
// opened in the token's tenth minute expired a second later, before the user had
// read the OTP (a backend engineer's trial).
func TestReauthTokenSpentLateStillGivesTheUserTime(t *testing.T) {
	w, _, a := tokenAccountNeedingItsUser(t)
	tok, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(engine.ReauthTokenTTL - time.Second)
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
	if err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("the token in its last second = %+v, %v; want the challenge", st, err)
	}
	if want := w.clock.Now().Add(engine.WidgetSessionTTL); !st.ExpiresAt.Equal(want) {
		t.Fatalf("the session opened in the token's last second ends at %s; want %s, a session's 30 minutes", st.ExpiresAt, want)
	}
	w.clock.Advance(2 * time.Minute)
	if st, err = w.eng.Widget(st.Session); err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("2 minutes later, past the token's end: %+v, %v; want the challenge still open", st, err)
	}
}

// A reauth token of an account since unlinked says so, whether it was used,
// expired or neither: a used one said to request a new one from a route that
// then answered 404 (a backend engineer's trial).
func TestReauthTokenOfAnUnlinkedAccountSaysSo(t *testing.T) {
	w, _, a := tokenAccountNeedingItsUser(t)
	used, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: used.Token}); err != nil {
		t.Fatal(err)
	}
	fresh, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.eng.Unlink(w.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{used.Token, fresh.Token} {
		_, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok})
		if engine.ErrorCode(err) != engine.ENOTFOUND || !strings.Contains(engine.ErrorMessage(err), "was unlinked") || strings.Contains(engine.ErrorMessage(err), "/reauthorise") {
			t.Fatalf("a token of the unlinked account: %v; want ENOTFOUND saying it was unlinked, not to ask for a new token", err)
		}
	}
}

// A re-authorisation signs in at the account's own bank, the way it was
// connected: an institution or auth_method that is not the account's, or none
// at all, is refused before a reauth token is spent — "institution": "garbage"
// opened a session at Access Bank and spent the token (a bad-input trial).
func TestAReauthOfAnotherBankIsRefused(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	other := "058"
	if a.Institution.Code == other {
		other = "044"
	}
	tok, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		req         engine.WidgetRequest
		field, says string
	}{
		{engine.WidgetRequest{Institution: "garbage"}, "institution", `no bank has the code or name "garbage"`},
		{engine.WidgetRequest{Institution: other}, "institution", "account " + a.ID + " is at " + a.Institution.Name + " (" + a.Institution.Code + "), not "},
		{engine.WidgetRequest{AuthMethod: "telepathy"}, "auth_method", `unknown auth method "telepathy"`},
		{engine.WidgetRequest{AuthMethod: engine.AuthMobileBanking}, "auth_method", "account " + a.ID + " signs in with internet_banking, as it was connected"},
	} {
		for _, by := range []string{"token", "account"} {
			req := c.req
			if by == "token" {
				req.ReauthToken = tok.Token
			} else {
				req.Account = a.ID
			}
			_, err := w.eng.OpenWidget(w.ctx, req)
			e, ok := engine.AsError(err)
			if !ok || e.Field != c.field || !strings.Contains(e.Message, c.says) || (by == "token") != strings.HasSuffix(e.Message, "; the token was not spent") {
				t.Errorf("by %s, %+v: %v; want field %s saying %q", by, c.req, err, c.field, c.says)
			}
		}
	}
	// The token is whole, and the account's own bank and way in are taken.
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token, Institution: a.Institution.Code, AuthMethod: engine.AuthInternetBanking}); err != nil {
		t.Fatalf("the token, after the refusals, with the account's own bank: %v", err)
	}
	// A re-authorisation link too (a review).
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkReauth, Account: a.ID, RedirectURL: "https://app.example.com/back"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID, Institution: other}); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("a reauth link opened for another bank: %v; want it refused", err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: l.ID}); err != nil {
		t.Fatalf("the reauth link, after the refusal: %v", err)
	}
}

// A re-authorisation whose account is unlinked while it is open ends, saying
// why: it read "login, 3 attempts left" until its time ran out, each password
// answered "no connected account" (a bad-input trial).
func TestAReauthEndsWhenItsAccountIsUnlinked(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	st := w.openReauth(a.ID)
	if st.Status != engine.WidgetLogin && st.Status != engine.WidgetChallenge {
		t.Fatalf("the re-authorisation opened at %s", st.Status)
	}
	w.advance(time.Minute)
	if err := w.eng.Unlink(w.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got, err := w.eng.Widget(st.Session)
	if err != nil || got.Status != engine.WidgetExpired || !got.UnlinkedAt.Equal(w.clock.Now()) {
		t.Fatalf("after the unlink the session is %s (unlinked at %s), %v; want expired, unlinked now", got.Status, got.UnlinkedAt, err)
	}
	_, err = w.eng.WidgetLogin(w.ctx, st.Session, "", adam.Password)
	if want := "account " + a.ID + " was unlinked at "; engine.ErrorCode(err) != engine.ENOTFOUND || !strings.Contains(engine.ErrorMessage(err), want) {
		t.Fatalf("a password on it = %v; want it to say %q", err, want)
	}
	// One that waits out the bank's lock, to ask for the password then, ends too
	// (a review: it read "locked" until the lock ended).
	bc := w.customer(simulator.NewCustomer{Institution: "058"})
	b := w.connect(bc)
	for range 3 {
		_, _ = w.bank.Login(w.ctx, b.Institution.Code, bc.Username, "wrong-password")
	}
	locked, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: b.ID})
	if err != nil || locked.Status != engine.WidgetLocked || !locked.ResumesAtUnlock {
		t.Fatalf("a re-authorisation opened on the bank's lock: %+v, %v", locked, err)
	}
	if err := w.eng.Unlink(w.ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := w.eng.Widget(locked.Session); err != nil || got.Status != engine.WidgetExpired || got.UnlinkedAt.IsZero() || got.ResumesAtUnlock {
		t.Fatalf("after the unlink the locked session is %+v, %v; want expired, unlinked", got, err)
	}
	// A connect session is none of this.
	open, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := w.eng.Widget(open.Session); got.Status != engine.WidgetInstitution {
		t.Fatalf("a connect session after an unlink: %s", got.Status)
	}
}

// Back at the bank the wrong passwords were typed at, after another, the session
// shows that bank's count again: it showed the other bank's 3, and the next wrong
// password locked it (a widget review).
func TestAttemptsLeftComeBackWithTheirBank(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.customer(simulator.NewCustomer{Name: "Kunle Fashola", Institution: "232", Balance: 100_000})
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if err == nil {
		st, err = w.eng.WidgetChooseInstitution(w.ctx, st.Session, "232", "")
	}
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := w.eng.WidgetLogin(w.ctx, st.Session, a.Username, "wrong-one"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
			t.Fatalf("a wrong password = %v", err)
		}
	}
	for _, bank := range []string{"070", "232"} {
		if _, err := w.eng.WidgetBack(w.ctx, st.Session); err != nil {
			t.Fatal(err)
		}
		if st, err = w.eng.WidgetChooseInstitution(w.ctx, st.Session, bank, ""); err != nil {
			t.Fatal(err)
		}
	}
	if st.AttemptsLeft != 1 {
		t.Fatalf("back at 232 after two wrong passwords there: %d attempts left; want 1", st.AttemptsLeft)
	}
}

// A step sent with its field empty to a session that has ended answers the end, as
// the step with the field filled does: 400 came first, so an empty password on a
// succeeded session was "password is required" (a widget review).
func TestAnEmptyStepOnAnEndedSessionAnswersItsEnd(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "058", Balance: 100_000})
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "058"})
	if err != nil {
		t.Fatal(err)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password); err != nil || st.Status != engine.WidgetSuccess {
		t.Fatal(st, err)
	}
	reason := func(err error) string { e, _ := engine.AsError(err); return e.Reason }
	for what, err := range map[string]error{
		"an empty password": func() error { _, err := w.eng.WidgetLogin(w.ctx, st.Session, c.Username, ""); return err }(),
		"an empty answer":   func() error { _, err := w.eng.WidgetAnswer(w.ctx, st.Session, " "); return err }(),
		"an empty account":  func() error { _, err := w.eng.WidgetChooseAccount(w.ctx, st.Session, ""); return err }(),
	} {
		if reason(err) != "SESSION_DONE" {
			t.Errorf("%s on a succeeded session: %v; want SESSION_DONE", what, err)
		}
	}
	open, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "058"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.WidgetLogin(w.ctx, open.Session, "", ""); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("an empty login on an open session: %v; want it refused as empty", err)
	}
	w.advance(31 * time.Minute)
	if _, err := w.eng.WidgetLogin(w.ctx, open.Session, "", ""); reason(err) != "SESSION_EXPIRED" {
		t.Errorf("an empty login on an expired session: %v; want SESSION_EXPIRED", err)
	}
}
