package scenario_test

import (
	"context"
	"io"
	"testing"
	"time"

	"sandbank/scenario"
)

// BenchmarkFixtures runs every shipped fixture headless, as `sandbank scenario run
// fixtures/*.yaml` does (fsync on, real bbolt files, transcripts written to
// io.Discard), and reports the wall time of all of them, per fixture and per
// simulated day. Target: all together under 2 s on a 2-core machine.
//
//	go test ./scenario -run '^$' -bench Fixtures -benchtime 5x
func BenchmarkFixtures(b *testing.B) {
	files := fixtures(b)
	var virtual time.Duration
	var steps int
	b.ResetTimer()
	for range b.N {
		virtual, steps = 0, 0
		for _, f := range files {
			res := scenario.RunFile(context.Background(), f, host, io.Discard)
			if !res.Passed {
				b.Fatal(res.Line())
			}
			virtual += res.Virtual
			steps += res.Steps
		}
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(per.Seconds(), "s/all-fixtures")
	b.ReportMetric(float64(per.Milliseconds())/float64(len(files)), "ms/fixture")
	b.ReportMetric(float64(per.Microseconds())/1000/(virtual.Hours()/24), "ms/simulated-day")
	b.ReportMetric(float64(per.Microseconds())/1000/float64(steps), "ms/step")
	b.ReportMetric(0, "ns/op")
}
