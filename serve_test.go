package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
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
	m.StartServing(context.Background())

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
	if !strings.Contains(msg, "the app did not call POST /accounts/"+ids.Accounts["adam"].ID+"/unlink from 2021-08-20T12:02:00Z within 5m; it called: ") {
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
		m.StartServing(context.Background())
		printServing(m, s, "", &out)
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
		m.StartServing(context.Background())
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

// startServed starts the steps after serve: and the port of an opened served
// scenario; the test's end stops them and closes it.
func startServed(t *testing.T, m *Main) {
	t.Helper()
	t.Cleanup(func() { _ = m.Close() })
	m.StartServing(context.Background())
	t.Cleanup(func() { m.Serving.Stop() }) // before Close: cleanups run last first
}

// servedAPI calls a served scenario's API as the app under test does, with the
// scenario's secret key, and decodes the JSON answer.
func servedAPI(t *testing.T, m *Main, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://"+m.Addr()+path, rd)
	req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s = %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

type servedStep struct {
	State, Message, At string
	AtPlanned          string `json:"at_planned"`
}

// servedSteps polls GET /sandbox/scenario until done says the steps are as wanted
// (the steps run on their own goroutine, in real time), and returns them.
func servedSteps(t *testing.T, m *Main, done func([]servedStep) bool) []servedStep {
	t.Helper()
	var v struct {
		Phase string
		Steps []servedStep
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		_, out := servedAPI(t, m, "GET", "/sandbox/scenario", nil)
		b, _ := json.Marshal(out)
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		if done(v.Steps) {
			return v.Steps
		}
		if time.Now().After(deadline) {
			t.Fatalf("the served steps never got there: %+v", v.Steps)
		}
		time.Sleep(5 * time.Millisecond) // polling a goroutine's progress, not waiting out time
	}
}

func settled(n ...int) func([]servedStep) bool {
	return func(steps []servedStep) bool {
		for _, i := range n {
			if s := steps[i-1].State; s != scenario.StatePassed && s != scenario.StateFailed {
				return false
			}
		}
		return true
	}
}

// A step's at: inside one long jump of the app's: it runs at that instant, not at
// the jump's end — the debit it posts is dated then, and the steps after it without
// an at: run at the same instant (a trial's password change landed at the end of a
// 3-day jump, after the syncs it was meant to break).
func TestServedAtStepRunsInsideAJump(t *testing.T) {
	m, _ := openServed(t, "scenario: at inside a jump\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
		"  - serve: {clock: paused}\n"+
		"  - bank: adam\n    debit: NGN 500\n    narration: AT STEP DEBIT\n    at: +1d\n"+
		"  - bank: adam\n    credit: NGN 200\n    narration: RIGHT AFTER\n")
	startServed(t, m)
	if code, out := servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "3d"}); code != 200 {
		t.Fatalf("advance: %d %v", code, out)
	}
	steps := servedSteps(t, m, settled(3, 4))
	want := "2026-03-03T09:00:00Z"
	for _, n := range []int{3, 4} {
		if s := steps[n-1]; s.State != scenario.StatePassed || s.At != want {
			t.Errorf("step %d: %s at %s (%s); want passed at %s", n, s.State, s.At, s.Message, want)
		}
	}
	acct := m.Serving.AccountID("adam")
	if code, out := servedAPI(t, m, "POST", "/accounts/"+acct+"/sync", nil); code != 200 {
		t.Fatalf("sync: %d %v", code, out)
	}
	_, out := servedAPI(t, m, "GET", "/accounts/"+acct+"/transactions", nil)
	dates := map[string]string{}
	for _, tx := range out["data"].([]any) {
		tx := tx.(map[string]any)
		dates[tx["narration"].(string)] = tx["date"].(string)
	}
	for _, n := range []string{"AT STEP DEBIT", "RIGHT AFTER"} {
		if d, _ := time.Parse(time.RFC3339, dates[n]); !d.Equal(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("%s dated %q; want the step's at:, %s (all: %v)", n, dates[n], want, dates)
		}
	}
}

// A step that waits for the app does not hold back the next step's at:; and
// expect_call: counts only calls made from its start — an earlier one does not
// stand for it, and its failure says the earlier one did not count.
func TestServedWaitingStepAndLaterAt(t *testing.T) {
	m, _ := openServed(t, "scenario: waiting\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
		"  - serve: {clock: paused}\n"+
		"  - expect_call: GET /accounts/{adam}\n    within: 1d\n"+
		"  - bank: adam\n    debit: NGN 700\n    narration: ON TIME\n    at: +1h\n"+
		"  - expect_call: POST /accounts/{adam}/sync\n    at: +3h\n    within: 10m\n")
	startServed(t, m)
	acct := m.Serving.AccountID("adam")
	servedAPI(t, m, "POST", "/accounts/"+acct+"/sync", nil) // before step 5's window
	servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "2h"})
	steps := servedSteps(t, m, settled(4))
	if s := steps[3]; s.State != scenario.StatePassed || s.At != "2026-03-02T10:00:00Z" {
		t.Errorf("step 4 %s at %s while step 3 waits; want passed at 10:00 (%s)", s.State, s.At, s.Message)
	}
	if s := steps[2].State; s != scenario.StateWaiting {
		t.Errorf("step 3 is %s; want still waiting for the app's GET", s)
	}
	servedAPI(t, m, "GET", "/accounts/"+acct, nil)
	servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "2h"})
	steps = servedSteps(t, m, settled(3, 5))
	if s := steps[2]; s.State != scenario.StatePassed {
		t.Errorf("step 3 %s: %s; want passed", s.State, s.Message)
	}
	if s := steps[4]; s.State != scenario.StateFailed || !strings.Contains(s.Message, "calls before 2026-03-02T12:00:00Z, which do not count") {
		t.Errorf("step 5 %s: %q; want failed, saying the sync before its window did not count", s.State, s.Message)
	}
}

// The port of a served scenario answers only once its steps after serve: run: an
// impatient script's first answer already says "serving".
func TestServedPortAnswersWhenServing(t *testing.T) {
	// The port is taken here and handed to Main, not closed for Main to take again:
	// in between, another test's server could be handed it (go test ./... runs
	// packages side by side), and this script would call that server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() }) // should the test stop before Main takes it (closed twice is harmless)
	addr := ln.Addr().String()
	seen := make(chan string, 1)
	done := make(chan struct{}) // the test ended: the script stops, and calls no other server the port goes to
	t.Cleanup(func() { close(done) })
	go func() {
		client := &http.Client{Timeout: 30 * time.Second}
		for {
			req, _ := http.NewRequest("GET", "http://"+addr+"/sandbox/scenario", nil)
			req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
			resp, err := client.Do(req)
			if err != nil {
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond): // nothing listens yet: try again
				}
				continue
			}
			var v struct{ Phase string }
			_ = json.NewDecoder(resp.Body).Decode(&v)
			resp.Body.Close()
			seen <- v.Phase
			return
		}
	}()
	dir := t.TempDir()
	s, err := scenario.Parse(filepath.Join(dir, "s.yaml"), []byte("scenario: ready\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve:\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(Options{DB: filepath.Join(dir, "world.db"), Listener: ln, Scenario: s})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	startServed(t, m)
	if phase := <-seen; phase != "serving" && phase != "done" {
		t.Fatalf("the first answer said phase %q; want serving", phase)
	}
}

// A webhook step whose within: ends inside one long jump counts the events made by
// its deadline, delivered when the jump ends.
func TestServedWebhookStepAcrossAJump(t *testing.T) {
	for _, c := range []struct {
		within string
		want   string
	}{{"1d", scenario.StatePassed}, {"10h", scenario.StateFailed}} {
		t.Run(c.within, func(t *testing.T) {
			m, _ := openServed(t, "scenario: across\nstart: 2026-03-02T09:00:00Z\nsettings: {auto_sync: 24h}\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
				"  - serve: {clock: paused}\n"+
				"  - bank: adam\n    credit: NGN 900\n    at: +1h\n"+
				"  - webhook: account_updated\n    account: adam\n    within: "+c.within+"\n")
			startServed(t, m)
			servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "5d"})
			steps := servedSteps(t, m, settled(4))
			if s := steps[3]; s.State != c.want {
				t.Errorf("webhook step within %s: %s (%s); want %s", c.within, s.State, s.Message, c.want)
			}
			// A miss says when its window ended, not a bare "got none" as if
			// nothing had been sent (a QA trial).
			if s := steps[3]; c.want == scenario.StateFailed && !strings.Contains(s.Message, "got none of an event made by 2026-03-02T20:00:00Z (virtual), the end of the step's window (within: 10h; one made later does not count)") {
				t.Errorf("the missed webhook step says %q; want the end of its window", s.Message)
			}
		})
	}
}

// A served webhook: step counts only events made in its window: the webhook of
// the app's own sync two hours before an outage does not pass (or fail) the step
// that waits for the outage's (a trial's false pass and false failure).
func TestServedWebhookStepWindowStarts(t *testing.T) {
	m, _ := openServed(t, "scenario: window\nstart: 2026-11-02T09:00:00Z\nsettings: {webhook_format: v2}\ncustomers:\n  a: {institution: \"044\", balance: NGN 1000}\nsteps:\n  - connect: a\n"+
		"  - serve: {clock: paused}\n"+
		"  - outage: a\n    for: 15m\n    at: +1h\n"+
		"  - webhook: account_updated\n    account: a\n    within: 30m\n    expect: {data.meta.sync_status: FAILED}\n")
	raw, err := m.Serving.IDs("http://" + m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	var ids struct {
		Accounts map[string]struct{ ID string }
	}
	if err := json.Unmarshal(raw, &ids); err != nil {
		t.Fatal(err)
	}
	startServed(t, m)
	realtime := func() string {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+m.Addr()+"/v2/accounts/"+ids.Accounts["a"].ID+"/balance", nil)
		req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
		req.Header.Set("x-realtime", "true")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("x-job-status")
	}
	// 09:00: the app's read; its account_updated (SUCCESSFUL) is delivered.
	if st := realtime(); st != "finished" {
		t.Fatalf("the first real-time read: x-job-status %q", st)
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		_, out := servedAPI(t, m, "GET", "/sandbox/webhooks", nil)
		b, _ := json.Marshal(out["data"])
		if strings.Contains(string(b), `"status":"delivered"`) && strings.Contains(string(b), "account_updated") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the 09:00 webhook was never delivered: %s", b)
		}
		time.Sleep(5 * time.Millisecond) // the outbox delivers in real time
	}
	servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "1h"}) // the outage, at 10:00
	servedSteps(t, m, settled(3))
	if st := realtime(); st != "failed" {
		t.Fatalf("the read in the outage: x-job-status %q", st)
	}
	steps := servedSteps(t, m, settled(4))
	if s := steps[3]; s.State != scenario.StatePassed {
		t.Errorf("the webhook step: %s (%s); want passed on the outage's FAILED", s.State, s.Message)
	}
}

// On the running clock, what a waiting step matched is where the next step's
// window starts: the webhook of the very sync an expect_call: matched (made inside
// the request, before the step noticed it), and the app's read right after the
// sync whose webhook a webhook: step matched, both count (a review: both waited
// until the end, on the default clock).
func TestServedWindowsStartAtWhatWasMatched(t *testing.T) {
	for _, c := range []struct{ name, steps string }{
		{"call then its webhook", "  - expect_call: POST /accounts/{adam}/sync\n  - webhook: account_updated\n    account: adam\n"},
		{"webhook then the read after it", "  - webhook: account_updated\n    account: adam\n  - expect_call: GET /accounts/{adam}\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, _ := openServed(t, "scenario: windows\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
				"  - bank: adam\n    debit: NGN 500\n  - serve:\n"+c.steps)
			startServed(t, m)
			acct := m.Serving.AccountID("adam")
			if code, out := servedAPI(t, m, "POST", "/accounts/"+acct+"/sync", nil); code != 200 || out["hasNewData"] != true {
				t.Fatalf("sync: %d %v", code, out)
			}
			servedAPI(t, m, "GET", "/accounts/"+acct, nil)
			steps := servedSteps(t, m, settled(4, 5))
			for _, s := range steps[3:] {
				if s.State != scenario.StatePassed {
					t.Errorf("%+v; want both steps passed", steps[3:])
				}
			}
		})
	}
}

// A served webhooks: [] waits out its window: it fails on a webhook that comes in
// it, and passes once the window closes with none — not at once, before the app
// did anything (a review).
func TestServedNoWebhooksWaitsOutItsWindow(t *testing.T) {
	for _, syncs := range []bool{true, false} {
		m, _ := openServed(t, "scenario: none\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
			"  - bank: adam\n    debit: NGN 500\n  - serve: {clock: paused}\n  - webhooks: []\n    account: adam\n    within: 1h\n")
		startServed(t, m)
		if s := servedSteps(t, m, func(s []servedStep) bool {
			return s[3].State != scenario.StatePending && s[3].State != scenario.StateRunning
		})[3]; s.State != scenario.StateWaiting {
			t.Fatalf("before the app did anything: %+v; want waiting", s)
		}
		want := scenario.StatePassed
		if syncs { // new money at the bank: the sync's account_updated comes in the window
			servedAPI(t, m, "POST", "/accounts/"+m.Serving.AccountID("adam")+"/sync", nil)
			want = scenario.StateFailed
		}
		servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "2h"})
		if s := servedSteps(t, m, settled(4))[3]; s.State != want {
			t.Errorf("app syncs %v: %+v; want %s", syncs, s, want)
		}
		m.Serving.Stop()
		_ = m.Close()
	}
}

// A step with an at: runs on time behind a waiting step and a plain one after it:
// inside the app's jump, not once the waiting step is done (a review: it waited
// for both, and a change meant for +1h landed after the syncs it was to break).
func TestServedAtBehindAWaitingAndAPlainStep(t *testing.T) {
	m, _ := openServed(t, "scenario: held\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
		"  - serve: {clock: paused}\n"+
		"  - expect_call: GET /accounts/{adam}\n    within: 1d\n"+
		"  - bank: adam\n    credit: NGN 100\n"+
		"  - bank: adam\n    debit: NGN 500\n    at: +1h\n")
	startServed(t, m)
	servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "2h"})
	steps := servedSteps(t, m, settled(5))
	if s := steps[4]; s.State != scenario.StatePassed || s.At != "2026-03-02T10:00:00Z" {
		t.Errorf("the at: +1h step: %+v; want passed at 10:00, inside the app's jump", s)
	}
	if steps[2].State != scenario.StateWaiting || steps[3].State != scenario.StatePending {
		t.Errorf("the waiting step and the plain one after it: %+v; want waiting and pending", steps[2:4])
	}
	servedAPI(t, m, "GET", "/accounts/"+m.Serving.AccountID("adam"), nil)
	if steps := servedSteps(t, m, settled(3, 4)); steps[2].State != scenario.StatePassed || steps[3].State != scenario.StatePassed {
		t.Errorf("after the app's call: %+v; want both passed", steps[2:4])
	}
}

// Stopping sandbank while a step of the scenario's own runs (a sync: over a slow
// bank) leaves that step not run: stopping is not the app's doing (it failed with
// "reading the webhook outbox: internal error", exit status 1).
func TestServedStopDuringAStepOfItsOwn(t *testing.T) {
	m, _ := openServed(t, "scenario: stopped\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
		"  - latency: adam\n    delay: 1s\n  - serve: {clock: paused}\n  - sync: adam\n    at: +1m\n")
	t.Cleanup(func() { _ = m.Close() })
	m.StartServing(context.Background())
	// The app moves the clock to the step's at: (the call waits while the step,
	// which holds the clock there, runs; the stop ends it).
	go func() {
		req, _ := http.NewRequest("POST", "http://"+m.Addr()+"/sandbox/clock", strings.NewReader(`{"advance":"1m"}`))
		req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	servedSteps(t, m, func(s []servedStep) bool { return s[3].State == scenario.StateRunning })
	if !m.Serving.Stop() {
		var out bytes.Buffer
		m.Serving.Verdicts(&out)
		t.Errorf("stopped during the scenario's own sync: a step failed:\n%s", out.String())
	}
}

// A waiting step followed by an advance: and then an at: keeps them in order —
// split onto a goroutine, the advance waited for the clock the at: held, and the
// at: for the lock the advance held (a review).
func TestServedWaitingStepThenAdvanceThenAt(t *testing.T) {
	m, _ := openServed(t, "scenario: dl\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
		"  - serve: {clock: paused}\n  - expect_call: GET /accounts/{adam}\n    within: 1d\n  - advance: 1h\n  - bank: adam\n    debit: NGN 500\n    at: +3h\n")
	startServed(t, m)
	servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "150m"})
	servedAPI(t, m, "GET", "/accounts/"+m.Serving.AccountID("adam"), nil)
	for _, s := range servedSteps(t, m, settled(3, 4, 5))[2:] {
		if s.State != scenario.StatePassed {
			t.Errorf("%+v; want every step passed", s)
		}
	}
}

// The README's ids.json is what serve writes for its example: it went stale once
// when the bank's generation changed (another password and account number).
func TestReadmeIDsExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "For a customer `tola` connected before")
	start := strings.Index(text[max(i, 0):], "```json\n")
	if i < 0 || start < 0 {
		t.Fatal("the README's ids.json example is gone")
	}
	block := text[i+start+len("```json\n"):]
	block = block[:strings.Index(block, "```")]
	m, _ := openServed(t, "scenario: ids example\ncustomers:\n  tola: {institution: \"044\"}\nsteps:\n  - connect: tola\n  - serve:\n")
	defer m.Close()
	raw, err := m.Serving.IDs("http://127.0.0.1:7070")
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	if err := json.Unmarshal([]byte(block), &want); err != nil {
		t.Fatalf("the README's example is not JSON (%v):\n%s", err, block)
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	got["file"] = want["file"] // the test's file is s.yaml
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("the README's ids.json:\n%s\nserve writes:\n%s", block, raw)
	}
}

// An expect_call: without expect: needs the app's call to have succeeded, as every
// step without expect: does: a call refused with 401 (a wrong key) or 404 passed (a
// QA engineer's trial). With expect:, a refusal can be the point.
func TestServedCallWithoutExpectMustSucceed(t *testing.T) {
	m, _ := openServed(t, "scenario: refused calls\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
		"  - serve: {clock: paused}\n"+
		"  - expect_call: POST /accounts/{adam}/sync\n"+
		"  - expect_call: GET /accounts/nope\n"+
		"  - expect_call: GET /accounts/{adam}/identity\n    expect: {http: 401}\n")
	startServed(t, m)
	acct := m.Serving.AccountID("adam")
	call := func(method, path string) {
		req, _ := http.NewRequest(method, "http://"+m.Addr()+path, nil)
		req.Header.Set("mono-sec-key", "test_sk_not_the_right_one")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	call("POST", "/accounts/"+acct+"/sync")
	call("GET", "/accounts/nope")
	call("GET", "/accounts/"+acct+"/identity")
	steps := servedSteps(t, m, settled(3, 4, 5))
	if s := steps[2]; s.State != scenario.StateFailed || !strings.Contains(s.Message, "which answered 401") || !strings.Contains(s.Message, "expect: {http: 401}") {
		t.Errorf("step 3, a sync refused 401: %s %q; want failed, saying so and how to expect it", s.State, s.Message)
	}
	if s := steps[3]; s.State != scenario.StateFailed || !strings.Contains(s.Message, "which answered 4") {
		t.Errorf("step 4, an account that is not there: %s %q; want failed on its answer", s.State, s.Message)
	}
	if s := steps[4]; s.State != scenario.StatePassed {
		t.Errorf("step 5, a 401 expected: %s %q; want passed", s.State, s.Message)
	}
}

// GET /sandbox/scenario gives the names and their IDs as they stand now: an
// account a step after serve: connects, a value it saves, a password it changes
// — the --ids file is written once, at serve:, and an app's tests had no way to
// read them (a QA engineer's trial).
func TestServedStatusGivesTheIDsAsTheyStand(t *testing.T) {
	m, _ := openServed(t, "scenario: later ids\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\"}\n  bola: {institution: \"058\"}\nsteps:\n  - connect: adam\n"+
		"  - call: GET /accounts/{adam}/statement?period=last1months&output=pdf\n    save: {pdf: path}\n"+
		"  - serve: {clock: paused}\n"+
		"  - connect: bola\n    at: +1h\n"+
		"  - call: GET /accounts/{bola}\n    save: {bola_name: account.name}\n"+
		"  - bank: adam\n    password: n3w-Passw0rd\n")
	startServed(t, m)
	_, before := servedAPI(t, m, "GET", "/sandbox/scenario", nil)
	ids, _ := before["ids"].(map[string]any)
	accounts, _ := ids["accounts"].(map[string]any)
	if bola, _ := accounts["bola"].(map[string]any); bola == nil || bola["id"] != nil {
		t.Fatalf("before bola's connect: ids = %v; want bola listed without an id", ids)
	}
	servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "2h"})
	servedSteps(t, m, settled(4, 5, 6))
	_, after := servedAPI(t, m, "GET", "/sandbox/scenario", nil)
	ids, _ = after["ids"].(map[string]any)
	accounts, _ = ids["accounts"].(map[string]any)
	bola, _ := accounts["bola"].(map[string]any)
	saved, _ := ids["saved"].(map[string]any)
	customers, _ := ids["customers"].(map[string]any)
	adam, _ := customers["adam"].(map[string]any)
	if bola == nil || bola["id"] != m.Serving.AccountID("bola") || bola["id"] == "" {
		t.Errorf("after bola's connect: accounts = %v; want bola's id %s", accounts, m.Serving.AccountID("bola"))
	}
	if saved["bola_name"] == nil || saved["bola_name"] == "" {
		t.Errorf("saved = %v; want bola_name", saved)
	}
	// A link saved before serve: names the served address, which an app reaches,
	// not the host of the steps' own requests (a QA trial's app followed
	// http://sandbank.invalid/statements/…).
	if pdf, _ := saved["pdf"].(string); !strings.HasPrefix(pdf, "http://"+m.Addr()+"/statements/") {
		t.Errorf("saved pdf = %q; want the statement's path at the served address http://%s", pdf, m.Addr())
	}
	if adam["password"] != "n3w-Passw0rd" {
		t.Errorf("adam's password = %v; want the one step 6 set", adam["password"])
	}
}

// A long advance: right after serve: runs once the port answers, on the steps'
// goroutine, where a stop cuts it short: run before the port answered (as the
// steps that wait for nothing are), a SIGTERM 6 s into a 30-day jump waited out
// the whole of it (the review).
func TestServedLongAdvanceAfterServeDoesNotHoldThePort(t *testing.T) {
	m, _ := openServed(t, "scenario: long\nstart: 2026-03-02T09:00:00Z\nsettings: {auto_sync: 6h}\ncustomers:\n  adam: {institution: \"044\", balance: NGN 100000}\nsteps:\n  - connect: adam\n"+
		"  - latency: adam\n    delay: 1s\n  - serve: {clock: paused}\n  - advance: 30d\n")
	t.Cleanup(func() { _ = m.Close() })
	started := make(chan struct{})
	go func() {
		m.StartServing(context.Background())
		close(started)
	}()
	select {
	case <-started:
	case <-time.After(20 * time.Second): // the jump takes minutes against a bank 1 s away
		t.Fatal("StartServing ran the 30-day advance: before the port answers")
	}
	m.Serving.Cancel()
	m.Clock.HaltForGood()
	m.Serving.Stop()
}

// An expect_call: saves from the answer the app got, for the steps after it: a
// statement's job the app made, which a later call: reads (a QA trial could not
// name a job the app itself made). A save: of what the answer lacks fails, saying so.
func TestExpectCallSavesFromTheAppsAnswer(t *testing.T) {
	m, _ := openServed(t, "scenario: saved from the app\nstart: 2026-03-02T09:00:00Z\nsettings: {statement_build: 30s}\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n"+
		"  - serve: {clock: paused}\n"+
		"  - expect_call: GET /accounts/{adam}/statement\n    save: {job: id}\n"+
		"  - call: GET /accounts/{adam}/statement/jobs/{job}\n    expect: {status: BUILDING}\n"+
		"  - expect_call: GET /accounts/{adam}\n    save: {nothing: account.nope}\n")
	startServed(t, m)
	id := m.Serving.AccountID("adam")
	status, job := servedAPI(t, m, "GET", "/accounts/"+id+"/statement?period=last1months&output=pdf", nil)
	if status != http.StatusOK || job["id"] == nil {
		t.Fatalf("the app's statement call = %d %v", status, job)
	}
	servedAPI(t, m, "GET", "/accounts/"+id, nil)
	steps := servedSteps(t, m, settled(3, 4, 5))
	if s := steps[2]; s.State != scenario.StatePassed {
		t.Errorf("step 3, the app's statement call saved: %s %q; want passed", s.State, s.Message)
	}
	if s := steps[3]; s.State != scenario.StatePassed {
		t.Errorf("step 4, a call of the job the app made: %s %q; want passed", s.State, s.Message)
	}
	if s := steps[4]; s.State != scenario.StateFailed || !strings.Contains(s.Message, "save nothing: the answer the app got has no account.nope") {
		t.Errorf("step 5, a save of what the answer lacks: %s %q; want failed, saying so", s.State, s.Message)
	}
	if ids, _ := m.Serving.IDs("http://" + m.Addr()); !strings.Contains(string(ids), `"job": "`+job["id"].(string)+`"`) {
		t.Errorf("ids after the save: %s; want job %v", ids, job["id"])
	}
}

// A served webhook step that cannot look — its account was never connected — says
// that alone, not that its window ended (a review: the window's end was added to
// every failure).
func TestServedWebhookStepOfAnUnconnectedAccount(t *testing.T) {
	m, _ := openServed(t, "scenario: never\nstart: 2026-03-02T09:00:00Z\ncustomers:\n  adam: {institution: \"044\"}\n  ngozi: {institution: \"058\"}\nsteps:\n  - connect: adam\n"+
		"  - serve: {clock: paused}\n"+
		"  - webhook: account_updated\n    account: ngozi\n    within: 1h\n")
	startServed(t, m)
	servedAPI(t, m, "POST", "/sandbox/clock", map[string]any{"advance": "2h"})
	steps := servedSteps(t, m, settled(3))
	if s := steps[2]; s.State != scenario.StateFailed || !strings.Contains(s.Message, "account ngozi was never connected") || strings.Contains(s.Message, "window") {
		t.Errorf("the step of an account never connected: %s (%s); want it failed saying so, without its window", s.State, s.Message)
	}
}
