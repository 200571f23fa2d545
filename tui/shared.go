package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
	"sandbank/simulator"
)

// shared is what every page needs, passed by pointer: the world's handles, the
// screen's size, the styles and the key map, and the latest state the UI knows of
// the clock and the settings. Only the root's Update writes it.
type shared struct {
	ctx   context.Context
	eng   *engine.Engine
	bank  *simulator.Bank
	clock *simulator.Clock
	addr  string
	// exportDir is where PDF statements are written.
	exportDir string

	// wall is real time (toasts, spinners); tests freeze it.
	wall func() time.Time
	// noTimers stops the UI from scheduling ticks and waiting on engine notices:
	// model tests deliver those messages themselves.
	noTimers bool

	width, height int
	styles        Styles
	keys          KeyMap

	clockState engine.ClockState // the virtual clock, as of the last tick or notice
	settings   engine.Settings
	revealKey  bool
	frame      int // spinner frame
}

// now is the virtual time as the UI last saw it.
func (s *shared) now() time.Time { return s.clockState.Now }

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
	}
	// openAccountMsg opens an account's detail page.
	openAccountMsg struct{ id string }
	// openWidgetMsg opens the connect widget; reauth for an account if accountID is set.
	openWidgetMsg struct{ accountID string }
	// widgetClosedMsg tells pages the widget closed, and what it did.
	widgetClosedMsg struct {
		accountID string // the account connected or reauthorised, "" if none
		reauth    bool
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
)

func capturing(p any) bool {
	c, ok := p.(capturer)
	return ok && c.Capturing()
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
