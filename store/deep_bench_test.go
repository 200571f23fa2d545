package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"sandbank/engine"
)

// BenchmarkDeepPages queries random pages of 50 anywhere in one account of 200,000
// transactions — unfiltered, by type, and by a date range — each query in its own
// View, and reports the p99. Ingest pages are at most two deep; this is the case of
// a busy account that a UI scrolls through.
//
//	go test ./store/ -run '^$' -bench DeepPages -benchtime 1x
func BenchmarkDeepPages(b *testing.B) {
	const n = 200_000
	ctx := context.Background()
	path := tempPath(b)
	setup, err := Open(path, UnsafeNoSync()) // building the account is not what is measured
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	balance := int64(0)
	for chunk := 0; chunk < n; chunk += 10_000 {
		txs := make([]engine.Transaction, 10_000)
		for i := range txs {
			k := chunk + i
			typ, amount := engine.Credit, int64(1000+k%7000)
			if k%3 != 0 {
				typ = engine.Debit
				amount = min(amount, balance)
				if amount == 0 {
					typ, amount = engine.Credit, 500
				}
			}
			if typ == engine.Credit {
				balance += amount
			} else {
				balance -= amount
			}
			txs[i] = engine.Transaction{ID: fmt.Sprintf("tx%07d", k), Type: typ, Amount: amount, Balance: balance,
				Narration: fmt.Sprintf("POS PURCHASE SHOP %d LEKKI", k%97), Date: start.Add(time.Duration(k) * 7 * time.Minute),
				Currency: "NGN", Category: "shopping"}
		}
		if err := setup.Update(ctx, func(tx engine.Tx) error { _, err := tx.AddTransactions("big", txs); return err }); err != nil {
			b.Fatal(err)
		}
	}
	_ = setup.Close()
	db, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	end := start.Add(n * 7 * time.Minute)
	kinds := []struct {
		name string
		q    func(r *rand.Rand) engine.TxQuery
	}{
		{"all", func(r *rand.Rand) engine.TxQuery {
			return engine.TxQuery{AccountID: "big", Page: 1 + r.IntN(n/50), Limit: 50}
		}},
		{"debits", func(r *rand.Rand) engine.TxQuery {
			return engine.TxQuery{AccountID: "big", Type: engine.Debit, Page: 1 + r.IntN(n/100), Limit: 50}
		}},
		{"range", func(r *rand.Rand) engine.TxQuery {
			from := start.Add(time.Duration(r.Int64N(int64(end.Sub(start)) / 2)))
			return engine.TxQuery{AccountID: "big", From: from, To: from.Add(90 * 24 * time.Hour), Page: 1 + r.IntN(300), Limit: 50}
		}},
	}
	b.ResetTimer()
	for range b.N {
		for _, k := range kinds {
			rng := rand.New(rand.NewPCG(3, 4))
			lat := make([]time.Duration, 0, 5_000)
			for range cap(lat) {
				q := k.q(rng)
				t0 := time.Now()
				err := db.View(ctx, func(tx engine.Tx) error { _, err := tx.Transactions(q); return err })
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, k.name+"-p99-ms")
		}
	}
}
