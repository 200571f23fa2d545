package world

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/store"
)

// A statement asked for an account whose first sync has not succeeded, while the
// bank records postings, never leaves the two waiting on each other: the
// statement's write asked the bank whether it was down, under the bank's lock,
// which a posting holds while it waits for the store's writer — and from then on
// every write hung, SIGTERM too (a load test under the race detector). The world
// is a real one: the bank journals to the same bbolt file as the engine.
func TestAStatementOfAnUnsyncedAccountBesidePostingsDoesNotHang(t *testing.T) {
	ctx := context.Background()
	// Without fsync, which changes no lock: the guard below bounds a hang, and
	// 1,600 fsynced writes on a slow disk under -race came near it (a review).
	w := open(t, Options{DB: filepath.Join(t.TempDir(), "db"), Seed: 2021, Start: start, Customers: 1, Sender: nopSender{}, Paused: true,
		StoreOptions: []store.Option{store.UnsafeNoSync()}})
	c, err := w.Bank.AddCustomer(simulator.NewCustomer{Institution: "044", Balance: 5_000_000})
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.Engine.OpenWidget(ctx, engine.WidgetRequest{Institution: "044"})
	if err == nil {
		st, err = w.Engine.WidgetLogin(ctx, st.Session, c.Username, c.Password)
	}
	if err != nil || st.Code == "" {
		t.Fatalf("connect: %+v %v", st, err)
	}
	if err := w.Bank.StartOutage("044", time.Hour); err != nil { // the connect's sync fails: no data yet
		t.Fatal(err)
	}
	a, err := w.Engine.ExchangeCode(ctx, st.Code)
	if err != nil || !a.LastSyncedAt.IsZero() {
		t.Fatalf("exchange: %+v %v; want an account whose first sync failed", a, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				for range 200 {
					if _, err := w.Engine.CreateStatementJob(ctx, a.ID, 1); engine.ErrorCode(err) != engine.ECONFLICT {
						t.Errorf("a statement of an unsynced account: %v; want DATA_NOT_AVAILABLE", err)
						return
					}
					if _, err := w.Engine.Statement(ctx, a.ID, 1); engine.ErrorCode(err) != engine.ECONFLICT {
						t.Errorf("a statement of an unsynced account: %v; want DATA_NOT_AVAILABLE", err)
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				for range 200 {
					if _, err := w.Bank.PostTransaction(c.ID, simulator.Posting{Account: c.Accounts[0].Number, Type: engine.Credit, Amount: 100}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}()
	// Not a measure of speed: a bound on a wait that, hung, never ends.
	select {
	case <-done:
		w.Close()
	case <-time.After(2 * time.Minute):
		// Not closed: Close waits for the writer, which hangs (the file is the
		// test's temporary one, the process's to end).
		t.Fatal("statements and postings waited on each other: every write hung")
	}
}
