package api

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"sandbank/engine"
)

// statusOf maps each domain error code to its HTTP status — the one table.
var statusOf = map[string]int{
	engine.EINVALID:      http.StatusBadRequest,
	engine.EUNAUTHORIZED: http.StatusUnauthorized,
	engine.EFORBIDDEN:    http.StatusForbidden,
	engine.ENOTFOUND:     http.StatusNotFound,
	engine.ECONFLICT:     http.StatusConflict,
	engine.ERATELIMITED:  http.StatusTooManyRequests,
	engine.ELOCKED:       http.StatusTooManyRequests,
	engine.EEXPIRED:      http.StatusGone,
	engine.EUNAVAILABLE:  http.StatusServiceUnavailable,
	engine.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	engine.ENOSPACE:      http.StatusInsufficientStorage,
	engine.EINTERNAL:     http.StatusInternalServerError,
}

// defaultReason is the JSON "code" of an error without a precise reason.
var defaultReason = map[string]string{
	engine.EINVALID:      "INVALID_REQUEST",
	engine.EUNAUTHORIZED: "UNAUTHORIZED",
	engine.EFORBIDDEN:    "FORBIDDEN",
	engine.ENOTFOUND:     "NOT_FOUND",
	engine.ECONFLICT:     "CONFLICT",
	engine.ERATELIMITED:  "RATE_LIMITED",
	engine.ELOCKED:       "LOCKED",
	engine.EEXPIRED:      "EXPIRED",
	engine.EUNAVAILABLE:  "UNAVAILABLE",
	engine.ETOOLARGE:     "BODY_TOO_LARGE",
	engine.ENOSPACE:      "DISK_FULL",
	engine.EINTERNAL:     "INTERNAL_ERROR",
}

// apiError is an error answer before a route group gives it its body.
type apiError struct {
	Status  int
	Message string
	Code    string // the precise reason: INVALID_REQUEST, RATE_LIMITED, CODE_USED …
	Field   string // the offending input of a 400
	// AttemptsLeft, on a wrong password or answer, is how many more wrong ones the
	// session takes before it locks: a client reads it instead of parsing "2
	// attempts left" out of the message (a QA engineer's scenario expected it).
	AttemptsLeft int
}

// errorShape is how a route group writes an error's body.
type errorShape func(apiError) any

// errorBody is v1's error (DESIGN §4), which the widget and sandbox routes share.
type errorBody struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	// AttemptsLeft is apiError's, when it has one: a wrong answer leaves at least one.
	AttemptsLeft int `json:"attempts_left,omitempty"`
}

func v1ErrorBody(e apiError) any {
	return errorBody{Status: "failed", Message: e.Message, Code: e.Code, Field: e.Field, AttemptsLeft: e.AttemptsLeft}
}

// shapeOf is the error shape of a request no route group has taken (an unknown
// path, a wrong method, headers over the cap, a panic): v2's under /v2, v1's elsewhere.
func (s *Server) shapeOf(r *http.Request) errorShape {
	if v2Shaped(r.URL.Path) {
		return s.v2ErrorBody
	}
	return v1ErrorBody
}

// v2Shaped reports whether an error on path p takes v2's shape: a v2 path, or one
// written under /v1, as a v2 client whose base URL kept v1's prefix sends it —
// answered in v1's shape, which that client does not parse (a v2 developer's
// trial).
func v2Shaped(p string) bool { return isV2Path(p) || isV2Path(strings.TrimPrefix(p, "/v1")) }

// redactErr is err with the secret key written "(a secret key)" wherever its
// message or field repeats it, for the widget's page, which quotes a step's error
// in its summary, beside the field and in the event it posts to the app: the key
// typed as a bank's name came back whole there, where the JSON route's answer hid
// it (a security review).
func redactErr(r *http.Request, err error) error {
	e, ok := engine.AsError(err)
	redact, rok := r.Context().Value(redactCtx{}).(func(string) string)
	if !ok || !rok {
		return err
	}
	m, f := redact(e.Message), redact(e.Field)
	if m == e.Message && f == e.Field {
		return err
	}
	c := *e
	c.Message, c.Field = m, f
	return &c
}

// answerError writes e in shape — or, when the request asks for HTML, as the error
// page: a browser that lands on an API route, a wrong address or a method a link
// cannot send never shows raw JSON.
func answerError(w http.ResponseWriter, r *http.Request, shape errorShape, e apiError) {
	noteCode(w, e.Code)
	if redact, ok := r.Context().Value(redactCtx{}).(func(string) string); ok {
		// A path the 404 quotes, a job ID the answer names: the secret key sent
		// where an ID goes was repeated back (a review).
		e.Message, e.Field = redact(e.Message), redact(e.Field)
	}
	if wantsHTML(r) {
		writeErrorPage(w, r, e)
		return
	}
	writeJSON(w, e.Status, shape(e))
}

// wantsHTML reports whether a request prefers HTML to JSON, by its Accept header:
// browsers navigating list text/html; API clients send nothing, */* or JSON.
func wantsHTML(r *http.Request) bool {
	var html, json float64 = -1, -1
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		media, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(media)) {
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		case "application/json":
			json = max(json, q)
		}
	}
	return html > 0 && html >= json
}

// internalError is what a bug answers: no detail.
var internalError = apiError{Status: http.StatusInternalServerError, Message: "internal error", Code: defaultReason[engine.EINTERNAL]}

// realWait is how long a client waits, in real time, for a wait on the virtual
// clock: Retry-After is real seconds, and a client that sleeps that long at 100×
// slept a hundred times too long; note says the message's wait is virtual and what
// it is in real time. A paused clock never gets there by waiting: the header keeps
// the virtual wait and note says to move the clock — unless the wait ends past the
// world's end, which no move reaches.
func realWait(virtual time.Duration, c engine.ClockState, end time.Time) (wait time.Duration, note string) {
	switch {
	case !end.IsZero() && c.Now.Add(virtual).After(end):
		// Said to advance 2m, which the clock then refused.
		return virtual, " (virtual time, past this world's end, " + engine.TimeText(end) + ", which the clock cannot pass: start a new database to go on)"
	case c.Paused:
		secs := int64((virtual + time.Second - 1) / time.Second)
		d := strconv.FormatInt(secs, 10) + "s"
		if secs%60 == 0 {
			d = strconv.FormatInt(secs/60, 10) + "m"
		}
		return virtual, " (virtual time, on a paused clock: advance it by " + d + ")"
	case c.Speed > 1:
		wait := time.Duration(float64(virtual) / c.Speed)
		real := strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10) + "s"
		if wait < time.Second {
			// Not Retry-After's whole second, rounded up: 53 s at 10000× is 5 ms,
			// which read as "1s" (a newcomer's trial).
			real = "under a second, " + max(wait.Round(time.Millisecond), time.Millisecond).String()
		}
		return wait, " (virtual time; at " + strconv.FormatFloat(c.Speed, 'f', -1, 64) + "× that is " + real + ")"
	}
	return virtual, ""
}

// writeError answers err in shape with its status (to a browser, as a page:
// answerError). Internal errors — and domain
// errors with a code the table does not know, which are bugs too — are logged and
// shown only as "internal error".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, shape errorShape, err error) {
	log := s.log
	code := engine.ErrorCode(err)
	status, known := statusOf[code]
	if !known || code == engine.EINTERNAL {
		if ctxErr := r.Context().Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return // the client went away; nobody reads an answer
		}
		log.Error("internal error", "route", r.Pattern, "err", err)
		answerError(w, r, shape, internalError)
		return
	}
	e := apiError{Status: status, Message: clipWords(engine.ErrorMessage(err)), Code: defaultReason[code]}
	if de, ok := engine.AsError(err); ok {
		e.Field, e.AttemptsLeft = de.Field, de.AttemptsLeft
		if de.Reason != "" {
			e.Code = de.Reason
		}
		if de.RetryAfter > 0 {
			wait, note := realWait(de.RetryAfter, s.eng.Clock().State(), s.bank.End())
			w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
			e.Message += note
		}
	}
	answerError(w, r, shape, e)
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)              // JSON, never HTML: a URL's & stays & (paging.next, redirect URLs), not \u0026
	if err := enc.Encode(v); err != nil { // plain structs and maps of them: a bug
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"status":"failed","message":"internal error","code":"INTERNAL_ERROR"}` + "\n")
	}
	writeBody(w, status, buf.Bytes())
}

// fallback answers what the mux does not route — unknown paths (404) and known paths
// with another method (405, with Allow) — as JSON. It lets the mux route once and
// catches the mux's own plain-text answer: only then is r.Pattern empty.
func (s *Server) fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A path with an empty or a dot segment ("//v2/accounts", "/a/../b"): the mux
		// would redirect to its clean form with an HTML body, which an API client
		// follows as another request, or not at all; say what was meant instead. A
		// browser keeps the redirect. The path as sent (%2F stays in an ID), as the
		// mux cleans it.
		if p := r.URL.EscapedPath(); strings.HasPrefix(p, "/") && r.Method != http.MethodConnect && !wantsHTML(r) {
			if clean := cleanPath(p); clean != p {
				shape := v1ErrorBody
				if v2Shaped(clean) {
					shape = s.v2ErrorBody
				}
				msg := uncleanPathMessage(r.Method, p, clean)
				answerError(w, r, shape, apiError{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: msg})
				return
			}
		}
		if aliased := v1Aliased(r); aliased != r {
			// The request log (and a panic's) read the route from the request they
			// hold: it is the one the mux routed (every /v1 call logged "no route").
			defer func(sent *http.Request) {
				sent.Pattern = aliased.Pattern
				if id := aliased.PathValue("id"); id != "" {
					sent.SetPathValue("id", id)
				}
			}(r)
			r = aliased
		}
		mux.ServeHTTP(&unrouted{ResponseWriter: w, r: r, shape: s.shapeOf(r), mux: mux}, r)
	})
}

// uncleanPathMessage says what is wrong with p, a path with an empty or a dot
// segment, and what was meant: clean, as the mux cleans it, unless an ID belongs
// where the segment is.
func uncleanPathMessage(method, p, clean string) string {
	if i := strings.Index(p[1:], "//"); i > 0 && i+3 < len(p) && idsFollow[path.Base(p[:i+1])] {
		// After a collection, where an ID belongs: most often an empty
		// variable, and cleaning it would name another route
		// ("/accounts/sync": an account called sync). After /v2 it is
		// a base URL's trailing slash, which the cleaned path mends.
		return "the path " + strconv.Quote(p) + " has an empty segment after " + p[:i+2] + ": is the ID that belongs there empty?"
	}
	// A dot segment where an ID belongs: cleaned, "/accounts/../sync" named
	// "/sync", which answered no route (a bad-input trial), and
	// "/v2/accounts/./balance" an account called balance. A cleaned path that a
	// route of its own answers ("/v2/accounts/./initiate") is still suggested (a
	// review).
	segs := strings.Split(p, "/")
	for i := 2; i < len(segs); i++ {
		if (segs[i] != "." && segs[i] != "..") || !idsFollow[segs[i-1]] {
			continue
		}
		probe := strings.TrimSuffix(clean, "/")
		if u, err := url.PathUnescape(probe); err == nil {
			probe = u
		}
		if pattern, _ := Route(method, probe); pattern != "" && !strings.Contains(pattern, "{") {
			return "the path " + strconv.Quote(p) + " has an empty or a dot segment; did you mean " + strings.TrimSuffix(clean, "/") + "?"
		}
		return "the path " + strconv.Quote(p) + " has " + strconv.Quote(segs[i]) + " after " + strings.Join(segs[:i], "/") + "/, where an ID belongs: is the ID that belongs there right? (an ID is never . or ..)"
	}
	return "the path " + strconv.Quote(p) + " has an empty or a dot segment; did you mean " + clean + "?"
}

// v1Aliased serves Mono's v1 routes under /v1 too — /v1/accounts/{id},
// /v1/account/auth, /v1/statements/{file} — as Mono did and as apps and Mono's pages
// write them, so that a base URL of https://api.withmono.com/v1 needs only its host
// swapped (it answered a 404 that told the app to drop the prefix). The request
// goes on without the prefix, which shownPath puts back where a path is shown: a
// page's next link, an error's message.
func v1Aliased(r *http.Request) *http.Request {
	// As sent: /v1%2Faccounts/… is no prefix (its path cut would lose its slash).
	if V1Unprefixed(r.URL.Path) == r.URL.Path || !strings.HasPrefix(r.URL.EscapedPath(), "/v1/") {
		return r
	}
	rest := strings.TrimPrefix(r.URL.Path, "/v1/")
	r = r.WithContext(context.WithValue(r.Context(), pathPrefixKey{}, "/v1"))
	u := *r.URL
	u.Path = "/" + rest
	u.RawPath = strings.TrimPrefix(u.RawPath, "/v1")
	r.URL = &u
	return r
}

// V1Unprefixed is the path of the route a path names: p without the /v1 prefix a
// v1 route may be sent with, p itself otherwise. A scenario's expect_call: of
// GET /accounts/{adam} is met by an app's GET /v1/accounts/ID.
func V1Unprefixed(p string) string {
	rest, ok := strings.CutPrefix(p, "/v1/")
	if !ok || !(strings.HasPrefix(rest, "account/") || strings.HasPrefix(rest, "accounts/") || strings.HasPrefix(rest, "statements/")) {
		return p
	}
	return "/" + rest
}

type pathPrefixKey struct{}

// shownPath is the request's path as it was sent: with the /v1 prefix v1Aliased
// took off.
// Escaped, as sent: "PUT /accounts/a%2Fb" read "/accounts/a/b", a path the client
// never sent, and a next link built from it was no URL (a review).
func shownPath(r *http.Request) string {
	if pathHoldsKey(r) {
		return "(a path that holds the secret key)"
	}
	return pathPrefix(r) + r.URL.EscapedPath()
}

// pathPrefix is the prefix v1Aliased took off the request's path: "/v1" or "".
func pathPrefix(r *http.Request) string {
	prefix, _ := r.Context().Value(pathPrefixKey{}).(string)
	return prefix
}

// idsFollow names the path segments an ID follows.
var idsFollow = map[string]bool{"accounts": true, "jobs": true, "customers": true, "webhooks": true, "links": true,
	"sessions": true, "s": true, "institutions": true}

// cleanPath is the path ServeMux would redirect p to: no empty or dot segments,
// a trailing slash kept.
func cleanPath(p string) string {
	if p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if p[len(p)-1] == '/' && clean != "/" {
		clean += "/"
	}
	return clean
}

// routeHint adds to a 404 where a route that does not exist is one people look for.
func routeHint(p string) string {
	if q := strings.TrimSuffix(p, "/"); q == "/accounts" || q == "/v1/accounts" {
		// v1 has no list either: v2's 404 said where the list is, v1's did not (a
		// newcomer's trial)
		return " (v1 serves accounts one at a time, GET /accounts/{id}; GET /sandbox/accounts lists them all)"
	}
	switch strings.Trim(p, "/") {
	case "v2/accounts":
		return " (sandbank serves v2's accounts one at a time, GET /v2/accounts/{id}; GET /sandbox/accounts lists them all)"

	// The official Node SDK (mono-node) has calls for Mono's products beyond
	// account data: say that sandbank has none, and what it has instead.
	case "coverage":
		return " (Mono's list of institutions, which the official Node SDK's misc.institutions() asks for: sandbank does not serve it; GET /sandbox/institutions lists its banks)"
	case "v1/lookup/bvn/identity":
		return " (Mono's BVN lookup, the official Node SDK's misc.bvnLookup(): sandbank does not simulate it; a connected account's BVN is in GET /accounts/{id}/identity)"
	case "users/stats/wallet":
		return " (Mono's wallet balance, the official Node SDK's user.walletBalance(): sandbank keeps no wallet, as it charges nothing)"
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) > 0 && parts[0] == "v1" {
		parts = parts[1:]
	}
	if len(parts) == 3 && parts[0] == "accounts" && parts[2] == "reauthorize" {
		// The event is account_reauthorized, the route British: a slip to expect
		// (a backend engineer's trial).
		return " (did you mean POST /accounts/" + parts[1] + "/reauthorise, spelt with an s?)"
	}
	if len(parts) != 4 || parts[0] != "v2" || parts[1] != "accounts" {
		return ""
	}
	switch parts[3] {
	case "sync":
		return " (v2 has no sync route: a read sent with the header x-realtime: true, such as GET /v2/accounts/" + parts[2] +
			"/balance, fetches from the bank first; v1's is POST /accounts/" + parts[2] + "/sync)"
	case "reauthorise", "reauthorize":
		return " (v2 re-authorises through a link: POST /v2/accounts/initiate with {\"scope\":\"reauth\", \"account\":\"" + parts[2] +
			"\", \"redirect_url\":…}, whose mono_url the user opens; v1's is POST /accounts/" + parts[2] + "/reauthorise)"
	}
	return ""
}

// unrouted turns the mux's 404 and 405 into JSON errors and passes everything else.
type unrouted struct {
	http.ResponseWriter
	r       *http.Request
	shape   errorShape
	swallow bool           // the mux's text body follows: drop it
	mux     *http.ServeMux // to tell whether the path without its trailing slash is a route
}

func (u *unrouted) WriteHeader(code int) {
	if u.r.Pattern != "" || code < 400 {
		u.ResponseWriter.WriteHeader(code)
		return
	}
	u.swallow = true
	h := u.Header()
	h.Del("X-Content-Type-Options")
	if pathHoldsKey(u.r) {
		// Its hints quote the path too, escaped: %31 for a 1 of the key kept it
		// past redactKey (a review). None is worth the key.
		reason := map[int]string{http.StatusBadRequest: "INVALID_REQUEST", http.StatusMethodNotAllowed: "METHOD_NOT_ALLOWED"}[code]
		if reason == "" {
			reason = "NOT_FOUND"
		}
		answerError(u.ResponseWriter, u.r, u.shape, apiError{Status: code, Code: reason,
			Message: clipPath(u.r.Method + " " + secretInPathWords)})
		return
	}
	switch code {
	case http.StatusBadRequest: // "OPTIONS *" and the like
		answerError(u.ResponseWriter, u.r, u.shape, apiError{Status: code, Code: "INVALID_REQUEST",
			Message: clipPath("the request target " + strconv.Quote(u.r.RequestURI) + " is not a path")})
		return
	case http.StatusMethodNotAllowed:
		if routes := v2PostRoutesHint(u.r); routes != "" {
			h.Del("Allow")
			answerError(u.ResponseWriter, u.r, u.shape, apiError{Status: http.StatusNotFound, Code: "NOT_FOUND",
				Message: clipPath("no route " + u.r.Method + " " + shownPath(u.r) + routes + "; GET /openapi.yaml lists every route")})
			return
		}
		target := shownPath(u.r)
		if u.r.URL.Path == "" { // CONNECT host:port
			target = u.r.RequestURI
		}
		if postOnlyV2(u.r.URL.Path) { // the mux's Allow counts the account route's GET
			h.Set("Allow", "POST")
		}
		answerError(u.ResponseWriter, u.r, u.shape, apiError{Status: code, Code: "METHOD_NOT_ALLOWED",
			Message: clipPath(u.r.Method + " is not allowed on " + target + "; use " + strings.ReplaceAll(h.Get("Allow"), ",", " or") + u.v2Hint())})
		return
	}
	// The path as sent: GET /accounts/%2F (which the mux routes nowhere) read
	// "no route GET /accounts//", a path the client never sent (a bad-input trial).
	// Clipped, as a route's messages are: a path or method of 30,000 characters
	// came back whole (a security review).
	answerError(u.ResponseWriter, u.r, u.shape, apiError{Status: code, Code: "NOT_FOUND",
		Message: clipPath("no route " + u.r.Method + " " + shownPath(u.r) + u.slashHint() + u.v1PrefixHint() + u.v2Hint() + u.accountsHint() + u.pluralHint() + routeHint(u.r.URL.Path) + "; GET /openapi.yaml lists every route")})
}

// v2PostRoutesHint lists v2's POST routes for a POST to /v2/accounts/WORD, which
// the account route's pattern matches: it answered 405 "use GET or HEAD", WORD
// read as an account's ID, where the client had mistyped a POST route
// (POST /v2/accounts/reauth, a v2 developer's trial). "" for any other request.
// A WORD shaped as an account's ID (24 hex digits, engine.NewID) is one: the
// route is there, the method is wrong, and it keeps its 405 (the review: a 404
// for an account that exists read as "no such account").
func v2PostRoutesHint(r *http.Request) string {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v2/accounts/")
	if r.Method != http.MethodPost || !ok || rest == "" || strings.Contains(rest, "/") || objectIDShaped(rest) {
		return ""
	}
	var list []string
	for _, p := range routes().patterns { // the router's own: a new POST route is listed too
		if route, ok := strings.CutPrefix(p, "POST "); ok && isV2Path(route) {
			list = append(list, "POST "+route+v2PostRouteNotes[route])
		}
	}
	return " (v2 has no such POST route; its POST routes are " + strings.Join(list, ", ") + ")"
}

// objectIDShaped says whether s looks like an ID sandbank makes: 24 lowercase
// hex digits, as Mono's ObjectIDs.
func objectIDShaped(s string) bool {
	if len(s) != 24 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// v2PostRouteNotes say what a v2 POST route is for, where its path does not.
var v2PostRouteNotes = map[string]string{
	"/v2/accounts/initiate": ` (a link: {"scope":"auth"} connects an account, {"scope":"reauth","account":ID} re-authorises one)`,
	"/v2/accounts/auth":     " (exchanges a link's code for the account's ID)",
}

// slashHint names the route a path with a trailing slash meant, when there is one
// without it: GET /v2/accounts/ID/ answered a bare "no route".
func (u *unrouted) slashHint() string {
	sent := u.r.URL.EscapedPath() // a %2F at the end is no trailing slash
	if u.mux == nil || len(sent) < 2 || !strings.HasSuffix(sent, "/") {
		return ""
	}
	trimmed := strings.TrimSuffix(sent, "/")
	if !u.routed(trimmed) {
		return ""
	}
	return " (without the trailing slash it is one: " + u.r.Method + " " + pathPrefix(u.r) + trimmed + ")"
}

// routed reports whether the request's method has a route at the escaped path.
func (u *unrouted) routed(escaped string) bool {
	path, err := url.PathUnescape(escaped)
	if err != nil {
		return false
	}
	r := u.r.Clone(u.r.Context())
	r.URL.Path, r.URL.RawPath = path, escaped
	// A pattern without a method is a catch-all that answers 405 (notAllowed's
	// routes): no route for this method there either.
	_, pattern := u.mux.Handler(r)
	return pattern != "" && strings.Contains(pattern, " ")
}

// v1PrefixHint names the route a path under /v1 meant: Mono's v1 routes are
// served there too (v1Aliased), but the sandbox's, the widget's and v2's are not —
// GET /v1/sandbox/clock answered a bare "no route".
func (u *unrouted) v1PrefixHint() string {
	sent := u.r.URL.EscapedPath()
	if u.mux == nil || !strings.HasPrefix(sent, "/v1/") {
		return ""
	}
	trimmed := strings.TrimPrefix(sent, "/v1")
	if !u.routed(trimmed) {
		return ""
	}
	return " (only Mono's v1 routes are served under /v1 as well; this one takes no prefix: " + u.r.Method + " " + trimmed + ")"
}

// v2Hint names v2's route when the path is one of v2's written without /v2:
// POST /accounts/initiate answered 405 "use GET or HEAD" (the account route's),
// whose GET then found no account called "initiate" (a v2 developer's trial).
func (u *unrouted) v2Hint() string {
	sent := u.r.URL.EscapedPath()
	if u.mux == nil || strings.HasPrefix(sent, "/v2/") || pathPrefix(u.r) != "" || !u.routed("/v2"+sent) {
		return ""
	}
	return " (v2's route is " + u.r.Method + " /v2" + sent + ")"
}

// accountsHint names the route a path with "account" for "accounts", or the
// other way round, meant: POST /v2/account/auth (v1's word under v2) answered a
// bare "no route".
func (u *unrouted) accountsHint() string {
	sent := u.r.URL.EscapedPath()
	var other string
	for _, base := range []string{"", "/v2"} {
		if rest, ok := strings.CutPrefix(sent, base+"/account/"); ok {
			other = base + "/accounts/" + rest
		} else if rest, ok := strings.CutPrefix(sent, base+"/accounts/"); ok {
			other = base + "/account/" + rest
		}
	}
	if u.mux == nil || other == "" || !u.routed(other) {
		return ""
	}
	return " (did you mean " + u.r.Method + " " + pathPrefix(u.r) + other + "?)"
}

// pluralHint names the route a path whose last segment lost or gained an s
// meant: GET /v2/accounts/ID/transaction answered a bare "no route" (an
// integrator's trial), where /v2/account/… had its hint.
func (u *unrouted) pluralHint() string {
	sent := u.r.URL.EscapedPath()
	i := strings.LastIndexByte(sent, '/')
	if u.mux == nil || i < 0 || len(sent) < i+3 {
		return ""
	}
	base, last := sent[:i+1], sent[i+1:]
	others := []string{last + "s"}
	if stem, ok := strings.CutSuffix(last, "ies"); ok {
		others = []string{stem + "y"}
	} else if stem, ok := strings.CutSuffix(last, "s"); ok {
		others = []string{stem}
	} else if stem, ok := strings.CutSuffix(last, "y"); ok {
		others = append(others, stem+"ies")
	}
	for _, other := range others {
		if u.routedLiterally(base + other) {
			return " (did you mean " + u.r.Method + " " + pathPrefix(u.r) + base + other + "?)"
		}
	}
	return ""
}

// routedLiterally is routed, by a pattern whose last segment is a word, not an
// ID's wildcard: GET /accounts/%2F, an ID the mux routes nowhere, was told "did
// you mean GET /accounts/%2Fs?" — an account of that ID (a bad-input trial).
func (u *unrouted) routedLiterally(escaped string) bool {
	if !u.routed(escaped) {
		return false
	}
	path, _ := url.PathUnescape(escaped) // routed: it unescapes
	r := u.r.Clone(u.r.Context())
	r.URL.Path, r.URL.RawPath = path, escaped
	_, pattern := u.mux.Handler(r)
	return !strings.HasSuffix(strings.TrimSuffix(pattern, "/"), "}")
}

func (u *unrouted) Write(b []byte) (int, error) {
	if u.swallow {
		return len(b), nil
	}
	return u.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (u *unrouted) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// subtleEqual compares secrets in constant time.
func subtleEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// maxWord is the longest word an error message repeats whole.
const maxWord = 100

// maxPath is the longest path a message repeats whole: a mistyped route's path,
// 120 characters with the typo at its end, was clipped to its first 50 (a review).
const maxPath = 1000

// clipPath shortens a message that repeats a request's path or method, only
// past maxPath characters a word: a path or method of 30,000 came back whole (a
// security review).
func clipPath(msg string) string { return ClipWords(msg, maxPath) }

// clipWords shortens the words of a message longer than maxWord: a message
// repeats what the client sent (an ID, a code), and a 1 MB code came back whole
// in the 404 that said it was not found.
func clipWords(msg string) string {
	if len(msg) <= maxWord {
		return msg
	}
	msg = ClipWords(msg, maxWord)
	if r := []rune(msg); len(r) > maxMessage { // many short words of the client's (a long narration)
		msg = string(r[:maxMessage]) + "… (" + strconv.Itoa(len(r)) + " characters in all)"
	}
	return msg
}

// ClipWords shortens each word of msg longer than max characters to its first
// half and how long it was — "abcd…" (N characters), the count after a closing
// quote — as messages that repeat what was sent do (the API's errors, scenario
// check's: a 100,000-character key came back whole).
func ClipWords(msg string, max int) string {
	if len(msg) <= max {
		return msg
	}
	words := strings.Split(msg, " ")
	const marks = `"'(),;:`
	for i, w := range words {
		core := strings.Trim(w, marks)
		if r := []rune(core); len(r) > max {
			lead := w[:strings.Index(w, core)]
			trail := w[len(lead)+len(core):]
			quote := trail[:len(trail)-len(strings.TrimLeft(trail, `"'`))] // the count goes after a closing quote, before a colon
			words[i] = lead + string(r[:max/2]) + "…" + quote + " (" + strconv.Itoa(len(r)) + " characters)" + trail[len(quote):]
		}
	}
	return strings.Join(words, " ")
}

// maxMessage is the longest message said whole; sandbank's own are far shorter.
const maxMessage = 1000
