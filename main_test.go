package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Whole-program tests of `sandbank serve`: Main with its real listener, engine and
// database file, driven over loopback HTTP.

const mainSecretKey = "test_sk_main0123456789abcdef"

var mainStart = time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func openMain(t *testing.T, db string, log *lockedBuffer) *Main {
	t.Helper()
	opts := Options{DB: db, Addr: "127.0.0.1:0", Seed: 7, SecretKey: mainSecretKey, NoDemo: true, Start: mainStart}
	if log != nil {
		opts.Log = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	m := NewMain(opts)
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

// call sends a JSON request with the secret key and decodes a JSON answer.
func call(t *testing.T, c *http.Client, method, url string, body any, hdr map[string]string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("mono-sec-key", mainSecretKey)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s = %d, not JSON: %s", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func mustCall(t *testing.T, c *http.Client, status int, method, url string, body any) map[string]any {
	t.Helper()
	got, out := call(t, c, method, url, body, nil)
	if got != status {
		t.Fatalf("%s %s = %d, want %d: %v", method, url, got, status, out)
	}
	return out
}

// firstRead signals when the transport starts sending the body: with Expect:
// 100-continue that happens only once the server's handler reads it.
type firstRead struct {
	io.Reader
	once    sync.Once
	started chan struct{}
}

func (f *firstRead) Read(p []byte) (int, error) {
	f.once.Do(func() { close(f.started) })
	return f.Reader.Read(p)
}

// Close lets a request in flight finish, stops the engine and closes the file:
// the database opens again, as it was.
func TestServeGracefulShutdown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	m := openMain(t, db, nil)
	base := "http://" + m.Addr()
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	defer client.CloseIdleConnections()
	mustCall(t, client, 200, "POST", base+"/sandbox/clock", map[string]any{"paused": true})
	before := mustCall(t, client, 200, "GET", base+"/sandbox/clock", nil)["now"].(string)

	pr, pw := io.Pipe()
	body := &firstRead{Reader: pr, started: make(chan struct{})}
	req, _ := http.NewRequest("POST", base+"/sandbox/clock", body)
	req.Header.Set("mono-sec-key", mainSecretKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Expect", "100-continue")
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, b, err}
	}()
	select {
	case <-body.started: // the handler is reading the body: the request is in flight
	case <-time.After(10 * time.Second):
		t.Fatal("the server never asked for the body")
	}
	if _, err := pw.Write([]byte(`{"advance":`)); err != nil {
		t.Fatal(err)
	}

	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	// Wait (bounded) until the listener is closed: new connections are refused.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", m.Addr(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener is still open during Close")
		}
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	default:
	}
	if _, err := pw.Write([]byte(`"1h"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	a := <-answered
	if a.err != nil || a.status != 200 || !strings.Contains(string(a.body), `"now":"2021-08-20T`) {
		t.Fatalf("the in-flight request = %d %s (%v), want 200 with the clock", a.status, a.body, a.err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Close did not return")
	}

	// The file is closed and holds what the last request did.
	m2 := openMain(t, db, nil)
	defer m2.Close()
	if m2.FirstRun {
		t.Fatal("the reopened database looks new")
	}
	now := mustCall(t, client, 200, "GET", "http://"+m2.Addr()+"/sandbox/clock", nil)
	start, _ := time.Parse(time.RFC3339, before)
	if got, _ := time.Parse(time.RFC3339, now["now"].(string)); got.Sub(start) != time.Hour || now["paused"] != true {
		t.Fatalf("after a restart the clock is %v (paused %v), want %s + 1h, paused", now["now"], now["paused"], before)
	}
}

// Request logs name routes and statuses, never a secret: no keys, passwords, widget
// sessions, connect codes, reauth tokens, OTPs or statement IDs.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs lockedBuffer
	m := openMain(t, filepath.Join(t.TempDir(), "sandbank.db"), &logs)
	base := "http://" + m.Addr()
	c := &http.Client{}
	defer c.CloseIdleConnections()
	s := m.Engine.Settings()
	secrets := []string{mainSecretKey, s.PublicKey, "whsec_main_logs_0123456789", "Sup3rSecret!pw", "N3wer!Secret"}
	mustCall(t, c, 200, "POST", base+"/sandbox/clock", map[string]any{"paused": true})
	mustCall(t, c, 200, "PATCH", base+"/sandbox/settings", map[string]any{"data_sync_enabled": true,
		"webhook_url": base + "/sandbox/receiver", "webhook_secret": secrets[2]})
	cust := mustCall(t, c, 201, "POST", base+"/sandbox/customers", map[string]any{"institution": "058", "balance": 5000,
		"username": "logs.user", "password": secrets[3], "mfa": "otp"})
	custID := cust["id"].(string)
	open := func(body map[string]any) string {
		out := mustCall(t, c, 200, "POST", base+"/connect/sessions", body)
		secrets = append(secrets, out["session"].(string))
		return out["session"].(string)
	}
	otp := func() string {
		inbox := mustCall(t, c, 200, "GET", base+"/sandbox/customers/"+custID+"/inbox", nil)
		code := inbox["data"].([]any)[0].(map[string]any)["code"].(string)
		secrets = append(secrets, code)
		return code
	}
	sess := open(map[string]any{"key": s.PublicKey, "institution": "058"})
	mustCall(t, c, 200, "POST", base+"/connect/sessions/"+sess+"/login", map[string]any{"username": "logs.user", "password": secrets[3]})
	code := mustCall(t, c, 200, "POST", base+"/connect/sessions/"+sess+"/answer", map[string]any{"answer": otp()})["code"].(string)
	secrets = append(secrets, code)
	id := mustCall(t, c, 200, "POST", base+"/account/auth", map[string]any{"code": code})["id"].(string)
	// Failures echo secrets back to the caller; the log must not.
	call(t, c, "POST", base+"/account/auth", map[string]any{"code": code}, nil)
	call(t, c, "GET", base+"/accounts/"+id, nil, map[string]string{"mono-sec-key": "test_sk_wrong_but_logged?"})
	secrets = append(secrets, "test_sk_wrong_but_logged?")

	mustCall(t, c, 200, "POST", base+"/sandbox/customers/"+custID+"/password", map[string]any{"password": secrets[4]})
	mustCall(t, c, 200, "POST", base+"/sandbox/clock", map[string]any{"advance": "2m"})
	mustCall(t, c, 200, "POST", base+"/accounts/"+id+"/sync", nil)
	tok := mustCall(t, c, 200, "POST", base+"/accounts/"+id+"/reauthorise", nil)["token"].(string)
	secrets = append(secrets, tok)
	rs := open(map[string]any{"key": s.PublicKey, "reauth_token": tok})
	call(t, c, "POST", base+"/connect/sessions", map[string]any{"key": s.PublicKey, "reauth_token": tok}, nil)
	call(t, c, "POST", base+"/connect/sessions/"+rs+"/login", map[string]any{"username": "logs.user", "password": "wrong!pw1"}, nil)
	secrets = append(secrets, "wrong!pw1")
	mustCall(t, c, 200, "POST", base+"/connect/sessions/"+rs+"/login", map[string]any{"username": "logs.user", "password": secrets[4]})
	mustCall(t, c, 200, "POST", base+"/connect/sessions/"+rs+"/answer", map[string]any{"answer": otp()})
	job := mustCall(t, c, 200, "GET", base+"/accounts/"+id+"/statement?period=last1months&output=pdf", nil)["id"].(string)
	secrets = append(secrets, job)
	if resp, err := c.Get(base + "/statements/" + job + ".pdf"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PDF download: %v", err)
	} else {
		resp.Body.Close()
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	out := logs.String()
	for _, want := range []string{`route="POST /connect/sessions/{session}/login"`, `route="GET /statements/{file}"`, "status=401", "account=" + id} {
		if !strings.Contains(out, want) {
			t.Fatalf("the log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains the secret %q", secret)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// The first run builds its demo world through the API in process; the log says so
// in one line rather than a screen of requests the user never sent, and the user's
// own requests are logged as ever.
func TestFirstRunLogsTheDemoAsOneLine(t *testing.T) {
	var logs lockedBuffer
	m := NewMain(Options{DB: filepath.Join(t.TempDir(), "sandbank.db"), Addr: "127.0.0.1:0", Seed: DefaultSeed, SecretKey: mainSecretKey,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !m.FirstRun || len(mustCall(t, &http.Client{}, 200, "GET", "http://"+m.Addr()+"/sandbox/accounts", nil)["data"].([]any)) == 0 {
		t.Fatal("no demo world was built")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if n := strings.Count(out, "msg=request"); n != 1 || !strings.Contains(out, `route="GET /sandbox/accounts"`) || !strings.Contains(out, "the demo world is built") {
		t.Fatalf("want one request line (the test's own) and the demo's line, got %d request lines:\n%s", n, out)
	}
}

// A database whose webhook URL named its built-in receiver at an earlier port —
// each run with --addr 127.0.0.1:0 takes a new one — names the receiver's address of
// this run: every webhook failed at the old port. A URL where something listens stays.
func TestTheBuiltInReceiverFollowsTheAddress(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	open := func() *Main {
		m := NewMain(Options{DB: db, Addr: "127.0.0.1:0", Seed: DefaultSeed, SecretKey: mainSecretKey, Start: mainStart})
		if err := m.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m
	}
	url := func(m *Main) string {
		return mustCall(t, &http.Client{}, 200, "GET", "http://"+m.Addr()+"/sandbox/settings", nil)["webhook_url"].(string)
	}
	m := open()
	first := url(m)
	if first != m.ReceiverURL() {
		t.Fatalf("the demo's webhook URL is %s, want the built-in receiver %s", first, m.ReceiverURL())
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m = open()
	if m.ReceiverURL() == first {
		t.Skip("the second run took the same port")
	}
	if got := url(m); got != m.ReceiverURL() {
		t.Fatalf("after a restart on another port the webhook URL is %s, want this run's receiver %s", got, m.ReceiverURL())
	}
	// Something listens at the URL: another sandbank's receiver. It stays.
	other := NewMain(Options{DB: filepath.Join(t.TempDir(), "other.db"), Addr: "127.0.0.1:0", Seed: 7, SecretKey: mainSecretKey, NoDemo: true, Start: mainStart})
	if err := other.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	mustCall(t, &http.Client{}, 200, "PATCH", "http://"+m.Addr()+"/sandbox/settings", map[string]any{"webhook_url": other.ReceiverURL()})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m = open()
	defer m.Close()
	if got := url(m); got != other.ReceiverURL() {
		t.Fatalf("a URL where another sandbank listens became %s, want it kept: %s", got, other.ReceiverURL())
	}
}

// The command q prints to open the world again names the --db and --addr it ran
// with, when not the defaults: copied without --addr, it started on 7070.
func TestReopenCommandKeepsTheFlagsItRanWith(t *testing.T) {
	for _, tc := range []struct{ db, addr, want string }{
		{defaultDBPath(), DefaultAddr, "sandbank"},
		{"/tmp/x.db", DefaultAddr, "sandbank --db '/tmp/x.db'"},
		{defaultDBPath(), "127.0.0.1:7560", "sandbank --addr '127.0.0.1:7560'"},
		{"/tmp/it's.db", "127.0.0.1:0", `sandbank --db '/tmp/it'\''s.db' --addr '127.0.0.1:0'`},
	} {
		if got := reopenCommand(tc.db, tc.addr); got != tc.want {
			t.Errorf("reopenCommand(%q, %q) = %q; want %q", tc.db, tc.addr, got, tc.want)
		}
	}
}
