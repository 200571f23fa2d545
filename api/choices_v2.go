package api

import (
	"net/url"

	"sandbank/engine"
)

// Where Mono's sources disagree or are silent (../shared/MONO-V2.md), the choice
// sandbank made lives here, so that a correction is one edit; the README's "Mono v2"
// section says which source each follows.

// authAnswerEnveloped: POST /v2/accounts/auth answers {id} inside the envelope, as
// Mono's client code reads it, not the bare {"id"} of the docs' SDK guide.
const authAnswerEnveloped = true

// realtimeHeaders are the request headers that ask for real-time data: Mono's
// real-time page and its client code write x-realtime, its transactions page
// x-real-time. Either works; both sent must agree (400 says which disagree).
var realtimeHeaders = []string{"x-realtime", "x-real-time"}

// v2DataStatus is an account's data_status in v2 (AVAILABLE | PARTIAL | UNAVAILABLE
// | FAILED since September 2025). Mono documents the values, not when each applies:
// AVAILABLE once a sync has brought data and none is needed from the user; FAILED
// when the bank wants the user (a changed password, MFA: re-authorise) or the first
// sync failed; UNAVAILABLE before the first sync has brought anything. PARTIAL is
// never used: a sync brings balance, transactions and identity together or nothing.
func v2DataStatus(a engine.AccountFacts) string {
	switch {
	case a.ReauthRequired || a.DataStatus == engine.DataFailed:
		return "FAILED"
	case a.LastSyncedAt.IsZero():
		return "UNAVAILABLE"
	}
	return "AVAILABLE"
}

// v2RetrievedData is meta.retrieved_data: what the last sync brought (Mono shows a
// list without saying its values).
func v2RetrievedData(a engine.AccountFacts) []string {
	if a.LastSyncedAt.IsZero() {
		return []string{}
	}
	return []string{"balance", "transactions", "identity"}
}

// v2SyncStatus is account_updated's meta.sync_status.
func v2SyncStatus(code string) string {
	switch code {
	case "", engine.CodeSyncSuccessful:
		return "SUCCESSFUL"
	case engine.CodeReauthRequired:
		return "REAUTHORISATION_REQUIRED"
	}
	return "FAILED"
}

// v2WebhookName is the event name a v2 webhook carries for an event of the outbox.
// v2 reports a sync that needs the user as account_updated with sync_status
// REAUTHORISATION_REQUIRED rather than v1's reauthorisation_required; the seed's
// sync_failed (R12, automatic syncs) has no v2 counterpart and keeps its name.
func v2WebhookName(eventType string) string {
	if eventType == engine.EventReauthRequired {
		return engine.EventAccountUpdated
	}
	return eventType
}

// v2JobStatus is x-job-status and a job's status in v2: finished | processing | failed.
func v2JobStatus(j engine.SyncJob) string {
	switch j.Status {
	case engine.StatusSyncRunning:
		return "processing"
	case engine.StatusSyncSuccessful:
		return "finished"
	}
	return "failed"
}

// v2JobName is a job's name (mono.accounts.jobs.update, GET …/jobs/{id}): what
// started it. Mono names two, sync_balance and sync_statement (MONO-V2.md); a
// real-time read of the balance is the first, one of the transactions the second
// (Mono calls that a statement sync). Every other sync — the connect's, a
// re-authorisation's, v1's POST …/sync, the automatic one — fetches the
// transactions as well as the balance: a statement sync. The connect's was named
// sync_balance, though no balance read had happened, and a re-authorisation's
// after the read that failed before it (a v2 developer's trial).
func v2JobName(j engine.SyncJob) string {
	if j.Trigger == engine.TriggerRealtime && j.Requested != engine.RealtimeTransactions {
		return "jobs.accounts.sync_balance"
	}
	return "jobs.accounts.sync_statement"
}

// v2CustomerID is the customer an account belongs to in v2: the business's customer
// from the initiate link; for an account connected through v1's widget, which names
// none, the bank's customer.
func v2CustomerID(a engine.AccountFacts) string {
	if a.Customer != "" {
		return a.Customer
	}
	return a.CustomerID
}

// linkRedirect is where an initiate link sends the user at its end: redirect_url
// with the result in its query — status (linked, reauthorised, failed), the code
// to exchange (a connect), the account (a re-authorisation), and the reference.
// Mono's pages say the user is redirected "with the result"; the parameter names
// are sandbank's.
func linkRedirect(redirectURL, status, code, account, ref string) string {
	u, err := url.Parse(redirectURL)
	if err != nil {
		return redirectURL // checked when the link was made
	}
	q := u.Query()
	q.Set("status", status)
	for k, v := range map[string]string{"code": code, "account": account, "reference": ref} {
		if v != "" {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// historyPeriod is a month of credits' and debits' history: "2021-08" (Mono's
// pages show the history without saying the form of its period).
const historyPeriod = "2006-01"
