package engine

import (
	"context"
	"sync"
	"time"
)

// Real-time data (v2's Data Sync): a read with x-realtime: true starts a job, the
// same sync as v1's manual one (the bank, MFA, a changed password and outages
// behave alike) under RealtimePolicy. The job is recorded running before it
// starts, so it has an ID the caller can answer with and read later; the caller
// waits for it a while, and a job that outlives the wait ends on its own. Every
// real-time job ends in a mono.accounts.jobs.update event. One job per account per
// RealtimeWindow: a call inside it gets the window's job back, and nothing runs.

// startJob claims the real-time window and runs a job in it, or answers the
// window's job. The claim and the job's record happen under one lock, so a call
// inside the window always finds the job that opened it.
func (e *Engine) startJob(ctx context.Context, accountID string, req SyncRequest) (SyncResult, error) {
	unlock := e.realtimeMu.Lock(accountID) // the account's alone: a slow commit of one account's job held every account's reads
	a, err := e.Account(ctx, accountID)    // afresh, under the lock: the last job's record
	if err != nil {
		unlock()
		return SyncResult{}, err
	}
	prev, err := e.claimWindow(a, req.Policy)
	if err != nil {
		unlock()
		if ErrorCode(err) == ERATELIMITED {
			return e.joinJob(ctx, a.ID, a.LastRealtimeJob, req.Wait)
		}
		return SyncResult{}, err
	}
	// The window's job still runs past the window (a slow bank): it is the job
	// still. A new one met its sync, and was recorded failed with its own
	// FAILED events, a read after a read, though the bank never failed (a v2
	// developer's trial).
	// A job recorded running that nothing will end — its end could not be
	// recorded (a full disk) — is settled as openJob opens the next: it was
	// answered back, running, to every read until a restart (a concurrency review).
	if a.LastRealtimeJob != "" && e.isLive(a.LastRealtimeJob) {
		if last, err := e.Job(ctx, a.ID, a.LastRealtimeJob); err == nil && last.Running() {
			unlock()
			e.giveBackWindow(req.Policy, accountID, prev)
			return e.joinJob(ctx, a.ID, last.ID, req.Wait)
		}
	}
	job, evs, err := e.openJob(ctx, a, req)
	if err == nil {
		e.jobLive(job.ID, true)
	}
	unlock()
	e.announce(evs)
	if err != nil {
		e.giveBackWindow(req.Policy, accountID, prev)
		return SyncResult{}, err
	}
	if err := e.enter(); err != nil {
		defer e.endJob(job.ID)
		return e.abandonJob(job, err), nil
	}
	e.jobsRunning.Add(1)
	done := make(chan SyncResult, 1)
	go func() {
		defer e.wg.Done()
		defer e.jobsRunning.Add(-1)
		// The job outlives the request that started it; Close still cancels it.
		res, err := e.runSync(context.WithoutCancel(ctx), accountID, req.Policy.Trigger, job.ID)
		for syncInProgress(err) {
			// Another sync of the account runs — a manual one, the TUI's, an
			// automatic one: the job syncs once it has ended. It was recorded
			// failed, with FAILED webhooks, though nothing had failed (a QA
			// trial: a read with x-realtime during a slow v1 sync).
			if ends := e.syncEnds(accountID); ends != nil {
				select {
				case <-ends:
				case <-e.ctx.Done():
				}
			}
			res, err = e.runSync(context.WithoutCancel(ctx), accountID, req.Policy.Trigger, job.ID)
		}
		if err != nil {
			res = e.abandonJob(job, err)
		}
		e.endJob(job.ID)
		done <- res
	}()
	var timeout <-chan time.Time
	if req.Wait > 0 {
		t := time.NewTimer(req.Wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case res := <-done:
		return res, nil
	case <-timeout:
	case <-ctx.Done():
	}
	return SyncResult{Status: StatusSyncRunning, Job: job}, nil
}

// openJob records a real-time job as running, and the account's window as opened
// by it, in one transaction — settling first a job the account's record names as
// running that nothing will end (the events of its end are returned to announce).
// Under the account's realtimeMu.
func (e *Engine) openJob(ctx context.Context, a Account, req SyncRequest) (SyncJob, []Event, error) {
	now := e.clock.Now()
	var job SyncJob
	var evs []Event
	err := e.updateAccount(ctx, a.ID, func(tx Tx, cur *Account) error {
		var err error
		evs = evs[:0]
		if cur.LastRealtimeJob != "" && !e.isLive(cur.LastRealtimeJob) {
			if evs, err = settleDeadJob(tx, cur, now, "the real-time job's end could not be recorded (the disk); ask again with x-realtime: true"); err != nil {
				return err
			}
		}
		if job, err = newJob(tx, e.Settings(), a.ID, req.Policy.Trigger, now); err != nil {
			return err
		}
		job.Status, job.Requested = StatusSyncRunning, req.Requested
		cur.LastRealtimeJob, cur.LastRealtimeAt = job.ID, now
		return tx.PutSyncJob(job)
	})
	if err != nil {
		evs = nil
	}
	return job, evs, err
}

// jobLive notes a real-time job something will end (live), or not; under its
// account's realtimeMu when it becomes live, with its record.
func (e *Engine) jobLive(id string, live bool) {
	e.liveMu.Lock()
	defer e.liveMu.Unlock()
	if e.liveJobs == nil {
		e.liveJobs = map[string]chan struct{}{}
	}
	if live {
		e.liveJobs[id] = make(chan struct{})
	} else if ended := e.liveJobs[id]; ended != nil {
		close(ended)
		delete(e.liveJobs, id)
	}
}

// endJob notes that a real-time job has ended, recorded or not.
func (e *Engine) endJob(id string) { e.jobLive(id, false) }

// isLive reports whether something will end the real-time job.
func (e *Engine) isLive(id string) bool {
	e.liveMu.Lock()
	defer e.liveMu.Unlock()
	return e.liveJobs[id] != nil
}

// jobEnds is closed when the real-time job has ended; nil if nothing will end it
// (it has ended, or a crash cut it short).
func (e *Engine) jobEnds(id string) <-chan struct{} {
	e.liveMu.Lock()
	defer e.liveMu.Unlock()
	return e.liveJobs[id]
}

// joinJob answers a call that finds the account's real-time job running — in its
// window, or past it with a slow bank — as the call that started it is answered:
// once the job has ended, if it ends within the call's wait, else as it stands. A
// read sent beside another, a balance's beside the transactions', answered
// processing and the old balance while the other had the new (a v2 developer's
// trial).
func (e *Engine) joinJob(ctx context.Context, accountID, jobID string, wait time.Duration) (SyncResult, error) {
	if ends := e.jobEnds(jobID); ends != nil && wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ends:
		case <-t.C:
		case <-ctx.Done():
		}
	}
	job, err := e.Job(ctx, accountID, jobID)
	if err != nil {
		return SyncResult{}, err
	}
	return SyncResult{Status: job.Status, HasNewData: job.HasNewData, Code: job.Code, Message: job.Message,
		Job: job, Reused: true}, nil
}

// keyedMutex is a mutex for each key, made as it is first locked and dropped when
// nothing holds or waits for it.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	refs int
}

// Lock locks key's mutex and returns its unlock.
func (k *keyedMutex) Lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyedLock{}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

// abandonJob records a job whose sync never ran (another sync of the account was
// running, or sandbank is stopping) as failed, announces its end, and gives the
// window back: the next call may start a job at once.
func (e *Engine) abandonJob(job SyncJob, cause error) SyncResult {
	now := e.clock.Now()
	job.Status, job.Code, job.FinishedAt = StatusSyncFailed, CodeSyncError, later(now, job.StartedAt)
	job.Message = "the real-time job did not run: " + ErrorMessage(cause)
	var evs []Event
	// Recorded even while shutting down: the store outlives the engine.
	err := e.store.Update(context.Background(), func(tx Tx) error {
		evs = evs[:0]
		if err := tx.PutSyncJob(job); err != nil {
			return err
		}
		cur, err := linkedAccount(tx, job.AccountID)
		if ErrorCode(err) == ENOTFOUND {
			return nil // unlinked meanwhile: nothing to announce
		} else if err != nil {
			return err
		}
		if cur.LastRealtimeJob == job.ID {
			cur.LastRealtimeAt = time.Time{}
			if err := tx.PutAccount(cur); err != nil {
				return err
			}
		}
		evs, err = addJobEnd(tx, cur, job, now)
		return err
	})
	if err != nil {
		e.log.Error("recording a real-time job that did not run", "account", job.AccountID, "job", job.ID, "err", err)
	}
	e.giveBackWindow(RealtimePolicy, job.AccountID, time.Time{})
	e.announce(evs)
	return SyncResult{Status: StatusSyncFailed, Code: job.Code, Message: job.Message, Job: job}
}

// refuseJob answers a real-time read while Data Sync is off (why says so, and how
// to turn it on) as abandonJob answers one whose job could not run: a job recorded
// failed without a sync, its end announced (skipped, as every event is while Data
// Sync is off), and no window spent or given back: the read after Data Sync is
// turned on starts a job at once, or, inside a window opened before, answers its
// job. Answered without a job, the read said x-job-status: failed
// with no x-job-id — the one failed job with nothing to read at …/jobs/{id}.
//
// A read refused as one before it was, nothing since (no job between), answers
// that one's job again, as a read inside the window does: a job and two events a
// read, which no compaction removes while Data Sync is off (a sync runs it), grew
// the file without bound under an app that polls — 6 KB and an fsync a read.
func (e *Engine) refuseJob(ctx context.Context, accountID string, req SyncRequest, why string) (SyncResult, error) {
	defer e.realtimeMu.Lock(accountID)() // as startJob: the account's window changes under it
	msg := "the real-time job did not run: " + why
	var again SyncJob
	err := e.store.View(ctx, func(tx Tx) error {
		if _, err := linkedAccount(tx, accountID); err != nil {
			return err
		}
		latest, err := tx.SyncJobs(accountID, 2) // a balance's and a transactions' read, refused in turn
		if err != nil {
			return err
		}
		for _, j := range latest {
			if j.Trigger != req.Policy.Trigger || j.Status != StatusSyncFailed || j.Message != msg {
				break // a job since: this read is refused anew
			}
			if j.Requested == req.Requested {
				again = j
				break
			}
		}
		return nil
	})
	if err != nil {
		return SyncResult{}, err
	}
	if again.ID != "" {
		return SyncResult{Status: StatusSyncFailed, Code: again.Code, Message: again.Message, Job: again}, nil
	}
	now := e.clock.Now()
	s := e.Settings()
	var job SyncJob
	var evs []Event
	err = e.updateAccount(ctx, accountID, func(tx Tx, a *Account) error {
		var err error
		if job, err = newJob(tx, s, a.ID, req.Policy.Trigger, now); err != nil {
			return err
		}
		job.FinishedAt, job.Status, job.Code, job.Message, job.Requested = job.StartedAt, StatusSyncFailed, CodeSyncError, msg, req.Requested
		// The account's window and its job stay as they are: a job still running
		// when it was refused is the one a restart after a crash settles, and a
		// window open before Data Sync went off still stands once it is back on
		// (the review: the refusal took both over).
		if err := tx.PutSyncJob(job); err != nil {
			return err
		}
		evs, err = addJobEnd(tx, *a, job, now)
		return err
	})
	if err != nil {
		return SyncResult{}, err
	}
	e.announce(evs)
	return SyncResult{Status: StatusSyncFailed, Code: job.Code, Message: job.Message, Job: job}, nil
}

// addJobEnd puts into tx the events that end a real-time job that did not run:
// account_updated (v2: sync_status FAILED) and jobs.update, as every real-time
// job ends with both.
func addJobEnd(tx Tx, a Account, job SyncJob, now time.Time) ([]Event, error) {
	evs := make([]Event, 0, 2)
	for _, t := range []string{EventAccountUpdated, EventJobsUpdate} {
		ev, err := addEvent(tx, a, t, EventFacts{Code: job.Code, Message: job.Message, Job: &job}, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// Job returns a sync job of a linked account.
func (e *Engine) Job(ctx context.Context, accountID, jobID string) (SyncJob, error) {
	var j SyncJob
	err := e.store.View(ctx, func(tx Tx) error {
		if _, err := linkedAccount(tx, accountID); err != nil {
			return err
		}
		var err error
		j, err = tx.SyncJob(accountID, jobID)
		if ErrorCode(err) == ENOTFOUND || (err == nil && j.AccountID != accountID) {
			return Errorf(ENOTFOUND, "account %s has no job %q; a real-time read (x-realtime: true) answers its job's ID in x-job-id", accountID, jobID).WithReason("JOB_NOT_FOUND")
		}
		return err
	})
	return j, err
}

// JobsRunning counts the real-time jobs whose sync has not ended: what a step that
// started one set off is over when it is 0.
func (e *Engine) JobsRunning() int64 { return e.jobsRunning.Load() }

// settleInterruptedJob marks FAILED a real-time job that a crash cut short,
// announces its end and gives its window back: stored as running, nothing would
// ever finish it. It reports whether it changed a.
func settleInterruptedJob(tx Tx, a *Account, now time.Time) (bool, error) {
	before := a.LastRealtimeAt
	_, err := settleDeadJob(tx, a, now, "the real-time job was cut short when sandbank stopped; ask again with x-realtime: true")
	return !a.LastRealtimeAt.Equal(before), err
}

// settleDeadJob marks FAILED, for why, the real-time job a names if it is recorded
// running, and gives its window back; the events of its end are returned.
func settleDeadJob(tx Tx, a *Account, now time.Time, why string) ([]Event, error) {
	if a.LastRealtimeJob == "" {
		return nil, nil
	}
	job, err := tx.SyncJob(a.ID, a.LastRealtimeJob)
	if ErrorCode(err) == ENOTFOUND || (err == nil && !job.Running()) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	job.Status, job.Code, job.FinishedAt = StatusSyncFailed, CodeSyncError, later(now, job.StartedAt)
	job.Message = why
	if err := tx.PutSyncJob(job); err != nil {
		return nil, err
	}
	a.LastRealtimeAt = time.Time{}
	return addJobEnd(tx, *a, job, now)
}
