package api

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// The routes the mux serves and the operations openapi.yaml documents are the same.
func TestEveryRouteIsDocumented(t *testing.T) {
	w := newWorld(t, worldOpts{})
	documented := map[string]bool{}
	// Every operation has an operationId, unique and fit for a method's name:
	// generators named them from paths (Get, PostConnectSSessionStepWithFormdataBody),
	// names that change when a path does (an OpenAPI trial).
	ids := map[string]string{}
	for path, item := range w.spec.doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = true
			id := op.OperationID
			if !regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`).MatchString(id) {
				t.Errorf("%s %s has operationId %q: want a camelCase name", method, path, id)
			}
			if other, dup := ids[id]; dup {
				t.Errorf("operationId %q names both %s and %s %s", id, other, method, path)
			}
			ids[id] = method + " " + path
		}
	}
	// Integers are 64-bit: money in kobo passes 2³¹ (a business's balance of
	// 14,967,026,400), and a generator's plain integer is 32 bits.
	if n := bytes.Count(OpenAPI, []byte("type: integer")); n == 0 || n != bytes.Count(OpenAPI, []byte("type: integer, format: int64"))+
		len(regexp.MustCompile(`type: integer\n\s+format: int64`).FindAll(OpenAPI, -1)) {
		t.Errorf("of openapi.yaml's %d integers, some have no format: int64", n)
	}
	served := map[string]bool{}
	for _, p := range w.srv.routes {
		method, path, _ := strings.Cut(p, " ")
		path = strings.TrimSuffix(path, "{$}")
		served[method+" "+path] = true
		if !documented[method+" "+path] {
			t.Errorf("the mux serves %s, which openapi.yaml does not document", p)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("openapi.yaml documents %s, which the mux does not serve", op)
		}
	}
	// The served document names its own server (this test's port), not 7070.
	doc := bytes.Replace(OpenAPI, []byte("\nservers:\n  - url: http://127.0.0.1:7070\n"), []byte("\nservers:\n  - url: "+w.base+"\n"), 1)
	if got := w.do("GET", "/openapi.yaml", req{key: noKey()}); got.status != 200 || !bytes.Equal(got.body, doc) || bytes.Equal(doc, OpenAPI) {
		t.Fatalf("GET /openapi.yaml = %d, %d bytes; want the embedded document naming %s as its server", got.status, len(got.body), w.base)
	}
}

// isPublic reports whether openapi.yaml says a route needs no secret key.
func (s *spec) isPublic(method, path string) bool {
	op := s.doc.Paths.Find(path).GetOperation(method)
	return op.Security != nil && len(*op.Security) == 0
}

// mono-sec-key guards every route but the widget's, the PDF download (its job ID is
// the credential), the document and the built-in webhook receiver; a missing or wrong
// key is a 401 JSON error, and nothing runs.
// The secret key pasted where an account's ID goes is neither echoed nor logged:
// the 404 said `no connected account has ID "test_sk_…"`, and the log wrote it as
// the account, for a request without the key too (a fuzzing trial).
func TestASecretKeyInThePathIsNotEchoedNorLogged(t *testing.T) {
	w := newWorld(t, worldOpts{})
	mark := len(w.logs.String())
	v := failed(t, w.do("GET", "/accounts/"+testSecretKey, req{}), http.StatusNotFound, "")
	if msg := fmt.Sprint(v["message"]); strings.Contains(msg, testSecretKey) || !strings.Contains(msg, "the path holds a secret key") {
		t.Errorf("the 404 says %q", msg)
	}
	failed(t, w.do("GET", "/v2/accounts/"+testSecretKey, req{}), http.StatusNotFound, "")
	failed(t, w.do("GET", "/accounts/"+testSecretKey, req{key: noKey()}), http.StatusUnauthorized, "")
	if logs := w.logs.String()[mark:]; strings.Contains(logs, testSecretKey) || !strings.Contains(logs, "a secret key: not logged") {
		t.Errorf("the log:\n%s\nwant the key left out", logs)
	}
}

// A secret key without "_sk_" (sandbank serve --secret-key takes any of 16
// characters or more) is kept out of the 404 and the log all the same: it was
// echoed and logged as the account, with the key and without (a security review).
func TestASecretKeyOfAnyFormInThePathIsNotEchoedNorLogged(t *testing.T) {
	w := newWorld(t, worldOpts{})
	key := "mysupersecretkey1234"
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{SecretKey: &key}); err != nil {
		t.Fatal(err)
	}
	v := failed(t, w.do("GET", "/accounts/"+key, req{key: withKey(key)}), http.StatusNotFound, "")
	if msg := fmt.Sprint(v["message"]); strings.Contains(msg, key) || !strings.Contains(msg, "the path holds a secret key") {
		t.Errorf("the 404 says %q", msg)
	}
	withTheKey := httptest.NewRequest("GET", "/accounts/"+key, nil)
	withTheKey.Header.Set("mono-sec-key", key)
	for _, r := range []*http.Request{withTheKey, httptest.NewRequest("GET", "/accounts/"+key, nil)} {
		if status, log := w.logOf(r); strings.Contains(log, key) || !strings.Contains(log, "a secret key: not logged") {
			t.Errorf("the log of a %d:\n%s\nwant the key left out", status, log)
		}
	}
	// An ID that is not the key is an ID: said and logged.
	other := httptest.NewRequest("GET", "/accounts/mysupersecretkey1235", nil)
	other.Header.Set("mono-sec-key", key)
	if status, log := w.logOf(other); status != http.StatusNotFound || !strings.Contains(log, "account=mysupersecretkey1235") {
		t.Errorf("an ID one character from the key: %d, logged %s", status, log)
	}
}

// The secret key inside a path's value — with a comma or a space after it, or
// more letters — is kept out of the log, and out of every answer's message: a
// job's ID, a bank's code, a path no route takes (a review).
func TestASecretKeyAnywhereInThePathIsNotEchoedNorLogged(t *testing.T) {
	w := newWorld(t, worldOpts{})
	acc := w.connect(w.addCustomer(map[string]any{"institution": "044", "balance": 100000}))
	key := "mysupersecretkey1234"
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{SecretKey: &key}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{key + ",", url.PathEscape(key + " "), key + strings.Repeat("y", 200)} {
		for _, withHeader := range []bool{true, false} {
			r := httptest.NewRequest("GET", "/accounts/"+id, nil)
			if withHeader {
				r.Header.Set("mono-sec-key", key)
			}
			if status, log := w.logOf(r); strings.Contains(log, key) {
				t.Errorf("the log of GET /accounts/%.40s (key header %v, %d) holds the key:\n%s", id, withHeader, status, log)
			}
		}
	}
	// Escaped (%31 for a 1), clipped in a long word, or a query parameter's name
	// (the answer's field), it was repeated all the same (a review).
	escaped := strings.Replace(key, "1", "%31", 1)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/accounts/" + acc + "/statement/jobs/" + key}, {"GET", "/v2/accounts/" + acc + "/jobs/" + key},
		{"POST", "/sandbox/institutions/" + key + "/outage"}, {"GET", "/accounts/" + key + "/bogus"},
		{"PUT", "/accounts/" + key}, {"GET", "/v2/accounts/" + key + "/sync"},
		{"GET", "/nosuch/" + escaped}, {"PUT", "/accounts/" + escaped}, {"GET", "/v2/accounts/" + escaped + "/sync"},
		{"GET", "/accounts/" + acc + "/transactions?type=" + strings.Repeat("a", 31) + key + strings.Repeat("b", 100)},
		{"GET", "/nosuch/" + strings.Repeat("a", 473) + key + strings.Repeat("b", 600)},
		{"GET", "/sandbox/customers?" + key + "=1"},
	} {
		r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(`{"for":"1m"}`))
		r.Header.Set("mono-sec-key", key)
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, r)
		if body := rec.Body.String(); strings.Contains(body, key[:10]) || strings.Contains(body, escaped) || rec.Code < 400 {
			t.Errorf("%s %s: %d %s; want refused, the key not repeated", tc.method, tc.path, rec.Code, body)
		}
	}
}

func TestSecretKeyOnEveryRoute(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 100000})
	id := w.connect(c)
	values := map[string]string{"id": id, "job": "job", "file": "x.pdf", "session": "s", "code": "044", "link": "l"}
	bad := map[string]*string{"missing": noKey(), "wrong": withKey("test_sk_wrong0123456789abcde"),
		"public key": withKey(testPublicKey), "prefix": withKey(testSecretKey[:len(testSecretKey)-1]),
		"longer": withKey(testSecretKey + "x"), "upper case": withKey(strings.ToUpper(testSecretKey)),
		"empty": withKey(" ")}
	secret := 0
	for _, p := range w.srv.routes {
		method, path := pathOf(p, values)
		docPath := strings.TrimSuffix(strings.SplitN(p, " ", 2)[1], "{$}")
		if w.spec.isPublic(method, docPath) {
			continue
		}
		secret++
		for name, key := range bad {
			rep := w.do(method, path, req{key: key, body: map[string]any{"advance": "1h", "type": "none", "password": "Secret123!",
				"for": "1h", "latency": "1s", "data_sync_enabled": false, "code": "x", "amount": 5}})
			if rep.status != http.StatusUnauthorized {
				t.Fatalf("%s with a %s key = %d, want 401\n%s", p, name, rep.status, rep.body)
			}
			if isV2Path(path) {
				failedV2(t, rep, http.StatusUnauthorized)
				continue
			}
			failed(t, rep, http.StatusUnauthorized, "INVALID_SECRET_KEY")
		}
	}
	if secret < 40 {
		t.Fatalf("only %d routes need the secret key", secret)
	}
	// Nothing ran: the clock, the settings, the bank and the account are as they were.
	var clk clockJSON
	if w.get("/sandbox/clock").decode(t, &clk); clk.Now != "2021-08-20T12:00:00.000Z" {
		t.Fatalf("the clock moved to %s", clk.Now)
	}
	var set settingsJSON
	if w.get("/sandbox/settings").decode(t, &set); !set.DataSyncEnabled {
		t.Fatal("the settings changed")
	}
	w.get("/accounts/" + id)

	// The widget takes the public key, not the secret one, and needs it.
	for name, key := range map[string]any{"missing": nil, "secret": testSecretKey, "wrong": "test_pk_nope0123456789abcde", "number": 7} {
		body := map[string]any{"institution": "044", "key": key}
		if key == nil {
			delete(body, "key")
		}
		failed(t, w.do("POST", "/connect/sessions", req{key: noKey(), body: body}), http.StatusUnauthorized, "INVALID_PUBLIC_KEY")
		_ = name
	}
	// The receiver takes the webhook secret.
	failed(t, w.do("POST", "/sandbox/receiver", req{key: noKey(), body: map[string]any{"event": "x"}}), http.StatusUnauthorized, "")
	failed(t, w.do("POST", "/sandbox/receiver", req{key: noKey(), body: map[string]any{"event": "x"},
		headers: map[string]string{"mono-webhook-secret": "whsec_wrong"}}), http.StatusUnauthorized, "")
	w.must(http.StatusOK, "POST", "/sandbox/receiver", req{key: noKey(), body: map[string]any{"event": "x"},
		headers: map[string]string{"mono-webhook-secret": testWebhookSecret}})
}

// adamsTransactions is a world with Data Sync on and Adam connected, his account's
// ID, and a reader of its transactions' pages by query string.
func adamsTransactions(t *testing.T) (w *world, adam customerJSON, id string, page func(q string) txPageJSON) {
	t.Helper()
	w = newWorld(t, worldOpts{})
	w.enableDataSync()
	for _, c := range w.customers() {
		if c.Name == "Adam Okafor" {
			adam = c
		}
	}
	id = w.connect(adam)
	page = func(q string) txPageJSON {
		t.Helper()
		var p txPageJSON
		w.get("/accounts/"+id+"/transactions?"+q).decode(t, &p)
		return p
	}
	return w, adam, id, page
}

// Mono's v1 routes answer under /v1 too, as apps and Mono's pages write them: a
// base URL of https://api.withmono.com/v1 needs only its host swapped. They
// answered 404 (a back-end developer's trial). Links and messages keep the prefix.
func TestV1RoutesUnderTheV1Prefix(t *testing.T) {
	w, adam, id, page := adamsTransactions(t)
	send := func(method, path string, body string) reply {
		t.Helper()
		r, _ := http.NewRequest(method, w.base+path, strings.NewReader(body))
		r.Header.Set("mono-sec-key", testSecretKey)
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		return w.raw(r) // openapi.yaml documents the routes without the prefix
	}
	for _, path := range []string{"/accounts/" + id, "/accounts/" + id + "/identity", "/accounts/" + id + "/credits", "/accounts/" + id + "/transactions?limit=3"} {
		plain, prefixed := w.get(path), send("GET", "/v1"+path, "")
		if prefixed.status != http.StatusOK {
			t.Fatalf("GET /v1%s = %d %s; want 200 as GET %s", path, prefixed.status, prefixed.body, path)
		}
		if want := strings.ReplaceAll(string(plain.body), w.base+"/accounts/", w.base+"/v1/accounts/"); string(prefixed.body) != want {
			t.Errorf("GET /v1%s answered\n%s\nwant GET %s's answer with its links under /v1:\n%s", path, prefixed.body, path, want)
		}
	}
	// Paging from a /v1 page stays under /v1, and follows as it reads.
	var p1 txPageJSON
	if err := json.Unmarshal(send("GET", "/v1/accounts/"+id+"/transactions?limit=3", "").body, &p1); err != nil || p1.Paging.Next == nil {
		t.Fatalf("first /v1 page: %+v %v", p1.Paging, err)
	}
	if !strings.HasPrefix(*p1.Paging.Next, w.base+"/v1/accounts/"+id+"/transactions?") {
		t.Fatalf("next of a /v1 page = %s; want it under /v1", *p1.Paging.Next)
	}
	r, _ := http.NewRequest("GET", *p1.Paging.Next, nil)
	r.Header.Set("mono-sec-key", testSecretKey)
	var p2 txPageJSON
	if err := json.Unmarshal(w.raw(r).body, &p2); err != nil || len(p2.Data) != 3 || p2.Paging.Page != 2 {
		t.Fatalf("following next: %+v %v", p2, err)
	}
	if want := page("limit=3&page=2"); p2.Data[0].ID != want.Data[0].ID {
		t.Errorf("page 2 under /v1 starts at %s, without the prefix at %s", p2.Data[0].ID, want.Data[0].ID)
	}
	// Acting routes act, errors keep v1's shape and name the path as sent.
	if rep := send("POST", "/v1/accounts/"+id+"/sync", ""); rep.status != http.StatusOK {
		t.Errorf("POST /v1/accounts/ID/sync = %d %s", rep.status, rep.body)
	}
	if rep := send("POST", "/v1/account/auth", `{"code":"nope"}`); rep.status != http.StatusBadRequest && rep.status != http.StatusNotFound {
		t.Errorf("POST /v1/account/auth with a bad code = %d %s; want the route's own refusal", rep.status, rep.body)
	} else if !strings.Contains(string(rep.body), `"status":"failed"`) {
		t.Errorf("POST /v1/account/auth's error is not v1's: %s", rep.body)
	}
	if rep := send("PUT", "/v1/accounts/"+id+"/sync", ""); rep.status != http.StatusMethodNotAllowed || !strings.Contains(string(rep.body), "PUT is not allowed on /v1/accounts/"+id+"/sync") {
		t.Errorf("PUT /v1/accounts/ID/sync = %d %s; want 405 naming the path as sent", rep.status, rep.body)
	}
	if rep := send("DELETE", "/v1/accounts/"+id, ""); rep.status != http.StatusMethodNotAllowed || !strings.Contains(string(rep.body), "on /v1/accounts/"+id+";") {
		t.Errorf("DELETE /v1/accounts/ID = %d %s; want 405 naming the path as sent", rep.status, rep.body)
	}
	if rep := send("GET", "/v1/accounts/"+id+"/nothing", ""); rep.status != http.StatusNotFound || !strings.Contains(string(rep.body), "no route GET /v1/accounts/"+id+"/nothing") {
		t.Errorf("GET /v1/accounts/ID/nothing = %d %s; want 404 naming the path as sent", rep.status, rep.body)
	}
	if rep := send("GET", "/v1/accounts/"+id+"/", ""); rep.status != http.StatusNotFound || !strings.Contains(string(rep.body), "(without the trailing slash it is one: GET /v1/accounts/"+id+")") {
		t.Errorf("GET /v1/accounts/ID/ = %d %s; want 404 naming the route under /v1", rep.status, rep.body)
	}
	if rep := send("GET", "/v1/accounts/"+id, ""); !strings.Contains(string(rep.body), adam.Accounts[0].AccountNumber) {
		t.Errorf("GET /v1/accounts/ID is not Adam's account: %s", rep.body)
	}
	// The request log names the route and the account, as without the prefix (it
	// said "GET (no route)" of every call under /v1: the review).
	// The statement's PDF link too.
	var job struct{ Path string }
	if err := json.Unmarshal(send("GET", "/v1/accounts/"+id+"/statement?period=last1months&output=pdf", "").body, &job); err != nil ||
		!strings.HasPrefix(job.Path, w.base+"/v1/statements/") {
		t.Errorf("a PDF statement asked under /v1 links to %q (%v); want it under /v1", job.Path, err)
	} else if r, _ := http.NewRequest("GET", job.Path, nil); w.raw(r).status != http.StatusOK && w.raw(r).status != http.StatusAccepted {
		t.Errorf("its link %s does not answer", job.Path)
	}
	mark := len(w.logs.String())
	send("GET", "/v1/accounts/"+id+"/identity", "")
	if want := `route="GET /accounts/{id}/identity" status=200`; !regexp.MustCompile(regexp.QuoteMeta(want) + ` dur=\S+ account=` + id).MatchString(w.logs.String()[mark:]) {
		t.Errorf("the log of GET /v1/accounts/ID/identity:\n%s\nwant %s with the account", w.logs.String()[mark:], want)
	}
	// An escaped slash after /v1 is no route, not a redirect to a path escaped twice.
	if rep := send("GET", "/v1%2Faccounts/"+id, ""); rep.status != http.StatusNotFound {
		t.Errorf("GET /v1%%2Faccounts/ID = %d %s (Location %q); want 404", rep.status, rep.body, rep.header.Get("Location"))
	}
}

// Query strings as real clients send them: a trailing &, dates as DD-MM-YYYY or ISO,
// ISO instants with an unencoded +, filters, paging; bad values are 400 naming the field.
func TestTransactionQueries(t *testing.T) {
	w, _, id, page := adamsTransactions(t)
	all := page("paginate=false&")
	n := len(all.Data)
	if n < 100 || all.Paging.Total != int64(n) || all.Paging.Next != nil || all.Paging.Previous != nil {
		t.Fatalf("paginate=false: %d transactions, paging %+v; want a year of history on one page", n, all.Paging)
	}
	for i := 1; i < n; i++ {
		if all.Data[i].Date > all.Data[i-1].Date {
			t.Fatalf("not newest first at %d: %s after %s", i, all.Data[i].Date, all.Data[i-1].Date)
		}
	}
	// paginate=false answers at most maxUnpaginated: more is a 400 that says how
	// many and what to do, on v1 and v2 (a 70 MB answer, eight at once, took the
	// server to 3.4 GB). At the bound it still answers.
	defer func(m int64) { maxUnpaginated = m }(maxUnpaginated)
	maxUnpaginated = int64(n) - 1
	for _, path := range []string{"/accounts/" + id + "/transactions?paginate=false", "/v2/accounts/" + id + "/transactions?paginate=false"} {
		rep := w.do("GET", path, req{})
		if rep.status != http.StatusBadRequest || !strings.Contains(string(rep.body), fmt.Sprintf("paginate=false answers at most %d transactions at once, and %d match here: narrow the period with start= and end=, or page through them with limit= (at most 1000) and page=", n-1, n)) {
			t.Fatalf("%s over the bound: %d %s", path, rep.status, rep.body)
		}
	}
	maxUnpaginated = int64(n)
	if again := page("paginate=false"); len(again.Data) != n {
		t.Fatalf("paginate=false at the bound: %d transactions, want %d", len(again.Data), n)
	}
	for _, tx := range all.Data {
		if tx.ID == "" || tx.Amount <= 0 || tx.Currency != "NGN" || (tx.Type != "debit" && tx.Type != "credit") || tx.Category == "" {
			t.Fatalf("transaction %+v", tx)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", tx.Date); err != nil {
			t.Fatalf("date %q is not Mono's form: %v", tx.Date, err)
		}
	}

	// Default page size, and following next/previous as a client does.
	p1 := page("")
	if len(p1.Data) != DefaultPageSize || p1.Paging.Page != 1 || p1.Paging.Next == nil || p1.Paging.Previous != nil || p1.Paging.Total != int64(n) {
		t.Fatalf("first page: %d rows, paging %+v", len(p1.Data), p1.Paging)
	}
	// A URL in an answer reads as typed: & is &, not JSON's HTML-safe \u0026.
	if raw := string(w.get("/accounts/" + id + "/transactions?limit=5&type=debit").body); !strings.Contains(raw, "&type=debit") || strings.Contains(raw, `\u0026`) {
		t.Fatalf("paging.next in the raw answer is escaped: %s", raw[strings.Index(raw, `"paging"`):])
	}
	// A parameter given twice counts if both say the same; otherwise which one
	// counts would be a guess, and the answer says so, on every route with a query.
	if again := page("limit=5&limit=5&"); len(again.Data) != 5 {
		t.Fatalf("limit=5&limit=5: %d rows, want 5", len(again.Data))
	}
	for _, path := range []string{"/accounts/" + id + "/transactions?limit=1&limit=50", "/v2/accounts/" + id + "/transactions?limit=1&limit=50",
		"/sandbox/webhooks?limit=1&limit=50"} {
		rep := w.do("GET", path, req{})
		if rep.status != http.StatusBadRequest || !strings.Contains(string(rep.body), `query parameter \"limit\" is given 2 times with different values (\"1\", \"50\"); send it once`) {
			t.Fatalf("%s: %d %s", path, rep.status, rep.body)
		}
	}
	var p2 txPageJSON
	w.get(*p1.Paging.Next).decode(t, &p2)
	if p2.Paging.Page != 2 || p2.Data[0].ID != all.Data[DefaultPageSize].ID || p2.Paging.Previous == nil {
		t.Fatalf("second page: %+v", p2.Paging)
	}
	if last := page(fmt.Sprintf("limit=50&page=%d&", (n+49)/50)); last.Paging.Next != nil || len(last.Data) != n-((n-1)/50)*50 {
		t.Fatalf("last page: %d rows, next %v", len(last.Data), last.Paging.Next)
	}
	if past := page("limit=50&page=100000"); len(past.Data) != 0 || past.Paging.Total != int64(n) ||
		past.Paging.Previous == nil || !regexp.MustCompile(fmt.Sprintf(`[?&]page=%d(&|$)`, (n+49)/50)).MatchString(*past.Paging.Previous) {
		t.Fatalf("a page past the end (its previous: the last page, %d): %+v", (n+49)/50, past.Paging)
	}

	// Date bounds: July in Lagos (the banks' days), written every way clients write it.
	var july []txJSON
	for _, tx := range all.Data {
		if tx.Date >= "2021-06-30T23:00:00" && tx.Date < "2021-07-31T23:00:00" {
			july = append(july, tx)
		}
	}
	if len(july) == 0 {
		t.Fatal("no July transactions to query")
	}
	for _, q := range []string{
		"start=01-07-2021&end=31-07-2021&paginate=false&",
		"start=01/07/2021&end=31/07/2021&paginate=false",
		"start=2021-07-01&end=2021-07-31&paginate=false&",
		"start=2021-06-30T23:00:00Z&end=2021-07-31T22:59:59.999Z&paginate=false",
		"start=2021-07-01T00:00:00&end=2021-07-31T23:59:59.999&paginate=false",             // no zone: Lagos's
		"start=2021-07-01T00:00:00+01:00&end=2021-07-31T23:59:59.999+01:00&paginate=false", // + unencoded
		"start=" + url.QueryEscape("2021-07-01T00:00:00+01:00") + "&end=" + url.QueryEscape("2021-07-31T23:59:59.999+01:00") + "&paginate=false",
		"&&start=01-07-2021&end=31-07-2021&paginate=FALSE&&",
		"start=2021-07-01T00:00&end=2021-07-31T23:59&paginate=false",                 // to the minute, an end taking its whole minute
		"start=2021-06-30T23:00Z&end=2021-07-31T22:59Z&paginate=false",               // to the minute, in UTC
		"start=2021-07-01T00:00%2B01:00&end=2021-07-31T23:59%2B01:00&paginate=false", // to the minute, with a zone
	} {
		got := page(q)
		if len(got.Data) != len(july) || got.Data[0].ID != july[0].ID || got.Data[len(got.Data)-1].ID != july[len(july)-1].ID {
			t.Fatalf("%s: %d transactions, want the %d of July", q, len(got.Data), len(july))
		}
	}

	// Type and narration filters agree with the full list.
	var debits, salary int
	for _, tx := range all.Data {
		if tx.Type == "debit" {
			debits++
		}
		if strings.Contains(strings.ToLower(tx.Narration), "salary") {
			salary++
		}
	}
	if got := page("type=debit&paginate=false"); len(got.Data) != debits || got.Paging.Total != int64(debits) {
		t.Fatalf("type=debit: %d, want %d", len(got.Data), debits)
	}
	if got := page("type=CREDIT&limit=5"); got.Paging.Total != int64(n-debits) || len(got.Data) != 5 || got.Data[0].Type != "credit" {
		t.Fatalf("type=CREDIT: total %d, want %d", got.Paging.Total, n-debits)
	}
	if got := page("narration=SaLaRy&paginate=false"); salary == 0 || len(got.Data) != salary {
		t.Fatalf("narration=salary: %d, want %d", len(got.Data), salary)
	}

	for q, field := range map[string]string{
		"start=2021-13-45":                  "start",
		"end=yesterday":                     "end",
		"start=01-08-2021&end=01-07-2021":   "end",
		"type=transfer":                     "type",
		"limit=0":                           "limit",
		"limit=1001":                        "limit",
		"limit=ten":                         "limit",
		"page=0":                            "page",
		"page=-1":                           "page",
		"paginate=maybe":                    "paginate",
		"start=%zz":                         "query",
		"limit=99999999999999999999999999":  "limit",
		"page=1;limit=2":                    "query",
		"limit=2&=hunter2":                  "query", // a value with no name: dropped unsaid (a review)
		"start=" + strings.Repeat("9", 300): "start",
	} {
		v := failed(t, w.do("GET", "/accounts/"+id+"/transactions?"+q, req{}), http.StatusBadRequest, "INVALID_REQUEST")
		if v["field"] != field {
			t.Errorf("%s: field %v, want %s", q, v["field"], field)
		}
	}
	for q, field := range map[string]string{"period=last13months": "period", "period=last0months": "period", "": "period",
		"period=lastmonth": "period", "period=last1months&output=xml": "output"} {
		v := failed(t, w.do("GET", "/accounts/"+id+"/statement?"+q, req{}), http.StatusBadRequest, "INVALID_REQUEST")
		if v["field"] != field {
			t.Errorf("statement?%s: field %v, want %s", q, v["field"], field)
		}
	}
	var st statementJSON
	if w.get("/accounts/"+id+"/statement?period=LAST12MONTHS&").decode(t, &st); st.Meta.Count == 0 || st.Meta.Count > n {
		t.Fatalf("12-month statement has %d transactions of %d", st.Meta.Count, n)
	}
	var ident identityJSON
	if w.get("/accounts/"+id+"/identity").decode(t, &ident); ident.FullName == "" || len(ident.BVN) != 11 || ident.UpdatedAt != "2021-08-20T12:00:00.000Z" {
		t.Fatalf("identity = %+v", ident)
	}
}

// POST bodies as clients send them: JSON, form-encoded, nothing at all, or JSON
// without a Content-Type; bad bodies are 400 naming the field, big ones 413.
func TestRequestBodies(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 100000})

	// Connect with form-encoded bodies throughout, as an HTML form would.
	form := func(path string, v url.Values) reply {
		return w.must(http.StatusOK, "POST", path, req{key: noKey(), body: v.Encode(), ctype: "application/x-www-form-urlencoded"})
	}
	var st widgetReply
	form("/connect/sessions", url.Values{"key": {testPublicKey}, "institution": {"044"}}).decode(t, &st)
	form("/connect/sessions/"+st.Session+"/login", url.Values{"username": {c.Username}, "password": {c.Password}}).decode(t, &st)
	if st.Status != "success" {
		t.Fatalf("form login = %+v", st)
	}
	var acct struct{ ID string }
	w.must(http.StatusOK, "POST", "/account/auth", req{body: "code=" + url.QueryEscape(st.Code)}).decode(t, &acct) // no Content-Type
	id := acct.ID
	picking := w.openWidget(map[string]any{"key": testPublicKey}) // a session at its first step: the list of banks

	// JSON without a Content-Type, and with text/plain; an empty POST and an empty JSON object.
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: `{"advance":"2m"}`})
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: `{"advance":"1m", "paused": true}`, ctype: "text/plain"})
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/sync", req{body: ""})
	w.advance("2m")
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/sync", req{body: "{}", ctype: "application/json"})
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/reauthorise", req{body: "", ctype: "application/x-www-form-urlencoded"})
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: "advance=%2B1m&paused=true", ctype: "application/x-www-form-urlencoded; charset=utf-8"})
	var clk clockJSON
	if w.get("/sandbox/clock").decode(t, &clk); clk.Now != "2021-08-20T12:06:00.000Z" || !clk.Paused || clk.Speed != 1 {
		t.Fatalf("clock = %+v", clk)
	}
	// JSON that `curl -d` labels as a form is still JSON.
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: `{"advance":"1m"}`, ctype: "application/x-www-form-urlencoded"})
	if w.get("/sandbox/clock").decode(t, &clk); clk.Now != "2021-08-20T12:07:00.000Z" {
		t.Fatalf("after a curl -d advance the clock = %+v", clk)
	}
	// A setting of text is text: {"webhook_secret":true} set the secret "true".
	before := w.eng.Settings().WebhookSecret
	for _, body := range []string{`{"webhook_secret":true}`, `{"webhook_secret":123}`, `{"webhook_url":1}`, `{"webhook_url":["a"]}`, `{"webhook_secret":{}}`} { // an array said as a number is (a bad-input trial)
		rep := w.do("PATCH", "/sandbox/settings", req{body: body, ctype: "application/json"})
		if e := failed(t, rep, http.StatusBadRequest, "INVALID_REQUEST"); !strings.Contains(e["message"].(string), "must be text, a JSON string in quotes") {
			t.Errorf("PATCH %s: %s", body, rep.body)
		}
	}
	if got := w.eng.Settings().WebhookSecret; got != before {
		t.Fatalf("a refused setting changed the secret to %q", got)
	}
	// Numbers and booleans may come quoted or bare.
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions", req{body: `{"type":"credit","amount":"100"}`})
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions", req{body: "type=debit&amount=100"})

	for _, tc := range []struct {
		path, body, ctype, field string
		status                   int
	}{
		{"/account/auth", "", "", "code", 400},
		{"/account/auth", "{}", "application/json", "code", 400},
		{"/account/auth", `{"code":null}`, "application/json", "code", 400},
		{"/account/auth", `{"code":{"a":1}}`, "application/json", "code", 400},
		{"/account/auth", `["code"]`, "application/json", "body", 400},
		{"/account/auth", `{"code":`, "application/json", "body", 400},
		{"/account/auth", `code=a%zz`, "application/x-www-form-urlencoded", "body", 400},                           // the body, not the query
		{"/account/auth", `hello`, "text/plain", "body", 400},                                                      // not read as a form of one empty field
		{"/account/auth", `code=nope`, "text/plain", "", 404},                                                      // a form all the same (fetch with a string body)
		{"/account/auth", "--x\r\n", "multipart/form-data; boundary=x", "body", 400},                               // said, not read as a form
		{"/sandbox/clock", "\ufeff{\"advance\":\"2m\",\"advance\":\"3650d\"}", "application/json", "advance", 400}, // repeated behind a BOM
		{"/account/auth", "\ufeff{\"code\":\"nope\"}", "application/json", "", 404},                                // a BOM is read past
		{"/account/auth", `{"code":"nope"}`, "", "", 404},
		{"/sandbox/clock", `{}`, "application/json", "advance", 400},
		{"/sandbox/clock", `{"advance":"-5m"}`, "", "advance", 400},
		{"/sandbox/clock", `{"advance":"11y"}`, "", "advance", 400},
		{"/sandbox/clock", `{"advance":"1000000y"}`, "", "advance", 400}, // past Go's 292 years: the same limit said
		{"/sandbox/clock", `{"advance":"99999999d"}`, "", "advance", 400},
		{"/sandbox/clock", `{"speed":0}`, "", "speed", 400},
		{"/sandbox/clock", `{"speed":"NaN"}`, "", "speed", 400},
		{"/sandbox/clock", `{"paused":"sometimes"}`, "", "paused", 400},
		{"/sandbox/clock", `{"paused":1}`, "", "paused", 400}, // strict: true or false, not 1 (a bad-input trial)
		{"/sandbox/clock", `paused=t`, "application/x-www-form-urlencoded", "paused", 400},
		{"/sandbox/customers", `=x`, "application/x-www-form-urlencoded", "body", 400},            // a field with no name: it was taken (a bad-input hunt)
		{"/account/auth", `code=nope&=hunter2`, "application/x-www-form-urlencoded", "body", 400}, // on every route; its value not echoed
		{"/account/auth", `code=nope&=`, "application/x-www-form-urlencoded", "", 404},            // an empty pair, as a trailing & (a review)
		{"/sandbox/customers", `{"balance":-1}`, "", "balance", 400},
		{"/sandbox/customers", `{"password":""}`, "", "password", 400}, // empty is not left out: no made-up password
		{"/sandbox/customers", `{"name":"   "}`, "", "name", 400},
		{"/sandbox/customers", `{"mfa":"sms"}`, "", "mfa", 400},
		{"/sandbox/customers", `{"institution":"999"}`, "", "institution", 404},
		{"/sandbox/customers/" + c.ID + "/transactions", `{"type":"debit"}`, "", "amount", 400},
		{"/sandbox/customers/" + c.ID + "/transactions", `{"type":"debit","amount":1.5}`, "", "amount", 400},
		{"/sandbox/customers/" + c.ID + "/transactions", `{"type":"refund","amount":1}`, "", "type", 400},
		{"/sandbox/customers/" + c.ID + "/transactions", `{"type":"debit","amount":999999999999}`, "", "amount", 400},
		{"/sandbox/customers/nope/transactions", `{"type":"debit","amount":1}`, "", "", 404},
		{"/sandbox/customers/" + c.ID + "/password", `{}`, "", "password", 400},
		// Text comes as a JSON string: a number or a boolean there is a mistake.
		{"/sandbox/customers/" + c.ID + "/password", `{"password":12345678}`, "", "password", 400},
		{"/sandbox/customers", `{"name":true}`, "", "name", 400},
		{"/sandbox/customers", `{"username":42}`, "", "username", 400},
		{"/sandbox/customers/" + c.ID + "/mfa", `{"type":"sms"}`, "", "type", 400},
		{"/sandbox/customers/" + c.ID + "/mfa", `{"mfa":"sms"}`, "", "mfa", 400},
		{"/sandbox/customers/" + c.ID + "/mfa", `{"mfa":"otp","type":"otp"}`, "", "mfa", 400},
		{"/sandbox/institutions/044/outage", `{"for":"forever"}`, "", "for", 400},
		{"/sandbox/institutions/999/outage", `{"for":"1h"}`, "", "", 404},
		{"/sandbox/institutions/044/latency", `{"latency":"2m"}`, "", "latency", 400},
		// A misspelt field of a sandbox route is reported, not ignored.
		{"/sandbox/customers", `{"bank":"044","balance":1000000}`, "", "bank", 400},
		{"/sandbox/clock", `{"advanc":"1m"}`, "application/json", "advanc", 400},
		{"/sandbox/customers/" + c.ID + "/transactions", `{"type":"debit","amount":1,"ammount":2}`, "", "ammount", 400},
		{"/connect/sessions", `{"key":"` + testPublicKey + `","reference":"` + strings.Repeat("r", 201) + `"}`, "", "reference", 400},
		{"/connect/sessions", `{"key":"` + testPublicKey + `","institution":"044","auth_method":"fax"}`, "", "auth_method", 400},
		{"/connect/sessions", `{"key":"` + testPublicKey + `","account":"nope"}`, "", "", 404},
		{"/connect/sessions", `{"key":"` + testPublicKey + `","institution":"999"}`, "", "", 404},
		{"/connect/sessions", `{"key":"` + testPublicKey + `","reauth_token":"nope"}`, "", "", 401},
		{"/connect/sessions/nope/login", `{"username":"a","password":"b"}`, "", "", 404},
		{"/connect/sessions/nope/answer", `{"answer":"a"}`, "", "", 404},
		{"/connect/sessions/nope/institution", `{"institution":"044"}`, "", "", 404},
		{"/connect/sessions/nope/account", `{"account":"0123456789"}`, "", "", 404},
		{"/connect/sessions/nope/back", ``, "", "", 404},
		{"/connect/sessions/nope/login", `{"username":`, "", "", 404}, // no body helps a session that is gone
		{"/connect/sessions/" + picking.Session + "/institution", `{}`, "", "institution", 400},
		{"/connect/sessions/" + picking.Session + "/institution", `{"institution":"999"}`, "", "institution", 404},
		{"/connect/sessions/" + picking.Session + "/account", `{"account":"0123456789"}`, "", "", 409},
	} {
		rep := w.do("POST", tc.path, req{body: tc.body, ctype: tc.ctype})
		v := failed(t, rep, tc.status, "")
		if bytes.Contains(rep.body, []byte("hunter2")) {
			t.Errorf("POST %s %s: the value is echoed: %s", tc.path, tc.body, rep.body)
		}
		if tc.field != "" && v["field"] != tc.field {
			t.Errorf("POST %s %s: field %v, want %s", tc.path, tc.body, v["field"], tc.field)
		}
	}
	// A duration that does not parse is shown examples within its field's bounds,
	// not the clock's "1d or 1y" (a latency is at most 1m).
	for _, tc := range []struct{ path, body, want string }{
		{"/sandbox/institutions/044/outage", `{"for":"forever"}`, "such as 15m, 2h or 1d (at most 30d)"},
		{"/sandbox/institutions/044/latency", `{"latency":"fast"}`, "such as 500ms or 2s (at most 1m; 0 for none)"},
		{"/sandbox/receiver/mode", `{"mode":"slow","delay":"1h30"}`, "did you mean 1h30m? (use a positive duration such as 15s or 2m (at most 1h)"},
		// A body with more after its object, or nested past encoding/json's depth, is
		// told so, not "not a JSON object".
		{"/sandbox/clock", `{"advance":"1m"} {"advance":"1h"}`, "the body goes on after its JSON object, at byte 18: send one object and nothing after it"},
		{"/v2/accounts/initiate", `{"scope":"auth"}]`, "the body goes on after its JSON object"},
		{"/sandbox/clock", `["advance"] x`, "the body goes on after its JSON value, at byte 13"},
		{"/sandbox/clock", `{"advance":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`, "more than 10000 deep"},
	} {
		if v := failed(t, w.do("POST", tc.path, req{body: tc.body, ctype: "application/json"}), http.StatusBadRequest, ""); !strings.Contains(fmt.Sprint(v["message"]), tc.want) || strings.Contains(fmt.Sprint(v["message"]), "1y") {
			t.Errorf("POST %s %s: %v, want %q", tc.path, tc.body, v["message"], tc.want)
		}
	}
	// A compressed body is said to be one: read as it came, gzip was an unknown
	// field of binary bytes, or "not a JSON object" (a backend developer's trial).
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"advance":"1s"}`))
	_ = zw.Close()
	for _, ct := range []string{"", "application/json"} {
		v := failed(t, w.do("POST", "/sandbox/clock", req{body: gz.Bytes(), ctype: ct, headers: map[string]string{"Content-Encoding": "gzip"}}), http.StatusBadRequest, "")
		if msg := fmt.Sprint(v["message"]); v["field"] != "body" || !strings.Contains(msg, "compressed (Content-Encoding: gzip)") || !strings.Contains(msg, "send it uncompressed") {
			t.Errorf("a gzip body (Content-Type %q): %v", ct, v)
		}
	}
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: `{"advance":"1s"}`, ctype: "application/json", headers: map[string]string{"Content-Encoding": "identity"}})
	// A field the widget's routes read, given twice, is refused, named: the last
	// won, unless it was null — {"username":"nobody","username":"ada"} signed in as
	// ada (a fuzzing trial). The Mono routes take it, as Mono does.
	var dup widgetReply
	w.must(http.StatusOK, "POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"key": testPublicKey, "institution": "044"}}).decode(t, &dup)
	if v := failed(t, w.do("POST", "/connect/sessions/"+dup.Session+"/login", req{key: noKey(), ctype: "application/json",
		body: `{"username":"nobody","username":"` + c.Username + `","password":"` + c.Password + `"}`}), http.StatusBadRequest, ""); v["field"] != "username" {
		t.Errorf("a login with username twice: %v", v)
	}
	// Routes that need no body say so of one they cannot read, as documented (the
	// document listed no 400 for them: a fuzzing trial).
	for _, path := range []string{"/accounts/" + id + "/reauthorise", "/accounts/" + id + "/unlink", "/v2/accounts/" + id + "/unlink"} {
		failed(t, w.do("POST", path, req{body: gz.Bytes(), ctype: "application/json", headers: map[string]string{"Content-Encoding": "gzip"}}), http.StatusBadRequest, "")
	}
	// v2's initiate reads past a BOM too (it said "a form-encoded body cannot nest").
	if v := failed(t, w.do("POST", "/v2/accounts/initiate", req{body: "\ufeff{\"scope\":\"nope\"}", ctype: "application/json"}), http.StatusBadRequest, ""); !strings.Contains(fmt.Sprint(v["message"]), "unknown scope") {
		t.Errorf("initiate behind a BOM: %v, want the scope refused", v)
	}
	for _, tc := range []struct{ body, field string }{{`{}`, "body"}, {`{"auto_sync":"5h"}`, "auto_sync"},
		{`{"webhook_url":"ftp://x"}`, "webhook_url"}, {`{"webhook_url":"http://127.0.0.1:99999/x"}`, "webhook_url"}, {`{"webhook_url":"http://127.0.0.1:0/x"}`, "webhook_url"},
		{`{"data_sync_enabled":"yes please"}`, "data_sync_enabled"}, {`{"webhook_secret":" "}`, "webhook_secret"},
		{`{"webhook_url":" "}`, "webhook_url"},                               // blank: it cleared the URL, every webhook stopped (a fuzzing trial)
		{`{"webhook_url":"http://127.0.0.1:9000/a?q=x y"}`, "webhook_url"}} { // a space went out in the request line (a trial)
		v := failed(t, w.do("PATCH", "/sandbox/settings", req{body: tc.body}), http.StatusBadRequest, "INVALID_REQUEST")
		if v["field"] != tc.field {
			t.Errorf("PATCH %s: field %v, want %s", tc.body, v["field"], tc.field)
		}
	}
	// A field sent as null is left out, and the refusal says so: "send at least one
	// of data_sync_enabled, …" answered a body that had sent it (a trial).
	if v := failed(t, w.do("PATCH", "/sandbox/settings", req{body: `{"data_sync_enabled":null}`}), http.StatusBadRequest, "INVALID_REQUEST"); !strings.Contains(fmt.Sprint(v["message"]), "a null or empty one counts as left out") {
		t.Errorf("PATCH with a null: %v", v["message"])
	}

	// Bodies over the cap are refused whole.
	big := `{"code":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	for _, path := range []string{"/account/auth", "/sandbox/clock", "/connect/sessions", "/accounts/" + id + "/sync", "/sandbox/receiver"} {
		failed(t, w.do("POST", path, req{body: big, headers: map[string]string{"mono-webhook-secret": testWebhookSecret}}),
			http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE")
	}
	// A client that asks first (Expect: 100-continue) is refused before it sends:
	// it was told to go on, then refused once 2 MB had come.
	conn, err := net.Dial("tcp", strings.TrimPrefix(w.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /sandbox/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nmono-sec-key: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", testSecretKey, 2*MaxBodyBytes)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := bufio.NewReader(conn).ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 413 ") {
		t.Errorf("a body announced over the cap, with Expect: 100-continue: %q, %v; want 413 at once", line, err)
	}
}

// Unknown routes and methods answer JSON too: 404, and 405 with Allow.
func TestUnroutedRequests(t *testing.T) {
	w := newWorld(t, worldOpts{})
	failed(t, w.do("GET", "/nope", req{}), http.StatusNotFound, "NOT_FOUND")
	failed(t, w.do("GET", "/accounts", req{}), http.StatusNotFound, "NOT_FOUND")
	failed(t, w.do("GET", "/accounts/x/y/z", req{}), http.StatusNotFound, "NOT_FOUND")
	rep := w.do("DELETE", "/accounts/x", req{})
	failed(t, rep, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
	if allow := rep.header.Get("Allow"); !strings.Contains(allow, "GET") {
		t.Fatalf("Allow %q", allow)
	}
	// The sync route's GET acts, so it refuses HEAD: a PUT is not told to send one.
	rep = w.do("PUT", "/accounts/x/sync", req{body: "{}"})
	failed(t, rep, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
	if allow := rep.header.Get("Allow"); allow != "GET, POST" || !strings.Contains(string(rep.body), "use GET or POST") {
		t.Fatalf("PUT on the sync route: Allow %q, %s; want GET, POST", allow, rep.body)
	}
	// v2's POST routes, reached by a GET as an account's ID, say the method.
	for _, path := range []string{"/v2/accounts/initiate", "/v2/accounts/auth", "PUT /v2/accounts/initiate", "DELETE /v2/accounts/auth"} {
		method := "GET"
		if m, p, ok := strings.Cut(path, " "); ok {
			method, path = m, p
		}
		rep = w.do(method, path, req{})
		if allow := rep.header.Get("Allow"); rep.status != http.StatusMethodNotAllowed || allow != "POST" || !strings.Contains(string(rep.body), "use POST") {
			t.Fatalf("%s %s: %d, Allow %q, %s; want 405, Allow POST", method, path, rep.status, allow, rep.body)
		}
	}
	// On 127.0.0.1 a request for another name is refused (DNS rebinding); localhost
	// and IP addresses are served.
	port := w.base[strings.LastIndex(w.base, ":"):]
	rebound := func() (int, string) { return w.forHost("/demo", "rebind.attacker.example"+port, "") }
	if code, b := rebound(); code != http.StatusMisdirectedRequest || !strings.Contains(b, "DNS rebinding") {
		t.Errorf("a request for another name = %d %s; want 421 saying why", code, b)
	}
	// With the secret key, which no rebound page has, it is served: an app behind a
	// tunnel that keeps its Host.
	if rep := w.do("GET", "/sandbox/clock", req{headers: map[string]string{"Host": "abc.tunnel.example" + port}}); rep.status != http.StatusOK {
		t.Errorf("a keyed request for another name = %d %s; want 200", rep.status, rep.body)
	}
	// But not with a key anyone may know (a scenario's default, in the README),
	// which a rebound page may send as well as an app.
	w.srv.PublishedKey(testSecretKey)
	if code, b := w.forHost("/sandbox/clock", "abc.tunnel.example"+port, testSecretKey); code != http.StatusMisdirectedRequest || !strings.Contains(b, "scenarios' default, which anyone may know") {
		t.Errorf("a request for another name with a published key = %d %s; want 421 saying the key is known", code, b)
	}
	if rep := w.do("GET", "/sandbox/clock", req{headers: map[string]string{"Host": "localhost" + port}}); rep.status != http.StatusOK {
		t.Errorf("a request for localhost with the published key = %d %s; want 200", rep.status, rep.body)
	}
	w.srv.PublishedKey("")
	// Listening beyond loopback (--addr 0.0.0.0:PORT, reached by name), any name is served.
	w.srv.ListenOn(&net.TCPAddr{IP: net.IPv4zero})
	if code, b := rebound(); code != http.StatusOK {
		t.Errorf("listening on 0.0.0.0, a request for a name = %d %s; want 200", code, b)
	}
	w.srv.ListenOn(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	for _, host := range []string{"localhost" + port, "app.localhost" + port, "127.0.0.1" + port, "[::1]" + port} {
		if rep := w.do("GET", "/sandbox/clock", req{headers: map[string]string{"Host": host}}); rep.status != http.StatusOK {
			t.Errorf("a request for %s = %d %s; want 200", host, rep.status, rep.body)
		}
	}
	// Another site's page cannot drive the widget or the demo (a form re-authorised
	// an account by its ID); the widget's own pages and backends can.
	crossSite := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}
	for _, path := range []string{"/connect/sessions", "/connect/sessions/nope/login"} {
		failed(t, w.do("POST", path, req{key: noKey(), body: "key=" + testPublicKey + "&account=40d684da5e16d18439438d50", ctype: "application/x-www-form-urlencoded", headers: crossSite}),
			http.StatusForbidden, "CROSS_SITE")
	}
	// An older browser's opaque origin (a sandboxed frame, a data: page) is another site's.
	failed(t, w.do("POST", "/connect/sessions", req{key: noKey(), body: "key=" + testPublicKey, ctype: "application/x-www-form-urlencoded", headers: map[string]string{"Origin": "null"}}),
		http.StatusForbidden, "CROSS_SITE")
	if rep := w.do("POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"key": testPublicKey}, headers: map[string]string{"Sec-Fetch-Site": "same-origin"}}); rep.status != http.StatusOK {
		t.Errorf("the widget's own page opening a session = %d %s", rep.status, rep.body)
	}
	// A page of http://localhost:PORT is of this origin too (it was refused: its
	// Origin is not the listening address).
	local := map[string]string{"Host": "localhost" + port, "Origin": "http://localhost" + port}
	if rep := w.do("POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"key": testPublicKey}, headers: local}); rep.status != http.StatusOK {
		t.Errorf("a page of localhost opening a session = %d %s", rep.status, rep.body)
	}
	// Routes people look for in v2 say where it went.
	for path, hint := range map[string]string{"/v2/accounts/x/sync": "x-realtime: true", "/v2/accounts/x/reauthorise": `"scope":"reauth", "account":"x"`,
		"/accounts/x/reauthorize": "did you mean POST /accounts/x/reauthorise", "/v1/accounts/x/reauthorize": "did you mean POST /accounts/x/reauthorise"} {
		if rep := w.do("POST", path, req{}); rep.status != http.StatusNotFound || !strings.Contains(string(rep.body), strings.ReplaceAll(hint, `"`, `\"`)) {
			t.Errorf("POST %s = %d %s; want 404 pointing at %s", path, rep.status, rep.body, hint)
		}
	}
	// The official Node SDK's calls for Mono's other products, and routes other
	// than Mono's v1 written under /v1, say what sandbank has instead: each
	// answered a bare "no route" (a back-end developer's trial with mono-node).
	for mpath, hint := range map[string]string{
		"GET /coverage":                  "misc.institutions() asks for: sandbank does not serve it; GET /sandbox/institutions lists its banks",
		"POST /v1/lookup/bvn/identity":   "misc.bvnLookup(): sandbank does not simulate it",
		"GET /users/stats/wallet":        "user.walletBalance(): sandbank keeps no wallet",
		"GET /v1/sandbox/clock":          "(only Mono's v1 routes are served under /v1 as well; this one takes no prefix: GET /sandbox/clock)",
		"POST /v1/v2/accounts/initiate":  "this one takes no prefix: POST /v2/accounts/initiate)",
		"GET /v1/nothing":                "",
		"POST /v2/account/auth":          "(did you mean POST /v2/accounts/auth?)",
		"GET /account/x":                 "(did you mean GET /accounts/x?)",
		"GET /v1/account/x/identity":     "(did you mean GET /v1/accounts/x/identity?)",
		"GET /accounts/x/balance":        "(v2's route is GET /v2/accounts/x/balance)",
		"GET /v2/accounts/x/transaction": "(did you mean GET /v2/accounts/x/transactions?)",
		"GET /sandbox/customer":          "(did you mean GET /sandbox/customers?)",
		"GET /accounts/x/identities":     "(did you mean GET /accounts/x/identity?)",
	} {
		method, path, _ := strings.Cut(mpath, " ")
		rep := w.do(method, path, req{})
		if body := string(rep.body); rep.status != http.StatusNotFound || !strings.Contains(body, hint) || (hint == "") != !strings.Contains(body, "(") {
			t.Errorf("%s = %d %s; want 404 saying %q", mpath, rep.status, rep.body, hint)
		}
	}
	// An ID of an escaped slash alone, which the mux routes nowhere, is said as
	// sent, with no hint of an account "%2Fs": "no route GET /accounts// (did you
	// mean GET /accounts/%2Fs?)" (a bad-input trial).
	for _, mpath := range []string{"GET /accounts/%2F", "POST /accounts/%2F/sync"} {
		method, path, _ := strings.Cut(mpath, " ")
		rep := w.do(method, path, req{})
		if body := string(rep.body); rep.status != http.StatusNotFound || !strings.Contains(body, "no route "+mpath+"; GET /openapi.yaml") {
			t.Errorf("%s = %d %s; want 404 naming the path as sent, and no hint", mpath, rep.status, rep.body)
		}
	}
	if rep := w.do("PUT", "/accounts/a%2Fb", req{}); rep.status != http.StatusMethodNotAllowed || !strings.Contains(string(rep.body), "PUT is not allowed on /accounts/a%2Fb;") {
		t.Errorf("PUT /accounts/a%%2Fb = %d %s; want 405 naming the path as sent (a review)", rep.status, rep.body)
	}
	// v2's routes written without /v2 say so, where the account route's 405 told
	// POST /accounts/initiate to use GET — which found no account "initiate".
	if rep := w.do("POST", "/accounts/initiate", req{}); rep.status != http.StatusMethodNotAllowed ||
		!strings.Contains(string(rep.body), "use GET or HEAD (v2's route is POST /v2/accounts/initiate)") {
		t.Errorf("POST /accounts/initiate = %d %s; want 405 naming v2's route", rep.status, rep.body)
	}
	// A trailing slash is told where the route is, when there is one without it.
	for mpath, hint := range map[string]string{"GET /sandbox/clock/": "(without the trailing slash it is one: GET /sandbox/clock)", "GET /sandbox/nothing/": "",
		"PUT /accounts/x/sync/": "", "GET /sandbox/clock%2F": ""} { // a method the route refuses; an escaped slash
		method, path, _ := strings.Cut(mpath, " ")
		r, _ := http.NewRequest(method, w.base+path, nil)
		r.Header.Set("mono-sec-key", testSecretKey)
		rep := w.raw(r) // a path openapi.yaml does not have
		if hasHint := strings.Contains(string(rep.body), "trailing slash"); rep.status != http.StatusNotFound || hasHint != (hint != "") || !strings.Contains(string(rep.body), hint) {
			t.Errorf("%s = %d %s; want 404 saying %q", mpath, rep.status, rep.body, hint)
		}
	}
	// A missing key and a wrong one are told apart, and where the current one is:
	// "the one sandbank printed when it started" was wrong after a rotation, and
	// the TUI prints none (a newcomer's trial).
	for key, says := range map[string]string{"": "no mono-sec-key header: send the secret key: sandbank serve prints it when it starts, the TUI shows it (ctrl+k",
		"test_sk_wrong": "wrong mono-sec-key header: it is not this sandbank's current secret key; send the secret key: sandbank serve prints it when it starts, the TUI shows it (ctrl+k, or Settings, 4), and rotating the keys replaces it"} {
		if rep := w.do("GET", "/sandbox/clock", req{key: withKey(key)}); rep.status != http.StatusUnauthorized || !strings.Contains(string(rep.body), says) {
			t.Errorf("key %q: %d %s; want 401 saying %q", key, rep.status, rep.body, says)
		}
	}
	if rep := w.do("GET", "/sandbox/clock", req{key: noKey(), headers: map[string]string{"mono-sec-key": ""}}); rep.status != http.StatusUnauthorized ||
		!strings.Contains(string(rep.body), "the mono-sec-key header is empty") {
		t.Errorf("an empty key header: %d %s; want 401 saying it is empty", rep.status, rep.body)
	}
	// HEAD answers like GET, without a body.
	if rep := w.do("HEAD", "/sandbox/clock", req{}); rep.status != 200 || len(rep.body) != 0 {
		t.Fatalf("HEAD = %d with %d bytes", rep.status, len(rep.body))
	}
}

// A tour of every documented operation: each answers at least one success that
// matches openapi.yaml, along with the errors the other tests check.
func TestEveryOperationAnswersAsDocumented(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.get("/")
	w.must(http.StatusOK, "GET", "/openapi.yaml", req{key: noKey()})
	w.get("/sandbox/clock")
	w.advance("1m")
	w.get("/sandbox/institutions")
	w.post("/sandbox/institutions/058/outage", map[string]any{"for": "15m"})
	var inst institutionJSON
	if w.must(http.StatusOK, "DELETE", "/sandbox/institutions/058/outage", req{}).decode(t, &inst); inst.OutageUntil != "" {
		t.Fatalf("outage still on: %+v", inst)
	}
	w.post("/sandbox/institutions/058/latency", map[string]any{"latency": "0"})
	w.enableDataSync()
	w.get("/sandbox/settings")
	cs := w.customers()
	otp := cs[1]
	if otp.MFA != "otp" {
		t.Fatalf("customer 1 has MFA %s", otp.MFA)
	}
	w.get("/sandbox/customers/" + otp.ID)
	id := w.connect(otp)
	added := w.addCustomer(map[string]any{"institution": "101"})
	var two customerJSON
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+added.ID+"/accounts", req{body: map[string]any{"institution": "559", "balance": 250000}}).decode(t, &two)
	if len(two.Accounts) != 2 || two.Accounts[1].Institution.BankCode != "559" || two.Accounts[1].Balance != 250000 {
		t.Fatalf("a second account: %+v", two.Accounts)
	}
	for n := len(two.Accounts); n < 8; n++ { // a second one at the same bank too, up to the eight a customer holds
		w.must(http.StatusCreated, "POST", "/sandbox/customers/"+added.ID+"/accounts", req{body: map[string]any{"institution": "101"}})
	}
	w.must(http.StatusConflict, "POST", "/sandbox/customers/"+added.ID+"/accounts", req{body: map[string]any{"institution": "101"}})
	// The widget's every step: the bank from the list, back, the bank again, the
	// login, and one of the seven accounts the Providus sign-in sees.
	var picked widgetReply
	st := w.openWidget(map[string]any{"key": testPublicKey, "reference": "tour"})
	w.must(http.StatusOK, "POST", "/connect/sessions/"+st.Session+"/institution", req{key: noKey(), body: map[string]any{"institution": "101"}})
	w.must(http.StatusOK, "POST", "/connect/sessions/"+st.Session+"/back", req{key: noKey()})
	w.must(http.StatusOK, "POST", "/connect/sessions/"+st.Session+"/institution", req{key: noKey(), body: map[string]any{"institution": "101", "auth_method": "mobile_banking"}})
	w.must(http.StatusOK, "POST", "/connect/sessions/"+st.Session+"/login", req{key: noKey(),
		body: map[string]any{"username": added.Username, "password": added.Password}}).decode(t, &picked)
	if picked.Status != "account" || len(picked.Accounts) != 7 {
		t.Fatalf("a sign-in that sees seven accounts = %+v", picked)
	}
	w.must(http.StatusOK, "POST", "/connect/sessions/"+st.Session+"/account", req{key: noKey(),
		body: map[string]any{"account": picked.Accounts[6].Number}}).decode(t, &picked)
	if picked.Status != "success" || picked.Code == "" {
		t.Fatalf("choosing the seventh = %+v", picked)
	}
	// The pages: the SDK's URL opens a session and redirects to its page, whose
	// forms take the same steps; the tester's drawer fills in; the scripts, the
	// stylesheet and the demo app.
	page := req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}
	form := func(body string) req {
		return req{key: noKey(), body: body, ctype: "application/x-www-form-urlencoded"}
	}
	entry := w.must(http.StatusSeeOther, "GET", "/connect?key="+testPublicKey+"&reference=tour", page)
	sessionPage := entry.header.Get("Location")
	w.must(http.StatusOK, "GET", sessionPage, page)
	sessionPath, _, _ := strings.Cut(sessionPage, "?")
	w.must(http.StatusSeeOther, "POST", sessionPath+"/institution", form("institution=101"))
	w.must(http.StatusOK, "POST", sessionPath+"/tester/fill", form("customer="+added.ID))
	filled := w.must(http.StatusOK, "POST", sessionPath+"/tester/fill",
		req{key: noKey(), body: "customer=" + added.ID, ctype: "application/x-www-form-urlencoded", headers: map[string]string{"Accept": "application/json"}}).json(t)
	if filled["username"] != added.Username {
		t.Fatalf("the drawer filled %v, want %s's credentials", filled, added.Username)
	}
	w.must(http.StatusOK, "GET", "/connect.js", req{key: noKey()})
	w.must(http.StatusOK, "GET", "/connect.mjs", req{key: noKey()})
	w.must(http.StatusOK, "GET", "/static/widget.css", req{key: noKey()})
	w.must(http.StatusOK, "GET", "/demo", page)
	// The demo acts with the secret key: a cookie naming an account, not signed by
	// sandbank, reads nothing and syncs nothing (it was a keyless proxy), and
	// another site's page cannot press its buttons.
	forged := req{key: noKey(), headers: map[string]string{"Cookie": "sandbank_demo_account=" + id}}
	if b := string(w.must(http.StatusOK, "GET", "/demo", forged).body); strings.Contains(b, "NGN") {
		t.Fatalf("a forged demo cookie showed the account:\n%s", b)
	}
	if loc := w.must(http.StatusSeeOther, "POST", "/demo/sync", req{key: noKey(), body: "", ctype: "application/x-www-form-urlencoded", headers: forged.headers}).header.Get("Location"); strings.Contains(loc, "SYNC_SUCCESSFUL") {
		t.Fatalf("a forged demo cookie synced the account: %s", loc)
	}
	w.must(http.StatusForbidden, "POST", "/demo/forget", req{key: noKey(), body: "", ctype: "application/x-www-form-urlencoded", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	w.must(http.StatusSeeOther, "POST", "/demo/forget", form(""))
	w.must(http.StatusSeeOther, "GET", "/demo/linked?status=failed&reason=cancelled", page)
	// Another site's <img> cannot spend a code on the demo's behalf.
	w.must(http.StatusForbidden, "GET", "/demo/linked?status=linked&code=code_x", req{key: noKey(), headers: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	w.must(http.StatusSeeOther, "GET", "/?key="+testPublicKey, page)
	// A re-authorisation asks before it opens: the page's Continue posts to the same
	// address, for the SDK's URL and for a v2 reauth link.
	reauthURL := "/connect?key=" + testPublicKey + "&" + url.Values{"data": {`{"account":"` + id + `"}`}}.Encode()
	w.must(http.StatusOK, "GET", reauthURL, page)
	w.must(http.StatusSeeOther, "POST", reauthURL, form(""))
	var relink initiateJSON
	w.post("/v2/accounts/initiate", map[string]any{"scope": "reauth", "account": id, "redirect_url": "http://127.0.0.1:3000/back"}).data(t, &relink)
	linkPath := "/connect/links/" + relink.MonoURL[strings.LastIndexByte(relink.MonoURL, '/')+1:]
	w.must(http.StatusOK, "GET", linkPath, page)
	w.must(http.StatusSeeOther, "POST", linkPath, form(""))
	_, hosted := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Ada Eze", "email": "ada@example.com"},
		"redirect_url": "http://127.0.0.1:3000/linked"})
	w.must(http.StatusSeeOther, "GET", "/connect/links/"+hosted, page)          // mono_url, in a browser
	w.must(http.StatusSeeOther, "GET", "/connect/s/"+st.Session+"/login", page) // a step's address reloaded
	w.get("/sandbox/customers/" + otp.ID + "/inbox")
	w.get("/sandbox/accounts")
	w.get("/sandbox/accounts/" + id + "/syncs")
	w.get("/accounts/" + id)
	w.get("/accounts/" + id + "/transactions?limit=5")
	w.get("/accounts/" + id + "/identity")
	var job statementJobJSON
	w.get("/accounts/"+id+"/statement?period=last6months").decode(t, &job)
	w.get("/accounts/"+id+"/statement?period=last6months&output=pdf").decode(t, &job)
	w.get("/accounts/" + id + "/statement/jobs/" + job.ID)
	// An unknown ID is quoted in the answer: control characters came back raw.
	// It says what makes a job, too: it said no more.
	if v := failed(t, w.do("GET", "/accounts/"+id+"/statement/jobs/%0a%1b%5B31m", req{}), http.StatusNotFound, ""); !strings.HasPrefix(fmt.Sprint(v["message"]), `statement job "\n\x1b[31m" not found: a statement's job is the id that GET /accounts/`+id+`/statement answers`) {
		t.Errorf("an unknown job: %q", v["message"])
	}
	w.must(http.StatusOK, "GET", job.Path, req{key: noKey()})
	// R5: an MFA account's sync needs the user.
	w.advance("20m")
	var res syncJSON
	if w.get("/accounts/"+id+"/sync").decode(t, &res); res.Code != "REAUTHORISATION_REQUIRED" {
		t.Fatalf("sync of an OTP account = %+v", res)
	}
	var tok struct{ Token string }
	w.post("/accounts/"+id+"/reauthorise", nil).decode(t, &tok)
	st = w.openWidget(map[string]any{"key": testPublicKey, "reauth_token": tok.Token})
	w.get("/connect/sessions/" + st.Session + "?x=1&")
	if st.Status != "challenge" {
		t.Fatalf("reauth of an OTP account = %+v, want the OTP challenge only", st)
	}
	w.answerAll(st)
	w.advance("2m")
	w.post("/accounts/"+id+"/sync", nil)
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+otp.ID+"/transactions", req{body: map[string]any{"type": "credit", "amount": 1000}})
	w.post("/sandbox/customers/"+otp.ID+"/mfa", map[string]any{"mfa": "token"}) // as the customer names it
	w.post("/sandbox/customers/"+otp.ID+"/mfa", map[string]any{"type": "captcha"})
	w.post("/sandbox/customers/"+otp.ID+"/password", map[string]any{"password": "Chang3d!pw"})
	evs := w.hooks.await(t, id, 5)
	w.awaitRecorded(evs[len(evs)-1].EventID)
	var log struct{ Data []eventJSON }
	w.get("/sandbox/webhooks?limit=3&").decode(t, &log)
	w.get("/sandbox/webhooks/" + log.Data[0].ID)
	w.get("/sandbox/webhooks/" + log.Data[0].ID + "/attempts?limit=1")
	w.post("/sandbox/webhooks/"+log.Data[0].ID+"/replay", nil)
	w.must(http.StatusOK, "POST", "/sandbox/receiver", req{key: noKey(), body: map[string]any{"event": "x", "data": map[string]any{}},
		headers: map[string]string{"mono-webhook-secret": testWebhookSecret, "mono-webhook-event-id": "e1"}})
	var got struct{ Data []receivedJSON }
	if w.get("/sandbox/receiver").decode(t, &got); len(got.Data) != 1 || !got.Data[0].SecretValid || got.Data[0].EventID != "e1" {
		t.Fatalf("receiver = %+v", got.Data)
	}
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "slow", "delay": "15s"})
	var mode receiverModeJSON
	if w.get("/sandbox/receiver/mode").decode(t, &mode); mode.Mode != "slow" || mode.Delay != "15s" {
		t.Fatalf("receiver mode = %+v", mode)
	}
	// An informational status is no answer: 101 hung the sender, 103 answered 200.
	for _, st := range []int{101, 103, 199} {
		failed(t, w.do("POST", "/sandbox/receiver/mode", req{body: map[string]any{"mode": "error", "status": st}}), http.StatusBadRequest, "INVALID_REQUEST")
	}
	// Nor is a 2xx an error: attempts read "delivered" while the receiver kept
	// none (a bad-input trial; a review of 201).
	for _, st := range []int{200, 201, 204, 299} {
		e := failed(t, w.do("POST", "/sandbox/receiver/mode", req{body: map[string]any{"mode": "error", "status": st}}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg, _ := e["message"].(string); !strings.Contains(msg, `a 2xx is a delivery, which mode "up" answers`) {
			t.Errorf("error mode with status %d: %q", st, msg)
		}
	}
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "error", "status": 301})
	w.post("/sandbox/receiver/mode", map[string]any{"mode": "up"})
	w.must(http.StatusNotFound, "GET", "/sandbox/scenario", req{})
	w.srv.SetScenario(func() any {
		return map[string]any{"scenario": "s", "file": "f.yaml", "phase": "serving", "passed": 1, "failed": 0,
			"steps": []map[string]any{{"n": 1, "line": 9, "step": "sync: adam", "state": "passed", "at": "2021-08-20T12:00:00Z"}}}
	})
	w.get("/sandbox/scenario")

	// The analytics, v1's and v2's, and v2 over the same account.
	w.get("/accounts/" + id + "/credits")
	w.get("/accounts/" + id + "/debits")
	w.get("/accounts/" + id + "/income")
	for _, p := range []string{"", "/balance", "/transactions?limit=2", "/identity", "/credits", "/debits", "/income",
		"/statement?period=last1months"} {
		w.get("/v2/accounts/" + id + p)
	}
	var pdf statementJobJSON
	w.get("/v2/accounts/"+id+"/statement?period=last1months&output=pdf").data(t, &pdf)
	w.get("/v2/accounts/" + id + "/statement/jobs/" + pdf.ID)
	w.advance("2m")
	rt := w.must(http.StatusOK, "GET", "/v2/accounts/"+id+"/balance", req{headers: map[string]string{"x-realtime": "true"}})
	w.get("/v2/accounts/" + id + "/jobs/" + rt.header.Get("x-job-id"))
	// A link: initiate, walk it through the widget routes, exchange its code.
	adam := w.addCustomer(map[string]any{"institution": "044", "balance": 100000})
	_, linkID := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"},
		"meta": map[string]any{"ref": "tour-1"}, "redirect_url": "http://127.0.0.1:3000/linked"})
	w.must(http.StatusOK, "GET", "/connect/links/"+linkID, req{key: noKey()})
	w.must(http.StatusSeeOther, "GET", "/connect/links/"+linkID+"/cancel", req{key: noKey(), headers: map[string]string{"Accept": "text/html"}})
	st = w.walkLink(linkID, "044", adam.Username, adam.Password)
	var linked struct{ ID string }
	w.post("/v2/accounts/auth", map[string]any{"code": st.Code}).data(t, &linked)
	w.post("/v2/accounts/"+linked.ID+"/unlink", nil)
	w.post("/accounts/"+id+"/unlink", nil)

	var missing []string
	for path, item := range w.spec.doc.Paths.Map() {
		for method := range item.Operations() {
			ok := false
			for status := range w.spec.seen[method+" "+path] {
				ok = ok || status < 400 // a form's success is a redirect
			}
			if !ok {
				missing = append(missing, method+" "+path)
			}
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Fatalf("operations without a success checked against openapi.yaml: %v", missing)
	}
	_ = engine.Naira
}

// A date is shown to the millisecond, and end= and start= that date find it though
// it was stamped finer: a posting at 12:30:00.001500123 read .001Z, and end=….001Z
// left it out (a data audit). A start after it, finer than shown, leaves it out.
func TestDateBoundsAsShown(t *testing.T) {
	w, adam, id, page := adamsTransactions(t)
	w.post("/sandbox/clock", map[string]any{"advance": "30m1500123ns"})
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions", req{body: map[string]any{"type": "credit", "amount": 4242, "narration": "FINE STAMP"}})
	w.post("/accounts/"+id+"/sync", nil)
	stamped := page("narration=FINE%20STAMP&")
	if len(stamped.Data) != 1 || !strings.HasSuffix(stamped.Data[0].Date, ".001Z") {
		t.Fatalf("the posting: %+v", stamped.Data)
	}
	at := url.QueryEscape(stamped.Data[0].Date)
	for q, want := range map[string]int{"end=" + at: 1, "start=" + at: 1, "start=" + at + "&end=" + at: 1,
		"start=" + url.QueryEscape(strings.TrimSuffix(stamped.Data[0].Date, "Z")+"6Z"): 0,
		// within one millisecond, no shown date between them: none, not a 400
		"start=" + url.QueryEscape(strings.TrimSuffix(stamped.Data[0].Date, "Z")+"2Z") + "&end=" + url.QueryEscape(strings.TrimSuffix(stamped.Data[0].Date, "Z")+"8Z"): 0} {
		if got := page("narration=FINE%20STAMP&" + q); len(got.Data) != want {
			t.Errorf("%s: %d transactions, want %d", q, len(got.Data), want)
		}
	}
	for _, v := range []string{"", "/v2"} {
		var p struct{ Data []struct{ ID string } }
		w.get(v+"/accounts/"+id+"/transactions?narration=FINE%20STAMP&end="+at).decode(t, &p)
		if len(p.Data) != 1 {
			t.Errorf("%s end=%s: %d transactions, want 1", v, at, len(p.Data))
		}
	}
}

// A date without a time is its day, a time without seconds its minute, a time to
// the second its second: as a start, their first instant; as an end, their last,
// so that the end is included.
// Without a zone they are Lagos's (WAT).
func TestDateBoundsTakeTheirWholeUnit(t *testing.T) {
	for _, c := range []struct{ in, start, end string }{
		{"31-07-2021", "2021-07-30T23:00:00Z", "2021-07-31T22:59:59.999999999Z"},
		{"2021-07-31T23:59", "2021-07-31T22:59:00Z", "2021-07-31T22:59:59.999999999Z"},
		{"2021-07-31T22:59Z", "2021-07-31T22:59:00Z", "2021-07-31T22:59:59.999999999Z"},
		// To the second, its whole second; to a fraction, its last digit's: a client
		// that trimmed a transaction's time (…46.587Z) to its second lost it.
		{"2021-07-31T23:59:30", "2021-07-31T22:59:30Z", "2021-07-31T22:59:30.999999999Z"},
		{"2021-07-31T22:59:30Z", "2021-07-31T22:59:30Z", "2021-07-31T22:59:30.999999999Z"},
		{"2021-07-31T22:59:30.587Z", "2021-07-31T22:59:30.587Z", "2021-07-31T22:59:30.587999999Z"},
		{"2021-07-31T22:59:30.5870Z", "2021-07-31T22:59:30.587Z", "2021-07-31T22:59:30.587099999Z"},
		{"2021-07-31T22:59:30.123456789Z", "2021-07-31T22:59:30.123456789Z", "2021-07-31T22:59:30.123456789Z"},
		{"2021-07-31T23:59:30.5+01:00", "2021-07-31T22:59:30.5Z", "2021-07-31T22:59:30.599999999Z"},
	} {
		p := params{"end": c.in}
		start, err1 := p.date("end", false)
		end, err2 := p.date("end", true)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", c.in, err1, err2)
		}
		if got := start.Format(time.RFC3339Nano); got != c.start {
			t.Errorf("%s as a start = %s, want %s", c.in, got, c.start)
		}
		if got := end.Format(time.RFC3339Nano); got != c.end {
			t.Errorf("%s as an end = %s, want %s", c.in, got, c.end)
		}
	}
}

// A POST to a mistyped /v2/accounts/WORD says there is no such POST route and
// lists v2's, in v2's shape: the account route's pattern read WORD as an
// account's ID and answered 405 "use GET or HEAD" (a v2 developer's trial).
func TestMistypedV2PostRouteListsThePostRoutes(t *testing.T) {
	w := newWorld(t, worldOpts{})
	rep := w.do("POST", "/v2/accounts/reauth", req{body: map[string]any{"account": "x"}})
	body := string(rep.body)
	for _, want := range []string{"no route POST /v2/accounts/reauth (v2 has no such POST route", `POST /v2/accounts/initiate (a link: {\"scope\":\"auth\"}`,
		`{\"scope\":\"reauth\",\"account\":ID} re-authorises one)`, "POST /v2/accounts/auth (exchanges", "POST /v2/accounts/{id}/unlink", `"data":null`} {
		if rep.status != http.StatusNotFound || !strings.Contains(body, want) {
			t.Fatalf("POST /v2/accounts/reauth = %d %s; want 404 saying %s", rep.status, body, want)
		}
	}
	if allow := rep.header.Get("Allow"); allow != "" {
		t.Errorf("the 404 says Allow: %s", allow)
	}
	// Another method on an account is still told what the account route takes,
	// and so is a POST to an account's ID: a 404 read as "no such account" (the
	// review).
	if rep := w.do("PUT", "/v2/accounts/x", req{}); rep.status != http.StatusMethodNotAllowed {
		t.Errorf("PUT /v2/accounts/x = %d %s; want 405", rep.status, rep.body)
	}
	id := w.connect(w.addCustomer(map[string]any{"institution": "044"}))
	if rep := w.do("POST", "/v2/accounts/"+id, req{}); rep.status != http.StatusMethodNotAllowed || !strings.Contains(string(rep.body), "use GET") {
		t.Errorf("POST /v2/accounts/%s = %d %s; want 405 saying to use GET", id, rep.status, rep.body)
	}
}

// A key sent inside quotes, as a .env file's KEY="…" gives it with some loaders,
// is told so, in v1's and v2's shape and for the widget's public key, without
// the key in the answer: it got the generic "not this sandbank's current secret
// key" (a v2 developer's trial).
func TestAQuotedKeyIsToldSo(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, quoted := range []string{`"` + testSecretKey + `"`, `'` + testSecretKey + `'`, `"test_sk_wrong0123456789"`} {
		for _, path := range []string{"/sandbox/clock", "/v2/accounts/x"} {
			key := quoted
			rep := w.do("GET", path, req{key: &key})
			if body := string(rep.body); rep.status != http.StatusUnauthorized || !strings.Contains(body, "value is in quotes: send the key without them") ||
				strings.Contains(body, testSecretKey) {
				t.Errorf("GET %s with mono-sec-key %s = %d %s; want 401 saying the key is in quotes, without the key", path, quoted, rep.status, body)
			}
		}
	}
	rep := w.do("POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"key": `"` + testPublicKey + `"`}})
	if body := string(rep.body); !strings.Contains(body, "the key is in quotes: send it without them") || strings.Contains(body, testPublicKey) {
		t.Errorf("a quoted public key = %d %s; want it told it is in quotes, without the key", rep.status, body)
	}
	failed(t, rep, http.StatusUnauthorized, "INVALID_PUBLIC_KEY")
}

// A v2 path written under /v1, as a v2 client whose base URL kept v1's prefix
// sends it, is answered in v2's shape, its hint kept: it came in v1's, which
// that client does not parse (a v2 developer's trial).
func TestV2PathUnderV1AnswersInV2Shape(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, mpath := range []string{"GET /v1/v2/accounts/x", "POST /v1/v2/accounts/initiate", "GET /v1//v2/accounts/x"} {
		method, path, _ := strings.Cut(mpath, " ")
		rep := w.do(method, path, req{})
		v := failedV2(t, rep, http.StatusNotFound)
		if _, has := v["code"]; has || v["timestamp"] == nil || !strings.Contains(string(rep.body), `"data":null`) {
			t.Errorf("%s = %s; want v2's error envelope", mpath, rep.body)
		}
	}
	if body := string(w.do("GET", "/v1/v2/accounts/x", req{}).body); !strings.Contains(body, "this one takes no prefix: GET /v2/accounts/x") {
		t.Errorf("GET /v1/v2/accounts/x = %s; want the hint to drop /v1", body)
	}
}
