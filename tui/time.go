package tui

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// speeds are the steps of + and - in the time panel.
var speeds = []float64{1, 10, 60, 600, 3600, 10000}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// timePanel is the time controls, an overlay opened with t (or ctrl+t from
// anywhere): pause and resume, speed, and jumps of +2m, +10m, +1h, +1d and +30d. It stays
// open until esc or t, so + + + climbs three steps. Each control runs in a command:
// an advance runs the automatic syncs and webhook retries it passes, which takes a
// while; the header shows it running (shared.advancing) after the panel closes.
type timePanel struct {
	sh     *shared
	closed bool
	// What the panel asked for last: + and - step from it, and p toggles it, not
	// the clock state the UI knew before the previous key's command came back —
	// for chainGap after the key; after that the clock's own state, which the
	// API, a scenario or the world's end may have changed meanwhile (a trial: +
	// at 600× set by the API asked for 10×, and p on a clock paused by the API
	// "paused" it).
	speed  float64
	paused bool
	keyAt  time.Time // when p, + or - was last pressed (shared.wall)
}

// intent is what p, + and - act on: the panel's last ask while its commands may
// still be on their way, else the clock as the UI knows it.
func (t *timePanel) intent() (paused bool, speed float64) {
	if !t.keyAt.IsZero() && t.sh.wall().Sub(t.keyAt) < chainGap {
		return t.paused, t.speed
	}
	return t.sh.clockState.Paused, t.sh.clockState.Speed
}

// clockMsg is the clock after a time control.
type clockMsg struct {
	state   engine.ClockState
	what    string        // what was done, for the toast: "paused", "speed 10×", "+1h"
	advance time.Duration // how far the clock jumped; 0 for a pause or a speed
	// stopped: p stopped the jump after moved of advance (stopJump).
	stopped bool
	moved   time.Duration
	err     error // refused: the clock is as it was
	saveErr error // moved, but not saved (the disk full)
}

func newTimePanel(sh *shared) *timePanel {
	return &timePanel{sh: sh, speed: sh.clockState.Speed, paused: sh.clockState.Paused}
}

func (t *timePanel) SetSize(int, int) {}
func (t *timePanel) Closed() bool     { return t.closed }

func (t *timePanel) ShortHelp() []key.Binding {
	k := t.sh.keys
	return []key.Binding{k.Pause, k.Faster, k.Slower, k.Adv2m, k.Adv10m, k.Adv1h, k.Adv1d, k.Adv30d, withHelp(k.Cancel, "close")}
}

func (t *timePanel) FullHelp() [][]key.Binding { return [][]key.Binding{t.ShortHelp()} }

func (t *timePanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return t.key(msg)
	case clockMsg:
		if msg.err != nil { // refused (a resume at the world's end): the clock is as it was
			t.paused, t.speed = msg.state.Paused, msg.state.Speed
		}
	}
	return nil
}

func (t *timePanel) key(msg tea.KeyPressMsg) tea.Cmd {
	k, clock := t.sh.keys, t.sh.clock
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Time), key.Matches(msg, k.Quit):
		t.closed = true // q closes it, as it closes the help: quitting takes a second q
		return nil
	case key.Matches(msg, k.Pause) && t.sh.advancing != "" && t.sh.stopJump != nil:
		return t.stop()
	case key.Matches(msg, k.Pause):
		t.paused, t.speed = t.intent()
		t.paused, t.keyAt = !t.paused, t.sh.wall()
		ask := &t.sh.asked
		ask.mu.Lock()
		ask.paused = t.paused
		ask.mu.Unlock()
		return func() tea.Msg {
			ask.mu.Lock()
			defer ask.mu.Unlock()
			paused, what := ask.paused, "resumed"
			if paused {
				what = "paused"
			}
			err := clock.SetPaused(paused)
			return clockMsg{state: clock.State(), what: what, err: err}
		}
	case key.Matches(msg, k.Faster), key.Matches(msg, k.Slower):
		t.paused, t.speed = t.intent()
		t.speed, t.keyAt = nextSpeed(t.speed, key.Matches(msg, k.Faster)), t.sh.wall()
		ask := &t.sh.asked
		ask.mu.Lock()
		ask.speed = t.speed
		ask.mu.Unlock()
		return func() tea.Msg {
			ask.mu.Lock()
			defer ask.mu.Unlock()
			x := ask.speed
			err := clock.SetSpeed(x)
			return clockMsg{state: clock.State(), what: "speed " + speedText(x), err: err}
		}
	}
	for _, a := range jumps(k) {
		if !key.Matches(msg, a.b) {
			continue
		}
		if s := t.sh.stopJump; s != nil && s.Load() {
			// Queued behind a jump p is stopping, it was promised, then dropped (a review).
			return toast(toastWarn, "The jump is stopping: press "+a.b.Help().Key+" again once it has")
		}
		if t.sh.advancing != "" { // a presenter pressing d five times means five days
			t.sh.queued += a.d
			return toast(toastOK, "Queued +"+span(t.sh.queued)+": it runs when the clock has finished "+strings.TrimSuffix(t.sh.advancing, "…"))
		}
		if t.sh.wall().Sub(t.sh.lastChainAt) < chainGap {
			// Pressed just after a jump ended, as the next of a series: the
			// total goes on from it (ten quick presses said "+9d in all"
			// when the first had ended before the second came).
			t.sh.chained = t.sh.lastChain
		}
		return t.sh.advance(a.d)
	}
	return nil
}

// stop is p during a jump the panel started: the jump ends after the work of the
// moment it is at (Clock.AdvanceUntil), and the clock pauses there. p paused the
// clock and said "paused" while the jump ran on to its end; only quitting stopped
// it (a presenter's trial).
func (t *timePanel) stop() tea.Cmd {
	sh, clock := t.sh, t.sh.clock
	sh.stopJump.Store(true)
	sh.advancing = "stopping the jump…"
	t.paused, t.speed, t.keyAt = true, sh.clockState.Speed, sh.wall()
	ask := &sh.asked
	ask.mu.Lock()
	ask.paused = true
	ask.mu.Unlock()
	return tea.Batch(toast(toastInfo, "Clock: stopping the jump where it has got to; the clock pauses there"), func() tea.Msg {
		ask.mu.Lock()
		defer ask.mu.Unlock()
		if err := clock.SetPaused(ask.paused); err != nil {
			return clockMsg{state: clock.State(), what: "paused", err: err}
		}
		return nil // the jump's own message says where it stopped
	})
}

// jump is one of the time panel's jumps of the clock: its key and how far it goes.
type jump struct {
	b key.Binding
	d time.Duration
}

// jumps are the time panel's jumps, shortest first.
func jumps(k KeyMap) []jump {
	return []jump{{k.Adv2m, 2 * time.Minute}, {k.Adv10m, 10 * time.Minute}, {k.Adv1h, time.Hour}, {k.Adv1d, 24 * time.Hour},
		{k.Adv30d, 30 * 24 * time.Hour}}
}

// jumpHint says which keys jump the clock past a wait of d — "t 2 jumps the
// clock" (the time panel, then its shortest jump that is long enough) — for a
// line that counts down on the virtual clock, which a paused clock never ends.
func (s *shared) jumpHint(d time.Duration) string {
	st, k := s.styles, s.keys
	// Up to a day: a wait of two days is d twice, not a month that runs 28
	// days of syncs past it.
	js := slices.DeleteFunc(jumps(k), func(j jump) bool { return j.d > 24*time.Hour })
	j := js[len(js)-1]
	for i := len(js) - 1; i >= 0 && js[i].d >= d; i-- {
		j = js[i]
	}
	return st.Key.Render(k.Time.Help().Key+" "+j.b.Help().Key) + st.Muted.Render(" jumps the clock")
}

// chainGap is how soon after a jump ends a jump key continues its total.
const chainGap = 2 * time.Second

// advance jumps the clock by d in the background, to its end or until p stops
// it (timePanel.stop); the root takes the clockMsg.
func (s *shared) advance(d time.Duration) tea.Cmd {
	clock, eng, what := s.clock, s.eng, "+"+span(d)
	s.advancing = "advancing " + what + "…" // until the root takes the clockMsg
	stop := new(atomic.Bool)
	s.stopJump = stop
	return func() tea.Msg {
		moved, err := clock.AdvanceUntil(d, stop)
		stopped := err == nil && stop.Load() && moved < d
		if !stopped {
			moved = d
		}
		var saveErr error
		if err == nil && eng != nil {
			saveErr = eng.ClockSaveError()
		}
		return clockMsg{state: clock.State(), what: what, advance: d, stopped: stopped, moved: moved, err: err, saveErr: saveErr}
	}
}

func nextSpeed(cur float64, faster bool) float64 {
	i := 0
	for j, s := range speeds {
		if s <= cur {
			i = j
		}
	}
	if faster {
		return speeds[min(i+1, len(speeds)-1)]
	}
	if speeds[i] < cur {
		return speeds[i]
	}
	return speeds[max(i-1, 0)]
}

// View is the panel, drawn over the page.
func (t *timePanel) View() string {
	sh := t.sh
	st, k := sh.styles, sh.keys
	c := sh.clockState
	state := "running at " + speedText(c.Speed)
	var atEnd string
	if c.Paused {
		state = "paused; resumes at " + speedText(c.Speed) // + and - set that speed meanwhile
		if end := sh.clock.End(); !end.IsZero() && !c.Now.Before(end) {
			// Not "resumes at 10×": p is refused there (a QA engineer's trial).
			state = "paused: this world's end"
			atEnd = st.Warn.Render("Time stops here: start a new database to go on.")
		}
	}
	_, speed := t.intent()
	speedRow := func(b key.Binding, faster bool, word string) string {
		next := nextSpeed(speed, faster)
		if next == speed {
			return "  " + st.Key.Render(fit(b.Help().Key, 4)) + " " + st.Faint.Render(word+" (at "+speedText(next)+" already)")
		}
		return "  " + st.Key.Render(fit(b.Help().Key, 4)) + " " + word + " (" + speedText(next) + ")"
	}
	row := func(b key.Binding, what string) string {
		return "  " + st.Key.Render(fit(b.Help().Key, 4)) + " " + what
	}
	lines := []string{
		st.Title.Render("Virtual time"),
		"",
		st.Bold.Render(fmtClock(c.Now)) + st.Muted.Render("  ("+state+")"),
		atEnd,
		st.Faint.Render("Rate limits, reauth tokens, webhook retries, auto-syncs"),
		st.Faint.Render("and the bank's own activity all run on this clock."),
		"",
		row(k.Pause, "pause / resume"),
		speedRow(k.Faster, true, "faster"),
		speedRow(k.Slower, false, "slower"),
		row(k.Adv2m, "advance 2 minutes (past a sync's rate limit)"),
		row(k.Adv10m, "advance 10 minutes (past a reauth token's life)"),
		row(k.Adv1h, "advance 1 hour"),
		row(k.Adv1d, "advance 1 day (runs the automatic syncs due)"),
		row(k.Adv30d, "advance 30 days (a month of auto-syncs)"),
		"",
		st.Faint.Render("esc, t or q closes"),
	}
	if atEnd == "" {
		lines = slices.Delete(lines, 3, 4)
	}
	return st.Modal.Render(strings.Join(lines, "\n"))
}
