package engine

import (
	"context"
	"time"
	"unicode"
)

// Clock is the virtual clock (DESIGN §3). It only moves forward. The simulator
// implements it; the engine reads time from nothing else.
type Clock interface {
	// Now is the current virtual time, in UTC.
	Now() time.Time
	// AfterFunc calls f once virtual time reaches at (at once, on its own goroutine,
	// if at is not in the future). When the clock jumps over several deadlines they
	// fire one by one in deadline order, and during each call Now() equals its
	// deadline. f runs on the goroutine that moves the clock, so it must return
	// quickly or hand its work off, and must never move the clock itself.
	AfterFunc(at time.Time, f func()) Timer
	// Advance moves the clock forward by d (> 0), firing timers on the way.
	Advance(d time.Duration) error
	// AdvanceTo moves it forward as far as by says from the clock's time once a
	// move under way has returned (an instant, not a length from mid-jump).
	AdvanceTo(by func(now time.Time) (time.Duration, error)) error
	// Jumping reports whether Advance is firing timers: a callback that sees it
	// runs inside a jump, at whose end OnChange's functions are called.
	Jumping() bool
	// SetSpeed sets the multiplier of real time, from 1 to 10,000.
	SetSpeed(x float64) error
	// SetPaused stops or resumes the clock; it refuses to resume at the world's end.
	SetPaused(paused bool) error
	// State is what to persist; OnChange registers f to be called after every
	// pause, speed change or advance (not on ordinary ticking).
	State() ClockState
	OnChange(f func(ClockState))
	// OnJumpStart registers f to be called as an Advance begins, before its first
	// timer fires, with the state it jumps from (JumpingTo: where it goes).
	OnJumpStart(f func(ClockState))
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop prevents the call if it has not happened; it reports whether it did.
	Stop() bool
}

// Challenge is what a bank asks after the password.
type Challenge struct {
	ID        string // answer with this
	Kind      MFAKind
	Prompt    string // what the bank shows, e.g. "Enter the OTP sent to 0803***4567"
	ExpiresAt time.Time
	// Digits is the length of the code a challenge of digits asks for (an OTP, a
	// token code); 0 for an answer in words (a security question, a CAPTCHA).
	Digits int
}

// IsCode says whether a challenge's answer is a code the user copies (from the
// phone, the token, the picture), typed again whole rather than corrected: the
// widgets empty one refused for its form, as a wrong one.
func (c *Challenge) IsCode() bool {
	return c != nil && (c.Kind == MFAOTP || c.Kind == MFAToken || c.Kind == MFACaptcha)
}

// AnswerGoes says whether an answer refused with err leaves its field empty, in
// the web page and the TUI alike: a wrong one (typed next to it, the next code
// made another wrong attempt), or a code refused for its form (000000 typed
// after 12345 went as 00000012345). Not one the bank could not take (an outage:
// still the right one), nor a security question's refused for its form, to be
// corrected.
func AnswerGoes(err error, ch *Challenge) bool {
	if e, ok := AsError(err); ok && e.Reason == "WRONG_ANSWER" {
		return true
	}
	return ErrorCode(err) == EINVALID && ch.IsCode()
}

// NotACode refuses an answer that cannot be the code of a challenge of digits:
// once its spaces are left out, not all digits (0 to 9), or not the code's length.
// A bank's code field refuses such input before it is sent, so the refusal costs
// no attempt towards the lock-out: it is EINVALID on "answer", never EUNAUTHORIZED.
// nil for a well-formed code (right or wrong), and whenever Digits is 0.
func (c Challenge) NotACode(answer string) error {
	return NotACode(answer, c.Digits)
}

// NotACode is Challenge.NotACode for a code of n digits (n <= 0: any answer).
// An answer of spaces alone is left to the caller's "required".
func NotACode(answer string, n int) error {
	if n <= 0 {
		return nil
	}
	count, other := 0, false
	for _, r := range answer {
		switch {
		case r >= '0' && r <= '9':
			count++
		case unicode.IsSpace(r): // "123 456" is the code
		default:
			other = true
		}
	}
	// Words for the end user, who is told what to do first, and what happened
	// in words of theirs: "that answer has 11; it was not counted as an
	// attempt" was the bank's view (an accessibility trial).
	switch {
	case other:
		return Invalid("answer", "enter the %d-digit code, with the digits 0 to 9 only: you entered other characters; this did not use up an attempt", n)
	case count != n && count > 0:
		digits := "digits"
		if count == 1 {
			digits = "digit"
		}
		return Invalid("answer", "enter the %d-digit code: you entered %d %s; this did not use up an attempt", n, count, digits)
	}
	return nil
}

// BankSession is a signed-in session at a bank; it expires on the clock.
type BankSession struct {
	Token      Secret
	CustomerID string
	ExpiresAt  time.Time
}

// LoginResult is either a session or a challenge to answer.
type LoginResult struct {
	Session   *BankSession
	Challenge *Challenge
}

// BankAccount is an account as the bank shows it, live.
type BankAccount struct {
	Number      string // 10-digit NUBAN
	Name        string // holder name, upper case
	Type        string // AccountSavings or AccountCurrent
	Currency    string
	Balance     int64 // kobo
	Institution Institution
	AuthMethod  string
}

// Statement is an account's statement for a period, as the bank issues it.
type Statement struct {
	Account        BankAccount
	From, To       time.Time
	OpeningBalance int64
	ClosingBalance int64
	Transactions   []Transaction // oldest first
}

// Bank is a bank's internet banking, as the engine reaches it. The simulator
// implements it. Errors are *Error: EUNAUTHORIZED for a wrong username, password or
// answer (they all look alike, as at a real bank), ELOCKED after too many wrong
// answers (RetryAfter set), EEXPIRED for a session or challenge that timed out,
// EUNAVAILABLE during an outage, ENOTFOUND for an unknown institution or account.
//
// Its methods are not called inside a transaction of the engine's store: the
// simulator holds its own lock while it journals to that same store, so a bank
// call from a write waited for a posting that waited for the write, and every
// write hung (a load test). Institutions alone, a list that takes no lock, is
// read inside writes; it must stay so.
type Bank interface {
	Institutions() []Institution
	// Login signs in at the institution; the result is a session or a challenge.
	Login(ctx context.Context, institution, username, password string) (LoginResult, error)
	// Answer answers a challenge; the result is a session, another challenge, or an error.
	Answer(ctx context.Context, challengeID, answer string) (LoginResult, error)
	// AttemptsLeft is how many wrong passwords or answers in a row the login at the
	// institution takes before it locks: fewer than the most when some were already
	// made (by a sync with a password since changed, say); 0 while it is locked.
	AttemptsLeft(institution, username string) int
	// LockedUntil is when the login's lock ends; zero while it is not locked.
	LockedUntil(institution, username string) time.Time
	// OutageUntil is when the institution's outage ends; zero while it is up.
	OutageUntil(institution string) time.Time

	// With a session:
	Accounts(ctx context.Context, session Secret) ([]BankAccount, error)
	Balance(ctx context.Context, session Secret, account string) (int64, error)
	// Transactions in [from, to], oldest first; never later than the clock's now.
	Transactions(ctx context.Context, session Secret, account string, from, to time.Time) ([]Transaction, error)
	// Statement covers the last months calendar months up to now.
	Statement(ctx context.Context, session Secret, account string, months int) (Statement, error)
	Identity(ctx context.Context, session Secret) (Identity, error)
}

// Store is where the engine keeps everything (DESIGN §6). Every method of Tx runs
// inside the one transaction of View or Update, so several compose into one atomic
// write: if fn returns an error, nothing of it is kept.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
	// Submit queues fn as Update does, but returns at once: done, if not nil, is
	// called with its outcome once fn has committed (nil) or failed. Writes commit
	// in the order they were submitted or passed to Update, and writes queued while
	// one commits share the next commit: a caller that need not wait for each write
	// (the syncs of an auto-sync round, when the clock jumps) pays one fsync for
	// many. done may run on the store's writer, whose next commit waits for it: it
	// must neither block nor write.
	Submit(ctx context.Context, fn func(Tx) error, done func(error))
	// Defer queues fn as Submit does but starts no commit for it while only a few
	// writes wait: it commits with a later write, or at Flush. A clock jump over a
	// small world so commits once, at its end, instead of at every due time.
	Defer(ctx context.Context, fn func(Tx) error, done func(error))
	// Flush starts committing what waits.
	Flush()
	Close() error
}

// Tx is one store transaction. Getters return ENOTFOUND when the record is absent.
// Values returned are copies: they stay valid after the transaction ends.
type Tx interface {
	Settings() (Settings, error)
	PutSettings(Settings) error
	ClockState() (ClockState, error)
	PutClockState(ClockState) error

	// NextSequence returns the next number of a named counter, from 1.
	NextSequence(name string) (uint64, error)
	// NextAccountSequence returns the next number of an account's own counter, from
	// 1, kept beside the account's other records.
	NextAccountSequence(accountID string) (uint64, error)

	Account(id string) (Account, error)
	Accounts() ([]Account, error) // linked and unlinked, in ID order
	// PutAccount stores an account, and keeps the index of automatic syncs in step:
	// a linked account with a NextAutoSyncAt is listed there at that time.
	PutAccount(Account) error
	// ScheduledSyncs lists linked accounts whose next automatic sync is due from
	// from to until (both included), earliest first (then by ID), at most limit (0:
	// all).
	ScheduledSyncs(from, until time.Time, limit int) ([]ScheduledSync, error)

	// AddTransactions stores txs for an account, skipping any whose ID it already
	// holds, and reports how many were new. Counts are kept, not recounted. A bank
	// ID names one transaction at one date: the store looks for an ID among the
	// transactions of its date only.
	AddTransactions(accountID string, txs []Transaction) (added int, err error)
	Transactions(TxQuery) (TxPage, error)
	TransactionCount(accountID string) (int64, error)

	// AddSnapshot assigns Seq and stores the snapshot.
	AddSnapshot(Snapshot) (Snapshot, error)
	// PutSnapshot replaces the snapshot of its account and Seq (a repeat counted).
	PutSnapshot(Snapshot) error
	// Snapshots returns up to limit snapshots, newest first (0: all).
	Snapshots(accountID string, limit int) ([]Snapshot, error)
	LatestSnapshot(accountID string) (Snapshot, error)

	// PutSyncJob stores a job under its account and start, replacing the job of
	// that account, start and ID (a repeat counted).
	PutSyncJob(SyncJob) error
	// SyncJob returns an account's job of that ID (the newest are found first).
	SyncJob(accountID, id string) (SyncJob, error)
	// SyncJobs returns up to limit jobs of an account, newest first (0: all).
	SyncJobs(accountID string, limit int) ([]SyncJob, error)

	PutConnectCode(ConnectCode) error
	ConnectCode(code string) (ConnectCode, error)
	PutReauthToken(ReauthToken) error
	ReauthToken(token string) (ReauthToken, error)

	// AppendEvent assigns Seq and stores a new event; its ID must be unique.
	AppendEvent(Event) (Event, error)
	// PutEvent updates an event's delivery state (Status, NextAttemptAt, Sending …);
	// its Attempts are not stored: PutAttempt stores each.
	PutEvent(Event) error
	// Event returns an event without its attempts (Attempts reads them).
	Event(id string) (Event, error)
	// Events returns events newest first, without their attempts.
	Events(EventQuery) ([]Event, error)
	// PutAttempt stores an attempt of an event under its number N, replacing the
	// record of that number (a run of failures that grew).
	PutAttempt(eventID string, a Attempt) error
	// Attempts returns up to limit (0: all) of an event's attempt records numbered
	// below beforeN (0: the newest), newest first.
	Attempts(eventID string, beforeN, limit int) ([]Attempt, error)
	// DueEvents returns, for each account with pending events, its oldest pending
	// event if that is due (NextAttemptAt <= now), ordered by NextAttemptAt then Seq.
	// Later events of an account wait behind its oldest (order per account). The
	// events come without their Facts and FrozenBody: Event reads those.
	DueEvents(now time.Time, limit int) ([]Event, error)
	// NextDue is the earliest NextAttemptAt among those heads; ok is false if none.
	NextDue() (at time.Time, ok bool, err error)
	// PendingHead is an account's oldest pending event, whose attempt comes next;
	// ok is false if it has none.
	PendingHead(accountID string) (ev Event, ok bool, err error)

	PutStatementJob(StatementJob) error
	StatementJob(id string) (StatementJob, error)

	PutLink(Link) error
	Link(id string) (Link, error)

	// CompactHistory deletes a bounded number of the account's oldest snapshots, sync
	// jobs and settled events whose time is before the given one — never its newest
	// snapshot or job, a pending event, or the event just before one — so that a
	// sync that calls it keeps the account's history to a window. Once it has
	// deleted all it could before a cut, calls do nothing until the cut has moved on
	// by every: deletions come in runs.
	CompactHistory(accountID string, before time.Time, every time.Duration) error
}
