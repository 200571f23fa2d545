package world

import (
	"context"
	"os"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"
)

// BenchmarkScaleDays jumps b.N single days, one after another, of
// SANDBANK_BENCH_N accounts (10 by default) set up as BenchmarkScale's, each day
// after the last one's webhooks settled and a GC, as BenchmarkScale's days are: the
// single day over many days, to profile what it costs beyond its syncs. Its
// advances run under the pprof label advance=day, so that the profile of them alone
// leaves out the settling and the GCs between them:
//
//	go test ./world -run '^$' -bench ScaleDays -benchtime 2000x -cpuprofile days.pprof
//	go tool pprof -tagfocus=advance=day -top days.pprof
//
// With SANDBANK_BENCH_NOSYNC=1 it commits without fsync. Besides ns/op it reports
// ms/account-day, the store writer's batches and pages written (bbolt's page
// writes, the meta page's included) a day, and the share of the day the writer
// spent in bbolt's commit. The days go on from the last, so a long run's later days
// hold more history than BenchmarkScale's first 21.
func BenchmarkScaleDays(b *testing.B) {
	n := 10
	if v, err := strconv.Atoi(os.Getenv("SANDBANK_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	b.StopTimer()
	w, stop := scaleAccounts(b, n)
	defer stop()
	var writes, batches int64
	var committing time.Duration
	for range b.N {
		settle(b, w)
		quiesce()
		w0, ws0 := w.DB.Writes(), w.DB.WriterStats()
		b.StartTimer()
		pprof.Do(context.Background(), pprof.Labels("advance", "day"), func(context.Context) {
			must(b, w.Clock.Advance(24*time.Hour))
		})
		b.StopTimer()
		ws := w.DB.WriterStats()
		writes += w.DB.Writes() - w0
		batches += ws.Batches - ws0.Batches
		committing += ws.Committing - ws0.Committing
	}
	days := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/(days*float64(n)), "ms/account-day")
	b.ReportMetric(float64(writes)/days, "pages-written/day")
	b.ReportMetric(float64(batches)/days, "batches/day")
	b.ReportMetric(100*committing.Seconds()/b.Elapsed().Seconds(), "committing-%")
}
