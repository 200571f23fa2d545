package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sandbank/simulator"
	"sandbank/web"
)

// A browser never sees raw JSON: the API's errors answer a page to a request
// that asks for HTML, and JSON to everything else; the pages answer pages,
// whatever the request asks; every page carries the policy.
func TestErrorsAnswerPagesToBrowsers(t *testing.T) {
	w := newWorld(t, worldOpts{})
	html := map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
	isPage := func(rep reply, status int, heading string) {
		t.Helper()
		if rep.status != status || !strings.HasPrefix(rep.header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(rep.body), `<h1 id="title">`+string(web.KeepWords(heading))+`</h1>`) || rep.header.Get("Content-Security-Policy") != pagePolicy {
			t.Fatalf("answer %d %s, want a %d page headed %q with the policy\n%s", rep.status, rep.header.Get("Content-Type"), status, heading, rep.body)
		}
	}
	for _, tc := range []struct {
		method, path string
		status       int
		heading      string
	}{
		{"GET", "/accounts/nope", http.StatusUnauthorized, "You are not allowed to see this"},
		{"GET", "/no/such/page", http.StatusNotFound, "Page not found"},
		{"DELETE", "/connect/sessions", http.StatusMethodNotAllowed, "This address does not take that request"},
	} {
		isPage(w.do(tc.method, tc.path, req{key: noKey(), headers: html}), tc.status, tc.heading)
		failed(t, w.do(tc.method, tc.path, req{key: noKey()}), tc.status, "")                                              // no Accept: JSON
		failed(t, w.do(tc.method, tc.path, req{key: noKey(), headers: map[string]string{"Accept": "*/*"}}), tc.status, "") // fetch's default
		failed(t, w.do(tc.method, tc.path, req{key: noKey(), headers: map[string]string{"Accept": "application/json, text/html;q=0.5"}}), tc.status, "")
	}
	// A browser at sandbank's address is sent to the demo app, not shown JSON; a
	// client without a browser's Accept still gets the JSON index.
	if rep := w.do("GET", "/", req{key: noKey(), headers: html}); rep.status != http.StatusSeeOther || rep.header.Get("Location") != "/demo" {
		t.Errorf("GET / from a browser = %d to %q; want 303 to /demo", rep.status, rep.header.Get("Location"))
	}
	if rep := w.do("GET", "/", req{key: noKey()}); rep.status != http.StatusOK || !strings.Contains(string(rep.body), `"openapi"`) {
		t.Errorf("GET / without a browser's Accept = %d %s; want the JSON index", rep.status, rep.body)
	}
	// The pages answer pages, whatever the request accepts.
	isPage(w.do("GET", "/connect/s/nope", req{key: noKey()}), http.StatusNotFound, "This session has ended")
	isPage(w.do("GET", "/connect?key=wrong", req{key: noKey()}), http.StatusUnauthorized, "This widget was opened without the right key")
	// The widget's error pages are headed as its other pages are, "sandbank
	// Connect", where they said "sandbank" alone (a front-end developer's trial);
	// an API route a browser opened is sandbank's, not the widget's.
	connectHead := `<span class="brand">sandbank <span class="brand-sub">Connect</span></span>`
	for _, path := range []string{"/connect?key=wrong", "/connect/s/nope"} {
		if rep := w.do("GET", path, req{key: noKey()}); !strings.Contains(string(rep.body), connectHead) {
			t.Errorf("the error page of %s is not headed as the widget's pages are:\n%s", path, rep.body)
		}
	}
	for _, path := range []string{"/accounts/nope", "/connect/sessions/nope"} { // the widget's JSON routes are an API too
		if rep := w.do("GET", path, req{key: noKey(), headers: html}); !strings.Contains(string(rep.body), `<span class="brand">sandbank</span>`) {
			t.Errorf("the error page of the API route %s is headed as the widget's:\n%s", path, rep.body)
		}
	}
	// An error page's event carries the app's reference, as every event does; an
	// account the app asks to re-authorise that is not connected has words for the
	// user ("Page not found" showed the developer's message).
	if rep := w.do("GET", "/connect?key=wrong&reference=order-9", req{key: noKey()}); !strings.Contains(string(rep.body), `data-reference="order-9"`) {
		t.Errorf("the wrong key's page does not carry the reference:\n%s", rep.body)
	}
	isPage(w.do("POST", "/connect?key="+testPublicKey+"&data="+url.QueryEscape(`{"account":"nope"}`), req{key: noKey(), ctype: "application/x-www-form-urlencoded"}),
		http.StatusNotFound, "This account cannot be re-authorised")
	// A v2 re-authorisation link's Continue, once its account is gone, keeps them.
	id := w.connect(w.customers()[2])
	_, relink := w.initiate(map[string]any{"scope": "reauth", "account": id, "redirect_url": "http://127.0.0.1:3000/back"})
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/unlink", req{})
	isPage(w.do("POST", "/connect/links/"+relink, req{key: noKey(), body: "", ctype: "application/x-www-form-urlencoded",
		headers: map[string]string{"Accept": "text/html", "Sec-Fetch-Site": "same-origin"}}), http.StatusNotFound, "This account cannot be re-authorised")
	// An API route a browser opens says what was not found, in its own words.
	for _, path := range []string{"/v2/accounts/nope", "/accounts/nope/transactions"} {
		rep := w.do("GET", path, req{headers: html})
		if isPage(rep, http.StatusNotFound, "Page not found"); strings.Contains(string(rep.body), "re-authoris") {
			t.Errorf("GET %s from a browser speaks of re-authorising:\n%s", path, rep.body)
		}
	}
	// what was wrong with the key, said: none given, or the secret one
	for _, tc := range []struct{ query, want string }{{"", "no key: "}, {"?key=" + testSecretKey, "that is the secret key, which stays on your server"}} {
		rep := w.do("GET", "/connect"+tc.query, req{key: noKey()})
		if isPage(rep, http.StatusUnauthorized, "This widget was opened without the right key"); !strings.Contains(string(rep.body), tc.want) {
			t.Errorf("GET /connect%s does not say %q", tc.query, tc.want)
		}
	}
	failed(t, w.do("POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"key": testSecretKey}}), http.StatusUnauthorized, "INVALID_PUBLIC_KEY")
	isPage(w.do("GET", "/connect?key="+testPublicKey+"&data=%7Bnot+json", req{key: noKey()}), http.StatusBadRequest, "There is a problem with this request")
	isPage(w.do("GET", "/connect?key="+testPublicKey+"&"+url.Values{"selectedInstitution": {`{"id":"999"}`}}.Encode(), req{key: noKey()}),
		http.StatusNotFound, "We could not find that bank")
	isPage(w.do("POST", "/connect/s/nope/login", req{key: noKey(), body: "password=x", ctype: "application/x-www-form-urlencoded"}),
		http.StatusNotFound, "This session has ended")
	st := w.openWidget(map[string]any{"key": testPublicKey})
	isPage(w.do("POST", "/connect/s/"+st.Session+"/fly", req{key: noKey()}), http.StatusNotFound, "Page not found")
	isPage(w.do("POST", "/connect/s/"+st.Session+"/login", req{key: noKey(), body: strings.Repeat("a=1&", MaxBodyBytes/4+1), ctype: "application/x-www-form-urlencoded"}),
		http.StatusRequestEntityTooLarge, "That was too much to send")
	// A step's address opened again (a reload, or back after its form answered
	// there) goes to the session's page: it answered 405 in a developer's words.
	if rep := w.must(http.StatusSeeOther, "GET", "/connect/s/"+st.Session+"/login", req{key: noKey(), headers: html}); rep.header.Get("Location") != "/connect/s/"+st.Session {
		t.Fatalf("GET of a step's address went to %q; want the session's page", rep.header.Get("Location"))
	}
	// A step refused shows the step again, with the error, at the error's status.
	rep := w.pageStep(st.Session, "institution", "institution=999", nil)
	isPage(rep, http.StatusNotFound, "Select your bank")
	if !strings.Contains(string(rep.body), "There is a problem") {
		t.Fatalf("the refused step has no error summary:\n%s", rep.body)
	}
}

// The SDK's URL: a session opens at the step its options ask for, and the browser
// goes to its page; a wrong option is refused before any session opens.
func TestConnectEntry(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.customers()[0]
	id := w.connect(adam)
	open := func(q url.Values) widgetReply {
		t.Helper()
		q.Set("key", testPublicKey)
		method := "GET"
		if q.Has("reauth_token") || strings.Contains(q.Get("data"), "account") {
			// A re-authorisation asks first: the GET signs in nowhere and spends nothing.
			page := w.must(http.StatusOK, "GET", "/connect?"+q.Encode(), req{key: noKey()})
			if !strings.Contains(string(page.body), "<title>Sign in to "+adam.Accounts[0].Institution.Name+" again – sandbank</title>") || !strings.Contains(string(page.body), `<form method="post" action="/connect?`) {
				t.Fatalf("a re-authorisation's GET gave:\n%s", page.body)
			}
			// In the user's words, one sentence: it read as developer
			// documentation, in brackets and all (a front-end developer's trial).
			if !strings.Contains(string(page.body), "<p class=\"hint\">Nothing happens until you continue. Your bank may then ask for your password, a code or another check.</p>") {
				t.Fatalf("a re-authorisation's Continue page does not say, in the user's words, what comes next:\n%s", page.body)
			}
			if again := w.must(http.StatusOK, "GET", "/connect?"+q.Encode(), req{key: noKey()}); again.status != http.StatusOK {
				t.Fatal("a second GET of a re-authorisation was refused: the first spent something")
			}
			method = "POST"
		}
		rep := w.must(http.StatusSeeOther, method, "/connect?"+q.Encode(), req{key: noKey(), ctype: "application/x-www-form-urlencoded"})
		loc := rep.header.Get("Location")
		if !strings.HasPrefix(loc, "/connect/s/") || !strings.HasSuffix(loc, "?after=open") {
			t.Fatalf("the SDK's URL sent the browser to %q", loc)
		}
		var st widgetReply
		w.get("/connect/sessions/"+strings.TrimSuffix(strings.TrimPrefix(loc, "/connect/s/"), "?after=open")).decode(t, &st)
		return st
	}
	if st := open(url.Values{"referrer": {"http://127.0.0.1:3000/"}, "version": {"2023-12-14"}, "scope": {"auth"},
		"data": {`{"customer":{"name":"Ada","email":"ada@example.com"}}`}}); st.Status != "institution" {
		t.Fatalf("setup() with no bank = %+v, want the list of banks", st)
	}
	if st := open(url.Values{"selectedInstitution": {`{"id":"044","auth_method":"mobile_banking"}`}}); st.Status != "login" || st.Institution.BankCode != "044" {
		t.Fatalf("selectedInstitution 044 = %+v, want Access Bank's login", st)
	}
	if st := open(url.Values{"selectedInstitution": {`{"id":"GTBank"}`}}); st.Institution == nil || st.Institution.BankCode != "058" {
		t.Fatalf("selectedInstitution by name = %+v, want GTBank", st)
	}
	for _, bare := range []string{"044", "Access Bank"} { // as people type it
		if st := open(url.Values{"selectedInstitution": {bare}}); st.Status != "login" || st.Institution.BankCode != "044" {
			t.Fatalf("selectedInstitution=%s = %+v, want Access Bank's login", bare, st)
		}
	}
	// A bank that asks no question: the user signs in again. Opening alone neither
	// syncs nor re-authorises: the public key alone made the account sync, as often
	// as it was called.
	syncs := func() string { return string(w.get("/sandbox/accounts/" + id + "/syncs").body) }
	before := syncs()
	if st := open(url.Values{"data": {`{"account":"` + id + `"}`}}); st.Status != "login" || st.Account != "" {
		t.Fatalf("reauthorise(accountId) of a no-MFA account = %+v, want its sign-in, the password asked", st)
	}
	if after := syncs(); after != before {
		t.Fatalf("opening a re-authorisation synced the account:\n%s\nthen\n%s", before, after)
	}
	var tok struct{ Token string }
	w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
	if st := open(url.Values{"reauth_token": {tok.Token}}); st.Status != "login" {
		t.Fatalf("reauth_token = %+v, want a re-authorisation of %s, its password asked", st, id)
	}
	// Another site's page cannot post the Continue (a form that submits itself):
	// refused, and the token stays unspent.
	w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
	target := "/connect?" + url.Values{"key": {testPublicKey}, "reauth_token": {tok.Token}}.Encode()
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}} {
		rep := w.do("POST", target, req{key: noKey(), headers: h, ctype: "application/x-www-form-urlencoded"})
		if rep.status != http.StatusForbidden || !strings.Contains(string(rep.body), "another site") {
			t.Fatalf("a cross-site Continue (%v) = %d:\n%s", h, rep.status, rep.body)
		}
	}
	w.must(http.StatusOK, "GET", target, req{key: noKey()})
	for _, bad := range []string{`data={"account":5}`, "reference=" + strings.Repeat("r", 201), `selectedInstitution=[1]`, `selectedInstitution={"id":`} {
		rep := w.must(http.StatusBadRequest, "GET", "/connect?key="+testPublicKey+"&"+bad, req{key: noKey()})
		if strings.Contains(string(rep.body), "Go value") || strings.Contains(string(rep.body), "json:") {
			t.Errorf("%s: the answer shows Go's internals: %s", bad, rep.body)
		}
	}
}

// The tester's drawer fills only this session's own step, for sandbank's own
// pages: another site's page is refused, as are customers of another bank and
// a fill at a step that has nothing to fill.
func TestTesterDrawerGuards(t *testing.T) {
	w := newWorld(t, worldOpts{})
	cs := w.customers()
	otp := cs[1] // GTBank, OTP
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	fill := func(body string, headers map[string]string) reply {
		t.Helper()
		return w.do("POST", "/connect/s/"+st.Session+"/tester/fill", req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded", headers: headers})
	}
	asJSON := map[string]string{"Accept": "application/json"}
	failed(t, fill("field=answer", asJSON), http.StatusConflict, "WRONG_STEP") // at the login there is no answer yet
	failed(t, fill("customer="+cs[0].ID, asJSON), http.StatusBadRequest, "")   // Adam banks with Access Bank
	failed(t, fill("customer="+otp.ID, map[string]string{"Accept": "application/json", "Sec-Fetch-Site": "cross-site"}), http.StatusForbidden, "CROSS_SITE")
	failed(t, fill("customer="+otp.ID, map[string]string{"Accept": "application/json", "Origin": "http://evil.example"}), http.StatusForbidden, "CROSS_SITE")
	creds := fill("customer="+otp.ID, map[string]string{"Accept": "application/json", "Origin": w.base, "Sec-Fetch-Site": "same-origin"})
	if v := creds.json(t); creds.status != http.StatusOK || v["username"] != otp.Username || v["password"] != otp.Password ||
		creds.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the credentials fill = %d %v (Cache-Control %q)", creds.status, v, creds.header.Get("Cache-Control"))
	}
	w.login(st.Session, otp.Username, otp.Password)
	ans := fill("field=answer", asJSON).json(t)["answer"]
	if want := w.answerFor(st.Session); ans != want {
		t.Fatalf("the drawer's answer %v, want the bank's %s", ans, want)
	}
	page := fill("field=answer", nil) // a plain form: the page, filled in
	if page.status != http.StatusOK || !strings.Contains(string(page.body), `value="`+w.answerFor(st.Session)+`"`) {
		t.Fatalf("the plain fill = %d\n%s", page.status, page.body)
	}
}

// A bank's outage says so at its login before the user types a password, and,
// met at the login, on the page, at 503, in the user's words, and the form stays
// for a later try. (The login said nothing until the password was sent, then
// "Access Bank is unavailable (outage until 20 Aug 2021 13:15:00 WAT); try again
// later": an accessibility trial.)
func TestWidgetPageOutage(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.customers()[0]
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "044"})
	w.post("/sandbox/institutions/044/outage", map[string]any{"for": "15m"})
	login := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body)
	if !strings.Contains(login, "Access Bank isn’t available right now. You can sign in after 13:15 West Africa Time.") {
		t.Fatalf("the login of a bank that is down does not say so:\n%s", login)
	}
	rep := w.pageStep(st.Session, "login", url.Values{"username": {adam.Username}, "password": {adam.Password}}.Encode(), nil)
	body := string(rep.body)
	if rep.status != http.StatusServiceUnavailable || !strings.Contains(body, "There is a problem") ||
		!strings.Contains(body, "Access Bank isn’t available right now. Try again after 13:15 West Africa Time.") ||
		!strings.Contains(body, `id="password"`) {
		t.Fatalf("a login during an outage = %d\n%s", rep.status, body)
	}
	if strings.Contains(body, "You can sign in after") {
		t.Fatalf("the refused login says the outage twice:\n%s", body)
	}
	// Its page's request is logged with its code, at info: the bank's outage is the
	// world's, not sandbank's trouble (the review: a 503 of no code was a warning).
	if logs := w.logs.String(); !strings.Contains(logs, `level=INFO msg=request route="GET /connect/s/{session}" status=503 code=UNAVAILABLE`) {
		t.Fatalf("the refusal page's request logged:\n%s", logs)
	}
	// The bank list says it is down before anyone types a password.
	list := w.do("GET", "/connect/s/"+w.openWidget(map[string]any{"key": testPublicKey}).Session, req{key: noKey()})
	if !strings.Contains(string(list.body), `⚠ </span><span class="visually-hidden">, </span>down until 13:15 WAT`) {
		t.Fatalf("the bank list does not mark Access Bank down:\n%s", list.body)
	}
	// No field is wrong: the outage is not pinned to the username (a new user read
	// it as a wrong username).
	if strings.Contains(body, `aria-invalid="true"`) || strings.Contains(body, "field-error\"") {
		t.Fatalf("a login during an outage marks a field as wrong:\n%s", body)
	}
	// Over, the login says nothing of it; one that ends another day says the day.
	w.post("/sandbox/clock", map[string]any{"advance": "15m"})
	if page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body); strings.Contains(page, "available right now") {
		t.Fatalf("after the outage the login still says the bank is down:\n%s", page)
	}
	w.post("/sandbox/institutions/044/outage", map[string]any{"for": "30s"}) // until 13:15:30: "after 13:16", not 13:15 (a review)
	if page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body); !strings.Contains(page, "You can sign in after 13:16 West Africa Time.") {
		t.Fatalf("an outage that ends within a minute:\n%s", page)
	}
	w.post("/sandbox/institutions/044/outage", map[string]any{"for": "2d"})
	if page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body); !strings.Contains(page, "You can sign in after 13:15 West Africa Time on Sunday 22 August.") {
		t.Fatalf("an outage of two days:\n%s", page)
	}
	// Another error does not hide it: an answer too late, the bank down since,
	// went back to the login saying only "sign in again" (a review).
	otp := w.addCustomer(map[string]any{"institution": "058", "mfa": "otp"})
	ch := w.login(w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"}).Session, otp.Username, otp.Password)
	w.post("/sandbox/institutions/058/outage", map[string]any{"for": "30m"})
	w.post("/sandbox/clock", map[string]any{"advance": "6m"})
	late := string(w.pageStep(ch.Session, "answer", url.Values{"answer": {"123456"}}.Encode(), nil).body)
	if !strings.Contains(late, "There is a problem") || !strings.Contains(late, "GTBank isn’t available right now.") {
		t.Fatalf("a late answer while the bank is down:\n%s", late)
	}
}

// The page's forms take the engine's steps and the page after each says, in its
// events, what was done: the bank chosen, the sign-in method switched, back to
// the list; each event carries the reference.
func TestWidgetPageSteps(t *testing.T) {
	w := newWorld(t, worldOpts{})
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey+"&reference=r-7", req{key: noKey()})
	page, _, _ := strings.Cut(entry.header.Get("Location"), "?")
	form := func(step, body, wantAfter string) string {
		t.Helper()
		rep := w.must(http.StatusSeeOther, "POST", page+"/"+step, req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded"})
		if loc := rep.header.Get("Location"); loc != page+"?after="+wantAfter {
			t.Fatalf("after %s the browser goes to %q, want %s?after=%s", step, loc, page, wantAfter)
		}
		return string(w.must(http.StatusOK, "GET", rep.header.Get("Location"), req{key: noKey()}).body)
	}
	events := func(html string) string {
		t.Helper()
		_, rest, ok := strings.Cut(html, `data-events="`)
		if !ok {
			t.Fatalf("no events on the page:\n%s", html)
		}
		ev, _, _ := strings.Cut(rest, `"`)
		return strings.ReplaceAll(ev, "&#34;", `"`)
	}
	got := form("institution", "institution=058", "institution")
	if ev := events(got); !strings.Contains(ev, `"type":"mono.connect.institution_selected"`) || !strings.Contains(ev, `"name":"GTBank"`) ||
		!strings.Contains(ev, `"reference":"r-7"`) || !strings.Contains(ev, `"authMethod":"internet_banking"`) {
		t.Fatalf("events after choosing GTBank: %s", ev)
	}
	if !strings.Contains(got, "Log in to GTBank") || !strings.Contains(got, "Use mobile banking instead") {
		t.Fatalf("the login page:\n%s", got)
	}
	got = form("institution", "institution=058&auth_method=mobile_banking&switch=1", "method")
	if ev := events(got); !strings.Contains(ev, `"type":"mono.connect.auth_method_switched"`) || !strings.Contains(ev, `"prevAuthMethod":"internet_banking"`) {
		t.Fatalf("events after switching the method: %s", ev)
	}
	if !strings.Contains(got, "Enter the details you use for mobile banking.") || !strings.Contains(got, "Use internet banking instead") {
		t.Fatalf("the login page, mobile banking:\n%s", got)
	}
	if got = form("back", "", "back"); !strings.Contains(got, "Select your bank") {
		t.Fatalf("back gave:\n%s", got)
	}
}

// The page's forms refuse another site's post, as the JSON steps do: a form on
// any page, given a session's ID, spent its attempts and locked the customer's
// sign-in at the bank (a security review). The refusal spends nothing.
func TestWidgetPageRefusesAnotherSitesForm(t *testing.T) {
	w := newWorld(t, worldOpts{})
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey+"&institution=044", req{key: noKey()})
	page, _, _ := strings.Cut(entry.header.Get("Location"), "?")
	session := page[strings.LastIndexByte(page, '/')+1:]
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}} {
		rep := w.must(http.StatusForbidden, "POST", page+"/login", req{key: noKey(), body: "username=adam.okafor&password=wrong-password",
			ctype: "application/x-www-form-urlencoded", headers: h})
		if !strings.Contains(string(rep.body), "another site") {
			t.Fatalf("a cross-site form (%v): %s", h, rep.body)
		}
	}
	st := w.must(http.StatusOK, "GET", "/connect/sessions/"+session, req{key: noKey()}).json(t)
	if st["status"] != "login" || st["attempts_left"] != float64(3) {
		t.Fatalf("after the refused forms the session is %v; want at the login, every attempt left", st)
	}
	// The page's own form (the browser says same-origin) goes on.
	w.must(http.StatusSeeOther, "POST", page+"/login", req{key: noKey(), body: "username=adam.okafor&password=wrong-password",
		ctype: "application/x-www-form-urlencoded", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}})
}

// A login posted with both fields empty lists both in the error summary, in the
// form's order, and marks both.
func TestWidgetPageLoginBothEmpty(t *testing.T) {
	w := newWorld(t, worldOpts{})
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey+"&"+url.Values{"selectedInstitution": {"058"}}.Encode(), req{key: noKey()})
	page, _, _ := strings.Cut(entry.header.Get("Location"), "?")
	rep := w.pageStep(strings.TrimPrefix(page, "/connect/s/"), "login", "username=&password=", map[string]string{"Accept": "text/html"})
	html := string(rep.body)
	u, p := strings.Index(html, "Enter your username."), strings.Index(html, "Enter your password.")
	if rep.status != http.StatusBadRequest || u < 0 || p < 0 || u > p || strings.Count(html, `aria-invalid="true"`) != 2 {
		t.Fatalf("both fields empty = %d; username at %d, password at %d, %d fields marked:\n%s", rep.status, u, p, strings.Count(html, `aria-invalid="true"`), html)
	}
	// The app's error event, and the JSON route, name both as the page does: they
	// named the password alone (a front-end developer's trial).
	if !strings.Contains(html, `errorMessage&#34;:&#34;username and password are required&#34;`) {
		t.Errorf("the error event of a login left empty does not name both fields:\n%s", html)
	}
	v := failed(t, w.do("POST", "/connect/sessions/"+strings.TrimPrefix(page, "/connect/s/")+"/login", req{key: noKey(), body: map[string]any{"username": "", "password": ""}}),
		http.StatusBadRequest, "")
	if v["message"] != "username and password are required" {
		t.Errorf("the JSON route's answer to a login left empty = %v; want both fields named", v)
	}
}

// A wrong one-time password is a code, and the page says so.
func TestWrongCodeIsACode(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"name": "Ngozi Eze", "institution": "058", "mfa": "otp", "balance": 300000})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	if st = w.login(st.Session, c.Username, c.Password); st.Challenge == nil {
		t.Fatalf("no OTP after the login: %+v", st)
	}
	rep := w.pageStep(st.Session, "answer", "answer=000000", nil)
	if !strings.Contains(string(rep.body), "That code is not right.") {
		t.Fatalf("a wrong OTP's page (%d) does not say the code is wrong:\n%s", rep.status, rep.body)
	}
	// Left empty, it asks for the code, in the field's own words (not "the answer").
	rep = w.pageStep(st.Session, "answer", "answer=", nil)
	if !strings.Contains(string(rep.body), "Enter the code.") {
		t.Fatalf("an empty OTP's page (%d) does not ask for the code:\n%s", rep.status, rep.body)
	}
}

// The words an end user meets say what they mean (an accessibility trial): the
// CAPTCHA's field is labelled by where its characters are, not "Characters";
// an expired session in the frame says what to close, not "Close it".
func TestWidgetWordsSayWhatTheyMean(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058", "mfa": "captcha"})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	if st = w.login(st.Session, c.Username, c.Password); st.Challenge == nil {
		t.Fatalf("no CAPTCHA after the login: %+v", st)
	}
	page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body)
	if !strings.Contains(page, `<label class="label" for="answer">Characters in the picture</label>`) {
		t.Errorf("the CAPTCHA's field is not labelled by the picture:\n%s", page)
	}

	expiring := w.openWidget(map[string]any{"key": testPublicKey})
	w.must(http.StatusOK, "POST", "/connect/sessions/"+expiring.Session+"/institution", req{key: noKey(), body: map[string]any{"institution": "044"}})
	w.advance("30m")
	page = string(w.do("GET", "/connect/s/"+expiring.Session, req{key: noKey()}).body)
	if !strings.Contains(page, "This session has expired") || !strings.Contains(page, `<p class="only-frame">Press Close, then start again from the app.</p>`) {
		t.Errorf("the expired session's page does not say what to close in the frame:\n%s", page)
	}
}

// After a password change the tester's drawer says the OTP comes first, then the
// customer's own challenge: it named only the CAPTCHA while the page asked for an
// OTP (a new user's trial).
func TestDrawerSaysTheOTPComesFirstAfterAPasswordChange(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"name": "Hadiza Bello", "institution": "058", "mfa": "captcha"})
	w.post("/sandbox/customers/"+c.ID+"/password", map[string]any{"password": "Chang3d!pw"})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	if st = w.login(st.Session, c.Username, "Chang3d!pw"); st.Challenge == nil || st.Challenge.Type != "otp" {
		t.Fatalf("no OTP after the login with the changed password: %+v", st)
	}
	page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body)
	if !strings.Contains(page, "a one-time password (OTP) first, as the password changed; then the characters of a CAPTCHA") {
		t.Fatalf("the drawer does not say the OTP comes first, then the CAPTCHA:\n%s", page)
	}
}

// A re-authorisation that opens with an attempt used — the failed sync's sign-in
// with the saved password, or with no sync the widget's own — says so until the
// user sends something, as the TUI's widget does; after a wrong password the
// hint is the count alone. It blamed "the failed sync's sign-in" when no sync had
// run (an accessibility trial).
func TestReauthPageSaysWhyAnAttemptIsUsed(t *testing.T) {
	t.Run("no sync", func(t *testing.T) {
		w := newWorld(t, worldOpts{})
		c := w.addCustomer(map[string]any{"institution": "044", "balance": 100000})
		id := w.connect(c)
		w.post("/sandbox/customers/"+c.ID+"/password", map[string]any{"password": "Chang3d!pw"})
		var tok struct{ Token string }
		w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
		st := w.openWidget(map[string]any{"key": testPublicKey, "reauth_token": tok.Token})
		page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body)
		if !strings.Contains(page, "2 attempts left before sign-in locks: the bank counts each sign-in with the saved password too.") || strings.Contains(page, "sync") {
			t.Fatalf("the re-authorisation's page does not say why an attempt is used, or blames a sync:\n%s", page)
		}
		// The username, shown as text, is there for password managers too (an
		// accessibility trial: Chrome found no username for the password).
		if !strings.Contains(page, `<input type="text" autocomplete="username" value="`+c.Username+`" hidden`) {
			t.Fatalf("the re-authorisation's login has no username for password managers:\n%s", page)
		}
	})
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 100000})
	id := w.connect(c)
	w.post("/sandbox/customers/"+c.ID+"/password", map[string]any{"password": "Chang3d!pw"})
	w.post("/sandbox/clock", map[string]any{"advance": "2m"})
	w.post("/accounts/"+id+"/sync", nil)
	var tok struct{ Token string }
	w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
	st := w.openWidget(map[string]any{"key": testPublicKey, "reauth_token": tok.Token})
	page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body)
	if !strings.Contains(page, "2 attempts left before sign-in locks: the bank counts each sign-in with the saved password too.") {
		t.Fatalf("the re-authorisation's page does not say why an attempt is used:\n%s", page)
	}
	w.do("POST", "/connect/s/"+st.Session+"/login", req{key: noKey(), body: "password=Wrong!pw1", ctype: "application/x-www-form-urlencoded"})
	page = string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body)
	if !strings.Contains(page, "1 attempt left before sign-in locks.") || strings.Contains(page, "saved password too") {
		t.Fatalf("after a wrong password:\n%s", page)
	}
}

// A field of the wrong type in /connect's JSON parameters is named, with the type
// it takes: {"id":5} is an object, and its page said "expected an object, found
// number" (a QA trial).
func TestConnectQueryNamesTheFieldOfTheWrongType(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, tc := range []struct{ query, want, wrong string }{
		{`selectedInstitution={"id":5}`, "id must be a string, not number", "expected an object"},
		{`data={"account":["x"]}`, "account must be a string, not array", "expected an object"},
		{`data={"customer":"c1"}`, "customer must be an object, not string", "expected an object"},
		{`data=[1]`, "expected an object, found array", "must be"}, // not an object at all: said so, as before
	} {
		rep := w.must(http.StatusBadRequest, "GET", "/connect?key="+testPublicKey+"&"+tc.query, req{key: noKey()})
		if body := string(rep.body); !strings.Contains(body, tc.want) || strings.Contains(body, tc.wrong) {
			t.Errorf("%s: the page does not say %q (or says %q):\n%s", tc.query, tc.want, tc.wrong, body)
		}
	}
}

// A framed session's page, once the session has ended and the app has had its
// answer — the frame closed it (its restart names it), or the code was exchanged
// — is replaced by a new session of the same setup when the frame shows it again
// (the browser's Back): it handed the spent code to onSuccess again (a front-end
// developer's trial). Until then it is the page it was, and a session still open
// is not closed by a restart that names it.
func TestEndedFramePageIsReplacedOnceClosed(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.customers()[0]
	framed := func() string { // a session the SDK's frame opened, linked
		t.Helper()
		entry := w.must(http.StatusSeeOther, "GET", "/connect?"+url.Values{"key": {testPublicKey}, "referrer": {"http://127.0.0.1:3000/app"},
			"selectedInstitution": {"044"}}.Encode(), req{key: noKey()})
		session := strings.TrimSuffix(strings.TrimPrefix(entry.header.Get("Location"), "/connect/s/"), "?after=open")
		return session
	}
	replaced := func(session string) bool {
		t.Helper()
		rep := w.do("GET", "/connect/s/"+session, req{key: noKey()})
		if rep.status == http.StatusSeeOther {
			if loc := rep.header.Get("Location"); !strings.HasPrefix(loc, "/connect?") || !strings.Contains(loc, "restart="+session) {
				t.Fatalf("the page of %s went to %q, want its restart", session, loc)
			}
			return true
		}
		if rep.status != http.StatusOK {
			t.Fatalf("the page of %s = %d", session, rep.status)
		}
		return false
	}

	exchanged := framed()
	st := w.login(exchanged, adam.Username, adam.Password)
	if replaced(exchanged) {
		t.Fatal("the success page was replaced before the app had its code")
	}
	w.post("/account/auth", map[string]any{"code": st.Code})
	if !replaced(exchanged) {
		t.Fatal("the success page, its code exchanged, was not replaced")
	}

	closed := framed()
	w.login(closed, adam.Username, adam.Password)
	restart := restartOf(t, string(w.get("/connect/s/"+closed).body))
	if next := w.must(http.StatusSeeOther, "GET", restart, req{key: noKey()}).header.Get("Location"); !strings.HasSuffix(next, "?after=restart") {
		t.Fatalf("the restart went to %q", next)
	}
	if !replaced(closed) {
		t.Fatal("the success page, closed, was not replaced")
	}

	open := framed()
	w.must(http.StatusSeeOther, "GET", strings.ReplaceAll(restart, "restart="+closed, "restart="+open), req{key: noKey()})
	w.login(open, adam.Username, adam.Password)
	if replaced(open) {
		t.Fatal("a restart that named a session still open closed it: its success page was replaced")
	}
}

// A wrong code or answer is cleared from its field, as a wrong password is: kept,
// what the user typed next was added to it, and the attempt it cost locked the
// bank's sign-in (a front-end developer's trial). So is a code the form refuses
// before the bank sees it (5 digits: no attempt counted): kept, the code typed
// again was added to it (an accessibility trial). A code the bank could not take
// (an outage) stays. The same, whether the page posts the plain way or by fetch
// (widget.js).
func TestWrongAnswerIsCleared(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, how := range []map[string]string{{"Accept": "text/html"}, {"Accept": "application/json"}} {
		for _, mfa := range []string{"otp", "security_question"} {
			c := w.addCustomer(map[string]any{"institution": "058", "mfa": mfa})
			st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
			if st = w.login(st.Session, c.Username, c.Password); st.Challenge == nil {
				t.Fatalf("no %s after the login: %+v", mfa, st)
			}
			step := func(answer string) string {
				t.Helper()
				rep := w.do("POST", "/connect/s/"+st.Session+"/answer", req{key: noKey(), body: url.Values{"answer": {answer}, "mfa": {mfa}}.Encode(),
					ctype: "application/x-www-form-urlencoded", headers: how})
				loc := rep.header.Get("Location")
				if how["Accept"] == "application/json" {
					var j struct{ Location string }
					rep.decode(t, &j)
					loc = j.Location
				}
				if !strings.Contains(loc, "?refused=") {
					t.Fatalf("the %s answer %q (%s) = %d to %q; want a refusal", mfa, answer, how["Accept"], rep.status, loc)
				}
				return string(w.do("GET", loc, req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}).body)
			}
			wrong := "999999"
			if mfa == "security_question" {
				wrong = "not my answer"
			}
			if page := step(wrong); !strings.Contains(page, "is not right.") || !strings.Contains(page, `name="answer"`) ||
				strings.Contains(page, `value="`+wrong+`"`) {
				t.Errorf("after a wrong %s (%s) the field keeps it, or the page says no wrong answer:\n%s", mfa, how["Accept"], page)
			}
			if mfa == "otp" {
				if page := step("12345"); strings.Contains(page, `value="12345"`) || !strings.Contains(page, `name="answer"`) {
					t.Errorf("a 5-digit code refused by its form (%s) stays in the field, to be added to:\n%s", how["Accept"], page)
				}
				// A code the bank could not take (down since the code came) is still the
				// right one: it stays, where it was emptied and the user went back to the
				// phone for it (the review).
				w.post("/sandbox/institutions/058/outage", map[string]any{"for": "15m"})
				if page := step("123456"); !strings.Contains(page, "unavailable") || !strings.Contains(page, `value="123456"`) {
					t.Errorf("a code the bank could not take in its outage (%s) is not kept:\n%s", how["Accept"], page)
				}
				w.must(http.StatusOK, "DELETE", "/sandbox/institutions/058/outage", req{})
			}
		}
	}
}

// pageStep posts a step's form as the page does, and follows the redirect to the
// session's page, as a browser does: the page the user sees next.
func (w *world) pageStep(session, step, body string, headers map[string]string) reply {
	w.t.Helper()
	rep := w.must(http.StatusSeeOther, "POST", "/connect/s/"+session+"/"+step, req{key: noKey(), body: body,
		ctype: "application/x-www-form-urlencoded", headers: headers})
	loc := rep.header.Get("Location")
	if !strings.HasPrefix(loc, "/connect/s/"+session) {
		w.t.Fatalf("the %s step went to %q, not the session's page", step, loc)
	}
	return w.do("GET", loc, req{key: noKey(), headers: headers})
}

// A refused step — a wrong password, a wrong answer — is a redirect too, to the
// session's page, which shows the refusal once, at its status: answered at the
// form's address, a reload posted the form again and spent the bank's attempts,
// "2 attempts left", "1 attempt left", then its 30-minute lock (a front-end
// developer's trial). Reloaded, the page shows the step as it stands, the
// attempts left too, and sends the bank nothing; the JSON routes are unchanged.
func TestRefusedStepRedirects(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058", "mfa": "otp"})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	html := map[string]string{"Accept": "text/html"}
	attempts := func() int {
		t.Helper()
		var v struct {
			AttemptsLeft int `json:"attempts_left"`
		}
		w.get("/connect/sessions/"+st.Session).decode(t, &v)
		return v.AttemptsLeft
	}
	for _, tc := range []struct {
		step, body, says, field string
		status                  int
	}{
		{"login", url.Values{"username": {c.Username}, "password": {"wrongwrong"}}.Encode(), "The username or password is not right.", "password", http.StatusUnauthorized},
		{"answer", "answer=000000&mfa=otp", "That code is not right.", "answer", http.StatusUnauthorized},
	} {
		if tc.step == "answer" {
			w.login(st.Session, c.Username, c.Password)
		}
		before := attempts()
		post := w.do("POST", "/connect/s/"+st.Session+"/"+tc.step, req{key: noKey(), body: tc.body, ctype: "application/x-www-form-urlencoded", headers: html})
		loc := post.header.Get("Location")
		if post.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/connect/s/"+st.Session+"?refused=") {
			t.Fatalf("a refused %s = %d to %q; want 303 to the session's page, naming the refusal", tc.step, post.status, loc)
		}
		left := attempts()
		if left != before-1 {
			t.Fatalf("the refused %s left %d attempts of %d", tc.step, left, before)
		}
		// A HEAD of it (a prefetch) does not take the one showing from the GET.
		w.do("HEAD", loc, req{key: noKey(), headers: html})
		shown := w.do("GET", loc, req{key: noKey(), headers: html})
		page := string(shown.body)
		for _, want := range []string{"There is a problem", tc.says, `aria-invalid="true"`, `id="` + tc.field + `-error"`, "mono.connect.error_occured",
			fmt.Sprintf("%d %s left", left, map[bool]string{true: "attempt", false: "attempts"}[left == 1])} {
			if shown.status != tc.status || !strings.Contains(page, want) {
				t.Fatalf("the page after a refused %s = %d, want %d saying %q:\n%s", tc.step, shown.status, tc.status, want, page)
			}
		}
		if tc.step == "login" && !strings.Contains(page, `value="`+c.Username+`"`) || strings.Contains(page, "wrongwrong") {
			t.Fatalf("the page after a refused login keeps the wrong fields:\n%s", page)
		}
		again := w.do("GET", loc, req{key: noKey(), headers: html})
		if again.status != http.StatusOK || strings.Contains(string(again.body), "There is a problem") || strings.Contains(string(again.body), "mono.connect.error_occured") ||
			!strings.Contains(string(again.body), fmt.Sprintf("%d attempt", left)) {
			t.Fatalf("the page reloaded after a refused %s = %d:\n%s", tc.step, again.status, again.body)
		}
		if n := attempts(); n != left {
			t.Fatalf("reloading the page after a refused %s spent an attempt: %d left of %d", tc.step, n, left)
		}
	}
	// The JSON route still answers the refusal itself.
	failed(t, w.do("POST", "/connect/sessions/"+st.Session+"/answer", req{key: noKey(), body: map[string]any{"answer": "111111"}}), http.StatusTooManyRequests, "")
}

// restartOf is the address an ended session's page sends its frame to, once
// closed (data-restart).
func restartOf(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `data-restart="`)
	if !ok {
		t.Fatalf("the page has no restart:\n%s", page)
	}
	restart, _, _ := strings.Cut(rest, `"`)
	return strings.ReplaceAll(restart, "&amp;", "&")
}

// A re-authorisation opened with a reauth token, once done, restarts at the
// Continue page of the same account, without an event: its restart opened the
// same token, now spent, and posted error_occured REAUTH_TOKEN_USED; the app's
// next open() said "This re-authorisation has already been used" (a front-end
// developer's trial).
func TestRestartedReauthTokenOpensItsAccount(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.customers()[0]
	id := w.connect(adam)
	for _, param := range []string{"reauth_token", "data"} { // the older SDK's, and a token where the account goes
		t.Run(param, func(t *testing.T) {
			var tok struct{ Token string }
			w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
			q := url.Values{"key": {testPublicKey}, "referrer": {"http://127.0.0.1:3000/app"}, "reference": {"r-9"}, param: {tok.Token}}
			if param == "data" {
				q.Set("data", `{"account":"`+tok.Token+`","customer":{"id":"cus-1"}}`)
			}
			loc := w.must(http.StatusSeeOther, "POST", "/connect?"+q.Encode(), req{key: noKey(), ctype: "application/x-www-form-urlencoded"}).header.Get("Location")
			session := strings.TrimSuffix(strings.TrimPrefix(loc, "/connect/s/"), "?after=open")
			if st := w.login(session, adam.Username, adam.Password); st.Status != "success" {
				t.Fatalf("the re-authorisation = %+v", st)
			}
			restart := restartOf(t, string(w.get("/connect/s/"+session).body))
			page := w.do("GET", restart, req{key: noKey()})
			body := string(page.body)
			if page.status != http.StatusOK || !strings.Contains(body, "data-continue") || !strings.Contains(body, `data-events="[]"`) {
				t.Fatalf("the restart of a token's re-authorisation = %d:\n%s", page.status, body)
			}
			u, _ := url.Parse(restart)
			if data := u.Query().Get("data"); u.Query().Has("reauth_token") || !strings.Contains(data, `"account":"`+id+`"`) || param == "data" && !strings.Contains(data, `"cus-1"`) {
				t.Fatalf("the restart %s does not re-authorise %s by its ID, keeping the rest of data", restart, id)
			}
		})
	}
}

// A form refused before anything reached the bank (an empty password, a code that
// is not 6 digits) counts no attempt, and its page posts no login_attempt or
// mfa_submitted: an app's funnel counted it (a front-end developer's trial). A
// wrong password reached the bank, and says so.
func TestRefusedFormIsNoAttempt(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058", "mfa": "otp"})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	html := map[string]string{"Accept": "text/html"}
	page := func(step, body string) string {
		t.Helper()
		post := w.do("POST", "/connect/s/"+st.Session+"/"+step, req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded", headers: html})
		return string(w.do("GET", post.header.Get("Location"), req{key: noKey(), headers: html}).body)
	}
	if p := page("login", url.Values{"username": {c.Username}, "password": {""}}.Encode()); strings.Contains(p, "login_attempt") || !strings.Contains(p, "error_occured") {
		t.Fatalf("an empty password's page:\n%s\nwant an error and no login_attempt", p)
	}
	if p := page("login", url.Values{"username": {c.Username}, "password": {"wrongwrong"}}.Encode()); !strings.Contains(p, "login_attempt") {
		t.Fatalf("a wrong password's page:\n%s\nwant a login_attempt", p)
	}
	w.login(st.Session, c.Username, c.Password)
	if p := page("answer", "answer=123&mfa=otp"); strings.Contains(p, "mfa_submitted") || !strings.Contains(p, "error_occured") {
		t.Fatalf("a 3-digit code's page:\n%s\nwant an error and no mfa_submitted", p)
	}
	if p := page("answer", "answer=000000&mfa=otp"); !strings.Contains(p, "mfa_submitted") {
		t.Fatalf("a wrong code's page:\n%s\nwant an mfa_submitted", p)
	}
}

// An account step posted with none chosen, and a login posted after the session
// expired, reached no bank: no account_selected or login_attempt is posted for
// them (a front-end developer's trial counted them in the app's funnel).
func TestRefusedFormsPostNoStepEvents(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058", "account_type": "SAVINGS_ACCOUNT"})
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/accounts", req{body: map[string]any{"institution": "058", "account_type": "CURRENT_ACCOUNT"}})
	html := map[string]string{"Accept": "text/html"}
	page := func(session, step, body string) string {
		t.Helper()
		post := w.do("POST", "/connect/s/"+session+"/"+step, req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded", headers: html})
		return string(w.do("GET", post.header.Get("Location"), req{key: noKey(), headers: html}).body)
	}
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	if got := w.login(st.Session, c.Username, c.Password); got.Status != "account" {
		t.Fatalf("signed in with two accounts: %+v", got)
	}
	if p := page(st.Session, "account", ""); strings.Contains(p, "account_selected") || !strings.Contains(p, "error_occured") {
		t.Fatalf("the page of an account step with none chosen:\n%s\nwant an error and no account_selected", p)
	}
	st = w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	page(st.Session, "login", "username=nobody&password=wrongwrong") // a step taken: its 30 minutes run
	w.advance("31m")
	if p := page(st.Session, "login", url.Values{"username": {c.Username}, "password": {c.Password}}.Encode()); strings.Contains(p, "login_attempt") || !strings.Contains(p, "SESSION_EXPIRED") {
		t.Fatalf("the page of a login after the session expired:\n%s\nwant SESSION_EXPIRED and no login_attempt", p)
	}
}

// A step's form posted again once the session has gone on — the second click of
// a double submit on a slow network, a second tab's form — shows the session as
// it stands: it said "waiting for the answer to a challenge, not a username and
// password" on the OTP page, and posted the app an ERROR, of a session going well;
// after the success, SESSION_DONE (a front-end developer's trial). A form without
// the page's "at" (a script's) is refused as before.
func TestAStepsFormPostedTwiceShowsWhereItStands(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058", "mfa": "otp"})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	html := map[string]string{"Accept": "text/html"}
	post := w.pageForm(st.Session)
	login := url.Values{"at": {"login"}, "username": {c.Username}, "password": {c.Password}}.Encode()
	post("login", login)
	for range 2 {
		again := post("login", login)
		if loc := again.header.Get("Location"); loc != "/connect/s/"+st.Session {
			t.Fatalf("the login posted again went to %q; want the session's page", loc)
		}
		p := string(w.must(http.StatusOK, "GET", "/connect/s/"+st.Session, req{key: noKey(), headers: html}).body)
		if strings.Contains(p, "There is a problem") || strings.Contains(p, "error_occured") || strings.Contains(p, "login_attempt") || !strings.Contains(p, `name="answer"`) {
			t.Fatalf("the page after the login posted again:\n%s\nwant the OTP step, no error, no event", p)
		}
	}
	var v struct {
		AttemptsLeft int `json:"attempts_left"`
		Status       string
	}
	if w.get("/connect/sessions/"+st.Session).decode(t, &v); v.Status != "challenge" || v.AttemptsLeft != 3 {
		t.Fatalf("after a login posted three times: %+v; want at the challenge, every attempt left", v)
	}
	// Without at, a script's form, the engine's refusal stands.
	if loc := post("login", url.Values{"username": {c.Username}, "password": {c.Password}}.Encode()).header.Get("Location"); !strings.Contains(loc, "refused=") {
		t.Fatalf("a login without at went to %q; want the refusal", loc)
	}
	answer := url.Values{"at": {"challenge"}, "mfa": {"otp"}, "answer": {w.answerFor(st.Session)}}.Encode()
	post("answer", answer)
	if loc := post("answer", answer).header.Get("Location"); loc != "/connect/s/"+st.Session {
		t.Fatalf("the answer posted again after the success went to %q; want the session's page", loc)
	}
	if p := string(w.must(http.StatusOK, "GET", "/connect/s/"+st.Session, req{key: noKey(), headers: html}).body); strings.Contains(p, "SESSION_DONE") || !strings.Contains(p, "Account linked") {
		t.Fatalf("the page after the answer posted again:\n%s", p)
	}
}

// pageForm posts a step's form to a session's page, as a browser does, and expects
// the page's redirect.
func (w *world) pageForm(session string) func(step, body string) reply {
	return func(step, body string) reply {
		w.t.Helper()
		return w.must(http.StatusSeeOther, "POST", "/connect/s/"+session+"/"+step, req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded", headers: map[string]string{"Accept": "text/html"}})
	}
}

// hostedLink initiates a v2 link to connect an account at Access Bank, back to
// http://127.0.0.1:3000/back with ref, and returns its ID.
func (w *world) hostedLink(ref string) string {
	w.t.Helper()
	_, id := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada", "email": "ada@example.com"},
		"meta": map[string]any{"ref": ref}, "redirect_url": "http://127.0.0.1:3000/back", "institution": map[string]any{"id": "044", "auth_method": "internet_banking"}})
	return id
}

// A hosted link's last step posted twice ends, the second time too, at the
// business's redirect_url: it showed "Account linked" with a link to click (the
// review).
func TestALinksLastStepPostedTwiceGoesBackToTheApp(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	id := w.hostedLink("r-9")
	st := w.openWidget(map[string]any{"link": id})
	login := url.Values{"at": {"login"}, "username": {c.Username}, "password": {c.Password}}.Encode()
	var done []string
	for range 2 {
		rep := w.pageForm(st.Session)("login", login)
		done = append(done, rep.header.Get("Location"))
	}
	if !strings.HasPrefix(done[0], "http://127.0.0.1:3000/back?") || done[1] != done[0] {
		t.Fatalf("the link's login, then again: %q; want the redirect_url both times", done)
	}
	// Once the app has exchanged the code, a stale form goes back without it: the
	// app would only be refused it, CODE_USED (a widget review).
	u, err := url.Parse(done[0])
	if err != nil || u.Query().Get("code") == "" {
		t.Fatalf("the link's end %q has no code", done[0])
	}
	w.post("/account/auth", map[string]any{"code": u.Query().Get("code")})
	rep := w.pageForm(st.Session)("login", login)
	if loc := rep.header.Get("Location"); !strings.HasPrefix(loc, "http://127.0.0.1:3000/back?") || strings.Contains(loc, "code=") {
		t.Fatalf("the login posted again after the code was exchanged went to %q; want the redirect_url without the spent code", loc)
	}
}

// An OTP posted twice — a double click — is not taken the second time as the
// answer to the challenge after it: it spent an attempt on the security question
// (a widget review).
func TestAnAnswerPostedTwiceIsNotTheNextChallenges(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "057", "mfa": "security_question"})
	w.post("/sandbox/customers/"+c.ID+"/password", map[string]any{"password": "n3w-Passw0rd"}) // the next sign-in asks an OTP first
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "057"})
	post := w.pageForm(st.Session)
	post("login", url.Values{"at": {"login"}, "username": {c.Username}, "password": {"n3w-Passw0rd"}}.Encode())
	answer := url.Values{"at": {"challenge"}, "mfa": {"otp"}, "answer": {w.answerFor(st.Session)}}.Encode()
	post("answer", answer)
	if loc := post("answer", answer).header.Get("Location"); loc != "/connect/s/"+st.Session {
		t.Fatalf("the OTP posted again went to %q; want the session's page", loc)
	}
	var v struct {
		AttemptsLeft int `json:"attempts_left"`
		Status       string
		Challenge    struct{ Type string }
	}
	if w.get("/connect/sessions/"+st.Session).decode(t, &v); v.Status != "challenge" || v.Challenge.Type != "security_question" || v.AttemptsLeft != 3 {
		t.Fatalf("after the OTP posted twice: %+v; want at the security question, every attempt left", v)
	}
}

// A refusal's page is shown only by the GET its redirect makes: kept by session
// alone, a later step's page showed it — a wrong password refused, the user went
// back and chose the bank again, and that page answered 401 with the old error
// and its events, without institution_selected (the review).
func TestRefusalShownOnlyWhereItsRedirectGoes(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058"})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	html := map[string]string{"Accept": "text/html"}
	post := func(step, body string) reply {
		t.Helper()
		return w.do("POST", "/connect/s/"+st.Session+"/"+step, req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded", headers: html})
	}
	post("login", url.Values{"username": {c.Username}, "password": {"wrongwrong"}}.Encode()) // its redirect not followed
	post("back", "")
	next := post("institution", "institution=058")
	page := w.do("GET", next.header.Get("Location"), req{key: noKey(), headers: html})
	if page.status != http.StatusOK || strings.Contains(string(page.body), "There is a problem") || !strings.Contains(string(page.body), "institution_selected") {
		t.Fatalf("the page after choosing the bank again = %d:\n%s\nwant no error, and institution_selected", page.status, page.body)
	}
}

// The page's script sends a step's form itself and asks for JSON: the answer is
// where the browser goes next, which the script puts in place of the page (no
// entry of the browser's history per step); a plain form gets the same place as a
// 303. A refusal's page and a hosted link's end are places too.
func TestAStepAskedForJSONSaysWhereToGo(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058"})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "058"})
	asJSON := map[string]string{"Accept": "application/json"}
	step := func(want int, body string, headers map[string]string) reply {
		t.Helper()
		return w.must(want, "POST", "/connect/s/"+st.Session+"/login", req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded", headers: headers})
	}
	var to struct{ Location string }
	step(http.StatusOK, url.Values{"at": {"login"}, "username": {c.Username}, "password": {"wrong-password"}}.Encode(), asJSON).decode(t, &to)
	if !strings.HasPrefix(to.Location, "/connect/s/"+st.Session+"?refused=") {
		t.Fatalf("a refused login asked for JSON went to %q; want its refusal's page", to.Location)
	}
	plain := step(http.StatusSeeOther, url.Values{"at": {"login"}, "username": {c.Username}, "password": {c.Password}}.Encode(), map[string]string{"Accept": "text/html,application/json"})
	if loc := plain.header.Get("Location"); loc != "/connect/s/"+st.Session+"?after=login" {
		t.Fatalf("a plain form's login went to %q", loc)
	}
	// What the script cannot use is the page it shows the plain way: an error page.
	r := w.must(http.StatusNotFound, "POST", "/connect/s/no-such-session/login", req{key: noKey(), body: "at=login&username=a&password=b", ctype: "application/x-www-form-urlencoded", headers: asJSON})
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("an unknown session's step asked for JSON answered %s; want the HTML error page the script shows by sending the form again", ct)
	}

	// A hosted link's last step: the business's redirect_url.
	c2 := w.addCustomer(map[string]any{"institution": "044"})
	_, id := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada", "email": "ada@example.com"}, "redirect_url": "https://app.example.com/linked"})
	session := w.openWidget(map[string]any{"link": id}).Session
	w.must(http.StatusOK, "POST", "/connect/s/"+session+"/institution", req{key: noKey(), body: "at=institution&institution=044", ctype: "application/x-www-form-urlencoded", headers: asJSON})
	w.must(http.StatusOK, "POST", "/connect/s/"+session+"/login", req{key: noKey(), body: url.Values{"at": {"login"}, "username": {c2.Username}, "password": {c2.Password}}.Encode(),
		ctype: "application/x-www-form-urlencoded", headers: asJSON}).decode(t, &to)
	if !strings.HasPrefix(to.Location, "https://app.example.com/linked?") || !strings.Contains(to.Location, "status=linked") {
		t.Fatalf("a hosted link's last step asked for JSON went to %q; want the business's redirect_url", to.Location)
	}
}

// A re-authorisation's token or account given empty — an app whose request for
// the token failed — opened a new connection, and the user linked the account
// again as a second one (a backend engineer's trial): it is refused, on the JSON
// route and the page's, saying what to give. Left out, a connection opens.
func TestBlankReauthTokenOrAccountIsRefused(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, body := range []map[string]any{
		{"key": testPublicKey, "reauth_token": ""},
		{"key": testPublicKey, "account": "  "},
		{"key": testPublicKey, "link": ""},
	} {
		r := w.must(http.StatusBadRequest, "POST", "/connect/sessions", req{key: noKey(), body: body})
		if msg := string(r.body); !strings.Contains(msg, "is empty") || !strings.Contains(msg, "leave the field out") {
			t.Fatalf("POST /connect/sessions %v: %s; want it refused as empty, saying what to give", body, msg)
		}
	}
	html := map[string]string{"Accept": "text/html"}
	for _, extra := range []url.Values{{"reauth_token": {""}}, {"data": {`{"account":""}`}}} {
		r := w.must(http.StatusBadRequest, "GET", w.connectURL(extra), req{key: noKey(), headers: html})
		if !strings.Contains(string(r.body), "is empty") {
			t.Fatalf("the widget's page with %v: %s; want it refused as empty", extra, r.body)
		}
	}
	if st := w.openWidget(map[string]any{"key": testPublicKey}); st.Status != "institution" {
		t.Fatalf("a session with neither: %+v; want the list of banks", st)
	}
	w.must(http.StatusSeeOther, "GET", w.connectURL(url.Values{"data": {`{"account":null}`}}), req{key: noKey(), headers: html})
}

// The OTP's hint shows the masked phone number and reads it as its last digits: a
// screen reader said "0807 star star star 0047" (an accessibility review).
func TestMaskedNumbersReadAsTheirLastDigits(t *testing.T) {
	got := string(readableMasks("Enter the 6-digit OTP sent to 0807***0047 <now>."))
	want := `Enter the 6-digit OTP sent to <span aria-hidden="true">0807***0047</span><span class="visually-hidden">the number ending 0047</span> &lt;now&gt;.`
	if got != want {
		t.Fatalf("readableMasks = %s\nwant %s", got, want)
	}
	// A stop straight after the number is read with it, not after a space: "the
	// number ending 6226 ." (an accessibility trial).
	got = string(readableMasks("Sent to 0807***6226. Valid 5 minutes."))
	want = `Sent to <span aria-hidden="true">0807***6226.</span><span class="visually-hidden">the number ending 6226.</span> Valid 5 minutes.`
	if got != want {
		t.Fatalf("readableMasks = %s\nwant %s", got, want)
	}
	if got := string(readableMasks("Letters and numbers, in any case.")); got != "Letters and numbers, in any case." {
		t.Fatalf("a hint with no masked number: %s", got)
	}
}

// A hosted link's Cancel goes through sandbank, which sends the user to the app
// as the link stands: cancelled while it is pending, and as it ended once it has
// — a step sent as the user pressed Cancel had linked the account, and the app
// was told "failed, cancelled" (a front-end developer's trial).
func TestALinksCancelSaysHowTheLinkStands(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	_, id := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada", "email": "ada@example.com"},
		"meta": map[string]any{"ref": "r-1"}, "redirect_url": "https://app.example.com/back"})
	cancel := func() url.Values {
		t.Helper()
		loc := w.must(http.StatusSeeOther, "GET", "/connect/links/"+id+"/cancel", req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}).header.Get("Location")
		u, err := url.Parse(loc)
		if err != nil || !strings.HasPrefix(loc, "https://app.example.com/back?") {
			t.Fatalf("Cancel went to %q; want the redirect_url", loc)
		}
		return u.Query()
	}
	if q := cancel(); q.Get("status") != "failed" || q.Get("reason") != "cancelled" || q.Get("reference") != "r-1" {
		t.Fatalf("Cancel of a pending link: %v; want failed, cancelled, the reference", q)
	}
	// Past its time, an unfinished link cannot be opened again: it expired.
	_, late := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada", "email": "ada@example.com"},
		"redirect_url": "https://app.example.com/back"})
	w.advance("31m")
	if loc := w.must(http.StatusSeeOther, "GET", "/connect/links/"+late+"/cancel", req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}).header.Get("Location"); !strings.Contains(loc, "reason=expired") {
		t.Fatalf("Cancel of an expired link went to %q; want reason=expired", loc)
	}
	_, id = w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada", "email": "ada@example.com"},
		"meta": map[string]any{"ref": "r-1"}, "redirect_url": "https://app.example.com/back"})
	st := w.walkLink(id, "044", c.Username, c.Password)
	if st.Status != "success" {
		t.Fatalf("the link's walk ended %s", st.Status)
	}
	// How it ended, without the code: whoever holds the link's URL is not the user.
	if q := cancel(); q.Get("status") != "linked" || q.Has("code") || q.Get("reference") != "r-1" {
		t.Fatalf("Cancel after the link succeeded: %v; want status linked, the reference, no code", q)
	}
	w.must(http.StatusNotFound, "GET", "/connect/links/no-such-link/cancel", req{key: noKey(), headers: map[string]string{"Accept": "text/html"}})
}

// A re-authorisation's page whose account was unlinked meanwhile says so, and
// its JSON says when: the page asked for the password until the session's time
// ran out (a bad-input trial).
func TestReauthPageOfAnUnlinkedAccount(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	id := w.connect(c)
	st := w.openWidget(map[string]any{"key": testPublicKey, "account": id})
	w.must(http.StatusOK, "POST", "/v2/accounts/"+id+"/unlink", req{})
	page := string(w.do("GET", "/connect/s/"+st.Session, req{key: noKey()}).body)
	if !strings.Contains(page, "This account was disconnected") || strings.Contains(page, `id="password"`) {
		t.Fatalf("the page of a re-authorisation whose account was unlinked:\n%s", page)
	}
	var got struct {
		Status     string
		UnlinkedAt string `json:"unlinked_at"`
	}
	w.must(http.StatusOK, "GET", "/connect/sessions/"+st.Session, req{key: noKey()}).decode(t, &got)
	if got.Status != "expired" || got.UnlinkedAt == "" {
		t.Fatalf("GET /connect/sessions/{id} = %+v; want expired, with unlinked_at", got)
	}
}

// The drawer at a bank none of the world's customers uses says so, and how to
// make one: it was empty, and no sign-in could work (a newcomer's trial, Wema
// Bank in the demo world).
func TestTesterDrawerAtABankWithoutCustomers(t *testing.T) {
	w := newWorld(t, worldOpts{})
	bank := ""
	for _, in := range simulator.Institutions() {
		used := false
		for _, c := range w.customers() {
			for _, a := range c.Accounts {
				used = used || a.Institution.BankCode == in.Code
			}
		}
		if !used {
			bank = in.Code
			break
		}
	}
	if bank == "" {
		t.Skip("every bank has a customer in this world")
	}
	page := req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey, page)
	sessionPath, _, _ := strings.Cut(entry.header.Get("Location"), "?")
	w.must(http.StatusSeeOther, "POST", sessionPath+"/institution", req{key: noKey(), body: "institution=" + bank, ctype: "application/x-www-form-urlencoded"})
	body := string(w.must(http.StatusOK, "GET", sessionPath, page).body)
	if !strings.Contains(body, "No customer of this world banks at") || !strings.Contains(body, `POST /sandbox/customers {&#34;institution&#34;:&#34;`+bank+`&#34;}`) {
		t.Fatalf("the drawer at bank %s says nothing of its having no customers:\n%s", bank, body)
	}
}

// The list's search finds a bank by its full name and by its initials, without a
// script as with one (data-bank): "guaranty" found no bank, GTBank's name being
// short (a front-end developer's trial), and the server's filter looked in the
// name and code alone, so "gtb" found a bank only where a script ran.
func TestWidgetPageSearchFindsTheFullName(t *testing.T) {
	w := newWorld(t, worldOpts{})
	page := req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey, page)
	sessionPath, _, _ := strings.Cut(entry.header.Get("Location"), "?")
	all := string(w.must(http.StatusOK, "GET", sessionPath, page).body)
	if !strings.Contains(all, `guaranty trust bank"`) {
		t.Errorf("GTBank's data-bank does not hold its full name:\n%s", all)
	}
	for _, q := range []string{"guaranty", "Guaranty Trust", "gtb", "fbn"} {
		body := string(w.must(http.StatusOK, "GET", sessionPath+"?"+url.Values{"q": {q}}.Encode(), page).body)
		if n := strings.Count(body, `<li data-bank=`); n != 1 || !strings.Contains(body, "1 bank matches") {
			t.Errorf("the search %q (no script) lists %d banks:\n%s", q, n, body)
		}
	}
}

// The widget's page refuses a query parameter given twice with different values,
// as every route that reads its query does: ?q=Access&q=GT searched for Access,
// unsaid (a bad-input trial). Repeated alike, it is fine.
func TestWidgetPageRefusesARepeatedQuery(t *testing.T) {
	w := newWorld(t, worldOpts{})
	page := req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey, page)
	sessionPath, _, _ := strings.Cut(entry.header.Get("Location"), "?")
	rep := w.do("GET", sessionPath+"?q=Access&q=GT", page)
	if rep.status != http.StatusBadRequest || !strings.Contains(string(rep.body), "is given 2 times with different values") {
		t.Fatalf("?q=Access&q=GT: %d %.500s", rep.status, rep.body)
	}
	w.must(http.StatusOK, "GET", sessionPath+"?q=GT&q=GT", page)
}

// A link finished in another tab: the second tab's step, and its page reloaded,
// say so as the used link's own page does — already linked, and the way back to
// the app — where the step put LINK_USED's developer words on a login form that
// stayed usable, and a reload showed a clean one (a browser trial). The JSON
// route still answers LINK_USED.
func TestALinkFinishedInAnotherTab(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	_, id := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada", "email": "ada@example.com"},
		"meta": map[string]any{"ref": "r-7"}, "redirect_url": "http://127.0.0.1:3000/back", "institution": map[string]any{"id": "044", "auth_method": "internet_banking"}})
	tabB := w.openWidget(map[string]any{"link": id})
	w.walkLink(id, "", c.Username, c.Password) // tab A
	html := map[string]string{"Accept": "text/html"}
	login := url.Values{"at": {"login"}, "username": {c.Username}, "password": {c.Password}}.Encode()
	wantUsed := func(what string, rep reply) {
		t.Helper()
		page := string(rep.body)
		for _, want := range []string{"Your account is already linked", "return to the app", `href="http://127.0.0.1:3000/back?reference=r-7&amp;status=linked"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("%s = %d, without %q:\n%s", what, rep.status, want, page)
			}
		}
		if strings.Contains(page, `id="password"`) || strings.Contains(page, "There is a problem") {
			t.Fatalf("%s still shows the login form or an error summary:\n%s", what, page)
		}
	}
	wantUsed("the second tab's login", w.pageStep(tabB.Session, "login", login, html))
	wantUsed("the second tab's page reloaded", w.do("GET", "/connect/s/"+tabB.Session, req{key: noKey(), headers: html}))
	var where struct{ Location string }
	w.must(http.StatusOK, "POST", "/connect/s/"+tabB.Session+"/login", req{key: noKey(), body: login, ctype: "application/x-www-form-urlencoded",
		headers: map[string]string{"Accept": "application/json"}}).decode(t, &where)
	if where.Location != "/connect/s/"+tabB.Session {
		t.Fatalf("the step sent by the page's script goes to %q; want the session's page", where.Location)
	}
	failed(t, w.do("POST", "/connect/sessions/"+tabB.Session+"/login", req{key: noKey(), body: map[string]any{"username": c.Username, "password": c.Password}}),
		http.StatusConflict, "LINK_USED")
}

// A re-authorisation whose account the app unlinks while the password page is
// open tells the app so, as the step's JSON does (ACCOUNT_NOT_FOUND): the page
// said "disconnected" while its event said SESSION_EXPIRED (a browser trial).
func TestUnlinkedDuringReauthIsSaidInTheEvent(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	html := map[string]string{"Accept": "text/html"}
	for _, at := range []string{"login", ""} { // the page's form, and one that names no step
		id := w.connect(c)
		st := w.openWidget(map[string]any{"key": testPublicKey, "account": id})
		w.do("GET", "/connect/s/"+st.Session, req{key: noKey(), headers: html})
		w.must(http.StatusOK, "POST", "/v2/accounts/"+id+"/unlink", req{})
		form := url.Values{"password": {c.Password}}
		if at != "" {
			form.Set("at", at)
		}
		rep := w.do("POST", "/connect/s/"+st.Session+"/login", req{key: noKey(), body: form.Encode(), ctype: "application/x-www-form-urlencoded", headers: html})
		page := string(w.do("GET", rep.header.Get("Location"), req{key: noKey(), headers: html}).body)
		if !strings.Contains(page, "This account was disconnected") || !strings.Contains(page, "ACCOUNT_NOT_FOUND") ||
			!strings.Contains(page, "unlinked") || strings.Contains(page, "SESSION_EXPIRED") {
			t.Fatalf("the page after the account was unlinked (at=%q) does not say so in its event:\n%s", at, page)
		}
	}
}

// The widget's page in a tab of its own (the TUI's ctrl+b) after its code was
// exchanged, or expired: the drawer said "The code the app receives … within 10
// minutes" still, and the page after the expiry "Account linked … The app can now
// read your balance" (a browser trial). The drawer says what became of the code,
// and the page no longer claims a link the app never made.
func TestTabOfItsOwnAfterTheCodeIsSpent(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	html := map[string]string{"Accept": "text/html"}
	success := func() widgetReply {
		t.Helper()
		st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "044"})
		st = w.answerAll(w.login(st.Session, c.Username, c.Password))
		if st.Code == "" {
			t.Fatalf("the connect ended without a code: %+v", st)
		}
		return st
	}
	page := func(st widgetReply) string {
		t.Helper()
		return string(w.must(http.StatusOK, "GET", "/connect/s/"+st.Session, req{key: noKey(), headers: html}).body)
	}
	has := func(what, page string, want, unwanted []string) {
		t.Helper()
		for _, s := range want {
			if !strings.Contains(page, s) {
				t.Fatalf("%s does not say %q:\n%s", what, s, page)
			}
		}
		for _, s := range unwanted {
			if strings.Contains(page, s) {
				t.Fatalf("%s still says %q:\n%s", what, s, page)
			}
		}
	}
	st := success()
	has("the page at success", page(st), []string{"Account linked", "The code the app receives", st.Code, "within 10 minutes"}, nil)
	var out struct{ ID string }
	w.post("/account/auth", map[string]any{"code": st.Code}).decode(t, &out)
	has("the page once its code was exchanged", page(st), []string{"Account linked", "The app can now read your balance", "exchanged it", out.ID},
		[]string{"The code the app receives", "exchanges it with"})

	st = success()
	w.advance("11m")
	failed(t, w.do("POST", "/account/auth", req{body: map[string]any{"code": st.Code}}), http.StatusGone, "CODE_EXPIRED")
	has("the page once its code expired", page(st), []string{"Your account was not linked", "expired at", "CODE_EXPIRED"},
		[]string{"Account linked", "The app can now read your balance", "The code the app receives", "exchanges it with"})
}

// A re-authorisation link whose account was unlinked before the user opened it
// goes back to the app, as a lock or an expiry does, with status=failed and
// reason=unlinked, and its JSON no longer says pending: its page had no way
// back (both buttons hidden outside a frame) and GET said pending for ever (a
// v2 developer's trial).
func TestAReauthLinkOfAnUnlinkedAccountGoesBackToTheApp(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	id := w.connect(c)
	_, link := w.initiate(map[string]any{"scope": "reauth", "account": id, "meta": map[string]any{"ref": "r-9"},
		"redirect_url": "http://127.0.0.1:7481/back"})
	w.must(http.StatusOK, "POST", "/v2/accounts/"+id+"/unlink", req{})
	html := req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}
	back := `href="http://127.0.0.1:7481/back?reason=unlinked&amp;reference=r-9&amp;status=failed"`
	page := w.do("GET", "/connect/links/"+link, html)
	if body := string(page.body); page.status != http.StatusNotFound || !strings.Contains(body, "Return to the app") || !strings.Contains(body, back) {
		t.Fatalf("the link's page = %d, without %s:\n%s", page.status, back, body)
	}
	var st struct {
		Status      string
		RedirectURL string `json:"redirect_url"`
	}
	w.must(http.StatusOK, "GET", "/connect/links/"+link, req{key: noKey()}).decode(t, &st)
	if st.Status != "unlinked" || st.RedirectURL != "http://127.0.0.1:7481/back?reason=unlinked&reference=r-9&status=failed" {
		t.Fatalf("GET /connect/links/{link} = %+v; want unlinked, with the failure in redirect_url", st)
	}
	if loc := w.must(http.StatusSeeOther, "GET", "/connect/links/"+link+"/cancel", html).header.Get("Location"); !strings.Contains(loc, "reason=unlinked") {
		t.Fatalf("Cancel went to %q; want reason=unlinked", loc)
	}
	// Past its time too, it says why it ended first, as its page does: the JSON
	// said expired, the page and Cancel unlinked (the review).
	w.advance("2h")
	w.must(http.StatusOK, "GET", "/connect/links/"+link, req{key: noKey()}).decode(t, &st)
	loc := w.must(http.StatusSeeOther, "GET", "/connect/links/"+link+"/cancel", html).header.Get("Location")
	if st.Status != "unlinked" || !strings.Contains(loc, "reason=unlinked") {
		t.Fatalf("past its time, GET /connect/links/{link} = %+v and Cancel went to %q; want unlinked in both", st, loc)
	}

	// Unlinked while its page was open: the page's way back says why, not "expired".
	id = w.connect(c)
	_, link = w.initiate(map[string]any{"scope": "reauth", "account": id, "redirect_url": "http://127.0.0.1:7481/back"})
	open := w.openWidget(map[string]any{"link": link})
	w.must(http.StatusOK, "POST", "/v2/accounts/"+id+"/unlink", req{})
	if body := string(w.do("GET", "/connect/s/"+open.Session, html).body); !strings.Contains(body, "reason=unlinked") {
		t.Fatalf("the open page of a link whose account was unlinked does not go back with reason=unlinked:\n%s", body)
	}
	var ws struct{ Link struct{ Status string } }
	w.must(http.StatusOK, "GET", "/connect/sessions/"+open.Session, req{key: noKey()}).decode(t, &ws)
	if ws.Link.Status != "unlinked" {
		t.Fatalf("the session's link is %q; want unlinked", ws.Link.Status)
	}
}

// The widget's page hides the secret key wherever a step's error repeats it — in
// the summary, beside the field and in the event it posts to the app — as the
// JSON route does: typed as a bank's name, it came back whole (a security review).
func TestWidgetPageHidesTheSecretKeyInAnError(t *testing.T) {
	w := newWorld(t, worldOpts{})
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey, req{key: noKey()})
	page, _, _ := strings.Cut(entry.header.Get("Location"), "?")
	rep := w.pageStep(strings.TrimPrefix(page, "/connect/s/"), "institution", "institution="+url.QueryEscape(testSecretKey), map[string]string{"Accept": "text/html"})
	html := string(rep.body)
	if rep.status != http.StatusNotFound || strings.Contains(html, testSecretKey) || strings.Contains(html, testSecretKey[:12]) ||
		!strings.Contains(html, "(a secret key)") {
		t.Fatalf("the key typed as a bank = %d:\n%s", rep.status, html)
	}
}

// A hosted link's session gone with a restart (sessions live in memory) offers
// the way back to the app, as any other end of a link does: it showed "This
// session has ended" with no button, the window being the link's (a v2
// developer's trial). The browser keeps which link the session was on, in a
// cookie scoped to the session's pages; without it, no way back is made up.
func TestALinksSessionGoneOffersTheWayBack(t *testing.T) {
	w := newWorld(t, worldOpts{})
	_, id := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada", "email": "ada@example.com"},
		"redirect_url": "https://app.example.com/back"})
	open := w.must(http.StatusSeeOther, "GET", "/connect/links/"+id, req{key: noKey(), headers: map[string]string{"Accept": "text/html"}})
	page, _, _ := strings.Cut(open.header.Get("Location"), "?")
	cookie := open.header.Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "sandbank_link="+id+"; Path="+page+"; HttpOnly; SameSite=Lax") {
		t.Fatalf("opening the link set the cookie %q; want its ID, scoped to %s", cookie, page)
	}
	// The session forgotten, as a restart forgets it: a session of another ID,
	// under the same cookie.
	gone := "/connect/s/" + strings.Repeat("0", 32)
	html := string(w.must(http.StatusNotFound, "GET", gone, req{key: noKey(), headers: map[string]string{"Accept": "text/html", "Cookie": "sandbank_link=" + id}}).body)
	if !strings.Contains(html, "This session has ended") || !strings.Contains(html, `<a class="button" href="/connect/links/`+id+`/cancel">Return to the app</a>`) {
		t.Fatalf("a link's session gone:\n%s", html)
	}
	if loc := w.must(http.StatusSeeOther, "GET", "/connect/links/"+id+"/cancel", req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}).header.Get("Location"); !strings.HasPrefix(loc, "https://app.example.com/back?") || !strings.Contains(loc, "reason=cancelled") {
		t.Fatalf("the way back went to %q", loc)
	}
	html = string(w.must(http.StatusNotFound, "GET", gone, req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}).body)
	if strings.Contains(html, "Return to the app</a>") {
		t.Fatalf("a session gone without a link's cookie offers a way back:\n%s", html)
	}
	// A cookie naming no link makes up nothing.
	html = string(w.must(http.StatusNotFound, "GET", gone, req{key: noKey(), headers: map[string]string{"Accept": "text/html", "Cookie": "sandbank_link=nope"}}).body)
	if strings.Contains(html, "Return to the app</a>") {
		t.Fatalf("a cookie naming no link offers a way back:\n%s", html)
	}
}

// A session on a link that another session has finished says so in its JSON, as
// its page does, without the other session's code: it said the link was pending
// (a widget review).
func TestASessionsLinkFinishedElsewhereSaysSo(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	id := w.hostedLink("r-10")
	first, second := w.openWidget(map[string]any{"link": id}), w.openWidget(map[string]any{"link": id})
	w.post("/connect/sessions/"+first.Session+"/login", map[string]any{"username": c.Username, "password": c.Password})
	var v struct {
		Status string
		Link   struct {
			Status      string
			RedirectURL string `json:"redirect_url"`
		}
	}
	w.get("/connect/sessions/"+second.Session).decode(t, &v)
	if v.Link.Status != "linked" || strings.Contains(v.Link.RedirectURL, "code=") {
		t.Fatalf("the other session's state: %+v; want its link linked, without the code", v)
	}
}
