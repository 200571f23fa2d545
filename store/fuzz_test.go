package store

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sandbank/engine"
)

// FuzzDecodeTxRow: the row decoders read bytes from the file; garbage gives an
// error, never a panic, and whatever decodes re-encodes to the same fields.
func FuzzDecodeTxRow(f *testing.F) {
	for _, x := range []engine.Transaction{
		sampleTx("tx1", 5, engine.Credit, "SALARY"),
		{ID: "x", Type: engine.Debit, Amount: -1 << 63, Balance: 1<<63 - 1, Date: at(-1 << 20)},
	} {
		f.Add(encodeTxRow(7, newTxBody(x)))
	}
	f.Add([]byte{})
	f.Add(txStats{count: 3, debits: 1, lastDate: 9}.encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = decodeTxStats(data)
		_, _, _, _ = rowHead(data)
		d, b, err := decodeTxRow(data)
		if err != nil {
			return
		}
		d2, b2, err := decodeTxRow(encodeTxRow(d, b))
		if err != nil || d2 != d || !reflect.DeepEqual(b2.transaction("a"), b.transaction("a")) {
			t.Fatalf("re-encoding %x changed it: %v", data, err)
		}
	})
}

// FuzzOpen: whatever bytes the database file holds, Open and every read after it
// return errors at worst, and never panic. (Writes onto garbage pages can make bbolt
// allocate gigabytes, which slows fuzzing to a crawl; TestGarbagePages covers them.)
func FuzzOpen(f *testing.F) {
	path := tempPath(f)
	db, err := Open(path, UnsafeNoSync())
	if err != nil {
		f.Fatal(err)
	}
	update(f, db, func(tx engine.Tx) error {
		if _, err := tx.AddTransactions("acct-1", txWindow(0, 20)); err != nil {
			return err
		}
		_, err := tx.AppendEvent(engine.Event{ID: "e", AccountID: "acct-1"})
		return err
	})
	db.Close()
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte("not a database"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "db")
		if err := writeFile(p, data); err != nil {
			t.Fatal(err)
		}
		exerciseFile(p, false)
	})
}

// formatV1 turns a record of an account without v2's fields and with no
// re-authorisations into the format-1 record earlier builds wrote: format 2 appends
// three empty strings and a zero time, a byte each, and format 3 a zero count.
func formatV1(rec []byte) []byte {
	return append([]byte{accountFormatV1}, rec[1:len(rec)-5]...)
}

// formatV2 turns the record of an account with no re-authorisations into the
// format-2 record earlier builds wrote: format 3 appends a zero count, one byte.
func formatV2(rec []byte) []byte {
	return append([]byte{accountFormatV2}, rec[1:len(rec)-1]...)
}

// Records written before v2's API (format 1) read as accounts without its fields,
// and records written before the count of re-authorisations (format 2) as accounts
// with none, so no file needs rewriting; what is written now is format 3.
func TestAccountRecordFormat1(t *testing.T) {
	want := oldAccount("5f171a530295e231abca1153")
	rec := appendAccount(nil, want)
	if rec[0] != accountFormat || !bytes.HasSuffix(rec, []byte{0, 0, 0, 0, 0}) {
		t.Fatalf("record %x is not format 3 ending in empty v2 fields and no re-authorisations", rec)
	}
	got, err := decodeAccountRecord(formatV1(rec))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("format 1 decodes to %+v, %v; want %+v", got, err, want)
	}
	if _, err := decodeAccountRecord(append(formatV1(rec), 0)); err == nil {
		t.Fatal("a format-1 record with a trailing byte decoded")
	}
	v2 := sampleAccount("5f171a530295e231abca1153")
	v2.Reauths = 0
	if got, err := decodeAccountRecord(formatV2(appendAccount(nil, v2))); err != nil || !reflect.DeepEqual(got, v2) {
		t.Fatalf("format 2 decodes to %+v, %v; want %+v", got, err, v2)
	}
	if _, err := decodeAccountRecord(append(formatV2(appendAccount(nil, v2)), 0)); err == nil {
		t.Fatal("a format-2 record with a trailing byte decoded")
	}
	full := sampleAccount("5f171a530295e231abca1153")
	if got, err := decodeAccountRecord(appendAccount(nil, full)); err != nil || !reflect.DeepEqual(got, full) {
		t.Fatalf("format 3 round trip = %+v, %v", got, err)
	}
	if _, err := decodeAccountRecord(appendAccount(nil, full)[:len(appendAccount(nil, full))-1]); err == nil {
		t.Fatal("a format-3 record without its count decoded")
	}
}

// FuzzDecodeAccountRecord: an account record read from the file decodes or fails
// cleanly, never panics; what decodes re-encodes — in today's format — to a record
// that decodes to the same account.
func FuzzDecodeAccountRecord(f *testing.F) {
	f.Add(appendAccount(nil, sampleAccount("5f171a530295e231abca1153")))
	f.Add(appendAccount(nil, engine.Account{}))
	f.Add([]byte{accountFormat})
	f.Add(formatV1(appendAccount(nil, oldAccount("5f171a530295e231abca1153"))))
	f.Add(formatV2(appendAccount(nil, oldAccount("5f171a530295e231abca1153"))))
	f.Add([]byte(`{"id":"json"}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		a, err := decodeAccountRecord(v)
		if err != nil {
			return
		}
		again, err := decodeAccountRecord(appendAccount(nil, a))
		if err != nil || !reflect.DeepEqual(again, a) {
			t.Fatalf("re-encoding %+v gave %+v, %v", a, again, err)
		}
	})
}

// Attempt records and the schedule read from account records are outside input
// once on disk: garbage gives an error, never a panic, and what decodes re-encodes
// to itself.
func FuzzDecodeAttempt(f *testing.F) {
	f.Add(appendAttempt(nil, engine.Attempt{N: 3, At: at(1), URL: "http://127.0.0.1:9/hook", StatusCode: 503,
		Latency: time.Millisecond, Error: "the receiver answered 503", Repeats: 40, LastAt: at(2400)}))
	f.Add(appendAttempt(nil, engine.Attempt{}))
	f.Add([]byte{attemptFormat})
	f.Add(appendAccount(nil, sampleAccount("5f171a530295e231abca1153")))
	f.Fuzz(func(t *testing.T, v []byte) {
		_, _, _ = accountSchedule(v)
		a, err := decodeAttempt(v)
		if err != nil {
			return
		}
		again, err := decodeAttempt(appendAttempt(nil, a))
		if err != nil || !reflect.DeepEqual(again, a) {
			t.Fatalf("re-encoding %+v gave %+v, %v", a, again, err)
		}
	})
}

// Event records are outside input once on disk, as attempts are.
func FuzzDecodeEvent(f *testing.F) {
	f.Add(appendEvent(nil, engine.Event{ID: "e1", Seq: 9, Type: engine.EventAccountUpdated, AccountID: "acct",
		CreatedAt: at(1), Facts: engine.EventFacts{Account: engine.NewAccountFacts(sampleAccount("acct")), Code: "X"},
		FrozenBody: []byte(`{"event":"x"}`), Status: engine.DeliveryPending, NextAttemptAt: at(2),
		AttemptsMade: 3, Failures: 2, Replays: 1, Sending: &engine.Attempt{N: 4, At: at(3), URL: "http://x", Format: engine.WebhookV2}}))
	f.Add(appendEvent(nil, engine.Event{}))
	f.Add([]byte{eventFormat})
	legacy, _ := json.Marshal(toFactsRecord(engine.EventFacts{Account: engine.NewAccountFacts(sampleAccount("acct")), Code: "X"}))
	f.Add(appendEventWith(nil, engine.Event{ID: "e2", AccountID: "acct"}, legacy)) // facts as JSON, as stored before binary
	f.Fuzz(func(t *testing.T, v []byte) {
		e, err := decodeEvent(v)
		if err != nil {
			return
		}
		again, err := decodeEvent(appendEvent(nil, e))
		if err != nil || !reflect.DeepEqual(again, e) {
			t.Fatalf("re-encoding %+v gave %+v, %v", e, again, err)
		}
	})
}

// Snapshot records too.
func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(appendSnapshot(nil, engine.Snapshot{At: at(1), LastAt: at(9), Balance: -5, NewTransactions: 3,
		TotalTransactions: 1 << 40, Trigger: engine.TriggerAuto, Repeats: 7}))
	f.Add(appendSnapshot(nil, engine.Snapshot{}))
	f.Add([]byte{snapshotFormat})
	f.Fuzz(func(t *testing.T, v []byte) {
		s, err := decodeSnapshot("a", 1, v)
		if err != nil {
			return
		}
		again, err := decodeSnapshot("a", 1, appendSnapshot(nil, s))
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("re-encoding %+v gave %+v, %v", s, again, err)
		}
	})
}

// Sync job records too.
func FuzzDecodeJob(f *testing.F) {
	f.Add(appendJob(nil, engine.SyncJob{ID: "j", AccountID: "a", Trigger: engine.TriggerAuto, StartedAt: at(1), FinishedAt: at(2),
		Status: engine.StatusSyncFailed, Code: engine.CodeSyncError, Message: "down", HasNewData: true, NewTransactions: 4,
		Repeats: 9, LastAt: at(30)}))
	f.Add(appendJob(nil, engine.SyncJob{}))
	f.Add([]byte{jobFormat})
	f.Fuzz(func(t *testing.T, v []byte) {
		j, err := decodeJob(v)
		if err != nil {
			return
		}
		again, err := decodeJob(appendJob(nil, j))
		if err != nil || !reflect.DeepEqual(again, j) {
			t.Fatalf("re-encoding %+v gave %+v, %v", j, again, err)
		}
	})
}
