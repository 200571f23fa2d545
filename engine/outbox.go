package engine

import (
	"context"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Webhook delivery (R4, DESIGN §5). Events enter the outbox in the same store
// transaction as the change they report; a single loop starts their attempts. Per
// account only the oldest pending event is eligible and only one attempt runs at a
// time, so an account's events arrive in order; accounts are independent of each
// other. A failed attempt (no answer, or a non-2xx status) is retried after
// RetryBackoff on the virtual clock. Nothing is dropped: events wait while no
// webhook URL is set, a restart resumes delivery, and Close lets attempts under way
// finish and records them.

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

// skipReason says why an event about a is never delivered, or "" if it is (R4). It
// is recorded with the event, so it says what was so then, in words that stay true
// after the settings change.
func skipReason(s Settings, a Account) string {
	switch {
	case !s.DataSyncEnabled():
		return skippedDataSyncOff
	case a.ConnectedAt.Before(s.DataSyncEnabledAt):
		return "the account was connected before Data Sync was enabled, and such accounts never receive webhooks"
	}
	return ""
}

const skippedDataSyncOff = "Data Sync was off for this business when this event happened"

// skipReasonNow rewords a reason recorded by older versions in words that were true
// only while they held.
func skipReasonNow(ev Event) Event {
	switch ev.SkipReason {
	case "Data Sync is off for this business":
		ev.SkipReason = skippedDataSyncOff
	case "the account was connected before Data Sync was enabled":
		ev.SkipReason += ", and such accounts never receive webhooks"
	}
	return ev
}

// ReceivesWebhooks reports whether events about a are delivered (R4).
func ReceivesWebhooks(s Settings, a Account) bool { return skipReason(s, a) == "" }

// addEvent puts an event about a into the outbox inside tx; f says why (a failed
// sync's code and message) and which job, if any; addEvent adds the account.
// Whether it is delivered (R4) it decides from the settings of tx, not from any
// read before: a connect whose write met Data Sync being enabled recorded its
// account_connected skipped, and then delivered the account's account_updated (a
// review).
func addEvent(tx Tx, a Account, typ string, f EventFacts, now time.Time) (Event, error) {
	s, err := tx.Settings()
	if err != nil {
		return Event{}, err
	}
	n, err := tx.NextAccountSequence(a.ID)
	if err != nil {
		return Event{}, err
	}
	id := NewTimedID(s.IDNamespace, "event/"+a.ID, n, now)
	f.Account, f.Business, f.App = NewAccountFacts(a), s.BusinessID(), s.AppID()
	ev := Event{
		ID:        id,
		Type:      typ,
		AccountID: a.ID,
		CreatedAt: now,
		Facts:     f,
		Status:    DeliveryPending,
	}
	if r := skipReason(s, a); r != "" {
		ev.Status, ev.SkipReason = DeliverySkipped, r
	} else {
		ev.NextAttemptAt = now
	}
	return tx.AppendEvent(ev)
}

// accountScopedID derives the ID of an account's n-th sync job from the account
// and n alone; addEvent derives an event's the same way, with the time it was
// made in front (NewTimedID). Syncs of different accounts commit in whatever
// order they finish — an auto-sync round runs them in parallel — so a global
// counter would hand out the same IDs to different events from run to run
// (DESIGN §3).
// One counter per account serves every kind, and the store keeps it beside the
// account's records, which keeps a sync's writes on fewer pages.
func accountScopedID(tx Tx, namespace, kind, accountID string) (string, error) {
	n, err := tx.NextAccountSequence(accountID)
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

// sending is the bookkeeping of attempts under way. Accounts are independent: each
// has at most one attempt under way (its oldest pending event's), and the loop
// never waits for one, so a receiver that hangs on one account's event holds up
// that account alone (and one of the slots).
type sending struct {
	mu       sync.Mutex
	accounts map[string]bool // accounts with an attempt under way
	slots    int             // attempts allowed under way at once
	// localSlots replaces slots while the webhook URL is delivered in process.
	localSlots int
	wg         sync.WaitGroup // attempts under way; Close waits for them
	// ctx is the attempts' context: not the engine's, so that Close lets attempts
	// under way finish and be recorded; Close cancels it only if they outlast
	// their timeout.
	ctx    context.Context
	cancel context.CancelFunc
}

// busy returns the accounts with an attempt under way and the free slots, for
// attempts at url.
func (e *Engine) busy(url string) (accounts map[string]bool, free int) {
	return e.busyWhen(url, func(int, int) bool { return true })
}

// busyWhen is busy, its accounts copied only when want (of the slots and the
// accounts under way) says they are needed: nil otherwise.
func (e *Engine) busyWhen(url string, want func(slots, busy int) bool) (accounts map[string]bool, free int) {
	s := &e.send
	slots := s.slots
	if l, ok := e.sender.(InProcess); ok && l.InProcess(url) {
		slots = s.localSlots
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if want(slots, len(s.accounts)) {
		accounts = maps.Clone(s.accounts)
	}
	return accounts, slots - len(s.accounts)
}

// deliveryLoop starts attempts whenever it is nudged: by new events, a settings
// change, the clock, a retry's timer, or an attempt that ended.
func (e *Engine) deliveryLoop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.wake:
		}
		e.startDue()
		e.armDelivery()
	}
}

// startDue starts an attempt for each account whose oldest pending event is due and
// that has none under way, as free slots allow. It does not wait for them.
func (e *Engine) startDue() {
	s := e.Settings()
	if s.WebhookURL == "" || e.held.Load() {
		return
	}
	if e.autoCount.Load() > 0 {
		// A jump's automatic syncs are being stored: they come first, and share the
		// disk's commits among themselves. Their events are delivered once the last
		// is stored (which nudges the loop), each attempt counted at its due time as
		// always, so nothing but the real moment of sending changes.
		return
	}
	busy, free := e.busy(s.WebhookURL)
	if free <= 0 {
		return // an attempt that ends nudges the loop
	}
	now := e.clock.Now()
	var due []Event
	err := e.store.View(e.ctx, func(tx Tx) error {
		var err error
		// Heads of busy accounts may come first; asking for that many more
		// leaves room for every free slot.
		due, err = tx.DueEvents(now, free+len(busy))
		return err
	})
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("reading the outbox", "err", err)
		}
		return
	}
	due = slices.DeleteFunc(due, func(ev Event) bool { return busy[ev.AccountID] })
	if len(due) > free {
		due = due[:free]
	}
	if len(due) == 0 {
		return
	}
	claimed, err := e.claim(due, s, now)
	if err != nil {
		if e.ctx.Err() == nil {
			e.log.Error("recording delivery attempts before sending them", "err", err)
		}
		e.retrySoon() // nothing was sent
		return
	}
	e.send.mu.Lock()
	for _, ev := range claimed {
		e.send.accounts[ev.AccountID] = true
	}
	e.send.wg.Add(len(claimed))
	e.inflight.Add(int64(len(claimed))) // until each is recorded, counted and announced: see OutboxSettled
	e.send.mu.Unlock()
	for _, ev := range claimed {
		go e.attempt(s, ev)
	}
}

// claim stores, in one transaction, each event's attempt as under way (Event.Sending)
// — to the webhook URL, in the webhook format of s — before it is sent. An attempt
// already stored as under way was cut short by a crash: it is recorded as failed,
// so that the repeat carries a new number.
func (e *Engine) claim(due []Event, s Settings, now time.Time) ([]Event, error) {
	var claimed []Event
	err := e.store.Update(e.ctx, func(tx Tx) error {
		claimed = claimed[:0]
		for _, ev := range due {
			cur, err := tx.Event(ev.ID)
			if err != nil {
				return err
			}
			if cur.Status != DeliveryPending {
				continue
			}
			if err := claimIn(tx, &cur, s, now); err != nil {
				return err
			}
			claimed = append(claimed, cur)
		}
		return nil
	})
	return claimed, err
}

// claimIn stores ev's next attempt, in tx, as under way (Event.Sending): to the
// webhook URL and in the webhook format of s. An attempt already stored as under
// way was cut short by a crash: it is recorded as failed, so that the repeat
// carries a new number.
func claimIn(tx Tx, ev *Event, s Settings, now time.Time) error {
	if ev.Sending != nil {
		cut := *ev.Sending
		cut.Error = "no answer was recorded: sandbank stopped (or could not write) during this attempt; the receiver may have received it"
		if _, err := recordAttempt(tx, ev, cut); err != nil {
			return err
		}
	}
	at, err := attemptTime(tx, *ev, now)
	if err != nil {
		return err
	}
	ev.Sending = &Attempt{N: ev.AttemptsMade + 1, At: at, URL: s.WebhookURL, Format: s.Format()}
	return tx.PutEvent(*ev)
}

// attemptTime is when an attempt at ev, made now, counts as made: when it was due.
// When the clock jumps, the outbox catches up as if it had been running all along,
// and retries are scheduled from there — the same schedule however the jump was
// taken. An event that waited behind an earlier one of its account was due only
// once that one was delivered: it never counts as made before it.
func attemptTime(tx Tx, ev Event, now time.Time) (time.Time, error) {
	due := ev.NextAttemptAt
	if due.IsZero() || !due.Before(now) {
		return now, nil
	}
	prev, err := tx.Events(EventQuery{AccountID: ev.AccountID, BeforeSeq: ev.Seq, Limit: 1})
	if err != nil {
		return time.Time{}, err
	}
	if len(prev) == 1 && prev[0].DeliveredAt.After(due) {
		if prev[0].DeliveredAt.After(now) {
			return now, nil
		}
		return prev[0].DeliveredAt, nil
	}
	return due, nil
}

// WebhookHeaders are the headers attempt n of ev carries, the secret whole: one
// list for the sender and for what a scenario's webhook: step may check (it knew
// two of them, and said of Content-Type "no such header").
func WebhookHeaders(secret Secret, ev Event, n int) map[string]string {
	return map[string]string{
		"Content-Type":          "application/json",
		"User-Agent":            "sandbank-webhooks/1",
		"mono-webhook-secret":   secret.Reveal(),
		"mono-webhook-event-id": ev.ID,
		"mono-webhook-attempt":  strconv.Itoa(n),
	}
}

// attempt sends ev's claimed attempt and records its result. It runs on its own:
// the account's next event waits for it, no other account does. When the account's
// next attempt is due already — the outbox catching up after the clock jumped: the
// event's retry while the receiver is down, or the next event once this one is
// delivered — the write that records the result also claims that attempt, which is
// sent at once: one write an attempt, not two and a trip through the loop, so that
// catching up is linear and quick.
func (e *Engine) attempt(s Settings, ev Event) {
	defer e.send.wg.Done()
	defer e.inflight.Add(-1) // after the notices: see OutboxSettled
	for {
		at := *ev.Sending
		headers := WebhookHeaders(s.WebhookSecret, ev, at.N)
		sendCtx, cancel := context.WithTimeout(e.send.ctx, e.deliveryTimeout)
		d, err := e.sender.Send(sendCtx, at.URL, headers, e.sender.Render(ev, at.Format))
		cancel()
		at.StatusCode, at.Latency = d.StatusCode, d.Latency
		switch {
		case e.send.ctx.Err() != nil:
			at.Error = "cut short: sandbank stopped before the receiver answered"
		case err != nil:
			at.Error = err.Error()
		case d.StatusCode == 401 || d.StatusCode == 403:
			// What a receiver refusing the secret answers: after the secret
			// changed, say where to look (a newcomer's trial, after a rotation).
			at.Error = "the receiver answered " + strconv.Itoa(d.StatusCode) + "; does it check mono-webhook-secret against the current webhook_secret (GET /sandbox/settings)?"
		case d.StatusCode < 200 || d.StatusCode > 299:
			at.Error = "the receiver answered " + strconv.Itoa(d.StatusCode)
		case d.StatusCode != 200 && at.Format == WebhookV2:
			// Mono sends a v2 webhook again unless it was answered 200 (MONO-V2.md):
			// a receiver that answers 204 would get every event twice and more there.
			at.Error = "the receiver answered " + strconv.Itoa(d.StatusCode) + "; Mono sends a v2 webhook again unless it is answered 200"
		}
		next := e.Settings() // the next attempt goes with the settings of its time
		var then *Event      // the account's next attempt, claimed with this one's result
		var repeat bool      // the attempt only counted on its run's record (recordAttempt)
		// The accounts under way, for the fair turn below: copied only when it
		// applies, not on every attempt (thousands, for the in-process receiver).
		busy, free := e.busyWhen(at.URL, func(slots, n int) bool { return n >= slots && n <= fairScan })
		// Recorded even while shutting down: the store outlives the engine.
		err = e.store.Update(context.Background(), func(tx Tx) error {
			then, repeat = nil, false
			// The settings as this write commits with: the cache is set only after a
			// change commits, so a URL changed meanwhile read as the old one, and the
			// next attempt backed off from the old time, or went to the old URL (the
			// review).
			st, err := tx.Settings()
			if err != nil {
				return err
			}
			next = st
			cur, err := tx.Event(ev.ID)
			if err != nil {
				return err
			}
			cur.Sending = nil
			if repeat, err = recordAttempt(tx, &cur, at); err != nil {
				return err
			}
			if cur.Status != DeliveryPending {
				return tx.PutEvent(cur) // settled meanwhile: keep its status
			}
			switch {
			case cur.Replays > ev.Replays:
				// A replay asked while this attempt was under way wants an attempt of its
				// own, whatever this one's answer, as a replay of a delivered event does:
				// it keeps the time Replay set, so it goes now, not after a back-off (nor,
				// on a paused clock, never), and a success does not swallow it.
			case at.Error == "":
				cur.Status, cur.DeliveredAt, cur.NextAttemptAt = DeliveryDelivered, at.At, time.Time{}
			case next.WebhookURL != at.URL:
				// The URL changed while this attempt was under way: the next goes to the
				// new one now, not at this one's back-off from a time it never had.
				cur.NextAttemptAt = later(e.clock.Now(), at.At)
			default:
				cur.NextAttemptAt = at.At.Add(RetryBackoff(cur.Failures))
			}
			if err := tx.PutEvent(cur); err != nil {
				return err
			}
			// The account's oldest pending event: this one again, or the next.
			head, ok, err := tx.PendingHead(ev.AccountID)
			if err != nil || !ok || head.Sending != nil {
				return err
			}
			if head.ID != cur.ID && cur.Status == DeliveryDelivered && cur.DeliveredAt.After(head.NextAttemptAt) {
				// It waited behind this one: due once this was delivered. attemptTime
				// sees the event just before it, which a replay — an older event,
				// pending again — is not: the next kept its stale time, and its
				// retries went at once, logged from before (a webhook developer's
				// trial). Saved here, whatever comes next: a stop, or no URL, left it
				// stale for the restart (the review).
				head.NextAttemptAt = cur.DeliveredAt
				if err := tx.PutEvent(head); err != nil {
					return err
				}
			}
			if next.WebhookURL == "" || e.send.ctx.Err() != nil || e.ctx.Err() != nil {
				return nil
			}
			now := e.clock.Now()
			if head.NextAttemptAt.After(now) {
				return nil
			}
			// Another account's attempt that fell due before this one goes first,
			// through the loop: chained on to the end of its backlog, an account
			// kept its slot while others waited — years of virtual time, with the
			// clock kept fast (a soak trial). Only while every slot is taken (a
			// free one takes the other account's anyway), and only heads due
			// strictly earlier are read, past those of accounts with attempts
			// under way: a few keys. The in-process receiver's thousands of slots
			// are not scanned so (fairScan): its attempts take microseconds.
			if due := head.NextAttemptAt; free <= 0 && busy != nil && !due.IsZero() {
				older, err := tx.DueEvents(due.Add(-time.Nanosecond), len(busy)+1)
				if err != nil {
					return err
				}
				if slices.ContainsFunc(older, func(o Event) bool { return o.AccountID != ev.AccountID && !busy[o.AccountID] }) {
					return nil
				}
			}
			if err := claimIn(tx, &head, next, now); err != nil {
				return err
			}
			then = &head
			return nil
		})
		if err != nil {
			// The event is still due: sending it again at once would only repeat this.
			// The account waits a second of real time — a disk's trouble is not the
			// virtual clock's: on a paused clock the account's delivery slot was held
			// for good, and a few such failures stopped every account's webhooks (a
			// concurrency review).
			e.log.Error("recording a delivery attempt", "event", ev.ID, "err", err)
			go func() {
				retry := time.NewTimer(time.Second)
				defer retry.Stop()
				select {
				case <-retry.C:
					e.releaseAccount(ev.AccountID)
				case <-e.ctx.Done(): // closing: nothing to deliver
				}
			}()
			return
		}
		if then == nil {
			e.releaseAccount(ev.AccountID)
		}
		e.attempts.Add(1) // before the notice: a waiter that counts notices knows one is coming
		switch {
		case repeat:
			// A failure like the one before, past the first CollapseFailuresAfter:
			// counted on the run's record, and said at debug only — one warning
			// a retry made 370 MB of log a real hour with a receiver down and the
			// clock at 10,000× (a soak trial).
			e.log.Debug("webhook", "event", ev.Type, "id", ev.ID, "attempt", at.N, "status", at.StatusCode, "error", at.Error, "repeat", true)
		case at.Error != "":
			// What went wrong: kept at --log-level warn, which a CI job sets to see
			// only that (the receiver refusing a webhook was an info line, and left out).
			e.log.Warn("webhook", "event", ev.Type, "id", ev.ID, "attempt", at.N, "status", at.StatusCode, "error", at.Error)
		default:
			e.log.Info("webhook", "event", ev.Type, "id", ev.ID, "attempt", at.N, "status", at.StatusCode)
		}
		e.publish(Notice{Kind: NoticeDelivery, EventID: ev.ID, EventType: ev.Type, AccountID: ev.AccountID, Attempt: &at, At: at.At})
		if then == nil {
			return
		}
		ev, s = *then, next
	}
}

// fairScan is the most attempts under way for which an account's chained
// attempt first looks for another account's due before it (attempt).
const fairScan = 64

// releaseAccount ends an account's attempt under way: its next event, or a waiting
// account, may go now.
func (e *Engine) releaseAccount(id string) {
	e.send.mu.Lock()
	delete(e.send.accounts, id)
	e.send.mu.Unlock()
	e.nudgeDelivery()
}

// CollapseFailuresAfter is how many failed attempts in a row an event keeps one by
// one. After that — about 18 hours of retries — the next failure starts a run, and
// each failure like the one before it (same URL, status and error) only counts on
// the run's record (Repeats, LastAt): an event that fails for months keeps a few
// dozen records, not one an hour, and each new attempt still writes one small
// record, never the others.
const CollapseFailuresAfter = 24

// recordAttempt stores an attempt made at ev, counting it on ev (AttemptsMade,
// Failures); the caller stores ev. It reports whether the attempt only counted on
// the run of failures like it (repeat).
func recordAttempt(tx Tx, ev *Event, a Attempt) (repeat bool, err error) {
	ev.AttemptsMade = max(ev.AttemptsMade, a.N)
	if a.Error == "" {
		ev.Failures = 0
	} else {
		ev.Failures++
	}
	if a.Error != "" && ev.Failures > CollapseFailuresAfter+1 {
		last, err := tx.Attempts(ev.ID, 0, 1)
		if err != nil {
			return false, err
		}
		if len(last) == 1 {
			if r := last[0]; r.Error == a.Error && r.StatusCode == a.StatusCode && r.URL == a.URL && r.Last() == a.N-1 {
				r.Repeats++
				r.LastAt, r.Latency = a.At, a.Latency
				return true, tx.PutAttempt(ev.ID, r)
			}
		}
	}
	return false, tx.PutAttempt(ev.ID, a)
}

// farFuture is after every instant the store keeps.
var farFuture = time.Unix(0, math.MaxInt64)

// armDelivery sets a clock timer for the next attempt that can start: the earliest
// head of an account with no attempt under way (those nudge the loop as they end).
func (e *Engine) armDelivery() {
	url := e.Settings().WebhookURL
	if url == "" {
		return // nothing can be delivered; setting a URL nudges the loop
	}
	busy, free := e.busy(url)
	var heads []Event
	err := e.store.View(e.ctx, func(tx Tx) error {
		var err error
		heads, err = tx.DueEvents(farFuture, len(busy)+1)
		return err
	})
	if err != nil {
		e.retrySoon()
		return
	}
	i := slices.IndexFunc(heads, func(ev Event) bool { return !busy[ev.AccountID] })
	if i < 0 {
		return
	}
	at := heads[i].NextAttemptAt
	if now := e.clock.Now(); !at.After(now) {
		if free <= 0 {
			return // due, waiting for a slot: an attempt that ends nudges the loop
		}
		// Due but not started: a jump's syncs still being stored, a head that fell
		// due since startDue looked, or a store error. Tried again a second on,
		// of the virtual clock and of real time, whichever comes first: a paused
		// clock never reached its second, and delivery stopped until something
		// else nudged it (a review).
		e.retrySoon()
		at = now.Add(time.Second)
	}
	e.setTimer("deliver", at, e.nudgeDelivery)
}

// retrySoon nudges delivery once a second of real time has passed: what went
// wrong was the disk, not anything the virtual clock will change. One at a time.
func (e *Engine) retrySoon() {
	if !e.retrying.CompareAndSwap(false, true) {
		return
	}
	go func() {
		retry := time.NewTimer(time.Second)
		defer retry.Stop()
		select {
		case <-retry.C:
			e.retrying.Store(false)
			e.nudgeDelivery()
		case <-e.ctx.Done(): // closing: nothing to deliver
		}
	}()
}

// Events returns webhook events, newest first, each with its attempts (oldest first:
// all of them, or the newest q.Attempts).
func (e *Engine) Events(ctx context.Context, q EventQuery) ([]Event, error) {
	if q.Limit < 0 {
		return nil, Invalid("limit", "limit must be 0 or more")
	}
	if q.Attempts < 0 {
		return nil, Invalid("attempts", "attempts must be 0 or more")
	}
	var evs []Event
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if evs, err = tx.Events(q); err != nil {
			return err
		}
		if len(evs) == 0 && q.AccountID != "" {
			// Nothing for an account that was never here is a typo, not an empty log
			// (an unlinked account keeps its record, and its events list).
			if _, err := tx.Account(q.AccountID); ErrorCode(err) == ENOTFOUND {
				return Errorf(ENOTFOUND, "no account has ID %q, connected or unlinked; GET /sandbox/accounts lists them", q.AccountID).WithReason("ACCOUNT_NOT_FOUND")
			} else if err != nil {
				return err
			}
		}
		for i := range evs {
			if evs[i].Attempts, err = attemptsOf(tx, evs[i].ID, q.Attempts); err != nil {
				return err
			}
		}
		return nil
	})
	for i := range evs {
		evs[i] = skipReasonNow(e.underWay(evs[i]))
	}
	return evs, err
}

// underWay shows, on an event read for the log, only an attempt really under way:
// one stored as under way while its account has none under way here was cut short
// by a crash, or its result could not be written; claim records it as failed when
// the account's next attempt starts.
func (e *Engine) underWay(ev Event) Event {
	e.send.mu.Lock()
	defer e.send.mu.Unlock()
	if ev.Sending != nil && !e.send.accounts[ev.AccountID] {
		ev.Sending = nil
	}
	return ev
}

// attemptsOf reads an event's newest limit (0: all) attempts, oldest first.
func attemptsOf(tx Tx, id string, limit int) ([]Attempt, error) {
	as, err := tx.Attempts(id, 0, limit)
	slices.Reverse(as)
	return as, err
}

// Event returns one event, with all its attempts.
func (e *Engine) Event(ctx context.Context, id string) (Event, error) {
	var ev Event
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if ev, err = tx.Event(id); err != nil {
			return err
		}
		ev.Attempts, err = attemptsOf(tx, id, 0)
		return err
	})
	return skipReasonNow(e.underWay(ev)), eventNotFound(id, err)
}

// eventNotFound says how to find an event's ID, for an event read by an ID that
// names none; other errors pass.
func eventNotFound(id string, err error) error {
	if ErrorCode(err) == ENOTFOUND {
		return Errorf(ENOTFOUND, "no webhook event has ID %q; GET /sandbox/webhooks lists the events with their IDs", id).WithReason("EVENT_NOT_FOUND")
	}
	return err
}

// HoldDeliveries starts no webhook attempt from now on; those under way go on to
// their end. For a shutdown, before the requests in flight are waited for: a jump
// that ended meanwhile started new attempts, each with its 10 s timeout, and a
// SIGTERM under way took 17 to 20 s at a slow receiver (a soak trial). What is due
// waits in the outbox for the next start.
func (e *Engine) HoldDeliveries() { e.held.Store(true) }

// DeliveriesUnderWay is how many webhook attempts are being made or recorded now:
// what a shutdown waits for, each within the delivery timeout.
func (e *Engine) DeliveriesUnderWay() int64 { return e.inflight.Load() }

// MaxAttemptsPage caps the attempts one page shows. Attempts takes one more, for
// a caller that reads one past a full page to know whether another follows.
const MaxAttemptsPage = 1000

// Attempts returns up to limit of an event's attempts numbered below beforeN (0: the
// newest), newest first: the pages of a long history.
func (e *Engine) Attempts(ctx context.Context, eventID string, beforeN, limit int) ([]Attempt, error) {
	if limit < 1 || limit > MaxAttemptsPage+1 {
		return nil, Invalid("limit", "limit must be between 1 and %d", MaxAttemptsPage)
	}
	if beforeN < 0 {
		return nil, Invalid("before", "before must be an attempt number, 1 or more")
	}
	var as []Attempt
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		as, err = tx.Attempts(eventID, beforeN, limit)
		return err
	})
	return as, eventNotFound(eventID, err)
}

// Replay delivers an event again, as soon as it is its account's oldest pending one;
// an event with an attempt under way goes again once that attempt ends, whatever its
// answer (see attempt). Events that were never to be delivered (R4) cannot be
// replayed.
func (e *Engine) Replay(ctx context.Context, id string) (Event, error) {
	now := e.clock.Now()
	var ev Event
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if ev, err = tx.Event(id); err != nil {
			return err
		}
		if ev.Status == DeliverySkipped {
			return Errorf(ECONFLICT, "event %s cannot be replayed: it was never to be delivered, because %s", id, skipReasonNow(ev).SkipReason).WithReason("EVENT_SKIPPED")
		}
		ev.Status, ev.NextAttemptAt, ev.DeliveredAt = DeliveryPending, now, time.Time{}
		ev.Replays++
		if err := tx.PutEvent(ev); err != nil {
			return err
		}
		ev.Attempts, err = attemptsOf(tx, id, 0)
		return err
	})
	if err != nil {
		return Event{}, eventNotFound(id, err)
	}
	e.nudgeDelivery()
	return e.underWay(ev), nil
}

// WaitingBehind says, for each pending event of evs that is not its account's
// oldest pending one, that oldest one: an account's events are delivered in
// order, so such an event waits for it — goes, at the soonest, at its next
// attempt — whatever its own next_attempt_at says.
func (e *Engine) WaitingBehind(ctx context.Context, evs []Event) (map[string]Event, error) {
	out := map[string]Event{}
	err := e.store.View(ctx, func(tx Tx) error {
		heads := map[string]Event{}
		for _, ev := range evs {
			if ev.Status != DeliveryPending {
				continue
			}
			head, seen := heads[ev.AccountID]
			if !seen {
				h, ok, err := tx.PendingHead(ev.AccountID)
				if err != nil {
					return err
				}
				if ok {
					head = h
				}
				heads[ev.AccountID] = head
			}
			if head.ID != "" && head.ID != ev.ID {
				out[ev.ID] = head
			}
		}
		return nil
	})
	return out, err
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
//
// An attempt under way keeps its event due until its result is recorded, and
// counts as in flight until its notice is out.
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
