package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
	"sandbank/simulator"
)

// shared is what every page needs, passed by pointer: the world's handles, the
// screen's size, the styles and the key map, and the latest state the UI knows of
// the clock and the settings. Only the root's Update writes it, but for advancing,
// which the time panel sets when it starts a jump.
type shared struct {
	// nav holds the moves to another page or modal a key asked for (navigate),
	// for the root to take before the next key.
	nav []tea.Msg

	ctx   context.Context
	eng   *engine.Engine
	bank  *simulator.Bank
	clock *simulator.Clock
	addr  string
	// exposed is where the API listens beyond this machine, or "" (Config.Exposed).
	exposed string
	// publicURL is the base of the API's links, or "" for its address (Config.PublicURL).
	publicURL string
	// publicLocal: publicURL names this machine alone (Config.PublicLocal).
	publicLocal bool
	// cutJump is where the last run was jumping when it stopped (Config.CutJump).
	cutJump time.Time
	// openURL opens a web page in the system's browser (tests record it instead).
	openURL func(url string) error
	// exportDir is where PDF statements are written.
	exportDir string
	// dbPath and logPath are the files this sandbank keeps its world and its log
	// in, as Settings shows them ("" when not known: nothing is shown).
	dbPath, logPath string

	// wall is real time (toasts, spinners); tests freeze it.
	wall func() time.Time
	// noTimers stops the UI from scheduling ticks and waiting on engine notices:
	// model tests deliver those messages themselves.
	noTimers bool

	width, height int
	styles        Styles
	keys          KeyMap
	// themeChosen: the palette is the user's choice (Config.Theme), not the
	// terminal's answer to the background query.
	themeChosen bool
	// basic: the terminal has 16 colours (tea.ColorProfileMsg), whose palette
	// is chosen by index (basicPalette).
	basic bool

	clockState  engine.ClockState // the virtual clock, as of the last tick or notice
	advancing   string            // "advancing +1d…" while a jump of the clock runs
	queued      time.Duration     // jump keys pressed while one runs: the next jump
	chained     time.Duration     // what the jumps of a chain of queued ones have moved so far
	lastChain   time.Duration     // what the last chain moved in all, and when (wall time) it ended
	lastChainAt time.Time
	stopJump    *atomic.Bool // set, the panel's jump under way stops at its next step (timePanel.stop)
	settings    engine.Settings
	revealKey   bool
	// asked is what the time panel's p and + / - asked for last. Bubble Tea runs
	// commands at once, in no order: three quick + presses set 10×, 60× and 600×
	// in whichever order they ran, and the toast said 10× at 600× (or the clock
	// stayed at 60×). Each command applies what was asked last, one at a time.
	asked struct {
		mu     sync.Mutex
		speed  float64
		paused bool
	}
	frame int // spinner frame
	// play is the scenario played on stage (the root's, for the pages), or nil:
	// the widget points out whom the next step walks it as.
	play *play
}

// now is the virtual time as the UI last saw it.
func (s *shared) now() time.Time { return s.clockState.Now }

// setClock takes a clock state a tick, a notice or a command read, unless the UI
// has seen a later one: the clock never goes back, but the notices of a chain of
// jumps arrive after the chain's end, and the header went back eight days with
// them for a moment.
func (s *shared) setClock(c engine.ClockState) {
	if !c.Now.Before(s.clockState.Now) {
		s.clockState = c
	}
}

// after delivers msg after d of real time (never in model tests).
func (s *shared) after(d time.Duration, msg tea.Msg) tea.Cmd {
	if s.noTimers {
		return nil
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// spinner is the current frame of the busy indicator.
func (s *shared) spinner() string {
	frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	return frames[s.frame%len(frames)]
}

// Messages every page may receive.
type (
	// reloadMsg says what changed in the world; pages reload what they show of it.
	reloadMsg struct{ what reloadKind }
	// toastMsg shows a line in the status bar for a few seconds.
	toastMsg struct {
		text string
		kind toastKind
		// untilNext: it answers the last key ("Nothing changed"), and the next key,
		// click or change of the settings would make it stale, so they take it away.
		untilNext bool
	}
	// openAccountMsg opens an account's detail page.
	openAccountMsg struct{ id string }
	// openWidgetMsg opens the connect widget; reauth for an account if accountID is set.
	openWidgetMsg struct{ accountID string }
	// widgetClosedMsg tells pages the widget closed, and what it did.
	widgetClosedMsg struct {
		accountID string // the account connected or reauthorised, "" if none
		reauth    bool
		account   engine.Account // that account, as the widget last read it
	}
)

type reloadKind uint8

const (
	reloadAccounts reloadKind = 1 << iota
	reloadEvents
	reloadSettings
	reloadBank
	reloadAll = reloadAccounts | reloadEvents | reloadSettings | reloadBank
)

type toastKind uint8

const (
	toastInfo toastKind = iota
	toastOK
	toastWarn
	toastBad
)

func toast(kind toastKind, text string) tea.Cmd {
	return func() tea.Msg { return toastMsg{text: text, kind: kind} }
}

// page is one screen behind the router.
type page interface {
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	help.KeyMap
}

// Optional parts of a page.
type (
	// capturer is a page that is taking typed text: global keys go to it.
	capturer interface{ Capturing() bool }
	// shower is told when it comes on screen, to load what it shows.
	shower interface{ Show() tea.Cmd }
	// busier shows a spinner while busy.
	busier interface{ Busy() bool }
	// holder is a page whose next keys wait while it holds: a save or a bank
	// action under way, whose answer changes what the keys mean (a form that
	// closes, an editor that opens).
	holder interface{ Holding() bool }
	// paster is a page with a text field in focus now: a paste types into it.
	paster interface{ TakesPaste() bool }
)

func pasting(p any) bool {
	t, ok := p.(paster)
	return ok && t.TakesPaste()
}

func capturing(p any) bool {
	c, ok := p.(capturer)
	return ok && c.Capturing()
}

func holding(p any) bool {
	h, ok := p.(holder)
	return ok && h.Holding()
}

// helpWhileTyping reports whether ? opens the help over something that takes
// typed text: a search that has no use for a question mark (the widget's banks).
func helpWhileTyping(p any) bool {
	h, ok := p.(interface{ HelpWhileTyping() bool })
	return ok && h.HelpWhileTyping()
}

func busy(p any) bool {
	b, ok := p.(busier)
	return ok && b.Busy()
}

// mouseMsg is a mouse event in the receiver's own coordinates.
type mouseMsg struct {
	X, Y   int
	Button tea.MouseButton
	Wheel  bool
}

type (
	// stylesMsg says the styles changed (the terminal's background is known).
	stylesMsg struct{}
	// closeDetailMsg closes the account detail page.
	closeDetailMsg struct{}
)

// navigate asks for a move to another page or modal (openWidgetMsg,
// openAccountMsg, closeDetailMsg): the root takes it as the key that asked for it
// ends, before the next key. As a command's message it came after the keys typed
// just behind it, which went to the page left behind — a fast typist's "c stanbic"
// ran a sync (s) and opened the clock (t), and the widget's search got "anbic".
func (sh *shared) navigate(msg tea.Msg) tea.Cmd {
	sh.nav = append(sh.nav, msg)
	return nil
}

// loadGate is the one way the UI loads what it shows, page or part of one. It numbers
// requests, so only the latest request's answer is taken; it runs one load at a time,
// so a change that arrives while one runs marks what is shown stale, to load again
// once the running one is back. Its address names the asker: answers come back as
// loaded[T] carrying it, so two pages (or two lists of one account) never take each
// other's answers, and a closed page's answers find no one.
type loadGate struct {
	req     int  // the latest request's number
	loading bool // a load is on its way
	stale   bool // what is shown is out of date: load again
	loaded  bool // an answer came back at least once
}

// loaded is the answer of a load run under a gate.
type loaded[T any] struct {
	gate *loadGate
	req  int
	val  T
	err  error
}

// load runs fetch in a command, one at a time: while a load runs it marks the gate
// stale instead and returns nil.
func load[T any](g *loadGate, fetch func() (T, error)) tea.Cmd {
	if g.loading {
		g.stale = true
		return nil
	}
	return loadLatest(g, fetch)
}

// loadLatest runs fetch in a command at once; the answer of any load on its way will
// be dropped: the latest request wins (a widget's next step, another period).
func loadLatest[T any](g *loadGate, fetch func() (T, error)) tea.Cmd {
	g.req++
	g.loading, g.stale = true, false
	req := g.req
	return func() tea.Msg {
		v, err := fetch()
		return loaded[T]{gate: g, req: req, val: v, err: err}
	}
}

// of reports whether m answers g's latest request, and if so ends the load.
func (m loaded[T]) of(g *loadGate) bool {
	if m.gate != g || m.req != g.req {
		return false
	}
	g.loading, g.loaded = false, true
	return true
}

// drop forgets the load on its way, if any: its answer will not be taken.
func (g *loadGate) drop() { g.req, g.loading = g.req+1, false }

// fresh reports whether what is shown needs no load: it came, and nothing changed since.
func (g *loadGate) fresh() bool { return g.loaded && !g.stale }

// first reports whether the first load is still on its way: the page shows a spinner.
func (g *loadGate) first() bool { return g.loading && !g.loaded }
