package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sandbank/scenario"
)

// serve --scenario, driven by a test "app" over real loopback HTTP: the app reacts
// to a real reauthorisation_required webhook by asking for a reauth token, which an
// expect_call: step sees; it never unlinks, so the next expect_call: fails once the
// clock passes its within:, and stopping reports it.
func TestServeScenarioToAnApp(t *testing.T) {
	var base string
	var mu sync.Mutex
	calls := make(chan string, 16)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Event string
			Data  struct {
				Account struct {
					ID string `json:"_id"`
				}
			}
		}
		_ = json.NewDecoder(r.Body).Decode(&ev)
		w.WriteHeader(http.StatusOK)
		if ev.Event != "mono.events.reauthorisation_required" {
			return
		}
		go func() { // the app's backend asks for a reauth token for its front end
			mu.Lock()
			url := base + "/accounts/" + ev.Data.Account.ID + "/reauthorise"
			mu.Unlock()
			req, _ := http.NewRequest("POST", url, nil)
			req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				calls <- resp.Status
			}
		}()
	}))
	defer app.Close()

	dir := t.TempDir()
	file := filepath.Join(dir, "app.yaml")
	src := `scenario: The app reacts to reauthorisation_required
start: 2021-08-20T13:00:00+01:00
settings: {webhooks: "` + app.URL + `/webhooks"}
customers:
  adam: {institution: "044", balance: NGN 10000}
steps:
  - connect: adam
  - serve: {say: the app takes over, clock: paused}
  - bank: adam
    password: n3w-Passw0rd
  - advance: 2m
  - sync: adam
    expect: {code: REAUTHORISATION_REQUIRED}
  - expect_call: POST /accounts/{adam}/reauthorise
    within: 10m
    expect: {http: 200}
  - expect_call: POST /accounts/{adam}/unlink
    within: 5m
  - bank: adam
    credit: NGN 2,000
    at: +1h
    note: fires when the app's tests move the clock past 14:00 WAT
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(Options{DB: filepath.Join(dir, "world.db"), Addr: "127.0.0.1:0", Scenario: s})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	api := "http://" + m.Addr()
	mu.Lock()
	base = api
	mu.Unlock()
	raw, err := m.Serving.IDs(api)
	if err != nil {
		t.Fatal(err)
	}
	var ids struct {
		API       string
		Keys      map[string]string
		Accounts  map[string]struct{ ID, Number, Institution string }
		Customers map[string]struct{ ID string }
	}
	if err := json.Unmarshal(raw, &ids); err != nil || ids.API != api || ids.Accounts["adam"].ID == "" ||
		ids.Accounts["adam"].Institution != "044" || ids.Keys["secret"] != scenario.DefaultKeys.Secret {
		t.Fatalf("IDs file %s (%v)", raw, err)
	}
	m.Serving.Start(context.Background())

	status := func() map[string]any {
		req, _ := http.NewRequest("GET", api+"/sandbox/scenario", nil)
		req.Header.Set("mono-sec-key", ids.Keys["secret"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || json.Unmarshal(b, &v) != nil {
			t.Fatalf("GET /sandbox/scenario = %d %s", resp.StatusCode, b)
		}
		return v
	}
	state := func(v map[string]any, n int) string {
		return v["steps"].([]any)[n-1].(map[string]any)["state"].(string)
	}
	waitState := func(n int, want string) map[string]any {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			v := status()
			if state(v, n) == want {
				return v
			}
			if time.Now().After(deadline) {
				t.Fatalf("step %d never became %s: %v", n, want, v)
			}
			time.Sleep(5 * time.Millisecond) // a real app, over a real socket, in real time
		}
	}
	if got := <-calls; got != "200 OK" {
		t.Fatalf("the app's reauthorise call answered %s", got)
	}
	waitState(6, scenario.StatePassed)
	waitState(7, scenario.StateWaiting)
	req, _ := http.NewRequest("POST", api+"/sandbox/clock", strings.NewReader(`{"advance":"6m"}`))
	req.Header.Set("mono-sec-key", ids.Keys["secret"])
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("moving the clock: %v %v", resp, err)
	}
	v := waitState(7, scenario.StateFailed)
	msg := v["steps"].([]any)[6].(map[string]any)["message"].(string)
	if !strings.Contains(msg, "the app did not call POST /accounts/"+ids.Accounts["adam"].ID+"/unlink within 5m; it called: ") {
		t.Fatalf("the failing expect_call says %q", msg)
	}
	v = waitState(8, scenario.StateWaiting)
	if plan := v["steps"].([]any)[7].(map[string]any)["at_planned"]; plan != "2021-08-20T13:00:00Z" {
		t.Fatalf("step 8 is planned at %v", plan)
	}
	req, _ = http.NewRequest("POST", api+"/sandbox/clock", strings.NewReader(`{"advance":"1h"}`))
	req.Header.Set("mono-sec-key", ids.Keys["secret"])
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("moving the clock: %v %v", resp, err)
	}
	waitState(8, scenario.StatePassed)
	if c, _ := m.Bank.Customer(ids.Customers["adam"].ID); c.Accounts[0].Balance != 1_200_000 {
		t.Fatalf("after the timed step the bank shows %d kobo", c.Accounts[0].Balance)
	}
	if m.Serving.Stop() {
		t.Fatal("Stop reported success with a failed step")
	}
	var out bytes.Buffer
	m.Serving.Verdicts(&out)
	if !strings.Contains(out.String(), "✓ "+file+":14 step 6 (expect_call: POST /accounts/{adam}/reauthorise)") ||
		!strings.Contains(out.String(), "✗ "+file+":17 step 7 (expect_call: POST /accounts/{adam}/unlink): the app did not call") ||
		!strings.HasSuffix(out.String(), "7 passed, 1 failed, 0 not run\n") {
		t.Fatalf("verdicts:\n%s", out.String())
	}
}

// A served scenario whose serve: leaves the clock running says so in its banner:
// the steps start before it is printed (it said PAUSED while the clock ran).
func TestServeBannerSaysHowTheClockIs(t *testing.T) {
	for _, tc := range []struct {
		serve  string
		paused bool
	}{{"serve:", false}, {"serve: {clock: paused}", true}} {
		m, s := openServed(t, "scenario: banner\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - "+tc.serve+"\n  - advance: 1m\n")
		var out bytes.Buffer
		startServing(context.Background(), m, s, "", &out)
		if got := strings.Contains(out.String(), "PAUSED"); got != tc.paused || m.Clock.State().Paused != tc.paused {
			t.Errorf("%s: the banner says paused %v, the clock is paused %v, want %v:\n%s", tc.serve, got, m.Clock.State().Paused, tc.paused, out.String())
		}
		if !strings.Contains(out.String(), "/sandbox/scenario (with the secret key)") {
			t.Errorf("the banner does not say the progress route needs the key:\n%s", out.String())
		}
		m.Serving.Stop()
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// After serve:, a webhook step waits for what the app caused: the webhooks of events
// made before serve: (the connect's account_updated) do not match it, those of the
// app's sync do.
func TestServedWebhookStepWaitsForTheApp(t *testing.T) {
	for _, appSyncs := range []bool{false, true} {
		m, _ := openServed(t, "scenario: hooks\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n"+
			"  - webhook: account_updated\n    account: adam\n    within: 5m\n")
		api := "http://" + m.Addr()
		raw, err := m.Serving.IDs(api)
		if err != nil {
			t.Fatal(err)
		}
		var ids struct {
			Accounts  map[string]struct{ ID string }
			Customers map[string]struct{ ID string }
		}
		if err := json.Unmarshal(raw, &ids); err != nil {
			t.Fatal(err)
		}
		m.Serving.Start(context.Background())
		call := func(method, path, body string) {
			t.Helper()
			req, _ := http.NewRequest(method, api+path, strings.NewReader(body))
			req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode/100 != 2 {
				t.Fatalf("%s %s: %v %v", method, path, resp, err)
			}
			resp.Body.Close()
		}
		want := scenario.StateFailed
		if appSyncs { // the app's doing: new money, then a sync
			call("POST", "/sandbox/customers/"+ids.Customers["adam"].ID+"/transactions", `{"type":"credit","amount":50000}`)
			call("POST", "/sandbox/clock", `{"advance":"2m"}`)
			call("POST", "/accounts/"+ids.Accounts["adam"].ID+"/sync", "")
			want = scenario.StatePassed
		} else {
			call("POST", "/sandbox/clock", `{"advance":"6m"}`) // past the step's 5 minutes
		}
		for deadline := time.Now().Add(10 * time.Second); ; {
			req, _ := http.NewRequest("GET", api+"/sandbox/scenario", nil)
			req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var v struct{ Steps []struct{ State string } }
			err = json.NewDecoder(resp.Body).Decode(&v)
			resp.Body.Close()
			if err != nil || len(v.Steps) != 3 {
				t.Fatalf("GET /sandbox/scenario: %v %+v", err, v)
			}
			if st := v.Steps[2].State; st == want {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("app syncs %v: step 3 is %s, never %s", appSyncs, st, want)
			}
			time.Sleep(5 * time.Millisecond) // the outbox delivers in real time
		}
		ok := m.Serving.Stop()
		var out bytes.Buffer
		m.Serving.Verdicts(&out)
		if ok != appSyncs {
			t.Errorf("app syncs %v: the webhook step passed %v:\n%s", appSyncs, ok, out.String())
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// openServed opens a Main serving the scenario src, written to a file of its own, up
// to its serve: step (the caller starts the rest and closes it).
func openServed(t *testing.T, src string) (*Main, *scenario.Scenario) {
	t.Helper()
	dir := t.TempDir()
	s, err := scenario.Parse(filepath.Join(dir, "s.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(Options{DB: filepath.Join(dir, "world.db"), Addr: "127.0.0.1:0", Scenario: s})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m, s
}
