package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// tx implements engine.Tx on one bbolt transaction. It holds nothing but the
// transaction, so a rollback leaves no trace anywhere.
type tx struct {
	btx *bolt.Tx
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
	return b
}

// guard turns a panic inside bbolt, which a damaged page can cause, into an error:
// every exported method starts with defer t.guard(&err).
func (t *tx) guard(err *error) {
	if r := recover(); r != nil {
		if r == errTxDone {
			*err = errTxDone
			return
		}
		*err = corrupt(r)
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
	var r settingsRecord
	if err := getJSON(t.bucket(bucketConfig), keySettings, "settings", &r); err != nil {
		return s, orNotFound(err, "no settings saved yet")
	}
	return r.settings(), nil
}

func (t *tx) PutSettings(s engine.Settings) (err error) {
	defer t.guard(&err)
	return putJSON(t.bucket(bucketConfig), keySettings, toSettingsRecord(s))
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
			return 0, fmt.Errorf("sequence %q is malformed", name)
		}
		n = binary.BigEndian.Uint64(v)
	}
	n++
	return n, b.Put([]byte(name), binary.BigEndian.AppendUint64(nil, n))
}

// ---- accounts ----

func (t *tx) Account(id string) (a engine.Account, err error) {
	defer t.guard(&err)
	v := t.bucket(bucketAccounts).Get([]byte(id))
	if v == nil {
		return a, notFound("account %s not found", id)
	}
	return decodeAccountRecord(v)
}

func (t *tx) Accounts() (as []engine.Account, err error) {
	defer t.guard(&err)
	err = t.bucket(bucketAccounts).ForEach(func(k, v []byte) error {
		a, err := decodeAccountRecord(v)
		as = append(as, a)
		return err
	})
	return as, err
}

func (t *tx) PutAccount(a engine.Account) (err error) {
	defer t.guard(&err)
	if err := checkAccountID(a.ID); err != nil {
		return err
	}
	return t.bucket(bucketAccounts).Put([]byte(a.ID), appendAccount(nil, a))
}

// ---- snapshots ----

func (t *tx) AddSnapshot(s engine.Snapshot) (_ engine.Snapshot, err error) {
	defer t.guard(&err)
	if err := checkAccountID(s.AccountID); err != nil {
		return s, err
	}
	prefix := acctKind(s.AccountID, kindSnapshot)
	b := t.bucket(bucketPerAccount)
	s.Seq = 1
	if k, _ := lastWithPrefix(b.Cursor(), prefix); k != nil {
		s.Seq = beUint64(k[len(prefix):]) + 1
	}
	return s, putJSON(b, seqKey(prefix, s.Seq), snapshotRecord(s))
}

func (t *tx) Snapshots(accountID string, limit int) (ss []engine.Snapshot, err error) {
	defer t.guard(&err)
	prefix := acctKind(accountID, kindSnapshot)
	c := t.bucket(bucketPerAccount).Cursor()
	for k, v := lastWithPrefix(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		var r snapshotRecord
		if err := decodeJSON("snapshot", v, &r); err != nil {
			return nil, err
		}
		ss = append(ss, engine.Snapshot(r))
		if limit > 0 && len(ss) == limit {
			break
		}
	}
	return ss, nil
}

func (t *tx) LatestSnapshot(accountID string) (s engine.Snapshot, err error) {
	defer t.guard(&err)
	k, v := lastWithPrefix(t.bucket(bucketPerAccount).Cursor(), acctKind(accountID, kindSnapshot))
	if k == nil {
		return s, notFound("account %s has no snapshot yet", accountID)
	}
	var r snapshotRecord
	err = decodeJSON("snapshot", v, &r)
	return engine.Snapshot(r), err
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
	jobs, byAcct := t.bucket(bucketSyncJobs), t.bucket(bucketPerAccount)
	var old syncJobRecord
	err = getJSON(jobs, []byte(j.ID), "sync job", &old)
	if err != nil && err != errMissing {
		return err
	}
	key := jobKey(j.AccountID, j.StartedAt, j.ID)
	if err == nil {
		if oldKey := jobKey(old.AccountID, old.StartedAt, old.ID); !bytes.Equal(oldKey, key) {
			if err := byAcct.Delete(oldKey); err != nil {
				return err
			}
		}
	}
	if err := byAcct.Put(key, mark); err != nil {
		return err
	}
	return putJSON(jobs, []byte(j.ID), syncJobRecord(j))
}

func (t *tx) SyncJob(id string) (j engine.SyncJob, err error) {
	defer t.guard(&err)
	var r syncJobRecord
	if err := getJSON(t.bucket(bucketSyncJobs), []byte(id), "sync job", &r); err != nil {
		return j, orNotFound(err, "sync job %s not found", id)
	}
	return engine.SyncJob(r), nil
}

func (t *tx) SyncJobs(accountID string, limit int) (js []engine.SyncJob, err error) {
	defer t.guard(&err)
	prefix := acctKind(accountID, kindJob)
	jobs := t.bucket(bucketSyncJobs)
	c := t.bucket(bucketPerAccount).Cursor()
	for k, _ := lastWithPrefix(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		id := k[len(prefix)+8:]
		var r syncJobRecord
		if err := getJSON(jobs, id, "sync job", &r); err != nil {
			return nil, fmt.Errorf("sync job %q of the index: %w", id, err)
		}
		js = append(js, engine.SyncJob(r))
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
		return j, orNotFound(err, "statement job %s not found", id)
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
