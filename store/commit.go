package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"sandbank/engine"
)

// Group commit. Every Update must be durable (fsync on), and an fsync costs about a
// millisecond here, so one commit per write would cap the engine at about a thousand
// syncs a second however many run at once. Instead a writer that finds no commit in
// progress starts one at once — a lone writer waits for no one — while writers that
// arrive during a commit queue up and share the next transaction and its fsync. A
// transaction also takes the writes queued while it runs, until it has run them
// all; one of deferred writes alone (a clock jump's, see Defer) waits for more
// until Flush, so that a jump commits once and runs its writes as it goes.
//
// A write whose fn fails is taken out of its batch and answered with its error, and
// the others run again without it. Every write thus commits exactly as if the batch
// had run one write after another, the failed one writing nothing, which is what
// each caller of Update sees alone.

// maxBatch bounds how many writes share one transaction. A jump's automatic syncs
// submit thousands at once (engine's maxAutoWrites), and each sync touches pages
// other syncs of the batch touch too, which a larger batch writes once: a year of
// 1,000 accounts took 114 s in batches of 1,024 and 63 s in batches of 4,096; with
// compaction that decodes no facts, 69 s at 4,096, 41 s at 16,384 and 39 s at
// 32,768, the peak resident set going from 0.9 to 1.2 GB (the file is mapped).
const maxBatch = 32768

type writeQueue struct {
	mu      sync.Mutex
	queue   []*write
	leading bool       // a writer is running batches
	flush   bool       // Flush asked the deferred writes queued or running to commit
	closed  bool       // Close was called: commit what runs, wait for nothing more
	waiting bool       // a batch of deferred writes waits for more (take)
	more    *sync.Cond // on mu: a write was queued, or flush or closed set, or leading unset
}

type write struct {
	ctx      context.Context
	fn       func(engine.Tx) error
	deferred bool        // Defer's: it may wait for Flush
	done     func(error) // given the write's outcome, on the writer's goroutine; may be nil
	// at is the clock's time that nothing the write stores is later than: for a
	// deferred write — a jump's, made at the instant the jump has reached, whose fn
	// reads no clock — when it was queued; for any other, when its fn returned.
	at time.Time
}

// answer gives a write its outcome.
func (w *write) answer(err error) {
	if w.done != nil {
		w.done(err)
	}
}

// errAbort rolls a batch back so that it can run again without a failed write.
var errAbort = errors.New("store: batch aborted")

func (db *DB) update(ctx context.Context, fn func(engine.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var err error
	answered := make(chan struct{})
	if db.enqueue(ctx, fn, false, func(e error) { err = e; close(answered) }) {
		go db.lead() // not here: a batch that goes on with deferred writes would hold the caller
	}
	<-answered
	return err
}

// Submit queues fn like Update but returns at once; done, if not nil, is called
// with its outcome once it has committed or failed. With no commit in progress, a
// goroutine starts one, which also commits whatever is queued meanwhile: syncs of
// one clock jump that each submit their write share commits, however many
// distinct virtual moments they belong to. done runs on the writer's goroutine,
// before the next batch begins (or at once, if ctx is done): it must neither
// block nor write.
func (db *DB) Submit(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	db.submit(ctx, fn, false, done)
}

// Defer queues fn like Submit, but its commit may wait until Flush: the writer
// runs it at once, in a transaction that takes the writes queued after it as they
// come and commits when Flush asks (or a write that may not wait joins it, or it
// holds maxBatch writes). For the writes of a clock jump, whose end flushes them:
// a jump over a small world commits once, and the writes run while the jump goes
// on instead of after it. Whoever waits for a deferred write must Flush first.
func (db *DB) Defer(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	db.submit(ctx, fn, true, done)
}

// submit queues fn, starting a writer on a goroutine of its own if none runs.
func (db *DB) submit(ctx context.Context, fn func(engine.Tx) error, deferred bool, done func(error)) {
	if err := ctx.Err(); err != nil {
		if done != nil {
			done(err)
		}
		return
	}
	if db.enqueue(ctx, fn, deferred, done) {
		go db.lead()
	}
}

// Flush makes the deferred writes queued or running so far commit.
func (db *DB) Flush() {
	q := &db.writes
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) > 0 || q.leading {
		q.flush = true
		q.wake()
	}
}

// wake tells a writer waiting for more writes, or Close waiting for the writer,
// that something changed; under mu.
func (q *writeQueue) wake() {
	if q.waiting || q.closed {
		q.cond().Broadcast()
	}
}

// closeWrites commits every write queued or running — deferred ones without
// waiting for a Flush that will not come — and returns when the writer is idle.
func (db *DB) closeWrites() {
	q := &db.writes
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.wake()
	for q.leading {
		q.cond().Wait()
	}
}

// cond is q.more, made on first use; under mu.
func (q *writeQueue) cond() *sync.Cond {
	if q.more == nil {
		q.more = sync.NewCond(&q.mu)
	}
	return q.more
}

// enqueue adds a write to the queue and reports whether the caller must lead: when
// no one leads.
func (db *DB) enqueue(ctx context.Context, fn func(engine.Tx) error, deferred bool, done func(error)) (lead bool) {
	w := &write{ctx: ctx, fn: fn, deferred: deferred, done: done}
	if deferred {
		w.at = db.clockNow()
	}
	q := &db.writes
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = append(q.queue, w)
	lead = !q.leading
	q.leading = true
	q.wake()
	return lead
}

// lead runs batches until no write is queued.
func (db *DB) lead() {
	q := &db.writes
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.leading = false
			q.queue = nil
			q.wake() // Close may wait for this
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		db.commit()
	}
}

// take removes up to n queued writes for a running batch (urgent: one of its
// writes may not wait). With none queued it waits for more while the batch may
// still grow: while it holds only deferred writes and no Flush or Close asked for
// them. None taken means the batch is complete; waited is how long it waited.
func (db *DB) take(n int, urgent bool) (ws []*write, waited time.Duration) {
	q := &db.writes
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 && !urgent && !q.flush && !q.closed {
		start := time.Now()
		q.waiting = true
		for len(q.queue) == 0 && !q.flush && !q.closed {
			q.cond().Wait()
		}
		q.waiting = false
		waited = time.Since(start)
	}
	n = min(n, len(q.queue))
	ws = q.queue[:n:n]
	q.queue = q.queue[n:]
	if len(ws) == 0 {
		q.flush = false // this batch takes what Flush asked for
	}
	return ws, waited
}

// commit runs one batch — the queued writes, and those queued while it runs, as
// take allows — in one transaction, and answers every write in it.
func (db *DB) commit() {
	// The first writes are taken before the transaction begins: if it cannot (a
	// closed file), they are answered with its error instead of staying queued.
	batch, _ := db.take(maxBatch, true)
	for {
		failed, ferr := -1, error(nil)
		start := time.Now()
		var ran time.Time      // when the writes had run and bbolt's commit began
		var idle time.Duration // waiting for more deferred writes
		err := db.run(context.Background(), true, func(t engine.Tx) error {
			urgent := false
			for i, w := range batch { // again, after a failed write
				urgent = urgent || !w.deferred
				if err := db.runWrite(w, t); err != nil {
					failed, ferr = i, err
					return errAbort
				}
			}
			for len(batch) < maxBatch {
				more, waited := db.take(maxBatch-len(batch), urgent)
				idle += waited
				if len(more) == 0 {
					break
				}
				from := len(batch)
				batch = append(batch, more...) // all of them: a failure reruns the rest
				for i, w := range more {
					urgent = urgent || !w.deferred
					if err := db.runWrite(w, t); err != nil {
						failed, ferr = from+i, err
						return errAbort
					}
				}
			}
			err := db.putClock(t.(*tx).btx, batch)
			ran = time.Now()
			return err
		})
		db.writer.batches.Add(1)
		db.writer.busy.Add(int64(time.Since(start) - idle))
		if !ran.IsZero() {
			db.writer.committing.Add(int64(time.Since(ran)))
		}
		if failed < 0 {
			for _, w := range batch {
				w.answer(err)
			}
			return
		}
		batch[failed].answer(ferr)
		rest := make([]*write, 0, len(batch)-1)
		batch = append(append(rest, batch[:failed]...), batch[failed+1:]...)
		if len(batch) == 0 {
			return // lead goes on with what is queued, if anything
		}
	}
}

// runWrite runs one write's fn; a panic in it (a bug of the caller's) fails that
// write alone instead of the writer that happens to lead the batch.
func (db *DB) runWrite(w *write, t engine.Tx) (err error) {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: a write panicked: %v", r)
		}
		if err == nil && !w.deferred {
			// Every time it runs, in a batch's first writes too (the review: one
			// missed there saved the clock behind a posting it committed).
			w.at = db.clockNow()
		}
	}()
	return db.named(w.fn(t))
}
