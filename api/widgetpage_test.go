package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// connectURL is the widget's address as @mono.co/connect.js 2.x builds it, with
// extra options.
func (w *world) connectURL(extra url.Values) string {
	q := url.Values{"key": {testPublicKey}, "referrer": {"http://127.0.0.1:3000/app"}, "version": {"2023-12-14"}}
	for k, v := range extra {
		q[k] = v
	}
	return "/connect?" + q.Encode()
}

// chooseBank searches the list for a bank and picks it.
func (b *tab) chooseBank(name string) {
	b.t.Helper()
	b.wantHeading("Select your bank")
	b.typeIn("bank-search", name)
	b.waitFor("the search to narrow the list", `document.querySelectorAll("[data-bank]:not([hidden])").length === 1`)
	b.submit(`[data-bank]:not([hidden]) button`)
}

// login types credentials and logs in.
func (b *tab) login(username, password string) {
	b.t.Helper()
	if username != "" {
		b.typeIn("username", username)
	}
	b.typeIn("password", password)
	b.submit(`form[action$="/login"] button[type=submit]`)
}

// answer types the answer to the challenge and continues.
func (b *tab) answer(ans string) {
	b.t.Helper()
	b.do(chromedp.Clear(chromedp.ID("answer")))
	b.typeIn("answer", ans)
	b.submit(`form[action$="/answer"] button[type=submit]`)
}

// openDrawer opens the tester's drawer.
func (b *tab) openDrawer() {
	b.t.Helper()
	if !js[bool](b, `document.querySelector("[data-tester]").open`) {
		b.do(chromedp.Click(chromedp.CSS(".tester-summary"), chromedp.NodeVisible))
	}
	b.waitFor("the drawer to open", `document.querySelector("[data-tester]").open`)
}

// drawerCode is the newest code on the customer's phone, as the drawer shows it.
func (b *tab) drawerCode() string {
	b.t.Helper()
	b.openDrawer()
	return strings.TrimSpace(b.text("[data-inbox-code]"))
}

// codeFromDrawer is the connect code the drawer shows at success.
func (b *tab) codeFromDrawer() string {
	b.t.Helper()
	b.openDrawer()
	m := regexp.MustCompile(`code_[0-9a-f]+`).FindString(b.text(".tester-body"))
	if m == "" {
		b.t.Fatalf("no code in the drawer\n%s", b.dump())
	}
	return m
}

// Connect for each MFA kind in the page, as a user with the tester's drawer: the
// bank from the search, the credentials, the challenge answered from the phone
// (OTP, token), from "fill the test answer" (security question) or typed from
// the image (CAPTCHA); the code the page ends with is exchanged by the API.
func TestBrowserConnectEachMFAKind(t *testing.T) {
	w := newWorld(t, worldOpts{})
	byMFA := map[string]customerJSON{}
	for _, c := range w.customers() {
		if _, ok := byMFA[c.MFA]; !ok {
			byMFA[c.MFA] = c
		}
	}
	for _, kind := range []string{"none", "otp", "security_question", "token", "captcha"} {
		t.Run(kind, func(t *testing.T) {
			c := byMFA[kind]
			b := w.newTab(t, 1280)
			b.open(w.connectURL(nil))
			b.chooseBank(c.Accounts[0].Institution.Name)
			b.wantHeading("Log in to " + c.Accounts[0].Institution.Name)
			b.login(c.Username, c.Password)
			switch kind {
			case "otp":
				b.wantHeading("Enter the one-time password")
				b.contains("Enter the 6-digit OTP sent to ")
				b.answer(b.drawerCode())
			case "token":
				b.wantHeading("Enter the code on your token")
				b.answer(b.drawerCode())
			case "security_question":
				b.wantHeading("Answer your security question")
				b.openDrawer()
				b.do(chromedp.Click(chromedp.CSS("[data-fill-answer]"), chromedp.NodeVisible))
				b.waitFor("the answer to be filled", `document.getElementById("answer").value !== ""`)
				if got := js[string](b, `document.getElementById("answer").value`); !strings.EqualFold(got, c.SecurityAnswer) {
					t.Fatalf("the drawer filled %q, want %q", got, c.SecurityAnswer)
				}
				b.submit(`form[action$="/answer"] button[type=submit]`)
			case "captcha":
				b.wantHeading("Type the characters you see")
				label := js[string](b, `document.querySelector("svg.captcha").getAttribute("aria-label")`)
				// The field says the image, so that a screen reader tabbing to it
				// hears the characters (an accessibility trial).
				if d := js[string](b, `document.getElementById("answer").getAttribute("aria-describedby")`); !slices.Contains(strings.Fields(d), js[string](b, `document.querySelector("svg.captcha").id`)) {
					t.Fatalf("the CAPTCHA's field is described by %q, not the image", d)
				}
				b.answer(strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(label, "The characters "), " ", "")))
			}
			b.wantHeading("Account linked")
			b.contains(c.Accounts[0].Institution.Name, "••••"+c.Accounts[0].AccountNumber[6:])
			code := b.codeFromDrawer()
			var out struct{ ID string }
			w.post("/account/auth", map[string]any{"code": code}).decode(t, &out)
			if out.ID == "" {
				t.Fatal("no account from the page's code")
			}
		})
	}
}

// axeSource is axe-core, vendored: the accessibility check runs inside the page,
// with nothing downloaded.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "web", "axe.min.js"))
	return string(b), err
})

// accessible runs axe-core's WCAG 2.2 A/AA and best-practice rules in the page
// and fails on any serious or critical violation.
func (b *tab) accessible(what string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	if !js[bool](b, `typeof window.axe === "object"`) {
		b.do(chromedp.Evaluate[chromedp.Void](src))
	}
	found, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", what, err)
	}
	for _, v := range found {
		b.t.Errorf("accessibility of %s: %s", what, v)
	}
}

// accessibleName is the name and the description Chromium gives the element
// sel finds (CSS), as a screen reader reads them.
func (b *tab) accessibleName(sel string) (name, description string) {
	b.t.Helper()
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS(sel)))
	if err != nil || len(nodes) == 0 {
		b.t.Fatalf("no %s: %v\n%s", sel, err, b.dump())
	}
	b.do(chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
		no := false
		res, err := cdp.Call(ctx, tt, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{BackendNodeID: nodes[0].BackendNodeID, FetchRelatives: &no})
		if err != nil {
			return err
		}
		for _, n := range res.Nodes {
			if n.BackendDOMNodeID != nodes[0].BackendNodeID {
				continue
			}
			if n.Name != nil {
				if err := json.Unmarshal(n.Name.Value, &name); err != nil {
					return err
				}
			}
			if n.Description != nil {
				return json.Unmarshal(n.Description.Value, &description)
			}
		}
		return nil
	}))
	return name, description
}

// Every step of the widget, at a phone's 360 px and a laptop's 1280 px: the
// screenshot matches its golden, and axe-core finds nothing serious.
func TestBrowserWidgetSteps(t *testing.T) {
	for _, width := range []int64{360, 1280} {
		t.Run(strconv.FormatInt(width, 10), func(t *testing.T) {
			w := newWorld(t, worldOpts{})
			w.enableDataSync()
			cs := w.customers()
			byMFA := map[string]customerJSON{}
			for _, c := range cs {
				if _, ok := byMFA[c.MFA]; !ok {
					byMFA[c.MFA] = c
				}
			}
			b := w.newTab(t, width)
			shot := func(name, heading string) {
				t.Helper()
				b.wantHeading(heading)
				b.accessible(name)
				b.golden("widget-" + name + "-" + strconv.FormatInt(width, 10))
			}
			page := func(st widgetReply, name, heading string) {
				t.Helper()
				b.open("/connect/s/" + st.Session)
				shot(name, heading)
			}
			open := func(body map[string]any) widgetReply {
				t.Helper()
				body["key"] = testPublicKey
				return w.openWidget(body)
			}
			loginAs := func(c customerJSON) widgetReply {
				t.Helper()
				st := open(map[string]any{"institution": c.Accounts[0].Institution.BankCode})
				return w.login(st.Session, c.Username, c.Password)
			}

			page(open(map[string]any{}), "banks", "Select your bank")
			adam := byMFA["none"]
			login := open(map[string]any{"institution": "044"})
			page(login, "login", "Log in to Access Bank")
			b.login(adam.Username, "not-his-password")
			shot("login-error", "Log in to Access Bank")
			page(loginAs(byMFA["otp"]), "otp", "Enter the one-time password")
			b.openDrawer()
			b.do(chromedp.ScrollIntoView(chromedp.CSS(".tester")))
			shot("otp-drawer", "Enter the one-time password")
			page(loginAs(byMFA["security_question"]), "question", "Answer your security question")
			page(loginAs(byMFA["token"]), "token", "Enter the code on your token")
			page(loginAs(byMFA["captcha"]), "captcha", "Type the characters you see")

			two := w.addCustomer(map[string]any{"name": "Ngozi Eze", "institution": "058", "account_type": "SAVINGS_ACCOUNT", "balance": 120000})
			w.must(http.StatusCreated, "POST", "/sandbox/customers/"+two.ID+"/accounts", req{body: map[string]any{"institution": "058", "account_type": "CURRENT_ACCOUNT"}})
			page(loginAs(two), "accounts", "Which account do you want to link?")
			page(loginAs(adam), "success", "Account linked")

			q := byMFA["security_question"]
			locked := loginAs(q)
			for range 3 {
				w.do("POST", "/connect/sessions/"+locked.Session+"/answer", req{key: noKey(), body: map[string]any{"answer": "wrong"}})
			}
			page(locked, "locked", "Too many attempts")

			id := w.connect(w.addCustomer(map[string]any{"name": "Kola Ade", "institution": "057", "balance": 500000}))
			kola := w.customers()[len(w.customers())-1]
			w.post("/sandbox/customers/"+kola.ID+"/password", map[string]any{"password": "N3w-pa55word"})
			w.advance("2m")
			w.post("/accounts/"+id+"/sync", nil)
			var tok struct{ Token string }
			w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
			b.open(w.connectURL(url.Values{"reauth_token": {tok.Token}}))
			b.wantHeading("Sign in to Zenith Bank again") // the token is spent only once the user continues
			b.submit("[data-continue]")
			shot("reauth", "Re-authorise your account")
			b.open(w.connectURL(url.Values{"reauth_token": {tok.Token}}))
			shot("link-used", "This re-authorisation has already been used")

			// Expired 30 minutes after its first step (a session nobody has
			// used yet has its time again: engine's idle): a bank chosen, and
			// the list of banks again.
			expiring := open(map[string]any{})
			w.must(http.StatusOK, "POST", "/connect/sessions/"+expiring.Session+"/institution", req{key: noKey(), body: map[string]any{"institution": "044"}})
			w.must(http.StatusOK, "POST", "/connect/sessions/"+expiring.Session+"/back", req{key: noKey()})
			w.advance("30m")
			page(expiring, "expired", "This session has expired")
		})
	}
}

// A customer with a savings and a current account at GTBank: after the OTP the
// page asks which to link, and the code connects the one chosen.
func TestBrowserChoosesOneOfSeveralAccounts(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"name": "Ngozi Eze", "institution": "058", "account_type": "SAVINGS_ACCOUNT", "balance": 120000, "mfa": "otp"})
	var two customerJSON
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/accounts",
		req{body: map[string]any{"institution": "058", "account_type": "CURRENT_ACCOUNT", "balance": 2400000}}).decode(t, &two)
	current := two.Accounts[1]

	b := w.newTab(t, 360)
	b.open(w.connectURL(nil))
	b.chooseBank("GTBank")
	b.login(c.Username, c.Password)
	b.answer(b.drawerCode())
	b.wantHeading("Which account do you want to link?")
	b.contains("Savings account ••••"+two.Accounts[0].AccountNumber[6:], "Current account ••••"+current.AccountNumber[6:])
	// Read as words, not bullets (an accessibility trial).
	if name, _ := b.accessibleName("#account-1"); !strings.HasPrefix(name, "Current account ending "+current.AccountNumber[6:]) {
		t.Errorf("the current account's radio is named %q; want it to begin %q", name, "Current account ending "+current.AccountNumber[6:])
	}
	b.submit(`form[action$="/account"] button[type=submit]`) // none chosen
	b.contains("There is a problem", "Choose the account to link.")
	b.do(chromedp.Click(chromedp.CSS(`label[for="account-1"]`), chromedp.NodeVisible))
	b.submit(`form[action$="/account"] button[type=submit]`)
	b.wantHeading("Account linked")
	b.contains("Current account ••••" + current.AccountNumber[6:])
	if said, want := js[string](b, `(() => { const p = document.querySelector(".panel p").cloneNode(true);
		p.querySelectorAll("[aria-hidden=true]").forEach(e => e.remove()); return p.textContent })()`), "Current account ending "+current.AccountNumber[6:]; !strings.Contains(said, want) {
		t.Errorf("the linked account is read %q; want %q in it", said, want)
	}
	var out struct{ ID string }
	w.post("/account/auth", map[string]any{"code": b.codeFromDrawer()}).decode(t, &out)
	var view struct {
		Account struct{ AccountNumber, Type string }
	}
	if w.get("/accounts/"+out.ID).decode(t, &view); view.Account.AccountNumber != current.AccountNumber || view.Account.Type != "CURRENT_ACCOUNT" {
		t.Fatalf("linked %+v, want the current account %s", view.Account, current.AccountNumber)
	}
}

// A tester who makes customers at a bank that has some already finds the newest in
// the drawer at its login, and a word on the ones it leaves out: it listed the
// bank's first five, so the sixth customer made there — the one being tested —
// was nowhere on the page.
func TestBrowserDrawerListsTheNewestCustomers(t *testing.T) {
	w := newWorld(t, worldOpts{})
	var made []customerJSON
	for _, name := range []string{"Ada Obi", "Bisi Ola", "Chidi Nwosu", "Dayo Bello", "Emeka Uche", "Funke Ade"} {
		made = append(made, w.addCustomer(map[string]any{"name": name, "institution": "035"}))
	}
	b := w.newTab(t, 1280)
	b.open(w.connectURL(nil))
	b.chooseBank("Wema Bank")
	b.wantHeading("Log in to Wema Bank")
	b.openDrawer()
	newest := made[len(made)-1]
	b.contains(newest.Name, newest.Username, "1 older test customer at Wema Bank is not listed: GET /sandbox/customers lists every customer.")
	if body := b.text(".tester-body"); strings.Contains(body, made[0].Username) {
		t.Fatalf("the drawer lists the oldest customer made, %s, rather than the newest five:\n%s", made[0].Username, body)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-fill-username="`+newest.Username+`"]`), chromedp.NodeVisible))
	b.waitFor("the newest customer's details to fill the form", `document.getElementById("username").value === `+jsString(newest.Username))
}

// The seed's story in a browser: the customer changes the password at the bank,
// the next sync needs re-authorisation, the reauth token opens the page, which
// asks only for the password (the username is known) and then the OTP the bank
// sends after a password change — read from the tester's drawer.
func TestBrowserReauthAfterPasswordChange(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(c)
	w.advance("30m")
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions", req{body: map[string]any{"type": "debit", "amount": 500000}})
	w.post("/sandbox/customers/"+c.ID+"/password", map[string]any{"password": "n3w-Passw0rd"})
	var res syncJSON
	if w.post("/accounts/"+id+"/sync", nil).decode(t, &res); res.Code != "REAUTHORISATION_REQUIRED" {
		t.Fatalf("sync after the password change = %+v", res)
	}
	var tok struct{ Token string }
	w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)

	b := w.newTab(t, 360)
	b.open(w.connectURL(url.Values{"reauth_token": {tok.Token}}))
	b.submit("[data-continue]")
	b.wantHeading("Re-authorise your account")
	b.contains("Your bank did not accept the saved password", c.Username)
	if js[int](b, `document.querySelectorAll("#username").length`) != 0 {
		t.Fatal("re-authorising asks for the username again")
	}
	b.login("", "not-it") // the username is shown, not asked: only the password can be wrong
	b.contains("The password is not right.")
	b.openDrawer()
	b.contains("n3w-Passw0rd") // the drawer shows the password at the bank now
	b.login("", "n3w-Passw0rd")
	b.wantHeading("Enter the one-time password")
	b.answer(b.drawerCode())
	b.wantHeading("Account re-authorised")

	var view struct{ Account struct{ Balance int64 } }
	if w.get("/accounts/"+id).decode(t, &view); view.Account.Balance != 500000 {
		t.Fatalf("balance after re-authorising = %d, want the fresh 500000", view.Account.Balance)
	}
	evs := w.hooks.await(t, id, 5)
	if evs[3].Event != "mono.events.account_reauthorized" || evs[4].Event != "mono.events.account_updated" {
		t.Fatalf("webhooks: %s, %s; want account_reauthorized, account_updated", evs[3].Event, evs[4].Event)
	}
}

// What has expired says so: a reauth token past its 10 minutes, and a session left
// open past its time, mid-way.
func TestBrowserExpired(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044", "mfa": "otp"})
	id := w.connect(c)
	var tok struct{ Token string }
	w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
	w.advance("10m")
	b := w.newTab(t, 1280)
	rep := b.openResponse(w.connectURL(url.Values{"reauth_token": {tok.Token}}))
	if rep != http.StatusGone {
		t.Errorf("an expired token's page answered %d, want 410", rep)
	}
	b.wantHeading("This re-authorisation has expired")
	b.contains("A re-authorisation lasts 10 minutes from when the app asked for it.")

	toOTP := func() {
		b.open(w.connectURL(nil))
		b.chooseBank("Access Bank")
		b.login(c.Username, c.Password)
		b.wantHeading("Enter the one-time password")
	}
	// The bank's question timing out sends the user back to sign in, said in the
	// summary: no field is wrong.
	toOTP()
	w.advance("6m")
	b.answer("123456")
	b.contains("There is a problem", "The bank stopped waiting for the answer after 5 minutes; sign in again.")
	if got := js[string](b, `String(document.querySelectorAll('[aria-invalid="true"]').length)`); got != "0" {
		t.Errorf("%s fields are marked invalid after the bank's question timed out", got)
	}
	if got := js[string](b, `document.getElementById("username").value`); got != c.Username {
		t.Errorf("back at the login after the timeout, the username reads %q; want %q, kept as after an outage", got, c.Username)
	}

	toOTP()
	w.advance("30m")
	b.answer("123456")
	b.wantHeading("This session has expired")
	b.contains("Nothing was linked.")
}

// Three wrong answers lock the sign-in: the first two say what is wrong and how
// many attempts are left, the third shows the lock and when it ends.
func TestBrowserLockAfterThreeWrongAnswers(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "057", "mfa": "security_question"})
	b := w.newTab(t, 360)
	b.open(w.connectURL(nil))
	b.chooseBank("Zenith Bank")
	b.login(c.Username, c.Password)
	b.wantHeading("Answer your security question")
	b.answer("not my answer")
	b.contains("There is a problem", "That answer is not right.", "2 attempts left before sign-in locks.")
	if got := js[string](b, `document.activeElement.getAttribute("data-error-summary") !== null ? "summary" : document.activeElement.id`); got != "summary" {
		t.Errorf("focus is on %q after an error, want the error summary", got)
	}
	if got := js[string](b, `document.getElementById("answer").getAttribute("aria-describedby")`); !strings.Contains(got, "answer-error") {
		t.Errorf("the answer is described by %q, which leaves its error out", got)
	}
	b.answer("still not it")
	b.contains("1 attempt left before sign-in locks.")
	b.answer("wrong again")
	b.wantHeading("Too many attempts")
	b.contains("Zenith Bank has locked sign-in", "You can try again after 13:30 on 20 Aug 2021")
	// The app hears of the lock once: the error says why and for how long.
	errs := js[[]string](b, `JSON.parse(document.body.getAttribute("data-events")).filter(e => e.type === "mono.connect.error_occured").map(e => e.data.errorType + ": " + e.data.errorMessage)`)
	if len(errs) != 1 || !strings.Contains(errs[0], "try again") {
		t.Errorf("the lock posts errors %q, want one that says when to try again", errs)
	}
}

// An OTP or a token code that cannot be one — letters, another length — is
// refused in words beside the field, which is emptied, and counts no attempt:
// five, and the right code still links the account (the third letters locked
// it). Kept, the code was added to: the summary's link put the caret before
// 12345, and 000000 typed there made 00000012345 (an accessibility trial).
func TestBrowserRefusesACodeThatIsNotOne(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, kind := range []string{"otp", "token"} {
		t.Run(kind, func(t *testing.T) {
			c := w.addCustomer(map[string]any{"institution": "058", "mfa": kind})
			b := w.newTab(t, 360)
			b.open(w.connectURL(nil))
			b.chooseBank("GTBank")
			b.login(c.Username, c.Password)
			for _, a := range []string{"wrong", "wrong", "wrong", "abcdef", "12345"} {
				b.answer(a)
				msg := "Enter the 6-digit code, with the digits 0 to 9 only: you entered other characters; this did not use up an attempt."
				if a == "12345" {
					msg = "Enter the 6-digit code: you entered 5 digits; this did not use up an attempt."
				}
				b.contains("There is a problem", msg)
				if n := js[float64](b, `document.querySelectorAll("#answer-error").length`); n != 1 {
					t.Fatalf("after %q: %v messages beside the field, want 1\n%s", a, n, b.dump())
				}
				if got := js[string](b, `document.getElementById("answer").value`); got != "" {
					t.Errorf("after %q the field holds %q; want it empty, for the code typed again", a, got)
				}
				if a == "12345" {
					b.do(chromedp.Click(chromedp.CSS(".error-summary-list a"), chromedp.NodeVisible))
					b.waitFor("the summary's link to put the focus on the field", `document.activeElement && document.activeElement.id === "answer"`)
					b.do(chromedp.KeyEvent("000000"))
					if got := js[string](b, `document.getElementById("answer").value`); got != "000000" {
						t.Errorf("000000 typed after the summary's link makes %q", got)
					}
					b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("answer").value = ""`))
				}
				if body := js[string](b, `document.body.innerText`); strings.Contains(body, "attempts left") || strings.Contains(body, "attempt left") {
					t.Fatalf("after %q the page counts an attempt:\n%s", a, body)
				}
			}
			b.answer(b.drawerCode())
			b.wantHeading("Account linked")
		})
	}
}

// openResponse navigates and reports the page's HTTP status.
func (b *tab) openResponse(path string) int64 {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.w.base+path))
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return res.Status
}

// focusVisible fails unless the focused element is the one sel finds (CSS) and
// shows its focus: an outline or a ring of at least 2 px.
func (b *tab) focusVisible(sel string) {
	b.t.Helper()
	ok := js[bool](b, `(() => {
		const el = document.activeElement;
		if (!el || !el.matches(`+strconv.Quote(sel)+`)) return false;
		const cs = getComputedStyle(el);
		return (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== "none";
	})()`)
	if !ok {
		b.t.Fatalf("the focus is not visibly on %s: it is on %s\n%s", sel,
			js[string](b, `document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : "nothing"`), b.dump())
	}
}

// pageIsSelfContained fails if the page loaded anything from outside sandbank, or
// broke its Content-Security-Policy (window.__csp, kept from the page's start).
func (b *tab) pageIsSelfContained() {
	b.t.Helper()
	for _, u := range js[[]string](b, `performance.getEntriesByType("resource").map(e => e.name)`) {
		if !strings.HasPrefix(u, b.w.base+"/") {
			b.t.Errorf("the page loaded %s, from outside sandbank", u)
		}
	}
	for _, v := range js[[]string](b, `window.__csp || ["the violation listener is missing"]`) {
		b.t.Errorf("Content-Security-Policy violation: %s", v)
	}
}

// watchCSP records the page's policy violations from the start of every document.
func (b *tab) watchCSP() {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`})
		return err
	}))
}

// The tester's drawer's Use buttons line up at a phone's 375 px, one width, one
// edge: they took the row's width, shared with the customer's details beside
// them, and moved with their text (a front-end developer's trial).
func TestBrowserDrawerUseButtonsLineUp(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, mfa := range []string{"otp", "token", "captcha", "none", "security_question"} {
		w.addCustomer(map[string]any{"institution": "058", "mfa": mfa})
	}
	b := w.newTab(t, 375)
	b.open(w.connectURL(url.Values{"selectedInstitution": {`{"id":"058","auth_method":"internet_banking"}`}}))
	b.wantHeading("Log in to GTBank")
	b.openDrawer()
	edges := js[[]string](b, `[...document.querySelectorAll("[data-fill-username]")].map(e => { const r = e.getBoundingClientRect(); return Math.round(r.left) + "–" + Math.round(r.right) })`)
	if len(edges) < 5 || len(slices.Compact(slices.Clone(edges))) != 1 {
		t.Errorf("the Use buttons' edges at 375 px are %q; want them all alike", edges)
	}
}

// Enter in the bank search opens the one bank it found: it did nothing, and a
// user who typed "zen" and saw Zenith Bank alone pressed it in vain (a front-end
// developer's trial). With more banks, or none, it stays on the list, nothing
// is sent, and the status line says what to do: Enter did nothing that was
// heard (an accessibility trial).
func TestBrowserEnterInSearchOpensTheOnlyBank(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.post("/sandbox/institutions/058/outage", map[string]any{"for": "15m"})
	b := w.newTab(t, 360)
	b.open(w.connectURL(nil))
	b.wantHeading("Select your bank")
	// A bank's button is named by the bank: named "Access Bank Internet banking ·
	// Mobile banking", it offered a choice it does not make (an accessibility trial).
	if name, desc := b.accessibleName(`button.bank[value="044"]`); name != "Access Bank" || !strings.Contains(desc, "Internet banking") {
		t.Errorf("Access Bank's button is named %q, described %q; want the bank's name, and its ways to sign in as the description", name, desc)
	}
	// A bank that is down says so in its name, not only in the description, which
	// some readers skip (the review).
	if name, _ := b.accessibleName(`button.bank[value="058"]`); !strings.HasPrefix(name, "GTBank") || !strings.Contains(name, ", down until ") {
		t.Errorf("GTBank's button, in an outage, is named %q; want its outage in the name", name)
	}
	b.do(chromedp.Evaluate[chromedp.Void](`window.stayed = true`))
	for q, said := range map[string]string{"bank": "Choose one of them below.", "zzz": "No bank matches “zzz”: see how to search below."} {
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("bank-search").value = ""`))
		b.typeIn("bank-search", q+"\r")
		b.waitFor("the status line's words", `document.querySelector("#bank-count[role=status]").textContent.endsWith("below.")`)
		if !js[bool](b, `window.stayed === true && !document.querySelector("[aria-busy]")`) || js[int](b, `document.querySelectorAll("[data-bank]:not([hidden])").length`) == 1 {
			t.Fatalf("Enter in the search for %q left the list, or sent a bank:\n%s", q, b.dump())
		}
		if got := js[string](b, `document.querySelector("#bank-count[role=status]").textContent`); !strings.Contains(got, said) {
			t.Errorf("Enter in the search for %q: the status line says %q; want %q in it", q, got, said)
		}
	}
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("bank-search").value = ""`))
	b.typeIn("bank-search", "zen")
	b.waitFor("the search to narrow the list", `document.querySelectorAll("[data-bank]:not([hidden])").length === 1`)
	b.navigating(chromedp.KeyEvent("\r"))
	b.wantHeading("Log in to Zenith Bank")
}

// A connect with the keyboard alone, at a phone's width: every control is
// reached with Tab, shows its focus, and works with Enter; no page loads anything
// from outside sandbank or breaks its policy.
func TestBrowserKeyboardOnly(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "057", "mfa": "security_question"})
	b := w.newTab(t, 360)
	b.watchCSP()
	rep, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.w.base+w.connectURL(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if csp := rep.Headers["Content-Security-Policy"]; csp != pagePolicy {
		t.Errorf("the page's policy is %q, want %q", csp, pagePolicy)
	}
	b.pageIsSelfContained()
	key := func(k string) { t.Helper(); b.do(chromedp.KeyEvent(k)) }
	key("\t")
	b.focusVisible("#bank-search")
	key("zenith")
	b.waitFor("the list to narrow", `document.querySelectorAll("[data-bank]:not([hidden])").length === 1`)
	key("\t")
	b.focusVisible(`button.bank[value="057"]`)
	b.navigating(chromedp.KeyEvent("\r"))
	b.wantHeading("Log in to Zenith Bank")
	b.pageIsSelfContained()
	key("\t")
	b.focusVisible("#username")
	key(c.Username)
	key("\t")
	b.focusVisible("#password")
	key(c.Password)
	b.navigating(chromedp.KeyEvent("\r"))
	b.wantHeading("Answer your security question")
	b.pageIsSelfContained()
	key("\t")
	b.focusVisible("#answer")
	key(c.SecurityAnswer)
	key("\t")
	b.focusVisible(`form[action$="/answer"] button[type=submit]`)
	b.navigating(chromedp.KeyEvent("\r"))
	b.wantHeading("Account linked")
	b.pageIsSelfContained()
}

// The error summary and its links show their focus as the buttons and the other
// links do: the summary had a yellow outline alone (1.35:1 on white), and its
// focused link stayed red on the yellow (4.29:1) (an accessibility trial).
func TestBrowserErrorSummaryShowsItsFocus(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.customers()[0]
	b := w.newTab(t, 360)
	b.open(w.connectURL(url.Values{"institution": {adam.Accounts[0].Institution.BankCode}}))
	b.login(adam.Username, "not-his-password")
	b.waitFor("the error summary to take the focus", `document.activeElement && document.activeElement.matches("[data-error-summary]")`)
	const dark = "rgb(11, 12, 12)" // --text
	if ring := js[string](b, `getComputedStyle(document.activeElement).boxShadow`); !strings.Contains(ring, dark) {
		t.Errorf("the focused error summary's ring is %q; want the dark ring around the yellow, as the buttons have", ring)
	}
	b.do(chromedp.KeyEvent("\t"))
	b.focusVisible(".error-summary-list a")
	if c := js[string](b, `getComputedStyle(document.activeElement).color`); c != dark {
		t.Errorf("the focused link of the error summary is %s on yellow; want %s, as every focused link", c, dark)
	}
}

// At 200% zoom on a phone (375 px is 188 CSS px) and at 200% text, the error
// summary holds its words: its heading ran past its red border and its links
// broke mid-word, as its paddings, in rem, doubled with the text (an
// accessibility trial). At 320 px and 200% text nothing scrolls sideways.
func TestBrowserErrorSummaryAtLargeText(t *testing.T) {
	w := newWorld(t, worldOpts{})
	bank := w.customers()[0].Accounts[0].Institution.BankCode
	for _, c := range []struct {
		width int64
		text  string
	}{{188, "100%"}, {375, "200%"}, {320, "200%"}} {
		who := w.addCustomer(map[string]any{"institution": bank})
		b := w.newTab(t, c.width)
		b.open(w.connectURL(url.Values{"institution": {bank}}))
		b.login(who.Username, "not-the-password")
		js[string](b, `document.documentElement.style.fontSize = "`+c.text+`"`)
		// Each word of the summary's heading and links: on one line, inside the border.
		bad := js[[]string](b, `(() => {
			const s = document.querySelector("[data-error-summary]"), d = document.documentElement;
			const inner = s.getBoundingClientRect().right - parseFloat(getComputedStyle(s).borderRightWidth);
			const bad = d.scrollWidth > d.clientWidth ? ["the page scrolls sideways: " + d.scrollWidth + " px in " + d.clientWidth] : [];
			const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				for (const m of n.data.matchAll(/\S+/g)) {
					const r = document.createRange();
					r.setStart(n, m.index);
					r.setEnd(n, m.index + m[0].length);
					const rects = [...r.getClientRects()].filter(x => x.width > 0);
					if (rects.length > 1) bad.push("“" + m[0] + "” breaks across lines");
					if (rects.some(x => x.right > inner + 0.5)) bad.push("“" + m[0] + "” runs past the border");
				}
			}
			return bad;
		})()`)
		for _, msg := range bad {
			t.Errorf("the error summary at %d px and %s text: %s", c.width, c.text, msg)
		}
	}
}

// A reloaded widget page runs its script: without ?after= it carried
// data-events="null", on which the script stopped at once — the bank search no
// longer filtered, and the demo's close button stayed hidden (a new user's trial).
func TestBrowserWidgetPageReloaded(t *testing.T) {
	w := newWorld(t, worldOpts{})
	b := w.newTab(t, 1280)
	b.open(w.connectURL(nil))
	b.navigating(chromedp.Reload())
	if ev := js[string](b, `document.body.getAttribute("data-events")`); ev == "null" {
		t.Errorf("the reloaded page's data-events is %q; want a list", ev)
	}
	b.chooseBank("Zenith")
}

// Reloading the page after a wrong password or a wrong answer posted the form
// again, and spent the bank's attempts: "2 attempts left", reload, "1 attempt
// left", reload, locked for 30 minutes (a front-end developer's trial). The
// refusal is a redirect to the session's page, which a reload shows again,
// sending nothing; the error summary still takes the focus after the redirect.
func TestBrowserReloadAfterARefusal(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "058", "mfa": "otp"})
	b := w.newTab(t, 360)
	b.open(w.connectURL(nil))
	b.chooseBank("GTBank")
	reload := func(want string) {
		t.Helper()
		b.navigating(chromedp.Reload())
		b.contains(want)
		if body := js[string](b, `document.body.innerText`); strings.Contains(body, "There is a problem") || strings.Contains(body, "Too many attempts") {
			t.Fatalf("the reload posted the form again:\n%s", body)
		}
	}
	b.login(c.Username, "wrongwrong")
	b.contains("The username or password is not right.", "2 attempts left before sign-in locks.")
	b.waitFor("the error summary to take the focus", `document.activeElement && document.activeElement.matches("[data-error-summary]")`)
	if got := js[string](b, `document.getElementById("username").value`); got != c.Username {
		t.Errorf("after the redirect the username holds %q, want %q as typed", got, c.Username)
	}
	reload("2 attempts left before sign-in locks.")
	b.do(chromedp.Clear(chromedp.ID("username")))
	b.login(c.Username, c.Password)
	b.wantHeading("Enter the one-time password")
	b.answer("000000")
	b.contains("That code is not right.", "1 attempt left before sign-in locks.")
	reload("1 attempt left before sign-in locks.")
	b.wantHeading("Enter the one-time password")
	b.answer(b.drawerCode())
	b.wantHeading("Account linked")
}

// A step's form is sent once: a second submit while the first is on its way —
// a double click on a slow network — is dropped, and the button says it is busy
// (a front-end developer's trial; the server shows such a form's page as the
// session stands, TestAStepsFormPostedTwiceShowsWhereItStands).
func TestBrowserAStepIsSentOnce(t *testing.T) {
	w := newWorld(t, worldOpts{})
	b := w.newTab(t, 360)
	b.open(w.connectURL(url.Values{"institution": {"044"}}))
	b.wantHeading("Log in to Access Bank")
	// A form goes by the script's fetch (the page is then replaced) or, with no
	// fetch, the plain way (its submit not prevented): once in all.
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(() => {`+countSends+`
		const form = document.querySelector('form[action$="/login"]');
		form.requestSubmit();
		form.requestSubmit();
		return JSON.stringify({sent: window.sent, busy: form.querySelector("button[type=submit]").getAttribute("aria-busy")});
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got != `{"sent":1,"busy":"true"}` {
		t.Fatalf("two submits of the login form: %s; want one sent and the button busy", got)
	}
	b.waitThrough("the refused login's page", `document.querySelector("[data-error-summary]") !== null`)
}

// A slow bank's answer is waited for in words: with a latency set, signing in
// took two minutes and only the button dimmed — the fields open, nothing said to
// a screen reader (an accessibility trial). After a moment the form's status line
// says what it waits for and the fields are read-only; the answer's page follows.
func TestBrowserASlowBankIsWaitedForInWords(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customers()[0]
	in := c.Accounts[0].Institution
	if err := w.bank.SetLatency(in.BankCode, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	b := w.newTab(t, 360)
	b.open(w.connectURL(url.Values{"institution": {in.BankCode}}))
	b.wantHeading("Log in to " + in.Name)
	if got := js[string](b, `document.querySelector("[data-wait-status]").textContent`); got != "" {
		t.Fatalf("before the form is sent, its status line says %q", got)
	}
	b.typeIn("username", c.Username)
	b.typeIn("password", c.Password)
	b.do(chromedp.Click(chromedp.CSS(`form[action$="/login"] button[type=submit]`), chromedp.NodeVisible))
	b.waitFor("the status line to say the bank is being waited for",
		`(s => s && s.getAttribute("role") === "status" && s.textContent === "Signing in to `+in.Name+`…")(document.querySelector('form[action$="/login"] [data-wait-status]')) && document.getElementById("password").readOnly`)
	// The page's other forms wait too: "Use … instead" looked ready while it did
	// nothing (a trial).
	if got := js[string](b, `[...document.querySelectorAll('.actions button')].map(e => e.textContent + ": " + e.getAttribute("aria-disabled") + ", " + getComputedStyle(e).opacity).join("; ")`); !strings.HasPrefix(got, "Use ") || strings.Contains(got, ": null") || strings.Contains(got, ", 1") {
		t.Fatalf("while the sign-in waits the page's other buttons read %q; want each aria-disabled and dimmed", got)
	}
	// The tester's fill buttons among them do nothing then: one filled the form
	// already sent (a review).
	if !js[bool](b, `(() => { const o = document.querySelector("[data-fill-username]"); if (o) { o.setAttribute("data-fill-username", "someone.else"); o.click(); } return !!o; })()`) {
		t.Fatal("the tester's drawer has no customer to fill")
	}
	if got := js[string](b, `document.getElementById("username").value`); got != c.Username {
		t.Fatalf("a fill button, dimmed while the sign-in waits, changed the username sent to %q", got)
	}
	b.waitThrough("the page after the sign-in", `!document.querySelector('form[action$="/login"]')`)
}

// A browser that does not say which button sent a form (no SubmitEvent.submitter:
// Safari before 15.4) chooses a bank the plain way: sent by the script, the bank
// button's value was left out, and the list answered "Institution is required"
// (a review).
func TestBrowserABankIsChosenWithoutSubmitter(t *testing.T) {
	w := newWorld(t, worldOpts{})
	b := w.newTab(t, 360)
	b.open(w.connectURL(nil))
	b.wantHeading("Select your bank")
	js[bool](b, `(Object.defineProperty(SubmitEvent.prototype, "submitter", {get() { return undefined; }}), true)`)
	b.submit(`button.bank[value="044"]`)
	b.wantHeading("Log in to Access Bank")
}

// A network lost mid-flow replaced the widget's page — in the SDK's frame too —
// with the browser's error page: no ×, no form, no way on but a reload (a
// front-end developer's trial). The page stays, says sandbank did not answer, and
// the same form, sent again once the network is back, goes on.
func TestBrowserALostNetworkLeavesThePage(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customers()[0]
	b := w.newTab(t, 360)
	b.open(w.connectURL(url.Values{"institution": {c.Accounts[0].Institution.BankCode}}))
	b.wantHeading("Log in to " + c.Accounts[0].Institution.Name)
	offline := func(off bool) {
		b.do(chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
			var rules []*network.Conditions
			if off {
				rules = []*network.Conditions{{URLPattern: w.base + "/*", Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
			}
			_, err := cdp.Call(ctx, tt, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
			return err
		}))
	}
	offline(true)
	b.typeIn("username", c.Username)
	b.typeIn("password", c.Password)
	b.do(chromedp.Click(chromedp.CSS(`form[action$="/login"] button[type=submit]`), chromedp.NodeVisible))
	b.waitFor("the note that sandbank did not answer", `document.activeElement && document.activeElement.matches("[data-lost][role=alert]")`)
	b.wantHeading("Log in to " + c.Accounts[0].Institution.Name)
	b.contains("sandbank did not answer")
	if busy := js[string](b, `document.querySelector('form[action$="/login"] button[type=submit]').getAttribute("aria-busy") || ""`); busy != "" {
		t.Fatalf("after the lost network the button is aria-busy=%q; want it ready to send again", busy)
	}
	if v := js[string](b, `document.getElementById("password").value`); v != c.Password {
		t.Fatalf("the lost network cleared what was typed (password %q)", v)
	}
	offline(false)
	b.submit(`form[action$="/login"] button[type=submit]`)
	b.wantHeading("Account linked")

	// The tester's drawer's fill, and a re-authorisation's Continue, went plainly:
	// offline, the browser's error page filled the frame (a front-end developer's
	// trial). They say so too, and go on once the network is back.
	q := w.addCustomer(map[string]any{"institution": "057", "mfa": "security_question"})
	b.open(w.connectURL(url.Values{"institution": {"057"}}))
	b.login(q.Username, q.Password)
	b.wantHeading("Answer your security question")
	b.openDrawer()
	offline(true)
	b.do(chromedp.Click(chromedp.CSS("[data-fill-answer]"), chromedp.NodeVisible))
	b.waitFor("the note that sandbank did not answer", `document.activeElement && document.activeElement.matches("[data-lost][role=alert]")`)
	b.wantHeading("Answer your security question")
	offline(false)

	id := w.connect(w.customers()[0])
	b.open(w.connectURL(url.Values{"data": {`{"account":"` + id + `"}`}}))
	heading := b.heading()
	offline(true)
	b.do(chromedp.Click(chromedp.CSS("[data-continue]"), chromedp.NodeVisible))
	b.waitFor("the note that sandbank did not answer", `document.activeElement && document.activeElement.matches("[data-lost][role=alert]")`)
	b.wantHeading(heading)
	offline(false)
	b.submit("[data-continue]")
	if h := b.heading(); h == heading {
		t.Fatalf("Continue, once the network was back, stayed at %q", h)
	}
}

// One step at a time: a second form of the page sent while a step is on its way
// (Log in, then "Choose another bank") raced it, and the first step's events were
// lost (a front-end developer's trial).
func TestBrowserOneStepAtATime(t *testing.T) {
	w := newWorld(t, worldOpts{})
	b := w.newTab(t, 360)
	b.open(w.connectURL(url.Values{"institution": {"044"}}))
	b.wantHeading("Log in to Access Bank")
	got := js[int](b, `(() => {`+countSends+`
		document.querySelector('form[action$="/login"]').requestSubmit();
		document.querySelector('form[action$="/institution"]').requestSubmit();
		return window.sent;
	})()`)
	if got != 1 {
		t.Fatalf("a login then \"Use mobile banking instead\" at once sent %d forms; want the first alone", got)
	}
	b.waitThrough("the refused login's page", `document.querySelector("[data-error-summary]") !== null`)
}

// countSends, at a login page, types a wrong password and counts in window.sent
// the forms the page sends from then on: by its script's fetch, or the plain way
// (a submit not prevented).
const countSends = `
		window.sent = 0;
		const fetch0 = window.fetch;
		window.fetch = function () { window.sent++; return fetch0.apply(this, arguments); };
		document.addEventListener("submit", e => { if (!e.defaultPrevented) window.sent++; });
		document.getElementById("username").value = "nobody";
		document.getElementById("password").value = "wrongwrong";`

// A re-authorisation link opened after its account was unlinked shows a visible
// way back to the app, scripts on, that tells the app why: both its buttons
// stayed hidden, outside a frame, and the user was stranded (a v2 developer's
// trial).
func TestBrowserReauthLinkOfAnUnlinkedAccount(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044"})
	id := w.connect(c)
	l, _ := w.initiate(map[string]any{"scope": "reauth", "account": id, "redirect_url": w.base + "/back"})
	w.must(http.StatusOK, "POST", "/v2/accounts/"+id+"/unlink", req{})
	b := w.newTab(t, 1280)
	b.do(chromedp.Navigate(l.MonoURL))
	b.wantHeading("This account cannot be re-authorised")
	b.submit(`a.button`)
	if got := js[string](b, `location.search`); got != "?reason=unlinked&status=failed" {
		t.Fatalf("Return to the app went to %q; want the redirect_url with status=failed&reason=unlinked", got)
	}
}
