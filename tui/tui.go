// Package tui is sandbank's terminal UI.
package tui

import (
	"context"
	"errors"

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
	DBPath   string
}

// Run shows the UI until the user quits or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	return errors.New("the terminal UI is not built yet; use `sandbank serve`")
}
