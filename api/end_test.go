package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// POST /sandbox/clock refuses to move the clock past the world's end — the last
// second that IDs holding the seconds since 1970 in 32 bits can count, in 2106 —
// with a 400 that says where the end is and how far; up to the end it moves.
func TestClockRefusesToPassTheWorldsEnd(t *testing.T) {
	w := newWorld(t, worldOpts{start: time.Date(2105, 12, 1, 9, 0, 0, 0, time.UTC)})
	rep := w.must(http.StatusBadRequest, "POST", "/sandbox/clock", req{body: map[string]any{"advance": "90d"}})
	var e struct{ Status, Message, Code string }
	rep.decode(t, &e)
	for _, want := range []string{"this world ends at", "7 Feb 2106", "advance by at most"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("refusal %q does not say %q", e.Message, want)
		}
	}
	if e.Status != "failed" || e.Code == "" {
		t.Errorf("refusal = %+v", e)
	}
	var clock struct{ Now string }
	w.get("/sandbox/clock").decode(t, &clock)
	if !strings.HasPrefix(clock.Now, "2105-12-01") {
		t.Fatalf("a refused advance moved the clock to %s", clock.Now)
	}
	w.advance("60d")
	w.get("/sandbox/clock").decode(t, &clock)
	if !strings.HasPrefix(clock.Now, "2106-01-30") {
		t.Fatalf("after +60d the clock is at %s", clock.Now)
	}
	// At the end, resuming is refused as advancing is: a 400 that says why, not a 200
	// with "paused": true.
	for _, d := range []string{"7d", "21h", "28m", "15s"} {
		w.advance(d)
	}
	rep = w.must(http.StatusBadRequest, "POST", "/sandbox/clock", req{body: map[string]any{"paused": false, "speed": 60}})
	rep.decode(t, &e)
	if !strings.Contains(e.Message, "cannot resume the clock: it is at this world's end") {
		t.Errorf("resuming at the end: %q", e.Message)
	}
	var after struct{ Speed float64 }
	if w.get("/sandbox/clock").decode(t, &after); after.Speed == 60 {
		t.Error("a refused change of the clock changed its speed: nothing of it should hold")
	}
}
