package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// The connect widget flow (DESIGN §4.2): what connect.setup() and
// connect.reauthorise() do, as JSON. It takes the public key, not the secret one;
// after that the session ID is the bearer. A v2 initiate link's ID is a bearer too:
// a session opened on it needs no key, and GET /connect/links/{link} says where the
// link stands (to a browser, it is the link's hosted page).

func (s *Server) widgetRoutes(mux *routeMux) {
	mux.Handle("GET /connect/links/{link}", s.handle(s.linkState))
	mux.Handle("POST /connect/sessions", s.handle(s.openWidget))
	mux.Handle("GET /connect/sessions/{session}", s.handle(s.widgetState))
	mux.Handle("POST /connect/sessions/{session}/institution", s.handle(s.widgetStep(s.widgetInstitution, "institution", "auth_method")))
	mux.Handle("POST /connect/sessions/{session}/back", s.handle(s.widgetStep(s.widgetBack)))
	mux.Handle("POST /connect/sessions/{session}/login", s.handle(s.widgetStep(s.widgetLogin, "username", "password")))
	mux.Handle("POST /connect/sessions/{session}/answer", s.handle(s.widgetStep(s.widgetAnswer, "answer")))
	mux.Handle("POST /connect/sessions/{session}/account", s.handle(s.widgetStep(s.widgetAccount, "account")))
}

type challengeJSON struct {
	Type   string `json:"type"`
	Prompt string `json:"prompt"`
}

// widgetAccountJSON is an account the widget offers, or the one it is about.
type widgetAccountJSON struct {
	Number   string `json:"number"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Currency string `json:"currency"`
}

func newWidgetAccountJSON(a engine.BankAccount) widgetAccountJSON {
	return widgetAccountJSON{Number: a.Number, Name: a.Name, Type: a.Type, Currency: a.Currency}
}

// widgetJSON is every widget answer, whatever its status.
type widgetJSON struct {
	Session          string              `json:"session"`
	Institution      *institutionBody    `json:"institution,omitempty"`
	AuthMethod       string              `json:"auth_method,omitempty"`
	Status           string              `json:"status"`
	Reauth           bool                `json:"reauth,omitempty"`
	Username         string              `json:"username,omitempty"`
	PasswordRejected bool                `json:"password_rejected,omitempty"`
	Challenge        *challengeJSON      `json:"challenge,omitempty"`
	Accounts         []widgetAccountJSON `json:"accounts,omitempty"`
	Code             string              `json:"code,omitempty"`
	// CodeExpiresAt: the code is exchanged by then (10 minutes of virtual time);
	// a session read later still shows the code, which then answers 410.
	CodeExpiresAt string `json:"code_expires_at,omitempty"`
	Account       string `json:"account,omitempty"`
	Reference     string `json:"reference,omitempty"`
	ExpiresAt     string `json:"expires_at"`
	AttemptsLeft  int    `json:"attempts_left"`
	LockedUntil   string `json:"locked_until,omitempty"`
	// UnlinkedAt, on an expired re-authorisation: it ended then, before its time,
	// as its account was unlinked.
	UnlinkedAt string    `json:"unlinked_at,omitempty"`
	Link       *linkJSON `json:"link,omitempty"`
}

// linkJSON is a v2 initiate link as the widget shows it: once it has ended,
// redirect_url is where the user goes, with the result in its query.
type linkJSON struct {
	ID          string `json:"id"`
	Scope       string `json:"scope"`
	Status      string `json:"status"`
	Institution string `json:"institution,omitempty"`
	Account     string `json:"account,omitempty"`
	ExpiresAt   string `json:"expires_at"`
	RedirectURL string `json:"redirect_url"`
}

// unlinked says l re-authorises an account unlinked since (Server.linkUnlinked).
func newLinkJSON(l engine.Link, now time.Time, unlinked bool) *linkJSON {
	out := &linkJSON{ID: l.ID, Scope: l.Scope, Status: l.Status, Institution: l.Institution, Account: l.AccountID,
		ExpiresAt: instant(l.ExpiresAt), RedirectURL: l.RedirectURL}
	switch {
	case l.Status != engine.LinkPending:
		out.RedirectURL = linkRedirect(l.RedirectURL, l.Status, l.Code, l.AccountID, l.Ref)
	case unlinked:
		// It can no longer be once its account is gone: it said pending, for ever
		// (a v2 developer's trial). Before its expiry, which came later or not at
		// all: the page and Cancel say unlinked of a link both unlinked and past
		// its time, and the JSON said expired (the review).
		out.Status, out.RedirectURL = linkUnlinkedStatus, linkLeft(l, "unlinked")
	case !l.ExpiresAt.After(now):
		// Never walked to its end and past its time: it can no longer be, and the
		// user's way back to the app says so. The store keeps it pending, as left.
		out.Status, out.RedirectURL = linkExpired, linkLeft(l, "expired")
	}
	return out
}

func newWidgetJSON(st engine.WidgetState, withInstitution bool, now time.Time) widgetJSON {
	out := widgetJSON{Session: st.Session, Status: st.Status, AuthMethod: st.AuthMethod, Reauth: st.Reauth, Username: st.Username,
		PasswordRejected: st.PasswordRejected, Code: st.Code, CodeExpiresAt: instant(st.CodeExpiresAt), Account: st.AccountID, Reference: st.Reference,
		ExpiresAt: instant(st.ExpiresAt), AttemptsLeft: st.AttemptsLeft, LockedUntil: instant(st.LockedUntil), UnlinkedAt: instant(st.UnlinkedAt)}
	if withInstitution && st.Institution.Code != "" {
		inst := newInstitutionBody(st.Institution)
		out.Institution = &inst
	}
	if st.Challenge != nil {
		out.Challenge = &challengeJSON{Type: string(st.Challenge.Kind), Prompt: st.Challenge.Prompt}
	}
	for _, a := range st.Accounts {
		out.Accounts = append(out.Accounts, newWidgetAccountJSON(a))
	}
	if st.Link != nil {
		out.Link = newLinkJSON(*st.Link, now, st.Reauth && !st.UnlinkedAt.IsZero())
	}
	return out
}

// openWidgetFields are the fields parseOpenWidget reads.
var openWidgetFields = []string{"key", "institution", "auth_method", "reauth_token", "account", "reference", "link"}

// parseOpenWidget reads POST /connect/sessions' fields; the key is checked by the
// caller, so that a missing key answers 401 like a wrong one. With none of
// institution, reauth_token, account and link the widget asks the user for the bank.
func parseOpenWidget(p params) (key string, req engine.WidgetRequest, err error) {
	key = p.str("key")
	req = engine.WidgetRequest{Institution: institutionCode(p.str("institution"), simulator.Institutions()), AuthMethod: p.str("auth_method"),
		ReauthToken: p.str("reauth_token"), Account: p.str("account"), Reference: p.str("reference"), Link: p.str("link")}
	if len(req.Reference) > maxReference {
		return key, req, engine.Invalid("reference", "reference is %d characters long; keep it to %d", len(req.Reference), maxReference)
	}
	for _, f := range []string{"reauth_token", "account", "link"} {
		if err := notBlank(p, f); err != nil {
			return key, req, err
		}
	}
	return key, req, nil
}

// notBlank refuses a field given empty that names what to open: a blank
// reauth_token or account (an app whose request for a token failed) opened a new
// connection, and the user linked the account again, as a second one (a backend
// engineer's trial). Left out, the field asks for nothing.
func notBlank(p params, field string) error {
	if !p.has(field) || p.str(field) != "" {
		return nil
	}
	return blankWidgetField(field)
}

func blankWidgetField(field string) error {
	what := map[string]string{
		"reauth_token": "the token POST /accounts/{id}/reauthorise gave",
		"account":      "the ID of the account to re-authorise",
		"link":         "the ID of a v2 link (POST /v2/accounts/initiate)",
	}[field]
	return engine.Invalid(field, "%s is empty: give %s, or leave the field out to connect a new account", field, what)
}

// maxReference bounds the business's reference for a widget: it is echoed in
// every event the page posts.
const maxReference = 200

// openWidgetSession checks the public key and opens a session: the JSON route's
// and the page's one way in. A link is its own credential: it needs no key, but a
// key given must be right.
func (s *Server) openWidgetSession(r *http.Request, key string, req engine.WidgetRequest) (engine.WidgetState, error) {
	if (key != "" || req.Link == "") && !s.eng.CheckPublicKey(key) {
		msg := "wrong key: it is not this sandbank's current public key; the widget takes " + wherePublicKey
		switch {
		case key == "":
			msg = "no key: the widget takes " + wherePublicKey + " (key in the URL, or in the body)"
		case s.eng.CheckSecretKey(key): // the caller holds it already: saying so gives nothing away
			msg = "that is the secret key, which stays on your server: the widget takes " + wherePublicKey
		case quotedKey(key):
			msg = "the key is in quotes: send it without them (" + keyQuotesWhy + "); the widget takes " + wherePublicKey
		}
		return engine.WidgetState{}, engine.Errorf(engine.EUNAUTHORIZED, "%s", msg).WithReason("INVALID_PUBLIC_KEY")
	}
	return s.eng.OpenWidget(r.Context(), req)
}

// crossSiteWidget is the refusal of a widget call another site's page sent: a
// form on any page could otherwise re-authorise an account by its ID (the
// widget's own pages, connect.js's frame and /connect, are of this origin; apps'
// backends send no Sec-Fetch-Site or Origin).
const crossSiteWidget = "another site's page cannot drive the widget: its own pages (connect.js's frame, /connect) or your backend can"

func (s *Server) openWidget(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r, crossSiteWidget); err != nil {
		return err
	}
	p, err := widgetBody(w, r, openWidgetFields...)
	if err != nil {
		return err
	}
	key, req, err := parseOpenWidget(p)
	if (key != "" || req.Link == "") && !s.eng.CheckPublicKey(key) {
		_, err = s.openWidgetSession(r, key, req) // answers 401 before any field's error
		return err
	}
	if err != nil {
		return err
	}
	st, err := s.openWidgetSession(r, key, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newWidgetJSON(st, true, s.eng.Clock().Now()))
	return nil
}

// linkState says where a link stands; to a browser (mono_url followed), it is the
// hosted page: linkPage, web.go.
func (s *Server) linkState(w http.ResponseWriter, r *http.Request) error {
	if wantsHTML(r) {
		return s.linkPage(w, r)
	}
	l, err := s.eng.Link(r.Context(), r.PathValue("link"))
	if err != nil {
		return err
	}
	if !s.eng.LinkCodeOpen(r.Context(), l) {
		l.Code = "" // exchanged or expired: the state says how the link ended, not the code
	}
	writeJSON(w, http.StatusOK, newLinkJSON(l, s.eng.Clock().Now(), s.linkUnlinked(r.Context(), l)))
	return nil
}

// linkExpired is the status a link's JSON gives it once it is past its
// expires_at unfinished.
const linkExpired = "expired"

// linkUnlinkedStatus is the status a re-authorisation link's JSON gives it once
// its account is unlinked, unfinished.
const linkUnlinkedStatus = "unlinked"

func (s *Server) widgetState(w http.ResponseWriter, r *http.Request) error {
	st, err := s.eng.Widget(r.PathValue("session"))
	if err != nil {
		return err
	}
	if st.Link != nil && st.Open() {
		// The link as it stands, finished by another session since this one
		// opened on it, as the session's page says: it said pending (a widget
		// review). Without its code: this session did not link it.
		if l, err := s.eng.Link(r.Context(), st.Link.ID); err == nil {
			l.Code = ""
			st.Link = &l
		}
	}
	writeJSON(w, http.StatusOK, newWidgetJSON(st, true, s.eng.Clock().Now()))
	return nil
}

// widgetCall is one step of the widget: an engine call with the step's fields.
type widgetCall func(r *http.Request, session string, p params) (engine.WidgetState, error)

// widgetStep answers a step's POST as JSON: it reads the body and runs the call,
// which reads fields. A step refused for a field it lacks names the fields the
// body had that the step does not read: {"user","pass"} was answered "password is
// required" alone (an app developer's trial). Other fields pass, as a browser's
// form may send more.
func (s *Server) widgetStep(call widgetCall, fields ...string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := sameOrigin(r, crossSiteWidget); err != nil {
			return err
		}
		// A session that is gone is said before what is wrong with the body: no
		// body can help it.
		if _, err := s.eng.Widget(r.PathValue("session")); err != nil {
			return err
		}
		p, err := widgetBody(w, r, fields...)
		if err != nil {
			return err
		}
		st, err := call(r, r.PathValue("session"), p)
		if e, ok := engine.AsError(err); ok && e.Code == engine.EINVALID && e.Field != "" && !p.has(e.Field) {
			if other := unreadFields(p, fields); len(other) > 0 {
				e2 := *e
				e2.Message += fmt.Sprintf(" (the body has %s, which this step does not read: it takes %s)", strings.Join(other, ", "), strings.Join(fields, " and "))
				return &e2
			}
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newWidgetJSON(st, st.Status == engine.WidgetLogin, s.eng.Clock().Now()))
		return nil
	}
}

// unreadFields are p's fields other than names, sorted.
func unreadFields(p params, names []string) []string {
	var out []string
	for k := range p {
		if !slices.Contains(names, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// The steps, one engine call each; the page's forms make the same calls.

func (s *Server) widgetInstitution(r *http.Request, session string, p params) (engine.WidgetState, error) {
	return s.eng.WidgetChooseInstitution(r.Context(), session, institutionCode(p.str("institution"), s.eng.Institutions()), p.str("auth_method"))
}

func (s *Server) widgetBack(r *http.Request, session string, _ params) (engine.WidgetState, error) {
	return s.eng.WidgetBack(r.Context(), session)
}

func (s *Server) widgetLogin(r *http.Request, session string, p params) (engine.WidgetState, error) {
	return s.eng.WidgetLogin(r.Context(), session, p.str("username"), p["password"])
}

func (s *Server) widgetAnswer(r *http.Request, session string, p params) (engine.WidgetState, error) {
	return s.eng.WidgetAnswer(r.Context(), session, p.str("answer"))
}

func (s *Server) widgetAccount(r *http.Request, session string, p params) (engine.WidgetState, error) {
	return s.eng.WidgetChooseAccount(r.Context(), session, p.str("account"))
}
