package simulator

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"sandbank/engine"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// fakeWall is a settable wall clock.
type fakeWall struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeWall() *fakeWall { return &fakeWall{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (w *fakeWall) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *fakeWall) Add(d time.Duration) {
	w.mu.Lock()
	w.now = w.now.Add(d)
	w.mu.Unlock()
}

// stoppedClock is a clock that moves only when advanced.
func stoppedClock(t testing.TB, start time.Time) *Clock {
	c := NewClock(start, WithWall(newFakeWall().Now))
	t.Cleanup(c.Close)
	return c
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if code != "" && engine.ErrorMessage(err) == "" {
		t.Fatalf("error %v has no message", err)
	}
}

func TestClockAdvanceFiresTimersInOrder(t *testing.T) {
	c := stoppedClock(t, t0)
	type fired struct {
		name string
		now  time.Time
	}
	var got []fired
	at := func(name string, d time.Duration) {
		c.AfterFunc(t0.Add(d), func() { got = append(got, fired{name, c.Now()}) })
	}
	at("3m", 3*time.Minute)
	at("1m-a", time.Minute)
	at("2m", 2*time.Minute)
	at("1m-b", time.Minute) // same deadline: fires after 1m-a, registered first
	at("10m", 10*time.Minute)

	if err := c.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	want := []fired{{"1m-a", t0.Add(time.Minute)}, {"1m-b", t0.Add(time.Minute)}, {"2m", t0.Add(2 * time.Minute)}, {"3m", t0.Add(3 * time.Minute)}}
	if len(got) != len(want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	for i := range want {
		if got[i].name != want[i].name || !got[i].now.Equal(want[i].now) {
			t.Fatalf("fired %v, want %v", got, want)
		}
	}
	if now := c.Now(); !now.Equal(t0.Add(5 * time.Minute)) {
		t.Fatalf("now %v after advance", now)
	}
	if c.Pending() != 1 {
		t.Fatalf("%d timers pending, want the 10m one", c.Pending())
	}
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if last := got[len(got)-1]; last.name != "10m" || !last.now.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("last fired %v", last)
	}
}

// Halt stops a jump after the timer it is firing: the clock stays at that timer's
// deadline, the timers after it stay pending, the jump says it stopped and where,
// and no jump starts after it.
func TestClockHaltStopsAJump(t *testing.T) {
	c := stoppedClock(t, t0)
	var fired []string
	c.AfterFunc(t0.Add(time.Minute), func() { fired = append(fired, "1m") })
	c.AfterFunc(t0.Add(2*time.Minute), func() { fired = append(fired, "2m"); c.Halt() })
	c.AfterFunc(t0.Add(3*time.Minute), func() { fired = append(fired, "3m") })
	changed := 0
	c.OnChange(func(engine.ClockState) { changed++ })
	err := c.Advance(time.Hour)
	if e, ok := engine.AsError(err); !ok || e.Code != engine.EUNAVAILABLE || e.Reason != "SHUTTING_DOWN" ||
		!strings.Contains(e.Message, "the clock stopped at "+engine.TimeText(t0.Add(2*time.Minute))+", 2m into the jump") {
		t.Fatalf("a halted jump: %v", err)
	}
	if now := c.Now(); !now.Equal(t0.Add(2*time.Minute)) || len(fired) != 2 || c.Pending() != 1 || changed != 1 {
		t.Fatalf("halted: now %v, fired %v, %d pending, %d changes; want 2m, [1m 2m], the 3m one, and its listeners told", now, fired, c.Pending(), changed)
	}
	if err := c.Advance(time.Minute); err == nil || !strings.Contains(err.Error(), "the clock stays at") || len(fired) != 2 {
		t.Fatalf("a jump after Halt: %v, fired %v", err, fired)
	}
}

// AdvanceUntil's jump ends once its stop is set, after the timer it is firing, as
// if it had been asked to go only so far: no error, the timers after it pending,
// its listeners told; and later jumps run (after Halt none does). A stop set
// before the jump leaves the clock where it is.
func TestClockAdvanceUntilEndsTheJumpWhereItIs(t *testing.T) {
	c := stoppedClock(t, t0)
	var fired []string
	var stop atomic.Bool
	c.AfterFunc(t0.Add(time.Minute), func() { fired = append(fired, "1m") })
	c.AfterFunc(t0.Add(2*time.Minute), func() { fired = append(fired, "2m"); stop.Store(true) })
	c.AfterFunc(t0.Add(3*time.Minute), func() { fired = append(fired, "3m") })
	var told []engine.ClockState
	c.OnChange(func(st engine.ClockState) { told = append(told, st) })
	if moved, err := c.AdvanceUntil(time.Hour, &stop); err != nil || moved != 2*time.Minute {
		t.Fatalf("a stopped jump: moved %v, %v; want 2m", moved, err)
	}
	if now := c.Now(); !now.Equal(t0.Add(2*time.Minute)) || len(fired) != 2 || c.Pending() != 1 || len(told) != 1 || !told[0].Now.Equal(now) {
		t.Fatalf("stopped: now %v, fired %v, %d pending, told %v; want 2m, [1m 2m], the 3m one, and its listeners told", now, fired, c.Pending(), told)
	}
	if moved, err := c.AdvanceUntil(time.Hour, &stop); err != nil || moved != 0 || !c.Now().Equal(t0.Add(2*time.Minute)) || len(fired) != 2 {
		t.Fatalf("a jump stopped before it began: %v, now %v, fired %v; want the clock where it was", err, c.Now(), fired)
	}
	stop.Store(false)
	if moved, err := c.AdvanceUntil(time.Minute, &stop); err != nil || moved != time.Minute || len(fired) != 3 || !c.Now().Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("the jump after: moved %v, %v, fired %v, now %v", moved, err, fired, c.Now())
	}
	if _, err := c.AdvanceUntil(-time.Minute, &stop); err == nil {
		t.Fatal("a jump backwards was taken")
	}
}

// AdvanceUntil that waited behind another's jump counts only its own move: the
// TUI's +1d, stopped while an app's 5-day jump ran, was said to have gone the
// whole day, the app's jump counted as its own (a review).
func TestClockAdvanceUntilCountsOnlyItsOwnMove(t *testing.T) {
	c := stoppedClock(t, t0)
	in, release := make(chan struct{}), make(chan struct{})
	c.AfterFunc(t0.Add(time.Hour), func() { close(in); <-release })
	appDone := make(chan error, 1)
	go func() { appDone <- c.Advance(5 * time.Hour) }()
	<-in // the app's jump runs, holding the move
	var stop atomic.Bool
	type result struct {
		moved time.Duration
		err   error
	}
	ours := make(chan result, 1)
	go func() {
		moved, err := c.AdvanceUntil(24*time.Hour, &stop)
		ours <- result{moved, err}
	}()
	stop.Store(true) // p, while ours waits behind the app's
	close(release)
	if err := <-appDone; err != nil {
		t.Fatal(err)
	}
	r := <-ours
	if r.err != nil || r.moved != 0 || !c.Now().Equal(t0.Add(5*time.Hour)) {
		t.Fatalf("a jump stopped while it waited behind another: moved %v, %v, clock at %v; want 0, at the other's end, 5h", r.moved, r.err, c.Now().Sub(t0))
	}
}

// A timer's callback that panics (a bug) stops the jump where it was due: the
// panic goes on to the caller — the API answers that request 500 — and the clock
// goes on from there, its listeners told (they save it and the jump's writes so
// far). It was left frozen in the middle of the jump: the clock never moved again
// until a restart, which then said a jump had been cut short (a review).
func TestClockTimerPanicStopsTheJumpWhereItWas(t *testing.T) {
	c := stoppedClock(t, t0)
	var fired []string
	c.AfterFunc(t0.Add(time.Minute), func() { fired = append(fired, "1m") })
	c.AfterFunc(t0.Add(2*time.Minute), func() { fired = append(fired, "2m"); panic("a bug") })
	c.AfterFunc(t0.Add(3*time.Minute), func() { fired = append(fired, "3m") })
	var told []engine.ClockState
	c.OnChange(func(st engine.ClockState) { told = append(told, st) })
	bug := func() (v any) {
		defer func() { v = recover() }()
		_ = c.Advance(time.Hour)
		return nil
	}()
	if s, _ := bug.(string); !strings.Contains(s, "a bug") || !strings.Contains(s, engine.TimeText(t0.Add(2*time.Minute))) {
		t.Fatalf("the jump's caller got %v; want the callback's panic, saying when its timer was due", bug)
	}
	stopped := t0.Add(2 * time.Minute)
	if now := c.Now(); !now.Equal(stopped) || c.Jumping() || len(told) != 1 || !told[0].Now.Equal(stopped) || !told[0].JumpingTo.IsZero() {
		t.Fatalf("after the panic: now %v, jumping %v, listeners told %+v; want the clock at %v, no jump under way, told once", now, c.Jumping(), told, stopped)
	}
	if _, moving := c.Moving(); moving {
		t.Fatal("the clock still says a move is under way")
	}
	if err := c.Advance(time.Minute); err != nil || !slices.Equal(fired, []string{"1m", "2m", "3m"}) || !c.Now().Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("the next jump: %v, fired %v, now %v; want the 3m timer fired and the clock at 3m", err, fired, c.Now())
	}
}

// A world that is not kept (a served scenario's) halted for good says so to the
// jump it stops, without telling its caller to advance again after a restart:
// there is none (a QA engineer's trial).
func TestClockHaltForGoodSaysTheWorldGoes(t *testing.T) {
	c := stoppedClock(t, t0)
	c.AfterFunc(t0.Add(2*time.Minute), func() { c.HaltForGood() })
	err := c.Advance(time.Hour)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "this throw-away world goes with it: the clock stopped at "+engine.TimeText(t0.Add(2*time.Minute))+", 2m into the jump") ||
		strings.Contains(msg, "once sandbank is back") {
		t.Fatalf("a jump halted for good: %v", err)
	}
	if msg := engine.ErrorMessage(c.Advance(time.Minute)); !strings.Contains(msg, "this throw-away world goes with it: the clock stays at") || strings.Contains(msg, "advance it once") {
		t.Fatalf("a jump after HaltForGood: %s", msg)
	}
}

func TestClockCallbacksRegisterTimers(t *testing.T) {
	c := stoppedClock(t, t0)
	var got []string
	c.AfterFunc(t0.Add(2*time.Minute), func() { got = append(got, "2m") })
	c.AfterFunc(t0.Add(time.Minute), func() {
		got = append(got, "1m")
		// Due before the target: fires in this Advance, in order.
		c.AfterFunc(c.Now().Add(30*time.Second), func() { got = append(got, "1m30s") })
		// Not in the future: fires right after this callback, on this goroutine.
		c.AfterFunc(c.Now(), func() { got = append(got, "now:"+c.Now().Sub(t0).String()) })
		// Beyond the target: waits.
		c.AfterFunc(c.Now().Add(time.Hour), func() { got = append(got, "late") })
	})
	if err := c.Advance(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	want := []string{"1m", "now:1m0s", "1m30s", "2m"}
	if len(got) != len(want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired %v, want %v", got, want)
		}
	}
}

func TestClockStop(t *testing.T) {
	c := stoppedClock(t, t0)
	fired := false
	tm := c.AfterFunc(t0.Add(time.Minute), func() { fired = true })
	if !tm.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	if tm.Stop() {
		t.Fatal("second Stop reported true")
	}
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if fired {
		t.Fatal("a stopped timer fired")
	}
	done := c.AfterFunc(t0, func() {}) // in the past: already running
	if done.Stop() {
		t.Fatal("Stop of a timer that ran reported true")
	}
}

func TestClockPastTimerRunsAtOnce(t *testing.T) {
	c := stoppedClock(t, t0)
	ch := make(chan time.Time, 1)
	c.AfterFunc(t0.Add(-time.Hour), func() { ch <- c.Now() })
	select {
	case now := <-ch:
		if !now.Equal(t0) {
			t.Fatalf("now %v in the callback", now)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a timer in the past did not run")
	}
}

func TestClockRefusesToGoBack(t *testing.T) {
	c := stoppedClock(t, t0)
	for _, d := range []time.Duration{0, -time.Nanosecond, -time.Hour} {
		wantCode(t, c.Advance(d), engine.EINVALID)
	}
	wantCode(t, c.Advance(math.MaxInt64), engine.EINVALID) // beyond the year 292277026596
	for _, x := range []float64{0, 0.5, -1, 10001, math.NaN(), math.Inf(1)} {
		wantCode(t, c.SetSpeed(x), engine.EINVALID)
	}
	if st := c.State(); !st.Now.Equal(t0) || st.Speed != 1 || st.Paused {
		t.Fatalf("state changed by refused calls: %+v", st)
	}
}

func TestClockSpeedAndPause(t *testing.T) {
	wall := newFakeWall()
	c := NewClock(t0, WithWall(wall.Now))
	defer c.Close()
	wall.Add(10 * time.Second)
	if got := c.Now(); !got.Equal(t0.Add(10 * time.Second)) {
		t.Fatalf("1x: now %v", got)
	}
	if err := c.SetSpeed(60); err != nil {
		t.Fatal(err)
	}
	wall.Add(10 * time.Second)
	if got := c.Now(); !got.Equal(t0.Add(10*time.Second + 10*time.Minute)) {
		t.Fatalf("60x: now %v", got)
	}
	c.SetPaused(true)
	frozen := c.Now()
	wall.Add(time.Hour)
	if got := c.Now(); !got.Equal(frozen) {
		t.Fatalf("paused clock moved to %v", got)
	}
	if err := c.Advance(time.Minute); err != nil { // advancing a paused clock works
		t.Fatal(err)
	}
	if got := c.Now(); !got.Equal(frozen.Add(time.Minute)) {
		t.Fatalf("advanced paused clock: %v", got)
	}
	c.SetPaused(false)
	wall.Add(time.Second)
	if got := c.Now(); !got.Equal(frozen.Add(time.Minute + time.Minute)) {
		t.Fatalf("resumed at 60x: now %v", got)
	}
	// A wall clock stepping back never moves virtual time back.
	before := c.Now()
	wall.Add(-time.Hour)
	if got := c.Now(); got.Before(before) {
		t.Fatalf("now went back from %v to %v", before, got)
	}
}

func TestClockOnChange(t *testing.T) {
	c := stoppedClock(t, t0)
	var states []engine.ClockState
	c.OnChange(func(st engine.ClockState) { states = append(states, st) })
	c.SetPaused(true)
	if err := c.SetSpeed(100); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	_ = c.Advance(-time.Hour) // refused: no notification
	if len(states) != 3 {
		t.Fatalf("%d notifications, want 3: %+v", len(states), states)
	}
	if last := states[2]; !last.Now.Equal(t0.Add(time.Hour)) || last.Speed != 100 || !last.Paused {
		t.Fatalf("last state %+v", last)
	}
}

func TestRestoreClock(t *testing.T) {
	wall := newFakeWall()
	saved := engine.ClockState{Now: t0, Wall: wall.Now(), Speed: 1}
	wall.Add(2 * time.Hour) // the program was off for two hours
	for _, tc := range []struct {
		name  string
		st    engine.ClockState
		want  time.Time
		speed float64
	}{
		{"running at 1x keeps its offset", saved, t0.Add(2 * time.Hour), 1},
		{"paused resumes exactly", engine.ClockState{Now: t0, Wall: saved.Wall, Speed: 1, Paused: true}, t0, 1},
		{"sped up resumes exactly", engine.ClockState{Now: t0, Wall: saved.Wall, Speed: 60}, t0, 60},
		{"never before the saved time", engine.ClockState{Now: t0, Wall: wall.Now().Add(time.Hour), Speed: 1}, t0, 1},
		{"bad speed is 1", engine.ClockState{Now: t0, Wall: saved.Wall, Speed: 0, Paused: true}, t0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := RestoreClock(tc.st, WithWall(wall.Now))
			defer c.Close()
			st := c.State()
			if !st.Now.Equal(tc.want) || st.Speed != tc.speed || st.Paused != tc.st.Paused {
				t.Fatalf("restored %+v, want now %v speed %v", st, tc.want, tc.speed)
			}
		})
	}
}

// The running clock's goroutine fires timers in real time: with a fake wall the
// test moves the wall and wakes the goroutine instead of sleeping.
func TestClockRunnerFiresDueTimers(t *testing.T) {
	wall := newFakeWall()
	c := NewClock(t0, WithWall(wall.Now))
	defer c.Close()
	fired := make(chan time.Time, 2)
	c.AfterFunc(t0.Add(2*time.Minute), func() { fired <- c.Now() })
	c.AfterFunc(t0.Add(time.Minute), func() { fired <- c.Now() })
	wall.Add(90 * time.Second)
	c.signal()
	select {
	case now := <-fired:
		if now.Before(t0.Add(time.Minute)) {
			t.Fatalf("fired early, at %v", now)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the 1m timer did not fire")
	}
	select {
	case <-fired:
		t.Fatal("the 2m timer fired early")
	default:
	}
	wall.Add(time.Minute)
	c.signal()
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("the 2m timer did not fire")
	}
}

// A running clock whose callbacks take long enough that the next timer is due when
// they return — a round of syncs against a slow bank at 10,000x — lets an Advance
// in between passes: its runner fired on until none was due, holding the clock, so
// the jump waited for ever (a presenter's trial). The chain goes on until the jump
// has returned, or for 5 s of real time: a chain of a fixed length could run out
// before the jump's goroutine was scheduled at all on a loaded machine, failing
// with no bug, and an endless one takes the virtual clock past 2262.
func TestClockRunnerLetsAJumpInBetweenPasses(t *testing.T) {
	wall := newFakeWall()
	c := NewClock(t0, WithWall(wall.Now))
	defer c.Close()
	var fired atomic.Int64
	var stop, ranOut atomic.Bool
	defer stop.Store(true)
	start := time.Now()
	var round func()
	round = func() {
		fired.Add(1)
		if fired.Load()%1024 == 0 && time.Since(start) > 5*time.Second {
			ranOut.Store(true)
		}
		if !stop.Load() && !ranOut.Load() {
			c.AfterFunc(c.Now().Add(time.Minute), round) // the next round, a minute on
		}
		wall.Add(2 * time.Minute) // the callback's real time: the next round is due when it returns
	}
	c.AfterFunc(t0, round)
	for fired.Load() == 0 { // the runner has begun its passes
		c.signal()
		runtime.Gosched()
	}
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if ranOut.Load() {
		t.Fatalf("the jump returned only when the chain of callbacks ran out, after %d", fired.Load())
	}
}

// With the real wall at high speed the goroutine sleeps (deadline − now)/speed.
func TestClockRunnerRealTime(t *testing.T) {
	c := NewClock(t0)
	defer c.Close()
	if err := c.SetSpeed(MaxSpeed); err != nil {
		t.Fatal(err)
	}
	fired := make(chan struct{})
	c.AfterFunc(c.Now().Add(time.Second), func() { close(fired) }) // 100 µs of real time
	select {
	case <-fired:
	case <-time.After(10 * time.Second):
		t.Fatal("timer did not fire in real time")
	}
}

func TestClockConcurrentUse(t *testing.T) {
	c := NewClock(t0)
	defer c.Close()
	_ = c.SetSpeed(1000)
	var wg, fired sync.WaitGroup
	var n atomic.Int64
	fired.Add(800)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				// Some are in the past by the time they are registered: those run at once.
				c.AfterFunc(c.Now().Add(time.Duration(i)*time.Second), func() { n.Add(1); fired.Done() })
				if i%50 == 0 {
					_ = c.Advance(time.Minute)
					c.SetPaused(i%100 == 0)
				}
				_ = c.State()
			}
		}()
	}
	wg.Wait()
	c.SetPaused(true)
	if err := c.Advance(24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { fired.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%d of 800 timers fired, %d pending", n.Load(), c.Pending())
	}
	if c.Pending() != 0 {
		t.Fatalf("%d timers pending", c.Pending())
	}
}

// Property: whatever the timers and the jumps, each timer fires once, in
// (deadline, registration) order, with Now() equal to its deadline, and exactly
// the timers due by the clock's time have fired.
func TestClockTimersProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := NewClock(t0, WithWall(newFakeWall().Now))
		defer c.Close()
		type fire struct {
			at  time.Time
			seq int
			now time.Time
		}
		var fired []fire
		seq := 0
		steps := rapid.IntRange(1, 20).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			for i := rapid.IntRange(0, 4).Draw(rt, "timers"); i > 0; i-- {
				at := c.Now().Add(time.Duration(rapid.Int64Range(1, 600).Draw(rt, "offset")) * time.Second)
				seq++
				sq := seq
				c.AfterFunc(at, func() { fired = append(fired, fire{at, sq, c.Now()}) })
			}
			d := time.Duration(rapid.Int64Range(1, 900).Draw(rt, "advance")) * time.Second
			before := len(fired)
			if err := c.Advance(d); err != nil {
				rt.Fatal(err)
			}
			for _, f := range fired[before:] {
				if !f.now.Equal(f.at) {
					rt.Fatalf("timer due %v fired with now %v", f.at, f.now)
				}
			}
		}
		for i := 1; i < len(fired); i++ {
			p, f := fired[i-1], fired[i]
			if f.at.Before(p.at) || f.at.Equal(p.at) && f.seq < p.seq {
				rt.Fatalf("fired out of order: %v then %v", p, f)
			}
		}
		if len(fired)+c.Pending() != seq {
			rt.Fatalf("%d fired + %d pending != %d registered", len(fired), c.Pending(), seq)
		}
	})
}

// A timer that fell due before a pause fires during it: the clock had passed its
// time. It waited for a resume, while the same timer set after a restart (paused
// there) fired at once: one paused world read two ways (a soak run).
func TestPausedClockFiresWhatWasAlreadyDue(t *testing.T) {
	wall := newFakeWall()
	c := NewClock(t0, WithWall(wall.Now))
	defer c.Close()
	fired := make(chan struct{})
	c.AfterFunc(t0.Add(time.Hour), func() { close(fired) })
	later := make(chan struct{})
	c.AfterFunc(t0.Add(3*time.Hour), func() { close(later) })
	wall.Add(2 * time.Hour) // the clock passes the first timer; the runner, asleep in real time, has not seen it
	if err := c.SetPaused(true); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fired:
	case <-time.After(10 * time.Second):
		t.Fatal("a timer due an hour before the pause did not fire while paused")
	}
	wall.Add(2 * time.Hour)
	if err := c.SetPaused(true); err != nil { // wakes the runner again
		t.Fatal(err)
	}
	select {
	case <-later:
		t.Fatal("a timer due after the pause fired while paused")
	default:
	}
	if got := c.Pending(); got != 1 {
		t.Fatalf("%d timers wait; want the one due after the pause", got)
	}
}
