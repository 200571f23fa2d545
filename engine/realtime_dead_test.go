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

// jobEndFailingStore fails, while fails is above zero, the writes that record a
// sync job's end: a disk full as a real-time job ends, and as its failure is
// recorded.
type jobEndFailingStore struct {
	engine.Store
	fails *atomic.Int64
}

type jobEndFailingTx struct {
	engine.Tx
	fails *atomic.Int64
}

func (tx jobEndFailingTx) PutSyncJob(j engine.SyncJob) error {
	if !j.Running() && tx.fails.Add(-1) >= 0 {
		return errors.New("no space left on device")
	}
	return tx.Tx.PutSyncJob(j)
}

func (s jobEndFailingStore) wrap(fn func(engine.Tx) error) func(engine.Tx) error {
	return func(tx engine.Tx) error { return fn(jobEndFailingTx{tx, s.fails}) }
}

func (s jobEndFailingStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, s.wrap(fn))
}

func (s jobEndFailingStore) Submit(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	s.Store.Submit(ctx, s.wrap(fn), done)
}

func (s jobEndFailingStore) Defer(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	s.Store.Defer(ctx, s.wrap(fn), done)
}

// A real-time job whose end cannot be recorded — nor its failure — is not answered
// back, running, to every read after: nothing would ever end it, and the account
// had no real-time data until a restart (a concurrency review). The next read
// once its window has passed settles it failed, and runs a job of its own.
func TestARealtimeJobWhoseEndWasNotRecordedDoesNotStayRunning(t *testing.T) {
	w := newWorld(t, worldOpts{})
	fails := &atomic.Int64{}
	w.close()
	w.wrap = func(s engine.Store) engine.Store { return jobEndFailingStore{s, fails} }
	w.open()
	a := w.connect(w.adam())
	w.advance(20 * time.Minute)
	fails.Store(2) // the job's end, then its failure
	first, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != engine.StatusSyncFailed || fails.Load() > 0 {
		t.Fatalf("the job on a full disk = %+v (%d failures left); want failed, both writes refused", first, fails.Load())
	}
	if j, err := w.eng.Job(w.ctx, a.ID, first.Job.ID); err != nil || !j.Running() {
		t.Fatalf("its record = %+v, %v; want it still running, as the disk left it (else this tests nothing)", j, err)
	}
	w.advance(6 * time.Minute) // past the window
	next, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if next.Reused || next.Job.ID == first.Job.ID || next.Status != engine.StatusSyncSuccessful {
		t.Fatalf("the next read = %+v; want a new job of its own, successful", next)
	}
	if j, err := w.eng.Job(w.ctx, a.ID, first.Job.ID); err != nil || j.Running() || j.Status != engine.StatusSyncFailed {
		t.Fatalf("the stuck job after = %+v, %v; want it settled failed", j, err)
	}
}

// firstUpdateHeldStore holds, once armed, the next Update before it reaches the
// store, until release is closed (entered closed): one slow commit.
type firstUpdateHeldStore struct {
	engine.Store
	armed            *atomic.Bool
	entered, release chan struct{}
}

func (s firstUpdateHeldStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	if s.armed.CompareAndSwap(true, false) {
		close(s.entered)
		<-s.release
	}
	return s.Store.Update(ctx, fn)
}

// One account's real-time job whose first write is slow holds up that account's
// reads alone: the lock over a window's claim and its job's record was one for
// every account, and another's read waited out the commit, past its own 5 s
// (a concurrency review).
func TestASlowRealtimeJobHoldsUpItsAccountAlone(t *testing.T) {
	w := newWorld(t, worldOpts{})
	armed := &atomic.Bool{}
	hs := firstUpdateHeldStore{armed: armed, entered: make(chan struct{}), release: make(chan struct{})}
	w.close()
	w.wrap = func(s engine.Store) engine.Store { hs.Store = s; return hs }
	w.open()
	a := w.connect(w.adam())
	b := w.connect(w.customer(simulator.NewCustomer{Name: "Bola Ade", Institution: "058", Balance: 500_000}))
	armed.Store(true)
	slow := make(chan error, 1)
	go func() {
		_, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 5*time.Second)
		slow <- err
	}()
	<-hs.entered // a's job is being recorded, slowly
	other := make(chan engine.SyncResult, 1)
	go func() {
		res, err := w.eng.RealtimeSync(w.ctx, b.ID, engine.RealtimeBalance, 5*time.Second)
		if err != nil {
			res.Message = err.Error()
		}
		other <- res
	}()
	select {
	case res := <-other:
		if res.Status != engine.StatusSyncSuccessful {
			t.Errorf("b's read = %+v; want successful", res)
		}
	case <-time.After(10 * time.Second): // real time: b's read waits on a's commit
		t.Error("b's read waited for a's slow commit")
	}
	close(hs.release)
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
}
