package scenario

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"sandbank/engine"
	"sandbank/world"
)

// Host builds what a scenario runs on: a world from the options, and the HTTP API
// over it. Webhooks addressed to receiverURL must reach the API's built-in receiver
// in process. main provides it: nothing imports the api package but main.
type Host func(ctx context.Context, o world.Options, receiverURL string) (*world.World, http.Handler, error)

// ReceiverURL is the webhook URL of `webhooks: capture` in a world with no listener:
// the built-in receiver, reached in process (the .invalid host reaches nothing else).
const ReceiverURL = "http://sandbank.invalid/sandbox/receiver"

// requestHost is the Host of the requests steps make in process.
const requestHost = "sandbank.invalid"

// settleTimeout bounds the real time a step's webhooks take to be delivered.
const settleTimeout = 30 * time.Second

// Run is a scenario being run on a world: step by step (Next), to a pause, or to the
// end. Steps act through the same HTTP API an app calls, in process.
type Run struct {
	S *Scenario
	W *world.World
	H http.Handler

	receiverURL string
	keys        world.Keys // the world's own: a scenario's in its world, the user's in the demo
	tr          *transcript
	customerIDs map[string]string // customer name → the bank's customer ID
	numbers     map[string]string // account name → NUBAN
	banks       map[string]string // account name → bank code
	authMethods map[string]string // account name → how its customer signs in, as the bank says
	ids         map[string]string // account name → connected account ID
	vars        map[string]string // saved values
	last        *response

	notes     <-chan engine.Notice
	stopNotes func()
	noted     []engine.Notice
	dropped   bool
	attempts0 uint64         // the engine's attempt count when the run subscribed
	seen      uint64         // delivery notices received since
	reported  map[string]int // event ID → the number of the last attempt written to the transcript
	// made are the events entered in the outbox since the last collect, and told
	// those never sent (R4) that the transcript has said so: a jump's events for an
	// account connected before Data Sync were seen only by reading the outbox (a QA
	// engineer's trial).
	made      []string
	told      map[string]bool
	delivered []delivery     // successful deliveries, in order
	cursors   map[string]int // webhook expectations' place in delivered, per account ("" any)
	// matchedBy is the step (its number) that matched each delivery (its index in
	// delivered), whatever its account: no later step matches that delivery again,
	// with or without account: (an unscoped list took the connect's
	// account_updated, and a step for the account after a quiet sync matched it
	// again and passed: a QA engineer's trial); and a step that misses an event
	// that came before says which step took the one after it.
	matchedBy map[int]int
	began     map[int]time.Time // the clock as each step (by number) began, for madeBefore
	// servedSeq is the last event made before serve: (0 for a run not served): a
	// webhook step after serve: waits for what the app caused, so the webhooks of
	// events from before it do not match.
	servedSeq uint64
	// madeFrom and madeBy, when set, limit webhook expectations to events made in
	// a served step's window, as its README says: from its at: or the end of the
	// step before it (a webhook of the app's sync two hours before matched a step
	// after an outage, and passed it), to its deadline — which counts what was
	// delivered late only because a jump held it back.
	madeFrom, madeBy time.Time

	next    int        // the index of the next step
	resMu   sync.Mutex // results are read by whoever played the run, maybe while a step runs
	results []StepResult
	failed  bool

	walk *handWalk // the presenter's last walk of the widget by hand, for the next step (HandWalk)
}

// handWalk is a walk of the widget made by hand while a scenario is played: a
// connect or a re-authorisation of the account.
type handWalk struct {
	reauth  bool
	account engine.Account
}

// StepResult is how a step went.
type StepResult struct {
	Step     *Step
	OK       bool
	Err      *Error // why it failed, at the step or the failed expectation
	Expected string
	Got      string
	Checks   []string // ✓/✗ lines
	// Earlier: the webhook a webhook: step matched, when its event was made and
	// delivered before a step moved the clock (madeBefore), as "account_updated —
	// made at …".
	Earlier []string
	// ended, when set, is the virtual instant of what a waiting step matched — the
	// app's call as it began, the last webhook's event as it was made — which is
	// where the next step's window starts: not when the step noticed it, after the
	// events the call made (a sync's webhook fell before the next step's window).
	ended time.Time
	// judged: a webhook step found the webhook it names, and its expect: failed on
	// it — a verdict, not a wait: a served step fails at once instead of waiting
	// out its window for another that it would not match (the first is the one).
	judged bool
	// Answer is a failed step's last request and its answer — "GET /accounts/…
	// → 200" and the body's first lines, secrets masked — which a JUnit report
	// shows under the failure: CI had to keep the transcript to see what the API
	// said (a QA engineer's trial).
	Answer string
}

// delivery is a webhook that reached the receiver (2xx).
type delivery struct {
	at      time.Time
	account string
	seq     uint64
	made    time.Time // when the event was made
	event   string    // the name the receiver saw: v2's may differ from the outbox's type
	body    []byte
	header  http.Header // the delivery's headers (engine.WebhookHeaders)
}

// Open starts a run of s on w, whose API is h; transcript, if not nil, receives the
// transcript. It sets up the scenario's customers and settings.
func Open(ctx context.Context, s *Scenario, w *world.World, h http.Handler, receiverURL string, out io.Writer) (*Run, error) {
	r := &Run{S: s, W: w, H: h, receiverURL: receiverURL, customerIDs: map[string]string{}, numbers: map[string]string{},
		banks: map[string]string{}, authMethods: map[string]string{}, ids: map[string]string{}, vars: map[string]string{}, reported: map[string]int{}, told: map[string]bool{},
		cursors: map[string]int{}, matchedBy: map[int]int{}, began: map[int]time.Time{}}
	set := w.Engine.Settings()
	r.keys = world.Keys{Secret: set.SecretKey.Reveal(), Public: set.PublicKey, WebhookSecret: set.WebhookSecret.Reveal()}
	if out != nil {
		r.tr = &transcript{w: out, secrets: func() []engine.Secret {
			set := w.Engine.Settings()
			return []engine.Secret{set.SecretKey, set.WebhookSecret}
		}}
		if len(s.FromEnv) > 0 {
			r.tr.written = writtenAs(s.FromEnv)
		}
	}
	r.notes, r.stopNotes = w.Engine.Subscribe(1 << 16)
	r.attempts0 = w.Engine.DeliveryAttempts()
	r.tr.header(s)
	r.tr.section("setup", w.Clock.Now())
	if err := r.setup(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Close ends the run's subscription; the world stays open.
func (r *Run) Close() {
	if r.stopNotes != nil {
		r.stopNotes()
		r.stopNotes = nil
	}
}

func (r *Run) setup(ctx context.Context) error {
	all := r.W.Bank.Customers()
	for _, c := range r.S.Customers {
		if c.World >= 0 {
			if c.World >= len(all) || len(all[c.World].Accounts) == 0 {
				return &Error{File: r.S.Path, Line: c.pos.line, Col: c.pos.col, Msg: fmt.Sprintf("the world has no customer %d with an account", c.World)}
			}
			bc := all[c.World]
			r.customerIDs[c.Name] = bc.ID
			a := c.Accounts[0]
			r.numbers[a.Name], r.banks[a.Name] = bc.Accounts[0].Number, bc.Accounts[0].Institution.Code
			r.authMethods[a.Name] = bc.AuthMethod
			r.tr.line("customer %s is the world's customer %d: %s, %s %s", c.Name, c.World, bc.Name, bc.Accounts[0].Institution.Name, bc.Accounts[0].Number)
			continue
		}
		body := map[string]any{"profile": "dormant"}
		nc := c.New
		for k, v := range map[string]string{"name": nc.Name, "institution": nc.Institution, "mfa": string(nc.MFA),
			"profile": nc.Profile, "username": nc.Username, "password": nc.Password, "account_type": nc.AccountType,
			"auth_method": nc.AuthMethod} {
			if v != "" {
				body[k] = v
			}
		}
		body["balance"] = nc.Balance
		res := r.call(ctx, "POST", "/sandbox/customers", jsonBody(body), "secret", nil, 0)
		if res.Status != http.StatusCreated {
			return r.setupError(c.pos, "adding customer "+c.Name, res)
		}
		var got struct {
			ID         string
			AuthMethod string `json:"auth_method"`
			Accounts   []struct {
				AccountNumber string
				Institution   struct{ BankCode string }
			}
		}
		if err := json.Unmarshal(res.Body, &got); err != nil || len(got.Accounts) == 0 {
			return r.setupError(c.pos, "adding customer "+c.Name, res)
		}
		r.customerIDs[c.Name] = got.ID
		r.numbers[c.Accounts[0].Name], r.banks[c.Accounts[0].Name] = got.Accounts[0].AccountNumber, got.Accounts[0].Institution.BankCode
		for _, a := range c.Accounts { // the way the bank says the customer signs in
			r.authMethods[a.Name] = got.AuthMethod
		}
		for _, a := range c.Accounts[1:] {
			body := map[string]any{"institution": a.Institution, "balance": a.Balance}
			if a.Type != "" {
				body["account_type"] = a.Type
			}
			res := r.call(ctx, "POST", "/sandbox/customers/"+got.ID+"/accounts", jsonBody(body), "secret", nil, 0)
			var opened struct {
				Accounts []struct{ AccountNumber string }
			}
			if res.Status != http.StatusCreated || json.Unmarshal(res.Body, &opened) != nil || len(opened.Accounts) == 0 {
				return r.setupError(a.pos, "opening account "+a.Name, res)
			}
			// the new account comes last: at a bank the customer holds another at, the
			// number tells them apart
			r.numbers[a.Name], r.banks[a.Name] = opened.Accounts[len(opened.Accounts)-1].AccountNumber, a.Institution
		}
	}
	res := r.settings(ctx, r.S.Settings)
	if res.Status != http.StatusOK {
		return r.setupError(pos{1, 1}, "applying the settings", res)
	}
	return r.settle(ctx)
}

func (r *Run) setupError(p pos, what string, res *response) error {
	return &Error{File: r.S.Path, Line: p.line, Col: p.col, Msg: fmt.Sprintf("%s: the API answered %d %s", what, res.Status, bytes.TrimSpace(res.Body))}
}

// settings applies a settings block through PATCH /sandbox/settings.
func (r *Run) settings(ctx context.Context, s Settings) *response {
	body := map[string]any{}
	if s.DataSync != nil {
		body["data_sync_enabled"] = *s.DataSync
	}
	if s.AutoSync != nil {
		body["auto_sync"] = autoSyncWord(*s.AutoSync)
	}
	if s.Webhooks != nil {
		switch *s.Webhooks {
		case WebhooksCapture:
			body["webhook_url"] = r.receiverURL
		case WebhooksNone:
			body["webhook_url"] = ""
		default:
			body["webhook_url"] = *s.Webhooks
		}
	}
	if s.WebhookSecret != nil {
		body["webhook_secret"] = *s.WebhookSecret
	}
	if s.WebhookFormat != nil {
		body["webhook_format"] = *s.WebhookFormat
	}
	if s.StatementBuild != nil {
		body["statement_build"] = s.StatementBuild.String()
	}
	return r.call(ctx, "PATCH", "/sandbox/settings", jsonBody(body), "secret", nil, 0)
}

func autoSyncWord(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return strconv.Itoa(int(d/time.Hour)) + "h"
}

// Left is how many steps have not run.
func (r *Run) Left() int { return len(r.S.Steps) - r.next }

// Line is the step's line in its file.
func (s *Step) Line() int { return s.pos.line }

// Col is the step's column in its file.
func (s *Step) Col() int { return s.pos.col }

// Done reports whether every step has run (or the run stopped at a failure).
func (r *Run) Done() bool { return r.next >= len(r.S.Steps) || r.failed }

// Failed reports whether a step failed.
func (r *Run) Failed() bool { return r.failed }

// Results are the results of the steps run so far; a step still running is not
// among them.
func (r *Run) Results() []StepResult {
	r.resMu.Lock()
	defer r.resMu.Unlock()
	return slices.Clone(r.results)
}

// NextStep is the step Next would run, or nil.
func (r *Run) NextStep() *Step {
	if r.Done() {
		return nil
	}
	return r.S.Steps[r.next]
}

// Next runs the next step and returns its result. A connect: or reauthorise:
// step the presenter has just walked by hand (HandWalk) takes that walk as its
// own instead of walking the widget again.
func (r *Run) Next(ctx context.Context) StepResult {
	st := r.S.Steps[r.next]
	r.next++
	walk := r.walk
	r.walk = nil // any other step run first forgets it
	var res StepResult
	if ok, _ := r.adopts(st, walk); ok {
		res = r.adoptWalk(ctx, st, *walk)
	} else {
		res = r.runStep(ctx, st)
	}
	if !res.OK && r.last != nil {
		res.Answer = r.answerText(r.last)
	}
	r.resMu.Lock()
	r.results = append(r.results, res)
	r.resMu.Unlock()
	if !res.OK {
		r.failed = true
	}
	return res
}

// answerLines bounds the body a failed step's Answer shows.
const answerLines = 30

// answerText is res as a failed step's Answer: the request's method and path,
// its status, and the body's first lines, indented as a transcript shows it.
func (r *Run) answerText(res *response) string {
	if res.TimedOut {
		return r.masked(fmt.Sprintf("%s %s → no answer: the client gave up (timeout)", res.Method, res.Path))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s → %d", res.Method, r.masked(res.Path), res.Status)
	body := hideRealTime(res.Body)
	var out bytes.Buffer
	if json.Indent(&out, body, "", "  ") == nil {
		body = out.Bytes()
	}
	if len(body) > 0 && isText(body) {
		// A customer's password and security answer, which a bank: step's answer
		// holds, are not for a report CI shows on a pull request (a review).
		// Masked before lines are cut: a key across the cut kept its first part (a
		// review). The port a run took from the environment stays as it was, as
		// the failure's own words have it: the transcript alone is the file's
		// words, byte for byte.
		body = []byte(r.masked(string(answerSecrets.ReplaceAll(body, []byte(`$1"(not shown)"`)))))
		lines := strings.Split(strings.TrimRight(string(body), "\n"), "\n")
		if len(lines) > answerLines {
			lines = append(lines[:answerLines:answerLines], fmt.Sprintf("… %d more lines", len(lines)-answerLines))
		}
		for i, l := range lines {
			if r := []rune(l); len(r) > answerWidth { // a minified body of megabytes is one line
				lines[i] = string(r[:answerWidth]) + fmt.Sprintf("… (%d characters)", len(r))
			}
		}
		b.WriteString("\n" + strings.Join(lines, "\n"))
	} else if len(body) > 0 {
		fmt.Fprintf(&b, "\n(%d bytes of binary data)", len(body))
	}
	return b.String() // path and body masked each, the body before its lines were cut
}

// answerWidth bounds a line of a failed step's Answer.
const answerWidth = 300

// answerSecrets are the fields of an answer a failed step's Answer does not show:
// a customer's password and security answer (the sandbox's own routes give them).
var answerSecrets = regexp.MustCompile(`("(?:password|security_answer)":\s*)"(?:[^"\\]|\\.)*"`)

// HandWalk records that the presenter walked the widget by hand — on stage, the
// TUI's c or r — connecting account a or re-authorising it (reauth), and says
// whether a step takes the walk as its own: the next one, if it is a connect: or
// reauthorise: of that account with nothing to check of its own walk (no expect:
// or save:, which read its answers; no link: or at:). Its password:, answers: and
// token: say how the walk goes, and one by hand went as the presenter chose: the
// account is connected or re-authorised all the same. Walking it
// again would re-authorise twice on the audience's screen, two webhooks each; a
// walk made earlier than the step leaves what later steps expect changed. It
// reports whether the next step adopts the walk — after a failed step too, as
// play goes on — and, when that step is the walk's connect: or reauthorise: but
// walks again all the same, why. Not while a step runs: the TUI calls it between
// steps.
func (r *Run) HandWalk(reauth bool, a engine.Account) (adopted bool, why string) {
	w := &handWalk{reauth: reauth, account: a}
	r.walk = w
	if r.next >= len(r.S.Steps) {
		return false, ""
	}
	return r.adopts(r.S.Steps[r.next], w)
}

// adopts reports whether st takes the hand walk w (nil: none) as its own; why
// says why not when st is that walk's step but checks a walk of its own.
func (r *Run) adopts(st *Step, w *handWalk) (ok bool, why string) {
	if w == nil || st.Account == nil {
		return false, ""
	}
	switch st.Action {
	case "reauthorise":
		ok = w.reauth && r.ids[st.Account.Name] == w.account.ID
	case "connect":
		ok = !w.reauth && r.ids[st.Account.Name] == "" && w.account.Number == r.numbers[st.Account.Name] &&
			w.account.CustomerID == r.customerIDs[st.Account.Customer.Name]
	}
	switch {
	case !ok:
		return false, ""
	case len(st.Expect) > 0:
		return false, "it has an expect: of its own, which checks its walk's answers"
	case len(st.Save) > 0:
		return false, "it has a save: of its own, which reads its walk's answers"
	case st.Link != "":
		return false, "it walks its link:, a v2 initiate link"
	case !st.At.IsZero():
		return false, "it runs at its at:, later"
	}
	return true, ""
}

// Walker is the customer and account a connect: or reauthorise: step walks the
// widget as. On stage the TUI points them out among the bank's others: a world
// has customers of the same name at the same bank (the world's Adam Okafor
// beside the file's), and a presenter who walked the first one by hand
// connected an account no step was about (a presenter's trial).
type Walker struct {
	Account     string // the file's name of the account: adam
	CustomerID  string // the bank's customer
	Username    string // at the bank: it never changes, unlike the password
	Institution string // the bank's code
	Number      string // the account's number at the bank
}

// WalkOf is whose walk of the widget st is, if it is a connect: or reauthorise:.
func (r *Run) WalkOf(st *Step) (Walker, bool) {
	if st.Account == nil || (st.Action != "connect" && st.Action != "reauthorise") {
		return Walker{}, false
	}
	a := st.Account
	w := Walker{Account: a.Name, CustomerID: r.customerIDs[a.Customer.Name], Institution: r.banks[a.Name], Number: r.numbers[a.Name]}
	if c, err := r.W.Bank.Customer(w.CustomerID); err == nil {
		w.Username = c.Username
	}
	return w, true
}

// SyncAhead is the first step ahead that a sync of account id through v1's route,
// made now, would have refused 429: one that syncs the account the same way —
// sync:, or call: POST /accounts/{…}/sync — less than window of virtual time from
// now, the clock moving from here as the file moves it (an advance: by its
// duration, an at: to its instant, if that is later). On stage a presenter's
// sync between steps spent the window, and the file's sync: step failed
// RATE_LIMITED (a presenter's trial). nil if no step does; the steps from serve:
// on are not looked at, as play does not run them. Not while a step runs: the
// TUI asks between steps.
func (r *Run) SyncAhead(id string, window time.Duration) *Step {
	if id == "" || r.next >= len(r.S.Steps) {
		return nil
	}
	now := r.W.Clock.Now()
	t, prev := now, r.S.Start // t: when each step runs, from now; prev: the file's clock before it
	if r.next > 0 {
		prev = r.S.Steps[r.next-1].Clock
	}
	walked := "" // the account the next step names, if it takes a walk by hand of id as its own
	if ok, _ := r.adopts(r.S.Steps[r.next], r.walk); ok && r.walk.account.ID == id {
		walked = r.S.Steps[r.next].Account.Name
	}
	for i := r.next; i < len(r.S.Steps) && (r.S.ServeAt < 0 || i < r.S.ServeAt); i++ {
		st := r.S.Steps[i]
		move := st.Clock.Sub(prev) // what the step itself moves the clock by
		if !st.At.IsZero() {
			move = st.Clock.Sub(st.At)
			if st.At.After(t) {
				t = st.At
			}
		}
		if t.Sub(now) >= window {
			return nil
		}
		if r.syncs(st, id, walked) {
			return st
		}
		t, prev = t.Add(move), st.Clock
	}
	return nil
}

// syncs reports whether st syncs account id through v1's sync route. walked is
// the name of the account a walk by hand made id, if the next step, its
// connect:, takes that walk as its own.
func (r *Run) syncs(st *Step, id, walked string) bool {
	switch st.Action {
	case "sync":
		return r.ids[st.Account.Name] == id || st.Account.Name == walked
	case "call":
		if st.Method != http.MethodPost {
			return false
		}
		path, err := r.expand(st.Path)
		path, _, _ = strings.Cut(path, "?")
		return err == nil && path == "/accounts/"+id+"/sync"
	}
	return false
}

// adoptWalk passes a connect: or reauthorise: step with the walk the presenter
// made by hand just before it.
func (r *Run) adoptWalk(ctx context.Context, st *Step, w handWalk) StepResult {
	r.tr.section(fmt.Sprintf("step %d · line %d · %s", st.N, st.pos.line, st.Text), time.Time{})
	if st.Note != "" {
		r.tr.line("# %s", st.Note)
	}
	r.last = nil
	if st.Action == "connect" {
		r.ids[st.Account.Name] = w.account.ID
		r.tr.line("the presenter connected %s by hand in the widget: the step takes that walk as its own", st.Account.Name)
		r.tr.line("account %s is %s", st.Account.Name, w.account.ID)
	} else {
		r.tr.line("the presenter re-authorised %s by hand in the widget: the step takes that walk as its own", st.Account.Name)
	}
	if err := r.settle(ctx); err != nil {
		return r.fail(st, st.pos, "%v", err)
	}
	res := StepResult{Step: st, OK: true, Checks: []string{"✓ walked by hand in the widget just before this step"}}
	r.tr.checks(res.Checks)
	return res
}

// ToEnd runs the remaining steps up to serve: (or the end), stopping at a failure.
func (r *Run) ToEnd(ctx context.Context) {
	for !r.Done() && r.next != r.S.ServeAt {
		r.Next(ctx)
	}
}

// ToPause runs steps up to and including the next pause: (or serve:, or the end).
func (r *Run) ToPause(ctx context.Context) {
	for !r.Done() {
		a := r.NextStep().Action
		r.Next(ctx)
		if a == "pause" || a == "serve" {
			return
		}
	}
}

func (r *Run) fail(st *Step, p pos, format string, args ...any) StepResult {
	return StepResult{Step: st, Err: &Error{File: r.S.Path, Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}}
}

func (r *Run) runStep(ctx context.Context, st *Step) StepResult {
	if _, ok := r.began[st.N]; !ok { // served, a step's at: was waited for, and noted, before
		r.began[st.N] = r.W.Clock.Now()
	}
	r.tr.section(fmt.Sprintf("step %d · line %d · %s", st.N, st.pos.line, st.Text), time.Time{})
	if st.Note != "" {
		r.tr.line("# %s", st.Note)
	}
	r.last = nil
	if !st.At.IsZero() {
		if d := st.At.Sub(r.W.Clock.Now()); d > 0 {
			if res := r.call(ctx, "POST", "/sandbox/clock", jsonBody(map[string]any{"advance": durationParam(d)}), "secret", nil, 0); res.Status != http.StatusOK {
				return r.fail(st, st.pos, "moving the clock to %s: the API answered %d %s", st.At.Format(time.RFC3339), res.Status, bytes.TrimSpace(res.Body))
			}
			// The webhooks due on the way go out before the step acts, with the
			// settings they met there: a retry the move passed went out after a
			// settings step changed the secret, or before it, as the outbox got to
			// it (a review: one run in three).
			if err := r.settle(ctx); err != nil {
				return r.fail(st, st.pos, "%v", err)
			}
		}
	}
	res := StepResult{Step: st, OK: true}
	if bad := r.act(ctx, st); bad != nil {
		return *bad
	}
	if err := r.settle(ctx); err != nil {
		return r.fail(st, st.pos, "%v", err)
	}
	if r.last != nil {
		if first := r.expectEach(st, r.last, &res, nil); first != nil {
			r.tr.checks(res.Checks)
			return *first
		}
		for _, sv := range st.Save {
			v, ok := r.last.lookup(sv.Path)
			if !ok {
				f := r.fail(st, sv.pos, "save %s: the answer has no %s%s", sv.Var, sv.Path, missingHint(r.last, sv.Path))
				if r.last.Status/100 != 2 {
					f.Err.Msg += fmt.Sprintf(" (the answer was %d: %s)", r.last.Status, errMessage(r.last))
				}
				return f
			}
			r.vars[sv.Var] = plain(v)
			shown, _ := r.last.shown(sv.Path)
			r.tr.line("saved %s = %s", sv.Var, r.masked(plain(shown)))
		}
	}
	if st.Action == "webhook" || st.Action == "webhooks" {
		if fr := r.expectWebhooks(st, &res); fr != nil {
			r.tr.checks(res.Checks)
			return *fr
		}
	}
	r.tr.checks(res.Checks)
	return res
}

// plain is a JSON value as text for a saved variable.
func plain(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// act does what the step says; it returns a result only when the step failed.
func (r *Run) act(ctx context.Context, st *Step) *StepResult {
	need2xx := len(st.Expect) == 0
	failed := func(res *response) *StepResult {
		f := r.fail(st, st.pos, "%s %s answered %d: %s", res.Method, res.Path, res.Status, errMessage(res))
		if res.TimedOut {
			f = r.fail(st, st.pos, "%s %s did not answer within the step's timeout of %s", res.Method, res.Path, st.Timeout)
		}
		return &f
	}
	do := func(method, path string, body []byte, key string) *response {
		res := r.call(ctx, method, path, body, key, st.Headers, st.Timeout)
		r.last = res
		return res
	}
	switch st.Action {
	case "connect":
		return r.connect(ctx, st, do, need2xx, failed)
	case "reauthorise":
		return r.reauthorise(ctx, st, do, need2xx, failed)
	case "sync", "unlink":
		res := do("POST", "/accounts/"+r.ids[st.Account.Name]+"/"+st.Action, nil, "secret")
		if need2xx && res.Status/100 != 2 {
			return failed(res)
		}
		if need2xx && st.Action == "sync" {
			// A sync the bank refused answers 200 with status failed: without
			// expect: the step must succeed, and this one did not.
			var out struct{ Status, Code, Message string }
			if json.Unmarshal(res.Body, &out) == nil && out.Status == "failed" {
				f := r.fail(st, st.pos, "the sync of %s failed: %s (%s); to make that the point, say so: expect: {status: failed, code: %s}",
					st.Account.Name, out.Message, out.Code, out.Code)
				return &f
			}
		}
	case "call":
		path, err := r.expand(st.Path)
		if err != nil {
			f := r.fail(st, st.pos, "%v", err)
			return &f
		}
		var body []byte
		if st.Body != nil {
			if body, err = r.bodyJSON(st.Body); err != nil {
				f := r.fail(st, st.pos, "%v", err)
				return &f
			}
		}
		key, err := r.expand(st.Key)
		if err != nil {
			f := r.fail(st, st.pos, "%v", err)
			return &f
		}
		if res := do(st.Method, path, body, key); need2xx && res.Status/100 != 2 {
			return failed(res)
		}
	case "bank":
		cid := r.customerIDs[st.Customer.Name]
		var res *response
		switch st.Op {
		case "debit", "credit":
			body := map[string]any{"type": st.Op, "amount": st.Amount, "account": r.numbers[st.Account.Name]}
			if st.Narration != "" {
				nar, err := r.expand(st.Narration)
				if err != nil {
					f := r.fail(st, st.pos, "%v", err)
					return &f
				}
				body["narration"] = nar
			}
			res = do("POST", "/sandbox/customers/"+cid+"/transactions", jsonBody(body), "secret")
		case "password":
			pw, err := r.expand(*st.Password)
			if err != nil {
				f := r.fail(st, st.pos, "%v", err)
				return &f
			}
			res = do("POST", "/sandbox/customers/"+cid+"/password", jsonBody(map[string]any{"password": pw}), "secret")
		case "mfa":
			res = do("POST", "/sandbox/customers/"+cid+"/mfa", jsonBody(map[string]any{"type": st.MFA}), "secret")
		}
		if need2xx && res.Status/100 != 2 {
			return failed(res)
		}
	case "outage":
		path := "/sandbox/institutions/" + st.Institution + "/outage"
		var res *response
		if st.End {
			res = do("DELETE", path, nil, "secret")
		} else {
			res = do("POST", path, jsonBody(map[string]any{"for": durationParam(st.For)}), "secret")
		}
		if need2xx && res.Status/100 != 2 {
			return failed(res)
		}
	case "latency":
		res := do("POST", "/sandbox/institutions/"+st.Institution+"/latency", jsonBody(map[string]any{"latency": durationParam(st.Delay)}), "secret")
		if need2xx && res.Status/100 != 2 {
			return failed(res)
		}
	case "advance":
		res := do("POST", "/sandbox/clock", jsonBody(map[string]any{"advance": durationParam(st.Advance)}), "secret")
		if res.Status != http.StatusOK {
			return failed(res)
		}
		r.last = nil
	case "at", "pause", "serve":
		if st.Say != "" {
			r.tr.line("» %s", st.Say)
		}
	case "settings":
		res := r.settings(ctx, st.Settings)
		r.last = res
		if need2xx && res.Status/100 != 2 {
			return failed(res)
		}
	case "receiver":
		body := map[string]any{"mode": st.Receiver}
		switch st.Receiver {
		case "error":
			body["status"] = st.Status
		case "slow":
			body["delay"] = durationParam(st.Delay)
		}
		res := do("POST", "/sandbox/receiver/mode", jsonBody(body), "secret")
		if need2xx && res.Status/100 != 2 {
			return failed(res)
		}
	case "webhook", "webhooks":
		// checked once delivery has settled
	case "expect_call":
		f := r.fail(st, st.pos, "expect_call waits for the app under test: run the file with sandbank serve --scenario")
		return &f
	}
	return nil
}

// widgetJSON is what the widget routes answer.
type widgetJSON struct {
	Session   string `json:"session"`
	Status    string `json:"status"`
	Code      string `json:"code"`
	Account   string `json:"account"`
	Challenge *struct {
		Type   string `json:"type"`
		Prompt string `json:"prompt"`
	} `json:"challenge"`
	Accounts []struct {
		Number string `json:"number"`
	} `json:"accounts"`
}

type doFunc func(method, path string, body []byte, key string) *response

// connect walks the widget as the customer would — bank, login, each challenge —
// and exchanges the code, as the business's server does: v1's widget and
// POST /account/auth, or, with link:, a v2 initiate link and POST /v2/accounts/auth.
func (r *Run) connect(ctx context.Context, st *Step, do doFunc, need2xx bool, failed func(*response) *StepResult) *StepResult {
	a := st.Account
	open := map[string]any{"key": r.keys.Public, "institution": r.banks[a.Name]}
	if m := r.authMethods[a.Name]; m != "" { // the customer's way in
		open["auth_method"] = m
	}
	link, bad := r.linkID(st)
	if bad != nil {
		return bad
	}
	if link != "" {
		open = map[string]any{"link": link, "institution": r.banks[a.Name]}
	}
	res := do("POST", "/connect/sessions", jsonBody(open), "none")
	var w widgetJSON
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &w) != nil {
		return r.stopped(res, need2xx, failed)
	}
	w, bad, stop := r.login(ctx, st, w, do, need2xx, failed)
	if stop {
		return bad
	}
	var got struct {
		ID   string
		Data struct{ ID string }
	}
	if link != "" {
		res = do("POST", "/v2/accounts/auth", jsonBody(map[string]any{"code": w.Code}), "secret")
	} else {
		res = do("POST", "/account/auth", jsonBody(map[string]any{"code": w.Code}), "secret")
	}
	if res.Status == http.StatusOK && json.Unmarshal(res.Body, &got) == nil && got.ID == "" {
		got.ID = got.Data.ID // v2's envelope
	}
	if res.Status != http.StatusOK || got.ID == "" {
		return r.stopped(res, need2xx, failed)
	}
	r.ids[a.Name] = got.ID
	r.tr.line("account %s is %s", a.Name, got.ID)
	return nil
}

// reauthorise asks for a reauth token (or takes the step's) and walks the widget in
// reauth mode: only what the bank asks.
func (r *Run) reauthorise(ctx context.Context, st *Step, do doFunc, need2xx bool, failed func(*response) *StepResult) *StepResult {
	token, err := r.expand(st.Token)
	if err != nil {
		f := r.fail(st, st.pos, "%v", err)
		return &f
	}
	link, bad := r.linkID(st)
	if bad != nil {
		return bad
	}
	open := map[string]any{"key": r.keys.Public, "reauth_token": token}
	if link != "" {
		open = map[string]any{"link": link}
	} else if token == "" {
		res := do("POST", "/accounts/"+r.ids[st.Account.Name]+"/reauthorise", nil, "secret")
		var got struct{ Token string }
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &got) != nil {
			return r.stopped(res, need2xx, failed)
		}
		open["reauth_token"] = got.Token
	}
	res := do("POST", "/connect/sessions", jsonBody(open), "none")
	var w widgetJSON
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &w) != nil {
		return r.stopped(res, need2xx, failed)
	}
	_, bad, _ = r.login(ctx, st, w, do, need2xx, failed)
	return bad
}

// linkID is the v2 initiate link a step walks: its link:, a mono_url or an ID,
// expanded; "" for none.
func (r *Run) linkID(st *Step) (string, *StepResult) {
	if st.Link == "" {
		return "", nil
	}
	l, err := r.expand(st.Link)
	if err != nil {
		f := r.fail(st, st.pos, "%v", err)
		return "", &f
	}
	return l[strings.LastIndexByte(l, '/')+1:], nil
}

// login types the password if the widget asks for it, then answers each challenge,
// until success. stop says the walk ended short of success: bad is the failure, or
// nil when the step's expectations judge the last answer.
func (r *Run) login(_ context.Context, st *Step, w widgetJSON, do doFunc, need2xx bool, failed func(*response) *StepResult) (_ widgetJSON, bad *StepResult, stop bool) {
	c, err := r.W.Bank.Customer(r.customerIDs[st.Account.Customer.Name])
	if err != nil {
		f := r.fail(st, st.pos, "%v", err)
		return w, &f, true
	}
	next := func(res *response) (widgetJSON, bool) {
		var n widgetJSON
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &n) != nil {
			return n, false
		}
		return n, true
	}
	if w.Status == "login" {
		pw := c.Password
		if st.Password != nil {
			if pw, err = r.expand(*st.Password); err != nil {
				f := r.fail(st, st.pos, "%v", err)
				return w, &f, true
			}
		}
		res := do("POST", "/connect/sessions/"+w.Session+"/login", jsonBody(map[string]any{"username": c.Username, "password": pw}), "none")
		n, ok := next(res)
		if !ok {
			return w, r.stopped(res, need2xx, failed), true
		}
		w.Status, w.Challenge, w.Code, w.Account, w.Accounts = n.Status, n.Challenge, n.Code, n.Account, n.Accounts
	}
	typed := 0
	for w.Status == "challenge" {
		if typed == 20 {
			f := r.fail(st, st.pos, "the bank kept asking: 20 challenges")
			return w, &f, true
		}
		ans := AnswerCorrect
		if typed < len(st.Answers) {
			ans = st.Answers[typed]
			if ans, err = r.expand(ans); err != nil {
				f := r.fail(st, st.pos, "%v", err)
				return w, &f, true
			}
		} else if len(st.Answers) > 0 {
			// the answers given ran out: the user gives up here
			f := r.fail(st, st.pos, "the bank asked a %s challenge after the %d answers given", w.Challenge.Type, len(st.Answers))
			if !need2xx {
				return w, nil, true
			}
			return w, &f, true
		}
		typed++
		if ans == AnswerCorrect {
			state, err := r.W.Engine.Widget(w.Session)
			if err != nil || state.Challenge == nil {
				f := r.fail(st, st.pos, "the widget session has no open challenge: %v", err)
				return w, &f, true
			}
			if ans, err = r.W.Bank.ExpectedAnswer(state.Challenge.ID); err != nil {
				f := r.fail(st, st.pos, "finding the answer to the %s challenge: %s", state.Challenge.Kind, engine.ErrorMessage(err))
				return w, &f, true
			}
			r.tr.line("the tester finds the answer to the %s challenge: %s", w.Challenge.Type, ans)
		}
		res := do("POST", "/connect/sessions/"+w.Session+"/answer", jsonBody(map[string]any{"answer": ans}), "none")
		n, ok := next(res)
		if !ok {
			return w, r.stopped(res, need2xx, failed), true
		}
		w.Status, w.Challenge, w.Code, w.Account, w.Accounts = n.Status, n.Challenge, n.Code, n.Account, n.Accounts
	}
	if w.Status == "account" { // the sign-in sees several accounts: the customer picks this one
		number := r.numbers[st.Account.Name]
		r.tr.line("the customer picks account %s of the %d the bank shows", number, len(w.Accounts))
		res := do("POST", "/connect/sessions/"+w.Session+"/account", jsonBody(map[string]any{"account": number}), "none")
		n, ok := next(res)
		if !ok {
			return w, r.stopped(res, need2xx, failed), true
		}
		w.Status, w.Challenge, w.Code, w.Account = n.Status, n.Challenge, n.Code, n.Account
	}
	if w.Status != "success" && need2xx {
		f := r.fail(st, st.pos, "the widget stopped at %q", w.Status)
		return w, &f, true
	}
	return w, nil, w.Status != "success"
}

// stopped ends a walk at a refused request: a failure, unless the step's
// expectations judge that answer (nil).
func (r *Run) stopped(res *response, need2xx bool, failed func(*response) *StepResult) *StepResult {
	if need2xx {
		return failed(res)
	}
	return nil
}

func errMessage(res *response) string {
	var e struct{ Message string }
	if json.Unmarshal(res.Body, &e) == nil && e.Message != "" {
		return e.Message
	}
	return strings.TrimSpace(string(res.Body))
}

// call sends a request to the API in process and writes it to the transcript.
func (r *Run) call(ctx context.Context, method, path string, body []byte, key string, headers map[string]string, timeout time.Duration) *response {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+requestHost+path, rd)
	res := &response{Method: method, Path: path, Header: http.Header{}}
	if err != nil {
		res.Status, res.Body = http.StatusBadRequest, []byte(err.Error())
		return res
	}
	req.RemoteAddr = "127.0.0.1:0"
	if body == nil {
		req.Body = http.NoBody // as a server hands every handler
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	switch key {
	case "secret":
		req.Header.Set("mono-sec-key", r.keys.Secret)
	case "public":
		req.Header.Set("mono-sec-key", r.keys.Public)
	case "none", "":
	default:
		req.Header.Set("mono-sec-key", key)
	}
	for k, v := range headers {
		if v, err := r.expand(v); err == nil {
			if strings.ContainsFunc(v, badHeaderByte) { // a saved value brought it: no client could send it
				res.Status, res.Body = http.StatusBadRequest, []byte("header "+k+" holds a control character once its {…} are filled in: no HTTP client can send it")
				return res
			}
			req.Header.Set(k, v)
		}
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	at := r.W.Clock.Now() // when it was sent: what it set off (a jump's webhooks) comes after it
	r.H.ServeHTTP(rec, req)
	res.Status, res.Header, res.Body = rec.status, rec.header, rec.body.Bytes()
	if ctx.Err() != nil && timeout > 0 {
		res.TimedOut, res.Status = true, 0
	}
	r.tr.request(at, method, path, key, headers, body, res)
	return res
}

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
func (r *recorder) Write(b []byte) (int, error) { r.WriteHeader(http.StatusOK); return r.body.Write(b) }

func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("scenario: a body of plain values cannot fail to marshal: " + err.Error())
	}
	return b
}

// bodyJSON renders a step's body: a mapping as JSON, a string as is; templates expanded.
func (r *Run) bodyJSON(n *node) ([]byte, error) {
	if n.kind == kScalar {
		s, err := r.expand(n.value)
		return []byte(s), err
	}
	v, err := r.jsonValue(n)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func (r *Run) jsonValue(n *node) (any, error) {
	switch n.kind {
	case kMap:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			v, err := r.jsonValue(n.vals[i])
			if err != nil {
				return nil, err
			}
			m[k.value] = v
		}
		return m, nil
	case kSeq:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			v, err := r.jsonValue(it)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	switch n.tag {
	case tagInt, tagFloat:
		return json.Number(n.value), nil
	case tagBool:
		return n.value == "true", nil
	case tagNull:
		return nil, nil
	}
	return r.expand(n.value)
}

// expand fills a string's {references} with what they name now.
func (r *Run) expand(s string) (string, error) {
	return expand(s, r.lookup)
}

func (r *Run) lookup(ref string) (string, error) {
	name, field, dotted := strings.Cut(ref, ".")
	if name == "keys" {
		switch field {
		case "secret":
			if r.S.SecretKeyGiven {
				return "", fmt.Errorf("{keys.secret} is the secret key given to serve (--secret-key or $SANDBANK_SECRET_KEY), which a scenario file may not write into a request: a value it sets can leave the machine (a webhook URL, the webhook secret, a name in a webhook's body). A step sends the key as its key already (key: secret, the default)")
			}
			return r.keys.Secret, nil
		case "public":
			return r.keys.Public, nil
		case "webhook_secret": // as it is now: a settings step may have changed it
			return r.W.Engine.Settings().WebhookSecret.Reveal(), nil
		}
	}
	if !dotted || field == "id" {
		if id, ok := r.ids[name]; ok {
			return id, nil
		}
		if v, ok := r.vars[name]; ok && !dotted {
			return v, nil
		}
		return "", fmt.Errorf("{%s} has no value yet", ref)
	}
	cname := name
	if a := r.S.accts[name]; a != nil {
		cname = a.Customer.Name
	}
	switch field {
	case "customer":
		return r.customerIDs[cname], nil
	case "number":
		return r.numbers[name], nil
	case "institution":
		return r.banks[name], nil
	case "username", "password":
		c, err := r.W.Bank.Customer(r.customerIDs[cname])
		if err != nil {
			return "", err
		}
		if field == "username" {
			return c.Username, nil
		}
		return c.Password, nil
	}
	return "", fmt.Errorf("{%s}: unknown field", ref)
}

// expectEach checks every expectation of st against res: the step fails at the
// first that fails, and its message goes on with each other one's expected and
// got (only the first was said, so a second run found the next; then the others
// were named alone, their values only in the transcript, which a CI log does not
// show). note, if not nil, is what a failure of e adds about the answer it was
// checked in (the webhook it came in, a body cut short); each note is said once,
// after the first failure it is for.
func (r *Run) expectEach(st *Step, res *response, out *StepResult, note func(e *Expectation) string) *StepResult {
	said := map[string]bool{}
	noteOnce := func(e *Expectation) string {
		if note == nil {
			return ""
		}
		n := note(e)
		if said[n] {
			return ""
		}
		said[n] = true
		return n
	}
	var first *StepResult
	var others []string
	for _, e := range st.Expect {
		fr := r.expect(st, e, res, out)
		switch {
		case fr == nil:
		case first == nil:
			first = fr
			first.Err.Msg += noteOnce(e)
		case fr.Expected != "":
			others = append(others, fmt.Sprintf("%s: expected %s, got %s", e.Path, fr.Expected, fr.Got)+noteOnce(e))
		default:
			others = append(others, e.Path+" failed too")
		}
	}
	if first == nil {
		return nil
	}
	first.Checks = out.Checks
	if len(others) > 0 {
		first.Err.Msg += "; " + strings.Join(others, "; ")
	}
	return first
}

func (r *Run) expect(st *Step, e *Expectation, res *response, out *StepResult) *StepResult {
	got, present := res.lookup(e.Path)
	text := e.Want.value
	if e.Want.kind == kScalar && e.Want.tag == tagStr && e.Matcher != "matches" {
		var err error
		if text, err = r.expand(text); err != nil {
			f := r.fail(st, e.pos, "%v", err)
			return &f
		}
	}
	want := wantValue{n: e.Want, text: text}
	expected, ok := check(e, want, got, present)
	shown, _ := res.shown(e.Path)
	if strings.EqualFold(e.Path, "header."+webhookSecretHeader) && present {
		shown = engine.Secret(shown.(string)).String()
	}
	gotText := show(shown, present)
	if !present && strings.HasPrefix(e.Path, "header.") { // as response.lookup reads one
		gotText = "nothing (no such header)" // not a field of the body (a presenter's trial)
	}
	if n, isNum := shown.(json.Number); isNum && isNaira(text) && e.Want.kind == kScalar {
		if k, err := n.Int64(); err == nil { // say it in the unit it was expected in
			gotText = fmt.Sprintf("NGN %s (%s kobo)", engine.Naira(k), n)
		}
	}
	gotText, expected = r.masked(gotText), r.masked(expected)
	if ok {
		out.Checks = append(out.Checks, fmt.Sprintf("✓ %s: %s", e.Path, gotText))
		return nil
	}
	if e.Matcher == "len" && present { // the count first: a cut list did not say it
		switch x := got.(type) {
		case []any:
			gotText = plural(len(x), "item") + ": " + gotText
		case map[string]any:
			gotText = plural(len(x), "field") + ": " + gotText
		case string:
			gotText = plural(len([]rune(x)), "character") + ": " + gotText
		}
	}
	if !present {
		// the path meant, or where it went astray: "data has 0 items" (a QA
		// engineer's trial), as a save: says it
		gotText += missingHint(res, e.Path)
	}
	if e.Matcher == MatchEqual && e.Want.kind == kScalar {
		gotText += sameInstant(text, got)
	}
	out.Checks = append(out.Checks, fmt.Sprintf("✗ %s: expected %s, got %s", e.Path, expected, gotText))
	f := r.fail(st, e.pos, "%s: expected %s, got %s", e.Path, expected, gotText)
	f.Expected, f.Got, f.Checks = expected, gotText, out.Checks
	if res.Status/100 != 2 && e.Path != "http" {
		f.Err.Msg += fmt.Sprintf(" (the answer was %d: %s)", res.Status, errMessage(res))
	} else if why := failedAnswer(res); why != "" && e.Path != "code" && e.Path != "message" {
		f.Err.Msg += " (the answer said " + why + ")"
	}
	return &f
}

// masked is s with the keys and webhook secret in force masked, as a transcript's
// bodies write them: a ✓ line of header.mono-webhook-secret, or of a key saved
// from GET /sandbox/settings, is written to a transcript and a CI log.
func (r *Run) masked(s string) string {
	set := r.W.Engine.Settings()
	for _, sec := range []engine.Secret{set.SecretKey, set.WebhookSecret} {
		if v := sec.Reveal(); len(v) >= 8 {
			s = strings.ReplaceAll(s, v, sec.String())
		}
	}
	return s
}

// failedAnswer is the code and message of a 2xx answer that reports a failure —
// a sync that ran and failed — or "": "status: expected successful, got failed"
// did not say why (a bank session that ended, a changed password).
func failedAnswer(res *response) string {
	var a struct{ Status, Code, Message string }
	if json.Unmarshal(res.Body, &a) != nil || a.Status != "failed" || a.Code == "" {
		return ""
	}
	if a.Message == "" {
		return a.Code
	}
	return a.Code + ": " + a.Message
}

// --- webhooks

// settle waits until every webhook attempt due now has been made and recorded, then
// writes the new attempts to the transcript.
func (r *Run) settle(ctx context.Context) error {
	deadline := time.Now().Add(settleTimeout)
	poll := time.NewTimer(time.Millisecond)
	defer poll.Stop()
	for {
		ok, err := r.W.Engine.OutboxSettled(ctx)
		if err != nil {
			return fmt.Errorf("reading the webhook outbox: %s", engine.ErrorMessage(err))
		}
		// Settled, every real-time job a step started has ended (its end is an event
		// to deliver), and every recorded attempt's notice is in: the transcript can
		// be written. (A notice follows its record; a lost one is made up by a full read.)
		if ok && r.W.Engine.JobsRunning() == 0 && (r.dropped || r.seen >= r.W.Engine.DeliveryAttempts()-r.attempts0) {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("webhook delivery did not catch up with the clock within %s of real time", settleTimeout)
		}
		poll.Reset(2 * time.Millisecond)
		select {
		case n := <-r.notes:
			r.note(n)
		case <-poll.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
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

func (r *Run) note(n engine.Notice) {
	if n.Dropped > 0 {
		r.dropped = true
	}
	switch n.Kind {
	case engine.NoticeDelivery:
		r.noted = append(r.noted, n)
		r.seen++
	case engine.NoticeEvent:
		r.made = append(r.made, n.EventID)
	}
}

// collect writes the attempts made since the last step, in a stable order: by the
// virtual time of the attempt, then account, then the event's place in the outbox.
func (r *Run) collect(ctx context.Context) error {
	touched := map[string]bool{}
	for _, n := range r.noted {
		touched[n.EventID] = true
	}
	for _, id := range r.made {
		touched[id] = true // a skipped one has no attempt to note it
	}
	r.noted, r.made = r.noted[:0], r.made[:0]
	var evs []engine.Event
	if r.dropped { // the subscription lost notices: read the whole outbox
		r.dropped = false
		r.seen = r.W.Engine.DeliveryAttempts() - r.attempts0
		all, err := r.W.Engine.Events(ctx, engine.EventQuery{})
		if err != nil {
			return err
		}
		for _, ev := range all {
			if ev.AttemptsMade > r.reported[ev.ID] || (ev.Status == engine.DeliverySkipped && !r.told[ev.ID]) {
				evs = append(evs, ev)
			}
		}
	} else {
		ids := make([]string, 0, len(touched))
		for id := range touched {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			ev, err := r.W.Engine.Event(ctx, id)
			if err != nil {
				return err
			}
			evs = append(evs, ev)
		}
	}
	type attempt struct {
		ev engine.Event
		a  engine.Attempt // none (N 0) for an event never sent: it is told at its making
	}
	var fresh []attempt
	for _, ev := range evs {
		if ev.Status == engine.DeliverySkipped && !r.told[ev.ID] {
			r.told[ev.ID] = true
			fresh = append(fresh, attempt{ev, engine.Attempt{At: ev.CreatedAt}})
		}
		// reported is the number of the last attempt written; a record covers
		// attempts N to Last() (a long run of identical failures is one record).
		for _, a := range ev.Attempts {
			if a.Last() > r.reported[ev.ID] {
				fresh = append(fresh, attempt{ev, a})
			}
		}
		r.reported[ev.ID] = max(r.reported[ev.ID], ev.AttemptsMade)
	}
	sort.SliceStable(fresh, func(i, j int) bool {
		a, b := fresh[i], fresh[j]
		switch {
		case !a.a.At.Equal(b.a.At):
			return a.a.At.Before(b.a.At)
		case a.ev.AccountID != b.ev.AccountID:
			return a.ev.AccountID < b.ev.AccountID
		case a.ev.Seq != b.ev.Seq:
			return a.ev.Seq < b.ev.Seq
		}
		return a.a.N < b.a.N
	})
	// The secret the attempts carried: they are collected after each move of
	// the clock, before a step acts (a step's at: settles first), so the
	// settings in force are those they were sent with. Attempts are not stored
	// with their secret.
	set := r.W.Engine.Settings()
	for _, f := range fresh {
		if f.a.N == 0 {
			if r.tr != nil { // rendered only to be named in a transcript
				// named as it would have been sent: in the business's format now
				name := webhookName(r.W.Engine.WebhookBodyOf(f.ev, engine.Attempt{Format: f.ev.Format(set)}), f.ev.Type)
				r.tr.skipped(f.ev, name, r.accountName(f.ev.AccountID))
			}
			continue
		}
		body := r.W.Engine.WebhookBodyOf(f.ev, f.a)
		name := webhookName(body, f.ev.Type)
		headers := engine.WebhookHeaders(set.WebhookSecret, f.ev, f.a.N)
		r.tr.webhook(f.a, name, r.accountName(f.ev.AccountID), headers, body)
		if f.a.Error == "" {
			// Every header a webhook step's expect: may read, as the receiver got
			// them: it knew two, and a Content-Type checked got "no such header"
			// (a QA engineer's trial). The secret is shown masked (Run.expect).
			h := http.Header{}
			for k, v := range headers {
				h.Set(k, v)
			}
			r.delivered = append(r.delivered, delivery{at: f.a.At, account: f.ev.AccountID, seq: f.ev.Seq, made: f.ev.CreatedAt, event: name, body: body, header: h})
		}
	}
	return nil
}

// accountName is how the transcript names the account with ID id: by the
// scenario's name for it (the first, should two name it), else by its ID — an
// account the app under test connected. A jump's webhook lines named none, and
// which account each was for was read from its body (a QA engineer's trial).
func (r *Run) accountName(id string) string {
	names := slices.Sorted(maps.Keys(r.ids))
	for _, n := range names {
		if r.ids[n] == id {
			return n
		}
	}
	return id
}

// webhookName is the event a webhook body names ("event"), or fallback.
func webhookName(body []byte, fallback string) string {
	var b struct {
		Event string `json:"event"`
	}
	if json.Unmarshal(body, &b) != nil || b.Event == "" {
		return fallback
	}
	return b.Event
}

// expectWebhooks checks webhook: and webhooks: steps against what was delivered:
// each matches the first delivery after the one the previous expectation with the
// same account: matched (without account:, the previous one without it) that no
// earlier expectation matched.
func (r *Run) expectWebhooks(st *Step, out *StepResult) *StepResult {
	key, who := "", "any account"
	if st.Account != nil {
		key, who = r.ids[st.Account.Name], st.Account.Name
		if key == "" {
			f := r.fail(st, st.pos, "account %s was never connected, so no webhook names it", st.Account.Name)
			return &f
		}
	}
	from := r.cursors[key]
	// after is what was delivered from index k on that this step may match, each
	// with its time: "got account_updated" alone did not say it was the connect's.
	after := func(k int) []string {
		var out []string
		for j, d := range r.delivered[k:] {
			if r.matchedBy[k+j] == 0 && (key == "" || d.account == key) && d.seq > r.servedSeq && r.inTime(d) {
				out = append(out, strings.TrimPrefix(d.event, "mono.events.")+" (delivered "+d.at.Format(time.RFC3339)+")")
			}
		}
		return out
	}
	since := after(from)
	if st.None {
		if len(since) > 0 {
			f := r.fail(st, st.pos, "expected no webhook for %s, got %s", who, strings.Join(since, ", "))
			f.Expected, f.Got = "none", strings.Join(since, ", ")
			return &f
		}
		out.Checks = append(out.Checks, "✓ no webhook for "+who)
		return nil
	}
	i := from
	matched := map[int]bool{} // what this step's earlier events matched
	for _, want := range st.Events {
		found := -1
		for j := i; j < len(r.delivered); j++ {
			d := r.delivered[j]
			if r.matchedBy[j] == 0 && d.event == want && (key == "" || d.account == key) && d.seq > r.servedSeq && r.inTime(d) {
				found = j
				break
			}
		}
		if found < 0 {
			got, where := "none", ""
			if rest := after(i); len(rest) > 0 {
				got = strings.Join(rest, ", ")
			}
			if i > from { // the step's earlier events matched what came before
				where = " after the " + strings.TrimPrefix(r.delivered[i-1].event, "mono.events.") + " this step matched at " + r.delivered[i-1].at.Format(time.RFC3339)
			}
			// Delivered, but before what this step or an earlier one matched: "got
			// none" read as if it never came. One an earlier step matched was not
			// missed, and is not said.
			said := false
			for j := 0; j < i && !said; j++ {
				if d := r.delivered[j]; !matched[j] && r.matchedBy[j] == 0 && d.event == want && (key == "" || d.account == key) && d.seq > r.servedSeq && r.inTime(d) {
					if j >= from { // after what earlier steps matched: this step's own list is out of order
						got += fmt.Sprintf(" (%s came at %s, before the %s this step matched: list them in the order they come)",
							strings.TrimPrefix(want, "mono.events."), d.at.Format(time.RFC3339), strings.TrimPrefix(r.delivered[i-1].event, "mono.events."))
					} else {
						// Before what an earlier step matched: listed first in this step, it
						// would still be missed — "list them in the order they come" sent
						// the reader to a list that was not the matter.
						got += fmt.Sprintf(" (%s came at %s, before the %s step %d matched: webhook steps match in the order the webhooks come)",
							strings.TrimPrefix(want, "mono.events."), d.at.Format(time.RFC3339), strings.TrimPrefix(r.delivered[from-1].event, "mono.events."), r.matchedBy[from-1])
					}
					said = true
				}
			}
			// Delivered after this step's place, but matched by a step of another
			// account: (or of none): "got none" read as if it never came.
			for j := i; j < len(r.delivered) && !said; j++ {
				if d := r.delivered[j]; r.matchedBy[j] != 0 && d.event == want && (key == "" || d.account == key) && d.seq > r.servedSeq && r.inTime(d) {
					got += fmt.Sprintf(" (the %s delivered at %s was matched by step %d: a webhook step does not match what an earlier one matched)",
						strings.TrimPrefix(want, "mono.events."), d.at.Format(time.RFC3339), r.matchedBy[j])
					said = true
				}
			}
			after := r.servedSeq // what the step may still match: made after what it matched
			if i > 0 {
				after = max(after, r.delivered[i-1].seq)
			}
			got += r.undelivered(key, want, after)
			f := r.fail(st, st.pos, "expected %s delivered for %s%s, got %s", strings.TrimPrefix(want, "mono.events."), who, where, got)
			f.Expected, f.Got = want, got
			out.Checks = append(out.Checks, "✗ "+want)
			f.Checks = out.Checks
			return &f
		}
		mb, moved := r.madeBefore(st, r.delivered[found])
		out.Checks = append(out.Checks, fmt.Sprintf("✓ %s delivered at %s", want, r.delivered[found].at.Format(time.RFC3339))+mb)
		// The ✓ line says it too of a webhook: step's one, delivered before the
		// move as well: a list that checks a connect's events, or a retry that
		// came after the move, is what it reads as.
		if mb != "" && st.Action == "webhook" && !r.delivered[found].at.After(moved) {
			out.Earlier = append(out.Earlier, strings.TrimPrefix(want, "mono.events.")+mb)
		}
		if st.Action == "webhook" {
			res := &response{Status: http.StatusOK, Body: r.delivered[found].body, Header: r.delivered[found].header}
			in := " (in the " + strings.TrimPrefix(want, "mono.events.") + " delivered at " + r.delivered[found].at.Format(time.RFC3339) + ")"
			if fr := r.expectEach(st, res, out, func(*Expectation) string { return in }); fr != nil {
				fr.judged = true
				return fr
			}
		}
		matched[found] = true
		i = found + 1
	}
	r.cursors[key] = i
	for j := range matched {
		r.matchedBy[j] = st.N
	}
	if i > from {
		out.ended = r.delivered[i-1].made
	}
	return nil
}

// madeBefore notes, of a webhook a step matched, that its event was made before
// an earlier step moved the clock (an advance:, or an at: later than the steps
// before it): after "advance: 30d", "webhook: account_updated" matched the
// connect's, 30 days older, and passed — a reader took it for one after the jump
// (a QA engineer's trial). Empty when no such step came between; moved is
// where that step found the clock.
func (r *Run) madeBefore(st *Step, d delivery) (note string, moved time.Time) {
	steps := r.S.Steps
	prev := r.S.Start                             // the clock before step j: a step's Clock is where it leaves it
	for j := 0; j < st.N && j < len(steps); j++ { // this step's own at: too (a review)
		s := steps[j]
		before := prev
		if !s.Clock.IsZero() {
			prev = s.Clock
		}
		if s.Clock.IsZero() || before.IsZero() || !s.Clock.After(before) {
			continue // not moved by this step
		}
		if s.Action != "advance" && s.Action != "at" && s.At.IsZero() {
			continue
		}
		if b, ok := r.began[s.N]; ok {
			// The clock as the step found it: played on stage, where the clock
			// runs between steps, a connect's event was made a few µs after the
			// file's time, and read as made after the move (a review).
			before = b
		}
		if d.made.After(before) {
			continue // moved before the event was made
		}
		if s.N == st.N {
			return fmt.Sprintf(" — made at %s, before this step's at: moved the clock: webhook steps match in the order webhooks come, so to check one made after it, match this one in a step before",
				d.made.UTC().Format(time.RFC3339)), before
		}
		return fmt.Sprintf(" — made at %s, before step %d (%s) moved the clock: webhook steps match in the order webhooks come, so to check one after step %d, match this one first",
			d.made.UTC().Format(time.RFC3339), s.N, s.Text, s.N), before
	}
	return "", time.Time{}
}

// undelivered says why a webhook a step waits for has not come, when the outbox
// knows: an event of its kind was never to be sent (an account connected before
// Data Sync was enabled, R4, or Data Sync off), or the oldest of the account's
// events still waiting had its attempts fail — the account's later ones wait
// behind it. Empty when neither holds. The transcript said so; the failure did not.
func (r *Run) undelivered(account, want string, after uint64) string {
	evs, err := r.W.Engine.Events(context.Background(), engine.EventQuery{AccountID: account, Limit: 500, Attempts: 1})
	if err != nil {
		return ""
	}
	name := strings.TrimPrefix(want, "mono.events.")
	for i := len(evs) - 1; i >= 0; i-- { // the oldest first
		ev := evs[i]
		if ev.Seq <= after || !r.inTime(delivery{made: ev.CreatedAt}) {
			continue
		}
		made := ev.CreatedAt.UTC().Format(time.RFC3339)
		whose := "" // with no account: whose event it is
		if account == "" {
			whose = " for " + r.nameOf(ev.AccountID)
		}
		switch {
		case ev.Status == engine.DeliverySkipped && strings.TrimPrefix(ev.Type, "mono.events.") == name:
			return fmt.Sprintf(" (the %s%s of %s was never to be sent: %s)", name, whose, made, ev.SkipReason)
		case ev.Status == engine.DeliveryPending && ev.Failures > 0 && len(ev.Attempts) > 0:
			a := ev.Attempts[len(ev.Attempts)-1]
			return fmt.Sprintf(" (the %s%s of %s is still waiting for delivery: its attempt %d failed, %s; next attempt at %s, and the account's later webhooks wait behind it)",
				strings.TrimPrefix(ev.Type, "mono.events."), whose, made, a.Last(), attemptWhy(a), ev.NextAttemptAt.UTC().Format(time.RFC3339))
		}
	}
	if name == "account_updated" && account != "" {
		return r.quietSync(account)
	}
	return ""
}

// quietSync says why no account_updated came when the account's last sync in the
// step's time found nothing new: such a sync sends none, and "got none" read as
// delivery broken (a newcomer's trial).
func (r *Run) quietSync(account string) string {
	jobs, err := r.W.Engine.SyncJobs(context.Background(), account, 20)
	if err != nil {
		return ""
	}
	for _, j := range jobs { // the newest first
		at := cmp.Or(j.LastAt, j.FinishedAt)
		if j.Status != engine.StatusSyncSuccessful || !r.inTime(delivery{made: at}) {
			continue
		}
		if (j.HasNewData && j.LastAt.IsZero()) || (j.Trigger != engine.TriggerManual && j.Trigger != engine.TriggerAuto) {
			return "" // it sent one: a real-time job's and a re-authorisation's sync send one whatever they found
		}
		return fmt.Sprintf(" (the sync of %s found nothing new, and a sync with nothing new sends no account_updated: have the bank post a transaction before it, or expect webhooks: [])",
			at.UTC().Format(time.RFC3339))
	}
	return ""
}

// waitingForApp says that a headless run left n steps, from serve: on, for an app.
func waitingForApp(n int) string {
	return "the " + steps(n) + " from serve: on wait for an app: run them with sandbank serve --scenario"
}

// nameOf is the scenario's name of an account, by its ID; the ID if it has none.
func (r *Run) nameOf(id string) string {
	var names []string
	for name, v := range r.ids {
		if v == id {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return id
	}
	return slices.Min(names) // one, the same on every run
}

// inTime reports whether a delivery's event was made from madeFrom and by madeBy
// (each when set).
func (r *Run) inTime(d delivery) bool {
	return (r.madeFrom.IsZero() || !d.made.Before(r.madeFrom)) && (r.madeBy.IsZero() || !d.made.After(r.madeBy))
}

// --- headless runs

// Result is how a file went in a headless run.
type Result struct {
	Path    string
	Title   string
	Passed  bool
	Err     error // the file could not be read, or the world built
	Failure *StepResult
	Steps   int // steps run
	Stopped int // steps left at serve:, for sandbank serve --scenario
	NotRun  int // steps left after the one that failed (a run stops there)
	Wall    time.Duration
	Virtual time.Duration // how far the clock moved
	// Interrupted: Err is a stop of sandbank's (a signal), not the file's fault
	// nor its world's.
	Interrupted bool
	// Notes are what passed but may not be what the file meant: a webhook: step
	// that matched one made and delivered before a later step moved the clock
	// (StepResult.Earlier). Only the
	// transcript said so, and CI shows the ✓ line (a QA engineer's trial: a
	// "webhook: account_updated" after a 6h advance matched the connect's).
	Notes []string
}

// NotesText is a line for each of the notes, "  ⚠ …", each after a newline:
// what a command prints after the result's Line and what it says of it, so that
// they are not read as part of a failure (a review).
func (res *Result) NotesText() string {
	var b strings.Builder
	for _, n := range res.Notes {
		b.WriteString("\n  ⚠ " + n)
	}
	return b.String()
}

// Line is the result in one line: ✓ or ✗ with where and why.
func (res *Result) Line() string {
	switch {
	case res.Err != nil:
		return "✗ " + strings.ReplaceAll(res.Err.Error(), "\n", "\n  ")
	case res.Failure != nil:
		f := res.Failure
		return fmt.Sprintf("✗ %s step %d (%s): %s", errWhere(f.Err), f.Step.N, f.Step.Text, f.Err.Msg)
	}
	if res.Stopped > 0 {
		// Skipped, as the summary and the JUnit case count it: a ✓ beside "1
		// skipped" read as a pass (a newcomer's trial).
		return fmt.Sprintf("– %s — %s (%s up to serve: passed, %s simulated); skipped: %s", res.Path, res.Title, steps(res.Steps), span(res.Virtual), waitingForApp(res.Stopped))
	}
	return fmt.Sprintf("✓ %s — %s (%s, %s simulated)", res.Path, res.Title, steps(res.Steps), span(res.Virtual))
}

// steps is "1 step", "3 steps".
func steps(n int) string { return plural(n, "step") }

func errWhere(e *Error) string { return fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Col) }

// virtualSpan is how far the clock moved, in a sentence: "2h of virtual time".
func virtualSpan(d time.Duration) string {
	if d <= 0 {
		return "no virtual time"
	}
	return span(d) + " of virtual time"
}

// span is a duration as people write it: 2d 3h, 45m, 10s.
func span(d time.Duration) string {
	if d <= 0 {
		return "no time"
	}
	return engine.DurationText(d)
}

// durationParam is a duration for a request body, as people write it, unspaced,
// and exact — "2m", "1h30m", "1m59s999ms", "1500us" — so that the clock moves by
// what the file says: a rate limit's edge, 1m59s999ms, is not 2m.
func durationParam(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	if d < 0 {
		return "-" + durationParam(-d)
	}
	var b strings.Builder
	for _, u := range []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"},
		{time.Millisecond, "ms"}, {time.Microsecond, "us"}, {time.Nanosecond, "ns"}} {
		if n := d / u.size; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.size
		}
	}
	return b.String()
}

// ReadFile reads a scenario file, saying what is wrong in words when it cannot:
// Go's "open x.yaml: no such file or directory" named no way on.
func ReadFile(path string) ([]byte, error) {
	src, err := readAtMost(path, MaxFileBytes)
	switch {
	case err == nil:
		return src, nil
	case errors.Is(err, errTooLong):
		size := fmt.Sprintf("more than %d bytes", MaxFileBytes)
		if fi, serr := os.Stat(path); serr == nil && fi.Mode().IsRegular() {
			size = fmt.Sprintf("%d bytes", fi.Size())
		}
		return nil, &Error{File: path, Line: 1, Col: 1, Msg: fmt.Sprintf("the file is %s; a scenario file has at most %d", size, MaxFileBytes)}
	case errors.Is(err, fs.ErrNotExist):
		if filepath.IsAbs(path) {
			return nil, fmt.Errorf("%s: no such scenario file: check the path", path)
		}
		return nil, fmt.Errorf("%s: no such scenario file: check the path (from %s)", path, workDir())
	}
	if fi, serr := os.Stat(path); serr == nil && fi.IsDir() { // Windows says "Incorrect function", not EISDIR
		return nil, fmt.Errorf("%s is a folder: name the scenario files in it, e.g. %s", path, filepath.Join(path, "*.yaml"))
	}
	var pe *fs.PathError
	if errors.As(err, &pe) { // its text names the path already
		return nil, fmt.Errorf("reading %s: %w", path, pe.Err)
	}
	return nil, fmt.Errorf("reading %s: %w", path, err)
}

var errTooLong = errors.New("too long")

// readAtMost reads a file of at most max bytes, and no more of a longer one:
// it read all of /dev/zero before the size was checked, 24 GB until the
// kernel killed it, and 2 GB of a sparse file (a bad-input trial).
func readAtMost(path string, max int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err == nil && len(src) > max {
		return nil, errTooLong
	}
	return src, err
}

// workDir is the working directory, which a relative path starts from.
func workDir() string {
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return "the working directory"
}

// RunFile reads, checks and runs a file headless on a throw-away world in dir (a
// temporary directory of its own if empty), writing the transcript to transcript.
func RunFile(ctx context.Context, path string, host Host, out io.Writer) *Result {
	start := time.Now()
	res := &Result{Path: path}
	src, err := ReadFile(path)
	if err != nil {
		res.Err = err
		return res
	}
	s, err := Parse(path, src)
	if err != nil {
		res.Err = err
		return res
	}
	res.Title = s.Title
	defer func() { res.Wall = time.Since(start) }()
	return runParsed(ctx, s, host, out, res)
}

func runParsed(ctx context.Context, s *Scenario, host Host, out io.Writer, res *Result) *Result {
	dir, err := os.MkdirTemp("", "sandbank-scenario-*")
	if err != nil {
		res.Err = err
		return res
	}
	defer os.RemoveAll(dir)
	w, h, err := host(ctx, s.WorldOptions(filepath.Join(dir, "world.db")), ReceiverURL)
	if err != nil {
		msg := "building the world: " + engine.ErrorMessageOrText(err)
		if ctx.Err() != nil {
			msg = "not run: " + Stopped(ctx) + " before its world was built"
			res.Interrupted = true
		}
		res.Err = &Error{File: s.Path, Line: 1, Col: 1, Msg: msg}
		return res
	}
	defer w.Close()
	run, err := Open(ctx, s, w, h, ReceiverURL, out)
	if err != nil {
		res.Err = err
		return res
	}
	defer run.Close()
	run.ToEnd(ctx)
	for _, sr := range run.results {
		if !sr.OK {
			f := sr
			res.Failure = &f
		}
	}
	res.Steps = len(run.results)
	for _, sr := range run.results {
		for _, e := range sr.Earlier {
			res.Notes = append(res.Notes, fmt.Sprintf("%s:%d:%d step %d (%s) matched %s", s.Path, sr.Step.pos.line, sr.Step.pos.col, sr.Step.N, sr.Step.Text, e))
		}
	}
	if f := res.Failure; f != nil && ctx.Err() != nil {
		// Cut short by the stop, not failed by the app or the world: what the step
		// says then ("reading the webhook outbox: internal error", "context
		// canceled") blamed it (an operator's trial).
		res.Err = &Error{File: s.Path, Line: f.Step.pos.line, Col: f.Step.pos.col,
			Msg: fmt.Sprintf("%s at step %d (%s), which did not end; the steps after it did not run", Stopped(ctx), f.Step.N, f.Step.Text)}
		res.Failure = nil
		res.Interrupted = true
	}
	if s.ServeAt >= 0 && !run.failed {
		res.Stopped = len(s.Steps) - s.ServeAt
	}
	if res.Failure != nil {
		res.NotRun = len(s.Steps) - res.Steps
	}
	res.Virtual = w.Clock.Now().Sub(s.Start)
	res.Passed = res.Failure == nil && res.Err == nil // a run the stop cut short did not pass
	run.tr.footer(res)
	if run.tr != nil && run.tr.err != nil && res.Err == nil {
		err := run.tr.err
		res.Err = fmt.Errorf("writing the transcript: %w", err)
		res.Passed = false
	}
	return res
}

// Stopped says why ctx ended a run or a world's building early: the signal that
// stopped sandbank, as signal.NotifyContext gives it ("interrupt" is Ctrl+C,
// "terminated" SIGTERM, "hangup" a closed terminal), or else the context's end.
func Stopped(ctx context.Context) string {
	if c := context.Cause(ctx); c != nil {
		return "stopped (" + c.Error() + ")"
	}
	return "stopped"
}

// Signalled reports whether a signal ended ctx — not a deadline, nor a cancel
// of the program's own. signal.NotifyContext's cause says the signal, and is
// also context.Canceled to errors.Is: a plain cancel's is that error itself.
func Signalled(ctx context.Context) bool {
	c := context.Cause(ctx)
	return c != nil && c != context.Canceled && !errors.Is(c, context.DeadlineExceeded)
}

// WorldOptions are the options of the scenario's throw-away world in db: its seed,
// start and keys, a paused clock that moves only by the steps, and one sync worker
// and one delivery at a time, so that what happens in one virtual instant happens in
// the same order on every run.
func (s *Scenario) WorldOptions(db string) world.Options {
	frozen := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	return world.Options{DB: db, Seed: s.Seed, Start: s.Start, Customers: s.WorldCustomers, Keys: s.Keys,
		Paused: true, Wall: func() time.Time { return frozen }, Workers: 1, Deliveries: 1, LocalDeliveries: 1}
}

// ErrFailed is returned by a command when a scenario failed.
var ErrFailed = errors.New("a scenario failed")

// ErrNotRun is returned by a command when a scenario could not run at all (its
// file unreadable or refused, its world not built); each is said already. It
// exits 2, as a broken setup does, not 1 as a failed expectation.
var ErrNotRun = errors.New("a scenario could not run")
