package simulator

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkYear1000Accounts generates one simulated year of 1,000 accounts from
// scratch (checkpoints dropped every round): the compact form the bank caches and
// queries. tx/s and allocs/tx are per generated transaction.
func BenchmarkYear1000Accounts(b *testing.B) {
	w, accts := benchWorld(b)
	from := w.histStart
	to := from + 365*secPerDay*nsPerSec - 1
	var buf []tx
	var txs int
	var before, after runtime.MemStats
	b.ReportAllocs()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		for _, a := range accts {
			a.cp = a.cp[:1]
			buf = w.between(a, from, to, buf[:0])
			txs += len(buf)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(txs)/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(txs), "allocs/tx")
	b.ReportMetric(float64(txs)/float64(b.N), "tx/op")
}

// BenchmarkYear1000AccountsAPI is the same year through the Bank's History, which
// builds an engine.Transaction (ID string included) for every transaction.
func BenchmarkYear1000AccountsAPI(b *testing.B) {
	w, accts := benchWorld(b)
	clk := NewClock(time.Unix(0, w.histStart+365*secPerDay*nsPerSec), WithWall(func() time.Time { return time.Unix(0, 0) }))
	defer clk.Close()
	bank := &Bank{clock: clk, w: w}
	var txs int
	var before, after runtime.MemStats
	b.ReportAllocs()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		for _, a := range accts {
			a.cp = a.cp[:1]
			out, err := bank.History(a.number, time.Time{}, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			txs += len(out)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(txs)/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(txs), "allocs/tx")
}

func benchWorld(b *testing.B) (*world, []*account) {
	b.Helper()
	cfg, err := Config{Seed: 7, Customers: 1000}.normalize()
	if err != nil {
		b.Fatal(err)
	}
	w := newWorld(cfg, journalVersion)
	if len(w.accounts) < 1000 {
		b.Fatalf("only %d accounts", len(w.accounts))
	}
	return w, w.accounts[:1000]
}
