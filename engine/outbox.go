package engine

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Webhook delivery (R4, DESIGN §5). Events enter the outbox in the same store
// transaction as the change they report; a single loop delivers them. Per account
// only the oldest pending event is eligible, so an account's events arrive in order;
// different accounts are delivered concurrently. A failed attempt (no answer, or a
// non-2xx status) is retried after RetryBackoff on the virtual clock. Nothing is
// dropped: events wait while no webhook URL is set, and a restart resumes delivery.

// RetryBackoff is the wait after the n-th failed attempt (n from 1): 30s, 1m, 2m,
// 4m, 8m, 16m, 32m, then every hour until the receiver answers 2xx.
func RetryBackoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 8 {
		return time.Hour
	}
	d := 30 * time.Second << (n - 1)
	return min(d, time.Hour)
}

// skipReason says why an event about a is never delivered, or "" if it is (R4).
func skipReason(s Settings, a Account) string {
	switch {
	case !s.DataSyncEnabled():
		return "Data Sync is off for this business"
	case a.ConnectedAt.Before(s.DataSyncEnabledAt):
		return "the account was connected before Data Sync was enabled"
	}
	return ""
}

// ReceivesWebhooks reports whether events about a are delivered (R4).
func ReceivesWebhooks(s Settings, a Account) bool { return skipReason(s, a) == "" }

// addEvent puts an event about a into the outbox inside tx.
func (e *Engine) addEvent(tx Tx, s Settings, a Account, typ, code, msg string, now time.Time) (Event, error) {
	id, err := accountScopedID(tx, s.IDNamespace, "event", a.ID)
	if err != nil {
		return Event{}, err
	}
	ev := Event{
		ID:        id,
		Type:      typ,
		AccountID: a.ID,
		CreatedAt: now,
		Payload:   payload(typ, a, code, msg),
		Status:    DeliveryPending,
	}
	if r := skipReason(s, a); r != "" {
		ev.Status, ev.SkipReason = DeliverySkipped, r
	} else {
		ev.NextAttemptAt = now
	}
	return tx.AppendEvent(ev)
}

// accountScopedID derives the ID of an account's n-th event or sync job from the
// account and n alone. Syncs of different accounts commit in whatever order they
// finish — an auto-sync round runs them in parallel — so a global counter would
// hand out the same IDs to different events from run to run (DESIGN §3).
// One counter per account serves every kind, which keeps a sync's writes on fewer
// pages than a counter per kind would.
func accountScopedID(tx Tx, namespace, kind, accountID string) (string, error) {
	n, err := tx.NextSequence("account/" + accountID)
	if err != nil {
		return "", err
	}
	return NewID(namespace, kind+"/"+accountID, n), nil
}

// announce tells subscribers about committed events and wakes delivery.
func (e *Engine) announce(evs []Event) {
	for _, ev := range evs {
		e.publish(Notice{Kind: NoticeEvent, EventID: ev.ID, EventType: ev.Type, AccountID: ev.AccountID, At: ev.CreatedAt})
	}
	if len(evs) > 0 {
		e.nudgeDelivery()
	}
}

func (e *Engine) nudgeDelivery() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *Engine) deliveryLoop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.wake:
		}
		e.deliverDue(e.ctx)
		e.armDelivery()
	}
}

// deliverDue delivers every due event, round after round, until none is due.
func (e *Engine) deliverDue(ctx context.Context) {
	for ctx.Err() == nil {
		s := e.Settings()
		if s.WebhookURL == "" {
			return
		}
		var due []Event
		err := e.store.View(ctx, func(tx Tx) error {
			var err error
			due, err = tx.DueEvents(e.clock.Now(), e.deliveries*4)
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				e.log.Error("reading the outbox", "err", err)
			}
			return
		}
		if len(due) == 0 {
			return
		}
		var wg sync.WaitGroup
		var unrecorded atomic.Bool
		slots := make(chan struct{}, e.deliveries)
		for _, ev := range due {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer func() { <-slots; wg.Done() }()
				if !e.attempt(ctx, s, ev) {
					unrecorded.Store(true)
				}
			}()
		}
		wg.Wait()
		if unrecorded.Load() {
			return // the store refused to record an attempt: retry on the timer, not at once
		}
	}
}

// attempt delivers ev once and records the attempt; it reports whether the attempt
// is recorded (or needs no record, at shutdown).
func (e *Engine) attempt(ctx context.Context, s Settings, ev Event) bool {
	e.inflight.Add(1) // until the attempt is recorded, counted and announced: see OutboxSettled
	defer e.inflight.Add(-1)
	n := len(ev.Attempts) + 1
	headers := map[string]string{
		"Content-Type":          "application/json",
		"mono-webhook-secret":   s.WebhookSecret.Reveal(),
		"mono-webhook-event-id": ev.ID,
		"mono-webhook-attempt":  strconv.Itoa(n),
	}
	sendCtx, cancel := context.WithTimeout(ctx, e.deliveryTimeout)
	d, err := e.sender.Send(sendCtx, s.WebhookURL, headers, ev.Payload)
	cancel()
	if ctx.Err() != nil {
		return true // shutting down: the attempt did not count, the next start retries
	}
	// An attempt counts as made when it was due: when the clock jumps, the outbox
	// catches up as if it had been running all along, and retries are scheduled
	// from there — the same schedule however the jump was taken. An event that
	// waited behind an earlier one of its account was due only once that one was
	// delivered: it never counts as made before it.
	now := e.clock.Now()
	at := Attempt{N: n, URL: s.WebhookURL, StatusCode: d.StatusCode, Latency: d.Latency}
	switch {
	case err != nil:
		at.Error = err.Error()
	case d.StatusCode < 200 || d.StatusCode > 299:
		at.Error = "the receiver answered " + strconv.Itoa(d.StatusCode)
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Event(ev.ID)
		if err != nil {
			return err
		}
		at.At = now
		if due := ev.NextAttemptAt; !due.IsZero() && due.Before(now) {
			at.At = due
			if prev, err := tx.Events(EventQuery{AccountID: cur.AccountID, BeforeSeq: cur.Seq, Limit: 1}); err != nil {
				return err
			} else if len(prev) == 1 && prev[0].DeliveredAt.After(at.At) {
				at.At = prev[0].DeliveredAt
				if at.At.After(now) {
					at.At = now
				}
			}
		}
		cur.Attempts = append(cur.Attempts, at)
		if at.Error == "" {
			cur.Status, cur.DeliveredAt, cur.NextAttemptAt = DeliveryDelivered, at.At, time.Time{}
		} else {
			cur.NextAttemptAt = at.At.Add(RetryBackoff(failures(cur.Attempts)))
		}
		return tx.PutEvent(cur)
	})
	if err != nil {
		if ctx.Err() == nil {
			e.log.Error("recording a delivery attempt", "event", ev.ID, "err", err)
		}
		return ctx.Err() != nil
	}
	e.log.Info("webhook", "event", ev.Type, "id", ev.ID, "attempt", n, "status", at.StatusCode, "error", at.Error)
	e.attempts.Add(1) // before the notice: a waiter that counts notices knows one is coming
	e.publish(Notice{Kind: NoticeDelivery, EventID: ev.ID, EventType: ev.Type, AccountID: ev.AccountID, Attempt: &at, At: at.At})
	return true
}

// failures counts the failed attempts at the end of attempts (since the last success,
// which a replay can follow).
func failures(attempts []Attempt) int {
	n := 0
	for i := len(attempts) - 1; i >= 0 && attempts[i].Error != ""; i-- {
		n++
	}
	return n
}

// armDelivery sets a clock timer for the next retry.
func (e *Engine) armDelivery() {
	if e.Settings().WebhookURL == "" {
		return // nothing can be delivered; setting a URL nudges the loop
	}
	var at time.Time
	var ok bool
	err := e.store.View(e.ctx, func(tx Tx) error {
		var err error
		at, ok, err = tx.NextDue()
		return err
	})
	if err != nil || !ok {
		return
	}
	if now := e.clock.Now(); !at.After(now) {
		at = now.Add(time.Second) // due but not delivered (a store error): don't spin
	}
	e.setTimer("deliver", at, e.nudgeDelivery)
}

// Events returns webhook events, newest first, with their delivery attempts.
func (e *Engine) Events(ctx context.Context, q EventQuery) ([]Event, error) {
	if q.Limit < 0 {
		return nil, Invalid("limit", "limit must be 0 or more")
	}
	var evs []Event
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		evs, err = tx.Events(q)
		return err
	})
	return evs, err
}

// Event returns one event.
func (e *Engine) Event(ctx context.Context, id string) (Event, error) {
	var ev Event
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		ev, err = tx.Event(id)
		return err
	})
	return ev, err
}

// Replay delivers an event again, as soon as it is its account's oldest pending one.
// Events that were never to be delivered (R4) cannot be replayed.
func (e *Engine) Replay(ctx context.Context, id string) (Event, error) {
	now := e.clock.Now()
	var ev Event
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if ev, err = tx.Event(id); err != nil {
			return err
		}
		if ev.Status == DeliverySkipped {
			return Errorf(ECONFLICT, "event %s is not delivered to this business: %s", id, ev.SkipReason)
		}
		ev.Status, ev.NextAttemptAt, ev.DeliveredAt = DeliveryPending, now, time.Time{}
		ev.Replays++
		return tx.PutEvent(ev)
	})
	if err != nil {
		return Event{}, err
	}
	e.nudgeDelivery()
	return ev, nil
}

// DeliveryAttempts counts the delivery attempts recorded since the engine started.
// Each is announced by a NoticeDelivery after it is counted, so a subscriber that has
// seen fewer notices than the count grew since it subscribed has some still to come.
func (e *Engine) DeliveryAttempts() uint64 { return e.attempts.Load() }

// OutboxSettled reports whether webhook delivery has caught up with the clock: no
// event is due now — every attempt that fell due has been made and recorded — or no
// webhook URL is set, so none can be. A scenario run waits for it after each step,
// so that what a step set off is delivered before the next step runs; when it is
// not settled it nudges delivery, so a waiter never depends on a missed wake-up.
func (e *Engine) OutboxSettled(ctx context.Context) (bool, error) {
	if e.Settings().WebhookURL == "" {
		return true, nil
	}
	var at time.Time
	var ok bool
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		at, ok, err = tx.NextDue()
		return err
	})
	if err != nil {
		return false, err
	}
	if ok && !at.After(e.clock.Now()) {
		e.nudgeDelivery()
		return false, nil
	}
	// Read after the outbox: an attempt recorded since is still in flight until its
	// notice is out, so nothing slips between the two reads.
	return e.inflight.Load() == 0, nil
}
