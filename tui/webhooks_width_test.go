package tui

import (
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// At 120 columns the webhook list's EVENT column holds the longest event name,
// reauthorisation_required, beside the ACCOUNT column, also when times carry dates;
// it showed "reauthorisation_…" with the detail pane half empty.
func TestWebhookEventColumnFitsAt120(t *testing.T) {
	p := &webhooksPage{w: 120}
	dated := append([]column{{title: "TIME", width: 12}}, eventColumns[1:]...) // as View makes them
	for _, cols := range [][]column{eventColumns, dated} {
		var event, account int
		for _, c := range layout(cols, p.listWidth()-2) {
			switch c.title {
			case "EVENT":
				event = c.width
			case "ACCOUNT":
				account = c.width
			}
		}
		if event < len("reauthorisation_required") || account == 0 {
			t.Fatalf("at 120 columns EVENT is %d wide (ACCOUNT %d): reauthorisation_required does not fit beside the account", event, account)
		}
	}
}

// At 80 and 100 columns, the smaller screens, the webhook list shows every event's
// name in full — reauthorisation_required is the longest — also once the times carry
// dates; at 80 it showed "reauthorisation_…" and "account_connect…".
func TestWebhookEventNamesReadableWhenNarrow(t *testing.T) {
	w := newTestWorld(t)
	if err := w.clock.Advance(16 * time.Minute); err != nil { // past KUNLE's bank session
		t.Fatal(err)
	}
	res, err := w.eng.Sync(w.ctx, w.account("KUNLE").ID)
	if err != nil || res.Code != engine.CodeReauthRequired {
		t.Fatalf("KUNLE's sync past the bank session: %+v, %v; want reauthorisation required", res, err)
	}
	w.settle()
	for _, day := range []time.Duration{0, 24 * time.Hour} { // today, then with dates
		if day > 0 {
			if err := w.clock.Advance(day); err != nil {
				t.Fatal(err)
			}
		}
		for _, size := range [][2]int{{80, 24}, {100, 30}} {
			h := newHarness(t, w, harnessOpts{width: size[0], height: size[1]})
			h.press("2")
			var list []string // the list beside the detail pane, which names events too
			for _, l := range strings.Split(h.screen(), "\n") {
				left, _, _ := strings.Cut(l, "│")
				list = append(list, left)
			}
			shown := strings.Join(list, "\n")
			for _, name := range []string{"reauthorisation_required", "account_connected", "account_updated"} {
				if !strings.Contains(shown, name+" ") {
					t.Errorf("at %dx%d (%v on) the list does not show %s in full:\n%s", size[0], size[1], day, name, shown)
				}
			}
			// At 100 the rows say whose event each is, dated or not: five rows of
			// one event read alike.
			if size[0] == 100 && !strings.Contains(shown, "ACCOUNT") {
				t.Errorf("at 100 columns (%v on) the list has no ACCOUNT column:\n%s", day, shown)
			}
		}
	}
}
