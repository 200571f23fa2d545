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
	// A test's live heap is a few MB: room for 64 MB is GOGC of 200 and more.
	collectUntil(t, "at least 200 over a small heap", func(p uint64) bool { return p >= 200 })
	// A live heap larger than the headroom: Go's own GOGC again.
	big := make([]byte, 3*gcHeadroom/2)
	collectUntil(t, "100 over a heap larger than the headroom", func(p uint64) bool { return p == 100 })
	runtime.KeepAlive(big)
	collectUntil(t, "at least 200 once the heap is small again", func(p uint64) bool { return p >= 200 })
}
