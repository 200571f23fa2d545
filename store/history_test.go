package store

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// The index of automatic syncs follows every PutAccount: a linked account with a
// due time is listed at that time, earliest first then by ID; moving, clearing the
// time or unlinking moves or drops the entry, in the same transaction.
func TestScheduledSyncsFollowAccounts(t *testing.T) {
	db := openTemp(t)
	acct := func(id string, due int, linked bool) engine.Account {
		a := sampleAccount(id)
		a.NextAutoSyncAt, a.UnlinkedAt = time.Time{}, time.Time{}
		if due >= 0 {
			a.NextAutoSyncAt = at(due)
		}
		if !linked {
			a.UnlinkedAt = at(1)
		}
		return a
	}
	put := func(as ...engine.Account) {
		update(t, db, func(tx engine.Tx) error {
			for _, a := range as {
				if err := tx.PutAccount(a); err != nil {
					return err
				}
			}
			return nil
		})
	}
	scheduled := func(until, limit int) []engine.ScheduledSync {
		var out []engine.ScheduledSync
		view(t, db, func(tx engine.Tx) (err error) {
			out, err = tx.ScheduledSyncs(time.Time{}, at(until), limit)
			return err
		})
		return out
	}
	s := func(id string, due int) engine.ScheduledSync { return engine.ScheduledSync{AccountID: id, At: at(due)} }

	put(acct("c", 30, true), acct("b", 10, true), acct("a", 10, true), acct("d", -1, true), acct("e", 5, false))
	if got, want := scheduled(100, 0), []engine.ScheduledSync{s("a", 10), s("b", 10), s("c", 30)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("scheduled = %v, want %v (no due time: d; unlinked: e)", got, want)
	}
	if got, want := scheduled(10, 0), []engine.ScheduledSync{s("a", 10), s("b", 10)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("due by 10 = %v, want %v", got, want)
	}
	if got := scheduled(100, 1); len(got) != 1 || got[0].AccountID != "a" {
		t.Fatalf("limit 1 = %v", got)
	}
	// a moves on, b is unlinked, c's schedule is cleared, d gets one, e is linked again.
	put(acct("a", 40, true), acct("b", 10, false), acct("c", -1, true), acct("d", 20, true), acct("e", 5, true))
	if got, want := scheduled(100, 0), []engine.ScheduledSync{s("e", 5), s("d", 20), s("a", 40)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the changes, scheduled = %v, want %v", got, want)
	}
	// A rolled-back write leaves the index as it was.
	err := db.Update(context.Background(), func(tx engine.Tx) error {
		if err := tx.PutAccount(acct("e", 90, true)); err != nil {
			return err
		}
		return fmt.Errorf("no")
	})
	if err == nil {
		t.Fatal("the failing write committed")
	}
	if got := scheduled(100, 0); len(got) != 3 || !got[0].At.Equal(at(5)) {
		t.Fatalf("after a rolled-back move, scheduled = %v", got)
	}
	var n int
	must(t, db.bolt.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucketAutoSync).Stats().KeyN; return nil }))
	if n != 3 {
		t.Fatalf("auto_sync_due holds %d entries, want 3", n)
	}

	// Moves inside one transaction (a batch of a jump's syncs) apply once, at its
	// end; a read inside it sees them all so far; a failed batch leaves nothing.
	update(t, db, func(tx engine.Tx) error {
		for _, due := range []int{50, 60, 70} {
			must(t, tx.PutAccount(acct("a", due, true)))
		}
		must(t, tx.PutAccount(acct("f", 65, true)))
		got, err := tx.ScheduledSyncs(time.Time{}, at(100), 0)
		if want := []engine.ScheduledSync{s("e", 5), s("d", 20), s("f", 65), s("a", 70)}; err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("inside the transaction, scheduled = %v, %v; want %v", got, err, want)
		}
		must(t, tx.PutAccount(acct("a", 80, true)))
		must(t, tx.PutAccount(acct("e", 90, true)))
		return tx.PutAccount(acct("e", 5, true)) // back where it was
	})
	if got, want := scheduled(100, 0), []engine.ScheduledSync{s("e", 5), s("d", 20), s("f", 65), s("a", 80)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after moves in one transaction, scheduled = %v, want %v", got, want)
	}
	err = db.Update(context.Background(), func(tx engine.Tx) error {
		must(t, tx.PutAccount(acct("a", 95, true)))
		must(t, tx.PutAccount(acct("d", 96, false)))
		return fmt.Errorf("no")
	})
	if err == nil {
		t.Fatal("the failing write committed")
	}
	must(t, db.bolt.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucketAutoSync).Stats().KeyN; return nil }))
	if got := scheduled(100, 0); n != 4 || len(got) != 4 || !got[3].At.Equal(at(80)) {
		t.Fatalf("after a failed transaction of moves: %d entries, scheduled = %v", n, got)
	}
}

// Attempts are records of their own, read newest first page by page; storing one
// under a number already used replaces it (a run of failures that grew).
func TestAttemptsPageNewestFirst(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx engine.Tx) error {
		for _, id := range []string{"e1", "e2"} {
			if _, err := tx.AppendEvent(engine.Event{ID: id, AccountID: "acct-1", NextAttemptAt: at(0)}); err != nil {
				return err
			}
		}
		for n := 1; n <= 7; n++ {
			if err := tx.PutAttempt("e1", engine.Attempt{N: n, At: at(n), StatusCode: 500, Error: "boom"}); err != nil {
				return err
			}
		}
		// e2's only record is a run: attempts 1 to 30.
		if err := tx.PutAttempt("e2", engine.Attempt{N: 1, At: at(1), Error: "refused", Repeats: 28, LastAt: at(29)}); err != nil {
			return err
		}
		return tx.PutAttempt("e2", engine.Attempt{N: 1, At: at(1), Error: "refused", Repeats: 29, LastAt: at(30)})
	})
	numbers := func(as []engine.Attempt) []int {
		var ns []int
		for _, a := range as {
			ns = append(ns, a.N)
		}
		return ns
	}
	view(t, db, func(tx engine.Tx) error {
		for _, tc := range []struct {
			before, limit int
			want          []int
		}{
			{0, 0, []int{7, 6, 5, 4, 3, 2, 1}},
			{0, 3, []int{7, 6, 5}},
			{5, 3, []int{4, 3, 2}},
			{2, 3, []int{1}},
			{1, 3, nil},
			{100, 2, []int{7, 6}},
		} {
			got, err := tx.Attempts("e1", tc.before, tc.limit)
			if err != nil || !reflect.DeepEqual(numbers(got), tc.want) {
				t.Errorf("Attempts(e1, before %d, limit %d) = %v, %v; want %v", tc.before, tc.limit, numbers(got), err, tc.want)
			}
		}
		run, err := tx.Attempts("e2", 0, 0)
		if err != nil || len(run) != 1 || run[0].Repeats != 29 || run[0].Last() != 30 || !run[0].LastAt.Equal(at(30)) {
			t.Errorf("e2's run = %+v, %v", run, err)
		}
		if _, err := tx.Attempts("nope", 0, 0); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Errorf("attempts of an unknown event: %v", err)
		}
		return nil
	})
	err := db.Update(context.Background(), func(tx engine.Tx) error { return tx.PutAttempt("e1", engine.Attempt{N: 0}) })
	if engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("attempt number 0 = %v, want EINVALID", err)
	}
}

// CompactHistory deletes at most compactPerCall of each kind, oldest first, of what
// ended before the cut; never an account's newest snapshot or job, a pending event or the
// event before one; and an event goes with its attempts.
func TestCompactHistory(t *testing.T) {
	db := openTemp(t)
	const acct, other = "acct-1", "acct-2"
	update(t, db, func(tx engine.Tx) error {
		for i := range 5 {
			s := engine.Snapshot{AccountID: acct, At: at(i * 10), Trigger: engine.TriggerAuto}
			if i == 1 {
				s.Repeats, s.LastAt = 4, at(19) // its repeats keep it until the next one
			}
			if _, err := tx.AddSnapshot(s); err != nil {
				return err
			}
			j := engine.SyncJob{ID: fmt.Sprint("job", i), AccountID: acct, Trigger: engine.TriggerAuto, StartedAt: at(i * 10), FinishedAt: at(i*10 + 1)}
			if err := tx.PutSyncJob(j); err != nil {
				return err
			}
		}
		for i, st := range []string{engine.DeliveryDelivered, engine.DeliverySkipped, engine.DeliveryDelivered, engine.DeliveryPending, engine.DeliveryPending} {
			e, err := tx.AppendEvent(engine.Event{ID: fmt.Sprint("ev", i), AccountID: acct, CreatedAt: at(i * 10), NextAttemptAt: at(i * 10)})
			if err != nil {
				return err
			}
			if err := tx.PutAttempt(e.ID, engine.Attempt{N: 1, At: at(i * 10), Error: "x", Repeats: 3}); err != nil {
				return err
			}
			e.Status = st
			if st == engine.DeliveryDelivered {
				e.DeliveredAt = at(i*10 + 1)
			}
			if err := tx.PutEvent(e); err != nil {
				return err
			}
		}
		_, err := tx.AddSnapshot(engine.Snapshot{AccountID: other, At: at(0)})
		return err
	})
	counts := func() (snaps, jobs []uint64, events []string) {
		view(t, db, func(tx engine.Tx) error {
			ss, _ := tx.Snapshots(acct, 0)
			for _, s := range ss {
				snaps = append(snaps, s.Seq)
			}
			js, _ := tx.SyncJobs(acct, 0)
			for _, j := range js {
				jobs = append(jobs, uint64(j.StartedAt.Sub(at(0))/(10*time.Minute)))
			}
			es, _ := tx.Events(engine.EventQuery{AccountID: acct})
			for _, e := range es {
				events = append(events, e.ID)
			}
			return nil
		})
		return
	}
	compact := func(cut int) {
		update(t, db, func(tx engine.Tx) error { return tx.CompactHistory(acct, at(cut), 0) })
	}
	compact(15)
	snaps, jobs, events := counts()
	if want := []uint64{5, 4, 3, 2}; !reflect.DeepEqual(snaps, want) {
		t.Errorf("snapshots after a cut at 15 = %v, want %v (the second's repeats run to 19)", snaps, want)
	}
	if want := []uint64{4, 3, 2, 1}; !reflect.DeepEqual(jobs, want) {
		t.Errorf("jobs after a cut at 15 = %v, want %v (a job is kept until the next one started before the cut)", jobs, want)
	}
	if want := []string{"ev4", "ev3", "ev2"}; !reflect.DeepEqual(events, want) {
		t.Errorf("events after a cut at 15 = %v, want %v", events, want)
	}
	compact(15)
	if s2, j2, e2 := counts(); !reflect.DeepEqual(s2, snaps) || !reflect.DeepEqual(j2, jobs) || !reflect.DeepEqual(e2, events) {
		t.Errorf("a second cut at 15 deleted more: %v, %v, %v", s2, j2, e2)
	}
	compact(1000) // everything is old
	snaps, jobs, events = counts()
	if want := []uint64{5}; !reflect.DeepEqual(snaps, want) {
		t.Errorf("snapshots at last = %v, want only the newest", snaps)
	}
	if want := []uint64{4}; !reflect.DeepEqual(jobs, want) {
		t.Errorf("jobs at last = %v, want only the newest", jobs)
	}
	if want := []string{"ev4", "ev3", "ev2"}; !reflect.DeepEqual(events, want) {
		t.Errorf("events at last = %v, want the pending ones and the one before them", events)
	}
	// A call deletes compactPerCall at most: its work stays bounded, and the next
	// call goes on.
	const many = "acct-3"
	update(t, db, func(tx engine.Tx) error {
		for i := range compactPerCall + 4 {
			if _, err := tx.AddSnapshot(engine.Snapshot{AccountID: many, At: at(i)}); err != nil {
				return err
			}
		}
		return tx.CompactHistory(many, at(1000), 10*time.Hour)
	})
	view(t, db, func(tx engine.Tx) error {
		if ss, _ := tx.Snapshots(many, 0); len(ss) != 4 {
			t.Errorf("one call left %d of %d old snapshots, want 4: %d at most go at once", len(ss), compactPerCall+4, compactPerCall)
		}
		if ss, _ := tx.Snapshots(other, 0); len(ss) != 1 {
			t.Errorf("another account's history was compacted: %v", ss)
		}
		if _, err := tx.Event("ev0"); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Errorf("a compacted event is still found: %v", err)
		}
		return nil
	})
	var left int
	must(t, db.bolt.View(func(tx *bolt.Tx) error { left = tx.Bucket(bucketAttempts).Stats().KeyN; return nil }))
	if left != 3 {
		t.Errorf("%d attempt records left, want the 3 of the events kept", left)
	}
	requireIndexesConsistent(t, db)

	// A call that hit the bound did not close the run: the next one, at the same
	// cut, deletes the rest.
	update(t, db, func(tx engine.Tx) error { return tx.CompactHistory(many, at(1000), 10*time.Hour) })
	view(t, db, func(tx engine.Tx) error {
		if ss, _ := tx.Snapshots(many, 0); len(ss) != 1 {
			t.Errorf("the call after a bounded one left %d snapshots, want only the newest", len(ss))
		}
		return nil
	})
}

// Once a call has deleted all it could before its cut, calls do nothing until the
// cut has moved on by every; then one deletes the whole run at once.
func TestCompactHistoryRuns(t *testing.T) {
	db := openTemp(t)
	const acct = "acct-1"
	add := func(minute int) {
		update(t, db, func(tx engine.Tx) error {
			_, err := tx.AddSnapshot(engine.Snapshot{AccountID: acct, At: at(minute)})
			return err
		})
	}
	compact := func(cut int) int {
		update(t, db, func(tx engine.Tx) error { return tx.CompactHistory(acct, at(cut), 60*time.Minute) })
		var n int
		view(t, db, func(tx engine.Tx) error {
			ss, err := tx.Snapshots(acct, 0)
			n = len(ss)
			return err
		})
		return n
	}
	for m := 0; m < 100; m += 10 {
		add(m)
	}
	if n := compact(35); n != 7 {
		t.Fatalf("the first call left %d of 10 snapshots, want 7 (from the one at 30, whose span runs past 35)", n)
	}
	add(100)
	for _, cut := range []int{45, 60, 94} {
		if n := compact(cut); n != 8 {
			t.Errorf("a call at %d, less than an hour after the last run's cut at 35, left %d snapshots, want 8: no run yet", cut, n)
		}
	}
	if n := compact(95); n != 2 {
		t.Errorf("the call at 95, an hour after 35, left %d snapshots, want 2: the run deletes all before 95 at once", n)
	}
	var gate []byte
	must(t, db.bolt.View(func(tx *bolt.Tx) error {
		gate = bytes.Clone(tx.Bucket(bucketPerAccount).Get(acctKind(acct, kindCompact)))
		return nil
	}))
	if len(gate) != 8 || beUint64(gate) != timeKey(at(155)) {
		t.Errorf("gate after the run at 95 = %x, want the time key of 155", gate)
	}
	err := db.Update(context.Background(), func(tx engine.Tx) error { return tx.CompactHistory(acct, at(200), -time.Minute) })
	if engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("a negative every = %v, want EINVALID", err)
	}
	requireIndexesConsistent(t, db)
}

// A compaction reads the history up to its cut, and from there only as far as it
// must to decide on the last event before it: a world with no webhook URL sends
// no event at a sync, so an account's last event is its account_connected, and
// every run read its whole history (a millisecond, at every run).
func TestCompactionReadsUpToItsCut(t *testing.T) {
	db := openTemp(t)
	const quiet, loud = "acct-1", "acct-2"
	update(t, db, func(tx engine.Tx) error {
		for i := range 200 {
			for _, acct := range []string{quiet, loud} {
				if _, err := tx.AddSnapshot(engine.Snapshot{AccountID: acct, At: at(i), Trigger: engine.TriggerAuto}); err != nil {
					return err
				}
				j := engine.SyncJob{ID: fmt.Sprint("job", i), AccountID: acct, Trigger: engine.TriggerAuto, StartedAt: at(i), FinishedAt: at(i)}
				if err := tx.PutSyncJob(j); err != nil {
					return err
				}
			}
			// The quiet account's one event, at its connect; the loud one's every 50
			// minutes. All delivered.
			acct := loud
			switch {
			case i == 0:
				acct = quiet
			case i%50 != 10:
				continue
			}
			e, err := tx.AppendEvent(engine.Event{ID: fmt.Sprint("ev-", acct, i), AccountID: acct, CreatedAt: at(i), NextAttemptAt: at(i)})
			if err != nil {
				return err
			}
			e.Status, e.DeliveredAt = engine.DeliveryDelivered, at(i)
			if err := tx.PutEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct {
		acct                string
		cut, dels, readMost int
	}{
		// 20 snapshots and jobs before the cut, the newest of each kept; the one
		// event, the newest, kept: read up to the cut and the lookahead.
		{quiet, 20, 2 * 19, 2*20 + 1 + compactLookahead + 1},
		{loud, 5, 2 * 4, 2*5 + 1}, // its first event, at 10, is past the cut
		// The event at 10 waits for the next, at 60: too far past the cut at 20,
		// it stays; at 55 the next is near, and decides that it goes.
		{loud, 20, 2 * 19, 2*20 + 1 + compactLookahead + 1},
		{loud, 55, 2*54 + 1, 2*61 + 2},
	} {
		var dels, read int
		view(t, db, func(etx engine.Tx) error {
			d, _, r, err := etx.(*tx).compactWalk(acctKind(c.acct, kindHistory), timeKey(at(c.cut)))
			dels, read = len(d), r
			return err
		})
		if dels != c.dels {
			t.Errorf("%s, cut at %d: %d entries to delete, want %d", c.acct, c.cut, dels, c.dels)
		}
		if read > c.readMost {
			t.Errorf("%s, cut at %d: read %d of its entries, want at most %d: the walk went on past its cut", c.acct, c.cut, read, c.readMost)
		}
	}
}

// SavedClock reads the clock as the file holds it, however it was saved (a plain
// write of the clock state, as the engine's Close makes), in a read transaction as
// data is read: the time a commit recorded, kept after it returned, lagged the
// data a reader could already see by the commit's last fsync.
func TestSavedClockIsWhatAReadFinds(t *testing.T) {
	db := openTemp(t)
	if saved := db.SavedClock(); !saved.IsZero() {
		t.Fatalf("SavedClock of a new file = %v, want zero", saved)
	}
	if err := db.Update(context.Background(), func(tx engine.Tx) error {
		return tx.PutClockState(engine.ClockState{Now: at(6000), Speed: 1})
	}); err != nil {
		t.Fatal(err)
	}
	if saved := db.SavedClock(); !saved.Equal(at(6000)) {
		t.Fatalf("SavedClock = %v after the clock was saved at %v", saved, at(6000))
	}
}

// Submitted writes commit in the order they were submitted, whoever waits; writes
// queued while one commits share the next commit; every commit records the clock
// (KeepClock), so the file never holds data newer than its clock.
func TestSubmitOrderSharedCommitsAndTheClock(t *testing.T) {
	db := openTemp(t)
	var now atomic.Int64
	var commits atomic.Int64
	db.KeepClock(func() engine.ClockState {
		commits.Add(1)
		return engine.ClockState{Now: at(int(now.Load())), Speed: 1}
	})
	const n = 300
	waits := make([]func() error, n)
	for i := range n {
		now.Store(int64(i))
		waits[i] = queued(db.Submit, func(tx engine.Tx) error {
			seq, err := tx.NextSequence("order")
			if err != nil {
				return err
			}
			if seq != uint64(i+1) {
				return fmt.Errorf("write %d ran as number %d", i, seq)
			}
			return nil
		})
	}
	var wg sync.WaitGroup
	for i := n - 1; i >= 0; i-- { // waited for in reverse: the order is the queue's
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := waits[i](); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if c := commits.Load(); c >= n/2 {
		t.Errorf("%d writes took %d commits; submitted together they should share", n, c)
	}
	view(t, db, func(tx engine.Tx) error {
		st, err := tx.ClockState()
		if err != nil || !st.Now.Equal(at(n-1)) {
			t.Errorf("clock after the writes = %v, %v; want the clock of the last commit, %v", st.Now, err, at(n-1))
		}
		return nil
	})
	// The bank's journal records the clock too.
	now.Store(5000)
	if err := db.AppendBankEvent([]byte(`{"kind":"post"}`)); err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx engine.Tx) error {
		if st, err := tx.ClockState(); err != nil || !st.Now.Equal(at(5000)) {
			t.Errorf("clock after a journal entry = %v, %v; want %v", st.Now, err, at(5000))
		}
		return nil
	})
	// SavedClock is what a read finds: a client that read a commit's data, then the
	// clock, finds the clock at or after that data.
	if saved := db.SavedClock(); !saved.Equal(at(5000)) {
		t.Errorf("SavedClock = %v after a commit recorded %v", saved, at(5000))
	}
	// A failed write is answered with its error; the others commit without it.
	bad := queued(db.Submit, func(tx engine.Tx) error { return fmt.Errorf("refused") })
	good := queued(db.Submit, func(tx engine.Tx) error { _, err := tx.NextSequence("after"); return err })
	if err := bad(); err == nil || err.Error() != "refused" {
		t.Errorf("the failing write = %v", err)
	}
	if err := good(); err != nil {
		t.Errorf("the write after it = %v", err)
	}
}
