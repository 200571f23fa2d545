package tui

import (
	"errors"
	"os"
	"runtime"

	"github.com/charmbracelet/x/term"
)

// ErrNoTerminal is CheckTerminal's answer for a process with no terminal.
var ErrNoTerminal = errors.New("the terminal UI needs a terminal, and this process has none (its input is not one, and it has no controlling terminal): run it in a terminal, or run `sandbank serve` for the HTTP API alone")

// ErrOutputNotTerminal is CheckTerminal's answer for a UI whose output goes to a
// file or a pipe: it drew its screens there, and the terminal showed nothing, as
// if sandbank hung (an operator's trial).
var ErrOutputNotTerminal = errors.New("the terminal UI draws on standard output, which is not a terminal here (it goes to a file or a pipe): run it without redirecting its output — its log goes to a file of its own (--log) — or run `sandbank serve`, whose output can go anywhere")

// CheckTerminal reports whether the UI has a terminal to run in, found as the
// program finds it — standard input if that is one, else the process's
// controlling terminal — and one to draw on, standard output; so that a command
// can refuse before it builds a world (and a database) it could not show.
func CheckTerminal() error {
	if runtime.GOOS == "windows" {
		return nil
	}
	if !term.IsTerminal(os.Stdin.Fd()) {
		f, err := os.Open("/dev/tty")
		if err != nil {
			return ErrNoTerminal
		}
		f.Close()
	}
	if !term.IsTerminal(os.Stdout.Fd()) {
		return ErrOutputNotTerminal
	}
	return nil
}
