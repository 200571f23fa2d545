package engine_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// R12: with auto-sync every 6 h, a day of virtual time syncs each account four
// times, at the due times in order, even when the clock jumps the whole day at once;
// a failed automatic sync emits sync_failed.
func TestAutoSync(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	six := 6 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
	if got := w.account(a.ID).NextAutoSyncAt; !got.Equal(adamStart.Add(six)) {
		t.Fatalf("next auto-sync at %v, want %v", got, adamStart.Add(six))
	}
	w.post(adam, engine.Debit, 1_000)
	w.advance(24 * time.Hour) // one jump over four due times

	jobs, err := w.eng.SyncJobs(w.ctx, a.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The first brought the debit; the three after it, nothing new: they count on
	// its job (Repeats) instead of adding three.
	var auto []engine.SyncJob
	for i := len(jobs) - 1; i >= 0; i-- {
		if jobs[i].Trigger == engine.TriggerAuto {
			auto = append(auto, jobs[i])
		}
	}
	if len(auto) != 1 || auto[0].Repeats != 3 || !auto[0].HasNewData {
		t.Fatalf("automatic syncs in a day: %+v; want one job with new data, repeated 3 times", auto)
	}
	if !auto[0].StartedAt.Equal(adamStart.Add(six)) || !auto[0].LastAt.Equal(adamStart.Add(4*six)) {
		t.Errorf("automatic syncs from %v to %v, want from %v to %v", auto[0].StartedAt, auto[0].LastAt, adamStart.Add(six), adamStart.Add(4*six))
	}
	if got := w.account(a.ID).LastAttemptAt; !got.Equal(adamStart.Add(4 * six)) {
		t.Errorf("last automatic sync at %v, want %v", got, adamStart.Add(4*six))
	}
	if got := w.account(a.ID).Balance; got != 999_000 {
		t.Fatalf("balance after auto-sync %d, want 999000", got)
	}

	// The bank goes down for the next one: sync_failed.
	if err := w.bank.StartOutage("044", 7*time.Hour); err != nil {
		t.Fatal(err)
	}
	w.advance(six)
	evs := w.events(a.ID)
	last := evs[len(evs)-1]
	if last.Type != engine.EventSyncFailed {
		t.Fatalf("last event %s, want sync_failed; all: %v", last.Type, eventTypes(evs))
	}

	// Turning it off stops it.
	off := time.Duration(0)
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &off}); err != nil {
		t.Fatal(err)
	}
	before, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	w.advance(48 * time.Hour)
	after, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	if len(after) != len(before) {
		t.Fatalf("auto-sync off, yet %d syncs ran", len(after)-len(before))
	}
	bad := 5 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &bad}); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("auto-sync every 5h = %v, want EINVALID", err)
	}
}

// Many accounts sync at once through the pool; one account never syncs twice at
// once; the race detector watches syncs, reauths and deliveries together.
func TestConcurrentSyncsReauthsAndDeliveries(t *testing.T) {
	w := newWorld(t, worldOpts{})
	var accounts []engine.Account
	var customers []simulator.Customer
	for i := 0; i < 12; i++ {
		kind := engine.MFANone
		if i%3 == 0 {
			kind = engine.MFAOTP
		}
		c := w.customer(simulator.NewCustomer{Institution: []string{"044", "058", "057", "011"}[i%4], Balance: 1_000_000, MFA: kind})
		customers = append(customers, c)
		accounts = append(accounts, w.connect(c))
	}
	w.advance(time.Hour)
	for _, c := range customers {
		w.post(c, engine.Credit, 5_000)
	}

	var mu sync.Mutex
	outcomes := map[string][]string{}
	var wg sync.WaitGroup
	for i, a := range accounts {
		for k := 0; k < 3; k++ { // three callers race for each account
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := w.eng.Sync(w.ctx, a.ID)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					outcomes[a.ID] = append(outcomes[a.ID], engine.ErrorCode(err))
					return
				}
				outcomes[a.ID] = append(outcomes[a.ID], res.Code)
			}()
		}
		if i%3 == 0 { // MFA accounts are re-authorised meanwhile
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := w.eng.RequestReauth(w.ctx, a.ID); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	for _, a := range accounts {
		ran := 0
		for _, o := range outcomes[a.ID] {
			if o != engine.ERATELIMITED && o != engine.ECONFLICT {
				ran++
			}
		}
		if ran != 1 {
			t.Errorf("account %s: %v; want exactly one sync to run", a.ID, outcomes[a.ID])
		}
	}
	for _, a := range accounts {
		w.until("deliveries settle", w.allDelivered(a.ID))
	}
}

// A subscriber that never reads does not slow the engine down; it learns what it
// missed through Dropped.
func TestSlowSubscriberNeverBlocks(t *testing.T) {
	w := newWorld(t, worldOpts{})
	stuck, cancel := w.eng.Subscribe(1)
	defer cancel()
	c := w.adam()
	a := w.connect(c)
	for i := 0; i < 5; i++ {
		w.advance(engine.RateLimitWindow)
		w.post(c, engine.Credit, 100)
		w.sync(a.ID)
	}
	first := <-stuck
	if first.Dropped != 0 {
		t.Fatalf("first notice dropped %d", first.Dropped)
	}
	w.advance(time.Second) // one more notice (clock) reaches the subscriber
	next := <-stuck
	if next.Dropped == 0 {
		t.Fatal("a subscriber that missed notices was not told")
	}
}

// Close cancels running syncs (here: a bank that answers slowly) and waits for them.
func TestCloseCancelsRunningSyncs(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	w.advance(time.Hour)
	if err := w.bank.SetLatency("044", time.Minute); err != nil { // real time: only cancellation ends it in time
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := w.eng.Sync(context.Background(), a.ID)
		done <- err
	}()
	w.waitNotice("the sync to start", func(n engine.Notice) bool { return n.Kind == engine.NoticeSyncStarted })
	w.close()
	select {
	case err := <-done:
		t.Logf("the cancelled sync returned %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not cancel the running sync")
	}
}

// A password changed at the bank fails every automatic sync after it; the user is
// told once — one reauthorisation_required and one sync_failed — not again at the
// second failure, whose words (the saved password is not tried twice) once differed
// from the first's and so counted as news.
func TestAutoSyncPasswordChangeReportedOnce(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	day := 24 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	before := len(w.events(a.ID))
	w.advance(5 * day) // five failed automatic syncs, one a day
	count := map[string]int{}
	for _, ev := range w.events(a.ID)[before:] {
		count[ev.Type]++
	}
	if count[engine.EventReauthRequired] != 1 || count[engine.EventSyncFailed] != 1 {
		t.Fatalf("events after five failed automatic syncs: %v; want one reauthorisation_required and one sync_failed", count)
	}
	jobs, err := w.eng.SyncJobs(w.ctx, a.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Repeats != 4 {
		t.Fatalf("latest job %+v; want the first failure repeated 4 times", jobs)
	}
}

// A shorter interval chosen after a round of the longer one keeps its cadence
// through a single jump: with 24 h, a round's bookkeeping said "due again in 24 h";
// with 6 h chosen after it, the writes of the jump's rounds — committed only at its
// end — queued behind that entry, and the rounds read only up to it: a day's jump
// synced once, then not until the old 24 h time (a newcomer's trial).
func TestAutoSyncShorterIntervalInOneJump(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	day, six := 24*time.Hour, 6*time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	// autoSyncs counts the account's automatic syncs so far (a job and its repeats).
	autoSyncs := func() int {
		jobs, err := w.eng.SyncJobs(w.ctx, a.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, j := range jobs {
			if j.Trigger == engine.TriggerAuto {
				n += 1 + j.Repeats
			}
		}
		return n
	}
	w.advance(day + time.Hour) // one round at 24 h
	if n := autoSyncs(); n != 1 {
		t.Fatalf("%d automatic syncs in the first day at 24 h, want 1", n)
	}
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
	changed := w.clock.Now()
	w.advance(day) // one jump over four due times
	if n := autoSyncs() - 1; n != 4 {
		t.Fatalf("%d automatic syncs in the day after choosing 6 h, want 4 (the last at %v)", n, w.account(a.ID).LastAttemptAt)
	}
	if got := w.account(a.ID).LastAttemptAt; !got.Equal(changed.Add(day)) {
		t.Fatalf("last automatic sync at %v, want %v", got, changed.Add(day))
	}
}

// panickyBank panics in Balance for one bank account while armed: a bug inside
// an automatic sync.
type panickyBank struct {
	engine.Bank
	number string
	armed  atomic.Bool
	panics atomic.Int64 // how many times it panicked
}

func (b *panickyBank) Balance(ctx context.Context, s engine.Secret, n string) (int64, error) {
	if b.armed.Load() && n == b.number {
		b.panics.Add(1)
		panic("a bug in an automatic sync")
	}
	return b.Bank.Balance(ctx, s, n)
}

// An automatic sync round that panics (a bug) stops the jump where it was due, as
// the clock stops for any timer's callback that panics, and the panic reaches
// whoever moved the clock (the API answers 500) — on the engine's default pool
// too, whose syncs run on goroutines of their own: there the panic killed the
// process. The rounds after it run: the round took its timer down before it
// panicked and never armed the next, and had marked its due time read, so
// automatic syncs stopped for good, without a word, while the clock went on.
func TestAnAutoSyncRoundThatPanicsStopsItsJumpAndTheNextRoundsRun(t *testing.T) {
	for _, workers := range []int{1, 0} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			w := newWorld(t, worldOpts{})
			pb := &panickyBank{}
			w.close()
			w.wrapBank = func(b engine.Bank) engine.Bank { pb.Bank = b; return pb }
			w.workers = workers
			w.open()
			six := 6 * time.Hour
			if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
				t.Fatal(err)
			}
			adam, bola := w.adam(), w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "044", Balance: 2_000_000})
			a, b := w.connect(adam), w.connect(bola)
			// The later of the two in the round's order panics: the other is synced first.
			broken, fine, c := b, a, bola
			if a.ID > b.ID {
				broken, fine, c = a, b, adam
			}
			pb.number = c.Accounts[0].Number
			pb.armed.Store(true)
			bug := func() (v any) {
				defer func() { v = recover() }()
				_ = w.clock.Advance(24 * time.Hour)
				return nil
			}()
			round := adamStart.Add(six)
			if s, _ := bug.(string); !strings.Contains(s, "a bug in an automatic sync") {
				t.Fatalf("the jump's caller got %v; want the sync's panic", bug)
			}
			if now := w.clock.Now(); !now.Equal(round) {
				t.Fatalf("the clock after the panic is at %v; want the round's time %v", now, round)
			}
			if got := w.account(fine.ID).NextAutoSyncAt; !got.Equal(round.Add(six)) {
				t.Fatalf("the account synced before the panic is next due at %v; want %v (its sync stored)", got, round.Add(six))
			}

			pb.armed.Store(false)
			w.advance(24 * time.Hour)
			now := w.clock.Now()
			for _, x := range []engine.Account{broken, fine} {
				if got := w.account(x.ID); !got.NextAutoSyncAt.After(now) || got.LastSyncedAt.Before(now.Add(-six)) {
					t.Errorf("account %s a day after the panic: next automatic sync %v, last synced %v, the clock at %v; want the rounds run",
						x.ID, got.NextAutoSyncAt, got.LastSyncedAt, now)
				}
			}
		})
	}
}
