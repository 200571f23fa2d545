package tui

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"sandbank/engine"
)

// quitArmedText begins the prompt q shows once on stage, while steps are left.
const quitArmedText = "q again quits"

// Model is the root: a router over the pages, the header and the footer, and the
// stack of overlays drawn over them (overlay.go).
type Model struct {
	sh          *shared
	pages       [pageCount]page
	active      int
	detail      *detailPage // an account opened from the accounts page
	overlays    []overlay   // the last is on top
	ahead       []tea.Msg   // keys, pastes and clicks held while the page in focus holds them (input)
	aheadFor    any         // what was in focus when they began to be held
	aheadSince  time.Time   // and when (real time)
	holdExpired bool        // the page in focus held keys past maxHold: until it is done, keys are taken at once
	helpM       help.Model

	toast      toastMsg
	toastUntil time.Time

	// Where render put the tabs and the page, for clicks.
	tabsY, bodyTop int
	tabX           [pageCount][2]int

	play *play // a scenario played on stage, or nil
	// quitArmed: in a scenario played on stage, q was pressed once; q again quits
	// (its throw-away world goes with it), any other key disarms it.
	quitArmed bool

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
	m := &Model{sh: sh, helpM: help.New()}
	m.helpM.Styles = sh.styles.Help
	m.pages = [pageCount]page{newAccountsPage(sh), newWebhooksPage(sh), newBankPage(sh), newSettingsPage(sh)}
	if firstRun {
		m.overlays = []overlay{newWelcome(sh)}
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
	cmds := []tea.Cmd{m.tick(), m.waitNotice(), m.pages[m.active].(shower).Show()}
	if !m.sh.themeChosen {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if w, ok := m.top().(*welcome); ok {
		cmds = append(cmds, w.load())
	}
	var warn []string // one toast: a second would take the first's place
	if t := m.sh.exposedText(); t != "" {
		warn = append(warn, t+".")
	}
	if !m.sh.cutJump.IsZero() {
		warn = append(warn, cutJumpText(m.sh.cutJump, m.sh.now()))
	}
	if len(warn) > 0 {
		cmds = append(cmds, toast(toastWarn, strings.Join(warn, " ")))
	}
	return tea.Batch(cmds...)
}

// focus is what receives keys and gives the help bar: the top overlay, or the page.
func (m *Model) focus() page {
	if o := m.top(); o != nil {
		return o
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
	cmd := m.settle(m.update(msg))
	// Keys held while the page in focus held them, once it no longer does: each
	// as if pressed now, the moves it asks for taken before the next — unless
	// something else came into focus meanwhile, unasked (a scenario's pause): they
	// were typed for what is gone, and went into it, lost (a review).
	if !holding(m.focus()) {
		m.holdExpired = false
	}
	switch {
	case len(m.ahead) > 0 && holding(m.focus()) && m.sh.wall().Sub(m.aheadSince) >= maxHold:
		// Taken into the page still busy, they did what 1f54aca stopped: an enter
		// to open an editor dropped, the URL's letters run as commands (a review).
		m.ahead, m.holdExpired = nil, true
		cmd = tea.Batch(cmd, toast(toastWarn, "Keys typed while the page was busy were dropped: it is still busy after "+span(maxHold)+"; keys are taken as it is until it is done"))
	case len(m.ahead) > 0 && !m.holds() && m.focus() != m.aheadFor:
		m.ahead = nil
		cmd = tea.Batch(cmd, toast(toastWarn, "Keys typed while the page was busy were dropped: something else came up"))
	}
	for len(m.ahead) > 0 && !m.holds() {
		k := m.ahead[0]
		m.ahead = m.ahead[1:]
		cmd = tea.Batch(cmd, m.settle(m.take(k)))
		if len(m.ahead) > 0 && holding(m.focus()) {
			m.aheadFor, m.aheadSince = m.focus(), m.sh.wall() // a held key started what holds in turn
		}
	}
	if !m.animating && !m.sh.noTimers && m.busy() {
		m.animating = true
		cmd = tea.Batch(cmd, m.sh.after(100*time.Millisecond, animMsg{}))
	}
	return m, cmd
}

// settle takes the moves to another page a message asked for (shared.navigate),
// and drops the modals that closed — the widget closes on a message other than a
// key when it takes keys typed ahead, and stayed drawn over the page, dead,
// taking the next key.
func (m *Model) settle(cmd tea.Cmd) tea.Cmd {
	for len(m.sh.nav) > 0 {
		nav := m.sh.nav[0]
		m.sh.nav = m.sh.nav[1:]
		cmd = tea.Batch(cmd, m.update(nav))
	}
	m.prune()
	return cmd
}

// input takes a key, a paste or a mouse event: at once, or — while the page in focus holds its
// keys (a save, a bank action under way), or keys are held already — after those.
// A fast typist's burst lost the keys typed during a save or a posting: the URL
// editor that an enter should have opened did not, and the URL's letters ran as
// commands — a sync, a re-authorisation, the rest typed as a password.
func (m *Model) input(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.sh.keys.Interrupt) {
		return m.key(k)
	}
	if len(m.ahead) > 0 || m.holds() {
		if _, wheel := msg.(tea.MouseWheelMsg); wheel {
			return nil // not held: 300 of them filled the keys' room, and the next key was lost (a trial)
		}
		if len(m.ahead) == 0 {
			m.aheadFor, m.aheadSince = m.focus(), m.sh.wall()
		}
		if len(m.ahead) < maxAhead {
			m.ahead = append(m.ahead, msg) // clicks too: one taken at once switched the page, and the keys held before it ran there (a review)
		}
		return nil
	}
	return m.take(msg)
}

// maxHold is the longest keys are held for a page that holds them: a settings
// change during a jump waits for the jump's round, which waits for a slow bank,
// and every key — a page switch, the clock — waited 20 s (a trial). Those held
// that long are dropped, said so (at the first message after it: a tick comes
// every second), and until the page is done keys are taken as it is, busy.
const maxHold = 2 * time.Second

// holds reports whether keys are held now: the page in focus holds them, and has
// not held them past maxHold since it began.
func (m *Model) holds() bool { return holding(m.focus()) && !m.holdExpired }

// take acts on a key, a paste or a mouse event.
func (m *Model) take(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.dropAnswer()
		return m.key(msg)
	case tea.PasteMsg:
		m.dropAnswer()
		return m.paste(msg.Content)
	case tea.MouseClickMsg:
		m.dropAnswer()
		return m.mouse(msg.Mouse(), false)
	case tea.MouseWheelMsg:
		return m.mouse(msg.Mouse(), true)
	}
	return nil
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	sh := m.sh
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		small := func(w, h int) bool { return w < minWidth || h < minHeight }
		if small(sh.width, sh.height) != small(msg.Width, msg.Height) {
			// A q armed on one screen does not quit on the other, whose prompt it
			// never showed (the review: armed small, one q quit once it grew).
			m.quitArmed = false
		}
		sh.width, sh.height = msg.Width, msg.Height
		m.resize()
		return nil
	case tea.BackgroundColorMsg:
		if sh.themeChosen {
			return nil
		}
		sh.styles = newStyles(msg.IsDark(), sh.basic)
		m.helpM.Styles = sh.styles.Help
		return m.broadcast(stylesMsg{})
	case tea.ColorProfileMsg:
		if basic := msg.Profile == colorprofile.ANSI; basic != sh.basic {
			sh.basic = basic
			sh.styles = newStyles(sh.styles.Dark, basic)
			m.helpM.Styles = sh.styles.Help
			return m.broadcast(stylesMsg{})
		}
		return nil
	case tickMsg:
		sh.setClock(msg.clock)
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
			if msg.s != sh.settings {
				m.dropAnswer()
			}
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
	case loaded[exported]:
		// A PDF rendered while the user went on: whether its line is on screen is
		// the Model's to say (another tab, or the account's page closed).
		if m.detail == nil || msg.gate != &m.detail.stmt.export {
			// Its page closed since (or another account's is open): said, and the
			// PDFs asked for after it on that page still written — e m e, then esc
			// as the first rendered, saved one (a TUI review).
			if v := msg.val.view; v != nil && msg.of(&v.export) {
				return tea.Batch(exportToast(msg), v.next())
			}
			return exportToast(msg)
		}
		return m.detail.exported(msg, m.current() == m.detail)
	case closeDetailMsg:
		m.detail = nil
		return m.reload(reloadAccounts) // back on the dashboard: fresh rows
	case welcomeMsg:
		if !m.welcomeOpen() {
			// Closed before its load came back: the accounts page took it all the
			// same and moved its cursor to the business account, which the next s
			// synced (a TUI review).
			return nil
		}
	case syncDoneMsg:
		// A sync asked on an account's page that was closed since: no page says
		// how it went (the accounts page says only its own), so a toast does — a
		// 429 or a re-authorisation needed went unsaid (a TUI review).
		accounts := m.pages[pageAccounts].(*accountsPage)
		if (m.detail == nil || m.detail.id != msg.accountID || !m.detail.syncing) && !accounts.syncing[msg.accountID] {
			return tea.Batch(m.broadcast(msg), toast(syncToastKind(msg), accounts.name(msg.accountID)+": "+syncOutcome(msg, sh.now())))
		}
	case unlinkedMsg:
		if m.detail == nil || m.detail.id != msg.id || !m.detail.unlinking { // its page closed since: as above
			accounts := m.pages[pageAccounts].(*accountsPage)
			if msg.err != nil {
				return toast(toastBad, "Unlinking "+accounts.name(msg.id)+": "+errText(msg.err))
			}
			return tea.Batch(m.reload(reloadAccounts), toast(toastOK, accounts.name(msg.id)+" is unlinked: the API answers 404 for its ID"))
		}
	case openWidgetMsg:
		w := newWidgetModal(sh, msg.accountID)
		return m.push(w, w.Init())
	case clockMsg:
		return m.clocked(msg)
	case stepDoneMsg:
		return m.stepDone(msg)
	case widgetClosedMsg:
		return tea.Batch(m.broadcast(msg), m.handWalk(msg))
	case tea.KeyPressMsg, tea.PasteMsg, tea.MouseClickMsg, tea.MouseWheelMsg:
		return m.input(msg)
	}
	return m.broadcast(msg)
}

// welcomeOpen reports whether the welcome is among the overlays.
func (m *Model) welcomeOpen() bool {
	return slices.ContainsFunc(m.overlays, func(o overlay) bool { _, ok := o.(*welcome); return ok })
}

// paste types what a terminal pasted (bracketed paste: one message, not keys)
// into the text field that has the focus (pasting: not a y/N prompt, the help or
// the welcome, which take keys but no text — "x y" over "Rotate the keys?"
// rotated them, a review), one key a character — a line break or
// tab as a space, other control characters dropped, a copied line's last break
// too. Where no text is typed, a paste does nothing: its letters are no commands.
// It was dropped everywhere: a presenter pasting a URL got nothing (a trial).
func (m *Model) paste(text string) tea.Cmd {
	f := m.focus()
	if !pasting(f) {
		return nil
	}
	text = strings.TrimRight(text, "\r\n")
	var cmds []tea.Cmd
	for _, r := range strings.ReplaceAll(text, "\r\n", "\n") {
		if m.focus() != f || !pasting(f) { // a character closed the field (a widget's step sent): the rest are no commands
			break
		}
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == ' ':
			cmds = append(cmds, f.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}))
		case r < ' ' || r == 0x7f || r == utf8.RuneError:
		default:
			cmds = append(cmds, f.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
		}
	}
	return tea.Batch(cmds...)
}

// dropAnswer takes away a toast that answered the last key (toastMsg.untilNext):
// what comes next makes it stale.
func (m *Model) dropAnswer() {
	if m.toast.untilNext {
		m.toast, m.toastUntil = toastMsg{}, time.Time{}
	}
}

// clocked takes the clock after a time control: a jump runs auto-syncs and webhook
// retries, so everything reloads; a pause or a speed changes only the bank's view.
func (m *Model) clocked(msg clockMsg) tea.Cmd {
	m.sh.setClock(msg.state)
	what, say := reloadBank, toast(toastOK, "Clock: "+msg.what+" → "+fmtClock(msg.state.Now))
	if msg.advance == 0 && msg.err == nil && m.sh.clock != nil {
		// A pause or a speed says what the clock is now: the commands of quick
		// presses finish in any order, and the toast of an older one lagged a
		// press behind the header.
		now := m.sh.clock.State()
		m.sh.setClock(now)
		what := "speed " + speedText(now.Speed)
		if strings.HasPrefix(msg.what, "paused") || strings.HasPrefix(msg.what, "resumed") {
			what = "resumed"
			if now.Paused {
				what = "paused"
			}
		}
		say = toast(toastOK, "Clock: "+what+" → "+fmtClock(now.Now))
		if what == "paused" && !now.JumpingTo.IsZero() {
			// A jump an app or a scenario started runs on: "paused" with the date
			// running on by days read as if p did nothing.
			say = toast(toastOK, "Clock: pauses where the jump under way ends, "+fmtClock(now.JumpingTo)+" (an app's or a scenario's: the TUI cannot stop it)")
		}
	}
	var next tea.Cmd
	dropped := ""
	if msg.advance > 0 {
		m.sh.advancing, m.sh.stopJump = "", nil
		what = reloadAll
		done := m.sh.chained
		if msg.err == nil {
			done += msg.advance
		}
		if msg.stopped {
			done = m.sh.chained + msg.moved
			if q := m.sh.queued; q > 0 {
				m.sh.queued = 0
				dropped = " (+" + span(q) + " queued: dropped)"
			}
		}
		if q := m.sh.queued; q > 0 { // jump keys pressed while this one ran
			m.sh.queued = 0
			if msg.err == nil {
				next, m.sh.chained = m.sh.advance(q), done
			} else {
				dropped = " (+" + span(q) + " queued: dropped)"
			}
		}
		if next == nil { // the last of a chain says the whole of it
			if m.sh.chained = 0; msg.stopped {
				say = toast(toastOK, "Clock: p stopped the +"+span(done-msg.moved+msg.advance)+" jump at +"+span(done)+", paused → "+fmtClock(msg.state.Now)+dropped)
			} else if done != msg.advance && done > 0 {
				say = toast(toastOK, "Clock: +"+span(done)+" in all → "+fmtClock(msg.state.Now))
			}
			m.sh.lastChain, m.sh.lastChainAt = done, m.sh.wall()
		}
	}
	if msg.err != nil {
		say = toast(toastBad, errText(msg.err)+dropped)
		for _, o := range m.overlays { // the time panel takes back what it asked for
			o.Update(msg)
		}
	} else if msg.saveErr != nil {
		say = toast(toastBad, errText(msg.saveErr))
	}
	return tea.Batch(say, m.reload(what), next)
}

// broadcast gives a message to every page and overlay; each keeps what is its own
// (async answers carry the gate or the ID of what asked).
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range m.pages {
		cmds = append(cmds, p.Update(msg))
	}
	if m.detail != nil {
		cmds = append(cmds, m.detail.Update(msg))
	}
	for _, o := range m.overlays {
		cmds = append(cmds, o.Update(msg))
	}
	return tea.Batch(cmds...)
}

// typing reports whether a text field takes typed text anywhere on screen: in
// the page or an overlay, under the help too (the review: the help over the
// widget's field let a small window's q quit it).
func (m *Model) typing() bool {
	if pasting(m.current()) {
		return true
	}
	for _, o := range m.overlays {
		if pasting(o) {
			return true
		}
	}
	return false
}

// key gives a key to the top overlay or the page; the keys of the whole UI work
// only on a page that is not taking typed text, but ctrl+t and ? (overlay.go).
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	sh := m.sh
	k := sh.keys
	if key.Matches(msg, k.Interrupt) { // even while typing
		return tea.Quit
	}
	if sh.width < minWidth || sh.height < minHeight {
		// q quits here only if nothing is lost by it: a window shrunk mid-demo (a
		// projector's resolution, a split) turned the q of a password being typed
		// into quitting, and a scenario on stage quit at one q (a presenter's trial).
		if !key.Matches(msg, k.Quit) || m.typing() {
			m.quitArmed = false
			return nil
		}
		if p := m.play; p != nil && !p.done() && !m.quitArmed {
			m.quitArmed = true
			return nil
		}
		return tea.Quit
	}
	armed := m.quitArmed
	m.quitArmed = false
	if armed && !key.Matches(msg, k.Quit) && strings.HasPrefix(m.toast.text, quitArmedText) {
		m.toast, m.toastUntil = toastMsg{}, time.Time{} // disarmed: its prompt goes too (it stayed, as if q still quit)
	}
	if m.play != nil && !key.Matches(msg, k.Sync) {
		m.play.syncArmed = "" // s again, and only that, confirms the sync s warned of
	}
	if key.Matches(msg, k.TimeAnywhere) {
		return m.toggleTime()
	}
	if cmd, ok := m.playKey(msg); ok {
		return cmd
	}
	f := m.focus()
	if key.Matches(msg, k.Help) && (!capturing(f) || helpWhileTyping(f)) {
		h := newHelp(sh, f)
		h.play, h.overPanel = m.play != nil, m.top() != nil
		return m.push(h, nil)
	}
	if m.top() != nil {
		cmd := f.Update(msg)
		m.prune()
		return cmd
	}
	if !capturing(f) {
		switch {
		case key.Matches(msg, k.Quit):
			if p := m.play; p != nil && !p.done() && !armed {
				m.quitArmed = true
				left := len(p.steps) - len(p.results)
				return toast(toastWarn, quitArmedText+", and the scenario's world goes with it ("+itoa(left)+" step"+plural(left)+" not run yet); any other key stays")
			}
			return tea.Quit
		case key.Matches(msg, k.Time):
			return m.push(newTimePanel(sh), nil)
		case key.Matches(msg, k.Welcome):
			if m.play != nil {
				// Its first steps are the demo world's: over a scenario's world it
				// named accounts that were not there (a presenter's trial).
				return toast(toastInfo, "The welcome is the demo world's: "+k.PlaySteps.Help().Key+" lists this scenario's steps")
			}
			w := newWelcome(sh)
			return m.push(w, w.load())
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
	}
	return f.Update(msg)
}

func (m *Model) switchTo(i int) tea.Cmd {
	if i == m.active {
		if i == pageAccounts && m.detail != nil {
			// 1 (or its tab) on an account's page goes back to the list, as esc
			// does: it did nothing, and a newcomer typed a filter on into the
			// page's keys, t and h among them (a TUI trial).
			return m.update(closeDetailMsg{})
		}
		return nil
	}
	m.active = i
	if s, ok := m.current().(shower); ok {
		return s.Show()
	}
	return nil
}

// mouse switches tabs on a click in the tab bar and gives other events to the page,
// in its own coordinates: both read against where render put them.
func (m *Model) mouse(ms tea.Mouse, wheel bool) tea.Cmd {
	if m.sh.width < minWidth || m.sh.height < minHeight || len(m.overlays) > 0 {
		return nil
	}
	if ms.Y == m.tabsY {
		for i, r := range m.tabX {
			if !wheel && ms.X >= r[0] && ms.X < r[1] {
				return m.switchTo(i)
			}
		}
		return nil
	}
	return m.current().Update(mouseMsg{X: ms.X, Y: ms.Y - m.bodyTop, Button: ms.Button, Wheel: wheel})
}

func (m *Model) resize() {
	w, h := m.sh.width, m.sh.height-headerLines-m.footerLines()
	for _, p := range m.pages {
		p.SetSize(w, h)
	}
	if m.detail != nil {
		m.detail.SetSize(w, h)
	}
	for _, o := range m.overlays {
		o.SetSize(w, m.sh.height)
	}
	m.helpM.SetWidth(w - 2)
}

func (m *Model) busy() bool {
	// A jump the API or a scenario started spins the header's glyph too, which
	// stood still for the whole of a 20-day jump, as if hung (a review).
	if m.sh.advancing != "" || !m.sh.clockState.JumpingTo.IsZero() || busy(m.current()) || (m.play != nil && m.play.running) {
		return true
	}
	for _, o := range m.overlays {
		if busy(o) {
			return true
		}
	}
	return false
}

// cutJumpText says that the last run stopped in the middle of a jump to to, and
// that the clock resumes at now.
func cutJumpText(to, now time.Time) string {
	// "ended", not "a crash": the file may be a backup taken mid-jump (a review).
	return "The last run ended mid-jump to " + engine.TimeText(to) +
		": the clock resumes at " + engine.TimeText(now) + ", where its saved syncs reach; advance it again to go on."
}

// exposedText says that the API is reached beyond this machine — listening
// there, or behind the tunnel of --public-url, whose name is served without the
// key — and what that means, as serve's banner does; "" if it is not.
func (sh *shared) exposedText() string {
	switch {
	case sh.exposed != "":
		return "The API listens on " + sh.exposed + ": anyone on the network can read and drive every account without a key; --addr 127.0.0.1:PORT keeps it to this machine"
	case sh.publicURL != "" && !sh.publicLocal:
		return "The API is reached at " + sh.publicURL + ": anyone who reaches it can read and drive every account without a key; without --public-url and its tunnel it stays on this machine"
	}
	return ""
}
