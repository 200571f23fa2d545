package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
)

// webhooksPage is the webhook log: every event, newest first, with its delivery
// state and attempts, the JSON that was POSTed, and replay.
type webhooksPage struct {
	sh   *shared
	w, h int
	list list // the events' rows, the cursor, the filter and their load (the newest page and the rows on screen)
	// page is how many events one read asks for: the newest, or the next older
	// ones when the cursor reaches the last row loaded.
	page  int
	older loadGate // a page of older events on its way
	// scan is how many events a filtered read looks through at most (filterScan).
	scan int

	events []engine.Event          // newest first, every event numbered from the oldest loaded to the newest
	names  map[string]string       // account ID → holder
	behind map[string]engine.Event // pending event ID → its account's earlier event it waits for
	gen    int                     // bumped when the log may have changed (a notice)
	readAt map[uint64]int          // event number → gen when it was last read
	read   int                     // events read since the page was made: what the loads cost
	topAt  int                     // gen+1 when the newest page was last read; 0: never
	// ceil is the newest number the reads loaded cover, and floor, under a filter,
	// the oldest one they looked at: a filtered read of 2,000 events may find no
	// match, and the next one goes on below it, not below the oldest match.
	ceil, floor uint64
	// unloaded counts the events newer than the newest loaded that are not, at
	// least: more than a page came while the window was scrolled down (merge). The
	// newest page read holds that many; the events between it and the rows loaded
	// may be more, or deleted since (their numbers counted 2,000 after a long jump
	// whose early events were gone: a review), so the title says "N+".
	unloaded int
	// seen, over ceil, is the newest number of the newest part a read looked at
	// and did not put in (merge): the events between are not loaded, and a notice
	// reads down to seen, not ceil. Left at ceil, each notice read 2,000 events
	// again while the window was scrolled down under a filter, and found no match
	// to count in the title (a review).
	seen uint64
	// gone says, under a filter, that an event loaded was not read again: deleted
	// as the log was kept short (deleted). A filter's numbers skip those it does
	// not match, and say nothing of it.
	gone bool
	// reads is the context of the reads for the filter shown, stopped (stopReads)
	// when it changes: pasting a 24-letter ID started 24 reads, each looking
	// through up to 2,000 events, of which only the last was wanted (a review).
	reads     context.Context
	stopReads context.CancelFunc
	// newer counts the events that arrived since the window last showed the newest
	// row: those above the window are the title's "↑ N newer".
	newer int

	payload  bool // the payload has the focus: up and down scroll it
	payOff   int
	payLines []string // the selected event's payload, pretty-printed
	// payWrapped is payLines wrapped to payWrapW cells: made once, not each frame.
	payWrapped []string
	payWrapW   int
	payFor     string // ... of this event

	// Paging through the selected event's attempts, newest first: the event shows
	// its newest; [ reads the page before the oldest shown, ] goes back.
	attFor   string           // the event paged through; "" shows the newest
	attPages []int            // beforeN of each page read (a stack)
	attempts []engine.Attempt // the page shown, newest first
	attReq   int
	attWait  bool // a page of attempts is on its way: [ and ] wait for it (Holding)
	attErr   string
}

type (
	// eventLog is what one load reads: ranges of the log, and their accounts'
	// holders.
	eventLog struct {
		parts  []eventRange // the newest page first, if top
		top    bool
		gen    int // the page's gen when it was asked for
		names  map[string]string
		behind map[string]engine.Event // engine.WaitingBehind's, for the events read
		// fresh: the filter changed, and what this load read replaces every event
		// loaded (refill); stay is the number of the event to keep selected, or 0.
		fresh bool
		stay  uint64
	}
	// eventRange is the events of one read, newest first, and the numbers (Seq) it
	// covers, lo to hi: every event of the log numbered in them is among evs.
	//
	// Under a filter, evs holds the events that match, and every event numbered in
	// lo to hi that matches is among them.
	eventRange struct {
		evs    []engine.Event
		lo, hi uint64
		newest uint64 // the highest number the read looked at: the log's newest, for the newest page
	}
	// eventFilter is the page's filter as a read applies it, in its command: the
	// text (foldKey's) and the holders it knows, shared with the load's namer.
	eventFilter struct {
		text  string
		names map[string]string
		scan  int // how many events a read looks through at most (filterScan)
	}
	replayMsg struct {
		id  string
		err error
	}
	attemptsMsg struct {
		req      int
		attempts []engine.Attempt
		err      error
	}
)

// attemptsShown is how many attempts the detail shows at once.
const attemptsShown = 4

// filterScan bounds what one filtered read looks through: 2,000 events, ten of
// filterPage's reads, each a short read transaction. A filter that matches few
// of 100,000 events would otherwise read them all in one command before the list
// showed anything; read 2,000 at a time, the rows found show as they come, keys
// are taken between reads, and the reads go on (readOn) only while the screen has
// room for more rows and older events are left — a full screen, or the cursor on
// the last row, is where they stop, as unfiltered paging does.
const (
	filterScan = 2000
	filterPage = 200
)

func newWebhooksPage(sh *shared) *webhooksPage {
	return &webhooksPage{sh: sh, list: newList(sh, "events", "account, holder or event"), page: 200, scan: filterScan,
		names: map[string]string{}, behind: map[string]engine.Event{}, readAt: map[uint64]int{}}
}

func (p *webhooksPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.filter.SetWidth(max(p.listWidth()-len(" filter: ")-2, 8))
	p.list.setHeight(h - 2) // the title and the column titles
}

func (p *webhooksPage) Capturing() bool  { return p.list.filtering }
func (p *webhooksPage) TakesPaste() bool { return p.list.filtering }

func (p *webhooksPage) Busy() bool { return p.list.gate.first() }

// Holding: keys wait while a page of attempts is on its way — [ [ [ [ quickly went
// back one page (the page on its way had no oldest attempt to go back from), and
// only some of the presses counted — and while the events first load: 2 j j r
// went to an empty list (a fast typist's trial).
func (p *webhooksPage) Holding() bool { return p.attWait || p.list.gate.first() }

func (p *webhooksPage) Show() tea.Cmd {
	if p.list.gate.fresh() {
		return nil
	}
	return p.load()
}

// load reads again, in a command, one load at a time, what can have changed of the
// events shown: the newest page, and the rows on screen. It read every event
// loaded, from the newest: deep in 22,514 events, each press that loaded 200 more
// took up to 1.2 s, and every sync's notices cost 80 ms after (a QA lead's trial).
// An event off screen that changes is read again when it comes on screen
// (freshen). Whether the older pages loaded are dropped is decided when the answer
// comes (merge), not here: the user may have scrolled down meanwhile. The newest
// page is not read again at the gen it was read at, unless the window is at the
// top of events loaded with newer ones unloaded above: its answer shows them.
func (p *webhooksPage) load() tea.Cmd {
	if p.sh.eng == nil {
		return nil
	}
	page, gen := p.page, p.gen
	readTop := len(p.events) == 0 || p.topAt != gen+1 || p.hole() && p.list.offset == 0
	var winBefore, winLo uint64
	var rows []engine.Event
	if len(p.events) > 0 {
		from, to := p.list.visible()
		winBefore, winLo, rows = p.events[from].Seq+1, p.events[to-1].Seq, slices.Clone(p.events[from:to])
	}
	known := p.known()
	eng, ctx, names, filter := p.sh.eng, p.readsCtx(), p.namer(known), p.filter(known)
	// Under a filter, the newest page is read down to the newest number read before
	// (ceil), not to a page of matches: what is under it is loaded, and a filter
	// that matched little read 2,000 events at every notice.
	// Below a hole, it reads what is new since the last read (seen), counted in
	// the title: its answer is not put in unless the cursor is on the top row
	// (Update), which reads the newest in place of the rows loaded. Applied only
	// scrolled down, at the top with the cursor on row 2 each notice read down to
	// ceil again, 2,000 events, and the count started over (a review).
	var stop uint64
	if filter != nil {
		stop = p.ceil
		if p.hole() && (p.list.offset > 0 || p.list.cursor > 0) {
			stop = p.seen
		}
	}
	return load(&p.list.gate, func() (eventLog, error) {
		log := eventLog{gen: gen, top: readTop}
		if readTop {
			r, err := readEvents(ctx, eng, 0, page, filter, stop)
			if err != nil {
				return log, err
			}
			log.parts = append(log.parts, r)
		}
		if len(rows) > 0 && (!readTop || winLo < log.parts[0].lo) { // the rows on screen, below the newest page
			var r eventRange
			var err error
			if filter != nil { // not read as unfiltered, then dropped: a read each notice for nothing
				r, err = readRows(ctx, eng, rows)
			} else {
				r, err = readEvents(ctx, eng, winBefore, len(rows), nil, 0)
			}
			if err != nil {
				return log, err
			}
			log.parts = append(log.parts, r)
		}
		return log, names(&log)
	})
}

// more says whether older events may not be loaded: the oldest read stopped
// above the first event (floor).
func (p *webhooksPage) more() bool { return p.floor > 0 }

// loadOlder reads, in a command, the page of events before the oldest loaded, or,
// under a filter, before the oldest the reads looked at (floor).
func (p *webhooksPage) loadOlder() tea.Cmd {
	if p.sh.eng == nil || !p.more() {
		return nil
	}
	// floor, not the oldest event loaded: no read puts in an event below where
	// it stopped looking, and under a filter it looked further than its matches.
	before, page, gen, known := p.floor, p.page, p.gen, p.known()
	eng, ctx, names, filter := p.sh.eng, p.readsCtx(), p.namer(known), p.filter(known)
	return load(&p.older, func() (eventLog, error) {
		r, err := readEvents(ctx, eng, before, page, filter, 0)
		if err != nil {
			return eventLog{}, err
		}
		log := eventLog{parts: []eventRange{r}, gen: gen}
		return log, names(&log)
	})
}

// refill reads the events again from the newest, in a command, when the filter
// changed: what it reads replaces every event loaded, and the loads on their way,
// read for the filter before, are dropped. stay, when not 0, is the number of the
// event to keep selected (the filter cleared): below the newest page, the page
// from half a screen above it is read too, the newer events between counted in
// the title (unloaded), as after a long jump.
func (p *webhooksPage) refill(stay uint64) tea.Cmd {
	p.list.gate.drop()
	p.older.drop()
	if p.stopReads != nil { // the loads dropped stop where they are
		p.stopReads()
		p.reads, p.stopReads = nil, nil
	}
	if p.sh.eng == nil {
		return nil
	}
	page, gen, half, known := p.page, p.gen, uint64(p.list.h/2), p.known()
	eng, ctx, names, filter := p.sh.eng, p.readsCtx(), p.namer(known), p.filter(known)
	return load(&p.list.gate, func() (eventLog, error) {
		log := eventLog{gen: gen, top: true, fresh: true, stay: stay}
		r, err := readEvents(ctx, eng, 0, page, filter, 0)
		if err != nil {
			return log, err
		}
		log.parts = append(log.parts, r)
		if stay > 0 && stay < r.lo {
			if r, err = readEvents(ctx, eng, stay+half+1, page+int(half), filter, 0); err != nil {
				return log, err
			}
			log.parts = append(log.parts, r)
		}
		return log, names(&log)
	})
}

// readsCtx is the context of the reads for the filter shown (reads).
func (p *webhooksPage) readsCtx() context.Context {
	if p.reads == nil {
		p.reads, p.stopReads = context.WithCancel(p.sh.ctx)
	}
	return p.reads
}

// readEvents reads up to n events numbered below before (0: the newest). Under a
// filter, it reads up to n that match, looking through f.scan events at most, and
// down to stop at most (a number read before, 0: none): lo is then where it
// stopped looking.
func readEvents(ctx context.Context, eng *engine.Engine, before uint64, n int, f *eventFilter, stop uint64) (eventRange, error) {
	r := eventRange{hi: math.MaxUint64}
	if before != 0 {
		r.hi, r.newest = before-1, before-1
	}
	if f == nil {
		evs, err := eng.Events(ctx, engine.EventQuery{BeforeSeq: before, Limit: n, Attempts: attemptsShown})
		r.evs = evs
		if len(evs) == n { // there may be more below the last
			r.lo = lowest(evs[n-1].Seq)
		}
		if before == 0 && len(evs) > 0 {
			r.newest = evs[0].Seq
		}
		return r, err
	}
	for looked := 0; ; {
		limit := min(filterPage, f.scan-looked)
		evs, err := eng.Events(ctx, engine.EventQuery{BeforeSeq: before, Limit: limit, Attempts: attemptsShown})
		if err != nil {
			return r, err
		}
		if before == 0 && len(evs) > 0 {
			r.newest = evs[0].Seq
		}
		for _, ev := range evs {
			if ev.Seq <= stop {
				r.lo = stop + 1
				return r, nil
			}
			looked++
			if f.match(ctx, eng, ev) {
				r.evs = append(r.evs, ev)
			}
			if len(r.evs) == n || looked == f.scan {
				r.lo = lowest(ev.Seq)
				return r, nil
			}
		}
		if len(evs) < limit { // the oldest event: lo 0
			return r, nil
		}
		before = evs[len(evs)-1].Seq
	}
}

// lowest is a read's lo when the last event it looked at is numbered seq: 0, none
// left below, when it is the first event of the log. A read that ended on #1
// left the page reading on, and its title saying "N loaded", for nothing.
func lowest(seq uint64) uint64 {
	if seq <= 1 {
		return 0
	}
	return seq
}

// readRows reads the rows on screen again, by their IDs, under a filter: every
// match numbered from the first row's to the last's is one of them (the reads
// that loaded them looked at every event between), and read down from the
// first, as unfiltered, the rows of a filter that matches one event in a
// thousand were 40,000 events apart, more than a read looks through (filterScan).
// An event deleted since is not read: its row goes. Each is read by its number,
// with its newest attempts only, as Events reads them: engine.Event reads every
// attempt, thousands for an event whose receiver was down for days, for each of
// the ~20 rows at each notice (a review).
func readRows(ctx context.Context, eng *engine.Engine, rows []engine.Event) (eventRange, error) {
	r := eventRange{hi: rows[0].Seq, lo: rows[len(rows)-1].Seq, newest: rows[0].Seq}
	for _, row := range rows {
		evs, err := eng.Events(ctx, engine.EventQuery{BeforeSeq: row.Seq + 1, Limit: 1, Attempts: attemptsShown})
		if err != nil {
			return r, err
		}
		if len(evs) == 1 && evs[0].ID == row.ID { // else deleted: the one read is older
			r.evs = append(r.evs, evs[0])
		}
	}
	return r, nil
}

// known is a copy of the holders the page knows, for a load's command to add to.
func (p *webhooksPage) known() map[string]string {
	known := make(map[string]string, len(p.names))
	for k, v := range p.names {
		known[k] = v
	}
	return known
}

// holderName is the holder of account id as the list shows it: read once, then known.
func holderName(ctx context.Context, eng *engine.Engine, known map[string]string, id string) string {
	if name, ok := known[id]; ok || id == "" {
		return name
	}
	name := "(unlinked)"
	if a, err := eng.Account(ctx, id); err == nil {
		name = a.Name
	}
	known[id] = name
	return name
}

// filter is the page's filter for a load's command, or nil when there is none.
func (p *webhooksPage) filter(known map[string]string) *eventFilter {
	text := foldKey(strings.TrimSpace(p.list.filterText()))
	if text == "" {
		return nil
	}
	return &eventFilter{text: text, names: known, scan: p.scan}
}

// filtered says whether the events loaded are a filter's.
func (p *webhooksPage) filtered() bool { return strings.TrimSpace(p.list.filterText()) != "" }

// match says whether the filter's words match what the event's row shows — its
// name, its account's holder — or its account's ID, which the detail shows.
func (f *eventFilter) match(ctx context.Context, eng *engine.Engine, ev engine.Event) bool {
	return matchWords(foldKey(shortEvent(ev.Type)+" "+ev.AccountID+" "+holderName(ctx, eng, f.names, ev.AccountID)), f.text)
}

// namer is what a load runs, in its command, after its reads: the holders of the
// accounts it read events of (known: those the page knows), and what the pending
// ones wait behind.
func (p *webhooksPage) namer(known map[string]string) func(*eventLog) error {
	eng, ctx := p.sh.eng, p.sh.ctx
	return func(log *eventLog) error {
		var evs []engine.Event
		for _, r := range log.parts {
			evs = append(evs, r.evs...)
		}
		for _, ev := range evs {
			holderName(ctx, eng, known, ev.AccountID)
		}
		log.names = known
		var err error
		log.behind, err = eng.WaitingBehind(ctx, evs)
		return err
	}
}

// merge puts what a load read in place of the events loaded in its ranges; reset
// drops the events older than the newest page's (a refill's: every event loaded).
//
// A newest page that does not reach the newest event loaded is not put in: more
// than a page came since, and what is loaded would have a hole. Reading down to
// it read every event that came, thousands in one go after a long jump, deep in
// the log (a reviewer's trial). The rows loaded stay as they are, the user's
// place with them; the title counts the newer events (newerAbove), and at the
// top of the rows loaded a reload drops them for the newest page.
func (p *webhooksPage) merge(log eventLog, reset bool) {
	if log.top {
		p.topAt = log.gen + 1
	}
	for _, r := range log.parts {
		p.read += len(r.evs)
	}
	if reset {
		p.events, p.readAt, p.behind = p.events[:0], map[uint64]int{}, map[string]engine.Event{}
		p.older.drop() // a page older than the newest is not wanted now
		p.unloaded, p.ceil, p.seen, p.gone = 0, 0, 0, false
		switch {
		case !log.fresh:
			log.parts = log.parts[:1] // the rows that were on screen when it was asked for are gone
		case len(log.parts) > 1 && log.parts[0].lo > log.parts[1].hi+1: // a hole above the event to stay on
			p.unloaded, p.seen = len(log.parts[0].evs), log.parts[0].newest
			log.parts = log.parts[1:]
		}
		p.floor = log.parts[len(log.parts)-1].lo
	} else if top := log.parts[0]; log.top && len(p.events) > 0 {
		if newest := max(p.events[0].Seq, p.ceil); top.lo > newest+1 {
			// Those newer than what a read before counted (seen) add to them: nothing
			// newer was loaded, the count does not go down. Counted anew when the read
			// overlapped the one before, it went "↑ 5+ newer", "↑ 10+", then "↑ 5+"
			// after one more event (a review).
			if p.hole() {
				for _, ev := range top.evs {
					if ev.Seq > p.seen {
						p.unloaded++
					}
				}
			} else {
				p.unloaded = len(top.evs)
			}
			p.seen = max(p.seen, top.newest)
			log.parts = log.parts[1:]
		} else {
			p.unloaded, p.seen = 0, 0
		}
	}
	for _, r := range log.parts {
		a := slices.IndexFunc(p.events, func(ev engine.Event) bool { return ev.Seq <= r.hi })
		if a < 0 {
			a = len(p.events)
		}
		b := a + slices.IndexFunc(p.events[a:], func(ev engine.Event) bool { return ev.Seq < r.lo })
		if b < a {
			b = len(p.events)
		}
		for _, ev := range p.events[a:b] {
			if !slices.ContainsFunc(r.evs, func(e engine.Event) bool { return e.ID == ev.ID }) {
				p.gone = true
			}
		}
		p.events = slices.Replace(p.events, a, b, r.evs...)
		p.ceil = max(p.ceil, r.newest)
		for _, ev := range r.evs {
			p.readAt[ev.Seq] = log.gen
			delete(p.behind, ev.ID)
		}
	}
	for id, ev := range log.behind {
		p.behind[id] = ev
	}
	for id, name := range log.names { // a load that began earlier knew fewer
		p.names[id] = name
	}
}

// freshen reads the rows on screen again when the log changed since they were
// read: a reload reads the newest page and the rows then on screen, no others.
func (p *webhooksPage) freshen() tea.Cmd {
	from, to := p.list.visible()
	for _, ev := range p.events[from:to] {
		if p.readAt[ev.Seq] < p.gen {
			return p.load()
		}
	}
	return nil
}

// shortEvent names an event by its number, as the list does, when it is loaded.
func (p *webhooksPage) shortEvent(id string) string {
	for _, ev := range p.events {
		if ev.ID == id {
			return "#" + itoa(int(ev.Seq)) + " (" + ev.Type + ")"
		}
	}
	return id
}

func (p *webhooksPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loaded[eventLog]:
		if msg.of(&p.older) {
			if p.list.err = errText(msg.err); msg.err != nil {
				return nil
			}
			p.merge(msg.val, false)
			p.floor = msg.val.parts[0].lo
			p.list.setRows(len(p.events))
			return p.readOn()
		}
		if !msg.of(&p.list.gate) {
			return nil // an older load: a newer one is on its way
		}
		if p.list.err = errText(msg.err); msg.err != nil {
			return nil
		}
		if msg.val.fresh {
			return p.refilled(msg.val)
		}
		l := &p.list
		var sel, newest string // stay on the selected event as new ones arrive on top; at the top, follow them
		var selSeq uint64
		if ev, ok := p.selected(); ok && (l.cursor > 0 || p.payload) { // a payload being read stays, at the top too (a review)
			sel, selSeq = ev.ID, ev.Seq
		}
		if len(p.events) > 0 {
			newest = p.events[0].ID
		}
		// The older pages go when the window is at the top as the answer comes, its
		// selection among the newest page's: decided when the reload was asked
		// for, a press of end before the answer lost the rows it went to, and the
		// page older than them on its way (a reviewer's trial).
		reset := msg.val.top && (len(p.events) == 0 || l.offset == 0 &&
			(sel == "" || slices.ContainsFunc(msg.val.parts[0].evs, func(ev engine.Event) bool { return ev.ID == sel })))
		if reset && p.filtered() {
			// A filter's newest page that reached what was read before keeps the
			// older matches: dropped, they were looked for again, deep in the log,
			// at each notice.
			reset = msg.val.parts[0].lo > p.ceil+1
		}
		p.merge(msg.val, reset)
		for i, ev := range p.events {
			if ev.ID == newest {
				p.newer += i // the events above the one that was newest came since
			}
		}
		if sel != "" {
			// The selected event, or where it was, by its number: deleted as the
			// log was kept short, the cursor stayed on its row, and the window moved
			// by the new rows above it (a reviewer's trial).
			i := slices.IndexFunc(p.events, func(ev engine.Event) bool { return ev.Seq <= selSeq })
			if i < 0 {
				i = len(p.events) - 1
			}
			// A window at the top stays there, the new events showing above the
			// selection: moved down with it, as it was, it hid them, and a list
			// newest first showed no new event until ↑ reached it (a newcomer's
			// trial). A window scrolled down keeps its rows where they were; the
			// title counts the newer ones above it.
			if l.offset > 0 {
				l.offset += i - l.cursor
			}
			l.cursor = i
		}
		p.payFor = ""
		l.setRows(len(p.events))
		p.sawTop()
		older := p.readOn() // none may be on its way: a reset dropped it
		if l.gate.stale {
			return tea.Batch(older, p.load())
		}
		return tea.Batch(older, p.freshen())
	case attemptsMsg:
		if msg.req != p.attReq {
			return nil // an older page: a newer one is on its way
		}
		p.attWait = false
		p.attempts, p.attErr = msg.attempts, ""
		if msg.err != nil {
			p.attErr = errText(msg.err)
		}
		return nil
	case replayMsg:
		if msg.err != nil {
			return toast(toastBad, "Replay refused: "+errText(msg.err))
		}
		return tea.Batch(toast(toastOK, "Replaying the event: it is sent (again, if it was delivered) as soon as it is its account's oldest pending one"), p.load())
	case reloadMsg:
		if msg.what&reloadEvents != 0 || msg.what&reloadSettings != 0 {
			p.list.gate.stale = true
			p.gen++
		}
		return nil
	case tea.KeyPressMsg:
		if p.payload {
			return p.payloadKey(msg)
		}
		return p.listed(msg)
	case mouseMsg:
		if p.zoomed() { // the list is hidden: the wheel scrolls the payload, a click does nothing
			if msg.Wheel {
				p.payOff = max(p.payOff+wheelStep(msg), 0)
			}
			return nil
		}
		return p.listed(msg)
	case stylesMsg:
		p.list.update(msg) // the filter's field
	}
	return nil
}

// refilled puts what a refill read in place of every event loaded, the cursor on
// the event it was to stay on, or where it was (deleted since); else on the first.
func (p *webhooksPage) refilled(log eventLog) tea.Cmd {
	p.newer = 0
	p.merge(log, true)
	l := &p.list
	l.cursor, l.offset = 0, 0
	l.setRows(len(p.events))
	if log.stay > 0 && len(p.events) > 0 {
		i := slices.IndexFunc(p.events, func(ev engine.Event) bool { return ev.Seq <= log.stay })
		if i < 0 {
			i = len(p.events) - 1
		}
		l.selectRow(i)
	}
	p.payFor = ""
	if l.gate.stale {
		return tea.Batch(p.readOn(), p.load())
	}
	return p.readOn()
}

// readOn reads the older events wanted: the page before the last row when the
// cursor is on it — end and ↓ do nothing there, so no key would ask — and, under a
// filter, until its matches fill the screen or the reads reach the oldest event,
// each looking through filterScan events. A filtered read that found nothing left
// the cursor on the last row, and end stopped loading with matches below (a
// review).
func (p *webhooksPage) readOn() tea.Cmd {
	if !p.more() || p.older.loading {
		return nil
	}
	if r, _ := p.list.selected(); r == p.list.n-1 || p.filtered() && len(p.events) < p.list.offset+p.list.h {
		return p.loadOlder()
	}
	return nil
}

func (p *webhooksPage) selected() (engine.Event, bool) {
	r, ok := p.list.selected()
	if !ok {
		return engine.Event{}, false
	}
	return p.events[r], true
}

// sawTop forgets the newer events once the window shows the newest row.
func (p *webhooksPage) sawTop() {
	if p.list.offset == 0 {
		p.newer = 0
	}
}

// hole says whether newer events than the rows loaded are not: a read's newest
// part was not put in (merge).
func (p *webhooksPage) hole() bool { return p.seen > p.ceil }

// newerAbove is how many of the events that came since the window last showed the
// newest row are above it, out of sight, loaded or not.
func (p *webhooksPage) newerAbove() int { return min(p.newer, p.list.offset) + p.unloaded }

// listed gives a key or a mouse event to the list first, then to the page.
func (p *webhooksPage) listed(msg tea.Msg) tea.Cmd {
	was, had := p.selected()
	ev, cmd := p.list.update(msg)
	switch ev {
	case listFiltered:
		// Read from the newest again, for the filter: the matches among every event
		// kept, not only those loaded. Cleared, the event selected stays so, as on
		// Accounts.
		var stay uint64
		if had && !p.filtered() {
			stay = was.Seq
		}
		p.payOff, p.payload = 0, false
		return tea.Batch(cmd, p.refill(stay))
	case listMoved:
		p.payOff, p.payload = 0, false
		p.sawTop()
		if p.list.cursor == 0 && p.hole() { // the newest page, in place of the rows loaded
			return p.load()
		}
		if r, _ := p.list.selected(); r == p.list.n-1 && p.more() { // the end of what is loaded: the page before it
			return tea.Batch(p.loadOlder(), p.freshen())
		}
		return p.freshen()
	case listPassed:
		switch msg := msg.(type) {
		case tea.KeyPressMsg:
			return p.key(msg)
		case mouseMsg:
			if msg.Wheel { // over the payload: scroll it
				p.payOff = max(p.payOff+wheelStep(msg), 0)
			}
		}
	}
	return cmd
}

// payloadKey scrolls the payload while it has the focus.
func (p *webhooksPage) payloadKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.sh.keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Payload):
		p.payload = false
	case key.Matches(msg, k.Up):
		p.payOff--
	case key.Matches(msg, k.Down):
		p.payOff++
	case key.Matches(msg, k.PageUp):
		p.payOff -= 10
	case key.Matches(msg, k.PageDown):
		p.payOff += 10
	case key.Matches(msg, k.Top):
		p.payOff = 0
	case key.Matches(msg, k.Replay):
		return p.replay()
	case key.Matches(msg, k.OlderAttempts): // as the zoomed pane's "[ older" says (a review)
		return p.olderAttempts()
	case key.Matches(msg, k.NewerAttempts):
		return p.newerAttempts()
	}
	p.payOff = max(p.payOff, 0)
	return nil
}

// key is the page's own keys, on the selected event.
func (p *webhooksPage) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.sh.keys
	switch {
	case key.Matches(msg, k.Payload):
		_, p.payload = p.selected() // none selected (an empty log, a filter matching none): nothing to read (a review)
	case key.Matches(msg, k.Replay):
		return p.replay()
	case key.Matches(msg, k.OlderAttempts):
		return p.olderAttempts()
	case key.Matches(msg, k.NewerAttempts):
		return p.newerAttempts()
	}
	return nil
}

// shownAttempts are the selected event's attempts on the page shown, newest first.
func (p *webhooksPage) shownAttempts(ev engine.Event) []engine.Attempt {
	if p.attFor == ev.ID && len(p.attPages) > 0 {
		return p.attempts
	}
	out := make([]engine.Attempt, 0, len(ev.Attempts))
	for i := len(ev.Attempts) - 1; i >= 0 && len(out) < attemptsShown; i-- {
		out = append(out, ev.Attempts[i])
	}
	return out
}

// olderAttempts reads the page of attempts before the oldest shown.
func (p *webhooksPage) olderAttempts() tea.Cmd {
	ev, ok := p.selected()
	if !ok {
		return nil
	}
	shown := p.shownAttempts(ev)
	if len(shown) == 0 || shown[len(shown)-1].N <= 1 {
		return nil // the first attempt is shown
	}
	if p.attFor != ev.ID {
		p.attFor, p.attPages = ev.ID, nil
	}
	p.attPages = append(p.attPages, shown[len(shown)-1].N)
	return p.loadAttempts(ev.ID)
}

// newerAttempts goes back a page, towards the newest.
func (p *webhooksPage) newerAttempts() tea.Cmd {
	ev, ok := p.selected()
	if !ok || p.attFor != ev.ID || len(p.attPages) == 0 {
		return nil
	}
	p.attPages = p.attPages[:len(p.attPages)-1]
	if len(p.attPages) == 0 {
		p.attReq, p.attWait = p.attReq+1, false // what is on its way is stale
		return nil
	}
	return p.loadAttempts(ev.ID)
}

func (p *webhooksPage) loadAttempts(id string) tea.Cmd {
	p.attReq, p.attWait = p.attReq+1, true
	req, before, eng, ctx := p.attReq, p.attPages[len(p.attPages)-1], p.sh.eng, p.sh.ctx
	p.attempts = nil
	return func() tea.Msg {
		as, err := eng.Attempts(ctx, id, before, attemptsShown)
		return attemptsMsg{req: req, attempts: as, err: err}
	}
}

func (p *webhooksPage) replay() tea.Cmd {
	ev, ok := p.selected()
	if !ok {
		return nil
	}
	id, eng, ctx := ev.ID, p.sh.eng, p.sh.ctx
	return func() tea.Msg {
		_, err := eng.Replay(ctx, id)
		return replayMsg{id: id, err: err}
	}
}

func (p *webhooksPage) ShortHelp() []key.Binding {
	k := p.sh.keys
	if p.payload {
		return []key.Binding{withHelp(k.Up, "scroll"), withHelp(k.Down, "scroll"), k.Replay, withHelp(k.Back, "back to the list")}
	}
	if p.list.filtering {
		return []key.Binding{withHelp(k.Submit, "keep filter"), withHelp(k.Cancel, "clear filter")}
	}
	return []key.Binding{k.Up, k.Down, k.Payload, k.Replay}
}

func (p *webhooksPage) FullHelp() [][]key.Binding {
	k := p.sh.keys
	if p.payload {
		return [][]key.Binding{{withHelp(k.Up, "scroll up"), withHelp(k.Down, "scroll down"), k.PageUp, k.PageDown, k.Top}, {k.Replay, k.Back}}
	}
	filters := []key.Binding{withHelp(k.Filter, "filter: account, holder or event")}
	if p.list.filterText() != "" {
		filters = append(filters, withHelp(k.Back, "clear filter"))
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Payload, k.Replay, k.OlderAttempts, k.NewerAttempts}, filters}
}

func (p *webhooksPage) listWidth() int {
	if p.w >= 110 { // room for reauthorisation_required beside the account and dated times
		return min(p.w/2+8, 72)
	}
	// Room for the longest name beside the time, the delivery's mark and the
	// account's first letters (columns): the list's edges take 2 cells, and each
	// of the 4 columns a space. At 80 columns the account had gone: rows read
	// "10:00:02 ✓ account_reauthorized", whose account only the detail pane said
	// (a presenter's trial); the pane gives up 6 cells for it.
	return max(p.w/2, 2+4+p.timeColumn().width+markColumn.width+len(longestEvent)+narrowAccount)
}

// narrowAccount is the least width of the list's ACCOUNT column: "ADEYEM…", still
// telling rows apart.
const narrowAccount = 7

// longestEvent is the longest event name the list shows: the EVENT column keeps
// at least its width, so no name is cut.
const longestEvent = "reauthorisation_required"

var eventColumns = []column{
	{title: "TIME", width: 8},
	{title: "EVENT", flex: true, min: len(longestEvent)},
	{title: "ACCOUNT", width: 14, drop: 1},
	{title: "DELIVERY", width: 11},
}

// markColumn stands for DELIVERY where its words would cut the event names: one
// glyph before the name, the words being in the detail pane beside.
var markColumn = column{title: "", width: 1}

// timeColumn is eventColumns' TIME, 12 cells wide once times carry dates: when the
// oldest event is not from today.
func (p *webhooksPage) timeColumn() column {
	if n := len(p.events); n > 0 && len(fmtStamp(p.events[n-1].CreatedAt, p.sh.now())) > 8 {
		return column{title: "TIME", width: 12}
	}
	return eventColumns[0]
}

// columns lays the list's columns out in w cells. Where the account and the
// delivery's words leave too little room, the account goes first, then the words
// give way to the delivery's mark.
func (p *webhooksPage) columns(w int) []column {
	columns := append([]column{p.timeColumn()}, eventColumns[1:]...)
	cols := layout(columns, w)
	if eventFits(cols) && has(cols, "ACCOUNT") {
		return cols
	}
	// The account before the delivery's words: at 100 columns five rows of one
	// event read alike, whose account only the detail pane said.
	for _, aw := range []int{11, narrowAccount} {
		narrow := layout([]column{columns[0], markColumn, columns[1], {title: "ACCOUNT", width: aw, drop: 1}}, w)
		if eventFits(narrow) && has(narrow, "ACCOUNT") {
			return narrow
		}
	}
	if eventFits(cols) {
		return cols
	}
	return layout([]column{columns[0], markColumn, columns[1]}, w)
}

// eventFits reports whether the layout's EVENT column shows every name whole.
func eventFits(cols []column) bool {
	for _, c := range cols {
		if c.title == "EVENT" && c.width >= c.min {
			return true
		}
	}
	return false
}

// zoomed: the payload has the focus on a screen too narrow for it beside the
// list, and takes the page's width — at 80 columns it had 28 beside the list's
// 51, and its JSON broke inside every name (a presenter's trial).
func (p *webhooksPage) zoomed() bool { return p.payload && p.w < 110 }

func (p *webhooksPage) View() string {
	st := p.sh.styles
	if p.zoomed() {
		rw := p.w - 2
		rs := strings.Split(padLines(strings.Join(p.detail(rw), "\n"), rw, p.h), "\n")
		bar := st.Accent.Render("┃ ")
		for i := range rs {
			rs[i] = bar + rs[i]
		}
		return strings.Join(rs[:p.h], "\n")
	}
	lw := p.listWidth()
	rw := p.w - lw - 3
	left := p.listView(lw)
	right := padLines(strings.Join(p.detail(rw), "\n"), rw, p.h)
	ls, rs := strings.Split(padLines(left, lw, p.h), "\n"), strings.Split(right, "\n")
	sep := st.Faint.Render(" │ ")
	if p.payload {
		sep = st.Accent.Render(" ┃ ")
	}
	out := make([]string, p.h)
	for i := range out {
		out[i] = ls[i] + sep + rs[i]
	}
	return strings.Join(out, "\n")
}

func (p *webhooksPage) listView(w int) string {
	st := p.sh.styles
	var b strings.Builder
	// The count is the log's total only when the load did not fill its limit; else
	// it is what is loaded ("200 loaded"), more coming at the end of the list, or
	// newer ones above it, unloaded: esc on a filter's event deep in the log read
	// "Webhook events 11" over 60. No count before the first load: 0 would be a claim.
	count := ""
	if p.list.gate.loaded {
		count = " " + itoa(len(p.events))
		if p.more() || p.hole() {
			count += " loaded"
		}
	}
	order, newer, kept := " · newest first", "", ""
	// New events above the window: nothing else on screen says they came. Not
	// loaded, they may be more than were read ("N+"); a filter's read may have
	// found none of them that match, and there may be among those not read.
	switch n := p.newerAbove(); {
	case p.hole() && n == 0:
		newer = " · ↑ newer"
	case p.hole():
		newer = " · ↑ " + itoa(n) + "+ newer"
	case n > 0:
		newer = " · ↑ " + itoa(n) + " newer"
	}
	// Older delivered events were deleted (README, What the database keeps): the
	// count fell short of the events' numbers — "Webhook events 76" beside #703
	// after a year's jump — and nothing said why (a presenter's trial). A line under
	// the last row says so; with no room there (the rows fill the list), the title,
	// if it has room. Not "after 30–37 days": they go when their account's sync
	// adds to its history, and an account whose syncs fail keeps its own — the
	// title said "kept 30–37 days" over events 180 days old (a QA lead's trial).
	p.list.tail = ""
	// Under a filter the reads go on through the older events while they find
	// nothing, the rows standing still: said under the last row, or in the title
	// with no room there, as the empty list says it.
	if p.filtered() && p.older.loading && len(p.events) > 0 {
		if p.list.n < p.list.h {
			p.list.tail = st.Faint.Render("Reading older events…")
		} else {
			kept = " · reading older…"
		}
	} else if p.deleted() {
		if p.list.n < p.list.h {
			p.list.tail = st.Faint.Render(firstFits(w-2,
				"Sent or skipped events over 30 days old go as their account syncs.",
				"Older events go as accounts sync."))
		} else {
			kept = " · older deleted"
		}
	}
	// The filter kept, after the title. With too little room the order goes, then
	// "esc clears" (the footer and ? say it), then the filter's text is cut, down
	// to 4 letters and "…", then the notes go, then "filter" is said "/", the key
	// that opens it, the filter's text each time as long as it fits: the count and
	// the newer ones above stay. The filter whole, the title was cut to "Webhook
	// event…" at 80 columns; the notes gone before the filter was cut, "older
	// deleted" was almost never seen under a filter, the list full; and the
	// filter's text was cut past its 4 letters, to "· f…" (a review). Being
	// typed, the filter takes the line.
	status, whole, filter, label, esc := p.list.status(), "", "", "filter ", ""
	if !p.list.filtering && p.filtered() {
		status, whole, esc = "", p.list.filterText(), " · esc clears"
	}
	room := w - 1
	width := func() int {
		n := ansi.StringWidth(" Webhook events" + count + order + newer + kept)
		switch {
		case whole != "":
			n += ansi.StringWidth(" · " + label + filter + esc)
		case status != "":
			n += 1 + ansi.StringWidth(status)
		}
		return n
	}
	filter = whole
	for _, part := range []*string{&order, &esc} {
		if width() > room {
			*part = ""
		}
	}
	// fit cuts the filter's text to the room left, to 4 letters and "…" at least.
	fit := func() {
		filter = whole
		if over := width() - room; over > 0 && whole != "" {
			filter = clip(whole, max(ansi.StringWidth(whole)-over, 5))
		}
	}
	if fit(); width() > room {
		kept = ""
		if fit(); width() > room {
			label = "/"
			fit()
		}
	}
	title := st.Title.Render(" Webhook events") + st.Muted.Render(count+order) + st.Accent.Render(newer) + st.Muted.Render(kept)
	switch {
	case p.list.filtering: // the field takes the line, as on the Bank console: beside the title it had 20 cells at 80 columns
		title = " " + status
	case whole != "":
		title = clip(title+st.Muted.Render(" · ")+st.Label.Render(label)+st.Accent.Render(filter)+st.Faint.Render(esc), room)
	case status != "":
		title = clip(title+" "+status, room)
	}
	b.WriteString(title + "\n")
	now := p.sh.now()
	cols := p.columns(w - 2)
	b.WriteString(headerRow(cols, st.ColHeader) + "\n")
	cells := make([]string, len(cols))
	empty := "No events yet: sync an account connected after Data Sync was enabled."
	if p.filtered() {
		empty = "No event matches the filter."
		if p.more() { // readOn is looking through the older ones
			empty = "No event matches the filter yet: reading older events…"
		}
	}
	p.list.draw(&b, w, p.list.h, empty, func(r int, sel bool) []string {
		ev := p.events[r]
		for j, c := range cols {
			var s string
			switch c.title {
			case "TIME":
				s = fmtStamp(ev.CreatedAt, now)
			case "EVENT":
				s = shortEvent(ev.Type)
			case "ACCOUNT":
				s = p.names[ev.AccountID]
			case "DELIVERY":
				s = deliveryBadge(ev)
			case markColumn.title:
				s = deliveryMark(ev)
			}
			cells[j] = cell(c, s)
			if !sel {
				switch c.title {
				case "DELIVERY", markColumn.title:
					cells[j] = deliveryStyle(st, ev).Render(cells[j])
				case "TIME", "ACCOUNT":
					cells[j] = st.Muted.Render(cells[j])
				}
			}
		}
		return cells
	})
	return b.String()
}

// deleted says whether the log lost events to the keeping window: their numbers
// (Seq, from 1, one an event) skip some, or start past 1 with every event loaded;
// under a filter, whose numbers skip those it does not match, an event loaded was
// not read again (gone). Filtered, matches deleted went without a word (a review).
func (p *webhooksPage) deleted() bool {
	if !p.list.gate.loaded || len(p.events) == 0 {
		return false
	}
	if p.filtered() {
		return p.gone
	}
	lo, hi := p.events[0].Seq, p.events[0].Seq
	for _, ev := range p.events {
		lo, hi = min(lo, ev.Seq), max(hi, ev.Seq)
	}
	return hi-lo+1 > uint64(len(p.events)) || (!p.more() && lo > 1)
}

// firstFits is the first of texts at most w cells wide, or the last.
func firstFits(w int, texts ...string) string {
	for _, t := range texts {
		if ansi.StringWidth(t) <= w {
			return t
		}
	}
	return texts[len(texts)-1]
}

func deliveryBadge(ev engine.Event) string {
	switch ev.Status {
	case engine.DeliveryDelivered:
		return "✓ delivered"
	case engine.DeliverySkipped:
		return "– skipped"
	}
	if n := ev.AttemptsMade; n > 0 { // the attempt to come, as the detail's "next attempt in …" beside #1–#n
		if n+1 >= 1000 { // a receiver down for days: the number whole in the column's 11 cells
			return "↻ #" + itoa(n+1)
		}
		return "↻ next #" + itoa(n+1)
	}
	return "… pending"
}

// deliveryMark is deliveryBadge's glyph alone.
func deliveryMark(ev engine.Event) string {
	mark, _, _ := strings.Cut(deliveryBadge(ev), " ")
	return mark
}

func deliveryStyle(st Styles, ev engine.Event) lipgloss.Style {
	switch ev.Status {
	case engine.DeliveryDelivered:
		return st.OK
	case engine.DeliverySkipped:
		return st.Faint
	}
	if ev.AttemptsMade > 0 {
		return st.Bad
	}
	return st.Warn
}

// webhookName is the event a webhook body names, or "".
func webhookName(body []byte) string {
	var b struct {
		Event string `json:"event"`
	}
	_ = json.Unmarshal(body, &b)
	return b.Event
}

// detail is the selected event: its state, attempts and payload.
func (p *webhooksPage) detail(w int) []string {
	st, now := p.sh.styles, p.sh.now()
	ev, ok := p.selected()
	if !ok {
		return nil
	}
	out := []string{st.Bold.Render(ev.Type)}
	row := func(label, value string) string { return st.Label.Render(fit(label, 9)) + clip(value, w-9) }
	out = append(out, row("id", st.Muted.Render(ev.ID)+st.Faint.Render(" · #"+itoa(int(ev.Seq)))))
	out = append(out, row("account", p.names[ev.AccountID]+st.Muted.Render(" "+ev.AccountID)))
	out = append(out, row("created", fmtWhen(ev.CreatedAt)+st.Muted.Render(" ("+since(now, ev.CreatedAt)+")")))
	var status string
	switch ev.Status {
	case engine.DeliveryDelivered:
		status = st.OK.Render("✓ delivered " + fmtStamp(ev.DeliveredAt, now))
	case engine.DeliverySkipped:
		status = st.Faint.Render("– not sent (R4)")
	default:
		status = st.Warn.Render("… pending")
		if first, ok := p.behind[ev.ID]; ok {
			// Its own time says nothing while an earlier event of its account waits:
			// "due now" read as if it were about to go (a presenter's trial).
			status += st.Warn.Render(" · waiting behind " + p.shortEvent(first.ID) + ": an account's webhooks go in order")
		} else if a := ev.Sending; a != nil {
			// Sent, its answer awaited: "pending · due now" read as if it had not
			// gone (a newcomer's trial).
			status = st.Warn.Render("… attempt #" + itoa(a.N) + " under way since " + fmtStamp(a.At, now))
		} else if !ev.NextAttemptAt.IsZero() {
			if d := ev.NextAttemptAt.Sub(now); d > 0 {
				status += st.Warn.Render(" · next attempt in " + countdown(d))
				if p.sh.clockState.Paused {
					// The countdown stands still, and the attempt never comes: "next
					// attempt in 0:30" read as on its way (a newcomer's trial). Say
					// why, and the keys that move the clock past it, as the sync's
					// rate-limit line does.
					status += st.Warn.Render(" · ⏸ clock paused · ") + p.sh.jumpHint(d)
				}
			} else {
				status += st.Warn.Render(" · due now")
			}
		}
		if p.sh.settings.WebhookURL == "" {
			status += st.Faint.Render(" (no webhook URL set)")
		}
	}
	if ev.Replays > 0 {
		status += st.Muted.Render(" · replayed " + itoa(ev.Replays) + "×")
	}
	// The state goes on under itself: at 80 columns it was cut after "next atte…".
	for label := "delivery"; status != ""; label = "" {
		var first string
		first, status = splitOnce(status, w-9)
		out = append(out, row(label, first))
	}
	if ev.Status == engine.DeliverySkipped {
		for _, l := range wrap(ev.SkipReason, w-9) {
			out = append(out, row("", st.Faint.Render(l)))
		}
	}
	if ev.AttemptsMade > 0 {
		out = append(out, st.Title.Render("ATTEMPTS")+st.Faint.Render(" newest first"))
		shown := p.shownAttempts(ev)
		if p.attErr != "" && p.attFor == ev.ID {
			out = append(out, st.Bad.Render(p.attErr))
		}
		for _, a := range shown {
			code := "—"
			if a.StatusCode != 0 {
				code = itoa(a.StatusCode)
			}
			n := fmt.Sprintf("#%-2d", a.N)
			if a.Repeats > 0 {
				n = fmt.Sprintf("#%d–%d", a.N, a.Last())
			}
			line := st.Muted.Render(fmt.Sprintf("%s %s  %3s  %7s  ", n, fmtStamp(a.At, now), code, latency(a.Latency)))
			if a.Error == "" {
				out = append(out, line+st.OK.Render("ok"))
				continue
			}
			out = append(out, line+st.Bad.Render("failed"))
			if a.Repeats > 0 {
				out = append(out, "    "+st.Bad.Render(fmt.Sprintf("%d times the same, the last %s", a.Repeats+1, fmtStamp(a.LastAt, now))))
			}
			for _, l := range wrap(a.Error, w-4) {
				out = append(out, "    "+st.Bad.Render(l))
			}
		}
		if len(shown) > 0 {
			older, newer := shown[len(shown)-1].N-1, ev.AttemptsMade-shown[0].Last()
			var more []string
			if older > 0 {
				more = append(more, "… "+itoa(older)+" earlier · [ older")
			}
			if newer > 0 {
				more = append(more, itoa(newer)+" newer · ] newer")
			}
			if len(more) > 0 {
				out = append(out, st.Faint.Render(strings.Join(more, " · ")))
			}
		}
	}
	hint := " enter scrolls"
	if p.payload {
		hint = " ↑/↓ scroll · esc back"
	}
	format := ev.Format(p.sh.settings)
	out = append(out, st.Title.Render("PAYLOAD")+st.Muted.Render(" "+string(format))+st.Faint.Render(hint))
	if key := ev.ID + " " + string(format); p.payFor != key && p.sh.eng != nil {
		body := p.sh.eng.WebhookBody(ev)
		p.payFor, p.payLines, p.payWrapped = key, prettyJSON(st, body), nil
		if sent := webhookName(body); sent != "" && sent != ev.Type {
			p.payLines = append([]string{st.Faint.Render("sent as " + sent + ", as v2 names it")}, p.payLines...)
		}
	}
	// A line wider than the pane goes on under itself, indented: at 80 columns
	// the pane is ~34 wide and a failure's code and message were cut.
	if p.payWrapped == nil || p.payWrapW != w {
		p.payWrapped, p.payWrapW = nil, w
		for _, l := range p.payLines {
			p.payWrapped = append(p.payWrapped, wrapIndented(l, w)...)
		}
	}
	lines := p.payWrapped
	room := p.h - len(out)
	p.payOff = min(p.payOff, max(len(lines)-room, 0))
	for i := p.payOff; i < len(lines) && len(out) < p.h; i++ {
		out = append(out, lines[i])
	}
	return out
}

// wrapIndented breaks a (styled) line into lines of at most w cells, each after
// the first indented two more than the line itself.
func wrapIndented(l string, w int) []string {
	plain := ansi.Strip(l)
	indent := len(plain) - len(strings.TrimLeft(plain, " ")) + 2
	if ansi.StringWidth(plain) <= w || w-indent < 8 {
		return []string{clip(l, w)}
	}
	first, rest := splitOnce(l, w)
	out := []string{first}
	for rest != "" {
		first, rest = splitOnce(rest, w-indent)
		out = append(out, strings.Repeat(" ", indent)+first)
	}
	return out
}

// latency is a delivery's real-time latency.
func latency(d time.Duration) string {
	ms := d.Seconds() * 1000
	if ms < 10 {
		return fmt.Sprintf("%.1fms", ms)
	}
	return fmt.Sprintf("%.0fms", ms)
}

// prettyJSON indents a payload and colours its keys, strings and numbers.
func prettyJSON(st Styles, raw []byte) []string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return []string{string(raw)}
	}
	lines := strings.Split(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = colourJSONLine(st, l)
	}
	return lines
}

func colourJSONLine(st Styles, l string) string {
	trimmed := strings.TrimLeft(l, " ")
	indent := l[:len(l)-len(trimmed)]
	if strings.HasPrefix(trimmed, `"`) {
		if k := strings.Index(trimmed, `": `); k > 0 {
			return indent + st.JSONKey.Render(trimmed[:k+1]) + ": " + colourJSONValue(st, trimmed[k+3:])
		}
	}
	return indent + colourJSONValue(st, trimmed)
}

func colourJSONValue(st Styles, v string) string {
	body := strings.TrimSuffix(v, ",")
	comma := v[len(body):]
	switch {
	case strings.HasPrefix(body, `"`):
		return st.JSONStr.Render(body) + comma
	case body == "true" || body == "false" || body == "null" || (body != "" && (body[0] == '-' || body[0] >= '0' && body[0] <= '9')):
		return st.JSONNum.Render(body) + comma
	}
	return v
}
