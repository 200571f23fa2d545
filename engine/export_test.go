package engine

import "time"

// SetMaxWidgetSessions lowers the bound on widget sessions for a test, until it ends.
func SetMaxWidgetSessions(t interface{ Cleanup(func()) }, n int) {
	old := maxWidgetSessions
	maxWidgetSessions = n
	t.Cleanup(func() { maxWidgetSessions = old })
}

// Stopping reports whether Close has begun: the engine's work is cancelled, the
// attempts under way not yet ended.
func (e *Engine) Stopping() bool { return e.ctx.Err() != nil }

// ArmAutoSyncBy is armAutoSyncBy: a connect's write committed, its account due at.
func (e *Engine) ArmAutoSyncBy(at time.Time) { e.armAutoSyncBy(at) }

// StartDue runs one pass of the delivery loop, here and now.
func (e *Engine) StartDue() { e.startDue() }
