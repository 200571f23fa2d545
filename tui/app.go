package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// Minimum screen size.
const minWidth, minHeight = 80, 24

// Lines of the header (brand and clock, tabs, rule) and the footer (status, help).
const headerLines, footerLines = 3, 2

// Pages, in tab order.
const (
	pageAccounts = iota
	pageWebhooks
	pageBank
	pageSettings
	pageCount
)

var tabTitles = [pageCount]string{"Accounts", "Webhooks", "Bank console", "Settings"}

// Model is the root: a router over the pages, the header and the footer, and the
// overlays (the widget, the time panel, the welcome, the help).
type Model struct {
	sh      *shared
	pages   [pageCount]page
	active  int
	detail  *detailPage // an account opened from the accounts page
	modal   *widgetModal
	timeP   timePanel
	welcome *welcome
	help    bool
	helpM   help.Model

	toast      toastMsg
	toastUntil time.Time

	notices   <-chan engine.Notice
	cancel    func()
	dirty     reloadKind
	pending   bool // a reload is scheduled
	animating bool
}

func newModel(sh *shared, firstRun bool) *Model {
	if sh.eng != nil {
		sh.settings = sh.eng.Settings()
	}
	m := &Model{sh: sh, helpM: help.New(), timeP: timePanel{sh: sh}}
	m.helpM.Styles = sh.styles.Help
	m.pages = [pageCount]page{newAccountsPage(sh), newWebhooksPage(sh), newBankPage(sh), newSettingsPage(sh)}
	if firstRun {
		m.welcome = newWelcome(sh)
	}
	if !sh.noTimers && sh.eng != nil {
		m.notices, m.cancel = sh.eng.Subscribe(256)
	}
	return m
}

// Close ends the engine subscription.
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
	}
}

// Messages of the root.
type (
	tickMsg       struct{ clock engine.ClockState }
	animMsg       struct{}
	noticeMsg     struct{ n engine.Notice }
	reloadTickMsg struct{}
	settingsMsg   struct {
		s   engine.Settings
		err error
	}
)

// Init starts the tick, the notice wait, the background query and the first loads.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.tick(), m.waitNotice(), m.pages[m.active].(shower).Show()}
	if m.welcome != nil {
		cmds = append(cmds, m.welcome.load())
	}
	return tea.Batch(cmds...)
}

// tick reads the clock once a second of real time: the header and the countdowns.
func (m *Model) tick() tea.Cmd {
	if m.sh.noTimers {
		return nil
	}
	clock := m.sh.clock
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{clock.State()} })
}

func (m *Model) waitNotice() tea.Cmd {
	ch := m.notices
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		n, ok := <-ch
		if !ok {
			return nil
		}
		return noticeMsg{n}
	}
}

// focus is what receives keys and gives the help bar: the innermost overlay or page.
func (m *Model) focus() page {
	switch {
	case m.welcome != nil:
		return m.welcome
	case m.timeP.open: // over the widget too: a reauth token can be let expire
		return &m.timeP
	case m.modal != nil:
		return m.modal
	}
	return m.current()
}

func (m *Model) current() page {
	if m.active == pageAccounts && m.detail != nil {
		return m.detail
	}
	return m.pages[m.active]
}

// Update routes a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if !m.animating && !m.sh.noTimers && m.busy() {
		m.animating = true
		cmd = tea.Batch(cmd, m.sh.after(100*time.Millisecond, animMsg{}))
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	sh := m.sh
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		sh.width, sh.height = msg.Width, msg.Height
		m.resize()
		return nil
	case tea.BackgroundColorMsg:
		sh.styles = NewStyles(msg.IsDark())
		m.helpM.Styles = sh.styles.Help
		return m.broadcast(stylesMsg{})
	case tickMsg:
		sh.clockState = msg.clock
		if !m.toastUntil.IsZero() && sh.wall().After(m.toastUntil) {
			m.toast, m.toastUntil = toastMsg{}, time.Time{}
		}
		return tea.Batch(m.tick(), m.broadcast(msg))
	case animMsg:
		sh.frame++
		if m.busy() {
			return sh.after(100*time.Millisecond, animMsg{})
		}
		m.animating = false
		return nil
	case noticeMsg:
		return tea.Batch(m.waitNotice(), m.notice(msg.n))
	case reloadTickMsg:
		what := m.dirty
		m.dirty, m.pending = 0, false
		return m.reload(what)
	case reloadMsg:
		return m.reload(msg.what)
	case settingsMsg:
		if msg.err == nil {
			sh.settings = msg.s
		}
		return m.broadcast(msg)
	case toastMsg:
		m.toast, m.toastUntil = msg, sh.wall().Add(6*time.Second)
		return nil
	case openAccountMsg:
		m.detail = newDetailPage(sh, msg.id)
		m.active = pageAccounts
		m.resize()
		return m.detail.Show()
	case closeDetailMsg:
		m.detail = nil
		return m.reload(reloadAccounts) // back on the dashboard: fresh rows
	case openWidgetMsg:
		m.modal = newWidgetModal(sh, msg.accountID)
		m.resize()
		return m.modal.Init()
	case widgetClosedMsg:
		m.modal = nil
		return m.broadcast(msg)
	case clockMsg:
		sh.clockState = msg.state
		what := reloadBank
		if strings.HasPrefix(msg.what, "+") {
			what = reloadAll // an advance runs auto-syncs and webhook retries
		}
		return tea.Batch(m.timeP.Update(msg), m.reload(what))
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseClickMsg:
		return m.mouse(msg.Mouse(), false)
	case tea.MouseWheelMsg:
		return m.mouse(msg.Mouse(), true)
	}
	return m.broadcast(msg)
}

// broadcast gives a message to every page and overlay; each keeps what is its own
// (async answers carry the ID of the page and request that asked).
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range m.pages {
		cmds = append(cmds, p.Update(msg))
	}
	if m.detail != nil {
		cmds = append(cmds, m.detail.Update(msg))
	}
	if m.modal != nil {
		cmds = append(cmds, m.modal.Update(msg))
	}
	if m.welcome != nil {
		cmds = append(cmds, m.welcome.Update(msg))
	}
	return tea.Batch(cmds...)
}

// notice turns an engine notice into a reload of what it changed, batched: a day's
// advance can bring hundreds of notices, and one reload covers them.
func (m *Model) notice(n engine.Notice) tea.Cmd {
	var what reloadKind
	switch n.Kind {
	case engine.NoticeSyncStarted, engine.NoticeSyncFinished, engine.NoticeAccount:
		what = reloadAccounts
	case engine.NoticeEvent, engine.NoticeDelivery:
		what = reloadEvents
	case engine.NoticeClock:
		m.sh.clockState = n.Clock
		what = reloadBank
	case engine.NoticeSettings:
		what = reloadSettings | reloadAccounts
	}
	if n.Dropped > 0 {
		what = reloadAll
	}
	m.dirty |= what
	if m.sh.noTimers {
		return m.update(reloadTickMsg{})
	}
	if m.pending || m.dirty == 0 {
		return nil
	}
	m.pending = true
	return m.sh.after(150*time.Millisecond, reloadTickMsg{})
}

func (m *Model) reload(what reloadKind) tea.Cmd {
	var cmd tea.Cmd
	if what&reloadSettings != 0 && m.sh.eng != nil {
		eng := m.sh.eng
		cmd = func() tea.Msg { return settingsMsg{s: eng.Settings()} }
	}
	// Pages mark what went stale; the one on screen reloads it now, the others
	// when they come on screen.
	cmd = tea.Batch(cmd, m.broadcast(reloadMsg{what}))
	if s, ok := m.current().(shower); ok {
		cmd = tea.Batch(cmd, s.Show())
	}
	return cmd
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	sh := m.sh
	k := sh.keys
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if sh.width < minWidth || sh.height < minHeight {
		if key.Matches(msg, k.Quit) {
			return tea.Quit
		}
		return nil
	}
	if m.help {
		m.help = false // any key closes the help
		return nil
	}
	if m.welcome != nil {
		if m.welcome.dismissedBy(msg) {
			m.welcome = nil // at once: the next key already goes to the page
		}
		return nil
	}
	if key.Matches(msg, k.TimeAnywhere) { // time, even over a form or the widget
		m.timeP.open = !m.timeP.open
		return nil
	}
	f := m.focus()
	if f != m.current() || capturing(f) {
		if key.Matches(msg, k.Help) && !capturing(f) {
			m.help = true
			return nil
		}
		return f.Update(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.help = true
		return nil
	case key.Matches(msg, k.Time):
		m.timeP.open = true
		return nil
	case key.Matches(msg, k.RevealKey):
		sh.revealKey = !sh.revealKey
		return nil
	case key.Matches(msg, k.NextPage):
		return m.switchTo((m.active + 1) % pageCount)
	case key.Matches(msg, k.PrevPage):
		return m.switchTo((m.active + pageCount - 1) % pageCount)
	case key.Matches(msg, k.Page1):
		return m.switchTo(pageAccounts)
	case key.Matches(msg, k.Page2):
		return m.switchTo(pageWebhooks)
	case key.Matches(msg, k.Page3):
		return m.switchTo(pageBank)
	case key.Matches(msg, k.Page4):
		return m.switchTo(pageSettings)
	}
	return f.Update(msg)
}

func (m *Model) switchTo(i int) tea.Cmd {
	if i == m.active {
		return nil
	}
	m.active = i
	if s, ok := m.current().(shower); ok {
		return s.Show()
	}
	return nil
}

// mouse switches tabs on a click in the tab bar and gives other events, in its own
// coordinates, to whatever is on top.
func (m *Model) mouse(ms tea.Mouse, wheel bool) tea.Cmd {
	if m.sh.width < minWidth || m.sh.height < minHeight || m.welcome != nil || m.help {
		return nil
	}
	if !wheel && ms.Y == 1 && m.modal == nil {
		for i, r := range tabRanges() {
			if ms.X >= r[0] && ms.X < r[1] {
				return m.switchTo(i)
			}
		}
		return nil
	}
	if m.modal != nil {
		return nil // the widget is keyboard-only; clicks outside it do nothing
	}
	return m.current().Update(mouseMsg{X: ms.X, Y: ms.Y - headerLines, Button: ms.Button, Wheel: wheel})
}

// tabRanges are the columns of each tab label in the tab bar.
func tabRanges() [pageCount][2]int {
	var out [pageCount][2]int
	x := 1
	for i, t := range tabTitles {
		w := len(tabLabel(i, t)) + 2 // padding
		out[i] = [2]int{x, x + w}
		x += w + 1
	}
	return out
}

func tabLabel(i int, title string) string { return string(rune('1'+i)) + " " + title }

func (m *Model) resize() {
	w, h := m.sh.width, m.sh.height-headerLines-footerLines
	for _, p := range m.pages {
		p.SetSize(w, h)
	}
	if m.detail != nil {
		m.detail.SetSize(w, h)
	}
	if m.modal != nil {
		m.modal.SetSize(w, m.sh.height)
	}
	if m.welcome != nil {
		m.welcome.SetSize(w, m.sh.height)
	}
	m.helpM.SetWidth(w - 2)
}

func (m *Model) busy() bool {
	return m.timeP.busy != "" || busy(m.current()) || (m.modal != nil && m.modal.Busy())
}
