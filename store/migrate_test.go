package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

var generateV1 = flag.Bool("generate-v1", false, "rewrite testdata/v1.db, a file of schema v1, from v1Fixture")

const v1File = "testdata/v1.db"

// v1Data is what testdata/v1.db holds.
type v1Data struct {
	settings  engine.Settings
	clock     engine.ClockState
	accounts  []engine.Account
	txs       map[string][]engine.Transaction // per account, in insertion order
	snapshots []engine.Snapshot
	jobs      []engine.SyncJob
	codes     []engine.ConnectCode
	tokens    []engine.ReauthToken
	events    []engine.Event // Seq 1.. in order
	stmt      engine.StatementJob
	sequences map[string]uint64
	journal   [][]byte
}

const (
	v1AccountA = "5f171a530295e231abca1153"
	v1AccountB = "61e6b3aa0000000000000001"
)

// oldAccount is an account as files before v2's API held it: without its fields.
func oldAccount(id string) engine.Account {
	a := sampleAccount(id)
	a.Customer, a.Ref, a.LastRealtimeJob, a.LastRealtimeAt = "", "", "", time.Time{}
	a.Reauths = 0
	return a
}

func v1Fixture() v1Data {
	d := v1Data{
		settings: engine.Settings{SecretKey: "test_sk_v1", PublicKey: "test_pk_v1", WebhookURL: "http://127.0.0.1:8080/hook",
			WebhookSecret: "whsec_v1", DataSyncEnabledAt: at(0), AutoSync: 24 * time.Hour, IDNamespace: "v1world"},
		clock:     engine.ClockState{Now: at(600), Wall: at(700), Speed: 1, Paused: false},
		accounts:  []engine.Account{oldAccount(v1AccountA), oldAccount(v1AccountB)},
		txs:       map[string][]engine.Transaction{},
		sequences: map[string]uint64{"account": 2, "event": 4, "sync": 3},
		journal:   [][]byte{[]byte(`{"kind":"spend","amount":5000}`), []byte(`{"kind":"password"}`)},
	}
	d.accounts[1].UnlinkedAt = time.Time{}
	// A: 30 in the first sync, then 10 more of which three were posted late, one
	// of them at the very minute of an earlier one (it sorts after it).
	for i := range 30 {
		d.txs[v1AccountA] = append(d.txs[v1AccountA], bankTx(v1AccountA, i*3)) // minutes 0, 3, … 87 (one in ten late)
	}
	for i := 30; i < 40; i++ {
		x := bankTx(v1AccountA, i*3)
		switch i {
		case 31:
			x.Date = at(10)
		case 33:
			x.Date = at(36)
		case 35:
			x.Date = at(-20)
		}
		d.txs[v1AccountA] = append(d.txs[v1AccountA], x)
	}
	for i := range 5 {
		d.txs[v1AccountB] = append(d.txs[v1AccountB], bankTx(v1AccountB, i))
	}
	d.snapshots = []engine.Snapshot{
		{AccountID: v1AccountA, Seq: 1, At: at(100), Balance: 10, NewTransactions: 30, TotalTransactions: 30, Trigger: engine.TriggerConnect},
		{AccountID: v1AccountA, Seq: 2, At: at(200), Balance: 20, NewTransactions: 10, TotalTransactions: 40, Trigger: engine.TriggerManual},
		{AccountID: v1AccountB, Seq: 1, At: at(150), Balance: 30, NewTransactions: 5, TotalTransactions: 5, Trigger: engine.TriggerConnect},
	}
	for i, s := range d.snapshots {
		d.jobs = append(d.jobs, engine.SyncJob{ID: fmt.Sprint("job", i+1), AccountID: s.AccountID, Trigger: s.Trigger,
			StartedAt: s.At, FinishedAt: s.At.Add(time.Second), Status: engine.StatusSyncSuccessful,
			Code: engine.CodeSyncSuccessful, HasNewData: true, NewTransactions: s.NewTransactions})
	}
	d.codes = []engine.ConnectCode{{Code: "code-v1", Institution: "044", CustomerID: "cus_1", Number: "0788164862",
		Credentials: engine.Credentials{Username: "adam", Password: "pw"}, CreatedAt: at(1), ExpiresAt: at(11), UsedAt: at(2), AccountID: v1AccountA}}
	d.tokens = []engine.ReauthToken{{Token: "tok-v1", AccountID: v1AccountA, CreatedAt: at(300), ExpiresAt: at(310)}}
	ev := func(seq uint64, acct, status string, next int) engine.Event {
		return engine.Event{ID: fmt.Sprint("ev", seq), Seq: seq, Type: engine.EventAccountUpdated, AccountID: acct,
			CreatedAt: at(int(seq)), FrozenBody: []byte(`{"event":"mono.events.account_updated"}`), Status: status, NextAttemptAt: at(next)}
	}
	d.events = []engine.Event{
		ev(1, v1AccountA, engine.DeliveryDelivered, 0),
		ev(2, v1AccountA, engine.DeliveryPending, 500),
		ev(3, v1AccountB, engine.DeliveryPending, 100),
		ev(4, v1AccountA, engine.DeliveryPending, 50), // due earlier, but waits behind ev2
	}
	d.events[0].Attempts = []engine.Attempt{{N: 1, At: at(1), URL: "http://127.0.0.1:8080/hook", StatusCode: 204, Latency: time.Millisecond}}
	d.events[0].DeliveredAt = at(1)
	d.stmt = engine.StatementJob{ID: "stmt-v1", AccountID: v1AccountA, Months: 3, From: at(-100), To: at(600), CreatedAt: at(600), Status: "BUILT"}
	return d
}

// TestGenerateV1 writes testdata/v1.db the way schema v1 laid it out. It runs only
// with: go test ./store -run TestGenerateV1 -generate-v1
func TestGenerateV1(t *testing.T) {
	if !*generateV1 {
		t.Skip("pass -generate-v1 to rewrite " + v1File)
	}
	_ = os.Remove(v1File)
	db, err := bolt.Open(v1File, 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := v1Fixture()
	err = db.Update(func(tx *bolt.Tx) error {
		if err := migrateToV1(tx); err != nil {
			return err
		}
		if err := putMeta(tx, 1); err != nil {
			return err
		}
		put := func(bucket, key []byte, v any) {
			if err == nil {
				var raw []byte
				if b, ok := v.([]byte); ok {
					raw = b
				} else if raw, err = json.Marshal(v); err != nil {
					return
				}
				err = tx.Bucket(bucket).Put(key, raw)
			}
		}
		be := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
		cat := func(parts ...[]byte) []byte { return slices.Concat(parts...) }

		put(bucketConfig, keySettings, toSettingsRecord(d.settings))
		put(bucketConfig, keyClock, clockRecord(d.clock))
		for name, n := range d.sequences {
			put(bucketSequences, []byte(name), be(n))
		}
		for _, a := range d.accounts {
			put(bucketAccounts, []byte(a.ID), toAccountRecord(a))
		}
		for acct, txs := range d.txs {
			for seq, x := range txs {
				put(bucketTxV1, cat(acctKey(acct), be(timeKey(x.Date)), be(uint64(seq+1))), appendTxBody(nil, newTxBody(x)))
				put(bucketTxIDsV1, cat(acctKey(acct), []byte(x.ID)), mark)
			}
		}
		for _, s := range d.snapshots {
			put(bucketSnapshotsV1, cat(acctKey(s.AccountID), be(s.Seq)), snapshotRecordV4{AccountID: s.AccountID, Seq: s.Seq, At: s.At, Balance: s.Balance,
				NewTransactions: s.NewTransactions, TotalTransactions: s.TotalTransactions, Trigger: s.Trigger})
		}
		for _, j := range d.jobs {
			put(bucketSyncJobsV4, []byte(j.ID), syncJobRecord{ID: j.ID, AccountID: j.AccountID, Trigger: j.Trigger, StartedAt: j.StartedAt,
				FinishedAt: j.FinishedAt, Status: j.Status, Code: j.Code, Message: j.Message, HasNewData: j.HasNewData, NewTransactions: j.NewTransactions})
			put(bucketSyncJobsByAccV1, cat(acctKey(j.AccountID), be(timeKey(j.StartedAt)), []byte(j.ID)), mark)
		}
		for _, c := range d.codes {
			put(bucketConnectCodes, []byte(c.Code), toConnectCodeRecord(c))
		}
		for _, r := range d.tokens {
			put(bucketReauthTokens, []byte(r.Token), reauthTokenRecord(r))
		}
		heads := map[string]engine.Event{}
		for _, e := range d.events {
			put(bucketEvents, be(e.Seq), toEventRecordV4(e))
			put(bucketEventIDs, []byte(e.ID), be(e.Seq))
			put(bucketEventsByAccV1, cat(acctKey(e.AccountID), be(e.Seq)), mark)
			if e.Status == engine.DeliveryPending {
				put(bucketOutboxPendingV1, cat(acctKey(e.AccountID), be(e.Seq)), be(timeKey(e.NextAttemptAt)))
				if _, ok := heads[e.AccountID]; !ok {
					heads[e.AccountID] = e
				}
			}
		}
		for _, h := range heads {
			put(bucketOutboxDue, dueKey(timeKey(h.NextAttemptAt), h.Seq), mark)
		}
		if err == nil {
			err = tx.Bucket(bucketEvents).SetSequence(uint64(len(d.events)))
		}
		put(bucketStatementJobs, []byte(d.stmt.ID), statementJobRecord(d.stmt))
		for i, j := range d.journal {
			put(bucketBankJournal, be(uint64(i+1)), j)
		}
		if err == nil {
			err = tx.Bucket(bucketBankJournal).SetSequence(uint64(len(d.journal)))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// v2File is testdata/v1.db as schema v2 left it after migrating it (made by
// opening a copy with the v2 build, commit dfd6c22): the file of the version just
// before the current one. It cannot be regenerated by today's code, which writes v3.
const v2File = "testdata/v2.db"

// TestMigrateFromV1 opens a copy of testdata/v1.db and checks that everything in it
// reads back through the current schema, and that the migrated file takes writes.
func TestMigrateFromV1(t *testing.T) { testMigrateFrom(t, v1File, 1) }

// TestMigrateFromV2 does the same from schema v2: v2 kept accounts as JSON, v3 in
// binary.
func TestMigrateFromV2(t *testing.T) { testMigrateFrom(t, v2File, 2) }

// v3File is testdata/v1.db as schema v3 left it after migrating it (made by opening
// a copy with the v3 build, commit b1da853): the file of the version just before
// the current one. It cannot be regenerated by today's code, which writes v6.
const v3File = "testdata/v3.db"

// TestMigrateFromV3 does the same from schema v3, which had no index of automatic
// syncs (v4) and kept each event's attempts inside its record (v5).
func TestMigrateFromV3(t *testing.T) { testMigrateFrom(t, v3File, 3) }

func testMigrateFrom(t *testing.T, file string, version uint32) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db") // a copy: opening migrates it
	must(t, writeFile(path, src))
	var before uint32
	withBolt(t, path, func(tx *bolt.Tx) error {
		before = schemaOf(tx)
		if v := tx.Bucket(bucketAccounts).Get([]byte(v1AccountA)); version < 3 && (len(v) == 0 || v[0] != '{') {
			t.Errorf("%s does not hold a JSON account record, as v1 and v2 did: %q", file, v)
		}
		if v := tx.Bucket(bucketEvents).Get(seqKey(nil, 1)); !bytes.Contains(v, []byte(`"attempts":[{`)) {
			t.Errorf("%s does not hold an event record with its attempts, as v1 to v4 did: %s", file, v)
		}
		return nil
	})
	if before != version {
		t.Fatalf("%s is schema v%d, want v%d", file, before, version)
	}

	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if from, to := db.Upgraded(); from != version || to != schemaVersion {
		t.Errorf("Upgraded = v%d to v%d, want v%d to v%d: the caller says so", from, to, version, schemaVersion)
	}
	must(t, db.bolt.View(func(tx *bolt.Tx) error {
		if v := schemaOf(tx); v != schemaVersion {
			t.Errorf("schema after open = v%d, want v%d", v, schemaVersion)
		}
		for _, name := range [][]byte{bucketTxV1, bucketTxIDsV1, bucketSnapshotsV1, bucketSyncJobsByAccV1, bucketEventsByAccV1, bucketOutboxPendingV1} {
			if tx.Bucket(name) != nil {
				t.Errorf("v1 bucket %s is still there", name)
			}
		}
		return nil
	}))
	requireIndexesConsistent(t, db)

	d := v1Fixture()
	view(t, db, func(tx engine.Tx) error {
		eq := func(name string, got any, err error, want any) {
			t.Helper()
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %+v, %v\nwant %+v", name, got, err, want)
			}
		}
		s, err := tx.Settings()
		eq("settings", s, err, d.settings)
		c, err := tx.ClockState()
		eq("clock", c, err, d.clock)
		as, err := tx.Accounts()
		eq("accounts", as, err, d.accounts)
		for acct, txs := range d.txs {
			var model []modelTx
			for i, x := range txs {
				x.AccountID = acct
				model = append(model, modelTx{x, i})
			}
			n, err := tx.TransactionCount(acct)
			eq("count of "+acct, n, err, int64(len(txs)))
			for _, q := range []engine.TxQuery{
				{AccountID: acct},
				{AccountID: acct, Limit: 7, Page: 2},
				{AccountID: acct, Type: engine.Credit, From: at(0), To: at(60), Limit: 3, Page: 2},
				{AccountID: acct, Type: engine.Debit, To: at(36)},
				{AccountID: acct, Narration: "pos 9"},
			} {
				page, err := tx.Transactions(q)
				eq(fmt.Sprintf("query %+v", q), page, err, modelQuery(model, q))
			}
		}
		for _, acct := range []string{v1AccountA, v1AccountB} {
			var want []engine.Snapshot
			for _, s := range d.snapshots {
				if s.AccountID == acct {
					want = append([]engine.Snapshot{s}, want...)
				}
			}
			got, err := tx.Snapshots(acct, 0)
			eq("snapshots of "+acct, got, err, want)
			latest, err := tx.LatestSnapshot(acct)
			eq("latest snapshot of "+acct, latest, err, want[0])
		}
		jobs, err := tx.SyncJobs(v1AccountA, 0)
		eq("jobs of A", jobs, err, []engine.SyncJob{d.jobs[1], d.jobs[0]})
		code, err := tx.ConnectCode("code-v1")
		eq("connect code", code, err, d.codes[0])
		tok, err := tx.ReauthToken("tok-v1")
		eq("reauth token", tok, err, d.tokens[0])
		stmt, err := tx.StatementJob("stmt-v1")
		eq("statement job", stmt, err, d.stmt)
		// Attempts moved out of their events into records of their own (v5).
		attempts := d.events[0].Attempts
		delivered := d.events[0]
		delivered.Attempts, delivered.AttemptsMade = nil, 1
		evs, err := tx.Events(engine.EventQuery{AccountID: v1AccountA})
		eq("events of A", evs, err, []engine.Event{d.events[3], d.events[1], delivered})
		got, err := tx.Attempts(delivered.ID, 0, 0)
		eq("attempts of ev1", got, err, attempts)
		// The index of automatic syncs lists the linked account, not the unlinked one (v4).
		sched, err := tx.ScheduledSyncs(time.Time{}, at(10), 0)
		eq("scheduled syncs", sched, err, []engine.ScheduledSync{{AccountID: v1AccountB, At: at(5)}})
		due, err := tx.DueEvents(at(200), 0)
		head := d.events[2]
		head.Facts, head.FrozenBody = engine.EventFacts{}, nil // DueEvents leaves them to Event
		eq("due at 200", due, err, []engine.Event{head})
		next, ok, err := tx.NextDue()
		eq("next due", []any{next, ok}, err, []any{at(100), true})
		return nil
	})
	journal, err := db.BankEvents()
	eq := reflect.DeepEqual(journal, d.journal)
	if err != nil || !eq {
		t.Errorf("journal = %q, %v", journal, err)
	}

	// The migrated file takes the next sync, sequences and events continue.
	update(t, db, func(tx engine.Tx) error {
		if n, err := tx.NextSequence("sync"); err != nil || n != 4 {
			t.Errorf("NextSequence(sync) = %d, %v; want 4", n, err)
		}
		added, err := tx.AddTransactions(v1AccountA, []engine.Transaction{bankTx(v1AccountA, 0), sampleTx("late", -30, engine.Credit, "late")})
		if err != nil || added != 1 {
			t.Errorf("AddTransactions = %d, %v; want 1", added, err)
		}
		if s, err := tx.AddSnapshot(engine.Snapshot{AccountID: v1AccountA}); err != nil || s.Seq != 3 {
			t.Errorf("AddSnapshot = %+v, %v; want seq 3", s, err)
		}
		e, err := tx.AppendEvent(engine.Event{ID: "ev5", AccountID: v1AccountB})
		if err != nil || e.Seq != 5 {
			t.Errorf("AppendEvent = seq %d, %v; want 5", e.Seq, err)
		}
		return nil
	})
	requireIndexesConsistent(t, db)
	view(t, db, func(tx engine.Tx) error {
		page, err := tx.Transactions(engine.TxQuery{AccountID: v1AccountA, Limit: 1, Page: 41})
		if err != nil || page.Total != 41 || len(page.Transactions) != 1 || page.Transactions[0].ID != "late" {
			t.Errorf("oldest after migration = %+v, %v", page, err)
		}
		return nil
	})
}

// toEventRecordV4 writes an event as v1 to v4 stored it: JSON, with its attempts.
func toEventRecordV4(e engine.Event) eventRecordV4 {
	r := eventRecordV4{
		ID: e.ID, Seq: e.Seq, Type: e.Type, AccountID: e.AccountID, CreatedAt: e.CreatedAt,
		Payload: e.FrozenBody, Status: e.Status, SkipReason: e.SkipReason,
		NextAttemptAt: e.NextAttemptAt, DeliveredAt: e.DeliveredAt, Replays: e.Replays,
	}
	if e.FrozenBody == nil || e.Facts.Account.ID != "" {
		r.Facts = toFactsRecord(e.Facts)
	}
	for _, a := range e.Attempts {
		r.Attempts = append(r.Attempts, attemptRecord{N: a.N, At: a.At, URL: a.URL, Format: a.Format,
			StatusCode: a.StatusCode, Latency: a.Latency, Error: a.Error})
	}
	if e.Sending != nil {
		r.Sending = &attemptRecord{N: e.Sending.N, At: e.Sending.At, URL: e.Sending.URL, Format: e.Sending.Format}
	}
	return r
}

// toAccountRecord writes an account as v1 and v2 stored it (JSON), for the files
// of those versions that the tests make.
func toAccountRecord(a engine.Account) accountRecord {
	return accountRecord{
		ID:               a.ID,
		Institution:      institutionRecord(a.Institution),
		CustomerID:       a.CustomerID,
		Number:           a.Number,
		Name:             a.Name,
		Type:             a.Type,
		Currency:         a.Currency,
		AuthMethod:       a.AuthMethod,
		ConnectedAt:      a.ConnectedAt,
		DataStatus:       a.DataStatus,
		Balance:          a.Balance,
		Identity:         identityRecord(a.Identity),
		LastSyncedAt:     a.LastSyncedAt,
		LastAttemptAt:    a.LastAttemptAt,
		LastCode:         a.LastCode,
		LastMessage:      a.LastMessage,
		LastManualSyncAt: a.LastManualSyncAt,
		NextAutoSyncAt:   a.NextAutoSyncAt,
		ReauthRequired:   a.ReauthRequired,
		ReauthReason:     a.ReauthReason,
		Username:         a.Credentials.Username,
		Password:         a.Credentials.Password.Reveal(),
		BankSession:      a.BankSession.Reveal(),

		BankSessionExpiresAt: a.BankSessionExpiresAt,
		UnlinkedAt:           a.UnlinkedAt,
	}
}

// schemaOf reads the version recorded in tx's file (0 if none).
func schemaOf(tx *bolt.Tx) uint32 {
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v := meta.Get(keySchema); len(v) == 4 {
			return binary.BigEndian.Uint32(v)
		}
	}
	return 0
}

// Migration 5 moves what v4 kept outside the account's range into it: an account's
// counter ("account/ID" in sequences) and its sync jobs (records in sync_jobs by
// ID, marks in per_account). IDs made from the counter continue where they were.
func TestMigrateV5MovesCountersAndJobs(t *testing.T) {
	path := tempPath(t)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Close())
	job := engine.SyncJob{ID: "job-7", AccountID: "acct-1", Trigger: engine.TriggerAuto, StartedAt: at(5), FinishedAt: at(6),
		Status: engine.StatusSyncSuccessful, Code: engine.CodeSyncSuccessful, Message: "synced", HasNewData: true, NewTransactions: 2}
	event := engine.Event{ID: "ev-1", Seq: 1, Type: engine.EventAccountUpdated, AccountID: "acct-1", CreatedAt: at(5),
		Facts:  engine.EventFacts{Account: engine.NewAccountFacts(sampleAccount("acct-1")), Business: "b", App: "a", Job: &job},
		Status: engine.DeliveryDelivered, DeliveredAt: at(7),
		Attempts: []engine.Attempt{{N: 1, At: at(6), URL: "http://x", Format: engine.WebhookV2, StatusCode: 503, Error: "boom"},
			{N: 2, At: at(7), URL: "http://x", Format: engine.WebhookV2, StatusCode: 200}}}
	withBolt(t, path, func(tx *bolt.Tx) error { // make it a v4 file
		seqs := tx.Bucket(bucketSequences)
		must(t, seqs.Put([]byte("account/acct-1"), binary.BigEndian.AppendUint64(nil, 7)))
		must(t, seqs.Put([]byte("account"), binary.BigEndian.AppendUint64(nil, 3)))
		jobs, err := tx.CreateBucket(bucketSyncJobsV4)
		must(t, err)
		raw, err := json.Marshal(syncJobRecord{ID: job.ID, AccountID: job.AccountID, Trigger: job.Trigger, StartedAt: job.StartedAt,
			FinishedAt: job.FinishedAt, Status: job.Status, Code: job.Code, Message: job.Message, HasNewData: true, NewTransactions: 2})
		must(t, err)
		must(t, jobs.Put([]byte(job.ID), raw))
		must(t, tx.Bucket(bucketPerAccount).Put(jobKeyV7(job.AccountID, job.StartedAt, job.ID), mark))
		// An event as v3 and v4 kept it since webhook formats: facts, and attempts
		// that say their format.
		rec := toEventRecordV4(event)
		rec.Seq = 1
		raw, err = json.Marshal(rec)
		must(t, err)
		must(t, tx.Bucket(bucketEvents).Put(seqKey(nil, 1), raw))
		must(t, tx.Bucket(bucketEvents).SetSequence(1))
		must(t, tx.Bucket(bucketEventIDs).Put([]byte(event.ID), seqKey(nil, 1)))
		must(t, tx.Bucket(bucketPerAccount).Put(seqKey(acctKind(event.AccountID, kindEventV7), 1), mark))
		return putMeta(tx, 4)
	})
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	update(t, db, func(tx engine.Tx) error {
		if n, err := tx.NextAccountSequence("acct-1"); err != nil || n != 8 {
			t.Errorf("the account's counter after migrating = %d, %v; want 8", n, err)
		}
		if n, err := tx.NextSequence("account"); err != nil || n != 4 {
			t.Errorf("the counter of account IDs = %d, %v; want 4 (left where it was)", n, err)
		}
		js, err := tx.SyncJobs("acct-1", 0)
		if err != nil || !reflect.DeepEqual(js, []engine.SyncJob{job}) {
			t.Errorf("jobs after migrating = %+v, %v; want %+v", js, err, job)
		}
		if j, err := tx.SyncJob("acct-1", job.ID); err != nil || j.ID != job.ID {
			t.Errorf("job %s by ID = %+v, %v", job.ID, j, err)
		}
		ev, err := tx.Event(event.ID)
		if err == nil {
			ev.Attempts, err = tx.Attempts(event.ID, 0, 0)
			slices.Reverse(ev.Attempts)
		}
		want := event
		want.AttemptsMade, want.Failures = 2, 0
		if err != nil || !reflect.DeepEqual(ev.Facts, want.Facts) || !reflect.DeepEqual(ev.Attempts, want.Attempts) || ev.AttemptsMade != 2 {
			t.Errorf("event after migrating = %+v, %v\nwant %+v", ev, err, want)
		}
		return nil
	})
	must(t, db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSyncJobsV4) != nil || tx.Bucket(bucketSequences).Get([]byte("account/acct-1")) != nil {
			t.Error("v4's sync_jobs or the account's counter in sequences is still there")
		}
		return nil
	}))
}

// toFactsRecord is an event's facts as JSON, as events were stored before the
// binary form of appendFacts.
func toFactsRecord(f engine.EventFacts) *factsRecord {
	r := &factsRecord{Account: accountFactsRecord{ID: f.Account.ID, CustomerID: f.Account.CustomerID,
		Customer: f.Account.Customer, Ref: f.Account.Ref, Institution: institutionRecord(f.Account.Institution),
		Name: f.Account.Name, Number: f.Account.Number, Type: f.Account.Type, Currency: f.Account.Currency,
		AuthMethod: f.Account.AuthMethod, Balance: f.Account.Balance, BVN: f.Account.BVN, DataStatus: f.Account.DataStatus,
		ReauthRequired: f.Account.ReauthRequired, ConnectedAt: f.Account.ConnectedAt, LastSyncedAt: f.Account.LastSyncedAt},
		Business: f.Business, App: f.App, Code: f.Code, Message: f.Message}
	if f.Job != nil {
		j := syncJobRecord(*f.Job)
		r.Job = &j
	}
	return r
}

// Migration 9 turns an account's history (snapshots, jobs, event marks) from
// oldest first (v8) to newest first. A history made by this build and written back
// in v8's layout lists the same after opening, entries of one instant included, and
// pages the same.
func TestMigrateV9HistoryNewestFirst(t *testing.T) {
	path := tempPath(t)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const acct = "acct-1"
	update(t, db, func(tx engine.Tx) error {
		must(t, tx.PutAccount(sampleAccount(acct)))
		for i, m := range []int{5, 9, 9, 9, 30} { // three at one instant: a paused clock
			if _, err := tx.AddSnapshot(engine.Snapshot{AccountID: acct, At: at(m), Balance: int64(100 * i), Trigger: engine.TriggerManual}); err != nil {
				return err
			}
			job := engine.SyncJob{ID: fmt.Sprintf("job-%02d", 20-i), AccountID: acct, Trigger: engine.TriggerManual,
				StartedAt: at(m), FinishedAt: at(m), Status: engine.StatusSyncSuccessful, Code: engine.CodeSyncSuccessful}
			must(t, tx.PutSyncJob(job))
			if _, err := tx.AppendEvent(engine.Event{ID: fmt.Sprintf("ev-%d", i), AccountID: acct, Type: engine.EventAccountUpdated,
				CreatedAt: at(m), Status: engine.DeliverySkipped}); err != nil {
				return err
			}
		}
		return nil
	})
	type listing struct {
		snaps []engine.Snapshot
		jobs  []engine.SyncJob
		pages [][]engine.Event
	}
	list := func() (l listing) {
		view(t, db, func(tx engine.Tx) (err error) {
			if l.snaps, err = tx.Snapshots(acct, 0); err != nil {
				return err
			}
			if l.jobs, err = tx.SyncJobs(acct, 0); err != nil {
				return err
			}
			q := engine.EventQuery{AccountID: acct, Limit: 2}
			for {
				page, err := tx.Events(q)
				if err != nil || len(page) == 0 {
					return err
				}
				l.pages = append(l.pages, page)
				q.BeforeSeq = page[len(page)-1].Seq
			}
		})
		return l
	}
	want := list()
	if len(want.snaps) != 5 || len(want.jobs) != 5 || len(want.pages) != 3 {
		t.Fatalf("history made: %d snapshots, %d jobs, %d pages of events; want 5, 5, 3", len(want.snaps), len(want.jobs), len(want.pages))
	}
	for i, s := range want.snaps { // newest first: by time, then by number
		if s.Seq != uint64(5-i) {
			t.Errorf("snapshot %d of the listing is #%d, want #%d", i, s.Seq, 5-i)
		}
	}
	if first, last := want.pages[0][0], want.pages[2][len(want.pages[2])-1]; first.Seq < last.Seq {
		t.Errorf("events listed oldest first: #%d … #%d", first.Seq, last.Seq)
	}
	must(t, db.Close())

	withBolt(t, path, func(tx *bolt.Tx) error { // back to v8's layout
		per := tx.Bucket(bucketPerAccount)
		prefix, v8 := acctKind(acct, kindHistory), acctKind(acct, kindHistoryV8)
		type kv struct{ k, v []byte }
		var all []kv
		c := per.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			all = append(all, kv{bytes.Clone(k), bytes.Clone(v)})
		}
		for _, e := range all {
			at, what, id, ok := splitHistory(prefix, e.k)
			if !ok {
				t.Fatalf("history key %x", e.k)
			}
			plain := make([]byte, len(id))
			for i := range id {
				plain[i] = ^id[i]
			}
			must(t, per.Delete(e.k))
			must(t, per.Put(historyKeyAtV8(v8, at, what, plain), e.v))
		}
		if len(all) != 15 {
			t.Errorf("%d history entries, want 15", len(all))
		}
		return putMeta(tx, 8)
	})

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := list(); !reflect.DeepEqual(got, want) {
		t.Errorf("after migrating from v8:\n%+v\nwant\n%+v", got, want)
	}
	must(t, db.bolt.View(func(tx *bolt.Tx) error {
		if v := schemaOf(tx); v != schemaVersion {
			t.Errorf("schema after open = v%d, want v%d", v, schemaVersion)
		}
		prefix := acctKind(acct, kindHistoryV8)
		if k, _ := tx.Bucket(bucketPerAccount).Cursor().Seek(prefix); bytes.HasPrefix(k, prefix) {
			t.Errorf("a v8 history key is left: %x", k)
		}
		return nil
	}))
	requireIndexesConsistent(t, db)
}
