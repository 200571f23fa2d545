package engine_test

import (
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// Messages for people give times with their date and zone and durations as people
// write them — never UTC without a zone, nor Go's "30m0s".
func TestMessagesSayTheZoneAndPlainDurations(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)

	w.advance(engine.RateLimitWindow)
	w.sync(a.ID)
	w.advance(30 * time.Second)
	_, err := w.eng.Sync(w.ctx, a.ID)
	if msg := engine.ErrorMessage(err); !strings.HasSuffix(msg, "allowed in 1m 30s") {
		t.Errorf("inside the rate-limit window: %q; want it to end \"allowed in 1m 30s\"", msg)
	}

	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.WidgetChooseInstitution(w.ctx, st.Session, "044", ""); err != nil { // a step: its 30 minutes run
		t.Fatal(err)
	}
	w.advance(engine.WidgetSessionTTL + time.Minute)
	_, err = w.eng.WidgetLogin(w.ctx, st.Session, adam.Username, adam.Password)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "expired at "+engine.TimeText(st.ExpiresAt)) || !strings.Contains(msg, "WAT") {
		t.Errorf("an expired widget session: %q; want it to say when, with the date and zone (%s)", msg, engine.TimeText(st.ExpiresAt))
	}

	for range 3 {
		_, err = w.bank.Login(w.ctx, "044", adam.Username, "wrong-password")
	}
	if msg := engine.ErrorMessage(err); !strings.HasSuffix(msg, "try again in 30m") {
		t.Errorf("a locked login: %q; want it to end \"try again in 30m\"", msg)
	}
}
