package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// speeds are the steps of + and - in the time panel.
var speeds = []float64{1, 10, 60, 600, 3600, 10000}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// timePanel is the time controls, open from any screen with t: pause and resume,
// speed, and jumps of +2m, +10m, +1h and +1d. Each control runs in a command: an
// advance runs the automatic syncs and webhook retries it passes, which takes a while.
type timePanel struct {
	sh   *shared
	open bool
	busy string // "advancing +1d…" while a jump runs
}

// clockMsg is the clock after a time control.
type clockMsg struct {
	state engine.ClockState
	what  string
	err   error
}

func (t *timePanel) SetSize(int, int) {}
func (t *timePanel) View() string     { return "" }

func (t *timePanel) ShortHelp() []key.Binding {
	k := t.sh.keys
	return []key.Binding{k.Pause, k.Faster, k.Slower, k.Adv2m, k.Adv10m, k.Adv1h, k.Adv1d, k.Cancel}
}

func (t *timePanel) FullHelp() [][]key.Binding { return [][]key.Binding{t.ShortHelp()} }

func (t *timePanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case clockMsg:
		if strings.HasPrefix(msg.what, "+") {
			t.busy = ""
		}
		if msg.err != nil {
			return toast(toastBad, errText(msg.err))
		}
		return toast(toastOK, "Clock: "+msg.what+" → "+fmtClock(msg.state.Now))
	case tea.KeyPressMsg:
		return t.key(msg)
	}
	return nil
}

func (t *timePanel) key(msg tea.KeyPressMsg) tea.Cmd {
	k, clock := t.sh.keys, t.sh.clock
	cur := t.sh.clockState
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Time), key.Matches(msg, k.TimeAnywhere):
		t.open = false
		return nil
	case !t.open:
		return nil
	case key.Matches(msg, k.Pause):
		t.open = false
		paused := !cur.Paused
		what := "resumed"
		if paused {
			what = "paused"
		}
		return func() tea.Msg { clock.SetPaused(paused); return clockMsg{state: clock.State(), what: what} }
	case key.Matches(msg, k.Faster), key.Matches(msg, k.Slower):
		t.open = false
		x := nextSpeed(cur.Speed, key.Matches(msg, k.Faster))
		return func() tea.Msg {
			err := clock.SetSpeed(x)
			return clockMsg{state: clock.State(), what: "speed " + speedText(x), err: err}
		}
	}
	for _, a := range []struct {
		b key.Binding
		d time.Duration
	}{{k.Adv2m, 2 * time.Minute}, {k.Adv10m, 10 * time.Minute}, {k.Adv1h, time.Hour}, {k.Adv1d, 24 * time.Hour}} {
		if !key.Matches(msg, a.b) {
			continue
		}
		t.open = false
		if t.busy != "" {
			return toast(toastWarn, "The clock is still "+t.busy+": wait for it to finish")
		}
		what := "+" + span(a.d)
		t.busy = "advancing " + what + "…"
		d := a.d
		return func() tea.Msg {
			err := clock.Advance(d)
			return clockMsg{state: clock.State(), what: what, err: err}
		}
	}
	return nil
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

// view is the panel, drawn over the page.
func (t *timePanel) view(sh *shared) string {
	st, k := sh.styles, sh.keys
	c := sh.clockState
	state := "running at " + speedText(c.Speed)
	if c.Paused {
		state = "paused"
	}
	row := func(b key.Binding, what string) string {
		return "  " + st.Key.Render(fit(b.Help().Key, 4)) + " " + what
	}
	lines := []string{
		st.Title.Render("Virtual time"),
		"",
		st.Bold.Render(fmtClock(c.Now)) + st.Muted.Render("  ("+state+")"),
		st.Faint.Render("Rate limits, reauth tokens, webhook retries, auto-syncs"),
		st.Faint.Render("and the bank's own activity all run on this clock."),
		"",
		row(k.Pause, "pause / resume"),
		row(k.Faster, "faster ("+speedText(nextSpeed(c.Speed, true))+")"),
		row(k.Slower, "slower ("+speedText(nextSpeed(c.Speed, false))+")"),
		row(k.Adv2m, "advance 2 minutes (past a sync's rate limit)"),
		row(k.Adv10m, "advance 10 minutes (past a reauth token's life)"),
		row(k.Adv1h, "advance 1 hour"),
		row(k.Adv1d, "advance 1 day (runs the automatic syncs due)"),
		"",
		st.Faint.Render("esc closes"),
	}
	return st.Modal.Render(strings.Join(lines, "\n"))
}
