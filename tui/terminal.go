package tui

import (
	"errors"
	"os"
	"runtime"

	"github.com/charmbracelet/x/term"
)

// ErrNoTerminal is CheckTerminal's answer for a process with no terminal.
var ErrNoTerminal = errors.New("the terminal UI needs a terminal, and this process has none (its input is not one, and it has no controlling terminal): run it in a terminal, or run `sandbank serve` for the HTTP API alone")

// CheckTerminal reports whether the UI has a terminal to run in, found as the
// program finds it — standard input if that is one, else the process's
// controlling terminal — so that a command can refuse before it builds a world
// (and a database) it could not show.
func CheckTerminal() error {
	if runtime.GOOS == "windows" || term.IsTerminal(os.Stdin.Fd()) {
		return nil
	}
	f, err := os.Open("/dev/tty")
	if err != nil {
		return ErrNoTerminal
	}
	return f.Close()
}
