package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Behind a tunnel every link the API gives names the public URL it was started
// with, not the connection's address: mono_url and paging named 127.0.0.1, which
// a phone opening the link, or a client following meta.next, cannot reach (a trial).
// A request made in process (a scenario's step) keeps its own host.
func TestPublicURLNamesEveryLink(t *testing.T) {
	const public = "https://abc.example"
	w := newWorld(t, worldOpts{publicURL: public})
	w.enableDataSync()
	adam := w.addCustomer(map[string]any{"name": "Adam Okafor", "institution": "044", "balance": 1000000})
	link, linkID := w.initiate(map[string]any{"scope": "auth", "customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"},
		"redirect_url": "http://127.0.0.1:3000/linked"})
	if link.MonoURL != public+"/connect/links/"+linkID {
		t.Fatalf("mono_url = %q; want it on %s", link.MonoURL, public)
	}
	st := w.walkLink(linkID, "044", adam.Username, adam.Password)
	var out struct{ ID string }
	w.post("/v2/accounts/auth", map[string]any{"code": st.Code}).data(t, &out)
	id := out.ID

	w.advance("30m")
	w.must(http.StatusCreated, "POST", "/sandbox/customers/"+adam.ID+"/transactions",
		req{body: map[string]any{"type": "debit", "amount": 500000, "narration": "POS PURCHASE SHOPRITE LEKKI"}})
	w.post("/accounts/"+id+"/sync", nil)
	var txs []v2TxJSON
	var meta paging
	if err := json.Unmarshal(w.get("/v2/accounts/"+id+"/transactions?limit=1").data(t, &txs).Meta, &meta); err != nil {
		t.Fatal(err)
	}
	if want := public + "/v2/accounts/" + id + "/transactions?limit=1&page=2"; meta.Next == nil || *meta.Next != want {
		t.Fatalf("v2 meta.next = %v; want %s", meta.Next, want)
	}
	var v1 struct{ Paging paging }
	if w.get("/accounts/"+id+"/transactions?limit=1&page=2").decode(t, &v1); v1.Paging.Previous == nil ||
		*v1.Paging.Previous != public+"/accounts/"+id+"/transactions?limit=1&page=1" {
		t.Fatalf("v1 paging = %+v; want previous on %s", v1.Paging, public)
	}
	var job statementJobJSON
	if w.get("/accounts/"+id+"/statement?period=last1months&output=pdf").decode(t, &job); !strings.HasPrefix(job.Path, public+"/statements/") {
		t.Fatalf("the statement's PDF is at %q; want it on %s", job.Path, public)
	}
	var index map[string]string
	if w.get("/").decode(t, &index); index["openapi"] != public+"/openapi.yaml" || index["demo"] != public+"/demo" {
		t.Fatalf("GET / = %v; want its links on %s", index, public)
	}
	if doc := w.get("/openapi.yaml").body; !strings.Contains(string(doc), "\n  - url: "+public+"\n") {
		t.Fatalf("openapi.yaml does not name %s as its server", public)
	}
	if js := w.must(http.StatusOK, "GET", "/connect.js", req{key: noKey()}).body; !strings.Contains(string(js), `"`+public+`"`) {
		t.Fatalf("connect.js does not open the widget on %s", public)
	}

	// In process: no connection, its own host.
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, httptest.NewRequest("GET", "http://sandbank.invalid/", nil))
	if err := json.Unmarshal(rec.Body.Bytes(), &index); err != nil || index["openapi"] != "http://sandbank.invalid/openapi.yaml" {
		t.Fatalf("GET / in process = %s; want its links on its own host", rec.Body)
	}
}

// A page opened through the tunnel under its own name — a phone opening mono_url
// through a tunnel that keeps the Host — is served without the key: the operator
// named that host. Another name is still refused (DNS rebinding).
func TestPublicURLHostIsServed(t *testing.T) {
	w := newWorld(t, worldOpts{publicURL: "https://abc.example"})
	for host, want := range map[string]int{
		"abc.example":             http.StatusOK,
		"ABC.Example:443":         http.StatusOK,
		"abc.example.":            http.StatusOK,
		"rebind.attacker.example": http.StatusMisdirectedRequest,
		"abc.example.attacker":    http.StatusMisdirectedRequest,
	} {
		code, b := w.forHost("/demo", host, "")
		if code != want {
			t.Errorf("GET /demo for %s without a key = %d %.200s; want %d", host, code, b, want)
		}
		if want != http.StatusOK && !strings.Contains(string(b), "abc.example (its --public-url)") {
			t.Errorf("the refusal of %s does not name the public URL's host: %s", host, b)
		}
	}
	// But not with a key anyone may know (a served scenario's default), which let
	// anyone drive the scenario through the tunnel (the review).
	w.srv.PublishedKey(testSecretKey)
	if code, b := w.forHost("/sandbox/clock", "abc.example", testSecretKey); code != http.StatusMisdirectedRequest || !strings.Contains(b, "may not carry the scenarios' default secret key, which the README prints and anyone may know: serve the scenario with a key of its own") {
		t.Errorf("the public host with a published key = %d %s; want 421 saying the key is known", code, b)
	}
}

// forHost GETs path as a request for host, with the secret key given ("" for
// none), unchecked against openapi.yaml (a 421 is in none of its routes).
func (w *world) forHost(path, host, key string) (int, string) {
	w.t.Helper()
	r, _ := http.NewRequest("GET", w.base+path, nil)
	r.Host = host
	if key != "" {
		r.Header.Set("mono-sec-key", key)
	}
	resp, err := w.client.Do(r)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A request through a proxy while there is no public URL is warned of, once: a
// tunnel that rewrote Host to localhost got through, and the links named
// 127.0.0.1, which the phone could not open, with nothing said (a mobile
// developer's trial). A refused Host is named in its log line.
func TestProxiedRequestWithoutPublicURLIsWarnedOfOnce(t *testing.T) {
	// proxied asks w for the clock as a tunnel forwards it, and says its status.
	proxied := func(w *world) int {
		t.Helper()
		r, _ := http.NewRequest("GET", w.base+"/sandbox/clock", nil)
		r.Header.Set("mono-sec-key", testSecretKey)
		r.Header.Set("X-Forwarded-Host", "abc.tunnel.example")
		resp, err := w.client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	w := newWorld(t, worldOpts{})
	proxied(w)
	proxied(w)
	logs := w.logs.String()
	if n := strings.Count(logs, "a request came through a proxy or tunnel"); n != 1 ||
		!strings.Contains(logs, `it forwarded \"abc.tunnel.example\"`) || !strings.Contains(logs, "restart sandbank with --public-url naming its URL") {
		t.Errorf("%d warnings of a proxied request; want 1 naming the forwarded host and what to do:\n%s", n, logs)
	}
	if code, _ := w.forHost("/demo", "rebind.attacker.example", ""); code != http.StatusMisdirectedRequest || !strings.Contains(w.logs.String(), `host=rebind.attacker.example`) {
		t.Errorf("the refusal of a Host (%d) does not name it in the log:\n%s", code, w.logs.String())
	}
	// With a public URL, the links name it: nothing to warn of.
	p := newWorld(t, worldOpts{publicURL: "https://abc.tunnel.example"})
	if code := proxied(p); code != http.StatusOK || strings.Contains(p.logs.String(), "through a proxy") {
		t.Errorf("a public URL's request (%d) was warned of:\n%s", code, p.logs.String())
	}
}
