package store

import (
	"context"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

var benchAccounts = flag.Int("ingest-accounts", 10_000, "accounts BenchmarkIngest syncs, 100 transactions each")

const benchPerAccount = 100

// benchSync is one account's first sync, as the engine would write it.
type benchSync struct {
	account engine.Account
	txs     []engine.Transaction
	snap    engine.Snapshot
	event   engine.Event
}

var benchNarrations = []string{
	"POS PURCHASE SHOPRITE LEKKI", "TRANSFER FROM ADA OKAFOR", "AIRTIME MTN 08031234567",
	"SALARY ACME LTD", "ATM WITHDRAWAL IKEJA", "UBER TRIP", "DSTV SUBSCRIPTION", "NIP TRANSFER TO CHIDI",
}

func makeBenchSync(i int) benchSync {
	id := engine.NewID("bench", "account", uint64(i))
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s := benchSync{account: sampleAccount(id)}
	s.account.UnlinkedAt = time.Time{}
	balance := int64(50_000_000)
	for n := range benchPerAccount {
		typ, amount := engine.Debit, int64(100+rng.IntN(2_000_000))
		if rng.IntN(4) == 0 {
			typ = engine.Credit
			balance += amount
		} else {
			balance -= amount
		}
		s.txs = append(s.txs, engine.Transaction{
			ID:        engine.NewID("bench", "tx-"+id, uint64(n)),
			Type:      typ,
			Amount:    amount,
			Narration: benchNarrations[rng.IntN(len(benchNarrations))],
			Date:      start.Add(time.Duration(n)*2*time.Hour + time.Duration(rng.IntN(3600))*time.Second),
			Balance:   balance,
			Currency:  "NGN",
			Category:  "shopping",
		})
	}
	now := start.Add(benchPerAccount * 2 * time.Hour)
	s.account.Balance = balance
	s.snap = engine.Snapshot{AccountID: id, At: now, Balance: balance, NewTransactions: benchPerAccount,
		TotalTransactions: benchPerAccount, Trigger: engine.TriggerConnect}
	payload, _ := json.Marshal(map[string]any{"event": engine.EventAccountUpdated, "data": map[string]any{
		"meta": map[string]string{"data_status": engine.DataAvailable, "auth_method": engine.AuthInternetBanking},
		"account": map[string]any{"_id": id, "name": s.account.Name, "accountNumber": s.account.Number,
			"balance": balance, "currency": "NGN", "bvn": "5678"},
	}})
	s.event = engine.Event{ID: engine.NewID("bench", "event", uint64(i)), Type: engine.EventAccountUpdated,
		AccountID: id, CreatedAt: now, FrozenBody: payload, Status: engine.DeliveryPending, NextAttemptAt: now}
	return s
}

// rawRecords are the bytes the store writes for s's records, without indexes.
func rawRecords(s benchSync) (rows [][2][]byte, snap, account, event []byte) {
	prefix := acctKind(s.account.ID, kindTxRow)
	var debits uint64
	for n, x := range s.txs {
		b := newTxBody(x)
		rows = append(rows, [2][]byte{seqKey(prefix, uint64(n)), encodeTxRow(debits, b)})
		if b.typ == typDebit {
			debits++
		}
	}
	snap = appendSnapshot(nil, s.snap)
	account, _ = json.Marshal(toAccountRecord(s.account))
	event = appendEvent(nil, s.event)
	return rows, snap, account, event
}

// BenchmarkIngest syncs 100 transactions into each of 10,000 accounts through the
// store's API, one Update per sync (AddTransactions, AddSnapshot, PutAccount,
// AppendEvent), and puts the same records' bytes under the same keys into raw bbolt
// in the same batches, without the store's indexes and counts; both with fsync on,
// timed per Update (not counting making the data). Then it times 20,000 random
// pages of 50, each in its own View, on the store. Run it with
//
//	go test -run x -bench Ingest -benchtime 1x ./store/
//
// (-args -ingest-accounts=N for a smaller run.)
func BenchmarkIngest(b *testing.B) {
	accounts := *benchAccounts
	total := float64(accounts * benchPerAccount)
	for range b.N {
		dir := b.TempDir()
		ctx := context.Background()

		db, err := Open(filepath.Join(dir, "store.db"))
		if err != nil {
			b.Fatal(err)
		}
		raw, err := bolt.Open(filepath.Join(dir, "raw.db"), 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
		if err != nil {
			b.Fatal(err)
		}
		if err := raw.Update(func(tx *bolt.Tx) error {
			return createBuckets(tx, [][]byte{bucketPerAccount, bucketAccounts, bucketEvents})
		}); err != nil {
			b.Fatal(err)
		}

		// Alternate chunks of syncs between the two files, so that both meet the
		// same disk weather and the same file sizes.
		const chunk = 500
		var storeTime, rawTime time.Duration
		for lo := 0; lo < accounts; lo += chunk {
			hi := min(lo+chunk, accounts)
			for i := lo; i < hi; i++ {
				s := makeBenchSync(i)
				start := time.Now()
				err := db.Update(ctx, func(tx engine.Tx) error {
					if _, err := tx.AddTransactions(s.account.ID, s.txs); err != nil {
						return err
					}
					if _, err := tx.AddSnapshot(s.snap); err != nil {
						return err
					}
					if err := tx.PutAccount(s.account); err != nil {
						return err
					}
					_, err := tx.AppendEvent(s.event)
					return err
				})
				storeTime += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
			}
			for i := lo; i < hi; i++ {
				s := makeBenchSync(i)
				rows, snap, account, event := rawRecords(s)
				snapKey := snapshotKey(s.account.ID, s.snap.At, 1)
				start := time.Now()
				err := raw.Update(func(tx *bolt.Tx) error {
					per := tx.Bucket(bucketPerAccount)
					for _, kv := range rows {
						if err := per.Put(kv[0], kv[1]); err != nil {
							return err
						}
					}
					if err := per.Put(snapKey, snap); err != nil {
						return err
					}
					if err := tx.Bucket(bucketAccounts).Put([]byte(s.account.ID), account); err != nil {
						return err
					}
					return tx.Bucket(bucketEvents).Put(seqKey(nil, uint64(i+1)), event)
				})
				rawTime += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		_ = raw.Close()

		storeRate, rawRate := total/storeTime.Seconds(), total/rawTime.Seconds()
		b.ReportMetric(storeRate, "store-tx/s")
		b.ReportMetric(rawRate, "raw-bbolt-tx/s")
		b.ReportMetric(100*storeRate/rawRate, "store-%-of-raw")

		// Random pages of 50 of random accounts, each query its own View.
		rng := rand.New(rand.NewPCG(1, 2))
		lat := make([]time.Duration, 0, 20_000)
		for range cap(lat) {
			q := engine.TxQuery{
				AccountID: engine.NewID("bench", "account", uint64(rng.IntN(accounts))),
				Page:      1 + rng.IntN(benchPerAccount/50),
				Limit:     50,
			}
			start := time.Now()
			var page engine.TxPage
			err := db.View(ctx, func(tx engine.Tx) (err error) {
				page, err = tx.Transactions(q)
				return err
			})
			lat = append(lat, time.Since(start))
			if err != nil || len(page.Transactions) != 50 || page.Total != benchPerAccount {
				b.Fatalf("query %+v: %d rows of %d, %v", q, len(page.Transactions), page.Total, err)
			}
		}
		slices.Sort(lat)
		p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(p(0.50), "query-p50-ms")
		b.ReportMetric(p(0.99), "query-p99-ms")
		b.Logf("%d transactions: store %.0f tx/s (%v), raw bbolt %.0f tx/s (%v), ratio %.0f%%; page of 50: p50 %.3f ms, p99 %.3f ms, max %v",
			int(total), storeRate, storeTime.Round(time.Millisecond), rawRate, rawTime.Round(time.Millisecond),
			100*storeRate/rawRate, p(0.50), p(0.99), lat[len(lat)-1])
		_ = db.Close()
	}
}
