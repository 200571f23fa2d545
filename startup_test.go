package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// A first run that fails — here because the port is taken — leaves no database
// behind, so that the next start builds the demo world instead of an empty one.
func TestFailedFirstRunLeavesNothing(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	db := filepath.Join(t.TempDir(), "sandbank.db")
	m := NewMain(Options{DB: db, Addr: busy.Addr().String(), Seed: 2021, Start: mainStart})
	err = m.Open(context.Background())
	// It says the port is in use, and the way on.
	if msg := engine.ErrorMessageOrText(err); err == nil || !strings.Contains(msg, "cannot listen on "+busy.Addr().String()+": the port is in use") ||
		!strings.Contains(msg, "127.0.0.1:0 for any free one") {
		t.Fatalf("Open on a busy port = %q", msg)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("a failed first run left %s behind (%v)", db, err)
	}

	m = NewMain(Options{DB: db, Addr: "127.0.0.1:0", Seed: 2021, Start: mainStart})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	accounts, err := m.Engine.Accounts(context.Background())
	if err != nil || len(accounts) != 3 || !m.FirstRun {
		t.Fatalf("the next start: first run %v, %d demo accounts (%v); want a first run with 3", m.FirstRun, len(accounts), err)
	}
}

// A request still running when the grace period of a shutdown ends (a sync against
// a bank that answers slowly) has its sync cancelled and answers 503, not 500; the
// shutdown itself succeeds and the file reopens.
func TestShutdownCancelsSlowRequests(t *testing.T) {
	defer func(g time.Duration) { ShutdownGrace = g }(ShutdownGrace)
	ShutdownGrace = 100 * time.Millisecond
	db := filepath.Join(t.TempDir(), "sandbank.db")
	m := openMain(t, db, nil)
	ctx := context.Background()
	on := true
	if _, err := m.Engine.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	c, err := m.Bank.AddCustomer(simulator.NewCustomer{Institution: "044", Balance: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	acct := connectCustomer(t, m, c)
	if err := m.Bank.SetLatency("044", time.Minute); err != nil { // far longer than the grace
		t.Fatal(err)
	}
	notes, stop := m.Engine.Subscribe(64)
	defer stop()
	client := &http.Client{}
	type answer struct {
		status int
		body   map[string]any
	}
	done := make(chan answer, 1)
	go func() {
		status, body := call(t, client, http.MethodPost, "http://"+m.Addr()+"/accounts/"+acct+"/sync", nil, nil)
		done <- answer{status, body}
	}()
	for n := range notes {
		if n.Kind == engine.NoticeSyncStarted {
			break
		}
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close = %v, want a clean shutdown", err)
	}
	select {
	case a := <-done:
		if a.status != http.StatusServiceUnavailable || a.body["code"] != "SHUTTING_DOWN" {
			t.Fatalf("the cancelled sync answered %d %v, want 503 SHUTTING_DOWN", a.status, a.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight never answered")
	}
	m2 := openMain(t, db, nil)
	if err := m2.Close(); err != nil {
		t.Fatal(err)
	}
}

// connectCustomer connects a customer without MFA through the engine's widget.
func connectCustomer(t *testing.T, m *Main, c simulator.Customer) string {
	t.Helper()
	ctx := context.Background()
	st, err := m.Engine.OpenWidget(ctx, engine.WidgetRequest{Institution: c.Accounts[0].Institution.Code})
	if err == nil {
		st, err = m.Engine.WidgetLogin(ctx, st.Session, c.Username, c.Password)
	}
	if err != nil || st.Code == "" {
		t.Fatalf("connect: %+v %v", st, err)
	}
	a, err := m.Engine.ExchangeCode(ctx, st.Code)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// The first run answers HTTP only once the demo world is complete: a script that
// calls the moment the port opens sees all three demo accounts, and an account it
// connects never takes a demo account's ID (the same seed gives the same IDs).
func TestFirstRunAnswersOnlyAfterTheDemo(t *testing.T) {
	// The port is taken here and handed to Main, not closed for Main to take again:
	// in between, another test's server could be handed it (go test ./... runs
	// packages side by side), and this script would call that server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() }) // should the test stop before Main takes it (closed twice is harmless)
	addr := ln.Addr().String()
	const key = "test_sk_firstrun0123456789"
	seen := make(chan int, 1)
	done := make(chan struct{}) // the test ended: the script stops, and calls no other server the port goes to
	t.Cleanup(func() { close(done) })
	go func() { // the impatient script: it calls as soon as anything listens
		client := &http.Client{Timeout: 30 * time.Second}
		for {
			req, _ := http.NewRequest("GET", "http://"+addr+"/sandbox/accounts", nil)
			req.Header.Set("mono-sec-key", key)
			resp, err := client.Do(req)
			if err != nil {
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond): // nothing listens yet: try again
				}
				continue
			}
			var body struct{ Data []any }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			seen <- len(body.Data)
			return
		}
	}()
	m := NewMain(Options{DB: filepath.Join(t.TempDir(), "sandbank.db"), Listener: ln, Seed: 2021, Start: mainStart, SecretKey: key})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if n := <-seen; n != 3 {
		t.Fatalf("the first answer listed %d connected accounts; want the demo's 3", n)
	}
}
