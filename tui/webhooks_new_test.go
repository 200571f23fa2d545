package tui

import (
	"strings"
	"testing"
)

// newEvent makes the business's account_updated: a credit at the bank, then a sync
// past the last one's rate limit; the screen reads the clock, as a tick makes it,
// and the page on screen reloads, as a notice makes it.
func newEvent(h *harness) {
	h.t.Helper()
	addEvent(h)                        // its event is stored when Sync returns
	h.send(tickMsg{h.w.clock.State()}) // the header's clock
	h.send(reloadMsg{what: reloadEvents})
}

// A new event shows at the top of the list, newest first, while the selection on
// the third row stays on its event: the window moved down with the selection,
// so the new event was above it, and nothing showed it until ↑ three times (a
// newcomer's trial).
func TestWebhooksShowANewEvent(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	wp := h.m.pages[pageWebhooks].(*webhooksPage)
	h.press("2")
	for len(wp.events) <= wp.list.h { // more events than rows on screen: the window can move
		newEvent(h)
	}
	h.press("down", "down")
	before, _ := wp.selected()
	newEvent(h)
	if ev, _ := wp.selected(); ev.ID != before.ID {
		t.Fatalf("the selection moved from #%d to #%d", before.Seq, ev.Seq)
	}
	if first, _ := wp.list.visible(); first != 0 {
		t.Fatalf("the window starts at row %d, under the new event", first+1)
	}
	h.golden("webhooks-new-event")
}

// A window scrolled down keeps its rows where they were as new events arrive, and
// the title says how many newer ones are above it, until the window shows them.
func TestWebhooksSayNewerEventsAboveTheWindow(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	wp := h.m.pages[pageWebhooks].(*webhooksPage)
	h.press("2")
	for len(wp.events) <= wp.list.h { // more events than rows on screen
		newEvent(h)
	}
	h.press("end") // the window scrolled down
	top, _ := wp.list.visible()
	first := wp.events[top]
	newEvent(h)
	newEvent(h)
	if now, _ := wp.list.visible(); wp.events[now].ID != first.ID {
		t.Fatalf("the window's first row was #%d, and is #%d", first.Seq, wp.events[now].Seq)
	}
	h.golden("webhooks-newer-above")
	h.press("up") // a move that leaves the window where it was keeps the count
	h.contains("↑ 2 newer")
	h.press("home")
	if strings.Contains(h.screen(), "newer") {
		t.Fatalf("the title still counts newer events with the newest on screen:\n%s", h.screen())
	}
}
