package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// The connect widget (DESIGN §4.2): what connect.setup() and connect.reauthorise()
// show an end user. Its whole state machine lives here, so that its three faces —
// the web page (/connect), the JSON routes (/connect/sessions) and the TUI's
// widget — walk the same steps through the same calls:
//
//	institution ──▶ login ──▶ challenge* ──▶ account? ──▶ success
//	     ▲            │
//	     └── back ────┘            any step ──▶ locked (too many wrong answers)
//	                               any step ──▶ expired (ExpiresAt passed)
//
// A connect with a bank chosen ahead (selectedInstitution, or a v2 initiate link
// that names one) starts at login; a re-authorisation (a reauth token, an account
// ID, or a v2 link with scope reauth) starts at login with the username known, or
// straight at the bank's challenge when the saved password still works. The account step appears
// only when one sign-in sees several accounts. Sessions live in memory; a restart
// forgets them, as a closed browser tab would.

// Widget statuses.
const (
	WidgetInstitution = "institution" // connect: asks which bank
	WidgetLogin       = "login"       // asks for username and password
	WidgetChallenge   = "challenge"   // asks for the answer to Challenge
	WidgetAccount     = "account"     // connect: asks which of Accounts to link
	WidgetSuccess     = "success"     // Code (connect) or AccountID (reauth) is set
	WidgetLocked      = "locked"      // too many wrong answers: LockedUntil says when the bank lets the user try again
	WidgetExpired     = "expired"     // the session outlived ExpiresAt
)

// WidgetRequest opens a session. With none of Institution, ReauthToken and
// Account, the user picks the bank.
type WidgetRequest struct {
	Institution string // connect at this bank, chosen ahead (connect.setup's selectedInstitution)
	AuthMethod  string // with Institution: how the user signs in (AuthInternetBanking or AuthMobileBanking)
	ReauthToken string // connect.reauthorise(token), as SDKs before 2025 called it
	// Account re-authorises this linked account: connect.reauthorise(accountId) of
	// @mono.co/connect.js 2.x. It may also hold a reauth token, which code written
	// for the older SDK passes where the account goes now.
	Account   string
	Reference string // the business's reference for this widget, which its events carry
	// Customer is connect.js 2.x's data.customer: the business's customer, by its ID
	// or by a name and email, from which an ID is made as initiate makes one. The
	// account connected belongs to it (v2's customer), with Reference as its ref.
	Customer LinkCustomer
	// Link walks a v2 initiate link (its ID): it connects, or re-authorises its
	// account; with Institution when it names no bank (or the user picks one).
	Link string
}

// WidgetState is what the widget shows now.
type WidgetState struct {
	Session     string
	Status      string
	Institution Institution // zero while the user picks one
	// InstitutionFixed: the bank was chosen ahead (a re-authorisation, or
	// selectedInstitution), so there is no going back to the list.
	InstitutionFixed bool
	AuthMethod       string // how the user signs in; "" until one is chosen: faces show internet banking
	Reauth           bool
	Username         string // known already when re-authorising; the one typed, after a login
	// PasswordRejected: re-authorising, the bank refused the saved password (it was
	// changed), so the user types the current one.
	PasswordRejected bool
	Challenge        *Challenge
	Accounts         []BankAccount // WidgetAccount: the accounts the sign-in sees
	// Account is the account the widget is about: the one being re-authorised, or
	// once connected, the one linked.
	Account *BankAccount
	Code    string // connect success: exchange with ExchangeCode
	// CodeExpiresAt is when Code can no longer be exchanged (ConnectCodeTTL).
	CodeExpiresAt time.Time
	AccountID     string // reauth success
	ExpiresAt     time.Time
	AttemptsLeft  int
	// Tried: the user has sent a password or an answer in this session. Until
	// then, fewer than MaxWidgetAttempts left are the bank's count of failed
	// sign-ins before it — a re-authorisation's, the failed sync's.
	Tried       bool
	LockedUntil time.Time // WidgetLocked: when the bank lets the user sign in again
	// UnlinkedAt, on a re-authorisation that ended expired before its time: the
	// account it re-authorises was unlinked then, and can no longer be.
	UnlinkedAt time.Time
	// ResumesAtUnlock: a re-authorisation opened on the bank's lock, which asks for
	// the password at LockedUntil rather than ending.
	ResumesAtUnlock bool
	Reference       string
	// Link is the v2 initiate link the session walks, as it stands (completed,
	// once the session succeeds); nil for v1's widget.
	Link *Link
}

// Open reports whether the session is still walking: not succeeded, locked or expired.
func (s WidgetState) Open() bool {
	switch s.Status {
	case WidgetSuccess, WidgetLocked, WidgetExpired:
		return false
	}
	return true
}

type widgetSession struct {
	mu        sync.Mutex // one step at a time
	state     WidgetState
	link      string // the initiate link it walks, if any
	accountID string // the account being re-authorised
	token     bool   // a reauth token opened it: spent, it opens no other (openNew)
	creds     Credentials
	bank      BankSession // WidgetAccount: the sign-in whose accounts are offered
	customer  string      // the business's customer it connects for (WidgetRequest.Customer), if any
	wrong     int         // wrong passwords and answers in a row at the login below
	wrongBank string      // the bank code of the login they were for
	wrongUser string      // its username, in lower case
	// onLock: a re-authorisation opened while the bank locked the login, which
	// goes on to the password once the lock ends (rejected: saying the saved one
	// was refused), instead of ending as a lock of its own wrong answers does.
	onLock, rejected bool
	// stepped: a step has been taken in it (idle).
	stepped bool
}

// OpenWidget starts a widget session.
func (e *Engine) OpenWidget(ctx context.Context, req WidgetRequest) (WidgetState, error) {
	switch {
	case req.Link != "" && (req.ReauthToken != "" || req.Account != ""):
		// The link won, the others dropped unsaid (a fuzzing trial).
		return WidgetState{}, Invalid("link", "a link names what its widget does, and the account a re-authorisation link re-authorises: send link without reauth_token or account")
	case req.Link != "":
		return e.openLink(ctx, req)
	case req.ReauthToken != "":
		return e.openReauth(ctx, req)
	case req.Account != "":
		return e.openReauthAccount(ctx, req)
	}
	return e.openConnect(ctx, req, e.clock.Now().Add(WidgetSessionTTL), nil)
}

// openConnect opens a connect session, until expires: at the bank's login when
// the request names one, else at the list of banks. link is the v2 initiate link
// it walks, or nil.
func (e *Engine) openConnect(ctx context.Context, req WidgetRequest, expires time.Time, link *Link) (WidgetState, error) {
	w := &widgetSession{state: WidgetState{Status: WidgetInstitution, ExpiresAt: expires,
		AttemptsLeft: MaxWidgetAttempts, Reference: req.Reference, Link: link}}
	if link != nil {
		w.link = link.ID
	}
	if err := req.Customer.check("data.customer"); err != nil { // a widget may name none
		return WidgetState{}, err
	}
	switch c := req.Customer; {
	case strings.TrimSpace(c.ID) != "":
		w.customer = strings.TrimSpace(c.ID)
	case strings.TrimSpace(c.Email) != "":
		w.customer = customerID(e.Settings().IDNamespace, c.Email)
	}
	if req.Institution != "" {
		if err := e.chooseInstitution(w, req.Institution, req.AuthMethod); err != nil {
			return WidgetState{}, err
		}
		w.state.InstitutionFixed = true
	}
	if err := e.addWidget(ctx, w); err != nil {
		return WidgetState{}, err
	}
	return w.state, nil
}

// Institutions lists the banks a user can connect.
func (e *Engine) Institutions() []Institution { return e.bank.Institutions() }

// AuthMethods are the ways a user signs in to a bank, in the order faces offer
// them: every bank of the simulated world takes both.
var AuthMethods = []string{AuthInternetBanking, AuthMobileBanking}

func (e *Engine) institution(code string) (Institution, error) {
	if strings.TrimSpace(code) == "" {
		return Institution{}, Invalid("institution", "institution is required: the bank's CBN code, e.g. 044")
	}
	for _, i := range e.bank.Institutions() {
		if i.Code == code || strings.EqualFold(i.Name, strings.TrimSpace(code)) {
			return i, nil // a name, as the message below offers (v2's institution.id)
		}
	}
	// A part of a name ("Access"), its initials ("GTB"): the banks the widget's
	// search finds for it are named; the answer named none.
	var near []string
	if len(strings.TrimSpace(code)) >= 2 {
		for _, i := range e.bank.Institutions() {
			if i.Matches(code) {
				near = append(near, i.Code+" ("+i.Name+")")
			}
		}
	}
	if len(near) > 0 && len(near) <= 3 {
		return Institution{}, Errorf(ENOTFOUND, "no bank has the code or name %q; did you mean %s? GET /sandbox/institutions lists them all",
			code, strings.Join(near, " or ")).WithReason("INSTITUTION_NOT_FOUND")
	}
	return Institution{}, Errorf(ENOTFOUND, "no bank has the code or name %q; GET /sandbox/institutions lists them (e.g. 044 or Access Bank)", code).WithReason("INSTITUTION_NOT_FOUND")
}

// chooseInstitution moves a connect session to the bank's login.
func (e *Engine) chooseInstitution(w *widgetSession, code, method string) error {
	if err := knownAuthMethod(method); err != nil {
		return err
	}
	inst, err := e.institutionField(code)
	if err != nil {
		return err
	}
	w.state.Institution, w.state.AuthMethod, w.state.Status = inst, method, WidgetLogin
	if inst.Code != w.wrongBank {
		w.state.AttemptsLeft = MaxWidgetAttempts // another bank: its count is its own
	} else {
		// Back at the bank the wrong attempts were made at: its count again, not
		// the other bank's full one — "3 attempts left", then the next wrong
		// password locked (a widget review).
		w.state.AttemptsLeft = MaxWidgetAttempts - w.wrong
	}
	return nil
}

// knownAuthMethod refuses an auth_method no bank takes ("": none asked for).
func knownAuthMethod(method string) error {
	switch method {
	case "", AuthInternetBanking, AuthMobileBanking:
		return nil
	}
	return Invalid("auth_method", "unknown auth method %q; use %s or %s", method, AuthInternetBanking, AuthMobileBanking)
}

// institutionField is institution, its errors of the field "institution".
func (e *Engine) institutionField(code string) (Institution, error) {
	inst, err := e.institution(code)
	if de, ok := AsError(err); ok {
		de.Field = "institution"
	}
	return inst, err
}

// reauthFits refuses a re-authorisation's institution or auth_method that is not
// the account's: the session signs in at the account's own bank, the way it was
// connected, and "institution": "garbage" opened one at Access Bank, spending the
// token (a bad-input trial). spent says what became of a reauth token.
func (e *Engine) reauthFits(a Account, req WidgetRequest, spent string) error {
	if req.Institution != "" {
		inst, err := e.institutionField(req.Institution)
		if err != nil {
			if de, ok := AsError(err); ok {
				de.Message += spent
			}
			return err
		}
		if inst.Code != a.Institution.Code {
			return Invalid("institution", "account %s is at %s (%s), not %s (%s): a re-authorisation signs in at the account's own bank; leave institution out%s",
				a.ID, a.Institution.Name, a.Institution.Code, inst.Name, inst.Code, spent)
		}
	}
	if err := knownAuthMethod(req.AuthMethod); err != nil {
		if de, ok := AsError(err); ok {
			de.Message += spent
		}
		return err
	}
	if req.AuthMethod != "" && a.AuthMethod != "" && req.AuthMethod != a.AuthMethod {
		return Invalid("auth_method", "account %s signs in with %s, as it was connected: a re-authorisation does too; leave auth_method out%s",
			a.ID, a.AuthMethod, spent)
	}
	return nil
}

func (e *Engine) addWidget(ctx context.Context, w *widgetSession) error {
	e.mu.Lock()
	if n := len(e.widgets) + e.widgetsAdding; n > max(e.widgetsCap, 64) || n >= maxWidgetSessions { // forget expired sessions, amortised O(1)
		e.forgetWidgetsLocked(n >= maxWidgetSessions)
	}
	full := len(e.widgets)+e.widgetsAdding >= maxWidgetSessions
	if !full {
		e.widgetsAdding++ // its place, held while its ID is made (the review: concurrent opens went past the bound)
	}
	e.mu.Unlock()
	if full {
		// Each is kept in memory until it expires, and the public key, which
		// any page has, opens one: 20,000 took 70 MB, and a paused clock
		// never expires them (a security review).
		return Errorf(ERATELIMITED, "%d widget sessions are open, as many as sandbank keeps, each in use (a step taken, or a link's or a re-authorisation's): a session is forgotten once its 30 minutes (virtual) have passed; move the clock on, or restart sandbank", maxWidgetSessions).WithReason("TOO_MANY_SESSIONS")
	}
	var id string
	err := e.store.Update(ctx, func(tx Tx) error {
		seq, err := tx.NextSequence("widget")
		id = NewToken(e.Settings().SecretKey, e.Settings().IDNamespace, "widget", seq)
		return err
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	e.widgetsAdding--
	if err != nil {
		return err
	}
	w.state.Session = id
	e.widgets[id] = w
	return nil
}

// forgetWidgetsLocked forgets the sessions whose time has passed, under e.mu — but
// for those nobody has taken a step in, which idle gives their time again, unless
// the sessions kept are at their bound (full): an app's test suite that loaded its
// page 65 times in a day lost the first page's session, whose first step then
// found none (the review). A session taking a step is in use: kept.
func (e *Engine) forgetWidgetsLocked(full bool) {
	now := e.clock.Now()
	type evictable struct { // untouched, or ended
		id      string
		expires time.Time
	}
	var idle []evictable
	for k, w := range e.widgets {
		if !w.mu.TryLock() { // a step under way, which may wait for e.mu, held here: not blocked on
			continue
		}
		gone := !w.state.ExpiresAt.After(now) && (full || !w.renewable())
		if !gone && full && (w.renewable() || !w.state.Open() && !w.onLock) { // a re-authorisation waiting out the bank's lock goes on to the password: not ended (a review)
			idle = append(idle, evictable{k, w.state.ExpiresAt})
		}
		w.mu.Unlock()
		if gone {
			delete(e.widgets, k)
		}
	}
	if over := len(e.widgets) + e.widgetsAdding - maxWidgetSessions; full && over >= 0 && len(idle) > 0 {
		// Still full: the sessions nobody has taken a step in, and those that have
		// ended (linked, locked, expired), go, the oldest first, a hundredth of
		// the bound at a time — the public key, which any page has, opened 10,000
		// with a GET each, and a test suite on a paused clock connected 10,000
		// accounts, and every later session was refused until their 30 minutes
		// passed (a security review). A session a user is walking, a link's and a
		// re-authorisation's under way stay: whoever takes a step in each of
		// 10,000 still fills the bound, as whoever reaches the API can do worse.
		slices.SortFunc(idle, func(a, b evictable) int { return a.expires.Compare(b.expires) })
		for _, u := range idle[:min(len(idle), max(over+1, maxWidgetSessions/100))] {
			delete(e.widgets, u.id)
		}
	}
	e.widgetsCap = 2 * len(e.widgets)
}

// WidgetKept reports whether the engine still keeps a widget session: one whose time
// has passed may be, until it is forgotten.
func (e *Engine) WidgetKept(session string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.widgets[session] != nil
}

// renewable reports whether idle gives the session its time again: a connect
// session, not on a link, open, with no step taken. Under w.mu.
func (w *widgetSession) renewable() bool {
	return !w.stepped && w.link == "" && !w.state.Reauth && w.state.Open()
}

// maxWidgetSessions bounds the widget sessions kept at once.
var maxWidgetSessions = 10000

// Widget returns a session's current state.
func (e *Engine) Widget(session string) (WidgetState, error) {
	w, err := e.lockedWidget(session)
	if err != nil {
		return WidgetState{}, err
	}
	defer w.mu.Unlock()
	e.idle(w)
	e.expire(w)
	return w.state, nil
}

// idle gives a connect session nobody has taken a step in yet its 30 minutes
// again, from now, once they have passed: the SDKs open theirs at setup(), hidden,
// when the app's page loads, and the user's first choice — after the clock had
// moved a day, to show an automatic sync — met "this session expired", on a
// page that had just shown the list of banks. Until its first step the session
// holds nothing that can go stale: no sign-in, no bank session. A re-authorisation
// (its saved sign-in) and an initiate link's session (the link's own time) are
// not renewed.
func (e *Engine) idle(w *widgetSession) {
	if !w.renewable() {
		return
	}
	if now := e.clock.Now(); !w.state.ExpiresAt.After(now) {
		w.state.ExpiresAt = now.Add(WidgetSessionTTL)
	}
}

// expire marks an open session past its time expired.
func (e *Engine) expire(w *widgetSession) {
	if w.onLock && w.state.Status == WidgetLocked && !w.state.LockedUntil.After(e.clock.Now()) {
		w.onLock, w.state.ResumesAtUnlock = false, false
		w.state.Status, w.state.LockedUntil, w.state.PasswordRejected = WidgetLogin, time.Time{}, w.rejected
		w.state.AttemptsLeft = MaxWidgetAttempts
		if n := e.bank.AttemptsLeft(w.state.Institution.Code, w.creds.Username); n > 0 {
			w.state.AttemptsLeft = min(w.state.AttemptsLeft, n)
		}
	}
	if w.state.Open() && !w.state.ExpiresAt.After(e.clock.Now()) {
		w.state.Status, w.state.Challenge, w.state.Accounts = WidgetExpired, nil, nil
	}
	if (w.state.Open() || w.onLock) && w.state.Reauth && w.accountID != "" { // a lock it waits out too (a review)
		// Its account unlinked since it opened, a re-authorisation cannot finish:
		// it read "login, 3 attempts left" until its time ran out, each password
		// answered "no connected account" (a bad-input trial). It ends, saying why.
		var a Account
		err := e.store.View(e.ctx, func(tx Tx) error {
			var err error
			a, err = tx.Account(w.accountID)
			return err
		})
		if err == nil && !a.Linked() {
			w.state.Status, w.state.Challenge, w.state.Accounts, w.state.UnlinkedAt = WidgetExpired, nil, nil, a.UnlinkedAt
			w.onLock, w.state.ResumesAtUnlock, w.state.LockedUntil = false, false, time.Time{}
		}
	}
}

func (e *Engine) widget(session string) (*widgetSession, error) {
	e.mu.Lock()
	w := e.widgets[session]
	e.mu.Unlock()
	if w == nil {
		return nil, sessionNotFound(session)
	}
	return w, nil
}

func sessionNotFound(session string) error {
	return Errorf(ENOTFOUND, "no widget session %q: it never existed, ended, or sandbank restarted; open a new one", session).WithReason("SESSION_NOT_FOUND")
}

// lockedWidget is widget with the session's lock held, still kept: the bound's
// sweep may forget one between the lookup and the lock — a step then went on a
// session no longer kept, and the next one was not found (a review). The caller
// unlocks w.mu.
func (e *Engine) lockedWidget(session string) (*widgetSession, error) {
	w, err := e.widget(session)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	e.mu.Lock() // after w.mu, as a step's own takes it; the sweep only tries w.mu
	kept := e.widgets[session] == w
	e.mu.Unlock()
	if !kept {
		w.mu.Unlock()
		return nil, sessionNotFound(session)
	}
	return w, nil
}

// reopen says how the user goes on from an expired session: a new one, or for a
// session on an initiate link, the link again while it can be walked — else a new
// link, which "open a new one" left the user to find out by trying.
func (e *Engine) reopen(w *widgetSession) string {
	if w.link == "" {
		return w.openNew()
	}
	l, err := e.Link(context.Background(), w.link)
	if err != nil {
		return "open a new one"
	}
	if err := usableLink(l, e.clock.Now()); err != nil {
		return "its link cannot open another: " + ErrorMessage(err)
	}
	return "open its link again for a new one"
}

// openNew is the advice to open another session: one a reauth token opened
// needs a new token, its own spent as it opened — "open a new one" with it was
// refused (a newcomer's trial) — while one opened by an account's ID opens again.
func (w *widgetSession) openNew() string {
	if w.token {
		return "open a new one with a new reauth token (POST /accounts/" + w.accountID + "/reauthorise; a token opens one session)"
	}
	return "open a new one"
}

// lockedAdvice is what to open after a session locked: a link's has ended by the
// time the bank's lock has — a link lives 30 minutes, the lock 30 from later —
// so the app makes a new one (the review: "open its link again" could not
// work); a token's needs a new token (openNew).
func (w *widgetSession) lockedAdvice() string {
	if w.link != "" {
		return "the app makes a new link (POST /v2/accounts/initiate)"
	}
	return w.openNew()
}

// step runs fn on a live session at one of the statuses want, one step at a time.
func (e *Engine) step(session string, fn func(*widgetSession) error, want ...string) (WidgetState, error) {
	w, err := e.lockedWidget(session)
	if err != nil {
		return WidgetState{}, err
	}
	defer w.mu.Unlock()
	e.idle(w)
	w.stepped = true
	e.expire(w)
	if err := e.refusal(w, want); err != nil {
		return w.state, err
	}
	err = fn(w)
	return w.state, err
}

// blank refuses a step sent with a field it needs left empty, after the session's
// own refusal if it has one: an empty password on a session that had succeeded
// answered 400, where one typed answered 409 SESSION_DONE, and an expired one's
// 410 came only with the fields filled (a widget review). Nothing is stepped.
func (e *Engine) blank(session string, empty error, want ...string) (WidgetState, error) {
	w, err := e.lockedWidget(session)
	if err != nil {
		return WidgetState{}, err
	}
	defer w.mu.Unlock()
	e.expire(w)
	if err := e.refusal(w, want); err != nil {
		return w.state, err
	}
	return WidgetState{}, empty
}

// refusal is why a session takes no step of want now, or nil; under w.mu.
func (e *Engine) refusal(w *widgetSession, want []string) error {
	switch st := w.state.Status; {
	case st == WidgetExpired && !w.state.UnlinkedAt.IsZero():
		return Errorf(ENOTFOUND, "account %s was unlinked at %s, so this re-authorisation has ended: the account can no longer be re-authorised; the user connects it again, as a new account, with the widget",
			w.accountID, TimeText(w.state.UnlinkedAt)).WithReason("ACCOUNT_NOT_FOUND")
	case st == WidgetExpired:
		return Errorf(EEXPIRED, "this widget session expired at %s; %s", TimeText(w.state.ExpiresAt), e.reopen(w)).WithReason("SESSION_EXPIRED")
	case st == WidgetSuccess:
		return Errorf(ECONFLICT, "this widget session has already succeeded").WithReason("SESSION_DONE")
	case st == WidgetLocked && w.onLock:
		wait := lockedFor(w.state.LockedUntil, e.clock.Now())
		return &Error{Code: ELOCKED, Reason: "BANK_LOCKED", RetryAfter: wait, Message: "too many wrong attempts: the bank has locked this sign-in; this session goes on to the password when the lock ends at " +
			TimeText(w.state.LockedUntil) + ", in " + waitText(wait)}
	case st == WidgetLocked:
		wait := lockedFor(w.state.LockedUntil, e.clock.Now())
		// The wait is said: the API's note on it (virtual time, and what that is
		// in real time) followed a sentence that named none.
		// The way to another session is its kind's: a link's, a spent token's (the review).
		msg := "too many wrong answers: this widget session is locked; once the bank lets the user sign in again, in " + waitText(wait) + ", " + w.lockedAdvice()
		if wait == 0 { // the bank locked nobody out (the attempts named other usernames), or its lock has ended
			msg = "too many wrong answers: this widget session is locked; " + w.lockedAdvice() + ", where the user can sign in at once"
		}
		return &Error{Code: ELOCKED, Reason: "SESSION_LOCKED", RetryAfter: wait, Message: msg}
	case !slices.Contains(want, st):
		return Errorf(ECONFLICT, "this widget session is waiting for %s, not %s", stepWords(st), stepWords(want[0])).WithReason("WRONG_STEP")
	}
	return nil
}

// lockedFor is how long a locked session's user must wait before signing in again
// in a new session: until the bank's lock ends, if the bank locked them out.
func lockedFor(until, now time.Time) time.Duration { return max(until.Sub(now), 0) }

func stepWords(status string) string {
	switch status {
	case WidgetInstitution:
		return "a bank to be chosen"
	case WidgetChallenge:
		return "the answer to a challenge"
	case WidgetAccount:
		return "an account to be chosen"
	}
	return "a username and password"
}

// WidgetChooseInstitution picks the bank to connect at (institution is its CBN
// code) and how the user signs in there (method; "" for the bank's usual). At the
// login it switches bank or method.
func (e *Engine) WidgetChooseInstitution(ctx context.Context, session, institution, method string) (WidgetState, error) {
	return e.step(session, func(w *widgetSession) error {
		if w.state.Reauth {
			return Errorf(ECONFLICT, "a re-authorisation signs in at the account's own bank").WithReason("WRONG_STEP")
		}
		if w.state.InstitutionFixed && institution != w.state.Institution.Code {
			return Invalid("institution", "this widget was opened for %s; it cannot change bank", w.state.Institution.Name)
		}
		return e.chooseInstitution(w, institution, method)
	}, WidgetInstitution, WidgetLogin)
}

// WidgetBack goes from a connect's login back to the list of banks.
func (e *Engine) WidgetBack(ctx context.Context, session string) (WidgetState, error) {
	return e.step(session, func(w *widgetSession) error {
		if w.state.Reauth || w.state.InstitutionFixed {
			return Errorf(ECONFLICT, "this widget was opened for %s; there is no list of banks to go back to", w.state.Institution.Name).WithReason("WRONG_STEP")
		}
		w.state.Status, w.state.Institution, w.state.AuthMethod = WidgetInstitution, Institution{}, ""
		return nil
	}, WidgetLogin, WidgetInstitution) // at the list already (a double click): it stays there
}

// WidgetLogin submits the user's username and password.
// When re-authorising, the username is known and may be left out.
func (e *Engine) WidgetLogin(ctx context.Context, session, username, password string) (WidgetState, error) {
	if password == "" {
		if strings.TrimSpace(username) == "" && !e.knowsUsername(session) {
			// Both left empty: both named, so the API's answer and the app's error
			// event say what the page does; they named the password alone (a
			// front-end developer's trial).
			return e.blank(session, Invalid("password", "username and password are required"), WidgetLogin)
		}
		return e.blank(session, Invalid("password", "password is required"), WidgetLogin)
	}
	return e.step(session, func(w *widgetSession) error {
		w.state.Tried = true
		if strings.TrimSpace(username) == "" {
			if username = w.state.Username; username == "" || !w.state.Reauth {
				return Invalid("username", "username is required")
			}
		}
		username = strings.TrimSpace(username)
		if w.state.Reauth && w.state.Username != "" && username != w.state.Username {
			return Invalid("username", "re-authorise as %s, the user who connected this account", w.state.Username)
		}
		res, err := e.bank.Login(ctx, w.state.Institution.Code, username, password)
		if err != nil {
			return e.wrongAnswer(w, username, err)
		}
		w.creds = Credentials{Username: username, Password: Secret(password)}
		w.state.Username, w.state.PasswordRejected = username, false // the password typed is the bank's
		if bank, user := w.state.Institution.Code, strings.ToLower(username); bank != w.wrongBank || user != w.wrongUser {
			// Another user than the wrong attempts were for: the count left is
			// this one's, not theirs — "2 attempts left" showed at the OTP before
			// any wrong answer (a presenter's trial).
			w.wrong, w.wrongBank, w.wrongUser = 0, bank, user
			w.state.AttemptsLeft = MaxWidgetAttempts
			if left := e.bank.AttemptsLeft(bank, username); left > 0 {
				w.state.AttemptsLeft = min(w.state.AttemptsLeft, left)
			}
		}
		return e.advance(ctx, w, res)
	}, WidgetLogin)
}

// knowsUsername says whether session is a re-authorisation that knows its user,
// whose login may leave the username out.
func (e *Engine) knowsUsername(session string) bool {
	w, err := e.widget(session)
	if err != nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state.Reauth && w.state.Username != ""
}

// WidgetAnswer submits the answer to the current challenge. A challenge that
// expired at the bank sends the user back to the login.
func (e *Engine) WidgetAnswer(ctx context.Context, session, answer string) (WidgetState, error) {
	if strings.TrimSpace(answer) == "" {
		return e.blank(session, Invalid("answer", "answer is required"), WidgetChallenge)
	}
	return e.step(session, func(w *widgetSession) error {
		if ch := w.state.Challenge; ch != nil {
			// Letters, or a code of the wrong length, for an OTP or a token code:
			// refused as the bank's field refuses it, before it is sent, so it
			// counts no attempt (it was a wrong answer, and locked users out).
			if err := ch.NotACode(answer); err != nil {
				return err
			}
		}
		w.state.Tried = true
		if w.state.Challenge == nil { // cannot be, as advance leaves a session: said, not a panic
			w.state.Status = WidgetLogin
			return Errorf(EEXPIRED, "no challenge is waiting for an answer: sign in again")
		}
		res, err := e.bank.Answer(ctx, w.state.Challenge.ID, answer)
		if ErrorCode(err) == EEXPIRED {
			w.state.Status, w.state.Challenge = WidgetLogin, nil
			return err
		}
		if err != nil {
			username := w.creds.Username
			if username == "" {
				username = w.state.Username // a re-authorisation that opened at the challenge
			}
			return e.wrongAnswer(w, username, err)
		}
		return e.advance(ctx, w, res)
	}, WidgetChallenge)
}

// WidgetChooseAccount picks, by its number, which of the accounts the sign-in sees
// to link.
func (e *Engine) WidgetChooseAccount(ctx context.Context, session, number string) (WidgetState, error) {
	if strings.TrimSpace(number) == "" {
		return e.blank(session, Invalid("account", "account is required: the number of one of the accounts offered"), WidgetAccount)
	}
	return e.step(session, func(w *widgetSession) error {
		for _, a := range w.state.Accounts {
			if a.Number == strings.TrimSpace(number) {
				return e.finishConnect(ctx, w, w.bank, a)
			}
		}
		return Invalid("account", "account %q is not one of the accounts offered; choose one of them", number)
	}, WidgetAccount)
}

// attemptsText is "1 attempt" or "n attempts".
func attemptsText(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// wrongAnswer counts a wrong password or answer against the login it tried — a
// username at a bank, as the bank counts them: another bank or another username
// starts again (the session's count followed the user to another bank, said "1
// attempt left" there, and locked on a right password).
func (e *Engine) wrongAnswer(w *widgetSession, username string, err error) error {
	switch ErrorCode(err) {
	case ELOCKED: // the bank locked the login: this session can go no further
		w.state.AttemptsLeft = 0
		w.state.Status, w.state.Challenge, w.state.LockedUntil = WidgetLocked, nil, e.clock.Now()
		if be, ok := AsError(err); ok && be.RetryAfter > 0 {
			w.state.LockedUntil = e.clock.Now().Add(be.RetryAfter)
		}
		return err
	case EUNAUTHORIZED:
	default:
		return err
	}
	if bank, user := w.state.Institution.Code, strings.ToLower(username); bank != w.wrongBank || user != w.wrongUser {
		w.wrong, w.wrongBank, w.wrongUser = 0, bank, user
	}
	w.wrong++
	w.state.AttemptsLeft = MaxWidgetAttempts - w.wrong
	if be, ok := AsError(err); ok && be.AttemptsLeft > 0 {
		// The bank's own count may be further along: a sync with a password since
		// changed counts too. Show whichever runs out first.
		w.state.AttemptsLeft = min(w.state.AttemptsLeft, be.AttemptsLeft)
	}
	if w.state.AttemptsLeft <= 0 {
		w.state.Status, w.state.Challenge, w.state.LockedUntil = WidgetLocked, nil, e.clock.Now()
		return &Error{Code: ELOCKED, Reason: "SESSION_LOCKED", // no wait ends it: no RetryAfter
			Message: ErrorMessage(err) + "; too many wrong attempts: this widget session is locked, " + w.lockedAdvice()}
	}
	return &Error{Code: EUNAUTHORIZED, Reason: "WRONG_ANSWER", AttemptsLeft: w.state.AttemptsLeft,
		Message: fmt.Sprintf("%s; %s left", ErrorMessage(err), attemptsText(w.state.AttemptsLeft))}
}

// advance moves a session on after the bank answered: to a challenge, to the
// choice of an account, or to success.
func (e *Engine) advance(ctx context.Context, w *widgetSession, res LoginResult) error {
	switch {
	case res.Challenge != nil:
		w.state.Status, w.state.Challenge = WidgetChallenge, res.Challenge
		return nil
	case res.Session == nil:
		return Errorf(EUNAVAILABLE, "the bank answered with neither a session nor a challenge")
	}
	// Signed in. Should what follows fail — the link used meanwhile by another
	// session, the account unlinked, the bank down — the session goes back to its
	// login, not to a challenge already answered: it stayed at "challenge" with
	// none, and the next answer panicked (500) for good.
	err := e.signedIn(ctx, w, *res.Session)
	if err != nil && w.state.Status == WidgetChallenge {
		w.state.Status, w.state.Challenge = WidgetLogin, nil
	}
	return err
}

// signedIn ends a sign-in the bank accepted: a re-authorisation, or the connect of
// its one account at the session's bank, or the choice of one.
func (e *Engine) signedIn(ctx context.Context, w *widgetSession, sess BankSession) error {
	if w.state.Reauth {
		return e.finishReauth(ctx, w, sess)
	}
	accounts, err := e.bank.Accounts(ctx, sess.Token)
	if err != nil {
		return err
	}
	var here []BankAccount
	for _, a := range accounts {
		if a.Institution.Code == w.state.Institution.Code || a.Institution.Code == "" {
			here = append(here, a)
		}
	}
	switch len(here) {
	case 0:
		return Errorf(ENOTFOUND, "this customer has no account at %s", w.state.Institution.Name)
	case 1:
		return e.finishConnect(ctx, w, sess, here[0])
	}
	w.state.Status, w.state.Challenge, w.state.Accounts, w.bank = WidgetAccount, nil, here, sess
	return nil
}

// finishConnect issues the connect code for the account the user chose.
func (e *Engine) finishConnect(ctx context.Context, w *widgetSession, sess BankSession, acct BankAccount) error {
	now := e.clock.Now()
	s := e.Settings()
	// The way the user signed in here, not the one the bank's customer usually
	// uses; none chosen is internet banking, as every face of the widget shows it.
	acct.AuthMethod = cmp.Or(w.state.AuthMethod, AuthInternetBanking)
	var code ConnectCode
	var link Link
	err := e.store.Update(ctx, func(tx Tx) error {
		seq, err := tx.NextSequence("code")
		if err != nil {
			return err
		}
		code = ConnectCode{Code: "code_" + NewToken(s.SecretKey, s.IDNamespace, "code", seq),
			Institution: w.state.Institution.Code, CustomerID: sess.CustomerID, Number: acct.Number, Account: acct,
			Credentials: w.creds, BankSession: sess.Token, SessionExp: sess.ExpiresAt,
			CreatedAt: now, ExpiresAt: now.Add(ConnectCodeTTL)}
		if w.link != "" {
			if link, err = completeLink(tx, w.link, LinkLinked, code.Code, now); err != nil {
				return err
			}
			code.Link, code.Customer, code.Ref = link.ID, link.Customer.ID, link.Ref
		} else {
			// The widget's reference is the account's meta.ref, whether or not
			// data.customer names the business's customer: the README's drop-in
			// passes reference alone, and it came back "" (a web developer's trial).
			code.Customer, code.Ref = w.customer, w.state.Reference
		}
		return tx.PutConnectCode(code)
	})
	if err != nil {
		return err
	}
	w.state.Status, w.state.Challenge, w.state.Accounts, w.state.Code = WidgetSuccess, nil, nil, code.Code
	w.state.CodeExpiresAt = code.ExpiresAt
	w.state.AttemptsLeft = MaxWidgetAttempts // the bank's count starts again after a sign-in
	w.state.Account, w.bank = &acct, BankSession{}
	if w.link != "" {
		w.state.Link = &link
	}
	return nil
}

// CodeOpen reports whether a connect code can still be exchanged: issued, not yet
// exchanged, not expired. A page that shows a finished session again hands out
// only such a code.
func (e *Engine) CodeOpen(ctx context.Context, code string) bool {
	cs, err := e.CodeState(ctx, code)
	return err == nil && cs.ExchangedAt.IsZero() && cs.ExpiresAt.After(e.clock.Now())
}

// ConnectCodeState is where a connect code stands, without the credentials it
// carries: when it expires, and when and for which account it was exchanged.
type ConnectCodeState struct {
	ExpiresAt   time.Time
	ExchangedAt time.Time // zero until exchanged
	AccountID   string    // the account it was exchanged for
}

// CodeState is where a connect code stands: the tester's drawer says it was
// exchanged, and for which account, or that it expired, rather than offering it.
func (e *Engine) CodeState(ctx context.Context, code string) (ConnectCodeState, error) {
	if code == "" {
		return ConnectCodeState{}, Errorf(ENOTFOUND, "no connect code").WithReason("CODE_NOT_FOUND")
	}
	var cs ConnectCodeState
	err := e.store.View(ctx, func(tx Tx) error {
		cc, err := tx.ConnectCode(code)
		cs = ConnectCodeState{ExpiresAt: cc.ExpiresAt, ExchangedAt: cc.UsedAt, AccountID: cc.AccountID}
		return err
	})
	return cs, err
}

// ExchangeCode turns a connect code into a connected account (POST /account/auth):
// the account is created PROCESSING, account_connected is emitted, and the first
// sync runs before ExchangeCode returns.
func (e *Engine) ExchangeCode(ctx context.Context, code string) (Account, error) {
	if strings.TrimSpace(code) == "" {
		return Account{}, Invalid("code", "code is required: the code the widget returned on success")
	}
	now := e.clock.Now() // as asked: a code valid then is exchanged, a jump since or not
	var a Account
	var evs []Event
	err := e.store.Update(ctx, func(tx Tx) error {
		evs = evs[:0]
		// The settings as the write runs, not as it was queued: a connect whose
		// write met auto-sync being switched on was never scheduled (a review).
		s, err := tx.Settings()
		if err != nil {
			return err
		}
		cc, err := tx.ConnectCode(code)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			return Errorf(ENOTFOUND, "no connect code %q was issued; use the code the widget returned", code).WithReason("CODE_NOT_FOUND")
		case err != nil:
			return err
		case !cc.UsedAt.IsZero():
			return Errorf(ECONFLICT, "this code was already exchanged, for account %s; codes are single-use", cc.AccountID).WithReason("CODE_USED")
		case !cc.ExpiresAt.After(now):
			return Errorf(EEXPIRED, "this code expired at %s, 10 minutes after it was issued; connect again (v2: with a new link from POST /v2/accounts/initiate)", TimeText(cc.ExpiresAt)).WithReason("CODE_EXPIRED")
		}
		seq, err := tx.NextSequence("account")
		if err != nil {
			return err
		}
		inst, err := e.institution(cc.Institution)
		if err != nil {
			return err
		}
		a = Account{ID: NewID(s.IDNamespace, "account", seq), Institution: inst, CustomerID: cc.CustomerID,
			Number: cc.Number, Name: cc.Account.Name, Type: cc.Account.Type, Currency: cc.Account.Currency,
			AuthMethod: cc.Account.AuthMethod, ConnectedAt: now, DataStatus: DataProcessing, Balance: cc.Account.Balance,
			Credentials: cc.Credentials, BankSession: cc.BankSession, BankSessionExpiresAt: cc.SessionExp,
			Customer: cc.Customer, Ref: cc.Ref}
		if s.AutoSync > 0 {
			a.NextAutoSyncAt = now.Add(s.AutoSync)
		}
		cc.UsedAt, cc.AccountID = now, a.ID
		if err := tx.PutConnectCode(cc); err != nil {
			return err
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		ev, err := addEvent(tx, a, EventAccountConnected, EventFacts{}, now)
		evs = append(evs, ev)
		return err
	})
	if err != nil {
		return Account{}, err
	}
	e.publish(Notice{Kind: NoticeAccount, AccountID: a.ID})
	e.announce(evs)
	e.armAutoSyncBy(a.NextAutoSyncAt) // a jump since may have run past it: the next round catches up
	// The first sync must finish even if the caller gives up waiting (it would leave
	// the account PROCESSING for good); Close still cancels it.
	ctx = context.WithoutCancel(ctx)
	if _, err := e.runSync(ctx, a.ID, TriggerConnect, ""); err != nil {
		e.log.Warn("first sync", "account", a.ID, "err", err)
	}
	return e.Account(ctx, a.ID)
}
