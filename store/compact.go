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

	"sandbank/engine"
)

// compactPerCall bounds the records of each kind one CompactHistory deletes: a
// week's worth of syncs every hour, the shortest auto-sync interval.
const compactPerCall = 192

// compactLookahead bounds how far past its cut a compaction looks for the event
// that decides on the last one before it. A sync that adds history adds an
// event too, when it sends any: the next is a few entries on, or none is near.
const compactLookahead = 16

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
	prefix := acctKind(accountID, kindHistory)
	dels, done, _, err := t.compactWalk(prefix, cut)
	if err != nil {
		return err
	}
	for _, d := range dels {
		if d.event {
			err = t.deleteEvent(d.seq, d.k)
		} else {
			err = per.Delete(d.k)
		}
		if err != nil {
			return err
		}
	}
	if !done {
		return nil // more to delete: the next call goes on
	}
	return per.Put(gate, binary.BigEndian.AppendUint64(nil, timeKey(before.Add(every))))
}

// histDel is an entry of an account's history that compaction deletes.
type histDel struct {
	k     []byte
	event bool
	seq   uint64 // an event's
}

// compactWalk walks an account's history from its oldest entry (the range's end:
// it goes newest first) and returns what to delete, at most compactPerCall of each
// kind, and whether that was all (for each kind, fewer than compactPerCall). Of
// each kind it deletes the oldest entries in a row that may go, and stops at the
// first that may not:
//   - a snapshot or a job, when the next of its kind began before cut (it ended
//     then: repeats count only on the newest), which its key's time says;
//   - an event, when it was settled (delivered or skipped) before cut and the next
//     event is settled too: a pending event's predecessor tells when it was due
//     (engine's attemptTime).
//
// Entries go by time, so the walk ends at the first entry from cut on — past it no
// snapshot or job may go, nor an event without one before it — or, when an event
// before cut waits for the next to decide on it, at that next event, looked for
// among the compactLookahead entries from cut on: an event not decided then stays
// until a later run finds its next one that close (the cut moves on at every run).
// It once went on to the newest entry for an account whose last event came before
// cut (syncs that failed, or brought nothing new, send none): a run read its whole
// history. It returns how many entries it read.
//
// What it does read before cut is bounded by what may not go: an event waiting for
// delivery stays, and so does everything after it of its kind. With no webhook URL
// every sync's event waits (they are sent once one is set), so those runs read all
// of them — 163 entries a run on average in 400 days of 10 accounts.
func (t *tx) compactWalk(prefix []byte, cut uint64) (dels []histDel, done bool, read int, err error) {
	type kindState struct {
		prev    []byte // the previous entry of the kind, which the next decides on
		prevSeq uint64
		settled bool // of prev, an event
		prevAt  uint64
		stopped bool
		n       int
	}
	var snaps, jobs, events kindState
	past := 0 // entries read from cut on
	eventsB := t.bucket(bucketEvents)
	c := t.bucket(bucketPerAccount).Cursor()
	for k, _ := lastWithPrefix(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		if snaps.stopped && jobs.stopped && events.stopped {
			break
		}
		read++
		at, what, id, ok := splitHistory(prefix, k)
		if !ok {
			return nil, false, read, damagef("history key %x is malformed", k)
		}
		if at >= cut {
			// This entry and all after it are from cut on: a snapshot or job goes
			// only when the next of its kind began before cut, and an event only
			// when one before cut waits to be decided on, by the next event, if it
			// is near.
			snaps.stopped, jobs.stopped = true, true
			past++
			events.stopped = events.stopped || events.prev == nil || past > compactLookahead
			if events.stopped {
				break
			}
		}
		switch what {
		case histSnapshot, histJob:
			st := &snaps
			if what == histJob {
				st = &jobs
			}
			switch {
			case st.stopped:
			case at >= cut:
				st.stopped = true
			case st.n == compactPerCall:
				st.stopped = true
			case st.prev != nil:
				dels = append(dels, histDel{k: st.prev})
				st.n++
				fallthrough
			default:
				st.prev = bytes.Clone(k)
			}
		case histEvent:
			if events.stopped {
				continue
			}
			seq, ok := id.seq()
			if !ok {
				return nil, false, read, damagef("event mark %x is malformed", k)
			}
			pending, settledAt, err := eventSettled(eventsB.Get(seqKey(nil, seq)))
			if err != nil {
				return nil, false, read, fmt.Errorf("event #%d: %w", seq, err)
			}
			if events.prev != nil {
				if events.n == compactPerCall || !events.settled || events.prevAt >= cut || pending {
					events.stopped = true
					continue
				}
				dels = append(dels, histDel{k: events.prev, event: true, seq: events.prevSeq})
				events.n++
			}
			if at >= cut { // it cannot go, nor any after it
				events.stopped = true
				continue
			}
			events.prev, events.prevSeq, events.settled, events.prevAt = bytes.Clone(k), seq, !pending, settledAt
		}
	}
	return dels, snaps.n < compactPerCall && jobs.n < compactPerCall && events.n < compactPerCall, read, nil
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
