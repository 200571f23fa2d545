package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/store"
)

// Tests that stop a real sandbank process: SIGTERM, as `sandbank serve` gets it, and
// SIGKILL, a crash. The test binary runs itself as that process (see init).

const childEnv = "SANDBANK_TEST_CHILD"

// init, not TestMain (cli_test.go has that): the child never reaches the tests.
func init() {
	if os.Getenv(childEnv) == "serve" {
		os.Exit(serveChild(os.Getenv("SANDBANK_TEST_DB")))
	}
}

// serveChild is `sandbank serve` on db without the demo world: it prints its
// address, then serves until SIGTERM.
func serveChild(db string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	m := NewMain(Options{DB: db, Addr: "127.0.0.1:0", Seed: 7, SecretKey: mainSecretKey, NoDemo: true, Start: mainStart})
	if err := m.Open(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(m.Addr())
	<-ctx.Done()
	if err := m.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// sandbankProcess is a running serveChild.
type sandbankProcess struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

func startSandbank(t *testing.T, db string) *sandbankProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=serve", "SANDBANK_TEST_DB="+db)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &sandbankProcess{cmd: cmd, done: make(chan error, 1)}
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("the sandbank process printed no address: %v", err)
	}
	p.base = "http://" + strings.TrimSpace(addr)
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits, bounded, for the process to exit.
func (p *sandbankProcess) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbank process did not exit")
		return nil
	}
}

// heldReceiver is a webhook endpoint that, while holding, keeps each call waiting
// until it is released — or until the sender cuts it, which it notes.
type heldReceiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	holding bool
	release chan struct{}
	arrived chan http.Header // every call's headers, as it arrives
	cut     chan string      // event IDs of held calls the sender gave up
}

func newHeldReceiver(t *testing.T) *heldReceiver {
	r := &heldReceiver{arrived: make(chan http.Header, 64), cut: make(chan string, 64)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body) // read whole: the server then notices a cut connection
		r.arrived <- req.Header.Clone()
		r.mu.Lock()
		holding, release := r.holding, r.release
		r.mu.Unlock()
		if holding {
			select {
			case <-release:
			case <-req.Context().Done():
				r.cut <- req.Header.Get("mono-webhook-event-id")
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// hold makes the next calls wait; the returned function lets them answer 200.
func (r *heldReceiver) hold() (release func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.holding, r.release = true, make(chan struct{})
	ch := r.release
	return func() {
		r.mu.Lock()
		r.holding = false
		r.mu.Unlock()
		close(ch)
	}
}

func (r *heldReceiver) next(t *testing.T) http.Header {
	t.Helper()
	select {
	case h := <-r.arrived:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook arrived")
		return nil
	}
}

// SIGTERM lets a webhook attempt under way finish and records it; after a crash
// (SIGKILL) during an attempt, the repeat carries the next attempt number and the
// cut attempt is recorded.
func TestWebhookAttemptsAcrossStops(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	recv := newHeldReceiver(t)
	c := &http.Client{}
	defer c.CloseIdleConnections()

	p := startSandbank(t, db)
	mustCall(t, c, 200, "POST", p.base+"/sandbox/clock", map[string]any{"paused": true})
	settings := mustCall(t, c, 200, "PATCH", p.base+"/sandbox/settings", map[string]any{"data_sync_enabled": true,
		"webhook_url": recv.srv.URL + "/hooks"})
	cust := mustCall(t, c, 201, "POST", p.base+"/sandbox/customers", map[string]any{"institution": "044", "balance": 5000})
	release := recv.hold()
	sess := mustCall(t, c, 200, "POST", p.base+"/connect/sessions", map[string]any{"key": settings["public_key"], "institution": "044"})
	code := mustCall(t, c, 200, "POST", p.base+"/connect/sessions/"+sess["session"].(string)+"/login",
		map[string]any{"username": cust["username"], "password": cust["password"]})["code"].(string)
	mustCall(t, c, 200, "POST", p.base+"/account/auth", map[string]any{"code": code})
	first := recv.next(t) // account_connected, attempt 1, held
	c.CloseIdleConnections()

	// SIGTERM while the receiver holds the attempt.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for { // the HTTP server has shut down: the engine is closing next
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.base, "http://"), time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener is still open after SIGTERM")
		}
	}
	// Give the shutdown time to cut the attempt, if it would (proving an absence
	// takes some waiting), then let the receiver answer.
	select {
	case id := <-recv.cut:
		t.Fatalf("SIGTERM cut the webhook attempt of event %s under way", id)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	if err := p.wait(t); err != nil {
		t.Fatalf("sandbank exited with %v after SIGTERM", err)
	}
	ev := storedEvent(t, db, first.Get("mono-webhook-event-id"))
	if ev.Status != engine.DeliveryDelivered || len(ev.Attempts) != 1 || ev.Attempts[0].N != 1 || ev.Sending != nil {
		t.Fatalf("after SIGTERM the attempt under way is recorded as %s, attempts %+v, sending %+v; want delivered by attempt 1", ev.Status, ev.Attempts, ev.Sending)
	}

	// A crash while the next event's attempt is under way.
	release = recv.hold()
	p = startSandbank(t, db)
	second := recv.next(t)
	id := second.Get("mono-webhook-event-id")
	if second.Get("mono-webhook-attempt") != "1" || id == first.Get("mono-webhook-event-id") {
		t.Fatalf("after the restart the receiver got event %s attempt %s; want the next event's attempt 1", id, second.Get("mono-webhook-attempt"))
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = p.wait(t)
	release()

	p = startSandbank(t, db)
	again := recv.next(t)
	if again.Get("mono-webhook-event-id") != id || again.Get("mono-webhook-attempt") != "2" {
		t.Fatalf("after the crash the receiver got event %s attempt %s; want %s again as attempt 2",
			again.Get("mono-webhook-event-id"), again.Get("mono-webhook-attempt"), id)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(t); err != nil {
		t.Fatalf("sandbank exited with %v after SIGTERM", err)
	}
	ev = storedEvent(t, db, id)
	if ev.Status != engine.DeliveryDelivered || len(ev.Attempts) != 2 || ev.Attempts[0].Error == "" || ev.Attempts[1].N != 2 || ev.Attempts[1].Error != "" {
		t.Fatalf("after the crash the event is %s with attempts %+v; want the cut attempt 1 recorded as failed and attempt 2 delivered", ev.Status, ev.Attempts)
	}
}

func storedEvent(t *testing.T, path, id string) engine.Event {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ev engine.Event
	err = db.View(context.Background(), func(tx engine.Tx) error {
		var err error
		if ev, err = tx.Event(id); err != nil {
			return err
		}
		ev.Attempts, err = tx.Attempts(id, 0, 0)
		slices.Reverse(ev.Attempts) // oldest first
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// Quitting the TUI during a jump (one an app started over HTTP, say) cuts it short
// where it has got to and says so, rather than letting it run on for the HTTP
// grace on a blank screen; with no jump under way it says nothing.
func TestHaltJumpCutsAJumpShort(t *testing.T) {
	m := NewMain(Options{DB: filepath.Join(t.TempDir(), "w.db"), Addr: "127.0.0.1:0", Seed: 7, NoDemo: true, Start: mainStart})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var quiet strings.Builder
	if haltJump(m, &quiet, false); quiet.Len() != 0 {
		t.Fatalf("no jump under way, and it said %q", quiet.String())
	}
	m2 := NewMain(Options{DB: filepath.Join(t.TempDir(), "w2.db"), Addr: "127.0.0.1:0", Seed: 7, NoDemo: true, Start: mainStart})
	if err := m2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if err := m2.Clock.SetPaused(true); err != nil { // where it stops stays put
		t.Fatal(err)
	}
	in, proceed := make(chan struct{}), make(chan struct{})
	at := m2.Clock.Now().Add(time.Hour)
	m2.Clock.AfterFunc(at, func() { close(in); <-proceed }) // a timer's work under way
	jumped := make(chan error, 1)
	go func() { jumped <- m2.Clock.Advance(30 * 24 * time.Hour) }()
	<-in
	var said strings.Builder
	haltJump(m2, &said, false)
	close(proceed)
	err := <-jumped
	if e, ok := engine.AsError(err); !ok || e.Reason != "SHUTTING_DOWN" || !strings.Contains(said.String(), "stopping the clock jump under way") {
		t.Fatalf("a jump under way when the TUI quit: %v; said %q", err, said.String())
	}
	if now := m2.Clock.Now(); !now.Equal(at) {
		t.Fatalf("the clock went on to %s; want where the jump had got to, %s", now, at)
	}
	// It says where, and how far the jump was to go.
	if want := engine.TimeText(at) + ", 1h into the jump to " + engine.TimeText(at.Add(-time.Hour).Add(30*24*time.Hour)); !strings.Contains(said.String(), want) {
		t.Fatalf("said %q; want it to say %q", said.String(), want)
	}
	if !strings.Contains(said.String(), "503 SHUTTING_DOWN") {
		t.Fatalf("said %q; want it to tell of the caller's answer", said.String())
	}
}

// A jump the TUI itself started, cut short by quitting it, is told of to the one
// who quit: the line spoke of a caller's 503 SHUTTING_DOWN, which meant nothing
// to a TUI user (a presenter's trial).
func TestHaltJumpOfTheTUIsOwnSaysNo503(t *testing.T) {
	m := NewMain(Options{DB: filepath.Join(t.TempDir(), "w.db"), Addr: "127.0.0.1:0", Seed: 7, NoDemo: true, Start: mainStart})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Clock.SetPaused(true); err != nil {
		t.Fatal(err)
	}
	in, proceed := make(chan struct{}), make(chan struct{})
	m.Clock.AfterFunc(m.Clock.Now().Add(time.Hour), func() { close(in); <-proceed })
	jumped := make(chan error, 1)
	go func() { jumped <- m.Clock.Advance(30 * 24 * time.Hour) }()
	<-in
	var said strings.Builder
	haltJump(m, &said, true)
	close(proceed)
	<-jumped
	if s := said.String(); !strings.Contains(s, "stopping the clock jump you started where it has got to") || strings.Contains(s, "503") {
		t.Fatalf("said %q; want the jump told of as the user's own, without a 503", s)
	}
}
