package api

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sandbank/engine"
	"sandbank/statement"
)

// The Mono v1-compatible routes (DESIGN §4.1).

func (s *Server) monoV1Routes(mux *routeMux) {
	mux.Handle("POST /account/auth", s.secret(s.exchangeCode))
	mux.Handle("GET /accounts/{id}", s.secret(s.account))
	mux.Handle("GET /accounts/{id}/transactions", s.secret(s.transactions))
	mux.Handle("GET /accounts/{id}/statement", s.secret(s.statement))
	mux.Handle("GET /accounts/{id}/statement/jobs/{job}", s.secret(s.statementJob))
	mux.Handle("POST /accounts/{id}/sync", s.secret(s.sync))
	mux.Handle("GET /accounts/{id}/sync", s.secret(s.sync))
	// Its GET acts, so a HEAD is refused (sync): a PUT is told GET or POST, not the
	// HEAD the mux would list beside GET. Not a route of its own: on the ServeMux,
	// not in the list of routes.
	mux.ServeMux.Handle("/accounts/{id}/sync", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notAllowed{allow: "GET, POST"}
	}))
	mux.Handle("POST /accounts/{id}/reauthorise", s.secret(s.reauthorise))
	mux.Handle("POST /accounts/{id}/unlink", s.secret(s.unlink))
	mux.Handle("GET /accounts/{id}/identity", s.secret(s.identity))
	mux.Handle("GET /statements/{file}", s.handle(s.statementPDF))
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Has("key") {
		// @mono.co/connect.js with its host string replaced by sandbank's address
		// opens /?key=…: that is the widget.
		seeOther(w, "/connect?"+r.URL.RawQuery)
		return nil
	}
	if wantsHTML(r) {
		// A browser at the address serve printed saw this JSON (a mobile developer's
		// trial): the demo app, which opens the widget, is the page to see.
		seeOther(w, "/demo")
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"name":    "sandbank",
		"message": "a local Data Sync sandbox shaped like Mono's API, v1 and (under /v2) v2; send mono-sec-key on every route but this one, /openapi.yaml, /connect/* and /statements/*",
		"openapi": origin(r) + "/openapi.yaml",
		"widget":  origin(r) + "/connect?key=YOUR_PUBLIC_KEY",
		"demo":    origin(r) + "/demo",
	})
	return nil
}

func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request) error {
	p, err := bodyParams(w, r, "code:text")
	if err != nil {
		return err
	}
	code, err := p.required("code", ": the code the connect widget returned on success")
	if err != nil {
		return err
	}
	a, err := s.eng.ExchangeCode(r.Context(), code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": a.ID})
	return nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	a, err := s.eng.Account(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newAccountView(engine.NewAccountFacts(a)))
	return nil
}

// txJSON is a transaction as Mono's API shows it.
type txJSON struct {
	ID        string `json:"_id"`
	Type      string `json:"type"`
	Amount    int64  `json:"amount"`
	Narration string `json:"narration"`
	Date      string `json:"date"`
	Balance   int64  `json:"balance"`
	Currency  string `json:"currency"`
	Category  string `json:"category"`
}

// monoTime is how Mono writes instants: 2021-08-20T12:30:00.000Z.
const monoTime = "2006-01-02T15:04:05.000Z"

func newTxJSON(txs []engine.Transaction) []txJSON {
	out := make([]txJSON, len(txs))
	for i, t := range txs {
		out[i] = txJSON{ID: t.ID, Type: string(t.Type), Amount: t.Amount, Narration: t.Narration,
			Date: t.Date.UTC().Format(monoTime), Balance: t.Balance, Currency: t.Currency, Category: t.Category}
	}
	return out
}

type paging struct {
	Total    int64   `json:"total"`
	Page     int     `json:"page"`
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}

type txPageJSON struct {
	Paging paging   `json:"paging"`
	Data   []txJSON `json:"data"`
}

// DefaultPageSize is the page size when a client sends no limit.
const DefaultPageSize = 20

// parseTxQuery reads GET /accounts/{id}/transactions' query string.
func parseTxQuery(accountID, raw string) (engine.TxQuery, error) {
	p, err := queryParams(raw)
	if err != nil {
		return engine.TxQuery{}, err
	}
	q := engine.TxQuery{AccountID: accountID, Narration: p.str("narration")}
	if q.From, err = p.date("start", false); err != nil {
		return q, err
	}
	if q.To, err = p.date("end", true); err != nil {
		return q, err
	}
	if t := strings.ToLower(p.str("type")); t != "" {
		q.Type = engine.TxType(t)
		if err := q.Type.Validate(); err != nil {
			return q, err
		}
	}
	paginate, err := p.bool("paginate")
	if err != nil {
		return q, err
	}
	page, err := p.int("page", 1, 1, 1<<31-1)
	if err != nil {
		return q, err
	}
	limit, err := p.int("limit", DefaultPageSize, 1, engine.MaxPageSize)
	if err != nil {
		return q, err
	}
	q.Page, q.Limit = int(page), int(limit)
	if paginate != nil && !*paginate {
		q.Page, q.Limit = 1, 0
	}
	if err := q.Validate(); err != nil { // the bounds as sent
		return q, err
	}
	shownBounds(&q)
	return q, nil
}

// shownBounds makes a query's start and end bound transactions as their dates are
// shown, to the millisecond: one stamped at 23:00:30.007123 reads 23:00:30.007Z,
// and end= that date left it out. Bounds within one millisecond that no shown date
// lies between (start=end=…00.0005Z) become the last nanosecond of it: nothing, in
// effect, rather than an end before the start.
func shownBounds(q *engine.TxQuery) {
	if !q.From.IsZero() {
		if cut := q.From.Truncate(time.Millisecond); !cut.Equal(q.From) {
			q.From = cut.Add(time.Millisecond)
		}
	}
	if !q.To.IsZero() {
		q.To = q.To.Truncate(time.Millisecond).Add(time.Millisecond - 1)
		if q.From.After(q.To) {
			q.From = q.To
		}
	}
}

func (s *Server) transactions(w http.ResponseWriter, r *http.Request) error {
	// Keys of v1 and v2 differ in their first byte: v2's were "v2 "+ID, and a v1
	// read of the account "v2 ID" got v2's cached fragment with 200. So do v1's
	// under /v1, whose links keep the prefix.
	kind := "1"
	if pathPrefix(r) != "" {
		kind = "3"
	}
	version, key := s.eng.DataVersion(), kind+r.PathValue("id")+"?"+r.URL.RawQuery+" "+origin(r)
	if b, ok := s.txPages.get(version, key); ok {
		writeBody(w, http.StatusOK, b)
		return nil
	}
	page, pg, err := s.txPage(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeAppended(w, http.StatusOK, func(b []byte) []byte { return appendTxPage(b, pg, page.Transactions) },
		func(b []byte) { s.txPages.put(version, key, b) })
	return nil
}

// maxUnpaginated is the most transactions paginate=false answers at once: years of
// the busiest profile's history. All 337,565 of an account seventy simulated years
// old made a 70 MB answer, and eight at once took the server from 0.6 to 3.4 GB.
var maxUnpaginated int64 = 20000 // a var: a test lowers it

// txPage reads the page of an account's transactions a request's query asks for
// (v1's and v2's), with links to the pages before and after it.
func (s *Server) txPage(r *http.Request, accountID string) (engine.TxPage, paging, error) {
	q, err := parseTxQuery(accountID, r.URL.RawQuery)
	if err != nil {
		return engine.TxPage{}, paging{}, err
	}
	return s.txPageOf(r, q)
}

// checkUnpaginated refuses paginate=false (q.Limit 0) over more than
// maxUnpaginated transactions.
func (s *Server) checkUnpaginated(r *http.Request, q engine.TxQuery) error {
	if q.Limit != 0 {
		return nil
	}
	one := q
	one.Limit = 1
	head, err := s.eng.Transactions(r.Context(), one)
	if err != nil {
		return err
	}
	if head.Total > maxUnpaginated {
		return &engine.Error{Code: engine.EINVALID, Field: "paginate", Message: fmt.Sprintf(
			"paginate=false answers at most %d transactions at once, and %d match here: narrow the period with start= and end=, or page through them with limit= (at most %d) and page=",
			maxUnpaginated, head.Total, engine.MaxPageSize)}
	}
	return nil
}

// txPageOf answers a parsed query: its page and the links around it.
func (s *Server) txPageOf(r *http.Request, q engine.TxQuery) (engine.TxPage, paging, error) {
	if err := s.checkUnpaginated(r, q); err != nil { // paginate=false: all of them, up to maxUnpaginated
		return engine.TxPage{}, paging{}, err
	}
	page, err := s.eng.Transactions(r.Context(), q)
	if err != nil {
		return engine.TxPage{}, paging{}, err
	}
	pg := paging{Total: page.Total, Page: q.Page}
	if q.Limit > 0 {
		if q.Page > 1 { // past the end, back to the last page that has any
			last := max(1, (page.Total+int64(q.Limit)-1)/int64(q.Limit))
			pg.Previous = pageURL(r, int(min(int64(q.Page-1), last)))
		}
		if int64(q.Page)*int64(q.Limit) < page.Total {
			pg.Next = pageURL(r, q.Page+1)
		}
	}
	return page, pg, nil
}

// origin is the base of the links the API gives: the address the connection came
// in on, as "http://127.0.0.1:7070", or the public URL sandbank was started with
// (Config.PublicURL, which Server.public puts in the context). Never the Host
// header of a request over a connection, nor X-Forwarded-Host, which HTTP/1.0
// clients leave out and any client can set to anything.
// A request made in process (a scenario's steps, which name the host
// sandbank.invalid) has no connection: its own Host is the address it was sent to.
func origin(r *http.Request) string {
	if o, ok := r.Context().Value(originKey{}).(string); ok {
		return o
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return "http://" + a.String()
	}
	if r.Host != "" {
		return "http://" + r.Host
	}
	return "" // no host at all: a relative link
}

// pageURL is this request's URL on another page.
func pageURL(r *http.Request, page int) *string {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	q.Set("page", strconv.Itoa(page))
	u := origin(r) + shownPath(r) + "?" + q.Encode()
	return &u
}

// parsePeriod reads period=lastNmonths (R9).
func parsePeriod(v string) (int, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		return 0, engine.Invalid("period", "period is required: last1months to last12months")
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(v, "last"), "months"))
	if err != nil || !strings.HasPrefix(v, "last") || !strings.HasSuffix(v, "months") {
		return 0, engine.Invalid("period", "period %q is not of the form lastNmonths; use last1months to last12months", v)
	}
	return n, engine.ValidateMonths(n)
}

// parseStatementQuery reads GET /accounts/{id}/statement's query string.
func parseStatementQuery(raw string) (months int, pdf bool, err error) {
	p, err := queryParams(raw)
	if err != nil {
		return 0, false, err
	}
	if months, err = parsePeriod(p.str("period")); err != nil {
		return 0, false, err
	}
	switch out := strings.ToLower(p.str("output")); out {
	case "", "json":
		return months, false, nil
	case "pdf":
		return months, true, nil
	default:
		return 0, false, engine.Invalid("output", "output %q is not offered; use json or pdf", out)
	}
}

type statementJSON struct {
	Meta struct {
		Count int `json:"count"`
	} `json:"meta"`
	Data []txJSON `json:"data"`
}

type statementJobJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Path   string `json:"path"`
}

func (s *Server) statement(w http.ResponseWriter, r *http.Request) error {
	months, pdf, err := parseStatementQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if pdf {
		if r.Method == http.MethodHead {
			return notAllowed{allow: "GET", what: "its GET with output=pdf starts a statement job"}
		}
		j, err := s.eng.CreateStatementJob(r.Context(), id, months)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, jobJSON(r, j))
		return nil
	}
	st, err := s.eng.Statement(r.Context(), id, months)
	if err != nil {
		return err
	}
	writeAppended(w, http.StatusOK, func(b []byte) []byte { return appendStatement(b, st.Transactions) }, nil)
	return nil
}

func jobJSON(r *http.Request, j engine.StatementJob) statementJobJSON {
	return statementJobJSON{ID: j.ID, Status: j.Status, Path: origin(r) + pathPrefix(r) + "/statements/" + j.ID + ".pdf"}
}

func (s *Server) statementJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.eng.StatementJob(r.Context(), r.PathValue("id"), r.PathValue("job"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobJSON(r, j))
	return nil
}

func (s *Server) statementPDF(w http.ResponseWriter, r *http.Request) error {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !ok {
		return engine.Errorf(engine.ENOTFOUND, "statements are served as /statements/{id}.pdf")
	}
	st, err := s.eng.StatementOfJob(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := statement.PDF(st, s.eng.Clock().Now())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+statement.FileName(st)+`"`)
	_, err = w.Write(b)
	return err
}

type syncJSON struct {
	Status     string `json:"status"`
	HasNewData bool   `json:"hasNewData"`
	Code       string `json:"code"`
	Message    string `json:"message,omitempty"`
}

func (s *Server) sync(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodHead {
		return notAllowed{allow: "GET, POST", what: "it runs a sync"}
	}
	if r.Method == http.MethodPost {
		if _, err := readBody(w, r); err != nil { // clients send nothing, {} or a form
			return err
		}
	}
	id := r.PathValue("id")
	res, err := s.eng.Sync(r.Context(), id)
	if err != nil {
		return err
	}
	msg := res.Message
	if res.Code == engine.CodeReauthRequired {
		// What the app does next: the failure said the user must re-authorise, and
		// not how (a backend engineer's trial).
		msg += reauthHow(id)
	}
	writeJSON(w, http.StatusOK, syncJSON{Status: res.Status, HasNewData: res.HasNewData, Code: res.Code, Message: msg})
	return nil
}

// reauthHow is how an app has the user re-authorise account id, v1 and v2.
func reauthHow(id string) string {
	return " — POST /accounts/" + id + "/reauthorise gives a token for the widget (v2: POST /v2/accounts/initiate " +
		`{"scope":"reauth","account":"` + id + `","redirect_url":…} gives a link)`
}

func (s *Server) reauthorise(w http.ResponseWriter, r *http.Request) error {
	if _, err := readBody(w, r); err != nil {
		return err
	}
	t, err := s.eng.RequestReauth(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": t.Token, "expires_at": t.ExpiresAt.UTC().Format(monoTime)})
	return nil
}

func (s *Server) unlink(w http.ResponseWriter, r *http.Request) error {
	if _, err := readBody(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.eng.Unlink(r.Context(), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "account " + id + " was unlinked; it no longer syncs"})
	return nil
}

// identityJSON is GET /accounts/{id}/identity's body.
type identityJSON struct {
	FullName      string `json:"fullName"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	Gender        string `json:"gender"`
	DOB           string `json:"dob"`
	BVN           string `json:"bvn"`
	MaritalStatus string `json:"maritalStatus"`
	AddressLine1  string `json:"addressLine1"`
	AddressLine2  string `json:"addressLine2"`
	City          string `json:"city"`
	State         string `json:"state"`
	UpdatedAt     string `json:"updatedAt"`
}

func (s *Server) identity(w http.ResponseWriter, r *http.Request) error {
	a, err := s.eng.Account(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.eng.NoDataYet(a, "identity"); err != nil {
		return err
	}
	i := a.Identity
	out := identityJSON{FullName: i.FullName, Email: i.Email, Phone: i.Phone, Gender: i.Gender, DOB: i.DateOfBirth,
		BVN: i.BVN, MaritalStatus: i.MaritalStatus, AddressLine1: i.AddressLine1, AddressLine2: i.AddressLine2,
		City: i.City, State: i.State}
	if !a.LastSyncedAt.IsZero() {
		out.UpdatedAt = a.LastSyncedAt.UTC().Format(monoTime)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// instant formats a time for sandbox JSON, or "" for zero.
func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(monoTime)
}

// instantOrNull is instant, or null for a time not yet come (a job's end while it
// runs): a key the README lists is always sent.
func instantOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := instant(t)
	return &v
}
