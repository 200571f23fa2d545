package simulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// A clock saved before the world's end and restored at 1× after long enough away
// stops at the end, as it would have had it run: the time away does not carry it
// past.
func TestARestoredClockStopsAtTheWorldsEnd(t *testing.T) {
	w0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := RestoreClock(engine.ClockState{Now: IDsEnd.Add(-time.Second), Wall: w0, Speed: 1},
		WithWall(func() time.Time { return w0.Add(time.Hour) }))
	t.Cleanup(c.Close)
	c.SetEnd(IDsEnd)
	if got := c.Now(); !got.Equal(IDsEnd) {
		t.Fatalf("restored an hour later, the clock reads %v; want the world's end %v", got, IDsEnd)
	}
	if st := c.State(); !st.Paused {
		t.Fatalf("a restored clock at the end reads %+v, want paused", st)
	}
}

// The clock refuses to go past the world's end, saying where the end is and how
// far it is; it may reach the end exactly; running, it stops there.
func TestClockStopsAtTheWorldsEnd(t *testing.T) {
	end := t0.Add(48 * time.Hour)
	wall := newFakeWall()
	c := NewClock(t0, WithWall(wall.Now))
	t.Cleanup(c.Close)
	c.SetEnd(end)
	c.SetPaused(true)

	err := c.Advance(72 * time.Hour)
	wantCode(t, err, engine.EINVALID)
	for _, want := range []string{engine.TimeText(end), "2d from now", "advance by at most"} {
		if !strings.Contains(engine.ErrorMessage(err), want) {
			t.Errorf("refusal %q does not say %q", engine.ErrorMessage(err), want)
		}
	}
	if !c.Now().Equal(t0) {
		t.Fatalf("a refused advance moved the clock to %v", c.Now())
	}
	if err := c.Advance(48 * time.Hour); err != nil || !c.Now().Equal(end) {
		t.Fatalf("advancing to the end exactly = %v, now %v", err, c.Now())
	}
	err = c.Advance(time.Second)
	wantCode(t, err, engine.EINVALID)
	if !strings.Contains(engine.ErrorMessage(err), "it is at this world's end") {
		t.Errorf("refusal at the end = %q", engine.ErrorMessage(err))
	}

	// Running at top speed, it stops at the end instead of running on.
	r := NewClock(t0, WithWall(wall.Now))
	t.Cleanup(r.Close)
	r.SetEnd(end)
	if err := r.SetSpeed(MaxSpeed); err != nil {
		t.Fatal(err)
	}
	wall.Add(time.Hour) // 10,000 hours of virtual time
	if got := r.Now(); !got.Equal(end) {
		t.Fatalf("a running clock is at %v after passing the end, want %v", got, end)
	}
	// There it reads as paused: it cannot move on.
	if st := r.State(); !st.Paused || st.Speed != MaxSpeed {
		t.Fatalf("a running clock at the end reads %+v, want paused (at its speed)", st)
	}
	if st := c.State(); !st.Paused {
		t.Fatalf("a clock advanced to the end reads %+v, want paused", st)
	}
	// It cannot resume there: it says so, and stays paused; pausing still works.
	err = c.SetPaused(false)
	wantCode(t, err, engine.EINVALID)
	if !strings.Contains(engine.ErrorMessage(err), "cannot resume the clock: it is at this world's end") {
		t.Errorf("resuming at the end = %q", engine.ErrorMessage(err))
	}
	if st := c.State(); !st.Paused || !st.Now.Equal(end) {
		t.Fatalf("after a refused resume the clock reads %+v", st)
	}
	if err := c.SetPaused(true); err != nil {
		t.Fatalf("pausing at the end = %v", err)
	}
	before := NewClock(t0, WithWall(wall.Now))
	t.Cleanup(before.Close)
	before.SetEnd(end)
	if st := before.State(); st.Paused {
		t.Fatalf("a running clock before the end reads paused: %+v", st)
	}
}

// Every world ends when IDs holding the seconds since 1970 in 32 bits would wrap
// (2106); starts outside what IDs can hold are refused.
func TestWorldsEnd(t *testing.T) {
	for _, start := range []time.Time{time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), EarliestStart, IDsEnd.Add(-time.Hour)} {
		b, err := New(Config{Seed: 1, Start: start, Customers: 1}, stoppedClock(t, start))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := b.End(), time.Date(2106, 2, 7, 6, 28, 15, 0, time.UTC); !got.Equal(want) {
			t.Errorf("a world starting %v ends %v, want %v", start, got, want)
		}
		if h := b.HistoryStart(); h.Before(time.Unix(0, 0)) {
			t.Errorf("a world starting %v has history from %v, before IDs can count", start, h)
		}
	}
	for _, start := range []time.Time{time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), EarliestStart.Add(-time.Second), IDsEnd} {
		_, err := New(Config{Seed: 1, Start: start, Customers: 1}, stoppedClock(t, start))
		wantCode(t, err, engine.EINVALID)
		if !strings.Contains(engine.ErrorMessage(err), "32 bits") {
			t.Errorf("a start of %v refused with %q, which does not say why", start, engine.ErrorMessage(err))
		}
	}
}

// Transaction IDs keep their order up to the world's end, which comes before
// they would wrap: a world near 2106 numbers its last transactions in date order,
// and the clock cannot reach the instant where the seconds run out.
func TestIDsKeepTheirOrderUpToTheEnd(t *testing.T) {
	start := time.Date(2105, 6, 1, 9, 0, 0, 0, time.UTC)
	c := stoppedClock(t, start)
	b, err := New(Config{Seed: 5, Start: start, Customers: 30}, c)
	if err != nil {
		t.Fatal(err)
	}
	c.SetEnd(b.End())
	if err := c.Advance(b.End().Sub(start)); err != nil {
		t.Fatalf("advancing to the end: %v", err)
	}
	if err := c.Advance(time.Second); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("advancing past 2106's wrap = %v, want EINVALID", err)
	}
	var checked int
	for _, cust := range b.Customers() {
		txs, err := b.History(cust.Accounts[0].Number, b.End().AddDate(0, -2, 0), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(txs))
		for i, x := range txs {
			ids[i] = x.ID
			if i > 0 && x.Date.Unix() > txs[i-1].Date.Unix() && x.ID < txs[i-1].ID {
				t.Fatalf("transaction %s of %v sorts before %s of %v", x.ID, x.Date, txs[i-1].ID, txs[i-1].Date)
			}
		}
		checked += len(ids)
		if !slices.IsSortedFunc(txs, func(a, b engine.Transaction) int { return a.Date.Compare(b.Date) }) {
			t.Fatal("history is not in date order")
		}
	}
	if checked < 100 {
		t.Fatalf("only %d transactions in the last two months of the world", checked)
	}

	// Customers added at the very end (each ID's seconds spread over a day after its
	// opening) still sort after every customer made earlier: their seconds stop at
	// the end instead of wrapping to 1970.
	latest := ""
	for _, cust := range b.Customers() {
		latest = max(latest, cust.ID)
	}
	endSecs := fmt.Sprintf("%08x", b.End().Unix())
	for i := range 5 {
		cust, err := b.AddCustomer(NewCustomer{Institution: "058", Username: fmt.Sprintf("last%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if cust.ID <= latest || !strings.HasPrefix(cust.ID, endSecs) {
			t.Fatalf("customer %s added at the end: want it to begin with the end's seconds %s and sort after %s, made earlier", cust.ID, endSecs, latest)
		}
	}
}

// AdvanceTo moves a running clock to the instant asked for, not by the distance
// read before the move: the clock ran on in between, and "to" the world's end
// overshot it and was refused, as an advance (a presenter's trial). An instant it
// has passed by then is no move.
func TestAdvanceToARunningClocksEnd(t *testing.T) {
	end := t0.Add(48 * time.Hour)
	wall := newFakeWall()
	c := NewClock(t0, WithWall(wall.Now)) // running, at 1×
	t.Cleanup(c.Close)
	c.SetEnd(end)
	err := c.AdvanceTo(func(now time.Time) (time.Duration, error) {
		wall.Add(time.Second) // the clock runs on before the move starts
		return end.Sub(now), nil
	})
	if err != nil || !c.Now().Equal(end) {
		t.Fatalf("to the world's end on a running clock: %v, the clock at %s; want it at the end %s", err, c.Now(), end)
	}
	c2 := NewClock(t0, WithWall(wall.Now))
	t.Cleanup(c2.Close)
	before := c2.Now()
	if err := c2.AdvanceTo(func(now time.Time) (time.Duration, error) {
		wall.Add(time.Minute)
		return time.Second, nil // passed by the time the move starts
	}); err != nil || !c2.Now().Equal(before.Add(time.Minute)) {
		t.Fatalf("to an instant passed meanwhile: %v, the clock at %s", err, c2.Now())
	}
}
