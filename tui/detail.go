package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
)

// Sections of the account detail page.
const (
	secOverview = iota
	secTransactions
	secStatement
	secCount
)

var sectionTitles = [secCount]string{"Overview", "Transactions", "Statement"}

// detailPage is one connected account: its snapshot (what the API answers), the
// bank's live view, identity, charts, transactions and statement, with Sync now and
// reauthorise.
type detailPage struct {
	sh      *shared
	id      string
	w, h    int
	section int

	gate    loadGate // the account, its history and the bank's side
	err     string
	gone    bool      // the account was unlinked: nothing to sync, reauthorise or read
	detail            // what the gate loaded
	dataKey time.Time // LastSyncedAt the lists and charts were read at

	// The bank's side is read again as the clock moves (bankSide), as the
	// dashboard's LIVE is: the page's "At the bank" stood at what it was when
	// the page opened while the bank's balance moved on (a presenter's trial).
	liveGate loadGate
	liveAt   time.Time // the virtual time the bank's side was last read at
	ticks    int       // ticks since

	syncing   bool
	outcome   *syncDoneMsg
	outcomeAt time.Time

	unlinkArmed bool // u asked whether to unlink: y does, any other key does not
	unlinking   bool

	chart       *chartData
	chartGate   loadGate
	chartErr    string
	chartCancel context.CancelFunc // stops reading the history when the overview is left

	txs  *txList
	stmt statementView

	// Where View put things, for clicks: the line the section starts on, and the
	// columns of the section tabs.
	bodyTop int
	tabX    [secCount][2]int
}

// detail is what one load of the page reads.
type detail struct {
	acct   engine.Account
	job    *engine.SyncJob // the last real-time job (v2's x-realtime), if any
	snaps  []engine.Snapshot
	fails  []engine.SyncJob // failed syncs among the latest jobs: the history shows them too
	live   int64
	liveOK bool
	mfa    engine.MFAKind
}

func newDetailPage(sh *shared, id string) *detailPage {
	p := &detailPage{sh: sh, id: id, txs: newTxList(sh, id)}
	p.stmt = newStatementView(sh, id)
	return p
}

func (p *detailPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.txs.SetSize(w, h-4)
	p.stmt.SetSize(w, h-4)
}

func (p *detailPage) Capturing() bool {
	return !p.gone && (p.unlinkArmed || (p.section == secTransactions && p.txs.editing) || (p.section == secStatement && p.stmt.list.editing))
}

// unlinkedMsg is the end of the page's unlink (u, then y).
type unlinkedMsg struct {
	id  string
	err error
}

func (p *detailPage) TakesPaste() bool { return p.Capturing() && !p.unlinkArmed } // its forms' fields, not the y of "Unlink?"

// Holding: keys wait while what they act on is on its way — the account, as its
// page opens (enter s in a burst dropped the s), or the count of the rows listed
// after the filter or the period changed (G went to the old count's last row: "row
// 7 of 4,259" — a fast typist's trial).
func (p *detailPage) Holding() bool {
	switch {
	case !p.gate.loaded && p.gate.loading:
		return true
	case p.section == secTransactions:
		return !p.txs.known && p.txs.list.gate.loading
	case p.section == secStatement: // its totals and its rows, two loads
		return p.stmt.gate.loading || (!p.stmt.list.known && p.stmt.list.list.gate.loading)
	}
	return false
}

func (p *detailPage) Busy() bool {
	return p.syncing || p.chartGate.loading || p.stmt.gate.loading || p.stmt.export.loading || p.gate.first()
}

func (p *detailPage) Show() tea.Cmd {
	if p.gate.fresh() {
		return nil
	}
	return p.load()
}

// load reads the account, its sync history and the bank's live side.
func (p *detailPage) load() tea.Cmd {
	if p.sh.eng == nil {
		return nil
	}
	id, eng, bank, ctx := p.id, p.sh.eng, p.sh.bank, p.sh.ctx
	return load(&p.gate, func() (d detail, err error) {
		if d.acct, err = eng.Account(ctx, id); err != nil {
			return d, err
		}
		if d.snaps, err = eng.Snapshots(ctx, id, 6); err != nil {
			return d, err
		}
		jobs, err := eng.SyncJobs(ctx, id, 6)
		if err != nil {
			return d, err
		}
		for _, j := range jobs {
			if j.Status == engine.StatusSyncFailed {
				d.fails = append(d.fails, j)
			}
		}
		if d.acct.LastRealtimeJob != "" {
			switch j, err := eng.Job(ctx, id, d.acct.LastRealtimeJob); {
			case err == nil:
				d.job = &j
			case engine.ErrorCode(err) != engine.ENOTFOUND: // a job no longer kept is shown as none
				return d, err
			}
		}
		if bank != nil {
			live, err := bank.LiveBalance(d.acct.Number)
			c, cerr := bank.Customer(d.acct.CustomerID)
			d.live, d.liveOK, d.mfa = live, err == nil, c.MFA
			if cerr != nil {
				d.mfa = ""
			}
		}
		return d, nil
	})
}

// bankSide is the bank's side of the account, as the page shows it.
type bankSide struct {
	live int64
	ok   bool
	mfa  engine.MFAKind
}

// loadLive reads the bank's side again.
func (p *detailPage) loadLive() tea.Cmd {
	bank, number, customer := p.sh.bank, p.acct.Number, p.acct.CustomerID
	if bank == nil {
		return nil
	}
	p.liveAt, p.ticks = p.sh.now(), 0
	return load(&p.liveGate, func() (bankSide, error) {
		live, err := bank.LiveBalance(number)
		c, cerr := bank.Customer(customer)
		s := bankSide{live: live, ok: err == nil, mfa: c.MFA}
		if cerr != nil {
			s.mfa = ""
		}
		return s, nil
	})
}

// loadChart reads the chart's data in a command; only the overview asks.
func (p *detailPage) loadChart() tea.Cmd {
	if p.chartGate.loading || p.sh.eng == nil || !p.gate.loaded {
		return nil
	}
	to := p.acct.LastSyncedAt
	if to.IsZero() {
		to = p.acct.ConnectedAt
	}
	ctx, cancel := context.WithCancel(p.sh.ctx)
	p.chartCancel = cancel
	id, eng := p.id, p.sh.eng
	return load(&p.chartGate, func() (chartData, error) {
		defer cancel()
		return loadChart(ctx, eng, id, to)
	})
}

// stopChart stops reading the charts' history; its answer will be dropped.
func (p *detailPage) stopChart() {
	if p.chartGate.loading {
		p.chartCancel()
		p.chartGate.drop()
	}
}

// sectionShown loads what a section needs the first time it shows.
func (p *detailPage) sectionShown() tea.Cmd {
	if p.section != secOverview { // the charts are read again when the overview shows
		p.stopChart()
	}
	switch p.section {
	case secOverview:
		if p.chart == nil {
			return p.loadChart()
		}
	case secTransactions:
		if !p.txs.known && !p.txs.list.gate.loading {
			return p.txs.fetch()
		}
	case secStatement:
		return p.stmt.show(p.acct)
	}
	return nil
}

func (p *detailPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case unlinkedMsg:
		if msg.id != p.id {
			return nil
		}
		p.unlinking = false
		if msg.err != nil {
			return toast(toastBad, "Unlinking "+p.acct.Name+": "+errText(msg.err))
		}
		// The page reads it again and finds it gone: it says so, and offers esc.
		// Which of the two it is the settings say: "sent if it receives webhooks"
		// left it to the reader, and wrapped over the help line (a presenter's trial).
		hooks := "account_unlinked was sent"
		switch {
		case !p.sh.settings.DataSyncEnabled():
			hooks = "account_unlinked is kept, not sent: Data Sync is off (R4)"
		case !engine.ReceivesWebhooks(p.sh.settings, p.acct):
			hooks = "account_unlinked is kept, not sent (R4)"
		}
		return tea.Batch(p.load(), toast(toastOK, p.acct.Name+" is unlinked: the API answers 404 for its ID; "+hooks))
	case loaded[detail]:
		if !msg.of(&p.gate) {
			return nil
		}
		if p.err = errText(msg.err); msg.err != nil {
			if p.gone = engine.ErrorCode(msg.err) == engine.ENOTFOUND; p.gone {
				// A filter open when it went would take the keys of a page that
				// offers only esc (a review: enter filtered an unlinked account).
				// So would an unlink's question: esc went to it, not back (a review).
				p.txs.editing, p.stmt.list.editing, p.unlinkArmed = false, false, false
			}
			p.gate.loaded = false // nothing to show yet
			return nil
		}
		p.detail, p.gone = msg.val, false
		p.liveAt, p.ticks = p.sh.now(), 0
		p.liveGate.drop()                          // this read is newer than one on its way
		if !p.dataKey.Equal(p.acct.LastSyncedAt) { // new data: the lists and charts are out of date
			p.dataKey = p.acct.LastSyncedAt
			p.chart = nil
			p.txs.invalidate()
			p.stmt.invalidate()
			p.stopChart()
		}
		if p.gate.stale {
			return tea.Batch(p.load(), p.sectionShown())
		}
		return p.sectionShown()
	case loaded[chartData]:
		if !msg.of(&p.chartGate) {
			return nil
		}
		switch {
		case errors.Is(msg.err, context.Canceled):
		case msg.err != nil:
			p.chartErr = errText(msg.err)
		default:
			p.chart, p.chartErr = &msg.val, ""
		}
		return nil
	case loaded[bankSide]:
		if msg.of(&p.liveGate) {
			p.live, p.liveOK, p.mfa = msg.val.live, msg.val.ok, msg.val.mfa
		}
		return nil
	case tickMsg:
		// Every ten seconds, or sooner once the clock has moved on liveEvery (at
		// 60× and more, about every tick): the accounts page's rule.
		if p.ticks++; p.gate.loaded && (p.ticks >= 10 || p.sh.now().Sub(p.liveAt) >= liveEvery) {
			return tea.Batch(p.loadLive(), p.txs.Update(msg), p.stmt.Update(msg))
		}
	case syncDoneMsg:
		if msg.accountID != p.id || !p.syncing {
			return nil
		}
		p.syncing = false
		// The engine's now, not the page's: that lags it by up to a tick, which at
		// 60× and more is past the sync's own LastAttemptAt — read as a later sync,
		// the outcome was hidden as it came (the review).
		p.outcome, p.outcomeAt = &msg, p.sh.eng.Clock().Now()
		return p.load()
	case reloadMsg:
		if msg.what&(reloadAccounts|reloadBank|reloadSettings) != 0 {
			p.gate.stale = true
		}
		return nil
	case widgetClosedMsg:
		if msg.accountID == p.id {
			p.outcome = nil
			return p.load()
		}
	case tea.KeyPressMsg:
		return p.key(msg)
	case mouseMsg:
		return p.mouse(msg)
	}
	return tea.Batch(p.txs.Update(msg), p.stmt.Update(msg))
}

// exported takes a PDF's export, rendered while the page was on screen (shown)
// or not. Its own line says how it went when the statement shows; otherwise a
// toast does. Only the Model knows whether the page is on screen: left behind
// another tab with its statement section chosen, it took the toast away, and the
// presenter on that tab heard nothing of the file.
func (p *detailPage) exported(msg loaded[exported], shown bool) tea.Cmd {
	if msg.gate != &p.stmt.export { // another account's page, closed since: saved all the same
		return exportToast(msg)
	}
	if !msg.of(&p.stmt.export) {
		return nil
	}
	toast := p.stmt.exported(msg)
	if shown && p.section == secStatement && p.stmt.shows(msg) {
		toast = nil // its own line says it
	}
	// The export asked for while this one was written starts whatever the toast:
	// dropped with it, e e left the second PDF unwritten and the page rendering
	// for good (a review).
	return tea.Batch(toast, p.stmt.next())
}

func (p *detailPage) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.sh.keys
	if p.unlinkArmed { // u asked: y unlinks, any other key keeps the account
		p.unlinkArmed = false
		if msg.String() != "y" {
			return nil
		}
		p.unlinking = true
		eng, ctx, id := p.sh.eng, p.sh.ctx, p.id
		return func() tea.Msg { return unlinkedMsg{id: id, err: eng.Unlink(ctx, id)} }
	}
	if p.Capturing() {
		return p.forward(msg)
	}
	switch {
	case key.Matches(msg, k.Back):
		return p.sh.navigate(closeDetailMsg{})
	case p.gone: // unlinked: the way back is all there is
		return nil
	case key.Matches(msg, k.Sync):
		if p.syncing || !p.gate.loaded {
			return nil
		}
		if warn := p.sh.play.confirmSync(p.sh, p.acct.ID, p.acct.LastManualSyncAt); warn != nil {
			return warn
		}
		p.syncing, p.outcome = true, nil
		return syncCmd(p.sh, p.id)
	case key.Matches(msg, k.Reauth):
		return p.sh.navigate(openWidgetMsg{accountID: p.id})
	case key.Matches(msg, k.Unlink):
		// As the business's dashboard does (R10); the TUI had no way to, and a
		// newcomer's trial went to the API for it.
		if p.gate.loaded && !p.unlinking {
			p.unlinkArmed = true
		}
		return nil
	case key.Matches(msg, k.NextSection):
		p.section = (p.section + 1) % secCount
		return p.sectionShown()
	case key.Matches(msg, k.PrevSection):
		p.section = (p.section + secCount - 1) % secCount
		return p.sectionShown()
	}
	return p.forward(msg)
}

func (p *detailPage) forward(msg tea.Msg) tea.Cmd {
	switch p.section {
	case secTransactions:
		return p.txs.Update(msg)
	case secStatement:
		return p.stmt.Update(msg)
	}
	return nil
}

// mouse reads a click against where View put the title line's "‹ esc" and section
// tabs, and gives the rest to the section, in its own lines.
func (p *detailPage) mouse(msg mouseMsg) tea.Cmd {
	if p.gone { // no tabs, no section: the way back alone
		if !msg.Wheel && msg.Y == 0 && msg.Button == tea.MouseLeft && msg.X < ansiWidth(p.backLabel()) {
			return p.sh.navigate(closeDetailMsg{})
		}
		return nil
	}
	if !msg.Wheel && msg.Y == 0 && msg.Button == tea.MouseLeft {
		for i, x := range p.tabX {
			if msg.X >= x[0] && msg.X < x[1] {
				p.section = i
				return p.sectionShown()
			}
		}
		if msg.X < ansiWidth(p.backLabel()) {
			return p.sh.navigate(closeDetailMsg{})
		}
		return nil
	}
	msg.Y -= p.bodyTop
	return p.forward(msg)
}

// backLabel is the title's way back, which a click takes too.
func (p *detailPage) backLabel() string { return p.sh.styles.Key.Render(" ‹ esc ") }

func (p *detailPage) ShortHelp() []key.Binding {
	k := p.sh.keys
	if p.gone {
		return []key.Binding{k.Back}
	}
	if p.unlinkArmed { // before Capturing, which it is: the form's keys showed (a review)
		return []key.Binding{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "unlink")), key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "keeps it"))}
	}
	if p.Capturing() {
		return []key.Binding{withHelp(k.NextField, "next field"), withHelp(k.Submit, "apply"), withHelp(k.Cancel, "cancel")}
	}
	out := []key.Binding{k.Sync, k.Reauth, withHelp(k.NextSection, "section")}
	switch p.section {
	case secTransactions:
		out = append(out, k.EditFilters, k.ClearFilters)
	case secStatement:
		out = append(out, k.Months, k.Export)
	}
	return append(out, k.Back)
}

func (p *detailPage) FullHelp() [][]key.Binding {
	k := p.sh.keys
	if p.gone {
		return [][]key.Binding{{k.Back}}
	}
	groups := [][]key.Binding{{k.Sync, k.Reauth, k.Unlink, k.PrevSection, k.NextSection, k.Back}}
	switch p.section {
	case secTransactions:
		groups = append(groups, []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			[]key.Binding{k.EditFilters, k.ClearFilters})
	case secStatement:
		groups = append(groups, []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			[]key.Binding{k.Months, k.Export})
	}
	return groups
}

// View draws the title, the sync banner and the section.
func (p *detailPage) View() string {
	st := p.sh.styles
	w := p.w
	var tabs []string
	for i, t := range sectionTitles {
		if i == p.section {
			tabs = append(tabs, st.TabActive.Render(t))
		} else {
			tabs = append(tabs, st.Tab.Render(t))
		}
	}
	// What a load before the error read names the account still; before any,
	// its ID alone (it ran on after the name: "ADAM OKAFOR40d684…", a trial).
	title := p.backLabel()
	switch {
	case p.acct.ID == "":
		title += st.Muted.Render(p.id)
	case p.gone:
		title += st.Bold.Render(p.acct.Name) + st.Muted.Render(" · ") + st.Bad.Render("unlinked")
	default:
		// The bank's short name where the whole title and the tabs do not fit:
		// at 80 columns the account number was cut ("42591…", a presenter's trial).
		// A long holder's name keeps the number's last digits, masked, as the
		// accounts list shows it; the tail is cut only when even that is too long.
		bank, short := p.acct.Institution.Name, shortBank(p.acct.Institution.Name)
		// None at all rather than a clipped "· ••••9…" (a review).
		tails := []string{bank + " · " + p.acct.Number, short + " · " + p.acct.Number, short + " · " + maskNumber(p.acct.Number), maskNumber(p.acct.Number), ""}
		for i, tail := range tails {
			t := title + st.Bold.Render(p.acct.Name)
			if tail != "" {
				t += st.Muted.Render(" · " + tail)
			}
			if ansiWidth(t)+ansiWidth(strings.Join(tabs, "│"))+2 <= w || i == len(tails)-1 {
				title = t
				break
			}
		}
	}
	bar := strings.Join(tabs, st.Faint.Render("│")) + " "
	x := w - ansiWidth(bar) // the tabs are right-aligned: record where each landed
	for i, t := range tabs {
		p.tabX[i] = [2]int{x, x + ansiWidth(t)}
		x += ansiWidth(t) + 1
	}
	if p.gone { // no section to show
		bar, p.tabX = "", [secCount][2]int{}
	}
	lines := []string{spread(title, bar, w)}
	if p.gone {
		lines = append(lines, st.Bad.Render(" This account is no longer connected: it was unlinked."),
			fit(st.Muted.Render(" The API answers 404 for its ID now; ")+st.Key.Render("esc")+st.Muted.Render(" goes back to the accounts."), w),
			st.Rule.Render(" "+rule(w-2)))
		return strings.Join(lines, "\n")
	}
	if p.err != "" { // whole, over as many lines as it takes (it was cut)
		for _, l := range wrap(p.err, w-2) {
			lines = append(lines, st.Bad.Render(" "+l))
		}
		lines = append(lines, "", st.Rule.Render(" "+rule(w-2)))
		return strings.Join(lines, "\n")
	}
	a, b := p.banner()
	lines = append(lines, fit(a, w), fit(b, w), st.Rule.Render(" "+rule(w-2)))
	p.bodyTop = len(lines)
	var body string
	switch p.section {
	case secOverview:
		body = p.overview(w, p.h-4)
	case secTransactions:
		body = p.txs.View()
	case secStatement:
		body = p.stmt.View()
	}
	return strings.Join(lines, "\n") + "\n" + body
}

// outcomeShown is how long, in virtual time, Sync now's outcome stays on the
// account's page when nothing newer comes.
const outcomeShown = 30 * time.Minute

// banner is the outcome of Sync now and the rate limit's live countdown.
func (p *detailPage) banner() (string, string) {
	st, now, a := p.sh.styles, p.sh.now(), p.acct
	next := engine.NextSyncAllowed(a)
	o := p.outcome
	if o != nil && (a.LastAttemptAt.After(p.outcomeAt) || now.Sub(p.outcomeAt) > outcomeShown || (rateLimited(*o) && !next.After(now))) {
		// Sync now's outcome has had its day — a later sync ran, its rate limit
		// ended, or it is old — and the account's last sync says the rest. "⏳ Sync
		// now refused with 429" outlived its window, and an outage's ✗ stood a
		// month on (a presenter's trial).
		o = nil
	}
	if p.unlinkArmed {
		return st.Warn.Render(" Unlink " + a.Name + "? The API then answers 404 for its ID."),
			" " + st.Key.Render("y") + st.Muted.Render(" unlinks · any other key keeps it")
	}
	var first string
	switch {
	case p.syncing:
		first = st.Accent.Render(" " + p.sh.spinner() + " Syncing with " + a.Institution.Name + "… (POST /accounts/" + a.ID + "/sync)")
	case o != nil && rateLimited(*o):
		first = st.Warn.Render(" ⏳ " + fmtStamp(p.outcomeAt, now) + " Sync now refused with 429 Too Many Requests (rate limit, R3): nothing ran")
	case o != nil:
		text := " " + fmtStamp(p.outcomeAt, now) + " " + syncOutcome(*o, now)
		switch syncToastKind(*o) {
		case toastOK:
			first = st.OK.Render(" ✓" + text)
		case toastWarn:
			first = st.Warn.Render(" ⏳" + text)
		default:
			first = st.Bad.Render(" ✗" + text)
			if o.res.Code == engine.CodeReauthRequired {
				// What to do before why: a line too long for the screen is cut at its
				// end, and it cut "r re-authorises" off at 100 columns.
				first = st.Bad.Render(" ✗ "+fmtStamp(p.outcomeAt, now)+" sync failed") + st.Muted.Render(" (") + st.Key.Render("r") +
					st.Muted.Render(" re-authorises): ") + st.Bad.Render(reauthWhy(o.res.Message))
			}
		}
	case !p.gate.loaded:
		first = st.Accent.Render(" " + p.sh.spinner() + " loading…")
	case a.ReauthRequired:
		first = st.Bad.Render(" ⚠ Reauthorisation required") + st.Muted.Render(" (") + st.Key.Render("r") + st.Muted.Render(" re-authorises): ") +
			st.Bad.Render(reauthWhy(a.LastMessage))
	case !a.LastAttemptAt.IsZero():
		first = st.Muted.Render(" Last sync " + since(now, a.LastAttemptAt) + ": " + a.LastCode + " · " + a.LastMessage)
	default:
		first = st.Muted.Render(" Not synced yet.")
	}
	var second string
	switch {
	case !p.gate.loaded:
	case next.After(now):
		wait := " ⏳ Next manual sync allowed in " + countdown(next.Sub(now))
		paused := ""
		if p.sh.clockState.Paused {
			// A countdown that stands still reads as a frozen screen; the ⏸ in
			// the header was the only clue (a presenter's trial).
			paused = ", the clock paused"
		}
		rules := []string{" (R3: one per account every 2 min" + paused + ") · ", " (R3" + paused + ") · ", " (R3) · "}
		if paused != "" { // at 80 columns too (a review)
			rules = slices.Insert(rules, 2, " (R3, paused) · ")
		}
		for _, rule := range rules {
			// The rule's number gives way before the key that jumps the clock:
			// at 80 columns it read "(R3: …) · t 2 ju…" (a presenter's trial).
			second = st.Warn.Render(wait) + st.Muted.Render(rule) + p.sh.jumpHint(next.Sub(now))
			if ansi.StringWidth(second) <= p.w {
				break
			}
		}
	default:
		var auto string
		if !a.NextAutoSyncAt.IsZero() && p.sh.settings.AutoSync > 0 && p.sh.settings.DataSyncEnabled() {
			auto = st.Muted.Render(" · auto-sync " + ago(now, a.NextAutoSyncAt))
		}
		// The rule said shorter where the whole line does not fit: at 80 columns
		// "auto-sync in 23…" was cut (a presenter's trial).
		for _, rule := range []string{" Sync now (one per account every 2 minutes) · ", " Sync now (every 2 min) · "} {
			second = st.Key.Render(" s") + st.Muted.Render(rule) + st.Key.Render("r") + st.Muted.Render(" reauthorise") + auto
			if ansiWidth(second) <= p.w {
				break
			}
		}
	}
	return first, second
}

// overview is the snapshot, identity and sync history on the left, the charts on
// the right.
func (p *detailPage) overview(w, h int) string {
	if !p.gate.loaded {
		return ""
	}
	lw := min(max(w*9/20, 40), 64)
	rw := w - lw - 3
	// Long values go on under themselves when the sync history still fits; on a
	// short screen they are cut instead, and the history keeps its place.
	facts, history := p.facts(lw, true)
	if history > h {
		facts, _ = p.facts(lw, false)
	}
	left := padLines(strings.Join(facts, "\n"), lw, h)
	right := padLines(strings.Join(p.charts(rw, h), "\n"), rw, h)
	ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
	sep := p.sh.styles.Faint.Render(" │ ")
	out := make([]string, h)
	for i := range out {
		out[i] = ls[i] + sep + rs[i]
	}
	return strings.Join(out, "\n")
}

// facts is the overview's left column, and how many of its lines reach the end of
// the sync history. With wrap, a value too long for the column goes on under
// itself (two lines more at most) instead of being cut: "connected before Data
// Sync was enabled" is the point of its row.
func (p *detailPage) facts(w int, wrap bool) (out []string, history int) {
	st, now, a := p.sh.styles, p.sh.now(), p.acct
	row := func(label, value string) string {
		vw := w - 14
		if !wrap {
			return " " + st.Label.Render(fit(label, 12)) + " " + clip(value, vw)
		}
		return " " + st.Label.Render(fit(label, 12)) + " " + hangValue(value, vw, 14, 2)
	}
	out = append(out, heading(st, w, " SNAPSHOT", " of the last sync: what the API answers", " of the last sync: the API's answer", " of the last sync", " (the API's)"))
	out = append(out, row("Balance", st.Bold.Render(naira(a.Balance))))
	if p.liveOK {
		live := naira(p.live)
		switch d := p.live - a.Balance; {
		case d == 0:
			live += st.Faint.Render(" (same)")
		case d > 0:
			live = st.Warn.Render(live + " (+" + engine.Naira(d) + ")")
		default:
			live = st.Warn.Render(live + " (" + engine.Naira(d) + ")")
		}
		out = append(out, row("At the bank", live))
	}
	out = append(out, row("Last synced", fmtWhen(a.LastSyncedAt)+st.Muted.Render(" ("+since(now, a.LastSyncedAt)+")")))
	status := st.OK.Render(a.DataStatus)
	if a.DataStatus != engine.DataAvailable {
		status = st.Warn.Render(a.DataStatus)
	}
	if a.ReauthRequired {
		status += st.Bad.Render(" · reauthorisation required (" + a.ReauthReason + ")")
	}
	out = append(out, row("Data status", status))
	hooks := st.OK.Render("✓ receives webhooks")
	if s := p.sh.settings; !engine.ReceivesWebhooks(s, a) {
		hooks = st.Warn.Render("✗ none (connected before Data Sync was enabled)")
		if !s.DataSyncEnabled() {
			hooks = st.Warn.Render("✗ none (Data Sync is off)")
		}
	}
	out = append(out, row("Webhooks", hooks))
	out = append(out, row("Real-time", p.realtimeText(now)))
	mfa := "…"
	if p.mfa != "" {
		mfa = p.mfa.Badge()
		if p.mfa != engine.MFANone {
			mfa = st.Accent.Render(mfa) + st.Muted.Render(" — asks "+p.mfa.Words())
		}
	}
	out = append(out, row("MFA", mfa))
	out = append(out, row("Connected", fmtWhen(a.ConnectedAt)+st.Muted.Render(" · "+a.AuthMethod)))
	out = append(out, row("Account ID", st.Muted.Render(a.ID)))

	// The sync history before the identity: at 80×24 what comes last is cut, and
	// the history (its ×N repeats) says more about Data Sync than the name and address.
	title := st.Title.Render(" SYNC HISTORY")
	// Successful syncs (their snapshots) and failed ones, newest first: a failed
	// sync is what a presenter points at after a password change or an outage.
	var rows []historyRow
	snaps, fails := p.snaps, p.fails
	for n := 0; n < 6 && (len(snaps) > 0 || len(fails) > 0); n++ {
		if len(fails) == 0 || (len(snaps) > 0 && !fails[0].StartedAt.After(snaps[0].At)) {
			s := snaps[0]
			snaps = snaps[1:]
			rows = append(rows, historyRow{at: s.At, trigger: s.Trigger, tx: s.NewTransactions, balance: s.Balance, repeats: s.Repeats, lastAt: s.LastAt})
		} else {
			j := fails[0]
			fails = fails[1:]
			rows = append(rows, historyRow{at: j.StartedAt, trigger: j.Trigger, failed: failWords(j.Code, j.Message), repeats: j.Repeats, lastAt: j.LastAt})
		}
	}
	// What ×N counts, said once: "+2 tx ×3" read as three syncs of two
	// transactions each (a newcomer's trial).
	hint := ""
	for _, r := range rows {
		switch {
		case r.repeats == 0:
		case r.failed == "":
			hint = " ×N: N−1 more, each +0"
		case hint == "":
			hint = " ×N: failed N times alike"
		}
	}
	out = append(out, "", clip(title+st.Faint.Render(hint), w))
	if len(p.snaps) == 0 && len(p.fails) == 0 {
		out = append(out, st.Faint.Render(" no sync yet"))
	}
	out = append(out, historyLines(st, rows, w, now)...)
	history = len(strings.Split(strings.Join(out, "\n"), "\n"))
	id := a.Identity
	out = append(out, "", st.Title.Render(" IDENTITY")+st.Faint.Render(" as of the last sync"))
	if id.FullName == "" {
		out = append(out, st.Faint.Render(" (none yet: it arrives with the first successful sync)"))
	} else {
		out = append(out, row("Name", id.FullName), row("BVN", maskBVN(id.BVN)), row("Phone", id.Phone), row("Email", id.Email),
			row("Address", strings.TrimSuffix(id.AddressLine1+", "+id.City+", "+id.State, ", ")))
	}
	return out, history
}

// historyRow is one line of the sync history: a snapshot, or a failed sync
// (failed says why).
type historyRow struct {
	at, lastAt time.Time
	trigger    string
	tx         int
	balance    int64
	failed     string
	repeats    int // later syncs alike, counted on it (×repeats+1)
}

// historyLines draws the sync history in w cells, every row in one layout. The
// count of repeats (×N) and the balance show whole: what gives way first is the
// date of the last repeat, then the balance's "NGN " (the Balance row above says
// it), then the trigger, then " tx" after the new transactions. At 80 and 120
// columns the count and the balance were cut ("NGN 15…", "×…").
//
// The last repeat's date is each row's own, in the longest form that fits it: it
// went from every row when one had no room for it, and "6 Dec 2026 auto ✗
// CAPTCHA needed ×721" did not say the failures went on until 4 Jun 2027 (a QA
// lead's trial).
func historyLines(st Styles, rows []historyRow, w int, now time.Time) []string {
	type layout struct{ ngn, trigger, txWord bool }
	layouts := []layout{{true, true, true}, {false, true, true}, {false, false, true}, {false, false, false}}
	var lines []string
	for _, l := range layouts {
		dw, txw, amw, trw := 0, 0, 0, 0
		texts := make([][2]string, len(rows)) // the tx cell and the balance of each row
		for i, r := range rows {
			dw, trw = max(dw, ansiWidth(fmtCell(r.at, now))), max(trw, ansiWidth(r.trigger))
			if r.failed != "" {
				continue
			}
			tx, am := "+"+commas(int64(r.tx)), engine.Naira(r.balance)
			if l.txWord {
				tx += " tx"
			}
			if l.ngn {
				am = "NGN " + am
			}
			texts[i] = [2]string{tx, am}
			txw, amw = max(txw, ansiWidth(tx)), max(amw, ansiWidth(am))
		}
		lines = lines[:0]
		fits := true
		for i, r := range rows {
			line := " " + st.Muted.Render(fit(fmtCell(r.at, now), dw)) // "20 Aug 13:00" is 12 cells, "2 Nov 10:00" 11
			if l.trigger {
				line += " " + fit(r.trigger, trw)
			}
			if r.failed != "" {
				line += st.Bad.Render(" ✗ " + r.failed)
			} else {
				line += " " + fitRight(texts[i][0], txw) + " " + fitRight(texts[i][1], amw)
			}
			if r.repeats > 0 { // later syncs that found nothing new (or failed alike) count on it
				count := " ×" + itoa(r.repeats+1)
				for _, to := range []string{fmtShortAt(r.lastAt, now), fmtCell(r.lastAt, now)} {
					if ansiWidth(line+count+" to "+to) <= w {
						count += " to " + to
						break
					}
				}
				line += st.Faint.Render(count)
			}
			fits = fits && ansiWidth(line) <= w
			lines = append(lines, line)
		}
		if fits {
			break
		}
	}
	return lines
}

// realtimeText is the account's last real-time job (v2's x-realtime reads): how it
// went, when, and when the next can start.
func (p *detailPage) realtimeText(now time.Time) string {
	st, j := p.sh.styles, p.job
	if j == nil {
		return st.Faint.Render("none yet (v2: x-realtime: true)")
	}
	var status string
	switch {
	case j.Running():
		status = st.Accent.Render("processing")
	case j.Status == engine.StatusSyncSuccessful:
		status = st.OK.Render("finished")
		if j.HasNewData {
			status += st.Muted.Render(", new data")
		}
	default:
		status = st.Bad.Render("failed") + st.Muted.Render(" ("+j.Code+")")
	}
	out := status + st.Muted.Render(" "+since(now, j.StartedAt))
	if next := engine.RealtimePolicy.NextAllowed(p.acct); next.After(now) {
		out += st.Muted.Render(" · next in " + countdown(next.Sub(now)))
	}
	return out
}

// reauthWhy is a reauthorisation's reason without the closing words that say one
// is needed: the line around it says so, and the key that does it.
func reauthWhy(message string) string {
	for _, tail := range []string{"; the user must re-authorise", ": the user must re-authorise"} {
		message = strings.TrimSuffix(message, tail)
	}
	return message
}

// failWords is why a sync failed, in the few words the sync history has room for.
func failWords(code, message string) string {
	if code == engine.CodeReauthRequired {
		switch {
		case strings.Contains(message, "rejected the saved password"):
			return "password changed"
		case strings.Contains(message, "sign-in lock"):
			return "sign-in locked"
		}
		// The bank asks for its challenge: "a one-time password (OTP)" holds the
		// word password too, and said "password changed" of an OTP account.
		for k, words := range map[engine.MFAKind]string{engine.MFAOTP: "OTP needed", engine.MFASecurityQuestion: "question needed",
			engine.MFAToken: "token needed", engine.MFACaptcha: "CAPTCHA needed"} {
			if strings.Contains(message, "asks for "+k.Words()) {
				return words
			}
		}
		return "reauth needed"
	}
	switch {
	case strings.Contains(message, "outage"):
		return "bank down (outage)"
	case code == engine.CodeSyncError:
		return "bank error"
	}
	return strings.ToLower(code)
}

func maskBVN(b string) string {
	if len(b) <= 4 {
		return b
	}
	return strings.Repeat("•", len(b)-4) + b[len(b)-4:]
}

func (p *detailPage) charts(w, h int) []string {
	st := p.sh.styles
	out := []string{heading(st, w, "BALANCE", " over 12 months of synced history", " over 12 months", " (12 months)")}
	switch {
	case p.chartErr != "":
		return append(out, st.Bad.Render(p.chartErr))
	case p.chart == nil:
		return append(out, st.Accent.Render(p.sh.spinner()+" reading the history…"))
	}
	ch := max(min(h-chartMonths-6, 9), 3)
	out = append(out, areaChart(st, *p.chart, w, ch)...)
	out = append(out, "", st.Title.Render("MONEY IN / OUT")+st.Faint.Render(" per month (* so far)"))
	out = append(out, flowBars(st, p.chart.months, w)...)
	for _, m := range p.chart.months {
		if m.capped {
			out = append(out, st.Faint.Render(fmt.Sprintf("(each month adds up its latest %s credits and debits)", commas(maxFlowRows))))
			break
		}
	}
	return out
}

// heading is a title and the longest of its tails that fits in w: at 80 columns
// the overview's read "what the AP…" and "of synced his…", cut mid-word (a
// presenter's trial); with none fitting, the title alone.
func heading(st Styles, w int, title string, tails ...string) string {
	for _, t := range tails {
		if ansi.StringWidth(title+t) <= w {
			return st.Title.Render(title) + st.Faint.Render(t)
		}
	}
	return st.Title.Render(title)
}
