package engine

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// Information (R1, R9): everything here comes from the last successful sync, never
// live from the bank.

// MaxPageSize caps TxQuery.Limit.
const MaxPageSize = 1000

// Account returns a linked account as of its last sync; while a sync runs its data
// status reads PROCESSING.
func (e *Engine) Account(ctx context.Context, id string) (Account, error) {
	var a Account
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		a, err = linkedAccount(tx, id)
		return err
	})
	if err == nil && e.Syncing(id) {
		a.DataStatus = DataProcessing
	}
	return a, err
}

// Accounts returns every linked account, in the order they were connected.
func (e *Engine) Accounts(ctx context.Context) ([]Account, error) {
	var out []Account
	err := e.store.View(ctx, func(tx Tx) error {
		all, err := tx.Accounts()
		if err != nil {
			return err
		}
		for _, a := range all {
			if a.Linked() {
				out = append(out, a)
			}
		}
		byTime := func(a, b Account) int { return a.ConnectedAt.Compare(b.ConnectedAt) }
		slices.SortStableFunc(out, byTime)
		tied := false
		for i := 1; i < len(out) && !tied; i++ {
			tied = out[i].ConnectedAt.Equal(out[i-1].ConnectedAt)
		}
		if !tied { // the hashes of connectOrder, one an account, only for a tie to break
			return nil
		}
		order := connectOrder(e.Settings().IDNamespace, all)
		slices.SortFunc(out, func(a, b Account) int {
			if c := byTime(a, b); c != 0 {
				return c
			}
			if c := cmp.Compare(order[a.ID], order[b.ID]); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		return nil
	})
	e.mu.Lock()
	for i := range out {
		if _, running := e.syncing[out[i].ID]; running {
			out[i].DataStatus = DataProcessing
		}
	}
	e.mu.Unlock()
	return out, err
}

// Validate checks a query's fields.
func (q TxQuery) Validate() error {
	switch {
	case q.Type != "" && q.Type.Validate() != nil:
		return q.Type.Validate()
	case q.Page < 1:
		return Invalid("page", "page must be 1 or more")
	case q.Limit < 0 || q.Limit > MaxPageSize:
		return Invalid("limit", "limit must be between 1 and %d", MaxPageSize)
	case !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From):
		return Invalid("end", "the end %s is before the start %s", q.To.In(WAT).Format("2006-01-02 15:04:05 MST"), q.From.In(WAT).Format("2006-01-02 15:04:05 MST"))
	}
	return nil
}

// Transactions returns a page of a linked account's synced transactions, newest first.
func (e *Engine) Transactions(ctx context.Context, q TxQuery) (TxPage, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if err := q.Validate(); err != nil {
		return TxPage{}, err
	}
	q.Narration = strings.TrimSpace(q.Narration)
	var p TxPage
	err := e.store.View(ctx, func(tx Tx) error {
		if _, err := linkedAccount(tx, q.AccountID); err != nil {
			return err
		}
		var err error
		p, err = tx.Transactions(q)
		return err
	})
	return p, err
}

// Identity returns the holder's identity as of the last sync.
func (e *Engine) Identity(ctx context.Context, id string) (Identity, error) {
	a, err := e.Account(ctx, id)
	return a.Identity, err
}

// Snapshots returns an account's sync history, newest first (0: all).
func (e *Engine) Snapshots(ctx context.Context, id string, limit int) ([]Snapshot, error) {
	var out []Snapshot
	err := e.store.View(ctx, func(tx Tx) error {
		if _, err := linkedAccount(tx, id); err != nil {
			return err
		}
		var err error
		out, err = tx.Snapshots(id, limit)
		return err
	})
	return out, err
}

// SyncJobs returns an account's sync runs, newest first (0: all).
func (e *Engine) SyncJobs(ctx context.Context, id string, limit int) ([]SyncJob, error) {
	var out []SyncJob
	err := e.store.View(ctx, func(tx Tx) error {
		if _, err := linkedAccount(tx, id); err != nil {
			return err
		}
		var err error
		out, err = tx.SyncJobs(id, limit)
		return err
	})
	return out, err
}

// ValidateMonths checks a statement period in months (R9: 1 to 12).
func ValidateMonths(months int) error {
	if months < 1 || months > HistoryMonths {
		return Invalid("period", "the period must be last1months to last12months")
	}
	return nil
}

// Statement returns the last months of a linked account's synced history, as of
// its last sync, oldest first, with opening and closing balances.
func (e *Engine) Statement(ctx context.Context, id string, months int) (Statement, error) {
	if err := ValidateMonths(months); err != nil {
		return Statement{}, err
	}
	var st Statement
	var unsynced *Account
	err := e.store.View(ctx, func(tx Tx) error {
		a, err := linkedAccount(tx, id)
		if err != nil {
			return err
		}
		// Not before a sync has brought the history: a statement whose first
		// sync failed read "Opening balance NGN 50,000.00, no transactions" over
		// a year before the account was opened (a lending developer's trial).
		if a.LastSyncedAt.IsZero() {
			unsynced = &a // refused once the transaction ends (noDataYetAfter)
			return nil
		}
		st, err = statement(tx, a, MonthsBefore(a.LastSyncedAt, months), a.LastSyncedAt)
		return err
	})
	if err == nil {
		err = e.noDataYetAfter(unsynced, "statement")
	}
	return st, err
}

// MonthsBefore is the instant months calendar months before to, as a Lagos
// calendar counts them: the same time of day on the same day of the month, or on
// the month's last day when it is shorter — a month before 31 March is 28 (or 29)
// February, not 3 March, where time.AddDate rolls over and a statement of the
// last month would leave out February's last days.
func MonthsBefore(to time.Time, months int) time.Time {
	t := to.In(WAT)
	y, m, d := t.Date()
	first := time.Date(y, m-time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), WAT)
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1).In(to.Location())
}

// statement reads [from, to] of an account's stored history.
func statement(tx Tx, a Account, from, to time.Time) (Statement, error) {
	p, err := tx.Transactions(TxQuery{AccountID: a.ID, From: from, To: to, Page: 1})
	if err != nil {
		return Statement{}, err
	}
	txs := p.Transactions
	for i, j := 0, len(txs)-1; i < j; i, j = i+1, j-1 { // newest first → oldest first
		txs[i], txs[j] = txs[j], txs[i]
	}
	st := Statement{From: from, To: to, Transactions: txs,
		Account: BankAccount{Number: a.Number, Name: a.Name, Type: a.Type, Currency: a.Currency,
			Balance: a.Balance, Institution: a.Institution, AuthMethod: a.AuthMethod}}
	st.ClosingBalance = a.Balance
	if n := len(txs); n > 0 {
		st.ClosingBalance = txs[n-1].Balance
	} else if !to.Equal(a.LastSyncedAt) { // a quiet period of an older job: the balance then
		last, err := tx.Transactions(TxQuery{AccountID: a.ID, To: to, Page: 1, Limit: 1})
		if err != nil {
			return Statement{}, err
		}
		if len(last.Transactions) > 0 {
			st.ClosingBalance = last.Transactions[0].Balance
		}
	}
	st.OpeningBalance = st.ClosingBalance
	for _, t := range txs {
		if t.Type == Credit {
			st.OpeningBalance -= t.Amount
		} else {
			st.OpeningBalance += t.Amount
		}
	}
	return st, nil
}

// CreateStatementJob records a PDF statement of the last months, as of the last sync.
func (e *Engine) CreateStatementJob(ctx context.Context, id string, months int) (StatementJob, error) {
	if err := ValidateMonths(months); err != nil {
		return StatementJob{}, err
	}
	now := e.clock.Now()
	s := e.Settings()
	var j StatementJob
	var unsynced *Account
	err := e.store.Update(ctx, func(tx Tx) error {
		unsynced = nil // the write may run again in its batch
		a, err := linkedAccount(tx, id)
		if err != nil {
			return err
		}
		if a.LastSyncedAt.IsZero() { // as Statement
			unsynced = &a
			return errUnsynced // rolled back: a refusal commits nothing (a review)
		}
		seq, err := tx.NextSequence("statement")
		if err != nil {
			return err
		}
		to := a.LastSyncedAt
		j = StatementJob{ID: NewToken(s.SecretKey, s.IDNamespace, "statement", seq), AccountID: id, Months: months,
			From: MonthsBefore(to, months), To: to, CreatedAt: now, ReadyAt: now.Add(s.StatementBuild)}
		j = j.At(now)
		return tx.PutStatementJob(j)
	})
	if errors.Is(err, errUnsynced) {
		err = e.noDataYetAfter(unsynced, "statement")
	}
	return j, err
}

// errUnsynced ends a write that found its account not yet synced, which
// noDataYetAfter then refuses.
var errUnsynced = errors.New("the account has not synced yet")

// noDataYetAfter is NoDataYet of an account a transaction found unsynced (nil:
// none), asked once the transaction has ended: NoDataYet asks the bank whether it
// is down, under the bank's lock, which a bank write holds while it waits for
// the store's writer — asked inside a write, the two waited on each other, and
// every write after them hung (a load test under the race detector).
func (e *Engine) noDataYetAfter(a *Account, what string) error {
	if a == nil {
		return nil
	}
	return e.NoDataYet(*a, what)
}

// StatementJob returns a statement job of a linked account.
func (e *Engine) StatementJob(ctx context.Context, accountID, jobID string) (StatementJob, error) {
	var j StatementJob
	err := e.store.View(ctx, func(tx Tx) error {
		if _, err := linkedAccount(tx, accountID); err != nil {
			return err
		}
		var err error
		j, err = tx.StatementJob(jobID)
		switch {
		case ErrorCode(err) == ENOTFOUND: // and what makes one: it said no more
			err = Errorf(ENOTFOUND, "statement job %q not found: a statement's job is the id that GET /accounts/%s/statement answers (GET /v2/accounts/%s/statement in v2)", jobID, accountID, accountID)
		case err == nil && j.AccountID != accountID:
			err = Errorf(ENOTFOUND, "account %s has no statement job %q: that job is account %s's", accountID, jobID, j.AccountID)
		}
		return err
	})
	return j.At(e.clock.Now()), err
}

// StatementOfJob returns the statement a job describes, for rendering its PDF. The
// job ID is the capability: it is unguessable without the secret key.
func (e *Engine) StatementOfJob(ctx context.Context, jobID string) (Statement, error) {
	var st Statement
	var unsynced *Account
	err := e.store.View(ctx, func(tx Tx) error {
		j, err := tx.StatementJob(jobID)
		if err != nil {
			return err
		}
		if now := e.clock.Now(); now.Before(j.ReadyAt) {
			wait := j.ReadyAt.Sub(now)
			return &Error{Code: ECONFLICT, Reason: "STATEMENT_BUILDING", RetryAfter: wait,
				Message: "this statement is still being built: it is ready at " + TimeText(j.ReadyAt) + ", in " + waitText(wait) +
					" (the statement_build setting); poll its job, GET /accounts/" + j.AccountID + "/statement/jobs/" + j.ID + " (under /v2 for v2), until its status is BUILT"}
		}
		a, err := linkedAccount(tx, j.AccountID)
		if err != nil {
			return err
		}
		// A job made, by an older sandbank, before the account's first sync (a
		// review): refused as it would be made now.
		if a.LastSyncedAt.IsZero() {
			unsynced = &a
			return nil
		}
		st, err = statement(tx, a, j.From, j.To)
		return err
	})
	if err == nil {
		err = e.noDataYetAfter(unsynced, "statement")
	}
	return st, err
}
