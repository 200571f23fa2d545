package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// Every write may run more than once: the store runs a batch again without a write
// that failed, and the others' fns run anew. Each must start over from what its
// transaction reads — a fn that changed what it captured said a refusal's note
// twice (TestAStaleRefusalRunTwiceSaysSoOnce) — and leave what is outside the
// transaction to after its commit. TestEveryWriteRunTwiceEndsAsOnce walks one
// script twice, once with every write rehearsed first, and compares all it answered
// and stored.

// allRerunStore runs every write — Update, Submit and Defer — once, rolled back,
// before running it for real (armed). A jump's rehearsal joins its batch of
// deferred writes and fails it, so the store's own rerun runs too.
type allRerunStore struct {
	engine.Store
	armed atomic.Bool
	runs  atomic.Int64
}

func (s *allRerunStore) rehearse(ctx context.Context, fn func(engine.Tx) error) error {
	s.runs.Add(1)
	err := s.Store.Update(ctx, func(tx engine.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRolledBack
	})
	if errors.Is(err, errRolledBack) {
		return nil
	}
	return err
}

func (s *allRerunStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	if s.armed.Load() {
		if err := s.rehearse(ctx, fn); err != nil {
			return err
		}
	}
	return s.Store.Update(ctx, fn)
}

func (s *allRerunStore) Submit(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	if s.armed.Load() {
		if err := s.rehearse(ctx, fn); err != nil {
			done(err)
			return
		}
	}
	s.Store.Submit(ctx, fn, done)
}

func (s *allRerunStore) Defer(ctx context.Context, fn func(engine.Tx) error, done func(error)) {
	if s.armed.Load() {
		if err := s.rehearse(ctx, fn); err != nil {
			done(err)
			return
		}
	}
	s.Store.Defer(ctx, fn, done)
}

type dump struct{ lines []string }

func (d *dump) add(f string, a ...any) { d.lines = append(d.lines, fmt.Sprintf(f, a...)) }

// storedOf is what the store holds of the accounts: each one, its jobs, snapshots,
// events and their attempts, a line each.
func storedOf(w *world, ids []string) []string {
	var d dump
	for _, id := range ids {
		a, err := w.eng.Account(w.ctx, id)
		if err != nil {
			d.add("account %s: %v", id, engine.ErrorCode(err))
		} else {
			d.add("account %s bal=%d status=%s code=%s msg=%q reauth=%v/%s reauths=%d synced=%s next=%s rt=%s/%s",
				a.ID, a.Balance, a.DataStatus, a.LastCode, a.LastMessage, a.ReauthRequired, a.ReauthReason, a.Reauths,
				a.LastSyncedAt.Format(time.RFC3339Nano), a.NextAutoSyncAt.Format(time.RFC3339Nano), a.LastRealtimeJob, a.LastRealtimeAt.Format(time.RFC3339Nano))
			jobs, _ := w.eng.SyncJobs(w.ctx, id, 0)
			for _, j := range jobs {
				d.add("  job %s %s %s %s %q new=%v n=%d rep=%d %s-%s", j.ID, j.Trigger, j.Status, j.Code, j.Message, j.HasNewData, j.NewTransactions, j.Repeats,
					j.StartedAt.Format(time.RFC3339Nano), j.FinishedAt.Format(time.RFC3339Nano))
			}
			snaps, _ := w.eng.Snapshots(w.ctx, id, 0)
			for _, s := range snaps {
				d.add("  snap %d %s bal=%d new=%d tot=%d rep=%d", s.Seq, s.Trigger, s.Balance, s.NewTransactions, s.TotalTransactions, s.Repeats)
			}
		}
		for _, ev := range w.events(id) {
			msg := ""
			if ev.Facts.Job != nil {
				msg = ev.Facts.Job.ID + " " + ev.Facts.Job.Message
			}
			d.add("  ev %s %s %s made=%d fail=%d rep=%d %q %q", ev.ID, ev.Type, ev.Status, ev.AttemptsMade, ev.Failures, ev.Replays, ev.Facts.Message, msg)
			as, _ := w.eng.Attempts(w.ctx, ev.ID, 0, 100)
			for _, at := range as {
				d.add("    at n=%d %s st=%d err=%q reps=%d", at.N, at.At.Format(time.RFC3339Nano), at.StatusCode, at.Error, at.Repeats)
			}
		}
	}
	return d.lines
}

// rerunScript walks connects, syncs (new data, nothing new, refused), a real-time
// read, a statement, links of both scopes, a re-authorisation, a replay, a
// receiver failing, automatic syncs over a jump, an unlink and Data Sync off, and
// returns what each answered and what was stored; armed, every write is rehearsed
// first. Its last line counts the rehearsals.
func rerunScript(t *testing.T, arm bool) []string {
	rs := &allRerunStore{}
	w := rewrapped(t, func(s engine.Store) engine.Store { rs.Store = s; return rs }, nil)
	rs.armed.Store(arm)
	var out []string
	note := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	adam := w.adam()
	a := w.connect(adam)
	note("connected %s", a.ID)
	w.post(adam, engine.Credit, 50_000)
	w.advance(10 * time.Minute)
	res := w.sync(a.ID)
	note("sync1 %s %s %q", res.Status, res.Code, res.Message)
	w.advance(10 * time.Minute)
	res = w.sync(a.ID)
	note("sync2 %s %s %q rep=%d", res.Status, res.Code, res.Message, res.Job.Repeats)
	// realtime
	w.advance(10 * time.Minute)
	rr, err := w.eng.RealtimeSync(w.ctx, a.ID, "balance", 5*time.Second)
	note("rt %s %s %q %v", rr.Status, rr.Code, rr.Message, err)
	// statement
	sj, err := w.eng.CreateStatementJob(w.ctx, a.ID, 1)
	note("stmt %s %v", sj.ID, err)
	// link
	l, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkReauth, Account: a.ID, RedirectURL: "https://example.com/cb"})
	note("link %s %s %s %v", l.ID, l.AccountID, l.Customer.ID, err)
	// password change, failed sync, reauth
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	w.advance(30 * time.Minute)
	res = w.sync(a.ID)
	note("sync3 %s %s %q", res.Status, res.Code, res.Message)
	if err := <-w.reauthorise(a.ID, "n3w-Passw0rd"); err != nil {
		note("reauth err %v", err)
	}
	w.until("delivered", w.allDelivered(a.ID))
	// replay
	evs := w.events(a.ID)
	rp, err := w.eng.Replay(w.ctx, evs[0].ID)
	note("replay %s %s %v", rp.ID, rp.Status, err)
	w.until("delivered", w.allDelivered(a.ID))
	// a receiver down for a while: retries
	w.recv.failFirst.Store(w.recv.calls.Load() + 4)
	w.post(adam, engine.Credit, 2_000)
	w.advance(5 * time.Minute)
	res = w.sync(a.ID)
	note("sync4 %s %q", res.Status, res.Message)
	w.advance(3 * time.Hour)
	w.until("delivered after retries", w.allDelivered(a.ID))
	// auto syncs, over a jump
	w.autoSyncEvery(6 * time.Hour)
	w.post(adam, engine.Debit, 1_000)
	w.advance(2 * 24 * time.Hour)
	w.until("delivered", w.allDelivered(a.ID))
	// second account, then unlink
	eve := w.customer(simulator.NewCustomer{Name: "Eve Obi", Institution: "058", Balance: 500_000})
	b := w.connect(eve)
	note("connected %s", b.ID)
	if err := w.eng.Unlink(w.ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	w.until("delivered", w.allDelivered(a.ID))
	w.until("delivered b", w.allDelivered(b.ID))
	// a connect through an auth link, and a reauth through a reauth link
	cam := w.customer(simulator.NewCustomer{Name: "Cam Ude", Institution: "044", Balance: 300_000})
	al, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkAuth, Customer: engine.LinkCustomer{Name: "Cam", Email: "cam@example.com"}, Institution: "044", RedirectURL: "https://example.com/cb", Ref: "ref-cam"})
	note("authlink %s %s %v", al.ID, al.Customer.ID, err)
	cs, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: al.ID})
	if err == nil {
		cs, err = w.eng.WidgetLogin(w.ctx, cs.Session, cam.Username, cam.Password)
	}
	for i := 0; err == nil && cs.Status == engine.WidgetChallenge && i < 3; i++ {
		ans, _ := w.bank.ExpectedAnswer(cs.Challenge.ID)
		cs, err = w.eng.WidgetAnswer(w.ctx, cs.Session, ans)
	}
	note("linkwidget %s %v", cs.Status, err)
	c, err := w.eng.ExchangeCode(w.ctx, cs.Code)
	note("linkconnect %s %s %s %v", c.ID, c.Customer, c.Ref, err)
	if err == nil {
		if err := w.bank.ChangePassword(cam.ID, "An0ther-Pass"); err != nil {
			t.Fatal(err)
		}
		rl, err := w.eng.InitiateLink(w.ctx, engine.LinkRequest{Scope: engine.LinkReauth, Account: c.ID, RedirectURL: "https://example.com/cb"})
		note("reauthlink %s %v", rl.ID, err)
		rs2, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Link: rl.ID})
		note("reauthwidget %s rej=%v %v", rs2.Status, rs2.PasswordRejected, err)
		if err == nil && rs2.Status == engine.WidgetLogin {
			rs2, err = w.eng.WidgetLogin(w.ctx, rs2.Session, "", "An0ther-Pass")
		}
		for i := 0; err == nil && rs2.Status == engine.WidgetChallenge && i < 3; i++ {
			ans, _ := w.bank.ExpectedAnswer(rs2.Challenge.ID)
			rs2, err = w.eng.WidgetAnswer(w.ctx, rs2.Session, ans)
		}
		note("reauthdone %s %v", rs2.Status, err)
		w.until("delivered c", w.allDelivered(c.ID))
	}
	// Data Sync off: a real-time read is refused, twice
	off := false
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	r1, err := w.eng.RealtimeSync(w.ctx, a.ID, "balance", time.Second)
	note("refused1 %s %s %q %v", r1.Job.ID, r1.Status, r1.Message, err)
	r2, err := w.eng.RealtimeSync(w.ctx, a.ID, "balance", time.Second)
	note("refused2 %s %s %v", r2.Job.ID, r2.Status, err)
	on := true
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	w.advance(10 * time.Minute)
	w.until("settled a again", func() bool {
		for _, ev := range w.events(a.ID) {
			if ev.Status == engine.DeliveryPending {
				return false
			}
		}
		return true
	})
	ids := []string{a.ID, b.ID}
	if c.ID != "" {
		ids = append(ids, c.ID)
	}
	out = append(out, storedOf(w, ids)...)
	note("runs %d", rs.runs.Load())
	return out
}

func TestEveryWriteRunTwiceEndsAsOnce(t *testing.T) {
	plain, rerun := rerunScript(t, false), rerunScript(t, true)
	if last := rerun[len(rerun)-1]; last == "runs 0" {
		t.Fatal("no write was rehearsed")
	}
	plain, rerun = plain[:len(plain)-1], rerun[:len(rerun)-1]
	for i := range max(len(plain), len(rerun)) {
		var p, r string
		if i < len(plain) {
			p = plain[i]
		}
		if i < len(rerun) {
			r = rerun[i]
		}
		if p != r {
			t.Errorf("line %d, written once:\n\t%s\nwritten after a rehearsal:\n\t%s", i, p, r)
		}
	}
}
