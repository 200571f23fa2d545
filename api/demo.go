package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"sandbank/engine"
)

// The example business app at /demo: what a presenter shows and what a web
// developer copies. Its page links a bank account with connect.js — or, before any
// script runs, through a v2 hosted link that comes back to /demo/linked — and its
// server half — these handlers — calls Mono's API with the secret key: the key
// never reaches the browser. It remembers the user's account in a cookie, as a session
// would, and learns that re-authorisation is needed the way an app does: a sync
// answers REAUTHORISATION_REQUIRED.

func (s *Server) demoRoutes(mux *routeMux) {
	mux.Handle("GET /demo", s.page(s.demo))
	mux.Handle("GET /demo/linked", s.page(s.demoLinked))
	mux.Handle("POST /demo/{action}", s.page(s.demoAction))
}

const (
	demoAccountCookie = "sandbank_demo_account"
	demoReauthCookie  = "sandbank_demo_reauth"
)

// demoPage is the demo's view.
type demoPage struct {
	Title     string
	PublicKey string
	Notice    string
	Problem   string
	Account   *demoAccount
	Reauth    bool
	Txs       []demoTx
	Events    []pageEvent // none: the demo is not a widget
	Opener    string
}

type demoAccount struct {
	ID, Name, Number, Bank, Type, DataStatus, Currency string
	Balance                                            int64
}

type demoTx struct {
	Date, Narration, Type string
	Amount                int64
}

// demoNotices are what the page says after an action, by the ?done= it was sent
// to; anything else says nothing.
var demoNotices = map[string]string{
	"linked":                           "Your bank account is linked.",
	"reauthorised":                     "Thanks: your bank account is connected again.",
	"forgotten":                        "This app no longer shows your account.",
	engine.CodeSyncSuccessful:          "Synced: this is your bank's latest.",
	engine.CodeReauthRequired:          "Your bank needs you to sign in again before this app can refresh.",
	engine.CodeSyncError:               "The sync failed: ",
	"RATE_LIMITED":                     "A sync was asked for less than two minutes ago (failed or not); try again in a moment.",
	"ACCOUNT_GONE":                     "This account is no longer linked; link it again.",
	"EXCHANGE_FAILED":                  "The link did not go through; try again.",
	engine.CodeSyncSuccessful + "_NEW": "Synced: new transactions arrived.",
}

func (s *Server) demo(w http.ResponseWriter, r *http.Request) error {
	p := demoPage{Title: "Jollof Finance", PublicKey: s.eng.Settings().PublicKey}
	done := r.URL.Query().Get("done")
	if n, ok := demoNotices[done]; ok {
		switch done {
		case engine.CodeSyncError:
			// The engine's reason, as the sync's answer gave it, if sandbank
			// wrote this address: any page could link here with words of its own
			// in sandbank's red alert ("…re-enter your bank password at …", a
			// security review).
			why := r.URL.Query().Get("why")
			if len(why) > 200 || why == "" || subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("sig")), []byte(s.flashSign(why))) != 1 {
				why = "your bank did not answer; try again later"
			}
			p.Problem = n + strings.TrimSuffix(why, ".") + "."
		case engine.CodeReauthRequired: // the banner says it
		case "RATE_LIMITED", "EXCHANGE_FAILED":
			p.Problem = n
		default:
			p.Notice = n
		}
	}
	if id := s.demoCookie(r, demoAccountCookie); id != "" {
		var view struct {
			Meta struct {
				DataStatus string `json:"data_status"`
			}
			Account accountBody
		}
		if s.demoCall(r, "GET", "/accounts/"+url.PathEscape(id), nil, &view) != http.StatusOK {
			clearDemoCookies(w)
			p.Problem = demoNotices["ACCOUNT_GONE"]
		} else {
			a := view.Account
			p.Account = &demoAccount{ID: a.ID, Name: a.Name, Number: a.AccountNumber, Bank: a.Institution.Name,
				Type: a.Type, Balance: a.Balance, Currency: a.Currency, DataStatus: view.Meta.DataStatus}
			p.Reauth = s.demoCookie(r, demoReauthCookie) != ""
			var txs struct{ Data []txJSON }
			s.demoCall(r, "GET", "/accounts/"+url.PathEscape(id)+"/transactions?limit=10", nil, &txs)
			for _, t := range txs.Data {
				d, _ := time.Parse(monoTime, t.Date)
				p.Txs = append(p.Txs, demoTx{Date: d.In(engine.WAT).Format("2 Jan 2006"), Narration: t.Narration, Type: t.Type, Amount: t.Amount})
			}
		}
	}
	return s.renderPage(w, r, http.StatusOK, "demo", p)
}

// demoAction runs the app's server side of a button: link (exchange the code the
// widget gave), sync, reauthorised (the widget re-authorised the account), forget.
func (s *Server) demoAction(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r, "another site's page cannot use the demo app's buttons"); err != nil {
		return err
	}
	p, err := bodyParams(w, r, "code")
	if err != nil {
		return err
	}
	id := s.demoCookie(r, demoAccountCookie)
	done, why := "", ""
	switch r.PathValue("action") {
	case "link":
		if p.str("code") == "" { // no script: a hosted link, back at /demo/linked
			return s.demoHostedLink(w, r, map[string]any{"scope": engine.LinkAuth,
				"customer": map[string]any{"name": "Jollof Finance user", "email": "user@jollof.example"}})
		}
		var out struct{ ID string }
		if s.demoCall(r, "POST", "/account/auth", map[string]string{"code": p.str("code")}, &out) != http.StatusOK || out.ID == "" {
			done = "EXCHANGE_FAILED"
			break
		}
		s.setDemoCookie(w, demoAccountCookie, out.ID)
		clearDemoCookie(w, demoReauthCookie)
		done = "linked"
	case "sync":
		if id == "" {
			done = "ACCOUNT_GONE"
			break
		}
		var res syncJSON
		switch s.demoCall(r, "POST", "/accounts/"+url.PathEscape(id)+"/sync", nil, &res) {
		case http.StatusOK:
			done, why = res.Code, res.Message
			if res.Code == engine.CodeReauthRequired {
				s.setDemoCookie(w, demoReauthCookie, "1")
			} else if res.Code == engine.CodeSyncSuccessful && res.HasNewData {
				done += "_NEW"
			}
		case http.StatusTooManyRequests:
			done = "RATE_LIMITED"
		default:
			done = "ACCOUNT_GONE"
		}
	case "reauthorise": // no script: a hosted link with scope reauth
		if id == "" {
			done = "ACCOUNT_GONE"
			break
		}
		return s.demoHostedLink(w, r, map[string]any{"scope": engine.LinkReauth, "account": id})
	case "reauthorised":
		clearDemoCookie(w, demoReauthCookie)
		done = "reauthorised"
	case "forget":
		clearDemoCookies(w)
		done = "forgotten"
	default:
		return engine.Errorf(engine.ENOTFOUND, "the demo has no action %q", r.PathValue("action"))
	}
	target := "/demo?done=" + url.QueryEscape(done)
	if done == engine.CodeSyncError {
		target += "&why=" + url.QueryEscape(why) + "&sig=" + s.flashSign(why)
	}
	seeOther(w, target)
	return nil
}

// demoHostedLink asks for a v2 initiate link coming back to /demo/linked, and
// sends the browser to its mono_url.
func (s *Server) demoHostedLink(w http.ResponseWriter, r *http.Request, body map[string]any) error {
	body["redirect_url"] = origin(r) + "/demo/linked"
	body["meta"] = map[string]any{"ref": "jollof-demo"}
	var out struct {
		Data struct {
			MonoURL string `json:"mono_url"`
		}
	}
	if s.demoCall(r, "POST", "/v2/accounts/initiate", body, &out) != http.StatusOK || out.Data.MonoURL == "" {
		seeOther(w, "/demo?done=EXCHANGE_FAILED")
		return nil
	}
	seeOther(w, out.Data.MonoURL)
	return nil
}

// demoLinked is where a hosted link comes back: with a code to exchange, or the
// account re-authorised, or a failure.
func (s *Server) demoLinked(w http.ResponseWriter, r *http.Request) error {
	// It exchanges the code with the secret key: another site's <img> with a code
	// the app was about to exchange spent it (a security review). The hosted
	// link's redirect comes from sandbank's own pages.
	if err := sameOrigin(r, "another site's page cannot finish the demo app's link"); err != nil {
		return err
	}
	q := r.URL.Query()
	done := "EXCHANGE_FAILED"
	switch q.Get("status") {
	case engine.LinkLinked:
		var out struct{ Data struct{ ID string } }
		if s.demoCall(r, "POST", "/v2/accounts/auth", map[string]string{"code": q.Get("code")}, &out) == http.StatusOK && out.Data.ID != "" {
			s.setDemoCookie(w, demoAccountCookie, out.Data.ID)
			clearDemoCookie(w, demoReauthCookie)
			done = "linked"
		}
	case engine.LinkReauthorised:
		clearDemoCookie(w, demoReauthCookie)
		done = "reauthorised"
	}
	seeOther(w, "/demo?done="+done)
	return nil
}

// demoCall is the demo's server calling Mono's API with the secret key: through
// sandbank's own handler, in process, as any backend would over HTTP. It reports
// the status and decodes a JSON answer into out.
func (s *Server) demoCall(r *http.Request, method, path string, body, out any) int {
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, err := http.NewRequestWithContext(r.Context(), method, path, bytes.NewReader(b))
	if err != nil {
		return http.StatusInternalServerError
	}
	req.Header.Set("mono-sec-key", s.eng.Settings().SecretKey.Reveal())
	req.Header.Set("Content-Type", "application/json")
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.handler.ServeHTTP(rec, req)
	if out != nil {
		_ = json.Unmarshal(rec.body.Bytes(), out)
	}
	return rec.status
}

// demoCookieValue is what the demo's cookies may hold: an account ID or a flag.
var demoCookieValue = regexp.MustCompile(`^[0-9a-zA-Z_-]{1,64}$`)

// The demo's cookies are signed with the secret key: the demo acts with the key,
// and a cookie anyone could write (an account's ID is no secret) made it a
// keyless way to read, sync and re-authorise any account.
func (s *Server) demoCookie(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	value, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !demoCookieValue.MatchString(value) || subtle.ConstantTimeCompare([]byte(sig), []byte(s.demoSign(name, value))) != 1 {
		return ""
	}
	return value
}

func (s *Server) setDemoCookie(w http.ResponseWriter, name, value string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value + "." + s.demoSign(name, value), Path: "/demo", HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// demoSign is a demo cookie's signature: an HMAC of its name and value under the
// secret key.
func (s *Server) demoSign(name, value string) string {
	m := hmac.New(sha256.New, []byte(s.eng.Settings().SecretKey.Reveal()))
	m.Write([]byte(name + "\x00" + value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// flashSign is the signature of a reason the demo hands its next page through the
// address: an HMAC under this process's random key (Server.flashKey).
func (s *Server) flashSign(why string) string {
	m := hmac.New(sha256.New, s.flashKey[:])
	m.Write([]byte(why))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func clearDemoCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/demo", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func clearDemoCookies(w http.ResponseWriter) {
	clearDemoCookie(w, demoAccountCookie)
	clearDemoCookie(w, demoReauthCookie)
}
