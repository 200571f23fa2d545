package engine

// SetMaxWidgetSessions lowers the bound on widget sessions for a test, until it ends.
func SetMaxWidgetSessions(t interface{ Cleanup(func()) }, n int) {
	old := maxWidgetSessions
	maxWidgetSessions = n
	t.Cleanup(func() { maxWidgetSessions = old })
}
