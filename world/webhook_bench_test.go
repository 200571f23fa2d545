package world

// How webhook delivery catches up after a jump (issue 10): the receiver is down
// while the clock jumps D days, so the outbox retries its oldest event every hour of
// those days (about 24·D attempts, each a real POST the receiver refuses), then the
// receiver is back and the next retry delivers everything. Catch-up time and CPU
// should grow linearly with D.
//
//	go test ./world/ -run '^$' -bench WebhookCatchUp -benchtime 1x

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

func BenchmarkWebhookCatchUp(b *testing.B) {
	for _, days := range []int{7, 30, 90, 180} {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			for range b.N {
				benchCatchUp(b, days)
			}
		})
	}
}

func benchCatchUp(b *testing.B, days int) {
	b.StopTimer()
	var down atomic.Bool
	var calls atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	wall := time.Now()
	w, err := Open(context.Background(), Options{DB: filepath.Join(b.TempDir(), "hooks.db"), Seed: 2021,
		Start: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Customers: 1, Sender: httpSender{}, Paused: true,
		Wall: func() time.Time { return wall }})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()
	on, u := true, recv.URL+"/hook"
	if _, err := w.Engine.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on, WebhookURL: &u}); err != nil {
		b.Fatal(err)
	}
	down.Store(true)
	c, err := w.Bank.AddCustomer(simulator.NewCustomer{Institution: "044", Balance: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	connectScale(b, w, c) // account_connected and account_updated: the first fails, the second waits
	settle(b, w)
	before := calls.Load()

	cpu0 := cpuTime()
	b.StartTimer()
	start := time.Now()
	must(b, w.Clock.Advance(time.Duration(days)*24*time.Hour))
	settle(b, w) // every retry the jump passed is made, and refused
	catchUp := time.Since(start)
	cpu := cpuTime() - cpu0
	attempts := calls.Load() - before
	down.Store(false)
	must(b, w.Clock.Advance(time.Hour))
	settle(b, w) // the next retry delivers both
	all := time.Since(start)
	b.StopTimer()

	evs, err := w.Engine.Events(ctx, engine.EventQuery{})
	if err != nil {
		b.Fatal(err)
	}
	records := 0
	for _, ev := range evs {
		if ev.Status != engine.DeliveryDelivered {
			b.Fatalf("event %s is %s after the receiver came back", ev.ID, ev.Status)
		}
		records += len(ev.Attempts)
	}
	used, _, err := w.DB.Usage()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(attempts), "attempts")
	b.ReportMetric(catchUp.Seconds(), "s-catch-up")
	b.ReportMetric(cpu.Seconds(), "cpu-s-catch-up")
	b.ReportMetric(float64(catchUp.Microseconds())/float64(attempts), "µs/attempt")
	b.ReportMetric(float64(cpu.Microseconds())/float64(attempts), "cpu-µs/attempt")
	b.ReportMetric(all.Seconds(), "s-until-delivered")
	b.ReportMetric(float64(records), "attempt-records")
	b.ReportMetric(float64(used)/(1<<10), "KiB-in-use")
}
