package scenario

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"sandbank/api"
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
//
// Its steps after serve: keep the file's order, with two rules that make them
// events on the virtual clock rather than lines run one after another:
//   - A step with an at: runs when the clock reaches that instant, even inside a
//     long jump: the clock stops there (its timer does not return) while the step
//     and the steps right after it without an at: run, so a password changed at
//     12:00 is changed for the automatic sync at 12:01 of the same jump. Only a
//     step that waits for the app, or moves the clock itself, lets it go on.
//   - A step that waits (expect_call:, webhook:) holds back only the steps after it
//     without an at:; the next at: step still runs on time while it waits.
type Serving struct {
	run *Run

	// runMu serialises the run's own state (cursors, deliveries, variables): the
	// steps in order and the waiting steps beside them share it.
	runMu sync.Mutex
	// lastIDs is what StatusAt found when it last could take runMu (on idsMu).
	idsMu   sync.Mutex
	lastIDs json.RawMessage

	mu     sync.Mutex
	states []stepState
	ends   []time.Time // virtual time each step ended: a step without at: waits from its predecessor's
	starts []time.Time // virtual time each step after serve: began (zero before serve:)
	// stopping: Cancel or Stop was called; byStop: a step that failed only for it
	// (a waiting step still waiting), which --exit-when-done counts as not done.
	stopping bool
	byStop   []bool
	earlier  [][]string      // a passed step's StepResult.Earlier: said under its ✓, as scenario run says them
	failures []StepResult    // a failed step's result: its JUnit case says what it expected, got, and the answer
	ctx      context.Context // the steps', which a stop ends (main's, at a signal)
	// everyStep: --exit-when-done, stopped first: the report counts a step that
	// did not run as an error, not as skipped (it looked green while the exit
	// code said not done).
	everyStep bool
	calls     []observedCall // the app's requests, in arrival order
	claimed   map[int]int    // calls an expect_call: step has matched: the step's number
	callCh    chan struct{}  // signalled at each new call
	done      chan struct{}
	cancel    context.CancelFunc
	phase     string

	// Wall time, for the JUnit report: when serving began, when each step began
	// (running, or waiting for its at:) and how long it took to its verdict.
	began    time.Time
	wallFrom []time.Time
	wallTook []time.Duration
}

type stepState struct {
	State   string `json:"state"`
	Message string `json:"message,omitempty"`
	At      string `json:"at,omitempty"`
}

type observedCall struct {
	at        time.Time // when the call began (virtual)
	method    string
	path      string
	status    int
	header    http.Header
	body      []byte // the answer, up to maxKeptBody; nil once callBodiesKept newer calls came
	truncated bool
}

// The answers an expect_call: step can check: each up to maxKeptBody, of the
// callBodiesKept latest calls (older calls keep method, path and status).
const (
	maxKeptBody    = 256 << 10
	callBodiesKept = 256
)

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
	sv := &Serving{run: run, states: make([]stepState, len(s.Steps)), ends: make([]time.Time, len(s.Steps)), starts: make([]time.Time, len(s.Steps)), byStop: make([]bool, len(s.Steps)), earlier: make([][]string, len(s.Steps)), failures: make([]StepResult, len(s.Steps)),
		claimed: map[int]int{}, callCh: make(chan struct{}, 1), phase: "setup",
		began: time.Now(), wallFrom: make([]time.Time, len(s.Steps)), wallTook: make([]time.Duration, len(s.Steps))}
	for i := range sv.states {
		sv.states[i].State = StatePending
	}
	for run.next <= s.ServeAt && !run.Done() {
		i := run.next
		sv.wallFrom[i] = time.Now()
		sv.record(i, run.Next(ctx))
	}
	if run.Failed() {
		res := run.results[len(run.results)-1]
		run.Close()
		if ctx.Err() != nil { // cut short, not failed: the step's own words blamed it
			return nil, &Error{File: s.Path, Line: res.Step.pos.line, Col: res.Step.pos.col, Msg: fmt.Sprintf("%s at step %d (%s), before serve:, which did not end", Stopped(ctx), res.Step.N, res.Step.Text)}
		}
		return nil, &Error{File: s.Path, Line: res.Err.Line, Col: res.Err.Col, Msg: fmt.Sprintf("step %d (%s), before serve: %s", res.Step.N, res.Step.Text, res.Err.Msg)}
	}
	return sv, nil
}

func (sv *Serving) record(i int, res StepResult) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	st := &sv.states[i]
	sv.ends[i] = sv.run.W.Clock.Now()
	if !res.ended.IsZero() && res.ended.Before(sv.ends[i]) {
		sv.ends[i] = res.ended
	}
	st.At = sv.ends[i].UTC().Format(time.RFC3339)
	sv.tookLocked(i)
	if res.OK {
		st.State, st.Message = StatePassed, strings.Join(res.Checks, "; ")
		sv.earlier[i] = res.Earlier
		return
	}
	st.State, st.Message = StateFailed, res.Err.Error()
	sv.failures[i] = res
	sv.byStop[i] = sv.stopping || (sv.ctx != nil && sv.ctx.Err() != nil)
}

func (sv *Serving) set(i int, state, msg string) {
	sv.mu.Lock()
	sv.states[i].State, sv.states[i].Message = state, msg
	if (state == StateRunning || state == StateWaiting) && sv.wallFrom[i].IsZero() {
		sv.wallFrom[i] = time.Now()
	}
	sv.mu.Unlock()
}

// tookLocked notes how long step i has taken, in wall time, as it gets its verdict;
// under mu.
func (sv *Serving) tookLocked(i int) {
	if !sv.wallFrom[i].IsZero() {
		sv.wallTook[i] = time.Since(sv.wallFrom[i])
	}
}

// Observe wraps the API so the scenario sees the app's calls (for expect_call:).
func (sv *Serving) Observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sandbox/scenario" { // watching the scenario is not acting in it
			next.ServeHTTP(w, r)
			return
		}
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		at := sv.run.W.Clock.Now() // made when it began: what it does comes after
		next.ServeHTTP(rec, r)
		sv.mu.Lock()
		sv.calls = append(sv.calls, observedCall{at: at, method: r.Method, path: r.URL.Path, status: rec.status,
			header: w.Header().Clone(), body: rec.body.Bytes(), truncated: rec.truncated})
		if n := len(sv.calls) - callBodiesKept - 1; n >= 0 {
			sv.calls[n].body, sv.calls[n].header = nil, nil
		}
		sv.mu.Unlock()
		select {
		case sv.callCh <- struct{}{}:
		default:
		}
	})
}

// statusWriter keeps an answer's status and, up to maxKeptBody, its body.
type statusWriter struct {
	http.ResponseWriter
	status    int
	body      bytes.Buffer
	truncated bool
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Write(b []byte) (int, error) {
	if room := maxKeptBody - s.body.Len(); room > 0 {
		s.body.Write(b[:min(len(b), room)])
		s.truncated = s.truncated || len(b) > room
	} else if len(b) > 0 {
		s.truncated = true
	}
	return s.ResponseWriter.Write(b)
}
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Start fires the steps after serve: in the background; Stop ends them.
func (sv *Serving) Start(ctx context.Context) {
	ctx, sv.cancel = context.WithCancel(ctx)
	sv.ctx = ctx
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
	// The steps right after serve: that wait for nothing — no at:, no call or
	// webhook of the app's — run before Start returns: before the port answers and
	// ids.json appears, as the README says. On the goroutine below, an app quick
	// off the mark called before them: its sync, after serve: and a bank: debit,
	// found nothing new, 2 runs in 20 (a Go developer's trial).
	// Not an advance: (or a call that moves the clock): a jump may be long, and
	// a stop cuts it short from the goroutine's side only (the review: a SIGTERM
	// 6 s into a 30-day advance: right after serve: waited out the whole jump).
	for steps := sv.run.S.Steps; sv.run.next < len(steps) && ctx.Err() == nil; {
		i := sv.run.next
		if st := steps[i]; !st.At.IsZero() || waits(st) || movesClock(st) {
			break
		}
		sv.run.next++
		if res, ran := sv.stepUnlessStopped(ctx, i, nil); ran {
			sv.finish(i, res)
		}
	}
	go func() {
		defer close(sv.done)
		steps := sv.run.S.Steps
		var held *hold // the clock, stopped at the at: of the step running (or just run)
		// handed are the holds given to waiting steps on goroutines of their own,
		// each released once its step has looked: a step that moves the clock
		// waits for them before it takes runMu. Taken first, the move waited for
		// a hold whose step waited for runMu to look, and the clock stopped for
		// good (a lock-order review).
		var handed []*hold
		var waiting sync.WaitGroup
		// Unlike a headless run, a served scenario goes on after a failure: its later
		// steps are events of their own the app's tests may be waiting for.
		for sv.run.next < len(steps) && ctx.Err() == nil {
			i := sv.run.next
			st := steps[i]
			sv.run.next++
			if !st.At.IsZero() || waits(st) || movesClock(st) {
				held.release() // the steps at the held instant are done
				held = nil
			}
			if !st.At.IsZero() {
				// The clock as the step found it is before the wait for its at:
				// (madeBefore): one recorded after it flagged the events made on
				// the way there, and at the instant, as made before the move (a
				// review; a headless run said nothing of them). Recorded before the
				// step says it waits, so an app that moves the clock once it sees
				// that finds it recorded.
				sv.runMu.Lock()
				sv.run.began[st.N] = sv.run.W.Clock.Now()
				sv.runMu.Unlock()
				sv.set(i, StateWaiting, "until "+st.At.UTC().Format(time.RFC3339)+" (virtual)")
				h, err := sv.reach(ctx, st.At)
				if err != nil {
					// Not the app's doing, and nothing was checked: not run, as the
					// steps after it.
					sv.set(i, StatePending, notReached+st.At.UTC().Format(time.RFC3339))
					continue
				}
				held = h
			}
			if j := nextAt(steps, i+1); waits(st) && j >= 0 && !slices.ContainsFunc(steps[i+1:j], movesClock) {
				// A later step has a time of its own: it does not wait for this one. This
				// step, and those after it up to that one, go on a goroutine of their own,
				// in order (an at: behind a waiting step and a plain one waited for both).
				// Not if one of them moves the clock: the at: would hold the clock that
				// step moves (the parser puts such an at: after the advance's end).
				if held != nil {
					handed = append(handed, held)
				}
				waiting.Add(1)
				go func(h *hold) {
					defer waiting.Done()
					sv.finish(i, sv.step(ctx, i, st, h))
					for k := i + 1; k < j && ctx.Err() == nil; k++ {
						if res, ran := sv.stepUnlessStopped(ctx, k, nil); ran {
							sv.finish(k, res)
						}
					}
				}(held)
				held = nil
				sv.run.next = j
				continue
			}
			if movesClock(st) {
				for _, h := range handed {
					select {
					case <-h.ch:
					case <-ctx.Done():
					}
				}
				handed = handed[:0]
			}
			res, ran := sv.stepUnlessStopped(ctx, i, held)
			if waits(st) || movesClock(st) {
				held = nil // step released it
			}
			if ran {
				sv.finish(i, res)
			}
		}
		held.release()
		waiting.Wait()
		sv.mu.Lock()
		sv.phase = "done"
		sv.mu.Unlock()
	}()
}

// nextAt is the index of the first step from i on with an at:, or -1.
func nextAt(steps []*Step, i int) int {
	for ; i < len(steps); i++ {
		if !steps[i].At.IsZero() {
			return i
		}
	}
	return -1
}

// stoppedWhileItRan is the message of a step of the scenario's own a stop cut short.
const stoppedWhileItRan = "not run: sandbank was stopped while it ran"

// stepUnlessStopped runs step i; ran is false if sandbank was stopped while a step
// of the scenario's own ran (a sync:, a bank: …): stopping is not the app's doing,
// and the step failed only for it ("reading the webhook outbox: internal error",
// exit 1). It stays not run. A waiting step stopped early fails, as the README says.
func (sv *Serving) stepUnlessStopped(ctx context.Context, i int, held *hold) (StepResult, bool) {
	st := sv.run.S.Steps[i]
	res := sv.step(ctx, i, st, held)
	if !res.OK && !waits(st) && ctx.Err() != nil {
		sv.set(i, StatePending, stoppedWhileItRan)
		return res, false
	}
	return res, true
}

// finish records a step's result.
func (sv *Serving) finish(i int, res StepResult) {
	sv.run.resMu.Lock()
	sv.run.results = append(sv.run.results, res)
	if !res.OK {
		sv.run.failed = true
	}
	sv.run.resMu.Unlock()
	sv.record(i, res)
}

// waits reports whether a step waits for the app (or what the app sets off).
func waits(st *Step) bool {
	switch st.Action {
	case "expect_call", "webhook", "webhooks":
		return true
	}
	return false
}

// movesClock reports whether a step may advance the clock: it cannot run while the
// clock is held at its instant (the advance would wait for the clock to go on). A
// read of the clock does not: taken for one, it let the app's jump go on, and the
// steps after it ran days late (a QA engineer's trial).
func movesClock(st *Step) bool {
	return st.Action == "advance" || (st.Action == "call" && st.Method != http.MethodGet && st.Method != http.MethodHead &&
		strings.HasPrefix(st.Path, "/sandbox/clock"))
}

// hold is the virtual clock stopped at an instant: the clock's timer for it has
// not returned, so an advance waits and a running clock stands there, until release.
type hold struct {
	once sync.Once
	ch   chan struct{}
}

func (h *hold) release() {
	if h != nil {
		h.once.Do(func() { close(h.ch) })
	}
}

// reach waits until the virtual clock reaches at, and holds it there. At an instant
// already past it returns at once, and holds the clock where it is: a move waits
// for a callback that ran at once as for one fired on the way (Clock.AfterFunc).
func (sv *Serving) reach(ctx context.Context, at time.Time) (*hold, error) {
	h := &hold{ch: make(chan struct{})}
	reached := make(chan struct{})
	t := sv.run.W.Clock.AfterFunc(at, func() {
		close(reached)
		select {
		case <-h.ch:
		case <-ctx.Done():
		}
	})
	select {
	case <-reached:
		return h, nil
	case <-ctx.Done():
		t.Stop()
		h.release()
		return nil, ctx.Err()
	}
}

// step runs one step after serve:. An expect_call: or webhook: step waits for what
// it expects; it lets the held clock go once it has looked at what is there already.
func (sv *Serving) step(ctx context.Context, i int, st *Step, held *hold) StepResult {
	r := sv.run
	sv.mu.Lock()
	sv.starts[i] = r.W.Clock.Now()
	sv.mu.Unlock()
	sv.set(i, StateRunning, "")
	within := st.Within
	if within == 0 {
		within = DefaultWithin
	}
	switch st.Action {
	case "expect_call":
		path, err := r.expand(st.Path)
		if err != nil {
			held.release()
			return r.fail(st, st.pos, "%v", err)
		}
		from := sv.since(i, st)
		deadline := from.Add(within)
		sv.set(i, StateWaiting, fmt.Sprintf("for the app to call %s %s, until %s (virtual)", st.Method, path, deadline.UTC().Format(time.RFC3339)))
		var got *observedCall
		err = sv.until(ctx, deadline, held, func() bool {
			got = sv.matchCall(st.N, st.Method, path, from, deadline)
			return got != nil
		})
		if got == nil {
			why := fmt.Sprintf("from %s within %s", from.UTC().Format(time.RFC3339), span(within))
			if err != nil && ctx.Err() != nil {
				why = "before sandbank stopped"
			}
			return r.fail(st, st.pos, "the app did not call %s %s %s; it called: %s", st.Method, path, why, sv.callsBetween(from, deadline))
		}
		// A failure from here on is of the app's call: its JUnit case shows it.
		answered := func(f StepResult) StepResult {
			if got.body != nil {
				f.Answer = r.answerText(&response{Method: got.method, Path: got.path, Status: got.status, Body: got.body})
			}
			return f
		}
		if len(st.Expect) == 0 && got.status/100 != 2 {
			// Without expect: the call must have succeeded, as every step's must:
			// an app that sent a wrong key, or a path with a typo in both the app
			// and the file, passed (a QA engineer's trial).
			why := ""
			if got.body != nil {
				why = ": " + errMessage(&response{Body: got.body})
			}
			return answered(r.fail(st, st.pos, "the app called %s %s at %s, which answered %d%s; a step without expect: must succeed — if that answer is the point, say so: expect: {http: %d}",
				got.method, got.path, got.at.UTC().Format(time.RFC3339), got.status, why, got.status))
		}
		res := StepResult{Step: st, OK: true, Checks: []string{fmt.Sprintf("✓ the app called %s %s at %s, answered %d", got.method, got.path, got.at.UTC().Format(time.RFC3339), got.status)},
			ended: got.at}
		if len(st.Expect) > 0 || len(st.Save) > 0 {
			if got.body == nil && got.header == nil {
				return r.fail(st, st.pos, "the app's call %s %s at %s was matched, but its answer is no longer kept (only the latest %d calls' are): check it sooner, with a shorter within:",
					got.method, got.path, got.at.UTC().Format(time.RFC3339), callBodiesKept)
			}
			resp := &response{Status: got.status, Header: got.header, Body: got.body}
			cut := func(e *Expectation) string {
				if got.truncated && e.Path != "http" && !strings.HasPrefix(e.Path, "header.") {
					return fmt.Sprintf(" (the answer was longer than the %d KB kept of it)", maxKeptBody>>10)
				}
				return ""
			}
			if fr := r.expectEach(st, resp, &res, cut); fr != nil {
				return answered(*fr)
			}
			// What the app's call made — a statement's job it then polls — for the
			// steps after: a job the app made could not be named (a QA trial).
			for _, s := range st.Save {
				v, ok := resp.lookup(s.Path)
				if !ok {
					return answered(r.fail(st, s.pos, "save %s: the answer the app got has no %s%s", s.Var, s.Path, missingHint(resp, s.Path)))
				}
				sv.runMu.Lock()
				r.vars[s.Var] = plain(v)
				sv.runMu.Unlock()
				shown, _ := resp.shown(s.Path)
				res.Checks = append(res.Checks, fmt.Sprintf("saved %s = %s", s.Var, r.masked(plain(shown))))
			}
		}
		return res
	case "webhook", "webhooks":
		from := sv.madeSince(i, st)
		deadline := sv.since(i, st).Add(within)
		what := strings.Join(st.Events, ", ")
		if st.None {
			what = "no webhook to come"
		}
		sv.set(i, StateWaiting, fmt.Sprintf("for %s, until %s (virtual)", what, deadline.UTC().Format(time.RFC3339)))
		var res StepResult
		var failed *StepResult
		look := func(by time.Time) bool {
			sv.runMu.Lock()
			defer sv.runMu.Unlock()
			if err := r.drainCollect(ctx); err != nil {
				if ctx.Err() == nil { // said, not taken for "none came" (nor left a result without its error)
					f := r.fail(st, st.pos, "reading the webhook outbox: %s", engine.ErrorMessageOrText(err))
					failed = &f
				}
				return false
			}
			res = StepResult{Step: st, OK: true}
			saved := r.cursors
			r.cursors = cloneCursors(saved)
			r.madeFrom, r.madeBy = from, by
			failed = r.expectWebhooks(st, &res)
			r.madeFrom, r.madeBy = time.Time{}, time.Time{}
			if failed != nil {
				r.cursors = saved    // not yet: look again from the same place
				return failed.judged // unless the webhook came and its expect: failed
			}
			return true
		}
		if st.None {
			// No webhook within: it passes once the window has closed with none, and
			// fails as soon as one comes (it passed at once, before the app did anything).
			err := sv.until(ctx, deadline, held, func() bool { look(deadline); return failed != nil })
			if failed == nil && err != nil && ctx.Err() == nil {
				_ = sv.settleAfterJump(ctx) // a jump past the deadline: its webhooks count
				look(deadline)
			}
			switch {
			case failed != nil:
				return *failed
			case ctx.Err() != nil:
				return r.fail(st, st.pos, "sandbank was stopped before this step's %s ended (none had come by then)", span(within))
			}
			return res
		}
		// Only events made by the deadline count, however late this goroutine looks.
		err := sv.until(ctx, deadline, held, func() bool { return look(deadline) })
		if err != nil && ctx.Err() == nil {
			// The clock passed the deadline — maybe in one jump, whose events' webhooks
			// go only at its end. Those of events made by the deadline count: let the
			// jump end and the outbox catch up, and look once more (had delivery not
			// caught up in time, what was delivered is judged all the same).
			_ = sv.settleAfterJump(ctx)
			if look(deadline) && failed == nil {
				return res
			}
		}
		if failed != nil && failed.judged {
			return *failed // the webhook came, and was not what the step expects
		}
		if failed != nil {
			if err != nil && ctx.Err() != nil && failed.Err != nil { // not the app's doing: say so, with what was missing
				// and what held them up, if it knows: stopping is how a CI run ends,
				// and a receiver down was said only when the window ran out.
				e := *failed.Err
				e.Msg = "sandbank was stopped before this step's webhooks arrived: " + e.Msg + sv.stuck(context.WithoutCancel(ctx), st, e.Msg)
				failed.Err = &e
			} else if failed.Err != nil {
				e := *failed.Err
				if err != nil && strings.HasPrefix(failed.Got, "none") {
					// Its window ran out: "got none" alone read as if nothing had been
					// sent, of a webhook the app caused after the window (a QA trial).
					// Said of a miss alone, not of a step that could not look (a review).
					e.Msg = strings.Replace(e.Msg, ", got none", fmt.Sprintf(", got none of an event made by %s (virtual), the end of the step's window (within: %s; one made later does not count)",
						deadline.UTC().Format(time.RFC3339), span(within)), 1)
				}
				e.Msg += sv.stuck(ctx, st, e.Msg)
				failed.Err = &e
			}
			return *failed
		}
		if !res.OK { // it never looked: stopped before it could
			return r.fail(st, st.pos, "sandbank was stopped before this step looked for its webhooks")
		}
		return res
	}
	if movesClock(st) {
		held.release()
	}
	sv.runMu.Lock()
	defer sv.runMu.Unlock()
	res := r.runStep(ctx, st)
	if !res.OK && r.last != nil {
		res.Answer = r.answerText(r.last) // as Run.Next gives it
	}
	return res
}

// settleAfterJump waits for a jump under way to end, then for the webhooks due to
// be delivered and the jobs running to end. It holds no lock of the run's: the
// app's next jump may stop at an at: step that needs one, and its automatic syncs
// hold delivery back meanwhile. Once the outbox is settled, every attempt's notice
// is out (an attempt counts as in flight until its notice is published), so the
// look after it finds them all.
func (sv *Serving) settleAfterJump(ctx context.Context) error {
	sv.run.W.Clock.AwaitJump()
	eng := sv.run.W.Engine
	limit := time.Now().Add(settleTimeout)
	poll := time.NewTicker(2 * time.Millisecond)
	defer poll.Stop()
	for {
		ok, err := eng.OutboxSettled(ctx)
		if err != nil {
			return err
		}
		if ok && eng.JobsRunning() == 0 {
			return nil
		}
		if time.Now().After(limit) {
			return fmt.Errorf("webhook delivery did not catch up with the clock within %s of real time", settleTimeout)
		}
		select {
		case <-poll.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Settle waits, up to 30 s of real time, for the webhooks due now to be delivered
// and the real-time jobs running to end: --exit-when-done's last look before it
// shuts down. A jump of the app's under way is not waited for: it is cut short
// at the shutdown, as before (the review: Settle waited out a 30-day jump).
func (sv *Serving) Settle(ctx context.Context) error {
	if _, moving := sv.run.W.Clock.Moving(); moving || sv.run.W.Clock.Jumping() {
		return errors.New("the app's clock jump is under way")
	}
	return sv.settleAfterJump(ctx)
}

// stuck says which of the step's account's webhooks are still waiting for a
// delivery that failed: those after them wait in line behind them — unless said
// already says so (the step's own failure names the event: it was said twice) —
// and, on a paused clock, that the next attempt waits for the clock to move.
func (sv *Serving) stuck(ctx context.Context, st *Step, said string) string {
	q := engine.EventQuery{Limit: 500, Attempts: 1}
	if st.Account != nil {
		sv.runMu.Lock()
		q.AccountID = sv.run.ids[st.Account.Name]
		sv.runMu.Unlock()
	}
	evs, err := sv.run.W.Engine.Events(ctx, q)
	if err != nil {
		return ""
	}
	for i := len(evs) - 1; i >= 0; i-- { // the oldest first
		ev := evs[i]
		if ev.Status != engine.DeliveryPending || ev.Failures == 0 || len(ev.Attempts) == 0 {
			continue
		}
		a := ev.Attempts[len(ev.Attempts)-1]
		next := ev.NextAttemptAt.UTC().Format(time.RFC3339)
		out := ""
		if !strings.Contains(said, "is still waiting for delivery") {
			out = fmt.Sprintf("; %s of %s is still waiting for delivery — its attempt %d failed: %s; next attempt at %s (an account's webhooks go in order, so later ones wait behind it)",
				ev.Type, ev.CreatedAt.UTC().Format(time.RFC3339), a.Last(), attemptWhy(a), next)
		}
		if c := sv.run.W.Clock.State(); c.Paused && ev.NextAttemptAt.After(c.Now) {
			out += fmt.Sprintf("; the clock is paused, so that attempt comes only once the clock is moved there: POST /sandbox/clock {\"to\":\"%s\"}", next)
		}
		return out
	}
	return ""
}

// attemptWhy is why a delivery attempt failed, in a few words.
func attemptWhy(a engine.Attempt) string {
	if a.Error != "" {
		return a.Error
	}
	return fmt.Sprintf("the receiver answered %d", a.StatusCode)
}

// since is when a waiting step's within: starts: its at:, or the end of the step
// before it — the event it waits on.
func (sv *Serving) since(i int, st *Step) time.Time {
	if !st.At.IsZero() {
		return st.At
	}
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.ends[i-1]
}

// madeSince is when a webhook step's events may have been made from: since the
// step before it began, when it ran after serve: — the webhook of a sync: step is
// made while that step runs, before its end, and a running clock had moved on by
// then ("expected account_updated delivered for tola, got none", though it was:
// an operator's trial) — else as since says.
func (sv *Serving) madeSince(i int, st *Step) time.Time {
	if !st.At.IsZero() || i == 0 {
		return sv.since(i, st)
	}
	sv.mu.Lock()
	start := sv.starts[i-1]
	sv.mu.Unlock()
	if start.IsZero() {
		return sv.since(i, st)
	}
	return start
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
// past is reached at once, once cond has been checked. The clock held at the step's
// instant goes on once cond has been checked the first time.
func (sv *Serving) until(ctx context.Context, deadline time.Time, held *hold, cond func() bool) error {
	first := cond()
	held.release()
	if first {
		return nil
	}
	reached := make(chan struct{})
	t := sv.run.W.Clock.AfterFunc(deadline, func() { close(reached) })
	defer t.Stop()
	tick := time.NewTicker(20 * time.Millisecond) // deliveries announce themselves on the run's own channel
	defer tick.Stop()
	for {
		select {
		case <-reached:
			if cond() {
				return nil
			}
			return fmt.Errorf("the virtual clock reached %s", deadline.UTC().Format(time.RFC3339))
		case <-ctx.Done():
			return ctx.Err()
		case <-sv.callCh:
		case <-tick.C:
		}
		if cond() {
			return nil
		}
	}
}

// matchCall finds the app's first call with this method and path made from from to
// deadline that no expect_call: step matched yet, and claims it.
func (sv *Serving) matchCall(step int, method, path string, from, deadline time.Time) *observedCall {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	for j, c := range sv.calls {
		if c.method == method && api.V1Unprefixed(c.path) == api.V1Unprefixed(path) && sv.claimed[j] == 0 && !c.at.Before(from) && !c.at.After(deadline) {
			sv.claimed[j] = step
			return &c
		}
	}
	return nil
}

// callsBetween lists the app's calls made from from to deadline, with their
// times in full, as the window's are, and the step that matched each one matched:
// a call at "10:00:00" beside a window from "2024-03-04T10:00:00Z", and one an
// earlier step had matched, read as candidates (a QA engineer's trial).
func (sv *Serving) callsBetween(from, deadline time.Time) string {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	var out []string
	n, before := 0, 0
	for j, c := range sv.calls {
		switch {
		case c.at.Before(from):
			before++
			continue
		case c.at.After(deadline):
			continue
		}
		n++
		if len(out) < 10 {
			by := ""
			if step := sv.claimed[j]; step > 0 {
				by = fmt.Sprintf("; matched by step %d", step)
			}
			out = append(out, fmt.Sprintf("%s %s at %s (%d%s)", c.method, c.path, c.at.UTC().Format(time.RFC3339Nano), c.status, by))
		}
	}
	s := "nothing"
	if n > 0 {
		s = strings.Join(out, ", ")
		if n > len(out) {
			s += fmt.Sprintf(", … %d more", n-len(out))
		}
	}
	if before > 0 {
		calls, do := fmt.Sprintf("%d calls", before), "do"
		if before == 1 {
			calls, do = "1 call", "does"
		}
		s += fmt.Sprintf(" (and %s before %s, which %s not count)", calls, from.UTC().Format(time.RFC3339), do)
	}
	return s
}

// Cancel tells the steps under way that sandbank is stopping, without waiting
// for them (Stop waits): a step that then fails is not run, not failed.
func (sv *Serving) Cancel() {
	sv.mu.Lock()
	sv.stopping = true
	sv.mu.Unlock()
	if sv.cancel != nil {
		sv.cancel()
	}
}

// Stop ends the steps still waiting (they fail: the app never did what they
// expected); the steps never reached are not run. It reports whether none failed.
func (sv *Serving) Stop() bool {
	sv.mu.Lock()
	sv.stopping = true
	sv.mu.Unlock()
	if sv.cancel != nil {
		sv.cancel()
		<-sv.done
	}
	sv.mu.Lock()
	sv.phase = "stopped"
	for i := range sv.states {
		switch sv.states[i].State {
		case StateWaiting, StateRunning:
			sv.tookLocked(i)
			sv.byStop[i] = true
			sv.states[i].State = StateFailed
			sv.states[i].Message = "sandbank stopped while it was waiting " + sv.states[i].Message
		case StatePending:
			if !strings.HasPrefix(sv.states[i].Message, "not run") {
				sv.states[i].Message = "not run: sandbank stopped first"
			}
		}
	}
	sv.mu.Unlock()
	sv.run.Close()
	return !sv.failedAny()
}

// Unfinished says, once stopped, what did not run: how many steps, and the step
// a stop cut short, if one was ("step 42 (advance: 365d)"): a step of the
// scenario's own stopped while it ran (one of notRun), else one the stop found
// waiting for the app (waiting: failed for the stop, not one of notRun); "" for
// none.
func (sv *Serving) Unfinished() (notRun int, cut string, waiting bool) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	for i, st := range sv.states {
		if st.State != StatePending {
			continue
		}
		notRun++
		if cut == "" && st.Message == stoppedWhileItRan {
			s := sv.run.S.Steps[i]
			cut = fmt.Sprintf("step %d (%s)", s.N, s.Text)
		}
	}
	if cut != "" {
		return notRun, cut, false
	}
	for i, st := range sv.states {
		if st.State == StateFailed && sv.byStop[i] {
			s := sv.run.S.Steps[i]
			return notRun, fmt.Sprintf("step %d (%s)", s.N, s.Text), true
		}
	}
	return notRun, "", false
}

// FailedOnItsOwn reports whether a step failed for something other than the
// stop: a step still waiting when sandbank stopped fails, but under
// --exit-when-done a stop first means the run is not done (exit 2), which an
// operator must tell from a step the app failed (exit 1).
func (sv *Serving) FailedOnItsOwn() bool {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	for i, st := range sv.states {
		if st.State == StateFailed && !sv.byStop[i] {
			return true
		}
	}
	return false
}

// ExpectEveryStep makes the JUnit report count a step that did not run as an
// error: --exit-when-done promised every step, and a stop came first.
func (sv *Serving) ExpectEveryStep() {
	sv.mu.Lock()
	sv.everyStep = true
	sv.mu.Unlock()
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

// notReached starts the message of an at: step the clock had not reached when
// sandbank stopped: not run, not failed.
const notReached = "not run: sandbank stopped before the virtual clock reached "

// failure is step i's failure message without the step's own file:line:col, which
// the verdict line already says; under mu.
func (sv *Serving) failure(i int) string {
	s := sv.run.S.Steps[i]
	return strings.TrimPrefix(sv.states[i].Message, fmt.Sprintf("%s:%d:%d: ", sv.run.S.Path, s.pos.line, s.pos.col))
}

// failureDetail is what a served step's JUnit failure says below its line, as
// WriteJUnit's of a headless run: what it expected and got, and the answer — of
// the app's call, for an expect_call: step. A served failure said its line alone,
// and a CI page showed "expected 200" with no answer to read (a QA trial).
func failureDetail(s *Step, f StepResult) string {
	var text string
	if f.Expected != "" {
		text += fmt.Sprintf("\nexpected: %s\ngot:      %s", f.Expected, f.Got)
	}
	if f.Answer != "" {
		of := "the step's last request, and its answer:"
		if s.Action == "expect_call" {
			of = "the app's call, and the answer it got:"
		}
		text += "\n\n" + of + "\n" + f.Answer
	}
	return text
}

// Done is closed once every step has run (or the serving stopped).
func (sv *Serving) Done() <-chan struct{} { return sv.done }

// WriteJUnit writes the steps' verdicts as JUnit XML: a test case per step, failed
// with where and why, skipped when it never ran. The steps up to serve: passed, or
// there would be nothing served.
func (sv *Serving) WriteJUnit(w io.Writer) error {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	name := sv.run.S.Title
	if name == "" {
		name = sv.run.S.Path
	}
	// The suite's time is the serving's, to the report: the app's tests ran in it.
	suite := junitSuite{Name: name, Time: fmt.Sprintf("%.3f", time.Since(sv.began).Seconds())}
	for i, st := range sv.states {
		s := sv.run.S.Steps[i]
		c := junitCase{Name: fmt.Sprintf("step %d (%s)", s.N, s.Text), Classname: junitClassname(sv.run.S.Path),
			File: sv.run.S.Path, Line: s.pos.line, Time: fmt.Sprintf("%.3f", sv.wallTook[i].Seconds())}
		if st.At != "" {
			c.SystemOut = "at " + st.At + " (virtual)"
		}
		for _, e := range sv.earlier[i] {
			c.SystemOut = strings.TrimPrefix(c.SystemOut+"\n⚠ matched "+e, "\n")
		}
		switch st.State {
		case StatePassed:
		case StateFailed:
			msg := sv.failure(i)
			if sv.everyStep && sv.byStop[i] { // cut short by the stop, not failed by the app
				c.Error = &junitFailure{Message: msg, Type: "not done", Text: fmt.Sprintf("%s:%d: step %d (%s): %s (--exit-when-done: the run is not done)", sv.run.S.Path, s.pos.line, s.N, s.Text, msg)}
				suite.Errors++
				break
			}
			c.Failure = &junitFailure{Message: msg, Type: "failed", Text: fmt.Sprintf("%s:%d: step %d (%s): %s", sv.run.S.Path, s.pos.line, s.N, s.Text, msg) + failureDetail(s, sv.failures[i])}
			suite.Failures++
		case StatePending:
			if sv.everyStep {
				msg := cmp.Or(st.Message, "not run")
				c.Error = &junitFailure{Message: msg, Type: "not run", Text: fmt.Sprintf("%s:%d: step %d (%s): %s (--exit-when-done: the run is not done)", sv.run.S.Path, s.pos.line, s.N, s.Text, msg)}
				suite.Errors++
				break
			}
			fallthrough
		default:
			c.Skipped = &junitSkipped{Message: cmp.Or(st.Message, "not run")}
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(suite.Cases)
	return writeJUnitSuite(w, suite)
}

// notDoneMark marks, under --exit-when-done, a step the stop found still waiting:
// neither passed nor failed by the app.
const notDoneMark = "⊘"

// Verdicts writes a line per step: ✓, ✗ with where and why, ⊘ not done (cut
// short by a stop under --exit-when-done), or what it waits for.
func (sv *Serving) Verdicts(w io.Writer) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	passed, failed, notDone := 0, 0, 0
	for i, st := range sv.states {
		s := sv.run.S.Steps[i]
		mark := map[string]string{StatePassed: "✓", StateFailed: "✗", StateWaiting: "…", StateRunning: "…", StatePending: "·"}[st.State]
		line := fmt.Sprintf("%s %s:%d step %d (%s)", mark, sv.run.S.Path, s.pos.line, s.N, s.Text)
		switch st.State {
		case StateFailed:
			// --exit-when-done, stopped first: a step still waiting is not done, as
			// the exit status (2) and the JUnit report (an error) say; the summary
			// counted it failed (a Go developer's trial).
			if sv.everyStep && sv.byStop[i] {
				// And its mark: a ✗ beside "0 failed, 1 not done" read as a
				// failure (a QA engineer's trial).
				notDone++
				line = notDoneMark + strings.TrimPrefix(line, mark) + ": not done: " + sv.failure(i)
				break
			}
			failed++
			line += ": " + sv.failure(i)
		case StatePassed:
			passed++
			for _, e := range sv.earlier[i] {
				line += "\n  ⚠ matched " + e
			}
		case StatePending:
			if strings.HasPrefix(st.Message, notReached) {
				line += ": " + st.Message
			}
		}
		fmt.Fprintln(w, line)
	}
	summary := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if notDone > 0 {
		summary += fmt.Sprintf(", %d not done (still waiting when stopped)", notDone)
	}
	fmt.Fprintf(w, "%s, %d not run\n", summary, len(sv.states)-passed-failed-notDone)
}

// StatusAt is Status with the scenario's names and their IDs as they stand now —
// what the --ids file says at serve:, and since: accounts a later step connected,
// values a later step saved, passwords a later step changed — for an app's tests,
// which had no way to read those (a QA engineer's trial). api is the API's URL.
//
// A step that runs long holds runMu (a jump of a year): the status does not wait
// for it, and gives the IDs as the last look found them.
func (sv *Serving) StatusAt(api string) ServeStatus {
	if sv.runMu.TryLock() { // before Status: it takes runMu, Status mu
		if ids, err := sv.idsLocked(api); err == nil {
			sv.idsMu.Lock()
			sv.lastIDs = ids
			sv.idsMu.Unlock()
		}
		sv.runMu.Unlock()
	}
	st := sv.Status()
	sv.idsMu.Lock()
	st.IDs = sv.lastIDs
	sv.idsMu.Unlock()
	return st
}

// ServeStatus is what GET /sandbox/scenario answers: the progress of a served
// scenario, with its names and IDs when StatusAt gives them.
type ServeStatus struct {
	Scenario string            `json:"scenario"`
	File     string            `json:"file"`
	Phase    string            `json:"phase"`
	Passed   int               `json:"passed"`
	Failed   int               `json:"failed"`
	Steps    []ServeStepStatus `json:"steps"`
	IDs      json.RawMessage   `json:"ids,omitempty"`
}

// ServeStepStatus is one step of a ServeStatus.
type ServeStepStatus struct {
	N      int    `json:"n"`
	Line   int    `json:"line"`
	Step   string `json:"step"`
	Note   string `json:"note,omitempty"`
	AtPlan string `json:"at_planned,omitempty"`
	stepState
}

// Status is the scenario's progress, for GET /sandbox/scenario.
func (sv *Serving) Status() ServeStatus {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	out := ServeStatus{Scenario: sv.run.S.Title, File: sv.run.S.Path, Phase: sv.phase, Steps: []ServeStepStatus{}}
	for i, st := range sv.states {
		s := sv.run.S.Steps[i]
		j := ServeStepStatus{N: s.N, Line: s.pos.line, Step: s.Text, Note: s.Note, stepState: st}
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
	sv.runMu.Lock() // steps after serve: may be saving values
	defer sv.runMu.Unlock()
	return sv.idsLocked(api)
}

// idsLocked is IDs, under runMu.
func (sv *Serving) idsLocked(api string) ([]byte, error) {
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
	}{Scenario: r.S.Title, File: r.S.Path, API: api, Customers: map[string]customerIDs{}, Accounts: map[string]accountIDs{}, Saved: map[string]string{},
		Keys: map[string]string{"secret": r.keys.Secret, "public": r.keys.Public, "webhook_secret": r.W.Engine.Settings().WebhookSecret.Reveal()}}
	for k, v := range r.vars {
		// A link a step saved (a statement's path, a next page) names the host the
		// steps' own requests go to, which no app reaches: the served address
		// instead (a QA trial's app followed http://sandbank.invalid/statements/…).
		out.Saved[k] = strings.ReplaceAll(v, "http://"+requestHost, api)
	}
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

// AccountID is the connected ID of the scenario's account name ("" if none).
func (sv *Serving) AccountID(name string) string {
	sv.runMu.Lock()
	defer sv.runMu.Unlock()
	return sv.run.ids[name]
}
