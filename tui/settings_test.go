package tui

import "testing"

// Clearing the webhook URL says it was cleared, and that events wait in the outbox
// until one is set: the toast said "Webhook URL set: events are delivered to
// nowhere (events wait in the outbox)" (a newcomer's trial).
func TestSettingsClearTheWebhookURL(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("4", "down", "enter", "ctrl+u", "enter")
	if u := w.eng.Settings().WebhookURL; u != "" {
		t.Fatalf("the webhook URL is %q, want none", u)
	}
	h.golden("settings-url-cleared")
	h.contains("Webhook URL cleared: events wait in the outbox until a URL is set")
}
