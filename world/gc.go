package world

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcHeadroom is how much the heap may grow between two garbage collections, at
// least. A world's live heap is small — a few MB, 10 to 25 while a jump's syncs are
// in flight at 1,000 accounts — and a jump allocates in bursts (bbolt copies every
// page a transaction touches), so with Go's default, a collection each time the
// heap doubles, one ran every 5 MB or so: 345 in the benchmark of 1,000 accounts,
// the collector running beside the writer for half of each simulated day. With
// room for 64 MB, 17; a day of 1,000 accounts took 0.13 s before and 0.09 to 0.11
// s after, in interleaved runs of go test ./world -run '^$' -bench
// 'Scale/accounts=1000$' (at 10,000 accounts, whose live heap is larger, no change
// beyond the noise; 256 MB saved a fifth of the CPU there, but not wall time).
const gcHeadroom = 64 << 20

var tuneOnce sync.Once

// tuneGC lets the heap grow by gcHeadroom between collections while the live heap
// is small, and by as much as the live heap (Go's default, GOGC=100) once that is
// larger: after every collection it sets GOGC to the larger of the two. It leaves
// the collector alone if GOGC or GOMEMLIMIT is set in the environment: whoever set
// them decides.
func tuneGC() {
	tuneOnce.Do(func() {
		if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
			return
		}
		const base = 100
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		last := base
		var after func(*gcSentinel)
		after = func(*gcSentinel) {
			metrics.Read(live)
			pct := base
			if l := live[0].Value.Uint64(); l > 0 {
				pct = max(base, int(min(gcHeadroom*100/l, 1<<20)))
			}
			if pct != last {
				debug.SetGCPercent(pct)
				last = pct
			}
			runtime.SetFinalizer(&gcSentinel{}, after)
		}
		runtime.SetFinalizer(&gcSentinel{}, after)
	})
}

// gcSentinel is garbage at once: its finalizer runs after each collection. It
// holds a pointer so that it is not a tiny allocation, whose finalizers may never
// run.
type gcSentinel struct{ _ *int }
