package store

// The webhook outbox. Events are kept by global seq. Pending events are also listed
// per account in outbox_pending; the first of an account's range is its head, and
// only heads sit in outbox_due, keyed by their next attempt. So the next delivery
// is the first key of outbox_due, and a later event of an account waits behind its
// head without being looked at.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

func (t *tx) AppendEvent(e engine.Event) (_ engine.Event, err error) {
	defer t.guard(&err)
	if e.ID == "" {
		return e, engine.Invalid("id", "event ID is empty")
	}
	if len(e.AccountID) > maxIDLen {
		return e, checkAccountID(e.AccountID)
	}
	ids, events := t.bucket(bucketEventIDs), t.bucket(bucketEvents)
	if ids.Get([]byte(e.ID)) != nil {
		return e, engine.Errorf(engine.ECONFLICT, "event %s exists already", e.ID)
	}
	if e.Seq, err = events.NextSequence(); err != nil {
		return e, err
	}
	if e.Status == "" {
		e.Status = engine.DeliveryPending
	}
	key := seqKey(nil, e.Seq)
	if err := events.Put(key, appendEvent(nil, e)); err != nil {
		return e, err
	}
	if err := ids.Put([]byte(e.ID), key); err != nil {
		return e, err
	}
	if err := t.bucket(bucketPerAccount).Put(historyKey(e.AccountID, e.CreatedAt, histEvent, key), mark); err != nil {
		return e, err
	}
	if e.Status == engine.DeliveryPending {
		return e, t.setPending(e.AccountID, e.Seq, timeKey(e.NextAttemptAt), true)
	}
	return e, nil
}

func (t *tx) PutEvent(e engine.Event) (err error) {
	defer t.guard(&err)
	seq := t.bucket(bucketEventIDs).Get([]byte(e.ID))
	if seq == nil {
		return notFound("event %s not found", e.ID)
	}
	e.Seq = beUint64(seq)
	// Of the stored event only its account and status matter here: its facts
	// are not decoded.
	_, old, err := eventFields(t.bucket(bucketEvents).Get(seqKey(nil, e.Seq)))
	if err != nil {
		return fmt.Errorf("event #%d: %w", e.Seq, err)
	}
	if e.AccountID != string(old[2]) {
		return engine.Invalid("account", "event %s belongs to account %s; its account cannot change", e.ID, old[2])
	}
	wasPending, isPending := string(old[3]) == engine.DeliveryPending, e.Status == engine.DeliveryPending
	if err := t.bucket(bucketEvents).Put(seqKey(nil, e.Seq), appendEvent(nil, e)); err != nil {
		return err
	}
	if wasPending || isPending {
		return t.setPending(e.AccountID, e.Seq, timeKey(e.NextAttemptAt), isPending)
	}
	return nil
}

// setPending adds (or updates) or removes an account's pending event, then moves
// the account's entry in outbox_due if its head changed.
func (t *tx) setPending(accountID string, seq, at uint64, pending bool) error {
	pend, due := t.bucket(bucketPerAccount), t.bucket(bucketOutboxDue)
	acct := acctKind(accountID, kindPending)
	oldHead, oldAt := firstWithPrefix(pend.Cursor(), acct)
	oldHead, oldAt = bytes.Clone(oldHead), bytes.Clone(oldAt)
	key := seqKey(acct, seq)
	if pending {
		if err := pend.Put(key, binary.BigEndian.AppendUint64(nil, at)); err != nil {
			return err
		}
	} else if err := pend.Delete(key); err != nil {
		return err
	}
	newHead, newAt := firstWithPrefix(pend.Cursor(), acct)
	if bytes.Equal(oldHead, newHead) && bytes.Equal(oldAt, newAt) {
		return nil
	}
	if oldHead != nil {
		if err := due.Delete(dueKey(beUint64(oldAt), beUint64(oldHead[len(acct):]))); err != nil {
			return err
		}
	}
	if newHead != nil {
		return due.Put(dueKey(beUint64(newAt), beUint64(newHead[len(acct):])), mark)
	}
	return nil
}

func firstWithPrefix(c *bolt.Cursor, p []byte) (k, v []byte) {
	k, v = c.Seek(p)
	if k == nil || !bytes.HasPrefix(k, p) {
		return nil, nil
	}
	return k, v
}

func (t *tx) Event(id string) (e engine.Event, err error) {
	defer t.guard(&err)
	return t.eventByID(id)
}

func (t *tx) eventByID(id string) (engine.Event, error) {
	seq := t.bucket(bucketEventIDs).Get([]byte(id))
	if seq == nil {
		return engine.Event{}, notFound("event %q not found", id)
	}
	return t.eventBySeq(beUint64(seq))
}

func (t *tx) eventBySeq(seq uint64) (engine.Event, error) {
	v := t.bucket(bucketEvents).Get(seqKey(nil, seq))
	if v == nil {
		return engine.Event{}, notFound("event #%d not found", seq)
	}
	e, err := decodeEvent(v)
	if err != nil {
		return e, fmt.Errorf("event #%d: %w", seq, err)
	}
	return e, nil
}

func (t *tx) Events(q engine.EventQuery) (es []engine.Event, err error) {
	defer t.guard(&err)
	if q.AccountID != "" {
		return t.accountEvents(q)
	}
	c := t.bucket(bucketEvents).Cursor()
	var k []byte
	if q.BeforeSeq == 0 {
		k, _ = c.Last()
	} else if k, _ = c.Seek(seqKey(nil, q.BeforeSeq)); k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil; k, _ = c.Prev() {
		e, err := t.eventBySeq(beUint64(k))
		if err != nil {
			return nil, err
		}
		es = append(es, e)
		if q.Limit > 0 && len(es) == q.Limit {
			break
		}
	}
	return es, nil
}

// accountEvents lists an account's events, newest first, through the marks in its
// history, which go by when each event was made (then by seq). Events before
// BeforeSeq are those whose marks come before its mark; if that event is gone, those
// with a lower seq.
func (t *tx) accountEvents(q engine.EventQuery) (es []engine.Event, err error) {
	if len(q.AccountID) > maxIDLen {
		return nil, nil
	}
	prefix := acctKind(q.AccountID, kindHistory)
	var before []byte
	gone := false
	if q.BeforeSeq != 0 {
		seqK := seqKey(nil, q.BeforeSeq)
		if v := t.bucket(bucketEvents).Get(seqK); v != nil {
			u, _, err := eventFields(v)
			if err != nil {
				return nil, fmt.Errorf("event #%d: %w", q.BeforeSeq, err)
			}
			before = historyKeyAt(prefix, u[1], histEvent, seqK)
		} else {
			gone = true
		}
	}
	for h := range historyFrom(t.bucket(bucketPerAccount).Cursor(), prefix, histEvent, before) {
		seq, ok := h.id.seq()
		if !ok {
			return nil, damagef("event mark %x is malformed", h.k)
		}
		if gone && seq >= q.BeforeSeq {
			continue
		}
		e, err := t.eventBySeq(seq)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
		if q.Limit > 0 && len(es) == q.Limit {
			break
		}
	}
	return es, nil
}

func (t *tx) DueEvents(now time.Time, limit int) (es []engine.Event, err error) {
	defer t.guard(&err)
	until := timeKey(now)
	c := t.bucket(bucketOutboxDue).Cursor()
	for k, _ := c.First(); k != nil && beUint64(k) <= until; k, _ = c.Next() {
		seq := beUint64(k[8:])
		v := t.bucket(bucketEvents).Get(seqKey(nil, seq))
		if v == nil {
			return nil, notFound("event #%d not found", seq)
		}
		e, _, err := decodeEventHead(v) // the facts are not needed to schedule
		if err != nil {
			return nil, fmt.Errorf("event #%d: %w", seq, err)
		}
		es = append(es, e)
		if limit > 0 && len(es) == limit {
			break
		}
	}
	return es, nil
}

func (t *tx) PendingHead(accountID string) (e engine.Event, ok bool, err error) {
	defer t.guard(&err)
	if len(accountID) > maxIDLen {
		return e, false, nil
	}
	prefix := acctKind(accountID, kindPending)
	k, _ := firstWithPrefix(t.bucket(bucketPerAccount).Cursor(), prefix)
	if k == nil {
		return e, false, nil
	}
	e, err = t.eventBySeq(beUint64(k[len(prefix):]))
	return e, err == nil, err
}

func (t *tx) NextDue() (at time.Time, ok bool, err error) {
	defer t.guard(&err)
	k, _ := t.bucket(bucketOutboxDue).Cursor().First()
	if k == nil {
		return time.Time{}, false, nil
	}
	return timeOf(k), true, nil
}

func (t *tx) PutAttempt(eventID string, a engine.Attempt) (err error) {
	defer t.guard(&err)
	if a.N < 1 || a.Repeats < 0 {
		return engine.Invalid("attempt", "attempt number %d (repeats %d) is out of range: attempts count from 1", a.N, a.Repeats)
	}
	seq := t.bucket(bucketEventIDs).Get([]byte(eventID))
	if seq == nil {
		return notFound("event %s not found", eventID)
	}
	return t.bucket(bucketAttempts).Put(attemptKey(beUint64(seq), a.N), appendAttempt(nil, a))
}

func (t *tx) Attempts(eventID string, beforeN, limit int) (out []engine.Attempt, err error) {
	defer t.guard(&err)
	seq := t.bucket(bucketEventIDs).Get([]byte(eventID))
	if seq == nil {
		return nil, notFound("event %s not found", eventID)
	}
	prefix := bytes.Clone(seq)
	c := t.bucket(bucketAttempts).Cursor()
	var k, v []byte
	if beforeN <= 0 {
		k, v = lastWithPrefix(c, prefix)
	} else if k, _ = c.Seek(attemptKey(beUint64(prefix), beforeN)); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		a, err := decodeAttempt(v)
		if err != nil {
			return nil, fmt.Errorf("event %s: %w", eventID, err)
		}
		out = append(out, a)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}
