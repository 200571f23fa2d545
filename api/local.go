package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"sandbank/engine"
)

// The built-in receiver (POST /sandbox/receiver) is sandbank's own webhook endpoint.
// Webhooks addressed to it are delivered in process, without a socket, so a world
// with no listener (a scenario run, a first run still building its demo) delivers
// them too. It can be told to misbehave — down, answering an error status, or slow —
// so delivery failures and retries can be shown on demand, from the sandbox routes,
// the TUI or a scenario step.

// ReceiverMode is how the built-in receiver answers.
type ReceiverMode struct {
	Down   bool          // no answer at all: the attempt fails as a refused connection
	Status int           // answer this status (0: 200 for a valid secret)
	Delay  time.Duration // answer this late: at or past the delivery timeout, the attempt times out
}

// Receiver modes, as the API names them.
const (
	ModeUp    = "up"
	ModeDown  = "down"
	ModeError = "error"
	ModeSlow  = "slow"
)

// Name is the mode in one word.
func (m ReceiverMode) Name() string {
	switch {
	case m.Down:
		return ModeDown
	case m.Status != 0:
		return ModeError
	case m.Delay > 0:
		return ModeSlow
	}
	return ModeUp
}

// MaxReceiverDelay bounds a slow receiver's delay: a delivery attempt gives up far
// earlier (10 s), so longer ones only differ in how long a real socket waits.
const MaxReceiverDelay = time.Hour

type receiverState struct {
	mu   sync.Mutex
	mode ReceiverMode
}

func (r *receiverState) get() ReceiverMode {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mode
}

func (r *receiverState) set(m ReceiverMode) {
	r.mu.Lock()
	r.mode = m
	r.mu.Unlock()
}

// Receiver returns the built-in receiver's mode.
func (s *Server) ReceiverMode() ReceiverMode { return s.rmode.get() }

// SetReceiverMode changes how the built-in receiver answers from now on.
func (s *Server) SetReceiverMode(m ReceiverMode) error {
	if m.Status != 0 && (m.Status < 300 || m.Status > 599) { // as the route takes it (parseReceiverMode)
		return engine.Invalid("status", "a status is between 300 and 599 (got %d): a 2xx is a delivery, and a 1xx no answer", m.Status)
	}
	if m.Delay < 0 || m.Delay > MaxReceiverDelay {
		return engine.Invalid("delay", "a delay is 0 to 1h (got %s)", engine.DurationText(m.Delay))
	}
	s.rmode.set(m)
	return nil
}

type receiverModeJSON struct {
	Mode   string `json:"mode"`
	Status int    `json:"status,omitempty"`
	Delay  string `json:"delay,omitempty"`
}

func newReceiverModeJSON(m ReceiverMode) receiverModeJSON {
	out := receiverModeJSON{Mode: m.Name(), Status: m.Status}
	if m.Delay > 0 {
		out.Delay = engine.DurationText(m.Delay)
	}
	return out
}

// parseReceiverMode reads POST /sandbox/receiver/mode.
func parseReceiverMode(p params) (ReceiverMode, error) {
	mode, err := p.required("mode", ": up, down, error (with status) or slow (with delay)")
	if err != nil {
		return ReceiverMode{}, err
	}
	var m ReceiverMode
	switch strings.ToLower(mode) {
	case ModeUp:
	case ModeDown:
		m.Down = true
	case ModeError:
		// Not 1xx: an informational status is no answer (101 hung the sender, 103
		// answered 200 after it). Not 2xx: a delivery (any
		// 2xx in v1's format), and attempts read "delivered" while the receiver
		// kept none (a bad-input trial, then a review of 201).
		st, err := p.int("status", 500, 300, 599)
		if err != nil {
			return m, engine.Invalid("status", `status is an HTTP status from 300 to 599, e.g. 500 (got %q): a 2xx is a delivery, which mode "up" answers ({"mode":"up"})`, p.str("status"))
		}
		m.Status = int(st)
	case ModeSlow:
		d, err := durationField(p, "delay", `: how late the receiver answers, e.g. "15s"`, "15s or 2m (at most "+engine.DurationText(MaxReceiverDelay)+")", "")
		if err != nil {
			return m, err
		}
		m.Delay = d
	default:
		return m, engine.Invalid("mode", "unknown receiver mode %q; use up, down, error or slow", mode)
	}
	// A field of another mode is refused, not dropped: {"mode":"up","status":500}
	// answered 200 and set a receiver that answers 200 (a bad-input hunt).
	// An empty one is absent, as mode "error" reads it (its default 500), and
	// the example is JSON whatever was sent: {"mode":"up","status":""} was
	// refused, its example {"mode":"error","status":}.
	if v := p.str("status"); v != "" && m.Status == 0 {
		if _, err := strconv.Atoi(v); err != nil {
			v = "500"
		}
		return ReceiverMode{}, engine.Invalid("status", `status goes with mode "error" only, as what the receiver answers: {"mode":"error","status":%s}`, v)
	}
	if v := p.str("delay"); v != "" && m.Delay == 0 {
		return ReceiverMode{}, engine.Invalid("delay", `delay goes with mode "slow" only, as how late the receiver answers: {"mode":"slow","delay":%s}`, strconv.Quote(v))
	}
	return m, nil
}

func (s *Server) receiverMode(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, newReceiverModeJSON(s.ReceiverMode()))
	return nil
}

func (s *Server) setReceiverMode(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "mode", "status", "delay")
	if err != nil {
		return err
	}
	m, err := parseReceiverMode(p)
	if err != nil {
		return err
	}
	if err := s.SetReceiverMode(m); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReceiverModeJSON(m))
	return nil
}

// localKey marks a request delivered in process, whose sender simulated a slow
// receiver's delay instead of waiting it out in real time.
type localKey struct{}

// misbehave applies the receiver's mode to a request that reached it; it reports
// whether the request was answered.
func (s *Server) misbehave(w http.ResponseWriter, r *http.Request) bool {
	m := s.ReceiverMode()
	switch {
	case m.Down: // over a socket: drop the connection without an answer
		panic(http.ErrAbortHandler)
	case m.Delay > 0 && r.Context().Value(localKey{}) == nil: // in process, the sender simulated the wait
		t := time.NewTimer(m.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	if m.Status != 0 {
		noteCode(w, "RECEIVER_ERROR") // the log's line: an answer asked for, not a failure of sandbank's
		writeJSON(w, m.Status, errorBody{Status: "failed", Code: "RECEIVER_ERROR",
			Message: fmt.Sprintf("the built-in receiver is set to answer %d (POST /sandbox/receiver/mode {\"mode\":\"up\"} restores it)", m.Status)})
		return true
	}
	return false
}

// DeliverLocally makes sender deliver webhooks addressed to url to this server's
// built-in receiver in process, without a socket.
func (s *Server) DeliverLocally(sender *WebhookSender, url string) {
	sender.mu.Lock()
	defer sender.mu.Unlock()
	if sender.local == nil {
		sender.local = make(map[string]*Server)
	}
	sender.local[url] = s
}

// ErrReceiverDown is what an attempt at a receiver that is down reports.
var ErrReceiverDown = errors.New("connection refused: the built-in receiver is down")

// deliver is one webhook delivery in process. A slow receiver's delay is simulated,
// not waited out: one slower than the attempt's timeout times out at once, as it
// would over a socket after the wait; a faster one answers with that latency.
func (s *Server) deliver(ctx context.Context, headers map[string]string, body []byte) (engine.Delivery, error) {
	m := s.ReceiverMode()
	if m.Down {
		return engine.Delivery{}, ErrReceiverDown
	}
	if deadline, ok := ctx.Deadline(); ok && m.Delay > 0 {
		if left := time.Until(deadline); m.Delay >= left {
			return engine.Delivery{Latency: left.Round(time.Second)}, fmt.Errorf(
				"the receiver did not answer within the attempt's timeout (it answers after %s): %w", engine.DurationText(m.Delay), context.DeadlineExceeded)
		}
	}
	// Quiet: the attempt's own log line says how it went; a request line for it too
	// would say it twice.
	req, err := http.NewRequestWithContext(context.WithValue(Quiet(ctx), localKey{}, true), http.MethodPost,
		"/sandbox/receiver", bytes.NewReader(body))
	if err != nil {
		return engine.Delivery{}, err
	}
	req.RemoteAddr = "127.0.0.1:0"
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.ServeHTTP(rec, req)
	return engine.Delivery{StatusCode: rec.status, Latency: m.Delay}, nil
}

// recorder is the ResponseWriter of an in-process request.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}
