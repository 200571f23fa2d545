package engine

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
)

// Money is always int64 minor units (kobo for NGN); never floats.

// Secret is a string that never prints: String, GoString and slog show it masked, so a
// key, password or webhook secret cannot reach a log line by accident. Reveal returns it.
type Secret string

func (s Secret) String() string       { return mask(string(s)) }
func (s Secret) GoString() string     { return `"` + mask(string(s)) + `"` }
func (s Secret) LogValue() slog.Value { return slog.StringValue(mask(string(s))) }
func (s Secret) Reveal() string       { return string(s) }

// Format makes every verb (%v, %s, %q, %+v) print the mask.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(mask(string(s)))) }

// mask keeps a recognisable prefix — up to the second underscore ("test_sk_") or
// the first ("whsec_"), within 12 bytes — and hides the rest.
func mask(s string) string {
	if s == "" {
		return ""
	}
	end := -1
	if i := strings.IndexByte(s, '_'); i >= 0 && i < 12 {
		end = i
		if j := strings.IndexByte(s[i+1:], '_'); j >= 0 && i+1+j < 12 {
			end = i + 1 + j
		}
	}
	if end >= 0 && end < len(s)-1 {
		return s[:end+1] + "••••"
	}
	return "••••"
}

// Institution is a bank, identified by its CBN bank code.
type Institution struct {
	Code string // CBN bank code, e.g. "044"
	Name string // e.g. "Access Bank"
	Type string // InstitutionPersonal or InstitutionBusiness
}

// SearchText is what a search for the bank looks in, in lower case: its name, its
// code, its name without spaces ("firstbank") and its initials, as people shorten
// it ("fcmb", "uba", "gtb") — a user who read "FCMB" on a screen typed that and
// found no bank — and its full name, where Name is a shorter one.
func (in Institution) SearchText() string {
	var initials strings.Builder
	for _, w := range strings.Fields(in.Name) {
		if r := []rune(w); len(r) > 0 && unicode.IsUpper(r[0]) {
			initials.WriteRune(r[0])
		}
	}
	text := in.Name + " " + in.Code + " " + strings.ReplaceAll(in.Name, " ", "") + " " + initials.String()
	if full := in.FullName(); full != in.Name {
		text += " " + full
	}
	return strings.ToLower(text)
}

// FullName is the bank's full name: its Name, but for a bank that goes by a
// shorter one, as GTBank does.
func (in Institution) FullName() string {
	if full, ok := fullNames[in.Code]; ok {
		return full
	}
	return in.Name
}

// fullNames are the full names, by CBN code, of the banks whose Name (the
// simulator's institutions) is a shorter one: a search for "guaranty" found no
// bank (a front-end developer's trial). The other banks' Names are their full
// names already ("First Bank of Nigeria", "United Bank for Africa", "Stanbic
// IBTC Bank").
var fullNames = map[string]string{"058": "Guaranty Trust Bank"}

// Matches reports whether a search for query, in any case, finds the bank (an
// empty query finds every bank): the widget's list and the API's suggestions.
func (in Institution) Matches(query string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	return q == "" || strings.Contains(in.SearchText(), q)
}

const (
	InstitutionPersonal = "PERSONAL_BANKING"
	InstitutionBusiness = "BUSINESS_BANKING"
)

// Account types as the API shows them.
const (
	AccountSavings = "SAVINGS_ACCOUNT"
	AccountCurrent = "CURRENT_ACCOUNT"
)

// Auth methods.
const (
	AuthInternetBanking = "internet_banking"
	AuthMobileBanking   = "mobile_banking"
)

// MFAKind is what a bank asks after the password, if anything.
type MFAKind string

const (
	MFANone             MFAKind = "none"
	MFAOTP              MFAKind = "otp"
	MFASecurityQuestion MFAKind = "security_question"
	MFAToken            MFAKind = "token"
	MFACaptcha          MFAKind = "captcha"
)

// MFAKinds lists every kind, "none" first.
var MFAKinds = []MFAKind{MFANone, MFAOTP, MFASecurityQuestion, MFAToken, MFACaptcha}

// Validate reports whether k is a known kind.
func (k MFAKind) Validate() error {
	for _, v := range MFAKinds {
		if k == v {
			return nil
		}
	}
	return Invalid("type", "unknown MFA kind %q; use one of none, otp, security_question, token, captcha", string(k))
}

// Words says what a bank of this kind asks for after the password, in the words every
// face uses (sync messages, the bank's notices, the TUI): "a one-time password (OTP)".
func (k MFAKind) Words() string {
	switch k {
	case MFANone:
		return "nothing after the password"
	case MFAOTP:
		return "a one-time password (OTP)"
	case MFASecurityQuestion:
		return "the answer to a security question"
	case MFAToken:
		return "the code on a hardware token"
	case MFACaptcha:
		return "the characters of a CAPTCHA"
	}
	return string(k)
}

// Badge is the kind in a narrow cell: "OTP", "QUESTION", "TOKEN", "CAPTCHA", "none".
func (k MFAKind) Badge() string {
	switch k {
	case MFASecurityQuestion:
		return "QUESTION"
	case MFANone:
		return "none"
	}
	return strings.ToUpper(string(k))
}

// Next is the kind after k in MFAKinds, back to none after the last: what a tester
// turns on next when cycling a customer's MFA.
func (k MFAKind) Next() MFAKind {
	for i, v := range MFAKinds {
		if v == k {
			return MFAKinds[(i+1)%len(MFAKinds)]
		}
	}
	return MFAKinds[0]
}

// Transaction types.
type TxType string

const (
	Debit  TxType = "debit"
	Credit TxType = "credit"
)

// Validate reports whether t is debit or credit.
func (t TxType) Validate() error {
	if t != Debit && t != Credit {
		return Invalid("type", "unknown transaction type %q; use debit or credit", string(t))
	}
	return nil
}

// Transaction is one entry of an account's history, as the bank reports it.
type Transaction struct {
	ID        string    // the bank's transaction ID: unique per account, stable across fetches
	AccountID string    // the connected account's ID; empty when it comes from the bank
	Type      TxType    // Debit or Credit
	Amount    int64     // kobo, always > 0
	Narration string    // e.g. "POS PURCHASE SHOPRITE LEKKI"
	Date      time.Time // UTC
	Balance   int64     // balance after this transaction, kobo
	Currency  string    // "NGN"
	Category  string    // e.g. "shopping", "income", "transfer"
}

// Identity is the account holder as the bank knows them.
type Identity struct {
	FullName      string
	Email         string
	Phone         string
	BVN           string
	Gender        string
	DateOfBirth   string // YYYY-MM-DD
	MaritalStatus string
	AddressLine1  string
	AddressLine2  string
	City          string
	State         string
}

// Credentials are what the user typed into the widget; kept to sign in again on later
// syncs, never logged.
type Credentials struct {
	Username string
	Password Secret
}

// Data statuses of a connected account.
const (
	DataProcessing = "PROCESSING"
	DataAvailable  = "AVAILABLE"
	DataFailed     = "FAILED"
)

// Account is a connected account: what the business sees, as of the last successful
// sync (R1), plus what the engine needs to sync it again.
type Account struct {
	ID          string
	Institution Institution
	CustomerID  string // the bank's customer ID
	Number      string // 10-digit NUBAN
	Name        string // holder, as the bank prints it
	Type        string // AccountSavings or AccountCurrent
	Currency    string
	AuthMethod  string
	ConnectedAt time.Time

	DataStatus   string    // DataProcessing, DataAvailable or DataFailed
	Balance      int64     // kobo, as of LastSyncedAt
	Identity     Identity  // as of LastSyncedAt
	LastSyncedAt time.Time // last successful sync; zero before the first

	LastAttemptAt    time.Time // last sync that ran, whatever its outcome
	LastCode         string    // its code: SYNC_SUCCESSFUL, REAUTHORISATION_REQUIRED, SYNC_ERROR
	LastMessage      string    // its outcome in words
	LastManualSyncAt time.Time // start of the rate-limit window (R3)
	NextAutoSyncAt   time.Time // zero when auto-sync is off
	ReauthRequired   bool      // set by a failed sign-in, cleared by re-authorisation
	ReauthReason     string    // ReauthChallenge or ReauthCredentials, while ReauthRequired
	// Reauths counts the account's re-authorisations: a sync that began from an
	// account with fewer, and whose sign-in is refused, was refused what the
	// account held before the last one — a stale refusal, which changes nothing.
	Reauths uint64

	Credentials          Credentials
	BankSession          Secret // the bank session from the last sign-in, if any
	BankSessionExpiresAt time.Time

	UnlinkedAt time.Time // zero while linked

	// Connected through a v2 initiate link: the business's customer and its reference
	// (meta.ref); empty for accounts connected through v1's widget.
	Customer string
	Ref      string
	// The last real-time job (v2's Data Sync) and when it started: the start of the
	// account's real-time window.
	LastRealtimeJob string
	LastRealtimeAt  time.Time
}

// Linked reports whether the account is still connected.
func (a Account) Linked() bool { return a.UnlinkedAt.IsZero() }

// BVNLast4 is what the API shows of the BVN.
func (a Account) BVNLast4() string {
	if len(a.Identity.BVN) <= 4 {
		return a.Identity.BVN
	}
	return a.Identity.BVN[len(a.Identity.BVN)-4:]
}

// Why an account needs re-authorisation.
const (
	ReauthChallenge   = "challenge"   // the bank asks for an OTP, answer, token or CAPTCHA (R5)
	ReauthCredentials = "credentials" // the bank rejected the saved password (R6)
)

// Snapshot is the result of one successful sync, kept as history (the sync history).
// Later syncs of the same trigger that bring nothing new do not add snapshots: they
// count on the latest one (Repeats, LastAt), which they confirm.
type Snapshot struct {
	AccountID         string
	Seq               uint64 // per account, assigned by the store
	At                time.Time
	Balance           int64
	NewTransactions   int
	TotalTransactions int64
	Trigger           string
	Repeats           int       // later syncs that found the same data
	LastAt            time.Time // the last of them; zero without repeats
}

// Sync triggers.
const (
	TriggerConnect = "connect"
	TriggerManual  = "manual"
	TriggerAuto    = "auto"
	TriggerReauth  = "reauth"
	// TriggerRealtime is v2's real-time data: a read with x-realtime: true starts a
	// job that outlives the request if it must (RealtimeSync).
	TriggerRealtime = "realtime"
)

// Sync outcome codes, as the API answers them.
const (
	CodeSyncSuccessful   = "SYNC_SUCCESSFUL"
	CodeReauthRequired   = "REAUTHORISATION_REQUIRED"
	CodeSyncError        = "SYNC_ERROR"
	StatusSyncSuccessful = "successful"
	StatusSyncFailed     = "failed"
	StatusSyncRunning    = "running"
)

// SyncJob records one sync run, and the runs that repeated it: a later sync of the
// same trigger whose outcome said nothing new (a success without new data, or the
// same failure again) counts on the latest job (Repeats, LastAt) instead of adding one.
type SyncJob struct {
	ID              string
	AccountID       string
	Trigger         string
	StartedAt       time.Time
	FinishedAt      time.Time
	Status          string // StatusSyncRunning, StatusSyncSuccessful or StatusSyncFailed
	Code            string
	Message         string
	HasNewData      bool
	NewTransactions int
	// Requested is what a real-time job was started for: RealtimeBalance or
	// RealtimeTransactions (it names the job in its webhook).
	Requested string
	Repeats   int       // later runs with nothing new to say
	LastAt    time.Time // when the last of them finished; zero without repeats
}

// Running reports whether the job has not finished yet.
func (j SyncJob) Running() bool { return j.Status == StatusSyncRunning }

// What a real-time job was started for: the read that carried x-realtime.
const (
	RealtimeBalance      = "balance"
	RealtimeTransactions = "transactions"
)

// SyncResult is what a sync call answers.
type SyncResult struct {
	Status     string // StatusSyncSuccessful, StatusSyncFailed, or StatusSyncRunning for a real-time job that outlived the wait
	HasNewData bool
	Code       string
	Message    string
	Job        SyncJob
	// Reused: the call fell inside the real-time window, so no job started and
	// Job is the one that opened the window.
	Reused bool
}

// ConnectCode is what a successful widget login yields; exchanged once for an account.
type ConnectCode struct {
	Code        string
	Institution string
	CustomerID  string
	Number      string      // the bank account the user connected
	Account     BankAccount // as the bank showed it when the user connected
	Credentials Credentials
	BankSession Secret
	SessionExp  time.Time
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time
	AccountID   string // set when exchanged
	// From a v2 initiate link: its ID, the business's customer and reference,
	// which the account keeps.
	Link     string
	Customer string
	Ref      string
}

// ReauthToken lets the widget re-authorise one account, once, for ten minutes (R7).
type ReauthToken struct {
	Token     string
	AccountID string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Webhook event types (DESIGN §5).
const (
	EventAccountConnected    = "mono.events.account_connected"
	EventAccountUpdated      = "mono.events.account_updated"
	EventReauthRequired      = "mono.events.reauthorisation_required"
	EventAccountReauthorized = "mono.events.account_reauthorized"
	EventSyncFailed          = "mono.events.sync_failed"
	EventAccountUnlinked     = "mono.events.account_unlinked"
	// EventJobsUpdate announces the end of a real-time job (v2).
	EventJobsUpdate = "mono.accounts.jobs.update"
)

// Delivery states of an event in the outbox.
const (
	DeliveryPending   = "pending"   // waiting for its first or next attempt
	DeliveryDelivered = "delivered" // a 2xx answer arrived
	DeliverySkipped   = "skipped"   // never delivered: see SkipReason (R4)
)

// Event is a webhook event and its delivery state.
type Event struct {
	ID        string
	Seq       uint64 // global order, assigned by the store
	Type      string
	AccountID string
	CreatedAt time.Time
	Facts     EventFacts // what it says: the body is rendered from them at delivery
	// FrozenBody is the body of an event stored by a build before webhook formats,
	// which kept bodies instead of facts: it is sent as it is, in either format.
	FrozenBody []byte

	Status     string // DeliveryPending, DeliveryDelivered or DeliverySkipped
	SkipReason string
	// Attempts are the delivery attempts, oldest first: all of them, or the newest
	// EventQuery.Attempts. A long run of identical failures is one Attempt (Repeats).
	Attempts     []Attempt
	AttemptsMade int // attempts made in all: the number of the latest
	Failures     int // failed attempts since the last success: the back-off counts them
	// Sending is the attempt under way: stored before it is sent, so that one a
	// crash cut short is recorded (see claim) and its repeat carries a new number.
	// Engine.Events and Engine.Event show it only while it is under way.
	Sending       *Attempt
	NextAttemptAt time.Time // when Status is pending
	DeliveredAt   time.Time
	Replays       int // times a user asked to deliver it again
}

// Format is the webhook format ev was last sent in; the business's format if
// it was never sent.
func (ev Event) Format(s Settings) WebhookFormat {
	if ev.Sending != nil && ev.Sending.Format != "" {
		return ev.Sending.Format
	}
	if n := len(ev.Attempts); n > 0 {
		if f := ev.Attempts[n-1].Format; f != "" {
			return f
		}
		return WebhookV1
	}
	return s.Format()
}

// Attempt is one delivery attempt of an event, or a run of identical failed ones:
// attempts N to N+Repeats, the first made At and the last LastAt (see
// CollapseFailuresAfter).
type Attempt struct {
	N          int
	At         time.Time // virtual time
	URL        string
	Format     WebhookFormat // the shape of the body it sent
	StatusCode int           // 0 when no answer arrived
	Latency    time.Duration // real time (of the last attempt of a run)
	Error      string
	Repeats    int       // further attempts that failed the same way
	LastAt     time.Time // when the last of them was made; zero without repeats
}

// Last is the number of the last attempt a record covers.
func (a Attempt) Last() int { return a.N + a.Repeats }

// EventQuery selects events for the webhook log, newest first.
type EventQuery struct {
	AccountID string // "" for all
	BeforeSeq uint64 // 0 for the newest
	Limit     int
	Attempts  int // the newest attempts to read with each event (0: all)
}

// ScheduledSync is an account's next automatic sync.
type ScheduledSync struct {
	AccountID string
	At        time.Time
}

// StatementJob is a PDF statement request; the PDF is rendered from stored
// transactions between From and To.
type StatementJob struct {
	ID        string
	AccountID string
	Months    int
	From      time.Time
	To        time.Time
	CreatedAt time.Time
	Status    string // "BUILDING" until ReadyAt, then "BUILT" (At)
	// ReadyAt is when its PDF is built: CreatedAt plus the statement_build
	// setting of the moment it was asked for (zero: at once).
	ReadyAt time.Time
}

// At is the job as it stands at now: BUILT once ReadyAt has come.
func (j StatementJob) At(now time.Time) StatementJob {
	j.Status = "BUILT"
	if now.Before(j.ReadyAt) {
		j.Status = "BUILDING"
	}
	return j
}

// Settings are the business's settings.
type Settings struct {
	SecretKey         Secret
	PublicKey         string
	WebhookURL        string
	WebhookSecret     Secret
	DataSyncEnabledAt time.Time     // zero while Data Sync is off (R4)
	AutoSync          time.Duration // 0 (off), 6h, 12h or 24h (R12)
	IDNamespace       string        // makes generated IDs unique per world, and stable
	WebhookFormat     WebhookFormat // "" reads as WebhookV1
	// StatementBuild is how long (virtual) a PDF statement takes to build, BUILDING
	// until then: an app's polling of its job can be tested. 0: built at once.
	StatementBuild time.Duration
}

// MaxStatementBuild bounds Settings.StatementBuild.
const MaxStatementBuild = time.Hour

// Format is the webhook format the business receives.
func (s Settings) Format() WebhookFormat {
	if s.WebhookFormat == "" {
		return WebhookV1
	}
	return s.WebhookFormat
}

// DataSyncEnabled reports whether the add-on is on.
func (s Settings) DataSyncEnabled() bool { return !s.DataSyncEnabledAt.IsZero() }

// AutoSyncIntervals are the allowed values of Settings.AutoSync.
var AutoSyncIntervals = []time.Duration{0, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// ClockState is the virtual clock's persisted state.
type ClockState struct {
	Now    time.Time // virtual time when saved
	Wall   time.Time // real time when saved
	Speed  float64
	Paused bool
	// JumpingTo is where a jump under way when it was saved goes: a restart that
	// finds it knows the jump was cut short (a crash), and where it was going.
	JumpingTo time.Time
}

// TxQuery selects a page of an account's transactions, newest first.
type TxQuery struct {
	AccountID string
	From, To  time.Time // inclusive bounds on Date; zero means unbounded
	Type      TxType    // "" for both
	Narration string    // case-insensitive substring; "" for any
	Page      int       // 1-based
	Limit     int       // 0: every match on one page
}

// TxPage is one page of a query, with the total number of matches.
type TxPage struct {
	Total        int64
	Page         int
	Limit        int
	Transactions []Transaction
}
