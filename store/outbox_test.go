package store

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"sandbank/engine"
)

func TestOutboxOrderPerAccount(t *testing.T) {
	db := openTemp(t)
	ev := func(id, acct string, next int) engine.Event {
		return engine.Event{ID: id, AccountID: acct, Type: engine.EventAccountUpdated, Status: engine.DeliveryPending, NextAttemptAt: at(next)}
	}
	update(t, db, func(tx engine.Tx) error {
		for _, e := range []engine.Event{ev("a1", "a", 5), ev("b1", "b", 3), ev("a2", "a", 0), ev("c1", "c", 3)} {
			if _, err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		if _, err := tx.AppendEvent(ev("a1", "z", 0)); engine.ErrorCode(err) != engine.ECONFLICT {
			t.Errorf("duplicate event ID: %v", err)
		}
		return nil
	})
	due := func(now int) []string {
		var got []string
		view(t, db, func(tx engine.Tx) error {
			es, err := tx.DueEvents(at(now), 0)
			for _, e := range es {
				got = append(got, e.ID)
			}
			return err
		})
		return got
	}
	// a2 is due at 0 but waits behind a1; b1 and c1 tie on time, b1 has the lower seq.
	if got := due(4); !reflect.DeepEqual(got, []string{"b1", "c1"}) {
		t.Errorf("due at 4 = %v", got)
	}
	if got := due(5); !reflect.DeepEqual(got, []string{"b1", "c1", "a1"}) {
		t.Errorf("due at 5 = %v", got)
	}
	update(t, db, func(tx engine.Tx) error {
		e, err := tx.Event("a1")
		if err != nil {
			return err
		}
		e.Status, e.DeliveredAt, e.AttemptsMade = engine.DeliveryDelivered, at(5), 1
		if err := tx.PutAttempt(e.ID, engine.Attempt{N: 1, At: at(5), StatusCode: 200, Latency: time.Millisecond}); err != nil {
			return err
		}
		return tx.PutEvent(e)
	})
	if got := due(0); !reflect.DeepEqual(got, []string{"a2"}) {
		t.Errorf("after a1 was delivered, due at 0 = %v", got)
	}
	view(t, db, func(tx engine.Tx) error {
		if next, ok, err := tx.NextDue(); err != nil || !ok || !next.Equal(at(0)) {
			t.Errorf("NextDue = %v, %v, %v", next, ok, err)
		}
		if es, _ := tx.DueEvents(at(10), 2); len(es) != 2 {
			t.Errorf("DueEvents limit 2 gave %d", len(es))
		}
		e, _ := tx.Event("a1")
		as, err := tx.Attempts("a1", 0, 0)
		if err != nil || len(as) != 1 || as[0].StatusCode != 200 || e.AttemptsMade != 1 {
			t.Errorf("attempt not kept: %+v (made %d), %v", as, e.AttemptsMade, err)
		}
		return nil
	})
}

func TestEventsNewestFirst(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx engine.Tx) error {
		for i := range 6 {
			acct := []string{"a", "ab"}[i%2]
			if _, err := tx.AppendEvent(engine.Event{ID: fmt.Sprint("e", i+1), AccountID: acct, Status: engine.DeliverySkipped}); err != nil {
				return err
			}
		}
		return nil
	})
	cases := []struct {
		q    engine.EventQuery
		want []uint64
	}{
		{engine.EventQuery{}, []uint64{6, 5, 4, 3, 2, 1}},
		{engine.EventQuery{Limit: 2}, []uint64{6, 5}},
		{engine.EventQuery{BeforeSeq: 5, Limit: 2}, []uint64{4, 3}},
		{engine.EventQuery{BeforeSeq: 99}, []uint64{6, 5, 4, 3, 2, 1}},
		{engine.EventQuery{AccountID: "a"}, []uint64{5, 3, 1}},
		{engine.EventQuery{AccountID: "ab", BeforeSeq: 6}, []uint64{4, 2}},
		{engine.EventQuery{AccountID: "ab", BeforeSeq: 99, Limit: 1}, []uint64{6}},
		{engine.EventQuery{AccountID: "a", BeforeSeq: 1}, nil},
		{engine.EventQuery{AccountID: "zz"}, nil},
	}
	for _, c := range cases {
		view(t, db, func(tx engine.Tx) error {
			es, err := tx.Events(c.q)
			var got []uint64
			for _, e := range es {
				got = append(got, e.Seq)
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Events(%+v) = %v, %v; want %v", c.q, got, err, c.want)
			}
			return nil
		})
	}
}

// TestOutboxMatchesModel drives appends and delivery-state changes at random and
// compares DueEvents and NextDue with a direct computation over all events.
func TestOutboxMatchesModel(t *testing.T) {
	base := t.TempDir()
	type mEvent struct {
		id, acct string
		seq      uint64
		status   string
		next     int
	}
	statuses := []string{engine.DeliveryPending, engine.DeliveryDelivered, engine.DeliverySkipped}
	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp(base, "")
		if err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(dir)
		db, err := Open(filepath.Join(dir, "db"), UnsafeNoSync())
		if err != nil {
			rt.Fatal(err)
		}
		defer db.Close()
		var model []mEvent
		ctx := context.Background()
		for range rapid.IntRange(1, 40).Draw(rt, "steps") {
			switch {
			case len(model) == 0 || rapid.IntRange(0, 2).Draw(rt, "op") == 0:
				e := mEvent{
					id:     fmt.Sprint("e", len(model)),
					acct:   rapid.SampledFrom([]string{"", "a", "ab", "b"}).Draw(rt, "acct"),
					status: rapid.SampledFrom(statuses).Draw(rt, "status"),
					next:   rapid.IntRange(0, 20).Draw(rt, "next"),
				}
				err = db.Update(ctx, func(tx engine.Tx) error {
					got, err := tx.AppendEvent(engine.Event{ID: e.id, AccountID: e.acct, Status: e.status, NextAttemptAt: at(e.next)})
					e.seq = got.Seq
					return err
				})
				model = append(model, e)
			default:
				i := rapid.IntRange(0, len(model)-1).Draw(rt, "event")
				model[i].status = rapid.SampledFrom(statuses).Draw(rt, "new status")
				model[i].next = rapid.IntRange(0, 20).Draw(rt, "new next")
				m := model[i]
				err = db.Update(ctx, func(tx engine.Tx) error {
					e, err := tx.Event(m.id)
					if err != nil {
						return err
					}
					e.Status, e.NextAttemptAt = m.status, at(m.next)
					return tx.PutEvent(e)
				})
			}
			if err != nil {
				rt.Fatal(err)
			}

			// The model: each account's lowest-seq pending event, by time then seq.
			heads := map[string]mEvent{}
			for _, e := range model {
				if h, ok := heads[e.acct]; e.status == engine.DeliveryPending && (!ok || e.seq < h.seq) {
					heads[e.acct] = e
				}
			}
			var sorted []mEvent
			for _, h := range heads {
				sorted = append(sorted, h)
			}
			slices.SortFunc(sorted, func(a, b mEvent) int { return cmp.Or(cmp.Compare(a.next, b.next), cmp.Compare(a.seq, b.seq)) })
			now := rapid.IntRange(0, 21).Draw(rt, "now")
			var want []string
			for _, h := range sorted {
				if h.next <= now {
					want = append(want, h.id)
				}
			}
			var got []string
			var next time.Time
			var ok bool
			if err := db.View(ctx, func(tx engine.Tx) error {
				es, err := tx.DueEvents(at(now), 0)
				for _, e := range es {
					got = append(got, e.ID)
				}
				if err != nil {
					return err
				}
				next, ok, err = tx.NextDue()
				return err
			}); err != nil {
				rt.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				rt.Fatalf("DueEvents(%d) = %v, want %v", now, got, want)
			}
			if ok != (len(sorted) > 0) || (ok && !next.Equal(at(sorted[0].next))) {
				rt.Fatalf("NextDue = %v, %v; want %+v", next, ok, sorted)
			}
		}
	})
}

// PendingHead is an account's oldest pending event, whatever the others' times.
func TestPendingHead(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx engine.Tx) error {
		for i, id := range []string{"a1", "a2", "b1"} {
			acct := "acct-a"
			if id == "b1" {
				acct = "acct-b"
			}
			if _, err := tx.AppendEvent(engine.Event{ID: id, AccountID: acct, NextAttemptAt: at(10 - i)}); err != nil {
				return err
			}
		}
		e, err := tx.Event("a1")
		if err != nil {
			return err
		}
		e.Status = engine.DeliveryDelivered
		return tx.PutEvent(e)
	})
	view(t, db, func(tx engine.Tx) error {
		if e, ok, err := tx.PendingHead("acct-a"); err != nil || !ok || e.ID != "a2" {
			t.Errorf("head of acct-a = %s, %v, %v; want a2 (a1 was delivered)", e.ID, ok, err)
		}
		if e, ok, err := tx.PendingHead("acct-b"); err != nil || !ok || e.ID != "b1" {
			t.Errorf("head of acct-b = %s, %v, %v", e.ID, ok, err)
		}
		if _, ok, err := tx.PendingHead("acct-c"); err != nil || ok {
			t.Errorf("an account without events has a head: %v, %v", ok, err)
		}
		return nil
	})
}
