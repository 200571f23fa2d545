package engine

import (
	"context"
	"fmt"
	"time"
)

// Sync runs a manual sync of an account (R2, R3, R5, R6, R11). Inside the rate-limit
// window it refuses with ERATELIMITED (RetryAfter set) and nothing runs. A sync that
// ran but failed is not an error: the result says failed, with its code.
func (e *Engine) Sync(ctx context.Context, accountID string) (SyncResult, error) {
	a, err := e.Account(ctx, accountID)
	if err != nil {
		return SyncResult{}, err
	}
	if !e.Settings().DataSyncEnabled() {
		return SyncResult{Status: StatusSyncFailed, Code: CodeSyncError,
			Message: "Data Sync is not enabled for this business: enable it in the settings first"}, nil
	}
	prev, err := e.claimWindow(a)
	if err != nil {
		return SyncResult{}, err
	}
	res, err := e.runSync(ctx, accountID, TriggerManual)
	if err != nil { // nothing ran (busy, shutting down, cancelled): the window is not spent
		e.mu.Lock()
		if prev.IsZero() {
			delete(e.windows, a.ID)
		} else {
			e.windows[a.ID] = prev
		}
		e.mu.Unlock()
	}
	return res, err
}

// claimWindow starts an account's rate-limit window (R3), or refuses inside one. The
// claim is made in memory, so two racing calls cannot both pass, and is stored with
// the sync's own commit (LastManualSyncAt), so it survives a restart.
// It returns the claim it replaced, for giving the window back if nothing runs.
func (e *Engine) claimWindow(a Account) (prev time.Time, err error) {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	prev = e.windows[a.ID]
	last := a.LastManualSyncAt
	if prev.After(last) {
		last = prev
	}
	if !last.IsZero() {
		if wait := last.Add(RateLimitWindow).Sub(now); wait > 0 {
			return prev, &Error{Code: ERATELIMITED, RetryAfter: wait, Reason: "RATE_LIMITED", Message: fmt.Sprintf(
				"account %s was synced less than 2 minutes ago; the next sync is allowed in %s", a.ID, waitText(wait))}
		}
	}
	e.windows[a.ID] = now
	return prev, nil
}

// waitText renders a wait rounded up to whole seconds: "1m 5s".
func waitText(d time.Duration) string {
	return DurationText((d + time.Second - 1) / time.Second * time.Second)
}

// NextSyncAllowed is when a manual sync of a will next be allowed.
func NextSyncAllowed(a Account) time.Time {
	if a.LastManualSyncAt.IsZero() {
		return time.Time{}
	}
	return a.LastManualSyncAt.Add(RateLimitWindow)
}

// runSync runs one sync of an account through the worker pool, never two of the
// same account at once.
func (e *Engine) runSync(ctx context.Context, id, trigger string) (SyncResult, error) {
	if err := e.enter(); err != nil {
		return SyncResult{}, err
	}
	defer e.wg.Done()
	e.mu.Lock()
	busy := e.syncing[id]
	e.syncing[id] = true
	e.mu.Unlock()
	if busy {
		return SyncResult{}, Errorf(ECONFLICT, "a sync of account %s is already running; wait for it to finish", id).WithReason("SYNC_IN_PROGRESS")
	}
	defer func() {
		e.mu.Lock()
		delete(e.syncing, id)
		e.mu.Unlock()
	}()

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
	res, err := e.sync(ctx, id, trigger)
	if err != nil && e.ctx.Err() != nil {
		// Cancelled by Close: nothing of the sync was kept.
		return SyncResult{}, Errorf(EUNAVAILABLE, "sandbank is shutting down: the sync was cancelled and nothing of it kept; call again once it is back").WithReason("SHUTTING_DOWN")
	}
	if ErrorCode(err) == ENOSPACE {
		err = Errorf(ENOSPACE, "the sync of account %s ran, but its results could not be saved: %s", id, ErrorMessage(err)).WithReason("DISK_FULL")
	}
	if err == nil {
		e.publish(Notice{Kind: NoticeSyncFinished, AccountID: id, Result: &res})
	}
	return res, err
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
	return e.syncing[id]
}

// bankData is what one sync fetched.
type bankData struct {
	balance  int64
	txs      []Transaction
	identity Identity
}

func (e *Engine) sync(ctx context.Context, id, trigger string) (SyncResult, error) {
	now := e.clock.Now()
	a, err := e.Account(ctx, id)
	if err != nil {
		return SyncResult{}, err
	}
	cached := a.BankSession != "" && a.BankSessionExpiresAt.After(now)
	session, fail := e.signIn(ctx, &a, now)
	if fail != nil {
		return e.commitFailure(ctx, a, trigger, now, fail)
	}
	data, err := e.fetch(ctx, a, session, now)
	if cached && ErrorCode(err) == EEXPIRED {
		// The bank ended the session early — as it does when the password or MFA
		// changes — so sign in afresh, once: that is where R5 and R6 surface.
		a.BankSession, a.BankSessionExpiresAt = "", time.Time{}
		if session, fail = e.signIn(ctx, &a, now); fail != nil {
			return e.commitFailure(ctx, a, trigger, now, fail)
		}
		data, err = e.fetch(ctx, a, session, now)
	}
	if err != nil {
		return e.commitFailure(ctx, a, trigger, now, &syncFailure{code: CodeSyncError, message: bankErrorText(err)})
	}
	return e.commitSuccess(ctx, a, trigger, now, data)
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
		return "", &syncFailure{CodeReauthRequired, ReauthCredentials, "the bank rejected the saved password; the user must re-authorise"}
	}
	res, err := e.bank.Login(ctx, a.Institution.Code, a.Credentials.Username, a.Credentials.Password.Reveal())
	switch {
	case ErrorCode(err) == EUNAUTHORIZED:
		return "", &syncFailure{CodeReauthRequired, ReauthCredentials,
			"the bank rejected the saved password (was it changed at the bank?); the user must re-authorise"}
	case err != nil:
		return "", &syncFailure{code: CodeSyncError, message: bankErrorText(err)}
	case res.Challenge != nil:
		return "", &syncFailure{CodeReauthRequired, ReauthChallenge,
			fmt.Sprintf("the bank asks for %s before it shares data; the user must re-authorise", res.Challenge.Kind.Words())}
	case res.Session == nil:
		return "", &syncFailure{code: CodeSyncError, message: "the bank answered the sign-in with neither a session nor a challenge"}
	}
	a.BankSession, a.BankSessionExpiresAt = res.Session.Token, res.Session.ExpiresAt
	return a.BankSession, nil
}

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
		from = a.ConnectedAt.AddDate(0, -HistoryMonths, 0)
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

// commitSuccess stores a sync's results in one transaction: the new transactions,
// the snapshot, the account, the job and the account_updated event.
func (e *Engine) commitSuccess(ctx context.Context, a Account, trigger string, now time.Time, d bankData) (SyncResult, error) {
	s := e.Settings()
	var res SyncResult
	var evs []Event
	err := e.updateAccount(ctx, a.ID, func(tx Tx, cur *Account) error {
		evs = evs[:0]
		added, err := tx.AddTransactions(a.ID, d.txs)
		if err != nil {
			return err
		}
		total, err := tx.TransactionCount(a.ID)
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
			msg = fmt.Sprintf("synced: %d new transactions", added)
		}
		cur.LastAttemptAt, cur.LastCode, cur.LastMessage = now, CodeSyncSuccessful, msg
		if trigger == TriggerManual {
			cur.LastManualSyncAt = now
		}
		if _, err := tx.AddSnapshot(Snapshot{AccountID: a.ID, At: now, Balance: d.balance,
			NewTransactions: added, TotalTransactions: total, Trigger: trigger}); err != nil {
			return err
		}
		job, err := e.finishJob(tx, a.ID, trigger, now, StatusSyncSuccessful, CodeSyncSuccessful, msg)
		if err != nil {
			return err
		}
		job.HasNewData, job.NewTransactions = hasNew, added
		if err := tx.PutSyncJob(job); err != nil {
			return err
		}
		ev, err := e.addEvent(tx, s, *cur, EventAccountUpdated, "", "", now)
		if err != nil {
			return err
		}
		evs = append(evs, ev)
		res = SyncResult{Status: StatusSyncSuccessful, HasNewData: hasNew, Code: CodeSyncSuccessful, Message: msg, Job: job}
		return nil
	})
	if err != nil {
		return SyncResult{}, err
	}
	e.announce(evs)
	return res, nil
}

// commitFailure records a sync that could not run, and the events it calls for:
// reauthorisation_required when the user must act (R6), sync_failed for automatic
// syncs (R12).
func (e *Engine) commitFailure(ctx context.Context, a Account, trigger string, now time.Time, f *syncFailure) (SyncResult, error) {
	s := e.Settings()
	var res SyncResult
	var evs []Event
	err := e.updateAccount(ctx, a.ID, func(tx Tx, cur *Account) error {
		evs = evs[:0]
		cur.LastAttemptAt, cur.LastCode, cur.LastMessage = now, f.code, f.message
		if trigger == TriggerManual {
			cur.LastManualSyncAt = now
		}
		if f.code == CodeReauthRequired {
			cur.ReauthRequired, cur.ReauthReason = true, f.reason
			cur.BankSession, cur.BankSessionExpiresAt = "", time.Time{}
		}
		if cur.LastSyncedAt.IsZero() {
			cur.DataStatus = DataFailed
		}
		job, err := e.finishJob(tx, a.ID, trigger, now, StatusSyncFailed, f.code, f.message)
		if err != nil {
			return err
		}
		if err := tx.PutSyncJob(job); err != nil {
			return err
		}
		var types []string
		if f.code == CodeReauthRequired {
			types = append(types, EventReauthRequired)
		}
		if trigger == TriggerAuto {
			types = append(types, EventSyncFailed)
		}
		for _, t := range types {
			ev, err := e.addEvent(tx, s, *cur, t, f.code, f.message, now)
			if err != nil {
				return err
			}
			evs = append(evs, ev)
		}
		res = SyncResult{Status: StatusSyncFailed, Code: f.code, Message: f.message, Job: job}
		return nil
	})
	if err != nil {
		return SyncResult{}, err
	}
	e.announce(evs)
	return res, nil
}

func (e *Engine) finishJob(tx Tx, accountID, trigger string, now time.Time, status, code, msg string) (SyncJob, error) {
	id, err := accountScopedID(tx, e.Settings().IDNamespace, "sync", accountID)
	if err != nil {
		return SyncJob{}, err
	}
	return SyncJob{ID: id, AccountID: accountID, Trigger: trigger,
		StartedAt: now, FinishedAt: e.clock.Now(), Status: status, Code: code, Message: msg}, nil
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
