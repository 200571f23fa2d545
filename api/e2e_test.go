package api

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// The connect flow for every MFA kind, over HTTP, as the widget and a tester do it:
// open a session with the public key, sign in, answer the bank's challenge from the
// customer's inbox, security answer or CAPTCHA, and exchange the code.
func TestConnectEveryMFAKind(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	byMFA := map[string]customerJSON{}
	for _, c := range w.customers() {
		if _, ok := byMFA[c.MFA]; !ok {
			byMFA[c.MFA] = c
		}
	}
	for _, kind := range []string{"none", "otp", "security_question", "token", "captcha"} {
		t.Run(kind, func(t *testing.T) {
			w.t = t
			c, ok := byMFA[kind]
			if !ok {
				t.Fatalf("the world has no customer with MFA %s", kind)
			}
			st := w.openWidget(map[string]any{"key": testPublicKey, "institution": c.Accounts[0].Institution.BankCode})
			if st.Status != "login" || st.Session == "" || st.Institution == nil || st.Institution.BankCode != c.Accounts[0].Institution.BankCode {
				t.Fatalf("opened widget = %+v", st)
			}
			st = w.login(st.Session, c.Username, c.Password)
			if kind == "none" {
				if st.Status != "success" || st.Code == "" {
					t.Fatalf("login without MFA = %+v, want success with a code", st)
				}
			} else if st.Status != "challenge" || st.Challenge == nil || st.Challenge.Type != kind || st.Challenge.Prompt == "" {
				t.Fatalf("login = %+v, want a %s challenge", st, kind)
			}
			st = w.answerAll(st)
			var out struct{ ID string }
			w.post("/account/auth", map[string]any{"code": st.Code}).decode(t, &out)

			var view struct {
				Meta struct {
					DataStatus string `json:"data_status"`
					AuthMethod string `json:"auth_method"`
				}
				Account accountBody
			}
			w.get("/accounts/"+out.ID).decode(t, &view)
			if view.Meta.DataStatus != "AVAILABLE" || view.Account.ID != out.ID ||
				view.Account.AccountNumber != c.Accounts[0].AccountNumber || view.Account.Balance != c.Accounts[0].Balance ||
				len(view.Account.BVN) != 4 {
				t.Fatalf("GET /accounts/%s = %+v; want AVAILABLE, the number %s, balance %d and 4 BVN digits",
					out.ID, view, c.Accounts[0].AccountNumber, c.Accounts[0].Balance)
			}
			// The code is single-use.
			failed(t, w.do("POST", "/account/auth", req{body: map[string]any{"code": st.Code}}), http.StatusConflict, "CODE_USED")
		})
	}
}

// Mr Adam's story (R1, R2): connected at NGN 10,000; thirty minutes later he spends
// NGN 5,000 at the bank; the API still says NGN 10,000 until a sync, then NGN 5,000.
func TestMrAdamsStory(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	if adam.Accounts[0].Balance != 1000000 {
		t.Fatalf("new customer = %+v", adam)
	}
	id := w.connect(adam)
	balance := func() int64 {
		var v struct{ Account accountBody }
		w.get("/accounts/"+id).decode(t, &v)
		return v.Account.Balance
	}
	if b := balance(); b != 1000000 {
		t.Fatalf("after connect the API says %d, want 1000000", b)
	}
	w.advance("30m")
	var posted struct {
		Transaction txJSON
		Balance     int64
	}
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions",
		req{body: map[string]any{"type": "debit", "amount": 500000, "narration": "POS PURCHASE SHOPRITE LEKKI"}}).decode(t, &posted)
	if posted.Balance != 500000 || posted.Transaction.Amount != 500000 || posted.Transaction.Type != "debit" {
		t.Fatalf("posting = %+v", posted)
	}
	if live := w.customers(); live[len(live)-1].Accounts[0].Balance != 500000 {
		t.Fatalf("the bank shows %d, want 500000", live[len(live)-1].Accounts[0].Balance)
	}
	if b := balance(); b != 1000000 {
		t.Fatalf("before the sync the API says %d, want 1000000 (R1)", b)
	}
	var res syncJSON
	w.post("/accounts/"+id+"/sync", nil).decode(t, &res)
	if res.Status != "successful" || !res.HasNewData || res.Code != "SYNC_SUCCESSFUL" {
		t.Fatalf("sync = %+v", res)
	}
	if b := balance(); b != 500000 {
		t.Fatalf("after the sync the API says %d, want 500000 (R2)", b)
	}
	var page txPageJSON
	w.get("/accounts/"+id+"/transactions?limit=1&").decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].ID != posted.Transaction.ID || page.Data[0].Balance != 500000 ||
		page.Data[0].Narration != "POS PURCHASE SHOPRITE LEKKI" || page.Data[0].Date != "2021-08-20T12:30:00.000Z" {
		t.Fatalf("newest transaction = %+v, want the spend %+v", page.Data, posted.Transaction)
	}
}

// Retry-After is real seconds: at 10× the two minutes of the window are 12 s, not
// 120 (a client sleeping 120 s waited a hundred times too long); on a paused clock
// the answer says waiting will not get there.
func TestRetryAfterIsRealTime(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 250000})
	id := w.connect(c)
	w.post("/accounts/"+id+"/sync", nil)

	rep := w.do("POST", "/accounts/"+id+"/sync", req{})
	failed(t, rep, http.StatusTooManyRequests, "RATE_LIMITED")
	if got := rep.header.Get("Retry-After"); got != "120" || !strings.Contains(string(rep.body), "allowed in 2m (virtual time, on a paused clock: advance it by 2m)") {
		t.Fatalf("paused: Retry-After %q, body %s", got, rep.body)
	}
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: map[string]any{"speed": 10, "paused": false}})
	rep = w.do("POST", "/accounts/"+id+"/sync", req{})
	failed(t, rep, http.StatusTooManyRequests, "RATE_LIMITED")
	// 12 s at 10×, less the second or so a slow run may take between the requests
	if got := rep.header.Get("Retry-After"); (got != "12" && got != "11") || strings.Contains(string(rep.body), "paused") {
		t.Fatalf("at 10×: Retry-After %q, want 12 (120 s of the clock in real seconds); body %s", got, rep.body)
	}
}

// R3: one sync per account every two minutes of virtual time; inside the window the
// answer is 429 with Retry-After in whole seconds, and nothing runs.
func TestRateLimit(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 250000})
	id := w.connect(c)
	w.post("/accounts/"+id+"/sync", nil)

	rep := w.do("POST", "/accounts/"+id+"/sync", req{})
	failed(t, rep, http.StatusTooManyRequests, "RATE_LIMITED")
	if rep.header.Get("Retry-After") != "120" {
		t.Fatalf("Retry-After %q, want 120", rep.header.Get("Retry-After"))
	}
	w.advance("1m59s")
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions", req{body: map[string]any{"type": "credit", "amount": 100}})
	rep = w.do("GET", "/accounts/"+id+"/sync", req{})
	failed(t, rep, http.StatusTooManyRequests, "RATE_LIMITED")
	if rep.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q, want 1", rep.header.Get("Retry-After"))
	}
	var v struct{ Account accountBody }
	if w.get("/accounts/"+id).decode(t, &v); v.Account.Balance != 250000 {
		t.Fatalf("a refused sync ran: balance %d", v.Account.Balance)
	}
	w.advance("1s")
	var res syncJSON
	w.post("/accounts/"+id+"/sync", nil).decode(t, &res)
	if res.Status != "successful" || !res.HasNewData {
		t.Fatalf("sync after the window = %+v", res)
	}
	if w.get("/accounts/"+id).decode(t, &v); v.Account.Balance != 250100 {
		t.Fatalf("balance %d, want 250100", v.Account.Balance)
	}
	// Two minutes later, with a form-encoded empty body as some clients send.
	w.advance("2m")
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/sync", req{body: "", ctype: "application/x-www-form-urlencoded"})
	// At 60×, Retry-After is real seconds, and the message says its wait is virtual.
	w.post("/sandbox/clock", map[string]any{"speed": 60, "paused": false})
	rep = w.do("POST", "/accounts/"+id+"/sync", req{})
	failed(t, rep, http.StatusTooManyRequests, "RATE_LIMITED")
	if got := rep.header.Get("Retry-After"); got != "2" || !strings.Contains(string(rep.body), "allowed in 2m (virtual time; at 60× that is 2s)") {
		t.Fatalf("at 60×: Retry-After %q, %s; want 2 and the message saying 2m is virtual", got, rep.body)
	}
	_ = strconv.Itoa
	_ = strings.Cut
}

// A jump too long for Go's durations says the jump's own limit, as one of 11 years
// does: "at most about 292 years" beside "at most 10 years" read as two limits.
func TestTooLongJumpsSayOneLimit(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, d := range []string{"11y", "1000000y"} {
		rep := w.do("POST", "/sandbox/clock", req{body: map[string]any{"advance": d}})
		failed(t, rep, http.StatusBadRequest, "")
		if want := `\"` + d + `\" is too long: advance at most 10 years at a time (3650d)`; !strings.Contains(string(rep.body), want) {
			t.Errorf("advance %s: %s; want %s", d, rep.body, want)
		}
	}
}

// At a speed where the wait is under a second, the message says so, not
// Retry-After's whole second: 53 s at 10000× read "that is 1s".
func TestRealWaitUnderASecond(t *testing.T) {
	c := engine.ClockState{Now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Speed: 10000}
	wait, note := realWait(53*time.Second, c, time.Time{})
	if wait != 5300*time.Microsecond || note != " (virtual time; at 10000× that is under a second, 5ms)" {
		t.Fatalf("53s at 10000×: %s, %q", wait, note)
	}
	if _, note := realWait(2*time.Minute, engine.ClockState{Now: c.Now, Speed: 60}, time.Time{}); note != " (virtual time; at 60× that is 2s)" {
		t.Fatalf("2m at 60×: %q", note)
	}
}
