package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The connect widget (DESIGN §4.2): what connect.setup() and connect.reauthorise(token)
// show an end user. A session walks login → challenge(s) → success. Sessions live in
// memory; a restart forgets them, as a closed browser tab would.

// Widget statuses.
const (
	WidgetLogin     = "login"     // asks for username and password
	WidgetChallenge = "challenge" // asks for the answer to Challenge
	WidgetSuccess   = "success"   // Code (connect) or AccountID (reauth) is set
)

// WidgetRequest opens a session: Institution for connect.setup(), ReauthToken for
// connect.reauthorise(token), Link for a v2 initiate link (with Institution, if the
// link names no bank).
type WidgetRequest struct {
	Institution string
	ReauthToken string
	Link        string
}

// WidgetState is what the widget shows now.
type WidgetState struct {
	Session      string
	Institution  Institution
	Reauth       bool
	Status       string
	Username     string // known already when re-authorising
	Challenge    *Challenge
	Code         string // connect success: exchange with ExchangeCode
	AccountID    string // reauth success
	ExpiresAt    time.Time
	AttemptsLeft int
	// Link is the v2 initiate link the session walks, as it stands (completed,
	// once the session succeeds); nil for v1's widget.
	Link *Link
}

type widgetSession struct {
	mu          sync.Mutex // one step at a time
	state       WidgetState
	link        string // the initiate link it walks, if any
	accountID   string // the account being re-authorised
	creds       Credentials
	wrong       int
	lockedUntil time.Time // when the bank lets the user sign in again, if it locked them out
}

// lockedFor is how long a locked session's user must wait before signing in again
// in a new session: until the bank's lock ends, if the bank locked them out.
func (w *widgetSession) lockedFor(now time.Time) time.Duration {
	return max(w.lockedUntil.Sub(now), time.Second)
}

// OpenWidget starts a widget session.
func (e *Engine) OpenWidget(ctx context.Context, req WidgetRequest) (WidgetState, error) {
	if req.Link != "" {
		return e.openLink(ctx, req.Link, req.Institution)
	}
	if req.ReauthToken != "" {
		return e.openReauth(ctx, req.ReauthToken)
	}
	inst, err := e.institution(req.Institution)
	if err != nil {
		return WidgetState{}, err
	}
	w := &widgetSession{state: WidgetState{Institution: inst, Status: WidgetLogin,
		ExpiresAt: e.clock.Now().Add(WidgetSessionTTL), AttemptsLeft: MaxWidgetAttempts}}
	if err := e.addWidget(ctx, w); err != nil {
		return WidgetState{}, err
	}
	return w.state, nil
}

// Institutions lists the banks a user can connect.
func (e *Engine) Institutions() []Institution { return e.bank.Institutions() }

func (e *Engine) institution(code string) (Institution, error) {
	if strings.TrimSpace(code) == "" {
		return Institution{}, Invalid("institution", "institution is required: the bank's CBN code, e.g. 044")
	}
	for _, i := range e.bank.Institutions() {
		if i.Code == code {
			return i, nil
		}
	}
	return Institution{}, Errorf(ENOTFOUND, "no institution has bank code %q; GET /sandbox/institutions lists them", code).WithReason("INSTITUTION_NOT_FOUND")
}

func (e *Engine) addWidget(ctx context.Context, w *widgetSession) error {
	var id string
	err := e.store.Update(ctx, func(tx Tx) error {
		seq, err := tx.NextSequence("widget")
		id = NewToken(e.Settings().SecretKey, e.Settings().IDNamespace, "widget", seq)
		return err
	})
	if err != nil {
		return err
	}
	w.state.Session = id
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.widgets) > max(e.widgetsCap, 64) { // forget expired sessions, amortised O(1)
		now := e.clock.Now()
		for k, old := range e.widgets {
			if !old.state.ExpiresAt.After(now) {
				delete(e.widgets, k)
			}
		}
		e.widgetsCap = 2 * len(e.widgets)
	}
	e.widgets[id] = w
	return nil
}

// Widget returns a session's current state.
func (e *Engine) Widget(session string) (WidgetState, error) {
	w, err := e.widget(session)
	if err != nil {
		return WidgetState{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state, nil
}

func (e *Engine) widget(session string) (*widgetSession, error) {
	e.mu.Lock()
	w := e.widgets[session]
	e.mu.Unlock()
	if w == nil {
		return nil, Errorf(ENOTFOUND, "no widget session %q: it never existed, ended, or sandbank restarted; open a new one", session).WithReason("SESSION_NOT_FOUND")
	}
	return w, nil
}

// step runs fn on a live session, one step at a time.
func (e *Engine) step(session string, want string, fn func(*widgetSession) error) (WidgetState, error) {
	w, err := e.widget(session)
	if err != nil {
		return WidgetState{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case !w.state.ExpiresAt.After(e.clock.Now()):
		return w.state, Errorf(EEXPIRED, "this widget session expired at %s; open a new one", TimeText(w.state.ExpiresAt)).WithReason("SESSION_EXPIRED")
	case w.state.Status == WidgetSuccess:
		return w.state, Errorf(ECONFLICT, "this widget session has already succeeded").WithReason("SESSION_DONE")
	case w.state.AttemptsLeft <= 0:
		return w.state, &Error{Code: ELOCKED, Reason: "SESSION_LOCKED", RetryAfter: w.lockedFor(e.clock.Now()),
			Message: "too many wrong answers: this widget session is locked; open a new one once the bank lets the user sign in again"}
	case w.state.Status != want:
		return w.state, Errorf(ECONFLICT, "this widget session is waiting for %s, not %s", stepWords(w.state.Status), stepWords(want)).WithReason("WRONG_STEP")
	}
	err = fn(w)
	return w.state, err
}

func stepWords(status string) string {
	if status == WidgetChallenge {
		return "the answer to a challenge"
	}
	return "a username and password"
}

// WidgetLogin submits the user's username and password.
// When re-authorising, the username is known and may be left out.
func (e *Engine) WidgetLogin(ctx context.Context, session, username, password string) (WidgetState, error) {
	if password == "" {
		return WidgetState{}, Invalid("password", "password is required")
	}
	return e.step(session, WidgetLogin, func(w *widgetSession) error {
		if strings.TrimSpace(username) == "" {
			if username = w.state.Username; username == "" {
				return Invalid("username", "username is required")
			}
		}
		if w.state.Reauth && w.state.Username != "" && username != w.state.Username {
			return Invalid("username", "re-authorise as %s, the user who connected this account", w.state.Username)
		}
		res, err := e.bank.Login(ctx, w.state.Institution.Code, username, password)
		if err != nil {
			return e.wrongAnswer(w, err)
		}
		w.creds = Credentials{Username: username, Password: Secret(password)}
		return e.advance(ctx, w, res)
	})
}

// WidgetAnswer submits the answer to the current challenge.
func (e *Engine) WidgetAnswer(ctx context.Context, session, answer string) (WidgetState, error) {
	if strings.TrimSpace(answer) == "" {
		return WidgetState{}, Invalid("answer", "answer is required")
	}
	return e.step(session, WidgetChallenge, func(w *widgetSession) error {
		res, err := e.bank.Answer(ctx, w.state.Challenge.ID, answer)
		if err != nil {
			return e.wrongAnswer(w, err)
		}
		return e.advance(ctx, w, res)
	})
}

// wrongAnswer counts a wrong password or answer against the session.
func (e *Engine) wrongAnswer(w *widgetSession, err error) error {
	switch ErrorCode(err) {
	case ELOCKED: // the bank locked the login: this session can go no further
		w.state.AttemptsLeft = 0
		if be, ok := AsError(err); ok && be.RetryAfter > 0 {
			w.lockedUntil = e.clock.Now().Add(be.RetryAfter)
		}
		return err
	case EUNAUTHORIZED:
	default:
		return err
	}
	w.wrong++
	w.state.AttemptsLeft = MaxWidgetAttempts - w.wrong
	if be, ok := AsError(err); ok && be.AttemptsLeft > 0 {
		// The bank's own count may be further along: a sync with a password since
		// changed counts too. Show whichever runs out first.
		w.state.AttemptsLeft = min(w.state.AttemptsLeft, be.AttemptsLeft)
	}
	if w.state.AttemptsLeft <= 0 {
		return &Error{Code: ELOCKED, Reason: "SESSION_LOCKED", RetryAfter: w.lockedFor(e.clock.Now()),
			Message: ErrorMessage(err) + "; too many wrong attempts: this widget session is locked, open a new one"}
	}
	return &Error{Code: EUNAUTHORIZED, Reason: "WRONG_ANSWER", AttemptsLeft: w.state.AttemptsLeft,
		Message: fmt.Sprintf("%s; %d attempt(s) left", ErrorMessage(err), w.state.AttemptsLeft)}
}

// advance moves a session on after the bank answered: to a challenge, or to success.
func (e *Engine) advance(ctx context.Context, w *widgetSession, res LoginResult) error {
	switch {
	case res.Challenge != nil:
		w.state.Status, w.state.Challenge = WidgetChallenge, res.Challenge
		return nil
	case res.Session == nil:
		return Errorf(EUNAVAILABLE, "the bank answered with neither a session nor a challenge")
	}
	if w.state.Reauth {
		return e.finishReauth(ctx, w, *res.Session)
	}
	return e.finishConnect(ctx, w, *res.Session)
}

// finishConnect issues the connect code for the account the user signed in to.
func (e *Engine) finishConnect(ctx context.Context, w *widgetSession, sess BankSession) error {
	accounts, err := e.bank.Accounts(ctx, sess.Token)
	if err != nil {
		return err
	}
	var acct *BankAccount
	for i := range accounts {
		if accounts[i].Institution.Code == w.state.Institution.Code || accounts[i].Institution.Code == "" {
			acct = &accounts[i]
			break
		}
	}
	if acct == nil {
		return Errorf(ENOTFOUND, "this customer has no account at %s", w.state.Institution.Name)
	}
	now := e.clock.Now()
	s := e.Settings()
	var code ConnectCode
	var link Link
	err = e.store.Update(ctx, func(tx Tx) error {
		seq, err := tx.NextSequence("code")
		if err != nil {
			return err
		}
		code = ConnectCode{Code: "code_" + NewToken(s.SecretKey, s.IDNamespace, "code", seq),
			Institution: w.state.Institution.Code, CustomerID: sess.CustomerID, Number: acct.Number, Account: *acct,
			Credentials: w.creds, BankSession: sess.Token, SessionExp: sess.ExpiresAt,
			CreatedAt: now, ExpiresAt: now.Add(ConnectCodeTTL)}
		if w.link != "" {
			if link, err = completeLink(tx, w.link, LinkLinked, code.Code, now); err != nil {
				return err
			}
			code.Link, code.Customer, code.Ref = link.ID, link.Customer.ID, link.Ref
		}
		return tx.PutConnectCode(code)
	})
	if err != nil {
		return err
	}
	w.state.Status, w.state.Challenge, w.state.Code = WidgetSuccess, nil, code.Code
	if w.link != "" {
		w.state.Link = &link
	}
	return nil
}

// ExchangeCode turns a connect code into a connected account (POST /account/auth):
// the account is created PROCESSING, account_connected is emitted, and the first
// sync runs before ExchangeCode returns.
func (e *Engine) ExchangeCode(ctx context.Context, code string) (Account, error) {
	if strings.TrimSpace(code) == "" {
		return Account{}, Invalid("code", "code is required: the code the widget returned on success")
	}
	now := e.clock.Now()
	s := e.Settings()
	var a Account
	var evs []Event
	err := e.store.Update(ctx, func(tx Tx) error {
		evs = evs[:0]
		cc, err := tx.ConnectCode(code)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			return Errorf(ENOTFOUND, "no connect code %q was issued; use the code the widget returned", code).WithReason("CODE_NOT_FOUND")
		case err != nil:
			return err
		case !cc.UsedAt.IsZero():
			return Errorf(ECONFLICT, "this code was already exchanged, for account %s; codes are single-use", cc.AccountID).WithReason("CODE_USED")
		case !cc.ExpiresAt.After(now):
			return Errorf(EEXPIRED, "this code expired at %s, 10 minutes after it was issued; connect again", TimeText(cc.ExpiresAt)).WithReason("CODE_EXPIRED")
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
		ev, err := addEvent(tx, s, a, EventAccountConnected, EventFacts{}, now)
		evs = append(evs, ev)
		return err
	})
	if err != nil {
		return Account{}, err
	}
	e.publish(Notice{Kind: NoticeAccount, AccountID: a.ID})
	e.announce(evs)
	e.armAutoSyncBy(a.NextAutoSyncAt)
	// The first sync must finish even if the caller gives up waiting (it would leave
	// the account PROCESSING for good); Close still cancels it.
	ctx = context.WithoutCancel(ctx)
	if _, err := e.runSync(ctx, a.ID, TriggerConnect, ""); err != nil {
		e.log.Warn("first sync", "account", a.ID, "err", err)
	}
	return e.Account(ctx, a.ID)
}
