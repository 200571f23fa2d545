package tui

import (
	"slices"
	"testing"

	"sandbank/engine"
	"sandbank/simulator"
)

// Going deep into the webhook log reads a page at a time, and a reload reads the
// newest page and the rows on screen, not every event loaded: each press that
// loaded 200 more read them all again from the newest, and so did every notice
// after — 113 presses, up to 1.2 s each, to reach the oldest of 22,514 events, and
// 80 ms a sync after (a QA lead's trial). What is loaded stays whole: the events
// in order, none missing or twice, the oldest reachable; an event deep in the
// list that is sent again shows it where it is shown; and back at the top, the
// older pages are dropped.
func TestWebhooksDeepReadsAPageAtATime(t *testing.T) {
	w := newTestWorld(t)
	// Kunle's account_updated, deep in the list once the business's come after it.
	kunle := w.account("KUNLE")
	c, err := w.bank.CustomerByAccount(kunle.Number)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.bank.PostTransaction(c.ID, simulator.Posting{Account: kunle.Number, Type: engine.Credit, Amount: 100_000, Narration: "TRANSFER IN"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.Sync(w.ctx, kunle.ID); err != nil {
		t.Fatal(err)
	}
	w.settle()

	h := newHarness(t, w, harnessOpts{width: 100, height: 24})
	wp := h.m.pages[pageWebhooks].(*webhooksPage)
	const page = 5
	wp.page = page
	h.press("2")
	for range 80 {
		newEvent(h)
	}
	log := func() []string { return webhooksLog(t, w) }
	loaded := func() []string { return loadedIDs(wp) }
	all := log()
	if len(all) < 2*(page+wp.list.h) {
		t.Fatalf("only %d events, %d rows on screen", len(all), wp.list.h)
	}

	// end, again and again: a page more each time, to the oldest.
	presses := 0
	for ; wp.more() && presses < len(all); presses++ {
		before := wp.read
		h.press("end")
		if got := wp.read - before; got > page+wp.list.h {
			t.Fatalf("end read %d events, with %d loaded", got, len(wp.events))
		}
	}
	if got := loaded(); !slices.Equal(got, all) {
		t.Fatalf("after %d presses of end the list is\n%q\nthe log\n%q", presses, got, all)
	}
	if presses > len(all)/page+1 {
		t.Fatalf("%d presses of end for %d events, %d a page", presses, len(all), page)
	}
	h.contains("Webhook events " + itoa(len(all)) + " ·")

	// Deep down, Kunle's event on screen is replayed (through the API, say), and
	// a new event comes on top: the reload reads a page and the rows on screen.
	h.press("home", "end")
	kunleAt := slices.IndexFunc(wp.events, func(ev engine.Event) bool { return ev.AccountID == kunle.ID })
	if kunleAt < 0 {
		t.Fatal("no event of Kunle's")
	}
	for wp.list.cursor > kunleAt {
		h.press("up")
	}
	if from, _ := wp.list.visible(); from == 0 {
		t.Fatalf("the window is at the top: %d events", len(wp.events))
	}
	if _, err := w.eng.Replay(w.ctx, wp.events[kunleAt].ID); err != nil {
		t.Fatal(err)
	}
	w.settle()
	before := wp.read
	newEvent(h)
	if got := wp.read - before; got > page+wp.list.h {
		t.Fatalf("a reload read %d events, with %d loaded", got, len(wp.events))
	}
	if ev, _ := wp.selected(); ev.AccountID != kunle.ID || ev.Status != engine.DeliveryDelivered || ev.Replays != 1 {
		t.Fatalf("the selected event is #%d of %s, %s, replayed %d×; want Kunle's, delivered again", ev.Seq, ev.AccountID, ev.Status, ev.Replays)
	}
	h.contains("replayed 1×")
	if got, all := loaded(), log(); !slices.Equal(got, all) {
		t.Fatalf("after a new event the list is\n%q\nthe log\n%q", got, all)
	}

	// Back at the top, the next reload keeps the newest page alone.
	h.press("home")
	newEvent(h)
	if got, all := loaded(), log(); !slices.Equal(got, all[:page]) {
		t.Fatalf("at the top the list is\n%q\nthe log's newest\n%q", got, all[:page])
	}
	h.contains("Webhook events " + itoa(page) + " loaded")
}
