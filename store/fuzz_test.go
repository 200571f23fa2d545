package store

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

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

// formatV1 turns a format-2 record of an account without v2's fields into the
// format-1 record earlier builds wrote: format 2 appends three empty strings and a
// zero time, a byte each.
func formatV1(rec []byte) []byte {
	return append([]byte{accountFormatV1}, rec[1:len(rec)-4]...)
}

// Records written before v2's API (format 1) read as accounts without its fields,
// so no file needs migrating; what is written now is format 2.
func TestAccountRecordFormat1(t *testing.T) {
	want := oldAccount("5f171a530295e231abca1153")
	rec := appendAccount(nil, want)
	if rec[0] != accountFormat || !bytes.HasSuffix(rec, []byte{0, 0, 0, 0}) {
		t.Fatalf("record %x is not format 2 ending in empty v2 fields", rec)
	}
	got, err := decodeAccountRecord(formatV1(rec))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("format 1 decodes to %+v, %v; want %+v", got, err, want)
	}
	if _, err := decodeAccountRecord(append(formatV1(rec), 0)); err == nil {
		t.Fatal("a format-1 record with a trailing byte decoded")
	}
	full := sampleAccount("5f171a530295e231abca1153")
	if got, err := decodeAccountRecord(appendAccount(nil, full)); err != nil || !reflect.DeepEqual(got, full) {
		t.Fatalf("format 2 round trip = %+v, %v", got, err)
	}
}

// FuzzDecodeAccountRecord: an account record read from the file decodes or fails
// cleanly, never panics; what decodes re-encodes to the same bytes.
func FuzzDecodeAccountRecord(f *testing.F) {
	f.Add(appendAccount(nil, sampleAccount("5f171a530295e231abca1153")))
	f.Add(appendAccount(nil, engine.Account{}))
	f.Add([]byte{accountFormat})
	f.Add(formatV1(appendAccount(nil, oldAccount("5f171a530295e231abca1153"))))
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
