package api

import (
	"encoding/json"

	"sandbank/engine"
)

// The webhook bodies: an event's facts rendered in the format the business chose,
// when the event is delivered (engine.Sender.Render). v1's shapes are the seed's
// (DESIGN §5); v2's are Mono's current envelope (MONO-V2.md, "Webhooks"), camelCase
// inside account_updated's account as Mono still sends it.

// Render is the body a receiver gets for ev in format f.
func (s *WebhookSender) Render(ev engine.Event, f engine.WebhookFormat) []byte {
	return RenderWebhook(ev, f)
}

// RenderWebhook is the body of ev in format f. An event stored by a build before
// webhook formats carries its body instead of facts: that body, whatever f.
func RenderWebhook(ev engine.Event, f engine.WebhookFormat) []byte {
	if ev.FrozenBody != nil {
		return ev.FrozenBody
	}
	var v any = v1Webhook(ev)
	if f == engine.WebhookV2 {
		v = v2Webhook(ev)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("api: a webhook of plain structs cannot fail to marshal: " + err.Error())
	}
	return b
}

// --- v1

type v1EventBody struct {
	Event string `json:"event"`
	Data  any    `json:"data"`
}

type idRef struct {
	ID string `json:"_id"`
}

type v1AccountRef struct {
	Account idRef `json:"account"`
}

type v1SyncFailed struct {
	Account idRef  `json:"account"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// v1Connected is v1's account_connected: the account's ID at data.id, where Mono's
// page for the event puts it, then the account and its meta as account_updated
// carries them, for a handler that reads those.
type v1Connected struct {
	ID string `json:"id"`
	accountView
}

type v1JobUpdate struct {
	Account idRef  `json:"account"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	Status  string `json:"status"`
}

func v1Webhook(ev engine.Event) v1EventBody {
	f := ev.Facts
	ref := idRef{f.Account.ID}
	var data any
	switch ev.Type {
	case engine.EventAccountConnected, engine.EventAccountUpdated:
		v := newAccountView(f.Account)
		if ev.Type == engine.EventAccountUpdated && f.Code != "" && f.Code != engine.CodeSyncSuccessful {
			// the end of a real-time job the bank failed: v1 has no sync_status, and its
			// data_status says the data of that job did not come (the last sync's stays)
			v.Meta.DataStatus = engine.DataFailed
		}
		data = v
		if ev.Type == engine.EventAccountConnected {
			data = v1Connected{ID: f.Account.ID, accountView: v}
		}
	case engine.EventSyncFailed:
		data = v1SyncFailed{Account: ref, Code: f.Code, Message: f.Message}
	case engine.EventJobsUpdate:
		j := jobOf(f)
		data = v1JobUpdate{Account: ref, ID: j.ID, Name: v2JobName(j), Status: v2JobStatus(j)}
	default:
		data = v1AccountRef{Account: ref}
	}
	return v1EventBody{Event: ev.Type, Data: data}
}

func jobOf(f engine.EventFacts) engine.SyncJob {
	if f.Job == nil {
		return engine.SyncJob{}
	}
	return *f.Job
}

// --- v2

type v2EventBody struct {
	Event     string `json:"event"`
	EventID   string `json:"event_id"`
	Timestamp string `json:"timestamp"`
	Data      any    `json:"data"`
}

// v2Owner closes every v2 webhook's data: the app and the business.
type v2Owner struct {
	App      string `json:"app"`
	Business string `json:"business"`
}

type v2Connected struct {
	ID       string          `json:"id"`
	Customer string          `json:"customer"`
	Meta     v2ConnectedMeta `json:"meta"`
	v2Owner
}

type v2ConnectedMeta struct {
	DataStatus string `json:"data_status"`
	AuthMethod string `json:"auth_method"`
	Ref        string `json:"ref"`
}

type v2Updated struct {
	Account v2WebhookAccount `json:"account"`
	Meta    v2UpdatedMeta    `json:"meta"`
	v2Owner
}

// v2WebhookAccount is account_updated's account: camelCase, _id.
type v2WebhookAccount struct {
	ID            string          `json:"_id"`
	Name          string          `json:"name"`
	AccountNumber string          `json:"accountNumber"`
	Currency      string          `json:"currency"`
	Balance       int64           `json:"balance"`
	Type          string          `json:"type"`
	BVN           string          `json:"bvn"`
	AuthMethod    string          `json:"authMethod"`
	Institution   institutionBody `json:"institution"`
	CreatedAt     string          `json:"created_at"`
	UpdatedAt     string          `json:"updated_at"`
}

type v2UpdatedMeta struct {
	DataStatus    string   `json:"data_status"`
	AuthMethod    string   `json:"auth_method"`
	RetrievedData []string `json:"retrieved_data"`
	Ref           string   `json:"ref"`
	SyncStatus    string   `json:"sync_status"`
	JobID         string   `json:"job_id"`
	HasNewData    bool     `json:"has_new_data"`
}

type v2JobUpdate struct {
	Account string `json:"account"`
	v2Owner
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

type v2AccountRef struct {
	Account idRef `json:"account"`
	v2Owner
}

type v2Unlinked struct {
	Account struct {
		ID string `json:"id"`
	} `json:"account"`
	v2Owner
}

type v2SyncFailed struct {
	Account idRef  `json:"account"`
	Code    string `json:"code"`
	Message string `json:"message"`
	v2Owner
}

func v2Webhook(ev engine.Event) v2EventBody {
	f := ev.Facts
	a := f.Account
	owner := v2Owner{App: f.App, Business: f.Business}
	var data any
	switch ev.Type {
	case engine.EventAccountConnected:
		data = v2Connected{ID: a.ID, Customer: v2CustomerID(a),
			Meta: v2ConnectedMeta{DataStatus: v2DataStatus(a), AuthMethod: a.AuthMethod, Ref: a.Ref}, v2Owner: owner}
	case engine.EventAccountUpdated, engine.EventReauthRequired:
		j := jobOf(f)
		updated := a.LastSyncedAt
		if updated.IsZero() {
			updated = a.ConnectedAt
		}
		data = v2Updated{
			Account: v2WebhookAccount{ID: a.ID, Name: a.Name, AccountNumber: a.Number, Currency: a.Currency,
				Balance: a.Balance, Type: a.Type, BVN: a.BVN, AuthMethod: a.AuthMethod,
				Institution: newInstitutionBody(a.Institution), CreatedAt: instant(a.ConnectedAt), UpdatedAt: instant(updated)},
			Meta: v2UpdatedMeta{DataStatus: v2DataStatus(a), AuthMethod: a.AuthMethod, RetrievedData: v2RetrievedData(a),
				Ref: a.Ref, SyncStatus: v2SyncStatus(f.Code), JobID: j.ID, HasNewData: j.HasNewData},
			v2Owner: owner}
	case engine.EventJobsUpdate:
		j := jobOf(f)
		data = v2JobUpdate{Account: a.ID, v2Owner: owner, ID: j.ID, Name: v2JobName(j), Status: v2JobStatus(j)}
	case engine.EventAccountUnlinked:
		u := v2Unlinked{v2Owner: owner}
		u.Account.ID = a.ID
		data = u
	case engine.EventSyncFailed:
		data = v2SyncFailed{Account: idRef{a.ID}, Code: f.Code, Message: f.Message, v2Owner: owner}
	default: // account_reauthorized
		data = v2AccountRef{Account: idRef{a.ID}, v2Owner: owner}
	}
	return v2EventBody{Event: v2WebhookName(ev.Type), EventID: ev.ID, Timestamp: instant(ev.CreatedAt), Data: data}
}
