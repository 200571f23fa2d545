package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// overlay is a box drawn over the pages: the help, the welcome, the time panel, the
// connect widget. A later one (a scenario's steps panel) is one more type that
// implements it and one push. The root keeps them in a stack, the last on top:
//
//   - Keys go to the top one, but for the two that work over anything: ctrl+t
//     (the key map's TimeAnywhere) opens or closes the time panel, and ? opens the
//     help over the top one unless it is Capturing typed text. The help bar shows
//     the top one's ShortHelp, and the help its FullHelp.
//   - Every other message reaches every overlay, as it reaches every page: each
//     keeps the answers that are its own (its loadGate's, or by an ID).
//   - SetSize gives the whole screen; View is drawn centred over what is below,
//     bottom first. While one is up, the mouse reaches nothing below.
//   - An overlay closes itself: once Closed reports true the root drops it, at once,
//     so the next key already goes to what is below. What it has to tell the pages
//     it sends as a message (the widget's widgetClosedMsg).
//   - Optional, as for pages: Capturing (typed text: ? is typed, not help) and Busy
//     (the spinner runs). Work to start when it opens is the command push returns.
type overlay interface {
	page
	Closed() bool
}

// push puts an overlay on top, sized, and passes on what it starts.
func (m *Model) push(o overlay, start tea.Cmd) tea.Cmd {
	o.SetSize(m.sh.width, m.sh.height)
	m.overlays = append(m.overlays, o)
	return start
}

// prune drops the overlays that closed.
func (m *Model) prune() {
	kept := m.overlays[:0]
	for _, o := range m.overlays {
		if !o.Closed() {
			kept = append(kept, o)
		}
	}
	clear(m.overlays[len(kept):])
	m.overlays = kept
}

// top is the overlay on top, nil if none.
func (m *Model) top() overlay {
	if len(m.overlays) == 0 {
		return nil
	}
	return m.overlays[len(m.overlays)-1]
}

// toggleTime closes the time panel if it is on top, and opens one otherwise: ctrl+t
// works from anywhere, over a form or the widget (a reauth token can be let expire).
func (m *Model) toggleTime() tea.Cmd {
	if t, ok := m.top().(*timePanel); ok {
		t.closed = true
		m.prune()
		return nil
	}
	return m.push(newTimePanel(m.sh), nil)
}

// helpOverlay lists the keys of what had the focus when it opened, those that work
// everywhere, and what the rule numbers (R1…R12) on the screens stand for. Any key
// closes it.
type helpOverlay struct {
	sh     *shared
	play   bool // a scenario plays: its keys are listed too
	below  help.KeyMap
	w, h   int
	closed bool
	// overPanel: it opened over another overlay (the time panel, the widget), whose
	// keys take the place of the pages': only ctrl+t and ? work everywhere there.
	overPanel bool
}

func newHelp(sh *shared, below help.KeyMap) *helpOverlay { return &helpOverlay{sh: sh, below: below} }

func (o *helpOverlay) SetSize(w, h int) { o.w, o.h = w, h }
func (o *helpOverlay) Closed() bool     { return o.closed }
func (o *helpOverlay) Capturing() bool  { return true } // ? closes it, as any key does
func (o *helpOverlay) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("any key", "closes"))}
}
func (o *helpOverlay) FullHelp() [][]key.Binding { return [][]key.Binding{o.ShortHelp()} }
func (o *helpOverlay) Update(msg tea.Msg) (cmd tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		o.closed = true
	}
	return nil
}

// rules are the rule numbers the screens cite (the seed's rules of Data Sync), in a few words.
var rules = [12]string{
	"API: last sync", "sync: bank's data", "1 sync per 2 min", "hooks: new links",
	"MFA: re-authorise", "password: reauth", "token: 10 minutes", "reauth: new data",
	"balance, txs, PDF", "dashboard, sync", "ID + secret key", "scheduled syncs",
}

func (o *helpOverlay) View() string {
	st, k := o.sh.styles, o.sh.keys
	hm := help.New()
	hm.Styles = st.Help
	hm.SetWidth(min(o.w-10, 100))
	global := [][]key.Binding{{k.Page1, k.Page2, k.Page3, k.Page4}, {k.NextPage, k.PrevPage, k.Time, k.TimeAnywhere}, {k.Welcome, k.RevealKey, k.Help, k.Quit}} // 70 cells: the 80×24 minimum
	if o.play {
		// The welcome is the demo world's: w is not offered over a scenario's.
		global[2] = global[2][1:]
	}
	cw := (min(o.w-10, 100) - 2) / 3
	var legend [4]string
	for i, r := range rules {
		legend[i%4] += fit(st.Key.Render(fit("R"+itoa(i+1), 3))+" "+st.Muted.Render(r), cw) + " "
	}
	everywhere := st.Title.Render("Everywhere")
	c, ok := o.below.(interface{ Capturing() bool })
	switch {
	case ok && c.Capturing():
		// Over the widget's search, a form: 1, t, w and q type there (a
		// newcomer's trial read them under "Everywhere" and got "tq1").
		everywhere = st.Title.Render("Everywhere else") + "  " + st.Faint.Render("(not here, where letters and digits are typed)")
	case o.overPanel:
		// Over the time panel it listed "2 webhooks" and "q quit", where 2 jumps
		// the clock two minutes and q closes the panel (a presenter's trial).
		everywhere = st.Title.Render("Here too") + "  " + st.Faint.Render("(the pages' keys work once the panel below this help is closed)")
		global = [][]key.Binding{{k.TimeAnywhere, k.Help}}
	}
	body := st.Title.Render("Keys here") + "  " + st.Faint.Render("(any key closes)") + "\n" + hm.FullHelpView(o.below.FullHelp()) +
		"\n\n" + everywhere + "\n" + hm.FullHelpView(global) + o.playKeys(hm) +
		"\n\n" + st.Title.Render("Rules") + "  " + st.Faint.Render("the R-numbers on the screens: the rules of Data Sync") + "\n" +
		strings.TrimRight(strings.Join(legend[:], "\n"), " ")
	return st.Modal.Render(body)
}

// playKeys lists the keys of a scenario played on stage, if one is.
func (o *helpOverlay) playKeys(hm help.Model) string {
	if !o.play {
		return ""
	}
	k := o.sh.keys
	keys := [][]key.Binding{{k.PlayNext, k.PlayPause}, {k.PlayEnd, k.PlaySteps}}
	if p := o.sh.play; p != nil && p.done() { // every step has run: only the list is left
		keys = [][]key.Binding{{k.PlaySteps}}
	}
	return "\n\n" + o.sh.styles.Title.Render("Scenario") + "\n" + hm.FullHelpView(keys)
}

// overlayOn draws box centred over screen above its last line, the help line,
// which says the box's keys — unless the box says them itself (ownKeys: the
// welcome's last line does), and may cover it. A box taller than its room loses lines above its last,
// not its last: its bottom border shows that it is a box (the widget with a wrong
// OTP and the phone's inbox at 80×24, which also hid the help line — a
// presenter's trial).
func overlayOn(screen, box string, w, h int, ownKeys bool) string {
	room := h
	if h > 2 && !ownKeys {
		room = h - 1
	}
	if lines := strings.Split(box, "\n"); room > 1 && len(lines) > room {
		box = strings.Join(append(lines[:room-1:room-1], lines[len(lines)-1]), "\n")
	}
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	if gap := w - bw; gap > 0 && gap <= 6 {
		// A box nearly as wide as the screen: the page's scraps in the margins
		// read as a broken screen ("│N", "│ju…" at 80 columns); blank them.
		left, right := strings.Repeat(" ", gap/2), strings.Repeat(" ", gap-gap/2)
		lines := strings.Split(box, "\n")
		for i, l := range lines {
			lines[i] = left + l + strings.Repeat(" ", max(bw-lipgloss.Width(l), 0)) + right
		}
		box, bw = strings.Join(lines, "\n"), w
	}
	x, y := max((w-bw)/2, 0), max((h-bh)/2, 0)
	if y+bh > room { // centred, it would cover the help line
		y = max(room-bh, 0)
	}
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(screen),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	).Render()
}

// keysInside is an overlay whose box says its own keys, so it may cover the help
// line on a short screen (the welcome).
type keysInside interface{ ownKeys() bool }
