package engine_test

import (
	"testing"
	"time"

	"sandbank/engine"
)

func TestJumpDeliversAutoSyncEvents(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	day := 24 * time.Hour
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &day}); err != nil {
		t.Fatal(err)
	}
	w.until("connect delivered", w.allDelivered(a.ID))
	w.advance(time.Hour)
	w.post(adam, engine.Credit, 90_000)
	w.advance(5 * day)
	for _, ev := range w.events(a.ID) {
		t.Logf("%s %s %s made %v next %v attempts %d", ev.ID, ev.Type, ev.Status, ev.CreatedAt, ev.NextAttemptAt, ev.AttemptsMade)
	}
	w.until("all delivered", w.allDelivered(a.ID))
}
