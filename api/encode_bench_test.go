package api

import (
	"encoding/json"
	"testing"
	"time"

	"sandbank/engine"
)

// The hand-written page encoder (encode.go) against encoding/json, same run:
//
//	go test ./api/ -run '^$' -bench Encode -count 3
//
// Measured on this project's 2-core machine, shared (load 2.2–3.8), a page of 50:
// appendTxPage 10–14 µs with no allocation, json.Marshal 56–73 µs and 53
// allocations — kept, since a page that is not in the answers cache pays it on
// every read. An account view: hand-written 0.2 µs, json.Marshal 1.2 µs; over HTTP
// the account read answered 0.75/0.86/0.68 of the bare handler hand-written and
// 0.74/0.80/0.66 through encoding/json (BenchmarkReadAccount, three runs each) —
// a microsecond lost in a request of a hundred, so the account goes through
// encoding/json, as do v2's accounts and every other answer.

func benchPage() (paging, []engine.Transaction) {
	txs := make([]engine.Transaction, 50)
	d := time.Date(2021, 8, 20, 12, 30, 0, 0, time.UTC)
	for i := range txs {
		txs[i] = engine.Transaction{ID: "61e6b3a1f0c2d3e4a5b6c7d8", Type: engine.Debit, Amount: 500000 + int64(i),
			Narration: "POS PURCHASE SHOPRITE LEKKI LAGOS NG", Date: d.Add(-time.Duration(i) * time.Hour),
			Balance: 123456789, Currency: "NGN", Category: "shopping"}
	}
	next := "http://127.0.0.1:7070/accounts/x/transactions?limit=50&page=2"
	return paging{Total: 5000, Page: 1, Next: &next}, txs
}

func BenchmarkEncodePageByHand(b *testing.B) {
	pg, txs := benchPage()
	buf := make([]byte, 0, 16<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendTxPage(buf[:0], pg, txs)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkEncodePageJSON(b *testing.B) {
	pg, txs := benchPage()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		out, _ := json.Marshal(txPageJSON{Paging: pg, Data: newTxJSON(txs)})
		n = len(out)
	}
	b.SetBytes(int64(n))
}
