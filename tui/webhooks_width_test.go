package tui

import "testing"

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
