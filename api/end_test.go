package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// POST /sandbox/clock refuses to move the clock past the world's end — the last
// second that IDs holding the seconds since 1970 in 32 bits can count, in 2106 —
// with a 400 that says where the end is and how far; up to the end it moves.
func TestClockRefusesToPassTheWorldsEnd(t *testing.T) {
	w := newWorld(t, worldOpts{start: time.Date(2105, 12, 1, 9, 0, 0, 0, time.UTC)})
	rep := w.must(http.StatusBadRequest, "POST", "/sandbox/clock", req{body: map[string]any{"advance": "90d"}})
	var e struct{ Status, Message, Code string }
	rep.decode(t, &e)
	for _, want := range []string{"this world ends at", "7 Feb 2106", "advance by at most", `or send {"to": "2106-02-07T06:28:15.000Z"}`} {
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
	if rep := w.get("/sandbox/clock"); strings.Contains(string(rep.body), "at_end") {
		t.Fatalf("short of the world's end, the clock says %s", rep.body)
	}
	w.get("/sandbox/clock").decode(t, &clock)
	if !strings.HasPrefix(clock.Now, "2106-01-30") {
		t.Fatalf("after +60d the clock is at %s", clock.Now)
	}
	// "to" the end as the API writes it goes there — not a nanosecond past, which
	// the rest of that millisecond would be. At the end, resuming is refused as
	// advancing is: a 400 that says why, not a 200 with "paused": true.
	const end = "2106-02-07T06:28:15.000Z"
	// "to" past the end is refused as a "to", not as the advance it would make:
	// "cannot advance the clock by 2s", field "advance" (a QA engineer's trial).
	for at, says := range map[string]string{
		"2106-02-07T06:28:15.999Z": `cannot move the clock to 7 Feb 2106 07:28:15.999 WAT: this world ends at 7 Feb 2106 07:28:15.000 WAT (the last second that IDs holding the seconds since 1970 in 32 bits can count); send at most "` + end + `"`,
		"2106-03-01":               "cannot move the clock to 1 Mar 2106 00:00:00 WAT: this world ends at",
	} {
		f := failed(t, w.do("POST", "/sandbox/clock", req{body: map[string]any{"to": at}}), http.StatusBadRequest, "")
		if msg, _ := f["message"].(string); !strings.Contains(msg, says) || f["field"] != "to" {
			t.Errorf("to %s, past the end: %v; want field to, saying %q", at, f, says)
		}
	}
	if w.post("/sandbox/clock", map[string]any{"to": end}).decode(t, &clock); clock.Now != end {
		t.Fatalf("to the world's end, %s: the clock reads %s", end, clock.Now)
	}
	// Paused there, and saying why: "paused": true alone read as if someone had
	// paused it. Short of the end, the clock says nothing of it.
	var state struct {
		Paused bool
		AtEnd  *bool `json:"at_end"`
	}
	if w.get("/sandbox/clock").decode(t, &state); !state.Paused || state.AtEnd == nil || !*state.AtEnd {
		t.Fatalf("at the world's end the clock reads paused %v, at_end %v", state.Paused, state.AtEnd)
	}
	f := failed(t, w.do("POST", "/sandbox/clock", req{body: map[string]any{"to": "2106-02-07T06:28:15.500Z"}}), http.StatusBadRequest, "")
	if msg, _ := f["message"].(string); !strings.Contains(msg, "it is at this world's end") || f["field"] != "to" {
		t.Errorf("to past the end, at the end: %v", f)
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
	// A sync refused for the rate limit at the end says the wait is past it, not
	// to advance the clock by 2m, which it refuses.
	w.enableDataSync()
	id := w.connect(w.customers()[0])
	w.post("/accounts/"+id+"/sync", nil)
	rep = w.must(http.StatusTooManyRequests, "POST", "/accounts/"+id+"/sync", req{})
	rep.decode(t, &e)
	if !strings.Contains(e.Message, "past this world's end, 7 Feb 2106 07:28:15 WAT, which the clock cannot pass: start a new database to go on") || strings.Contains(e.Message, "advance it by") {
		t.Errorf("a rate-limited sync at the end: %q", e.Message)
	}
}

// The clock keeps nanoseconds and the API shows milliseconds: "to" a time as
// the API wrote it takes the whole millisecond. A connection at 12:00:00.002500
// set its automatic sync for 18:00:00.002500, which a move to 18:00:00.002 — the
// clock's time as GET showed it, six hours on — did not run; and that time sent
// back as it read was refused as going back.
func TestClockToTakesTheShownMillisecond(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.enableDataSync()
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"auto_sync": "6h"}})
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: map[string]any{"advance": "2.5ms"}})
	w.connect(w.addCustomer(map[string]any{"institution": "044", "balance": "NGN 1,000"}))
	var clock struct{ Now string }
	w.get("/sandbox/clock").decode(t, &clock)
	shown := clock.Now
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: map[string]any{"to": shown}}).decode(t, &clock)
	if clock.Now != shown {
		t.Fatalf("to the clock's own time, %s: it reads %s", shown, clock.Now)
	}
	now, err := time.Parse(time.RFC3339, shown)
	if err != nil {
		t.Fatal(err)
	}
	// A millisecond earlier, in the same second, is refused in words that tell the
	// two apart.
	earlier := now.Add(-time.Millisecond).Format("2006-01-02T15:04:05.000Z")
	e := failed(t, w.do("POST", "/sandbox/clock", req{body: map[string]any{"to": earlier}}), http.StatusBadRequest, "")
	wat := func(t time.Time) string { return t.In(engine.WAT).Format("2 Jan 2006 15:04:05.000 MST") }
	if msg, _ := e["message"].(string); !strings.Contains(msg, wat(now.Add(-time.Millisecond))+" is before the clock's time, "+wat(now)) {
		t.Errorf("to %s, a millisecond before the clock: %q", earlier, msg)
	}
	due := now.Add(6 * time.Hour).Format("2006-01-02T15:04:05.000Z")
	w.must(http.StatusOK, "POST", "/sandbox/clock", req{body: map[string]any{"to": due}}).decode(t, &clock)
	var list struct {
		Data []struct {
			LastSyncedAt string `json:"last_synced_at"`
		}
	}
	w.must(http.StatusOK, "GET", "/sandbox/accounts", req{}).decode(t, &list)
	if clock.Now != due || len(list.Data) != 1 || list.Data[0].LastSyncedAt != due {
		t.Fatalf("to %s: the clock reads %s, the accounts %+v; want the automatic sync due then to have run", due, clock.Now, list.Data)
	}
}

// POST /sandbox/clock {"to"} moves the clock to an instant — an event's
// next_attempt_at as the API writes it, an ISO date (a Lagos day's start) — and
// never back; it is advance or to, not both.
func TestClockMovesToAnInstant(t *testing.T) {
	w := newWorld(t, worldOpts{})
	var clock struct{ Now string }
	w.get("/sandbox/clock").decode(t, &clock)
	now, err := time.Parse(time.RFC3339, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	target := now.Add(90*time.Minute + 30*time.Second).UTC().Format("2006-01-02T15:04:05.000Z")
	w.post("/sandbox/clock", map[string]any{"to": target}).decode(t, &clock)
	if clock.Now != target {
		t.Fatalf("moved to %s, the clock reads %s", target, clock.Now)
	}
	day := now.In(time.FixedZone("WAT", 3600)).AddDate(0, 0, 1).Format("2006-01-02")
	w.post("/sandbox/clock", map[string]any{"to": day}).decode(t, &clock)
	if want := day + "T00:00:00+01:00"; !sameInstant(t, clock.Now, want) {
		t.Fatalf("moved to %s, the clock reads %s; want the start of that day in Lagos, %s", day, clock.Now, want)
	}
	for _, c := range []struct {
		body map[string]any
		says string
	}{
		{map[string]any{"to": target}, "the clock never goes back"},
		{map[string]any{"to": "2041-01-01"}, "at most 10 years"},
		{map[string]any{"to": "tomorrow"}, "is not a date"},
		{map[string]any{"to": "2031-02-29T09:00:00Z"}, `"2031-02-29T09:00:00Z" is no date: February 2031 has 28 days`},
		{map[string]any{"to": "2031-01-01", "advance": "1h"}, "advance or to, not both"},
	} {
		e := failed(t, w.do("POST", "/sandbox/clock", req{body: c.body}), http.StatusBadRequest, "")
		if msg, _ := e["message"].(string); !strings.Contains(msg, c.says) || e["field"] != "to" {
			t.Errorf("%v: %v; want field to, saying %q", c.body, e, c.says)
		}
	}
	var after struct{ Now string }
	if w.get("/sandbox/clock").decode(t, &after); after.Now != clock.Now {
		t.Fatalf("refused moves moved the clock from %s to %s", clock.Now, after.Now)
	}
}

func sameInstant(t *testing.T, a, b string) bool {
	t.Helper()
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s / %s: %v %v", a, b, err1, err2)
	}
	return ta.Equal(tb)
}

// While a jump is under way GET /sandbox/clock answers where a crash would leave
// the clock — where the jump started, or as far as its commits have saved — not
// where it has got to: a client read 2028-03-23 during a year's jump, and after
// kill -9 the clock read 2028-01-11 (a bad-input hunt). Once the jump returns it
// answers the jump's end.
func TestClockReadDuringAJumpIsSaved(t *testing.T) {
	w := newWorld(t, worldOpts{})
	start := w.clock.Now()
	get := func(path string, status int, v any) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.Host = "127.0.0.1"
		r.Header.Set("mono-sec-key", testSecretKey)
		w.srv.ServeHTTP(rec, r)
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil || rec.Code != status {
			t.Errorf("GET %s = %d %s", path, rec.Code, rec.Body)
		}
	}
	read := func() time.Time {
		var c struct{ Now string }
		get("/sandbox/clock", http.StatusOK, &c)
		at, _ := time.Parse(time.RFC3339, c.Now)
		return at
	}
	var before, after, v2 time.Time
	w.clock.AfterFunc(start.Add(30*time.Minute), func() { before = read() })
	w.clock.AfterFunc(start.Add(time.Hour), func() { // a write commits the clock's time mid-jump
		if err := w.db.Update(w.ctx, func(engine.Tx) error { return nil }); err != nil {
			t.Error(err)
		}
	})
	w.clock.AfterFunc(start.Add(2*time.Hour), func() {
		after = read()
		var e struct{ Timestamp string } // v2's envelope says the same time
		get("/v2/accounts/000000000000000000000000", http.StatusNotFound, &e)
		v2, _ = time.Parse(time.RFC3339, e.Timestamp)
	})
	w.post("/sandbox/clock", map[string]any{"advance": "1d"})
	if !before.Equal(start) {
		t.Errorf("30 minutes into the jump, before any commit, the clock read %s; want its start %s", before, start)
	}
	if want := start.Add(time.Hour); !after.Equal(want) || !v2.Equal(want) {
		t.Errorf("2 hours into the jump, after a commit at 1 hour, the clock read %s and v2's timestamp %s; want %s", after, v2, want)
	}
	if got := read(); !got.Equal(start.Add(24 * time.Hour)) {
		t.Errorf("after the jump the clock reads %s; want %s", got, start.Add(24*time.Hour))
	}

	// A commit that lands between the read of the clock and the read of what is
	// saved records a time past the one read: the answer is that, not the jump's
	// start, which a client that had read that commit's data would find behind it.
	var raced time.Time
	saved := w.srv.savedClock
	defer func() { w.srv.savedClock = saved }()
	jumpFrom := w.clock.Now()
	w.clock.AfterFunc(jumpFrom.Add(2*time.Hour), func() {
		w.srv.savedClock = func() time.Time { return jumpFrom.Add(3 * time.Hour) } // the commit of the next timer's work
		raced = read()
	})
	w.post("/sandbox/clock", map[string]any{"advance": "1d"})
	if want := jumpFrom.Add(3 * time.Hour); !raced.Equal(want) {
		t.Errorf("a commit saved %s between the reads of the clock (at %s) and of what is saved: the clock read %s; want %s", want, jumpFrom.Add(2*time.Hour), raced, want)
	}
}

// POST /sandbox/clock {"to"} sent while a jump is under way moves the clock to
// that instant once the jump has returned: it was read as a duration from where
// the jump had got to, and overshot the instant by the rest of the jump (a QA
// engineer's trial: 18 hours past it).
func TestClockToDuringAJump(t *testing.T) {
	w := newWorld(t, worldOpts{})
	start := w.clock.Now()
	target := start.Add(48 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
	sent := make(chan struct{})
	answered := make(chan *httptest.ResponseRecorder, 1)
	w.clock.AfterFunc(start.Add(time.Hour), func() {
		go func() { // another client's move, which waits for this jump
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/sandbox/clock", strings.NewReader(`{"to":"`+target+`"}`))
			r.Host = "127.0.0.1"
			r.Header.Set("mono-sec-key", testSecretKey)
			r.Header.Set("Content-Type", "application/json")
			close(sent)
			w.srv.ServeHTTP(rec, r)
			answered <- rec
		}()
		<-sent // it reads the clock while this jump is at its first hour
	})
	w.post("/sandbox/clock", map[string]any{"advance": "1d"})
	rec := <-answered
	var clock struct{ Now string }
	if err := json.Unmarshal(rec.Body.Bytes(), &clock); err != nil || rec.Code != http.StatusOK || clock.Now != target {
		t.Fatalf("to %s, sent an hour into a jump of a day: %d %s; want the clock at %s", target, rec.Code, rec.Body, target)
	}
}
