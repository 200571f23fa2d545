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
// 'Scale/accounts=1000$'.
const gcHeadroom = 64 << 20

// gcPercent is GOGC once the live heap is larger than half the headroom: the heap
// may grow by twice the live heap, not once as by Go's default. At 10,000
// accounts, whose jumps keep tens of thousands of writes in flight, collections
// took two fifths of the CPU of a jump; 60 days of 10,000 accounts took 65 to 75 s
// and 100 to 112 s of CPU at GOGC=100, 62 s and 85 to 87 s of CPU at 200, for 0.4
// GB more peak resident set (3.3 → 3.7 GB, most of it the mapped file).
const gcPercent = 200

var tuneOnce sync.Once

// tuneGC lets the heap grow by gcHeadroom between collections while the live heap
// is small, and by gcPercent of it once that is larger: after every collection it
// sets GOGC to the larger of the two. It leaves the collector alone if GOGC or
// GOMEMLIMIT is set in the environment: whoever set them decides.
func tuneGC() {
	tuneOnce.Do(func() {
		if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
			return
		}
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		last := 100
		var after func(*gcSentinel)
		after = func(*gcSentinel) {
			metrics.Read(live)
			pct := gcPercent
			if l := live[0].Value.Uint64(); l > 0 {
				pct = max(gcPercent, int(min(gcHeadroom*100/l, 1<<20)))
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
