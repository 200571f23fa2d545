package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"sandbank/engine"
	"sandbank/simulator"
)

// The sandbox controls (DESIGN §4.3): everything the TUI can do, over HTTP, for QA
// scripts. They take the secret key like the Mono routes.

func (s *Server) sandboxRoutes(mux *routeMux) {
	mux.Handle("GET /sandbox/clock", s.secret(noQuery("", s.clock)))
	mux.Handle("POST /sandbox/clock", s.secret(bodyOnly(s.setClock)))
	mux.Handle("GET /sandbox/institutions", s.secret(noQuery(allAtOnce, s.institutions)))
	mux.Handle("POST /sandbox/institutions/{code}/outage", s.secret(bodyOnly(s.outage)))
	mux.Handle("DELETE /sandbox/institutions/{code}/outage", s.secret(noQuery("", s.endOutage)))
	mux.Handle("POST /sandbox/institutions/{code}/latency", s.secret(bodyOnly(s.latency)))
	mux.Handle("GET /sandbox/customers", s.secret(noQuery(allAtOnce, s.customers)))
	mux.Handle("POST /sandbox/customers", s.secret(bodyOnly(s.addCustomer)))
	mux.Handle("GET /sandbox/customers/{id}", s.secret(noQuery("", s.customerRoute(s.customer))))
	mux.Handle("POST /sandbox/customers/{id}/accounts", s.secret(bodyOnly(s.customerRoute(s.openAccount))))
	mux.Handle("POST /sandbox/customers/{id}/transactions", s.secret(bodyOnly(s.customerRoute(s.post))))
	mux.Handle("POST /sandbox/customers/{id}/password", s.secret(bodyOnly(s.customerRoute(s.changePassword))))
	mux.Handle("POST /sandbox/customers/{id}/mfa", s.secret(bodyOnly(s.customerRoute(s.setMFA))))
	mux.Handle("GET /sandbox/customers/{id}/inbox", s.secret(noQuery(allAtOnce, s.customerRoute(s.customerInbox))))
	mux.Handle("GET /sandbox/accounts", s.secret(noQuery(allAtOnce, s.accounts)))
	mux.Handle("GET /sandbox/accounts/{id}/syncs", s.secret(s.accountSyncs))
	mux.Handle("GET /sandbox/settings", s.secret(noQuery("", s.settings)))
	mux.Handle("PATCH /sandbox/settings", s.secret(bodyOnly(s.patchSettings)))
	mux.Handle("GET /sandbox/webhooks", s.secret(s.webhooks))
	mux.Handle("GET /sandbox/webhooks/{id}", s.secret(noQuery("", s.webhookEvent)))
	mux.Handle("POST /sandbox/webhooks/{id}/replay", s.secret(noQuery("", s.replay)))
	mux.Handle("GET /sandbox/webhooks/{id}/attempts", s.secret(s.eventAttempts))
	mux.Handle("POST /sandbox/receiver", s.handle(s.receive))
	mux.Handle("GET /sandbox/receiver", s.secret(noQuery("", s.received)))
	mux.Handle("GET /sandbox/scenario", s.secret(noQuery("", s.scenarioStatus)))
	mux.Handle("GET /sandbox/receiver/mode", s.secret(noQuery("", s.receiverMode)))
	mux.Handle("POST /sandbox/receiver/mode", s.secret(bodyOnly(s.setReceiverMode)))
}

// allAtOnce is why a list that noQuery guards takes no limit or page.
const allAtOnce = "it answers the whole list at once, unpaged"

// noQuery refuses a query parameter on a route that reads none, saying why when
// why is not "": GET /sandbox/customers?limit=abc&page=-1 answered every
// customer, 200, as if the bad paging were fine (a security review).
func noQuery(why string, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := queryParams(r.URL.RawQuery)
		if err != nil {
			return err
		}
		if err := p.onlyQuery(); err != nil {
			if e, ok := engine.AsError(err); ok && why != "" {
				e.Message += " (" + why + ")"
			}
			return err
		}
		return h(w, r)
	}
}

// bodyOnly refuses a query string on a control that reads its fields from the
// body: it was ignored, so POST /sandbox/clock?advance=1d was told to "send
// advance", and with a body beside it moved the clock by the body's (a bad-input
// hunt). The query's values are not echoed: one may be a password.
func bodyOnly(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		route := cmp.Or(r.Pattern, r.Method+" this route")
		// Parsed here, not by queryParams, whose refusals quote values (a name
		// given twice with two: ?password=a1&password=b2 — the review).
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return engine.Invalid("query", "%s reads no query string, and this one is malformed: leave it out, and send the fields as a JSON body", route)
		}
		delete(q, "_") // a cache-buster, as GET routes take it
		delete(q, "")  // an empty pair (a trailing &), or a value with no name: nothing named
		if len(q) == 0 {
			return h(w, r)
		}
		names := slices.Sorted(maps.Keys(q))
		fields := make([]string, len(names))
		for i, k := range names {
			fields[i] = strconv.Quote(k) + ": …"
		}
		return engine.Invalid("query", "%s reads its fields from a JSON body, not from the query string (which gave %s): send {%s} as the body instead",
			route, quoteList(names), strings.Join(fields, ", "))
	}
}

// --- clock

type clockJSON struct {
	Now    string  `json:"now"`
	Speed  float64 `json:"speed"`
	Paused bool    `json:"paused"`
	// AtEnd says why a clock that ran into the world's end is paused, for good: it
	// read "paused": true as if someone had paused it.
	AtEnd bool `json:"at_end,omitempty"`
}

func (s *Server) clockJSON() clockJSON {
	st := s.eng.Clock().State()
	now := s.shownNow(st.Now)
	end := s.bank.End()
	return clockJSON{Now: now.UTC().Format(monoTime), Speed: st.Speed, Paused: st.Paused, AtEnd: !end.IsZero() && !now.Before(end)}
}

// shownNow is the clock's time as a client may rely on it: now, or, while a jump
// is under way, where it started or as far as its commits have saved — where a
// restart after a crash would find it. A client that read the jump's progress
// saw the clock go back after a crash (a bad-input hunt: kill -9 during a year).
func (s *Server) shownNow(now time.Time) time.Time {
	m, ok := s.eng.Clock().(interface{ Moving() (time.Time, bool) })
	if !ok {
		return now
	}
	from, moving := m.Moving()
	if !moving || !from.Before(now) {
		return now
	}
	shown := from
	if s.savedClock != nil {
		// Read after now: a commit that landed between the two saved past it, which
		// is where the file, and the data a client may have read, now are.
		if saved := s.savedClock(); saved.After(shown) {
			shown = saved
		}
	}
	return shown
}

func (s *Server) clock(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, s.clockJSON())
	return nil
}

// clockChange is a parsed POST /sandbox/clock.
type clockChange struct {
	Advance time.Duration
	To      time.Time // an instant to advance to (an event's next_attempt_at, say); zero: none
	Speed   *float64
	Paused  *bool
}

func parseClockChange(p params) (clockChange, error) {
	var c clockChange
	var err error
	if v := p.str("advance"); v != "" {
		if c.Advance, err = simulator.ParseDuration(v); err != nil {
			if strings.Contains(engine.ErrorMessage(err), "is too long") { // past Go's 292 years: past the jump's limit too
				return c, engine.Invalid("advance", "%q is too long: advance at most 10 years at a time (3650d)", v)
			}
			e, _ := engine.AsError(err)
			if e != nil {
				e.Field = "advance"
			}
			return c, err
		}
		if c.Advance > simulator.MaxAdvance {
			return c, engine.Invalid("advance", "%q is too long: advance at most 10 years at a time (3650d)", v)
		}
	}
	if p.str("to") != "" {
		if c.Advance > 0 {
			return c, engine.Invalid("to", "send advance or to, not both: advance moves the clock by a duration, to moves it to an instant")
		}
		if c.To, err = p.date("to", false); err != nil {
			return c, err
		}
	}
	if c.Speed, err = p.float("speed", 1, 10000); err != nil {
		return c, err
	}
	if c.Paused, err = p.flag("paused"); err != nil {
		return c, err
	}
	if c.Advance == 0 && c.To.IsZero() && c.Speed == nil && c.Paused == nil {
		return c, engine.Invalid("advance", `send advance (e.g. "30m", "1d"), to (an instant, e.g. "2021-08-21T09:00:00Z"), speed (1 to 10000) or paused (true or false)`)
	}
	return c, nil
}

// advanceTo is how far the clock moves to reach to from now: never back, and at
// most as far as advance may go.
func advanceTo(to, now, end time.Time) (time.Duration, error) {
	if !end.IsZero() && to.After(end) {
		// Said of "to", not as the move by its distance it makes: "cannot advance
		// the clock by 2s", field "advance", answered a "to" (a QA engineer's trial).
		toText, endText := apart(to, end)
		if !now.Before(end) {
			return 0, engine.Invalid("to", "cannot move the clock to %s: it is at this world's end, %s, the last second that IDs holding the seconds since 1970 in 32 bits can count; start a new database to go on",
				toText, endText)
		}
		return 0, engine.Invalid("to", "cannot move the clock to %s: this world ends at %s (the last second that IDs holding the seconds since 1970 in 32 bits can count); send at most %q",
			toText, endText, end.UTC().Format(monoTime))
	}
	if to.Before(now) {
		toText, nowText := apart(to, now)
		return 0, engine.Invalid("to", "%s is before the clock's time, %s: the clock never goes back; send a later instant",
			toText, nowText)
	}
	if d := to.Sub(now); d <= simulator.MaxAdvance {
		return d, nil
	}
	return 0, engine.Invalid("to", "%s is more than 10 years after the clock's time, %s: move the clock at most 10 years at a time",
		engine.TimeText(to), engine.TimeText(now))
}

// apart says two different instants in words that tell them apart: to the
// second, or finer where they fall in one second.
func apart(a, b time.Time) (string, string) {
	aText, bText := engine.TimeText(a), engine.TimeText(b)
	for _, layout := range []string{"2 Jan 2006 15:04:05.000 MST", "2 Jan 2006 15:04:05.000000000 MST"} {
		if aText != bText { // said apart
			break
		}
		aText, bText = a.In(engine.WAT).Format(layout), b.In(engine.WAT).Format(layout) // within its second: finer
	}
	return aText, bText
}

// wholeMillisecond is where "to" moves the clock: an instant given to the
// millisecond, as the API writes every time (the clock's own, an event's
// next_attempt_at), means the last nanosecond of that millisecond — but never past
// the world's end. The clock and its timers keep nanoseconds: a sync due 30 days
// after a connection made at 12:00:00.000500 was not run by a move to the 30th
// day's 12:00:00.000 that GET /sandbox/clock had led the client to send, and that
// clock's own time, sent back, was refused as going back. Every instant the API
// shows as at or before to now runs, and the clock reads to.
func wholeMillisecond(to time.Time, clk engine.Clock) time.Time {
	if to.Nanosecond()%int(time.Millisecond) != 0 {
		return to // finer than the API writes: exactly that
	}
	last := to.Add(time.Millisecond - time.Nanosecond)
	if end := clockEnd(clk); !end.IsZero() && last.After(end) && !to.After(end) {
		return end
	}
	return last
}

// clockEnd is the world's end the clock cannot pass (zero: none).
func clockEnd(clk engine.Clock) time.Time {
	if e, ok := clk.(interface{ End() time.Time }); ok {
		return e.End()
	}
	return time.Time{}
}

func (s *Server) setClock(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "advance", "to", "speed", "paused")
	if err != nil {
		return err
	}
	c, err := parseClockChange(p)
	if err != nil {
		return err
	}
	clk := s.eng.Clock()
	if !c.To.IsZero() { // checked before anything changes
		if c.Advance, err = advanceTo(wholeMillisecond(c.To, clk), clk.Now(), clockEnd(clk)); err != nil {
			return err
		}
	}
	if c.Paused != nil { // first: a resume refused at the world's end changes nothing
		if err := clk.SetPaused(*c.Paused); err != nil {
			return err
		}
	}
	if c.Speed != nil {
		if err := clk.SetSpeed(*c.Speed); err != nil { // in range: checked above
			return err
		}
	}
	if c.Advance > 0 {
		// A jump runs every automatic sync it passes, each waiting the bank's
		// latency: a day of a slow bank took 16 minutes, and the server's deadline
		// (slowestRequest) cut the answer off after six. The jump's own work bounds
		// it; the client's timeout decides how long to wait.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		move := func() error { return clk.Advance(c.Advance) }
		if !c.To.IsZero() {
			// How far, from where a jump under way ends: read before it, the clock's
			// time mid-jump, the move overshot the instant by the rest of that jump.
			to := wholeMillisecond(c.To, clk)
			move = func() error {
				return clk.AdvanceTo(func(now time.Time) (time.Duration, error) { return advanceTo(to, now, clockEnd(clk)) })
			}
		}
		if err := move(); err != nil {
			if e, ok := engine.AsError(err); ok && e.Field == "advance" && strings.HasSuffix(e.Message, "; advance by at most that") {
				// "to" the end as well: a clock moved to 06:28:14.000Z stands at the
				// last nanosecond of that millisecond, and "advance 1s" to the end
				// read "999ms from now" (a QA engineer's trial). The API's words, not
				// the clock's: the TUI's jump keys show those (a review).
				e.Message += fmt.Sprintf(`, or send {"to": %q}`, clockEnd(clk).UTC().Format(monoTime))
			}
			return err
		}
	}
	if err := s.eng.ClockSaveError(); err != nil {
		return err // the disk full: the clock moved, and nothing of it was saved
	}
	writeJSON(w, http.StatusOK, s.clockJSON())
	return nil
}

// --- institutions

type institutionJSON struct {
	institutionBody
	OutageUntil string `json:"outage_until,omitempty"`
	LatencyMS   int64  `json:"latency_ms"`
}

func newInstitutionJSON(i simulator.InstitutionStatus) institutionJSON {
	return institutionJSON{institutionBody: newInstitutionBody(i.Institution),
		OutageUntil: instant(i.OutageUntil), LatencyMS: i.Latency.Milliseconds()}
}

func (s *Server) institutions(w http.ResponseWriter, _ *http.Request) error {
	all := s.bank.InstitutionStatuses()
	out := make([]institutionJSON, len(all))
	for i, in := range all {
		out[i] = newInstitutionJSON(in)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
	return nil
}

// durationField reads a duration field such as "15m" or "1d"; hint says what it is
// when it is missing, examples what it can be when it does not parse, zero what
// else one under a millisecond can be (underAMillisecond).
func durationField(p params, name, hint, examples, zero string) (time.Duration, error) {
	v, err := p.required(name, hint)
	if err != nil {
		return 0, err
	}
	d, err := simulator.ParseDurationLike(v, examples)
	if e, ok := engine.AsError(err); ok {
		e.Field = name
	}
	if err == nil {
		err = underAMillisecond(name, v, d, zero)
	}
	return d, err
}

// underAMillisecond refuses a duration under a millisecond, the finest the API
// writes (its times, latency_ms), or else of what zero does: {"for":"1ns"} was an
// outage over before it was shown, and a latency of "1ns" was 0 ms, where "0s"
// was refused, or meant none (a security review).
func underAMillisecond(name, v string, d time.Duration, zero string) error {
	if d <= 0 || d >= time.Millisecond {
		return nil
	}
	return engine.Invalid(name, "%s %q is under a millisecond, the shortest duration taken: send 1ms or more%s", name, v, zero)
}

func (s *Server) outage(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "for")
	if err != nil {
		return err
	}
	d, err := durationField(p, "for", `: how long the bank is down, e.g. "15m" or "2h"`, simulator.OutageExamples, "")
	if err != nil {
		return err
	}
	code := pathInstitution(r)
	if err := s.bank.StartOutage(code, d); err != nil {
		return err
	}
	return s.writeInstitution(w, code)
}

func (s *Server) endOutage(w http.ResponseWriter, r *http.Request) error {
	if _, err := sandboxBody(w, r); err != nil { // it takes no fields, and says so of any sent
		return err
	}
	code := pathInstitution(r)
	if err := s.bank.EndOutage(code); err != nil {
		return err
	}
	return s.writeInstitution(w, code)
}

func (s *Server) latency(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "latency")
	if err != nil {
		return err
	}
	var d time.Duration
	if v := p.str("latency"); v != "0" && v != "0s" {
		if d, err = durationField(p, "latency", `: the real-time delay of every answer, e.g. "2s", or "0" for none`, "500ms or 2s (at most "+engine.DurationText(simulator.MaxLatency)+"; 0 for none)", `, or "0" for none`); err != nil {
			return err
		}
	}
	code := pathInstitution(r)
	if err := s.bank.SetLatency(code, d); err != nil {
		return err
	}
	return s.writeInstitution(w, code)
}

// pathInstitution is the bank a /sandbox/institutions/{code} route names: its CBN
// code, or its name, as the bodies take it — the 404 for an unknown code says to
// give the name, and /sandbox/institutions/Access%20Bank/outage answered that 404.
func pathInstitution(r *http.Request) string {
	return institutionCode(strings.TrimSpace(r.PathValue("code")), simulator.Institutions())
}

func (s *Server) writeInstitution(w http.ResponseWriter, code string) error {
	in, err := s.bank.Institution(code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newInstitutionJSON(in))
	return nil
}

// --- customers

type bankAccountJSON struct {
	AccountNumber string          `json:"accountNumber"`
	Institution   institutionBody `json:"institution"`
	Name          string          `json:"name"`
	Type          string          `json:"type"`
	Currency      string          `json:"currency"`
	Balance       int64           `json:"balance"`
	Overdraft     int64           `json:"overdraft"`
}

type customerJSON struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Username         string            `json:"username"`
	Password         string            `json:"password"`
	MFA              string            `json:"mfa"`
	SecurityQuestion string            `json:"security_question"`
	SecurityAnswer   string            `json:"security_answer"`
	Phone            string            `json:"phone"`
	Email            string            `json:"email"`
	Profile          string            `json:"profile"`
	AuthMethod       string            `json:"auth_method"`
	NextLoginOTP     bool              `json:"next_login_otp"`
	Accounts         []bankAccountJSON `json:"accounts"`
}

func newCustomerJSON(c simulator.Customer) customerJSON {
	out := customerJSON{ID: c.ID, Name: c.Name, Username: c.Username, Password: c.Password, MFA: string(c.MFA),
		SecurityQuestion: c.SecurityQuestion, SecurityAnswer: c.SecurityAnswer, Phone: c.Phone, Email: c.Email,
		Profile: c.Profile, AuthMethod: c.AuthMethod, NextLoginOTP: c.NextLoginOTP, Accounts: []bankAccountJSON{}}
	for _, a := range c.Accounts {
		out.Accounts = append(out.Accounts, bankAccountJSON{AccountNumber: a.Number,
			Institution: newInstitutionBody(a.Institution), Name: a.Name, Type: a.Type,
			Currency: a.Currency, Balance: a.Balance, Overdraft: a.Overdraft})
	}
	return out
}

func (s *Server) customers(w http.ResponseWriter, _ *http.Request) error {
	all := s.bank.Customers()
	out := make([]customerJSON, len(all))
	for i, c := range all {
		out[i] = newCustomerJSON(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
	return nil
}

func (s *Server) customer(w http.ResponseWriter, r *http.Request) error {
	return s.writeCustomer(w, http.StatusOK, r.PathValue("id"))
}

func (s *Server) writeCustomer(w http.ResponseWriter, status int, id string) error {
	c, err := s.bank.Customer(id)
	if err != nil {
		return err
	}
	writeJSON(w, status, newCustomerJSON(c))
	return nil
}

// leftOut is what POST /sandbox/customers and …/accounts do with a field left
// out, for the message that refuses it sent empty.
var leftOut = map[string]string{
	"name":         "give one, or leave the field out to have one made up",
	"username":     "give one, or leave the field out to have one made up",
	"password":     "give one, or leave the field out to have one made up",
	"institution":  "give a CBN code or a bank's name (GET /sandbox/institutions lists them), or leave the field out for a bank picked from the seed",
	"balance":      "give a whole number of kobo, or leave the field out for 0",
	"mfa":          "give none, otp, security_question, token or captcha, or leave the field out for none",
	"profile":      "give one of " + strings.Join(simulator.Profiles, ", ") + ", or leave the field out for dormant",
	"account_type": "give SAVINGS_ACCOUNT or CURRENT_ACCOUNT (or savings, current), or leave the field out for one drawn for the profile",
	"auth_method":  "give internet_banking or mobile_banking, or leave the field out for one drawn for the customer",
}

// noBlanks refuses a field of names sent empty or blank: left out, it takes its
// default (leftOut); sent empty, it is a mistake of the caller's (a fixture that
// built "" got random credentials and no word). {"balance":" "} opened an
// account of 0 and {"institution":""} a random bank, where {"username":""} was
// refused (a security review).
func noBlanks(p params, names ...string) error {
	for _, f := range names {
		if v, sent := p[f]; sent && strings.TrimSpace(v) == "" {
			return engine.Invalid(f, "%s is empty: %s", f, leftOut[f])
		}
	}
	return nil
}

// parseNewCustomer reads POST /sandbox/customers.
func parseNewCustomer(p params) (simulator.NewCustomer, error) {
	if err := noBlanks(p, "name", "username", "password", "institution", "balance", "mfa", "profile", "account_type", "auth_method"); err != nil {
		return simulator.NewCustomer{}, err
	}
	balance, ok := p.kobo("balance", 0, 0, simulator.MaxAmount)
	if !ok {
		return simulator.NewCustomer{}, engine.Invalid("balance", "balance is the opening balance: a whole number of kobo from 0 to %d (NGN 10 trillion; NGN 10,000 is 1000000), or naira written \"NGN 10,000\"; not %q", simulator.MaxAmount, p.str("balance"))
	}
	nc := simulator.NewCustomer{Name: p.str("name"), Institution: institutionCode(p.str("institution"), simulator.Institutions()), AccountType: accountType(p.str("account_type")),
		Balance: balance, Profile: p.str("profile"), MFA: engine.MFAKind(strings.ToLower(p.str("mfa"))),
		AuthMethod: p.str("auth_method"), Username: p.str("username"), Password: p["password"]}
	if nc.MFA != "" {
		if err := nc.MFA.Validate(); err != nil {
			err.(*engine.Error).Field = "mfa"
			return nc, err
		}
	}
	return nc, nil
}

func (s *Server) addCustomer(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "name:text", "institution", "account_type", "balance", "profile", "mfa", "auth_method", "username:text", "password:text")
	if err != nil {
		return err
	}
	nc, err := parseNewCustomer(p)
	if err != nil {
		return err
	}
	c, err := s.bank.AddCustomer(nc)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newCustomerJSON(c))
	return nil
}

// accountType is an account type as Mono names it (SAVINGS_ACCOUNT, CURRENT_ACCOUNT)
// from that name or a short one in any case ("current", "savings"); anything else
// is passed on for the bank to refuse by name.
func accountType(s string) string {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "CURRENT", engine.AccountCurrent:
		return engine.AccountCurrent
	case "SAVINGS", engine.AccountSavings:
		return engine.AccountSavings
	}
	return s
}

// customerRoute is a /sandbox/customers/{id} route: an ID that names no customer
// but a connected account says so, with the customer behind it and the route to
// call. "no customer" alone did not say the ID was an account's (an app
// developer's trial).
func (s *Server) customerRoute(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		e, ok := engine.AsError(err)
		if !ok || e.Code != engine.ENOTFOUND || e.Field != "customer" {
			return err
		}
		id := r.PathValue("id")
		a, aerr := s.eng.Account(r.Context(), id)
		if aerr != nil {
			return err
		}
		path := "/sandbox/customers/" + a.CustomerID + strings.TrimPrefix(r.URL.Path, "/sandbox/customers/"+id)
		e2 := *e
		e2.Message = fmt.Sprintf("%s is a connected account's ID, not a customer's: the bank's customer who holds it is %s; call %s %s", id, a.CustomerID, r.Method, path)
		return &e2
	}
}

// parseNewAccount reads POST /sandbox/customers/{id}/accounts.
func parseNewAccount(p params) (simulator.NewAccount, error) {
	inst, err := p.required("institution", `: the bank code of the new account, e.g. "058"`)
	if err != nil {
		return simulator.NewAccount{}, err
	}
	inst = institutionCode(inst, simulator.Institutions())
	if err := noBlanks(p, "balance", "account_type"); err != nil {
		return simulator.NewAccount{}, err
	}
	balance, ok := p.kobo("balance", 0, 0, simulator.MaxAmount)
	if !ok {
		return simulator.NewAccount{}, engine.Invalid("balance", "balance is the opening balance: a whole number of kobo from 0 to %d (NGN 10 trillion; NGN 10,000 is 1000000), or naira written \"NGN 10,000\"; not %q", simulator.MaxAmount, p.str("balance"))
	}
	return simulator.NewAccount{Institution: inst, AccountType: accountType(p.str("account_type")), Balance: balance}, nil
}

func (s *Server) openAccount(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "institution", "account_type", "balance")
	if err != nil {
		return err
	}
	na, err := parseNewAccount(p)
	if err != nil {
		return err
	}
	c, err := s.bank.OpenAccount(r.PathValue("id"), na)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newCustomerJSON(c))
	return nil
}

// parsePosting reads POST /sandbox/customers/{id}/transactions; account defaults to
// the customer's only account.
func parsePosting(p params) (simulator.Posting, error) {
	var post simulator.Posting
	t, err := p.required("type", ": debit (the customer spends) or credit (receives)")
	if err != nil {
		return post, err
	}
	post.Type = engine.TxType(strings.ToLower(t))
	if err := post.Type.Validate(); err != nil {
		return post, err
	}
	if _, err := p.required("amount", " (in kobo: NGN 5,000 is 500000)"); err != nil {
		return post, err
	}
	var ok bool
	if post.Amount, ok = p.kobo("amount", 0, 1, simulator.MaxAmount); !ok {
		return post, engine.Invalid("amount", "amount is a whole number of kobo from 1 to %d (NGN 10 trillion; NGN 5,000 is 500000), or naira written \"NGN 5,000\"; not %q", simulator.MaxAmount, p.str("amount"))
	}
	post.Account, post.Narration = p.str("account"), p.str("narration")
	return post, nil
}

type postedJSON struct {
	Transaction txJSON `json:"transaction"`
	Balance     int64  `json:"balance"`
}

func (s *Server) post(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "account", "type", "amount", "narration")
	if err != nil {
		return err
	}
	post, err := parsePosting(p)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if post.Account == "" {
		c, err := s.bank.Customer(id)
		if err != nil {
			return err
		}
		if len(c.Accounts) != 1 {
			return engine.Invalid("account", "this customer has %d accounts: say which with account (the account number)", len(c.Accounts))
		}
		post.Account = c.Accounts[0].Number
	}
	t, err := s.bank.PostTransaction(id, post)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, postedJSON{Transaction: newTxJSON([]engine.Transaction{t})[0], Balance: t.Balance})
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "password:text")
	if err != nil {
		return err
	}
	if _, err := p.required("password", ": the customer's new password"); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.bank.ChangePassword(id, p["password"]); err != nil {
		return err
	}
	return s.writeCustomer(w, http.StatusOK, id)
}

func (s *Server) setMFA(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "type", "mfa")
	if err != nil {
		return err
	}
	// "mfa" as the customer's answer names it, or "type"; not both.
	field := "type"
	if _, ok := p["mfa"]; ok {
		if _, both := p["type"]; both {
			return engine.Invalid("mfa", "give the MFA once, as mfa or as type, not both")
		}
		field = "mfa"
	}
	t, err := p.required(field, ": none, otp, security_question, token or captcha")
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.bank.SetMFA(id, engine.MFAKind(strings.ToLower(t))); err != nil {
		if e, ok := engine.AsError(err); ok && e.Field == "type" {
			e.Field = field // the field the body gave
		}
		return err
	}
	return s.writeCustomer(w, http.StatusOK, id)
}

type messageJSON struct {
	At        string `json:"at"`
	From      string `json:"from"`
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	Code      string `json:"code,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
	Used      bool   `json:"used,omitempty"` // an OTP that signed in
}

func (s *Server) customerInbox(w http.ResponseWriter, r *http.Request) error {
	msgs, err := s.bank.Inbox(r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]messageJSON, len(msgs))
	for i, m := range msgs {
		out[i] = messageJSON{At: instant(m.At), From: m.From, Kind: m.Kind, Text: m.Text, Code: m.Code, ExpiresAt: instant(m.ExpiresAt), Used: m.Used}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
	return nil
}

// --- connected accounts, as the business sees them

type connectedJSON struct {
	accountView
	CustomerID      string `json:"customer"`
	ConnectedAt     string `json:"connected_at"`
	LastSyncedAt    string `json:"last_synced_at,omitempty"`
	LastCode        string `json:"last_code,omitempty"`
	ReauthRequired  bool   `json:"reauth_required"`
	ReceivesWebhook bool   `json:"receives_webhooks"`
	// v2: the link's reference, the last real-time job and when the next can start.
	Ref             string `json:"ref,omitempty"`
	LastRealtimeJob string `json:"last_realtime_job,omitempty"`
	NextRealtimeAt  string `json:"next_realtime_at,omitempty"`
	// NextAutoSyncAt is when auto-sync syncs it next: nothing said it, and a test
	// could not aim a jump at the schedule (a backend engineer's trial).
	NextAutoSyncAt string `json:"next_auto_sync_at,omitempty"`
}

func (s *Server) accounts(w http.ResponseWriter, r *http.Request) error {
	all, err := s.eng.Accounts(r.Context())
	if err != nil {
		return err
	}
	set := s.eng.Settings()
	out := make([]connectedJSON, len(all))
	for i, a := range all {
		out[i] = connectedJSON{accountView: newAccountView(engine.NewAccountFacts(a)), CustomerID: a.CustomerID,
			ConnectedAt: instant(a.ConnectedAt), LastSyncedAt: instant(a.LastSyncedAt), LastCode: a.LastCode,
			ReauthRequired: a.ReauthRequired, ReceivesWebhook: engine.ReceivesWebhooks(set, a),
			Ref: a.Ref, LastRealtimeJob: a.LastRealtimeJob}
		if set.DataSyncEnabled() && set.AutoSync > 0 {
			// With Data Sync off no automatic sync runs, whatever the account holds
			// (a review: it showed a time days past).
			out[i].NextAutoSyncAt = instant(a.NextAutoSyncAt)
		}
		if next := engine.RealtimePolicy.NextAllowed(a); next.After(s.eng.Clock().Now()) {
			out[i].NextRealtimeAt = instant(next)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
	return nil
}

// syncRunJSON is one run of an account's sync history (GET
// /sandbox/accounts/{id}/syncs), as the TUI's account page shows it: a run with
// nothing new counts on the one before it (repeats, last_at) instead of adding one.
type syncRunJSON struct {
	ID              string  `json:"id"`
	Trigger         string  `json:"trigger"`
	Status          string  `json:"status"`
	Code            string  `json:"code,omitempty"`
	Message         string  `json:"message,omitempty"`
	HasNewData      bool    `json:"has_new_data"`
	NewTransactions int     `json:"new_transactions"`
	StartedAt       string  `json:"started_at"`
	FinishedAt      *string `json:"finished_at"` // null while it runs, as a v2 job's
	Repeats         int     `json:"repeats,omitempty"`
	LastAt          string  `json:"last_at,omitempty"`
}

// accountSyncs lists an account's kept syncs, newest first: what a test asks to
// see that the automatic sync ran, and when — only the TUI showed it (left at
// earlier stops). "more" says older ones are kept beyond limit.
func (s *Server) accountSyncs(w http.ResponseWriter, r *http.Request) error {
	p, err := queryParams(r.URL.RawQuery)
	if err != nil {
		return err
	}
	if err := p.onlyQuery("limit"); err != nil {
		return err
	}
	limit, err := p.int("limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	jobs, err := s.eng.SyncJobs(r.Context(), r.PathValue("id"), int(limit)+1)
	if err != nil {
		return err
	}
	more := len(jobs) > int(limit)
	jobs = jobs[:min(len(jobs), int(limit))]
	out := make([]syncRunJSON, len(jobs))
	for i, j := range jobs {
		out[i] = syncRunJSON{ID: j.ID, Trigger: j.Trigger, Status: j.Status, Code: j.Code, Message: repeatsText(j),
			HasNewData: j.HasNewData, NewTransactions: j.NewTransactions, StartedAt: instant(j.StartedAt),
			FinishedAt: instantOrNull(j.FinishedAt), Repeats: j.Repeats, LastAt: instant(j.LastAt)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "more": more})
	return nil
}

// repeatsText is a run's message, and what its repeats did: has_new_data and
// new_transactions are the first run's, and a year of automatic syncs that found
// nothing after one that brought a posting read "synced: 1 new transaction", 1,459
// repeats, as if each had (a newcomer's trial).
func repeatsText(j engine.SyncJob) string {
	switch {
	case j.Repeats == 0:
		return j.Message
	case j.Repeats == 1 && j.Status == engine.StatusSyncSuccessful:
		return j.Message + "; the sync after it found nothing new"
	case j.Repeats == 1:
		return j.Message + "; the sync after it failed the same way"
	case j.Status == engine.StatusSyncSuccessful:
		return j.Message + "; the " + engine.Count(j.Repeats) + " syncs after it found nothing new"
	}
	return j.Message + "; the " + engine.Count(j.Repeats) + " syncs after it failed the same way"
}

// --- settings

type settingsJSON struct {
	DataSyncEnabled   bool   `json:"data_sync_enabled"`
	DataSyncEnabledAt string `json:"data_sync_enabled_at,omitempty"`
	WebhookURL        string `json:"webhook_url"`
	WebhookSecret     string `json:"webhook_secret"`
	WebhookFormat     string `json:"webhook_format"`
	AutoSync          string `json:"auto_sync"`
	StatementBuild    string `json:"statement_build"`
	PublicKey         string `json:"public_key"`
	// Notice, on a PATCH that turned Data Sync off or on, says what that did to
	// webhooks (R4): the TUI asks before, the API says after.
	Notice string `json:"notice,omitempty"`
}

func autoSyncText(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return strings.TrimSuffix(d.String(), "0m0s")
}

func (s *Server) settings(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, newSettingsJSON(s.eng.Settings()))
	return nil
}

func newSettingsJSON(set engine.Settings) settingsJSON {
	return settingsJSON{DataSyncEnabled: set.DataSyncEnabled(), DataSyncEnabledAt: instant(set.DataSyncEnabledAt),
		WebhookURL: set.WebhookURL, WebhookSecret: set.WebhookSecret.Reveal(), WebhookFormat: string(set.Format()),
		AutoSync: autoSyncText(set.AutoSync), StatementBuild: buildText(set.StatementBuild),
		PublicKey: set.PublicKey}
}

// buildText is how long a statement builds, as PATCH takes it: 0s, 30s, 2m, 1m30s.
func buildText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// maxWebhookURL is the longest webhook URL taken, in characters: the engine's,
// whose SettingsPatch.Validate (which parseSettingsPatch ends with) refuses a
// longer one, for the TUI and scenario check as for the API (a review).
const maxWebhookURL = engine.MaxWebhookURL

// parseSettingsPatch reads PATCH /sandbox/settings.
func parseSettingsPatch(p params) (engine.SettingsPatch, error) {
	var patch engine.SettingsPatch
	var err error
	if patch.DataSyncEnabled, err = p.flag("data_sync_enabled"); err != nil {
		return patch, err
	}
	if p.has("webhook_url") {
		u := p.str("webhook_url")
		if u == "" && p["webhook_url"] != "" {
			// Blank, it cleared the URL — stopping every webhook — as "" does, though
			// blank values of the other fields count as left out (a fuzzing trial).
			return patch, engine.Invalid("webhook_url", "webhook_url is only spaces: send a URL, or \"\" to send no webhooks at all")
		}
		patch.WebhookURL = &u
	}
	if p.has("webhook_secret") {
		v := p["webhook_secret"]
		patch.WebhookSecret = &v
	}
	if v := strings.ToLower(p.str("auto_sync")); v != "" {
		var d time.Duration
		if v != "off" && v != "0" {
			if d, err = simulator.ParseDuration(v); err != nil {
				return patch, engine.Invalid("auto_sync", "auto_sync %q is not offered; use off, 6h, 12h or 24h (1d)", v)
			}
		}
		patch.AutoSync = &d
	}
	if v := strings.ToLower(p.str("webhook_format")); v != "" {
		f := engine.WebhookFormat(v)
		patch.WebhookFormat = &f
	}
	if v := strings.TrimSpace(p.str("statement_build")); v != "" { // not lowered: 1M is a month, refused, not a minute
		d, err := simulator.ParseStatementBuild(v)
		if err == nil {
			err = underAMillisecond("statement_build", v, d, ", or 0 for at once")
		}
		if err != nil {
			return patch, err
		}
		patch.StatementBuild = &d
	}
	if patch == (engine.SettingsPatch{}) {
		return patch, engine.Invalid("body", "send at least one of data_sync_enabled, webhook_url, webhook_secret, webhook_format, auto_sync, statement_build, with a value (a null or empty one counts as left out)")
	}
	return patch, patch.Validate()
}

func (s *Server) patchSettings(w http.ResponseWriter, r *http.Request) error {
	p, err := sandboxBody(w, r, "data_sync_enabled", "webhook_url:text", "webhook_secret:text", "webhook_format", "auto_sync", "statement_build")
	if err != nil {
		return err
	}
	patch, err := parseSettingsPatch(p)
	if err != nil {
		return err
	}
	was := s.eng.Settings().DataSyncEnabled()
	set, err := s.eng.UpdateSettings(r.Context(), patch)
	if err != nil {
		return err
	}
	out := newSettingsJSON(set)
	if patch.DataSyncEnabled != nil && *patch.DataSyncEnabled != was {
		if out.Notice, err = s.dataSyncNotice(r.Context(), set); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// dataSyncNotice says what turning Data Sync off or on did to webhooks (R4):
// turned on again, it leaves out every account connected before, for good, and a
// script that toggled it saw only a 200.
func (s *Server) dataSyncNotice(ctx context.Context, set engine.Settings) (string, error) {
	if !set.DataSyncEnabled() {
		return "Data Sync is off: syncs are refused and no new webhook events are made (those already waiting are still delivered). Turning it on again records a new moment, and every account connected before then never receives webhooks (R4).", nil
	}
	accounts, err := s.eng.Accounts(ctx)
	if err != nil {
		return "", err
	}
	before := 0
	for _, a := range accounts {
		if !engine.ReceivesWebhooks(set, a) {
			before++
		}
	}
	if before == 0 {
		return "Data Sync is on: accounts connected from now on receive webhooks (R4).", nil
	}
	them := "the account connected before it never does"
	if before > 1 {
		them = "the " + engine.Count(before) + " accounts connected before it never do"
	}
	return fmt.Sprintf("Data Sync is on from %s: accounts connected from now on receive webhooks, and %s (R4); unlink and connect one again to give it webhooks.",
		instant(set.DataSyncEnabledAt), them), nil
}

// --- webhooks

type attemptJSON struct {
	N          int    `json:"n"`
	At         string `json:"at"`
	URL        string `json:"url"`
	Format     string `json:"format"`
	StatusCode int    `json:"status_code"`
	LatencyMS  int64  `json:"latency_ms"`
	Error      string `json:"error,omitempty"`
	Repeats    int    `json:"repeats,omitempty"` // attempts n+1 … n+repeats failed the same way
	LastAt     string `json:"last_at,omitempty"` // the last of them
}

// underWayJSON is an attempt sent and not answered yet.
type underWayJSON struct {
	N      int    `json:"n"`
	At     string `json:"at"`
	URL    string `json:"url"`
	Format string `json:"format"`
}

func newAttemptJSON(a engine.Attempt) attemptJSON {
	f := a.Format
	if f == "" {
		f = engine.WebhookV1 // attempts recorded before webhook formats
	}
	return attemptJSON{N: a.N, At: instant(a.At), URL: maskPassword(a.URL), Format: string(f), StatusCode: a.StatusCode,
		LatencyMS: a.Latency.Milliseconds(), Error: a.Error, Repeats: a.Repeats, LastAt: instant(a.LastAt)}
}

// maskPassword hides the password of a URL's user info: the log of attempts showed
// it whole beside an error that hid it. The rest of the URL is the business's own
// setting, shown whole by GET /sandbox/settings too (the error, which goes to the
// log as well, hides more: redactURL).
func maskPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); !ok {
		return raw
	}
	return u.Redacted()
}

// noWebhookURL is why pending events wait with no webhook URL set.
const noWebhookURL = `no webhook URL is set: events wait, and go once PATCH /sandbox/settings {"webhook_url": …} sets one (or the TUI's Settings)`

type eventJSON struct {
	ID            string `json:"id"`
	Seq           uint64 `json:"seq"`
	Event         string `json:"event"`
	Account       string `json:"account"`
	CreatedAt     string `json:"created_at"`
	Status        string `json:"status"`
	SkipReason    string `json:"skip_reason,omitempty"`
	NextAttemptAt string `json:"next_attempt_at,omitempty"`
	// WaitingFor is the account's earlier event this pending one waits behind:
	// an account's events are delivered in order.
	WaitingFor string `json:"waiting_for,omitempty"`
	// Held says why a pending event is not attempted: with no webhook URL set it
	// waited, its next_attempt_at in the past, with no word why (a backend
	// engineer's trial; the TUI said so).
	Held string `json:"held,omitempty"`
	// UnderWay is the attempt sent and not answered yet: the event's next_attempt_at
	// alone read "due now" while it hung at the receiver (a newcomer's trial).
	UnderWay     *underWayJSON `json:"attempt_under_way,omitempty"`
	DeliveredAt  string        `json:"delivered_at,omitempty"`
	Replays      int           `json:"replays"`
	AttemptsMade int           `json:"attempts_made"`
	Attempts     []attemptJSON `json:"attempts"`                // newest first
	AttemptsNext *string       `json:"attempts_next,omitempty"` // the older ones
	// Format and Payload are the body as the last attempt sent it, or as the next
	// will (the business's webhook format) if none was made.
	Format  string          `json:"format"`
	Payload json.RawMessage `json:"payload"`
}

// waitsFor marks a pending event that waits behind an earlier one of its account
// (none: the zero Event): its next attempt comes, at the soonest, with that one's.
// Its own, stored when it last failed, fell behind the clock while it waited, and
// POST /sandbox/clock {"to": it} — as the README says to deliver it — was refused
// as going back (a backend developer's trial).
func (j *eventJSON) waitsFor(ev, head engine.Event) {
	if head.ID == "" {
		return
	}
	j.WaitingFor = head.ID
	if head.NextAttemptAt.After(ev.NextAttemptAt) {
		j.NextAttemptAt = instant(head.NextAttemptAt)
	}
}

// eventAttempts is how many of its newest attempts an event shows in the log; the
// URL in attempts_next pages through the older ones.
const eventAttempts = 10

// newEventJSON shows an event with its newest attempts first, at most eventAttempts
// of them (e holds them oldest first).
func (s *Server) newEventJSON(r *http.Request, e engine.Event) eventJSON {
	f := e.Format(s.eng.Settings())
	name := e.Type // as the receiver gets it: v2 names some events otherwise
	if f == engine.WebhookV2 {
		name = v2WebhookName(e.Type)
	}
	out := eventJSON{ID: e.ID, Seq: e.Seq, Event: name, Account: e.AccountID, CreatedAt: instant(e.CreatedAt),
		Status: e.Status, SkipReason: e.SkipReason, NextAttemptAt: instant(e.NextAttemptAt),
		DeliveredAt: instant(e.DeliveredAt), Replays: e.Replays, AttemptsMade: e.AttemptsMade, Attempts: []attemptJSON{},
		Format: string(f), Payload: s.eng.WebhookBody(e)}
	if e.Status == engine.DeliveryPending && s.eng.Settings().WebhookURL == "" {
		out.Held = noWebhookURL
	}
	if e.Sending != nil {
		a := newAttemptJSON(*e.Sending)
		out.UnderWay = &underWayJSON{N: a.N, At: a.At, URL: a.URL, Format: a.Format}
	}
	shown := e.Attempts[max(len(e.Attempts)-eventAttempts, 0):]
	for i := len(shown) - 1; i >= 0; i-- {
		out.Attempts = append(out.Attempts, newAttemptJSON(shown[i]))
	}
	if len(shown) > 0 && shown[0].N > 1 {
		next := origin(r) + "/sandbox/webhooks/" + url.PathEscape(e.ID) + "/attempts?before=" + strconv.Itoa(shown[0].N)
		out.AttemptsNext = &next
	}
	return out
}

// parseEventQuery reads GET /sandbox/webhooks' query string.
func parseEventQuery(raw string) (engine.EventQuery, error) {
	p, err := queryParams(raw)
	if err != nil {
		return engine.EventQuery{}, err
	}
	if p.has("page") {
		return engine.EventQuery{}, engine.Invalid("page", "events are not paged by number, since new ones keep arriving: follow paging.next, which asks for the events before the last one shown (before=SEQ)")
	}
	if err := p.onlyQuery("account", "limit", "before"); err != nil {
		return engine.EventQuery{}, err
	}
	limit, err := p.int("limit", 100, 1, 1000)
	if err != nil {
		return engine.EventQuery{}, err
	}
	before, err := p.int("before", 0, 1, 1<<62)
	if err != nil {
		return engine.EventQuery{}, err
	}
	return engine.EventQuery{AccountID: p.str("account"), Limit: int(limit), BeforeSeq: uint64(before), Attempts: eventAttempts}, nil
}

type eventPagingJSON struct {
	Next *string `json:"next"`
}

func (s *Server) webhooks(w http.ResponseWriter, r *http.Request) error {
	q, err := parseEventQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	limit := q.Limit
	q.Limit++ // one more tells whether there is a next page
	evs, err := s.eng.Events(r.Context(), q)
	if err != nil {
		return err
	}
	var paging eventPagingJSON
	if len(evs) > limit {
		evs = evs[:limit]
		v, _ := url.ParseQuery(r.URL.RawQuery)
		v.Set("before", strconv.FormatUint(evs[limit-1].Seq, 10))
		next := origin(r) + r.URL.Path + "?" + v.Encode()
		paging.Next = &next
	}
	behind, err := s.eng.WaitingBehind(r.Context(), evs)
	if err != nil {
		return err
	}
	out := make([]eventJSON, len(evs))
	for i, e := range evs {
		out[i] = s.newEventJSON(r, e)
		out[i].waitsFor(e, behind[e.ID])
	}
	writeJSON(w, http.StatusOK, map[string]any{"paging": paging, "data": out})
	return nil
}

// eventAttempts pages through an event's attempts, newest first: before=N asks for
// those numbered below N, as paging.next and an event's attempts_next do.
func (s *Server) eventAttempts(w http.ResponseWriter, r *http.Request) error {
	p, err := queryParams(r.URL.RawQuery)
	if err != nil {
		return err
	}
	if p.has("page") {
		return engine.Invalid("page", "attempts are not paged by number: follow paging.next, which asks for the attempts before the last one shown (before=N)")
	}
	if err := p.onlyQuery("limit", "before"); err != nil {
		return err
	}
	limit, err := p.int("limit", 100, 1, engine.MaxAttemptsPage)
	if err != nil {
		return err
	}
	before, err := p.int("before", 0, 1, math.MaxInt32)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	as, err := s.eng.Attempts(r.Context(), id, int(before), int(limit)+1)
	if err != nil {
		return err
	}
	var paging eventPagingJSON
	if len(as) > int(limit) {
		as = as[:limit]
		next := origin(r) + r.URL.Path + "?before=" + strconv.Itoa(as[limit-1].N) + "&limit=" + strconv.FormatInt(limit, 10)
		paging.Next = &next
	}
	out := make([]attemptJSON, len(as))
	for i, a := range as {
		out[i] = newAttemptJSON(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"paging": paging, "data": out})
	return nil
}

// webhookEvent is one event, as the log shows it: by the ID a delivery carried in
// mono-webhook-event-id, say.
func (s *Server) webhookEvent(w http.ResponseWriter, r *http.Request) error {
	ev, err := s.eng.Event(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := s.newEventJSON(r, ev)
	behind, err := s.eng.WaitingBehind(r.Context(), []engine.Event{ev})
	if err != nil {
		return err
	}
	out.waitsFor(ev, behind[ev.ID])
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) replay(w http.ResponseWriter, r *http.Request) error {
	// It takes no fields: one sent ({"url":…}, to send it elsewhere) is refused,
	// not ignored while the event went again to the usual URL.
	if _, err := sandboxBody(w, r); err != nil {
		return err
	}
	ev, err := s.eng.Replay(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := s.newEventJSON(r, ev)
	if behind, err := s.eng.WaitingBehind(r.Context(), []engine.Event{ev}); err == nil {
		out.waitsFor(ev, behind[ev.ID]) // replayed, it still waits for the account's earlier ones
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// --- the built-in receiver: a webhook endpoint for demos, which checks the secret

type receivedJSON struct {
	ReceivedAt  string          `json:"received_at"`
	EventID     string          `json:"event_id"`
	SecretValid bool            `json:"secret_valid"` // always true: nothing else is kept
	Body        json.RawMessage `json:"body"`
}

// receiver keeps the latest deliveries that carried the webhook secret, within a
// count and a byte budget. The route is open, as a webhook endpoint must be, so
// what fails the check is never kept: any web page can POST to 127.0.0.1.
type receiver struct {
	mu       sync.Mutex
	maxCount int
	maxBytes int
	bytes    int            // of the bodies in list
	list     []receivedJSON // newest last
	origins  *http.CrossOriginProtection
}

// The receiver keeps the last receiverMaxCount deliveries, and at most
// receiverMaxBytes of their bodies (the newest delivery always, up to MaxBodyBytes).
const (
	receiverMaxCount = 200
	receiverMaxBytes = 4 << 20
)

func newReceiver(maxCount, maxBytes int) *receiver {
	return &receiver{maxCount: maxCount, maxBytes: maxBytes, origins: http.NewCrossOriginProtection()}
}

// add keeps rec, dropping the oldest deliveries beyond the count or the bytes.
func (in *receiver) add(rec receivedJSON) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.list = append(in.list, rec)
	in.bytes += len(rec.Body)
	drop := 0
	for len(in.list)-drop > 1 && (len(in.list)-drop > in.maxCount || in.bytes > in.maxBytes) {
		in.bytes -= len(in.list[drop].Body)
		drop++
	}
	if drop > 0 {
		in.list = slices.Delete(in.list, 0, drop)
	}
}

func (s *Server) receive(w http.ResponseWriter, r *http.Request) error {
	if err := s.inbox.origins.Check(r); err != nil {
		return engine.Errorf(engine.EFORBIDDEN, "a web page on another origin cannot post to the webhook receiver; webhooks come from servers, which send no Origin or Sec-Fetch-Site header").WithReason("CROSS_ORIGIN")
	}
	if s.misbehave(w, r) { // down, slow or failing on demand (POST /sandbox/receiver/mode)
		return nil
	}
	// The secret first: a body that fails it is not even read.
	want := s.eng.Settings().WebhookSecret.Reveal()
	if got := r.Header.Get("mono-webhook-secret"); got == "" || !subtleEqual(got, want) {
		return engine.Errorf(engine.EUNAUTHORIZED, "the mono-webhook-secret header does not match the business's webhook secret")
	}
	b, err := readBody(w, r)
	if err != nil {
		return err
	}
	if err := webhookBody(b); err != nil {
		return err
	}
	s.inbox.add(receivedJSON{ReceivedAt: instant(s.eng.Clock().Now()), EventID: r.Header.Get("mono-webhook-event-id"),
		SecretValid: true, Body: b})
	writeJSON(w, http.StatusOK, map[string]string{"status": "received"})
	return nil
}

// webhookBody refuses what no webhook is: anything but a JSON object of valid
// UTF-8. The receiver stored null, [], invalid UTF-8 and lone UTF-16 surrogates
// ("\ud800") as they came, and its list — which sends them back — then broke a
// strict JSON parser (jq) for the next 200 deliveries (a fuzzing trial).
func webhookBody(b []byte) error {
	t := bytes.TrimSpace(b)
	switch {
	case !utf8.Valid(b):
		return engine.Invalid("body", "a webhook body is JSON in UTF-8; this one has bytes that are not UTF-8")
	case !json.Valid(t):
		return engine.Invalid("body", "a webhook body is JSON; this one is not")
	case t[0] != '{':
		var v any
		_ = json.Unmarshal(t, &v)
		return engine.Invalid("body", "a webhook body is a JSON object ({\"event\": …}); this one is %s", jsonValueKind(v))
	case loneSurrogate(t):
		return engine.Invalid("body", "a webhook body is JSON of valid Unicode; this one escapes half a UTF-16 surrogate pair (\\ud800 to \\udfff alone), which strict JSON parsers refuse")
	}
	return nil
}

// loneSurrogate reports whether valid JSON b escapes a UTF-16 surrogate that is not
// half of a pair (\uD800–\uDBFF followed by \uDC00–\uDFFF).
func loneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' || i+6 > len(b) {
			i++ // an escape of one character: skip it (\\ is not the start of another)
			continue
		}
		r, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		if err != nil {
			return false // not valid JSON: json.Valid said so first
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true // a low half with no high half before it
		case r >= 0xD800 && r <= 0xDBFF:
			if i+12 > len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
				return true
			}
			lo, err := strconv.ParseUint(string(b[i+8:i+12]), 16, 16)
			if err != nil || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}

func (s *Server) received(w http.ResponseWriter, _ *http.Request) error {
	s.inbox.mu.Lock()
	out := make([]receivedJSON, len(s.inbox.list))
	for i, rec := range s.inbox.list { // newest first
		out[len(out)-1-i] = rec
	}
	s.inbox.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
	return nil
}
