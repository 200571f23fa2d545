package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
	"sandbank/simulator"
)

// addEvent stores a new event, as newEvent does, without the notice that follows:
// the test says when the page hears of it.
func addEvent(h *harness) {
	h.t.Helper()
	w := h.w
	business := w.bank.Customers()[5]
	if _, err := w.bank.PostTransaction(business.ID, simulator.Posting{Account: business.Accounts[0].Number, Type: engine.Credit, Amount: 100_000, Narration: "TRANSFER IN"}); err != nil {
		h.t.Fatal(err)
	}
	if err := w.clock.Advance(2 * time.Minute); err != nil { // past the rate limit (R3)
		h.t.Fatal(err)
	}
	if _, err := w.eng.Sync(w.ctx, w.account("CONCEPTS").ID); err != nil {
		h.t.Fatal(err)
	}
	w.settle()
}

// answers runs cmd, and the batches it makes, and gives back what they answered,
// for the test to hand to the page in the order it chooses.
func answers(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for queue := []tea.Cmd{cmd}; len(queue) > 0; queue = queue[1:] {
		if queue[0] == nil {
			continue
		}
		switch msg := queue[0]().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			out = append(out, msg)
		}
	}
	return out
}

// webhooksLog is the IDs of every event in the log, newest first; loadedIDs those
// the page has loaded.
func webhooksLog(t *testing.T, w *testWorld) []string {
	t.Helper()
	evs, err := w.eng.Events(w.ctx, engine.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ID
	}
	return ids
}

func loadedIDs(wp *webhooksPage) []string {
	ids := make([]string, len(wp.events))
	for i, ev := range wp.events {
		ids[i] = ev.ID
	}
	return ids
}

// webhooksWithPage is the Webhooks page over at least n events, page a read.
func webhooksWithPage(t *testing.T, n, page int) (*harness, *webhooksPage) {
	t.Helper()
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 100, height: 24})
	wp := h.m.pages[pageWebhooks].(*webhooksPage)
	wp.page = page
	for len(webhooksLog(t, w)) < n {
		addEvent(h)
	}
	h.press("2")
	return h, wp
}

// endToOldest presses end until every event is loaded, and fails if end stops
// loading the older pages first.
func endToOldest(t *testing.T, h *harness, wp *webhooksPage) {
	t.Helper()
	for n := 0; wp.more(); n++ {
		if n > 100 {
			t.Fatalf("end loads no more: %d events loaded, the cursor on row %d", len(wp.events), wp.list.cursor)
		}
		h.press("end")
	}
}

// A reload asked for at the top whose answer comes after end: the rows end went
// to stay, the selection on its event, and the older page asked for comes. The
// reload dropped the older pages when it was asked for: the rows went, the
// selection moved to another event, the older page was dropped while the title
// said more were loaded, and end did nothing on the last row (a reviewer's trial).
func TestWebhooksReloadAtTheTopAnsweredAfterEnd(t *testing.T) {
	const page = 20
	h, wp := webhooksWithPage(t, 3*page, page)
	if len(wp.events) != page || !wp.more() || wp.list.offset != 0 {
		t.Fatalf("%d events loaded, more %v, offset %d", len(wp.events), wp.more(), wp.list.offset)
	}
	addEvent(h)
	wp.Update(reloadMsg{what: reloadEvents})
	reload := answers(wp.Show())
	older := answers(wp.Update(keyPress("end")))
	want, _ := wp.selected()
	if wp.list.offset == 0 || len(older) == 0 {
		t.Fatalf("end: offset %d, %d answers", wp.list.offset, len(older))
	}
	var next []tea.Msg
	for _, msg := range append(reload, older...) {
		next = append(next, answers(wp.Update(msg))...)
	}
	for _, msg := range next {
		h.run(wp.Update(msg))
	}
	if got, _ := wp.selected(); got.ID != want.ID {
		t.Fatalf("the selection moved from #%d to #%d", want.Seq, got.Seq)
	}
	if got, all := loadedIDs(wp), webhooksLog(t, h.w); len(got) <= page+1 || !slices.Equal(got, all[:len(got)]) {
		t.Fatalf("the list is\n%q\nthe log\n%q", got, all)
	}
	endToOldest(t, h, wp)
	if got, all := loadedIDs(wp), webhooksLog(t, h.w); !slices.Equal(got, all) {
		t.Fatalf("the list is\n%q\nthe log\n%q", got, all)
	}
}

// Every event loaded, a notice comes, home asks for a reload at the top, then end
// goes back to the oldest before it answers: the rows stay, the oldest selected.
// They went, but for the newest page, the cursor on its last row and end doing
// nothing (a reviewer's trial).
func TestWebhooksReloadAtTheTopAnsweredDeep(t *testing.T) {
	const page = 20
	h, wp := webhooksWithPage(t, 3*page, page)
	endToOldest(t, h, wp)
	addEvent(h)
	wp.Update(reloadMsg{what: reloadEvents})
	reload := answers(wp.Update(keyPress("home")))
	if len(reload) == 0 {
		t.Fatal("home asked for no reload")
	}
	h.run(wp.Update(keyPress("end")))
	for _, msg := range reload {
		h.run(wp.Update(msg))
	}
	all := webhooksLog(t, h.w)
	if got := loadedIDs(wp); !slices.Equal(got, all) {
		t.Fatalf("the list is\n%q\nthe log\n%q", got, all)
	}
	if ev, _ := wp.selected(); ev.ID != all[len(all)-1] || wp.more() {
		t.Fatalf("#%d selected, more %v; want the oldest", ev.Seq, wp.more())
	}
}

// A reload at the top that drops the older page on its way, end having put the
// cursor on the newest page's last row: the older page is asked for again. The
// title said more were loaded, and end and ↓ did nothing there (a reviewer's
// trial).
func TestWebhooksReloadAtTheTopAsksForTheOlderPageAgain(t *testing.T) {
	const page = 5
	h, wp := webhooksWithPage(t, 3*page, page)
	if wp.list.h <= page {
		t.Fatalf("%d rows on screen: the newest page must fit", wp.list.h)
	}
	wp.Update(reloadMsg{what: reloadEvents}) // an event changed: none new
	reload := answers(wp.Show())
	older := answers(wp.Update(keyPress("end")))
	if wp.list.cursor != page-1 || len(older) == 0 {
		t.Fatalf("end: cursor %d, %d answers", wp.list.cursor, len(older))
	}
	for _, msg := range append(reload, older...) {
		h.run(wp.Update(msg))
	}
	if got, all := loadedIDs(wp), webhooksLog(t, h.w); len(got) <= page || !slices.Equal(got, all[:len(got)]) {
		t.Fatalf("the list is\n%q\nthe log\n%q", got, all)
	}
}

// Scrolled deep, more than a page of new events: a reload reads the newest page
// and the rows on screen, not every event that came, and the rows loaded stay
// as they are, the title counting the newer ones; home shows the newest page. It
// read down to the newest event loaded, thousands at once after a long jump (a
// reviewer's trial). A scroll after reads the rows on screen alone: the newest
// page was read at this gen already.
func TestWebhooksDeepReloadReadsOnePage(t *testing.T) {
	const page = 5
	h, wp := webhooksWithPage(t, 60, page)
	endToOldest(t, h, wp)
	if wp.list.offset < 2*wp.list.h {
		t.Fatalf("the window is not deep: offset %d", wp.list.offset)
	}
	loaded, sel := loadedIDs(wp), wp.list.cursor
	for range 2*page + 1 {
		addEvent(h)
	}
	before := wp.read
	h.send(reloadMsg{what: reloadEvents})
	if got := wp.read - before; got > page+wp.list.h {
		t.Fatalf("a reload read %d events, with %d loaded", got, len(wp.events))
	}
	if got := loadedIDs(wp); !slices.Equal(got, loaded) || wp.list.cursor != sel {
		t.Fatalf("the list is\n%q\nwas\n%q\nthe cursor on %d, was %d", got, loaded, wp.list.cursor, sel)
	}
	h.contains("↑ " + itoa(page) + "+ newer") // the newest page read: those between may be deleted
	before = wp.read
	h.press("pgup")
	if got := wp.read - before; got > wp.list.h {
		t.Fatalf("pgup read %d events, %d rows on screen", got, wp.list.h)
	}
	h.press("home")
	if got, all := loadedIDs(wp), webhooksLog(t, h.w); !slices.Equal(got, all[:page]) {
		t.Fatalf("at the top the list is\n%q\nthe log's newest\n%q", got, all[:page])
	}
	if s := h.screen(); strings.Contains(s, "newer") {
		t.Fatalf("at the top the title counts newer events:\n%s", s)
	}
}

// Scrolled deep, the count of newer events above goes up with each notice, never
// down: a read that overlaps the one before adds only the events it did not count.
// Counted anew, the title went "↑ 5+ newer", "↑ 10+", then "↑ 5+" after one more
// event (a review).
func TestWebhooksDeepNewerCountNeverShrinks(t *testing.T) {
	const page = 5
	h, wp := webhooksWithPage(t, 60, page)
	endToOldest(t, h, wp)
	for _, tc := range []struct{ add, want int }{
		{page + 1, page}, // the newest page read, those between not
		{page, 2 * page}, // a page more, all new
		{1, 2*page + 1},  // one more, the page read overlapping the one before
		{0, 2*page + 1},  // none: the same page read again
	} {
		for range tc.add {
			addEvent(h)
		}
		h.send(reloadMsg{what: reloadEvents})
		h.contains("↑ " + itoa(tc.want) + "+ newer")
	}
}

// Scrolled deep, new events come on top while the selected event is deleted (the
// log kept short, README, What the database keeps): the cursor goes to the event
// below it, where it was on screen, and the rows around stay put. The cursor kept
// its row's index, and the window moved by the new rows above (a reviewer's
// trial). The answer is made to leave the selected event out, as the store would.
func TestWebhooksDeepSelectedEventDeleted(t *testing.T) {
	const page = 5
	h, wp := webhooksWithPage(t, 60, page)
	endToOldest(t, h, wp)
	h.press("pgup", "up", "up", "up")
	gone, _ := wp.selected()
	below := wp.events[wp.list.cursor+1]
	onScreen := wp.list.cursor - wp.list.offset
	if wp.list.offset == 0 {
		t.Fatal("the window is at the top")
	}
	for range 3 {
		addEvent(h)
	}
	wp.Update(reloadMsg{what: reloadEvents})
	for _, msg := range answers(wp.Show()) {
		if l, ok := msg.(loaded[eventLog]); ok {
			for i, r := range l.val.parts {
				l.val.parts[i].evs = slices.DeleteFunc(r.evs, func(ev engine.Event) bool { return ev.ID == gone.ID })
			}
			msg = l
		}
		wp.Update(msg) // what it asks for next would read the event again: it is not deleted
	}
	if slices.Contains(loadedIDs(wp), gone.ID) {
		t.Fatalf("#%d is still loaded", gone.Seq)
	}
	if ev, _ := wp.selected(); ev.ID != below.ID || wp.list.cursor-wp.list.offset != onScreen {
		t.Fatalf("#%d selected on the window's row %d; want #%d, the one below the deleted #%d, on row %d",
			ev.Seq, wp.list.cursor-wp.list.offset, below.Seq, gone.Seq, onScreen)
	}
}
