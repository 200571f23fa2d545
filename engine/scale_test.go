package engine_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// A sync that brings nothing new adds a few bytes to the file, not a record: it
// counts on the latest snapshot and job (Repeats, LastAt) and sends no
// account_updated. A year of them, every 6 h, stays under 200 bytes each.
func TestSyncsWithNothingNewCountOnTheLastRecord(t *testing.T) {
	w := newWorld(t, worldOpts{})
	six := 6 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
	adam := w.adam() // dormant: his balance moves only when a test moves it
	a := w.connect(adam)
	w.advance(30 * 24 * time.Hour) // the history settles: compaction, pages
	w.until("the connect's webhooks are delivered", w.allDelivered(a.ID))
	before, _, err := w.db.Usage()
	if err != nil {
		t.Fatal(err)
	}
	jobs0, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	events0 := len(w.events(a.ID))

	const days = 365
	w.advance(days * 24 * time.Hour)
	after, _, err := w.db.Usage()
	if err != nil {
		t.Fatal(err)
	}
	syncs := days * 4
	if per := float64(after-before) / float64(syncs); per > 200 {
		t.Errorf("%d syncs with nothing new grew the file's pages in use by %d bytes: %.0f bytes each, want at most 200", syncs, after-before, per)
	}
	jobs, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	snaps, _ := w.eng.Snapshots(w.ctx, a.ID, 0)
	if len(jobs) != len(jobs0) || jobs[0].Trigger != engine.TriggerAuto || jobs[0].Repeats < syncs {
		t.Errorf("jobs after a year of syncs with nothing new: %d (was %d), the latest repeated %d times; want none added, %d more repeats",
			len(jobs), len(jobs0), jobs[0].Repeats, syncs)
	}
	if !jobs[0].LastAt.Equal(w.account(a.ID).LastAttemptAt) {
		t.Errorf("the latest job's last repeat at %v, the last sync at %v", jobs[0].LastAt, w.account(a.ID).LastAttemptAt)
	}
	if len(snaps) == 0 || snaps[0].Repeats < syncs || !snaps[0].LastAt.Equal(jobs[0].LastAt) {
		t.Errorf("%d snapshots, the latest %+v; want it counting every sync", len(snaps), snaps[0])
	}
	if n := len(w.events(a.ID)); n != events0 {
		t.Errorf("%d events after syncs with nothing new, want %d: no account_updated without new data", n, events0)
	}
	t.Logf("%d syncs with nothing new: %d bytes (%.1f a sync)", syncs, after-before, float64(after-before)/float64(syncs))

	// New data again: a snapshot, a job and an account_updated of their own (and the
	// history older than 30 days goes).
	w.post(adam, engine.Debit, 1_000)
	w.advance(six)
	evs := w.events(a.ID)
	if last := evs[len(evs)-1]; last.Type != engine.EventAccountUpdated || !last.CreatedAt.Equal(w.account(a.ID).LastSyncedAt) {
		t.Fatalf("after new data the events are %v", eventTypes(evs))
	}
	if jobs, _ := w.eng.SyncJobs(w.ctx, a.ID, 1); !jobs[0].HasNewData || jobs[0].Repeats != 0 {
		t.Fatalf("the sync with new data counted on the job before: %+v", jobs[0])
	}
}

// A manual sync that finds nothing new answers hasNewData false and sends no
// account_updated; one with new data sends it; a re-authorisation sends it with or
// without new data (R8).
func TestAccountUpdatedOnlyWithNewData(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.until("the connect's webhooks are delivered", w.allDelivered(a.ID))
	n := len(w.recv.delivered())
	w.advance(engine.RateLimitWindow)
	if res := w.sync(a.ID); res.HasNewData || res.Status != engine.StatusSyncSuccessful {
		t.Fatalf("a sync with nothing new = %+v", res)
	}
	w.advance(engine.RateLimitWindow)
	w.post(adam, engine.Credit, 5_000)
	if res := w.sync(a.ID); !res.HasNewData {
		t.Fatalf("a sync after a credit = %+v", res)
	}
	got := w.recv.await(t, n+1)
	if types := deliveredTypes(got[n:]); !slices.Equal(types, []string{engine.EventAccountUpdated}) {
		t.Fatalf("after a sync without and one with new data, delivered %v; want one account_updated", types)
	}
	jobs, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	if jobs[0].Trigger != engine.TriggerManual || jobs[1].Trigger != engine.TriggerManual || jobs[1].Repeats != 0 {
		t.Fatalf("jobs %+v: the manual sync with nothing new should stand alone, not count on the connect's (another trigger)", jobs)
	}
}

// Manual syncs that fail alike are jobs of their own: each sends its webhooks, and
// v2's account_updated names the job — three failures minutes apart carried one
// job_id, which a receiver that drops duplicate jobs would have taken for one.
func TestManualFailuresAreJobsOfTheirOwn(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for range 3 {
		w.advance(engine.RateLimitWindow + time.Minute)
		res := w.sync(a.ID)
		if res.Code != engine.CodeReauthRequired {
			t.Fatalf("a sync after the password changed = %+v", res)
		}
		ids[res.Job.ID] = true
	}
	if len(ids) != 3 {
		t.Fatalf("three failed manual syncs made %d jobs; want 3", len(ids))
	}
	for _, ev := range w.events(a.ID) {
		if ev.Type == engine.EventReauthRequired {
			delete(ids, ev.Facts.Job.ID)
		}
	}
	if len(ids) != 0 {
		t.Fatalf("jobs %v sent no event of their own", ids)
	}
}

// An automatic sync that fails as the one before it did (an MFA account whose bank
// asks for an OTP every round) tells the business once: later rounds count on the
// failed job and send neither reauthorisation_required nor sync_failed again.
func TestRepeatedAutomaticFailureIsToldOnce(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Institution: "058", Balance: 100_000, MFA: engine.MFAOTP})
	a := w.connect(c)
	day := 24 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	w.advance(10 * day) // the bank session ends within the first day: every round fails
	var failed []string
	for _, ev := range w.events(a.ID) {
		if ev.Type == engine.EventReauthRequired || ev.Type == engine.EventSyncFailed {
			failed = append(failed, ev.Type)
		}
	}
	if !slices.Equal(failed, []string{engine.EventReauthRequired, engine.EventSyncFailed}) {
		t.Fatalf("ten failing rounds sent %v; want reauthorisation_required and sync_failed once", failed)
	}
	jobs, _ := w.eng.SyncJobs(w.ctx, a.ID, 1)
	if j := jobs[0]; j.Status != engine.StatusSyncFailed || j.Code != engine.CodeReauthRequired || j.Repeats != 9 {
		t.Fatalf("the latest job = %+v; want the failure, repeated 9 times", j)
	}
}

// countingStore counts what auto-sync rounds read: the index, and accounts.
type countingStore struct {
	engine.Store
	accounts, scans *atomic.Int64
}

type countingTx struct {
	engine.Tx
	accounts, scans *atomic.Int64
}

func (s countingStore) View(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.View(ctx, func(tx engine.Tx) error { return fn(countingTx{tx, s.accounts, s.scans}) })
}

func (t countingTx) Account(id string) (engine.Account, error) {
	t.accounts.Add(1)
	return t.Tx.Account(id)
}

func (t countingTx) Accounts() ([]engine.Account, error) {
	t.scans.Add(1)
	return t.Tx.Accounts()
}

// An auto-sync round finds its accounts in the index of due times: with accounts
// due at their own times, a day's rounds read each account a few times, never all
// of them.
func TestAutoSyncRoundsReadOnlyTheirAccounts(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	day := 24 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	const n = 40
	var ids []string
	for i := range n { // each connects 36 minutes after the one before: its own due time
		c := w.customer(simulator.NewCustomer{Institution: []string{"044", "058", "057", "011"}[i%4], Balance: 100_000})
		ids = append(ids, w.connect(c).ID)
		w.advance(day / n)
	}
	w.close()
	var accounts, scans atomic.Int64
	w.wrap = func(s engine.Store) engine.Store { return countingStore{s, &accounts, &scans} }
	w.open()
	accounts.Store(0)
	w.advance(day)
	if s := scans.Load(); s != 0 {
		t.Errorf("a day of rounds read every account %d times", s)
	}
	if got := accounts.Load(); got > 3*n {
		t.Errorf("a day of %d rounds, one account each, read %d accounts; want a few per sync", n, got)
	}
	for _, id := range ids {
		if a := w.account(id); a.LastAttemptAt.Before(w.clock.Now().Add(-day)) {
			t.Fatalf("account %s was not synced in the day (last %v)", id, a.LastAttemptAt)
		}
	}
}

// A webhook attempt writes a small record of its own; an event that fails for
// days keeps its first failures one by one and then counts identical ones on the
// last record, so its history stays a few dozen records however long it fails.
// The outbox catches up after the jump on the documented schedule, and the first
// attempt after the receiver is back delivers it.
func TestLongFailuresCollapse(t *testing.T) {
	logs := &syncBuffer{}
	w := newWorld(t, worldOpts{logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	adam := w.adam()
	w.recv.failFirst.Store(1 << 40) // down: 503 to everything
	a := w.connect(adam)
	w.advance(5 * 24 * time.Hour)
	w.poll("the outbox catches up with five days", func() bool {
		ok, err := w.eng.OutboxSettled(w.ctx)
		return err == nil && ok
	})
	ev := w.events(a.ID)[0]
	// 30 s … 32 m, then hourly: 7 back-off attempts in the first 63.5 minutes, then
	// one an hour over five days.
	if ev.AttemptsMade < 100 || ev.Failures != ev.AttemptsMade || ev.Status != engine.DeliveryPending {
		t.Fatalf("after five days down: %d attempts made, %d failures, %s", ev.AttemptsMade, ev.Failures, ev.Status)
	}
	if len(ev.Attempts) != engine.CollapseFailuresAfter+1 {
		t.Fatalf("%d attempt records for %d attempts; want %d kept one by one and one run", len(ev.Attempts), ev.AttemptsMade, engine.CollapseFailuresAfter+1)
	}
	// The log warns of a failure as the records keep it: one by one, then the
	// run's first; its repeats at debug (a warning a retry made 370 MB of log a
	// real hour in a soak trial).
	if n := strings.Count(logs.String(), "id="+ev.ID); n != engine.CollapseFailuresAfter+1 {
		t.Fatalf("%d warnings of %d failed attempts; want %d", n, ev.AttemptsMade, engine.CollapseFailuresAfter+1)
	}
	run := ev.Attempts[len(ev.Attempts)-1]
	if run.N != engine.CollapseFailuresAfter+1 || run.Last() != ev.AttemptsMade || run.LastAt.Sub(run.At) != time.Duration(run.Repeats)*time.Hour {
		t.Fatalf("the run = %+v; want attempts %d to %d, an hour apart", run, engine.CollapseFailuresAfter+1, ev.AttemptsMade)
	}
	for i, at := range ev.Attempts[:len(ev.Attempts)-1] {
		if at.N != i+1 || at.Repeats != 0 || !strings.Contains(at.Error, "503") {
			t.Fatalf("attempt record %d = %+v", i, at)
		}
	}
	// Newest first, page by page.
	page, err := w.eng.Attempts(w.ctx, ev.ID, 0, 3)
	if err != nil || len(page) != 3 || page[0].N != run.N || page[2].N != engine.CollapseFailuresAfter-1 {
		t.Fatalf("the newest page of attempts = %+v, %v", page, err)
	}
	older, err := w.eng.Attempts(w.ctx, ev.ID, page[2].N, 100)
	if err != nil || len(older) != engine.CollapseFailuresAfter-2 || older[len(older)-1].N != 1 {
		t.Fatalf("the older attempts = %d records, %v", len(older), err)
	}
	if _, err := w.eng.Attempts(w.ctx, "no-such-event", 0, 10); engine.ErrorCode(err) != engine.ENOTFOUND || !strings.Contains(engine.ErrorMessage(err), "GET /sandbox/webhooks") {
		t.Fatalf("attempts of an unknown event = %v", err)
	}

	w.recv.failFirst.Store(0) // back up
	w.advance(time.Hour)
	w.until("everything is delivered", w.allDelivered(a.ID))
	ev = w.events(a.ID)[0]
	if last := ev.Attempts[len(ev.Attempts)-1]; last.Error != "" || last.N != ev.AttemptsMade || ev.Failures != 0 {
		t.Fatalf("after the receiver came back: last attempt %+v, %d failures", last, ev.Failures)
	}
}

func deliveredTypes(ds []delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Event
	}
	return out
}

// heldStore holds the commit of the first submitted write until released, and
// then, with failFirst, fails it.
type heldStore struct {
	engine.Store
	submitted *atomic.Int64
	release   chan struct{}
	failFirst bool
}

func (s heldStore) Submit(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	s.Store.Submit(ctx, s.hold(fn), done)
}

func (s heldStore) Defer(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	s.Store.Defer(ctx, s.hold(fn), done)
}

// hold is fn, or for the first write submitted, fn once released.
func (s heldStore) hold(fn func(engine.Tx) error) func(engine.Tx) error {
	if s.submitted.Add(1) != 1 {
		return fn
	}
	return func(tx engine.Tx) error {
		<-s.release // the disk is slow: nothing queued behind this commits either
		if s.failFirst {
			return errors.New("no space left on device")
		}
		return fn(tx)
	}
}

// heldWrites is a world with automatic syncs every day and Adam connected, whose
// store holds the first write submitted (and fails it, if failFirst) until jump
// has seen days rounds fetch and submit: jump(days) advances that many days.
func heldWrites(t *testing.T, failFirst bool) (w *world, adam simulator.Customer, a engine.Account, jump func(days int)) {
	t.Helper()
	w = newWorld(t, worldOpts{noURL: true})
	day := 24 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	adam = w.adam()
	a = w.connect(adam)
	w.close()
	var submitted atomic.Int64
	release := make(chan struct{})
	w.wrap = func(s engine.Store) engine.Store {
		return heldStore{Store: s, submitted: &submitted, release: release, failFirst: failFirst}
	}
	w.open()
	return w, adam, a, func(days int) {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- w.clock.Advance(time.Duration(days) * day) }()
		w.poll(fmt.Sprintf("%d rounds have fetched and submitted", days), func() bool { return submitted.Load() >= int64(days) })
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// A round does not wait for the account's previous write to commit: it syncs from
// where that write leaves the account, so the rounds of a jump go on while the
// disk catches up.
func TestRoundsDoNotWaitForTheAccountsLastWrite(t *testing.T) {
	w, adam, a, jump := heldWrites(t, false)
	day := 24 * time.Hour
	for i := range 3 {
		w.post(adam, engine.Credit, int64(1_000+i))
	}
	jump(3) // the first round's write is held; the next two rounds must not wait for it
	jobs, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	if got := w.account(a.ID); !got.LastSyncedAt.Equal(adamStart.Add(3*day)) || got.Balance != 1_000_000+1_000+1_001+1_002 {
		t.Fatalf("after three rounds the account was synced at %v with balance %d; jobs %+v", got.LastSyncedAt, got.Balance, jobs)
	}
}

// When a write a later round started from was not saved, the later one is dropped
// rather than leave a gap: a round after it syncs from what is stored, and no
// transaction is lost.
func TestARoundAfterALostWriteLeavesNoGap(t *testing.T) {
	w, adam, a, jump := heldWrites(t, true)
	day := 24 * time.Hour
	early := w.post(adam, engine.Credit, 1_000) // only the first round fetches it
	// Every round fetches from where the one before leaves the account, while the
	// first round's write waits; then it fails.
	jump(4)
	w.advance(day) // the next round reads what is stored
	page, err := w.eng.Transactions(w.ctx, engine.TxQuery{AccountID: a.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range page.Transactions {
		if x.ID == early.ID {
			return
		}
	}
	t.Fatalf("the posting before the lost write (%s) was never stored: a round that started from that write left a gap", early.ID)
}

// A round that builds on a write that is then lost, and fails at the bank, does
// not strand the account: its failure is not recorded over a schedule that never
// moved (the stored due time would stay in the past, below every later round's
// look, and the account would never be synced automatically again).
func TestAFailedRoundAfterALostWriteKeepsTheSchedule(t *testing.T) {
	w, adam, a, jump := heldWrites(t, true)
	day := 24 * time.Hour
	start := w.clock.Now()
	// After the first round, the bank refuses the stored password: rounds two to
	// four fail at the bank, each building on the round before.
	w.clock.AfterFunc(start.Add(day+day/2), func() {
		if err := w.bank.ChangePassword(adam.ID, "N3w-passw0rd!"); err != nil {
			t.Error(err)
		}
	})
	jump(4)
	for range 3 {
		before := w.account(a.ID)
		w.advance(day)
		got := w.account(a.ID)
		if !got.NextAutoSyncAt.After(w.clock.Now()) || !got.LastAttemptAt.After(before.LastAttemptAt) {
			t.Fatalf("a day later (%s) the account's next automatic sync is %s and its last attempt %s (before: %s): it is no longer synced",
				w.clock.Now().Format(time.DateTime), got.NextAutoSyncAt.Format(time.DateTime), got.LastAttemptAt.Format(time.DateTime),
				before.LastAttemptAt.Format(time.DateTime))
		}
	}
}

// A jump waits for a round overdue when it began — sandbank started after a crash
// in the middle of a jump, with accounts due before the clock it saved — instead of
// leaving it to run on its own goroutine while the jump went on without it: with
// one advance after another (the crash test's client), the round ran years late or
// never, no automatic sync ran again, and the crash test's clock reached the
// world's end in seconds.
func TestAJumpWaitsForAnOverdueRound(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	six := 6 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, p := range []string{simulator.ProfileTrader, simulator.ProfileBusiness, simulator.ProfileSalaryEarner, simulator.ProfileStudent} {
		c, err := w.bank.AddCustomer(simulator.NewCustomer{Institution: []string{"044", "058", "057", "011"}[i], Balance: 5_000_000, Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.connect(c).ID)
	}
	for range 3 {
		w.close()
		w.advance(3 * 24 * time.Hour) // sandbank was off: every account is overdue
		w.open()
		// At once, one jump after another, as a script does.
		for range 2 {
			w.advance(30 * 24 * time.Hour)
		}
		for _, id := range ids {
			if last := w.account(id).LastSyncedAt; w.clock.Now().Sub(last) > six {
				t.Fatalf("account %s last synced at %s, the clock at %s: its automatic syncs stopped", id, last, w.clock.Now())
			}
		}
	}
}

// viewHook runs hook after the first View once armed: between a round's read of
// the schedule and its arming of the next round.
type viewHook struct {
	engine.Store
	armed *atomic.Bool
	hook  func()
}

func (s viewHook) View(ctx context.Context, fn func(engine.Tx) error) error {
	err := s.Store.View(ctx, fn)
	if s.armed.CompareAndSwap(true, false) {
		s.hook()
	}
	return err
}

// An account connected while a round runs — after the round read the schedule,
// before it armed the next — keeps the timer its connect armed: the round, which
// found nothing after it, stopped that timer, and the new account was never synced
// automatically.
func TestAConnectDuringARoundKeepsItsTimer(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	day := 24 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	w.close()
	var armed atomic.Bool
	var late engine.Account
	w.wrap = func(s engine.Store) engine.Store {
		return viewHook{Store: s, armed: &armed, hook: func() {
			c := w.customer(simulator.NewCustomer{Institution: "058", Balance: 1_000_000, Username: "latecomer"})
			var err error
			if late, err = connect(w.ctx, w.eng, w.bank, c.ID, c.Accounts[0].Institution.Code); err != nil {
				t.Error(err)
			}
		}}
	}
	w.open()
	gone := w.connect(w.adam())
	if err := w.eng.Unlink(w.ctx, gone.ID); err != nil { // its timer stays: a round that finds nothing
		t.Fatal(err)
	}
	armed.Store(true)
	w.advance(day) // the round at the old account's time; the latecomer connects in it
	if late.ID == "" {
		t.Fatal("the latecomer did not connect during the round")
	}
	w.advance(day + time.Hour)
	if got := w.account(late.ID); !got.LastSyncedAt.After(late.LastSyncedAt) {
		t.Fatalf("a day after connecting, the latecomer was last synced at %s, when it connected: its automatic sync never ran (next due %s)",
			got.LastSyncedAt.Format(time.DateTime), got.NextAutoSyncAt.Format(time.DateTime))
	}
}

// A jump's automatic syncs are deferred (Store.Defer) and commit together at its
// end, with the clock's new state, not one fsync'd commit at every due time: a day
// over ten accounts due at ten moments commits once, and every sync is stored when
// Advance returns.
func TestAJumpCommitsItsSyncsTogether(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	day := 24 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 10 {
		c := w.customer(simulator.NewCustomer{Institution: "044", Balance: 1_000_000, Username: "jump" + string(rune('a'+i))})
		ids = append(ids, w.connect(c).ID)
		if err := w.clock.Advance(day / 10); err != nil {
			t.Fatal(err)
		}
	}
	var commits atomic.Int64
	w.db.KeepClock(func() engine.ClockState { commits.Add(1); return w.clock.State() })
	if err := w.clock.Advance(day); err != nil {
		t.Fatal(err)
	}
	if n := commits.Load(); n != 1 {
		t.Errorf("a day over ten accounts due at ten moments made %d commits, want 1", n)
	}
	for _, id := range ids {
		a := w.account(id)
		if got, want := a.LastAttemptAt, a.NextAutoSyncAt.Add(-day); !got.Equal(want) || !got.After(w.clock.Now().Add(-day)) {
			t.Errorf("account %s: last attempt %v, next %v: not synced by the jump", id, got, a.NextAutoSyncAt)
		}
	}
}
