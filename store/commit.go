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
// progress commits at once, alone — a lone writer never waits — while writers that
// arrive during a commit queue up and share the next transaction and its fsync.
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
	leading bool // a writer is committing batches
}

type write struct {
	ctx  context.Context
	fn   func(engine.Tx) error
	err  error
	done chan struct{}
}

// errAbort rolls a batch back so that it can run again without a failed write.
var errAbort = errors.New("store: batch aborted")

func (db *DB) update(ctx context.Context, fn func(engine.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w, lead := db.enqueue(ctx, fn, 1)
	if lead {
		db.lead()
	}
	<-w.done
	return w.err
}

// Submit queues fn like Update but returns at once; wait reports its outcome. With
// no commit in progress, a goroutine starts one, which also commits whatever is
// queued meanwhile: syncs of one clock jump that each submit their write share
// commits, however many distinct virtual moments they belong to.
func (db *DB) Submit(ctx context.Context, fn func(engine.Tx) error) (wait func() error) {
	return db.submit(ctx, fn, 1)
}

// holdMax is how many deferred writes wait before one of them starts a commit: a
// commit's fsync costs about what ten syncs' writes do, and production of writes
// during a jump is quick, so holding a few dozen delays the writer by little while
// a jump over a small world commits once instead of at every due time.
const holdMax = 64

// Defer queues fn like Submit, but starts no commit unless holdMax writes wait: it
// commits with the next write that does, or at Flush. For the writes of a clock
// jump, whose end flushes them.
func (db *DB) Defer(ctx context.Context, fn func(engine.Tx) error) (wait func() error) {
	return db.submit(ctx, fn, holdMax)
}

// submit queues fn, starting a commit on a goroutine of its own if none is under
// way and hold writes wait.
func (db *DB) submit(ctx context.Context, fn func(engine.Tx) error, hold int) (wait func() error) {
	if err := ctx.Err(); err != nil {
		return func() error { return err }
	}
	w, lead := db.enqueue(ctx, fn, hold)
	if lead {
		go db.lead()
	}
	return func() error {
		<-w.done
		return w.err
	}
}

// Flush starts a commit of the queued writes, if any and none is under way.
func (db *DB) Flush() {
	q := &db.writes
	q.mu.Lock()
	lead := len(q.queue) > 0 && !q.leading
	q.leading = q.leading || lead
	q.mu.Unlock()
	if lead {
		go db.lead()
	}
}

// enqueue adds a write to the queue and reports whether the caller must lead:
// when no one leads and at least hold writes wait.
func (db *DB) enqueue(ctx context.Context, fn func(engine.Tx) error, hold int) (*write, bool) {
	w := &write{ctx: ctx, fn: fn, done: make(chan struct{})}
	q := &db.writes
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = append(q.queue, w)
	lead := !q.leading && len(q.queue) >= hold
	q.leading = q.leading || lead
	return w, lead
}

// lead commits queued writes, batch after batch, until none are left.
func (db *DB) lead() {
	q := &db.writes
	for {
		q.mu.Lock()
		n := min(len(q.queue), maxBatch)
		batch := q.queue[:n:n]
		q.queue = q.queue[n:]
		if n == 0 {
			q.leading = false
			q.queue = nil
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		db.commit(batch)
	}
}

// commit runs a batch in one transaction and answers every write in it.
func (db *DB) commit(batch []*write) {
	for len(batch) > 0 {
		failed, ferr := -1, error(nil)
		start := time.Now()
		var ran time.Time // when the writes had run and bbolt's commit began
		err := db.run(context.Background(), true, func(t engine.Tx) error {
			for i, w := range batch {
				if err := runWrite(w, t); err != nil {
					failed, ferr = i, err
					return errAbort
				}
			}
			err := db.putClock(t.(*tx).btx)
			ran = time.Now()
			return err
		})
		db.writer.batches.Add(1)
		db.writer.busy.Add(int64(time.Since(start)))
		if !ran.IsZero() {
			db.writer.committing.Add(int64(time.Since(ran)))
		}
		if failed < 0 {
			for _, w := range batch {
				w.err = err
				close(w.done)
			}
			return
		}
		batch[failed].err = ferr
		close(batch[failed].done)
		rest := make([]*write, 0, len(batch)-1)
		batch = append(append(rest, batch[:failed]...), batch[failed+1:]...)
	}
}

// runWrite runs one write's fn; a panic in it (a bug of the caller's) fails that
// write alone instead of the writer that happens to lead the batch.
func runWrite(w *write, t engine.Tx) (err error) {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: a write panicked: %v", r)
		}
	}()
	return w.fn(t)
}
