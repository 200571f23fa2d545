package engine_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"sandbank/engine"
	"sandbank/simulator"
)

// attemptFailingStore fails the writes that record a delivery attempt while fails
// is above zero, counting it down: a disk that is full for a moment.
type attemptFailingStore struct {
	engine.Store
	fails *atomic.Int64
}

type attemptFailingTx struct {
	engine.Tx
	fails *atomic.Int64
}

func (tx attemptFailingTx) PutAttempt(eventID string, a engine.Attempt) error {
	if tx.fails.Add(-1) >= 0 {
		return errors.New("no space left on device")
	}
	return tx.Tx.PutAttempt(eventID, a)
}

func (s attemptFailingStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, func(tx engine.Tx) error { return fn(attemptFailingTx{tx, s.fails}) })
}

// Attempts whose results cannot be recorded do not hold their accounts' delivery
// slots for good on a paused clock: each account waited a second of the virtual
// clock, which never came, and eight such failures (the slots) stopped every
// webhook of every account once the disk had room again (a concurrency review).
func TestUnrecordedAttemptsDoNotStopDeliveryOnAPausedClock(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	fails := &atomic.Int64{}
	w.close()
	w.wrap = func(s engine.Store) engine.Store { return attemptFailingStore{s, fails} }
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
	w.waitNotice("every event delivered", func(engine.Notice) bool {
		ok, err := w.eng.OutboxSettled(w.ctx)
		return err == nil && ok
	})
	if f := fails.Load(); f >= 0 {
		t.Fatalf("%d of the 8 failures were not met: the test tests less than it says", f+1)
	}
}
