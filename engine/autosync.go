package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Automatic sync (R12): with an interval set, every linked account is synced that
// often, counted from when it connected or the interval was chosen. The clock calls
// autoSyncDue at each due time — when the clock jumps, once per due time in order —
// and the due syncs fetch from the bank before the clock moves on, so a jump of a day
// at 6 h runs four rounds.
//
// A round finds its accounts in the store's index of scheduled syncs
// (Tx.ScheduledSyncs), reading only the part of it that fell due since the round
// before, so it touches only the accounts it syncs. Each sync moves its account's
// schedule in its own write, and the round does not wait for those writes to commit:
// it submits them (Store.Submit) and lets the clock move on, so the writes of many
// rounds share commits — a jump of a year at 1,000 accounts is 365,000 syncs at
// 1,000 distinct times of day, not 365,000 fsyncs. Until its write commits, an
// account's entry in the index is stale, so the engine keeps the write's next time
// and how it leaves the account (autoWrite): a later round syncs the account from
// there without waiting, a manual sync waits for the write, and whoever moved the
// clock finds every write committed when the move returns.

// maxAutoWrites bounds the automatic syncs' writes submitted and not yet committed:
// twice the store's batch (its maxBatch), so that while a full batch commits the
// rounds go on fetching the next one instead of waiting for its slots, and few
// enough to hold in memory. With as many as a batch, fetching and committing took
// turns: 60 days of 10,000 accounts took 82 to 102 s, and 71 to 74 s with twice
// as many (peak resident set 2.3–2.7 GB → 2.9–3.0 GB; a year of 1,000: 1.1 → 1.6 GB).
const maxAutoWrites = 65536

// autoWrite is an automatic sync's write that has not committed yet.
type autoWrite struct {
	id     string
	next   time.Time     // when the account is due next, once the write commits
	after  Account       // the account as the write leaves it (syncWrite.after)
	done   chan struct{} // closed when it has committed or failed
	failed bool          // it failed: the account waits for next all the same
}

// autoState is the bookkeeping of automatic syncs, under Engine.mu; only rounds
// (under autoMu) change seen.
type autoState struct {
	// seen is the due time up to which the index has been read: later rounds read
	// only what falls due after it.
	seen time.Time
	// order lists writes by next time, so that the writes that fall due while
	// still committing are at its front. Rounds run in time order, so a write
	// mostly goes at the end — but not after a shorter interval is chosen: an
	// entry of the longer one's round, long committed, stays until its time, and
	// the shorter one's writes appended behind it were not read as due until then
	// (a jump of a day at 6 h after a round at 24 h synced twice, not four times).
	order []*autoWrite
	// rewind is the earliest due time of an account whose entry committed at or
	// before seen — a connect whose write waited in a batch while rounds ran past
	// its first due time — which the next round reads from; zero if none. Without
	// it the account was never synced automatically (a review).
	rewind time.Time
	// reading is the due time up to which a round under way reads the index (its
	// now), zero between rounds: an entry committed meanwhile may be missed by it.
	reading time.Time
}

// rescheduleAutoSync sets every linked account's next automatic sync for a new interval.
func rescheduleAutoSync(tx Tx, interval time.Duration, now time.Time) error {
	accounts, err := tx.Accounts()
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if !a.Linked() {
			continue
		}
		a.NextAutoSyncAt = time.Time{}
		if interval > 0 {
			a.NextAutoSyncAt = now.Add(interval)
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
	}
	return nil
}

// armAutoSync sets the clock timer for the earliest automatic sync due.
func (e *Engine) armAutoSync(ctx context.Context) error {
	s := e.Settings()
	if s.AutoSync == 0 || !s.DataSyncEnabled() {
		e.stopTimer("autosync")
		return nil
	}
	e.mu.Lock()
	seen := e.auto.seen
	e.mu.Unlock()
	var first []ScheduledSync
	err := e.store.View(ctx, func(tx Tx) (err error) {
		first, err = tx.ScheduledSyncs(seen.Add(1), farFuture, 1)
		return err
	})
	if err != nil {
		return err
	}
	e.armAutoSyncAt(first)
	return nil
}

// armAutoSyncAt arms the timer for the earliest of the index's first entry after
// what rounds have read (first, if any) and the writes still committing.
func (e *Engine) armAutoSyncAt(first []ScheduledSync) {
	var next time.Time
	if len(first) > 0 {
		next = first[0].At
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.auto.order) > 0 && (next.IsZero() || e.auto.order[0].next.Before(next)) {
		next = e.auto.order[0].next
	}
	if e.timers["autosync"] != nil && (next.IsZero() || e.autoNext.Before(next)) {
		// An earlier round, armed since this one read the index (a connect while a
		// round runs: its account is not in what the round read), stands; at worst
		// it finds nothing due and arms the next itself.
		return
	}
	if next.IsZero() {
		if t := e.timers["autosync"]; t != nil {
			t.Stop()
			delete(e.timers, "autosync")
		}
		return
	}
	e.setTimerLocked("autosync", next, e.autoSyncDue)
}

// armAutoSyncBy makes sure the auto-sync timer fires no later than at, without
// reading the index (a connect calls it).
func (e *Engine) armAutoSyncBy(at time.Time) {
	s := e.Settings()
	if at.IsZero() || s.AutoSync == 0 || !s.DataSyncEnabled() {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	read := e.auto.seen
	if e.auto.reading.After(read) {
		read = e.auto.reading
	}
	if !at.After(read) && (e.auto.rewind.IsZero() || at.Before(e.auto.rewind)) {
		e.auto.rewind = at // the rounds have read past it: the next reads from it again
	}
	if e.timers["autosync"] != nil && !e.autoNext.After(at) {
		return // an earlier round is pending; it re-arms for the rest when it has run
	}
	e.setTimerLocked("autosync", at, e.autoSyncDue)
}

func (e *Engine) stopTimer(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.timers[name]; t != nil {
		t.Stop()
		delete(e.timers, name)
	}
}

// autoSyncDue runs on the clock's goroutine at a due time: it syncs each account due
// now — fetching from the bank at this virtual time, and submitting the results with
// the account's schedule moved on by one interval — then arms the timer for the next
// due time. It waits for the fetches, not for the writes.
func (e *Engine) autoSyncDue() {
	e.mu.Lock()
	delete(e.timers, "autosync") // this timer has fired: nothing is pending until re-armed
	e.mu.Unlock()
	e.autoMu.Lock()
	defer e.autoMu.Unlock()
	s := e.Settings() // under autoMu: a settings change that held it (Data Sync off) stands
	if s.AutoSync == 0 || !s.DataSyncEnabled() || e.ctx.Err() != nil {
		return
	}
	now := e.clock.Now()
	e.mu.Lock()
	seen := e.auto.seen
	e.mu.Unlock()
	defer func() {
		if bug := recover(); bug != nil {
			// A bug in the round: the clock stops its jump here and the panic goes
			// on to whoever moved it (Clock.Advance). The round counts as not run:
			// the next, a minute on, reads its accounts again — those it synced
			// before the panic are stored as synced, with the jump's writes — as
			// after an error reading the index. The round had taken its timer down
			// and marked its due time read, and armed no next: automatic syncs
			// stopped for good, without a word, while the clock went on.
			e.mu.Lock()
			e.auto.seen = seen
			if e.timers["autosync"] == nil {
				e.setTimerLocked("autosync", now.Add(time.Minute), e.autoSyncDue)
			}
			e.mu.Unlock()
			if !e.clock.Jumping() {
				// No jump to stop, and no caller to tell: a round overdue at a start
				// or a connect, on a goroutine of its own, or one the running clock
				// fired. The panic killed the process (a review).
				e.log.Error("a bug in an automatic sync round; it runs again in a minute", "bug", bug)
				return
			}
			panic(bug)
		}
	}()
	due, next, from, err := e.autoRound(now)
	seen = from // read again from there if this round counts as not run: a rewind's start
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("finding the automatic syncs due; trying again in a minute", "err", err)
			e.mu.Lock()
			if e.timers["autosync"] == nil {
				e.setTimerLocked("autosync", now.Add(time.Minute), e.autoSyncDue) // not silently never again
			}
			e.mu.Unlock()
		}
		return
	}
	if cap(e.workers) == 1 || len(due) == 1 {
		// One worker: the round's syncs run one by one in account order, so they
		// are submitted — and commit, and their events are numbered — in the same
		// order on every run (a scenario's world, whose transcript must repeat byte
		// for byte). One sync due runs here too: a goroutine and its wake-ups for
		// it were a third of a small world's day on the clock's goroutine, where
		// accounts fall due one by one (BenchmarkScaleDays, N=10: 18 goroutines
		// and 19 wake-ups a day, 9 and 9 without). A panic in it reaches the
		// round's recover above all the same.
		for _, a := range due {
			e.autoSync(a, s.AutoSync, now)
		}
	} else {
		var wg sync.WaitGroup
		var bug atomic.Pointer[string]
		for _, a := range due {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					// Carried to the round's goroutine, the clock's, which stops its
					// jump there: on a goroutine of its own it killed the process.
					if r := recover(); r != nil {
						msg := fmt.Sprintf("%v\n%s", r, debug.Stack())
						bug.CompareAndSwap(nil, &msg)
					}
				}()
				e.autoSync(a, s.AutoSync, now)
			}()
		}
		wg.Wait()
		if b := bug.Load(); b != nil {
			panic(*b)
		}
	}
	e.armAutoSyncAt(next)
}

// autoRound reads, in one transaction, the accounts due at now, in ID order: those
// the index lists as due since the round before, and those whose write is still
// committing and falls due by now (the index still shows their previous time),
// as that write leaves them. It also returns the index's first entry after now,
// for the next round, and the due time after which it read (behind the last
// round's when it read again behind an entry committed late).
func (e *Engine) autoRound(now time.Time) (due []Account, next []ScheduledSync, from time.Time, err error) {
	ids := map[string]bool{} // ID → read from the store
	var pending []Account
	var committing map[string]bool // rewound: accounts whose entry a write still moves
	e.mu.Lock()
	seen := e.auto.seen
	e.auto.reading = now
	defer func() {
		e.mu.Lock()
		e.auto.reading = time.Time{}
		e.mu.Unlock()
	}()
	if r := e.auto.rewind; !r.IsZero() {
		e.auto.rewind = time.Time{}
		if !r.After(seen) {
			// Read again from there. Entries there of accounts whose write is still
			// committing are stale (the write moves them): their write's entry in
			// order brings them back, so they are left out, not synced twice.
			seen = r.Add(-1)
			committing = make(map[string]bool, len(e.autoWrites))
			for id := range e.autoWrites {
				committing[id] = true
			}
		}
	}
	for len(e.auto.order) > 0 && !e.auto.order[0].next.After(now) {
		w := e.auto.order[0]
		e.auto.order = e.auto.order[1:]
		switch {
		case e.autoWrites[w.id] != w:
		case w.failed:
			ids[w.id] = true // stored as it was before: read it
		default:
			ids[w.id] = false
			pending = append(pending, w.after)
		}
	}
	e.mu.Unlock()
	err = e.store.View(e.ctx, func(tx Tx) error {
		listed, err := tx.ScheduledSyncs(seen.Add(1), now, 0)
		if err != nil {
			return err
		}
		for _, s := range listed {
			if _, ok := ids[s.AccountID]; !ok && !committing[s.AccountID] {
				ids[s.AccountID] = true
			}
		}
		due = make([]Account, 0, len(ids))
		due = append(due, pending...)
		for id, read := range ids {
			if !read {
				continue
			}
			a, err := linkedAccount(tx, id)
			if ErrorCode(err) == ENOTFOUND {
				e.forgetAutoWrite(id) // unlinked since
				continue
			}
			if err != nil {
				return err
			}
			due = append(due, a)
		}
		next, err = tx.ScheduledSyncs(now.Add(1), farFuture, 1)
		return err
	})
	if err != nil {
		if committing != nil { // the next round reads again from where this one was to
			e.mu.Lock()
			if from := seen.Add(1); e.auto.rewind.IsZero() || from.Before(e.auto.rewind) {
				e.auto.rewind = from
			}
			e.mu.Unlock()
		}
		return nil, nil, seen, err
	}
	e.mu.Lock()
	e.auto.seen = now
	for i := range due {
		e.signInAsReauthorised(&due[i])
	}
	e.mu.Unlock()
	slices.SortFunc(due, func(x, y Account) int { return strings.Compare(x.ID, y.ID) })
	return due, next, seen, nil
}

// forgetAutoWrite drops a failed write's bookkeeping of an account that is gone.
func (e *Engine) forgetAutoWrite(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if w := e.autoWrites[id]; w != nil && w.failed {
		delete(e.autoWrites, id)
	}
}

// nextDue is when an account due at from, synced now, is due next: one interval on,
// or — if it missed several rounds (sandbank was off) — one interval from now: it
// catches up once.
func nextDue(from, now time.Time, interval time.Duration) time.Time {
	if next := from.Add(interval); next.After(now) {
		return next
	}
	return now.Add(interval)
}

// autoSync runs one account's automatic sync of a round: it fetches now — from
// where the account's last write leaves it, committed or not — and submits the
// results, without waiting for them to commit.
func (e *Engine) autoSync(a Account, interval time.Duration, now time.Time) {
	if a.NextAutoSyncAt.IsZero() || a.NextAutoSyncAt.After(now) {
		return // rescheduled since it was listed
	}
	if err := e.enter(); err != nil {
		return
	}
	defer e.wg.Done()
	move := &scheduleMove{from: a.NextAutoSyncAt, to: nextDue(a.NextAutoSyncAt, now, interval)}
	if !e.claimSyncing(a.ID) {
		// A manual sync of it is running: it stands for this round, whose schedule
		// still moves on.
		w := &syncWrite{after: a, fn: func(tx Tx) error {
			cur, err := linkedAccount(tx, a.ID)
			if err != nil {
				return err
			}
			if move.lost(cur) {
				return errBasisLost
			}
			move.apply(&cur)
			return tx.PutAccount(cur)
		}}
		move.apply(&w.after)
		e.submitAutoWrite(a.ID, move, w, false)
		return
	}
	defer e.releaseSyncing(a.ID)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	select {
	case e.workers <- struct{}{}:
		defer func() { <-e.workers }()
	case <-ctx.Done():
		return
	}
	e.publish(Notice{Kind: NoticeSyncStarted, AccountID: a.ID})
	w, err := e.syncAccount(ctx, a, TriggerAuto, "", move)
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Warn("automatic sync", "account", a.ID, "err", err)
		}
		return
	}
	e.submitAutoWrite(a.ID, move, w, true)
}

// submitAutoWrite submits an account's write of this round, and once it has
// committed, announces it (a sync's) and forgets it.
func (e *Engine) submitAutoWrite(id string, move *scheduleMove, w *syncWrite, isSync bool) {
	select {
	case e.autoSlots <- struct{}{}: // at most maxAutoWrites committing: the store sets the pace
	default:
		e.store.Flush() // deferred writes that free a slot may wait for a Flush
		select {
		case e.autoSlots <- struct{}{}:
		case <-e.ctx.Done():
			return
		}
	}
	pending := &autoWrite{id: id, next: move.to, after: w.after, done: make(chan struct{})}
	e.mu.Lock()
	e.autoWrites[id] = pending
	e.auto.order = insertByNext(e.auto.order, pending)
	e.mu.Unlock()
	e.autoWait.add()
	e.autoCount.Add(1)
	submit, jumping := e.store.Submit, e.clock.Jumping()
	if jumping {
		submit = e.store.Defer // the jump's end flushes it (waitAutoWrites)
	}
	// Answered on the store's writer, as it commits: a jump's writes, answered in
	// a row, wake no goroutine each.
	submit(context.WithoutCancel(e.ctx), w.fn, func(err error) {
		defer e.autoWait.done()
		defer func() {
			// The syncs are stored: their webhooks go now — a jump's once it has
			// returned (its end nudges delivery), so that its answer does not wait
			// for the CPU their sending takes.
			if e.autoCount.Add(-1) == 0 && !jumping {
				e.nudgeDelivery()
			}
		}()
		<-e.autoSlots
		// A sync that started from one the full disk lost is lost to it too: it
		// logged a warning each, 26,444 in a year's jump (an operator's trial).
		lost := ErrorCode(err) == ENOSPACE || (errors.Is(err, errBasisLost) && e.noSpace.Load() > 0)
		switch {
		case lost:
			e.lostToDisk.Add(1)
			if ErrorCode(err) == ENOSPACE {
				e.lostReason.Store(noRoomReason(err))
			}
			// Once, not once a sync: a jump over a full disk wrote a line for
			// each of thousands of syncs, into a log on that disk.
			if e.noSpace.Add(1) == 1 && e.ctx.Err() == nil {
				e.log.Error("automatic syncs cannot be saved: no room for the database (the disk is full, or a limit on a file's size); the next ones that fail so are counted, not logged", "account", id, "err", err)
			}
		case err == nil:
			if n := e.noSpace.Swap(0); n > 0 {
				e.log.Warn("automatic syncs are saved again: those lost to the full disk sync at their accounts' next time", "lost", n)
			}
		}
		if isSync {
			if _, err := e.syncDone(id, w, err); err != nil && ErrorCode(err) != ENOTFOUND && !lost && e.ctx.Err() == nil {
				e.log.Warn("automatic sync", "account", id, "err", err)
			}
		} else if err != nil && ErrorCode(err) != ENOTFOUND && !lost && e.ctx.Err() == nil {
			// An account unlinked since its schedule was taken has none to move, as
			// its sync above has nothing to store: logged as an error 82 times in a
			// load test that unlinked accounts as they synced.
			e.log.Error("moving an automatic sync's schedule", "account", id, "err", err)
		}
		e.mu.Lock()
		if err == nil || ErrorCode(err) == ENOTFOUND {
			if e.autoWrites[id] == pending {
				delete(e.autoWrites, id)
			}
		} else {
			// Stored as still due: without this the next round would run it again
			// at once, and again. The account waits for its next time, when its
			// entry in order brings it back.
			pending.failed = true
		}
		e.mu.Unlock()
		close(pending.done)
	})
	// A deferred write is flushed by the end of the jump it belongs to: a round
	// runs inside its jump, and one run at once on a goroutine of its own (an
	// overdue one) finishes before any jump begins (Clock.AfterFunc), so no jump
	// ends between a round's Jumping and its write.
}

// insertByNext puts w into order, which is sorted by next time, after the
// entries of the same time (mostly at the end).
func insertByNext(order []*autoWrite, w *autoWrite) []*autoWrite {
	i := sort.Search(len(order), func(k int) bool { return order[k].next.After(w.next) })
	return slices.Insert(order, i, w)
}

// waitAutoWrite waits until the account's automatic sync, if one is committing, has
// committed.
func (e *Engine) waitAutoWrite(id string) {
	e.mu.Lock()
	w := e.autoWrites[id]
	e.mu.Unlock()
	if w != nil {
		e.store.Flush() // it may be deferred
		<-w.done
	}
}

// waitAutoWrites commits every automatic sync submitted so far, deferred ones too,
// and waits for them: whoever moved the clock then finds everything the jump did
// stored.
func (e *Engine) waitAutoWrites() {
	e.store.Flush()
	e.autoWait.wait()
}

// pendingCount counts work under way and waits for none to be. Unlike a
// sync.WaitGroup, work may be added while someone waits with none under way: a
// round of overdue syncs on a goroutine of its own adds writes whenever it gets
// there, and a WaitGroup so used panicked "WaitGroup is reused before previous
// Wait has returned" — a clock advance answered 500 (the crash test, under load).
type pendingCount struct {
	mu   sync.Mutex
	n    int
	idle *sync.Cond // on mu: n fell to 0
}

func (p *pendingCount) add() {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
}

func (p *pendingCount) done() {
	p.mu.Lock()
	if p.n--; p.n == 0 && p.idle != nil {
		p.idle.Broadcast()
	}
	p.mu.Unlock()
}

// wait returns once no work is under way.
func (p *pendingCount) wait() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.n > 0 {
		if p.idle == nil {
			p.idle = sync.NewCond(&p.mu)
		}
		p.idle.Wait()
	}
}
