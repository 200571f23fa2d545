package simulator

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"sandbank/engine"
)

// answerAsTester answers a challenge the way the README tells a tester to.
func answerAsTester(t testing.TB, b *Bank, c Customer, ch *engine.Challenge) string {
	t.Helper()
	switch ch.Kind {
	case engine.MFAOTP, engine.MFAToken:
		kind := MessageOTP
		if ch.Kind == engine.MFAToken {
			kind = MessageToken
		}
		inbox, err := b.Inbox(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range inbox { // newest first
			if m.Kind == kind {
				return m.Code
			}
		}
		t.Fatalf("no %s in the inbox of %s", kind, c.ID)
	case engine.MFASecurityQuestion:
		if ch.Prompt != c.SecurityQuestion {
			t.Fatalf("prompt %q, question %q", ch.Prompt, c.SecurityQuestion)
		}
		return c.SecurityAnswer
	case engine.MFACaptcha:
		text, ok := strings.CutPrefix(ch.Prompt, "Type the characters: ")
		if !ok {
			t.Fatalf("captcha prompt %q", ch.Prompt)
		}
		return strings.ReplaceAll(text, " ", "")
	}
	t.Fatalf("challenge kind %q", ch.Kind)
	return ""
}

// signIn signs a customer in at their first bank, answering every challenge.
// wrongCode is a well-formed code that is not right: 000000, or 111111 when the
// right one is 000000 (a token's previous minute, accepted too, is one in a
// million to be either, and the tests' seeds are fixed).
func wrongCode(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

func signIn(t testing.TB, b *Bank, c Customer) engine.Secret {
	t.Helper()
	res, err := b.Login(context.Background(), c.Accounts[0].Institution.Code, c.Username, c.Password)
	for i := 0; err == nil && res.Challenge != nil; i++ {
		if i > 3 {
			t.Fatal("endless challenges")
		}
		res, err = b.Answer(context.Background(), res.Challenge.ID, answerAsTester(t, b, c, res.Challenge))
	}
	if err != nil {
		t.Fatalf("sign in %s: %v", c.Username, err)
	}
	return res.Session.Token
}

func TestEveryMFAKindIsAnswerable(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	custs := b.Customers()
	for i, kind := range engine.MFAKinds {
		c := custs[i] // the first five customers cover none, otp, security_question, token, captcha
		if c.MFA != kind {
			t.Fatalf("customer %d has %s, want %s", i, c.MFA, kind)
		}
		t.Run(string(kind), func(t *testing.T) {
			code := c.Accounts[0].Institution.Code
			res, err := b.Login(ctx, code, c.Username, c.Password)
			if err != nil {
				t.Fatal(err)
			}
			if kind == engine.MFANone {
				if res.Session == nil {
					t.Fatal("no session without MFA")
				}
			} else {
				if res.Challenge == nil || res.Challenge.Kind != kind || res.Challenge.Prompt == "" || res.Challenge.ID == "" {
					t.Fatalf("login result %+v", res)
				}
				ans := answerAsTester(t, b, c, res.Challenge)
				if kind == engine.MFASecurityQuestion {
					ans = "  " + strings.ToUpper(ans) + " " // case and spaces do not matter
				}
				if res, err = b.Answer(ctx, res.Challenge.ID, ans); err != nil || res.Session == nil {
					t.Fatalf("answer: %+v, %v", res, err)
				}
			}
			s := res.Session
			if s.CustomerID != c.ID || !s.ExpiresAt.Equal(clk.Now().Add(SessionTTL)) {
				t.Fatalf("session %+v", s)
			}
			accts, err := b.Accounts(ctx, s.Token)
			if err != nil || len(accts) != 1 || accts[0].Number != c.Accounts[0].Number || accts[0].Balance != c.Accounts[0].Balance {
				t.Fatalf("accounts %+v, %v", accts, err)
			}
			if bal, err := b.Balance(ctx, s.Token, accts[0].Number); err != nil || bal != accts[0].Balance {
				t.Fatalf("balance %d, %v", bal, err)
			}
			txs, err := b.Transactions(ctx, s.Token, accts[0].Number, clk.Now().AddDate(0, -1, 0), clk.Now())
			if err != nil || len(txs) == 0 {
				t.Fatalf("transactions: %d, %v", len(txs), err)
			}
			if id, err := b.Identity(ctx, s.Token); err != nil || id != c.Identity {
				t.Fatalf("identity %+v, %v", id, err)
			}
		})
	}
}

func TestWrongPasswordsLockTheLogin(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[0]
	code := c.Accounts[0].Institution.Code

	_, errUnknown := b.Login(ctx, code, "nobody.here", "Whatever@1")
	_, errWrong := b.Login(ctx, code, c.Username, c.Password+"x")
	wantCode(t, errUnknown, engine.EUNAUTHORIZED)
	wantCode(t, errWrong, engine.EUNAUTHORIZED)
	if errUnknown.Error() != errWrong.Error() {
		t.Fatalf("a wrong username (%v) and a wrong password (%v) look different", errUnknown, errWrong)
	}
	// The customer's password at a bank where they have no account is wrong too.
	other := "058"
	if code == other {
		other = "057"
	}
	_, err := b.Login(ctx, other, c.Username, c.Password)
	wantCode(t, err, engine.EUNAUTHORIZED)

	_, _ = b.Login(ctx, code, c.Username, "nope1234")
	_, err = b.Login(ctx, code, c.Username, "nope1234") // the third wrong one in a row
	wantCode(t, err, engine.ELOCKED)
	e, _ := engine.AsError(err)
	if e.RetryAfter != LockDuration {
		t.Fatalf("RetryAfter %v", e.RetryAfter)
	}
	_, err = b.Login(ctx, code, c.Username, c.Password) // even the right password waits
	wantCode(t, err, engine.ELOCKED)
	_ = clk.Advance(10 * time.Minute)
	_, err = b.Login(ctx, code, c.Username, c.Password)
	if e, _ := engine.AsError(err); e == nil || e.Code != engine.ELOCKED || e.RetryAfter != 20*time.Minute {
		t.Fatalf("after 10 minutes: %v", err)
	}
	_ = clk.Advance(20 * time.Minute)
	if res, err := b.Login(ctx, code, c.Username, c.Password); err != nil || res.Session == nil {
		t.Fatalf("after the lock: %+v, %v", res, err)
	}
	// Empty input is refused without counting.
	_, err = b.Login(ctx, code, "", "")
	wantCode(t, err, engine.EINVALID)
	_, err = b.Login(ctx, "999", c.Username, c.Password)
	wantCode(t, err, engine.ENOTFOUND)
}

func TestWrongAnswersLockTheLogin(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	for _, c := range b.Customers()[1:5] {
		t.Run(string(c.MFA), func(t *testing.T) {
			res, err := b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
			if err != nil || res.Challenge == nil {
				t.Fatalf("%+v, %v", res, err)
			}
			id := res.Challenge.ID
			_, err = b.Answer(ctx, id, "")
			wantCode(t, err, engine.EINVALID) // not counted
			// A wrong answer of the challenge's form: an OTP or a token takes
			// digits alone, and counts nothing else.
			wrong := "wrong 0"
			if res.Challenge.Digits > 0 {
				wrong = wrongCode(answerAsTester(t, b, c, res.Challenge))
			}
			for i := 1; i < MaxAttempts; i++ {
				_, err = b.Answer(ctx, id, wrong)
				wantCode(t, err, engine.EUNAUTHORIZED)
			}
			_, err = b.Answer(ctx, id, wrong)
			wantCode(t, err, engine.ELOCKED)
			// The challenge is gone, and so is the way in for a while.
			_, err = b.Answer(ctx, id, answerAsTester(t, b, c, res.Challenge))
			wantCode(t, err, engine.EEXPIRED)
			_, err = b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
			wantCode(t, err, engine.ELOCKED)
		})
	}
}

// An answer that cannot be the code an OTP or a token asks for — letters, another
// length — is refused as a bank's code field refuses it, and counts no attempt:
// five of them, and the right code still signs in (they locked the login at the
// third).
func TestAnAnswerThatIsNotACodeCountsNothing(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	for _, c := range b.Customers()[1:5] {
		if c.MFA != engine.MFAOTP && c.MFA != engine.MFAToken {
			continue
		}
		t.Run(string(c.MFA), func(t *testing.T) {
			code := c.Accounts[0].Institution.Code
			res, err := b.Login(ctx, code, c.Username, c.Password)
			if err != nil || res.Challenge == nil {
				t.Fatalf("%+v, %v", res, err)
			}
			if res.Challenge.Digits != CodeDigits || !strings.Contains(res.Challenge.Prompt, "6-digit") {
				t.Fatalf("the challenge: %+v; want Digits %d, as its prompt says", res.Challenge, CodeDigits)
			}
			id := res.Challenge.ID
			for _, a := range []string{"wrong", "abcdef", "12345", "1234567", "12345a", "１２３４５６", "123-456"} {
				_, err = b.Answer(ctx, id, a)
				wantCode(t, err, engine.EINVALID)
				if e, _ := engine.AsError(err); e.Field != "answer" || !strings.HasPrefix(e.Message, "enter the 6-digit code") {
					t.Errorf("%q: %v; want it said that the code is 6 digits, on the answer", a, err)
				}
			}
			if n := b.AttemptsLeft(code, c.Username); n != MaxAttempts {
				t.Fatalf("after answers that are no code: %d attempts left, want %d", n, MaxAttempts)
			}
			right := answerAsTester(t, b, c, res.Challenge)
			_, err = b.Answer(ctx, id, wrongCode(right)) // a well-formed wrong code still counts
			wantCode(t, err, engine.EUNAUTHORIZED)
			if n := b.AttemptsLeft(code, c.Username); n != MaxAttempts-1 {
				t.Fatalf("after a wrong code: %d attempts left, want %d", n, MaxAttempts-1)
			}
			spaced := right[:3] + " " + right[3:] // spaces are no part of it
			if res, err = b.Answer(ctx, id, spaced); err != nil || res.Session == nil {
				t.Fatalf("the right code, %q: %+v, %v", spaced, res, err)
			}
		})
	}
}

func TestPasswordChange(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[0] // MFA none
	code := c.Accounts[0].Institution.Code
	old := signIn(t, b, c)

	wantCode(t, b.ChangePassword(c.ID, "short"), engine.EINVALID)
	wantCode(t, b.ChangePassword(c.ID, c.Password), engine.EINVALID)
	wantCode(t, b.ChangePassword(c.ID, "has space1"), engine.EINVALID)
	wantCode(t, b.ChangePassword("nobody", "NewPass@123"), engine.ENOTFOUND)
	if err := b.ChangePassword(c.ID, "NewPass@123"); err != nil {
		t.Fatal(err)
	}
	// Open sessions end.
	_, err := b.Accounts(ctx, old)
	wantCode(t, err, engine.EEXPIRED)
	// The old password fails exactly like a wrong one.
	_, errOld := b.Login(ctx, code, c.Username, c.Password)
	_, errWrong := b.Login(ctx, code, c.Username, "Wrong@999")
	if errOld == nil || errOld.Error() != errWrong.Error() || engine.ErrorCode(errOld) != engine.EUNAUTHORIZED {
		t.Fatalf("old password: %v; wrong password: %v", errOld, errWrong)
	}
	// The new one asks for an OTP, though the customer has no MFA.
	c, _ = b.Customer(c.ID)
	if c.Password != "NewPass@123" || !c.NextLoginOTP {
		t.Fatalf("customer after the change: %+v", c)
	}
	res, err := b.Login(ctx, code, c.Username, c.Password)
	if err != nil || res.Challenge == nil || res.Challenge.Kind != engine.MFAOTP || !strings.Contains(res.Challenge.Prompt, c.Phone[len(c.Phone)-4:]) {
		t.Fatalf("login after the change: %+v, %v", res, err)
	}
	inbox, _ := b.Inbox(c.ID)
	if inbox[0].Kind != MessageOTP || len(inbox[0].Code) != 6 || !strings.Contains(inbox[0].Text, inbox[0].Code) {
		t.Fatalf("inbox %+v", inbox)
	}
	if res, err = b.Answer(ctx, res.Challenge.ID, inbox[0].Code); err != nil || res.Session == nil {
		t.Fatalf("OTP answer: %+v, %v", res, err)
	}
	// Only once.
	if res, err = b.Login(ctx, code, c.Username, c.Password); err != nil || res.Session == nil {
		t.Fatalf("second login: %+v, %v", res, err)
	}
}

// A password change for a customer with MFA: the OTP first, then their own challenge.
func TestPasswordChangeThenMFA(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[2] // security question
	if err := b.ChangePassword(c.ID, "Another@2026"); err != nil {
		t.Fatal(err)
	}
	c, _ = b.Customer(c.ID)
	res, err := b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
	if err != nil || res.Challenge.Kind != engine.MFAOTP {
		t.Fatalf("%+v, %v", res, err)
	}
	res, err = b.Answer(ctx, res.Challenge.ID, answerAsTester(t, b, c, res.Challenge))
	if err != nil || res.Challenge == nil || res.Challenge.Kind != engine.MFASecurityQuestion {
		t.Fatalf("after the OTP: %+v, %v", res, err)
	}
	res, err = b.Answer(ctx, res.Challenge.ID, c.SecurityAnswer)
	if err != nil || res.Session == nil {
		t.Fatalf("after the question: %+v, %v", res, err)
	}
}

func TestSetMFA(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[0]
	sess := signIn(t, b, c)
	wantCode(t, b.SetMFA(c.ID, "sms"), engine.EINVALID)
	wantCode(t, b.SetMFA("nobody", engine.MFAOTP), engine.ENOTFOUND)
	if _, err := b.Accounts(ctx, sess); err != nil {
		t.Fatal("a refused SetMFA ended the session")
	}
	for _, kind := range engine.MFAKinds[1:] {
		if err := b.SetMFA(c.ID, kind); err != nil {
			t.Fatal(err)
		}
		_, err := b.Accounts(ctx, sess)
		wantCode(t, err, engine.EEXPIRED) // MFA changes end sessions
		res, err := b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
		if err != nil || res.Challenge == nil || res.Challenge.Kind != kind {
			t.Fatalf("%s: %+v, %v", kind, res, err)
		}
		c, _ = b.Customer(c.ID)
		sess = signIn(t, b, c)
	}
	if err := b.SetMFA(c.ID, engine.MFANone); err != nil {
		t.Fatal(err)
	}
	if res, err := b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password); err != nil || res.Session == nil {
		t.Fatalf("MFA off: %+v, %v", res, err)
	}
}

func TestSessionsExpireOnTheClock(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[0]
	sess := signIn(t, b, c)
	_ = clk.Advance(SessionTTL - time.Second)
	if _, err := b.Balance(ctx, sess, c.Accounts[0].Number); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	_ = clk.Advance(time.Second)
	_, err := b.Balance(ctx, sess, c.Accounts[0].Number)
	wantCode(t, err, engine.EEXPIRED)
	_, err = b.Identity(ctx, "sess_madeup")
	wantCode(t, err, engine.EEXPIRED)
}

func TestChallengesExpire(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[1] // OTP
	res, _ := b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
	otp := answerAsTester(t, b, c, res.Challenge)
	if !res.Challenge.ExpiresAt.Equal(clk.Now().Add(ChallengeTTL)) {
		t.Fatalf("challenge expires %v", res.Challenge.ExpiresAt)
	}
	_ = clk.Advance(ChallengeTTL)
	_, err := b.Answer(ctx, res.Challenge.ID, otp)
	wantCode(t, err, engine.EEXPIRED)
	_, err = b.Answer(ctx, "chl_unknown", "123456")
	wantCode(t, err, engine.EEXPIRED)

	// Signed in again, the old OTP (still on the phone) is refused as what it is.
	res, _ = b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
	if answerAsTester(t, b, c, res.Challenge) == otp {
		t.Fatal("the seed drew the same OTP twice: pick another seed for this test")
	}
	_, err = b.Answer(ctx, res.Challenge.ID, otp)
	wantCode(t, err, engine.EUNAUTHORIZED)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "from an earlier sign-in") || !strings.Contains(msg, "use the one sent at "+engine.TimeText(clk.Now())) {
		t.Errorf("an earlier sign-in's OTP: %q; want it said, and when this one's was sent", msg)
	}
	if _, err = b.Answer(ctx, res.Challenge.ID, wrongCode(answerAsTester(t, b, c, res.Challenge))); !strings.HasSuffix(engine.ErrorMessage(err), "wrong answer") {
		t.Errorf("a wrong OTP: %q", engine.ErrorMessage(err))
	}
}

// twoOTPSignIns signs one OTP customer in twice, gap apart, both left open: the
// bank, its clock, the first sign-in's time, both sign-ins and their OTPs.
type twoOTPSignIns struct {
	b           *Bank
	clk         *Clock
	first       time.Time
	res, second engine.LoginResult
	own, newest string
}

func signInTwice(t *testing.T, gap time.Duration) twoOTPSignIns {
	t.Helper()
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[1] // OTP
	s := twoOTPSignIns{b: b, clk: clk, first: clk.Now()}
	s.res, _ = b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
	s.own = answerAsTester(t, b, c, s.res.Challenge)
	_ = clk.Advance(gap)
	s.second, _ = b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
	s.newest = answerAsTester(t, b, c, s.second.Challenge)
	if s.newest == s.own {
		t.Fatal("the seed drew the same OTP twice: pick another seed for this test")
	}
	return s
}

// Two sign-ins within one second, as on a paused clock, a nanosecond apart: their
// times read the same, and are said as one moment — not "for a later sign-in
// (sent at 03:37:53); this one's OTP was sent at 03:37:53" (a load test).
func TestASignInOfTheSameSecondIsSaidAsOneMoment(t *testing.T) {
	s := signInTwice(t, time.Nanosecond)
	_, err := s.b.Answer(t.Context(), s.res.Challenge.ID, s.newest)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "that OTP is for another sign-in sent at the same moment") {
		t.Errorf("an OTP of a sign-in of the same second: %q", msg)
	}
}

// Two sign-ins of one customer open at once (a re-authorisation, and a sync of
// another account at the bank): the first answered with the second's OTP — the
// newest on the phone, to which "use the newest OTP" sent the tester back (a soak
// run) — says whose it is and when this one's was sent.
func TestAnotherOpenSignInsOTPIsSaid(t *testing.T) {
	s := signInTwice(t, time.Minute)
	b, clk, ctx := s.b, s.clk, t.Context()
	first, res, second, own, newest := s.first, s.res, s.second, s.own, s.newest
	_, err := b.Answer(ctx, res.Challenge.ID, newest)
	wantCode(t, err, engine.EUNAUTHORIZED)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "for a later sign-in (sent at "+engine.TimeText(clk.Now())+")") || !strings.Contains(msg, "this one's OTP was sent at "+engine.TimeText(first)) {
		t.Errorf("a later sign-in's OTP: %q; want it said, with both times", msg)
	}
	// And the other way round: the second answered with the first's OTP, which
	// still works there — not "no longer works".
	_, err = b.Answer(ctx, second.Challenge.ID, own)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "for an earlier sign-in, still open (sent at "+engine.TimeText(first)+")") || !strings.Contains(msg, "this one's OTP was sent at "+engine.TimeText(clk.Now())) {
		t.Errorf("an earlier open sign-in's OTP: %q; want it said, with both times", msg)
	}
	// Both still work: a wrong answer closes neither.
	for ch, otp := range map[string]string{res.Challenge.ID: own, second.Challenge.ID: newest} {
		if _, err := b.Answer(ctx, ch, otp); err != nil {
			t.Fatalf("challenge %s with its own OTP: %v", ch, err)
		}
	}
}

func TestHardwareTokenChangesEveryMinute(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[3]
	code := func() string {
		inbox, _ := b.Inbox(c.ID)
		if inbox[0].Kind != MessageToken || len(inbox[0].Code) != 6 {
			t.Fatalf("inbox %+v", inbox)
		}
		return inbox[0].Code
	}
	first := code()
	res, _ := b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
	_ = clk.Advance(TokenStep)
	if code() == first {
		t.Fatal("the token code did not change after 60 s")
	}
	// The previous window's code still works.
	if res, err := b.Answer(ctx, res.Challenge.ID, first); err != nil || res.Session == nil {
		t.Fatalf("previous code: %v", err)
	}
	res, _ = b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
	old := code()
	_ = clk.Advance(2 * TokenStep)
	_, err := b.Answer(ctx, res.Challenge.ID, old)
	wantCode(t, err, engine.EUNAUTHORIZED)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "that token code has expired") {
		t.Errorf("a code two minutes old: %q; want it said to have expired", msg)
	}
}

func TestOutage(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[0]
	code := c.Accounts[0].Institution.Code
	sess := signIn(t, b, c)
	wantCode(t, b.StartOutage("999", time.Hour), engine.ENOTFOUND)
	wantCode(t, b.StartOutage(code, 0), engine.EINVALID)
	wantCode(t, b.StartOutage(code, -time.Minute), engine.EINVALID)
	if _, err := b.Accounts(ctx, sess); err != nil {
		t.Fatal("a refused outage took the bank down")
	}
	if err := b.StartOutage(code, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	st, _ := b.Institution(code)
	if !st.OutageUntil.Equal(clk.Now().Add(15 * time.Minute)) {
		t.Fatalf("status %+v", st)
	}
	_, err := b.Login(ctx, code, c.Username, c.Password)
	wantCode(t, err, engine.EUNAVAILABLE)
	if e, _ := engine.AsError(err); e.RetryAfter != 15*time.Minute {
		t.Fatalf("RetryAfter %v", e.RetryAfter)
	}
	_, err = b.Balance(ctx, sess, c.Accounts[0].Number)
	wantCode(t, err, engine.EUNAVAILABLE)
	_, err = b.Transactions(ctx, sess, c.Accounts[0].Number, time.Time{}, time.Time{})
	wantCode(t, err, engine.EUNAVAILABLE)
	// Other banks are up; the bank's side still works (the customer can spend).
	other := b.Customers()[1]
	if other.Accounts[0].Institution.Code != code {
		signIn(t, b, other)
	}
	if _, err := b.PostTransaction(c.ID, Posting{Account: c.Accounts[0].Number, Type: engine.Credit, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	_ = clk.Advance(15 * time.Minute)
	signIn(t, b, c)
	// EndOutage brings a bank back early.
	_ = b.StartOutage(code, time.Hour)
	if err := b.EndOutage(code); err != nil {
		t.Fatal(err)
	}
	signIn(t, b, c)
}

func TestLatencyHonoursContext(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	c := b.Customers()[0]
	code := c.Accounts[0].Institution.Code
	wantCode(t, b.SetLatency(code, -time.Second), engine.EINVALID)
	wantCode(t, b.SetLatency(code, 2*time.Minute), engine.EINVALID)
	wantCode(t, b.SetLatency("999", time.Second), engine.ENOTFOUND)
	if err := b.SetLatency(code, time.Minute); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.Login(ctx, code, c.Username, c.Password)
	wantCode(t, err, engine.EUNAVAILABLE)
	if time.Since(start) > 30*time.Second {
		t.Fatal("the context's deadline was not honoured")
	}
	st, _ := b.Institution(code)
	if st.Latency != time.Minute {
		t.Fatalf("status %+v", st)
	}
	_ = b.SetLatency(code, 0)
	signIn(t, b, c)
}

func TestSessionSeesOnlyItsAccount(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c, other := b.Customers()[0], b.Customers()[1]
	sess := signIn(t, b, c)
	_, err := b.Balance(ctx, sess, other.Accounts[0].Number)
	wantCode(t, err, engine.ENOTFOUND)
	_, err = b.Transactions(ctx, sess, "0000000000", time.Time{}, time.Time{})
	wantCode(t, err, engine.ENOTFOUND)
	_, err = b.Transactions(ctx, sess, c.Accounts[0].Number, clk.Now(), clk.Now().Add(-time.Hour))
	wantCode(t, err, engine.EINVALID)
	// Never later than now.
	txs, err := b.Transactions(ctx, sess, c.Accounts[0].Number, clk.Now().Add(-48*time.Hour), clk.Now().Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range txs {
		if tx.Date.After(clk.Now()) {
			t.Fatalf("a transaction from the future: %v", tx.Date)
		}
	}
}

// Random events are off by default and, when on, a pure function of seed and day.
func TestRandomEvents(t *testing.T) {
	quiet, qclk := testBank(t, Config{Seed: 4, Customers: 10})
	before := quiet.Customers()
	_ = qclk.Advance(10 * 24 * time.Hour)
	for i, c := range quiet.Customers() {
		if c.Password != before[i].Password || c.MFA != before[i].MFA {
			t.Fatal("a bank with random events off changed a customer")
		}
	}
	cfg := Config{Seed: 4, Customers: 10, Random: RandomEvents{PasswordChange: 0.2, MFAChange: 0.2, Outage: 0.2}}
	a, aclk := testBank(t, cfg)
	b, bclk := testBank(t, cfg)
	for i := 0; i < 10; i++ { // a looks every 12 hours, b only at the end
		_ = aclk.Advance(12 * time.Hour)
		_ = a.Customers()
	}
	_ = bclk.Advance(5 * 24 * time.Hour)
	ca, cb := a.Customers(), b.Customers()
	if !reflect.DeepEqual(ca, cb) || !reflect.DeepEqual(a.InstitutionStatuses(), b.InstitutionStatuses()) {
		t.Fatal("random events depend on when the bank was observed")
	}
	changed := 0
	for i := range ca {
		if ca[i].Password != before[i].Password || ca[i].MFA != before[i].MFA {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no random event in 5 days at 20% a day")
	}
	wantCode(t, func() error { _, err := New(Config{Random: RandomEvents{Outage: 2}}, aclk); return err }(), engine.EINVALID)

	// MFAs, the TUI's read of every row's MFA, brings the changes due by now as
	// Customers does: after a jump it showed the old ones (a review).
	m, mclk := testBank(t, cfg)
	ids := make([]string, len(before))
	for i, c := range before {
		ids[i] = c.ID
	}
	_ = mclk.Advance(5 * 24 * time.Hour)
	mfas := m.MFAs(ids)
	for _, c := range m.Customers() {
		if mfas[c.ID] != c.MFA {
			t.Fatalf("MFAs says %s for %s after a jump, the bank %s", mfas[c.ID], c.ID, c.MFA)
		}
	}
}

func TestBankConcurrentUse(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8, Customers: 8})
	custs := b.Customers()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		c := custs[g]
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < 20; i++ {
				res, err := b.Login(ctx, c.Accounts[0].Institution.Code, c.Username, c.Password)
				if err != nil {
					t.Error(err)
					return
				}
				if res.Session != nil {
					_, _ = b.Transactions(ctx, res.Session.Token, c.Accounts[0].Number, clk.Now().Add(-72*time.Hour), clk.Now())
				}
				_, _ = b.PostTransaction(c.ID, Posting{Account: c.Accounts[0].Number, Type: engine.Credit, Amount: 1000})
				_, _ = b.Inbox(c.ID)
				_ = b.Customers()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			_ = clk.Advance(17 * time.Minute)
			_ = b.StartOutage("999", time.Minute)
		}
	}()
	wg.Wait()
	checkBalances(t, b)
}

// A customer's password and MFA are theirs at every bank they hold an account at,
// so a change is noticed by each of those banks, not only the first.
func TestChangesAreNoticedByEveryBank(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	c, err := b.AddCustomer(NewCustomer{Institution: "011"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.OpenAccount(c.ID, NewAccount{Institution: "058"}); err != nil {
		t.Fatal(err)
	}
	if err := b.ChangePassword(c.ID, "N3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetMFA(c.ID, engine.MFAOTP); err != nil {
		t.Fatal(err)
	}
	inbox, err := b.Inbox(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	from := map[string]int{}
	for _, m := range inbox {
		if m.Kind == MessageNotice {
			from[m.From]++
			// One password signs in to internet and mobile banking alike: the notice
			// names neither alone (a mobile-banking user read "internet banking").
			if strings.Contains(m.Text, "was changed on") && !strings.Contains(m.Text, "internet and mobile banking") {
				t.Errorf("the password notice %q names one way of signing in", m.Text)
			}
		}
	}
	if len(from) != 2 || from["First Bank of Nigeria"] != 2 || from["GTBank"] != 2 {
		t.Fatalf("notices by bank = %v; want the password change and the MFA change from First Bank and GTBank each", from)
	}
}

// A hardware-token customer with accounts at two banks reads the token's code from
// the bank they are signing in at: the phone said the first bank's token while the
// second bank asked for its code.
func TestTokenNamesTheBankSignedInAt(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	c, err := b.AddCustomer(NewCustomer{Institution: "011", MFA: engine.MFAToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.OpenAccount(c.ID, NewAccount{Institution: "058"}); err != nil {
		t.Fatal(err)
	}
	for _, bank := range []struct{ code, name string }{{"058", "GTBank"}, {"011", "First Bank of Nigeria"}} {
		res, err := b.Login(context.Background(), bank.code, c.Username, c.Password)
		if err != nil || res.Challenge == nil || res.Challenge.Kind != engine.MFAToken {
			t.Fatalf("sign-in at %s: %+v, %v; want a token challenge", bank.code, res, err)
		}
		if !strings.Contains(res.Challenge.Prompt, bank.name+" hardware token") {
			t.Errorf("sign-in at %s asks %q", bank.code, res.Challenge.Prompt)
		}
		inbox, err := b.Inbox(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if inbox[0].Kind != MessageToken || inbox[0].From != bank.name+" token" {
			t.Errorf("signing in at %s, the phone's newest message is from %q (%s); want %q", bank.name, inbox[0].From, inbox[0].Kind, bank.name+" token")
		}
	}
}

// An OTP that signed in shows used on the phone: it said "valid 4:55" after it
// had worked, and a presenter could not tell it from a fresh one.
func TestUsedOTPShowsUsed(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	var c Customer
	for _, x := range b.Customers() {
		if x.MFA == engine.MFAOTP {
			c = x
		}
	}
	if c.ID == "" {
		t.Fatal("no OTP customer in the world")
	}
	signIn(t, b, c)
	msgs, err := b.Inbox(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 || msgs[0].Kind != MessageOTP || !msgs[0].Used {
		t.Fatalf("the newest message after an OTP sign-in = %+v; want that OTP, used", msgs[0])
	}
	res, err := b.Login(t.Context(), c.Accounts[0].Institution.Code, c.Username, c.Password) // a new OTP, not yet used
	if err != nil || res.Challenge == nil {
		t.Fatalf("a second sign-in: %+v, %v", res, err)
	}
	if msgs, _ = b.Inbox(c.ID); msgs[0].Used || !msgs[1].Used {
		t.Fatalf("after a second sign-in's OTP: %+v; want it unused, the first still used", msgs[:2])
	}
}

// LockedUntil says when a locked login's lock ends, and nothing once it has, or of
// a login never locked: what a re-authorisation opened on the lock shows.
func TestLockedUntil(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8})
	c := b.Customers()[0]
	code := c.Accounts[0].Institution.Code
	if u := b.LockedUntil(code, c.Username); !u.IsZero() {
		t.Fatalf("a login never locked: locked until %s", u)
	}
	for i := range MaxAttempts {
		_, err := b.Login(t.Context(), code, c.Username, "wrong-"+string(rune('a'+i)))
		if i < MaxAttempts-1 {
			wantCode(t, err, engine.EUNAUTHORIZED)
		} else {
			wantCode(t, err, engine.ELOCKED)
		}
	}
	want := clk.Now().Add(LockDuration)
	if u := b.LockedUntil(code, strings.ToUpper(c.Username)); !u.Equal(want) { // usernames are one in any case
		t.Fatalf("locked until %s, want %s", u, want)
	}
	_ = clk.Advance(LockDuration)
	if u := b.LockedUntil(code, c.Username); !u.IsZero() {
		t.Fatalf("after the lock: locked until %s", u)
	}
}

// A sign-in begun with the old password, its challenge answered after the password
// changed, opens no session and leaves the next sign-in's OTP: it opened one, and
// the first sign-in with the new password asked no OTP (a review).
func TestAPasswordChangeEndsASignInUnderWay(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[2] // a security question
	code := c.Accounts[0].Institution.Code
	res, err := b.Login(ctx, code, c.Username, c.Password)
	if err != nil || res.Challenge == nil || res.Challenge.Kind != engine.MFASecurityQuestion {
		t.Fatalf("the sign-in = %+v, %v; want a security question", res, err)
	}
	if err := b.ChangePassword(c.ID, "Another@2026"); err != nil {
		t.Fatal(err)
	}
	_, err = b.Answer(ctx, res.Challenge.ID, c.SecurityAnswer)
	if engine.ErrorCode(err) != engine.EEXPIRED || !strings.Contains(engine.ErrorMessage(err), "the bank ended this sign-in: the password was changed since it began; sign in again") {
		t.Fatalf("the answer after the password changed: %v; want the sign-in ended, saying why", err)
	}
	if c2, _ := b.Customer(c.ID); !c2.NextLoginOTP {
		t.Error("the ended sign-in cleared the OTP the next sign-in asks for")
	}
	res, err = b.Login(ctx, code, c.Username, "Another@2026")
	if err != nil || res.Challenge == nil || res.Challenge.Kind != engine.MFAOTP {
		t.Errorf("the first sign-in with the new password: %+v, %v; want an OTP", res.Challenge, err)
	}
}

// A sign-in begun before MFA changed, answered after, opens no session: the new
// question was never asked (a review).
func TestAnMFAChangeEndsASignInUnderWay(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 8})
	ctx := t.Context()
	c := b.Customers()[1] // an OTP
	code := c.Accounts[0].Institution.Code
	res, err := b.Login(ctx, code, c.Username, c.Password)
	if err != nil || res.Challenge == nil || res.Challenge.Kind != engine.MFAOTP {
		t.Fatalf("the sign-in = %+v, %v; want an OTP", res, err)
	}
	otp := answerAsTester(t, b, c, res.Challenge)
	if err := b.SetMFA(c.ID, engine.MFASecurityQuestion); err != nil {
		t.Fatal(err)
	}
	if res, err := b.Answer(ctx, res.Challenge.ID, otp); err == nil || res.Session != nil || !strings.Contains(engine.ErrorMessage(err), "two-step verification was changed") {
		t.Fatalf("the OTP after MFA changed = %+v, %v; want the sign-in ended, saying why", res, err)
	}
}
