package engine

import "time"

// An event stores what it says — its facts, as they were when it happened — not a
// body: the HTTP layer renders the body a receiver gets, in the webhook format the
// business chose (v1 or v2), when it delivers it (Sender.Render). Both formats
// describe the same events of the same outbox.

// WebhookFormat is the shape of the webhooks a business receives.
type WebhookFormat string

const (
	WebhookV1 WebhookFormat = "v1" // DESIGN §5: the seed's shapes, and the default
	WebhookV2 WebhookFormat = "v2" // Mono's current envelope (MONO-V2.md, "Webhooks")
)

// Validate reports whether f is a known format.
func (f WebhookFormat) Validate() error {
	if f != WebhookV1 && f != WebhookV2 {
		return Invalid("webhook_format", "unknown webhook format %q; use v1 (the default) or v2", string(f))
	}
	return nil
}

// EventFacts are what an event says.
type EventFacts struct {
	Account AccountFacts
	// Business and App are the IDs of the business and its app the event concerns
	// (v2's envelope names them).
	Business, App string
	// Code and Message say why a sync failed (sync_failed, reauthorisation_required,
	// a failed real-time job).
	Code, Message string
	// Job is the sync the event reports: account_updated's, reauthorisation_required's,
	// sync_failed's and jobs.update's.
	Job *SyncJob
}

// AccountFacts are an account as an event shows it, as of the event (R1: its data
// as of the last successful sync).
type AccountFacts struct {
	ID          string
	CustomerID  string // the bank's customer
	Customer    string // the business's customer, from a v2 link
	Ref         string // the business's reference, from a v2 link
	Institution Institution
	Name        string
	Number      string
	Type        string
	Currency    string
	AuthMethod  string
	Balance     int64
	BVN         string // the last 4 digits
	DataStatus  string
	// ReauthRequired: the bank wants the user before the next sync (R5, R6).
	ReauthRequired bool
	ConnectedAt    time.Time
	LastSyncedAt   time.Time
}

// NewAccountFacts shows a as of its last successful sync (R1). The faces render
// GET /accounts/{id} (v1 and v2) from it too, so a webhook and a fetch never disagree.
func NewAccountFacts(a Account) AccountFacts {
	return AccountFacts{ID: a.ID, CustomerID: a.CustomerID, Customer: a.Customer, Ref: a.Ref,
		Institution: a.Institution, Name: a.Name, Number: a.Number, Type: a.Type, Currency: a.Currency,
		AuthMethod: a.AuthMethod, Balance: a.Balance, BVN: a.BVNLast4(), DataStatus: a.DataStatus,
		ReauthRequired: a.ReauthRequired, ConnectedAt: a.ConnectedAt, LastSyncedAt: a.LastSyncedAt}
}

// BusinessID and AppID name the business and its app; they derive from the world,
// so they repeat from run to run.
func (s Settings) BusinessID() string { return NewID(s.IDNamespace, "business", 1) }
func (s Settings) AppID() string      { return NewID(s.IDNamespace, "app", 1) }

// WebhookBody is the body of ev as its last attempt sent it, or as the next attempt
// will send it if none was made: what the faces show of an event.
func (e *Engine) WebhookBody(ev Event) []byte {
	return e.sender.Render(ev, ev.Format(e.Settings()))
}

// WebhookBodyOf is the body attempt a of ev sent.
func (e *Engine) WebhookBodyOf(ev Event, a Attempt) []byte {
	f := a.Format
	if f == "" {
		f = WebhookV1 // attempts recorded before webhook formats
	}
	return e.sender.Render(ev, f)
}
