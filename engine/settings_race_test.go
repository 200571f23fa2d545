package engine_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// beforeUpdate runs hook, once armed, just before the next Update reaches the
// store: a request that arrives while another's write waits in the queue.
type beforeUpdate struct {
	engine.Store
	armed atomic.Bool
	hook  func()
}

func (s *beforeUpdate) Update(ctx context.Context, fn func(engine.Tx) error) error {
	if s.armed.CompareAndSwap(true, false) {
		s.hook()
	}
	return s.Store.Update(ctx, fn)
}

// hookedWorld is a world whose store runs a hook before an Update, once armed.
func hookedWorld(t *testing.T, opts worldOpts) (*world, *beforeUpdate) {
	t.Helper()
	hs := &beforeUpdate{}
	w := newWorld(t, opts)
	w.close()
	w.wrap = func(s engine.Store) engine.Store { hs.Store = s; return hs }
	w.open()
	return w, hs
}

// codeFor walks the widget for c up to its connect code, without exchanging it.
func (w *world) codeFor(c simulator.Customer) string {
	w.t.Helper()
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: c.Accounts[0].Institution.Code})
	if err != nil {
		w.t.Fatal(err)
	}
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password); err != nil {
		w.t.Fatal(err)
	}
	for st.Status == engine.WidgetChallenge {
		ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		if st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans); err != nil {
			w.t.Fatal(err)
		}
	}
	if st.Status != engine.WidgetSuccess {
		w.t.Fatalf("widget at %q, not success", st.Status)
	}
	return st.Code
}

// autoSyncs counts an account's syncs after its first (the connect's), those
// counted on an earlier job (Repeats: nothing new) included: with no manual sync,
// its automatic ones.
func (w *world) autoSyncs(id string) int {
	w.t.Helper()
	jobs, err := w.eng.SyncJobs(w.ctx, id, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	n := -1
	for _, j := range jobs {
		if j.Trigger != engine.TriggerAuto && j.Trigger != engine.TriggerConnect {
			w.t.Fatalf("a %s sync of %s", j.Trigger, id)
		}
		n += 1 + j.Repeats
	}
	return n
}

// A connect whose write meets auto-sync being switched on is scheduled: it read
// the settings before its write, found auto-sync off, and the account never
// synced automatically.
func TestConnectAsAutoSyncIsSwitchedOnIsScheduled(t *testing.T) {
	w, hs := hookedWorld(t, worldOpts{})
	code := w.codeFor(w.adam())
	hs.hook = func() { w.autoSyncEvery(24 * time.Hour) }
	hs.armed.Store(true)
	a, err := w.eng.ExchangeCode(w.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if a = w.account(a.ID); a.NextAutoSyncAt.IsZero() {
		t.Fatalf("auto-sync is every 24h, but account %s, connected at %s, has no automatic sync scheduled", a.ID, a.ConnectedAt)
	}
	w.advance(25 * time.Hour)
	if n := w.autoSyncs(a.ID); n != 1 {
		t.Errorf("a day after connecting at 24h, %d automatic syncs; want 1", n)
	}
}

// A connect whose write meets Data Sync being enabled, at the same instant of a
// paused clock, decides every event of the account alike (R4): its
// account_connected was skipped ("Data Sync was off") and its account_updated
// delivered, of an account the business was never told of.
func TestConnectAsDataSyncIsEnabledIsOneThingOrTheOther(t *testing.T) {
	w, hs := hookedWorld(t, worldOpts{noSync: true})
	code := w.codeFor(w.adam())
	hs.hook = func() {
		on := true
		if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
			t.Error(err)
		}
	}
	hs.armed.Store(true)
	a, err := w.eng.ExchangeCode(w.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	receives := engine.ReceivesWebhooks(w.eng.Settings(), w.account(a.ID))
	var types []string
	for _, ev := range w.events(a.ID) {
		types = append(types, ev.Type+" "+string(ev.Status))
		if skipped := ev.Status == engine.DeliverySkipped; skipped == receives {
			t.Errorf("the account receives webhooks: %v, but %s is %s (%s)", receives, ev.Type, ev.Status, ev.SkipReason)
		}
	}
	if len(types) < 2 {
		t.Fatalf("events %v: want account_connected and the first sync's", types)
	}
}

// A connect whose write waits while a jump runs past its first due time is
// synced automatically: the rounds had read the index past it, and it was never
// synced automatically again.
func TestConnectWhileAJumpRunsIsSyncedAutomatically(t *testing.T) {
	w, hs := hookedWorld(t, worldOpts{})
	w.autoSyncEvery(24 * time.Hour)
	w.connect(w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "044", Balance: 500_000}))
	w.advance(time.Hour)
	code := w.codeFor(w.adam())
	hs.hook = func() {
		if err := w.clock.Advance(50 * time.Hour); err != nil {
			t.Error(err)
		}
	}
	hs.armed.Store(true)
	a, err := w.eng.ExchangeCode(w.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	// Due a day after it was asked for, in the jump: it catches up at once — or
	// the connect's first sync, running then, stands for that round — then syncs
	// once a day.
	w.advance(4 * 24 * time.Hour)
	n, next := w.autoSyncs(a.ID), w.account(a.ID).NextAutoSyncAt
	if n < 4 || !next.Equal(w.clock.Now().Add(24*time.Hour)) {
		t.Errorf("4 days after a connect that waited out a jump of 50 h: %d automatic syncs, the next due %s, the clock at %s; want 4 or 5, the next a day on", n, next, w.clock.Now())
	}
}

// An account whose schedule committed at a due time the rounds have read past —
// a connect whose write ran before a jump's rounds and committed after them — is
// synced by the next round, and accounts whose writes still commit are not synced
// twice.
func TestAnEntryCommittedBehindTheRoundsIsSyncedByTheNext(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.autoSyncEvery(24 * time.Hour)
	b := w.connect(w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "044", Balance: 500_000}))
	a := w.connect(w.adam())
	w.advance(50 * time.Hour) // both synced twice; the rounds have read to hour 48
	if na, nb := w.autoSyncs(a.ID), w.autoSyncs(b.ID); na != 2 || nb != 2 {
		t.Fatalf("automatic syncs after 50 h: %d and %d; want 2 each", na, nb)
	}
	late := w.dueBehindTheRounds(a.ID)
	w.eng.ArmAutoSyncBy(late)
	w.advance(time.Hour)
	if na, nb := w.autoSyncs(a.ID), w.autoSyncs(b.ID); na != 3 || nb != 2 {
		t.Errorf("automatic syncs an hour after an entry committed 10 h behind the rounds: %d and %d; want 3 and 2", na, nb)
	}
	if next := w.account(a.ID).NextAutoSyncAt; !next.After(w.clock.Now()) {
		t.Errorf("next automatic sync %s, at or before the clock %s", next, w.clock.Now())
	}
}

// A round that reads again behind an entry committed late, and panics (a bug in
// a sync), reads again from there the next time: the account was never synced
// automatically. Outside a jump — a round overdue, on a goroutine of its own —
// the panic is logged, not carried: it killed the process (a review).
func TestARoundThatPanicsReadsAgainBehindALateEntry(t *testing.T) {
	for _, jumping := range []bool{true, false} {
		t.Run(fmt.Sprintf("jumping=%v", jumping), func(t *testing.T) {
			w := newWorld(t, worldOpts{})
			pb := &panickyBank{}
			w.close()
			w.wrapBank = func(b engine.Bank) engine.Bank { pb.Bank = b; return pb }
			w.open()
			w.autoSyncEvery(24 * time.Hour)
			adam := w.adam()
			a := w.connect(adam)
			w.advance(50 * time.Hour) // the rounds have read to hour 48
			late := w.dueBehindTheRounds(a.ID)
			pb.number = adam.Accounts[0].Number
			pb.armed.Store(true)
			if jumping {
				w.clock.AfterFunc(w.clock.Now().Add(30*time.Minute), func() { w.eng.ArmAutoSyncBy(late) })
				bug := func() (v any) {
					defer func() { v = recover() }()
					_ = w.clock.Advance(time.Hour)
					return nil
				}()
				if bug == nil {
					t.Fatal("the round did not panic: the test tested nothing")
				}
			} else {
				w.eng.ArmAutoSyncBy(late) // overdue: runs at once, on a goroutine of its own
				w.poll("the overdue round has run", func() bool { return pb.panics.Load() > 0 })
			}
			pb.armed.Store(false)
			w.advance(3 * 24 * time.Hour)
			if got := w.account(a.ID); !got.NextAutoSyncAt.After(w.clock.Now()) {
				t.Errorf("three days after the round panicked the account is still due at %v (clock %v): never synced automatically again", got.NextAutoSyncAt, w.clock.Now())
			}
		})
	}
}

// dueBehindTheRounds moves an account's next automatic sync to 10 h ago, as a
// connect's write committed after the rounds had read past its first due time
// leaves it, and returns that time.
func (w *world) dueBehindTheRounds(id string) time.Time {
	w.t.Helper()
	late := w.clock.Now().Add(-10 * time.Hour)
	err := w.db.Update(w.ctx, func(tx engine.Tx) error {
		cur, err := tx.Account(id)
		if err != nil {
			return err
		}
		cur.NextAutoSyncAt = late
		return tx.PutAccount(cur)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return late
}
