package api

import (
	"net/http"

	"sandbank/engine"
)

// The connect widget flow (DESIGN §4.2): what connect.setup() and
// connect.reauthorise(token) do. It takes the public key, not the secret one; after
// that the session ID is the bearer. A v2 initiate link's ID is a bearer too: a
// session opened on it needs no key, and GET /connect/links/{link} says where the
// link stands (the hosted page will answer there).

func (s *Server) widgetRoutes(mux *routeMux) {
	mux.Handle("GET /connect/links/{link}", s.handle(s.linkState))
	mux.Handle("POST /connect/sessions", s.handle(s.openWidget))
	mux.Handle("GET /connect/sessions/{session}", s.handle(s.widgetState))
	mux.Handle("POST /connect/sessions/{session}/login", s.handle(s.widgetLogin))
	mux.Handle("POST /connect/sessions/{session}/answer", s.handle(s.widgetAnswer))
}

type challengeJSON struct {
	Type   string `json:"type"`
	Prompt string `json:"prompt"`
}

// widgetJSON is every widget answer: status login, challenge or success.
type widgetJSON struct {
	Session      string           `json:"session"`
	Institution  *institutionBody `json:"institution,omitempty"`
	Status       string           `json:"status"`
	Reauth       bool             `json:"reauth,omitempty"`
	Username     string           `json:"username,omitempty"`
	Challenge    *challengeJSON   `json:"challenge,omitempty"`
	Code         string           `json:"code,omitempty"`
	Account      string           `json:"account,omitempty"`
	ExpiresAt    string           `json:"expires_at"`
	AttemptsLeft int              `json:"attempts_left"`
	Link         *linkJSON        `json:"link,omitempty"`
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

func newLinkJSON(l engine.Link) *linkJSON {
	out := &linkJSON{ID: l.ID, Scope: l.Scope, Status: l.Status, Institution: l.Institution, Account: l.AccountID,
		ExpiresAt: instant(l.ExpiresAt), RedirectURL: l.RedirectURL}
	if l.Status != engine.LinkPending {
		out.RedirectURL = linkRedirect(l.RedirectURL, l.Status, l.Code, l.AccountID, l.Ref)
	}
	return out
}

func newWidgetJSON(st engine.WidgetState, withInstitution bool) widgetJSON {
	out := widgetJSON{Session: st.Session, Status: st.Status, Reauth: st.Reauth, Username: st.Username,
		Code: st.Code, Account: st.AccountID, ExpiresAt: instant(st.ExpiresAt), AttemptsLeft: st.AttemptsLeft}
	if withInstitution {
		inst := newInstitutionBody(st.Institution)
		out.Institution = &inst
	}
	if st.Challenge != nil {
		out.Challenge = &challengeJSON{Type: string(st.Challenge.Kind), Prompt: st.Challenge.Prompt}
	}
	if st.Link != nil {
		out.Link = newLinkJSON(*st.Link)
	}
	return out
}

// parseOpenWidget reads POST /connect/sessions' fields; the key is checked by the
// caller, so that a missing key answers 401 like a wrong one.
func parseOpenWidget(p params) (key string, req engine.WidgetRequest, err error) {
	key = p.str("key")
	req = engine.WidgetRequest{Institution: p.str("institution"), ReauthToken: p.str("reauth_token"), Link: p.str("link")}
	if req.Institution == "" && req.ReauthToken == "" && req.Link == "" {
		return key, req, engine.Invalid("institution", "send institution (a bank code, to connect), reauth_token (to re-authorise) or link (a v2 initiate link's ID)")
	}
	return key, req, nil
}

func (s *Server) openWidget(w http.ResponseWriter, r *http.Request) error {
	p, err := bodyParams(w, r)
	if err != nil {
		return err
	}
	key, req, err := parseOpenWidget(p)
	if (key != "" || req.Link == "") && !s.eng.CheckPublicKey(key) { // a link is its own credential
		return engine.Errorf(engine.EUNAUTHORIZED, "missing or wrong key: the widget takes the public key sandbank printed when it started").WithReason("INVALID_PUBLIC_KEY")
	}
	if err != nil {
		return err
	}
	st, err := s.eng.OpenWidget(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newWidgetJSON(st, true))
	return nil
}

func (s *Server) linkState(w http.ResponseWriter, r *http.Request) error {
	l, err := s.eng.Link(r.Context(), r.PathValue("link"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newLinkJSON(l))
	return nil
}

func (s *Server) widgetState(w http.ResponseWriter, r *http.Request) error {
	st, err := s.eng.Widget(r.PathValue("session"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newWidgetJSON(st, true))
	return nil
}

func (s *Server) widgetLogin(w http.ResponseWriter, r *http.Request) error {
	p, err := bodyParams(w, r)
	if err != nil {
		return err
	}
	st, err := s.eng.WidgetLogin(r.Context(), r.PathValue("session"), p.str("username"), p["password"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newWidgetJSON(st, false))
	return nil
}

func (s *Server) widgetAnswer(w http.ResponseWriter, r *http.Request) error {
	p, err := bodyParams(w, r)
	if err != nil {
		return err
	}
	st, err := s.eng.WidgetAnswer(r.Context(), r.PathValue("session"), p.str("answer"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newWidgetJSON(st, false))
	return nil
}
