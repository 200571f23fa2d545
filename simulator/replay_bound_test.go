package simulator

import (
	"testing"
	"time"

	"sandbank/engine"
)

// A control the journal could not replay is refused when made, so a restart never
// fails on it: the world's time ends in 2106 (IDsEnd), and a clock without its end
// set (Clock.SetEnd) can run past it.
func TestControlsBeyondTheWorldsTimeAreRefused(t *testing.T) {
	start := time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC)
	wall := time.Now()
	clock := NewClock(start, WithWall(func() time.Time { return wall }))
	clock.SetPaused(true)
	defer clock.Close()
	j := &MemJournal{}
	cfg := Config{Seed: 1, Start: start, Customers: 1}
	b, err := Open(cfg, clock, j)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.StartOutage("044", time.Minute); err != nil {
		t.Fatalf("an outage now: %v", err)
	}
	for range 21 { // 210 years
		if err := clock.Advance(MaxAdvance); err != nil {
			t.Fatal(err)
		}
	}
	records := len(j.records)
	if err := b.StartOutage("044", time.Minute); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("an outage 210 years on = %v, want EINVALID", err)
	}
	if len(j.records) != records {
		t.Fatal("the refused control was journalled")
	}
	if _, err := Open(cfg, clock, j); err != nil {
		t.Fatalf("reopening the bank from its journal (a restart): %v", err)
	}
}
