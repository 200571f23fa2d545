package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// Concurrent writes share transactions, yet each one commits or not exactly as if it
// had run alone: failed and panicking writes leave nothing, the others everything,
// and sequence numbers of committed writes are unique.
func TestGroupCommitKeepsWritesApart(t *testing.T) {
	db := openTemp(t)
	const n = 120
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, n)
	seqs := make([]uint64, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = db.Update(context.Background(), func(tx engine.Tx) error {
				seq, err := tx.NextSequence("test")
				if err != nil {
					return err
				}
				seqs[i] = seq
				if err := tx.PutAccount(sampleAccount(fmt.Sprintf("acct%03d", i))); err != nil {
					return err
				}
				switch i % 6 {
				case 1:
					return errBoom // after writing: the write must vanish
				case 2:
					panic("a bug in one write")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	committed := map[uint64]bool{}
	err := db.View(context.Background(), func(tx engine.Tx) error {
		for i := 0; i < n; i++ {
			_, err := tx.Account(fmt.Sprintf("acct%03d", i))
			switch i % 6 {
			case 1, 2:
				if results[i] == nil || engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Errorf("write %d failed with %v, yet its account reads %v", i, results[i], err)
				}
			default:
				if results[i] != nil || err != nil {
					t.Errorf("write %d: %v, account: %v", i, results[i], err)
				}
				if committed[seqs[i]] {
					t.Errorf("sequence %d given to two committed writes", seqs[i])
				}
				committed[seqs[i]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(results[1], errBoom) {
		t.Errorf("the failing write got %v, want its own error", results[1])
	}
}

// A write whose context ends while it waits for its batch is answered with the
// context's error and writes nothing; so is one whose context ended before.
func TestGroupCommitHonoursCancelledContext(t *testing.T) {
	db := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.Update(ctx, func(tx engine.Tx) error { return tx.PutAccount(sampleAccount("early")) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Update with a cancelled context = %v", err)
	}

	// The writer runs a write that waits; another queues behind it, and its
	// context ends there.
	running, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	first := make(chan error, 1)
	go func() {
		first <- db.Update(context.Background(), func(tx engine.Tx) error {
			once.Do(func() { close(running) }) // it runs again once the cancelled write is taken out
			<-release
			return tx.PutAccount(sampleAccount("first"))
		})
	}()
	<-running
	ctx, cancel = context.WithCancel(context.Background())
	queued := make(chan error, 1)
	go func() {
		queued <- db.Update(ctx, func(tx engine.Tx) error { return tx.PutAccount(sampleAccount("gone")) })
	}()
	for deadline := time.Now().Add(10 * time.Second); ; {
		db.writes.mu.Lock()
		n := len(db.writes.queue)
		db.writes.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second write never queued")
		}
		runtime.Gosched()
	}
	cancel()
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("the running write = %v", err)
	}
	if err := <-queued; !errors.Is(err, context.Canceled) {
		t.Fatalf("a write whose context ended while queued = %v, want context.Canceled", err)
	}
	err = db.View(context.Background(), func(tx engine.Tx) error {
		if _, err := tx.Account("first"); err != nil {
			return fmt.Errorf("the running write is not stored: %w", err)
		}
		for _, id := range []string{"early", "gone"} {
			if _, err := tx.Account(id); engine.ErrorCode(err) != engine.ENOTFOUND {
				return fmt.Errorf("account %s of a cancelled write reads %v, want not found", id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An account read never shows a write that was rolled back, and always shows one
// that committed.
func TestAccountReadsFollowCommitsOnly(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	read := func() engine.Account {
		t.Helper()
		var a engine.Account
		if err := db.View(ctx, func(tx engine.Tx) (err error) { a, err = tx.Account("acct"); return err }); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := sampleAccount("acct")
	a.Balance = 100
	if err := db.Update(ctx, func(tx engine.Tx) error { return tx.PutAccount(a) }); err != nil {
		t.Fatal(err)
	}
	read()
	if got := read().Balance; got != 100 { // read again
		t.Fatalf("balance %d, want 100", got)
	}
	a.Balance = 200
	_ = db.Update(ctx, func(tx engine.Tx) error {
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		if got, _ := tx.Account("acct"); got.Balance != 200 {
			t.Errorf("inside the write the balance reads %d, want 200", got.Balance)
		}
		return errors.New("roll back")
	})
	if got := read().Balance; got != 100 {
		t.Fatalf("after a rolled-back write the balance reads %d, want 100", got)
	}
	a.Balance = 300
	if err := db.Update(ctx, func(tx engine.Tx) error { return tx.PutAccount(a) }); err != nil {
		t.Fatal(err)
	}
	if got := read().Balance; got != 300 {
		t.Fatalf("after a committed write the balance reads %d, want 300", got)
	}
}

// Deferred writes run at once but wait, uncommitted, until Flush, a write that may
// not wait, or a full batch commits them; each still commits or fails alone; and
// Close commits those still waiting instead of waiting for a Flush.
func TestDeferredWritesWaitForACommit(t *testing.T) {
	path := tempPath(t)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var commits atomic.Int64
	db.KeepClock(func() engine.ClockState { commits.Add(1); return engine.ClockState{Speed: 1} })
	put := func(name string) func(engine.Tx) error {
		return func(tx engine.Tx) error { _, err := tx.NextSequence(name); return err }
	}
	stored := func(name string) bool {
		var v []byte
		must(t, db.bolt.View(func(tx *bolt.Tx) error { v = tx.Bucket(bucketSequences).Get([]byte(name)); return nil }))
		return v != nil
	}
	db.Flush() // nothing queued: nothing to do
	ran := make(chan struct{})
	wait := queued(db.Defer, func(tx engine.Tx) error {
		select {
		case <-ran:
		default:
			close(ran)
		}
		return put("a")(tx)
	})
	<-ran // the writer runs it before anything flushes it…
	if stored("a") {
		t.Fatal("a deferred write committed before anything flushed it") // …and does not commit it
	}
	db.Flush()
	must(t, wait())
	if !stored("a") || commits.Load() != 1 {
		t.Fatalf("after Flush: stored %v, %d commits; want stored, 1", stored("a"), commits.Load())
	}

	// A write through Update takes the deferred ones along, a failed one alone fails.
	boom := errors.New("boom")
	w1 := queued(db.Defer, put("b"))
	w2 := queued(db.Defer, func(engine.Tx) error { return boom })
	must(t, db.Update(context.Background(), put("c")))
	if err := w1(); err != nil {
		t.Errorf("deferred write before an Update: %v", err)
	}
	if err := w2(); !errors.Is(err, boom) {
		t.Errorf("failing deferred write = %v, want boom", err)
	}
	if !stored("b") || !stored("c") {
		t.Error("the deferred write or the Update was not stored")
	}

	// A full batch of deferred writes commits by itself, and the next batch goes on.
	commits.Store(0)
	waits := make([]func() error, maxBatch+1)
	for i := range waits {
		waits[i] = queued(db.Defer, put(fmt.Sprint("h", i)))
	}
	must(t, waits[maxBatch-1]())
	if n := commits.Load(); n != 1 {
		t.Errorf("%d deferred writes made %d commits, want 1", maxBatch, n)
	}
	if stored(fmt.Sprint("h", maxBatch)) {
		t.Error("the write after a full batch committed without a Flush")
	}

	// Close commits what waits; a write after it fails instead of waiting.
	must(t, db.Close())
	must(t, waits[maxBatch]())
	if err := db.Update(context.Background(), put("late")); err == nil {
		t.Error("a write after Close succeeded")
	}
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !stored(fmt.Sprint("h", maxBatch)) {
		t.Error("a deferred write waiting at Close was lost")
	}
}
