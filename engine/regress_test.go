package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// Regression tests for what a review found.

func plainCustomer(i int) simulator.NewCustomer {
	return simulator.NewCustomer{Name: fmt.Sprintf("Cust %c", 'A'+i), Institution: "044", Balance: 1_000_000,
		Username: fmt.Sprintf("user%d", i), Password: "Passw0rd!x"}
}

// An auto-sync round syncs accounts in parallel, yet the same history gives every
// account the same event and job IDs on every run (DESIGN §3).
func TestAutoSyncRoundIsDeterministic(t *testing.T) {
	run := func() string {
		w := newWorld(t, worldOpts{noURL: true})
		for i := 0; i < 6; i++ {
			w.connect(w.customer(plainCustomer(i)))
		}
		six := 6 * time.Hour
		if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
			t.Fatal(err)
		}
		w.advance(24 * time.Hour)
		accounts, err := w.eng.Accounts(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, a := range accounts {
			for _, e := range w.events(a.ID) {
				fmt.Fprintf(&b, "%s %s %s\n", a.ID, e.ID, e.Type)
			}
			jobs, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
			for _, j := range jobs {
				fmt.Fprintf(&b, "%s job %s %s\n", a.ID, j.ID, j.StartedAt)
			}
		}
		w.close()
		return b.String()
	}
	first := run()
	for i := 1; i <= 3; i++ {
		if got := run(); got != first {
			t.Fatalf("run %d gave other IDs than run 0:\n%s\n---\n%s", i, first, got)
		}
	}
}

// R3: a manual sync refused because another sync of the account is running ran
// nothing, so it does not spend the account's window.
func TestRefusedSyncLeavesTheWindow(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	a := w.connect(w.adam())
	six := 6 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
	if err := w.bank.SetLatency("044", 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	w.drain()
	done := make(chan struct{})
	go func() { defer close(done); _ = w.clock.Advance(six) }() // the automatic sync runs, slowly
	w.waitNotice("the automatic sync to start", func(n engine.Notice) bool { return n.Kind == engine.NoticeSyncStarted })
	if _, err := w.eng.Sync(w.ctx, a.ID); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("a manual sync during the automatic one = %v, want ECONFLICT", err)
	}
	<-done
	if err := w.bank.SetLatency("044", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.Sync(w.ctx, a.ID); err != nil {
		t.Fatalf("the first manual sync that runs = %v, want it allowed", err)
	}
}

// R12: after an auto-sync round with nothing left to schedule, an account connected
// later is still synced automatically.
func TestAutoSyncRearmsAfterAnEmptyRound(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	six := 6 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &six}); err != nil {
		t.Fatal(err)
	}
	a := w.connect(w.customer(plainCustomer(0)))
	w.advance(time.Hour)
	if err := w.eng.Unlink(w.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	w.advance(6 * time.Hour) // the timer set for a fires with nothing due and nothing left
	b := w.connect(w.customer(plainCustomer(1)))
	w.advance(48 * time.Hour)
	jobs, err := w.eng.SyncJobs(w.ctx, b.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	auto := 0
	for _, j := range jobs {
		if j.Trigger == engine.TriggerAuto {
			auto += 1 + j.Repeats // syncs with nothing new count on the job before them
		}
	}
	if auto != 8 {
		t.Fatalf("b had %d automatic syncs in 48 h at every 6 h, want 8", auto)
	}
}

// Concurrent settings changes leave the cached settings equal to the stored ones.
func TestSettingsCacheFollowsTheStore(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	for round := 0; round < 30; round++ {
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := fmt.Sprintf("http://127.0.0.1:9/r%d/%d", round, i)
				if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var stored engine.Settings
		if err := w.db.View(w.ctx, func(tx engine.Tx) (err error) { stored, err = tx.Settings(); return err }); err != nil {
			t.Fatal(err)
		}
		if mem := w.eng.Settings(); mem.WebhookURL != stored.WebhookURL {
			t.Fatalf("round %d: the engine serves %q, the store holds %q", round, mem.WebhookURL, stored.WebhookURL)
		}
	}
}

// A webhook URL over engine.MaxWebhookURL characters is refused by the engine, as
// by the API: the TUI's Settings editor, which comes here, stored one of any
// length (a review). One of exactly the limit is taken.
func TestWebhookURLHasALengthInTheEngine(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	base := "http://127.0.0.1:9000/"
	at := base + strings.Repeat("é", engine.MaxWebhookURL-len(base)) // characters, not bytes
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &at}); err != nil {
		t.Fatalf("a URL of %d characters: %v", engine.MaxWebhookURL, err)
	}
	for _, u := range []string{at + "a", base + strings.Repeat("a", 500_000), strings.Repeat("a", 3000)} {
		_, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u})
		e, ok := engine.AsError(err)
		n := len([]rune(u))
		if want := fmt.Sprintf("webhook_url is %d characters long; a webhook URL is at most 2048: send a shorter one", n); !ok || e.Field != "webhook_url" || engine.ErrorMessage(err) != want {
			t.Errorf("a URL of %d characters: %.300v; want %q", n, err, want)
		}
	}
	if got := w.eng.Settings().WebhookURL; got != at {
		t.Errorf("the refused URLs left a URL of %d characters", len([]rune(got)))
	}
}

// A client that gives up during the code exchange does not leave the account
// PROCESSING: the first sync finishes without it.
func TestFirstSyncOutlivesTheCaller(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	c := w.customer(plainCustomer(0))
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "044"})
	if err == nil {
		st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := w.bank.SetLatency("044", 30*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(w.ctx, 10*time.Millisecond)
	defer cancel()
	a, err := w.eng.ExchangeCode(ctx, st.Code)
	if err != nil || a.DataStatus != engine.DataAvailable || a.LastSyncedAt.IsZero() {
		t.Fatalf("exchange with a caller that gave up = %s (synced %v), %v; want AVAILABLE", a.DataStatus, a.LastSyncedAt, err)
	}
}

// storeFailingPutEvent makes recording a delivery attempt's result fail (failures
// times), as a full disk would; claiming the attempt before it is sent succeeds.
type storeFailingPutEvent struct {
	engine.Store
	failures *atomic.Int64
}

type txFailingPutEvent struct {
	engine.Tx
	failures *atomic.Int64
}

func (t txFailingPutEvent) PutEvent(e engine.Event) error {
	if e.Sending == nil && e.AttemptsMade > 0 && t.failures.Add(-1) >= 0 {
		return errors.New("no space left on device")
	}
	return t.Tx.PutEvent(e)
}

func (s storeFailingPutEvent) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, func(tx engine.Tx) error { return fn(txFailingPutEvent{tx, s.failures}) })
}

// sendClock notes the virtual time of every delivery.
type sendClock struct {
	engine.Sender
	clock engine.Clock
	sent  chan time.Time
}

func (s sendClock) Send(ctx context.Context, url string, h map[string]string, body []byte) (engine.Delivery, error) {
	s.sent <- s.clock.Now()
	return s.Sender.Send(ctx, url, h, body)
}

// When an attempt cannot be recorded the outbox waits for its timer (the clock)
// instead of sending the event again at once, in a tight loop.
func TestDeliveryDoesNotSpinWhenTheStoreFails(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	w.connect(w.adam()) // two events wait: no URL yet
	w.close()
	var failures atomic.Int64
	failures.Store(1)
	sent := make(chan time.Time, 64)
	w.wrap = func(s engine.Store) engine.Store { return storeFailingPutEvent{s, &failures} }
	w.wrapSender = func(s engine.Sender) engine.Sender { return sendClock{s, w.clock, sent} }
	w.open()
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	next := func() time.Time {
		select {
		case at := <-sent:
			return at
		case <-time.After(10 * time.Second):
			t.Fatal("no delivery was attempted")
		}
		return time.Time{}
	}
	first := next()
	// A spinning loop sends again within microseconds; give it a tenth of a second
	// of real time to show itself (proving an absence takes some waiting).
	select {
	case again := <-sent:
		t.Fatalf("the event was sent again at %v, the instant of the attempt that could not be recorded, without the clock moving: a spin", again)
	case <-time.After(100 * time.Millisecond):
	}
	w.advance(time.Second)
	if again := next(); !again.After(first) {
		t.Fatalf("the event was sent again at %v, not after the clock moved past %v", again, first)
	}
	w.until("both events are delivered", w.allDelivered(w.events("")[0].AccountID))
}

// A first sync interrupted by a stop does not leave the account PROCESSING for
// good: the next start marks it FAILED, and a sync brings it back.
func TestInterruptedFirstSyncIsSettledAtStart(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	c := w.adam()
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: "044"})
	if err == nil {
		st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := w.bank.SetLatency("044", time.Minute); err != nil { // the first sync hangs until cancelled
		t.Fatal(err)
	}
	w.drain()
	done := make(chan struct{})
	go func() { defer close(done); _, _ = w.eng.ExchangeCode(w.ctx, st.Code) }()
	n := w.waitNotice("the first sync", func(n engine.Notice) bool { return n.Kind == engine.NoticeSyncStarted })
	w.close() // cancels the first sync
	<-done
	if err := w.bank.SetLatency("044", 0); err != nil {
		t.Fatal(err)
	}
	w.open()
	a := w.account(n.AccountID)
	if a.DataStatus != engine.DataFailed || a.LastMessage == "" {
		t.Fatalf("after the restart the account is %s (%q), want FAILED with a reason", a.DataStatus, a.LastMessage)
	}
	if res := w.sync(a.ID); res.Status != engine.StatusSyncSuccessful || w.account(a.ID).DataStatus != engine.DataAvailable {
		t.Fatalf("sync after the restart = %+v", res)
	}
}
