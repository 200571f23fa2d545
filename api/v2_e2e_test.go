package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// End-to-end tests of Mono's v2 over real loopback HTTP (harness_test.go): every
// answer is checked against openapi.yaml as it arrives.

type v2Account struct {
	Account struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		AccountNumber string `json:"account_number"`
		Balance       int64  `json:"balance"`
		BVN           string `json:"bvn"`
		Institution   struct {
			BankCode string `json:"bank_code"`
		} `json:"institution"`
	} `json:"account"`
	Customer struct {
		ID string `json:"id"`
	} `json:"customer"`
	Meta struct {
		DataStatus    string   `json:"data_status"`
		AuthMethod    string   `json:"auth_method"`
		RetrievedData []string `json:"retrieved_data"`
		Ref           string   `json:"ref"`
	} `json:"meta"`
}

func (w *world) v2Account(id string) v2Account {
	w.t.Helper()
	var a v2Account
	w.get("/v2/accounts/"+id).data(w.t, &a)
	return a
}

func (w *world) v2Balance(id string, realtime bool) (balanceV2JSON, reply) {
	w.t.Helper()
	o := req{}
	if realtime {
		o.headers = map[string]string{"x-realtime": "true"}
	}
	rep := w.must(http.StatusOK, "GET", "/v2/accounts/"+id+"/balance", o)
	var b balanceV2JSON
	rep.data(w.t, &b)
	return b, rep
}

// jobHeaders are a real-time read's x-job-id, x-job-status and x-has-new-data.
func jobHeaders(rep reply) (id, status, hasNew string) {
	return rep.header.Get("x-job-id"), rep.header.Get("x-job-status"), rep.header.Get("x-has-new-data")
}

// Mr Adam through v2: an initiate link, walked through the widget routes by its
// ID, redirects with a code; POST /v2/accounts/auth exchanges it; the v2 reads show
// the account as of its last sync (R1), and v1 reads the same account.
func TestV2LinkCodeAndReads(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	link, linkID := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"},
		"meta": map[string]any{"ref": "adam-001"}, "redirect_url": "http://127.0.0.1:3000/linked"})
	if link.Scope != "auth" || link.Customer == "" || link.Meta.Ref != "adam-001" || link.RedirectURL != "http://127.0.0.1:3000/linked" ||
		link.CreatedAt != "2021-08-20T12:00:00.000Z" || link.ExpiresAt != "2021-08-20T12:30:00.000Z" {
		t.Fatalf("initiate = %+v", link)
	}
	var state linkJSON
	if w.must(http.StatusOK, "GET", "/connect/links/"+linkID, req{key: noKey()}).decode(t, &state); state.Status != "pending" {
		t.Fatalf("the link before it is walked = %+v", state)
	}
	st := w.walkLink(linkID, "044", adam.Username, adam.Password)
	want := "http://127.0.0.1:3000/linked?code=" + st.Code + "&reference=adam-001&status=linked"
	if st.Link.Status != "linked" || st.Link.RedirectURL != want {
		t.Fatalf("the link's end = %+v; want redirect %s", st.Link, want)
	}
	if w.must(http.StatusOK, "GET", "/connect/links/"+linkID, req{key: noKey()}).decode(t, &state); state.RedirectURL != want {
		t.Fatalf("the link after = %+v", state)
	}
	failed(t, w.do("POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"link": linkID, "institution": "044"}}),
		http.StatusConflict, "LINK_USED")

	var out struct{ ID string }
	w.post("/v2/accounts/auth", map[string]any{"code": st.Code}).data(t, &out)
	failedV2(t, w.do("POST", "/v2/accounts/auth", req{body: map[string]any{"code": st.Code}}), http.StatusConflict)
	// exchanged, the code is no longer shown to whoever holds the link's ID
	if w.must(http.StatusOK, "GET", "/connect/links/"+linkID, req{key: noKey()}).decode(t, &state); state.RedirectURL != "http://127.0.0.1:3000/linked?reference=adam-001&status=linked" {
		t.Fatalf("the link after its code was exchanged = %+v", state)
	}
	id := out.ID
	a := w.v2Account(id)
	if a.Account.ID != id || a.Account.Balance != 1000000 || a.Account.AccountNumber != adam.Accounts[0].AccountNumber ||
		a.Account.Institution.BankCode != "044" || len(a.Account.BVN) != 4 || a.Customer.ID != link.Customer ||
		a.Meta.Ref != "adam-001" || a.Meta.DataStatus != "AVAILABLE" || len(a.Meta.RetrievedData) != 3 {
		t.Fatalf("GET /v2/accounts/%s = %+v", id, a)
	}
	// v1 reads the account v2 connected.
	var v1 accountView
	if w.get("/accounts/"+id).decode(t, &v1); v1.Account.ID != id || v1.Account.Balance != 1000000 {
		t.Fatalf("GET /accounts/%s = %+v", id, v1)
	}

	// R1 through v2: the bank moves, v2 shows the last sync until one runs.
	w.advance("30m")
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions",
		req{body: map[string]any{"type": "debit", "amount": 500000, "narration": "POS PURCHASE SHOPRITE LEKKI"}})
	if b, rep := w.v2Balance(id, false); b.Balance != 1000000 || rep.header.Get("x-job-id") != "" {
		t.Fatalf("before a sync v2 says %d (job %q), want 1000000 and no job", b.Balance, rep.header.Get("x-job-id"))
	}
	w.post("/accounts/"+id+"/sync", nil) // v1's sync: the same account
	if b, _ := w.v2Balance(id, false); b.Balance != 500000 || b.AccountNumber != adam.Accounts[0].AccountNumber || b.Currency != "NGN" {
		t.Fatalf("after the sync v2 says %+v, want 500000", b)
	}
	var txs []v2TxJSON
	env := w.get("/v2/accounts/"+id+"/transactions?limit=1&").data(t, &txs)
	var meta paging
	if err := json.Unmarshal(env.Meta, &meta); err != nil {
		t.Fatal(err)
	}
	if len(txs) != 1 || txs[0].Narration != "POS PURCHASE SHOPRITE LEKKI" || txs[0].Amount != 500000 || txs[0].Balance != 500000 ||
		txs[0].Date != "2021-08-20T12:30:00.000Z" || meta.Total != 2 || meta.Previous != nil || meta.Next == nil ||
		*meta.Next != w.base+"/v2/accounts/"+id+"/transactions?limit=1&page=2" {
		t.Fatalf("the newest transaction = %+v, meta %+v", txs, meta)
	}
	// v1 and v2 pages are kept apart: v1's account "v2 ID" is no account (it got
	// v2's cached page, half an envelope, with 200).
	w.must(http.StatusNotFound, "GET", "/accounts/v2%20"+id+"/transactions?limit=1&", req{})
	w.get(*meta.Next).data(t, &txs)
	if len(txs) != 1 || txs[0].Narration != "CASH DEPOSIT - ACCOUNT OPENING" {
		t.Fatalf("page 2 = %+v", txs)
	}
	var ident identityV2JSON
	if w.get("/v2/accounts/"+id+"/identity").data(t, &ident); ident.FullName == "" || len(ident.BVN) != 11 ||
		ident.UpdatedAt != "2021-08-20T12:30:00.000Z" || ident.CreatedAt != "2021-08-20T12:00:00.000Z" {
		t.Fatalf("identity = %+v", ident)
	}

	// An account connected through v1's widget reads through v2.
	bola := w.addCustomer(map[string]any{"name": "Bola Ade", "institution": "058", "balance": 250000})
	v1id := w.connect(bola)
	if b := w.v2Account(v1id); b.Account.Balance != 250000 || b.Customer.ID != bola.ID || b.Meta.Ref != "" {
		t.Fatalf("a v1 account through v2 = %+v", b)
	}
	// The widget's reference is the account's meta.ref without data.customer too,
	// as the README's drop-in passes it (it came back "": a web developer's trial).
	cara := w.addCustomer(map[string]any{"name": "Cara Obi", "institution": "058", "balance": 100000})
	caraSt := w.answerAll(w.login(w.openWidget(map[string]any{"key": testPublicKey, "institution": "058", "reference": "order-42"}).Session,
		cara.Username, cara.Password))
	var caraAcct struct{ ID string }
	w.post("/account/auth", map[string]any{"code": caraSt.Code}).decode(t, &caraAcct)
	if b := w.v2Account(caraAcct.ID); b.Meta.Ref != "order-42" || b.Customer.ID != cara.ID {
		t.Fatalf("an account connected with reference order-42 and no data.customer = %+v", b)
	}

	w.post("/v2/accounts/"+id+"/unlink", nil)
	failedV2(t, w.do("GET", "/v2/accounts/"+id, req{}), http.StatusNotFound)
	failed(t, w.do("GET", "/accounts/"+id, req{}), http.StatusNotFound, "ACCOUNT_NOT_FOUND")
	failedV2(t, w.do("GET", "/v2/nope", req{}), http.StatusNotFound)
	failedV2(t, w.do("PUT", "/v2/accounts/"+v1id, req{}), http.StatusMethodNotAllowed)
}

// Real-time data: fresh within the request; inside the 5-minute window the last
// job's headers and no new job; after it, a new job. v1's window is its own.
func TestV2RealtimeWindow(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(adam)
	w.advance("30m")
	spend := func(typ string, kobo int) {
		w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions", req{body: map[string]any{"type": typ, "amount": kobo}})
	}
	spend("debit", 500000)
	jobs := func() int {
		js, err := w.eng.SyncJobs(w.ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(js)
	}

	b, rep := w.v2Balance(id, true)
	j1, status, hasNew := jobHeaders(rep)
	if b.Balance != 500000 || j1 == "" || status != "finished" || hasNew != "true" {
		t.Fatalf("first real-time read: balance %d, x-job-id %q, x-job-status %q, x-has-new-data %q; want fresh 500000, finished, new data",
			b.Balance, j1, status, hasNew)
	}
	var job jobV2JSON
	if w.get("/v2/accounts/"+id+"/jobs/"+j1).data(t, &job); job.Status != "finished" || !job.HasNewData ||
		job.Name != "jobs.accounts.sync_balance" || job.StartedAt != "2021-08-20T12:30:00.000Z" {
		t.Fatalf("the job = %+v", job)
	}
	n := jobs()
	var sandbox struct{ Data []connectedJSON }
	w.get("/sandbox/accounts").decode(t, &sandbox)
	if a := sandbox.Data[len(sandbox.Data)-1]; a.LastRealtimeJob != j1 || a.NextRealtimeAt != "2021-08-20T12:35:00.000Z" {
		t.Fatalf("GET /sandbox/accounts shows job %q, next at %q; want %s and 12:35", a.LastRealtimeJob, a.NextRealtimeAt, j1)
	}

	// Inside the window: the last job's headers, no new job, the last job's data.
	w.advance("4m59s")
	spend("credit", 100000)
	rep = w.must(http.StatusOK, "GET", "/v2/accounts/"+id+"/transactions?limit=1", req{headers: map[string]string{"x-realtime": "true"}})
	var txs []v2TxJSON
	rep.data(t, &txs)
	if jid, status, hasNew := jobHeaders(rep); jid != j1 || status != "finished" || hasNew != "true" || jobs() != n ||
		txs[0].Amount != 500000 {
		t.Fatalf("inside the window: job %q %q %q, %d jobs (was %d), newest %+v; want job %s's headers, no new job, the debit",
			jid, status, hasNew, jobs(), n, txs, j1)
	}
	// v1's window is separate: its sync runs and refuses as ever.
	w.post("/accounts/"+id+"/sync", nil)
	failed(t, w.do("POST", "/accounts/"+id+"/sync", req{}), http.StatusTooManyRequests, "RATE_LIMITED")

	// After the window: a new job.
	w.advance("1s")
	spend("credit", 50000)
	b, rep = w.v2Balance(id, true)
	if j2, status, hasNew := jobHeaders(rep); j2 == "" || j2 == j1 || status != "finished" || hasNew != "true" || b.Balance != 650000 {
		t.Fatalf("after the window: job %q %q %q, balance %d; want a new finished job and 650000", j2, status, hasNew, b.Balance)
	}
	// A job with nothing new says so by leaving x-has-new-data out. Mono's
	// transactions page spells the header x-real-time: it works too.
	w.advance("5m")
	rep = w.must(http.StatusOK, "GET", "/v2/accounts/"+id+"/transactions", req{headers: map[string]string{"x-real-time": "true"}})
	if j3, status, _ := jobHeaders(rep); j3 == "" || status != "finished" || rep.header.Values("x-has-new-data") != nil {
		t.Fatalf("a job without new data: %q %q, x-has-new-data %q", j3, status, rep.header.Values("x-has-new-data"))
	}
	for _, v := range []string{"yes", "2"} {
		failedV2(t, w.do("GET", "/v2/accounts/"+id+"/balance", req{headers: map[string]string{"x-realtime": v}}), http.StatusBadRequest)
	}
	if _, rep := w.v2Balance(id, false); rep.header.Get("x-job-status") != "" {
		t.Fatal("a read without x-realtime answered a job")
	}
	failedV2(t, w.do("GET", "/v2/accounts/"+id+"/jobs/nope", req{}), http.StatusNotFound)
}

// A processing job of an account that gets no webhooks (connected before Data
// Sync was enabled, R4) points at the job's route, not at a jobs.update that will
// never come.
func TestV2ProcessingWithoutWebhooksPointsAtTheJob(t *testing.T) {
	w := newWorld(t, worldOpts{realtimeWait: 20 * time.Millisecond})
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(adam)
	w.enableDataSync()
	w.advance("30m")
	w.post("/sandbox/institutions/044/latency", map[string]any{"latency": "400ms"})
	_, rep := w.v2Balance(id, true)
	jid, status, _ := jobHeaders(rep)
	if want := "GET /v2/accounts/" + id + "/jobs/" + jid + " says when it ends (this account gets no webhooks"; status != "processing" || !strings.Contains(string(rep.body), want) {
		t.Fatalf("a slow job of an account without webhooks: %s %s; want …%s", status, rep.body, want)
	}
	w.post("/sandbox/institutions/044/latency", map[string]any{"latency": "0s"})
}

// A real-time read while Data Sync is off answers a failed job, as a job that could
// not run (another sync under way, a stop) does: x-job-id beside x-job-status:
// failed, the job readable at …/jobs/{id} saying how to turn Data Sync on, its end
// in the webhook log (skipped: Data Sync is off), and no window spent — the read
// after Data Sync is turned on starts a job at once. It answered failed with no
// x-job-id: nothing to read, and an app that keys on the job's ID had none.
func TestV2RealtimeWithDataSyncOffIsAFailedJob(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(adam) // Data Sync is off: a new world's default
	w.advance("30m")
	_, rep := w.v2Balance(id, true)
	jid, status, hasNew := jobHeaders(rep)
	const turnOn = `turn it on with PATCH /sandbox/settings {"data_sync_enabled":true}`
	if msg, _ := rep.json(t)["message"].(string); status != "failed" || jid == "" || hasNew != "" || !strings.Contains(msg, turnOn) {
		t.Fatalf("a real-time read with Data Sync off: x-job-id %q, x-job-status %q, x-has-new-data %q\n%s\nwant a failed job whose message says how to %s",
			jid, status, hasNew, rep.body, turnOn)
	}
	var job jobV2JSON
	if w.get("/v2/accounts/"+id+"/jobs/"+jid).data(t, &job); job.ID != jid || job.Status != "failed" || job.HasNewData ||
		job.Name != "jobs.accounts.sync_balance" || job.FinishedAt == nil || !strings.Contains(job.Message, turnOn) {
		t.Fatalf("GET …/jobs/%s = %+v; want failed, ended, its message saying how to %s", jid, job, turnOn)
	}
	var log struct{ Data []eventJSON }
	w.get("/sandbox/webhooks?account="+id+"&limit=2").decode(t, &log)
	if len(log.Data) != 2 || log.Data[0].Event != engine.EventJobsUpdate || log.Data[1].Event != engine.EventAccountUpdated ||
		log.Data[0].Status != "skipped" || log.Data[1].Status != "skipped" {
		t.Fatalf("the webhook log's newest = %+v; want the job's account_updated and jobs.update, skipped", log.Data)
	}

	w.enableDataSync()
	_, rep = w.v2Balance(id, true)
	next, status, _ := jobHeaders(rep)
	if status != "finished" || next == "" || next == jid || strings.Contains(string(rep.body), "no new job inside") {
		t.Fatalf("the first read after Data Sync was turned on: job %q %q\n%s\nwant a new job, finished (the refused one spent no window)", next, status, rep.body)
	}
}

// A job that outlives the request answers processing with the last sync's data; it
// ends on its own, readable at …/jobs/{id} and announced by mono.accounts.jobs.update.
func TestV2RealtimeJobOutlivesTheRequest(t *testing.T) {
	w := newWorld(t, worldOpts{realtimeWait: 20 * time.Millisecond})
	w.enableDataSync()
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(adam)
	w.advance("30m")
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions", req{body: map[string]any{"type": "debit", "amount": 400000}})
	// A sync makes four calls: 1.6 s of real time, so the advance below, one request
	// after the answer (20 ms in), lands while the job waits on the bank.
	w.post("/sandbox/institutions/044/latency", map[string]any{"latency": "400ms"})
	b, rep := w.v2Balance(id, true)
	jid, status, hasNew := jobHeaders(rep)
	if status != "processing" || jid == "" || hasNew != "" || b.Balance != 1000000 {
		t.Fatalf("a slow job: %q %q %q, balance %d; want processing with the last sync's 1000000", jid, status, hasNew, b.Balance)
	}
	var running jobV2JSON
	if w.get("/v2/accounts/"+id+"/jobs/"+jid).data(t, &running); running.Status != "processing" || !strings.Contains(running.Message, "jobs.update") {
		t.Fatalf("the job while it runs = %+v; want processing, its message saying how its end comes", running)
	}
	// finished_at is there, null, while it runs: the key was left out, which a
	// client reading the README's fields did not expect (a v2 developer's trial).
	if body := string(w.get("/v2/accounts/" + id + "/jobs/" + jid).body); !strings.Contains(body, `"finished_at":null`) {
		t.Fatalf("the job while it runs has no finished_at null:\n%s", body)
	}
	w.advance("1m") // while the job waits on the bank: it ends a minute after it began
	// The job runs on in real time after the request; its end is committed with the
	// jobs.update event, which the receiver awaits (bounded).
	hooks := w.hooks.await(t, id, 4)
	end := hooks[3]
	if end.Event != engine.EventJobsUpdate || end.Body["data"].(map[string]any)["id"] != jid ||
		end.Body["data"].(map[string]any)["status"] != "finished" {
		t.Fatalf("webhooks = %v; want the job's end last, finished", eventNames(hooks))
	}
	var job jobV2JSON
	if w.get("/v2/accounts/"+id+"/jobs/"+jid).data(t, &job); job.Status != "finished" || !job.HasNewData || job.FinishedAt == nil {
		t.Fatalf("the job after it ended = %+v", job)
	}
	// Its webhooks are stamped when it ended, not when it began.
	var log struct {
		Data []struct {
			Event     string `json:"event"`
			CreatedAt string `json:"created_at"`
		} `json:"data"`
	}
	w.get("/sandbox/webhooks?account="+id+"&limit=2").decode(t, &log)
	if end := *job.FinishedAt; end == job.StartedAt || len(log.Data) != 2 || log.Data[0].CreatedAt != end || log.Data[1].CreatedAt != end {
		t.Fatalf("the job ran %s to %s; its webhooks: %+v; want them at its end", job.StartedAt, end, log.Data)
	}
	if b, _ := w.v2Balance(id, false); b.Balance != 600000 {
		t.Fatalf("after the job: %d, want 600000", b.Balance)
	}
}

// A password change during real-time data: the job fails, data_status and a v2
// webhook say re-authorisation is needed; a reauth link asks only for the new
// password (and the bank's OTP) and fresh data follows. The webhooks arrive at a
// real receiver in v2's shape, byte for byte.
func TestV2PasswordChangeReauthAndWebhooks(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"webhook_format": "v2"}})
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	link, linkID := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"},
		"meta": map[string]any{"ref": "adam-001"}, "redirect_url": "http://127.0.0.1:3000/linked"})
	var out struct{ ID string }
	w.post("/v2/accounts/auth", map[string]any{"code": w.walkLink(linkID, "044", adam.Username, adam.Password).Code}).data(t, &out)
	id := out.ID
	a := w.v2Account(id)

	w.advance("20m") // past the bank session: the next job signs in
	w.post("/sandbox/customers/"+adam.ID+"/password", map[string]any{"password": "n3w-Passw0rd"})
	_, rep := w.v2Balance(id, true)
	failedJob, status, hasNew := jobHeaders(rep)
	if status != "failed" || hasNew != "" || failedJob == "" {
		t.Fatalf("real-time read after a password change: %q %q %q; want a failed job", failedJob, status, hasNew)
	}
	if a := w.v2Account(id); a.Meta.DataStatus != "FAILED" {
		t.Fatalf("data_status %s after the failed job, want FAILED", a.Meta.DataStatus)
	}
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions", req{body: map[string]any{"type": "debit", "amount": 500000}})

	var re initiateJSON
	w.post("/v2/accounts/initiate", map[string]any{"scope": "reauth", "account": id, "meta": map[string]any{"ref": "adam-re-1"},
		"redirect_url": "http://127.0.0.1:3000/back"}).data(t, &re)
	if re.Account != id || re.Scope != "reauth" || re.Institution == nil || re.Institution.ID != "044" || re.AuthMethod != a.Meta.AuthMethod {
		t.Fatalf("reauth initiate = %+v", re)
	}
	reID := re.MonoURL[strings.LastIndexByte(re.MonoURL, '/')+1:]
	st := w.openWidget(map[string]any{"link": reID})
	if st.Status != "login" {
		t.Fatalf("the reauth link opens at %q, want the password (the saved one was refused)", st.Status)
	}
	st = w.answerAll(w.login(st.Session, "", "n3w-Passw0rd")) // the bank asks an OTP after a password change
	if st.Account != id || st.Link.RedirectURL != "http://127.0.0.1:3000/back?account="+id+"&reference=adam-re-1&status=reauthorised" {
		t.Fatalf("reauth end = %+v %+v", st, st.Link)
	}
	if b, _ := w.v2Balance(id, false); b.Balance != 500000 {
		t.Fatalf("after re-authorising v2 says %d, want the fresh 500000", b.Balance)
	}
	if a := w.v2Account(id); a.Meta.DataStatus != "AVAILABLE" {
		t.Fatalf("data_status %s after re-authorising", a.Meta.DataStatus)
	}
	w.advance("5m")
	_, rep = w.v2Balance(id, true)
	okJob, status, _ := jobHeaders(rep)
	if status != "finished" {
		t.Fatalf("real-time read after re-authorising: %s", status)
	}

	// The webhooks, exactly.
	hooks := w.hooks.await(t, id, 9)
	jobsOf, err := w.eng.SyncJobs(w.ctx, id, 0) // newest first: the last job, the reauth's sync, the failed one, the first sync
	if err != nil || len(jobsOf) != 4 {
		t.Fatalf("jobs = %v, %v", jobsOf, err)
	}
	set := w.eng.Settings()
	owner := fmt.Sprintf(`"app":%q,"business":%q`, set.AppID(), set.BusinessID())
	acct := func(balance int, created, updated string) string {
		return fmt.Sprintf(`{"_id":%q,"name":"ADAM OKAFOR","accountNumber":%q,"currency":"NGN","balance":%d,"type":"SAVINGS_ACCOUNT","bvn":%q,`+
			`"authMethod":%q,"institution":{"name":"Access Bank","bankCode":"044","type":"PERSONAL_BANKING"},"created_at":%q,"updated_at":%q}`,
			id, a.Account.AccountNumber, balance, a.Account.BVN, a.Meta.AuthMethod, created, updated)
	}
	meta := func(dataStatus, syncStatus, job string, hasNew bool) string {
		retrieved := `["balance","transactions","identity"]`
		return fmt.Sprintf(`{"data_status":%q,"auth_method":%q,"retrieved_data":%s,"ref":"adam-001","sync_status":%q,"job_id":%q,"has_new_data":%t}`,
			dataStatus, a.Meta.AuthMethod, retrieved, syncStatus, job, hasNew)
	}
	const t0, t20, t25 = "2021-08-20T12:00:00.000Z", "2021-08-20T12:20:00.000Z", "2021-08-20T12:25:00.000Z"
	want := []struct{ event, at, data string }{
		{"mono.events.account_connected", t0, fmt.Sprintf(`{"id":%q,"customer":%q,"meta":{"data_status":"UNAVAILABLE","auth_method":%q,"ref":"adam-001"},%s}`,
			id, link.Customer, a.Meta.AuthMethod, owner)},
		{"mono.events.account_updated", t0, fmt.Sprintf(`{"account":%s,"meta":%s,%s}`, acct(1000000, t0, t0),
			meta("AVAILABLE", "SUCCESSFUL", jobsOf[3].ID, true), owner)},
		{"mono.events.account_updated", t20, fmt.Sprintf(`{"account":%s,"meta":%s,%s}`, acct(1000000, t0, t0),
			meta("FAILED", "REAUTHORISATION_REQUIRED", failedJob, false), owner)},
		{"mono.accounts.jobs.update", t20, fmt.Sprintf(`{"account":%q,%s,"id":%q,"name":"jobs.accounts.sync_balance","status":"failed"}`, id, owner, failedJob)},
		{"mono.events.account_reauthorized", t20, fmt.Sprintf(`{"account":{"_id":%q},%s}`, id, owner)},
		{"mono.events.account_updated", t20, fmt.Sprintf(`{"account":%s,"meta":%s,%s}`, acct(500000, t0, t20),
			meta("AVAILABLE", "SUCCESSFUL", jobsOf[1].ID, true), owner)},
		// The re-authorisation's sync took the failed job's window, and is answered
		// as its job: it ends as a real-time job does. Named for what started it, a
		// whole sync, not for the balance read that failed before it (a v2
		// developer's trial).
		{"mono.accounts.jobs.update", t20, fmt.Sprintf(`{"account":%q,%s,"id":%q,"name":"jobs.accounts.sync_statement","status":"finished"}`, id, owner, jobsOf[1].ID)},
		{"mono.events.account_updated", t25, fmt.Sprintf(`{"account":%s,"meta":%s,%s}`, acct(500000, t0, t25),
			meta("AVAILABLE", "SUCCESSFUL", okJob, false), owner)},
		{"mono.accounts.jobs.update", t25, fmt.Sprintf(`{"account":%q,%s,"id":%q,"name":"jobs.accounts.sync_balance","status":"finished"}`, id, owner, okJob)},
	}
	// The connect's sync, whose ID account_updated gave, read no balance: a
	// whole sync, named so, where it was sync_balance (a v2 developer's trial).
	var connectJob jobV2JSON
	if w.get("/v2/accounts/"+id+"/jobs/"+jobsOf[3].ID).data(t, &connectJob); connectJob.Name != "jobs.accounts.sync_statement" {
		t.Errorf("the connect's sync is named %s; want jobs.accounts.sync_statement", connectJob.Name)
	}
	for i, h := range hooks {
		body := fmt.Sprintf(`{"event":%q,"event_id":%q,"timestamp":%q,"data":%s}`, want[i].event, h.EventID, want[i].at, want[i].data)
		if string(h.Raw) != body || h.Secret != testWebhookSecret {
			t.Errorf("webhook %d:\n got %s\nwant %s", i+1, h.Raw, body)
		}
	}
	w.post("/v2/accounts/"+id+"/unlink", nil)
	last := w.hooks.await(t, id, 10)[9]
	if body := fmt.Sprintf(`{"event":"mono.events.account_unlinked","event_id":%q,"timestamp":%q,"data":{"account":{"id":%q},%s}}`,
		last.EventID, t25, id, owner); string(last.Raw) != body {
		t.Errorf("unlinked:\n got %s\nwant %s", last.Raw, body)
	}
}

// R4 holds in either format: events about an account connected before Data Sync
// was enabled are skipped; the log shows each event as v2 would send it.
func TestV2WebhooksFollowR4(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"webhook_format": "v2",
		"webhook_url": w.hooks.srv.URL + "/hooks", "webhook_secret": testWebhookSecret}})
	before := w.connect(w.addCustomer(map[string]any{"institution": "044", "balance": 100000}))
	w.advance("1m")
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true}})
	after := w.connect(w.addCustomer(map[string]any{"institution": "058", "balance": 200000}))
	w.advance("5m")
	for _, id := range []string{before, after} {
		w.must(http.StatusOK, "GET", "/v2/accounts/"+id+"/balance", req{headers: map[string]string{"x-realtime": "true"}})
	}
	got := w.hooks.await(t, after, 4)
	if names := eventNames(got); strings.Join(names, " ") != "mono.events.account_connected mono.events.account_updated mono.events.account_updated mono.accounts.jobs.update" {
		t.Fatalf("the later account's webhooks = %v", names)
	}
	var log struct{ Data []eventJSON }
	w.get("/sandbox/webhooks?account="+before).decode(t, &log)
	if len(log.Data) != 4 {
		t.Fatalf("%d events about the earlier account, want its connect's two and its real-time job's two", len(log.Data))
	}
	for _, ev := range log.Data {
		if ev.Status != "skipped" || ev.Format != "v2" || !strings.Contains(string(ev.Payload), `"event_id":"`+ev.ID+`"`) {
			t.Fatalf("event %+v: want skipped, shown in v2", ev)
		}
	}
	if len(w.hooks.forAccount(before)) != 0 {
		t.Fatal("the earlier account received webhooks (R4)")
	}
}

// Credits, debits and income, v1's and v2's, against hand-computed sums of a small
// account whose every transaction the test posts (engine/analytics_test.go has the
// table): the v1 routes answer v2's data without the envelope.
func TestAnalyticsOfASmallAccount(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"name": "Tola Ade", "institution": "044", "balance": 5000000})
	to := func(m time.Month, d int) {
		t.Helper()
		at := time.Date(2021, m, d, 12, 0, 0, 0, engine.WAT)
		w.advance(fmt.Sprintf("%dm", int(at.Sub(w.clock.Now())/time.Minute)))
	}
	post := func(typ string, kobo int, narration string) {
		t.Helper()
		w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions",
			req{body: map[string]any{"type": typ, "amount": kobo, "narration": narration}})
	}
	to(8, 25)
	post("credit", 30000000, "SALARY AUG 2021 - ACME LTD")
	to(8, 28)
	post("debit", 1200000, "POS PURCHASE SHOPRITE LEKKI")
	to(9, 3)
	post("credit", 2500000, "NIP TRF FROM BOLA ADE")
	to(9, 25)
	post("credit", 30000000, "SALARY SEP 2021 - ACME LTD")
	to(10, 2)
	post("debit", 2000000, "ATM WDL GTB LEKKI")
	to(10, 25)
	post("credit", 30000000, "SALARY OCT 2021 - ACME LTD")
	to(10, 30)
	id := w.connect(c)

	for route, want := range map[string]string{
		"credits": `{"total":97500000,"transactions_count":5,"history":[{"period":"2021-08","amount":35000000,"transactions_count":2},` +
			`{"period":"2021-09","amount":32500000,"transactions_count":2},{"period":"2021-10","amount":30000000,"transactions_count":1}]}`,
		"debits": `{"total":3200000,"transactions_count":2,"history":[{"period":"2021-08","amount":1200000,"transactions_count":1},` +
			`{"period":"2021-09","amount":0,"transactions_count":0},{"period":"2021-10","amount":2000000,"transactions_count":1}]}`,
		"income": `{"period":{"start":"2021-08-20T12:00:00.000Z","end":"2021-10-30T11:00:00.000Z"},"months":3,"total_income":90000000,` +
			`"aggregated_monthly_average":32500000,"aggregated_monthly_average_regular":30000000,"aggregated_monthly_average_irregular":2500000,` +
			`"income_sources_count":1,"income_sources":[{"source":"SALARY - ACME LTD","total":90000000,"transactions_count":3,"months":3,` +
			`"monthly_average":30000000,"first_date":"2021-08-25T11:00:00.000Z","last_date":"2021-10-25T11:00:00.000Z"}]}`,
	} {
		if got := strings.TrimSpace(string(w.get("/accounts/" + id + "/" + route).body)); got != want {
			t.Errorf("GET /accounts/{id}/%s:\n got %s\nwant %s", route, got, want)
		}
		if env := w.get("/v2/accounts/"+id+"/"+route).data(t, nil); string(env.Data) != want {
			t.Errorf("GET /v2/accounts/{id}/%s data:\n got %s\nwant %s", route, env.Data, want)
		}
	}
	// As of the last sync (R1): a credit at the bank changes nothing until a sync.
	post("credit", 100, "NIP TRF FROM BOLA ADE")
	var f flowJSON
	if w.get("/accounts/"+id+"/credits").decode(t, &f); f.Total != 97500000 {
		t.Fatalf("credits before a sync = %d", f.Total)
	}
	failed(t, w.do("GET", "/accounts/nope/income", req{}), http.StatusNotFound, "ACCOUNT_NOT_FOUND")
	failedV2(t, w.do("GET", "/v2/accounts/nope/debits", req{}), http.StatusNotFound)
}

// A real-time job the bank fails (an outage, not the user) ends as every real-time
// job does, with both webhooks: account_updated, sync_status FAILED, then the job's
// failed jobs.update; and the webhook log names each as the receiver got it.
func TestV2RealtimeJobFailedByTheBank(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"webhook_format": "v2"}})
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(adam)
	w.advance("30m")
	w.post("/sandbox/institutions/044/outage", map[string]any{"for": "15m"})
	_, rep := w.v2Balance(id, true)
	jid, status, _ := jobHeaders(rep)
	if status != "failed" {
		t.Fatalf("a real-time read during an outage: %q, want a failed job", status)
	}
	hooks := w.hooks.await(t, id, 4) // connected, updated (first sync), and the job's two
	got := hooks[2:]
	if got[0].Event != engine.EventAccountUpdated || got[1].Event != engine.EventJobsUpdate {
		t.Fatalf("webhooks = %v; want account_updated then jobs.update at the job's end", eventNames(hooks))
	}
	meta := got[0].Body["data"].(map[string]any)["meta"].(map[string]any)
	if meta["sync_status"] != "FAILED" || meta["job_id"] != jid || got[1].Body["data"].(map[string]any)["status"] != "failed" {
		t.Fatalf("the failed job's webhooks: %s / %s; want sync_status FAILED and a failed job %s", got[0].Raw, got[1].Raw, jid)
	}

	// A sync that needs the user is sent as account_updated in v2, and logged so.
	w.advance("20m")
	w.post("/sandbox/customers/"+adam.ID+"/password", map[string]any{"password": "n3w-Passw0rd"})
	w.post("/accounts/"+id+"/sync", nil)
	var log struct {
		Data []struct {
			Event   string          `json:"event"`
			Payload string          `json:"-"`
			Raw     json.RawMessage `json:"payload"`
		} `json:"data"`
	}
	w.get("/sandbox/webhooks?account="+id+"&limit=1").decode(t, &log)
	for i := range log.Data {
		log.Data[i].Payload = string(log.Data[i].Raw)
	}
	if len(log.Data) != 1 || log.Data[0].Event != "mono.events.account_updated" || !strings.Contains(string(log.Data[0].Payload), `"event":"mono.events.account_updated"`) ||
		!strings.Contains(string(log.Data[0].Payload), "REAUTHORISATION_REQUIRED") {
		t.Fatalf("the log of a v2 reauthorisation_required: %+v; want one entry, named account_updated as sent", log.Data)
	}
}

// In v1's format, which has no sync_status, the account_updated that ends a failed
// real-time job says FAILED in data_status: v1's "new data is available" body
// would tell a receiver the job had succeeded.
func TestRealtimeJobFailedInV1Webhooks(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(adam)
	w.advance("30m")
	w.post("/sandbox/institutions/044/outage", map[string]any{"for": "15m"})
	if _, rep := w.v2Balance(id, true); rep.header.Get("x-job-status") != "failed" {
		t.Fatalf("a real-time read during an outage: %q, want a failed job", rep.header.Get("x-job-status"))
	}
	hooks := w.hooks.await(t, id, 4)
	first, failed := hooks[1].Body["data"].(map[string]any)["meta"].(map[string]any), hooks[2].Body["data"].(map[string]any)["meta"].(map[string]any)
	if hooks[2].Event != engine.EventAccountUpdated || failed["data_status"] != "FAILED" || first["data_status"] != "AVAILABLE" {
		t.Fatalf("v1 webhooks: %s then %s; want the first sync AVAILABLE, the failed job's account_updated FAILED", hooks[1].Raw, hooks[2].Raw)
	}
}

// A link left unfinished past its expires_at says so when asked for JSON: it
// answered "pending" forever, while its page said it had expired.
func TestV2LinkSaysExpiredWhenAskedForJSON(t *testing.T) {
	w := newWorld(t, worldOpts{})
	_, linkID := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"},
		"meta": map[string]any{"ref": "adam-002"}, "redirect_url": "http://127.0.0.1:3000/linked"})
	w.advance("31m")
	var state linkJSON
	w.must(http.StatusOK, "GET", "/connect/links/"+linkID, req{key: noKey()}).decode(t, &state)
	if want := "http://127.0.0.1:3000/linked?reason=expired&reference=adam-002&status=failed"; state.Status != "expired" || state.RedirectURL != want {
		t.Fatalf("the link after its 30 minutes = %+v; want status expired and redirect %s", state, want)
	}
}

// A form-encoded initiate is refused with why (its fields nest) and what to send;
// a customer with a name and no email is told which field is missing.
func TestV2InitiateSaysWhatIsMissing(t *testing.T) {
	w := newWorld(t, worldOpts{})
	rep := w.do("POST", "/v2/accounts/initiate", req{body: "scope=auth&redirect_url=http://127.0.0.1:3000/x", ctype: "application/x-www-form-urlencoded"})
	failedV2(t, rep, http.StatusBadRequest)
	if !strings.Contains(string(rep.body), "a form-encoded body cannot nest them") {
		t.Errorf("a form-encoded initiate: %s", rep.body)
	}
	// JSON that is not an object is told what it is, not of forms (an integrator's trial).
	for body, want := range map[string]string{"[1,2,3]": "not an array", "null": "not null", `"auth"`: "not a string", "7": "not a number",
		`"scope":"auth","redirect_url":"http://x"`: "no braces around them", "[1,2": "not a JSON object (syntax error", "nul": "not a JSON object (syntax error",
		"[1] [2]": "goes on after its JSON value"} {
		rep := w.do("POST", "/v2/accounts/initiate", req{body: body, ctype: "application/json"})
		failedV2(t, rep, http.StatusBadRequest)
		if !strings.Contains(string(rep.body), want) || strings.Contains(string(rep.body), "form-encoded") {
			t.Errorf("an initiate of %s: %s; want it to say %q", body, rep.body, want)
		}
	}
	rep = w.do("POST", "/v2/accounts/initiate", req{body: map[string]any{"scope": "auth", "customer": map[string]any{"name": "Adam Okafor"},
		"redirect_url": "http://127.0.0.1:3000/x"}})
	failedV2(t, rep, http.StatusBadRequest)
	if !strings.Contains(string(rep.body), "customer.email is required beside customer.name") {
		t.Errorf("a customer with no email: %s", rep.body)
	}
}

// Two addresses developers reach for: a path with a double slash (a base URL
// ending in / joined to /v2/…) answered a 307 with an HTML body; v2's missing sync
// route said only that there is no route.
func TestAddressesDevelopersReachFor(t *testing.T) {
	w := newWorld(t, worldOpts{})
	rep := w.do("GET", "//v2/accounts/abc", req{})
	failedV2(t, rep, http.StatusNotFound)
	if !strings.Contains(string(rep.body), `did you mean /v2/accounts/abc?`) {
		t.Errorf("GET //v2/accounts/abc: %s", rep.body)
	}
	// An empty ID inside a path (an unset variable): cleaning it named another
	// route, "/accounts/sync", where "sync" is taken for an account's ID.
	rep = w.do("GET", "/v2//accounts/abc/balance", req{}) // a base URL ending in /v2/: the cleaned path is meant
	if !strings.Contains(string(rep.body), "did you mean /v2/accounts/abc/balance?") {
		t.Errorf("GET /v2//accounts/abc/balance: %s", rep.body)
	}
	for _, p := range []string{"/accounts//sync", "/v2/accounts//balance"} {
		rep = w.do("POST", p, req{})
		if rep.status != http.StatusNotFound || !strings.Contains(string(rep.body), "has an empty segment after /"+strings.Split(p, "//")[0][1:]+"/: is the ID that belongs there empty?") {
			t.Errorf("POST %s: %d %s", p, rep.status, rep.body)
		}
	}
	// Nor a dot segment there: "/accounts/../sync" suggested "/sync", which is no
	// route (a bad-input trial).
	for _, p := range []string{"/accounts/../sync", "/v2/accounts/./balance"} {
		rep = w.do("POST", p, req{})
		if rep.status != http.StatusNotFound || !strings.Contains(string(rep.body), "where an ID belongs: is the ID that belongs there right?") || strings.Contains(string(rep.body), "did you mean") {
			t.Errorf("POST %s: %d %s", p, rep.status, rep.body)
		}
	}
	// One whose cleaned path is a route of its own, with no ID, is still
	// suggested it (a review).
	for p, want := range map[string]string{"/v2/accounts/./initiate": "did you mean /v2/accounts/initiate?", "/sandbox/webhooks/.": "did you mean /sandbox/webhooks?"} {
		method := "POST"
		if strings.HasPrefix(p, "/sandbox") {
			method = "GET"
		}
		if rep = w.do(method, p, req{}); rep.status != http.StatusNotFound || !strings.Contains(string(rep.body), want) {
			t.Errorf("%s %s: %d %s; want %q", method, p, rep.status, rep.body, want)
		}
	}
	rep = w.do("GET", "/v2/accounts", req{})
	failedV2(t, rep, http.StatusNotFound)
	if !strings.Contains(string(rep.body), "GET /sandbox/accounts lists them all") {
		t.Errorf("GET /v2/accounts: %s", rep.body)
	}
	for _, p := range []string{"/accounts", "/v1/accounts"} { // v1's too (a newcomer's trial)
		if rep = w.do("GET", p, req{}); rep.status != http.StatusNotFound || !strings.Contains(string(rep.body), "v1 serves accounts one at a time, GET /accounts/{id}; GET /sandbox/accounts lists them all") {
			t.Errorf("GET %s: %d %s", p, rep.status, rep.body)
		}
	}
	rep = w.do("POST", "/v2/accounts/abc/sync", req{})
	failedV2(t, rep, http.StatusNotFound)
	if !strings.Contains(string(rep.body), "x-realtime: true") {
		t.Errorf("POST /v2/accounts/abc/sync: %s", rep.body)
	}
}

// The clean-path check leaves alone what is not a doubled slash: an escaped slash
// inside an ID reaches its route, and a browser keeps the mux's redirect.
func TestCleanPathLeavesEscapesAndBrowsersAlone(t *testing.T) {
	w := newWorld(t, worldOpts{})
	rep := w.do("GET", "/accounts/%2Fabc", req{})
	if strings.Contains(string(rep.body), "did you mean") || rep.status != http.StatusNotFound {
		t.Errorf("GET /accounts/%%2Fabc: %d %s", rep.status, rep.body)
	}
	r, err := http.NewRequest("GET", w.base+"//connect.js", nil) // not through the contract check: no route has that path
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Accept", "text/html")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/connect.js" {
		t.Errorf("a browser's GET //connect.js: %d to %q; want the mux's redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// A real-time read whose query is wrong is refused before its job starts: no job,
// no job headers, the account's window left for the read that follows (a newcomer
// trial: start=garbage ran a sync behind its 400).
func TestV2RealtimeBadQueryStartsNoJob(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	id := w.connect(w.addCustomer(map[string]any{"institution": "044", "balance": 1000000}))
	w.advance("30m")
	before, err := w.eng.SyncJobs(w.ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"start=garbage", "limit=0", "page=-1", "type=both"} {
		rep := w.do("GET", "/v2/accounts/"+id+"/transactions?"+q, req{headers: map[string]string{"x-realtime": "true"}})
		if job, status, _ := jobHeaders(rep); rep.status != http.StatusBadRequest || job != "" || status != "" {
			t.Fatalf("%s: %d, x-job-id %q, x-job-status %q; want a 400 and no job", q, rep.status, job, status)
		}
	}
	if after, err := w.eng.SyncJobs(w.ctx, id, 0); err != nil || len(after) != len(before) {
		t.Fatalf("refused reads made %d jobs (%v)", len(after)-len(before), err)
	}
	rep := w.do("GET", "/v2/accounts/"+id+"/transactions", req{headers: map[string]string{"x-realtime": "true"}})
	if job, status, _ := jobHeaders(rep); rep.status != http.StatusOK || job == "" || status != "finished" {
		t.Fatalf("the read after them: %d, x-job-id %q, x-job-status %q; want a job of its own", rep.status, job, status)
	}
}

// Real-time headers that disagree are refused before anything runs, naming both;
// ones that agree are one request for a job (a newcomer trial: true beside false
// counted as true, whichever came first).
func TestV2RealtimeHeadersThatDisagree(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	id := w.connect(w.addCustomer(map[string]any{"institution": "044", "balance": 1000000}))
	w.advance("30m")
	r, _ := http.NewRequest("GET", w.base+"/v2/accounts/"+id+"/balance", nil)
	r.Header.Set("mono-sec-key", testSecretKey)
	r.Header.Set("x-realtime", "true")
	r.Header.Set("x-real-time", "false")
	rep := w.raw(r)
	if job, _, _ := jobHeaders(rep); rep.status != http.StatusBadRequest || job != "" ||
		!strings.Contains(string(rep.body), "x-realtime: true and x-real-time: false disagree") {
		t.Fatalf("disagreeing headers: %d %s (x-job-id %q); want a 400 naming both, and no job", rep.status, rep.body, job)
	}
	r.Header.Set("x-real-time", "TRUE")
	if rep = w.raw(r); rep.status != http.StatusOK || rep.header.Get("x-job-id") == "" {
		t.Fatalf("agreeing headers: %d %s; want one real-time job", rep.status, rep.body)
	}
}

// A job still running past its window (a slow bank) is answered again, and the
// read says so: it was told "inside the window … the next can start at" a time
// already gone (the review).
func TestV2RealtimeJobPastItsWindowSaysSo(t *testing.T) {
	w := newWorld(t, worldOpts{realtimeWait: 20 * time.Millisecond})
	w.enableDataSync()
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	id := w.connect(adam)
	w.advance("30m")
	w.post("/sandbox/institutions/044/latency", map[string]any{"latency": "30s"}) // the job waits on the bank until the world closes
	_, rep := w.v2Balance(id, true)
	jid, status, _ := jobHeaders(rep)
	if status != "processing" {
		t.Fatalf("a slow job: %q %q", jid, status)
	}
	w.advance("6m")
	_, rep = w.v2Balance(id, true)
	again, status, _ := jobHeaders(rep)
	if again != jid || status != "processing" || !strings.Contains(string(rep.body), "still runs past its 5-minute window") || strings.Contains(string(rep.body), "inside the 5-minute window") {
		t.Fatalf("a read past the window while job %s runs: %q %q %s; want the job again, said to run past its window", jid, again, status, rep.body)
	}
}

// initiate refuses a field of the other scope, saying which scope it belongs to:
// account with scope auth answered a fresh connect link (the user would link a
// second copy of the account under a new ID), and customer with scope reauth was
// dropped (a v2 developer's trial). A field sandbank does not know still passes.
func TestInitiateRefusesAFieldOfTheOtherScope(t *testing.T) {
	w := newWorld(t, worldOpts{})
	id := w.connect(w.addCustomer(map[string]any{"institution": "044"}))
	back := "http://127.0.0.1:7481/back"
	for _, tc := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"scope": "auth", "account": id, "customer": map[string]any{"name": "Ada", "email": "ada@example.com"}, "redirect_url": back},
			"account belongs to scope reauth"},
		{map[string]any{"scope": "reauth", "account": id, "customer": map[string]any{"name": "Ada", "email": "ada@example.com"}, "redirect_url": back},
			"customer's name and email belong to scope auth"},
		// The account's own customer and bank pass; another's are refused, not
		// dropped (the review).
		{map[string]any{"scope": "reauth", "account": id, "customer": map[string]any{"id": "someone-else"}, "redirect_url": back},
			`customer.id "someone-else" is not the customer of account ` + id},
		{map[string]any{"scope": "reauth", "account": id, "institution": map[string]any{"id": "058", "auth_method": "internet_banking"}, "redirect_url": back},
			`institution "058" is not the bank of account ` + id + `, which is Access Bank (044)`},
		{map[string]any{"scope": "reauth", "account": id, "institution": map[string]any{"id": "044", "auth_method": "bogus"}, "redirect_url": back},
			`unknown auth_method "bogus"`},
		{map[string]any{"scope": "reauth", "account": id, "institution": map[string]any{"id": "044", "auth_method": "mobile_banking"}, "redirect_url": back},
			`auth_method "mobile_banking" is not how account ` + id + ` signs in`},
	} {
		v := failedV2(t, w.do("POST", "/v2/accounts/initiate", req{body: tc.body}), http.StatusBadRequest)
		if msg, _ := v["message"].(string); !strings.Contains(msg, tc.want) {
			t.Errorf("initiate %v = %q; want it to say %q", tc.body, msg, tc.want)
		}
	}
	w.initiate(map[string]any{"scope": "reauth", "account": id, "redirect_url": back, "sdk_version": "2.1"})
	var acct struct{ Customer struct{ ID string } }
	if w.get("/v2/accounts/"+id).data(t, &acct); acct.Customer.ID == "" {
		t.Fatal("the account has no customer ID to send")
	}
	w.initiate(map[string]any{"scope": "reauth", "account": id, "redirect_url": back, "customer": map[string]any{"id": acct.Customer.ID},
		"institution": map[string]any{"id": "044", "auth_method": "internet_banking"}})
}

// A code sent as a number, true or an object is refused as customer.id is,
// saying it must be a string: {"code":123} was turned into "123" and answered
// 404 'no connect code "123" was issued' (a v2 developer's trial). v1's exchange
// too (and so under /v1, the same route).
func TestCodeMustBeAString(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, path := range []string{"/v2/accounts/auth", "/account/auth"} {
		for body, kind := range map[string]string{`{"code":123}`: "number", `{"code":true}`: "boolean", `{"code":{"id":"x"}}`: "object", `{"code":["x"]}`: "array"} {
			rep := w.do("POST", path, req{body: body, ctype: "application/json"})
			if msg := string(rep.body); rep.status != http.StatusBadRequest || !strings.Contains(msg, "code must be a string, not "+kind) {
				t.Errorf("POST %s %s = %d %s; want 400 saying code must be a string, not %s", path, body, rep.status, msg, kind)
			}
		}
	}
	// A string, a form and a null (as if left out) are read as before.
	failedV2(t, w.do("POST", "/v2/accounts/auth", req{body: `{"code":"123"}`, ctype: "application/json"}), http.StatusNotFound)
	failed(t, w.do("POST", "/account/auth", req{body: "code=123", ctype: "application/x-www-form-urlencoded"}), http.StatusNotFound, "")
	failed(t, w.do("POST", "/account/auth", req{body: `{"code":null}`, ctype: "application/json"}), http.StatusBadRequest, "")
}
