package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// settle waits until every webhook attempt due now has been made and recorded.
func (w *world) settle() {
	w.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		ok, err := w.eng.OutboxSettled(w.ctx)
		if err != nil {
			w.t.Fatal(err)
		}
		if ok {
			return
		}
		select {
		case <-w.notes: // a delivery, or anything else that happened: look again
		case <-time.After(20 * time.Millisecond): // a recorded attempt may announce nothing new
		case <-deadline.C:
			w.t.Fatal("webhook delivery did not settle within 10 s")
		}
	}
}

// Webhooks addressed to sandbank's own receiver are delivered in process, and the
// receiver misbehaves on demand: down, an error status, slow past the attempt's
// timeout (without the real wait), slow within it, and up again.
func TestBuiltInReceiverInProcess(t *testing.T) {
	w := newWorld(t, worldOpts{})
	const local = "http://sandbank.invalid/sandbox/receiver" // no such host: only in-process delivery reaches it
	w.srv.DeliverLocally(w.sender, local)
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true,
		"webhook_url": local, "webhook_secret": testWebhookSecret}})
	adam := w.customers()[0]
	id := w.connect(adam)
	w.settle()
	var got struct{ Data []receivedJSON }
	w.get("/sandbox/receiver").decode(t, &got)
	if len(got.Data) != 2 || !got.Data[0].SecretValid {
		t.Fatalf("the receiver got %+v; want account_connected and account_updated with a valid secret", got.Data)
	}

	attempts := func() []attemptJSON {
		var log struct{ Data []eventJSON }
		w.get("/sandbox/webhooks?account="+id+"&limit=1").decode(t, &log)
		return log.Data[0].Attempts
	}
	for _, tc := range []struct {
		mode    map[string]any
		status  int
		latency int64
		err     string
	}{
		{map[string]any{"mode": "down"}, 0, 0, "refused"},
		{map[string]any{"mode": "error", "status": 503}, 503, 0, "answered 503"},
		{map[string]any{"mode": "slow", "delay": "15s"}, 0, 10_000, "timeout"},
		{map[string]any{"mode": "slow", "delay": "2s"}, 200, 2_000, ""},
		{map[string]any{"mode": "up"}, 200, 0, ""},
	} {
		w.post("/sandbox/receiver/mode", tc.mode)
		w.advance("2m")
		// New data, so that the sync sends account_updated.
		w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions", req{body: `{"type":"credit","amount":100}`})
		start := time.Now()
		w.post("/accounts/"+id+"/sync", nil)
		w.settle()
		if real := time.Since(start); real > 5*time.Second {
			t.Fatalf("mode %v: the sync and its delivery took %s of real time", tc.mode, real)
		}
		last := attempts()[0] // newest first
		if last.StatusCode != tc.status || last.LatencyMS != tc.latency || !strings.Contains(last.Error, tc.err) || (tc.err == "") != (last.Error == "") {
			t.Fatalf("mode %v: the attempt = %+v; want status %d, latency %d ms, error %q", tc.mode, last, tc.status, tc.latency, tc.err)
		}
		if tc.err != "" { // let the retry through before the next mode
			w.post("/sandbox/receiver/mode", map[string]any{"mode": "up"})
			w.advance("30s")
			w.settle()
			if a := attempts(); a[0].Error != "" {
				t.Fatalf("mode %v: the retry after 30s = %+v", tc.mode, a[0])
			}
		}
	}
	w.must(http.StatusBadRequest, "POST", "/sandbox/receiver/mode", req{body: map[string]any{"mode": "sulky"}})
	w.must(http.StatusBadRequest, "POST", "/sandbox/receiver/mode", req{body: map[string]any{"mode": "error", "status": 99}})
	w.must(http.StatusBadRequest, "POST", "/sandbox/receiver/mode", req{body: map[string]any{"mode": "slow"}})
	// A field of another mode is refused, naming it and the mode it goes with, and
	// changes nothing: {"mode":"up","status":500} set a receiver that answered 200.
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "down"})
	for _, tc := range []struct {
		body map[string]any
		says string
	}{
		{map[string]any{"mode": "up", "status": 500}, `status goes with mode "error" only`},
		{map[string]any{"mode": "slow", "delay": "5s", "status": 503}, `status goes with mode "error" only`},
		{map[string]any{"mode": "error", "status": 500, "delay": "5s"}, `delay goes with mode "slow" only`},
		{map[string]any{"mode": "down", "delay": "5s"}, `delay goes with mode "slow" only, as how late the receiver answers: {"mode":"slow","delay":"5s"}`},
		// The example is JSON whatever was sent: it read {"mode":"error","status":five hundred}.
		{map[string]any{"mode": "up", "status": "five hundred"}, `{"mode":"error","status":500}`},
		{map[string]any{"mode": "up", "status": 503}, `{"mode":"error","status":503}`},
	} {
		v := failed(t, w.do("POST", "/sandbox/receiver/mode", req{body: tc.body}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg, _ := v["message"].(string); !strings.Contains(msg, tc.says) {
			t.Errorf("%v: %q, want it to say %q", tc.body, msg, tc.says)
		}
		var mode struct{ Mode string }
		if w.get("/sandbox/receiver/mode").decode(t, &mode); mode.Mode != "down" {
			t.Fatalf("%v, refused, set the receiver %q", tc.body, mode.Mode)
		}
	}
	// An empty field is absent, as mode "error" reads an empty status (500): with
	// another mode it was refused, the example {"mode":"error","status":}.
	for _, body := range []map[string]any{{"mode": "up", "status": ""}, {"mode": "error", "status": "503", "delay": ""}, {"mode": "error", "status": ""}} {
		var mode struct{ Mode string }
		w.post("/sandbox/receiver/mode", body).decode(t, &mode)
		if mode.Mode != body["mode"] {
			t.Fatalf("%v set the receiver %q", body, mode.Mode)
		}
	}
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "up"})
}

// An event's attempts page newest first, up to the largest page the route
// names: limit=1000 was refused as over 1,000, the route asking the engine
// for one more to know whether a next page exists.
func TestEventAttemptsPageUpToTheLargestLimit(t *testing.T) {
	w := newWorld(t, worldOpts{})
	const local = "http://sandbank.invalid/sandbox/receiver"
	w.srv.DeliverLocally(w.sender, local)
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true,
		"webhook_url": local, "webhook_secret": testWebhookSecret}})
	adam := w.customers()[0]
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "down"})
	id := w.connect(adam)
	w.settle()
	// Three attempts that differ, so none folds into another's repeats.
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "error", "status": 503})
	w.advance("30s")
	w.settle()
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "up"})
	w.advance("2m")
	w.settle()
	var log struct{ Data []eventJSON }
	w.get("/sandbox/webhooks?account="+id).decode(t, &log)
	first := log.Data[len(log.Data)-1] // the oldest: account_connected, tried three times
	if len(first.Attempts) != 3 {
		t.Fatalf("the connection's event = %+v; want three attempts", first)
	}
	path := "/sandbox/webhooks/" + first.ID + "/attempts"
	type page struct {
		Paging eventPagingJSON
		Data   []attemptJSON
	}
	var all page
	w.get(path+"?limit=1000").decode(t, &all)
	if len(all.Data) != 3 || all.Data[0].N != 3 || all.Paging.Next != nil {
		t.Fatalf("limit=1000 = %+v; want the three attempts, newest first, and no next page", all)
	}
	var got []int
	for next := path + "?limit=2"; next != ""; {
		var p page
		w.get(strings.TrimPrefix(next, w.base)).decode(t, &p)
		for _, a := range p.Data {
			got = append(got, a.N)
		}
		next = ""
		if p.Paging.Next != nil {
			next = *p.Paging.Next
		}
	}
	if len(got) != 3 || got[0] != 3 || got[1] != 2 || got[2] != 1 {
		t.Fatalf("paging by 2 gave attempts %v; want 3 2 1", got)
	}
	w.must(http.StatusBadRequest, "GET", path+"?limit=1001", req{})
	// No attempt is numbered below 1 (nor any event's seq): before=0 asked for
	// the newest page, as if absent (a webhook trial).
	w.must(http.StatusBadRequest, "GET", path+"?before=0", req{})
	w.must(http.StatusBadRequest, "GET", "/sandbox/webhooks?before=0", req{})
}
