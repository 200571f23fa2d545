package engine

import (
	"context"
	"sync"
	"time"
)

// Automatic sync (R12): with an interval set, every linked account is synced that
// often, counted from when it connected or the interval was chosen. The clock calls
// autoSyncDue at each due time — when the clock jumps, once per due time in order —
// and the due syncs run before the clock moves on, so a jump of a day at 6 h runs four
// rounds. Failures emit mono.events.sync_failed.

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
	var next time.Time
	err := e.store.View(ctx, func(tx Tx) error {
		accounts, err := tx.Accounts()
		for _, a := range accounts {
			if a.Linked() && !a.NextAutoSyncAt.IsZero() && (next.IsZero() || a.NextAutoSyncAt.Before(next)) {
				next = a.NextAutoSyncAt
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if next.IsZero() {
		e.stopTimer("autosync")
		return nil
	}
	e.setTimer("autosync", next, e.autoSyncDue)
	return nil
}

// armAutoSyncBy makes sure the auto-sync timer fires no later than at, without
// reading every account (a connect calls it).
func (e *Engine) armAutoSyncBy(at time.Time) {
	s := e.Settings()
	if at.IsZero() || s.AutoSync == 0 || !s.DataSyncEnabled() {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
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

// autoSyncDue runs on the clock's goroutine at a due time: it moves each due
// account's schedule on by one interval, syncs them all through the worker pool,
// waits, and arms the timer for the next due time.
func (e *Engine) autoSyncDue() {
	e.mu.Lock()
	delete(e.timers, "autosync") // this timer has fired: nothing is pending until re-armed
	e.mu.Unlock()
	s := e.Settings()
	if s.AutoSync == 0 || !s.DataSyncEnabled() || e.ctx.Err() != nil {
		return
	}
	now := e.clock.Now()
	var due []string
	err := e.store.Update(e.ctx, func(tx Tx) error {
		due = due[:0]
		accounts, err := tx.Accounts()
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if !a.Linked() || a.NextAutoSyncAt.IsZero() || a.NextAutoSyncAt.After(now) {
				continue
			}
			a.NextAutoSyncAt = a.NextAutoSyncAt.Add(s.AutoSync)
			if !a.NextAutoSyncAt.After(now) { // missed several rounds: catch up once
				a.NextAutoSyncAt = now.Add(s.AutoSync)
			}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
			due = append(due, a.ID)
		}
		return nil
	})
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("scheduling automatic syncs", "err", err)
		}
		return
	}
	syncOne := func(id string) {
		if _, err := e.runSync(e.ctx, id, TriggerAuto, ""); err != nil && ErrorCode(err) != ECONFLICT && e.ctx.Err() == nil {
			e.log.Warn("automatic sync", "account", id, "err", err)
		}
	}
	if cap(e.workers) == 1 {
		// One worker: the round's syncs run one by one in account order, so they
		// commit — and their events are numbered — in the same order on every run
		// (a scenario's world, whose transcript must repeat byte for byte).
		for _, id := range due {
			syncOne(id)
		}
	} else {
		var wg sync.WaitGroup
		for _, id := range due {
			wg.Add(1)
			go func() {
				defer wg.Done()
				syncOne(id)
			}()
		}
		wg.Wait()
	}
	if err := e.armAutoSync(e.ctx); err != nil && e.ctx.Err() == nil {
		e.log.Error("scheduling automatic syncs", "err", err)
	}
}
