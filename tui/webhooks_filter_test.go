package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// filteredLog is the IDs of the log's events that keep says to, newest first.
func filteredLog(t *testing.T, w *testWorld, keep func(engine.Event) bool) []string {
	t.Helper()
	evs, err := w.eng.Events(w.ctx, engine.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, ev := range evs {
		if keep(ev) {
			ids = append(ids, ev.ID)
		}
	}
	return ids
}

// The filter finds its events among every event kept, not only the page loaded:
// the account's (by its holder or its ID) and the event's name, whatever the case.
// The reads look through a few events at a time (scan), as they do through
// 2,000 of a long log, and go on until the screen is full or the log ends.
func TestWebhooksFilterFindsEventsOlderThanThePageLoaded(t *testing.T) {
	h, wp := webhooksWithPage(t, 40, 5)
	wp.scan = 7
	kunle := h.w.account("KUNLE")
	oldest := wp.events[len(wp.events)-1].Seq
	for _, tc := range []struct {
		filter string
		keep   func(engine.Event) bool
		golden string // the screen's, or ""
	}{
		{"kunle", func(ev engine.Event) bool { return ev.AccountID == kunle.ID }, "webhooks-filter-account"},
		{strings.ToUpper(kunle.ID[:12]), func(ev engine.Event) bool { return ev.AccountID == kunle.ID }, ""},
		{"Connected", func(ev engine.Event) bool { return strings.HasSuffix(ev.Type, "account_connected") }, ""},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			want := filteredLog(t, h.w, tc.keep)
			if len(want) == 0 || slices.ContainsFunc(wp.events, func(ev engine.Event) bool { return tc.keep(ev) }) {
				t.Fatalf("%d events match, or one is on the page loaded", len(want))
			}
			filterBy(h, tc.filter)
			if got := loadedIDs(wp); !slices.Equal(got, want) {
				t.Fatalf("/%s lists\n%q\nthe log's matches\n%q", tc.filter, got, want)
			}
			if wp.events[0].Seq >= oldest {
				t.Fatalf("the newest match, #%d, is on the page first loaded (down to #%d)", wp.events[0].Seq, oldest)
			}
			h.contains(" Webhook events "+itoa(len(want))+" · filter "+tc.filter, shortEvent(wp.events[0].Type))
			if tc.golden != "" {
				h.golden(tc.golden)
			}
			h.press("esc", "home") // the newest page alone again
		})
	}
}

// No match says so, in place of the rows, and not that there are no events.
func TestWebhooksFilterSaysNothingMatches(t *testing.T) {
	h, wp := webhooksWithPage(t, 12, 5)
	wp.scan = 7
	filterBy(h, "nobody")
	if len(wp.events) != 0 || wp.more() {
		t.Fatalf("%d events listed, more to read: %v", len(wp.events), wp.more())
	}
	h.contains("No event matches the filter.", "filter nobody · esc clears")
	h.golden("webhooks-filter-none")
	// enter with no event to read leaves the list as it is: the payload took the
	// page and showed nothing (a review).
	h.press("enter")
	h.contains("No event matches the filter.")
}

// esc clears the filter, and the event selected stays so, found deep in the log
// (the page around it read, the newer ones counted in the title) or on the newest
// page; the rows loaded are the log's, in order, none missing.
func TestWebhooksFilterClearedKeepsTheSelection(t *testing.T) {
	h, wp := webhooksWithPage(t, 60, 5)
	wp.scan = 7
	log := webhooksLog(t, h.w)

	h.press("/")
	h.typ("kunle")
	h.press("enter", "end")
	deep, _ := wp.selected()
	h.press("esc")
	if wp.list.filterText() != "" {
		t.Fatalf("the filter is %q", wp.list.filterText())
	}
	if ev, ok := wp.selected(); !ok || ev.ID != deep.ID {
		t.Fatalf("esc selected #%d, not #%d", ev.Seq, deep.Seq)
	}
	at := slices.Index(log, loadedIDs(wp)[0])
	if got := loadedIDs(wp); at < 0 || !slices.Equal(got, log[at:at+len(got)]) {
		t.Fatalf("after esc the list is\n%q\nthe log\n%q", got, log)
	}
	h.contains(" loaded · ↑ ", "+ newer") // not the log's total: newer ones are not loaded
	h.golden("webhooks-filter-cleared")

	// On the newest page, as the filter is typed: esc clears it too.
	h.press("home", "/")
	h.typ("updated")
	h.press("enter", "down", "down")
	sel, _ := wp.selected()
	h.press("/", "esc")
	if ev, _ := wp.selected(); wp.list.filterText() != "" || ev.ID != sel.ID {
		t.Fatalf("esc selected #%d, not #%d, the filter %q", ev.Seq, sel.Seq, wp.list.filterText())
	}
	if got := loadedIDs(wp); !slices.Equal(got, log[:len(got)]) {
		t.Fatalf("after esc the list is\n%q\nthe log's newest\n%q", got, log[:len(got)])
	}
}

// A new event that matches shows on top of the filtered list; one that does not
// stays out of it.
func TestWebhooksFilterShowsANewMatch(t *testing.T) {
	h, wp := webhooksWithPage(t, 20, 5)
	wp.scan = 7
	filterBy(h, "concepts")
	before := len(wp.events)
	newEvent(h) // the business's
	if got := loadedIDs(wp); len(got) != before+1 || got[0] != webhooksLog(t, h.w)[0] {
		t.Fatalf("after a new match the list has %d events, the first %q; %d before", len(got), got[0], before)
	}

	h.press("esc", "/")
	h.typ("kunle")
	h.press("enter")
	before = len(wp.events)
	newEvent(h) // the business's again: no match
	if got := len(wp.events); got != before {
		t.Fatalf("a new event of another account made %d rows of %d", got, before)
	}
}

// ? lists the filter among the page's keys.
func TestWebhooksHelpListsTheFilter(t *testing.T) {
	h, _ := webhooksWithPage(t, 8, 5)
	h.press("?")
	h.contains("/ filter: account, holder or event")
}

// At 80 columns the filter being typed takes the title's line, shown whole, and
// the footer says what enter and esc do.
func TestWebhooksFilterAt80Columns(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	h.press("2", "/")
	h.typ("kunle")
	h.contains("filter: kunle", "enter keep filter", "esc clear filter")
	h.golden("webhooks-filter-typing-80x24")
}

// addEventOf is addEvent for the account of holder: an event the business's
// filter does not match.
func addEventOf(h *harness, holder string) {
	h.t.Helper()
	w := h.w
	a := w.account(holder)
	if _, err := w.bank.PostTransaction(a.CustomerID, simulator.Posting{Account: a.Number, Type: engine.Credit, Amount: 100_000, Narration: "TRANSFER IN"}); err != nil {
		h.t.Fatal(err)
	}
	if err := w.clock.Advance(2 * time.Minute); err != nil { // past the rate limit (R3)
		h.t.Fatal(err)
	}
	if _, err := w.eng.Sync(w.ctx, a.ID); err != nil {
		h.t.Fatal(err)
	}
	w.settle()
}

// end goes on under a filter past a read that looked through its events and found
// no match: the cursor stayed on the last row, where end and ↓ do nothing, no
// read followed, and the matches below were never shown (a review). While the
// reads go on, the list says so under its rows.
func TestWebhooksFilterEndReadsPastEventsThatDoNotMatch(t *testing.T) {
	h, wp := webhooksWithPage(t, 12, 5) // the business's events over 4 of others
	wp.scan = 3
	for range 4 {
		addEventOf(h, "KUNLE")
	}
	for range 30 {
		addEvent(h)
	}
	want := filteredLog(t, h.w, func(ev engine.Event) bool { return ev.AccountID == h.w.account("CONCEPTS").ID })
	h.press("/")
	h.typ("concept")
	refill := answers(wp.Update(keyPress("s")))
	if len(refill) != 1 {
		t.Fatalf("a key of the filter made %d answers", len(refill))
	}
	older := wp.Update(refill[0])
	if older == nil || len(wp.events) >= wp.list.h {
		t.Fatalf("%d matches read, no read of older ones on its way", len(wp.events))
	}
	h.contains("Reading older events…")
	h.run(older)
	h.press("enter")
	endToOldest(t, h, wp)
	if got := loadedIDs(wp); !slices.Equal(got, want) {
		t.Fatalf("end loaded\n%q\nthe log's matches\n%q", got, want)
	}
	h.contains(" Webhook events " + itoa(len(want)) + " ")
}

// A read that ends on the log's first event leaves none below to read: the page
// read on, and the title said "N loaded", for nothing.
func TestWebhooksReadEndingOnTheFirstEvent(t *testing.T) {
	h, _ := webhooksWithPage(t, 12, 5)
	for _, f := range []*eventFilter{nil, {text: "a", names: map[string]string{}, scan: 4}} {
		r, err := readEvents(h.w.ctx, h.w.eng, 5, 4, f, 0)
		if err != nil || len(r.evs) != 4 || r.lo != 0 {
			t.Errorf("filter %v: %d events read below #5, lo %d, %v", f != nil, len(r.evs), r.lo, err)
		}
	}
}

// A filter of several words matches each anywhere, in any field, as on Accounts:
// the holder and the event's name, the bank's MFA and the holder. Matched whole,
// "concepts updated" found nothing (a review).
func TestFiltersMatchEveryWordAnywhere(t *testing.T) {
	h, wp := webhooksWithPage(t, 12, 5)
	concepts := h.w.account("CONCEPTS").ID
	want := filteredLog(t, h.w, func(ev engine.Event) bool {
		return ev.AccountID == concepts && strings.HasSuffix(ev.Type, "account_updated")
	})
	for _, filter := range []string{"concepts updated", "Updated  Abdullahi"} {
		filterBy(h, filter)
		if got := loadedIDs(wp); !slices.Equal(got, want) {
			t.Errorf("/%s lists\n%q\nnot\n%q", filter, got, want)
		}
		h.press("esc")
	}

	h.press("1", "/")
	h.typ("otp kunle")
	h.press("enter")
	h.contains("KUNLE")
	if s := h.screen(); strings.Contains(s, "ADAM OKAFOR") || strings.Contains(s, "ABDULLAHI") {
		t.Fatalf("/otp kunle left other accounts:\n%s", s)
	}
}

// noticeOf is newEvent for the account of holder.
func noticeOf(h *harness, holder string) {
	h.t.Helper()
	addEventOf(h, holder)
	h.send(tickMsg{h.w.clock.State()})
	h.send(reloadMsg{what: reloadEvents})
}

// Scrolled down under a filter, more events than a read looks through came: the
// read's newest part is not put in, and what it looked at is not read again at
// the next notice, which reads only what is new; the title says newer ones are
// above, though none that was read matches. The newest part was read again at
// every notice, 2,000 events, and with no match the title said nothing and home
// did not read the newest (a review).
func TestWebhooksFilterScrolledDownReadsOnlyWhatIsNew(t *testing.T) {
	h, wp := webhooksWithPage(t, 40, 5)
	wp.scan = 3
	filterBy(h, "concepts")
	endToOldest(t, h, wp)
	if wp.list.offset == 0 {
		t.Fatal("end left the window at the top")
	}
	for range wp.scan + 1 { // heard of in one notice
		addEventOf(h, "KUNLE")
	}
	h.send(tickMsg{h.w.clock.State()})
	h.send(reloadMsg{what: reloadEvents})
	h.contains(" loaded · ↑ newer · ") // none of those read matches: there may be among those not read
	newEvent(h)                        // a match, above the rows loaded
	h.contains(" loaded · ↑ 1+ newer · ")
	if wp.unloaded != 1 {
		t.Fatalf("%d newer matches counted, not 1", wp.unloaded)
	}
	read := wp.read
	noticeOf(h, "KUNLE")
	noticeOf(h, "KUNLE")
	from, to := wp.list.visible() // read again at each notice
	if again := wp.read - read - 2*(to-from); again != 0 || wp.unloaded != 1 {
		t.Fatalf("two notices of no match read %d matches again, and counted %d newer", again, wp.unloaded)
	}

	h.press("home")
	want := filteredLog(t, h.w, func(ev engine.Event) bool { return ev.AccountID == h.w.account("CONCEPTS").ID })
	if got := loadedIDs(wp); len(got) == 0 || !slices.Equal(got, want[:len(got)]) {
		t.Fatalf("home lists\n%q\nnot the newest matches\n%q", got, want)
	}
}

// At the top with the cursor off the top row, a notice reads what is new since
// the last read too: the newest part is not put in there either. It read down to
// what was loaded, 2,000 events, at each notice, and the count started over: "↑
// 1+ newer", then "↑ newer" while the match was still above (a review).
func TestWebhooksFilterCursorOffTheTopReadsOnlyWhatIsNew(t *testing.T) {
	h, wp := webhooksWithPage(t, 40, 5)
	wp.scan = 3
	h.press("/")
	h.typ("concepts")
	h.press("enter", "down", "down")
	for range wp.scan + 1 { // heard of in one notice
		addEventOf(h, "KUNLE")
	}
	h.send(tickMsg{h.w.clock.State()})
	h.send(reloadMsg{what: reloadEvents})
	if wp.list.offset != 0 || wp.list.cursor != 2 || !wp.hole() {
		t.Fatalf("offset %d, cursor %d, hole %v", wp.list.offset, wp.list.cursor, wp.hole())
	}
	newEvent(h) // a match, above the rows loaded
	for range 2 {
		h.contains(" loaded · ↑ 1+ newer · ")
		addEventOf(h, "KUNLE")
		seen := wp.seen
		wp.gen++ // a notice
		for _, msg := range answers(wp.load()) {
			if l, ok := msg.(loaded[eventLog]); ok && l.val.parts[0].lo <= seen {
				t.Fatalf("a notice read down to #%d, below #%d read before", l.val.parts[0].lo, seen)
			}
			h.send(msg)
		}
	}
	h.contains(" loaded · ↑ 1+ newer · ")
}

// At 80 columns a filter kept leaves the title its count and the newer events
// above: "esc clears" goes, then the filter's text is cut. The filter whole, the
// title read "Webhook event… · filter concepts · esc clears" (a review).
func TestWebhooksFilterKeptAt80Columns(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	wp := h.m.pages[pageWebhooks].(*webhooksPage)
	for len(webhooksLog(t, w)) < 40 {
		addEvent(h)
	}
	h.press("2", "/")
	h.typ("concepts updated")
	h.press("enter")
	h.contains(" Webhook events " + itoa(len(wp.events)) + " · filter concepts u")
	h.press("pgdown")
	newEvent(h)
	h.contains(" Webhook events " + itoa(len(wp.events)) + " · ↑ 1 newer · filter c")
	h.golden("webhooks-filter-kept-80x24")
}

// Under a filter, matches deleted as the log is kept short go from the list, and
// the list says older events go, as it does unfiltered: they went without a word
// (a review).
func TestWebhooksFilterSaysMatchesWereDeleted(t *testing.T) {
	h, wp := webhooksWithPage(t, 12, 5)
	filterBy(h, "concepts")
	before := len(wp.events)
	var off time.Duration // the business's sync alone, no day's auto-syncs
	if _, err := h.w.eng.UpdateSettings(h.w.ctx, engine.SettingsPatch{AutoSync: &off}); err != nil {
		t.Fatal(err)
	}
	if err := h.w.clock.Advance(40 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	newEvent(h) // the business's sync: its delivered events over 30 days old go
	want := filteredLog(t, h.w, func(ev engine.Event) bool { return ev.AccountID == h.w.account("CONCEPTS").ID })
	if got := loadedIDs(wp); len(want) >= before || !slices.Equal(got, want) {
		t.Fatalf("after the sync the list is\n%q\nthe log's matches\n%q, %d before", got, want, before)
	}
	h.contains("Older events go as accounts sync.")
}

// At 80 columns, the list full under a filter whose matches were deleted, the title
// says so: the filter's text is cut first, to 4 letters and "…" at least. The note
// went first, and the line under the rows that says it shows only when the list
// is not full: the title read "Webhook events 371 · ↑ 29 newer · filter concep…"
// (a review). With no room for both, the note goes; with no room for the 4
// letters beside the counts, "filter" is said "/": the title read "…↑ 123+ newer
// · f…". The title fills its room to the cell, 49 cells beside the detail.
func TestWebhooksFilterTitleAt80Columns(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	wp := h.m.pages[pageWebhooks].(*webhooksPage)
	for range 10 {
		addEvent(h)
	}
	h.press("2", "/")
	h.typ("concepts updated abdullahi")
	h.press("enter")
	var off time.Duration // the business's syncs alone, no day's auto-syncs
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{AutoSync: &off}); err != nil {
		t.Fatal(err)
	}
	if err := w.clock.Advance(40 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	for len(wp.events) <= wp.list.h { // the business's first sync: matches loaded go
		newEvent(h)
	}
	if !wp.deleted() {
		t.Fatal("no match loaded was deleted")
	}
	n := itoa(len(wp.events))
	h.contains(" Webhook events " + n + " · older deleted · filter conc…  │")
	h.golden("webhooks-filter-deleted-80x24")

	h.press("pgdown")
	newEvent(h)
	n = itoa(len(wp.events))
	h.contains(" Webhook events " + n + " · ↑ 1 newer · filter concepts…  │")

	wp.seen, wp.unloaded = wp.ceil+500, 123 // a hole above, as after a long run of events
	h.contains(" Webhook events " + n + " loaded · ↑ 124+ newer · /conc…  │")
}

// A notice under a filter reads the newest events down to those read before, and
// the rows on screen again by their IDs. Read from the newest for a page of
// matches, a sparse filter's reload found too few, dropped the matches loaded
// and read them all again; the rows on screen read as unfiltered put the events
// between them, which the filter does not match, in the list.
func TestWebhooksFilterNoticeKeepsTheMatches(t *testing.T) {
	h, wp := webhooksWithPage(t, 12, 5)
	for range 20 { // the business's events between KUNLE's
		addEventOf(h, "KUNLE")
		addEvent(h)
	}
	wp.scan = 7
	kunle := h.w.account("KUNLE").ID
	want := filteredLog(t, h.w, func(ev engine.Event) bool { return ev.AccountID == kunle })
	filterBy(h, "kunle")
	endToOldest(t, h, wp)
	if got := loadedIDs(wp); !slices.Equal(got, want) || wp.list.offset == 0 {
		t.Fatalf("/kunle lists\n%q\nthe log's matches\n%q, the window at row %d", got, want, wp.list.offset)
	}
	for _, at := range []string{"end", "home"} { // scrolled down, and at the top
		h.press(at)
		read := wp.read
		newEvent(h) // the business's: no match
		if got := loadedIDs(wp); !slices.Equal(got, want) {
			t.Fatalf("at %s, after a notice the list is\n%q\nthe log's matches\n%q", at, got, want)
		}
		from, to := wp.list.visible() // the rows on screen, read again
		if again := wp.read - read - (to - from); again != 0 {
			t.Errorf("at %s, the notice read %d matches besides the rows on screen", at, again)
		}
	}
}

// Answers of the loads of a filter changed since are dropped, whatever order they
// come in: the list is the last filter's.
func TestWebhooksFilterDropsAnswersOfAnEarlierFilter(t *testing.T) {
	h, wp := webhooksWithPage(t, 20, 5)
	wp.scan = 7
	kunle := h.w.account("KUNLE").ID
	want := filteredLog(t, h.w, func(ev engine.Event) bool { return ev.AccountID == kunle })
	h.press("/")
	h.typ("kunle")
	earlier := answers(wp.Update(keyPress("x"))) // kunlex: no match
	later := answers(wp.Update(keyPress("backspace")))
	if len(earlier) == 0 || len(later) == 0 {
		t.Fatalf("%d and %d answers", len(earlier), len(later))
	}
	for _, msg := range append(later, earlier...) {
		h.send(msg)
	}
	if got := loadedIDs(wp); wp.list.filterText() != "kunle" || !slices.Equal(got, want) {
		t.Fatalf("/%s lists\n%q\nthe log's matches\n%q", wp.list.filterText(), got, want)
	}
}

// A key of the filter stops the reads of the one before: pasting an ID started a
// read for each letter, each looking through up to 2,000 events (a review).
func TestWebhooksFilterStopsTheReadsOfTheFilterBefore(t *testing.T) {
	h, wp := webhooksWithPage(t, 20, 5)
	kunle := h.w.account("KUNLE").ID
	want := filteredLog(t, h.w, func(ev engine.Event) bool { return ev.AccountID == kunle })
	h.press("/")
	h.typ("kun")
	earlier := wp.Update(keyPress("l"))
	later := wp.Update(keyPress("e"))
	stopped := false
	for _, msg := range answers(earlier) {
		if l, ok := msg.(loaded[eventLog]); ok {
			stopped = errors.Is(l.err, context.Canceled)
		}
	}
	if !stopped {
		t.Error("the read for /kunl ran to its end after /kunle was typed")
	}
	h.run(later)
	if got := loadedIDs(wp); !slices.Equal(got, want) {
		t.Fatalf("/kunle lists\n%q\nthe log's matches\n%q", got, want)
	}
}

// filterBy types text into the page's / filter and keeps it, as a user does.
func filterBy(h *harness, text string) {
	h.t.Helper()
	h.press("/")
	h.typ(text)
	h.press("enter")
}
