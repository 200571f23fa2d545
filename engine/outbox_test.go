package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/simulator"
)

// R4: only accounts connected after Data Sync was enabled receive webhooks; syncing
// an account connected earlier still works, silently.
func TestWebhooksOnlyForAccountsConnectedAfterEnabling(t *testing.T) {
	w := newWorld(t, worldOpts{noSync: true})
	early := w.customer(simulator.NewCustomer{Name: "Early Bird", Institution: "044", Balance: 100_000})
	before := w.connect(early)
	w.advance(time.Minute)
	on := true
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	late := w.customer(simulator.NewCustomer{Name: "Late Comer", Institution: "058", Balance: 200_000})
	after := w.connect(late)

	w.post(early, engine.Credit, 1_000)
	w.post(late, engine.Credit, 1_000)
	if res := w.sync(before.ID); !res.HasNewData {
		t.Fatalf("the early account's sync = %+v, want it to work", res)
	}
	w.sync(after.ID)
	got := w.recv.await(t, 3) // after: connected, updated (connect), updated (sync)
	for _, d := range got {
		if d.Account != after.ID {
			t.Fatalf("a webhook about %s arrived; only %s connected after enabling Data Sync", d.Account, after.ID)
		}
		if d.Secret != "whsec_test" {
			t.Fatalf("mono-webhook-secret = %q", d.Secret)
		}
	}
	for _, ev := range w.events(before.ID) {
		if ev.Status != engine.DeliverySkipped || ev.SkipReason == "" {
			t.Fatalf("event %s of the early account: status %s, want skipped with a reason", ev.Type, ev.Status)
		}
	}
	if _, err := w.eng.Replay(w.ctx, w.events(before.ID)[0].ID); engine.ErrorCode(err) != engine.ECONFLICT ||
		!strings.Contains(engine.ErrorMessage(err), w.events(before.ID)[0].SkipReason) {
		t.Fatalf("replaying a skipped event = %v, want ECONFLICT saying why it was skipped", err)
	}
	if !engine.ReceivesWebhooks(w.eng.Settings(), after) || engine.ReceivesWebhooks(w.eng.Settings(), before) {
		t.Fatal("ReceivesWebhooks disagrees with the deliveries")
	}
}

// Events that waited for a webhook URL are attempted when one is set, and
// recorded then: an attempt at a URL set on day 2 was recorded at the event's
// own time on day 1, when there was none (a presenter's trial: a URL changed
// during a catch-up sent the rest at their old due times, years back).
func TestAttemptsAtANewURLAreMadeWhenItIsSet(t *testing.T) {
	w := newWorld(t, worldOpts{})
	none, url := "", w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &none}); err != nil {
		t.Fatal(err)
	}
	a := w.connect(w.customer(simulator.NewCustomer{Name: "Ade Ola", Institution: "044", Balance: 100_000}))
	w.advance(24 * time.Hour)
	set := w.clock.Now()
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &url}); err != nil {
		t.Fatal(err)
	}
	w.until("every event is recorded delivered", w.allDelivered(a.ID))
	for _, ev := range w.events(a.ID) {
		at, err := w.eng.Attempts(w.ctx, ev.ID, 0, 10)
		if err != nil || len(at) == 0 {
			t.Fatalf("attempts of %s: %v, %v", ev.Type, at, err)
		}
		for _, x := range at {
			if x.At.Before(set) {
				t.Errorf("%s: an attempt at %s recorded at %s, before the URL was set at %s", ev.Type, x.URL, x.At, set)
			}
		}
	}
}

// An attempt that fails while the URL changes under it is followed at once by
// one at the new URL, not after its back-off from a time the new URL never had
// (its next attempt went at the new URL stamped back there, years back, after a
// long catch-up: a presenter's trial). The clock stays where it is.
func TestAFailedAttemptAtAnOldURLRetriesTheNewOneNow(t *testing.T) {
	w := newWorld(t, worldOpts{})
	none, old, changed := "", w.recv.srv.URL, w.recv.srv.URL+"/changed"
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &none}); err != nil {
		t.Fatal(err)
	}
	a := w.connect(w.customer(simulator.NewCustomer{Name: "Ade Ola", Institution: "044", Balance: 100_000}))
	release := w.recv.hold(t, a.ID)
	w.recv.failFirst.Store(w.recv.calls.Load() + 1) // the attempt held fails
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &old}); err != nil {
		t.Fatal(err)
	}
	<-w.recv.holding
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &changed}); err != nil {
		t.Fatal(err)
	}
	release()
	w.until("every event is delivered at the new URL, the clock not moved", w.allDelivered(a.ID))
	first := w.events(a.ID)[0]
	at, err := w.eng.Attempts(w.ctx, first.ID, 0, 10)
	if err != nil || len(at) != 2 || at[0].URL != changed || at[1].URL != old || !at[0].At.Equal(at[1].At) {
		t.Fatalf("the attempts, newest first: %+v, %v; want the failed one at the old URL and one at the new at the same moment", at, err)
	}
}

// A receiver refusing the secret (401, 403) is told where the current one is: after
// a rotation, "the receiver answered 401" alone left a newcomer guessing.
func TestRefusedSecretSaysWhereTheSecretIs(t *testing.T) {
	logs := &syncBuffer{}
	w := newWorld(t, worldOpts{logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	w.recv.okStatus.Store(http.StatusUnauthorized)
	w.connect(w.customer(simulator.NewCustomer{Name: "Ade Ola", Institution: "044", Balance: 100_000}))
	w.waitNotice("the refused attempt", func(n engine.Notice) bool { return n.Kind == engine.NoticeDelivery })
	if out := logs.String(); !strings.Contains(out, "the receiver answered 401; does it check mono-webhook-secret against the current webhook_secret (GET /sandbox/settings)?") {
		t.Fatalf("a 401 logged:\n%s", out)
	}
}

// A failed delivery attempt is what went wrong, and a log kept to warnings
// (--log-level warn) keeps it; a delivered one is not. It was an info line, as a
// delivered one is, and a CI job at warn never saw its receiver refuse a webhook.
func TestFailedDeliveryIsAWarning(t *testing.T) {
	logs := &syncBuffer{}
	w := newWorld(t, worldOpts{logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	w.recv.failFirst.Store(1)
	a := w.connect(w.customer(simulator.NewCustomer{Name: "Ade Ola", Institution: "044", Balance: 100_000}))
	w.waitNotice("the failed attempt", func(n engine.Notice) bool { return n.Kind == engine.NoticeDelivery })
	if out := logs.String(); !strings.Contains(out, "level=WARN msg=webhook") || !strings.Contains(out, "the receiver answered 503") {
		t.Fatalf("a failed attempt at --log-level warn logged:\n%s", out)
	}
	w.advance(engine.RetryBackoff(1))
	w.until("every event is recorded delivered", w.allDelivered(a.ID))
	if n := strings.Count(logs.String(), "msg=webhook"); n != 1 {
		t.Fatalf("%d webhook lines at --log-level warn, want the failed attempt's alone:\n%s", n, logs.String())
	}
}

// A receiver that fails N times and then recovers gets every event, in order per
// account, none lost; retries wait on the virtual clock with the documented back-off.
func TestOutboxRetriesUntilDelivered(t *testing.T) {
	w := newWorld(t, worldOpts{})
	const failures = 4
	w.recv.failFirst.Store(failures)
	var accounts []engine.Account
	var customers []simulator.Customer
	for i, code := range []string{"044", "058", "057"} {
		c := w.customer(simulator.NewCustomer{Name: []string{"Ade Ola", "Bisi Obi", "Chidi Eze"}[i], Institution: code, Balance: 100_000})
		customers = append(customers, c)
		accounts = append(accounts, w.connect(c))
	}
	for i, a := range accounts {
		w.advance(engine.RateLimitWindow)
		w.post(customers[i], engine.Credit, 1_000) // new data, so the sync sends account_updated
		w.sync(a.ID)
	}
	total := 3 * len(accounts) // connected, updated (first sync), updated (manual)

	// Each failed attempt schedules the next at the back-off; step the clock to it.
	for attempt := 1; w.recv.calls.Load() < int64(failures) || len(w.recv.delivered()) < total; attempt++ {
		if attempt > 20 {
			t.Fatalf("not delivered after 20 rounds: %d calls, %d delivered", w.recv.calls.Load(), len(w.recv.delivered()))
		}
		w.waitNotice("a delivery attempt", func(n engine.Notice) bool { return n.Kind == engine.NoticeDelivery })
		if len(w.recv.delivered()) < total {
			w.advance(engine.RetryBackoff(attempt))
		}
	}
	got := w.recv.await(t, total)
	for _, a := range accounts {
		w.until("every event is recorded delivered", w.allDelivered(a.ID))
	}
	byAccount := map[string][]string{}
	for _, d := range got {
		byAccount[d.Account] = append(byAccount[d.Account], d.EventID)
	}
	for _, a := range accounts {
		var want []string
		for _, ev := range w.events(a.ID) {
			want = append(want, ev.ID)
			if ev.Status != engine.DeliveryDelivered {
				t.Errorf("event %s is %s", ev.ID, ev.Status)
			}
		}
		if !slices.Equal(byAccount[a.ID], want) {
			t.Errorf("account %s: delivered %v, want every event in order %v", a.ID, byAccount[a.ID], want)
		}
	}
	// Every attempt is recorded, failed ones with their status code.
	var failed int
	for _, a := range accounts {
		for _, ev := range w.events(a.ID) {
			for _, at := range ev.Attempts {
				if at.Error != "" {
					failed++
					if at.StatusCode != 503 {
						t.Errorf("failed attempt recorded status %d, want 503", at.StatusCode)
					}
				}
			}
		}
	}
	if failed != failures {
		t.Errorf("%d failed attempts recorded, want %d", failed, failures)
	}
}

// One receiver that hangs on one account's events holds up that account alone: the
// other account's events arrive meanwhile, and each account's in order.
func TestSlowReceiverHoldsUpOnlyItsAccount(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true, timeout: time.Minute})
	slow := w.connect(w.adam())
	fast := w.connect(w.customer(simulator.NewCustomer{Name: "Bisi Obi", Institution: "058", Balance: 100_000}))
	release := w.recv.hold(t, slow.ID)
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.recv.holding: // the slow account's first event hangs at the receiver
	case <-time.After(10 * time.Second):
		t.Fatal("the slow account's first event never reached the receiver")
	}
	got := w.recv.await(t, 2) // both of the fast account's events, while the other hangs
	want := []string{w.events(fast.ID)[0].ID, w.events(fast.ID)[1].ID}
	if got[0].EventID != want[0] || got[1].EventID != want[1] {
		t.Fatalf("while one account's receiver hung, delivered %v; want the other account's %v in order", []string{got[0].EventID, got[1].EventID}, want)
	}
	if evs := w.events(slow.ID); len(evs[0].Attempts) != 0 || len(evs[1].Attempts) != 0 {
		t.Fatalf("the hanging account's events show attempts %v, %v; want the first still under way, the second waiting", evs[0].Attempts, evs[1].Attempts)
	}
	release()
	got = w.recv.await(t, 4)
	if got[2].EventID != w.events(slow.ID)[0].ID || got[3].EventID != w.events(slow.ID)[1].ID {
		t.Fatalf("the slow account's events arrived as %s, %s; want them in order", got[2].EventID, got[3].EventID)
	}
	w.until("every event is recorded delivered", func() bool { return w.allDelivered(slow.ID)() && w.allDelivered(fast.ID)() })
}

// OutboxSettled says whether anything is due now or under way: what a scenario
// waits for before its next step. An attempt hanging at the receiver keeps it
// unsettled; so does a retry that falls due.
func TestOutboxSettledWaitsForAttemptsUnderWay(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true, timeout: time.Minute})
	adam := w.adam()
	a := w.connect(adam)
	idle := func() bool {
		ok, err := w.eng.OutboxSettled(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !idle() {
		t.Fatal("not settled with events waiting for a URL: nothing can be delivered")
	}
	release := w.recv.hold(t, a.ID)
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	<-w.recv.holding
	if idle() {
		t.Fatal("settled while an attempt is under way")
	}
	release()
	w.poll("delivery is idle", idle)
	if !w.allDelivered(a.ID)() {
		t.Fatal("settled before every due event was delivered")
	}
	w.recv.failFirst.Store(w.recv.calls.Load() + 1) // the next call fails: a retry is scheduled
	w.advance(engine.RateLimitWindow)
	w.post(adam, engine.Credit, 1_000)
	w.sync(a.ID)
	w.until("the failed attempt is recorded", func() bool { return len(w.events(a.ID)[2].Attempts) == 1 })
	w.poll("delivery is idle", idle)
	w.advance(engine.RetryBackoff(1))
	if idle() && !w.allDelivered(a.ID)() {
		t.Fatal("settled while a retry is due")
	}
	w.poll("delivery is idle", idle)
	if !w.allDelivered(a.ID)() {
		t.Fatal("settled before the retry was delivered")
	}
}

// An event skipped while Data Sync was off says so in words that stay true once it
// is on: a replay refused then does not claim Data Sync is off.
func TestSkipReasonStaysTrue(t *testing.T) {
	w := newWorld(t, worldOpts{noSync: true})
	a := w.connect(w.adam()) // Data Sync off: its events are skipped
	on := true
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	ev := w.events(a.ID)[0]
	_, err := w.eng.Replay(w.ctx, ev.ID)
	msg := engine.ErrorMessage(err)
	if engine.ErrorCode(err) != engine.ECONFLICT || strings.Contains(msg, "is off") || !strings.Contains(msg, "was off") {
		t.Fatalf("replaying, with Data Sync on, an event skipped while it was off: %q; want why, in the past", msg)
	}
	if strings.Contains(ev.SkipReason, "is off") {
		t.Fatalf("the recorded reason %q stops being true once Data Sync is on", ev.SkipReason)
	}
}

func TestRetryBackoffSchedule(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, d := range want {
		if got := engine.RetryBackoff(i + 1); got != d {
			t.Errorf("RetryBackoff(%d) = %v, want %v", i+1, got, d)
		}
	}
}

// A restart in the middle of retries resumes delivery from the persistent outbox.
func TestOutboxResumesAfterRestart(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.recv.failFirst.Store(1 << 30) // down until further notice
	a := w.connect(w.adam())
	w.waitNotice("a failed attempt", func(n engine.Notice) bool { return n.Kind == engine.NoticeDelivery })
	pending := w.events(a.ID)
	if len(pending) != 2 || pending[0].Status != engine.DeliveryPending || len(pending[0].Attempts) != 1 {
		t.Fatalf("before the restart: %+v", pending)
	}
	w.close()

	w.recv.failFirst.Store(0) // the receiver recovers while sandbank is down
	w.open()
	w.advance(engine.RetryBackoff(1))
	got := w.recv.await(t, 2)
	if got[0].EventID != pending[0].ID || got[1].EventID != pending[1].ID {
		t.Fatalf("after the restart delivered %s, %s; want %s, %s", got[0].EventID, got[1].EventID, pending[0].ID, pending[1].ID)
	}
	w.until("both events are recorded delivered", w.allDelivered(a.ID))
}

// Events wait while no webhook URL is set, and are delivered once one is; a replay
// delivers an event again.
func TestOutboxWaitsForAURLAndReplays(t *testing.T) {
	w := newWorld(t, worldOpts{noURL: true})
	a := w.connect(w.adam())
	if evs := w.events(a.ID); len(evs) != 2 || evs[0].Status != engine.DeliveryPending || len(evs[0].Attempts) != 0 {
		t.Fatalf("without a URL: %+v", evs)
	}
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	got := w.recv.await(t, 2)
	if _, err := w.eng.Replay(w.ctx, got[0].EventID); err != nil {
		t.Fatal(err)
	}
	got = w.recv.await(t, 3)
	if got[2].EventID != got[0].EventID {
		t.Fatalf("replay delivered %s, want %s again", got[2].EventID, got[0].EventID)
	}
	w.until("the replay is recorded", func() bool {
		ev, _ := w.eng.Event(w.ctx, got[0].EventID)
		return len(ev.Attempts) == 2
	})
	ev, err := w.eng.Event(w.ctx, got[0].EventID)
	if err != nil || ev.Replays != 1 || len(ev.Attempts) != 2 || ev.Status != engine.DeliveryDelivered {
		t.Fatalf("replayed event = %+v, %v", ev, err)
	}
}

// Payloads follow DESIGN §5, and the same history gives the same event IDs and bytes.
func TestPayloadsAndDeterminism(t *testing.T) {
	run := func() []engine.Event {
		w := newWorld(t, worldOpts{})
		adam := w.adam()
		a := w.connect(adam)
		w.advance(time.Hour)
		if err := w.bank.ChangePassword(adam.ID, "changed-1"); err != nil {
			t.Fatal(err)
		}
		w.sync(a.ID)
		return w.events(a.ID)
	}
	first, second := run(), run()
	if len(first) != 3 {
		t.Fatalf("events = %v", eventTypes(first))
	}
	body := func(ev engine.Event) []byte { return api.RenderWebhook(ev, engine.WebhookV1) }
	for i := range first {
		if first[i].ID != second[i].ID || string(body(first[i])) != string(body(second[i])) {
			t.Fatalf("event %d differs between runs:\n%s %s\n%s %s", i, first[i].ID, body(first[i]), second[i].ID, body(second[i]))
		}
	}
	var updated struct {
		Event string `json:"event"`
		Data  struct {
			Meta struct {
				DataStatus string `json:"data_status"`
			} `json:"meta"`
			Account struct {
				Balance       int64  `json:"balance"`
				AccountNumber string `json:"accountNumber"`
				BVN           string `json:"bvn"`
			} `json:"account"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body(first[1]), &updated); err != nil {
		t.Fatal(err)
	}
	if updated.Event != engine.EventAccountUpdated || updated.Data.Meta.DataStatus != engine.DataAvailable ||
		updated.Data.Account.Balance != 1_000_000 || len(updated.Data.Account.AccountNumber) != 10 || len(updated.Data.Account.BVN) != 4 {
		t.Fatalf("account_updated payload = %s", body(first[1]))
	}
	var reauth struct {
		Event string                       `json:"event"`
		Data  map[string]map[string]string `json:"data"`
	}
	if err := json.Unmarshal(body(first[2]), &reauth); err != nil {
		t.Fatalf("%s: %v", body(first[2]), err)
	}
	if reauth.Event != engine.EventReauthRequired || reauth.Data["account"]["_id"] != first[2].AccountID {
		t.Fatalf("reauthorisation_required payload = %s", body(first[2]))
	}
}

// A receiver that does not answer in time counts as a failed attempt, retried later.
func TestOutboxRetriesTimeouts(t *testing.T) {
	w := newWorld(t, worldOpts{timeout: 300 * time.Millisecond})
	w.recv.hangFirst.Store(1)
	a := w.connect(w.adam())
	w.until("the timed-out attempt is recorded", func() bool {
		evs := w.events(a.ID)
		return len(evs) > 0 && len(evs[0].Attempts) == 1
	})
	first := w.events(a.ID)[0]
	if at := first.Attempts[0]; at.Error == "" || at.StatusCode != 0 || first.Status != engine.DeliveryPending {
		t.Fatalf("timed-out attempt = %+v, status %s", at, first.Status)
	}
	if want := first.Attempts[0].At.Add(engine.RetryBackoff(1)); !first.NextAttemptAt.Equal(want) {
		t.Fatalf("next attempt at %v, want %v", first.NextAttemptAt, want)
	}
	w.advance(engine.RetryBackoff(1))
	w.until("both events are delivered", w.allDelivered(a.ID))
}

// When the clock jumps past several retries, the outbox catches up on the same
// schedule it would have kept running: each attempt is recorded when it was due.
func TestRetryScheduleAcrossAJump(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.recv.failFirst.Store(4)
	a := w.connect(w.adam())
	w.until("the first attempt", func() bool {
		evs := w.events(a.ID)
		return len(evs) > 0 && len(evs[0].Attempts) == 1
	})
	w.advance(time.Hour) // one jump over the next four retries
	w.until("both events are delivered", w.allDelivered(a.ID))
	first := w.events(a.ID)[0]
	if len(first.Attempts) != 5 {
		t.Fatalf("%d attempts, want 4 failures and a success", len(first.Attempts))
	}
	for k := 1; k < len(first.Attempts); k++ {
		want := first.Attempts[k-1].At.Add(engine.RetryBackoff(k))
		if got := first.Attempts[k].At; !got.Equal(want) {
			t.Errorf("attempt %d at %v, want %v (the previous one + %v)", k+1, got, want, engine.RetryBackoff(k))
		}
	}
	if !first.DeliveredAt.Equal(first.Attempts[4].At) {
		t.Errorf("delivered at %v, want the successful attempt's %v", first.DeliveredAt, first.Attempts[4].At)
	}
	// The second event waited behind the first: it was due only once the first was
	// delivered, so its attempt never counts as made before that.
	second := w.events(a.ID)[1]
	if len(second.Attempts) != 1 || !second.Attempts[0].At.Equal(first.DeliveredAt) || !second.DeliveredAt.Equal(first.DeliveredAt) {
		t.Errorf("the second event's attempts %+v, delivered %v; want one at %v, when the first was delivered",
			second.Attempts, second.DeliveredAt, first.DeliveredAt)
	}
}

// gatedSender holds every attempt until released and records how many were under
// way at once; local says whether it delivers in process (engine.InProcess).
type gatedSender struct {
	engine.Sender
	local     bool
	mu        sync.Mutex
	now, most int
	arrived   chan struct{}
	release   chan struct{}
}

func (g *gatedSender) InProcess(string) bool { return g.local }

func (g *gatedSender) Send(ctx context.Context, url string, h map[string]string, body []byte) (engine.Delivery, error) {
	g.mu.Lock()
	g.now++
	g.most = max(g.most, g.now)
	g.mu.Unlock()
	g.arrived <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
	}
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
	return g.Sender.Send(ctx, url, h, body)
}

// A receiver in process (the built-in one) takes up to LocalDeliveries attempts at
// once — 4096 by default — and any other at most Deliveries (8): twelve accounts,
// each with an event due, put twelve under way at once, or eight.
func TestInProcessReceiverTakesMoreAttemptsAtOnce(t *testing.T) {
	for _, local := range []bool{true, false} {
		t.Run(fmt.Sprintf("local=%v", local), func(t *testing.T) {
			w := newWorld(t, worldOpts{noURL: true, customers: 12, timeout: time.Minute})
			var ids []string
			for _, c := range w.bank.Customers() {
				ids = append(ids, w.connect(c).ID) // their events wait: no URL yet
			}
			w.close()
			g := &gatedSender{local: local, arrived: make(chan struct{}, 64), release: make(chan struct{})}
			var once sync.Once
			release := func() { once.Do(func() { close(g.release) }) }
			t.Cleanup(release) // before the engine closes: it waits for attempts under way
			w.wrapSender = func(s engine.Sender) engine.Sender { g.Sender = s; return g }
			w.open()
			u := w.recv.srv.URL
			if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
				t.Fatal(err)
			}
			want := 8
			if local {
				want = len(ids)
			}
			for range want {
				select {
				case <-g.arrived:
				case <-time.After(10 * time.Second):
					g.mu.Lock()
					defer g.mu.Unlock()
					t.Fatalf("only %d attempts under way at once; want %d", g.now, want)
				}
			}
			select {
			case <-g.arrived:
				t.Fatalf("more than %d attempts under way at once", want)
			case <-time.After(50 * time.Millisecond): // an absence takes some waiting
			}
			release() // the rest go at once (arrived has room for them all)
			for _, id := range ids {
				w.until("every event is delivered", w.allDelivered(id))
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			if g.most != want {
				t.Fatalf("at most %d attempts were under way at once; want %d", g.most, want)
			}
		})
	}
}

// Any 2xx answer takes a v1 webhook, as the seed's design has it; a v2 webhook is
// taken only by a 200, as Mono's v2 page says: a receiver that answers 204 is told
// why its event is sent again.
func TestV2WebhooksWantA200(t *testing.T) {
	for _, f := range []engine.WebhookFormat{engine.WebhookV1, engine.WebhookV2} {
		t.Run(string(f), func(t *testing.T) {
			w := newWorld(t, worldOpts{})
			if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookFormat: &f}); err != nil {
				t.Fatal(err)
			}
			w.recv.okStatus.Store(204)
			a := w.connect(w.adam())
			w.waitNotice("a delivery attempt", func(n engine.Notice) bool { return n.Kind == engine.NoticeDelivery })
			ev := w.events(a.ID)[0]
			if f == engine.WebhookV1 {
				w.until("the 204 delivers it", w.allDelivered(a.ID))
				return
			}
			if ev.Status != engine.DeliveryPending || len(ev.Attempts) != 1 || !strings.Contains(ev.Attempts[0].Error, "unless it is answered 200") {
				t.Fatalf("a v2 webhook answered 204: %s, attempts %+v; want pending, saying Mono wants a 200", ev.Status, ev.Attempts)
			}
			w.recv.okStatus.Store(0)
			w.advance(engine.RetryBackoff(1))
			w.until("the 200 delivers it", w.allDelivered(a.ID))
		})
	}
}

// A replay asked while an attempt of the event is under way sends the event once
// more when that attempt ends, at once, whatever its answer: the replay's answer
// says it goes "as soon as it is its account's oldest pending one", and a replay of
// a delivered event sends it again. The attempt's outcome overwrote the replay —
// a failure's back-off put it 30 s off (on a paused clock, never), a success
// dropped it (a newcomer's trial).
func TestReplayDuringAnAttemptSendsOnceItEnds(t *testing.T) {
	for _, fails := range []bool{true, false} {
		t.Run(map[bool]string{true: "the attempt fails", false: "the attempt succeeds"}[fails], func(t *testing.T) {
			w := newWorld(t, worldOpts{timeout: time.Minute})
			adam := w.adam()
			a := w.connect(adam)
			w.recv.await(t, 2)
			w.until("the connect's events are recorded delivered", w.allDelivered(a.ID))
			release := w.recv.hold(t, a.ID)
			w.advance(engine.RateLimitWindow)
			w.post(adam, engine.Credit, 1_000)
			w.sync(a.ID) // account_updated, whose attempt #1 hangs at the receiver
			var held delivery
			select {
			case held = <-w.recv.holding:
			case <-time.After(10 * time.Second):
				t.Fatal("the sync's account_updated never reached the receiver")
			}
			if ev, err := w.eng.Event(w.ctx, held.EventID); err != nil || ev.Sending == nil || ev.Sending.N != 1 {
				t.Fatalf("while attempt #1 hangs, the event shows under way %+v (%v); want attempt #1", ev.Sending, err)
			}
			replayed, err := w.eng.Replay(w.ctx, held.EventID)
			if err != nil {
				t.Fatal(err)
			}
			if fails {
				w.recv.failFirst.Store(w.recv.calls.Load()) // the held call answers 503, the next 200
			}
			release()
			w.waitNotice("attempt #1's result", func(n engine.Notice) bool {
				return n.Kind == engine.NoticeDelivery && n.EventID == held.EventID && n.Attempt.N == 1
			})
			// Recording attempt #1 claims the replay's in the same write: it is under way
			// or made by now, on a clock that has not moved.
			ev, err := w.eng.Event(w.ctx, held.EventID)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Sending == nil && ev.AttemptsMade < 2 {
				t.Fatalf("after attempt #1 (failed: %v) the event is %s, next attempt at %v, replays %d; want the replay asked during it sent at once, at %v",
					fails, ev.Status, ev.NextAttemptAt, ev.Replays, replayed.NextAttemptAt)
			}
			w.until("the replay is delivered", w.allDelivered(a.ID))
			ev, err = w.eng.Event(w.ctx, held.EventID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Attempts) != 2 || (ev.Attempts[0].Error != "") != fails || ev.Attempts[1].Error != "" || ev.Replays != 1 {
				t.Fatalf("attempts %+v, replays %d; want #1 (failed: %v) and the replay's #2, delivered", ev.Attempts, ev.Replays, fails)
			}
			if !ev.Attempts[1].At.Equal(replayed.NextAttemptAt) || !ev.DeliveredAt.Equal(ev.Attempts[1].At) {
				t.Fatalf("the replay's attempt at %v, delivered at %v; want both when the replay was asked, %v", ev.Attempts[1].At, ev.DeliveredAt, replayed.NextAttemptAt)
			}
			var sent int
			for _, d := range w.recv.delivered() {
				if d.EventID == held.EventID {
					sent++
				}
			}
			if want := map[bool]int{true: 1, false: 2}[fails]; sent != want {
				t.Fatalf("the receiver took the event %d times; want %d", sent, want)
			}
		})
	}
}

// An event that waited behind a replayed one — older, so not the event just before
// it — is due once the replay is delivered: it kept its own stale time, and a
// receiver back up got a burst of its retries at once, logged from before the
// replay was delivered (a webhook developer's trial).
func TestAnEventBehindAReplayIsDueOnceTheReplayIsDelivered(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a, first, behind := eventBehindAReplay(w, 3)
	w.advance(time.Hour) // past the replay's retries
	behindIsDueAtTheReplay(w, a, first, behind)
}

// The same across a restart: a replay delivered while sandbank stops leaves the
// event behind it due from that delivery, not its stale time — the time was set
// only for a claim that a stop does not make (a review).
func TestAnEventBehindAReplayKeepsItsDueTimeAcrossARestart(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a, first, behind := eventBehindAReplay(w, 4)
	w.advance(2 * time.Minute)
	w.until("the replay's fourth failure", func() bool {
		ev, _ := w.eng.Event(w.ctx, first.ID)
		return len(ev.Attempts) == 5
	})
	release := w.recv.hold(t, a.ID)
	w.advance(time.Hour) // the replay's next attempt, which succeeds: held at the receiver
	select {
	case <-w.recv.holding:
	case <-time.After(10 * time.Second):
		t.Fatal("the replay's attempt never reached the receiver")
	}
	closed := make(chan struct{})
	eng := w.eng
	go func() { w.close(); close(closed) }()
	w.poll("the stop has begun", eng.Stopping)
	release() // the replay's delivery is recorded during the stop
	<-closed
	w.open()
	behindIsDueAtTheReplay(w, a, first, behind)
}

// eventBehindAReplay connects Mr Adam, replays his first event to a receiver that
// fails its next failures calls, and makes a new event of his, behind the replay,
// three minutes on: his account, the replayed event and the one behind it.
func eventBehindAReplay(w *world, failures int64) (engine.Account, engine.Event, engine.Event) {
	w.t.Helper()
	adam := w.adam()
	a := w.connect(adam)
	w.until("the connect's events are delivered", w.allDelivered(a.ID))
	first := w.events(a.ID)[0]
	w.recv.failFirst.Store(w.recv.calls.Load() + failures)
	if _, err := w.eng.Replay(w.ctx, first.ID); err != nil {
		w.t.Fatal(err)
	}
	w.until("the replay's first attempt", func() bool {
		ev, _ := w.eng.Event(w.ctx, first.ID)
		return len(ev.Attempts) == 2
	})
	w.post(adam, engine.Credit, 50_000)
	w.advance(3 * time.Minute)
	if res := w.sync(a.ID); !res.HasNewData {
		w.t.Fatalf("the sync behind the replay: %+v; want new data", res)
	}
	evs := w.events(a.ID)
	behind := evs[len(evs)-1]
	if behind.Status != engine.DeliveryPending {
		w.t.Fatalf("the new event %s is %s; want it pending behind the replay", behind.Type, behind.Status)
	}
	return a, first, behind
}

// behindIsDueAtTheReplay waits for every event of a to be delivered and checks
// that the event behind the replayed one (first) was attempted once, when the
// replay was delivered.
func behindIsDueAtTheReplay(w *world, a engine.Account, first, behind engine.Event) {
	w.t.Helper()
	w.until("every event is delivered", w.allDelivered(a.ID))
	r, err := w.eng.Event(w.ctx, first.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := w.eng.Event(w.ctx, behind.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	if len(b.Attempts) != 1 || !b.Attempts[0].At.Equal(r.DeliveredAt) {
		w.t.Fatalf("the event behind the replay: attempts %+v; want one, at %v, when the replay was delivered", b.Attempts, r.DeliveredAt)
	}
}

// An account whose webhooks catch up does not keep its delivery slot for its
// whole backlog while another account's webhook has waited longer: with the clock
// kept running fast, some accounts' webhooks came years late while others' went
// out as they were made (a soak trial). Caught up, the attempts go in the order
// they fell due, whichever account they are of.
func TestCatchingUpIsFairAcrossAccounts(t *testing.T) {
	w := newWorld(t, worldOpts{slots: 1, noURL: true, timeout: time.Minute})
	held := w.connect(w.adam())
	release := w.recv.hold(t, held.ID)
	u := w.recv.srv.URL
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{WebhookURL: &u}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.recv.holding: // the one slot is taken: what follows waits, unattempted
	case <-time.After(10 * time.Second):
		t.Fatal("the first event never reached the receiver")
	}
	ade := w.customer(simulator.NewCustomer{Name: "Ade Ola", Institution: "058", Balance: 100_000})
	a := w.connect(ade)
	w.advance(engine.RateLimitWindow)
	b := w.connect(w.customer(simulator.NewCustomer{Name: "Bisi Obi", Institution: "057", Balance: 100_000}))
	for range 3 { // Ade's backlog goes on after Bisi's first events
		w.advance(engine.RateLimitWindow)
		w.post(ade, engine.Credit, 1_000)
		w.sync(a.ID)
	}
	release()
	ids := []string{held.ID, a.ID, b.ID}
	total := 0
	for _, id := range ids {
		total += len(w.events(id))
	}
	got := w.recv.await(t, total)
	w.until("every event is recorded delivered", func() bool {
		return w.allDelivered(held.ID)() && w.allDelivered(a.ID)() && w.allDelivered(b.ID)()
	})
	at := map[string]time.Time{} // each event's delivery, as counted: when it fell due
	for _, id := range ids {
		for _, ev := range w.events(id) {
			at[ev.ID] = ev.DeliveredAt
		}
	}
	var order []string
	for _, d := range got {
		order = append(order, d.Account[:6]+"@"+at[d.EventID].Format("15:04:05"))
	}
	if !slices.IsSortedFunc(got, func(x, y delivery) int { return at[x.EventID].Compare(at[y.EventID]) }) {
		t.Fatalf("deliveries by account and due time: %v; want them in the order they fell due", order)
	}
}

// Held deliveries start no attempt, as a shutdown asks: what is due waits in the
// outbox for the next start. A jump that ended while a SIGTERM waited for it started
// new attempts, each with its 10 s timeout (a soak trial).
func TestHeldDeliveriesStartNoAttempt(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.until("the connect's webhooks delivered", w.allDelivered(a.ID))
	made := w.eng.DeliveryAttempts()
	w.eng.HoldDeliveries()
	w.post(adam, engine.Credit, 5_000)
	w.advance(3 * time.Minute)
	if res := w.sync(a.ID); !res.HasNewData {
		t.Fatalf("sync = %+v; want new data", res)
	}
	w.eng.StartDue() // a pass of the delivery loop, as the sync's nudge makes
	evs := w.events(a.ID)
	if last := evs[len(evs)-1]; last.Type != engine.EventAccountUpdated || last.Status != engine.DeliveryPending || last.AttemptsMade != 0 || last.Sending != nil {
		t.Fatalf("the sync's event with deliveries held: %s %s, %d attempts, sending %v; want account_updated pending, never tried", last.Type, last.Status, last.AttemptsMade, last.Sending)
	}
	if n, now := w.eng.DeliveriesUnderWay(), w.eng.DeliveryAttempts(); n != 0 || now != made {
		t.Fatalf("with deliveries held: %d under way, %d attempts made since; want none", n, now-made)
	}
}
