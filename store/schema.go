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
// Buckets (v3) and their keys → values:
//
//	meta            "schema" → BE uint32 version; "app" → appID
//	config          "settings" → settingsRecord JSON; "clock" → clockRecord JSON
//	sequences       name → BE uint64 (NextSequence)
//	accounts        id → account record, binary (records.go, appendAccount); in ID order
//	per_account     everything a sync writes about one account, in one key range
//	                acct | kind | …, so that a sync dirties few pages:
//	  kindTxStats   acct|1                      → txStats: counts kept, not recounted
//	  kindTxRow     acct|2|BE(pos)              → tx row (records.go); pos is the row's
//	                index in the account's history, oldest first: a page is one Seek
//	  kindTxID      acct|3|bank tx ID           → mark: the bank's IDs are unique
//	  kindSnapshot  acct|4|BE(seq)              → snapshotRecord JSON; seq from 1
//	  kindEvent     acct|5|BE(event seq)        → mark: the account's webhook log
//	  kindPending   acct|6|BE(event seq)        → timeKey(NextAttemptAt): pending
//	                events; the first of an account's range is its head
//	  kindJob       acct|7|timeKey(start)|job ID → mark: sync jobs by start
//	sync_jobs       job ID → syncJobRecord JSON
//	connect_codes   code → connectCodeRecord JSON
//	reauth_tokens   token → reauthTokenRecord JSON
//	events          BE(seq) → eventRecord JSON; seq global, from 1 (bucket sequence)
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
const schemaVersion = 3

// appID marks a bbolt file as sandbank's.
const appID = "sandbank"

var (
	bucketMeta          = []byte("meta")
	bucketConfig        = []byte("config")
	bucketSequences     = []byte("sequences")
	bucketAccounts      = []byte("accounts")
	bucketPerAccount    = []byte("per_account")
	bucketSyncJobs      = []byte("sync_jobs")
	bucketConnectCodes  = []byte("connect_codes")
	bucketReauthTokens  = []byte("reauth_tokens")
	bucketEvents        = []byte("events")
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

	keySchema   = []byte("schema")
	keyApp      = []byte("app")
	keySettings = []byte("settings")
	keyClock    = []byte("clock")
)

// Kinds of record in per_account: the byte after the account prefix.
const (
	kindTxStats  byte = 1
	kindTxRow    byte = 2
	kindTxID     byte = 3
	kindSnapshot byte = 4
	kindEvent    byte = 5
	kindPending  byte = 6
	kindJob      byte = 7
)

// currentBuckets are the top-level buckets of schemaVersion, created at every open.
var currentBuckets = [][]byte{
	bucketMeta, bucketConfig, bucketSequences, bucketAccounts, bucketPerAccount,
	bucketSyncJobs, bucketConnectCodes, bucketReauthTokens,
	bucketEvents, bucketEventIDs, bucketOutboxDue, bucketStatementJobs, bucketBankJournal, bucketLinks,
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
}

// v1Buckets are the buckets schema v1 created.
var v1Buckets = [][]byte{
	bucketMeta, bucketConfig, bucketSequences, bucketAccounts,
	bucketTxV1, bucketTxIDsV1, bucketSnapshotsV1,
	bucketSyncJobs, bucketSyncJobsByAccV1, bucketConnectCodes, bucketReauthTokens,
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
		{bucketTxIDsV1, kindTxID}, {bucketSnapshotsV1, kindSnapshot}, {bucketSyncJobsByAccV1, kindJob},
		{bucketEventsByAccV1, kindEvent}, {bucketOutboxPendingV1, kindPending},
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
		return per.Put(kindKey(acct, kindTxStats), st.encode())
	}
	c := old.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		a, ok := splitAcctKey(k)
		if !ok || len(k) != len(a)+16 {
			return fmt.Errorf("v1 transaction key %x is malformed", k)
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
			return fmt.Errorf("key %x is malformed", k)
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
		return 0, false, fmt.Errorf("schema version %x is malformed", v)
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
// current buckets. A file with data is checked whole first: a migration rewrites
// much of it, and must not build on a damaged page.
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
	return createBuckets(tx, currentBuckets)
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

// txIDKey is acct | kindTxID | bank transaction ID, from the kindTxID prefix.
func txIDKey(prefix []byte, id string) []byte {
	k := make([]byte, 0, len(prefix)+len(id))
	return append(append(k, prefix...), id...)
}

// dueKey is timeKey(at) | BE(seq).
func dueKey(at uint64, seq uint64) []byte {
	k := make([]byte, 0, 16)
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k, at), seq)
}

// jobKey is acct | kindJob | timeKey(startedAt) | job ID.
func jobKey(accountID string, startedAt time.Time, id string) []byte {
	k := acctKind(accountID, kindJob)
	k = binary.BigEndian.AppendUint64(k, timeKey(startedAt))
	return append(k, id...)
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
