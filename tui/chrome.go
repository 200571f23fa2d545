package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

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
	sk := st.Label.Render("  key ") + st.Value.Render(key) + st.Faint.Render(" ctrl+k")
	if sh.revealKey {
		sk = st.Label.Render("  key ") + st.Warn.Render(key) + st.Faint.Render(" ctrl+k hides")
	}

	c := sh.clockState
	state := st.OK.Render("▶ " + speedText(c.Speed))
	if c.Paused {
		state = st.Warn.Render("⏸ paused")
	}
	if m.timeP.busy != "" {
		state = st.Accent.Render(sh.spinner() + " " + m.timeP.busy)
	}
	clocks := []string{fmtClock(c.Now), c.Now.In(WAT).Format("Mon 2 Jan 15:04:05 MST"), c.Now.In(WAT).Format("2 Jan 15:04:05")}
	left := brand + api + sk
	var line1 string
	for i, cl := range clocks {
		right := st.Bold.Render(cl) + " " + state + " "
		if ansi.StringWidth(left)+ansi.StringWidth(right)+1 <= w || i == len(clocks)-1 {
			line1 = spread(clip(left, w-ansi.StringWidth(right)-1), right, w)
			break
		}
	}

	var tabs strings.Builder
	tabs.WriteString(" ")
	for i, t := range tabTitles {
		if i > 0 {
			tabs.WriteString(" ")
		}
		if i == m.active {
			tabs.WriteString(st.TabActive.Render(tabLabel(i, t)))
		} else {
			tabs.WriteString(st.Tab.Render(tabLabel(i, t)))
		}
	}
	dss := []string{st.Bad.Render("Data Sync OFF")}
	if s := sh.settings; s.DataSyncEnabled() {
		auto := "auto-sync off"
		if s.AutoSync > 0 {
			auto = "auto-sync " + hours(s.AutoSync)
		}
		on := st.OK.Render("Data Sync ON")
		dss = []string{on + st.Muted.Render(" since "+fmtShort(s.DataSyncEnabledAt)+" · "+auto), on + st.Muted.Render(" · "+auto), on}
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
	if lw+rw > w {
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
	status := ""
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
	}
	k := sh.keys
	f := m.focus()
	bindings := f.ShortHelp()
	if f == m.current() && !capturing(f) {
		bindings = append(bindings, k.Time, k.Help, k.Quit)
	} else {
		bindings = append(bindings, k.Help)
	}
	hm := m.helpM
	hm.SetWidth(w - 1)
	return fit(status, w) + "\n" + fit(" "+hm.ShortHelpView(enabled(bindings)), w)
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
		return tooSmall(sh, w, h)
	}
	body := padLines(m.current().View(), w, h-headerLines-footerLines)
	screen := strings.Join([]string{m.header(), body, m.footer()}, "\n")
	if m.modal != nil {
		screen = overlay(screen, m.modal.View(), w, h)
	}
	switch {
	case m.help:
		screen = overlay(screen, m.helpView(), w, h)
	case m.welcome != nil:
		screen = overlay(screen, m.welcome.View(), w, h)
	case m.timeP.open:
		screen = overlay(screen, m.timeP.view(sh), w, h)
	}
	return screen
}

// overlay draws box centred over screen.
func overlay(screen, box string, w, h int) string {
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	x, y := max((w-bw)/2, 0), max((h-bh)/2, 0)
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(screen),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	).Render()
}

func itoa(n int) string { return strconv.Itoa(n) }

func tooSmall(sh *shared, w, h int) string {
	st := sh.styles
	msg := st.Bold.Render("sandbank needs a terminal of at least 80×24.") + "\n\n" +
		st.Muted.Render("This one is ") + st.Warn.Render(itoa(w)+"×"+itoa(h)) + st.Muted.Render(": make the window larger (or the font smaller).") +
		"\n\n" + st.Faint.Render("q quits")
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, lipgloss.NewStyle().Width(min(w, 60)).Render(msg))
}

// helpView lists the keys of what has the focus, then those that work everywhere.
func (m *Model) helpView() string {
	st, k := m.sh.styles, m.sh.keys
	hm := m.helpM
	hm.SetWidth(min(m.sh.width-10, 100))
	global := [][]key.Binding{{k.Page1, k.Page2, k.Page3, k.Page4}, {k.NextPage, k.PrevPage, k.Time, k.TimeAnywhere}, {k.RevealKey, k.Help, k.Quit}}
	body := st.Title.Render("Keys here") + "  " + st.Faint.Render("(any key closes)") + "\n\n" + hm.FullHelpView(m.focus().FullHelp()) +
		"\n\n" + st.Title.Render("Everywhere") + "\n\n" + hm.FullHelpView(global)
	return st.Modal.Render(body)
}
