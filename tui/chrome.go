package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
)

// Minimum screen size.
const minWidth, minHeight = 80, 24

// Lines of the header (brand and clock, tabs, rule) and the footer (status, help).
const headerLines, footerLines = 3, 2

// footerLines is the footer's height: one more, the scenario's bar, in play mode.
func (m *Model) footerLines() int {
	if m.play != nil {
		return footerLines + 1
	}
	return footerLines
}

// Pages, in tab order.
const (
	pageAccounts = iota
	pageWebhooks
	pageBank
	pageSettings
	pageCount
)

var tabTitles = [pageCount]string{"Accounts", "Webhooks", "Bank console", "Settings"}

func tabLabel(i int, title string) string { return string(rune('1'+i)) + " " + title }

// header is the brand, the API address, the secret key, the clock, the tabs and
// Data Sync's state.
func (m *Model) header() string {
	sh := m.sh
	st, w := sh.styles, sh.width

	key := sh.settings.SecretKey.String()
	if sh.revealKey {
		key = sh.settings.SecretKey.Reveal()
	}
	brand := st.Brand.Render("sandbank")
	api := st.Label.Render(" API ") + st.Value.Render("http://"+sh.addr)
	if sh.exposedText() != "" {
		// Open to other machines: the address as it shows was loopback's,
		// with nothing to say otherwise (a security review's trial).
		api = st.Label.Render(" API ") + st.Warn.Render("⚠ http://"+sh.addr)
	}
	sk := st.Label.Render("  key ") + st.Value.Render(key) + st.Faint.Render(" ctrl+k")
	if sh.revealKey {
		sk = st.Label.Render("  key ") + st.Warn.Render(key) + st.Faint.Render(" ctrl+k hides")
	}

	c := sh.clockState
	state := st.OK.Render("▶ " + speedText(c.Speed))
	if c.Paused {
		state = st.Warn.Render("⏸ paused")
	}
	if !c.JumpingTo.IsZero() && sh.advancing == "" {
		// A jump the API or a scenario started: the header said "⏸ paused" while
		// its date ran on by days (a trial of the clock).
		state = st.Accent.Render(sh.spinner() + " advancing to " + c.JumpingTo.In(engine.WAT).Format("2 Jan 2006 15:04") + "…")
	}
	if sh.advancing != "" {
		state = st.Accent.Render(sh.spinner() + " " + sh.advancing)
		if sh.queued > 0 {
			state += st.Muted.Render(" then +" + span(sh.queued))
		}
	}
	// The year stays whatever gives way: after a jump of years the header is where
	// a presenter looks, and "17 Jan 03:22:39" did not say it had moved. The
	// longest clock beside the whole key; else the key is cut before the clock
	// loses its seconds; else the shortest clock, the key cut as it must.
	now := c.Now.In(engine.WAT)
	long, zoned, secs, mins := fmtClock(now), now.Format("2 Jan 2006 15:04:05 MST"), now.Format("2 Jan 2006 15:04:05"), now.Format("2 Jan 2006 15:04")
	// A revealed key is there to be copied: it stays whole before anything else,
	// giving up its hint (" ctrl+k hides", then " ctrl+k") before the clock's
	// weekday, then the API's address (which the welcome and Settings show), then
	// the clock's seconds. The hint went last, and at 120 columns a revealed key
	// took the weekday for a cell.
	left, cut := brand+api+sk, brand+api+"  key …"
	// Where the masked key does not fit, the key that reveals it does: at 80
	// columns the header read "key test_sk_•••…", and nothing on the screen
	// said how to see the key (a newcomer's trial, and the README's first steps).
	hint := brand + api + st.Label.Render("  key ") + st.Faint.Render("ctrl+k")
	type try struct{ least, show, clock string }
	// Past that, "key …" with the seconds, then without; never a scrap of the
	// masked key ("key tes…", a review).
	tries := []try{{left, left, long}, {left, left, zoned}, {left, left, secs}, {hint, hint, secs}, {hint, hint, mins}, {cut, cut, secs}, {cut, cut, mins}, {"", cut, mins}}
	if sh.revealKey {
		bare := st.Label.Render("  key ") + st.Warn.Render(key)
		hinted, whole, keyOnly := brand+api+bare+st.Faint.Render(" ctrl+k"), brand+api+bare, brand+bare
		// The address and the key together, without their labels, before the key
		// alone: at 80 columns the revealed key took the address's place, and the
		// two an app needs were never on the screen at once (a newcomer's trial).
		// Then without "http://": a real key is 32 cells, and the pair with it
		// fitted 80 columns only running at 1× (a review).
		pair := func(scheme string) string {
			if sh.exposedText() != "" {
				return " " + st.Warn.Render("⚠ "+scheme+sh.addr) + "  " + st.Warn.Render(key)
			}
			return " " + st.Value.Render(scheme+sh.addr) + "  " + st.Warn.Render(key)
		}
		withScheme, bareAddr := pair("http://"), pair("")
		tries = []try{{left, left, long}, {hinted, hinted, long}, {whole, whole, long}, {whole, whole, zoned}, {whole, whole, secs},
			{whole, whole, mins}, {withScheme, withScheme, secs}, {withScheme, withScheme, mins}, {bareAddr, bareAddr, secs},
			{bareAddr, bareAddr, mins}, {keyOnly, keyOnly, secs}, {keyOnly, keyOnly, mins}, {"", keyOnly, mins}}
	}
	var line1 string
	for _, t := range tries {
		right := st.Bold.Render(t.clock) + " " + state + " "
		if ansi.StringWidth(t.least)+ansi.StringWidth(right)+1 <= w || t.least == "" {
			line1 = spread(clip(t.show, w-ansi.StringWidth(right)-1), right, w)
			break
		}
	}

	var tabs strings.Builder
	tabs.WriteString(" ")
	for i, t := range tabTitles {
		if i > 0 {
			tabs.WriteString(" ")
		}
		style := st.Tab
		if i == m.active {
			style = st.TabActive
		}
		tab := style.Render(tabLabel(i, t))
		x := ansi.StringWidth(tabs.String())
		m.tabX[i] = [2]int{x, x + ansi.StringWidth(tab)} // where the tab landed, for clicks
		tabs.WriteString(tab)
	}
	dss := []string{st.Bad.Render("Data Sync OFF")}
	if s := sh.settings; s.DataSyncEnabled() {
		auto := "auto-sync off"
		if s.AutoSync > 0 {
			auto = "auto-sync " + hours(s.AutoSync)
		}
		on := st.OK.Render("Data Sync ON")
		dss = []string{on + st.Muted.Render(" since "+fmtShortAt(s.DataSyncEnabledAt, sh.now())+" · "+auto), on + st.Muted.Render(" · "+auto), on}
	}
	var line2 string
	for _, ds := range dss {
		if line2 = spread(tabs.String(), ds+" ", w); ansi.StringWidth(tabs.String())+ansi.StringWidth(ds)+2 <= w {
			break
		}
	}
	return line1 + "\n" + line2 + "\n" + st.Rule.Render(rule(w))
}

func speedText(x float64) string {
	if x <= 0 {
		x = 1
	}
	return strings.TrimSuffix(strings.TrimRight(ftoa(x), "0"), ".") + "×"
}

// spread puts left and right on one line of width w, right-aligned; left is cut
// when both do not fit.
func spread(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw >= w && rw > 0 { // a space between them always: "tolactrl+n next" filled the line exactly
		left = clip(left, max(w-rw-1, 0))
		lw = ansi.StringWidth(left)
	}
	gap := max(w-lw-rw, 0)
	return left + strings.Repeat(" ", gap) + right
}

// footer is the status line and the help bar of whatever has the focus.
func (m *Model) footer() string {
	sh := m.sh
	st, w := sh.styles, sh.width
	status, more := "", "" // more: a long toast's second line, over the help bar while it shows
	if m.toast.text != "" {
		style := st.Info
		switch m.toast.kind {
		case toastOK:
			style = st.OK
		case toastWarn:
			style = st.Warn
		case toastBad:
			style = st.Bad
		}
		status = style.Render(" " + m.toast.text)
		if ansi.StringWidth(" "+m.toast.text) > w {
			// Its end was cut at 120 columns ("try again lat…"), and an outage's or
			// a failed step's end is what says what to do.
			if ls := wrap(m.toast.text, w-1); len(ls) > 1 {
				status, more = style.Render(" "+ls[0]), style.Render(" "+strings.Join(ls[1:], " "))
			}
		}
	}
	k := sh.keys
	f := m.focus()
	bindings := f.ShortHelp()
	switch {
	case capturing(f):
	case f == m.current():
		bindings = append(bindings, k.Time, k.Help, k.Quit)
	default:
		bindings = append(bindings, k.Help)
	}
	hm := m.helpM
	hm.SetWidth(w - 1)
	help := " " + hm.ShortHelpView(enabled(bindings))
	// ? help stays at the end whatever is cut before it: it is the way to the
	// rest, and the bank console's footer at 120 columns, most at 80, ended
	// "…" before it (a presenter's trial).
	var last string
	if i := slices.IndexFunc(bindings, func(b key.Binding) bool { return b.Help().Key == k.Help.Help().Key }); i >= 0 {
		last = hm.ShortHelpView([]key.Binding{k.Help})
		if ansi.StringWidth(help) > w-1 || strings.HasSuffix(ansi.Strip(help), "…") {
			rest, sep := enabled(slices.Delete(slices.Clone(bindings), i, i+1)), hm.Styles.ShortSeparator.Render(hm.ShortSeparator)
			// The help's own cut may pass its width by its "…": narrower until all fits.
			for rw := w - 1 - ansi.StringWidth(last+sep); rw > 0; rw-- {
				hm.SetWidth(rw)
				if help = " " + hm.ShortHelpView(rest) + sep + last; ansi.StringWidth(help) <= w {
					break
				}
			}
		}
	}
	if more != "" {
		// A long toast's second line takes the help line's room, but for ? help
		// at its end where both fit (a toast at 80 columns hid it for six seconds);
		// where they do not, the toast's end, which says what to do.
		help = more
		if last != "" && ansi.StringWidth(more)+ansi.StringWidth(last)+2 <= w {
			help = spread(more, last+" ", w)
		}
	}
	out := fit(status, w) + "\n" + fit(help, w)
	if m.play != nil {
		out = fit(status, w) + "\n" + fit(m.bar(), w) + "\n" + fit(help, w)
		if more != "" { // the toast's two lines together, the bar below them
			out = fit(status, w) + "\n" + fit(more, w) + "\n" + fit(m.bar(), w)
		}
	}
	return out
}

func enabled(bs []key.Binding) []key.Binding {
	out := bs[:0:0]
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// View draws the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "sandbank"
	return v
}

func (m *Model) render() string {
	sh := m.sh
	w, h := sh.width, sh.height
	if w == 0 || h == 0 {
		return ""
	}
	if w < minWidth || h < minHeight {
		return tooSmall(sh, w, h, m.tooSmallQuit())
	}
	header := m.header()
	m.bodyTop = strings.Count(header, "\n") + 1
	m.tabsY = m.bodyTop - 2 // the tabs are above the rule
	body := padLines(m.current().View(), w, h-headerLines-m.footerLines())
	screen := strings.Join([]string{header, body, m.footer()}, "\n")
	for _, o := range m.overlays {
		own, _ := o.(keysInside)
		screen = overlayOn(screen, o.View(), w, h, own != nil && own.ownKeys())
	}
	return screen
}

func itoa(n int) string { return strconv.Itoa(n) }

// tooSmallQuit is what q does on the screen that says the window is too small.
func (m *Model) tooSmallQuit() string {
	switch p := m.play; {
	case m.typing():
		return "what is being typed waits for a larger window"
	case p != nil && !p.done() && m.quitArmed:
		return "q again quits, and the scenario's world goes with it"
	case p != nil && !p.done():
		return "q twice quits, and the scenario's world goes with it"
	}
	return "q quits"
}

func tooSmall(sh *shared, w, h int, quit string) string {
	st := sh.styles
	msg := st.Bold.Render("sandbank needs a terminal of at least 80×24.") + "\n\n" +
		st.Muted.Render("This one is ") + st.Warn.Render(itoa(w)+"×"+itoa(h)) + st.Muted.Render(": make the window larger (or the font smaller).") +
		"\n\n" + st.Faint.Render(quit)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, lipgloss.NewStyle().Width(min(w, 60)).Render(msg))
}
