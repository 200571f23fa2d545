package api

import (
	"context"
	"encoding/json"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/web"
)

// The widget in a browser: the page @mono.co/connect.js opens (GET /connect, with
// what the SDK puts in the URL), one page per step of the engine's widget session
// (/connect/s/{session}), the drop-in connect.js, the example app (/demo, demo.go)
// and the assets they load. The pages are HTML forms that post to the same
// engine calls as the JSON widget routes (widgetCall, widget.go): one widget,
// three faces. Errors answer as pages, never as raw JSON.

func (s *Server) webRoutes(mux *routeMux) {
	mux.Handle("GET /connect", s.page(s.connectEntry))
	mux.Handle("POST /connect", s.page(s.connectOpen)) // a re-authorisation's Continue (reauthPage)
	mux.Handle("POST /connect/links/{link}", s.page(s.linkOpen))
	mux.Handle("GET /connect/links/{link}/cancel", s.page(s.linkCancel))
	mux.Handle("GET /connect/s/{session}", s.page(s.connectPage))
	mux.Handle("POST /connect/s/{session}/{step}", s.page(s.connectStep))
	mux.Handle("GET /connect/s/{session}/{step}", s.page(s.connectStepAgain))
	mux.Handle("POST /connect/s/{session}/tester/fill", s.handle(s.testerFill)) // JSON to the page's script
	mux.Handle("GET /connect.js", s.handle(s.connectScript(false)))
	mux.Handle("GET /connect.mjs", s.handle(s.connectScript(true)))
	mux.Handle("GET /static/{file}", s.handle(s.static))
	s.demoRoutes(mux)
}

// The pages' policy: nothing loads from outside — scripts, styles and images come
// from sandbank only, and no inline script or style runs — forms post to sandbank
// only, and any page may frame them (connect.js's iframe sits in the developer's
// own app): the policy has no frame-ancestors, as frame-ancestors * matches only
// network schemes, and a page opened from a file showed the browser's error page
// in its frame. No Referer leaves them for another site: their URLs carry the
// session. Same-origin, not no-referrer: under no-referrer a browser sends
// Origin: null with a page's own form posts, which the cross-site check
// (sameOrigin) must refuse from another site's sandboxed frame (the review).
//
// A hosted link's pages also let their forms go to the business's redirect_url:
// the step that ends the link redirects there, and a policy's form-action covers
// where a form's answer redirects.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'"

// policyFor is the policy of a page whose forms may end at formTo's origin too.
func policyFor(formTo string) string {
	u, err := url.Parse(formTo)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return pagePolicy
	}
	return strings.Replace(pagePolicy, "form-action 'self'", "form-action 'self' "+u.Scheme+"://"+u.Host, 1)
}

func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", pagePolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

// renderPage answers a page with its status.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	pageHeaders(w)
	if v, ok := data.(*widgetPage); ok && v.St.Link != nil {
		w.Header().Set("Content-Security-Policy", policyFor(v.St.Link.RedirectURL))
	}
	if name == "demo" {
		// The demo app is a page of its own, never framed: another site's page
		// framing it could lead the user's clicks to its buttons (a security review).
		w.Header().Set("Content-Security-Policy", pagePolicy+"; frame-ancestors 'self'")
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	if err := web.Render(w, name, data); err != nil {
		s.log.Error("page", "name", name, "err", err)
	}
	return nil
}

// page wraps a page's handler: its errors answer as the error page, whatever the
// request's Accept header says.
func (s *Server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			if c, cerr := r.Cookie(linkCookie); cerr == nil && errorReason(err) == "SESSION_NOT_FOUND" && s.linkEnded(w, r, c.Value, err) {
				return // a hosted link's session gone with a restart: back to the app
			}
			r.Header.Set("Accept", "text/html")
			s.writeError(w, r, v1ErrorBody, err)
		}
	})
}

// linkCookie names the hosted link a browser's widget session was opened on,
// scoped to that session's pages: sessions live in memory, and one gone with a
// restart showed "This session has ended" with no way back to the app, the
// window being the link's (a v2 developer's trial). It holds the link's ID,
// which its mono_url shows anyway, and only ever offers that link's redirect_url.
const linkCookie = "sandbank_link"

// pageEvent is a message the page posts to its opener, as connect.mono.co does:
// {type, data}; the script stamps data with the time.
type pageEvent struct {
	Type string         `json:"type"`
	Data map[string]any `json:"data"`
}

// The messages' types (MONO-V2.md, "The widget"; @mono.co/connect.js 2.x).
const (
	evOpened         = "mono.connect.widget_opened"
	evInstitution    = "mono.connect.institution_selected"
	evMethodSwitched = "mono.connect.auth_method_switched"
	evLoginAttempt   = "mono.connect.login_attempt"
	evMFASubmitted   = "mono.connect.mfa_submitted"
	evAccountChosen  = "mono.connect.account_selected"
	evAccountLinked  = "mono.connect.account_linked"
	evError          = "mono.connect.error_occured" // sic, as the SDK spells it
	evSuccess        = "mono.connect.widget.account_linked"
)

// stepTo answers a widget step's form with where the browser goes next: a 303 to
// target for a plain form post, and {"location": target} to the page's script,
// which sends the form itself (Accept: application/json) and replaces the page
// with target rather than adding one to the browser's history. Each step was an
// entry of its own: three Backs to leave the app after a link, through the bank's
// OTP page (a front-end developer's trial); the widget Mono serves is one page.
func stepTo(w http.ResponseWriter, r *http.Request, target string) {
	if wantsJSON(r) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]string{"location": target})
		return
	}
	seeOther(w, target)
}

// wantsJSON says whether the request asks for JSON before anything else.
func wantsJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(strings.TrimSpace(strings.Split(r.Header.Get("Accept"), ",")[0]))
	return mt == "application/json"
}

// seeOther sends the browser to target (303), with a link for any client that
// does not follow.
func seeOther(w http.ResponseWriter, target string) {
	h := w.Header()
	h.Set("Location", target)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusSeeOther)
	_, _ = w.Write([]byte(`<a href="` + template.HTMLEscapeString(target) + `">See other</a>.` + "\n"))
}

// --- the error page

// errorPage is the HTML error page's view.
type errorPage struct {
	Title, Heading string
	Lines          []string
	Detail         string
	Status         int
	Code           string
	Events         []pageEvent
	Opener         string
	Reference      string // the app's reference from the address, which the page's events carry
	Finish         string // a link's way back to the app (its redirect_url), if any
	// Widget: the page is the widget's (its address is under /connect), headed as
	// its other pages are, "sandbank Connect"; an API route a browser opened is
	// sandbank's alone.
	Widget bool
}

// pageWords are the error page's heading and lines for a reason an end user (or a
// developer trying a link) meets; the engine's message follows for developers.
var pageWords = map[string][2]string{
	"INVALID_PUBLIC_KEY":    {"This widget was opened without the right key", "The app that opened it did not pass the right key, so it cannot go on. Go back to the app."},
	"REAUTH_TOKEN_EXPIRED":  {"This re-authorisation has expired", "A re-authorisation lasts 10 minutes from when the app asked for it. Go back to the app and start again."},
	"REAUTH_TOKEN_USED":     {"This re-authorisation has already been used", "A re-authorisation works once. If you finished it, your account is re-authorised and there is nothing more to do; if not, go back to the app and start again."},
	"REAUTH_TOKEN_UNKNOWN":  {"This re-authorisation is not valid", "Go back to the app and start again."},
	"SESSION_NOT_FOUND":     {"This session has ended", "It finished, expired, or sandbank restarted since. Go back to the app and start again."},
	"INSTITUTION_NOT_FOUND": {"We could not find that bank", "The app asked for a bank this widget does not know. Go back to the app and choose your bank again."},
	"LINK_EXPIRED":          {"This link has expired", "Go back to the app and start again."},
	"LINK_USED":             {"This link has already been used", "It was completed before: there is nothing more to do. Return to the app."},
	"LINK_NOT_FOUND":        {"This link is not valid", "Go back to the app and start again."},
	"ACCOUNT_NOT_FOUND":     {"This account cannot be re-authorised", "The app asked to re-authorise an account that is not connected. Go back to the app."},
}

// statusWords head the error page by status when the reason has no words of its own.
var statusWords = map[int]string{
	http.StatusBadRequest:            "There is a problem with this request",
	http.StatusUnauthorized:          "You are not allowed to see this",
	http.StatusForbidden:             "You are not allowed to do this",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "This address does not take that request",
	http.StatusConflict:              "This cannot be done now",
	http.StatusGone:                  "This has expired",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusServiceUnavailable:    "The bank is not available",
	http.StatusRequestEntityTooLarge: "That was too much to send",
}

// writeErrorPage answers an error as a page.
func writeErrorPage(w http.ResponseWriter, r *http.Request, e apiError) {
	renderErrorPage(w, errorPageOf(r, e))
}

// errorPageOf is the page of an error.
func errorPageOf(r *http.Request, e apiError) errorPage {
	status := e.Status
	p := errorPage{Status: status, Code: e.Code, Detail: sentence(e.Message)}
	widget := r.URL.Path == "/connect" || strings.HasPrefix(r.URL.Path, "/connect/")
	// The widget's JSON routes (/connect/sessions/…) are an API a browser may
	// open too: headed as sandbank's, as the other API routes are (a review).
	p.Widget = widget && r.URL.Path != "/connect/sessions" && !strings.HasPrefix(r.URL.Path, "/connect/sessions/")
	words, ok := pageWords[e.Code]
	if e.Code == "ACCOUNT_NOT_FOUND" && !widget {
		// Its words are the widget's, for an account an app asked to re-authorise: on
		// an API route a browser opened (GET /v2/accounts/nope) they called a read a
		// re-authorisation (an integrator's trial).
		ok = false
	}
	if ok {
		p.Heading, p.Lines = words[0], []string{words[1]}
	} else {
		p.Heading = statusWords[status]
		if p.Heading == "" {
			p.Heading = "Sorry, something went wrong"
		}
		p.Lines, p.Detail = []string{p.Detail}, ""
		if status == http.StatusInternalServerError {
			p.Lines = []string{"sandbank could not finish this. Try again; if it happens again, its log says why."}
		}
	}
	p.Title = p.Heading
	p.Events = []pageEvent{{Type: evError, Data: map[string]any{"errorType": e.Code, "errorMessage": e.Message, "pageName": "ERROR"}}}
	p.Opener = openerOrigin(r.URL.Query().Get("referrer"))
	if ref := r.URL.Query().Get("reference"); len(ref) <= maxReference {
		p.Reference = ref // every event carries it, an error page's too
	}
	return p
}

// renderErrorPage writes an error page with its status.
func renderErrorPage(w http.ResponseWriter, p errorPage) {
	pageHeaders(w)
	w.WriteHeader(p.Status)
	if err := web.Render(w, "error", p); err != nil {
		_, _ = w.Write([]byte(p.Heading))
	}
}

// sentence is a message as a sentence: a capital first, a full stop last.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return ""
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	if last := r[len(r)-1]; last != '.' && last != '!' && last != '?' {
		r = append(r, '.')
	}
	return string(r)
}

// openerOrigin is the origin of the page that opened the widget (the SDK sends its
// URL as referrer), or "" when it is not an http(s) URL: the page then posts to any.
func openerOrigin(referrer string) string {
	u, err := url.Parse(referrer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// --- the entry: what @mono.co/connect.js 2.x puts in the URL

// connectQuery is what the SDK sends: key, referrer, version, and every option as
// a parameter, data and selectedInstitution as JSON.
type connectQuery struct {
	key    string
	req    engine.WidgetRequest
	opener string
}

// parseConnectQuery reads GET /connect's query string. sandbank names banks by
// CBN code: selectedInstitution.id is a code (or a bank's name).
func parseConnectQuery(raw string, insts []engine.Institution) (connectQuery, error) {
	p, err := queryParams(raw)
	if err != nil {
		return connectQuery{}, err
	}
	q := connectQuery{key: p.str("key"), opener: openerOrigin(p.str("referrer")),
		req: engine.WidgetRequest{Reference: p.str("reference"), ReauthToken: p.str("reauth_token"), Institution: p.str("institution")}}
	if len(q.req.Reference) > maxReference {
		return q, engine.Invalid("reference", "reference is %d characters long; keep it to %d", len(q.req.Reference), maxReference)
	}
	if err := notBlank(p, "reauth_token"); err != nil {
		return q, err
	}
	if d := p.str("data"); d != "" {
		var data struct {
			Account  *string `json:"account"`
			Customer struct {
				ID    string `json:"id"`
				Name  string `json:"name"`
				Email string `json:"email"`
			} `json:"customer"` // connect.js 2.x: the business's customer
		}
		if err := json.Unmarshal([]byte(d), &data); err != nil {
			return q, engine.Invalid("data", "the data parameter is not a JSON object such as {\"account\":\"ACCOUNT_ID\"} (%s)", jsonError(err))
		}
		if data.Account != nil {
			if q.req.Account = strings.TrimSpace(*data.Account); q.req.Account == "" {
				return q, blankWidgetField("account")
			}
		}
		q.req.Customer = engine.LinkCustomer{ID: data.Customer.ID, Name: data.Customer.Name, Email: data.Customer.Email}
	}
	if si := strings.TrimSpace(p.str("selectedInstitution")); si != "" {
		var sel struct {
			ID         string `json:"id"`
			AuthMethod string `json:"auth_method"`
		}
		switch err := json.Unmarshal([]byte(si), &sel); {
		case err == nil:
		case si[0] != '{' && si[0] != '[' && si[0] != '"': // a bare bank code or name, as people type it
			sel.ID = si
		default:
			return q, engine.Invalid("selectedInstitution", "the selectedInstitution parameter is not a JSON object such as {\"id\":\"044\",\"auth_method\":\"internet_banking\"} (%s)", jsonError(err))
		}
		q.req.Institution, q.req.AuthMethod = institutionCode(strings.TrimSpace(sel.ID), insts), strings.TrimSpace(sel.AuthMethod)
	}
	if q.req.AuthMethod == "" {
		q.req.AuthMethod = p.str("auth_method")
	}
	if q.req.ReauthToken != "" || q.req.Account != "" {
		// A Connect's options stay with it: selectedInstitution picks the bank of
		// a new connection, and reauthorise(id) of an account at another bank
		// re-authorises that one at its own (the engine refuses the fields' bank
		// when another is asked for in so many words, POST /connect/sessions).
		q.req.Institution, q.req.AuthMethod = "", ""
	}
	return q, nil
}

// institutionCode is a bank's CBN code from its code or its name.
func institutionCode(id string, insts []engine.Institution) string {
	for _, in := range insts {
		if strings.EqualFold(in.Name, id) {
			return in.Code
		}
	}
	return id
}

// connectEntry opens a widget session from the SDK's URL and sends the browser to
// its page.
func (s *Server) connectEntry(w http.ResponseWriter, r *http.Request) error {
	if ended := r.URL.Query().Get("restart"); ended != "" {
		s.closeEnded(ended)
	}
	q, err := parseConnectQuery(r.URL.RawQuery, s.eng.Institutions())
	if err != nil {
		return err
	}
	if q.req.ReauthToken != "" || q.req.Account != "" {
		if !s.eng.CheckPublicKey(q.key) {
			_, err := s.openWidgetSession(r, q.key, q.req) // the wrong key's page
			return err
		}
		a, err := s.eng.ReauthTarget(r.Context(), q.req)
		if err != nil {
			return err
		}
		action := r.URL.Query()
		action.Del("restart") // a restart's hidden load says nothing; the user's Continue opens as any
		return s.renderPage(w, r, http.StatusOK, "reauth", newReauthPage(a, "/connect?"+action.Encode(), q.opener, q.req.Reference))
	}
	return s.connectOpen(w, r)
}

// reauthPage asks the user before a re-authorisation opens: opening signs in at
// the bank with the saved details (the bank's count of wrong passwords starts
// again) and spends a reauth token, which a GET (a link preview, a prefetch, an
// SDK that loads the frame at setup()) must not do. Its Continue posts to the
// same address.
type reauthPage struct {
	Title, Bank, BankCode, Account, Action, Opener, Reference string
	Cancel                                                    string // a link's way back to the app, unfinished (its redirect_url)
}

func newReauthPage(a engine.Account, action, opener, reference string) reauthPage {
	// The title is the heading, as on every other step: it said "Re-authorise your
	// account" over "Sign in to GTBank again" (an accessibility review).
	p := reauthPage{Title: "Sign in to your bank again", Bank: a.Institution.Name, BankCode: a.Institution.Code,
		Action: action, Opener: opener, Reference: reference}
	if p.Bank != "" {
		p.Title = "Sign in to " + p.Bank + " again"
	}
	if n := a.Number; len(n) >= 4 {
		p.Account = "••••" + n[len(n)-4:]
	}
	return p
}

// crossSiteContinue refuses a re-authorisation's Continue posted by another site's
// page: only the user, on sandbank's page, re-authorises.
const crossSiteContinue = "a re-authorisation goes on only from sandbank's own page, where the user chose Continue; another site's page cannot post it"

// connectOpen opens the session the SDK's URL asks for and sends the browser to
// its page.
func (s *Server) connectOpen(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if err := sameOrigin(r, crossSiteContinue); err != nil {
			return err
		}
	}
	q, err := parseConnectQuery(r.URL.RawQuery, s.eng.Institutions())
	if err != nil {
		return err
	}
	var reauthorises string // the account a re-authorisation is of, before a token that names it is spent
	if q.req.ReauthToken != "" || q.req.Account != "" {
		if a, err := s.eng.ReauthTarget(r.Context(), q.req); err == nil {
			reauthorises = a.ID
		}
	}
	st, err := s.openWidgetSession(r, q.key, q.req)
	if err != nil {
		return err
	}
	entry := r.URL.Query()
	after := "open"
	if entry.Has("restart") {
		// The page of a session that ended started this one, hidden, for the
		// app's next open(): that open says OPENED, not this load.
		after = "restart"
		entry.Del("restart")
	}
	if reauthorises != "" && reauthorises != q.req.Account {
		// A reauth token is spent by the session it opens: the restart opened it
		// again, and its page said REAUTH_TOKEN_USED, which the app's next open()
		// showed (a front-end developer's trial). It re-authorises the token's
		// account by its ID, as connect.js 2.x does: at its Continue page.
		entry = byAccount(entry, reauthorises)
	}
	s.pages.set(st.Session, q.opener, entry.Encode(), st.ExpiresAt, s.eng.Clock().Now())
	stepTo(w, r, "/connect/s/"+st.Session+"?after="+after) // a re-authorisation's Continue, sent by the page's script too
	return nil
}

// byAccount is the SDK's URL entry re-authorising account by its ID, in data, in
// place of a reauth token (reauth_token, or data.account where older code passes
// it); data's other fields stay.
func byAccount(entry url.Values, account string) url.Values {
	data := map[string]any{}
	if err := json.Unmarshal([]byte(entry.Get("data")), &data); err != nil || data == nil {
		data = map[string]any{}
	}
	data["account"] = account
	b, _ := json.Marshal(data)
	entry.Del("reauth_token")
	entry.Set("data", string(b))
	return entry
}

// linkPage is a v2 initiate link's hosted page (mono_url, followed by a browser):
// it opens a session on the link and sends the browser to its page, full-window.
// A link used or expired says so.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) error {
	if l, err := s.eng.Link(r.Context(), r.PathValue("link")); err == nil && l.Scope == engine.LinkReauth {
		if a, err := s.eng.ReauthTarget(r.Context(), engine.WidgetRequest{Link: l.ID}); err == nil { // else opening says what is wrong
			p := newReauthPage(a, "/connect/links/"+url.PathEscape(l.ID), "", l.Ref)
			if l.RedirectURL != "" {
				p.Cancel = linkCancelURL(l)
			}
			return s.renderPage(w, r, http.StatusOK, "reauth", p)
		}
	}
	return s.linkOpen(w, r)
}

// linkOpen opens a session on a link and sends the browser to its page (a
// re-authorisation link's Continue, or any other link's GET).
func (s *Server) linkOpen(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if err := sameOrigin(r, crossSiteContinue); err != nil {
			return err
		}
	}
	st, err := s.eng.OpenWidget(r.Context(), engine.WidgetRequest{Link: r.PathValue("link")})
	if s.linkEnded(w, r, r.PathValue("link"), err) {
		return nil
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: linkCookie, Value: r.PathValue("link"), Path: "/connect/s/" + st.Session, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	stepTo(w, r, "/connect/s/"+st.Session+"?after=open")
	return nil
}

// linkEnded answers the end user's page of a link that err says cannot be walked
// (used, expired, its account unlinked, or any other refusal), and reports
// whether it did: the user has somewhere to go, back to the app. A
// re-authorisation link whose account was unlinked showed its error with no way
// back, both buttons hidden outside a frame (a v2 developer's trial); so did any
// other refusal of opening a link. Only a bug's error, which writeError logs,
// and a link that is not one (no redirect_url to go to) are left to it.
func (s *Server) linkEnded(w http.ResponseWriter, r *http.Request, link string, err error) bool {
	reason := errorReason(err)
	status, known := statusOf[engine.ErrorCode(err)]
	if err == nil || !known || status == http.StatusInternalServerError {
		return false
	}
	l, lerr := s.eng.Link(r.Context(), link)
	if lerr != nil || l.RedirectURL == "" {
		return false
	}
	p := errorPageOf(r, apiError{Status: status, Code: reason, Message: engine.ErrorMessage(redactErr(r, err))})
	switch reason {
	case "LINK_EXPIRED":
		p.Finish = linkLeft(l, "expired") // told why
	case "ACCOUNT_NOT_FOUND":
		// The link can no longer be walked, as an expired one cannot: the app
		// hears why, and GET /connect/links/{link} says it too (linkUnlinked).
		p.Finish = linkLeft(l, "unlinked")
	case "SESSION_NOT_FOUND":
		// The link's session, gone with a restart (linkCookie): the app hears how
		// the link stands, as the link's Cancel says it — it may be opened again
		// while pending.
		p.Finish = linkCancelURL(l)
	default:
		// A refusal the user may get past by opening the link again (too many
		// sessions open, a form posted from another site): it stays pending.
		p.Finish = linkLeft(l, "error")
	}
	if reason == "LINK_USED" {
		// how it ended, without the code: whoever holds the link's URL is not the user
		p.Finish = linkRedirect(l.RedirectURL, l.Status, "", l.AccountID, l.Ref)
		// And said as a success, which it was: "It was finished before. Return
		// to the app" read as a failure to start again (an accessibility trial).
		p.Heading, p.Lines = "Your account is already linked", []string{"You linked it with this link on " + day(l.CompletedAt) + ". There is nothing more to do: return to the app."}
		if l.Status == engine.LinkReauthorised {
			p.Heading, p.Lines = "Your account is already re-authorised", []string{"You re-authorised it with this link on " + day(l.CompletedAt) + ". There is nothing more to do: return to the app."}
		}
		p.Title = p.Heading
	}
	renderErrorPage(w, p)
	return true
}

// day is when t was, to a user: "5 December 2026 at 17:02 West Africa Time".
func day(t time.Time) string {
	return t.In(engine.WAT).Format("2 January 2006 at 15:04") + " West Africa Time"
}

// linkDone is where a link's user goes at its end: the redirect_url with the result.
func linkDone(l engine.Link) string {
	return linkRedirect(l.RedirectURL, l.Status, l.Code, l.AccountID, l.Ref)
}

// linkCancelURL is a hosted link's Cancel: sandbank's, which sends the user to the
// app as the link stands then. It was the redirect_url with status failed, which
// told the app "cancelled" of a link whose step, sent as the user pressed Cancel,
// had linked the account; so did a page brought back from the history, scripts
// off, after the link ended (a front-end developer's trial).
func linkCancelURL(l engine.Link) string {
	return "/connect/links/" + url.PathEscape(l.ID) + "/cancel"
}

// linkCancel sends a link's user who cancels to the app: as cancelled while the
// link is pending (it stays so: the user may open it again), else as it ended.
func (s *Server) linkCancel(w http.ResponseWriter, r *http.Request) error {
	l, err := s.eng.Link(r.Context(), r.PathValue("link"))
	if err != nil {
		return err
	}
	if l.Status == engine.LinkPending {
		reason := "cancelled"
		if s.linkUnlinked(r.Context(), l) {
			reason = "unlinked" // a re-authorisation of an account gone cannot be walked, as the link's JSON says
		} else if !l.ExpiresAt.After(s.eng.Clock().Now()) {
			reason = "expired" // it cannot be opened again: not "cancelled" (a review)
		}
		seeOther(w, linkLeft(l, reason))
		return nil
	}
	// How it ended, without the code, as the used link's own page says it:
	// whoever holds the link's URL is not the user.
	l.Code = ""
	seeOther(w, linkDone(l))
	return nil
}

// linkUnlinked reports whether l, pending, re-authorises an account unlinked
// since it was made: it can no longer be walked, and says so as an expired link
// does — the store keeps it pending, as left.
func (s *Server) linkUnlinked(ctx context.Context, l engine.Link) bool {
	if l.Scope != engine.LinkReauth || l.Status != engine.LinkPending {
		return false
	}
	// The account itself, not ReauthTarget, which refuses a link past its time
	// before it looks: unlinked and then past its time, the JSON said expired
	// where the page said unlinked (the review).
	_, err := s.eng.Account(ctx, l.AccountID)
	return engine.ErrorCode(err) == engine.ENOTFOUND
}

// linkLeft is where a link's user goes who leaves it unfinished (locked, expired,
// cancelled, its account unlinked, or another refusal, "error"): the
// redirect_url with status failed and why.
func linkLeft(l engine.Link, reason string) string {
	u := linkRedirect(l.RedirectURL, "failed", "", "", l.Ref)
	if p, err := url.Parse(u); err == nil {
		q := p.Query()
		q.Set("reason", reason)
		p.RawQuery = q.Encode()
		u = p.String()
	}
	return u
}

// --- the steps

// pageSteps are the forms the page posts, each the engine call of a JSON route.
func (s *Server) pageSteps(step string) widgetCall {
	switch step {
	case "institution":
		return s.widgetInstitution
	case "back":
		return s.widgetBack
	case "login":
		return s.widgetLogin
	case "answer":
		return s.widgetAnswer
	case "account":
		return s.widgetAccount
	}
	return nil
}

// connectStepAgain is a step's address opened again — reloaded, gone back to, or
// bookmarked after the page it posted answered there: the session's page, where
// it stands now (and says so if it has ended).
func (s *Server) connectStepAgain(w http.ResponseWriter, r *http.Request) error {
	seeOther(w, "/connect/s/"+url.PathEscape(r.PathValue("session")))
	return nil
}

func (s *Server) connectPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.eng.Widget(r.PathValue("session"))
	if err != nil {
		return err
	}
	if to := s.replacedBy(r.Context(), st); to != "" {
		seeOther(w, to)
		return nil
	}
	if st.Link != nil && st.Open() {
		// The link, finished in another tab since this session opened on it (or
		// past its time), as the link's own page says it: this page showed a clean
		// form, whose step said LINK_USED to the user in a developer's words (a
		// browser trial).
		if l, err := s.eng.Link(r.Context(), st.Link.ID); err == nil && s.linkEnded(w, r, l.ID, s.eng.LinkUsable(l)) {
			return nil
		}
	}
	// As every route that reads its query: ?q=Access&q=GT searched for the
	// first, unsaid (a bad-input trial).
	if _, err := queryParams(r.URL.RawQuery); err != nil {
		return err
	}
	q := r.URL.Query()
	v := s.widgetView(r.Context(), st)
	v.Query = strings.TrimSpace(q.Get("q"))
	v.Banks = filterBanks(v.Banks, v.Query)
	// Only the GET its redirect makes, naming it: a HEAD, a second tab, a later
	// step's page took it (the review of the redirect).
	if id := q.Get("refused"); id != "" && r.Method == http.MethodGet {
		if f := s.pages.takeRefused(st.Session, id); f != nil && f.at == st.Status {
			// A step refused a moment ago (connectStep): its page, once, at its status.
			v.Title, v.Errors, v.Fields, v.Values, v.Events = f.title, f.errors, f.fields, f.values, f.events
			if f.downSaid {
				v.Down = ""
			}
			noteCode(w, f.code) // a bank's outage at 503 is the world's, not sandbank's trouble (the review)
			return s.renderPage(w, r, f.status, "connect", v)
		}
	}
	v.Events = append(stepEvents(q.Get("after"), q, st), v.Events...)
	return s.renderPage(w, r, http.StatusOK, "connect", v)
}

// closeEnded notes that the frame of an ended session has closed it: its page's
// restart names it (widget.js), on its way to a new session of the same setup.
func (s *Server) closeEnded(session string) {
	if st, err := s.eng.Widget(session); err == nil && !st.Open() {
		s.pages.close(session)
	}
}

// replacedBy is where the page of a framed session that has ended goes once the
// app has had its answer — the frame closed it, or its code was exchanged — when
// the frame shows it again: the new session its restart opens. The browser's Back,
// after the app had exchanged the code, took the hidden frame back to the finished
// session's page, and the app's next open() showed "Account linked" and handed
// the spent code to onSuccess again (a front-end developer's trial: 409
// CODE_USED), where the README promises the list of banks.
func (s *Server) replacedBy(ctx context.Context, st engine.WidgetState) string {
	op := s.pages.get(st.Session)
	if st.Open() || st.Link != nil || op.origin == "" {
		return ""
	}
	spent := st.Status == engine.WidgetSuccess && st.Code != "" && !s.eng.CodeOpen(ctx, st.Code)
	if !op.closed && !spent {
		return ""
	}
	return op.restart(st.Session)
}

// connectStep takes a step posted by the page, and the browser goes to the
// session's page (post, redirect, get: a reload repeats nothing): on success, with
// the step's events; on an error, to the step again with the error summary, the
// field's message and what was typed, which the session's page shows once.
func (s *Server) connectStep(w http.ResponseWriter, r *http.Request) error {
	// The page's forms post here as the JSON routes take the same steps: another
	// site's form, given a session's ID, spent its attempts and locked the bank's
	// sign-in, which the JSON routes refused (a security review).
	if err := sameOrigin(r, crossSiteWidget); err != nil {
		return err
	}
	step := r.PathValue("step")
	call := s.pageSteps(step)
	if call == nil {
		return engine.Errorf(engine.ENOTFOUND, "the widget has no step %q", step)
	}
	p, err := widgetBody(w, r, "at", "institution", "auth_method", "switch", "username", "password", "answer", "mfa", "account")
	if err != nil {
		return err
	}
	session := r.PathValue("session")
	if at := p.str("at"); at != "" {
		// The form of a step the session has left — the second click of a double
		// submit on a slow network, or a second tab's — shows where it stands: it
		// showed "waiting for the answer to a challenge, not a username and
		// password" at the OTP, and posted the app an ERROR, of a session going
		// well (a front-end developer's trial).
		// So is an answer to a challenge the session has left for the next: the
		// OTP clicked twice was the second time taken as the answer to the
		// security question after it, and spent an attempt there (a widget review).
		cur, err := s.eng.Widget(session)
		left := err == nil && cur.Status != at
		if err == nil && at == engine.WidgetChallenge && cur.Challenge != nil {
			left = left || (p.str("mfa") != "" && p.str("mfa") != string(cur.Challenge.Kind))
		}
		if left {
			if cur.Link != nil && cur.Status == engine.WidgetSuccess {
				// A hosted link ends at the business's redirect_url, as its step did
				// (the review) — without a code spent or expired since, which the
				// app would only be refused (a widget review), as the page's own
				// link to the app leaves it out.
				done := *cur.Link
				if !s.eng.LinkCodeOpen(r.Context(), done) {
					done.Code = ""
				}
				stepTo(w, r, linkDone(done))
				return nil
			}
			stepTo(w, r, "/connect/s/"+url.PathEscape(session))
			return nil
		}
	}
	st, err := call(r, session, p)
	// the page and its events quote the message: the key hidden, as in the JSON
	err = redactErr(r, err)
	if err != nil && st.Session == "" { // refused before the session was read
		var werr error
		if st, werr = s.eng.Widget(session); werr != nil {
			return werr // no such session: the error page
		}
	}
	after := step
	if step == "institution" && p.str("switch") != "" {
		after = "method"
	}
	if err == nil {
		s.pages.takeRefused(session, "") // a step taken since a refusal: its page is done with
	}
	if reason := errorReason(err); st.Link != nil && (reason == "LINK_USED" || reason == "LINK_EXPIRED") {
		stepTo(w, r, "/connect/s/"+url.PathEscape(session)) // the session's page says how the link ended, as the link's own does
		return nil
	}
	if err == nil && st.Link != nil && st.Status == engine.WidgetSuccess {
		stepTo(w, r, linkDone(*st.Link)) // a hosted link ends at the business's redirect_url
		return nil
	}
	if err == nil {
		target := "/connect/s/" + session + "?after=" + after
		if step == "answer" {
			target += "&mfa=" + url.QueryEscape(p.str("mfa"))
		}
		stepTo(w, r, target)
		return nil
	}
	v := s.widgetView(r.Context(), st)
	v.Values = map[string]string{"username": p.str("username"), "answer": p.str("answer"), "account": p.str("account")}
	if v.Values["username"] == "" && st.Status == engine.WidgetLogin {
		// Back at the login from a challenge (its answer came too late): the user
		// who signed in stays typed, as after an outage (a trial typed it again).
		v.Values["username"] = st.Username
	}
	if step == "answer" && (len(v.Values["answer"]) > 200 || engine.AnswerGoes(err, st.Challenge)) {
		// An answer the bank said no to goes, as a wrong password does: kept,
		// what the user typed next was added to it, and the next wrong attempt
		// locked the sign-in (a front-end developer's trial). So does a code the
		// form refused (not 6 digits): kept, the summary's link put the caret
		// before it, and 000000 typed there was sent as 00000012345 (an
		// accessibility trial). A security question's answer refused before it
		// reached the bank stays, to be corrected, and so does any answer the bank
		// could not take (an outage, a slow bank): it is still the right one, and
		// the code emptied sent the user back to the phone for it (the review).
		v.Values["answer"] = ""
	}
	v.fail(st, err)
	if step == "login" && st.Open() && strings.TrimSpace(p.str("username")) == "" && p.str("password") == "" && !(st.Reauth && st.Username != "") {
		// Both left empty: the engine's error, on the password, names both; the
		// summary lists each, in the form's order.
		words := requiredWords["username"]
		v.Errors = append([]formError{{Field: "username", Message: words}}, v.Errors...)
		v.Fields["username"] = &fieldError{ID: "username", Message: words}
	}
	var steps []pageEvent
	for _, e := range stepEvents(after, url.Values{"mfa": {p.str("mfa")}}, st) {
		switch e.Type {
		case evError: // the step's own error, below, says why it locked or expired: one event, not two
		case evInstitution, evMethodSwitched:
			// A choice refused (the session expired) chose nothing: the event said
			// a bank with a blank ID and name was selected. A login or an answer
			// refused was still an attempt, and says so.
		case evLoginAttempt, evMFASubmitted, evAccountChosen:
			// ... unless the form itself was refused before anything reached the
			// bank (an empty password, a code that is not 6 digits, no account
			// chosen) or the session had expired, which counts no attempt: an
			// app's funnel counted it (front-end developers' trials).
			if c := engine.ErrorCode(err); c != engine.EINVALID && c != engine.EEXPIRED {
				steps = append(steps, e)
			}
		default:
			steps = append(steps, e)
		}
	}
	v.Events = append(steps, v.Events...)
	v.Events = append(v.Events, pageEvent{Type: evError, Data: map[string]any{"errorType": errorReason(err),
		"errorMessage": engine.ErrorMessage(err), "reference": st.Reference}})
	status := statusOf[engine.ErrorCode(err)]
	if status == 0 {
		s.log.Error("widget step", "step", step, "err", err)
		status = http.StatusInternalServerError
	}
	// The refusal too is a redirect: answered at the form's address, a reload
	// posted the form again — the wrong password again, an attempt spent each
	// time, "2 attempts left", "1 attempt left", then the bank's 30-minute lock (a
	// front-end developer's trial).
	id := s.pages.refuse(session, refusal{at: st.Status, status: status, code: errorReason(err), title: v.Title, errors: v.Errors,
		fields: v.Fields, values: v.Values, events: v.Events, downSaid: v.downSaid}, st.ExpiresAt, s.eng.Clock().Now())
	stepTo(w, r, "/connect/s/"+session+"?refused="+id)
	return nil
}

// errorReason is an error's precise reason, as the JSON routes' "code".
func errorReason(err error) string {
	if e, ok := engine.AsError(err); ok && e.Reason != "" {
		return e.Reason
	}
	return defaultReason[engine.ErrorCode(err)]
}

// stepEvents are the messages a step's arrival stands for (after names the step
// just taken), and those the session's state stands for.
func stepEvents(after string, q url.Values, st engine.WidgetState) []pageEvent {
	ev := func(typ string, data map[string]any) pageEvent {
		if data == nil {
			data = map[string]any{}
		}
		if st.Reference != "" {
			data["reference"] = st.Reference
		}
		return pageEvent{Type: typ, Data: data}
	}
	inst := map[string]any{"id": st.Institution.Code, "name": st.Institution.Name}
	var out []pageEvent
	switch after {
	case "open":
		out = append(out, ev(evOpened, nil))
	case "institution":
		out = append(out, ev(evInstitution, map[string]any{"institution": inst, "authMethod": authMethodOrDefault(st.AuthMethod)}))
	case "method":
		out = append(out, ev(evMethodSwitched, map[string]any{"prevAuthMethod": otherAuthMethod(st.AuthMethod),
			"authMethod": authMethodOrDefault(st.AuthMethod)}))
	case "login":
		out = append(out, ev(evLoginAttempt, nil))
	case "answer":
		out = append(out, ev(evMFASubmitted, map[string]any{"mfaType": strings.ToUpper(q.Get("mfa"))}))
	case "account":
		out = append(out, ev(evAccountChosen, map[string]any{"selectedAccountsCount": 1}))
	}
	switch st.Status {
	case engine.WidgetSuccess:
		out = append(out, ev(evAccountLinked, map[string]any{"institution": inst}))
	case engine.WidgetLocked:
		out = append(out, ev(evError, map[string]any{"errorType": "SESSION_LOCKED", "errorMessage": "too many wrong answers: sign-in is locked"}))
	case engine.WidgetExpired:
		if !st.UnlinkedAt.IsZero() {
			// As the step's JSON answers it (404 ACCOUNT_NOT_FOUND), and the page
			// says it: the app was told SESSION_EXPIRED of a re-authorisation whose
			// account it had unlinked (a browser trial).
			out = append(out, ev(evError, map[string]any{"errorType": "ACCOUNT_NOT_FOUND",
				"errorMessage": "the account was unlinked, so this re-authorisation has ended"}))
			break
		}
		out = append(out, ev(evError, map[string]any{"errorType": "SESSION_EXPIRED", "errorMessage": "the session expired"}))
	}
	return out
}

func authMethodOrDefault(m string) string {
	if m == "" {
		return engine.AuthInternetBanking
	}
	return m
}

func otherAuthMethod(m string) string {
	if authMethodOrDefault(m) == engine.AuthInternetBanking {
		return engine.AuthMobileBanking
	}
	return engine.AuthInternetBanking
}

// --- the page's view

// widgetPage is the connect page's view of a session.
type widgetPage struct {
	BankLocked bool // a locked session whose bank still locks the login: its page says until when
	// Down, at a bank's login or question, is when its outage ends ("17:28 West
	// Africa Time"), or "" while it is up: said before the user types a password.
	Down      string
	downSaid  bool // the page's error says the outage (fail), so its notice does not
	Title     string
	Session   string
	St        engine.WidgetState
	Page      string // the step's name in on_exit's pageName
	Banks     []bankView
	Query     string
	Errors    []formError
	Fields    map[string]*fieldError
	Values    map[string]string
	Attempts  int
	Other     string // the auth method the login offers instead
	Challenge challengeView
	Events    []pageEvent
	Opener    string
	Reference string     // the app's, which every event the page posts carries
	Linked    *pageEvent // what Continue posts at success
	Finish    string     // a hosted link's way back to the app, at its end
	Cancel    string     // a hosted link's way back to the app, unfinished
	Restart   string     // an ended session's: where the frame goes once closed, for the app's next open()
	// CodeExpired, at a connect's success outside a link, is that its code
	// expired unexchanged: nothing was linked for the app, whatever the page
	// said before (a browser trial).
	CodeExpired bool
	Tester      *testerView
}

type bankView struct {
	Code, Name string
	Search     string // what the list's search looks in (Institution.SearchText)
	Methods    []string
	Down       string // "until 13:15" when the bank has an outage, as the TUI's list marks it
}

type formError struct{ Field, Message string }

type fieldError struct{ ID, Message string }

type challengeView struct {
	Title, Label, Hint, Captcha, Autocomplete string
	// HintHTML is Hint with a masked phone number read out as its last digits:
	// "0807***0047" read as "star star star" (an accessibility review).
	HintHTML       template.HTML
	Numeric, Short bool
}

// widgetView builds the page of a session's state.
func (s *Server) widgetView(ctx context.Context, st engine.WidgetState) *widgetPage {
	s.pages.keepUntil(st.Session, st.ExpiresAt) // an idle session's time, started again (engine's idle)
	op := s.pages.get(st.Session)
	v := &widgetPage{Session: st.Session, St: st, Fields: map[string]*fieldError{}, Values: map[string]string{},
		Other: otherAuthMethod(st.AuthMethod), Opener: op.origin, Reference: st.Reference}
	if ended := st.Status == engine.WidgetSuccess || st.Status == engine.WidgetLocked || st.Status == engine.WidgetExpired; ended && st.Link == nil && op.origin != "" {
		// The SDK hides its frame at the end and shows the same frame at the next
		// open(): the ended page again, a dead Continue, an expired or locked
		// session for good until the app reloaded. Closed from here, the page
		// opens a new session of the same setup in its place (widget.js).
		v.Restart = op.restart(st.Session)
	}
	if st.AttemptsLeft < engine.MaxWidgetAttempts {
		v.Attempts = st.AttemptsLeft
	}
	switch st.Status {
	case engine.WidgetInstitution:
		v.Title, v.Page = "Select your bank", "INSTITUTIONS"
		down := map[string]time.Time{}
		if s.bank != nil {
			for _, is := range s.bank.InstitutionStatuses() {
				if !is.OutageUntil.IsZero() {
					down[is.Code] = is.OutageUntil
				}
			}
		}
		for _, in := range s.eng.Institutions() {
			b := bankView{Code: in.Code, Name: in.Name, Search: in.SearchText(), Methods: engine.AuthMethods}
			if until, ok := down[in.Code]; ok {
				b.Down = "down until " + web.UpToTheMinute(until).In(engine.WAT).Format("15:04") + " WAT"
			}
			v.Banks = append(v.Banks, b)
		}
	case engine.WidgetLogin:
		v.Title, v.Page = "Log in to "+st.Institution.Name, "LOGIN"
		if st.Reauth {
			v.Title = "Re-authorise your account"
		}
		v.Down = s.downUntil(st.Institution.Code)
	case engine.WidgetChallenge:
		v.Page = "MFA"
		v.Challenge = newChallengeView(st.Challenge)
		v.Title = v.Challenge.Title
		v.Down = s.downUntil(st.Institution.Code)
	case engine.WidgetAccount:
		v.Title, v.Page = "Which account do you want to link?", "ACCOUNTS"
	case engine.WidgetSuccess:
		v.Title, v.Page = "Account linked", "SUCCESS"
		data := map[string]any{"code": st.Code}
		if st.Reauth {
			v.Title, data = "Account re-authorised", map[string]any{"id": st.AccountID, "reauthorised": true}
		}
		v.Linked = &pageEvent{Type: evSuccess, Data: data}
		if !st.Reauth && st.Link == nil && st.Code != "" {
			if cs, err := s.eng.CodeState(ctx, st.Code); err == nil && cs.ExchangedAt.IsZero() && !cs.ExpiresAt.After(s.eng.Clock().Now()) {
				v.Title, v.CodeExpired, v.Linked = "Your account was not linked", true, nil
			}
		}
	case engine.WidgetLocked:
		v.Title, v.Page = "Too many attempts", "LOCKED"
		v.BankLocked = st.LockedUntil.After(s.eng.Clock().Now())
	default:
		v.Title, v.Page = "This session has expired", "EXPIRED"
		if !st.UnlinkedAt.IsZero() {
			v.Title = "This account was disconnected"
		}
	}
	if l := st.Link; l != nil {
		switch st.Status {
		case engine.WidgetSuccess:
			// Shown again once its code is spent (Back, from the app that had
			// exchanged it), Continue carried the code again: it says how the link
			// ended without it, as the link's own page does.
			done := *l
			if !s.eng.LinkCodeOpen(ctx, done) {
				done.Code = ""
			}
			v.Finish = linkDone(done)
		case engine.WidgetLocked:
			v.Finish = linkLeft(*l, "locked")
		case engine.WidgetExpired:
			v.Finish = linkLeft(*l, "expired")
			if !st.UnlinkedAt.IsZero() {
				v.Finish = linkLeft(*l, "unlinked") // ended early, by the unlink: not its time
			}
		default:
			v.Cancel = linkCancelURL(*l)
		}
	}
	v.Tester = s.testerView(ctx, st)
	return v
}

// downUntil says when the bank's outage ends, to its user — "17:28 West Africa
// Time", with the day when it is not today — or "" while it is up. The bank list
// marked it, and the login said nothing until the password was sent (an
// accessibility trial).
func (s *Server) downUntil(code string) string {
	if s.bank == nil || code == "" {
		return ""
	}
	now := s.eng.Clock().Now()
	for _, is := range s.bank.InstitutionStatuses() {
		if is.Code != code || !is.OutageUntil.After(now) {
			continue
		}
		until := web.UpToTheMinute(is.OutageUntil).In(engine.WAT)
		text := until.Format("15:04") + " West Africa Time"
		if y, m, d := now.In(engine.WAT).Date(); until.Day() != d || until.Month() != m || until.Year() != y {
			text += " on " + until.Format("Monday 2 January")
		}
		return text
	}
	return ""
}

// newChallengeView words a challenge for its kind: the bank's prompt is the hint,
// or, for a security question, the label.
func newChallengeView(ch *engine.Challenge) challengeView {
	if ch == nil {
		return challengeView{Title: "Answer your bank", Label: "Answer"}
	}
	c := challengeView{Hint: sentence(ch.Prompt), Autocomplete: "off"}
	switch ch.Kind {
	case engine.MFAOTP:
		c.Title, c.Label, c.Numeric, c.Short, c.Autocomplete = "Enter the one-time password", "One-time password (OTP)", true, true, "one-time-code"
		c.HintHTML = readableMasks(c.Hint)
	case engine.MFAToken:
		c.Title, c.Label, c.Numeric, c.Short = "Enter the code on your token", "Token code", true, true
	case engine.MFASecurityQuestion:
		c.Title, c.Label, c.Hint = "Answer your security question", sentence(ch.Prompt), "Case and spaces do not matter."
		if !strings.HasSuffix(strings.TrimSpace(ch.Prompt), "?") {
			c.Label = strings.TrimSpace(ch.Prompt)
		}
	case engine.MFACaptcha:
		c.Title, c.Label, c.Hint, c.Short = "Type the characters you see", "Characters in the picture", "Letters and numbers, in any case.", true
		c.Captcha = strings.TrimSpace(strings.TrimPrefix(ch.Prompt, "Type the characters:"))
	default:
		c.Title, c.Label = "Answer your bank", "Answer"
	}
	return c
}

// maskedNumber is a phone number as the bank masks it: 0807***0047.
var maskedNumber = regexp.MustCompile(`\b([0-9]+)\*+([0-9]{2,})\b`)

// readableMasks is text, escaped, with each masked number shown as it is and read
// as "the number ending 0047".
func readableMasks(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range maskedNumber.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		// A stop after the number goes inside both spans: after the hidden one, a
		// screen reader read "the number ending 6226 ." (an accessibility trial).
		end, stop := m[1], ""
		if end < len(text) && strings.ContainsRune(".,;:", rune(text[end])) {
			end, stop = end+1, text[end:end+1]
		}
		b.WriteString(string(web.ReadAs(text[m[0]:end], "the number ending "+text[m[4]:m[5]]+stop)))
		last = end
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// firstField is the input an error without a field of its own points to.
func (v *widgetPage) firstField() string {
	switch v.St.Status {
	case engine.WidgetLogin:
		if v.St.Reauth && v.St.Username != "" {
			return "password"
		}
		return "username"
	case engine.WidgetChallenge:
		return "answer"
	case engine.WidgetAccount:
		return "account"
	case engine.WidgetInstitution:
		return "bank-search"
	}
	return ""
}

// fail shows err: in the summary, linked to its field, and beside the field.
func (v *widgetPage) fail(st engine.WidgetState, err error) {
	if !st.Open() {
		return // the locked and expired pages say it themselves
	}
	msg := sentence(engine.ErrorMessage(err))
	field := v.firstField()
	if e, ok := engine.AsError(err); ok && e.Code == engine.EINVALID && (strings.Contains(e.Message, " is required") || strings.Contains(e.Message, " are required")) {
		if words, ok := requiredWords[e.Field]; ok { // GOV.UK's words for an empty field
			msg = words
		}
		if c := v.St.Challenge; e.Field == "answer" && c != nil { // in the field's own words
			switch c.Kind {
			case engine.MFAOTP, engine.MFAToken:
				msg = "Enter the code."
			case engine.MFACaptcha:
				msg = "Enter the characters."
			}
		}
	}
	if errorReason(err) == "WRONG_ANSWER" { // the attempts left show beside the button
		msg = "That answer is not right."
		if c := v.St.Challenge; c != nil && (c.Kind == engine.MFAOTP || c.Kind == engine.MFAToken) {
			msg = "That code is not right."
		}
		if v.St.Status == engine.WidgetLogin {
			msg, field = "The username or password is not right.", "password"
			if v.St.Reauth && v.St.Username != "" { // the username is shown, not asked
				msg = "The password is not right."
			}
		}
	}
	if e, ok := engine.AsError(err); ok && e.Field != "" {
		if f := e.Field; f == "username" && v.St.Reauth && v.St.Username != "" {
			field = "password"
		} else if f == "username" || f == "password" || f == "answer" || f == "account" {
			field = f
		}
	}
	switch engine.ErrorCode(err) {
	case engine.EEXPIRED, engine.EUNAVAILABLE: // the bank's question timed out, or the bank is down: no field is wrong
		field = ""
	}
	if engine.ErrorCode(err) == engine.EUNAVAILABLE && v.Down != "" && st.Institution.Name != "" {
		// The user's words, not the log's: "GTBank is unavailable (outage until 5
		// Dec 2026 17:28:34 WAT); try again later" (an accessibility trial). Said
		// here, the page's notice of it is not said again; after another error it
		// is (a review: a question that timed out hid it).
		msg = st.Institution.Name + " isn’t available right now. Try again after " + v.Down + "."
		v.Down, v.downSaid = "", true
	}
	v.Errors = []formError{{Field: field, Message: msg}}
	if field != "" && field != "bank-search" {
		v.Fields[field] = &fieldError{ID: field, Message: msg}
	}
	v.Title = "Error: " + v.Title
}

// requiredWords ask for a field left empty.
var requiredWords = map[string]string{
	"username": "Enter your username.",
	"password": "Enter your password.",
	"answer":   "Enter the answer.",
	"account":  "Choose the account to link.",
}

// filterBanks keeps the banks a search for q finds, as the script's filter does:
// in what Institution.SearchText holds (its initials, its full name), where it
// looked in the name and code alone, and "gtb" found a bank only with a script.
func filterBanks(banks []bankView, q string) []bankView {
	if q == "" {
		return banks
	}
	var out []bankView
	for _, b := range banks {
		if strings.Contains(b.Search, strings.ToLower(q)) {
			out = append(out, b)
		}
	}
	return out
}

// --- the tester's drawer

// testerView is the tester's drawer: sandbox-only help that a real widget has not.
// It names only the customers a tester could sign in as at this session's bank,
// and the one signing in; it answers only the session's open challenge.
type testerView struct {
	Action    string
	Bank      string
	Customers []simulator.Customer // the bank's newest, oldest first
	Older     int                  // how many older ones Customers leaves out
	Customer  *simulator.Customer
	ShowPhone bool
	Phone     string
	Inbox     []simulator.Message
	CanFill   bool
	Code      string
	Exchange  string // the route that exchanges Code: v1's, or v2's for an initiate link
	// Once Code is exchanged, when and for which account; or when it expired
	// unexchanged. The drawer offered a spent code as one to exchange (a browser
	// trial).
	ExchangedAt  time.Time
	ExchangedFor string
	ExpiredAt    time.Time
	Note         string
}

// testerCustomers is how many of a bank's customers the drawer lists: the newest.
const testerCustomers = 5

func (s *Server) testerView(ctx context.Context, st engine.WidgetState) *testerView {
	if s.bank == nil {
		return nil
	}
	t := &testerView{Action: "/connect/s/" + st.Session, Bank: st.Institution.Name}
	var who *simulator.Customer
	if st.Username != "" {
		if c, err := s.bank.CustomerByUsername(st.Username); err == nil {
			who = &c
		}
	}
	switch st.Status {
	case engine.WidgetInstitution:
		t.Note = "Choose a bank to see its test customers."
	case engine.WidgetLogin:
		if st.Reauth {
			t.Customer = who
			break
		}
		// The newest: a customer a tester just made is the one they mean to
		// sign in as, and it comes after the seed's.
		for _, c := range s.bank.Customers() {
			if hasAccountAt(c, st.Institution.Code) {
				t.Customers = append(t.Customers, c)
			}
		}
		if n := len(t.Customers); n > testerCustomers {
			t.Customers, t.Older = t.Customers[n-testerCustomers:], n-testerCustomers
		}
		if len(t.Customers) == 0 { // the drawer was empty (Wema Bank in the demo world: a newcomer's trial)
			t.Note = "No customer of this world banks at " + st.Institution.Name + ", so no sign-in works here: POST /sandbox/customers {\"institution\":\"" +
				st.Institution.Code + "\"} makes one (then reload this page), or go back and choose another bank."
		}
	case engine.WidgetChallenge:
		t.Customer, t.CanFill = who, true
	case engine.WidgetAccount:
		t.Customer = who
		t.Note = "One sign-in sees every account the customer holds at this bank; choose one."
	case engine.WidgetSuccess:
		t.Code, t.Exchange = st.Code, "POST /account/auth (v2: POST /v2/accounts/auth)" // either; a v2 app looks for its own
		if st.Link != nil {
			t.Exchange = "POST /v2/accounts/auth"
		}
		if cs, err := s.eng.CodeState(ctx, st.Code); err == nil {
			switch {
			case !cs.ExchangedAt.IsZero():
				t.ExchangedAt, t.ExchangedFor = cs.ExchangedAt, cs.AccountID
			case !cs.ExpiresAt.After(s.eng.Clock().Now()):
				t.ExpiredAt = cs.ExpiresAt
			}
		}
	case engine.WidgetLocked:
		t.Customer = who
		t.Note = "The bank's lock ends at " + web.UpToTheMinute(st.LockedUntil).In(engine.WAT).Format("15:04") + " (WAT) on the virtual clock, and this session stays locked" +
			" (it ends at " + st.ExpiresAt.In(engine.WAT).Format("15:04") + "): move the clock past the lock (the TUI's time panel, or POST /sandbox/clock {\"advance\":\"30m\"}), then open a new session."
	}
	if t.Customer != nil {
		c := *t.Customer
		if c.MFA != engine.MFASecurityQuestion && (st.Challenge == nil || st.Challenge.Kind != engine.MFASecurityQuestion) {
			c.SecurityQuestion = ""
		}
		t.Customer = &c
		if msgs, err := s.bank.Inbox(c.ID); err == nil {
			t.ShowPhone, t.Phone, t.Inbox = true, c.Phone, msgs[:min(len(msgs), 5)]
		}
	}
	return t
}

func hasAccountAt(c simulator.Customer, code string) bool {
	for _, a := range c.Accounts {
		if a.Institution.Code == code {
			return true
		}
	}
	return false
}

// testerFill is the drawer's "fill": the test answer to the session's open
// challenge (bank.ExpectedAnswer, the one place that knows it), or a listed
// customer's credentials at the login. It answers JSON to the page's script and
// the page, filled in, to a plain form. Guarded as the drawer's data deserves:
// POST only, never cached, refused to other sites' pages, and only about this
// session's own step.
func (s *Server) testerFill(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r, "the tester's drawer answers sandbank's own pages only"); err != nil {
		return err
	}
	p, err := bodyParams(w, r, "customer", "field")
	if err != nil {
		return err
	}
	st, err := s.eng.Widget(r.PathValue("session"))
	if err != nil {
		return err
	}
	if s.bank == nil {
		return engine.Errorf(engine.ENOTFOUND, "this sandbank has no tester's drawer")
	}
	values := map[string]string{}
	switch {
	case p.str("customer") != "" && st.Status == engine.WidgetLogin && !st.Reauth:
		c, err := s.bank.Customer(p.str("customer"))
		if err != nil || !hasAccountAt(c, st.Institution.Code) {
			return engine.Invalid("customer", "no test customer %q banks with %s", p.str("customer"), st.Institution.Name)
		}
		values["username"], values["password"] = c.Username, c.Password
	case p.str("field") == "answer" && st.Status == engine.WidgetChallenge && st.Challenge != nil:
		ans, err := s.bank.ExpectedAnswer(st.Challenge.ID)
		if err != nil {
			return err
		}
		values["answer"] = ans
	default:
		return engine.Errorf(engine.ECONFLICT, "nothing to fill at this step (%s)", st.Status).WithReason("WRONG_STEP")
	}
	if wantsJSON(r) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, values)
		return nil
	}
	v := s.widgetView(r.Context(), st)
	v.Values = values
	return s.renderPage(w, r, http.StatusOK, "connect", v)
}

// sameOrigin refuses a request another site's page sent: the browser says so in
// Sec-Fetch-Site, or in an Origin that is not this server's.
func sameOrigin(r *http.Request, refusal string) error {
	forbidden := engine.Errorf(engine.EFORBIDDEN, "%s", refusal).WithReason("CROSS_SITE")
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return forbidden
	case "same-origin", "none":
		return nil // the browser's word: a page of http://localhost:PORT is ours too
	}
	// Older browsers send only Origin: this server's address, or the name the page
	// was asked by (hostGuard let only localhost or an IP through). "null" is a
	// sandboxed frame's or a data: page's — another site's, which it let through
	// (a security review).
	if o := r.Header.Get("Origin"); o == "null" || o != "" && origin(r) != "" && o != origin(r) && o != "http://"+r.Host {
		return forbidden
	}
	return nil
}

// --- assets

func (s *Server) connectScript(module bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Access-Control-Allow-Origin", "*") // a module script from another origin needs it
		_, err := w.Write(web.ConnectScript(origin(r), module))
		return err
	}
}

// staticTypes are the assets' content types, by extension.
var staticTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	ext := name[strings.LastIndexByte(name, '.')+1:]
	ctype, ok := staticTypes["."+ext]
	b, err := fs.ReadFile(web.Static, name)
	if !ok || err != nil || strings.Contains(name, "/") {
		return engine.Errorf(engine.ENOTFOUND, "no file %q in /static/", name)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}

// widgetPages remembers, per widget session, what its pages need from one request
// to the next that the engine's state does not hold: the origin of the page that
// opened it (the SDK's referrer), to address the page's messages to it alone, and
// the SDK's URL, its restart; whether its frame closed it; and a refused step's
// page, for the GET its redirect makes. It forgets a session once it has expired,
// amortised as the engine forgets sessions.
type widgetPages struct {
	mu      sync.Mutex
	m       map[string]opener
	next    int    // the size at which expired entries are next dropped
	refusal uint64 // the last refusal's number: its redirect names it
	// kept reports whether the engine still keeps a session: an entry past its
	// time stays while it does (a session nobody has used yet, whose time the
	// engine gives again: its opener went, and its page's messages went to "*").
	kept func(session string) bool
}

type opener struct {
	origin  string
	entry   string // the query of the SDK's URL that opened the session: its restart
	expires time.Time
	closed  bool     // the session ended and its frame closed it: its page, shown again, is replaced
	refused *refusal // a step refused, for the session's page to show once
}

// refusal is the page of a step refused: what went wrong, beside which field,
// what was typed (never the password), and the events it stands for; at is the
// session's status after it, where alone it is shown.
type refusal struct {
	id        string // named by the refused step's redirect: only that GET shows it
	at, title string
	status    int
	code      string // the refusal's, for the request's log line (noteCode)
	errors    []formError
	fields    map[string]*fieldError
	values    map[string]string
	events    []pageEvent
	downSaid  bool // its error says the bank's outage: the page's notice of it is not said again
}

// restart is where the frame of session, ended, goes for the app's next open():
// the SDK's URL again, naming the session it replaces.
func (op opener) restart(session string) string {
	return "/connect?" + op.entry + "&restart=" + url.QueryEscape(session)
}

// set records who opened session, if the SDK said (origin).
func (o *widgetPages) set(session, origin, entry string, expires time.Time, now time.Time) {
	if origin == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sweep(now)
	op := o.m[session]
	op.origin, op.entry, op.expires = origin, entry, expires
	o.m[session] = op
}

// sweep drops the expired entries when the map has grown: amortised O(1).
func (o *widgetPages) sweep(now time.Time) {
	if o.m == nil {
		o.m = map[string]opener{}
	}
	if len(o.m) > max(o.next, 64) {
		for k, v := range o.m {
			if !v.expires.After(now) && (o.kept == nil || !o.kept(k)) {
				delete(o.m, k)
			}
		}
		o.next = 2 * len(o.m)
	}
}

// close marks session closed, if it has an opener.
func (o *widgetPages) close(session string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if op, ok := o.m[session]; ok {
		op.closed = true
		o.m[session] = op
	}
}

// refuse keeps a refused step's page for session, until it is shown or expires,
// and returns the number its redirect names.
func (o *widgetPages) refuse(session string, f refusal, expires time.Time, now time.Time) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sweep(now)
	o.refusal++
	f.id = strconv.FormatUint(o.refusal, 10)
	op := o.m[session]
	op.refused = &f
	if expires.After(op.expires) {
		op.expires = expires
	}
	o.m[session] = op
	return f.id
}

// takeRefused is session's refused step's page, if id names it, which it
// forgets; an id of "" forgets it (a step taken since).
func (o *widgetPages) takeRefused(session, id string) *refusal {
	o.mu.Lock()
	defer o.mu.Unlock()
	op, ok := o.m[session]
	if !ok || op.refused == nil || (id != "" && op.refused.id != id) {
		return nil
	}
	f := op.refused
	op.refused = nil
	o.m[session] = op
	return f
}

func (o *widgetPages) get(session string) opener {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.m[session]
}

// keepUntil keeps what is remembered of session at least until expires.
func (o *widgetPages) keepUntil(session string, expires time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if op, ok := o.m[session]; ok && expires.After(op.expires) {
		op.expires = expires
		o.m[session] = op
	}
}
