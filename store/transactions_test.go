package store

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	"pgregory.net/rapid"

	"sandbank/engine"
)

func addTxs(t testing.TB, db *DB, acct string, txs []engine.Transaction) int {
	t.Helper()
	var added int
	update(t, db, func(tx engine.Tx) (err error) {
		added, err = tx.AddTransactions(acct, txs)
		return err
	})
	return added
}

func txWindow(from, to int) []engine.Transaction {
	var out []engine.Transaction
	for i := from; i < to; i++ {
		typ := engine.Debit
		if i%3 == 0 {
			typ = engine.Credit
		}
		out = append(out, sampleTx(fmt.Sprintf("tx%04d", i), i, typ, fmt.Sprintf("POS %d", i)))
	}
	return out
}

func TestReingestIsIdempotent(t *testing.T) {
	db := openTemp(t)
	if n := addTxs(t, db, "a", txWindow(0, 100)); n != 100 {
		t.Fatalf("first ingest added %d, want 100", n)
	}
	if n := addTxs(t, db, "a", txWindow(0, 100)); n != 0 {
		t.Fatalf("re-ingest added %d, want 0", n)
	}
	if n := addTxs(t, db, "a", txWindow(50, 150)); n != 50 {
		t.Fatalf("overlapping ingest added %d, want 50", n)
	}
	dup := txWindow(150, 151)
	if n := addTxs(t, db, "a", append(dup, dup...)); n != 1 {
		t.Fatalf("a batch holding one ID twice added %d, want 1", n)
	}
	// The same bank ID on another account is another transaction.
	if n := addTxs(t, db, "b", txWindow(0, 10)); n != 10 {
		t.Fatalf("another account added %d, want 10", n)
	}
	view(t, db, func(tx engine.Tx) error {
		if n, _ := tx.TransactionCount("a"); n != 151 {
			t.Errorf("TransactionCount = %d, want 151", n)
		}
		page, err := tx.Transactions(engine.TxQuery{AccountID: "a"})
		if err != nil || page.Total != 151 || len(page.Transactions) != 151 {
			t.Fatalf("Transactions = total %d, %d rows, %v", page.Total, len(page.Transactions), err)
		}
		seen := map[string]bool{}
		for i, x := range page.Transactions {
			if seen[x.ID] {
				t.Errorf("%s stored twice", x.ID)
			}
			seen[x.ID] = true
			if want := fmt.Sprintf("tx%04d", 150-i); x.ID != want {
				t.Errorf("row %d is %s, want %s (newest first)", i, x.ID, want)
			}
		}
		return nil
	})
	requireIndexesConsistent(t, db)
}

func TestOlderTransactionsSlotIn(t *testing.T) {
	db := openTemp(t)
	addTxs(t, db, "a", txWindow(10, 20))
	late := []engine.Transaction{
		sampleTx("late-a", 15, engine.Credit, "late credit"), // same minute as tx0015: goes after it
		sampleTx("late-b", 2, engine.Debit, "oldest"),
	}
	if n := addTxs(t, db, "a", late); n != 2 {
		t.Fatalf("added %d, want 2", n)
	}
	view(t, db, func(tx engine.Tx) error {
		page, err := tx.Transactions(engine.TxQuery{AccountID: "a"})
		if err != nil {
			return err
		}
		want := []string{"tx0019", "tx0018", "tx0017", "tx0016", "late-a", "tx0015", "tx0014", "tx0013", "tx0012", "tx0011", "tx0010", "late-b"}
		if got := ids(page.Transactions); !reflect.DeepEqual(got, want) {
			t.Errorf("order = %v\nwant    %v", got, want)
		}
		credits, err := tx.Transactions(engine.TxQuery{AccountID: "a", Type: engine.Credit, From: at(12), To: at(15)})
		if err != nil || credits.Total != 3 || !reflect.DeepEqual(ids(credits.Transactions), []string{"late-a", "tx0015", "tx0012"}) {
			t.Errorf("credits in [12,15] = %+v, %v", credits, err)
		}
		return nil
	})
	requireIndexesConsistent(t, db)
}

// TestAtomicity: an error returned midway through a sync's Update leaves the file
// exactly as it was, on a new account and on one with earlier syncs.
func TestAtomicity(t *testing.T) {
	db := openTemp(t)
	failing := errors.New("bank went away mid-sync")
	sync := func(tx engine.Tx, acct string, from, to int) error {
		if err := tx.PutAccount(sampleAccount(acct)); err != nil {
			return err
		}
		added, err := tx.AddTransactions(acct, txWindow(from, to))
		if err != nil {
			return err
		}
		total, _ := tx.TransactionCount(acct)
		if _, err := tx.AddSnapshot(engine.Snapshot{AccountID: acct, At: at(to), NewTransactions: added, TotalTransactions: total}); err != nil {
			return err
		}
		if _, err := tx.NextSequence("event"); err != nil {
			return err
		}
		if err := tx.PutSyncJob(engine.SyncJob{ID: fmt.Sprintf("job-%s-%d", acct, to), AccountID: acct, StartedAt: at(to)}); err != nil {
			return err
		}
		_, err = tx.AppendEvent(engine.Event{ID: fmt.Sprintf("ev-%s-%d", acct, to), AccountID: acct, Status: engine.DeliveryPending, NextAttemptAt: at(to)})
		return err
	}
	backup := func() []byte {
		var buf bytes.Buffer
		if _, err := db.Backup(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}

	empty := backup()
	err := db.Update(context.Background(), func(tx engine.Tx) error {
		if err := sync(tx, "a", 0, 50); err != nil {
			return err
		}
		return failing
	})
	if !errors.Is(err, failing) {
		t.Fatalf("Update returned %v", err)
	}
	if !bytes.Equal(backup(), empty) {
		t.Error("a failed first sync changed the file")
	}
	view(t, db, func(tx engine.Tx) error {
		_, errA := tx.Account("a")
		n, _ := tx.TransactionCount("a")
		_, errS := tx.LatestSnapshot("a")
		_, errE := tx.Event("ev-a-50")
		_, ok, _ := tx.NextDue()
		if errA == nil || n != 0 || errS == nil || errE == nil || ok {
			t.Errorf("left behind: account %v, %d transactions, snapshot %v, event %v, due %v", errA, n, errS, errE, ok)
		}
		return nil
	})

	update(t, db, func(tx engine.Tx) error { return sync(tx, "a", 0, 50) })
	before := backup()
	// Fails on a store error in the middle: the second event reuses an ID.
	err = db.Update(context.Background(), func(tx engine.Tx) error {
		if err := sync(tx, "a", 40, 90); err != nil {
			return err
		}
		return sync(tx, "a", 40, 50) // ev-a-50 exists: ECONFLICT
	})
	if engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("Update returned %v, want a conflict", err)
	}
	if !bytes.Equal(backup(), before) {
		t.Error("a failed second sync changed the file")
	}
	view(t, db, func(tx engine.Tx) error {
		if n, _ := tx.TransactionCount("a"); n != 50 {
			t.Errorf("TransactionCount = %d, want 50", n)
		}
		return nil
	})
	_ = db.Update(context.Background(), func(tx engine.Tx) error {
		if n, _ := tx.NextSequence("event"); n != 2 {
			t.Errorf("sequence after a rolled-back sync = %d, want 2", n)
		}
		return errors.New("roll back")
	})
}

// ---- pagination against a naive model ----

type modelTx struct {
	engine.Transaction
	order int
}

var narrations = []string{"POS Purchase SHOPRITE Lekki", "salary MARCH", "Transfer to ADA", "airtime", "École fees", "pos refund"}
var needles = []string{"", "pos", "SALARY", "to a", "école", "É", "zzz", "e"}

func TestPaginationMatchesModel(t *testing.T) {
	base := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp(base, "")
		if err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(dir)
		db, err := Open(filepath.Join(dir, "db"), UnsafeNoSync())
		if err != nil {
			rt.Fatal(err)
		}
		defer db.Close()

		accounts := []string{"a", "ab"} // one ID prefixes the other
		model := map[string][]modelTx{}
		order := 0
		latest := map[string]int{}
		for range rapid.IntRange(1, 12).Draw(rt, "steps") {
			acct := rapid.SampledFrom(accounts).Draw(rt, "account")
			if rapid.Bool().Draw(rt, "add") {
				n := rapid.IntRange(0, 25).Draw(rt, "size")
				var batch []engine.Transaction
				for i := range n {
					minute := latest[acct] + rapid.IntRange(0, 4).Draw(rt, "step")
					if rapid.IntRange(0, 9).Draw(rt, "older") == 0 {
						minute = rapid.IntRange(0, latest[acct]+1).Draw(rt, "older minute")
					}
					latest[acct] = max(latest[acct], minute)
					typ := rapid.SampledFrom([]engine.TxType{engine.Debit, engine.Credit}).Draw(rt, "type")
					// A bank ID names one transaction at one date (the store relies on
					// it): a few IDs a minute, drawn again often.
					x := sampleTx(fmt.Sprintf("t%d.%d", minute, rapid.IntRange(0, 3).Draw(rt, "id")), minute, typ,
						rapid.SampledFrom(narrations).Draw(rt, "narration"))
					x.Amount = int64(i + 1)
					batch = append(batch, x)
				}
				wantAdded := 0
				for _, x := range batch {
					if slices.ContainsFunc(model[acct], func(m modelTx) bool { return m.ID == x.ID }) {
						continue
					}
					x.AccountID = acct
					model[acct] = append(model[acct], modelTx{x, order})
					order++
					wantAdded++
				}
				var added int
				if err := db.Update(context.Background(), func(tx engine.Tx) (err error) {
					added, err = tx.AddTransactions(acct, batch)
					return err
				}); err != nil {
					rt.Fatal(err)
				}
				if added != wantAdded {
					rt.Fatalf("added %d, want %d", added, wantAdded)
				}
				continue
			}
			q := engine.TxQuery{
				AccountID: acct,
				Type:      rapid.SampledFrom([]engine.TxType{"", engine.Debit, engine.Credit}).Draw(rt, "qtype"),
				Narration: rapid.SampledFrom(needles).Draw(rt, "needle"),
				Page:      rapid.IntRange(0, 6).Draw(rt, "page"),
				Limit:     rapid.IntRange(0, 7).Draw(rt, "limit"),
			}
			if rapid.Bool().Draw(rt, "has from") {
				q.From = at(rapid.IntRange(0, latest[acct]+2).Draw(rt, "from"))
			}
			if rapid.Bool().Draw(rt, "has to") {
				q.To = at(rapid.IntRange(0, latest[acct]+2).Draw(rt, "to"))
			}
			want := modelQuery(model[acct], q)
			var got engine.TxPage
			var count int64
			if err := db.View(context.Background(), func(tx engine.Tx) (err error) {
				if count, err = tx.TransactionCount(acct); err != nil {
					return err
				}
				got, err = tx.Transactions(q)
				return err
			}); err != nil {
				rt.Fatal(err)
			}
			if count != int64(len(model[acct])) {
				rt.Fatalf("TransactionCount = %d, want %d", count, len(model[acct]))
			}
			if !reflect.DeepEqual(got, want) {
				rt.Fatalf("query %+v\n got total %d %v\nwant total %d %v", q, got.Total, ids(got.Transactions), want.Total, ids(want.Transactions))
			}
		}
		if err := checkIndexes(db); err != nil {
			rt.Fatal(err)
		}
	})
}

func ids(txs []engine.Transaction) []string {
	var out []string
	for _, x := range txs {
		out = append(out, x.ID)
	}
	return out
}

func modelQuery(all []modelTx, q engine.TxQuery) engine.TxPage {
	sorted := slices.Clone(all)
	slices.SortFunc(sorted, func(a, b modelTx) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.order, b.order))
	})
	var match []engine.Transaction
	for i := len(sorted) - 1; i >= 0; i-- {
		x := sorted[i].Transaction
		if (!q.From.IsZero() && x.Date.Before(q.From)) || (!q.To.IsZero() && x.Date.After(q.To)) ||
			(q.Type != "" && x.Type != q.Type) ||
			!strings.Contains(strings.ToLower(x.Narration), strings.ToLower(q.Narration)) {
			continue
		}
		match = append(match, x)
	}
	page := engine.TxPage{Total: int64(len(match)), Page: max(q.Page, 1), Limit: q.Limit, Transactions: []engine.Transaction{}}
	skip := (page.Page - 1) * q.Limit
	if skip < len(match) {
		end := len(match)
		if q.Limit > 0 {
			end = min(end, skip+q.Limit)
		}
		page.Transactions = append(page.Transactions, match[skip:end]...)
	}
	return page
}

// checkIndexes verifies, for every account, what the kept counts promise: rows at
// positions 0..count-1 in date order, each header counting the debits before it,
// and no ID marks (schema v6 dropped them; their kind byte is v8's history, whose
// keys say what they are), and nothing where v7 moved the counts and the counter
// from, nor where v8 moved the history from.
func checkIndexes(db *DB) error {
	return db.bolt.View(func(btx *bolt.Tx) error {
		per := btx.Bucket(bucketPerAccount)
		type counts struct{ rows, ids uint64 }
		seen := map[string]*counts{}
		var stats [][2][]byte
		if err := per.ForEach(func(k, v []byte) error {
			a, ok := splitAcctKey(k)
			if !ok || len(k) == len(a) {
				return fmt.Errorf("per_account key %x is malformed", k)
			}
			c := seen[string(a)]
			if c == nil {
				c = &counts{}
				seen[string(a)] = c
			}
			switch k[len(a)] {
			case kindCounterV6, kindTxStatsV6:
				return fmt.Errorf("per_account key %x is of a kind that schema v7 moved", k)
			case kindSnapshotV7, kindEventV7, kindJobV7:
				return fmt.Errorf("per_account key %x is of a kind that schema v8 moved", k)
			case kindTxStats:
				stats = append(stats, [2][]byte{bytes.Clone(a), bytes.Clone(v)})
			case kindTxRow:
				c.rows++
			case kindHistory:
				if _, what, _, ok := splitHistory(kindKey(a, kindHistory), k); !ok || what < histSnapshot || what > histEvent {
					c.ids++
				}
			}
			return nil
		}); err != nil {
			return err
		}
		kept := 0
		for _, sv := range stats {
			acct := sv[0]
			st, err := decodeTxStats(sv[1])
			if err != nil {
				return err
			}
			kept++
			if c := seen[string(acct)]; c.rows != st.count || c.ids != 0 {
				return fmt.Errorf("account %q: %d rows, %d ID marks, kept count %d", acct[1:], c.rows, c.ids, st.count)
			}
			var debits, last uint64
			for pos := range st.count {
				d, b, err := decodeTxRow(per.Get(seqKey(kindKey(acct, kindTxRow), pos)))
				if err != nil {
					return fmt.Errorf("account %q row %d: %w", acct[1:], pos, err)
				}
				if d != debits || b.date < last {
					return fmt.Errorf("account %q row %d: debits-before %d (want %d), date %d after %d", acct[1:], pos, d, debits, b.date, last)
				}
				if b.typ == typDebit {
					debits++
				}
				last = b.date
			}
			if debits != st.debits || last != st.lastDate {
				return fmt.Errorf("account %q: %d debits, last date %d; kept %d, %d", acct[1:], debits, last, st.debits, st.lastDate)
			}
		}
		for a, c := range seen {
			if (c.rows > 0 || c.ids > 0) && !slices.ContainsFunc(stats, func(sv [2][]byte) bool { return string(sv[0]) == a }) {
				return fmt.Errorf("account %q has %d rows and %d IDs but no kept count", a[1:], c.rows, c.ids)
			}
		}
		return nil
	})
}

func requireIndexesConsistent(t testing.TB, db *DB) {
	t.Helper()
	if err := checkIndexes(db); err != nil {
		t.Fatal(err)
	}
}
