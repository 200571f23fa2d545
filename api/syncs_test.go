package api

import (
	"net/http"
	"strings"
	"testing"
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
