package store

// Compaction: what a sync keeps of an account's history. Each call deletes at most
// compactPerCall records of each kind, the oldest, so a sync that calls it does a
// bounded amount of work and, adding at most one record of each kind itself, keeps
// the history to the window the engine chooses — and catches up, a few syncs later,
// on events that stayed pending through a long jump.
//
// A call that leaves nothing before its cut (but the pending) writes, under
// kindCompact, the cut at which the next call has work again: the cut plus the
// caller's every. Until then a call reads that one key and returns, so deletions
// come in runs, each dirtying the oldest pages of the account's history once, not
// at every sync (a tenth of the writer's time in a year of 1,000 accounts).

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// compactPerCall bounds the records of each kind one CompactHistory deletes: a
// week's worth of syncs every hour, the shortest auto-sync interval.
const compactPerCall = 192

func (t *tx) CompactHistory(accountID string, before time.Time, every time.Duration) (err error) {
	defer t.guard(&err)
	if err := checkAccountID(accountID); err != nil {
		return err
	}
	if every < 0 {
		return engine.Invalid("every", "the time between compactions cannot be negative (%s)", every)
	}
	cut := timeKey(before)
	per := t.bucket(bucketPerAccount)
	gate := acctKind(accountID, kindCompact)
	if v := per.Get(gate); len(v) == 8 && cut < beUint64(v) {
		return nil // compacted up to a cut not long ago
	}
	done := true
	for _, step := range []func(string, uint64) (bool, error){t.compactSnapshot, t.compactJob, t.compactEvent} {
		n := 0
		for ; n < compactPerCall; n++ {
			deleted, err := step(accountID, cut)
			if err != nil {
				return err
			}
			if !deleted {
				break
			}
		}
		done = done && n < compactPerCall
	}
	if !done {
		return nil // more to delete: the next call goes on
	}
	return per.Put(gate, binary.BigEndian.AppendUint64(nil, timeKey(before.Add(every))))
}

// oldestTwo returns the first two keys starting with prefix (nil where there are
// fewer), copied.
func oldestTwo(b *bolt.Bucket, prefix []byte) (first, second []byte, firstV []byte) {
	c := b.Cursor()
	k, v := c.Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil, nil
	}
	first, firstV = bytes.Clone(k), bytes.Clone(v)
	if k, _ = c.Next(); k != nil && bytes.HasPrefix(k, prefix) {
		second = bytes.Clone(k)
	}
	return first, second, firstV
}

// compactSnapshot deletes the account's oldest snapshot if it ended before cut and
// is not the newest. Repeats count only on the newest, so a snapshot ends by the
// time the next one was taken: that one's time decides.
func (t *tx) compactSnapshot(accountID string, cut uint64) (bool, error) {
	per := t.bucket(bucketPerAccount)
	prefix := acctKind(accountID, kindSnapshot)
	k, next, _ := oldestTwo(per, prefix)
	if next == nil {
		return false, nil
	}
	s, err := decodeSnapshot(accountID, beUint64(next[len(prefix):]), per.Get(next))
	if err != nil {
		return false, err
	}
	if timeKey(s.At) >= cut {
		return false, nil
	}
	return true, per.Delete(k)
}

// compactJob deletes the account's oldest sync job if it ended before cut and is
// not the newest. Repeats count only on the newest, so a job ends by the time the
// next one started, which its key holds: nothing is decoded.
func (t *tx) compactJob(accountID string, cut uint64) (bool, error) {
	per := t.bucket(bucketPerAccount)
	prefix := acctKind(accountID, kindJob)
	k, next, _ := oldestTwo(per, prefix)
	if next == nil || len(next) < len(prefix)+8 || beUint64(next[len(prefix):]) >= cut {
		return false, nil
	}
	return true, per.Delete(k)
}

// compactEvent deletes the account's oldest event, with its attempts, if it was
// settled (delivered or skipped) before cut and the event after it is settled too:
// a pending event's predecessor tells when it was due (engine's attemptTime).
func (t *tx) compactEvent(accountID string, cut uint64) (bool, error) {
	per := t.bucket(bucketPerAccount)
	prefix := acctKind(accountID, kindEvent)
	k, next, _ := oldestTwo(per, prefix)
	if k == nil || next == nil {
		return false, nil
	}
	events := t.bucket(bucketEvents)
	seq, nextSeq := beUint64(k[len(prefix):]), beUint64(next[len(prefix):])
	pending, at, err := eventSettled(events.Get(seqKey(nil, seq)))
	if err != nil {
		return false, fmt.Errorf("event #%d: %w", seq, err)
	}
	if pending || at >= cut {
		return false, nil
	}
	if pending, _, err = eventSettled(events.Get(seqKey(nil, nextSeq))); err != nil {
		return false, fmt.Errorf("event #%d: %w", nextSeq, err)
	}
	if pending {
		return false, nil
	}
	return true, t.deleteEvent(seq, k)
}

// deleteEvent removes a settled event: its record, ID, place in its account's log
// and attempts.
func (t *tx) deleteEvent(seq uint64, acctKey []byte) error {
	seqK := seqKey(nil, seq)
	_, raw, err := eventFields(t.bucket(bucketEvents).Get(seqK))
	if err != nil {
		return fmt.Errorf("event #%d: %w", seq, err)
	}
	id := bytes.Clone(raw[0])
	attempts := t.bucket(bucketAttempts)
	var keys [][]byte
	c := attempts.Cursor()
	for k, _ := c.Seek(seqK); k != nil && bytes.HasPrefix(k, seqK); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := attempts.Delete(k); err != nil {
			return err
		}
	}
	if err := t.bucket(bucketEvents).Delete(seqK); err != nil {
		return err
	}
	if err := t.bucket(bucketEventIDs).Delete(id); err != nil {
		return err
	}
	return t.bucket(bucketPerAccount).Delete(acctKey)
}
