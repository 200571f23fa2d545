package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/store"
	sbworld "sandbank/world"
)

// The end-to-end harness: a whole sandbank — a paused virtual clock with a frozen
// wall, the simulated bank, a real bbolt file, the engine — behind the real handler
// on a loopback port, driven over real HTTP. Every response is checked against
// openapi.yaml as it arrives.

const (
	testSecretKey     = "test_sk_e2e0123456789abcdef"
	testPublicKey     = "test_pk_e2e0123456789abcdef"
	testWebhookSecret = "whsec_e2e0123456789"
)

// adamStart: Mr Adam connects at 1.00 pm WAT on 20 August 2021 (the seed).
var adamStart = time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC)

type world struct {
	t      testing.TB
	ctx    context.Context
	clock  *simulator.Clock
	bank   *simulator.Bank
	db     *store.DB
	eng    *engine.Engine
	srv    *Server
	base   string // http://127.0.0.1:PORT
	links  string // the base of the links the API gives: base, or worldOpts.publicURL
	client *http.Client
	logs   *syncBuffer
	hooks  *hookReceiver
	spec   *spec
	sender *WebhookSender

	notes     <-chan engine.Notice
	delivered map[string]bool // event IDs whose delivery was recorded
}

type worldOpts struct {
	customers    int           // world customers (default 6: the tour of MFA kinds)
	realtimeWait time.Duration // how long a real-time read waits for its job (default: the server's)
	start        time.Time     // the clock's start (default adamStart)
	publicURL    string        // Config.PublicURL
}

func newWorld(t testing.TB, o worldOpts) *world {
	t.Helper()
	if o.customers == 0 {
		o.customers = 6
	}
	if o.start.IsZero() {
		o.start = adamStart
	}
	w := &world{t: t, ctx: context.Background(), logs: &syncBuffer{}, spec: loadSpec(t)}
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	wall := time.Now() // frozen: the clock moves only when a test advances it
	w.sender = NewWebhookSender()
	wd, err := sbworld.Open(w.ctx, sbworld.Options{DB: filepath.Join(t.TempDir(), "sandbank.db"), Seed: 2021,
		Start: o.start, Customers: o.customers, Sender: w.sender, Log: log, Paused: true,
		Wall: func() time.Time { return wall },
		Keys: sbworld.Keys{Secret: testSecretKey, Public: testPublicKey, WebhookSecret: testWebhookSecret}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wd.Close() })
	w.clock, w.bank, w.db, w.eng = wd.Clock, wd.Bank, wd.DB, wd.Engine
	notes, stop := w.eng.Subscribe(4096)
	t.Cleanup(stop)
	w.notes, w.delivered = notes, map[string]bool{}
	w.srv = New(Config{Engine: w.eng, Bank: w.bank, Logger: log, RealtimeWait: o.realtimeWait, SavedClock: wd.DB.SavedClock,
		PublicURL: o.publicURL})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := NewHTTPServer(w.srv, log)
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	})
	w.base = "http://" + ln.Addr().String()
	w.links = cmp.Or(o.publicURL, w.base)
	w.client = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16}, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(w.client.CloseIdleConnections)
	w.hooks = newHookReceiver(t)
	t.Cleanup(func() { w.spec.checkHooks(t, w.hooks.all()) })
	return w
}

// checkHooks checks every webhook body that reached a test's receiver against
// openapi.yaml's WebhookPayload: the shapes it documents are the shapes sent.
func (s *spec) checkHooks(t testing.TB, hooks []hook) {
	t.Helper()
	schema := s.doc.Components.Schemas["WebhookPayload"].Value
	for _, h := range hooks {
		var v any
		if err := json.Unmarshal(h.Raw, &v); err != nil {
			t.Errorf("webhook %s is not JSON: %v\n%s", h.Event, err, h.Raw)
			continue
		}
		if err := schema.VisitJSON(v); err != nil {
			t.Errorf("webhook %s does not match openapi.yaml's WebhookPayload: %v\n%s", h.Event, err, h.Raw)
		}
	}
}

// --- requests

// reply is an answer, read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// raw sends a request made by hand (headers do cannot make: two of one name, too
// large ones) as it is, with no OpenAPI check, and returns its answer.
func (w *world) raw(r *http.Request) reply {
	w.t.Helper()
	resp, err := w.client.Do(r)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

// json decodes the body into a generic value, failing the test if it is not JSON.
func (r reply) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", r.status, err, r.body)
	}
	return v
}

// decode decodes the body into v.
func (r reply) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer %d does not decode into %T: %v\n%s", r.status, v, err, r.body)
	}
}

// req describes a request; zero values mean: the secret key, no body.
type req struct {
	key     *string // nil: the secret key; "" sends no header
	body    any     // nil: none; string or []byte: as is; anything else: JSON
	ctype   string  // Content-Type for a string or []byte body
	headers map[string]string
}

func noKey() *string           { s := ""; return &s }
func withKey(k string) *string { return &k }

// do sends a request and checks the answer against the OpenAPI document.
func (w *world) do(method, path string, o req) reply {
	w.t.Helper()
	var body io.Reader
	ctype := o.ctype
	switch b := o.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		body, ctype = bytes.NewReader(j), "application/json"
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = w.base + path
	}
	r, err := http.NewRequestWithContext(w.ctx, method, target, body)
	if err != nil {
		w.t.Fatal(err)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	key := testSecretKey
	if o.key != nil {
		key = *o.key
	}
	if key != "" {
		r.Header.Set("mono-sec-key", key)
	}
	for k, v := range o.headers {
		if strings.EqualFold(k, "Host") {
			r.Host = v // net/http sends r.Host, never a Host in Header
			continue
		}
		r.Header.Set(k, v)
	}
	resp, err := w.client.Do(r)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	rep := reply{status: resp.StatusCode, header: resp.Header, body: b}
	w.spec.check(w.t, r, rep)
	return rep
}

// must sends a request and fails unless the answer has the status.
func (w *world) must(status int, method, path string, o req) reply {
	w.t.Helper()
	rep := w.do(method, path, o)
	if rep.status != status {
		w.t.Fatalf("%s %s = %d, want %d\n%s", method, path, rep.status, status, rep.body)
	}
	return rep
}

func (w *world) get(path string) reply {
	w.t.Helper()
	return w.must(http.StatusOK, "GET", path, req{})
}

func (w *world) post(path string, body any) reply {
	w.t.Helper()
	return w.must(http.StatusOK, "POST", path, req{body: body})
}

// failed checks that rep is an error body of §4 with the status and code.
func failed(t testing.TB, rep reply, status int, code string) map[string]any {
	t.Helper()
	if rep.status != status {
		t.Fatalf("status %d, want %d\n%s", rep.status, status, rep.body)
	}
	if ct, _, _ := mime.ParseMediaType(rep.header.Get("Content-Type")); ct != "application/json" {
		t.Fatalf("error Content-Type %q, want application/json", rep.header.Get("Content-Type"))
	}
	v := rep.json(t)
	if v["status"] != "failed" || v["message"] == "" || v["message"] == nil {
		t.Fatalf("error body %s lacks status failed and a message", rep.body)
	}
	if code != "" && v["code"] != code {
		t.Fatalf("error code %v, want %s\n%s", v["code"], code, rep.body)
	}
	return v
}

// failedV2 checks that rep is v2's error envelope with the status.
func failedV2(t testing.TB, rep reply, status int) map[string]any {
	t.Helper()
	if rep.status != status {
		t.Fatalf("status %d, want %d\n%s", rep.status, status, rep.body)
	}
	v := rep.json(t)
	if v["status"] != "failed" || v["message"] == "" || v["message"] == nil || v["timestamp"] == nil || v["data"] != nil {
		t.Fatalf("error body %s is not v2's envelope: status failed, a message, a timestamp, data null", rep.body)
	}
	if _, ok := v["data"]; !ok || len(v) != 4 {
		t.Fatalf("error body %s has fields beyond status, message, timestamp and data", rep.body)
	}
	return v
}

// --- sandbox shortcuts, over HTTP

func (w *world) customers() []customerJSON {
	w.t.Helper()
	var out struct{ Data []customerJSON }
	w.get("/sandbox/customers").decode(w.t, &out)
	return out.Data
}

func (w *world) addCustomer(body map[string]any) customerJSON {
	w.t.Helper()
	var c customerJSON
	w.must(http.StatusCreated, "POST", "/sandbox/customers", req{body: body}).decode(w.t, &c)
	return c
}

func (w *world) advance(d string) {
	w.t.Helper()
	w.post("/sandbox/clock", map[string]any{"advance": d})
}

// enableDataSync turns Data Sync on with webhooks to the test's receiver.
func (w *world) enableDataSync() {
	w.t.Helper()
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true,
		"webhook_url": w.hooks.srv.URL + "/hooks", "webhook_secret": testWebhookSecret}})
}

// connect walks the widget as the customer would and exchanges the code: the
// account's ID.
func (w *world) connect(c customerJSON) string {
	w.t.Helper()
	st := w.openWidget(map[string]any{"key": testPublicKey, "institution": c.Accounts[0].Institution.BankCode})
	st = w.login(st.Session, c.Username, c.Password)
	st = w.answerAll(st)
	if st.Code == "" {
		w.t.Fatalf("connect of %s ended without a code: %+v", c.Name, st)
	}
	var out struct{ ID string }
	w.post("/account/auth", map[string]any{"code": st.Code}).decode(w.t, &out)
	if out.ID == "" {
		w.t.Fatal("POST /account/auth gave no id")
	}
	return out.ID
}

type widgetReply struct {
	Session     string
	Status      string
	Institution *institutionBody
	Challenge   *challengeJSON
	Accounts    []widgetAccountJSON
	Code        string
	Account     string
	Link        *linkJSON
}

func (w *world) openWidget(body any) widgetReply {
	w.t.Helper()
	var st widgetReply
	w.must(http.StatusOK, "POST", "/connect/sessions", req{key: noKey(), body: body}).decode(w.t, &st)
	return st
}

func (w *world) login(session, username, password string) widgetReply {
	w.t.Helper()
	var st widgetReply
	w.must(http.StatusOK, "POST", "/connect/sessions/"+session+"/login",
		req{key: noKey(), body: map[string]any{"username": username, "password": password}}).decode(w.t, &st)
	return st
}

// answerAll answers challenges the way a tester does, until success.
func (w *world) answerAll(st widgetReply) widgetReply {
	w.t.Helper()
	for i := 0; st.Status == "challenge"; i++ {
		if i == 5 {
			w.t.Fatal("the bank keeps asking")
		}
		ans := w.answerFor(st.Session)
		var next widgetReply
		w.must(http.StatusOK, "POST", "/connect/sessions/"+st.Session+"/answer",
			req{key: noKey(), body: map[string]any{"answer": ans}}).decode(w.t, &next)
		st = next
	}
	if st.Status != "success" {
		w.t.Fatalf("the widget stopped at %q", st.Status)
	}
	return st
}

// answerFor finds the answer a tester would type, from the bank's one place for it.
func (w *world) answerFor(session string) string {
	w.t.Helper()
	st, err := w.eng.Widget(session)
	if err != nil || st.Challenge == nil {
		w.t.Fatalf("widget session %s has no open challenge: %+v, %v", session, st, err)
	}
	ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return ans
}

// --- v2

// envelopeReply is a v2 answer with its data left raw.
type envelopeReply struct {
	Status    string          `json:"status"`
	Message   string          `json:"message"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
	Meta      json.RawMessage `json:"meta"`
}

// data checks that r is a successful v2 envelope and decodes its data into v.
func (r reply) data(t testing.TB, v any) envelopeReply {
	t.Helper()
	var e envelopeReply
	r.decode(t, &e)
	if e.Status != "successful" || e.Message == "" || e.Timestamp == "" {
		t.Fatalf("answer %d is not a successful v2 envelope:\n%s", r.status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(e.Data, v); err != nil {
			t.Fatalf("data does not decode into %T: %v\n%s", v, err, r.body)
		}
	}
	return e
}

// initiate asks for a v2 link; the link's ID is mono_url's last segment.
func (w *world) initiate(body map[string]any) (initiateJSON, string) {
	w.t.Helper()
	var l initiateJSON
	w.post("/v2/accounts/initiate", body).data(w.t, &l)
	if !strings.HasPrefix(l.MonoURL, w.links+"/connect/links/") {
		w.t.Fatalf("mono_url %q is not on sandbank's address %s", l.MonoURL, w.links)
	}
	return l, l.MonoURL[strings.LastIndexByte(l.MonoURL, '/')+1:]
}

// walkLink walks a link's widget as its user: the bank (for a link that names
// none), the password, every challenge; the session at its end.
func (w *world) walkLink(linkID, institution, username, password string) widgetReply {
	w.t.Helper()
	body := map[string]any{"link": linkID}
	if institution != "" {
		body["institution"] = institution
	}
	st := w.openWidget(body)
	st = w.login(st.Session, username, password)
	st = w.answerAll(st)
	if st.Link == nil || st.Link.Status == "pending" {
		w.t.Fatalf("the link did not end with the session: %+v", st)
	}
	return st
}

// --- the webhook receiver: a real HTTP endpoint on loopback

type hook struct {
	Secret  string
	EventID string
	Event   string
	Account string
	Body    map[string]any
	Raw     []byte
}

type hookReceiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     []hook
	arrived chan struct{}
}

func newHookReceiver(t testing.TB) *hookReceiver {
	h := &hookReceiver{arrived: make(chan struct{}, 1024)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		d := hook{Secret: r.Header.Get("mono-webhook-secret"), EventID: r.Header.Get("mono-webhook-event-id"), Body: body, Raw: raw}
		d.Event, _ = body["event"].(string)
		d.Account = hookAccount(body)
		h.mu.Lock()
		h.got = append(h.got, d)
		h.mu.Unlock()
		rw.WriteHeader(http.StatusOK)
		select {
		case h.arrived <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// hookAccount finds the account a webhook body is about, in v1's shapes
// (data.account._id) and v2's (data.id, data.account as an ID, data.account.id).
func hookAccount(body map[string]any) string {
	data, _ := body["data"].(map[string]any)
	switch a := data["account"].(type) {
	case string:
		return a
	case map[string]any:
		if id, ok := a["_id"].(string); ok {
			return id
		}
		id, _ := a["id"].(string)
		return id
	}
	id, _ := data["id"].(string)
	return id
}

func (h *hookReceiver) all() []hook {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hook(nil), h.got...)
}

// forAccount lists what arrived about an account, in arrival order.
func (h *hookReceiver) forAccount(id string) []hook {
	var out []hook
	for _, d := range h.all() {
		if d.Account == id {
			out = append(out, d)
		}
	}
	return out
}

// await waits, bounded in real time, until n hooks about the account have arrived.
func (h *hookReceiver) await(t testing.TB, account string, n int) []hook {
	t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for len(h.forAccount(account)) < n {
		select {
		case <-h.arrived:
		case <-timeout.C:
			t.Fatalf("timed out: %d of %d webhooks about %s arrived: %v", len(h.forAccount(account)), n, account, eventNames(h.forAccount(account)))
		}
	}
	return h.forAccount(account)
}

func eventNames(hs []hook) []string {
	out := make([]string, len(hs))
	for i, d := range hs {
		out[i] = d.Event
	}
	return out
}

// awaitRecorded waits, bounded in real time, until the engine has recorded a
// delivery attempt of each event: a receiver sees a webhook before its sender
// writes down the answer.
func (w *world) awaitRecorded(ids ...string) {
	w.t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for _, id := range ids {
		for !w.delivered[id] {
			select {
			case n := <-w.notes:
				if n.Kind == engine.NoticeDelivery {
					w.delivered[n.EventID] = true
				}
			case <-timeout.C:
				w.t.Fatalf("timed out waiting for the delivery of event %s to be recorded", id)
			}
		}
	}
}

// --- logs

// logOf sends a request to the handler itself, not over the port, and returns its
// status and the log it wrote: the log line is written after the answer, which a
// client over the port can read first.
func (w *world) logOf(r *http.Request) (status int, log string) {
	w.t.Helper()
	mark := len(w.logs.String())
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, r)
	return rec.Code, w.logs.String()[mark:]
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// --- the OpenAPI document, checked against real answers

type spec struct {
	doc    *openapi3.T
	router routers.Router
	mu     sync.Mutex
	seen   map[string]map[int]bool // "METHOD /path" → statuses validated
}

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// loadSpec loads and validates openapi.yaml once per test binary.
func loadSpec(t testing.TB) *spec {
	t.Helper()
	specOnce.Do(func() {
		l := openapi3.NewLoader()
		specDoc, specErr = l.LoadFromData(OpenAPI)
		if specErr == nil {
			specErr = specDoc.Validate(context.Background())
		}
		if specErr == nil {
			specDoc.Servers = nil // match any host: tests listen on a random port
		}
	})
	if specErr != nil {
		t.Fatalf("openapi.yaml: %v", specErr)
	}
	r, err := legacy.NewRouter(specDoc)
	if err != nil {
		t.Fatal(err)
	}
	return &spec{doc: specDoc, router: r, seen: map[string]map[int]bool{}}
}

// check validates an answer against the document: its status must be documented
// for the operation, and a JSON body must match the schema.
func (s *spec) check(t testing.TB, r *http.Request, rep reply) {
	t.Helper()
	u := *r.URL
	u.Host, u.Scheme = "", ""
	vr := r.Clone(r.Context())
	vr.URL = &u
	if vr.Method == http.MethodHead { // answered like GET, without a body
		vr.Method = http.MethodGet
		rep.body = nil
	}
	route, params, err := s.router.FindRoute(vr)
	if err != nil {
		var re *routers.RouteError
		if errors.As(err, &re) || errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
			if rep.status != http.StatusNotFound && rep.status != http.StatusMethodNotAllowed {
				t.Fatalf("%s %s is not in openapi.yaml but answered %d", r.Method, r.URL.Path, rep.status)
			}
			return
		}
		t.Fatalf("openapi router: %v", err)
	}
	ct, _, _ := mime.ParseMediaType(rep.header.Get("Content-Type"))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route},
		Status:                 rep.status,
		Header:                 rep.header,
		Body:                   io.NopCloser(bytes.NewReader(rep.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if ct != "application/json" || r.Method == http.MethodHead {
		in.Options.ExcludeResponseBody = true
		// An error answered as a page to a request that prefers HTML is said once,
		// in info, not beside every JSON error: generated clients typed each error
		// as "Error or string" (an OpenAPI trial).
		asPage := ct == "text/html" && rep.status >= 400 && wantsHTML(r)
		if op := route.Operation.Responses.Status(rep.status); op != nil && op.Value != nil && op.Value.Content.Get(ct) == nil && !asPage {
			t.Fatalf("%s %s answered %d with Content-Type %q, which openapi.yaml does not list", r.Method, r.URL.Path, rep.status, ct)
		}
	}
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		t.Fatalf("%s %s answered %d, which does not match openapi.yaml: %v\n%s", r.Method, r.URL.Path, rep.status, err, truncateBody(rep.body))
	}
	key := route.Method + " " + route.Path
	s.mu.Lock()
	if s.seen[key] == nil {
		s.seen[key] = map[int]bool{}
	}
	s.seen[key][rep.status] = true
	s.mu.Unlock()
}

func truncateBody(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// pathOf fills a mux pattern's wildcards ("GET /accounts/{id}") with values.
func pathOf(pattern string, values map[string]string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	for k, v := range values {
		path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
	}
	return method, path
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
