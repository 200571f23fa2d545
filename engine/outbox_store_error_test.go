package engine_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// outboxFailingStore fails the outbox's writes of one kind while fails is above
// zero, counting it down: a disk that is full for a moment. claims: the writes
// that claim a delivery attempt (an event stored with Sending set); else those
// that record an attempt.
type outboxFailingStore struct {
	engine.Store
	fails  *atomic.Int64
	claims bool
}

type outboxFailingTx struct {
	engine.Tx
	s outboxFailingStore
}

func (tx outboxFailingTx) PutAttempt(eventID string, a engine.Attempt) error {
	if !tx.s.claims && tx.s.fails.Add(-1) >= 0 {
		return errors.New("no space left on device")
	}
	return tx.Tx.PutAttempt(eventID, a)
}

func (tx outboxFailingTx) PutEvent(ev engine.Event) error {
	if tx.s.claims && ev.Sending != nil && tx.s.fails.Add(-1) >= 0 {
		return errors.New("no space left on device")
	}
	return tx.Tx.PutEvent(ev)
}

func (s outboxFailingStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, func(tx engine.Tx) error { return fn(outboxFailingTx{tx, s}) })
}

// Attempts whose results cannot be recorded do not hold their accounts' delivery
// slots for good on a paused clock: each account waited a second of the virtual
// clock, which never came, and eight such failures (the slots) stopped every
// webhook of every account once the disk had room again (a concurrency review).
func TestUnrecordedAttemptsDoNotStopDeliveryOnAPausedClock(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	fails := &atomic.Int64{}
	w.close()
	w.wrap = func(s engine.Store) engine.Store { return outboxFailingStore{Store: s, fails: fails} }
	w.open()
	names := []string{"Eze", "Okafor", "Bello", "Adeyemi", "Nwosu", "Ibrahim", "Okoro", "Balogun", "Danjuma"}
	const accounts = 9
	for i := range accounts {
		w.connect(w.customer(simulator.NewCustomer{Name: "Ada " + names[i], Institution: "044", Balance: 1_000_000}))
	}
	pending := len(w.events(""))
	if pending < accounts {
		t.Fatalf("%d events pending, want one an account at least", pending)
	}
	fails.Store(8) // one an attempt, at most one a slot
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	// Polled, not read on each notice: the last attempt's notice comes before it
	// stops counting as under way, so a read on that notice could find it still
	// in flight and wait for a notice that never came (a CI run under load).
	w.poll("every event delivered", func() bool {
		ok, err := w.eng.OutboxSettled(w.ctx)
		return err == nil && ok
	})
	if f := fails.Load(); f >= 0 {
		t.Fatalf("%d of the 8 failures were not met: the test tests less than it says", f+1)
	}
}

// A new webhook URL is tried at once: events that failed at the old one kept their
// back-off, up to an hour of the clock, and a business that had fixed its URL saw
// nothing arrive until then (a webhook trial). Setting the same URL again, or none,
// moves nothing.
func TestANewWebhookURLIsTriedAtOnce(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	dead := "http://127.0.0.1:1/hooks" // nothing listens on port 1
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &dead}); err != nil {
		t.Fatal(err)
	}
	a := w.connect(w.adam())
	w.waitNotice("a failed attempt", func(n engine.Notice) bool { return n.Kind == engine.NoticeDelivery && n.Attempt.Error != "" })
	w.advance(3 * time.Hour) // several failures: the next retry is an hour away
	head := func() engine.Event {
		t.Helper()
		for _, ev := range w.events(a.ID) {
			if ev.Status == engine.DeliveryPending {
				return ev
			}
		}
		t.Fatal("no event pending")
		return engine.Event{}
	}
	w.waitNotice("the jump's attempts", func(engine.Notice) bool { return head().Sending == nil && head().NextAttemptAt.After(w.clock.Now()) })
	before := head().NextAttemptAt
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &dead}); err != nil {
		t.Fatal(err)
	}
	if got := head().NextAttemptAt; !got.Equal(before) {
		t.Fatalf("the same URL again moved the next attempt from %s to %s", before, got)
	}
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	w.waitNotice("every event of the account delivered, the clock paused", func(engine.Notice) bool {
		for _, ev := range w.events(a.ID) {
			if ev.Status != engine.DeliveryDelivered {
				return false
			}
		}
		return true
	})
}

// A claim that cannot be written does not stop delivery on a paused clock: the
// loop tried again a second of the virtual clock later, which never came, and
// nothing was delivered until something else nudged it (a review).
func TestAnUnwrittenClaimDoesNotStopDeliveryOnAPausedClock(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	fails := &atomic.Int64{}
	w.close()
	w.wrap = func(s engine.Store) engine.Store { return outboxFailingStore{Store: s, fails: fails, claims: true} }
	w.open()
	a := w.connect(w.adam())
	if len(w.events(a.ID)) == 0 {
		t.Fatal("no events to deliver")
	}
	fails.Store(1)
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	w.poll("every event delivered after a claim that could not be written", w.allDelivered(a.ID))
	if n := fails.Load(); n >= 0 {
		t.Errorf("the claim's write did not fail (%d failures left): the test tested nothing", n+1)
	}
}
