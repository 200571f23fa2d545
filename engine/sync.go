package engine

import (
	"context"
	"fmt"
	"time"
)

// SyncPolicy is how the syncs one route starts share an account's window: at most
// one per Window of virtual time. Inside the window v1's sync route refuses with
// ERATELIMITED and nothing runs (R3); v2's real-time data answers with the job that
// opened the window instead. The two routes' windows are separate.
type SyncPolicy struct {
	Trigger string        // TriggerManual or TriggerRealtime: whose window, and what the job records
	Window  time.Duration // one sync per window
	// AnswerWithLastJob: a call inside the window gets the window's job back, and
	// the sync runs as a job that may outlive the call (v2); otherwise the call is
	// refused inside the window and waits for its sync (v1).
	AnswerWithLastJob bool
}

// The two policies.
var (
	ManualPolicy   = SyncPolicy{Trigger: TriggerManual, Window: RateLimitWindow}                           // v1's sync route (R3)
	RealtimePolicy = SyncPolicy{Trigger: TriggerRealtime, Window: RealtimeWindow, AnswerWithLastJob: true} // v2's x-realtime
)

// windowStart is when the policy's window of a opened, as stored with a (zero if never).
func (p SyncPolicy) windowStart(a Account) time.Time {
	if p.Trigger == TriggerRealtime {
		return a.LastRealtimeAt
	}
	return a.LastManualSyncAt
}

// NextAllowed is when a sync under p will next start a job for a.
func (p SyncPolicy) NextAllowed(a Account) time.Time {
	if at := p.windowStart(a); !at.IsZero() {
		return at.Add(p.Window)
	}
	return time.Time{}
}

// SyncRequest asks for a sync under a policy.
type SyncRequest struct {
	Policy SyncPolicy
	// Requested is what a real-time job is for: RealtimeBalance or RealtimeTransactions.
	Requested string
	// Wait bounds, in real time, how long a real-time call waits for its job: one
	// still running then answers StatusSyncRunning and ends on its own. 0 waits for it.
	Wait time.Duration
}

// Sync runs a manual sync of an account (R2, R3, R5, R6, R11): v1's sync route.
// Inside the rate-limit window it refuses with ERATELIMITED (RetryAfter set) and
// nothing runs. A sync that ran but failed is not an error: the result says failed,
// with its code.
func (e *Engine) Sync(ctx context.Context, accountID string) (SyncResult, error) {
	return e.SyncWith(ctx, accountID, SyncRequest{Policy: ManualPolicy})
}

// RealtimeSync starts a real-time job (v2's Data Sync, through x-realtime) and
// waits for it up to wait: the same sync as v1's, under RealtimePolicy. Inside the
// window it starts nothing and answers the window's job (Reused).
func (e *Engine) RealtimeSync(ctx context.Context, accountID, requested string, wait time.Duration) (SyncResult, error) {
	return e.SyncWith(ctx, accountID, SyncRequest{Policy: RealtimePolicy, Requested: requested, Wait: wait})
}

// SyncWith runs a sync of an account as req says.
func (e *Engine) SyncWith(ctx context.Context, accountID string, req SyncRequest) (SyncResult, error) {
	a, err := e.Account(ctx, accountID)
	if err != nil {
		return SyncResult{}, err
	}
	if !e.Settings().DataSyncEnabled() {
		if req.Policy.AnswerWithLastJob {
			return e.refuseJob(ctx, accountID, req, DataSyncOff)
		}
		return SyncResult{Status: StatusSyncFailed, Code: CodeSyncError, Message: DataSyncOff}, nil
	}
	if req.Policy.AnswerWithLastJob {
		return e.startJob(ctx, accountID, req)
	}
	prev, err := e.claimWindow(a, req.Policy)
	if err != nil {
		return SyncResult{}, err
	}
	// Once asked, the sync runs to its end though the caller leaves: an app's HTTP
	// client that timed out during a slow bank's answer had its sync thrown away,
	// and its window given back, so that against a slow bank none was ever kept.
	// Close still cancels it.
	res, err := e.runSync(context.WithoutCancel(ctx), accountID, req.Policy.Trigger, "")
	if err != nil {
		e.giveBackWindow(req.Policy, accountID, prev)
	}
	return res, err
}

// DataSyncOff is why no sync runs while Data Sync is off, and what to do (a
// sync's Message: the TUI tells it in its own words).
const DataSyncOff = `Data Sync is off for this business: turn it on with PATCH /sandbox/settings {"data_sync_enabled":true} (or in the TUI's Settings), then ask again`

// giveBackWindow undoes a claim when nothing ran (another sync of the account
// running, sandbank shutting down): the window is not spent.
func (e *Engine) giveBackWindow(p SyncPolicy, accountID string, prev time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if prev.IsZero() {
		delete(e.windows, windowKey(p, accountID))
	} else {
		e.windows[windowKey(p, accountID)] = prev
	}
}

func windowKey(p SyncPolicy, accountID string) string { return p.Trigger + "/" + accountID }

// claimWindow starts an account's window under a policy (R3), or refuses inside
// one. The claim is made in memory, so two racing calls cannot both pass, and is
// stored with the sync (LastManualSyncAt in its commit; LastRealtimeAt when the
// real-time job is opened), so it survives a restart. It returns the claim it
// replaced, for giving the window back if nothing runs.
func (e *Engine) claimWindow(a Account, p SyncPolicy) (prev time.Time, err error) {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	key := windowKey(p, a.ID)
	prev = e.windows[key]
	last := p.windowStart(a)
	if prev.After(last) {
		last = prev
	}
	if !last.IsZero() {
		if wait := last.Add(p.Window).Sub(now); wait > 0 {
			return prev, &Error{Code: ERATELIMITED, RetryAfter: wait, Reason: "RATE_LIMITED", Message: fmt.Sprintf(
				"account %s was asked to sync less than %d minutes ago (failed or not); the next sync is allowed in %s", a.ID, int(p.Window/time.Minute), waitText(wait))}
		}
	}
	e.windows[key] = now
	return prev, nil
}

// waitText renders a wait rounded up to whole seconds: "1m 5s".
func waitText(d time.Duration) string {
	return DurationText((d + time.Second - 1) / time.Second * time.Second)
}

// NextSyncAllowed is when a manual sync of a will next be allowed.
func NextSyncAllowed(a Account) time.Time { return ManualPolicy.NextAllowed(a) }

// runSync runs one sync of an account through the worker pool, never two of the
// same account at once, and commits its results before it returns. jobID is the
// job openJob recorded for it, or "" for a job recorded when the sync commits.
func (e *Engine) runSync(ctx context.Context, id, trigger, jobID string) (SyncResult, error) {
	if err := e.enter(); err != nil {
		return SyncResult{}, err
	}
	defer e.wg.Done()
	e.waitAutoWrite(id) // an automatic sync's results still committing come first
	if !e.claimSyncing(id) {
		return SyncResult{}, Errorf(ECONFLICT, "a sync of account %s is already running; wait for it to finish", id).WithReason("SYNC_IN_PROGRESS")
	}
	defer e.releaseSyncing(id)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.ctx, cancel)() // shutdown cancels running syncs
	select {
	case e.workers <- struct{}{}:
		defer func() { <-e.workers }()
	case <-ctx.Done():
		return SyncResult{}, Errorf(EUNAVAILABLE, "the sync was cancelled before it started")
	}

	e.publish(Notice{Kind: NoticeSyncStarted, AccountID: id})
	w, err := e.sync(ctx, id, trigger, jobID, nil)
	if err == nil {
		err = e.store.Update(ctx, w.fn)
	}
	res, err := e.syncDone(id, w, err)
	return res, err
}

// syncDone turns a sync's write, once committed (err nil) or not, into its answer:
// announced, with its events, or an error in words.
func (e *Engine) syncDone(id string, w *syncWrite, err error) (SyncResult, error) {
	if err != nil && e.ctx.Err() != nil {
		// Cancelled by Close: nothing of the sync was kept.
		return SyncResult{}, Errorf(EUNAVAILABLE, "sandbank is shutting down: the sync was cancelled and nothing of it kept; call again once it is back").WithReason("SHUTTING_DOWN")
	}
	if ErrorCode(err) == ENOSPACE {
		err = Errorf(ENOSPACE, "the sync of account %s ran, but its results could not be saved: %s", id, ErrorMessage(err)).WithReason(noRoomReason(err))
	}
	if err != nil {
		return SyncResult{}, err
	}
	e.announce(w.evs)
	res := w.res
	e.publish(Notice{Kind: NoticeSyncFinished, AccountID: id, Result: &res})
	return res, nil
}

// claimSyncing marks an account as syncing, unless it is already.
func (e *Engine) claimSyncing(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, running := e.syncing[id]; running {
		return false
	}
	e.syncing[id] = make(chan struct{})
	return true
}

func (e *Engine) releaseSyncing(id string) {
	e.mu.Lock()
	if ended, ok := e.syncing[id]; ok {
		close(ended)
		delete(e.syncing, id)
	}
	e.mu.Unlock()
}

// syncEnds is closed when the account's running sync ends; nil if none runs.
func (e *Engine) syncEnds(id string) <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.syncing[id]
}

// syncInProgress reports whether err is runSync's refusal to run a second sync of
// an account beside the one running.
func syncInProgress(err error) bool {
	be, ok := AsError(err)
	return ok && be.Reason == "SYNC_IN_PROGRESS"
}

// enter registers work that Close must wait for, unless the engine is closing.
func (e *Engine) enter() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed.Load() {
		return Errorf(EUNAVAILABLE, "sandbank is shutting down")
	}
	e.wg.Add(1)
	return nil
}

// Syncing reports whether a sync of the account is running now.
func (e *Engine) Syncing(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, running := e.syncing[id]
	return running
}

// bankData is what one sync fetched.
type bankData struct {
	balance  int64
	txs      []Transaction
	identity Identity
}

// syncWrite is what a sync stores, ready to commit: fn writes it in one store
// transaction and sets res and evs (it may run more than once, if its batch is
// retried, so it sets them afresh each time).
type syncWrite struct {
	fn  func(Tx) error
	res SyncResult
	evs []Event
	// after is the account as the write leaves it, in what a later sync reads
	// before its own write (where to fetch from, the bank session, whether the user
	// must act, the schedule): an automatic sync of the account in a later round
	// starts from it while this write is still committing.
	after Account
}

// errBasisLost drops a sync's write when the write it started from was not saved:
// it fetched from where that one left off, and would leave a gap. The next round
// syncs again from what is stored.
var errBasisLost = Errorf(ECONFLICT, "the automatic sync before this one could not be saved, so this one, which fetched from where that one left off, is dropped; the next round syncs again from what is stored")

// scheduleMove is an automatic sync's move of its account's schedule, made in the
// sync's own write: from the time it was due to the next — unless the schedule
// changed meanwhile (new settings), which then stands.
type scheduleMove struct{ from, to time.Time }

// sync signs in and fetches at the bank, now, and returns what to store; nothing is
// stored yet. An error means there is nothing to store (no such account, or the
// sync was cancelled).
func (e *Engine) sync(ctx context.Context, id, trigger, jobID string, move *scheduleMove) (*syncWrite, error) {
	a, err := e.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.syncAccount(ctx, a, trigger, jobID, move)
}

// syncAccount is sync of an account already read.
func (e *Engine) syncAccount(ctx context.Context, a Account, trigger, jobID string, move *scheduleMove) (*syncWrite, error) {
	now := e.clock.Now()
	// A sign-in or fetch that shutting down cut off failed for no reason of the
	// bank's: nothing of it is kept, so that the sync runs again once sandbank is
	// back (a failure kept would move the account's next automatic sync on, and a
	// jump Halt stopped would pass this one by).
	shuttingDown := func() bool { return ctx.Err() != nil && e.ctx.Err() != nil }
	session, fail := e.signIn(ctx, &a, now)
	if fail != nil {
		if shuttingDown() {
			return nil, ctx.Err()
		}
		return e.failureWrite(a, trigger, jobID, now, fail, move), nil
	}
	data, err := e.fetch(ctx, a, session, now)
	if ErrorCode(err) == EEXPIRED {
		// A cached session the bank ended early — as it does when the password or
		// MFA changes — or a fresh one the virtual clock outran while the sync ran
		// (a jump, or a fast clock with a slow bank): sign in afresh, once. That is
		// also where R5 and R6 surface.
		a.BankSession, a.BankSessionExpiresAt = "", time.Time{}
		if session, fail = e.signIn(ctx, &a, now); fail != nil {
			if shuttingDown() {
				return nil, ctx.Err()
			}
			return e.failureWrite(a, trigger, jobID, now, fail, move), nil
		}
		if data, err = e.fetch(ctx, a, session, now); ErrorCode(err) == EEXPIRED {
			why := "a jump ran meanwhile: sync again once it is over"
			if st := e.clock.State(); !st.Paused && st.Speed > 1 {
				// Each answer of a slow bank takes its latency in real time: at this
				// speed one outlives a session, and syncing again cannot help.
				why = fmt.Sprintf("the clock runs at %gx, so a slow bank's every answer outlives a session: lower the clock's speed or the bank's latency", st.Speed)
			}
			return e.failureWrite(a, trigger, jobID, now, &syncFailure{code: CodeSyncError, message: "the bank session ended before the sync could fetch, twice: " +
				"the virtual clock ran past the session's end while the sync ran; " + why}, move), nil
		}
	}
	if err != nil {
		if shuttingDown() {
			return nil, err // keep nothing
		}
		return e.failureWrite(a, trigger, jobID, now, &syncFailure{code: CodeSyncError, message: bankErrorText(err)}, move), nil
	}
	return e.successWrite(a, trigger, jobID, now, data, move), nil
}

// syncFailure is why a sync could not run.
type syncFailure struct {
	code, reason, message string
}

// signIn returns a bank session for a: the one it holds if still valid, or a new
// one from its saved credentials. A bank that asks for a challenge (R5) or rejects
// the password (R6) makes the sync fail with REAUTHORISATION_REQUIRED.
func (e *Engine) signIn(ctx context.Context, a *Account, now time.Time) (Secret, *syncFailure) {
	if a.BankSession != "" && a.BankSessionExpiresAt.After(now) {
		return a.BankSession, nil
	}
	if a.ReauthRequired && a.ReauthReason == ReauthCredentials {
		// Trying a password the bank already refused would only lock the user out.
		return "", &syncFailure{CodeReauthRequired, ReauthCredentials, passwordRejected}
	}
	res, err := e.bank.Login(ctx, a.Institution.Code, a.Credentials.Username, a.Credentials.Password.Reveal())
	switch {
	case ErrorCode(err) == EUNAUTHORIZED:
		return "", &syncFailure{CodeReauthRequired, ReauthCredentials, passwordRejected}
	case ErrorCode(err) == ELOCKED && a.ReauthRequired:
		// Wrong answers in a re-authorisation locked the sign-in: the user still has
		// to act, once the lock ends — not a bank error for the app to retry.
		return "", &syncFailure{CodeReauthRequired, a.ReauthReason,
			"the user must re-authorise once the bank's sign-in lock ends (" + ErrorMessage(err) + ")"}
	case err != nil:
		return "", &syncFailure{code: CodeSyncError, message: bankErrorText(err)}
	case res.Challenge != nil:
		return "", &syncFailure{CodeReauthRequired, ReauthChallenge,
			fmt.Sprintf("the bank asks for %s before it shares data; the user must re-authorise", res.Challenge.Kind.Words())}
	case res.Session == nil:
		return "", &syncFailure{code: CodeSyncError, message: "the bank answered the sign-in with neither a session nor a challenge"}
	}
	a.BankSession, a.BankSessionExpiresAt = res.Session.Token, res.Session.ExpiresAt
	e.forgetRefused(a.ID) // the bank takes the saved password (again)
	return a.BankSession, nil
}

// passwordRejected is why a sync fails once the bank refused the saved password: the
// same words whether it was refused now or before (then it is not tried again), so
// that an automatic sync failing for it day after day repeats one job and reports once.
const passwordRejected = "the bank rejected the saved password (was it changed at the bank?); the user must re-authorise"

// bankErrorText says in words why the bank did not serve a sync.
func bankErrorText(err error) string {
	switch ErrorCode(err) {
	case EUNAVAILABLE, ELOCKED, EEXPIRED:
		return "the bank could not serve the sync: " + ErrorMessage(err)
	}
	if err == context.Canceled || err == context.DeadlineExceeded {
		return "the sync was cancelled: " + err.Error()
	}
	return "the bank could not serve the sync: " + ErrorMessage(err)
}

// fetch reads from the bank what changed since the last sync; on the first sync,
// HistoryMonths of history.
func (e *Engine) fetch(ctx context.Context, a Account, session Secret, now time.Time) (bankData, error) {
	from := a.LastSyncedAt // inclusive: what arrived at that very instant is caught, and deduplicated
	if from.IsZero() {
		from = MonthsBefore(a.ConnectedAt, HistoryMonths) // as statements count months: never in the month after
	}
	var d bankData
	var err error
	if d.balance, err = e.bank.Balance(ctx, session, a.Number); err != nil {
		return d, err
	}
	if d.txs, err = e.bank.Transactions(ctx, session, a.Number, from, now); err != nil {
		return d, err
	}
	if d.identity, err = e.bank.Identity(ctx, session); err != nil {
		return d, err
	}
	for i := range d.txs {
		d.txs[i].AccountID = a.ID
	}
	return d, nil
}

// HistoryKept is how long a sync's history stays: syncs delete their account's
// snapshots, sync jobs and settled webhook events older than this, so an account's
// history is a window, however long the clock runs. The newest snapshot and job,
// and every event still waiting for delivery, always stay. They delete in runs
// HistoryRun apart — a week's worth at once, not one record at every sync — so a
// record stays between HistoryKept and HistoryKept+HistoryRun.
const (
	HistoryKept = 30 * 24 * time.Hour
	HistoryRun  = 7 * 24 * time.Hour
)

// repeatable reports whether a sync of this trigger may count on the account's
// latest job instead of adding one when it has nothing new to say. The first sync
// and the sync after re-authorisation always stand on their own (R8).
func repeatable(trigger string) bool { return trigger == TriggerManual || trigger == TriggerAuto }

// successWrite stores a sync's results in one transaction: the new transactions, the
// account (and its schedule), and — when there is something new — the snapshot, the
// job and the account_updated event. A sync that brings nothing new counts on the
// latest snapshot and job (Repeats) and sends no account_updated: it adds a few
// bytes to the file, not a record.
func (e *Engine) successWrite(a Account, trigger, jobID string, now time.Time, d bankData, move *scheduleMove) *syncWrite {
	finished := e.clock.Now()
	w := &syncWrite{after: a}
	w.after.LastSyncedAt, w.after.DataStatus, w.after.ReauthRequired, w.after.ReauthReason = now, DataAvailable, false, ""
	w.after.LastAttemptAt, w.after.LastCode = now, CodeSyncSuccessful
	move.apply(&w.after)
	w.fn = func(tx Tx) error {
		w.evs = w.evs[:0]
		cur, err := linkedAccount(tx, a.ID)
		if err != nil {
			return err
		}
		if cur.LastSyncedAt.Before(a.LastSyncedAt) {
			return errBasisLost
		}
		added, err := tx.AddTransactions(a.ID, d.txs)
		if err != nil {
			return err
		}
		hasNew := added > 0 || d.balance != cur.Balance || d.identity != cur.Identity || cur.LastSyncedAt.IsZero()
		cur.Balance, cur.Identity, cur.LastSyncedAt = d.balance, d.identity, now
		cur.DataStatus, cur.ReauthRequired, cur.ReauthReason = DataAvailable, false, ""
		cur.BankSession, cur.BankSessionExpiresAt = a.BankSession, a.BankSessionExpiresAt
		msg := "synced: no new data"
		switch {
		case added == 1:
			msg = "synced: 1 new transaction"
		case hasNew:
			msg = "synced: " + Count(added) + " new transactions"
		}
		cur.LastAttemptAt, cur.LastCode, cur.LastMessage = now, CodeSyncSuccessful, msg
		if trigger == TriggerManual {
			cur.LastManualSyncAt = now
		}
		move.apply(&cur)
		repeat := !hasNew && repeatable(trigger)
		if err := e.putSnapshot(tx, a.ID, trigger, now, d.balance, added, repeat); err != nil {
			return err
		}
		job, err := e.recordRun(tx, jobID, SyncJob{AccountID: a.ID, Trigger: trigger, StartedAt: now, FinishedAt: finished,
			Status: StatusSyncSuccessful, Code: CodeSyncSuccessful, Message: msg, HasNewData: hasNew, NewTransactions: added}, repeat)
		if err != nil {
			return err
		}
		var types []string
		if hasNew || !repeatable(trigger) {
			types = append(types, EventAccountUpdated)
		}
		if endsWithJobsUpdate(trigger, jobID) {
			types = append(types, EventJobsUpdate)
		}
		for _, t := range types {
			// Sent when the sync ended (finished), not when it began; not at the job's
			// FinishedAt, which a job of an instant that had one already holds a
			// nanosecond later (afterLatest): an event in the clock's future would
			// wait on a paused clock for its first attempt.
			ev, err := addEvent(tx, cur, t, EventFacts{Job: &job}, finished)
			if err != nil {
				return err
			}
			w.evs = append(w.evs, ev)
		}
		if !repeat { // it added to the history: let the oldest go
			if err := tx.CompactHistory(a.ID, now.Add(-HistoryKept), HistoryRun); err != nil {
				return err
			}
		}
		w.res = SyncResult{Status: StatusSyncSuccessful, HasNewData: hasNew, Code: CodeSyncSuccessful, Message: msg, Job: job}
		return tx.PutAccount(cur)
	}
	return w
}

// putSnapshot adds the sync's snapshot, or — for a sync with nothing new — counts it
// on the latest, if that was taken by a sync of the same trigger.
func (e *Engine) putSnapshot(tx Tx, id, trigger string, now time.Time, balance int64, added int, repeat bool) error {
	if repeat {
		last, err := tx.LatestSnapshot(id)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return err
		}
		if err == nil && last.Trigger == trigger && last.Balance == balance {
			last.Repeats++
			last.LastAt = now
			return tx.PutSnapshot(last)
		}
	}
	total, err := tx.TransactionCount(id)
	if err != nil {
		return err
	}
	_, err = tx.AddSnapshot(Snapshot{AccountID: id, At: now, Balance: balance,
		NewTransactions: added, TotalTransactions: total, Trigger: trigger})
	return err
}

// endsWithJobsUpdate says whether a sync's end is a real-time job's, announced
// with mono.accounts.jobs.update: a real-time job's, and a re-authorisation's sync
// recorded as a job (jobID), which took a failed job's real-time window and is
// answered as the window's job (takeFailedWindow). An app given its ID waited for
// a jobs.update that never came (a v2 developer's trial).
func endsWithJobsUpdate(trigger, jobID string) bool {
	return trigger == TriggerRealtime || (trigger == TriggerReauth && jobID != "")
}

// recordRun stores a sync's job: the job openJob recorded (jobID), ended, or a new
// one. A run with nothing new to say (repeat) counts on the account's latest job
// instead, if that one ended the same way — the same trigger and status, and for a
// failure the same code and message — and the job returned is that one's, as this
// run saw it.
func (e *Engine) recordRun(tx Tx, jobID string, run SyncJob, repeat bool) (SyncJob, error) {
	if jobID != "" {
		job, err := tx.SyncJob(run.AccountID, jobID)
		if err != nil {
			return SyncJob{}, err
		}
		job.FinishedAt, job.Status, job.Code, job.Message = later(run.FinishedAt, job.StartedAt), run.Status, run.Code, run.Message
		job.HasNewData, job.NewTransactions = run.HasNewData, run.NewTransactions
		return job, tx.PutSyncJob(job)
	}
	last, err := tx.SyncJobs(run.AccountID, 1)
	if err != nil {
		return SyncJob{}, err
	}
	if repeat {
		if len(last) == 1 && last[0].Trigger == run.Trigger && last[0].Status == run.Status && last[0].Code == run.Code &&
			(run.Status == StatusSyncSuccessful || last[0].Message == run.Message) {
			j := last[0]
			j.Repeats++
			j.LastAt = run.FinishedAt
			if err := tx.PutSyncJob(j); err != nil {
				return SyncJob{}, err
			}
			run.ID, run.Repeats = j.ID, j.Repeats
			return run, nil
		}
	}
	id, err := accountScopedID(tx, e.Settings().IDNamespace, "sync", run.AccountID)
	if err != nil {
		return SyncJob{}, err
	}
	run.ID = id
	run.StartedAt = afterLatest(last, run.StartedAt)
	run.FinishedAt = later(run.FinishedAt, run.StartedAt)
	return run, tx.PutSyncJob(run)
}

// newJob is a new job of an account's that starts at now: its ID, and its start
// stamped after the account's latest job's (afterLatest). Status and the rest are
// the caller's.
func newJob(tx Tx, s Settings, accountID, trigger string, now time.Time) (SyncJob, error) {
	id, err := accountScopedID(tx, s.IDNamespace, "sync", accountID)
	if err != nil {
		return SyncJob{}, err
	}
	latest, err := tx.SyncJobs(accountID, 1)
	if err != nil {
		return SyncJob{}, err
	}
	return SyncJob{ID: id, AccountID: accountID, Trigger: trigger, StartedAt: afterLatest(latest, now)}, nil
}

// afterLatest is when a new job that starts at now is stamped: now, or — when the
// account's latest job (latest: SyncJobs(id, 1)) started at that instant (a paused
// clock: a failed sync and the re-authorisation after it) — a nanosecond after it,
// as the history orders jobs by their start: the newest job is the one made last.
func afterLatest(latest []SyncJob, now time.Time) time.Time {
	if len(latest) == 1 && !latest[0].StartedAt.Before(now) {
		return latest[0].StartedAt.Add(time.Nanosecond)
	}
	return now
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// apply moves a's schedule, unless it changed since the sync read it.
func (m *scheduleMove) apply(a *Account) {
	if m != nil && a.NextAutoSyncAt.Equal(m.from) {
		a.NextAutoSyncAt = m.to
	}
}

// lost reports whether the write this move builds on did not commit: a round that
// fetched from where an earlier round's write left the account finds, stored, a due
// time still before the one that write moved it to. Recording it over that would
// leave the stored time in the past, below every later round's look: the account
// would never be synced automatically again (errBasisLost instead brings it back at
// its next time).
func (m *scheduleMove) lost(stored Account) bool {
	return m != nil && !stored.NextAutoSyncAt.IsZero() && stored.NextAutoSyncAt.Before(m.from)
}

// failureWrite records a sync that could not run, and the events it calls for:
// reauthorisation_required when the user must act (R6), sync_failed for automatic
// syncs (R12). An automatic sync that fails exactly as the account's latest job did
// only counts on that job: the business has been told, and nothing changed.
func (e *Engine) failureWrite(a Account, trigger, jobID string, now time.Time, f *syncFailure, move *scheduleMove) *syncWrite {
	finished := e.clock.Now()
	w := &syncWrite{after: a}
	w.after.LastAttemptAt, w.after.LastCode = now, f.code
	if f.code == CodeReauthRequired {
		w.after.ReauthRequired, w.after.ReauthReason = true, f.reason
		w.after.BankSession, w.after.BankSessionExpiresAt = "", time.Time{}
	}
	move.apply(&w.after)
	refused := f
	w.fn = func(tx Tx) error {
		// fn may run again (the store reruns a batch without a write that
		// failed): it starts from the refusal as the bank gave it each time. It
		// changed f itself, and a rerun said "(the account was re-authorised …)"
		// twice, in the answer and in the job, which then no longer matched its
		// repeat (a review).
		f := refused
		w.evs = w.evs[:0]
		cur, err := linkedAccount(tx, a.ID)
		if err != nil {
			return err
		}
		if move.lost(cur) {
			return errBasisLost
		}
		// A sign-in refused before a re-authorisation that has committed since (a
		// slow bank, the user quicker): the refusal is of what the account held
		// then, recorded as this sync's end, and says nothing of the account now —
		// it made the account need re-authorising again, just re-authorised, and
		// said so in webhooks (a concurrency review). Its message says so, so that
		// a later refusal of the same kind is not counted as its repeat, unsent.
		// The count of re-authorisations is the account's, stored with it: what
		// the sync began from — read from the store, or as a jump's earlier round
		// left it, uncommitted — against what is stored now. A count kept in
		// memory, taken as a round began, missed a re-authorisation whose write had
		// run but not yet committed (a review).
		stale := f.code == CodeReauthRequired && cur.Reauths != a.Reauths
		if stale {
			f = &syncFailure{code: f.code, reason: f.reason, message: f.message + " (the account was re-authorised while this sync ran: this refusal was of what it held before)"}
		} else {
			cur.LastAttemptAt, cur.LastCode, cur.LastMessage = now, f.code, f.message
		}
		if trigger == TriggerManual {
			cur.LastManualSyncAt = now
		}
		if f.code == CodeReauthRequired && !stale {
			cur.ReauthRequired, cur.ReauthReason = true, f.reason
			cur.BankSession, cur.BankSessionExpiresAt = "", time.Time{}
		}
		if cur.LastSyncedAt.IsZero() {
			cur.DataStatus = DataFailed
		}
		move.apply(&cur)
		job, err := e.recordRun(tx, jobID, SyncJob{AccountID: a.ID, Trigger: trigger, StartedAt: now, FinishedAt: finished,
			Status: StatusSyncFailed, Code: f.code, Message: f.message}, trigger == TriggerAuto) // a manual failure sends events that name its job
		if err != nil {
			return err
		}
		var types []string
		if job.Repeats == 0 || trigger != TriggerAuto {
			switch {
			case stale:
			case f.code == CodeReauthRequired:
				types = append(types, EventReauthRequired) // v2: account_updated, REAUTHORISATION_REQUIRED
			case trigger == TriggerRealtime:
				types = append(types, EventAccountUpdated) // v2: sync_status FAILED; a real-time job ends with both
			case trigger == TriggerConnect, trigger == TriggerReauth:
				// The sync the user's sign-in started, which an app waits for after
				// account_connected or account_reauthorized: its account_updated
				// says the data did not come (v1 data_status FAILED, v2 sync_status
				// FAILED). Without it a connect in an outage went silent until the
				// next automatic sync, a day on (a v2 trial).
				types = append(types, EventAccountUpdated)
			}
			switch {
			case stale && trigger == TriggerAuto: // nothing to tell: the user has acted
			case trigger == TriggerAuto:
				types = append(types, EventSyncFailed)
			case endsWithJobsUpdate(trigger, jobID):
				types = append(types, EventJobsUpdate)
			}
		}
		for _, t := range types {
			ev, err := addEvent(tx, cur, t, EventFacts{Code: f.code, Message: f.message, Job: &job}, finished) // as successWrite's
			if err != nil {
				return err
			}
			w.evs = append(w.evs, ev)
		}
		if job.Repeats == 0 { // it added to the history: let the oldest go
			if err := tx.CompactHistory(a.ID, now.Add(-HistoryKept), HistoryRun); err != nil {
				return err
			}
		}
		w.res = SyncResult{Status: StatusSyncFailed, Code: f.code, Message: f.message, Job: job}
		return tx.PutAccount(cur)
	}
	return w
}

// updateAccount reads a linked account, lets fn change it, and writes it back, all in
// one store transaction; fn may write more in the same transaction.
func (e *Engine) updateAccount(ctx context.Context, id string, fn func(Tx, *Account) error) error {
	return e.store.Update(ctx, func(tx Tx) error {
		a, err := linkedAccount(tx, id)
		if err != nil {
			return err
		}
		if err := fn(tx, &a); err != nil {
			return err
		}
		return tx.PutAccount(a)
	})
}

// linkedAccount reads an account that is still connected.
func linkedAccount(tx Tx, id string) (Account, error) {
	a, err := tx.Account(id)
	if ErrorCode(err) == ENOTFOUND || (err == nil && !a.Linked()) {
		return Account{}, Errorf(ENOTFOUND, "no connected account has ID %q (it never existed, or was unlinked); GET /sandbox/accounts lists them", id).WithReason("ACCOUNT_NOT_FOUND")
	}
	return a, err
}
