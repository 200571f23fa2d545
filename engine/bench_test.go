package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/store"
)

// BenchmarkSync10kAccounts syncs 10,000 connected accounts once each, every one with
// new transactions, through the engine, the simulator and the real bbolt store with
// fsync on. It reports syncs/s, transactions/s and the peak memory of the run.
//
//	go test -run x -bench Sync10k -benchtime 1x ./engine/
func BenchmarkSync10kAccounts(b *testing.B) {
	const accounts = 10_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "bench.db")
		clock, bank, ids := setupSyncBench(b, path, accounts)
		db, err := store.Open(path) // fsync on from here
		if err != nil {
			b.Fatal(err)
		}
		eng := startBenchEngine(b, clock, bank, db)
		peak := sampleMemory()
		runtime.GC()
		b.StartTimer()

		start := time.Now()
		var newTx, failed atomic.Int64
		var wg sync.WaitGroup
		next := make(chan string)
		for w := 0; w < 64; w++ { // callers; the engine's pool bounds the syncs
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range next {
					res, err := eng.Sync(context.Background(), id)
					if err != nil || res.Status != engine.StatusSyncSuccessful || !res.HasNewData {
						failed.Add(1)
						continue
					}
					newTx.Add(int64(res.Job.NewTransactions))
				}
			}()
		}
		for _, id := range ids {
			next <- id
		}
		close(next)
		wg.Wait()
		elapsed := time.Since(start)

		b.StopTimer()
		heap := peak()
		if failed.Load() > 0 {
			b.Fatalf("%d syncs failed or found nothing new", failed.Load())
		}
		b.ReportMetric(float64(accounts)/elapsed.Seconds(), "syncs/s")
		b.ReportMetric(float64(newTx.Load())/elapsed.Seconds(), "tx/s")
		b.ReportMetric(float64(newTx.Load())/accounts, "tx/sync")
		b.ReportMetric(float64(heap)/(1<<20), "peak-MB")
		b.ReportMetric(float64(maxRSS())/(1<<20), "maxRSS-MB")
		_ = eng.Close()
		_ = db.Close()
		clock.Close()
	}
}

// setupSyncBench connects accounts (on a database without fsync, to be quick), then
// lets a week of trading pass and credits each account, so that every one has new
// transactions.
func setupSyncBench(b *testing.B, path string, n int) (*simulator.Clock, *simulator.Bank, []string) {
	b.Helper()
	wall := time.Now()
	clock := simulator.NewClock(adamStart, simulator.WithWall(func() time.Time { return wall }))
	clock.SetPaused(true)
	bank, err := simulator.New(simulator.Config{Seed: 7, Start: adamStart, Customers: 1}, clock)
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(path, store.UnsafeNoSync())
	if err != nil {
		b.Fatal(err)
	}
	eng := startBenchEngine(b, clock, bank, db)
	ctx := context.Background()
	codes := []string{"044", "058", "057", "011", "033", "070", "214", "032"}
	ids := make([]string, n)
	customers := make([]simulator.Customer, n)
	for i := range ids {
		c, err := bank.AddCustomer(simulator.NewCustomer{Institution: codes[i%len(codes)], Balance: 50_000_000,
			Profile: simulator.ProfileTrader, Username: fmt.Sprintf("bench%05d", i)})
		if err != nil {
			b.Fatal(err)
		}
		a, err := connect(ctx, eng, bank, c.ID, c.Accounts[0].Institution.Code)
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = a.ID
		customers[i] = c
	}
	if err := clock.Advance(7 * 24 * time.Hour); err != nil { // a week between syncs
		b.Fatal(err)
	}
	for _, c := range customers { // a quiet day still leaves one new transaction
		if _, err := bank.PostTransaction(c.ID, simulator.Posting{Account: c.Accounts[0].Number, Type: engine.Credit, Amount: 100_000}); err != nil {
			b.Fatal(err)
		}
	}
	_ = eng.Close()
	_ = db.Close()
	return clock, bank, ids
}

func startBenchEngine(b *testing.B, clock *simulator.Clock, bank *simulator.Bank, db *store.DB) *engine.Engine {
	b.Helper()
	eng, err := engine.New(engine.Config{Clock: clock, Bank: bank, Store: db, Sender: api.NewWebhookSender()})
	if err != nil {
		b.Fatal(err)
	}
	err = eng.Start(context.Background(), engine.Settings{SecretKey: "test_sk_0123456789abcdef", PublicKey: "test_pk_0123456789abcdef",
		IDNamespace: "bench", DataSyncEnabledAt: adamStart.Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	return eng
}

// sampleMemory samples the Go runtime's mapped memory every 5 ms until the returned
// function is called, which reports the peak.
func sampleMemory() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); <-done; return peak.Load() }
}
