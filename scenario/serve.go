package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"sandbank/engine"
	"sandbank/world"
)

// Serving a scenario to the user's own app (`sandbank serve --scenario FILE`): the
// steps before serve: build the state the app's tests start from; then the app drives
// the API while the later steps fire as the virtual clock reaches their at:, and
// expect_call: and webhook: steps wait — within: of virtual time — for what the app
// and the engine do.

// DefaultWithin is how long a waiting step waits, in virtual time, unless it says.
const DefaultWithin = 10 * time.Minute

// Step states in a served scenario's progress.
const (
	StatePending = "pending"
	StateRunning = "running"
	StateWaiting = "waiting"
	StatePassed  = "passed"
	StateFailed  = "failed"
)

// Serving is a scenario served to an app.
type Serving struct {
	run *Run

	mu     sync.Mutex
	states []stepState
	calls  []observedCall // the app's requests, in arrival order
	callCh chan struct{}  // signalled at each new call
	cursor int            // calls matched by expect_call so far
	lastAt time.Time      // virtual time the last step ended: within: counts from it
	done   chan struct{}
	cancel context.CancelFunc
	phase  string
}

type stepState struct {
	State   string `json:"state"`
	Message string `json:"message,omitempty"`
	At      string `json:"at,omitempty"`
}

type observedCall struct {
	at     time.Time
	method string
	path   string
	status int
}

// Serve sets up s on w and runs its steps up to and including serve:. It fails if
// one of them does: the app's tests would start from the wrong state.
func Serve(ctx context.Context, s *Scenario, w *world.World, h http.Handler, receiverURL string) (*Serving, error) {
	if s.ServeAt < 0 {
		return nil, &Error{File: s.Path, Line: 1, Col: 1, Msg: "this scenario has no serve: step: add one where the app takes over (steps before it build the state, steps after it wait for the app)"}
	}
	run, err := Open(ctx, s, w, h, receiverURL, nil)
	if err != nil {
		return nil, err
	}
	sv := &Serving{run: run, states: make([]stepState, len(s.Steps)), callCh: make(chan struct{}, 1), phase: "setup"}
	for i := range sv.states {
		sv.states[i].State = StatePending
	}
	for run.next <= s.ServeAt && !run.Done() {
		i := run.next
		sv.record(i, run.Next(ctx))
	}
	if run.Failed() {
		res := run.results[len(run.results)-1]
		run.Close()
		return nil, &Error{File: s.Path, Line: res.Err.Line, Col: res.Err.Col, Msg: fmt.Sprintf("step %d (%s), before serve:: %s", res.Step.N, res.Step.Text, res.Err.Msg)}
	}
	return sv, nil
}

func (sv *Serving) record(i int, res StepResult) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	st := &sv.states[i]
	sv.lastAt = sv.run.W.Clock.Now()
	st.At = sv.lastAt.UTC().Format(time.RFC3339)
	if res.OK {
		st.State, st.Message = StatePassed, strings.Join(res.Checks, "; ")
		return
	}
	st.State, st.Message = StateFailed, res.Err.Error()
}

func (sv *Serving) set(i int, state, msg string) {
	sv.mu.Lock()
	sv.states[i].State, sv.states[i].Message = state, msg
	sv.mu.Unlock()
}

// Observe wraps the API so the scenario sees the app's calls (for expect_call:).
func (sv *Serving) Observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if r.URL.Path == "/sandbox/scenario" { // watching the scenario is not acting in it
			return
		}
		sv.mu.Lock()
		sv.calls = append(sv.calls, observedCall{at: sv.run.W.Clock.Now(), method: r.Method, path: r.URL.Path, status: rec.status})
		sv.mu.Unlock()
		select {
		case sv.callCh <- struct{}{}:
		default:
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int)        { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Start fires the steps after serve: in the background; Stop ends them.
func (sv *Serving) Start(ctx context.Context) {
	ctx, sv.cancel = context.WithCancel(ctx)
	sv.done = make(chan struct{})
	sv.mu.Lock()
	sv.phase = "serving"
	sv.mu.Unlock()
	if evs, err := sv.run.W.Engine.Events(ctx, engine.EventQuery{Limit: 1}); err == nil && len(evs) > 0 {
		sv.run.servedSeq = evs[0].Seq // what came before serve: is not what the app caused
	}
	if st := sv.run.S.Steps[sv.run.S.ServeAt]; st.Running {
		_ = sv.run.W.Clock.SetPaused(false) // at the world's end it stays paused, and reads so
	}
	go func() {
		defer close(sv.done)
		// Unlike a headless run, a served scenario goes on after a failure: its later
		// steps are events of their own the app's tests may be waiting for.
		for sv.run.next < len(sv.run.S.Steps) && ctx.Err() == nil {
			i := sv.run.next
			st := sv.run.S.Steps[i]
			sv.run.next++
			res := sv.step(ctx, i, st)
			sv.run.resMu.Lock()
			sv.run.results = append(sv.run.results, res)
			sv.run.resMu.Unlock()
			if !res.OK {
				sv.run.failed = true
			}
			sv.record(i, res)
		}
		sv.mu.Lock()
		sv.phase = "done"
		sv.mu.Unlock()
	}()
}

// step runs one step after serve:, waiting for its time and, for expect_call: and
// webhook:, for what it expects.
func (sv *Serving) step(ctx context.Context, i int, st *Step) StepResult {
	r := sv.run
	if !st.At.IsZero() && st.At.After(r.W.Clock.Now()) {
		sv.set(i, StateWaiting, "until "+st.At.UTC().Format(time.RFC3339)+" (virtual)")
		if sv.until(ctx, st.At, nil) != nil { // without a condition, it ends early only when sandbank stops
			return r.fail(st, st.pos, "sandbank was stopped before the virtual clock reached %s", st.At.UTC().Format(time.RFC3339))
		}
	}
	sv.set(i, StateRunning, "")
	within := st.Within
	if within == 0 {
		within = DefaultWithin
	}
	switch st.Action {
	case "expect_call":
		path, err := r.expand(st.Path)
		if err != nil {
			return r.fail(st, st.pos, "%v", err)
		}
		deadline := sv.since(st).Add(within)
		sv.set(i, StateWaiting, fmt.Sprintf("for the app to call %s %s, until %s (virtual)", st.Method, path, deadline.UTC().Format(time.RFC3339)))
		var got *observedCall
		err = sv.until(ctx, deadline, func() bool {
			got = sv.matchCall(st.Method, path)
			return got != nil
		})
		if got == nil {
			why := fmt.Sprintf("within %s", span(within))
			if err != nil && ctx.Err() != nil {
				why = "before sandbank stopped"
			}
			return r.fail(st, st.pos, "the app did not call %s %s %s; it called: %s", st.Method, path, why, sv.callsSince())
		}
		res := StepResult{Step: st, OK: true, Checks: []string{fmt.Sprintf("✓ the app called %s %s at %s, answered %d", got.method, got.path, got.at.UTC().Format(time.RFC3339), got.status)}}
		if len(st.Expect) > 0 {
			resp := &response{Status: got.status, Header: http.Header{}}
			for _, e := range st.Expect {
				if fr := r.expect(st, e, resp, &res); fr != nil {
					return *fr
				}
			}
		}
		return res
	case "webhook", "webhooks":
		deadline := sv.since(st).Add(within)
		sv.set(i, StateWaiting, fmt.Sprintf("for %s, until %s (virtual)", strings.Join(st.Events, ", "), deadline.UTC().Format(time.RFC3339)))
		var res StepResult
		var failed *StepResult
		err := sv.until(ctx, deadline, func() bool {
			if err := r.drainCollect(ctx); err != nil {
				return false
			}
			res = StepResult{Step: st, OK: true}
			saved := r.cursors
			r.cursors = cloneCursors(saved)
			failed = r.expectWebhooks(st, &res)
			if failed != nil {
				r.cursors = saved // not yet: look again from the same place
				return false
			}
			return true
		})
		if failed != nil {
			if err != nil && ctx.Err() != nil && failed.Err != nil { // not the app's doing: say so, with what was missing
				e := *failed.Err
				e.Msg = "sandbank was stopped before this step's webhooks arrived: " + e.Msg
				failed.Err = &e
			}
			return *failed
		}
		return res
	}
	return r.runStep(ctx, st)
}

// since is when a waiting step's within: starts: its at:, or the end of the step
// before it — the event it waits on.
func (sv *Serving) since(st *Step) time.Time {
	if !st.At.IsZero() {
		return st.At
	}
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.lastAt
}

func cloneCursors(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// drainCollect writes what was delivered so far, without waiting for the outbox.
func (r *Run) drainCollect(ctx context.Context) error {
	for drained := false; !drained; {
		select {
		case n := <-r.notes:
			r.note(n)
		default:
			drained = true
		}
	}
	return r.collect(ctx)
}

// until waits until cond holds (checked at each app call, delivery and clock
// change), or the virtual clock reaches deadline, or ctx ends. A deadline already
// past is reached at once, once cond has been checked.
func (sv *Serving) until(ctx context.Context, deadline time.Time, cond func() bool) error {
	reached := make(chan struct{})
	t := sv.run.W.Clock.AfterFunc(deadline, func() { close(reached) })
	defer t.Stop()
	tick := time.NewTicker(20 * time.Millisecond) // deliveries announce themselves on the run's own channel
	defer tick.Stop()
	for {
		if cond != nil && cond() {
			return nil
		}
		select {
		case <-reached:
			if cond != nil && cond() {
				return nil
			}
			if cond == nil {
				return nil
			}
			return fmt.Errorf("the virtual clock reached %s", deadline.UTC().Format(time.RFC3339))
		case <-ctx.Done():
			return ctx.Err()
		case <-sv.callCh:
		case <-tick.C:
		}
	}
}

// matchCall finds the app's first call since the last match with this method and
// path, and moves past it.
func (sv *Serving) matchCall(method, path string) *observedCall {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	for j := sv.cursor; j < len(sv.calls); j++ {
		c := sv.calls[j]
		if c.method == method && c.path == path {
			sv.cursor = j + 1
			return &c
		}
	}
	return nil
}

func (sv *Serving) callsSince() string {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.cursor >= len(sv.calls) {
		return "nothing"
	}
	var out []string
	for _, c := range sv.calls[sv.cursor:] {
		out = append(out, c.method+" "+c.path)
		if len(out) == 10 {
			out = append(out, fmt.Sprintf("… %d more", len(sv.calls)-sv.cursor-10))
			break
		}
	}
	return strings.Join(out, ", ")
}

// Stop ends the steps still waiting (they fail: the app never did what they
// expected); the steps never reached are not run. It reports whether none failed.
func (sv *Serving) Stop() bool {
	if sv.cancel != nil {
		sv.cancel()
		<-sv.done
	}
	sv.mu.Lock()
	sv.phase = "stopped"
	for i := range sv.states {
		switch sv.states[i].State {
		case StateWaiting, StateRunning:
			sv.states[i].State = StateFailed
			sv.states[i].Message = "sandbank stopped while it was waiting " + sv.states[i].Message
		case StatePending:
			sv.states[i].Message = "not run: sandbank stopped first"
		}
	}
	sv.mu.Unlock()
	sv.run.Close()
	return !sv.failedAny()
}

func (sv *Serving) failedAny() bool {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	for _, st := range sv.states {
		if st.State == StateFailed {
			return true
		}
	}
	return false
}

// Verdicts writes a line per step: ✓, ✗ with where and why, or what it waits for.
func (sv *Serving) Verdicts(w io.Writer) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	passed, failed := 0, 0
	for i, st := range sv.states {
		s := sv.run.S.Steps[i]
		mark := map[string]string{StatePassed: "✓", StateFailed: "✗", StateWaiting: "…", StateRunning: "…", StatePending: "·"}[st.State]
		line := fmt.Sprintf("%s %s:%d step %d (%s)", mark, sv.run.S.Path, s.pos.line, s.N, s.Text)
		if st.State == StateFailed {
			failed++
			line += ": " + strings.TrimPrefix(st.Message, fmt.Sprintf("%s:%d:%d: ", sv.run.S.Path, s.pos.line, s.pos.col))
		} else if st.State == StatePassed {
			passed++
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d not run\n", passed, failed, len(sv.states)-passed-failed)
}

// Status is the scenario's progress, for GET /sandbox/scenario.
func (sv *Serving) Status() any {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	type stepJSON struct {
		N      int    `json:"n"`
		Line   int    `json:"line"`
		Step   string `json:"step"`
		Note   string `json:"note,omitempty"`
		AtPlan string `json:"at_planned,omitempty"`
		stepState
	}
	out := struct {
		Scenario string     `json:"scenario"`
		File     string     `json:"file"`
		Phase    string     `json:"phase"`
		Passed   int        `json:"passed"`
		Failed   int        `json:"failed"`
		Steps    []stepJSON `json:"steps"`
	}{Scenario: sv.run.S.Title, File: sv.run.S.Path, Phase: sv.phase, Steps: []stepJSON{}}
	for i, st := range sv.states {
		s := sv.run.S.Steps[i]
		j := stepJSON{N: s.N, Line: s.pos.line, Step: s.Text, Note: s.Note, stepState: st}
		if !s.At.IsZero() {
			j.AtPlan = s.At.UTC().Format(time.RFC3339)
		}
		switch st.State {
		case StatePassed:
			out.Passed++
		case StateFailed:
			out.Failed++
		}
		out.Steps = append(out.Steps, j)
	}
	return out
}

// IDs are the names of the scenario with what they are in this world, for the app's
// tests: customers, accounts, saved values and the keys.
func (sv *Serving) IDs(api string) ([]byte, error) {
	r := sv.run
	type customerIDs struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	type accountIDs struct {
		ID          string `json:"id,omitempty"` // once connected
		Customer    string `json:"customer"`
		Number      string `json:"number"`
		Institution string `json:"institution"`
	}
	out := struct {
		Scenario  string                 `json:"scenario"`
		File      string                 `json:"file"`
		API       string                 `json:"api"`
		Keys      map[string]string      `json:"keys"`
		Customers map[string]customerIDs `json:"customers"`
		Accounts  map[string]accountIDs  `json:"accounts"`
		Saved     map[string]string      `json:"saved"`
	}{Scenario: r.S.Title, File: r.S.Path, API: api, Customers: map[string]customerIDs{}, Accounts: map[string]accountIDs{}, Saved: r.vars,
		Keys: map[string]string{"secret": r.keys.Secret, "public": r.keys.Public, "webhook_secret": r.W.Engine.Settings().WebhookSecret.Reveal()}}
	for _, c := range r.S.Customers {
		bc, err := r.W.Bank.Customer(r.customerIDs[c.Name])
		if err != nil {
			return nil, err
		}
		out.Customers[c.Name] = customerIDs{ID: bc.ID, Username: bc.Username, Password: bc.Password}
		for _, a := range c.Accounts {
			out.Accounts[a.Name] = accountIDs{ID: r.ids[a.Name], Customer: bc.ID, Number: r.numbers[a.Name], Institution: r.banks[a.Name]}
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	return append(b, '\n'), err
}

// ErrNotServing answers GET /sandbox/scenario when no scenario is served.
var ErrNotServing = engine.Errorf(engine.ENOTFOUND, "no scenario is being served: start sandbank with serve --scenario FILE")
