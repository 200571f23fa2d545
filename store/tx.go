package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// tx implements engine.Tx on one bbolt transaction. It holds nothing but the
// transaction, so a rollback leaves no trace anywhere.
type tx struct {
	btx  *bolt.Tx
	path string // the file's, for an error of damage
	// sched holds the moves of auto_sync_due entries PutAccount made in this
	// transaction, applied at its end (flushSchedule): see PutAccount.
	sched map[string]*schedMove
	// settings is what Settings read or PutSettings wrote in this transaction:
	// every event a sync adds decides from them whether it is delivered (R4),
	// and decoding them each time cost a year's jump its share of a second.
	settings *engine.Settings
}

var _ engine.Tx = (*tx)(nil)

var errTxDone = errors.New("store: the transaction has ended; use the Tx only inside its View or Update")

// mark is the value of index entries that only need to exist (bbolt can't tell a
// nil value from a missing key inside the transaction that wrote it).
var mark = []byte{1}

// bucket returns a top-level bucket, all of which open creates.
func (t *tx) bucket(name []byte) *bolt.Bucket {
	if t.btx == nil {
		panic(errTxDone)
	}
	b := t.btx.Bucket(name)
	if b == nil {
		panic(fmt.Errorf("bucket %s is missing", name))
	}
	if fill, ok := appendFill[string(name)]; ok {
		b.FillPercent = fill
	}
	return b
}

// appendFill fills the pages of buckets written mostly at the end of their key
// ranges (an account's rows and IDs, events and their attempts, the journal)
// before splitting them, instead of bbolt's half: the pages left behind stay full,
// so the file holds fewer, and a sync writes fewer.
var appendFill = map[string]float64{
	string(bucketPerAccount): 0.9, string(bucketEvents): 1, string(bucketAttempts): 1, string(bucketBankJournal): 1,
}

// guard turns a panic inside bbolt, which a damaged page can cause, into an error:
// every exported method starts with defer t.guard(&err).
func (t *tx) guard(err *error) {
	if r := recover(); r != nil {
		if r == errTxDone {
			*err = errTxDone
			return
		}
		*err = corrupt(t.path, r)
	}
}

func notFound(format string, args ...any) error {
	return engine.Errorf(engine.ENOTFOUND, format, args...)
}

var errMissing = errors.New("record is missing")

// getJSON decodes the record at key into r, or returns errMissing.
func getJSON(b *bolt.Bucket, key []byte, what string, r any) error {
	v := b.Get(key)
	if v == nil {
		return errMissing
	}
	return decodeJSON(what, v, r)
}

// orNotFound turns errMissing into an ENOTFOUND error with the given message.
func orNotFound(err error, format string, args ...any) error {
	if err == errMissing {
		return notFound(format, args...)
	}
	return err
}

func putJSON(b *bolt.Bucket, key []byte, r any) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return b.Put(key, v)
}

// ---- settings, clock, sequences ----

func (t *tx) Settings() (s engine.Settings, err error) {
	defer t.guard(&err)
	b := t.bucket(bucketConfig) // first: a Tx used after its end says so
	if t.settings != nil {
		return *t.settings, nil
	}
	var r settingsRecord
	if err := getJSON(b, keySettings, "settings", &r); err != nil {
		return s, orNotFound(err, "no settings saved yet")
	}
	s = r.settings()
	t.settings = &s
	return s, nil
}

func (t *tx) PutSettings(s engine.Settings) (err error) {
	defer t.guard(&err)
	if err := putJSON(t.bucket(bucketConfig), keySettings, toSettingsRecord(s)); err != nil {
		return err
	}
	t.settings = &s
	return nil
}

func (t *tx) ClockState() (c engine.ClockState, err error) {
	defer t.guard(&err)
	var r clockRecord
	if err := getJSON(t.bucket(bucketConfig), keyClock, "clock state", &r); err != nil {
		return c, orNotFound(err, "no clock state saved yet")
	}
	return engine.ClockState(r), nil
}

func (t *tx) PutClockState(c engine.ClockState) (err error) {
	defer t.guard(&err)
	return putJSON(t.bucket(bucketConfig), keyClock, clockRecord(c))
}

func (t *tx) NextSequence(name string) (n uint64, err error) {
	defer t.guard(&err)
	if name == "" {
		return 0, engine.Invalid("name", "sequence name is empty")
	}
	b := t.bucket(bucketSequences)
	if v := b.Get([]byte(name)); v != nil {
		if len(v) != 8 {
			return 0, damagef("sequence %q is malformed", name)
		}
		n = binary.BigEndian.Uint64(v)
	}
	n++
	return n, b.Put([]byte(name), binary.BigEndian.AppendUint64(nil, n))
}

func (t *tx) NextAccountSequence(accountID string) (n uint64, err error) {
	defer t.guard(&err)
	if err := checkAccountID(accountID); err != nil {
		return 0, err
	}
	per := t.bucket(bucketPerAccount)
	key := acctKind(accountID, kindCounter)
	if v := per.Get(key); v != nil {
		if len(v) != 8 {
			return 0, damagef("the counter of account %s is malformed", accountID)
		}
		n = binary.BigEndian.Uint64(v)
	}
	n++
	return n, per.Put(key, binary.BigEndian.AppendUint64(nil, n))
}

// ---- accounts ----

func (t *tx) Account(id string) (a engine.Account, err error) {
	defer t.guard(&err)
	v := t.bucket(bucketAccounts).Get([]byte(id))
	if v == nil {
		return a, notFound("account %s not found", id)
	}
	if a, err = decodeAccountRecord(v); err != nil {
		return a, fmt.Errorf("account %s: %w", id, err)
	}
	return a, nil
}

func (t *tx) Accounts() (as []engine.Account, err error) {
	defer t.guard(&err)
	err = t.bucket(bucketAccounts).ForEach(func(k, v []byte) error {
		a, err := decodeAccountRecord(v)
		if err != nil {
			return fmt.Errorf("account %s: %w", k, err)
		}
		as = append(as, a)
		return nil
	})
	return as, err
}

func (t *tx) PutAccount(a engine.Account) (err error) {
	defer t.guard(&err)
	if err := checkAccountID(a.ID); err != nil {
		return err
	}
	accounts := t.bucket(bucketAccounts)
	var oldAt uint64
	var wasListed bool
	if old := accounts.Get([]byte(a.ID)); old != nil {
		if oldAt, wasListed, err = accountSchedule(old); err != nil {
			return fmt.Errorf("account %s: %w", a.ID, err)
		}
	}
	newAt, listed := timeKey(a.NextAutoSyncAt), a.Linked() && !a.NextAutoSyncAt.IsZero()
	if wasListed != listed || oldAt != newAt {
		t.moveSchedule(a.ID, schedMove{oldAt, wasListed, newAt, listed})
	}
	return accounts.Put([]byte(a.ID), appendAccount(nil, a))
}

// schedMove is an account's entry in auto_sync_due as the transaction found it
// (from) and as it must leave it (to).
type schedMove struct {
	fromAt     uint64
	fromListed bool
	toAt       uint64
	toListed   bool
}

// moveSchedule records that an account's entry in auto_sync_due moves; the move is
// applied when the transaction ends (flushSchedule), once however often the
// account moved in it. A batch of a jump's syncs moves each account several times,
// and every entry it inserts lands in the one in-memory node of the index's last
// page, which bbolt splits only at commit: deleting from the front of that node
// copied all of it (7% of a jump's CPU at 10,000 accounts).
// Applied at the end, each move deletes from a page as committed and inserts in
// key order, at the end of the node.
func (t *tx) moveSchedule(id string, m schedMove) {
	if t.sched == nil {
		t.sched = map[string]*schedMove{}
	}
	if prev := t.sched[id]; prev != nil {
		prev.toAt, prev.toListed = m.toAt, m.toListed
		return
	}
	t.sched[id] = &m
}

// flushSchedule applies the transaction's moves of auto_sync_due entries: before
// anything reads the index inside the transaction, and before it commits.
func (t *tx) flushSchedule() (err error) {
	defer t.guard(&err)
	if len(t.sched) == 0 {
		return nil
	}
	due := t.bucket(bucketAutoSync)
	var puts [][]byte
	for id, m := range t.sched {
		if m.fromListed == m.toListed && m.fromAt == m.toAt {
			continue
		}
		if m.fromListed {
			if err := due.Delete(schedKey(m.fromAt, id)); err != nil {
				return err
			}
		}
		if m.toListed {
			puts = append(puts, schedKey(m.toAt, id))
		}
	}
	t.sched = nil
	slices.SortFunc(puts, bytes.Compare)
	for _, k := range puts {
		if err := due.Put(k, mark); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) ScheduledSyncs(from, until time.Time, limit int) (out []engine.ScheduledSync, err error) {
	defer t.guard(&err)
	if err := t.flushSchedule(); err != nil {
		return nil, err
	}
	end := timeKey(until)
	c := t.bucket(bucketAutoSync).Cursor()
	for k, _ := c.Seek(binary.BigEndian.AppendUint64(nil, timeKey(from))); k != nil; k, _ = c.Next() {
		at := beUint64(k)
		if at > end {
			break
		}
		out = append(out, engine.ScheduledSync{AccountID: string(k[8:]), At: timeFromKey(at)})
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// ---- an account's history: snapshots, sync jobs, event marks ----

// histEntry is an entry of an account's history range (kindHistory): its key and
// value as bbolt holds them, and the ID its key ends with.
type histEntry struct {
	k, v []byte
	id   histID
}

func (h histEntry) snapshot(accountID string) (engine.Snapshot, error) {
	seq, ok := h.id.seq()
	if !ok {
		return engine.Snapshot{}, damagef("snapshot key %x is malformed", h.k)
	}
	return decodeSnapshot(accountID, seq, h.v)
}

// history yields the entries of kind what in the history range prefix starts,
// newest first, walking c from the range's start. A sync puts its snapshot, job
// and event mark together at that start, so the latest of each is a step or two
// away.
func history(c *bolt.Cursor, prefix []byte, what byte) iter.Seq[histEntry] {
	return historyFrom(c, prefix, what, nil)
}

// historyFrom is history starting before the key before (nil: at the end).
func historyFrom(c *bolt.Cursor, prefix []byte, what byte, before []byte) iter.Seq[histEntry] {
	return func(yield func(histEntry) bool) {
		var k, v []byte
		if before == nil {
			k, v = c.Seek(prefix)
		} else if k, v = c.Seek(before); bytes.Equal(k, before) {
			k, v = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			_, w, id, ok := splitHistory(prefix, k)
			if !ok || w != what {
				continue
			}
			if !yield(histEntry{k: k, v: v, id: id}) {
				return
			}
		}
	}
}

// ---- snapshots ----

func (t *tx) AddSnapshot(s engine.Snapshot) (_ engine.Snapshot, err error) {
	defer t.guard(&err)
	if err := checkAccountID(s.AccountID); err != nil {
		return s, err
	}
	b := t.bucket(bucketPerAccount)
	s.Seq = 1
	for h := range history(b.Cursor(), acctKind(s.AccountID, kindHistory), histSnapshot) {
		seq, ok := h.id.seq()
		if !ok {
			return s, damagef("snapshot key %x is malformed", h.k)
		}
		s.Seq = seq + 1
		break
	}
	return s, b.Put(snapshotKey(s.AccountID, s.At, s.Seq), appendSnapshot(nil, s))
}

func (t *tx) PutSnapshot(s engine.Snapshot) (err error) {
	defer t.guard(&err)
	if err := checkAccountID(s.AccountID); err != nil {
		return err
	}
	key := snapshotKey(s.AccountID, s.At, s.Seq)
	b := t.bucket(bucketPerAccount)
	if b.Get(key) == nil {
		return notFound("account %s has no snapshot %d", s.AccountID, s.Seq)
	}
	return b.Put(key, appendSnapshot(nil, s))
}

func (t *tx) Snapshots(accountID string, limit int) (ss []engine.Snapshot, err error) {
	defer t.guard(&err)
	for h := range history(t.bucket(bucketPerAccount).Cursor(), acctKind(accountID, kindHistory), histSnapshot) {
		s, err := h.snapshot(accountID)
		if err != nil {
			return nil, err
		}
		ss = append(ss, s)
		if limit > 0 && len(ss) == limit {
			break
		}
	}
	return ss, nil
}

func (t *tx) LatestSnapshot(accountID string) (s engine.Snapshot, err error) {
	defer t.guard(&err)
	for h := range history(t.bucket(bucketPerAccount).Cursor(), acctKind(accountID, kindHistory), histSnapshot) {
		return h.snapshot(accountID)
	}
	return s, notFound("account %s has no snapshot yet", accountID)
}

// ---- sync jobs ----

func (t *tx) PutSyncJob(j engine.SyncJob) (err error) {
	defer t.guard(&err)
	if j.ID == "" {
		return engine.Invalid("id", "sync job ID is empty")
	}
	if err := checkAccountID(j.AccountID); err != nil {
		return err
	}
	return t.bucket(bucketPerAccount).Put(jobKey(j.AccountID, j.StartedAt, j.ID), appendJob(nil, j))
}

func (t *tx) SyncJob(accountID, id string) (j engine.SyncJob, err error) {
	defer t.guard(&err)
	// Newest first: the job asked for is almost always the account's latest (a
	// real-time job that is running or just ended).
	for h := range history(t.bucket(bucketPerAccount).Cursor(), acctKind(accountID, kindHistory), histJob) {
		if h.id.is(id) {
			return decodeJob(h.v)
		}
	}
	return j, notFound("account %s has no sync job %s", accountID, id)
}

func (t *tx) SyncJobs(accountID string, limit int) (js []engine.SyncJob, err error) {
	defer t.guard(&err)
	for h := range history(t.bucket(bucketPerAccount).Cursor(), acctKind(accountID, kindHistory), histJob) {
		j, err := decodeJob(h.v)
		if err != nil {
			return nil, fmt.Errorf("sync job %x: %w", h.k, err)
		}
		js = append(js, j)
		if limit > 0 && len(js) == limit {
			break
		}
	}
	return js, nil
}

// ---- connect codes, reauth tokens, statement jobs ----

func (t *tx) PutConnectCode(c engine.ConnectCode) (err error) {
	defer t.guard(&err)
	if c.Code == "" {
		return engine.Invalid("code", "connect code is empty")
	}
	return putJSON(t.bucket(bucketConnectCodes), []byte(c.Code), toConnectCodeRecord(c))
}

func (t *tx) ConnectCode(code string) (c engine.ConnectCode, err error) {
	defer t.guard(&err)
	var r connectCodeRecord
	if err := getJSON(t.bucket(bucketConnectCodes), []byte(code), "connect code", &r); err != nil {
		return c, orNotFound(err, "connect code not found")
	}
	return r.connectCode(), nil
}

func (t *tx) PutReauthToken(r engine.ReauthToken) (err error) {
	defer t.guard(&err)
	if r.Token == "" {
		return engine.Invalid("token", "reauth token is empty")
	}
	return putJSON(t.bucket(bucketReauthTokens), []byte(r.Token), reauthTokenRecord(r))
}

func (t *tx) ReauthToken(token string) (rt engine.ReauthToken, err error) {
	defer t.guard(&err)
	var r reauthTokenRecord
	if err := getJSON(t.bucket(bucketReauthTokens), []byte(token), "reauth token", &r); err != nil {
		return rt, orNotFound(err, "reauth token not found")
	}
	return engine.ReauthToken(r), nil
}

func (t *tx) PutStatementJob(j engine.StatementJob) (err error) {
	defer t.guard(&err)
	if j.ID == "" {
		return engine.Invalid("id", "statement job ID is empty")
	}
	return putJSON(t.bucket(bucketStatementJobs), []byte(j.ID), statementJobRecord(j))
}

func (t *tx) StatementJob(id string) (j engine.StatementJob, err error) {
	defer t.guard(&err)
	var r statementJobRecord
	if err := getJSON(t.bucket(bucketStatementJobs), []byte(id), "statement job", &r); err != nil {
		return j, orNotFound(err, "statement job %q not found", id)
	}
	return engine.StatementJob(r), nil
}

func (t *tx) PutLink(l engine.Link) (err error) {
	defer t.guard(&err)
	if l.ID == "" {
		return engine.Invalid("id", "link ID is empty")
	}
	return putJSON(t.bucket(bucketLinks), []byte(l.ID), toLinkRecord(l))
}

func (t *tx) Link(id string) (l engine.Link, err error) {
	defer t.guard(&err)
	var r linkRecord
	if err := getJSON(t.bucket(bucketLinks), []byte(id), "link", &r); err != nil {
		return l, orNotFound(err, "link not found")
	}
	return r.link(), nil
}

// beUint64 reads a big-endian uint64 that the schema says is there.
func beUint64(b []byte) uint64 {
	if len(b) < 8 {
		panic(fmt.Errorf("%d-byte value where 8 were expected", len(b)))
	}
	return binary.BigEndian.Uint64(b)
}

// timeOf is the inverse of timeKey for values read from the file.
func timeOf(b []byte) time.Time { return timeFromKey(beUint64(b)) }
