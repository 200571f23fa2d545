package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// Mr Adam's story, from the seed: connected at NGN 10,000; thirty minutes later he
// spends NGN 5,000 at the bank; the Information endpoint still says NGN 10,000 (R1)
// until a sync, after which it says NGN 5,000 (R2).
func TestMrAdamsStory(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	if a.Balance != 1_000_000 || a.DataStatus != engine.DataAvailable {
		t.Fatalf("after connect: balance %d, status %s; want 1000000 AVAILABLE", a.Balance, a.DataStatus)
	}
	if want := adamStart; !a.ConnectedAt.Equal(want) {
		t.Fatalf("connected at %v, want %v", a.ConnectedAt, want)
	}

	w.advance(30 * time.Minute)
	spent := w.post(adam, engine.Debit, 500_000)
	if live, _ := w.bank.LiveBalance(adam.Accounts[0].Number); live != 500_000 {
		t.Fatalf("the bank shows %d, want 500000", live)
	}
	if got := w.account(a.ID).Balance; got != 1_000_000 {
		t.Fatalf("before the sync the API says %d, want 1000000 (R1)", got)
	}

	res := w.sync(a.ID)
	if res.Status != engine.StatusSyncSuccessful || res.Code != engine.CodeSyncSuccessful || !res.HasNewData {
		t.Fatalf("sync = %+v, want successful with new data", res)
	}
	if got := w.account(a.ID).Balance; got != 500_000 {
		t.Fatalf("after the sync the API says %d, want 500000", got)
	}
	page, err := w.eng.Transactions(w.ctx, engine.TxQuery{AccountID: a.ID, Page: 1, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Transactions) == 0 || page.Transactions[0].ID != spent.ID || page.Transactions[0].Balance != 500_000 {
		t.Fatalf("newest transaction = %+v, want the NGN 5,000 spend %s", page.Transactions, spent.ID)
	}
	st, err := w.eng.Statement(w.ctx, a.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st.ClosingBalance != 500_000 || st.OpeningBalance != 0 {
		t.Fatalf("statement opening %d closing %d; want 0 (before the account-opening deposit) and 500000", st.OpeningBalance, st.ClosingBalance)
	}

	// Nothing changed since: the next sync (after the window) has no new data.
	w.advance(engine.RateLimitWindow)
	if res := w.sync(a.ID); res.Status != engine.StatusSyncSuccessful || res.HasNewData {
		t.Fatalf("second sync = %+v, want successful without new data", res)
	}
}

// R3: one manual sync per account every two minutes; inside the window the call is
// refused with the time to wait, and nothing runs.
func TestRateLimitWindow(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.sync(a.ID)

	w.advance(time.Minute + 59*time.Second)
	w.post(adam, engine.Credit, 100_000) // there is new data: refusal must not fetch it
	jobsBefore, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	_, err := w.eng.Sync(w.ctx, a.ID)
	e, ok := engine.AsError(err)
	if !ok || e.Code != engine.ERATELIMITED || e.RetryAfter != time.Second {
		t.Fatalf("sync at 1:59 = %v, want ERATELIMITED with RetryAfter 1s", err)
	}
	jobsAfter, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	if len(jobsAfter) != len(jobsBefore) || w.account(a.ID).Balance != 1_000_000 {
		t.Fatalf("a refused sync ran: %d jobs before, %d after", len(jobsBefore), len(jobsAfter))
	}

	w.advance(time.Second)
	if res := w.sync(a.ID); !res.HasNewData || w.account(a.ID).Balance != 1_100_000 {
		t.Fatalf("sync at 2:00 = %+v, balance %d; want new data and 1100000", res, w.account(a.ID).Balance)
	}
	// The window restarts from the allowed call, and survives a restart.
	w.close()
	w.open()
	w.advance(time.Minute)
	if _, err := w.eng.Sync(w.ctx, a.ID); engine.ErrorCode(err) != engine.ERATELIMITED {
		t.Fatalf("sync a minute later, after a restart = %v, want rate-limited", err)
	}
}

// Syncing needs Data Sync enabled (a clear SYNC_ERROR otherwise), and an account
// that exists.
func TestSyncNeedsDataSyncAndAnAccount(t *testing.T) {
	w := newWorld(t, worldOpts{noSync: true})
	a := w.connect(w.adam())
	res := w.sync(a.ID)
	if res.Status != engine.StatusSyncFailed || res.Code != engine.CodeSyncError || res.Message == "" {
		t.Fatalf("sync without Data Sync = %+v, want failed SYNC_ERROR with a message", res)
	}
	if _, err := w.eng.Sync(w.ctx, "nope"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("sync of an unknown account = %v, want ENOTFOUND", err)
	}
}

// A bank outage makes the sync fail with SYNC_ERROR and keeps the last data.
func TestOutageSyncError(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(20 * time.Minute) // past the bank session: the sync must sign in
	if err := w.bank.StartOutage("044", time.Hour); err != nil {
		t.Fatal(err)
	}
	res := w.sync(a.ID)
	if res.Status != engine.StatusSyncFailed || res.Code != engine.CodeSyncError {
		t.Fatalf("sync during an outage = %+v, want SYNC_ERROR", res)
	}
	if got := w.account(a.ID); got.DataStatus != engine.DataAvailable || got.Balance != 1_000_000 {
		t.Fatalf("after a failed sync: %s %d, want the last data still AVAILABLE", got.DataStatus, got.Balance)
	}
	if slices.Contains(eventTypes(w.events(a.ID)), engine.EventReauthRequired) {
		t.Fatal("an outage asked for re-authorisation")
	}
	// The failed sync spent the window (R3), and the refusal does not say it synced.
	w.advance(time.Minute)
	if _, err := w.eng.Sync(w.ctx, a.ID); engine.ErrorCode(err) != engine.ERATELIMITED || !strings.Contains(err.Error(), "was asked to sync less than 2 minutes ago (failed or not)") {
		t.Fatalf("a sync a minute after a failed one = %v; want ERATELIMITED that counts the failed one", err)
	}
	w.advance(time.Hour)
	if res := w.sync(a.ID); res.Status != engine.StatusSyncSuccessful {
		t.Fatalf("sync after the outage = %+v", res)
	}
}

// A connect whose first sync the bank fails (an outage begun between the user's
// sign-in and the app's exchange of the code) says so with account_updated
// after account_connected: an app waits for that event, and none came until the
// next automatic sync, a day on.
func TestAConnectWhoseFirstSyncFailsSaysSo(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "044"})
	if err != nil {
		t.Fatal(err)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, adam.Password); err != nil || st.Status != engine.WidgetSuccess {
		t.Fatalf("sign-in = %+v, %v; want success", st, err)
	}
	if err := w.bank.StartOutage("044", time.Hour); err != nil {
		t.Fatal(err)
	}
	a, err := w.eng.ExchangeCode(w.ctx, st.Code)
	if err != nil {
		t.Fatal(err)
	}
	if a.DataStatus != engine.DataFailed {
		t.Fatalf("after a connect whose sync failed: data status %s, want FAILED", a.DataStatus)
	}
	evs := w.events(a.ID)
	if got, want := eventTypes(evs), []string{engine.EventAccountConnected, engine.EventAccountUpdated}; !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if f := evs[1].Facts; f.Code != engine.CodeSyncError || f.Message == "" {
		t.Fatalf("account_updated carries code %q, message %q; want SYNC_ERROR and why", f.Code, f.Message)
	}
}

// R6, R7, R8: a password change fails the next sync with REAUTHORISATION_REQUIRED
// and a reauthorisation_required event; a reauth token expires at ten minutes; a
// new one, the new password and the OTP the bank then asks for bring fresh data.
func TestPasswordChangeReauthorisation(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.recv.await(t, 2) // account_connected, account_updated

	w.advance(5 * time.Minute)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	w.post(adam, engine.Debit, 250_000)
	res := w.sync(a.ID)
	if res.Status != engine.StatusSyncFailed || res.Code != engine.CodeReauthRequired || res.HasNewData {
		t.Fatalf("sync after a password change = %+v, want failed REAUTHORISATION_REQUIRED", res)
	}
	got := w.recv.await(t, 3)
	if got[2].Event != engine.EventReauthRequired || got[2].Account != a.ID {
		t.Fatalf("third webhook = %s for %s, want reauthorisation_required for %s", got[2].Event, got[2].Account, a.ID)
	}

	// A token lives ten minutes.
	tok, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.ExpiresAt.Equal(w.clock.Now().Add(10 * time.Minute)) {
		t.Fatalf("token expires %v, want now+10m", tok.ExpiresAt)
	}
	w.advance(10 * time.Minute)
	_, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
	if e, _ := engine.AsError(err); e == nil || e.Code != engine.EEXPIRED || e.Reason != "REAUTH_TOKEN_EXPIRED" {
		t.Fatalf("token at 10:00 = %v, want EEXPIRED REAUTH_TOKEN_EXPIRED", err)
	}

	// A new token: the widget asks only for the password (the saved one was refused)…
	tok, err = w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
	if err != nil || st.Status != engine.WidgetLogin || st.Username != adam.Username || !st.Reauth {
		t.Fatalf("reauth widget = %+v, %v; want a login step for %s", st, err, adam.Username)
	}
	// …then the bank's OTP, which reaches the phone.
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, "n3w-Passw0rd"); err != nil || st.Status != engine.WidgetChallenge || st.Challenge.Kind != engine.MFAOTP {
		t.Fatalf("login with the new password = %+v, %v; want an OTP challenge", st, err)
	}
	otp, err := w.bank.ExpectedAnswer(st.Challenge.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = w.eng.WidgetAnswer(w.ctx, st.Session, otp); err != nil || st.Status != engine.WidgetSuccess || st.AccountID != a.ID {
		t.Fatalf("answering the OTP = %+v, %v; want success for %s", st, err, a.ID)
	}
	if got := w.account(a.ID); got.Balance != 750_000 || got.ReauthRequired {
		t.Fatalf("after re-authorisation: balance %d reauth %v; want fresh 750000", got.Balance, got.ReauthRequired)
	}
	got = w.recv.await(t, 5)
	if got[3].Event != engine.EventAccountReauthorized || got[4].Event != engine.EventAccountUpdated {
		t.Fatalf("webhooks after reauth = %s, %s; want account_reauthorized then account_updated", got[3].Event, got[4].Event)
	}

	// Used and unknown tokens get their own errors.
	_, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
	if e, _ := engine.AsError(err); e == nil || e.Reason != "REAUTH_TOKEN_USED" {
		t.Fatalf("a used token = %v, want REAUTH_TOKEN_USED", err)
	}
	_, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: "0123456789abcdef0123456789abcdef"})
	if e, _ := engine.AsError(err); e == nil || e.Reason != "REAUTH_TOKEN_UNKNOWN" {
		t.Fatalf("a foreign token = %v, want REAUTH_TOKEN_UNKNOWN", err)
	}
}

// R5 for each MFA kind: connecting answers the challenge; once the bank session has
// ended, a sync fails with REAUTHORISATION_REQUIRED until the user re-authorises,
// answering the same kind of challenge.
func TestEveryMFAKind(t *testing.T) {
	for _, kind := range engine.MFAKinds[1:] {
		t.Run(string(kind), func(t *testing.T) {
			w := newWorld(t, worldOpts{})
			c := w.customer(simulator.NewCustomer{Name: "Ada Eze", Institution: "058", Balance: 5_000_000, MFA: kind})
			a := w.connect(c)
			w.advance(time.Hour) // the session of the connect has ended
			w.post(c, engine.Credit, 1_000_000)
			res := w.sync(a.ID)
			if res.Code != engine.CodeReauthRequired {
				t.Fatalf("sync of an MFA account = %+v, want REAUTHORISATION_REQUIRED", res)
			}
			if a := w.account(a.ID); !a.ReauthRequired || a.ReauthReason != engine.ReauthChallenge {
				t.Fatalf("account reauth = %v %q, want required for a challenge", a.ReauthRequired, a.ReauthReason)
			}
			tok, err := w.eng.RequestReauth(w.ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
			if err != nil || st.Status != engine.WidgetChallenge || st.Challenge.Kind != kind {
				t.Fatalf("reauth widget = %+v, %v; want straight to a %s challenge", st, err, kind)
			}
			ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
			if err != nil {
				t.Fatal(err)
			}
			if st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans); err != nil || st.Status != engine.WidgetSuccess {
				t.Fatalf("answer = %+v, %v", st, err)
			}
			if got := w.account(a.ID).Balance; got != 6_000_000 {
				t.Fatalf("after reauth the balance is %d, want 6000000", got)
			}
		})
	}
}

// Wrong answers count: the widget session locks after three.
func TestWidgetLocksAfterWrongAnswers(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "057", MFA: engine.MFASecurityQuestion})
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "057"})
	if err != nil {
		t.Fatal(err)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password); err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("login = %+v, %v", st, err)
	}
	for i := 1; i <= 3; i++ {
		_, err = w.eng.WidgetAnswer(w.ctx, st.Session, "definitely wrong")
		want := engine.EUNAUTHORIZED
		if i == 3 {
			want = engine.ELOCKED
		}
		if engine.ErrorCode(err) != want {
			t.Fatalf("wrong answer %d = %v, want %s", i, err, want)
		}
	}
	c, _ = w.bank.Customer(c.ID)
	if _, err = w.eng.WidgetAnswer(w.ctx, st.Session, c.SecurityAnswer); engine.ErrorCode(err) != engine.ELOCKED {
		t.Fatalf("the right answer after the lock = %v, want ELOCKED", err)
	}
}

// A connect code is single-use and lives ten minutes.
func TestConnectCode(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.adam()
	code := func() string {
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "044"})
		if err != nil {
			t.Fatal(err)
		}
		st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
		if err != nil || st.Status != engine.WidgetSuccess || st.Code == "" {
			t.Fatalf("login = %+v, %v", st, err)
		}
		return st.Code
	}
	first := code()
	if _, err := w.eng.ExchangeCode(w.ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.ExchangeCode(w.ctx, first); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("second exchange = %v, want ECONFLICT", err)
	}
	late := code()
	w.advance(10 * time.Minute)
	if _, err := w.eng.ExchangeCode(w.ctx, late); engine.ErrorCode(err) != engine.EEXPIRED {
		t.Fatalf("exchange at 10:00 = %v, want EEXPIRED", err)
	}
	if _, err := w.eng.ExchangeCode(w.ctx, "code_nope"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("unknown code = %v, want ENOTFOUND", err)
	}
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "999"}); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("unknown institution = %v, want ENOTFOUND", err)
	}
}

// Unlink: the account stops syncing, its ID answers not-found, account_unlinked is
// emitted.
func TestUnlink(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	if err := w.eng.Unlink(w.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"account": func() error { _, err := w.eng.Account(w.ctx, a.ID); return err },
		"sync":    func() error { _, err := w.eng.Sync(w.ctx, a.ID); return err },
		"txs":     func() error { _, err := w.eng.Transactions(w.ctx, engine.TxQuery{AccountID: a.ID}); return err },
		"reauth":  func() error { _, err := w.eng.RequestReauth(w.ctx, a.ID); return err },
		"unlink":  func() error { return w.eng.Unlink(w.ctx, a.ID) },
	} {
		if err := call(); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Errorf("%s after unlink = %v, want ENOTFOUND", name, err)
		}
	}
	got := w.recv.await(t, 3)
	if got[2].Event != engine.EventAccountUnlinked || got[2].Account != a.ID {
		t.Fatalf("last webhook = %s, want account_unlinked", got[2].Event)
	}
	if accounts, _ := w.eng.Accounts(w.ctx); len(accounts) != 0 {
		t.Fatalf("accounts after unlink = %d, want 0", len(accounts))
	}
}

// The widget counts down what the bank counts: a sync that tried the old password
// was one wrong attempt already, so after a password change the reauth widget has
// one fewer to give.
func TestWidgetAttemptsFollowTheBank(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(20 * time.Minute)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	if res := w.sync(a.ID); res.Code != engine.CodeReauthRequired {
		t.Fatalf("sync = %+v", res)
	}
	st := w.openReauth(a.ID)
	if st.AttemptsLeft != 2 {
		t.Fatalf("the reauth widget opens with %d attempts left, want 2 (the sync used one)", st.AttemptsLeft)
	}
	_, err := w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, "still-wrong")
	if e, ok := engine.AsError(err); !ok || e.Code != engine.EUNAUTHORIZED || e.AttemptsLeft != 1 {
		t.Fatalf("first wrong password in the widget = %v, want EUNAUTHORIZED with 1 attempt left (the sync used one)", err)
	}
	// The username is known to a reauth widget: the password alone will do.
	st, err = w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd")
	if err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("login with the password alone = %+v, %v", st, err)
	}
}

// A sync fetches from the instant of the last one, inclusive, so a transaction made
// at that very instant comes back with the next sync: it is stored once. The store
// looks for an ID among the transactions of its date only, which this depends on.
func TestATransactionAtTheSyncsInstantIsStoredOnce(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(engine.RateLimitWindow)
	first := w.post(adam, engine.Debit, 1_000)
	if res := w.sync(a.ID); res.Job.NewTransactions != 1 { // at the posting's instant: the clock is paused
		t.Fatalf("first sync = %+v, want 1 new transaction", res)
	}
	if at := w.account(a.ID).LastSyncedAt; !at.Equal(first.Date) {
		t.Fatalf("synced at %v, the posting is at %v: the test needs them equal", at, first.Date)
	}
	w.advance(engine.RateLimitWindow)
	second := w.post(adam, engine.Credit, 2_000)
	if res := w.sync(a.ID); res.Job.NewTransactions != 1 {
		t.Fatalf("second sync = %+v, want 1 new transaction (the first posting again is not new)", res)
	}
	page, err := w.eng.Transactions(w.ctx, engine.TxQuery{AccountID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, x := range page.Transactions {
		seen[x.ID]++
	}
	if seen[first.ID] != 1 || seen[second.ID] != 1 || len(seen) != len(page.Transactions) {
		t.Fatalf("stored %d transactions, the first posting %d times, the second %d times; want each once",
			len(page.Transactions), seen[first.ID], seen[second.ID])
	}
}

// Jobs made at one instant of a paused clock — a sync that finds the password
// changed, and the re-authorisation right after it — are listed in the order they
// were made: the newest job is the re-authorisation's, whatever their IDs.
func TestJobsOfOneInstantKeepTheirOrder(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	for i := range 6 { // each round's IDs are drawn anew: one round could pass by luck
		w.advance(5 * time.Minute)
		password := fmt.Sprintf("n3w-Passw0rd%d", i)
		if err := w.bank.ChangePassword(adam.ID, password); err != nil {
			t.Fatal(err)
		}
		if res := w.sync(a.ID); res.Code != engine.CodeReauthRequired {
			t.Fatalf("sync after a password change = %+v", res)
		}
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Account: a.ID})
		if err == nil {
			st, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, password)
		}
		for err == nil && st.Status == engine.WidgetChallenge {
			var answer string
			if answer, err = w.bank.ExpectedAnswer(st.Challenge.ID); err == nil {
				st, err = w.eng.WidgetAnswer(w.ctx, st.Session, answer)
			}
		}
		if err != nil || st.Status != engine.WidgetSuccess {
			t.Fatalf("round %d: the re-authorisation = %+v, %v", i, st, err)
		}
		jobs, err := w.eng.SyncJobs(w.ctx, a.ID, 2)
		if err != nil || len(jobs) != 2 || jobs[0].Trigger != engine.TriggerReauth || jobs[1].Code != engine.CodeReauthRequired {
			t.Fatalf("round %d: the latest jobs are %+v, %v; want the re-authorisation's, then the failed sync", i, jobs, err)
		}
		if jobs[0].FinishedAt.Before(jobs[0].StartedAt) {
			t.Fatalf("round %d: job %+v finished before it started", i, jobs[0])
		}
	}
}

// A sync of an account that already waits for its user to re-authorise, while the
// bank has locked its sign-in (wrong answers in a re-authorisation), still says the
// user must re-authorise — with the lock's words — not a bank error an app would
// retry; an account whose sign-in is locked with nothing asked of its user gets the
// bank error.
func TestALockedSignInStillNeedsTheUser(t *testing.T) {
	w := newWorld(t, worldOpts{})
	otp := w.customer(simulator.NewCustomer{Institution: "058", Balance: 100_000, MFA: engine.MFAOTP})
	plain := w.customer(simulator.NewCustomer{Institution: "044", Balance: 100_000})
	a, b := w.connect(otp), w.connect(plain)
	w.advance(20 * time.Minute) // the bank sessions end
	if res := w.sync(a.ID); res.Code != engine.CodeReauthRequired {
		t.Fatalf("the MFA account's sync = %+v, want REAUTHORISATION_REQUIRED", res)
	}
	w.advance(3 * time.Minute)
	for _, c := range []simulator.Customer{otp, plain} {
		for i := range simulator.MaxAttempts {
			if _, err := w.bank.Login(w.ctx, c.Accounts[0].Institution.Code, c.Username, "wrong-"+string(rune('a'+i))); err == nil {
				t.Fatal("a wrong password signed in")
			}
		}
	}
	res := w.sync(a.ID)
	if res.Status != engine.StatusSyncFailed || res.Code != engine.CodeReauthRequired || !strings.Contains(res.Message, "locked") {
		t.Fatalf("the locked MFA account's sync = %+v, want REAUTHORISATION_REQUIRED saying the sign-in is locked", res)
	}
	if res := w.sync(b.ID); res.Code != engine.CodeSyncError || !strings.Contains(res.Message, "locked") {
		t.Fatalf("the locked account without MFA = %+v, want SYNC_ERROR saying the sign-in is locked", res)
	}
}

// A re-authorisation opened while the bank has locked the sign-in says so at once,
// and until when: it asked for the password, "3 attempts left", and any password,
// the right one too, then met the lock (an accessibility trial). Once the lock
// has ended, it asks for the password again.
func TestReauthOpensOnTheBanksLock(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Institution: "044", Balance: 100_000})
	a := w.connect(c)
	if err := w.bank.ChangePassword(c.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	w.advance(20 * time.Minute)
	if res := w.sync(a.ID); res.Code != engine.CodeReauthRequired {
		t.Fatalf("sync after a password change = %+v", res)
	}
	for i := range simulator.MaxAttempts {
		if _, err := w.bank.Login(w.ctx, "044", c.Username, "wrong-"+string(rune('a'+i))); err == nil {
			t.Fatal("a wrong password signed in")
		}
	}
	locked := w.clock.Now()
	w.advance(time.Minute) // the lock has 29 minutes to go, the reauth token 10 (the review: it expired first)
	st := w.openReauth(a.ID)
	if st.Status != engine.WidgetLocked || !st.LockedUntil.Equal(locked.Add(simulator.LockDuration)) || st.AttemptsLeft != 0 {
		t.Fatalf("a re-authorisation opened on a locked sign-in = %s until %s, %d attempts left; want locked until %s",
			st.Status, st.LockedUntil, st.AttemptsLeft, locked.Add(simulator.LockDuration))
	}
	if left := w.bank.AttemptsLeft("044", c.Username); left != 0 {
		t.Fatalf("the bank's lock after the session opened: %d attempts left", left)
	}
	// While the lock holds, a password is refused with when it ends; the session
	// itself is not over — its token is spent — and goes on when the lock ends
	// (the review: it stayed locked for good).
	w.advance(simulator.LockDuration - 2*time.Minute)
	if _, err := w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd"); engine.ErrorCode(err) != engine.ELOCKED || !strings.Contains(err.Error(), "goes on to the password when the lock ends") {
		t.Fatalf("a password while the bank's lock holds = %v; want ELOCKED saying the session goes on", err)
	}
	w.advance(time.Minute)
	again, err := w.eng.Widget(st.Session)
	if err != nil || again.Status != engine.WidgetLogin || !again.PasswordRejected || again.AttemptsLeft != simulator.MaxAttempts {
		t.Fatalf("the session when the lock ends = %s, rejected %v, %d attempts left, %v; want the password asked, 3 left", again.Status, again.PasswordRejected, again.AttemptsLeft, err)
	}
	if st, err := w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd"); err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("the new password after the lock = %s, %v; want the OTP a changed password asks for", st.Status, err)
	}
}

// jumpingBank, once on, moves the clock 16 minutes — past a bank session's 15 —
// as the first call after a sign-in reaches the bank: a jump, or a fast clock with
// a slow bank, while a sync runs. With every set, after every sign-in; else once.
type jumpingBank struct {
	engine.Bank
	clock             *simulator.Clock
	every             bool
	on, armed, jumped atomic.Bool
}

func (b *jumpingBank) Login(ctx context.Context, institution, username, password string) (engine.LoginResult, error) {
	res, err := b.Bank.Login(ctx, institution, username, password)
	if b.on.Load() && err == nil && res.Session != nil && (b.every || !b.jumped.Load()) {
		b.armed.Store(true)
	}
	return res, err
}

func (b *jumpingBank) jump() {
	if b.armed.CompareAndSwap(true, false) {
		b.jumped.Store(true)
		if err := b.clock.Advance(16 * time.Minute); err != nil {
			panic(err)
		}
	}
}

func (b *jumpingBank) Accounts(ctx context.Context, s engine.Secret) ([]engine.BankAccount, error) {
	b.jump()
	return b.Bank.Accounts(ctx, s)
}

func (b *jumpingBank) Balance(ctx context.Context, s engine.Secret, n string) (int64, error) {
	b.jump()
	return b.Bank.Balance(ctx, s, n)
}

func (b *jumpingBank) Transactions(ctx context.Context, s engine.Secret, n string, from, to time.Time) ([]engine.Transaction, error) {
	b.jump()
	return b.Bank.Transactions(ctx, s, n, from, to)
}

func (b *jumpingBank) Identity(ctx context.Context, s engine.Secret) (engine.Identity, error) {
	b.jump()
	return b.Bank.Identity(ctx, s)
}

// A sync whose fresh bank session the virtual clock outruns — a jump, or a fast
// clock with a slow bank — signs in again, once, as for a session the bank ended:
// it failed "the bank session expired (sessions last 15m); sign in again" (a
// bad-input hunt at 1000x with a second of latency). If the clock outruns that one
// too, the failure says why, and that syncing again is the fix.
func TestASyncOutrunByTheClockSignsInAgain(t *testing.T) {
	for _, c := range []struct {
		every, fast bool
		says        string
	}{{false, false, ""}, {true, false, "a jump ran meanwhile: sync again once it is over"},
		{true, true, "the clock runs at 1000x, so a slow bank's every answer outlives a session: lower the clock's speed or the bank's latency"}} {
		every := c.every
		w := newWorld(t, worldOpts{})
		jb := &jumpingBank{clock: w.clock, every: every}
		w.close()
		w.wrapBank = func(b engine.Bank) engine.Bank { jb.Bank = b; return jb }
		w.open()
		adam := w.adam()
		a := w.connect(adam)
		w.advance(16 * time.Minute) // the connect's session has ended: the sync signs in
		if c.fast {                 // the wall is frozen: running, it does not move by itself
			if err := w.clock.SetSpeed(1000); err != nil {
				t.Fatal(err)
			}
			if err := w.clock.SetPaused(false); err != nil {
				t.Fatal(err)
			}
		}
		jb.on.Store(true)
		res := w.sync(a.ID)
		if !jb.jumped.Load() {
			t.Fatal("the clock never jumped: the test tests nothing")
		}
		if !every && res.Status != engine.StatusSyncSuccessful {
			t.Fatalf("outrun once: %+v, want successful", res)
		}
		if every && (res.Status != engine.StatusSyncFailed || res.Code != engine.CodeSyncError ||
			!strings.Contains(res.Message, "the virtual clock ran past the session's end while the sync ran; "+c.says)) {
			t.Fatalf("outrun every time (fast %v): %+v", c.fast, res)
		}
	}
}

// A manual sync, once begun, runs to its end though its caller gives up: an app
// whose HTTP client timed out during a slow bank's answer had its sync thrown
// away — nothing stored, no webhook, and the 2-minute window given back — so that
// with an ordinary client timeout against a slow bank no sync was ever kept.
func TestAManualSyncOutlivesItsCaller(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.adam()
	a := w.connect(c)
	w.advance(time.Hour)
	posted := w.post(c, engine.Credit, 777_700)
	if err := w.bank.SetLatency("044", 50*time.Millisecond); err != nil { // real time: the caller leaves during it
		t.Fatal(err)
	}
	w.drain()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := w.eng.Sync(ctx, a.ID)
		done <- err
	}()
	w.waitNotice("the sync to start", func(n engine.Notice) bool { return n.Kind == engine.NoticeSyncStarted })
	cancel() // the app's client gives up
	w.waitNotice("the sync to finish", func(n engine.Notice) bool {
		return n.Kind == engine.NoticeSyncFinished && n.AccountID == a.ID
	})
	if err := <-done; err != nil {
		t.Logf("the caller was told %v", err)
	}
	if got := w.account(a.ID).Balance; got != posted.Balance {
		t.Errorf("balance %d after the sync, want %d: the sync was not kept", got, posted.Balance)
	}
	if _, err := w.eng.Sync(context.Background(), a.ID); engine.ErrorCode(err) != engine.ERATELIMITED {
		t.Errorf("a sync at once after it: %v, want the 2-minute window's refusal", err)
	}
}
