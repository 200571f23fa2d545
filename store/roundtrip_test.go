package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"sandbank/engine"
)

// TestRoundTrip writes one fully populated record of every kind, closes and reopens
// the file, and reads each back unchanged (Secrets included).
func TestRoundTrip(t *testing.T) {
	settings := engine.Settings{
		SecretKey: "test_sk_123", PublicKey: "test_pk_456", WebhookURL: "http://127.0.0.1:9/hook",
		WebhookSecret: "whsec_789", DataSyncEnabledAt: at(1), AutoSync: 6 * time.Hour, IDNamespace: "ns",
		WebhookFormat: engine.WebhookV2, StatementBuild: 30 * time.Second,
	}
	clock := engine.ClockState{Now: at(2), Wall: at(3), Speed: 60, Paused: true, JumpingTo: at(4)}
	account := sampleAccount("acc1")
	txn := sampleTx("tx1", 10, engine.Credit, "SALARY MARCH")
	txn.AccountID = "acc1"
	snap := engine.Snapshot{AccountID: "acc1", Seq: 1, At: at(4), Balance: 5, NewTransactions: 1, TotalTransactions: 1, Trigger: engine.TriggerManual,
		Repeats: 3, LastAt: at(21)}
	job := engine.SyncJob{ID: "job1", AccountID: "acc1", Trigger: engine.TriggerAuto, StartedAt: at(5), FinishedAt: at(6),
		Status: engine.StatusSyncSuccessful, Code: engine.CodeSyncSuccessful, Message: "ok", HasNewData: true, NewTransactions: 1,
		Requested: engine.RealtimeBalance, Repeats: 2, LastAt: at(22)}
	code := engine.ConnectCode{Code: "code1", Institution: "044", CustomerID: "cus_1", Number: "0788164862",
		Account: engine.BankAccount{Number: "0788164862", Name: "ADAM OKAFOR", Type: engine.AccountSavings, Currency: "NGN",
			Balance: 42, Institution: engine.Institution{Code: "044", Name: "Access Bank", Type: engine.InstitutionPersonal},
			AuthMethod: engine.AuthMobileBanking},
		Credentials: engine.Credentials{Username: "adam", Password: "pw_x"}, BankSession: "sess_y", SessionExp: at(7),
		CreatedAt: at(8), ExpiresAt: at(9), UsedAt: at(10), AccountID: "acc1", Link: "link1", Customer: "cus_b1", Ref: "ref1"}
	link := engine.Link{ID: "link1", Scope: engine.LinkAuth, Customer: engine.LinkCustomer{ID: "cus_b1", Name: "Adam Okafor",
		Email: "adam@example.com"}, Ref: "ref1", RedirectURL: "http://127.0.0.1:3000/linked", Institution: "044",
		AuthMethod: engine.AuthMobileBanking, AccountID: "acc1", CreatedAt: at(21), ExpiresAt: at(22), Status: engine.LinkLinked,
		Code: "code1", CompletedAt: at(23)}
	token := engine.ReauthToken{Token: "tok1", AccountID: "acc1", CreatedAt: at(11), ExpiresAt: at(12), UsedAt: at(13)}
	event := engine.Event{ID: "ev1", Seq: 1, Type: engine.EventAccountUpdated, AccountID: "acc1", CreatedAt: at(14),
		Facts: engine.EventFacts{Account: engine.NewAccountFacts(account), Business: "biz1", App: "app1",
			Code: engine.CodeReauthRequired, Message: "the bank rejected the password", Job: &job},
		FrozenBody: []byte(`{"event":"mono.events.account_updated"}`), Status: engine.DeliverySkipped, SkipReason: "connected before Data Sync",
		Attempts: []engine.Attempt{{N: 1, At: at(15), URL: "http://x", Format: engine.WebhookV2, StatusCode: 500,
			Latency: 3 * time.Millisecond, Error: "boom", Repeats: 40, LastAt: at(23)}},
		AttemptsMade: 41, Failures: 41,
		Sending:       &engine.Attempt{N: 42, At: at(16), URL: "http://y", Format: engine.WebhookV1, Repeats: 1, LastAt: at(24)},
		NextAttemptAt: at(16), DeliveredAt: at(17), Replays: 2}
	stmt := engine.StatementJob{ID: "st1", AccountID: "acc1", Months: 3, From: at(18), To: at(19), CreatedAt: at(20), Status: "BUILDING", ReadyAt: at(21)}
	for _, v := range []any{settings, clock, account, txn, snap, job, code, token, event, stmt, link} {
		requireAllSet(t, v)
	}

	path := tempPath(t)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx engine.Tx) error {
		for _, err := range []error{
			tx.PutSettings(settings), tx.PutClockState(clock), tx.PutAccount(account),
			tx.PutSyncJob(job), tx.PutConnectCode(code), tx.PutReauthToken(token), tx.PutStatementJob(stmt), tx.PutLink(link),
		} {
			if err != nil {
				return err
			}
		}
		if _, err := tx.AddTransactions("acc1", []engine.Transaction{txn}); err != nil {
			return err
		}
		if _, err := tx.AddSnapshot(snap); err != nil {
			return err
		}
		if _, err := tx.AppendEvent(event); err != nil {
			return err
		}
		return tx.PutAttempt(event.ID, event.Attempts[0]) // attempts are records of their own
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	view(t, db, func(tx engine.Tx) error {
		check := func(name string, got any, err error, want any) {
			t.Helper()
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:\n got %#v\nwant %#v", name, got, want)
			}
		}
		gotSettings, err := tx.Settings()
		check("settings", gotSettings, err, settings)
		if gotSettings.SecretKey.Reveal() != "test_sk_123" || gotSettings.WebhookSecret.Reveal() != "whsec_789" {
			t.Errorf("secrets did not round-trip")
		}
		gotClock, err := tx.ClockState()
		check("clock", gotClock, err, clock)
		gotAccount, err := tx.Account("acc1")
		check("account", gotAccount, err, account)
		accounts, err := tx.Accounts()
		check("accounts", accounts, err, []engine.Account{account})
		page, err := tx.Transactions(engine.TxQuery{AccountID: "acc1"})
		check("transactions", page.Transactions, err, []engine.Transaction{txn})
		gotSnap, err := tx.LatestSnapshot("acc1")
		check("snapshot", gotSnap, err, snap)
		gotJobs, err := tx.SyncJobs("acc1", 0)
		check("sync job", gotJobs, err, []engine.SyncJob{job})
		gotCode, err := tx.ConnectCode("code1")
		check("connect code", gotCode, err, code)
		gotToken, err := tx.ReauthToken("tok1")
		check("reauth token", gotToken, err, token)
		gotEvent, err := tx.Event("ev1")
		if err == nil {
			gotEvent.Attempts, err = tx.Attempts("ev1", 0, 0)
		}
		check("event", gotEvent, err, event)
		gotStmt, err := tx.StatementJob("st1")
		check("statement job", gotStmt, err, stmt)
		gotLink, err := tx.Link("link1")
		check("link", gotLink, err, link)
		return nil
	})
}

func TestNotFound(t *testing.T) {
	db := openTemp(t)
	view(t, db, func(tx engine.Tx) error {
		_, e1 := tx.Settings()
		_, e2 := tx.ClockState()
		_, e3 := tx.Account("nope")
		_, e4 := tx.LatestSnapshot("nope")
		_, e5 := tx.Attempts("nope", 0, 0)
		_, e6 := tx.ConnectCode("nope")
		_, e7 := tx.ReauthToken("nope")
		_, e8 := tx.Event("nope")
		_, e9 := tx.StatementJob("nope")
		for i, err := range []error{e1, e2, e3, e4, e5, e6, e7, e8, e9} {
			if engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Errorf("getter %d: %v, want ENOTFOUND", i+1, err)
			}
		}
		page, err := tx.Transactions(engine.TxQuery{AccountID: "nope"})
		if err != nil || page.Total != 0 || page.Transactions == nil {
			t.Errorf("transactions of an unknown account: %+v, %v", page, err)
		}
		return nil
	})
}

func TestSequences(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx engine.Tx) error {
		for want := uint64(1); want <= 3; want++ {
			if n, err := tx.NextSequence("account"); err != nil || n != want {
				t.Fatalf("NextSequence = %d, %v; want %d", n, err, want)
			}
		}
		if n, _ := tx.NextSequence("event"); n != 1 {
			t.Errorf("a second name starts at %d, want 1", n)
		}
		for want := uint64(1); want <= 3; want++ {
			if n, err := tx.NextAccountSequence("acct-1"); err != nil || n != want {
				t.Fatalf("NextAccountSequence = %d, %v; want %d", n, err, want)
			}
		}
		if n, _ := tx.NextAccountSequence("acct-2"); n != 1 {
			t.Errorf("a second account's counter starts at %d, want 1", n)
		}
		return nil
	})
}

func TestSnapshotsAndJobsNewestFirst(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx engine.Tx) error {
		for i := range 5 {
			s, err := tx.AddSnapshot(engine.Snapshot{AccountID: "a", At: at(i), Balance: int64(i)})
			if err != nil || s.Seq != uint64(i+1) {
				t.Fatalf("AddSnapshot = %+v, %v", s, err)
			}
			// "a" is a prefix of "ab": their ranges must not mix.
			if _, err := tx.AddSnapshot(engine.Snapshot{AccountID: "ab", At: at(i)}); err != nil {
				return err
			}
			if err := tx.PutSyncJob(engine.SyncJob{ID: string(rune('p' + i)), AccountID: "a", StartedAt: at(10 - i), Status: engine.StatusSyncRunning}); err != nil {
				return err
			}
		}
		// Updating a job (a repeat counted) replaces it.
		return tx.PutSyncJob(engine.SyncJob{ID: "t", AccountID: "a", StartedAt: at(6), Status: engine.StatusSyncSuccessful, Repeats: 1})
	})
	view(t, db, func(tx engine.Tx) error {
		ss, err := tx.Snapshots("a", 0)
		if err != nil || len(ss) != 5 || ss[0].Seq != 5 || ss[4].Seq != 1 {
			t.Errorf("Snapshots = %+v, %v", ss, err)
		}
		if ss, _ := tx.Snapshots("a", 2); len(ss) != 2 || ss[1].Seq != 4 {
			t.Errorf("Snapshots limit 2 = %+v", ss)
		}
		if s, err := tx.LatestSnapshot("a"); err != nil || s.Seq != 5 || s.Balance != 4 {
			t.Errorf("LatestSnapshot = %+v, %v", s, err)
		}
		js, err := tx.SyncJobs("a", 0)
		var ids []string
		for _, j := range js {
			ids = append(ids, j.ID)
		}
		if want := []string{"p", "q", "r", "s", "t"}; err != nil || !reflect.DeepEqual(ids, want) {
			t.Errorf("SyncJobs = %v, %v; want %v", ids, err, want)
		}
		if js[4].Status != engine.StatusSyncSuccessful || js[4].Repeats != 1 {
			t.Errorf("updated job not read back: %+v", js[4])
		}
		return nil
	})
}

func TestViewRejectsWrites(t *testing.T) {
	db := openTemp(t)
	err := db.View(context.Background(), func(tx engine.Tx) error { return tx.PutAccount(sampleAccount("a")) })
	if err == nil {
		t.Fatal("a write inside View succeeded")
	}
}

func TestTxAfterItsTransaction(t *testing.T) {
	db := openTemp(t)
	var leaked engine.Tx
	view(t, db, func(tx engine.Tx) error { leaked = tx; return nil })
	if _, err := leaked.Account("a"); !errors.Is(err, errTxDone) {
		t.Fatalf("using a Tx after its View: %v", err)
	}
}

func TestCancelledContext(t *testing.T) {
	db := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := db.Update(ctx, func(engine.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("Update on a cancelled context: %v (ran %v)", err, ran)
	}
	if err := db.View(ctx, func(engine.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("View on a cancelled context: %v (ran %v)", err, ran)
	}
}

func TestBankJournalAndBackup(t *testing.T) {
	db := openTemp(t)
	entries := [][]byte{[]byte(`{"spend":1}`), []byte(`{"password":"x"}`), {}}
	for _, e := range entries {
		if err := db.AppendBankEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.BankEvents()
	if err != nil || len(got) != len(entries) {
		t.Fatalf("BankEvents = %q, %v", got, err)
	}
	for i := range entries {
		if !bytes.Equal(got[i], entries[i]) {
			t.Errorf("entry %d = %q, want %q", i, got[i], entries[i])
		}
	}
	update(t, db, func(tx engine.Tx) error { return tx.PutAccount(sampleAccount("a")) })

	// A backup taken while a writer keeps committing is a valid sandbank file.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			_ = db.Update(context.Background(), func(tx engine.Tx) error {
				_, err := tx.AddTransactions("a", []engine.Transaction{sampleTx(string(rune('A'+i)), i, engine.Debit, "x")})
				return err
			})
		}
	}()
	var buf bytes.Buffer
	n, err := db.Backup(&buf)
	<-done
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("Backup = %d, %v (buffer %d)", n, err, buf.Len())
	}
	copyPath := tempPath(t)
	if err := writeFile(copyPath, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	c, err := Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	view(t, c, func(tx engine.Tx) error {
		if _, err := tx.Account("a"); err != nil {
			t.Errorf("backup lacks the account: %v", err)
		}
		return nil
	})
	if got, _ := c.BankEvents(); len(got) != len(entries) {
		t.Errorf("backup has %d journal entries, want %d", len(got), len(entries))
	}
	if c.Path() != copyPath {
		t.Errorf("Path = %q", c.Path())
	}
}

// TestEventsWithJSONFactsStillRead reads an event whose facts were stored as JSON,
// as they were before their binary form: what it says is unchanged, and writing
// it again (a delivery does) keeps it.
func TestEventsWithJSONFactsStillRead(t *testing.T) {
	job := engine.SyncJob{ID: "job1", AccountID: "acc1", Trigger: engine.TriggerAuto, StartedAt: at(3), FinishedAt: at(4),
		Status: engine.StatusSyncSuccessful, Code: engine.CodeSyncSuccessful, Message: "synced: 2 new transactions",
		HasNewData: true, NewTransactions: 2, Repeats: 1, LastAt: at(5)}
	facts := engine.EventFacts{Account: engine.NewAccountFacts(sampleAccount("acc1")), Business: "biz1", App: "app1",
		Code: "X", Message: "why", Job: &job}
	facts.Account.ReauthRequired = true
	legacy, err := json.Marshal(toFactsRecord(facts))
	if err != nil {
		t.Fatal(err)
	}
	e := engine.Event{ID: "ev1", Seq: 7, Type: engine.EventAccountUpdated, AccountID: "acc1", CreatedAt: at(6),
		Status: engine.DeliveryPending, NextAttemptAt: at(7)}
	got, err := decodeEvent(appendEventWith(nil, e, legacy))
	if err != nil {
		t.Fatal(err)
	}
	e.Facts = facts
	if !reflect.DeepEqual(got, e) {
		t.Fatalf("event with JSON facts read as\n%+v\nwant\n%+v", got, e)
	}
	again, err := decodeEvent(appendEvent(nil, got))
	if err != nil || !reflect.DeepEqual(again, e) {
		t.Fatalf("written again: %+v, %v", again, err)
	}
}
