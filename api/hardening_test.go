package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sandbank/engine"
)

// A failed attempt's error names the webhook URL; its query string (often a token)
// and user info stay out of the log and the recorded attempt.
func TestFailedAttemptsHideTheWebhookURLsSecrets(t *testing.T) {
	w := newWorld(t, worldOpts{})
	// Port 1: nothing listens there, so every attempt fails with the client's error
	// (connection refused), and no test's server is ever handed it. A port closed
	// after 127.0.0.1:0 chose it could be handed to a server of a test running
	// beside it (another package's, under go test ./...), which took the delivery.
	addr := "127.0.0.1:1"
	secrets := []string{"hookuser", "hookpass", "tok_s3cr3t_query", "T0PATHSECRET4567"}
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true,
		"webhook_url": "http://hookuser:hookpass@" + addr + "/hooks/T0PATHSECRET4567?token=tok_s3cr3t_query"}})
	w.connect(w.customers()[0])
	timeout := time.After(10 * time.Second)
	var at *engine.Attempt
	for at == nil {
		select {
		case n := <-w.notes:
			if n.Kind == engine.NoticeDelivery {
				at = n.Attempt
			}
		case <-timeout:
			t.Fatal("no delivery attempt was recorded")
		}
	}
	if at.Error == "" || !strings.Contains(at.Error, addr+"/hooks") {
		t.Fatalf("the failed attempt's error %q does not say where it went", at.Error)
	}
	// and why, in plain words: it read `Post "…": dial tcp …: connect: connection refused`
	if want := ": nothing is listening there (connection refused): is the receiver running, on that port?"; !strings.HasPrefix(at.Error, "POST http://") ||
		!strings.HasSuffix(at.Error, want) {
		t.Errorf("the failed attempt's error %q; want POST <where>%s", at.Error, want)
	}
	// The log of attempts shows where each went, its password hidden as in the error.
	var ev struct {
		Data []struct{ Attempts []struct{ URL string } }
	}
	w.get("/sandbox/webhooks").decode(t, &ev)
	shown := 0
	for _, e := range ev.Data {
		for _, a := range e.Attempts {
			shown++
			if strings.Contains(a.URL, "hookpass") || !strings.Contains(a.URL, "hookuser:xxxxx@") {
				t.Errorf("an attempt's URL: %s", a.URL)
			}
		}
	}
	if shown == 0 {
		t.Errorf("no attempt in the log: %+v", ev.Data)
	}
	logs := w.logs.String()
	if !strings.Contains(logs, "attempt=1") {
		t.Fatalf("the failed attempt is not logged:\n%s", logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) || strings.Contains(at.Error, s) {
			t.Errorf("%q shows in the log or the attempt's error %q", s, at.Error)
		}
	}
	if t.Failed() {
		t.Log(logs)
	}
}

// A widget opened with fields that disagree is refused, naming them, and spends
// nothing: a reauth token with another account's ID re-authorised the token's
// account, the ID dropped unsaid; a link with an account took the link (a fuzzing
// trial).
func TestAWidgetOpenedWithFieldsThatDisagree(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	cs := w.customers()
	a, b := w.connect(cs[0]), w.connect(cs[1])
	var tok struct{ Token string }
	w.post("/accounts/"+a+"/reauthorise", nil).decode(t, &tok)
	v := failed(t, w.do("POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"key": testPublicKey, "reauth_token": tok.Token, "account": b}}), http.StatusBadRequest, "")
	if v["field"] != "account" || !strings.Contains(fmt.Sprint(v["message"]), "not the account this reauth_token re-authorises") {
		t.Errorf("a token with another account: %v", v)
	}
	st := w.openWidget(map[string]any{"key": testPublicKey, "reauth_token": tok.Token, "account": a}) // the same account: agreed, and the token unspent
	if st.Status != "login" {
		t.Errorf("the token with its own account: %+v; want its re-authorisation at the login", st)
	}
	if v := failed(t, w.do("POST", "/connect/sessions", req{key: noKey(), body: map[string]any{"key": testPublicKey, "link": "lnk_x", "account": a}}), http.StatusBadRequest, ""); v["field"] != "link" {
		t.Errorf("a link with an account: %v", v)
	}
}

// The built-in receiver keeps only what a webhook is — a JSON object of valid
// UTF-8 — so that its list, which sends bodies back as they came, stays JSON any
// parser reads: null, [] and a lone surrogate were kept, and jq failed on the list
// for the next 200 deliveries (a fuzzing trial).
func TestReceiverKeepsOnlyWebhookBodies(t *testing.T) {
	w := newWorld(t, worldOpts{})
	secret := map[string]string{"mono-webhook-secret": testWebhookSecret}
	for body, says := range map[string]string{
		`null`:                 "this one is null",
		`[]`:                   "this one is an array",
		`"s"`:                  "this one is a string",
		`0`:                    "this one is a number",
		`{"a":"\ud800"}`:       "half a UTF-16 surrogate pair",
		`{"a":"x\udc00"}`:      "half a UTF-16 surrogate pair",
		`{"a":"\ud800\u0041"}`: "half a UTF-16 surrogate pair",
		"{\"a\":\"\xff\"}":     "not UTF-8",
		`{"a":`:                "this one is not",
	} {
		resp := w.must(http.StatusBadRequest, "POST", "/sandbox/receiver", req{key: noKey(), body: body, ctype: "application/json", headers: secret})
		if !strings.Contains(string(resp.body), says) {
			t.Errorf("%q: %s; want it to say %q", body, resp.body, says)
		}
	}
	for _, body := range []string{`{"a":"\ud83d\ude00 \\ud800"}`, `{"event":"e"}`} { // a pair, and an escaped backslash
		w.must(http.StatusOK, "POST", "/sandbox/receiver", req{key: noKey(), body: body, ctype: "application/json", headers: secret})
	}
	var got struct{ Data []json.RawMessage }
	if w.get("/sandbox/receiver").decode(t, &got); len(got.Data) != 2 {
		t.Fatalf("the receiver kept %d bodies; want the 2 webhooks", len(got.Data))
	}
}

// The built-in receiver is open, as a webhook endpoint must be, and any web page can
// POST to 127.0.0.1: what fails the secret check is not kept, what is kept stays
// within a byte budget, cross-origin browser posts are refused, and a genuine
// delivery is not pushed out by a flood. Measured on the process's heap.
func TestReceiverFloodKeepsMemoryBounded(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.must(http.StatusOK, "POST", "/sandbox/receiver", req{key: noKey(), body: map[string]any{"event": "genuine"},
		headers: map[string]string{"mono-webhook-secret": testWebhookSecret, "mono-webhook-event-id": "e-genuine"}})
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	big := []byte(`{"event":"flood","pad":"` + strings.Repeat("x", MaxBodyBytes-64) + `"}`)
	post := func(headers map[string]string) int {
		r, _ := http.NewRequest("POST", w.base+"/sandbox/receiver", bytes.NewReader(big))
		r.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		resp, err := w.client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	before := heap()
	const n = 120 // 120 MiB of bodies
	for i := range n {
		if got := post(map[string]string{"mono-webhook-secret": fmt.Sprint("wrong-", i)}); got != http.StatusUnauthorized {
			t.Fatalf("a post with a wrong secret = %d, want 401", got)
		}
	}
	w.get("/sandbox/receiver")
	if grew := int64(heap()) - int64(before); grew > 16<<20 {
		t.Fatalf("%d unauthenticated 1 MiB posts grew the heap by %d MiB; want nothing kept", n, grew>>20)
	}
	var got struct{ Data []receivedJSON }
	if w.get("/sandbox/receiver").decode(t, &got); len(got.Data) != 1 || got.Data[0].EventID != "e-genuine" {
		t.Fatalf("after the flood the receiver holds %d deliveries; want only the genuine one", len(got.Data))
	}

	// Genuine but large deliveries are kept within the byte budget.
	for range 40 {
		if got := post(map[string]string{"mono-webhook-secret": testWebhookSecret}); got != http.StatusOK {
			t.Fatalf("a large genuine delivery = %d, want 200", got)
		}
	}
	w.get("/sandbox/receiver")
	if grew := int64(heap()) - int64(before); grew > receiverMaxBytes+16<<20 {
		t.Fatalf("40 genuine 1 MiB deliveries grew the heap by %d MiB; want at most the %d MiB budget", grew>>20, receiverMaxBytes>>20)
	}
	if w.get("/sandbox/receiver").decode(t, &got); len(got.Data) == 0 || len(got.Data) > receiverMaxBytes/MaxBodyBytes+1 {
		t.Fatalf("the receiver keeps %d large deliveries; want the newest within %d MiB", len(got.Data), receiverMaxBytes>>20)
	}

	// A web page on another origin cannot post, even with the secret.
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}} {
		h["mono-webhook-secret"] = testWebhookSecret
		failed(t, w.do("POST", "/sandbox/receiver", req{key: noKey(), body: map[string]any{"event": "csrf"}, headers: h}),
			http.StatusForbidden, "CROSS_ORIGIN")
	}
	w.must(http.StatusOK, "POST", "/sandbox/receiver", req{key: noKey(), body: map[string]any{"event": "same-origin"},
		headers: map[string]string{"mono-webhook-secret": testWebhookSecret, "Sec-Fetch-Site": "same-origin"}})
}

// A field given twice on a sandbox route is refused and named: it would otherwise
// take its last value unnoticed ({"advance":"2m","advance":"3650d"} ran ten years).
// The Mono routes, which pass fields they do not read, refuse one they read given
// twice: {"code":"bogus","code":"<real>"} exchanged the real one (a bad-input
// trial); the code is not spent.
func TestMonoRoutesRefuseRepeatedFieldsTheyRead(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.customers()[0]
	st := w.answerAll(w.login(w.openWidget(map[string]any{"key": testPublicKey, "institution": c.Accounts[0].Institution.BankCode}).Session, c.Username, c.Password))
	code := st.Code
	for _, tc := range []struct{ path, body, ctype, field string }{
		{"/account/auth", `{"code":"bogus","code":"` + code + `"}`, "application/json", "code"},
		{"/account/auth", "code=" + code + "&code=x", "application/x-www-form-urlencoded", "code"},
		{"/v2/accounts/auth", `{"meta":{},"code":"x","code":"` + code + `"}`, "application/json", "code"},
		{"/v2/accounts/initiate", `{"scope":"auth","scope":"reauth","customer":{"name":"Ada Obi","email":"ada@example.com"},"meta":{"ref":"r"},"redirect_url":"http://127.0.0.1:3000/x"}`, "application/json", "scope"},
		// In any case, as encoding/json matches names, and nested (a review).
		{"/v2/accounts/initiate", `{"scope":"auth","SCOPE":"reauth","customer":{"name":"Ada Obi","email":"ada@example.com"},"meta":{"ref":"r"},"redirect_url":"http://127.0.0.1:3000/x"}`, "application/json", "scope"},
		{"/v2/accounts/initiate", `{"scope":"auth","institution":{"id":"bogus","id":"044"},"customer":{"name":"Ada Obi","email":"ada@example.com"},"meta":{"ref":"r"},"redirect_url":"http://127.0.0.1:3000/x"}`, "application/json", "institution.id"},
		// As encoding/json folds names: ſ (U+017F) is an s (a review).
		{"/v2/accounts/initiate", `{"scope":"auth","ſcope":"reauth","customer":{"name":"Ada Obi","email":"ada@example.com"},"meta":{"ref":"r"},"redirect_url":"http://127.0.0.1:3000/x"}`, "application/json", "scope"},
		{"/v2/accounts/initiate", `{"scope":"auth","institution":{"id":"bogus"},"inſtitution":{"id":"044"},"customer":{"name":"Ada Obi","email":"ada@example.com"},"meta":{"ref":"r"},"redirect_url":"http://127.0.0.1:3000/x"}`, "application/json", "institution"},
	} {
		v := failed(t, w.do("POST", tc.path, req{body: tc.body, ctype: tc.ctype}), http.StatusBadRequest, "")
		if !strings.Contains(fmt.Sprint(v["message"]), `field "`+tc.field+`" is given more than once`) { // v2's envelope has no field
			t.Errorf("POST %s %s: %v; want field %s named as given more than once", tc.path, tc.body, v, tc.field)
		}
	}
	// Unread fields given twice pass, as an SDK's extras do.
	var out struct{ ID string }
	w.post("/account/auth", map[string]any{"code": code}).decode(t, &out)
	if out.ID == "" {
		t.Fatal("the code, after the refusals, did not exchange")
	}
	w.must(http.StatusOK, "POST", "/v2/accounts/initiate", req{body: `{"scope":"auth","x":1,"x":2,"customer":{"name":"Ada Obi","email":"ada@example.com","x":{"y":1,"y":2}},"meta":{"ref":"r"},"redirect_url":"http://127.0.0.1:3000/x"}`, ctype: "application/json"})
}

func TestSandboxRoutesRefuseRepeatedFields(t *testing.T) {
	w := newWorld(t, worldOpts{})
	var before, after clockJSON
	w.get("/sandbox/clock").decode(t, &before)
	for _, tc := range []struct{ method, path, body, ctype, field string }{
		{"POST", "/sandbox/clock", `{"advance":"2m","advance":"3650d"}`, "application/json", "advance"},
		{"POST", "/sandbox/clock", `{"paused":true, "speed":2, "paused":false}`, "", "paused"},
		{"POST", "/sandbox/clock", "advance=2m&advance=3650d", "application/x-www-form-urlencoded", "advance"},
		{"PATCH", "/sandbox/settings", `{"auto_sync":"6h","auto_sync":"off"}`, "application/json", "auto_sync"},
		{"POST", "/sandbox/customers", `{"balance":1,"name":"A","balance":2}`, "", "balance"},
		{"POST", "/sandbox/customers/nobody/accounts", `{"institution":"058","institution":"044"}`, "", "institution"},
	} {
		v := failed(t, w.do(tc.method, tc.path, req{body: tc.body, ctype: tc.ctype}), http.StatusBadRequest, "INVALID_REQUEST")
		if v["field"] != tc.field || !strings.Contains(v["message"].(string), "more than once") {
			t.Errorf("%s %s %s: %v; want field %s named as given more than once", tc.method, tc.path, tc.body, v, tc.field)
		}
	}
	if w.get("/sandbox/clock").decode(t, &after); after.Now != before.Now {
		t.Fatalf("the clock moved from %s to %s on refused requests", before.Now, after.Now)
	}
}

// Links are built from the address the connection came in on, never from the Host
// header: HTTP/1.0 clients send none, and any client can send anything.
func TestLinksUseTheListeningAddress(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	id := w.connect(w.customers()[0])
	addr := strings.TrimPrefix(w.base, "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.0\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	var index map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&index); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if index["openapi"] != w.base+"/openapi.yaml" {
		t.Fatalf("HTTP/1.0 without Host: openapi link %q, want %q", index["openapi"], w.base+"/openapi.yaml")
	}

	forged := map[string]string{"Host": "localhost:1"} // another host and port it answers for (another name gets 421)
	var page txPageJSON
	w.must(http.StatusOK, "GET", "/accounts/"+id+"/transactions?limit=1&page=2", req{headers: forged}).decode(t, &page)
	var job statementJobJSON
	w.must(http.StatusOK, "GET", "/accounts/"+id+"/statement?period=last1months&output=pdf", req{headers: forged}).decode(t, &job)
	for _, link := range []*string{page.Paging.Next, page.Paging.Previous, &job.Path} {
		if link == nil {
			t.Fatal("a paging link is missing")
		}
		if !strings.HasPrefix(*link, w.base+"/") {
			t.Fatalf("with Host: evil.example a link is %q; want it under %s", *link, w.base)
		}
	}
}

// Headers too large for sandbank, but not yet for net/http, answer 431 as JSON.
func TestOversizedHeadersAnswerJSON(t *testing.T) {
	w := newWorld(t, worldOpts{})
	r, _ := http.NewRequest("GET", w.base+"/sandbox/clock", nil)
	r.Header.Set("mono-sec-key", testSecretKey)
	r.Header.Set("X-Padding", strings.Repeat("p", maxHeaderBytes))
	v := failed(t, w.raw(r), http.StatusRequestHeaderFieldsTooLarge, "HEADERS_TOO_LARGE")
	if msg, _ := v["message"].(string); !strings.Contains(msg, "send fewer or shorter headers") {
		t.Errorf("long headers: %q", msg)
	}
	// A long path is said to be the address, not the headers (a 70 KB account ID).
	r, _ = http.NewRequest("GET", w.base+"/accounts/"+strings.Repeat("a", maxHeaderBytes), nil)
	r.Header.Set("mono-sec-key", testSecretKey)
	v = failed(t, w.raw(r), http.StatusRequestHeaderFieldsTooLarge, "HEADERS_TOO_LARGE")
	if msg, _ := v["message"].(string); !strings.Contains(msg, "the address is the long part") {
		t.Errorf("a long path: %q", msg)
	}
}

// auto_sync reads durations as every other route does: 1d is 24h; what is not
// offered is refused with the offered values.
func TestAutoSyncTakesDays(t *testing.T) {
	w := newWorld(t, worldOpts{})
	var set settingsJSON
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"auto_sync": "1d"}}).decode(t, &set)
	if set.AutoSync != "24h" {
		t.Fatalf("auto_sync 1d = %q, want 24h", set.AutoSync)
	}
	for _, v := range []string{"2d", "5h", "daily", "1w"} {
		e := failed(t, w.do("PATCH", "/sandbox/settings", req{body: map[string]any{"auto_sync": v}}), http.StatusBadRequest, "INVALID_REQUEST")
		if e["field"] != "auto_sync" || !strings.Contains(e["message"].(string), "off, 6h, 12h or 24h") {
			t.Errorf("auto_sync %s: %v; want the offered values", v, e)
		}
	}
}

// The webhook log pages: paging.next leads through every event once, newest first,
// and ends with null; a page number is refused, saying what to do instead.
func TestWebhookLogPages(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	for _, c := range w.customers()[:3] {
		w.connect(c)
	}
	type logPage struct {
		Paging struct{ Next *string }
		Data   []eventJSON
	}
	var all logPage
	w.get("/sandbox/webhooks").decode(t, &all)
	if len(all.Data) < 6 || all.Paging.Next != nil {
		t.Fatalf("the whole log: %d events, next %v; want them all and no next", len(all.Data), all.Paging.Next)
	}
	var seen []string
	next := "/sandbox/webhooks?limit=3"
	for pages := 0; next != ""; pages++ {
		if pages > len(all.Data) {
			t.Fatal("paging.next never ends")
		}
		var p logPage
		w.get(next).decode(t, &p)
		for _, e := range p.Data {
			seen = append(seen, e.ID)
		}
		next = ""
		if p.Paging.Next != nil {
			if len(p.Data) != 3 || !strings.HasPrefix(*p.Paging.Next, w.base+"/sandbox/webhooks?") {
				t.Fatalf("a page of %d events with next %q", len(p.Data), *p.Paging.Next)
			}
			next = *p.Paging.Next
		}
	}
	if len(seen) != len(all.Data) {
		t.Fatalf("paging through gave %d events, want %d", len(seen), len(all.Data))
	}
	for i, e := range all.Data {
		if seen[i] != e.ID {
			t.Fatalf("event %d by paging is %s, want %s", i, seen[i], e.ID)
		}
	}
	for _, q := range []string{"page=2", "limit=3&page=2", "pgae=2"} {
		e := failed(t, w.do("GET", "/sandbox/webhooks?"+q, req{}), http.StatusBadRequest, "INVALID_REQUEST")
		if q != "pgae=2" && (e["field"] != "page" || !strings.Contains(e["message"].(string), "paging.next")) {
			t.Errorf("?%s: %v; want page refused, pointing at paging.next", q, e)
		}
	}
}

// allPlain never calls a byte plain that encoding/json escapes: checked on every
// byte value in every position, and on random words.
func TestAllPlainNeverMissesAnEscape(t *testing.T) {
	check := func(w [8]byte) {
		want := true
		for _, c := range w {
			want = want && c < utf8.RuneSelf && plain[c]
		}
		if got := allPlain(string(w[:])); got && !want {
			t.Fatalf("allPlain(%q) = true; a byte needs escaping", w[:])
		}
	}
	base := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
	for pos := range 8 {
		for c := range 256 {
			w := base
			w[pos] = byte(c)
			check(w)
		}
	}
	if !allPlain("POS PURC") {
		t.Fatal("allPlain calls plain text special")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		var w [8]byte
		for i := range w {
			w[i] = byte(rng.IntN(256))
			if rng.IntN(2) == 0 {
				w[i] = byte(0x1c + rng.IntN(0x28)) // around the edges that matter
			}
		}
		check(w)
	}
}

// Pages of transactions are kept between writes, and a write — a sync that brings
// a transaction, an unlink — is seen by the very next read.
func TestTransactionPagesFollowWrites(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 100000})
	id := w.connect(c)
	path := "/accounts/" + id + "/transactions?limit=5"
	first := w.get(path)
	if again := w.get(path); !bytes.Equal(again.body, first.body) {
		t.Fatalf("two reads without a write differ:\n%s\n%s", first.body, again.body)
	}
	var before, after txPageJSON
	first.decode(t, &before)

	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions", req{body: map[string]any{"type": "credit", "amount": 777}})
	w.advance("2m")
	if again := w.get(path); !bytes.Equal(again.body, first.body) {
		t.Fatal("the bank's new transaction shows before a sync (R1)")
	}
	w.post("/accounts/"+id+"/sync", nil)
	w.get(path).decode(t, &after)
	if after.Paging.Total != before.Paging.Total+1 || after.Data[0].Amount != 777 {
		t.Fatalf("after the sync: total %d (was %d), newest %+v; want the new transaction", after.Paging.Total, before.Paging.Total, after.Data[0])
	}
	w.post("/accounts/"+id+"/unlink", nil)
	failed(t, w.do("GET", path, req{}), http.StatusNotFound, "")
}

// An answer made before a write is never kept after it.
func TestAnswersDropOlderVersions(t *testing.T) {
	var c answers
	c.put(2, "k", []byte("new"))
	c.put(1, "k", []byte("old")) // a read that began before the write ends after it
	if b, ok := c.get(2, "k"); !ok || string(b) != "new" {
		t.Fatalf("get(2) = %q, %v; want the answer made at version 2", b, ok)
	}
	if _, ok := c.get(3, "k"); ok {
		t.Fatal("an answer of version 2 served at version 3")
	}
}

// A HEAD (a link checker, curl -I) changes nothing. The mux routes it to the GET,
// so a route whose GET acts — runs a sync, starts a statement or real-time job —
// answers it 405 with Allow, and the GET then runs as if no HEAD had come; a HEAD
// on a route that only reads is answered as its GET.
func TestHeadChangesNothing(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 250000})
	id := w.connect(c)

	for _, tc := range []struct {
		path    string
		headers map[string]string
		allow   string
	}{
		{"/accounts/" + id + "/sync", nil, "GET, POST"},
		{"/accounts/" + id + "/statement?period=last3months&output=pdf", nil, "GET"},
		{"/v2/accounts/" + id + "/statement?period=last3months&output=pdf", nil, "GET"},
		{"/v2/accounts/" + id + "/balance", map[string]string{"x-realtime": "true"}, "GET"},
		{"/v2/accounts/" + id + "/transactions", map[string]string{"x-realtime": "true"}, "GET"},
	} {
		rep := w.do("HEAD", tc.path, req{headers: tc.headers})
		if rep.status != http.StatusMethodNotAllowed || rep.header.Get("Allow") != tc.allow || len(rep.body) != 0 {
			t.Errorf("HEAD %s = %d, Allow %q, %d bytes; want 405, Allow %q and no body", tc.path, rep.status, rep.header.Get("Allow"), len(rep.body), tc.allow)
		}
	}
	// No sync ran: the rate limit's window is still open, and no real-time job started.
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/sync", req{})
	_, rep := w.v2Balance(id, true)
	if jobID, _, _ := jobHeaders(rep); jobID == "" || strings.Contains(string(rep.body), "no new job inside") {
		t.Errorf("the first real-time read after the HEADs found a job already started: %s", rep.body)
	}
	if rep := w.do("HEAD", "/accounts/"+id, req{}); rep.status != http.StatusOK || rep.header.Get("Content-Type") == "" {
		t.Errorf("HEAD /accounts/%s = %d (%v), want 200 with the GET's headers", id, rep.status, rep.header)
	}
}

// An amount or balance too large for the bank says what the most is, not that the
// number is not whole or not above zero.
func TestTooLargeAmountsSayTheMost(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 250000})
	for _, tc := range []struct{ path, body string }{
		{"/sandbox/customers/" + c.ID + "/transactions", `{"type":"credit","amount":9223372036854775000}`},
		{"/sandbox/customers", `{"institution":"044","balance":9223372036854775000}`},
		{"/sandbox/customers/" + c.ID + "/accounts", `{"institution":"058","balance":1000000000000001}`},
	} {
		v := failed(t, w.do("POST", tc.path, req{body: tc.body, ctype: "application/json"}), http.StatusBadRequest, "")
		if msg, _ := v["message"].(string); !strings.Contains(msg, "to 1000000000000000 (NGN 10 trillion") {
			t.Errorf("POST %s %s: %q does not say the most", tc.path, tc.body, msg)
		}
	}
}

// The webhook log filtered by an account that was never here is a 404 that says
// where the accounts are, not an empty log; an unlinked account still lists its
// events.
func TestWebhookLogOfAnUnknownAccount(t *testing.T) {
	w := newWorld(t, worldOpts{})
	v := failed(t, w.do("GET", "/sandbox/webhooks?account=nope", req{}), http.StatusNotFound, "ACCOUNT_NOT_FOUND")
	if msg, _ := v["message"].(string); !strings.Contains(msg, "GET /sandbox/accounts") {
		t.Errorf("the 404 says %q, not where the accounts are", msg)
	}
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 250000})
	id := w.connect(c)
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/unlink", req{})
	var page struct{ Data []any }
	w.must(http.StatusOK, "GET", "/sandbox/webhooks?account="+id, req{}).decode(t, &page)
	if len(page.Data) == 0 {
		t.Fatal("an unlinked account lists no events")
	}
}

// The public key sent where the secret key goes is named as such, in v1's and v2's
// shapes; any other wrong key gets the plain refusal.
func TestPublicKeyAsTheSecretKeySaysSo(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, path := range []string{"/sandbox/clock", "/v2/accounts/nope"} {
		rep := w.do("GET", path, req{key: withKey(testPublicKey)})
		if rep.status != http.StatusUnauthorized || !strings.Contains(string(rep.body), "holds the public key") {
			t.Errorf("GET %s with the public key = %d %s", path, rep.status, rep.body)
		}
		rep = w.do("GET", path, req{key: withKey("test_sk_not_the_key_at_all")})
		if rep.status != http.StatusUnauthorized || strings.Contains(string(rep.body), "public key") {
			t.Errorf("GET %s with a wrong key = %d %s", path, rep.status, rep.body)
		}
	}
}

// A body that is JSON but not an object is refused as such whatever its
// Content-Type, not read as a form whose one field is the whole body.
func TestJSONThatIsNotAnObject(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, body := range []string{"[1,2]", "null", `"advance"`, "42"} {
		for _, ctype := range []string{"", "application/x-www-form-urlencoded"} {
			rep := w.do("POST", "/sandbox/clock", req{body: body, ctype: ctype})
			if body == "null" { // JSON's nothing: as an empty body
				failed(t, rep, http.StatusBadRequest, "")
				if strings.Contains(string(rep.body), "unknown field") {
					t.Errorf("POST /sandbox/clock %s (%q) = %s", body, ctype, rep.body)
				}
				continue
			}
			v := failed(t, rep, http.StatusBadRequest, "")
			if msg, _ := v["message"].(string); !strings.Contains(msg, "not a JSON object") {
				t.Errorf("POST /sandbox/clock %s (%q): %q", body, ctype, msg)
			}
		}
	}
}

// A bank may be named instead of coded wherever the API takes an institution, as
// the widget's page takes it; an unknown one says where the codes are.
func TestInstitutionByName(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "access bank", "balance": 1000})
	if got := c.Accounts[0].Institution.BankCode; got != "044" {
		t.Fatalf("a customer at \"access bank\" banks at %q, want 044", got)
	}
	var more customerJSON
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/accounts", req{body: map[string]any{"institution": "GTBank"}}).decode(t, &more)
	if got := more.Accounts[len(more.Accounts)-1].Institution.BankCode; got != "058" {
		t.Fatalf("an account opened at \"GTBank\" is at %q, want 058", got)
	}
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "Access Bank"})
	if st.Status != engine.WidgetLogin {
		t.Fatalf("a widget opened at \"Access Bank\" = %+v, want its login", st)
	}
	v := failed(t, w.do("POST", "/sandbox/customers", req{body: map[string]any{"institution": "Bank of Nowhere"}}), http.StatusNotFound, "")
	if msg, _ := v["message"].(string); !strings.Contains(msg, "GET /sandbox/institutions") {
		t.Errorf("an unknown bank: %q", msg)
	}
}

// An account type may be given as Mono names it or shortly, in any case.
func TestAccountTypeShortNames(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for give, want := range map[string]string{"current": "CURRENT_ACCOUNT", "Savings": "SAVINGS_ACCOUNT", "current_account": "CURRENT_ACCOUNT"} {
		c := w.addCustomer(map[string]any{"institution": "044", "account_type": give})
		if got := c.Accounts[0].Type; got != want {
			t.Errorf("account_type %q made a %q account, want %q", give, got, want)
		}
	}
	v := failed(t, w.do("POST", "/sandbox/customers", req{body: map[string]any{"institution": "044", "account_type": "checking"}}), http.StatusBadRequest, "")
	if msg, _ := v["message"].(string); !strings.Contains(msg, "CURRENT_ACCOUNT") {
		t.Errorf("an unknown account type: %q", msg)
	}
}

// The tester's drawer names the route that exchanges the code the widget gave: v2's
// for an initiate link, v1's otherwise; and a locked session's drawer says to open
// a new session once the lock ends, as this one ends before it does.
func TestTesterDrawerSaysWhatToDoNext(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.customers()[0]
	_, linkID := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"}, "redirect_url": "http://127.0.0.1:3000/linked"})
	st := w.walkLink(linkID, "044", adam.Username, adam.Password)
	page := string(w.must(http.StatusOK, "GET", "/connect/s/"+st.Session, req{key: noKey(), headers: map[string]string{"Accept": "text/html"}}).body)
	if !strings.Contains(page, "POST /v2/accounts/auth") || strings.Contains(page, "POST /account/auth") {
		t.Errorf("a v2 link's success page does not name v2's exchange")
	}
	st = w.openWidget(map[string]any{"key": testPublicKey, "institution": "044"})
	for range 3 {
		w.do("POST", "/connect/sessions/"+st.Session+"/login", req{key: noKey(), body: map[string]any{"username": adam.Username, "password": "not-it-1!"}})
	}
	rep := w.do("GET", "/connect/s/"+st.Session, req{key: noKey(), headers: map[string]string{"Accept": "text/html"}})
	if page := string(rep.body); !strings.Contains(page, "Too many attempts") || !strings.Contains(page, "then open a new session") {
		t.Errorf("the locked page's drawer does not say to open a new session:\n%s", page)
	}
}

// A receiver that does not answer in time is told how long it had: "within the
// attempt's timeout" left the developer to look the 10 s up.
func TestTimedOutAttemptSaysHowLong(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // answers only after the sender gave up
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := NewWebhookSender().Send(ctx, srv.URL+"/hooks", nil, []byte(`{}`))
	if want := "no answer in 1s (timed out): the receiver must answer a delivery within that"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("a receiver that never answered: %v; want …%s", err, want)
	}
}

// A pending event behind its account's earlier one says which it waits for: its
// own next_attempt_at, already past, made it look overdue (a new user's trial).
func TestWebhookLogSaysWhatAnEventWaitsFor(t *testing.T) {
	w := newWorld(t, worldOpts{})
	// Port 1: nothing listens there, and no test's server is ever handed it. A
	// port closed after 127.0.0.1:0 chose it could be handed to a server of a
	// test running beside it, which took the delivery and never answered: it
	// timed out, not refused (a CI run).
	down := "http://127.0.0.1:1/hooks"
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true, "webhook_url": down}})
	id := w.connect(w.customers()[0])
	var log struct{ Data []eventJSON }
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) { // polling the delivery goroutine
		w.get("/sandbox/webhooks?account="+id).decode(t, &log)
		if n := len(log.Data); n >= 2 && log.Data[n-1].AttemptsMade == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first attempt never failed: %+v", log.Data)
		}
	}
	head := log.Data[len(log.Data)-1] // oldest: the account's first event
	if head.WaitingFor != "" || head.Status != "pending" {
		t.Fatalf("the account's first event: %+v; want pending, waiting for nothing", head)
	}
	for _, e := range log.Data[:len(log.Data)-1] {
		if e.WaitingFor != head.ID {
			t.Errorf("%s (%s): waiting_for %q; want %s, the account's first event", e.Event, e.Status, e.WaitingFor, head.ID)
		}
		// Its next attempt comes with the one it waits for: its own, stored before
		// it waited, was behind the clock, and moving the clock "to" it, as the
		// README says, was refused as going back (a trial).
		if e.NextAttemptAt != head.NextAttemptAt {
			t.Errorf("%s waiting behind %s: next_attempt_at %s; want %s, the earlier one's", e.Event, head.ID, e.NextAttemptAt, head.NextAttemptAt)
		}
	}
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: map[string]any{"to": log.Data[0].NextAttemptAt}})
	var replayed eventJSON
	w.must(http.StatusOK, "POST", "/sandbox/webhooks/"+log.Data[0].ID+"/replay", req{}).decode(t, &replayed)
	if replayed.WaitingFor != head.ID {
		t.Errorf("a replayed event behind another: waiting_for %q; want %s", replayed.WaitingFor, head.ID)
	}
	// One event by its ID, as the log shows it.
	var one eventJSON
	w.get("/sandbox/webhooks/"+log.Data[0].ID).decode(t, &one)
	if one.ID != log.Data[0].ID || one.WaitingFor != head.ID || one.Event != log.Data[0].Event || one.Replays != 1 {
		t.Errorf("GET /sandbox/webhooks/%s = %+v; want the event, replayed once, waiting for %s", log.Data[0].ID, one, head.ID)
	}
	// An ID that names no event says so, and how to find one, on every route of an event.
	for _, c := range []struct{ method, path string }{{"GET", ""}, {"GET", "/attempts"}, {"POST", "/replay"}} {
		e := failed(t, w.do(c.method, "/sandbox/webhooks/nope"+c.path, req{}), http.StatusNotFound, "EVENT_NOT_FOUND")
		if msg, _ := e["message"].(string); !strings.Contains(msg, "GET /sandbox/webhooks lists") {
			t.Errorf("%s /sandbox/webhooks/nope%s: %q", c.method, c.path, msg)
		}
	}
}

// Amounts may be written in naira, as scenario files and the TUI write them: a
// new user's "NGN 5,000" was refused, and a string of digits is kobo as before.
func TestAmountsInNaira(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044", "balance": "NGN 5,000"})
	if got := c.Accounts[0].Balance; got != 500_000 {
		t.Fatalf("balance \"NGN 5,000\" opened with %d kobo, want 500000", got)
	}
	var tx struct{ Transaction struct{ Amount int64 } }
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions",
		req{body: map[string]any{"type": "credit", "amount": "₦1,000.50"}}).decode(t, &tx)
	if tx.Transaction.Amount != 100_050 {
		t.Fatalf("amount \"₦1,000.50\" posted %d kobo, want 100050", tx.Transaction.Amount)
	}
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions",
		req{body: map[string]any{"type": "debit", "amount": "250"}}).decode(t, &tx)
	if tx.Transaction.Amount != 250 {
		t.Fatalf("amount \"250\" posted %d kobo, want 250 (kobo, as a number is)", tx.Transaction.Amount)
	}
	for _, bad := range []string{"NGN five", "NGN 0", "5,000"} {
		v := failed(t, w.do("POST", "/sandbox/customers/"+c.ID+"/transactions",
			req{body: map[string]any{"type": "credit", "amount": bad}}), http.StatusBadRequest, "")
		if msg, _ := v["message"].(string); !strings.Contains(msg, `or naira written \"NGN 5,000\"`) && !strings.Contains(msg, `or naira written "NGN 5,000"`) {
			t.Errorf("amount %q: %q does not say both forms", bad, msg)
		}
	}
}

// Days in the transaction filters are Lagos days, as the months of /credits are: a
// credit at 00:30 WAT on 1 August (23:30 UTC on 31 July) was in July's filter and
// in August's credits (a new user's trial).
func TestDatesAreLagosDays(t *testing.T) {
	w := newWorld(t, worldOpts{start: time.Date(2021, 7, 31, 23, 50, 0, 0, engine.WAT)})
	w.enableDataSync()
	c := w.addCustomer(map[string]any{"institution": "044", "balance": "NGN 1,000"})
	id := w.connect(c)
	w.advance("40m") // 00:30 WAT on 1 August
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions",
		req{body: map[string]any{"type": "credit", "amount": "NGN 5,000", "narration": "NIP TRF FROM MIDNIGHT"}})
	w.advance("2m")
	w.must(http.StatusOK, "POST", "/accounts/"+id+"/sync", req{})
	has := func(q string) bool {
		var page struct {
			Data []struct{ Narration, Date string }
		}
		w.must(http.StatusOK, "GET", "/accounts/"+id+"/transactions?paginate=false&"+q, req{}).decode(t, &page)
		for _, tx := range page.Data {
			if tx.Narration == "NIP TRF FROM MIDNIGHT" {
				if tx.Date != "2021-07-31T23:30:00.000Z" {
					t.Fatalf("the credit is dated %s, not 00:30 WAT on 1 August", tx.Date)
				}
				return true
			}
		}
		return false
	}
	for q, want := range map[string]bool{
		"start=01-08-2021&end=31-08-2021":                     true,
		"start=2021-08-01&end=2021-08-31":                     true,
		"start=2021-08-01T00:00:00&end=2021-08-01T01:00:00":   true,
		"start=01-07-2021&end=31-07-2021":                     false,
		"start=2021-07-31T00:00:00Z&end=2021-07-31T23:59:59Z": true, // a zone given is kept
	} {
		if got := has(q); got != want {
			t.Errorf("%s: holds the credit at 00:30 WAT on 1 August: %v, want %v", q, got, want)
		}
	}
	// A reversed range says its days as given, in Lagos time (it said "the end
	// date 2027-03-05 is before the start date 2027-03-05", in UTC).
	v := failed(t, w.do("GET", "/accounts/"+id+"/transactions?start=06-08-2021&end=05-08-2021", req{}), http.StatusBadRequest, "")
	if msg, _ := v["message"].(string); !strings.Contains(msg, "the end 2021-08-05 23:59:59 WAT is before the start 2021-08-06 00:00:00 WAT") {
		t.Errorf("a reversed range says %q", msg)
	}
	var credits struct{ History []struct{ Period string } }
	w.must(http.StatusOK, "GET", "/accounts/"+id+"/credits", req{}).decode(t, &credits)
	if n := len(credits.History); n == 0 || !strings.HasPrefix(credits.History[n-1].Period, "08-2021") && !strings.HasPrefix(credits.History[n-1].Period, "2021-08") {
		t.Errorf("/credits' last month is not August: %+v", credits.History)
	}
}

// A secret that cannot travel in a header as given is refused at the field: a
// webhook secret with a newline was stored, and every delivery then failed and was
// retried without end (a new user's trial).
func TestSecretsTravelInHeaders(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, bad := range []string{"abc\nx", "a\xffb", " padded ", strings.Repeat("s", 300)} {
		for _, field := range []string{"webhook_secret", "secret_key", "public_key"} {
			v := failed(t, w.do("PATCH", "/sandbox/settings", req{body: map[string]any{field: bad + "0123456789abcdef"}}), http.StatusBadRequest, "")
			if v["field"] != field && !strings.Contains(fmt.Sprint(v), field) {
				t.Errorf("%s %q: the refusal does not name the field: %v", field, bad, v)
			}
		}
	}
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"webhook_secret": "whsec_fine-1234!"}})
}

// Lengths are counted in characters, not bytes: a Yoruba name of 39 characters
// was "more than 60", a narration of 100 é "more than 120"; and a v2 customer ID
// has bounds (3,000 characters were stored) (a new user's trial).
func TestLengthsInCharacters(t *testing.T) {
	w := newWorld(t, worldOpts{})
	name := strings.TrimSpace(strings.Repeat("Ọlá ", 9)) + " Ọlá"
	c := w.addCustomer(map[string]any{"institution": "044", "name": name, "balance": "NGN 1,000"})
	if c.Name != name {
		t.Fatalf("name %q came back %q", name, c.Name)
	}
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+c.ID+"/transactions",
		req{body: map[string]any{"type": "debit", "amount": 100, "narration": strings.Repeat("é", 100)}})
	failed(t, w.do("POST", "/sandbox/customers/"+c.ID+"/transactions",
		req{body: map[string]any{"type": "debit", "amount": 100, "narration": strings.Repeat("é", 121)}}), http.StatusBadRequest, "")
	for _, id := range []string{strings.Repeat("c", 3000), "not an id"} {
		v := failed(t, w.do("POST", "/v2/accounts/initiate", req{body: map[string]any{"scope": "auth",
			"customer": map[string]any{"id": id}, "redirect_url": "http://127.0.0.1:3000/linked"}}), http.StatusBadRequest, "")
		if !strings.Contains(fmt.Sprint(v), "customer.id") {
			t.Errorf("customer.id of %d characters: %v", len(id), v)
		}
	}
}

// A message repeats what the client sent, but not a megabyte of it: a 1 MB code
// came back whole in the 404 (a new user's trial).
func TestMessagesClipWhatWasSent(t *testing.T) {
	w := newWorld(t, worldOpts{})
	code := strings.Repeat("c", 200_000)
	rep := w.do("POST", "/account/auth", req{body: map[string]any{"code": code}})
	v := failed(t, rep, http.StatusNotFound, "")
	msg, _ := v["message"].(string)
	if len(msg) > 500 || !strings.Contains(msg, `…" (200000 characters)`) {
		t.Fatalf("the 404 for a code of 200,000 characters says (%d bytes): %.300s", len(msg), msg)
	}
	// Many short words: the message is cut as a whole.
	v = failed(t, w.do("POST", "/sandbox/customers", req{body: map[string]any{"name": strings.Repeat("ab_ ", 20_000)}}), http.StatusBadRequest, "")
	if msg, _ = v["message"].(string); len(msg) > 1200 || !strings.Contains(msg, "characters in all)") {
		t.Fatalf("a refused name of 80,000 characters is said in %d bytes: %.300s", len(msg), msg)
	}
}

// The log clips what the client sent as messages do: a 60,000-character ID was a
// 60 KB log line, for a request without the key too (a security review).
func TestTheLogClipsWhatWasSent(t *testing.T) {
	w := newWorld(t, worldOpts{})
	id := strings.Repeat("y", 60_000)
	withKey := httptest.NewRequest("GET", "/accounts/"+id, nil)
	withKey.Header.Set("mono-sec-key", testSecretKey)
	for _, tc := range []struct {
		r          *http.Request
		status     int
		want, name string
	}{
		{withKey, http.StatusNotFound, "(60000 characters)", "a long ID"},
		{httptest.NewRequest("GET", "/accounts/"+id, nil), http.StatusUnauthorized, "(60000 characters)", "a long ID without the key"},
		{httptest.NewRequest(strings.Repeat("X", 20_000), "/nowhere", nil), http.StatusNotFound, "(20000 characters) (no route)", "a long method"},
	} {
		status, log := w.logOf(tc.r)
		if status != tc.status || len(log) > 500 || !strings.Contains(log, tc.want) {
			t.Errorf("%s: %d, logged in %d bytes: %.300s; want %d, clipped, saying %q", tc.name, status, len(log), log, tc.status, tc.want)
		}
	}
}

// A request no route takes is answered clipped, as a route's refusal is: a path
// or method of 30,000 characters came back whole in the 404 or 405 (a security
// review).
func TestUnroutedAnswersClipWhatWasSent(t *testing.T) {
	w := newWorld(t, worldOpts{})
	long := strings.Repeat("y", 30_000)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/x/" + long, http.StatusNotFound},
		{"PUT", "/accounts/" + long, http.StatusMethodNotAllowed},
		{strings.Repeat("X", 30_000), "/nowhere", http.StatusNotFound},
		{strings.Repeat("X", 30_000), "/sandbox/clock", http.StatusMethodNotAllowed},
	} {
		r, err := http.NewRequest(tc.method, w.base+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("mono-sec-key", testSecretKey)
		rep := w.raw(r)
		if rep.status != tc.status || len(rep.body) > 2000 || !bytes.Contains(rep.body, []byte(" characters)")) {
			t.Errorf("%.20s %.20s: %d, %d bytes: %.300s", tc.method, tc.path, rep.status, len(rep.body), rep.body)
		}
	}
	// A mistyped path of a real length is said whole, its typo at the end too: it
	// was clipped to its first 50 characters (a review).
	typo := "/v1/accounts/40d684a1b2c3d4e5f6a7b8c9/statement/jobs/40d684a1b2c3d4e5f6a7b8c9/transactions/40d684a1b2c3d4e5f6a7b8c9/more"
	v := failed(t, w.do("GET", typo, req{}), http.StatusNotFound, "")
	if msg := fmt.Sprint(v["message"]); !strings.Contains(msg, typo[3:]) {
		t.Errorf("no route for a %d-character path says %q; want the path whole", len(typo), msg)
	}
}

// Two mono-sec-key headers are refused, whichever comes first: the first won, so
// a wrong key after the right one passed (a new user's trial).
func TestTwoSecretKeys(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, keys := range [][]string{{testSecretKey, "test_sk_wrong0123456789abcde"}, {testSecretKey, testSecretKey}} {
		r, _ := http.NewRequest("GET", w.base+"/sandbox/clock", nil)
		for _, k := range keys {
			r.Header.Add("mono-sec-key", k)
		}
		v := failed(t, w.raw(r), http.StatusUnauthorized, "INVALID_SECRET_KEY")
		if msg, _ := v["message"].(string); !strings.Contains(msg, "2 mono-sec-key headers") {
			t.Errorf("two keys: %q", msg)
		}
	}
}

// The widget's address reads connect.js 2.x's data.customer, and its reference.
func TestConnectQueryReadsTheCustomer(t *testing.T) {
	q, err := parseConnectQuery("key=k&reference=order-42&data="+url.QueryEscape(`{"customer":{"name":"Chidi Eze","email":"chidi@example.com"}}`), nil)
	if err != nil || q.req.Customer.Email != "chidi@example.com" || q.req.Customer.Name != "Chidi Eze" || q.req.Reference != "order-42" {
		t.Fatalf("parseConnectQuery = %+v, %v", q.req, err)
	}
}

// connect.js's reauthorise(id) on a Connect whose selectedInstitution names
// another bank re-authorises the account at its own: the option picks a new
// connection's bank, and the engine would refuse it as another bank's (which
// POST /connect/sessions, naming both, is).
func TestConnectQueryOfAReauthDropsTheSelectedBank(t *testing.T) {
	sel := "&selectedInstitution=" + url.QueryEscape(`{"id":"058","auth_method":"mobile_banking"}`)
	for _, entry := range []string{"data=" + url.QueryEscape(`{"account":"acc1"}`), "reauth_token=tok1"} {
		q, err := parseConnectQuery("key=k&"+entry+sel, nil)
		if err != nil || q.req.Institution != "" || q.req.AuthMethod != "" || q.req.Account+q.req.ReauthToken == "" {
			t.Errorf("%s: parseConnectQuery = %+v, %v; want the account's re-authorisation, no bank picked", entry, q.req, err)
		}
	}
	if q, err := parseConnectQuery("key=k"+sel, nil); err != nil || q.req.Institution != "058" || q.req.AuthMethod != "mobile_banking" {
		t.Errorf("a new connection's selectedInstitution: %+v, %v", q.req, err)
	}
}

// A body that trickles in is given up after bodyReadTimeout, with a message, and
// its connection freed: 512 of them held every connection for 26 minutes.
func TestTrickledBodyIsGivenUp(t *testing.T) {
	old := bodyReadTimeout
	bodyReadTimeout = 300 * time.Millisecond
	t.Cleanup(func() { bodyReadTimeout = old })
	w := newWorld(t, worldOpts{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(w.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a hang fails the test, not the run
	fmt.Fprintf(conn, "POST /sandbox/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nmono-sec-key: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", testSecretKey)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a trickled body: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "did not arrive within") {
		t.Fatalf("a trickled body = %d %s; want 400 saying it did not arrive in time", resp.StatusCode, b)
	}
}

// A widget step refused for a missing field names the fields the body had that
// the step does not read: {"user","pass"} was answered "password is required"
// alone (an app developer's trial). A step that has what it needs takes extra
// fields, as a browser's form may send them.
func TestWidgetStepNamesFieldsItDoesNotRead(t *testing.T) {
	w := newWorld(t, worldOpts{})
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": "044"})
	v := failed(t, w.do("POST", "/connect/sessions/"+st.Session+"/login", req{body: map[string]any{"user": "a", "pass": "b"}}), http.StatusBadRequest, "")
	msg, _ := v["message"].(string)
	if !strings.Contains(msg, "username and password are required (the body has pass, user, which this step does not read: it takes username and password)") {
		t.Fatalf("login with user and pass: %q", msg)
	}
	// Nested, as an SDK may wrap them: named too, not left out unsaid.
	v = failed(t, w.do("POST", "/connect/sessions/"+st.Session+"/login", req{body: map[string]any{"credentials": map[string]any{"username": "a", "password": "b"}}}), http.StatusBadRequest, "")
	if msg, _ := v["message"].(string); !strings.Contains(msg, "username and password are required (the body has credentials, which this step does not read: it takes username and password)") {
		t.Fatalf("login with nested credentials: %q", msg)
	}
	v = failed(t, w.do("POST", "/connect/sessions/"+st.Session+"/login", req{body: map[string]any{"username": "nobody", "password": "x", "remember": true}}), http.StatusUnauthorized, "")
	if msg, _ := v["message"].(string); strings.Contains(msg, "does not read") {
		t.Fatalf("a login with its fields and one more: %q", msg)
	}
}

// A customer route given a connected account's ID says so, and names the
// customer and the route to call: "no customer" alone left an app developer
// guessing.
func TestCustomerRouteGivenAnAccountID(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.addCustomer(map[string]any{"institution": "044", "balance": 100000})
	id := w.connect(c)
	v := failed(t, w.do("POST", "/sandbox/customers/"+id+"/transactions", req{body: map[string]any{"type": "debit", "amount": 100}}), http.StatusNotFound, "")
	want := id + " is a connected account's ID, not a customer's: the bank's customer who holds it is " + c.ID + "; call POST /sandbox/customers/" + c.ID + "/transactions"
	if msg, _ := v["message"].(string); msg != want {
		t.Fatalf("an account's ID as the customer's:\n%q\nwant\n%q", msg, want)
	}
	v = failed(t, w.do("GET", "/sandbox/customers/nobody", req{}), http.StatusNotFound, "")
	if msg, _ := v["message"].(string); !strings.Contains(msg, `no customer "nobody"`) {
		t.Fatalf("an unknown ID: %q", msg)
	}
}

// The institution routes name the bank in their path as the bodies do: by CBN code
// or by name. The 404 for an unknown code says to give the name, and
// POST /sandbox/institutions/Access%20Bank/outage answered that same 404 (a QA
// trial).
func TestInstitutionRoutesTakeTheBanksName(t *testing.T) {
	w := newWorld(t, worldOpts{})
	var inst institutionJSON
	w.post("/sandbox/institutions/access%20bank/outage", map[string]any{"for": "15m"}).decode(t, &inst)
	if inst.BankCode != "044" || inst.OutageUntil == "" {
		t.Fatalf("the outage by name: %+v", inst)
	}
	w.post("/sandbox/institutions/Access%20Bank/latency", map[string]any{"latency": "1s"}).decode(t, &inst)
	if inst.BankCode != "044" || inst.LatencyMS != 1000 {
		t.Fatalf("the latency by name: %+v", inst)
	}
	var ended institutionJSON // outage_until is left out once it ends
	w.must(http.StatusOK, "DELETE", "/sandbox/institutions/Access%20Bank/outage", req{}).decode(t, &ended)
	if ended.BankCode != "044" || ended.OutageUntil != "" {
		t.Fatalf("the outage ended by name: %+v", ended)
	}
	failed(t, w.do("POST", "/sandbox/institutions/Nowhere%20Bank/outage", req{body: map[string]any{"for": "15m"}}), http.StatusNotFound, "NOT_FOUND")
}

// A posting to an account the customer does not hold says what account takes and
// lists the customer's: the connected account's ID, which every other route takes,
// got "customer … has no account …" and nothing to go on (a QA trial).
func TestPostingToAnotherAccountSaysWhatAccountTakes(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.customers()[0]
	id := w.connect(c)
	v := failed(t, w.do("POST", "/sandbox/customers/"+c.ID+"/transactions", req{body: map[string]any{"type": "debit", "amount": 100, "account": id}}),
		http.StatusNotFound, "NOT_FOUND")
	msg := fmt.Sprint(v["message"])
	if v["field"] != "account" || !strings.Contains(msg, "account number") || !strings.Contains(msg, c.Accounts[0].AccountNumber) {
		t.Fatalf("the posting to a connected account's ID: %s; want it to say account takes the account number, and %s", msg, c.Accounts[0].AccountNumber)
	}
	// and nothing was posted: the balance at the bank is as it was
	var after customerJSON
	w.get("/sandbox/customers/"+c.ID).decode(t, &after)
	if after.Accounts[0].Balance != c.Accounts[0].Balance {
		t.Fatalf("balance %d, was %d", after.Accounts[0].Balance, c.Accounts[0].Balance)
	}
}

// A body in UTF-16 (Windows PowerShell's Out-File, Notepad's "Unicode") is said to
// be one, on every route that reads a body: read as it came, {"code":"…"} was a
// form of one unknown field, and POST /account/auth answered "code is required"
// (a QA trial).
func TestAUTF16BodyIsSaidToBeOne(t *testing.T) {
	w := newWorld(t, worldOpts{})
	utf16 := func(s string, bigEndian, bom bool) []byte {
		var b []byte
		if bom {
			b = []byte{0xff, 0xfe}
			if bigEndian {
				b = []byte{0xfe, 0xff}
			}
		}
		for _, c := range []byte(s) { // ASCII
			if bigEndian {
				b = append(b, 0, c)
			} else {
				b = append(b, c, 0)
			}
		}
		return b
	}
	for _, tc := range []struct {
		path, body string
		v2         bool
	}{
		{"/account/auth", `{"code":"nope"}`, false},
		{"/sandbox/clock", `{"advance":"1m"}`, false},
		{"/v2/accounts/initiate", `{"scope":"auth"}`, true},
		{"/v2/accounts/auth", `{"code":"nope"}`, true},
	} {
		for _, enc := range []struct{ big, bom bool }{{false, true}, {true, true}, {false, false}, {true, false}} {
			for _, ct := range []string{"", "application/json"} {
				rep := w.do("POST", tc.path, req{body: utf16(tc.body, enc.big, enc.bom), ctype: ct})
				var v map[string]any
				if tc.v2 {
					v = failedV2(t, rep, http.StatusBadRequest)
				} else {
					v = failed(t, rep, http.StatusBadRequest, "INVALID_REQUEST")
				}
				if msg := fmt.Sprint(v["message"]); !strings.Contains(msg, "UTF-16") || !strings.Contains(msg, "send it as UTF-8") {
					t.Errorf("POST %s in UTF-16 (big-endian %v, BOM %v, Content-Type %q): %s", tc.path, enc.big, enc.bom, ct, rep.body)
				}
			}
		}
	}
	// The clock did not move.
	var c clockJSON
	w.get("/sandbox/clock").decode(t, &c)
	if !strings.HasPrefix(c.Now, adamStart.UTC().Format("2006-01-02T15:04")) {
		t.Errorf("the clock moved to %s", c.Now)
	}
}

// A misspelt field whose value nests is refused as unknown, named with the
// fields the route takes: {"webhook_urll":["x"]} was told it "must be a string,
// number or boolean" (a bad-input trial). A field the route reads still says so.
func TestAMisspeltFieldThatNestsIsUnknown(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, tc := range []struct {
		method, path string
		body         map[string]any
		field, want  string
	}{
		{"PATCH", "/sandbox/settings", map[string]any{"webhook_urll": []string{"x"}}, "webhook_urll", `unknown field "webhook_urll"; this route takes`},
		{"POST", "/sandbox/clock", map[string]any{"zzz": map[string]any{}}, "zzz", `unknown field "zzz"; this route takes`},
		{"POST", "/sandbox/clock", map[string]any{"advance": map[string]any{}}, "advance", "advance must be"},
	} {
		v := failed(t, w.do(tc.method, tc.path, req{body: tc.body}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg := fmt.Sprint(v["message"]); v["field"] != tc.field || !strings.Contains(msg, tc.want) {
			t.Errorf("%s %s %v: %v; want field %s and %q", tc.method, tc.path, tc.body, v, tc.field, tc.want)
		}
	}
}

// A field a sandbox route does not take is refused whatever its value: set to
// null it was dropped as a field left out before the check, and
// {"auto_sync":"24h","webhok_url":null} answered 200 (a security review). A null
// field the route takes still counts as left out.
func TestAnUnknownFieldSetToNullIsUnknown(t *testing.T) {
	w := newWorld(t, worldOpts{})
	var before clockJSON
	w.get("/sandbox/clock").decode(t, &before)
	for _, tc := range []struct{ method, path, body, field string }{
		{"PATCH", "/sandbox/settings", `{"auto_sync":"24h","webhok_url":null}`, "webhok_url"},
		{"POST", "/sandbox/clock", `{"advance":"1m","pased":null}`, "pased"},
		{"POST", "/sandbox/customers", `{"bogus":null}`, "bogus"},
		{"POST", "/sandbox/customers", `{"":1}`, ""},
		{"DELETE", "/sandbox/institutions/044/outage", `{"url":null}`, "url"},
	} {
		v := failed(t, w.do(tc.method, tc.path, req{body: tc.body, ctype: "application/json"}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg := fmt.Sprint(v["message"]); fmt.Sprint(v["field"]) != tc.field && tc.field != "" || !strings.Contains(msg, fmt.Sprintf("unknown field %q", tc.field)) {
			t.Errorf("%s %s %s: %v; want %s refused as unknown", tc.method, tc.path, tc.body, v, tc.field)
		}
	}
	var after clockJSON
	if w.get("/sandbox/clock").decode(t, &after); after.Now != before.Now {
		t.Errorf("the clock moved from %s to %s on a refused request", before.Now, after.Now)
	}
	if set := w.get("/sandbox/settings").json(t); set["auto_sync"] != "off" {
		t.Errorf("a refused PATCH set auto_sync %v", set["auto_sync"])
	}
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: `{"advance":"1m","paused":null}`, ctype: "application/json"})
}

// The sandbox routes that take no fields refuse any sent, as the others refuse
// fields they do not know: a replay with {"url":…} went again to the usual URL,
// and said nothing of the field (a QA trial).
func TestSandboxRoutesWithoutFieldsRefuseThem(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	w.connect(w.customers()[0])
	var evs struct {
		Data []struct {
			ID      string `json:"id"`
			Replays int    `json:"replays"`
		} `json:"data"`
	}
	w.get("/sandbox/webhooks").decode(t, &evs)
	if len(evs.Data) == 0 {
		t.Fatal("no webhook event to replay")
	}
	ev := evs.Data[0]
	w.post("/sandbox/institutions/044/outage", map[string]any{"for": "15m"})
	for _, tc := range []struct{ method, path string }{
		{"POST", "/sandbox/webhooks/" + ev.ID + "/replay"},
		{"DELETE", "/sandbox/institutions/044/outage"},
	} {
		for _, body := range []req{{body: map[string]any{"url": "http://127.0.0.1:9/x"}}, {body: "url=http://127.0.0.1:9/x", ctype: "application/x-www-form-urlencoded"}} {
			v := failed(t, w.do(tc.method, tc.path, body), http.StatusBadRequest, "INVALID_REQUEST")
			if msg := fmt.Sprint(v["message"]); v["field"] != "url" || !strings.Contains(msg, `unknown field "url"`) || !strings.Contains(msg, "send no body") {
				t.Errorf("%s %s with a field: %v", tc.method, tc.path, v)
			}
		}
		if tc.method == "DELETE" { // refused, the outage runs on
			var insts struct{ Data []institutionJSON }
			w.get("/sandbox/institutions").decode(t, &insts)
			for _, in := range insts.Data {
				if in.BankCode == "044" && in.OutageUntil == "" {
					t.Errorf("a refused DELETE ended the outage")
				}
			}
		}
		// with none, or an empty object, they do as before
		w.must(http.StatusOK, tc.method, tc.path, req{body: map[string]any{}})
	}
	// Refused, nothing was done: the replay counted once (the one without a field),
	// and the outage ran until the call without one ended it.
	var after struct {
		Replays int `json:"replays"`
	}
	w.get("/sandbox/webhooks/"+ev.ID).decode(t, &after)
	if after.Replays != ev.Replays+1 {
		t.Errorf("replays %d, want %d", after.Replays, ev.Replays+1)
	}
}

// The Mono routes and the widget's ignore the fields they do not read, whatever
// their values, as SDKs send them: POST /account/auth {"code","meta":{…}} was
// refused for its meta, which v2's initiate ignores (a QA trial). A field a route
// reads is still refused, named, when it nests; and the sandbox routes still
// refuse any field they do not know.
func TestMonoRoutesIgnoreNestedFieldsTheyDoNotRead(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	c := w.customers()[0]
	// a connect, its every step carrying an extra field that nests
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": c.Accounts[0].Institution.BankCode, "meta": map[string]any{"sdk": "x"}, "tags": []string{"a"}})
	rep := w.must(http.StatusOK, "POST", "/connect/sessions/"+st.Session+"/login", req{key: noKey(),
		body: map[string]any{"username": c.Username, "password": c.Password, "device": map[string]any{"os": "ios"}}})
	var done widgetReply
	rep.decode(t, &done)
	if done.Code == "" {
		t.Fatalf("the login did not end with a code: %s", rep.body)
	}
	var linked struct{ ID string }
	w.must(http.StatusOK, "POST", "/account/auth", req{body: map[string]any{"code": done.Code, "meta": map[string]any{"ref": "r1"}}}).decode(t, &linked)
	if linked.ID == "" {
		t.Fatal("the exchange answered no ID")
	}
	w.get("/accounts/" + linked.ID)
	// v2's exchange too: an unknown code, said so, not its extra field
	failedV2(t, w.do("POST", "/v2/accounts/auth", req{body: map[string]any{"code": "nope", "meta": []int{1}}}), http.StatusNotFound)
	// A field the route reads, nested, is refused and named.
	for _, tc := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/account/auth", map[string]any{"code": map[string]any{"value": "x"}}, "code"},
		{"/connect/sessions", map[string]any{"key": testPublicKey, "institution": map[string]any{"id": "044"}}, "institution"},
		{"/sandbox/clock", map[string]any{"advance": "1m", "meta": map[string]any{"x": 1}}, "meta"}, // strict: refused
	} {
		v := failed(t, w.do("POST", tc.path, req{body: tc.body}), http.StatusBadRequest, "INVALID_REQUEST")
		if v["field"] != tc.field {
			t.Errorf("POST %s %v: field %v, want %s", tc.path, tc.body, v["field"], tc.field)
		}
	}
}

// A receiver on https whose certificate this machine does not trust is said in
// words that say what to do: Go's "x509: certificate signed by unknown
// authority" alone did not (a webhook developer's trial).
func TestUntrustedReceiverCertificateIsSaid(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, err := NewWebhookSender().Send(context.Background(), srv.URL+"/hooks", map[string]string{"Content-Type": "application/json"}, []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "signed by no authority this machine trusts") || !strings.Contains(err.Error(), "SSL_CERT_FILE=") {
		t.Fatalf("an untrusted receiver: %v; want it said, with SSL_CERT_FILE", err)
	}
	// Reached by another name, Go says the name first: the trust is said with it
	// (the review: following the name's advice met the trust next).
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	_, err = NewWebhookSender().Send(context.Background(), u+"/hooks", map[string]string{"Content-Type": "application/json"}, []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "not for this host") || !strings.Contains(err.Error(), "SSL_CERT_FILE=") {
		t.Fatalf("a receiver's certificate for another name: %v; want both the name and the trust said", err)
	}
}

// repeatedInObject on shapes decodeObject may not have refused first: an array
// where a read object goes is skipped, not read as names, and a top-level name
// with a dot is not a nested path (a review).
func TestRepeatedInObjectShapes(t *testing.T) {
	reads := []string{"scope", "institution", "institution.id"}
	for body, want := range map[string]string{
		`{"institution":["scope",1,"scope",2]}`:                      "",
		`{"institution":["x"],"scope":"a","scope":"b"}`:              "scope",
		`{"institution.id":"x","institution.id":"y","scope":"auth"}`: "",
		`{"institution":{"id":"x","ID":"y"}}`:                        "institution.id",
		`{"institution":{"x":[{"id":1},{"id":2}]},"scope":"a"}`:      "",
		`{"institution":null,"institution":{}}`:                      "institution",
		`{"institution":{"id":`:                                      "",
	} {
		err := repeatedInObject([]byte(body), reads)
		got := ""
		if e, ok := engine.AsError(err); ok {
			got = e.Field
		}
		if got != want {
			t.Errorf("%s: repeated %q (%v), want %q", body, got, err, want)
		}
	}
}

// A webhook URL is at most 2,048 characters: one of 500,000 was taken and copied
// into every attempt's record (a security review).
func TestWebhookURLHasALength(t *testing.T) {
	w := newWorld(t, worldOpts{})
	base := "http://127.0.0.1:9000/"
	at := base + strings.Repeat("a", maxWebhookURL-len(base))
	var set settingsJSON
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"webhook_url": at}}).decode(t, &set)
	if set.WebhookURL != at {
		t.Fatalf("a URL of %d characters was stored as %d", len(at), len(set.WebhookURL))
	}
	for _, u := range []string{at + "a", base + strings.Repeat("a", 500_000)} {
		v := failed(t, w.do("PATCH", "/sandbox/settings", req{body: map[string]any{"webhook_url": u}}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg := v["message"].(string); v["field"] != "webhook_url" || len(msg) > 300 || !strings.Contains(msg, "at most 2048") || !strings.Contains(msg, fmt.Sprint(len(u), " characters")) {
			t.Errorf("a URL of %d characters: %v", len(u), v)
		}
	}
	if w.get("/sandbox/settings").decode(t, &set); set.WebhookURL != at {
		t.Errorf("the refused URLs changed the setting to one of %d characters", len(set.WebhookURL))
	}
}

// A new customer's field sent empty or blank is refused, as a name or
// credentials were, saying what leaving it out does: {"balance":" "} opened an
// account of 0 and {"institution":" "} one at a random bank (a security review).
// Left out, or null, each takes its default.
func TestANewCustomersBlankFieldIsRefused(t *testing.T) {
	w := newWorld(t, worldOpts{})
	before := len(w.customers())
	for _, f := range []string{"name", "username", "password", "institution", "balance", "mfa", "profile", "account_type", "auth_method"} {
		for _, blank := range []string{"", " "} {
			v := failed(t, w.do("POST", "/sandbox/customers", req{body: map[string]any{f: blank}}), http.StatusBadRequest, "INVALID_REQUEST")
			if msg := fmt.Sprint(v["message"]); v["field"] != f || !strings.Contains(msg, f+" is empty: give ") || !strings.Contains(msg, "or leave the field out") {
				t.Errorf("%s %q: %v", f, blank, v)
			}
		}
	}
	if n := len(w.customers()); n != before {
		t.Fatalf("refused requests added %d customers", n-before)
	}
	c := w.addCustomer(map[string]any{"institution": "044", "balance": nil, "mfa": nil})
	for _, body := range []map[string]any{{"balance": ""}, {"account_type": " "}} {
		body["institution"] = "058"
		v := failed(t, w.do("POST", "/sandbox/customers/"+c.ID+"/accounts", req{body: body}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg := fmt.Sprint(v["message"]); !strings.Contains(msg, " is empty: give ") {
			t.Errorf("a new account's %v: %v", body, v)
		}
	}
}

// A sandbox route that reads no query parameter refuses one, as the routes that
// read some refuse the others, and says it is a query parameter, not a field:
// GET /sandbox/customers?limit=abc&page=-1 answered every customer, 200, and
// /sandbox/webhooks?bogus=1 said "unknown field" (a security review).
func TestSandboxQueriesAreStrict(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, tc := range []struct{ path, field, want string }{
		{"/sandbox/customers?limit=abc&page=-1", "limit", `unknown query parameter "limit"; this route takes no query parameters: leave out the query string (it answers the whole list at once, unpaged)`},
		{"/sandbox/accounts?limit=abc", "limit", `unknown query parameter "limit"; this route takes no query parameters`},
		{"/sandbox/clock?advance=1d", "advance", `unknown query parameter "advance"; this route takes no query parameters: leave out the query string`},
		{"/sandbox/settings?x=", "x", `unknown query parameter "x"`},
		{"/sandbox/webhooks?bogus=1", "bogus", `unknown query parameter "bogus"; this route takes account, limit, before`},
		{"/sandbox/accounts/nobody/syncs?bogus=1", "bogus", `unknown query parameter "bogus"; this route takes limit`},
	} {
		v := failed(t, w.do("GET", tc.path, req{}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg := fmt.Sprint(v["message"]); v["field"] != tc.field || !strings.Contains(msg, tc.want) {
			t.Errorf("GET %s: %v; want field %s and %q", tc.path, v, tc.field, tc.want)
		}
	}
	// A trailing & or an empty pair is no parameter; nor is _, the cache-buster
	// some clients add to every GET (jQuery's cache: false), which was refused (a
	// review).
	for _, path := range []string{"/sandbox/customers?", "/sandbox/accounts?&", "/sandbox/clock?=",
		"/sandbox/customers?_=1733450000000", "/sandbox/webhooks?_=1&limit=5"} {
		w.get(path)
	}
}

// A control that reads its fields from the body refuses a query string, naming its
// fields but not their values: POST /sandbox/clock?advance=1d was told to "send
// advance", and with a body moved the clock by the body's, the query ignored.
func TestSandboxWritesTakeNoQuery(t *testing.T) {
	w := newWorld(t, worldOpts{})
	before := w.get("/sandbox/clock").json(t)["now"]
	for _, tc := range []struct {
		method, path string
		body         any
		want         string
	}{
		{"POST", "/sandbox/clock?advance=1d", nil, `POST /sandbox/clock reads its fields from a JSON body, not from the query string (which gave "advance"): send {"advance": …} as the body instead`},
		{"POST", "/sandbox/clock?advance=1d", map[string]any{"advance": "2m"}, `(which gave "advance")`},
		{"POST", "/sandbox/customers/abc/password?password=hunter2", map[string]any{}, `POST /sandbox/customers/{id}/password reads its fields from a JSON body`},
		{"POST", "/sandbox/customers/abc/password?password=hunter2&password=hunter3", map[string]any{}, `(which gave "password")`},
		{"POST", "/sandbox/customers/abc/password?password=hunter2%zz", map[string]any{}, `reads no query string, and this one is malformed`},
		{"PATCH", "/sandbox/settings?auto_sync=6h", map[string]any{}, `send {"auto_sync": …} as the body instead`},
		{"POST", "/sandbox/institutions/044/outage?for=1h", map[string]any{}, `(which gave "for")`},
		{"DELETE", "/sandbox/institutions/044/outage?x=1", nil, `unknown query parameter "x"; this route takes no query parameters`},
		{"POST", "/sandbox/webhooks/nope/replay?url=http://x", nil, `unknown query parameter "url"`},
	} {
		rep := w.do(tc.method, tc.path, req{body: tc.body})
		v := failed(t, rep, http.StatusBadRequest, "INVALID_REQUEST")
		if msg := fmt.Sprint(v["message"]); !strings.Contains(msg, tc.want) || strings.Contains(msg, "hunter") {
			t.Errorf("%s %s: %v; want %q, and no value echoed", tc.method, tc.path, v, tc.want)
		}
	}
	if now := w.get("/sandbox/clock").json(t)["now"]; now != before {
		t.Errorf("the clock moved from %v to %v under refused requests", before, now)
	}
	w.post("/sandbox/clock?_=1733450000000", map[string]any{"advance": "1m"}) // the cache-buster passes
}

// Credits, debits and income sum the whole synced history and take no period:
// given one, as the statement takes it, it was ignored, and last0months answered
// every month as last3months did (a security review).
func TestFlowsTakeNoPeriod(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	id := w.connect(w.addCustomer(map[string]any{"institution": "044", "balance": 100000}))
	for _, route := range []string{"credits", "debits", "income"} {
		for _, prefix := range []string{"", "/v2"} {
			for _, period := range []string{"last0months", "last3months", ""} {
				path := prefix + "/accounts/" + id + "/" + route + "?period=" + period
				rep := w.do("GET", path, req{})
				var v map[string]any
				if prefix == "" {
					v = failed(t, rep, http.StatusBadRequest, "INVALID_REQUEST")
				} else {
					v = failedV2(t, rep, http.StatusBadRequest)
				}
				if msg := fmt.Sprint(v["message"]); !strings.Contains(msg, route+" takes no period") || !strings.Contains(msg, "leave period out") {
					t.Errorf("GET %s: %v", path, v)
				}
			}
			w.get(prefix + "/accounts/" + id + "/" + route)
		}
	}
}

// A duration under a millisecond, the finest the API writes, is refused, as 0s is
// (or taken as 0 where 0 means none): an outage "for":"1ns" answered 200 and was
// over before it was shown, a latency of "1ns" was 0 ms, and statement_build kept
// "1ns" (a security review).
func TestDurationsUnderAMillisecondAreRefused(t *testing.T) {
	w := newWorld(t, worldOpts{})
	for _, tc := range []struct {
		method, path, field string
		body                map[string]any
		want                string
	}{
		{"POST", "/sandbox/institutions/044/outage", "for", map[string]any{"for": "1ns"}, `for "1ns" is under a millisecond, the shortest duration taken: send 1ms or more`},
		{"POST", "/sandbox/institutions/044/outage", "for", map[string]any{"for": "999us"}, `under a millisecond`},
		{"POST", "/sandbox/institutions/044/latency", "latency", map[string]any{"latency": "1ns"}, `latency "1ns" is under a millisecond, the shortest duration taken: send 1ms or more, or "0" for none`},
		{"PATCH", "/sandbox/settings", "statement_build", map[string]any{"statement_build": "1ns"}, `statement_build "1ns" is under a millisecond, the shortest duration taken: send 1ms or more, or 0 for at once`},
		{"POST", "/sandbox/receiver/mode", "delay", map[string]any{"mode": "slow", "delay": "500us"}, `delay "500us" is under a millisecond`},
	} {
		v := failed(t, w.do(tc.method, tc.path, req{body: tc.body}), http.StatusBadRequest, "INVALID_REQUEST")
		if msg := fmt.Sprint(v["message"]); v["field"] != tc.field || !strings.Contains(msg, tc.want) {
			t.Errorf("%s %s %v: %v; want %q", tc.method, tc.path, tc.body, v, tc.want)
		}
	}
	var set settingsJSON
	if w.get("/sandbox/settings").decode(t, &set); set.StatementBuild != "0s" {
		t.Errorf("statement_build is %q after refusals", set.StatementBuild)
	}
	// A millisecond is taken, and 0 still means none (or at once).
	var in institutionJSON
	w.post("/sandbox/institutions/044/outage", map[string]any{"for": "1ms"}).decode(t, &in)
	if in.OutageUntil == "" {
		t.Errorf("an outage of 1ms on a paused clock does not show: %+v", in)
	}
	w.post("/sandbox/institutions/044/latency", map[string]any{"latency": "1ms"}).decode(t, &in)
	if in.LatencyMS != 1 {
		t.Errorf("a latency of 1ms is %d ms", in.LatencyMS)
	}
	w.post("/sandbox/institutions/044/latency", map[string]any{"latency": "0"})
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"statement_build": "0"}})
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"statement_build": "1ms"}})
}
