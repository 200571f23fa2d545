// Package tui is sandbank's terminal UI: a dashboard of connected accounts with
// "Sync now", the connect and reauth widget, the webhook log, a bank console, time
// controls and settings.
//
// The root Model is a small router over pages (accounts, account detail, webhooks,
// bank console, settings) behind the page interface, with a stack of overlays over
// them (help, welcome, time panel, connect widget: overlay.go); they share one
// *shared context. Pages list through one list (list.go) and load through one
// loadGate (shared.go). Nothing slow runs in Update: every engine, store, simulator
// or file operation is a tea.Cmd returning a typed message, tagged with the gate (or
// the ID) of what asked, and stale answers are dropped. Engine notices arrive
// through a command that waits on the Subscribe channel and re-arms itself.
package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
	"sandbank/simulator"
)

// Config wires the UI.
type Config struct {
	Engine   *engine.Engine
	Bank     *simulator.Bank
	Clock    *simulator.Clock
	Addr     string
	FirstRun bool

	// Exposed, if set, is where the API listens beyond this machine ("0.0.0.0:7070"):
	// the header marks the address, Settings and a toast at the start say so, as
	// they do of a PublicURL, whose name is served without the key.
	Exposed string

	// PublicURL, if set, is the base URL the API's links name (--public-url, a
	// tunnel's): Settings shows it beside the address, so that whoever hands a
	// link to a phone sees where it points.
	PublicURL string
	// PublicLocal: PublicURL names this machine alone (localhost, a loopback
	// address), so it exposes nothing, and nothing warns of it.
	PublicLocal bool

	// CutJump, if not zero, is where the last run was jumping when it stopped
	// without a clean stop (world.World.CutJump): a toast at the start says it.
	CutJump time.Time

	DBPath string
	// LogPath is the log's file, which Settings shows with the database's (a
	// newcomer found neither on any screen).
	LogPath string

	// ExportDir is where exported statements go; default: the database's directory.
	ExportDir string

	// Script, if set, is a scenario played on stage (play.go).
	Script Script

	// OpenURL opens a web page in the system's browser (default: OpenBrowser).
	OpenURL func(url string) error

	// OwnJump, if set, is set as Run returns to whether a jump of the clock the
	// UI started was under way: what the caller says of cutting it short is then
	// for the one who quit, not for an app's request (503 SHUTTING_DOWN).
	OwnJump *bool

	// Theme is the palette: ThemeLight or ThemeDark whatever the terminal says,
	// or ThemeAuto ("" too) for the one its background asks for.
	Theme string
}

// The palettes Config.Theme names.
const (
	ThemeAuto  = "auto"
	ThemeLight = "light"
	ThemeDark  = "dark"
)

// frameRate is the most frames a second the TUI draws.
const frameRate = 30

// Run shows the UI until the user quits or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	m := New(ctx, cfg)
	// 30 frames a second, not Bubble Tea's 60: its renderer wakes at that rate
	// whether anything changed or not, and the TUI left open all day on a paused
	// clock took 1.4% of a CPU and 341 context switches a second at 60, 0.83% and
	// 175 at 30 (a TUI trial; measured in tmux over 30 s). A key's frame comes
	// within 33 ms.
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithFPS(frameRate))
	_, err := p.Run()
	m.Close()
	if cfg.OwnJump != nil {
		*cfg.OwnJump = m.sh.advancing != ""
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // Ctrl+C on the process or SIGTERM: a normal way out
	}
	return err
}

// New builds the root model. Close releases its engine subscription.
func New(ctx context.Context, cfg Config) *Model {
	dir := cfg.ExportDir
	if dir == "" {
		dir = filepath.Dir(cfg.DBPath)
		if cfg.DBPath == "" {
			dir, _ = os.Getwd()
		}
	}
	if cfg.OpenURL == nil {
		cfg.OpenURL = OpenBrowser
	}
	sh := &shared{
		ctx: ctx, eng: cfg.Engine, bank: cfg.Bank, clock: cfg.Clock, addr: cfg.Addr, exposed: cfg.Exposed, publicURL: cfg.PublicURL, publicLocal: cfg.PublicLocal, cutJump: cfg.CutJump, openURL: cfg.OpenURL,
		exportDir: dir, wall: time.Now, dbPath: cfg.DBPath, logPath: cfg.LogPath,
		// Dark until the terminal says its background, unless the palette is
		// chosen: a light terminal that never answers the query had the dark
		// palette's near-white text on white, and no way to change it before
		// going on stage (a presenter's trial).
		styles: NewStyles(cfg.Theme != ThemeLight), keys: DefaultKeyMap(),
		themeChosen: cfg.Theme == ThemeLight || cfg.Theme == ThemeDark,
	}
	if cfg.Clock != nil {
		sh.clockState = cfg.Clock.State()
	}
	m := newModel(sh, cfg.FirstRun)
	m.openPlay(cfg.Script)
	return m
}
