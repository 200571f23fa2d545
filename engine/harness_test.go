package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/store"
)

// Mr Adam connects at 1.00 pm on 20 August 2021 (seed/data-sync.txt).
var adamStart = time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC) // 13:00 WAT

// world is a whole sandbank without the faces: a paused virtual clock, the simulated
// bank, a real bbolt file, the engine, and a real HTTP webhook receiver.
type world struct {
	logger *slog.Logger
	t      *testing.T
	ctx    context.Context
	clock  *simulator.Clock
	bank   *simulator.Bank
	db     *store.DB
	path   string
	eng    *engine.Engine
	recv   *receiver
	notes  <-chan engine.Notice
	// timeout bounds a webhook delivery attempt
	timeout time.Duration
	// wrap, wrapSender and wrapClock, if set, wrap the store, the sender and the
	// clock the engine is given
	wrap       func(engine.Store) engine.Store
	wrapSender func(engine.Sender) engine.Sender
	wrapClock  func(engine.Clock) engine.Clock
	wrapBank   func(engine.Bank) engine.Bank
	workers    int // syncs at once (0: the engine's default)
	slots      int // webhook deliveries at once (0: the engine's default)
}

type worldOpts struct {
	customers int
	noSync    bool // Data Sync left off
	noURL     bool // no webhook URL
	timeout   time.Duration
	dir       string // of the database file (default: the test's temporary directory)
	logger    *slog.Logger
	slots     int       // webhook deliveries at once (0: the engine's default)
	start     time.Time // of the clock and the bank (default: adamStart)
}

func newWorld(t *testing.T, o worldOpts) *world {
	t.Helper()
	if o.customers == 0 {
		o.customers = 8
	}
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	if o.start.IsZero() {
		o.start = adamStart
	}
	w := &world{t: t, ctx: context.Background(), recv: newReceiver(t), timeout: o.timeout, logger: o.logger, slots: o.slots}
	wall := time.Now() // frozen: the clock moves only when a test advances it
	w.clock = simulator.NewClock(o.start, simulator.WithWall(func() time.Time { return wall }))
	w.clock.SetPaused(true)
	t.Cleanup(w.clock.Close)
	var err error
	if w.bank, err = simulator.New(simulator.Config{Seed: 2021, Start: o.start, Customers: o.customers}, w.clock); err != nil {
		t.Fatal(err)
	}
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	w.path = filepath.Join(o.dir, "sandbank.db")
	w.open()
	patch := engine.SettingsPatch{}
	if !o.noURL {
		u := w.recv.srv.URL
		patch.WebhookURL = &u
	}
	if !o.noSync {
		on := true
		patch.DataSyncEnabled = &on
	}
	if _, err := w.eng.UpdateSettings(w.ctx, patch); err != nil {
		t.Fatal(err)
	}
	return w
}

// open starts an engine on the database file (again, after restart).
func (w *world) open() {
	w.t.Helper()
	var err error
	if w.db, err = store.Open(w.path); err != nil {
		w.t.Fatal(err)
	}
	var st engine.Store = w.db
	if w.wrap != nil {
		st = w.wrap(st)
	}
	var sender engine.Sender = api.NewWebhookSender()
	if w.wrapSender != nil {
		sender = w.wrapSender(sender)
	}
	var clock engine.Clock = w.clock
	if w.wrapClock != nil {
		clock = w.wrapClock(clock)
	}
	var bank engine.Bank = w.bank
	if w.wrapBank != nil {
		bank = w.wrapBank(bank)
	}
	w.eng, err = engine.New(engine.Config{Clock: clock, Bank: bank, Store: st, Sender: sender,
		DeliveryTimeout: w.timeout, Logger: w.logger, Workers: w.workers, Deliveries: w.slots})
	if err != nil {
		w.t.Fatal(err)
	}
	err = w.eng.Start(w.ctx, engine.Settings{SecretKey: "test_sk_0123456789abcdef", PublicKey: "test_pk_0123456789abcdef",
		WebhookSecret: "whsec_test", IDNamespace: "test"})
	if err != nil {
		w.t.Fatal(err)
	}
	var cancel func()
	w.notes, cancel = w.eng.Subscribe(4096)
	w.t.Cleanup(func() { cancel(); w.close() })
}

// close stops the engine and closes the file (idempotent).
func (w *world) close() {
	if w.eng != nil {
		if err := w.eng.Close(); err != nil {
			w.t.Error(err)
		}
		if err := w.db.Close(); err != nil {
			w.t.Error(err)
		}
		w.eng, w.db = nil, nil
	}
}

// adam adds Mr Adam with NGN 10,000 and no activity of his own, at Access Bank.
func (w *world) adam() simulator.Customer {
	return w.customer(simulator.NewCustomer{Name: "Adam Okafor", Institution: "044", Balance: 1_000_000})
}

func (w *world) customer(nc simulator.NewCustomer) simulator.Customer {
	w.t.Helper()
	c, err := w.bank.AddCustomer(nc)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) connect(c simulator.Customer) engine.Account {
	w.t.Helper()
	a, err := connect(w.ctx, w.eng, w.bank, c.ID, c.Accounts[0].Institution.Code)
	if err != nil {
		w.t.Fatalf("connecting %s: %v", c.Name, err)
	}
	return a
}

// openReauth opens the re-authorisation widget of an account with a v1 token.
func (w *world) openReauth(accountID string) engine.WidgetState {
	w.t.Helper()
	tok, err := w.eng.RequestReauth(w.ctx, accountID)
	if err != nil {
		w.t.Fatal(err)
	}
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{ReauthToken: tok.Token})
	if err != nil {
		w.t.Fatal(err)
	}
	return st
}

func (w *world) advance(d time.Duration) {
	w.t.Helper()
	if err := w.clock.Advance(d); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) account(id string) engine.Account {
	w.t.Helper()
	a, err := w.eng.Account(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) sync(id string) engine.SyncResult {
	w.t.Helper()
	res, err := w.eng.Sync(w.ctx, id)
	if err != nil {
		w.t.Fatalf("sync %s: %v", id, err)
	}
	return res
}

func (w *world) post(c simulator.Customer, typ engine.TxType, kobo int64) engine.Transaction {
	w.t.Helper()
	tx, err := w.bank.PostTransaction(c.ID, simulator.Posting{Account: c.Accounts[0].Number, Type: typ, Amount: kobo})
	if err != nil {
		w.t.Fatal(err)
	}
	return tx
}

// events lists the outbox, oldest first.
func (w *world) events(accountID string) []engine.Event {
	w.t.Helper()
	evs, err := w.eng.Events(w.ctx, engine.EventQuery{AccountID: accountID})
	if err != nil {
		w.t.Fatal(err)
	}
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	return evs
}

func eventTypes(evs []engine.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

// waitNotice waits (in real time, bounded) for a notice that matches.
func (w *world) waitNotice(what string, match func(engine.Notice) bool) engine.Notice {
	w.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case n := <-w.notes:
			if match(n) {
				return n
			}
		case <-timeout:
			w.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// drain forgets the notices so far, so that a wait sees only what happens next.
func (w *world) drain() {
	for {
		select {
		case <-w.notes:
		default:
			return
		}
	}
}

// until waits (in real time, bounded) until cond holds, re-checking after each
// notice: everything the engine does in the background ends with one.
func (w *world) until(what string, cond func() bool) {
	w.t.Helper()
	timeout := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-w.notes:
		case <-timeout:
			w.t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// poll waits (in real time, bounded) until cond holds, checking every millisecond:
// for conditions that settle with no notice to wait for.
func (w *world) poll(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// allDelivered reports whether every event of an account is delivered.
func (w *world) allDelivered(accountID string) func() bool {
	return func() bool {
		for _, ev := range w.events(accountID) {
			if ev.Status != engine.DeliveryDelivered {
				return false
			}
		}
		return true
	}
}

// receiver is a real HTTP webhook endpoint that fails its first failFirst calls.
type receiver struct {
	srv       *httptest.Server
	failFirst atomic.Int64
	okStatus  atomic.Int64 // the status of an answer that takes the call (0: 200)
	hangFirst atomic.Int64 // calls that never answer (until the sender gives up)
	calls     atomic.Int64
	mu        sync.Mutex
	got       []delivery
	arrived   chan delivery
	held      map[string]chan struct{} // accounts whose calls wait until the channel closes
	holding   chan delivery            // a held call arrived
}

type delivery struct {
	Secret  string
	EventID string
	Event   string
	Account string
	Body    []byte
	Status  int
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{arrived: make(chan delivery, 4096), held: map[string]chan struct{}{}, holding: make(chan delivery, 64)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var p struct {
			Event string `json:"event"`
			Data  struct {
				Account struct {
					ID string `json:"_id"`
				} `json:"account"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &p)
		d := delivery{Secret: req.Header.Get("mono-webhook-secret"), EventID: req.Header.Get("mono-webhook-event-id"),
			Event: p.Event, Account: p.Data.Account.ID, Body: body, Status: http.StatusOK}
		n := r.calls.Add(1)
		r.mu.Lock()
		hold := r.held[d.Account]
		r.mu.Unlock()
		if hold != nil {
			r.holding <- d
			select {
			case <-hold:
			case <-req.Context().Done():
				d.Status = 0
				r.arrived <- d
				return
			}
		}
		if n <= r.hangFirst.Load() {
			<-req.Context().Done() // the sender's timeout ends the call
			d.Status = 0
			r.arrived <- d
			return
		}
		if ok := r.okStatus.Load(); ok != 0 {
			d.Status = int(ok)
		}
		if n <= r.failFirst.Load()+r.hangFirst.Load() {
			d.Status = http.StatusServiceUnavailable
		}
		w.WriteHeader(d.Status)
		if d.Status/100 == 2 {
			r.mu.Lock()
			r.got = append(r.got, d)
			r.mu.Unlock()
		}
		r.arrived <- d
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// hold makes calls about the account wait (until the sender gives up) until
// release is called; the test's end releases them too.
func (r *receiver) hold(t *testing.T, account string) (release func()) {
	ch := make(chan struct{})
	r.mu.Lock()
	r.held[account] = ch
	r.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			r.mu.Lock()
			delete(r.held, account)
			r.mu.Unlock()
			close(ch)
		})
	}
	t.Cleanup(release)
	return release
}

// delivered returns what arrived with a 2xx answer, in arrival order.
func (r *receiver) delivered() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// await waits (bounded, in real time) until n successful deliveries have arrived.
func (r *receiver) await(t *testing.T, n int) []delivery {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for len(r.delivered()) < n {
		select {
		case <-r.arrived:
		case <-timeout:
			t.Fatalf("timed out: %d of %d webhooks arrived: %v", len(r.delivered()), n, r.delivered())
		}
	}
	return r.delivered()
}

// connect connects a customer's account at an institution through the widget, as
// the customer would, answering each challenge as the bank expects, and exchanges
// the code: the engine-level twin of a scenario's connect: step.
func connect(ctx context.Context, eng *engine.Engine, bank *simulator.Bank, customerID, institution string) (engine.Account, error) {
	c, err := bank.Customer(customerID)
	if err != nil {
		return engine.Account{}, err
	}
	st, err := eng.OpenWidget(ctx, engine.WidgetRequest{Institution: institution})
	if err != nil {
		return engine.Account{}, err
	}
	if st, err = eng.WidgetLogin(ctx, st.Session, c.Username, c.Password); err != nil {
		return engine.Account{}, err
	}
	for i := 0; st.Status == engine.WidgetChallenge; i++ {
		if i == 5 {
			return engine.Account{}, fmt.Errorf("the bank keeps asking challenges")
		}
		ans, err := bank.ExpectedAnswer(st.Challenge.ID)
		if err != nil {
			return engine.Account{}, err
		}
		if st, err = eng.WidgetAnswer(ctx, st.Session, ans); err != nil {
			return engine.Account{}, err
		}
	}
	if st.Status != engine.WidgetSuccess {
		return engine.Account{}, fmt.Errorf("the widget stopped at %q", st.Status)
	}
	return eng.ExchangeCode(ctx, st.Code)
}
