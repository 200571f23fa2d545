package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// heldBank, once hold is set, holds the next sign-in until release is closed,
// having closed entered: a slow bank, at the moment a test chooses.
type heldBank struct {
	engine.Bank
	hold             atomic.Bool
	entered, release chan struct{}
}

func (b *heldBank) Login(ctx context.Context, institution, username, password string) (engine.LoginResult, error) {
	if b.hold.CompareAndSwap(true, false) {
		close(b.entered)
		<-b.release
	}
	return b.Bank.Login(ctx, institution, username, password)
}

// nothingFailedAfterReauth fails the test if a sync_failed or
// reauthorisation_required was sent after an account_reauthorized, and says
// whether one was sent.
func (w *world) nothingFailedAfterReauth(id string) (reauthorised bool) {
	w.t.Helper()
	for _, ev := range w.events(id) {
		switch {
		case ev.Type == engine.EventAccountReauthorized:
			reauthorised = true
		case reauthorised && (ev.Type == engine.EventSyncFailed || ev.Type == engine.EventReauthRequired):
			w.t.Fatalf("%s sent after account_reauthorized: %v", ev.Type, eventTypes(w.events(id)))
		}
	}
	return reauthorised
}

// autoSyncEvery sets automatic syncs every d.
func (w *world) autoSyncEvery(d time.Duration) {
	w.t.Helper()
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &d}); err != nil {
		w.t.Fatal(err)
	}
}

// rewrapped is a world opened again with its store and bank wrapped (either may be nil).
func rewrapped(t *testing.T, store func(engine.Store) engine.Store, bank func(engine.Bank) engine.Bank) *world {
	t.Helper()
	w := newWorld(t, worldOpts{})
	w.close()
	w.wrap, w.wrapBank = store, bank
	w.open()
	return w
}

// heldWorld is a world whose bank is a heldBank.
func heldWorld(t *testing.T) (*world, *heldBank) {
	t.Helper()
	hb := &heldBank{entered: make(chan struct{}), release: make(chan struct{})}
	w := rewrapped(t, nil, func(b engine.Bank) engine.Bank { hb.Bank = b; return hb })
	return w, hb
}

// reauthorise opens the account's re-authorisation and walks it, in the background,
// with password and the answers the bank expects: its error, once it has ended.
func (w *world) reauthorise(accountID, password string) <-chan error {
	w.t.Helper()
	st := w.openReauth(accountID)
	done := make(chan error, 1)
	go func() {
		st, err := w.eng.WidgetLogin(w.ctx, st.Session, "", password)
		for i := 0; err == nil && st.Status == engine.WidgetChallenge && i < 3; i++ {
			var ans string
			if ans, err = w.bank.ExpectedAnswer(st.Challenge.ID); err == nil {
				st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans)
			}
		}
		if err == nil && st.Status != engine.WidgetSuccess {
			err = engine.Errorf(engine.EINVALID, "the re-authorisation ended %s", st.Status)
		}
		done <- err
	}()
	return done
}

// A sync that signed in with the old password before the user re-authorised, and
// is refused after, does not undo the re-authorisation: it made the account need
// re-authorising again, said so in a webhook after account_reauthorized, and the
// re-authorisation's own sync — refused as SYNC_IN_PROGRESS — was dropped, so
// every sync after was refused without asking the bank (a concurrency review).
func TestASlowSyncDoesNotUndoAReauthorisation(t *testing.T) {
	w, hb := heldWorld(t)
	a, adam, manual := syncHeldAtTheOldPassword(t, w, hb)
	<-hb.entered // the manual sync is at the bank, with the old password

	w.post(adam, engine.Credit, 70_000) // what the re-authorisation's own sync brings
	w.drain()
	reauth := w.reauthorise(a.ID, "n3w-Passw0rd")
	w.waitNotice("account_reauthorized", func(n engine.Notice) bool { return n.EventType == engine.EventAccountReauthorized })
	close(hb.release) // the old password reaches the bank, after the new one was saved
	if res := <-manual; res.Code != engine.CodeReauthRequired {
		t.Fatalf("the manual sync with the old password = %+v; want REAUTHORISATION_REQUIRED", res)
	}
	if err := <-reauth; err != nil {
		t.Fatal(err)
	}

	got := w.account(a.ID)
	if got.ReauthRequired || got.LastCode != engine.CodeSyncSuccessful {
		t.Fatalf("after the re-authorisation: reauth required %v (%s), last code %s; want neither undone", got.ReauthRequired, got.ReauthReason, got.LastCode)
	}
	if got.Balance != a.Balance+70_000 {
		t.Fatalf("after the re-authorisation: balance %d, want %d: its own sync did not run", got.Balance, a.Balance+70_000)
	}
	after := false
	for _, ev := range w.events(a.ID) {
		switch {
		case ev.Type == engine.EventAccountReauthorized:
			after = true
		case after && ev.Type == engine.EventReauthRequired:
			t.Fatalf("reauthorisation_required sent after account_reauthorized (%s)", ev.ID)
		}
	}
	w.advance(3 * time.Minute)
	if res := w.sync(a.ID); res.Status != engine.StatusSyncSuccessful {
		t.Fatalf("the next sync = %+v; want successful", res)
	}
}

// rerunStore, once armed, runs every write once and rolls it back before running
// it for real: what the store's group commit does to the other writes of a batch
// when one of them fails ("the others run again without it").
type rerunStore struct {
	engine.Store
	armed atomic.Bool
}

var errRolledBack = errors.New("rolled back, to run again (test)")

func (s *rerunStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	if s.armed.Load() {
		err := s.Store.Update(ctx, func(tx engine.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errRolledBack
		})
		if !errors.Is(err, errRolledBack) {
			return err
		}
	}
	return s.Store.Update(ctx, fn)
}

// A stale refusal's write run twice says once that the account was re-authorised
// meanwhile: it said it twice, in the answer and in the job (a review).
func TestAStaleRefusalRunTwiceSaysSoOnce(t *testing.T) {
	rs := &rerunStore{}
	hb := &heldBank{entered: make(chan struct{}), release: make(chan struct{})}
	w := rewrapped(t, func(s engine.Store) engine.Store { rs.Store = s; return rs },
		func(b engine.Bank) engine.Bank { hb.Bank = b; return hb })
	a, _, manual := syncHeldAtTheOldPassword(t, w, hb)
	<-hb.entered
	w.drain()
	reauth := w.reauthorise(a.ID, "n3w-Passw0rd")
	w.waitNotice("account_reauthorized", func(n engine.Notice) bool { return n.EventType == engine.EventAccountReauthorized })
	rs.armed.Store(true)
	close(hb.release)
	res := <-manual
	if err := <-reauth; err != nil {
		t.Fatal(err)
	}
	const note = "(the account was re-authorised while this sync ran"
	if n := strings.Count(res.Message, note); n != 1 {
		t.Errorf("the stale refusal's answer says it was re-authorised %d times: %q", n, res.Message)
	}
	jobs, err := w.eng.SyncJobs(w.ctx, a.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range jobs {
		n := strings.Count(j.Message, note)
		found = found || n > 0
		if n > 1 {
			t.Errorf("job %s says it was re-authorised %d times: %q", j.ID, n, j.Message)
		}
	}
	if !found {
		t.Errorf("no job of %d says the refusal was stale", len(jobs))
	}
}

// syncHeldAtTheOldPassword connects Adam, changes his password at the bank once
// the connect's bank session has ended, and starts a manual sync, which signs in
// with the old password and is held at the bank (hb): its result comes on the
// channel once hb releases it.
func syncHeldAtTheOldPassword(t *testing.T, w *world, hb *heldBank) (engine.Account, simulator.Customer, <-chan engine.SyncResult) {
	t.Helper()
	adam := w.adam()
	a := w.connect(adam)
	w.advance(20 * time.Minute) // the connect's bank session has ended: a sync signs in
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	hb.hold.Store(true)
	manual := make(chan engine.SyncResult, 1)
	go func() {
		res, err := w.eng.Sync(w.ctx, a.ID)
		if err != nil {
			res.Message = err.Error()
		}
		manual <- res
	}()
	return a, adam, manual
}

// outageOnceBank, armed, answers the next balance read as a bank that went down,
// having first run change (the password changed at the bank, say).
type outageOnceBank struct {
	engine.Bank
	armed  atomic.Bool
	change func()
}

func (b *outageOnceBank) Balance(ctx context.Context, s engine.Secret, account string) (int64, error) {
	if b.armed.CompareAndSwap(true, false) {
		b.change()
		return 0, engine.Errorf(engine.EUNAVAILABLE, "the bank is down")
	}
	return b.Bank.Balance(ctx, s, account)
}

// Within a jump, a round that signed in and then failed (the bank down) leaves the
// next round a session the store never had; the password refused at that next
// round is the account's, not stale: it needs re-authorising, and
// reauthorisation_required is sent (a review: a check of the session taken for a
// re-authorisation's mark let it pass unsaid).
func TestAJumpsRefusalAfterAnOutageIsNotStale(t *testing.T) {
	ob := &outageOnceBank{}
	w := rewrapped(t, nil, func(b engine.Bank) engine.Bank { ob.Bank = b; return ob })
	adam := w.adam()
	a := w.connect(adam)
	w.autoSyncEvery(6 * time.Hour)
	ob.change = func() {
		if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
			t.Error(err)
		}
	}
	ob.armed.Store(true)
	w.advance(24 * time.Hour)
	if got := w.account(a.ID); !got.ReauthRequired || got.LastCode != engine.CodeReauthRequired {
		t.Fatalf("after the jump: reauth required %v, last code %s; want the refused password said", got.ReauthRequired, got.LastCode)
	}
	if !slices.Contains(eventTypes(w.events(a.ID)), engine.EventReauthRequired) {
		t.Fatalf("events %v: no reauthorisation_required", eventTypes(w.events(a.ID)))
	}
}

// An automatic sync refused with the old password after the user re-authorised
// sends no sync_failed: the user has acted, and an app that asks for a
// re-authorisation on it sent the user round again (a review).
func TestAStaleAutomaticRefusalSendsNothing(t *testing.T) {
	w, hb := heldWorld(t)
	adam := w.adam()
	a := w.connect(adam)
	w.autoSyncEvery(6 * time.Hour)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	hb.hold.Store(true)
	jumped := make(chan error, 1)
	go func() { jumped <- w.clock.Advance(6 * time.Hour) }() // the round's sign-in is held
	<-hb.entered
	w.drain()
	reauth := w.reauthorise(a.ID, "n3w-Passw0rd")
	w.waitNotice("account_reauthorized", func(n engine.Notice) bool { return n.EventType == engine.EventAccountReauthorized })
	close(hb.release)
	if err := <-jumped; err != nil {
		t.Fatal(err)
	}
	if err := <-reauth; err != nil {
		t.Fatal(err)
	}
	w.nothingFailedAfterReauth(a.ID)
	if got := w.account(a.ID); got.ReauthRequired {
		t.Fatalf("after: reauth required (%s)", got.ReauthReason)
	}
}

// midCommitStore, armed with a test, holds the write transaction whose writes pass
// test — once they have run, before it commits — until release is closed, having
// closed ran: a re-authorisation's write at the moment a test chooses.
type midCommitStore struct {
	engine.Store
	test         atomic.Pointer[func(engine.Tx) bool]
	ran, release chan struct{}
	fail         atomic.Pointer[func(engine.Tx) bool] // the write whose writes pass it fails, having run
}

func (s *midCommitStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, func(tx engine.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if test := s.test.Load(); test != nil && (*test)(tx) && s.test.CompareAndSwap(test, nil) {
			close(s.ran)
			<-s.release
		}
		if fail := s.fail.Load(); fail != nil && (*fail)(tx) && s.fail.CompareAndSwap(fail, nil) {
			return engine.Errorf(engine.ENOSPACE, "the disk is full (a test)")
		}
		return nil
	})
}

// nextLoginBank calls next, once, as the next sign-in comes, before it.
type nextLoginBank struct {
	engine.Bank
	next atomic.Pointer[func()]
}

func (b *nextLoginBank) Login(ctx context.Context, institution, username, password string) (engine.LoginResult, error) {
	if f := b.next.Swap(nil); f != nil {
		(*f)()
	}
	return b.Bank.Login(ctx, institution, username, password)
}

// Within a jump, a round starts from the account as the round before left it while
// that write still commits, and the rounds after it from that round's write. A
// re-authorisation whose write runs in the same transaction, before the next round
// begins, was unknown to what that round started from: it signed in with the old
// password, and its refusal — recorded as real, the account flagged just after it
// was re-authorised (a review); then stale, but so was every round after it, none
// asking the bank, until the jump ended (another). A round now signs in as the
// re-authorisation left the account.
func TestARoundChainedOnAWriteBeforeAReauthorisationSignsInAsReauthorised(t *testing.T) {
	ms := &midCommitStore{ran: make(chan struct{}), release: make(chan struct{})}
	nb := &nextLoginBank{}
	w := rewrapped(t, func(s engine.Store) engine.Store { ms.Store = s; return ms }, func(b engine.Bank) engine.Bank { nb.Bank = b; return nb })
	adam := w.adam()
	a := w.connect(adam)
	w.autoSyncEvery(6 * time.Hour)
	const newPassword = "n3w-Passw0rd"
	// Between the round at +6h (the old password, still right) and the one at +12h,
	// the password changes at the bank and the user re-authorises: its write runs
	// in the transaction that holds the first round's write, and is held there
	// until the next round signs in.
	isReauth := func(tx engine.Tx) bool {
		cur, err := tx.Account(a.ID)
		return err == nil && cur.Credentials.Password.Reveal() == newPassword
	}
	var reauth <-chan error
	w.clock.AfterFunc(w.clock.Now().Add(9*time.Hour), func() {
		if err := w.bank.ChangePassword(adam.ID, newPassword); err != nil {
			t.Error(err)
		}
		ms.test.Store(&isReauth)
		reauth = w.reauthorise(a.ID, newPassword)
		<-ms.ran // the re-authorisation's write has run; it has not committed
		nb.next.Store(new(func() { close(ms.release) }))
	})
	w.advance(36*time.Hour + time.Minute)
	if err := <-reauth; err != nil {
		t.Fatal(err)
	}
	w.drain()
	after := w.nothingFailedAfterReauth(a.ID)
	if !after {
		t.Fatalf("no account_reauthorized: %v", eventTypes(w.events(a.ID)))
	}
	if got := w.account(a.ID); got.ReauthRequired {
		t.Fatalf("after: reauth required (%s), last %s %q", got.ReauthReason, got.LastCode, got.LastMessage)
	}
	// No round was refused: each signed in as the re-authorisation left the
	// account, even those that started from a write made before it.
	jobs, err := w.eng.SyncJobs(w.ctx, a.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Code == engine.CodeReauthRequired {
			t.Fatalf("a sync at %s was refused: %q", j.StartedAt, j.Message)
		}
	}
}

// A re-authorisation whose write fails gives the automatic syncs nothing: they
// sign in with what is stored. They took the sign-in it noted as its write ran —
// a password the account never had saved — and a round's success cleared the
// account's flag, the password the bank refused still stored (a review).
func TestAReauthorisationNotSavedGivesTheRoundsNothing(t *testing.T) {
	ms := &midCommitStore{}
	w := rewrapped(t, func(s engine.Store) engine.Store { ms.Store = s; return ms }, nil)
	adam := w.adam()
	a := w.connect(adam)
	w.autoSyncEvery(6 * time.Hour)
	const newPassword = "n3w-Passw0rd"
	if err := w.bank.ChangePassword(adam.ID, newPassword); err != nil {
		t.Fatal(err)
	}
	w.advance(20 * time.Minute)
	if res := w.sync(a.ID); res.Code != engine.CodeReauthRequired {
		t.Fatalf("the sync after the password changed = %+v", res)
	}
	isReauth := func(tx engine.Tx) bool {
		cur, err := tx.Account(a.ID)
		return err == nil && cur.Credentials.Password.Reveal() == newPassword
	}
	ms.fail.Store(&isReauth)
	if err := <-w.reauthorise(a.ID, newPassword); err == nil {
		t.Fatal("the re-authorisation whose write failed succeeded")
	}
	w.advance(12 * time.Hour)
	if got := w.account(a.ID); !got.ReauthRequired {
		t.Fatalf("after the jump: reauth required %v, last %s %q; want the account still to need it", got.ReauthRequired, got.LastCode, got.LastMessage)
	}
}

// A reauth token that opens no session — as many are open as sandbank keeps —
// is not spent: it was answered 429, and then refused as used.
func TestAReauthTokenThatOpensNoSessionIsNotSpent(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	engine.SetMaxWidgetSessions(t, 2)
	for i := 0; ; i++ { // the connect's session may still count
		st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
		if e, ok := engine.AsError(err); ok && e.Reason == "TOO_MANY_SESSIONS" {
			break
		} else if err != nil || i == 2 {
			t.Fatalf("session %d past a bound of 2: %v", i+1, err)
		}
		if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", ""); err != nil { // in use: it makes no way
			t.Fatal(err)
		}
	}
	tok, err := w.eng.RequestReauth(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
	if e, ok := engine.AsError(err); !ok || e.Reason != "TOO_MANY_SESSIONS" {
		t.Fatalf("a reauth session past the bound: %v; want TOO_MANY_SESSIONS", err)
	}
	engine.SetMaxWidgetSessions(t, 100)
	if _, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token}); err != nil {
		t.Errorf("the token that opened no session, once there is room: %v", err)
	}
}

// A re-authorisation opened again after the bank refused the saved password asks
// for the new one without trying the saved one again: each opening counted a
// wrong attempt, and three opened and closed locked the login, while the widget
// said one attempt was left (a presenter's trial).
func TestReauthOpenedAgainDoesNotRetryARefusedPassword(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	var st engine.WidgetState
	for i := range 4 { // each opened, and left without a word
		st = w.openReauth(a.ID)
		if st.Status != engine.WidgetLogin || !st.PasswordRejected {
			t.Fatalf("opening %d: %s, password rejected %v; want the password asked for", i+1, st.Status, st.PasswordRejected)
		}
	}
	if left := w.bank.AttemptsLeft(adam.Accounts[0].Institution.Code, adam.Username); left != engine.MaxWidgetAttempts-1 {
		t.Errorf("after four openings the bank takes %d more wrong attempts; want %d: only the first tried the saved password", left, engine.MaxWidgetAttempts-1)
	}
	if st.AttemptsLeft != engine.MaxWidgetAttempts-1 {
		t.Errorf("the widget says %d attempts are left; want %d", st.AttemptsLeft, engine.MaxWidgetAttempts-1)
	}
	st, err := w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd")
	if err != nil || st.Status == engine.WidgetLocked {
		t.Fatalf("the new password: %s, %v", st.Status, err)
	}
}

// A re-authorisation whose try of the saved password was the last the bank took
// says the login is locked: it said one attempt was left, and the right password
// then met the lock.
func TestReauthWhoseSavedPasswordLocksTheLoginSaysSo(t *testing.T) {
	w, a := oneAttemptLeft(t)
	st := w.openReauth(a.ID)
	if st.Status != engine.WidgetLocked || st.LockedUntil.IsZero() || st.AttemptsLeft != 0 {
		t.Errorf("re-authorisation whose saved password met the bank's last attempt: %s, %d attempts left, locked until %v; want locked", st.Status, st.AttemptsLeft, st.LockedUntil)
	}
}

// A refusal of the saved password is forgotten once the bank takes it again: the
// user changed the password back, and re-authorised with it; every later
// re-authorisation said the password was rejected, until a restart (a review).
func TestARefusedPasswordIsForgottenOnceTheBankTakesIt(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	old := adam.Password
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	if st := w.openReauth(a.ID); !st.PasswordRejected {
		t.Fatal("after a password change at the bank the saved one was not rejected")
	}
	if err := w.bank.ChangePassword(adam.ID, old); err != nil {
		t.Fatal(err)
	}
	if err := <-w.reauthorise(a.ID, old); err != nil {
		t.Fatalf("re-authorising with the password as it was: %v", err)
	}
	if st := w.openReauth(a.ID); st.PasswordRejected {
		t.Errorf("after a re-authorisation the bank took, the next says the saved password was rejected (%s)", st.Status)
	}
}

// A session locked by the try of the saved password says, once the lock ends,
// that the saved password was refused, as a session opened then does.
func TestALockBySavedPasswordSaysItWasRefusedAtTheUnlock(t *testing.T) {
	w, a := oneAttemptLeft(t)
	st := w.openReauth(a.ID)
	if st.Status != engine.WidgetLocked {
		t.Fatalf("status %s; want locked", st.Status)
	}
	w.advance(st.LockedUntil.Sub(w.clock.Now()) + time.Second)
	after, err := w.eng.Widget(st.Session)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != engine.WidgetLogin || !after.PasswordRejected {
		t.Errorf("at the unlock the session is %s, password rejected %v; want the password asked for, the saved one said refused", after.Status, after.PasswordRejected)
	}
}

// oneAttemptLeft is a world whose account's password the bank changed, and whose
// login then took wrong passwords until one attempt was left: the saved
// password's try is the bank's last.
func oneAttemptLeft(t *testing.T) (*world, engine.Account) {
	t.Helper()
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	code := adam.Accounts[0].Institution.Code
	for range engine.MaxWidgetAttempts - 1 {
		if _, err := w.bank.Login(w.ctx, code, adam.Username, "wrong"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
			t.Fatalf("a wrong password: %v", err)
		}
	}
	return w, a
}

// failNextStore, armed, runs the next Update's fn and then fails it, rolled back: a
// write whose commit failed (a full disk, say).
type failNextStore struct {
	engine.Store
	failNext atomic.Bool
}

var errNotCommitted = errors.New("the write could not be committed (test)")

func (s *failNextStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	if s.failNext.CompareAndSwap(true, false) {
		return s.Store.Update(ctx, func(tx engine.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errNotCommitted
		})
	}
	return s.Store.Update(ctx, fn)
}

// A re-authorisation whose write fails leaves the saved password as it was, refused
// by the bank, and the engine still knows it: the next session does not try it
// again, which would count a wrong attempt at the bank. The write forgot the
// refusal as it ran, before it failed (a review).
func TestAReauthWhoseWriteFailsStillKnowsTheRefusedPassword(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("write-fails=%v", fail), func(t *testing.T) {
			fs := &failNextStore{}
			w := rewrapped(t, func(s engine.Store) engine.Store { fs.Store = s; return fs }, nil)
			adam := w.adam()
			a := w.connect(adam)
			w.advance(20 * time.Minute)
			if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
				t.Fatal(err)
			}
			if st := w.openReauth(a.ID); !st.PasswordRejected {
				t.Fatalf("the first session = %+v; want the saved password refused", st)
			} else if fail {
				st, err := w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd")
				for i := 0; err == nil && st.Status == engine.WidgetChallenge && i < 3; i++ {
					ans, aerr := w.bank.ExpectedAnswer(st.Challenge.ID)
					if aerr != nil {
						t.Fatal(aerr)
					}
					fs.failNext.Store(true)
					st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans)
				}
				if !errors.Is(err, errNotCommitted) {
					t.Fatalf("the re-authorisation whose write fails = %+v, %v; want its write's error", st, err)
				}
				if w.account(a.ID).Reauths != 0 {
					t.Fatal("the failed re-authorisation was stored")
				}
			}
			inst, user := a.Institution.Code, adam.Username
			before := w.bank.AttemptsLeft(inst, user)
			w.openReauth(a.ID)
			if after := w.bank.AttemptsLeft(inst, user); after < before {
				t.Fatalf("the next session tried the saved password the bank refused: attempts left %d, then %d", before, after)
			}
		})
	}
}
