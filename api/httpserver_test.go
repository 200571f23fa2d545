//go:build linux || darwin

package api

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The server's connection limits, tested on a real process: the server runs in a
// child (the test binary again, see TestMain) with few descriptors, as a process
// that thousands of idle connections would exhaust.

const serverChildEnv = "SANDBANK_API_TEST_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(serverChildEnv) != "" {
		os.Exit(serverChild())
	}
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}

// childFiles is the child's descriptor limit; its connection cap is well below it.
const childFiles = 256

// serverChild serves a trivial handler through NewHTTPServer and prints its address.
func serverChild() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	lim.Cur = childFiles
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	maxConns = childFiles / 2
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}), slog.New(slog.DiscardHandler))
	fmt.Println(ln.Addr())
	_ = srv.Serve(ln)
	return 0
}

// Thousands of idle connections — some that never send a request, some kept alive
// between requests — do not keep a normal request from answering promptly.
func TestIdleConnectionsDoNotStarveRequests(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverChildEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the server process printed no address: %v", err)
	}
	addr := strings.TrimSpace(line)

	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	// Keep-alive connections left idle after a request each.
	for range childFiles / 4 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("a keep-alive request: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// Connections that never send anything, four times what the process can hold.
	for range 4 * childFiles {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 3 {
		start := time.Now()
		resp, err := client.Get("http://" + addr + "/")
		if err != nil {
			t.Fatalf("request %d among %d idle connections: %v", i+1, len(conns), err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
			t.Fatalf("request %d = %d %s", i+1, resp.StatusCode, body)
		}
		t.Logf("request %d answered in %v among %d idle connections", i+1, time.Since(start).Round(time.Millisecond), len(conns))
	}
}

// A sync against the slowest bank the simulator allows must still answer: the
// server's deadlines cover five bank calls at the latency cap.
func TestServerDeadlinesCoverTheSlowestSync(t *testing.T) {
	srv := NewHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	for name, d := range map[string]time.Duration{"ReadTimeout": srv.ReadTimeout, "WriteTimeout": srv.WriteTimeout} {
		if d < 5*time.Minute {
			t.Errorf("%s = %v: a sync of five bank calls at the 1m latency cap would be cut", name, d)
		}
	}
	if srv.IdleTimeout <= 0 || srv.IdleTimeout > 2*time.Minute || srv.ReadHeaderTimeout <= 0 {
		t.Errorf("IdleTimeout %v, ReadHeaderTimeout %v: idle connections must close", srv.IdleTimeout, srv.ReadHeaderTimeout)
	}
}

// A request its client gave up on before any answer is logged as such: it was
// logged as 200, for a sync or a settings change that never happened (a new
// user's trial).
func TestRequestLogSaysClientGone(t *testing.T) {
	logs := &syncBuffer{}
	s := &Server{log: slog.New(slog.NewTextHandler(logs, nil))}
	arrived, done := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("POST /slow", s.logged(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done() // the work outlasts the client's patience
	})))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		mux.ServeHTTP(w, r)
	}))
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/slow", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the request was answered")
	}
	<-done
	if line := logs.String(); !strings.Contains(line, `route="POST /slow" status="client gone"`) {
		t.Fatalf("the log says %s", line)
	}
}

// A clock jump answers however long its syncs take: the server's deadline for a
// request cut off the answer of a day's jump over a slow bank (16 minutes; the
// deadline is six), and the client got an empty reply (a new user's trial). Here
// the deadline is 500 ms — room for the setup's requests on a busy machine — and
// the jump's sync waits a bank of 300 ms a call, several calls.
func TestSlowJumpIsAnswered(t *testing.T) {
	was := slowestRequest
	slowestRequest = 500 * time.Millisecond
	defer func() { slowestRequest = was }()
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"auto_sync": "6h"}})
	c := w.addCustomer(map[string]any{"institution": "044", "balance": "NGN 1,000"})
	w.connect(c)
	w.must(http.StatusOK, "POST", "/sandbox/institutions/044/latency", req{body: map[string]any{"latency": "300ms"}})
	start := time.Now()
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: map[string]any{"advance": "6h"}})
	var list struct {
		Data []struct {
			LastSyncedAt string `json:"last_synced_at"`
		}
	}
	w.must(http.StatusOK, "GET", "/sandbox/accounts", req{}).decode(t, &list)
	// Connected at 13:00 WAT (12:00 UTC): the jump's automatic sync ran at 18:00 UTC.
	if took := time.Since(start); took < slowestRequest || len(list.Data) != 1 || list.Data[0].LastSyncedAt != "2021-08-20T18:00:00.000Z" {
		t.Fatalf("the jump took %s (its sync waits the bank); the accounts: %+v", took, list.Data)
	}
}

// A wrong method on a route is logged as that, not as "no route": PATCH
// /sandbox/clock read as a path sandbank does not have (a trial).
func TestRequestLogTellsAWrongMethodFromNoRoute(t *testing.T) {
	logs := &syncBuffer{}
	s := &Server{log: slog.New(slog.NewTextHandler(logs, nil))}
	mux := http.NewServeMux()
	mux.Handle("GET /clock", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	ts := httptest.NewServer(s.logged(mux))
	defer ts.Close()
	for _, c := range []struct{ method, path string }{{"PATCH", "/clock"}, {"GET", "/nope"}} {
		req, _ := http.NewRequest(c.method, ts.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, want := range []string{`route="PATCH (method not allowed)" status=405`, `route="GET (no route)" status=404`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log says %s; want %s", logs.String(), want)
		}
	}
}
