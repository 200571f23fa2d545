package simulator

import (
	"container/heap"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"sandbank/engine"
)

// Speed limits of the virtual clock.
const (
	MinSpeed = 1
	MaxSpeed = 10000
)

// MaxAdvance is the longest single jump of the clock: ten years (365-day).
const MaxAdvance = 10 * 365 * 24 * time.Hour

// Clock is the virtual clock (engine.Clock). It runs at Speed × real time from a
// starting instant, can be paused, sped up and advanced, and only moves forward.
//
// Timers: Advance fires the timers it jumps over one by one in deadline order
// (equal deadlines in registration order) with Now() equal to each deadline during
// its call, then sets the clock to the target. While the clock runs, a goroutine
// sleeps in real time until the next deadline ((deadline − now) / speed) and fires
// what is due; there Now() is the current time, at or just after the deadline.
// Callbacks run without any lock held: they may call Now, AfterFunc, Stop,
// SetSpeed and SetPaused, but must not call Advance (it would wait for itself).
type Clock struct {
	wall func() time.Time

	// move is held by whoever fires timers (Advance or the runner), so timers fire
	// from one goroutine at a time and in order.
	move sync.Mutex

	mu        sync.Mutex
	base      time.Time // virtual time at wallBase
	wallBase  time.Time
	speed     float64
	paused    bool
	frozen    bool      // during Advance: Now() is base
	firing    bool      // a firing loop is running: due timers join it
	jumping   bool      // Advance is firing timers
	moving    bool      // an Advance is under way: its timers, then its OnChange functions
	movedFrom time.Time // where the Advance under way started
	jumpTo    time.Time // where the Advance firing timers goes: saved with the state, so a restart after a crash can say a jump was cut short
	last      time.Time // the latest time Now has returned; it never goes below
	end       time.Time // the world's last instant (SetEnd); zero: none
	saved     time.Time // RestoreClock's saved time, which the time since may carry past end
	timers    timerHeap
	seq       uint64
	listeners []func(engine.ClockState)
	starters  []func(engine.ClockState) // OnJumpStart's
	closed    bool
	halted    bool       // Halt: no jump goes on, or starts
	gone      bool       // HaltForGood: the world is not kept, so nothing goes on after a restart
	loose     int        // callbacks AfterFunc runs at once on goroutines of their own, running
	looseDone *sync.Cond // on mu: loose fell to 0

	wake chan struct{}
	done chan struct{}
}

var _ engine.Clock = (*Clock)(nil)

// ClockOption configures a Clock.
type ClockOption func(*Clock)

// WithWall replaces the real-time source (time.Now), so tests drive the running
// clock without sleeping.
func WithWall(now func() time.Time) ClockOption {
	return func(c *Clock) { c.wall = now }
}

// NewClock returns a clock running at 1× real time from start.
func NewClock(start time.Time, opts ...ClockOption) *Clock {
	c := newClock(opts)
	c.base = start.Round(0).UTC()
	c.last = c.base
	c.wallBase = c.wall()
	c.speed = 1
	go c.run()
	return c
}

// RestoreClock rebuilds a clock from its saved state. A clock that was running at
// 1× keeps its offset from wall-clock time (virtual = wall now + (st.Now − st.Wall)),
// as if it had kept running while the program was off; a paused or sped-up one
// resumes exactly at st.Now with its speed and pause. It never starts before
// st.Now. A zero st.Now starts at wall-clock time; an out-of-range speed is 1.
func RestoreClock(st engine.ClockState, opts ...ClockOption) *Clock {
	c := newClock(opts)
	wallNow := c.wall()
	speed := st.Speed
	if !(speed >= MinSpeed && speed <= MaxSpeed) {
		speed = 1
	}
	v := st.Now.Round(0).UTC()
	switch {
	case st.Now.IsZero():
		v = wallNow.Round(0).UTC()
	case speed == 1 && !st.Paused && !st.Wall.IsZero():
		if w := wallNow.Add(st.Now.Sub(st.Wall)).Round(0).UTC(); w.After(v) {
			v = w
		}
	}
	c.base, c.last, c.wallBase = v, v, wallNow
	c.speed, c.paused, c.saved = speed, st.Paused, st.Now.Round(0).UTC()
	go c.run()
	return c
}

func newClock(opts []ClockOption) *Clock {
	c := &Clock{wall: time.Now, wake: make(chan struct{}, 1), done: make(chan struct{})}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Now is the current virtual time, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	v := c.base
	if !c.paused && !c.frozen {
		if el := c.wall().Sub(c.wallBase); el > 0 {
			v = v.Add(scale(el, c.speed))
		}
		if !c.end.IsZero() && v.After(c.end) {
			v = c.end // running, it stops at the world's end
		}
	}
	if v.Before(c.last) {
		return c.last // a wall clock stepping back never moves virtual time back
	}
	c.last = v
	return v
}

// scale multiplies a real duration by the speed, saturating.
func scale(d time.Duration, speed float64) time.Duration {
	if speed == 1 {
		return d
	}
	f := float64(d) * speed
	if f >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(f)
}

// rebase makes the current instant the new base, before speed or pause change.
func (c *Clock) rebase() {
	c.base = c.nowLocked()
	c.wallBase = c.wall()
}

// AfterFunc calls f once virtual time reaches at. If at is not in the future, f
// runs at once on its own goroutine — or, when called while timers are firing
// (from a callback), right after the current callback, on the firing goroutine.
// A move of the clock (Advance, or the running clock's firing) waits for such
// callbacks to return before it moves on: they belong to the time they were due.
// So they, like every callback, must not call Advance or AwaitJump: a move would
// wait for them while they wait for it.
func (c *Clock) AfterFunc(at time.Time, f func()) engine.Timer {
	t := &timer{c: c, at: at.Round(0), f: f, idx: -1}
	c.mu.Lock()
	if !c.firing && !at.After(c.nowLocked()) {
		c.loose++
		c.mu.Unlock()
		go func() {
			defer func() {
				c.mu.Lock()
				if c.loose--; c.loose == 0 && c.looseDone != nil {
					c.looseDone.Broadcast()
				}
				c.mu.Unlock()
			}()
			f()
		}()
		return t
	}
	c.seq++
	t.seq = c.seq
	heap.Push(&c.timers, t)
	first := c.timers[0] == t
	c.mu.Unlock()
	if first {
		c.signal()
	}
	return t
}

// Advance moves the clock forward by d (> 0), firing the timers it passes.
func (c *Clock) Advance(d time.Duration) error {
	if d <= 0 {
		return engine.Invalid("advance", "cannot advance the clock by %s: the clock only moves forward; give a positive duration such as 30m or 1d", engine.DurationText(d))
	}
	if d > MaxAdvance {
		return engine.Invalid("advance", "cannot advance the clock by %s: at most ten years at a time", engine.DurationText(d))
	}
	c.move.Lock()
	defer c.move.Unlock()
	return c.advance(d)
}

// AdvanceTo moves the clock forward to an instant, once a move under way has
// returned: by how far, by, says from the clock's time then (or refuses). Read
// before that, a jump's instant under way, a "to" sent during a jump overshot it
// by the rest of that jump (a QA engineer's trial: 18 hours, and 4 days).
func (c *Clock) AdvanceTo(by func(now time.Time) (time.Duration, error)) error {
	c.move.Lock()
	defer c.move.Unlock()
	now := c.Now()
	d, err := by(now)
	if err != nil || d <= 0 {
		return err // there already: nothing to do
	}
	if d > MaxAdvance {
		return engine.Invalid("advance", "cannot advance the clock by %s: at most ten years at a time", engine.DurationText(d))
	}
	// To the instant, not by the distance read: a running clock moves on before
	// the move starts, and "to" the world's end overshot it and was refused, in
	// the words of an advance (a presenter's trial).
	return c.advanceTo(now.Add(d))
}

// advance is Advance's move, under c.move.
func (c *Clock) advance(d time.Duration) error { return c.jump(d, time.Time{}, nil) }

// AdvanceUntil is Advance, but the jump ends once stop is set, after the timer it
// is firing, where that timer is due — as if it had been asked to go only so far
// — and later jumps run as ever (Halt refuses them). Set before the jump starts,
// the clock does not move. The TUI's p stops the TUI's own jump with it: p said
// "paused" while a 30-day jump ran on to its end (a presenter's trial).
// It returns how far the clock moved, read under the move: a jump it waited
// behind (an app's) is not counted as its own.
func (c *Clock) AdvanceUntil(d time.Duration, stop *atomic.Bool) (time.Duration, error) {
	if d <= 0 || d > MaxAdvance {
		return 0, c.Advance(d) // refused, in its words
	}
	c.move.Lock()
	defer c.move.Unlock()
	from := c.Now()
	if err := c.jump(d, time.Time{}, stop); err != nil {
		return 0, err
	}
	return min(d, max(0, c.Now().Sub(from))), nil
}

// advanceTo is AdvanceTo's move, to an instant, under c.move; an instant the
// clock has passed since (running) is no move.
func (c *Clock) advanceTo(to time.Time) error { return c.jump(0, to, nil) }

// jump moves the clock by d, or to the instant to when it is not zero; stop, if
// not nil, ends it early once set (AdvanceUntil).
func (c *Clock) jump(d time.Duration, to time.Time, stop *atomic.Bool) error {
	c.mu.Lock()
	c.awaitLooseLocked()
	now := c.nowLocked()
	if c.halted {
		c.mu.Unlock()
		return errHalted(now, 0, c.gone)
	}
	target := now.Add(d)
	if !to.IsZero() {
		if !to.After(now) {
			c.mu.Unlock()
			return nil // passed while the move waited
		}
		target, d = to, to.Sub(now)
	}
	if !c.end.IsZero() && target.After(c.end) {
		end := c.end
		c.mu.Unlock()
		if !now.Before(end) {
			return engine.Invalid("advance", "cannot advance the clock by %s: it is at this world's end, %s, the last second that IDs holding the seconds since 1970 in 32 bits can count; start a new database to go on",
				engine.DurationText(d), engine.TimeText(end))
		}
		return engine.Invalid("advance", "cannot advance the clock by %s: this world ends at %s, %s from now (the last second that IDs holding the seconds since 1970 in 32 bits can count); advance by at most that",
			engine.DurationText(d), engine.TimeText(end), engine.DurationText(end.Sub(now)))
	}
	c.base, c.frozen, c.firing, c.jumping = now, true, true, true
	c.moving, c.movedFrom, c.jumpTo = true, now, target
	defer func() {
		c.mu.Lock()
		c.moving, c.jumpTo = false, time.Time{}
		c.mu.Unlock()
	}()
	if len(c.starters) > 0 {
		st, ss := c.stateLocked(), slices.Clone(c.starters)
		c.mu.Unlock()
		for _, f := range ss {
			f(st)
		}
		c.mu.Lock()
	}
	var bug any // a timer's callback panicked
	stopped := func() bool { return stop != nil && stop.Load() }
	for len(c.timers) > 0 && !c.timers[0].at.After(target) && !c.halted && !stopped() && bug == nil {
		t := heap.Pop(&c.timers).(*timer)
		if t.at.After(c.base) {
			c.base = t.at
			c.last = t.at
		}
		c.mu.Unlock()
		bug = guardedCall(t.f, t.at)
		c.mu.Lock()
	}
	var err error
	switch {
	case bug != nil:
		// A bug of the callback's: the jump stops where it was due, and the clock
		// goes on from there — saved, with the jump's writes so far — before the
		// panic goes on to the caller (a 500). Left frozen in the middle of a jump,
		// the clock never moved again until a restart.
		target = c.base
	case c.halted && c.base.Before(target):
		// Stopped where its last timer's work was cut off: the rest of the jump, and
		// that work, run after a restart (the jump does not pass them by).
		target, err = c.base, errHalted(c.base, c.base.Sub(now), c.gone)
	case stopped():
		target = c.base // where its last timer's work was done: the jump ends there
	}
	c.base, c.last, c.wallBase = target, target, c.wall()
	c.frozen, c.firing, c.jumping = false, false, false
	// jumpTo stays until the OnChange functions have stored the jump's writes (the
	// deferred func): the commits of its backlog are a jump's still.
	st, ls := c.stateLocked(), slices.Clone(c.listeners)
	st.JumpingTo = time.Time{} // what it leaves: no jump
	c.mu.Unlock()
	c.signal()
	for _, l := range ls {
		l(st)
	}
	if bug != nil {
		panic(bug)
	}
	return err
}

// guardedCall calls a timer's callback, due at, and returns what it panicked
// with, if it did, with the stack where it did.
func guardedCall(f func(), at time.Time) (bug any) {
	defer func() {
		if r := recover(); r != nil {
			bug = fmt.Sprintf("the clock's timer due at %s panicked: %v\n%s", engine.TimeText(at), r, debug.Stack())
		}
	}()
	f()
	return nil
}

// Halt stops a jump under way after the timer it is firing, where that timer is
// due, and refuses new ones: sandbank is stopping, and a jump that went on with its
// work cancelled would pass by what it should have done (the automatic syncs of the
// rest of a 30-day jump) and save the clock past them. Call it before cancelling
// the work a timer's callback does.
func (c *Clock) Halt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.halted = true
	c.jumpTo = time.Time{} // stopped on purpose, its caller told: no crash to say at the restart
}

// HaltForGood is Halt for a world that is not kept (a served scenario's, thrown
// away at exit): a jump it stops does not go on after a restart, and its caller
// is not told to advance again then.
func (c *Clock) HaltForGood() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.halted, c.gone = true, true
}

// errHalted says that a jump stopped, at, after done of it, because sandbank is
// stopping; gone, that its world goes with it.
func errHalted(at time.Time, done time.Duration, gone bool) error {
	switch {
	case gone && done <= 0:
		return engine.Errorf(engine.EUNAVAILABLE, "sandbank is shutting down, and this throw-away world goes with it: the clock stays at %s",
			engine.TimeText(at)).WithReason("SHUTTING_DOWN")
	case gone:
		return engine.Errorf(engine.EUNAVAILABLE, "sandbank is shutting down, and this throw-away world goes with it: the clock stopped at %s, %s into the jump",
			engine.TimeText(at), engine.DurationText(done)).WithReason("SHUTTING_DOWN")
	}
	if done <= 0 {
		return engine.Errorf(engine.EUNAVAILABLE, "sandbank is shutting down: the clock stays at %s; advance it once sandbank is back", engine.TimeText(at)).WithReason("SHUTTING_DOWN")
	}
	return engine.Errorf(engine.EUNAVAILABLE, "sandbank is shutting down: the clock stopped at %s, %s into the jump, and goes on from there once sandbank is back; advance again then",
		engine.TimeText(at), engine.DurationText(done)).WithReason("SHUTTING_DOWN")
}

// Moving reports whether an Advance is under way — firing its timers, or calling
// the OnChange functions that store its writes — and where it started: until it
// returns, what Now says may not be saved yet, and a crash would restart the clock
// earlier. GET /sandbox/clock answers what is saved instead.
func (c *Clock) Moving() (from time.Time, moving bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.movedFrom, c.moving
}

// Jumping reports whether Advance is firing timers: a callback that sees it runs
// inside a jump, at whose end the OnChange functions are called.
func (c *Clock) Jumping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.jumping
}

// AwaitJump waits until a move under way — an Advance, its timers fired and its
// OnChange functions called (which store the jump's deferred writes), or the
// running clock's firing — has returned. Jumping turns false before those
// functions run: one who waits for a jump's work waits here. It must not be called
// from a timer's callback (it would wait for itself).
func (c *Clock) AwaitJump() {
	c.move.Lock()
	c.move.Unlock() //nolint:staticcheck // an empty critical section: waiting is the point
}

// SetEnd sets the world's last instant: Advance refuses to go past it, and the
// running clock stops there. A clock restored at 1× whose real time away carried it
// past the end stops at the end, as it would have run; one saved past it already (a
// database from before ends were kept) stays where it is and only refuses to move on.
func (c *Clock) SetEnd(end time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rebase()
	c.end = end.Round(0).UTC()
	if c.base.After(c.end) && !c.saved.IsZero() && !c.saved.After(c.end) {
		c.base, c.last = c.end, c.end
	}
}

// End is the world's last instant (zero: none set).
func (c *Clock) End() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.end
}

// SetSpeed sets the multiplier of real time, from 1 to 10,000.
func (c *Clock) SetSpeed(x float64) error {
	if !(x >= MinSpeed && x <= MaxSpeed) {
		return engine.Invalid("speed", "speed %v is out of range: use a multiplier from %d to %d", x, MinSpeed, MaxSpeed)
	}
	c.mu.Lock()
	c.rebase()
	c.speed = x
	c.changed()
	return nil
}

// SetPaused stops or resumes the clock. At the world's end it cannot resume: it
// says so, and stays paused.
func (c *Clock) SetPaused(paused bool) error {
	c.mu.Lock()
	c.rebase()
	if now := c.nowLocked(); !paused && !c.end.IsZero() && !now.Before(c.end) {
		end := c.end
		c.mu.Unlock()
		return engine.Invalid("paused", "cannot resume the clock: it is at this world's end, %s, the last second that IDs holding the seconds since 1970 in 32 bits can count; start a new database to go on",
			engine.TimeText(end))
	}
	c.paused = paused
	c.changed()
	return nil
}

// changed unlocks c.mu, wakes the runner and tells the listeners.
func (c *Clock) changed() {
	st, ls := c.stateLocked(), slices.Clone(c.listeners)
	c.mu.Unlock()
	c.signal()
	for _, l := range ls {
		l(st)
	}
}

// State is what to persist.
func (c *Clock) State() engine.ClockState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stateLocked()
}

// At the world's end the clock cannot move on: it reads as paused there, running or
// not, so that no one waits on a clock that says it runs.
func (c *Clock) stateLocked() engine.ClockState {
	now := c.nowLocked()
	atEnd := !c.end.IsZero() && !now.Before(c.end)
	return engine.ClockState{Now: now, Wall: c.wall().Round(0).UTC(), Speed: c.speed, Paused: c.paused || atEnd, JumpingTo: c.jumpTo}
}

// OnChange registers f to be called after every pause, speed change or advance.
func (c *Clock) OnChange(f func(engine.ClockState)) {
	c.mu.Lock()
	c.listeners = append(c.listeners, f)
	c.mu.Unlock()
}

// OnJumpStart registers f to be called as an Advance begins, before its first
// timer fires, with the state it jumps from (JumpingTo: where it goes).
func (c *Clock) OnJumpStart(f func(engine.ClockState)) {
	c.mu.Lock()
	c.starters = append(c.starters, f)
	c.mu.Unlock()
}

// Pending is the number of timers waiting.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Close stops the clock's goroutine; pending timers will not fire in real time
// any more (Advance still fires them).
func (c *Clock) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		close(c.done)
	}
}

func (c *Clock) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// run sleeps in real time until the next deadline and fires what is due,
// re-planning whenever a signal arrives (new earlier timer, speed, pause, advance).
func (c *Clock) run() {
	tm := time.NewTimer(time.Hour)
	tm.Stop()
	for {
		c.mu.Lock()
		wait := time.Duration(-1) // no deadline to wait for
		if len(c.timers) > 0 {
			// Paused, those the clock had passed before the pause fire all the same:
			// they waited for a resume, while a restart (paused) fired them at once.
			now := c.nowLocked()
			if next := c.timers[0].at; !next.After(now) {
				wait = 0
			} else if !c.paused {
				wait = time.Duration(float64(next.Sub(now)) / c.speed)
				if wait < time.Microsecond {
					wait = time.Microsecond
				}
			}
		}
		c.mu.Unlock()
		if wait == 0 {
			c.fireDue()
			continue
		}
		if wait > 0 {
			tm.Reset(wait)
		}
		select {
		case <-c.wake:
		case <-tm.C:
		case <-c.done:
			tm.Stop()
			return
		}
		tm.Stop()
	}
}

// fireDue fires, in order, every timer whose deadline has passed.
func (c *Clock) fireDue() {
	c.move.Lock()
	defer c.move.Unlock()
	c.mu.Lock()
	c.awaitLooseLocked()
	c.firing = true
	// Those due when it began: one that fell due meanwhile — the clock running on
	// while callbacks ran — waits for the next pass. A round of syncs against a slow
	// bank at 10,000x takes a virtual day, by when the next round is due: firing on
	// until none was due never ended, and every jump waited for the clock (move).
	limit := c.nowLocked()
	for len(c.timers) > 0 && !c.timers[0].at.After(limit) {
		t := heap.Pop(&c.timers).(*timer)
		c.mu.Unlock()
		t.f()
		c.mu.Lock()
	}
	c.firing = false
	c.mu.Unlock()
}

// awaitLooseLocked waits, under mu, until no callback AfterFunc ran at once on a
// goroutine of its own is running. Such a callback belongs to the time it was due
// — an automatic sync round overdue when sandbank started — and a jump that went
// on without it left it to run years later, racing the jump: with one advance
// after another, rounds ran late or never, and automatic syncs stopped.
func (c *Clock) awaitLooseLocked() {
	for c.loose > 0 {
		if c.looseDone == nil {
			c.looseDone = sync.NewCond(&c.mu)
		}
		c.looseDone.Wait()
	}
}

// timer is a pending AfterFunc.
type timer struct {
	c   *Clock
	at  time.Time
	seq uint64
	f   func()
	idx int // position in the heap; -1 when not in it
}

// Stop prevents the call if it has not happened; it reports whether it did.
func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.idx < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.idx)
	return true
}

// timerHeap orders timers by deadline, then registration.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.idx = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.idx = -1
	return t
}
