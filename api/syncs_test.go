package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// GET /sandbox/accounts/{id}/syncs lists an account's kept syncs, newest first, as
// the TUI's account page does: the first sync at connect, a manual one that
// brought a posting, the automatic ones of a day's jump; a run with nothing new
// counts on the one before it. limit cuts the list and says there is more; an
// unknown account is a 404, a bad limit a 400 that names it.
func TestAccountSyncHistory(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"auto_sync": "6h"}})
	c := w.addCustomer(map[string]any{"institution": "044", "balance": "NGN 1,000"})
	id := w.connect(c)
	w.advance("2m")
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions", req{body: map[string]any{"type": "credit", "amount": 50000}})
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/sync", req{})
	w.advance("1d")

	type sync struct {
		ID, Trigger, Status string
		StartedAt           string `json:"started_at"`
		HasNewData          bool   `json:"has_new_data"`
		NewTransactions     int    `json:"new_transactions"`
		Repeats             int
		Message             string
	}
	var list struct {
		Data []sync
		More bool
	}
	w.get("/sandbox/accounts/"+id+"/syncs").decode(t, &list)
	var triggers []string
	for _, s := range list.Data {
		triggers = append(triggers, s.Trigger)
		if s.ID == "" || s.Status != "successful" {
			t.Errorf("a sync of the list: %+v", s)
		}
	}
	// Four automatic syncs in the day, all with nothing new: one record, counted.
	if strings.Join(triggers, " ") != "auto manual connect" || list.More {
		t.Fatalf("the history: %+v (more %v)", list.Data, list.More)
	}
	if auto, manual := list.Data[0], list.Data[1]; auto.Repeats != 3 || auto.HasNewData || !manual.HasNewData || manual.NewTransactions != 1 || !(auto.StartedAt > manual.StartedAt) {
		t.Fatalf("the automatic syncs %+v, the manual one %+v", auto, manual)
	}
	// has_new_data is the first run's: the message says what its repeats found.
	if auto, manual := list.Data[0], list.Data[1]; !strings.HasSuffix(auto.Message, "; the 3 syncs after it found nothing new") || strings.Contains(manual.Message, "after it") {
		t.Fatalf("the automatic syncs say %q, the manual one %q", auto.Message, manual.Message)
	}

	w.get("/sandbox/accounts/"+id+"/syncs?limit=2").decode(t, &list)
	if len(list.Data) != 2 || !list.More || list.Data[0].Trigger != "auto" {
		t.Fatalf("limit=2: %+v (more %v)", list.Data, list.More)
	}
	for _, bad := range []struct{ path, says string }{
		{"/sandbox/accounts/" + id + "/syncs?limit=0", "limit"},
		{"/sandbox/accounts/" + id + "/syncs?page=2", "page"},
		{"/sandbox/accounts/nosuchaccount/syncs", "nosuchaccount"},
	} {
		status := http.StatusBadRequest
		if strings.Contains(bad.path, "nosuch") {
			status = http.StatusNotFound
		}
		rep := w.must(status, "GET", bad.path, req{})
		if !strings.Contains(string(rep.body), bad.says) {
			t.Errorf("%s: %s", bad.path, rep.body)
		}
	}
}

// GET /sandbox/accounts says when auto-sync syncs each account next: an interval
// after it was chosen (or the account connected), then an interval after each
// round; nothing with auto-sync off. Nothing said it, and a test could not aim a
// jump at the schedule (a backend engineer's trial).
func TestAccountsSayWhenAutoSyncIsDue(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044"})
	id := w.connect(c)
	next := func() string {
		t.Helper()
		var list struct {
			Data []struct {
				Account struct {
					ID string `json:"_id"`
				}
				Next string `json:"next_auto_sync_at"`
			}
		}
		w.get("/sandbox/accounts").decode(t, &list)
		for _, a := range list.Data {
			if a.Account.ID == id {
				return a.Next
			}
		}
		t.Fatalf("account %s is not listed", id)
		return ""
	}
	if n := next(); n != "" {
		t.Fatalf("with auto-sync off, next_auto_sync_at = %q; want none", n)
	}
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"auto_sync": "6h"}})
	chosen := w.clock.Now()
	if n, want := next(), instant(chosen.Add(6*time.Hour)); n != want {
		t.Fatalf("auto-sync every 6h chosen at %s: next_auto_sync_at = %q, want %q", instant(chosen), n, want)
	}
	w.advance("7h")
	if n, want := next(), instant(chosen.Add(12*time.Hour)); n != want {
		t.Fatalf("7 hours on: next_auto_sync_at = %q, want %q (the round at 6h ran)", n, want)
	}
	// With Data Sync off, no automatic sync runs: none is said to be due.
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": false}})
	w.advance("2d")
	if n := next(); n != "" {
		t.Fatalf("with Data Sync off, next_auto_sync_at = %q; want none", n)
	}
}

// A pending event with no webhook URL set says why it waits: it showed a
// next_attempt_at in the past and no reason (a backend engineer's trial). Once a
// URL is set, it no longer says so.
func TestPendingEventWithoutAURLSaysWhy(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true, "webhook_url": ""}})
	c := w.addCustomer(map[string]any{"institution": "044"})
	w.connect(c)
	w.advance("1h")
	held := func() []string {
		t.Helper()
		var log struct {
			Data []struct{ Status, Held string }
		}
		w.get("/sandbox/webhooks").decode(t, &log)
		var out []string
		for _, e := range log.Data {
			out = append(out, e.Status+": "+e.Held)
		}
		return out
	}
	got := held()
	if len(got) == 0 {
		t.Fatal("the connect's sync made no event")
	}
	for _, e := range got {
		if !strings.HasPrefix(e, "pending: no webhook URL is set") || !strings.Contains(e, "webhook_url") {
			t.Fatalf("events with no webhook URL set: %q; want each pending, saying no URL is set and how to set one", got)
		}
	}
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"webhook_url": w.hooks.srv.URL + "/hooks"}})
	for _, e := range held() {
		if strings.Contains(e, "no webhook URL") {
			t.Fatalf("with a URL set, an event still says %q", e)
		}
	}
}
