package tui

import (
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// After two months of daily syncs the log keeps 67 events numbered up to #121: the
// older delivered ones were deleted (README, What the database keeps), and the
// page, counting 67 beside the numbers, said nothing of it (a presenter's trial).
// Under the last row when the rows leave a line free, else in the title; and not
// as "kept 30–37 days": an account whose syncs fail keeps its events, and the
// title said so over events 180 days old (a QA lead's trial).
func TestWebhooksSayOlderEventsAreDeleted(t *testing.T) {
	w := newTestWorld(t)
	day := 24 * time.Hour
	on := true
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on, AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	for range 60 {
		if err := w.clock.Advance(day); err != nil {
			t.Fatal(err)
		}
		w.settle()
	}
	evs, err := w.eng.Events(w.ctx, engine.EventQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if n, last := len(evs), evs[0].Seq; n != 67 || last != 121 {
		t.Fatalf("%d events, the newest #%d: want 67 and #121", n, last)
	}

	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	h.press("2")
	h.golden("webhooks-kept-80x24") // the rows fill the list: the title says it
	h.press("end")
	h.contains("Webhook events 67 · newest first · older deleted")

	h = newHarness(t, w, harnessOpts{width: 100, height: 80})
	h.press("2")
	h.contains("Webhook events 67 · newest first", "Older events go as accounts sync.")
	if strings.Contains(h.screen(), "older deleted") {
		t.Errorf("the title says it too:\n%s", h.screen())
	}
	h = newHarness(t, w, harnessOpts{width: 160, height: 80})
	h.press("2")
	h.contains("Sent or skipped events over 30 days old go as their account syncs.")
	if strings.Contains(h.screen(), "37 days") {
		t.Errorf("the page says how long events are kept: an account whose syncs fail keeps its own:\n%s", h.screen())
	}
}
