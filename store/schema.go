package store

// The whole on-disk schema lives in this file: bucket names, key encodings, the meta
// bucket and the ordered migrations that bring any older file up to schemaVersion.
//
// Conventions:
//   - Integers in keys are big-endian so that byte order is numeric order.
//   - Times in keys are timeKey(t): unix nanoseconds with the sign bit flipped, so they
//     sort chronologically; the zero time encodes as 0 and sorts first.
//   - Per-account keys start with acctKey(id): one length byte, then the ID. The length
//     byte keeps one account's range from running into another's whose ID it prefixes.
//
// Buckets (v10) and their keys → values:
//
//	meta            "schema" → BE uint32 version; "app" → appID; "unfinished" →
//	                mark: a new file whose first run has not yet built its world
//	                (unfinished.go; added without a version: builds before it
//	                read neither the key nor its absence)
//	config          "settings" → settingsRecord JSON; "clock" → clockRecord JSON
//	sequences       name → BE uint64 (NextSequence)
//	accounts        id → account record, binary (account_codec.go, appendAccount); in ID order
//	per_account     everything a sync writes about one account, in one key range
//	                acct | kind | …, so that a sync dirties few pages: what it
//	                writes meets where the rows end and the history begins
//	  kindTxRow     acct|2|BE(pos)              → tx row (records.go); pos is the row's
//	                index in the account's history, oldest first: a page is one Seek
//	  kindPending   acct|6|BE(event seq)        → timeKey(NextAttemptAt): pending
//	                events; the first of an account's range is its head
//	  kindCompact   acct|8                      → timeKey: the cut before which
//	                CompactHistory has nothing to do (compact.go); absent until the
//	                account's first compaction (added without a version)
//	  kindCounter   acct|9                      → BE uint64: the account's counter
//	                (NextAccountSequence), whose numbers its event and job IDs take
//	  kindTxStats   acct|10                     → txStats: counts kept, not recounted
//	                (v1 to v6 kept the counter at acct|0 and the counts at acct|1)
//	  kindHistory   acct|12|^timeKey(at)|^what|^id → the account's history,
//	                newest first (every bit after the kind flipped: historyKey), so
//	                that a sync puts its snapshot, job and event mark side by side,
//	                next to its counter, counts and newest rows:
//	    histSnapshot  what 1, at its time, id BE(seq) → snapshot record, binary
//	                (records.go, appendSnapshot); seq from 1
//	    histJob       what 2, at its start, id job ID → sync job record, binary
//	                (records.go, appendJob)
//	    histEvent     what 3, at the event's creation, id BE(event seq) → mark:
//	                the account's webhook log
//	connect_codes   code → connectCodeRecord JSON
//	reauth_tokens   token → reauthTokenRecord JSON
//	auto_sync_due   timeKey(NextAutoSyncAt) | account ID → mark: every linked account
//	                with an automatic sync scheduled, earliest first; PutAccount keeps
//	                it in step, in the transaction that changes the account
//	events          BE(seq) → event record, binary (records.go, appendEvent), without
//	                its attempts; seq global, from 1 (bucket sequence)
//	attempts        BE(event seq) | BE(n) → attempt record, binary (records.go): the
//	                event's n-th delivery attempt, or a run of identical failures
//	                from the n-th on; an attempt appends one, it never rewrites others
//	event_ids       event ID → BE(seq)
//	outbox_due      timeKey(NextAttemptAt) | BE(seq) → mark: one entry per account
//	                head, so the next delivery is the first key
//	statement_jobs  job ID → statementJobRecord JSON
//	bank_journal    BE(seq) → the simulated bank's journal entry, in order
//	links           link ID → linkRecord JSON: v2's initiate links (a bucket added
//	                without a version: open creates the buckets a file lacks)
//
// v1 kept the per-account records in buckets of their own (tx_ids, snapshots,
// sync_jobs_by_acct, events_by_acct, outbox_pending, keyed as above without the
// kind byte) and transactions in "transactions", keyed acct | timeKey(Date) |
// BE(insertion seq) with the row body alone: no debits-before header and no kept
// counts, which it found by scanning. Migration 2 moves all of it into per_account.
//
// v1 and v2 kept accounts as accountRecord JSON, which cost 11 µs and 35
// allocations to decode on every read; migration 3 rewrites them in the binary form.
//
// Up to v3 an auto-sync round read every account to find the due ones; migration 4
// builds auto_sync_due from the accounts. Up to v4 an event record held all its
// attempts, rewritten whole by each new one (a receiver down for 90 days made one
// event's catch-up quadratic); migration 5 moves them into attempts, and rewrites
// events, snapshots and sync jobs from JSON into binary forms: an event is read at
// every delivery attempt, the latest snapshot and job at every sync, and JSON spent
// most of that time. It also moves what a sync wrote elsewhere into the account's
// range, to dirty fewer pages: sync jobs (v4: records in sync_jobs by ID, a mark in
// per_account) and the account's counter (v4: "account/ID" in sequences).
//
// Up to v5 each transaction also had a mark under its bank ID (kindTxID), read and
// written for every transaction a sync brought — a fifth of a sync's writing — so
// that none was stored twice. A bank ID names one transaction at one date, so since
// v6 AddTransactions looks for an ID among the rows of its date only, and a sync's
// transactions dated after the latest row need no look-up; migration 6 drops the
// marks.
//
// Up to v6 an account's counter and transaction counts were the first keys of its
// range, before its rows, while everything else a sync writes goes at the ends of
// its kinds, after the rows: a sync dirtied the range's first page besides its
// last ones. Since v7 they are its last keys (60 days of 10,000 accounts: 93 s
// before, 79 s after); migration 7 moves them.
//
// Up to v7 snapshots (acct|4|BE(seq)), event marks (acct|5|BE(event seq)) and
// jobs (acct|7|timeKey(start)|job ID) were three ranges, each holding a month of
// history: a sync appended at the ends of all three, three pages apart. Since v8
// they are one range by time; migration 8 moves them.
//
// In v8 that range (acct|3) went oldest first, so its newest entries — where a
// sync writes — were a month of history away from the account's newest rows and
// on a page of their own: a sync dirtied two leaves of its account. Since v9 the
// range goes newest first and comes after the counter and counts, so the newest
// rows, the counts and the newest history meet on one page; migration 9 moves it.
//
// Since v10 an account record (format 3) ends with the account's count of
// re-authorisations, which tells a sync's stale refusal from a real one: a
// record of an earlier format reads with none, so migration 10 writes nothing —
// it marks the file as one whose records earlier builds cannot read.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// schemaVersion is the version this build writes; files of an older version are
// migrated at open, files of a newer one are refused.
const schemaVersion = 10

// appID marks a bbolt file as sandbank's.
const appID = "sandbank"

var (
	bucketMeta          = []byte("meta")
	bucketConfig        = []byte("config")
	bucketSequences     = []byte("sequences")
	bucketAccounts      = []byte("accounts")
	bucketPerAccount    = []byte("per_account")
	bucketSyncJobsV4    = []byte("sync_jobs") // up to v4; migration 5 moves it into per_account
	bucketConnectCodes  = []byte("connect_codes")
	bucketReauthTokens  = []byte("reauth_tokens")
	bucketAutoSync      = []byte("auto_sync_due")
	bucketEvents        = []byte("events")
	bucketAttempts      = []byte("attempts")
	bucketEventIDs      = []byte("event_ids")
	bucketOutboxDue     = []byte("outbox_due")
	bucketStatementJobs = []byte("statement_jobs")
	bucketBankJournal   = []byte("bank_journal")
	bucketLinks         = []byte("links")

	// Schema v1's per-account buckets; migration 2 moves them into per_account.
	bucketTxV1            = []byte("transactions")
	bucketTxIDsV1         = []byte("tx_ids")
	bucketSnapshotsV1     = []byte("snapshots")
	bucketSyncJobsByAccV1 = []byte("sync_jobs_by_acct")
	bucketEventsByAccV1   = []byte("events_by_acct")
	bucketOutboxPendingV1 = []byte("outbox_pending")

	keySchema     = []byte("schema")
	keyApp        = []byte("app")
	keyUnfinished = []byte("unfinished") // a new file, until its first run has built its world
	keySettings   = []byte("settings")
	keyClock      = []byte("clock")
)

// Kinds of record in per_account: the byte after the account prefix.
const (
	kindCounterV6  byte = 0 // up to v6; migration 7 moves it to kindCounter
	kindTxStatsV6  byte = 1 // up to v6; migration 7 moves it to kindTxStats
	kindTxRow      byte = 2
	kindTxIDV5     byte = 3 // up to v5; migration 6 drops it
	kindHistoryV8  byte = 3 // v8; migration 9 moves it to kindHistory, newest first
	kindSnapshotV7 byte = 4 // up to v7; migration 8 moves these three into kindHistory
	kindEventV7    byte = 5
	kindJobV7      byte = 7
	kindPending    byte = 6
	kindCompact    byte = 8
	kindCounter    byte = 9
	kindTxStats    byte = 10
	kindHistory    byte = 12 // since v9
)

// What an entry of kindHistory is: the byte after its time.
const (
	histSnapshot byte = 1
	histJob      byte = 2
	histEvent    byte = 3
)

// currentBuckets are the top-level buckets of schemaVersion, created at every open.
var currentBuckets = [][]byte{
	bucketMeta, bucketConfig, bucketSequences, bucketAccounts, bucketPerAccount,
	bucketConnectCodes, bucketReauthTokens, bucketAutoSync,
	bucketEvents, bucketAttempts, bucketEventIDs, bucketOutboxDue, bucketStatementJobs, bucketBankJournal, bucketLinks,
}

// migration brings a file from version to-1 to version to.
type migration struct {
	to    uint32
	about string
	apply func(tx *bolt.Tx) error
}

// migrations run in order, all in the one Update of open.
var migrations = []migration{
	{1, "create the v1 buckets", migrateToV1},
	{2, "one key range per account; transactions by position, with kept counts", migrateToV2},
	{3, "account records in a compact binary form instead of JSON", migrateToV3},
	{4, "an index of automatic syncs by due time", migrateToV4},
	{5, "delivery attempts as records of their own instead of inside their event; events, snapshots and jobs in binary", migrateToV5},
	{6, "no index of transaction IDs: an ID is looked for among the rows of its date", migrateToV6},
	{7, "an account's counter and transaction counts after its other records, where a sync writes", migrateToV7},
	{8, "an account's snapshots, sync jobs and event marks in one range, by time", migrateToV8},
	{9, "an account's history newest first, after its counter and counts, beside its newest rows", migrateToV9},
	{10, "an account's count of re-authorisations in its record", func(*bolt.Tx) error { return nil }},
}

// v1Buckets are the buckets schema v1 created.
var v1Buckets = [][]byte{
	bucketMeta, bucketConfig, bucketSequences, bucketAccounts,
	bucketTxV1, bucketTxIDsV1, bucketSnapshotsV1,
	bucketSyncJobsV4, bucketSyncJobsByAccV1, bucketConnectCodes, bucketReauthTokens,
	bucketEvents, bucketEventIDs, bucketEventsByAccV1, bucketOutboxPendingV1, bucketOutboxDue,
	bucketStatementJobs, bucketBankJournal,
}

func migrateToV1(tx *bolt.Tx) error {
	return createBuckets(tx, v1Buckets)
}

// migrateToV3 rewrites accounts from v2's JSON records into the binary form of
// appendAccount.
func migrateToV3(tx *bolt.Tx) error {
	b := tx.Bucket(bucketAccounts)
	type kv struct{ k, v []byte }
	var all []kv
	err := b.ForEach(func(k, v []byte) error {
		var r accountRecord
		if err := decodeJSON("account", v, &r); err != nil {
			return fmt.Errorf("account %q: %w", k, err)
		}
		all = append(all, kv{bytes.Clone(k), appendAccount(nil, r.account())})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range all { // not inside ForEach: a Put may move the page under the cursor
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// migrateToV4 lists every linked account with a scheduled automatic sync in
// auto_sync_due.
func migrateToV4(tx *bolt.Tx) error {
	due, err := tx.CreateBucketIfNotExists(bucketAutoSync)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
		at, ok, err := accountSchedule(v)
		if err != nil {
			return fmt.Errorf("account %q: %w", k, err)
		}
		if !ok {
			return nil
		}
		return due.Put(schedKey(at, k), mark)
	})
}

// migrateToV5 moves each event's attempts out of its record into attempts, records
// the counts the outbox keeps instead (attempts made, failures since the last
// success), and rewrites the event in the binary form of appendEvent.
func migrateToV5(tx *bolt.Tx) error {
	attempts, err := tx.CreateBucketIfNotExists(bucketAttempts)
	if err != nil {
		return err
	}
	events := tx.Bucket(bucketEvents)
	type kv struct{ k, v []byte }
	var rewritten []kv
	err = events.ForEach(func(k, v []byte) error {
		var r eventRecordV4
		if err := decodeJSON("event", v, &r); err != nil {
			return fmt.Errorf("event %x: %w", k, err)
		}
		if len(k) != 8 {
			return damagef("event key %x is malformed", k)
		}
		seq := binary.BigEndian.Uint64(k)
		e := r.event()
		for _, a := range e.Attempts {
			if err := attempts.Put(attemptKey(seq, a.N), appendAttempt(nil, a)); err != nil {
				return err
			}
		}
		e.Attempts = nil
		rewritten = append(rewritten, kv{bytes.Clone(k), appendEvent(nil, e)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range rewritten { // not inside ForEach: a Put may move the page under the cursor
		if err := events.Put(e.k, e.v); err != nil {
			return err
		}
	}
	if err := snapshotsToBinary(tx); err != nil {
		return err
	}
	return jobsToBinary(tx)
}

// migrateToV6 deletes every account's transaction ID marks (kindTxID), one
// account at a time, so that a file with millions of transactions does not hold all
// their keys in memory at once.
func migrateToV6(tx *bolt.Tx) error {
	per := tx.Bucket(bucketPerAccount)
	accounts, err := accountPrefixes(per)
	if err != nil {
		return err
	}
	var marks [][]byte
	for _, a := range accounts {
		prefix := kindKey(a, kindTxIDV5)
		marks = marks[:0]
		c := per.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			marks = append(marks, bytes.Clone(k))
		}
		for _, m := range marks { // not inside the loop above: a Delete moves the cursor
			if err := per.Delete(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// migrateToV7 moves each account's counter and transaction counts from the start
// of its range to the end (kindCounterV6 → kindCounter, kindTxStatsV6 →
// kindTxStats).
func migrateToV7(tx *bolt.Tx) error {
	per := tx.Bucket(bucketPerAccount)
	accounts, err := accountPrefixes(per)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		for _, m := range [...]struct{ from, to byte }{{kindCounterV6, kindCounter}, {kindTxStatsV6, kindTxStats}} {
			from := kindKey(a, m.from)
			v := per.Get(from)
			if v == nil {
				continue
			}
			if err := per.Put(kindKey(a, m.to), bytes.Clone(v)); err != nil {
				return err
			}
			if err := per.Delete(from); err != nil {
				return err
			}
		}
	}
	return nil
}

// migrateToV8 moves each account's snapshots (kindSnapshotV7, keyed by number),
// event marks (kindEventV7, by event seq) and sync jobs (kindJobV7, by start) into
// one range, kindHistory, keyed by time: a snapshot by when it was taken, a mark
// by when its event was made, a job by when it started. A mark whose event is gone
// has nothing to show and is dropped.
func migrateToV8(tx *bolt.Tx) error {
	per, events := tx.Bucket(bucketPerAccount), tx.Bucket(bucketEvents)
	accounts, err := accountPrefixes(per)
	if err != nil {
		return err
	}
	type kv struct{ k, v []byte }
	var old [][]byte
	var moved []kv
	for _, a := range accounts {
		old, moved = old[:0], moved[:0]
		hist := kindKey(a, kindHistoryV8)
		for _, kind := range []byte{kindSnapshotV7, kindEventV7, kindJobV7} {
			prefix := kindKey(a, kind)
			c := per.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				old = append(old, bytes.Clone(k))
				rest := k[len(prefix):]
				switch {
				case kind == kindJobV7 && len(rest) >= 8:
					moved = append(moved, kv{historyKeyAtV8(hist, beUint64(rest), histJob, rest[8:]), bytes.Clone(v)})
				case kind == kindSnapshotV7 && len(rest) == 8:
					s, err := decodeSnapshot("", beUint64(rest), v)
					if err != nil {
						return fmt.Errorf("snapshot %x: %w", k, err)
					}
					moved = append(moved, kv{historyKeyAtV8(hist, timeKey(s.At), histSnapshot, rest), bytes.Clone(v)})
				case kind == kindEventV7 && len(rest) == 8:
					ev := events.Get(rest)
					if ev == nil {
						continue
					}
					u, _, err := eventFields(ev)
					if err != nil {
						return fmt.Errorf("event #%d: %w", beUint64(rest), err)
					}
					moved = append(moved, kv{historyKeyAtV8(hist, u[1], histEvent, rest), mark})
				default:
					return damagef("per_account key %x is malformed", k)
				}
			}
		}
		for _, k := range old {
			if err := per.Delete(k); err != nil {
				return err
			}
		}
		for _, m := range moved {
			if err := per.Put(m.k, m.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// migrateToV9 moves each account's history (kindHistoryV8, oldest first) to
// kindHistory, newest first (historyKey).
func migrateToV9(tx *bolt.Tx) error {
	per := tx.Bucket(bucketPerAccount)
	accounts, err := accountPrefixes(per)
	if err != nil {
		return err
	}
	type kv struct{ old, k, v []byte }
	var moved []kv
	for _, a := range accounts {
		moved = moved[:0]
		prefix, hist := kindKey(a, kindHistoryV8), kindKey(a, kindHistory)
		c := per.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rest := k[len(prefix):]
			if len(rest) < 9 {
				return damagef("history key %x is malformed", k)
			}
			moved = append(moved, kv{bytes.Clone(k), historyKeyAt(hist, beUint64(rest), rest[8], rest[9:]), bytes.Clone(v)})
		}
		for _, m := range moved { // not inside the walk: a Delete may move the page under the cursor
			if err := per.Delete(m.old); err != nil {
				return err
			}
		}
		for _, m := range moved {
			if err := per.Put(m.k, m.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// accountPrefixes lists the accounts (acctKey) that have keys in per_account, one
// Seek each.
func accountPrefixes(per *bolt.Bucket) ([][]byte, error) {
	var out [][]byte
	c := per.Cursor()
	for k, _ := c.First(); k != nil; {
		a, ok := splitAcctKey(k)
		if !ok || len(k) == len(a) {
			return nil, damagef("per_account key %x is malformed", k)
		}
		a = bytes.Clone(a)
		out = append(out, a)
		k, _ = c.Seek(kindKey(a, 0xff)) // past every key of this account
	}
	return out, nil
}

// jobsToBinary moves v4's JSON sync jobs, in the binary form of appendJob, into
// their marks in per_account, and drops sync_jobs.
func jobsToBinary(tx *bolt.Tx) error {
	jobs := tx.Bucket(bucketSyncJobsV4)
	if jobs == nil {
		return nil
	}
	per := tx.Bucket(bucketPerAccount)
	err := jobs.ForEach(func(k, v []byte) error {
		var r syncJobRecord
		if err := decodeJSON("sync job", v, &r); err != nil {
			return fmt.Errorf("sync job %q: %w", k, err)
		}
		if err := checkAccountID(r.AccountID); err != nil {
			return fmt.Errorf("sync job %q: %w", k, err)
		}
		return per.Put(jobKeyV7(r.AccountID, r.StartedAt, r.ID), appendJob(nil, engine.SyncJob(r)))
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(bucketSyncJobsV4); err != nil {
		return err
	}
	return countersIntoAccounts(tx)
}

// countersIntoAccounts moves v4's per-account counters, "account/ID" in sequences,
// to kindCounterV6 in per_account.
func countersIntoAccounts(tx *bolt.Tx) error {
	seqs, per := tx.Bucket(bucketSequences), tx.Bucket(bucketPerAccount)
	type kv struct{ k, v []byte }
	var moved []kv
	c := seqs.Cursor()
	prefix := []byte("account/")
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		id := string(k[len(prefix):])
		if checkAccountID(id) != nil || len(v) != 8 {
			return damagef("sequence %q is malformed", k)
		}
		moved = append(moved, kv{bytes.Clone(k), bytes.Clone(v)})
	}
	for _, m := range moved {
		if err := per.Put(acctKind(string(m.k[len(prefix):]), kindCounterV6), m.v); err != nil {
			return err
		}
		if err := seqs.Delete(m.k); err != nil {
			return err
		}
	}
	return nil
}

// snapshotsToBinary rewrites v4's JSON snapshots in the binary form of
// appendSnapshot.
func snapshotsToBinary(tx *bolt.Tx) error {
	per := tx.Bucket(bucketPerAccount)
	type kv struct{ k, v []byte }
	var rewritten []kv
	err := per.ForEach(func(k, v []byte) error {
		a, ok := splitAcctKey(k)
		if !ok || len(k) != len(a)+1+8 || k[len(a)] != kindSnapshotV7 {
			return nil
		}
		var r snapshotRecordV4
		if err := decodeJSON("snapshot", v, &r); err != nil {
			return fmt.Errorf("snapshot %x: %w", k, err)
		}
		rewritten = append(rewritten, kv{bytes.Clone(k), appendSnapshot(nil, engine.Snapshot{At: r.At, Balance: r.Balance,
			NewTransactions: r.NewTransactions, TotalTransactions: r.TotalTransactions, Trigger: r.Trigger})})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range rewritten {
		if err := per.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// migrateToV2 moves v1's per-account buckets into per_account, adding the kind
// byte to their keys, and rewrites v1's date-keyed transactions into position-keyed
// rows with a debits-before header and kept counts. v1 transaction keys sort by
// account, then date, then insertion: exactly the order of positions.
func migrateToV2(tx *bolt.Tx) error {
	per, err := tx.CreateBucketIfNotExists(bucketPerAccount)
	if err != nil {
		return err
	}
	for _, m := range []struct {
		from []byte
		kind byte
	}{
		{bucketTxIDsV1, kindTxIDV5}, {bucketSnapshotsV1, kindSnapshotV7}, {bucketSyncJobsByAccV1, kindJobV7},
		{bucketEventsByAccV1, kindEventV7}, {bucketOutboxPendingV1, kindPending},
	} {
		if err := moveIntoPerAccount(tx, per, m.from, m.kind); err != nil {
			return fmt.Errorf("move %s: %w", m.from, err)
		}
	}
	old := tx.Bucket(bucketTxV1)
	if old == nil {
		return nil
	}
	var (
		acct []byte // current account's key prefix
		st   txStats
	)
	flush := func() error {
		if acct == nil {
			return nil
		}
		return per.Put(kindKey(acct, kindTxStatsV6), st.encode())
	}
	c := old.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		a, ok := splitAcctKey(k)
		if !ok || len(k) != len(a)+16 {
			return damagef("v1 transaction key %x is malformed", k)
		}
		if !bytes.Equal(a, acct) {
			if err := flush(); err != nil {
				return err
			}
			acct, st = bytes.Clone(a), txStats{}
		}
		body, err := decodeTxBody(v)
		if err != nil {
			return fmt.Errorf("v1 transaction %x: %w", k, err)
		}
		if err := per.Put(seqKey(kindKey(acct, kindTxRow), st.count), encodeTxRow(st.debits, body)); err != nil {
			return err
		}
		st.add(body.typ, body.date)
	}
	if err := flush(); err != nil {
		return err
	}
	return tx.DeleteBucket(bucketTxV1)
}

// moveIntoPerAccount copies bucket from, whose keys are acct | rest, into per as
// acct | kind | rest, and deletes it.
func moveIntoPerAccount(tx *bolt.Tx, per *bolt.Bucket, from []byte, kind byte) error {
	b := tx.Bucket(from)
	if b == nil {
		return nil
	}
	if err := b.ForEach(func(k, v []byte) error {
		a, ok := splitAcctKey(k)
		if !ok {
			return damagef("key %x is malformed", k)
		}
		return per.Put(append(kindKey(a, kind), k[len(a):]...), bytes.Clone(v))
	}); err != nil {
		return err
	}
	return tx.DeleteBucket(from)
}

func createBuckets(tx *bolt.Tx, names [][]byte) error {
	for _, name := range names {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// errForeign is returned by migrate for a bbolt file that is not sandbank's.
var errForeign = errors.New("no sandbank meta bucket")

// readSchema checks that tx's file is sandbank's and returns its schema version (0
// for a new, empty file), and whether open has anything to write: migrations, or
// buckets this build added.
func readSchema(tx *bolt.Tx) (from uint32, needsUpdate bool, err error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return 0, false, errForeign
		}
		return 0, true, nil
	}
	if app := meta.Get(keyApp); string(app) != appID {
		return 0, false, errForeign
	}
	v := meta.Get(keySchema)
	if len(v) != 4 {
		return 0, false, damagef("schema version %x is malformed", v)
	}
	from = binary.BigEndian.Uint32(v)
	if from > schemaVersion {
		return from, false, &newerError{found: from}
	}
	needsUpdate = from < schemaVersion
	for _, name := range currentBuckets {
		needsUpdate = needsUpdate || tx.Bucket(name) == nil
	}
	return from, needsUpdate, nil
}

// migrate applies the migrations after version from, in order, and creates the
// current buckets; a new file (from 0) is marked unfinished in the same
// transaction, so that no crash leaves a schema without the mark. A file with
// data is checked whole first: a migration rewrites much of it, and must not
// build on a damaged page.
func migrate(tx *bolt.Tx, from uint32) error {
	if from > 0 && from < schemaVersion {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("consistency check before migrating: %w", errors.Join(errs...))
		}
	}
	for _, m := range migrations {
		if m.to <= from {
			continue
		}
		if err := m.apply(tx); err != nil {
			return fmt.Errorf("migration to v%d (%s): %w", m.to, m.about, err)
		}
		if err := putMeta(tx, m.to); err != nil {
			return err
		}
	}
	if err := createBuckets(tx, currentBuckets); err != nil {
		return err
	}
	if from == 0 {
		return tx.Bucket(bucketMeta).Put(keyUnfinished, mark)
	}
	return nil
}

// putMeta records the app ID and schema version.
func putMeta(tx *bolt.Tx, version uint32) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	if err := meta.Put(keyApp, []byte(appID)); err != nil {
		return err
	}
	return meta.Put(keySchema, binary.BigEndian.AppendUint32(nil, version))
}

type newerError struct{ found uint32 }

func (e *newerError) Error() string {
	return fmt.Sprintf("schema v%d is newer than this build's v%d", e.found, schemaVersion)
}

// ---- key encodings ----

// maxIDLen is the longest account ID that fits acctKey's length byte.
const maxIDLen = 255

// acctKey is the prefix of every per-account key: len(id) as one byte, then id.
func acctKey(id string) []byte {
	k := make([]byte, 0, 1+len(id)+16)
	k = append(k, byte(len(id)))
	return append(k, id...)
}

// checkAccountID reports an ID that acctKey cannot encode.
func checkAccountID(id string) error {
	if id == "" {
		return engine.Invalid("account", "account ID is empty")
	}
	if len(id) > maxIDLen {
		return engine.Invalid("account", "account ID is longer than %d bytes", maxIDLen)
	}
	return nil
}

// splitAcctKey returns the acctKey prefix of k.
func splitAcctKey(k []byte) ([]byte, bool) {
	if len(k) == 0 || len(k) < 1+int(k[0]) {
		return nil, false
	}
	return k[:1+int(k[0])], true
}

// kindKey is acct | kind: the start of one kind's range in per_account.
func kindKey(acct []byte, kind byte) []byte {
	k := make([]byte, 0, len(acct)+1+16)
	return append(append(k, acct...), kind)
}

// acctKind is kindKey(acctKey(id), kind).
func acctKind(id string, kind byte) []byte { return kindKey(acctKey(id), kind) }

// seqKey is prefix | BE(seq): a tx row (prefix acct|kindTxRow, seq the position), a
// snapshot, an account's event or pending event, or with a nil prefix an event or
// journal entry.
func seqKey(prefix []byte, seq uint64) []byte {
	k := make([]byte, 0, len(prefix)+8)
	return binary.BigEndian.AppendUint64(append(k, prefix...), seq)
}

// dueKey is timeKey(at) | BE(seq).
func dueKey(at uint64, seq uint64) []byte {
	k := make([]byte, 0, 16)
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k, at), seq)
}

// schedKey is timeKey(NextAutoSyncAt) | account ID, an auto_sync_due key.
func schedKey[S ~string | ~[]byte](at uint64, id S) []byte {
	k := make([]byte, 0, 8+len(id))
	return append(binary.BigEndian.AppendUint64(k, at), id...)
}

// attemptKey is BE(event seq) | BE(n).
func attemptKey(seq uint64, n int) []byte {
	k := make([]byte, 0, 16)
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k, seq), uint64(n))
}

// historyKey is acct | kindHistory | ^timeKey(at) | ^what | ^id: an entry of an
// account's history, every bit after the prefix flipped so that the range goes
// newest first (by time, then what, then ID, each reversed).
func historyKey[S ~string | ~[]byte](accountID string, at time.Time, what byte, id S) []byte {
	return historyKeyAt(acctKind(accountID, kindHistory), timeKey(at), what, id)
}

// historyKeyAt is historyKey from the range's prefix and a timeKey.
func historyKeyAt[S ~string | ~[]byte](prefix []byte, at uint64, what byte, id S) []byte {
	k := make([]byte, 0, len(prefix)+9+len(id))
	k = append(binary.BigEndian.AppendUint64(append(k, prefix...), ^at), ^what)
	for i := range len(id) {
		k = append(k, ^id[i])
	}
	return k
}

// splitHistory parses a key of the history range that prefix starts; ok is false
// for a key too short to be one. id is as stored, its bits flipped: histID reads
// it.
func splitHistory(prefix, k []byte) (at uint64, what byte, id histID, ok bool) {
	if len(k) < len(prefix)+9 {
		return 0, 0, nil, false
	}
	return ^binary.BigEndian.Uint64(k[len(prefix):]), ^k[len(prefix)+8], k[len(prefix)+9:], true
}

// histID is the ID at the end of a history key, as stored (bits flipped).
type histID []byte

// seq is the number a snapshot's or event mark's ID holds; ok is false if it is
// not 8 bytes long.
func (id histID) seq() (n uint64, ok bool) {
	if len(id) != 8 {
		return 0, false
	}
	return ^beUint64(id), true
}

// is reports whether the ID is s.
func (id histID) is(s string) bool {
	if len(id) != len(s) {
		return false
	}
	for i := range len(s) {
		if ^id[i] != s[i] {
			return false
		}
	}
	return true
}

// historyKeyAtV8 is the v8 form of historyKeyAt: acct | 3 | timeKey(at) | what |
// id, oldest first.
func historyKeyAtV8[S ~string | ~[]byte](prefix []byte, at uint64, what byte, id S) []byte {
	k := make([]byte, 0, len(prefix)+9+len(id))
	k = append(binary.BigEndian.AppendUint64(append(k, prefix...), at), what)
	return append(k, id...)
}

// jobKey is the history key of a sync job: its start, then its ID.
func jobKey(accountID string, startedAt time.Time, id string) []byte {
	return historyKey(accountID, startedAt, histJob, id)
}

// jobKeyV7 is a sync job's key from v5 to v7: acct | kindJobV7 | timeKey(startedAt)
// | job ID.
func jobKeyV7(accountID string, startedAt time.Time, id string) []byte {
	k := acctKind(accountID, kindJobV7)
	k = binary.BigEndian.AppendUint64(k, timeKey(startedAt))
	return append(k, id...)
}

// snapshotKey is the history key of a snapshot: its time, then its number.
func snapshotKey(accountID string, at time.Time, seq uint64) []byte {
	return historyKey(accountID, at, histSnapshot, binary.BigEndian.AppendUint64(nil, seq))
}

// timeKey encodes t so that byte order is time order: 0 for the zero time, else unix
// nanoseconds with the sign bit flipped. Times outside 1678–2262 are clamped.
func timeKey(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(unixNanos(t)) ^ (1 << 63)
}

// timeFromKey inverts timeKey (clamped times come back clamped).
func timeFromKey(k uint64) time.Time {
	if k == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(k^(1<<63))).UTC()
}

var (
	minNanoTime = time.Unix(0, -1<<63+1)
	maxNanoTime = time.Unix(0, 1<<63-1)
)

func unixNanos(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return minNanoTime.UnixNano()
	case t.After(maxNanoTime):
		return maxNanoTime.UnixNano()
	}
	return t.UnixNano()
}

// inNanoRange reports whether t survives timeKey without clamping.
func inNanoRange(t time.Time) bool {
	return !t.Before(minNanoTime) && !t.After(maxNanoTime)
}

// prefixEnd is the smallest key greater than every key starting with p (nil: none).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// lastWithPrefix positions c on the last key starting with p.
func lastWithPrefix(c *bolt.Cursor, p []byte) (k, v []byte) {
	if end := prefixEnd(p); end != nil {
		if k, _ = c.Seek(end); k != nil {
			k, v = c.Prev()
		} else {
			k, v = c.Last()
		}
	} else {
		k, v = c.Last()
	}
	if k == nil || !bytes.HasPrefix(k, p) {
		return nil, nil
	}
	return k, v
}
