package world

import (
	"os"
	"runtime"
	"runtime/metrics"
	"testing"
)

// gogc reads the collector's GOGC as it stands.
func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// collectUntil collects until ok holds of GOGC, or fails: the tuner runs after a
// collection, on the finalizer goroutine, so it may take a few.
func collectUntil(t *testing.T, what string, ok func(uint64) bool) {
	t.Helper()
	for range 1000 {
		runtime.GC()
		runtime.Gosched()
		if ok(gogc()) {
			return
		}
	}
	t.Fatalf("after 1,000 collections GOGC is %d; want %s", gogc(), what)
}

func TestCollectorHasHeadroomWhileTheHeapIsSmall(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: the tuner leaves the collector to them (as it should)")
	}
	tuneGC()
	// A test's live heap is a few MB, under half the headroom: room for 64 MB is
	// more than room for twice the live heap.
	collectUntil(t, "more than gcPercent over a small heap", func(p uint64) bool { return p > gcPercent })
	// A live heap larger than the headroom: room for twice the live heap.
	big := make([]byte, 3*gcHeadroom/2)
	collectUntil(t, "gcPercent over a heap larger than the headroom", func(p uint64) bool { return p == gcPercent })
	runtime.KeepAlive(big)
	collectUntil(t, "more than gcPercent once the heap is small again", func(p uint64) bool { return p > gcPercent })
}
