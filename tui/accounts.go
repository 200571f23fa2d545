package tui

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
)

// accountsPage is the dashboard (R10): every connected account, filtered and sorted,
// with what the API would answer (the balance as of the last sync) next to what the
// bank shows now (the live balance), so the staleness of a snapshot is plain.
type accountsPage struct {
	sh   *shared
	w, h int
	list list // the rows, the cursor, the filter and the accounts' load

	all    []accountRow
	keys   []string // lower-case text a filter matches, per account
	rows   []int    // indexes into all, filtered and sorted
	sortBy int
	desc   bool
	// connected is an account the widget just connected, or the one the welcome
	// names, not listed yet: the next load puts the cursor on it (it stayed on
	// the row selected before).
	connected string
	// beforeWelcome is the account selected when the welcome put the cursor on
	// its own: esc, which only closes the welcome, puts it back.
	beforeWelcome string

	// The bank's side, fetched for visible rows only and cached: the live balance
	// can be slow to compute the first time (a year of simulated activity).
	bank     map[string]bankInfo // by account number
	bankGen  int                 // bumped when the bank may have changed
	bankGate loadGate
	// The MFA each holder's bank asks, by customer ID, read for every row at once
	// whenever the bank may have changed (mfaGen < bankGen): the filter matches it
	// on every row, and read with the visible rows' figures, otp found only the
	// rows that had been on screen — 3 of 300 accounts (a QA lead's trial). It
	// costs a map lookup a row.
	mfa    map[string]engine.MFAKind
	mfaGen int
	// When the figures were last marked out of date: ticks of wall time since, and
	// the virtual time then. A tick reads them again after liveEvery of either.
	ticks  int
	bankAt time.Time

	syncing map[string]bool // syncs started from this page
}

type bankInfo struct {
	live   int64
	down   time.Time // the bank's outage ends then; zero when it is up
	gen    int
	failed bool
}

// bankRead is what one fetchBank read: the visible rows' figures, and every
// row's MFA when it was out of date (nil when not read).
type bankRead struct {
	info map[string]bankInfo
	mfa  map[string]engine.MFAKind
	gen  int
}

var sortNames = []string{"connected", "holder", "bank", "balance", "last sync", "status"}

func newAccountsPage(sh *shared) *accountsPage {
	p := &accountsPage{sh: sh, list: newList(sh, "accounts", "holder, bank, number, ID, status or MFA"), bank: map[string]bankInfo{}, syncing: map[string]bool{}}
	return p
}

func (p *accountsPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.filter.SetWidth(max(w/3, 20))
	p.list.setHeight(h - 5) // the title, the column titles, the rule and the two lines of the selected account
}

func (p *accountsPage) Capturing() bool  { return p.list.filtering }
func (p *accountsPage) TakesPaste() bool { return p.list.filtering }
func (p *accountsPage) Holding() bool    { return p.list.gate.first() } // keys typed at once wait for the rows
func (p *accountsPage) Busy() bool       { return p.list.gate.first() || len(p.syncing) > 0 }

func (p *accountsPage) Show() tea.Cmd {
	if (p.list.gate.loaded || p.list.gate.loading) && !p.list.gate.stale {
		return p.fetchBank()
	}
	return p.load()
}

// load reads the accounts in a command, one load at a time: a change while one runs
// is loaded when it is back.
func (p *accountsPage) load() tea.Cmd {
	if p.sh.eng == nil {
		return nil
	}
	eng, ctx := p.sh.eng, p.sh.ctx
	return load(&p.list.gate, func() ([]accountRow, error) {
		accounts, err := eng.Accounts(ctx)
		rows := make([]accountRow, len(accounts))
		for i, a := range accounts {
			rows[i] = rowOf(a)
		}
		return rows, err
	})
}

// accountRow is what the dashboard keeps of an account: the columns and the
// explanation line, not the identity or credentials, so 10,000 rows stay small.
type accountRow struct {
	ID, CustomerID, Name, Number, Type, DataStatus, LastMessage string
	LastCode                                                    string // the last sync's, whatever its outcome
	Institution                                                 engine.Institution
	Balance                                                     int64
	ReauthRequired                                              bool
	ConnectedAt, LastSyncedAt                                   time.Time
	LastManualSyncAt                                            time.Time // its rate-limit window's start (R3)
}

func rowOf(a engine.Account) accountRow {
	return accountRow{ID: a.ID, CustomerID: a.CustomerID, Name: a.Name, Number: a.Number, Type: a.Type, DataStatus: a.DataStatus,
		LastMessage: a.LastMessage, LastCode: a.LastCode, Institution: a.Institution, Balance: a.Balance, ReauthRequired: a.ReauthRequired,
		ConnectedAt: a.ConnectedAt, LastSyncedAt: a.LastSyncedAt, LastManualSyncAt: a.LastManualSyncAt}
}

// receivesWebhooks is engine.ReceivesWebhooks for a row (it reads ConnectedAt).
func (r accountRow) receivesWebhooks(s engine.Settings) bool {
	return engine.ReceivesWebhooks(s, engine.Account{ID: r.ID, ConnectedAt: r.ConnectedAt})
}

func (p *accountsPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case selectAccountMsg:
		p.selectID(msg.id)
		p.beforeWelcome = ""
		return nil
	case welcomeMsg:
		// Its step 1 opens the business account with enter: the cursor is on it
		// while the card shows, so the line under the card names what enter
		// opens — it named the first row's (a presenter's trial).
		if msg.businessID == "" {
			return nil
		}
		if a, ok := p.selected(); ok && a.ID != msg.businessID {
			p.beforeWelcome = a.ID
		}
		if !p.selectID(msg.businessID) && !p.listed(msg.businessID) {
			p.connected = msg.businessID // not loaded yet: the next load selects it
		}
		return nil
	case welcomeClosedMsg:
		if p.beforeWelcome != "" {
			p.selectID(p.beforeWelcome)
			p.beforeWelcome = ""
		}
		return nil
	case loaded[[]accountRow]:
		if !msg.of(&p.list.gate) {
			return nil // another page's, or an older load's: a newer one is on its way
		}
		if p.list.err = errText(msg.err); msg.err != nil {
			p.list.gate.stale = true // shown again, read again
			return nil
		}
		p.setAccounts(msg.val)
		// New balances: the bank's figures read before them can be older — just
		// after a sync LIVE read 161.3m beside a BALANCE of 162.3m, and at 3600× an
		// auto-sync's rows kept LIVE and DRIFT from hours before (a presenter's
		// trial). Read after the accounts, LIVE is never older than BALANCE.
		p.bankMoved()
		if p.list.gate.stale { // the world changed while this load ran
			return p.load()
		}
		return p.fetchBank()
	case loaded[bankRead]:
		if !msg.of(&p.bankGate) {
			return nil
		}
		for n, bi := range msg.val.info {
			p.bank[n] = bi
		}
		mfaMoved := false
		if msg.val.mfa != nil {
			mfaMoved = !maps.Equal(p.mfa, msg.val.mfa)
			p.mfa, p.mfaGen = msg.val.mfa, msg.val.gen
		}
		if mfaMoved {
			// The MFA column's kinds, for the filter; the sort reads none of the
			// bank's figures. Done at every read, which the clock now makes once a
			// second at speed, it cost 22 ms a second over 10,000 accounts sorted by
			// holder (the review).
			p.rekey()
			p.resort()
		}
		return p.fetchBank()
	case reloadMsg:
		if msg.what&reloadBank != 0 {
			p.bankMoved()
		}
		if msg.what&(reloadAccounts|reloadSettings) != 0 {
			p.list.gate.stale = true
		}
		return nil
	case tickMsg:
		// The bank moves with the virtual clock: its figures are read again every
		// ten seconds, or sooner once the clock has moved on liveEvery — at 3600×
		// ten seconds were ten virtual hours, and LIVE and DRIFT that old (a
		// presenter's trial). Visible rows only, one read at a time: at 10,000× a
		// read a second.
		if p.ticks++; p.ticks >= 10 || p.sh.now().Sub(p.bankAt) >= liveEvery {
			p.bankMoved()
			return p.fetchBank()
		}
	case widgetClosedMsg:
		if msg.accountID != "" && !msg.reauth {
			p.connected, p.list.gate.stale = msg.accountID, true
			return p.load()
		}
	case syncDoneMsg:
		if !p.syncing[msg.accountID] {
			return nil
		}
		delete(p.syncing, msg.accountID)
		return tea.Batch(toast(syncToastKind(msg), p.name(msg.accountID)+": "+syncOutcome(msg, p.sh.now())), p.load())
	case tea.KeyPressMsg, mouseMsg, stylesMsg:
		was, had := p.selected()
		switch ev, cmd := p.list.update(msg); ev {
		case listFiltered:
			p.refilter()
			if had && p.list.filterText() == "" {
				// The filter cleared: the account selected stays so, as a sort
				// keeps it — esc put the cursor on the first row (a presenter's
				// trial).
				p.selectID(was.ID)
			}
			return tea.Batch(cmd, p.fetchBank())
		case listMoved:
			return tea.Batch(cmd, p.fetchBank())
		case listChosen:
			return p.open()
		case listPassed:
			if msg, ok := msg.(tea.KeyPressMsg); ok {
				return p.key(msg)
			}
		default:
			return cmd
		}
	}
	return nil
}

func (p *accountsPage) name(id string) string {
	for _, a := range p.all {
		if a.ID == id {
			return a.Name
		}
	}
	return id
}

// setAccounts keeps the cursor on the same account across reloads.
func (p *accountsPage) setAccounts(accounts []accountRow) {
	var selected string
	if a, ok := p.selected(); ok {
		selected = a.ID
	}
	p.all = accounts
	p.rekey()
	p.refilter()
	if p.connected != "" && p.selectID(p.connected) {
		p.connected = "" // a load that began before the connect does not list it yet
		return
	}
	if p.listed(p.connected) {
		// Loaded, but the filter hides it: it is not chased later. It was, and a
		// reload long after, the filter cleared, moved the cursor to it from
		// where the user had put it (a TUI review).
		p.connected = ""
	}
	p.selectID(selected)
}

// listed reports whether the account is among those loaded, shown or filtered out.
func (p *accountsPage) listed(id string) bool {
	return id != "" && slices.ContainsFunc(p.all, func(a accountRow) bool { return a.ID == id })
}

// rekey sets what the filter matches of each account: what its row shows — the
// holder, bank, number and ID, its status (REAUTH, AVAILABLE …) and, once the bank
// has said (for every row at once, not only those on screen), its MFA (otp, token
// …; "mfa" for any). Typing otp or reauth found
// nothing, though the columns showed them (a presenter's trial).
func (p *accountsPage) rekey() {
	p.keys = make([]string, len(p.all))
	for i, a := range p.all {
		k := a.Name + " " + a.Institution.Name + " " + a.Number + " " + a.ID + " " + statusText(a)
		if mfa := p.mfa[a.CustomerID]; mfa != "" && mfa != engine.MFANone {
			k += " mfa " + string(mfa) + " " + mfa.Badge()
		}
		p.keys[i] = foldKey(k)
	}
}

// selectID puts the cursor on the account id, if it is listed, and says whether it is.
func (p *accountsPage) selectID(id string) bool {
	for i, r := range p.rows {
		if p.all[r].ID == id {
			p.list.selectRow(i)
			return true
		}
	}
	return false
}

// resort sorts again, the cursor staying on the account selected: a sync (s) right
// after o or O is the same account's.
func (p *accountsPage) resort() {
	a, ok := p.selected()
	p.refilter()
	if ok {
		p.selectID(a.ID)
	}
}

// refilter recomputes the visible rows: a substring match and a sort, in memory.
func (p *accountsPage) refilter() {
	p.rows = p.list.match(p.keys, p.rows[:0])
	all := p.all
	by := func(a, b int) int {
		x, y := &all[a], &all[b]
		var c int
		switch p.sortBy {
		case 1:
			c = cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name))
		case 2:
			c = cmp.Compare(x.Institution.Name, y.Institution.Name)
		case 3:
			c = cmp.Compare(x.Balance, y.Balance)
		case 4:
			c = x.LastSyncedAt.Compare(y.LastSyncedAt)
		case 5:
			c = cmp.Compare(statusText(*x), statusText(*y))
		}
		if c == 0 {
			c = x.ConnectedAt.Compare(y.ConnectedAt)
		}
		if c == 0 { // connected at the same instant (a paused clock): in the order they came, as the engine lists them
			c = cmp.Compare(a, b)
		}
		if p.desc {
			c = -c
		}
		return c
	}
	slices.SortFunc(p.rows, by)
	p.list.setRows(len(p.rows))
}

func (p *accountsPage) selected() (accountRow, bool) {
	r, ok := p.list.selected()
	if !ok {
		return accountRow{}, false
	}
	return p.all[p.rows[r]], true
}

// liveEvery is how far the virtual clock moves before a tick reads the bank's
// figures again, sooner than its ten seconds: from 60× up, about every tick.
const liveEvery = time.Minute

// bankMoved marks the bank's figures out of date: fetchBank reads the visible
// rows' again.
func (p *accountsPage) bankMoved() {
	p.bankGen++
	p.ticks, p.bankAt = 0, p.sh.now()
}

// fetchBank asks the bank about the visible rows it knows nothing (fresh) of, and
// about every row's MFA when the bank may have changed since it last did; one
// fetch at a time, and each answer asks again for what scrolled in meanwhile.
func (p *accountsPage) fetchBank() tea.Cmd {
	if p.bankGate.loading || p.sh.bank == nil {
		return nil
	}
	type want struct{ number, institution string }
	var wants []want
	from, to := p.list.visible()
	for _, r := range p.rows[from:to] {
		a := p.all[r]
		if bi, ok := p.bank[a.Number]; !ok || bi.gen < p.bankGen {
			wants = append(wants, want{a.Number, a.Institution.Code})
		}
	}
	var customers []string // nil: the MFA kinds are fresh
	if p.mfa == nil || p.mfaGen < p.bankGen {
		customers = make([]string, len(p.all))
		for i, a := range p.all {
			customers[i] = a.CustomerID
		}
	}
	if len(wants) == 0 && customers == nil {
		return nil
	}
	bank, gen := p.sh.bank, p.bankGen
	return load(&p.bankGate, func() (bankRead, error) {
		read := bankRead{info: make(map[string]bankInfo, len(wants)), gen: gen}
		if customers != nil {
			read.mfa = bank.MFAs(customers)
		}
		if len(wants) == 0 {
			return read, nil
		}
		down := map[string]time.Time{}
		for _, s := range bank.InstitutionStatuses() {
			down[s.Code] = s.OutageUntil
		}
		for _, w := range wants {
			live, err := bank.LiveBalance(w.number)
			read.info[w.number] = bankInfo{gen: gen, down: down[w.institution], live: live, failed: err != nil}
		}
		return read, nil
	})
}

// open opens the selected account's page.
func (p *accountsPage) open() tea.Cmd {
	a, ok := p.selected()
	if !ok {
		return nil
	}
	return p.sh.navigate(openAccountMsg{id: a.ID})
}

// key is the page's own keys; the list took its own before.
func (p *accountsPage) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.sh.keys
	switch {
	case key.Matches(msg, k.Sort):
		p.sortBy = (p.sortBy + 1) % len(sortNames)
		p.resort()
	case key.Matches(msg, k.Reverse):
		p.desc = !p.desc
		p.resort()
	case key.Matches(msg, k.Connect):
		return p.sh.navigate(openWidgetMsg{})
	case key.Matches(msg, k.Open):
		return p.open()
	case key.Matches(msg, k.Sync):
		if a, ok := p.selected(); ok && !p.syncing[a.ID] {
			if warn := p.sh.play.confirmSync(p.sh, a.ID, a.LastManualSyncAt); warn != nil {
				return warn
			}
			p.syncing[a.ID] = true
			return syncCmd(p.sh, a.ID)
		}
	case key.Matches(msg, k.Reauth):
		if a, ok := p.selected(); ok {
			id := a.ID
			return p.sh.navigate(openWidgetMsg{accountID: id})
		}
	default:
		return nil
	}
	return p.fetchBank()
}

func (p *accountsPage) ShortHelp() []key.Binding {
	k := p.sh.keys
	if p.list.filtering {
		return []key.Binding{withHelp(k.Submit, "keep filter"), withHelp(k.Cancel, "clear filter")}
	}
	return []key.Binding{k.Open, k.Sync, k.Reauth, k.Connect, k.Filter, k.Sort}
}

// FullHelp: esc clears a filter, and does nothing else on the top list: "esc
// back" was in its keys, and went nowhere.
func (p *accountsPage) FullHelp() [][]key.Binding {
	k := p.sh.keys
	filters := []key.Binding{k.Filter, k.Sort, k.Reverse}
	if p.list.filterText() != "" {
		filters = append(filters, withHelp(k.Back, "clear filter"))
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Sync, k.Reauth, k.Connect},
		filters,
	}
}

// withHelp is b with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// statusText is an account's data status, with reauthorisation first.
func statusText(a accountRow) string {
	if a.ReauthRequired {
		return "REAUTH"
	}
	return a.DataStatus
}

// accountColumns: BALANCE is the snapshot (what the API answers), LIVE the bank's
// balance now, DRIFT what a sync would bring.
var accountColumns = []column{
	{title: "HOLDER", flex: true, min: 11},
	{title: "BANK", width: 9, drop: 1},
	{title: "ACCOUNT", width: 8},
	{title: "BALANCE", width: 8, right: true},
	{title: "LIVE", width: 8, right: true},
	{title: "DRIFT", width: 9, right: true},
	{title: "STATUS", width: 10},
	{title: "SYNCED", width: 11}, // ago's longest: "16h 42m ago"
	{title: "MFA", width: 8, drop: 2},
	{title: "HOOKS", width: 5, drop: 3}, // R4's story: kept at 80 columns
}

func (p *accountsPage) View() string {
	st, sh := p.sh.styles, p.sh
	w := p.w
	var b strings.Builder

	// Title line: what is shown, how it is sorted, the filter.
	order := "↑"
	if p.desc {
		order = "↓"
	}
	title := st.Title.Render(" Connected accounts") + st.Muted.Render(" "+commas(int64(len(p.rows)))+" of "+commas(int64(len(p.all)))+" · sorted by "+sortNames[p.sortBy]+" "+order)
	b.WriteString(spread(title, p.list.status()+" ", w) + "\n")

	now := sh.now()
	cols := layout(p.wants(now), w-2)
	b.WriteString(headerRow(cols, st.ColHeader) + "\n")

	h, empty := p.list.h, "No account matches the filter."
	if len(p.all) == 0 {
		empty = "No connected accounts yet: press c to connect one through the widget."
	}
	var legend []string
	if room := h - len(p.rows) - 1; p.list.gate.loaded && p.list.err == "" && len(p.rows) > 0 && room >= 6 {
		legend = p.legend(w, cols, room)
		h -= len(legend) + 1
	}
	cells := make([]string, len(cols))
	p.list.draw(&b, w, h, empty, func(r int, sel bool) []string {
		a := p.all[p.rows[r]]
		bi, known := p.bank[a.Number]
		for j, c := range cols {
			cells[j] = cell(c, p.cellText(c.title, a, bi, known, now))
			if !sel {
				cells[j] = p.colour(c.title, cells[j], a, bi, known)
			}
		}
		return cells
	})
	if legend != nil {
		b.WriteString("\n" + strings.Join(legend, "\n") + "\n")
	}
	b.WriteString(st.Rule.Render(" "+rule(w-2)) + "\n")
	b.WriteString(p.info(w))
	return b.String()
}

// wants is accountColumns with the widest text of each on the rows shown, which
// layout gives room first.
func (p *accountsPage) wants(now time.Time) []column {
	cols := slices.Clone(accountColumns)
	from, to := p.list.visible()
	for _, r := range p.rows[from:to] {
		a := p.all[r]
		bi, known := p.bank[a.Number]
		for i := range cols {
			cols[i].want = max(cols[i].want, ansi.StringWidth(p.cellText(cols[i].title, a, bi, known, now)))
		}
	}
	return cols
}

// legend explains the columns shown (cols) in the room a short table leaves
// (room lines, at most): what matters least goes first when they do not all fit
// — the blank line, MFA's, the keys' — not the whole legend (a review: one
// failed sync's line took the legend away at 100×24 with seven accounts).
func (p *accountsPage) legend(w int, cols []column, room int) []string {
	st := p.sh.styles
	k := func(s string) string { return st.Muted.Render(s) }
	shown := func(title string) bool {
		return slices.ContainsFunc(cols, func(c column) bool { return c.title == title })
	}
	type line struct {
		text string
		drop int // the order lines go in when there is no room: highest first; 0 stays
	}
	lines := []line{
		{k("BALANCE") + st.Faint.Render(" is the snapshot of the last sync: what GET /accounts/{id} answers (R1)."), 0},
		{k("LIVE") + st.Faint.Render(" is what the bank shows now; ") + k("DRIFT") + st.Faint.Render(" is what the next sync would bring."), 0},
	}
	if shown("HOOKS") { // a narrow terminal drops it: then it is not explained
		lines = append(lines, line{k("HOOKS") + st.Faint.Render(" ✓: webhooks are sent (connected after Data Sync was enabled, R4)."), 2})
	}
	if shown("SYNCED") && slices.ContainsFunc(p.rows, func(r int) bool { return p.all[r].syncFailed() }) {
		lines = append(lines, line{k("SYNCED") + st.Faint.Render(" ⚠ failed: the last sync failed; select the row: the lines below say why."), 1})
	}
	if shown("MFA") {
		lines = append(lines, line{k("MFA") + st.Faint.Render(": the bank asks more than the password; a sync may need reauthorisation (R5)."), 4})
	}
	lines = append(lines, line{"", 5},
		line{st.Key.Render("enter") + st.Faint.Render(" opens an account · ") + st.Key.Render("s") + st.Faint.Render(" syncs it · ") +
			st.Key.Render("c") + st.Faint.Render(" connects another through the widget · ") + st.Key.Render("t") + st.Faint.Render(" moves the clock"), 3})
	for drop := 5; len(lines) > room && drop > 0; drop-- {
		lines = slices.DeleteFunc(lines, func(l line) bool { return l.drop == drop })
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = fit(" "+l.text, w)
	}
	return out
}

func (p *accountsPage) cellText(col string, a accountRow, bi bankInfo, known bool, now time.Time) string {
	switch col {
	case "HOLDER":
		if p.syncing[a.ID] {
			return p.sh.spinner() + " " + a.Name
		}
		return a.Name
	case "BANK":
		if known && bi.down.After(now) {
			// Down: said on the row, as the bank console and the widget say it —
			// only the selected row's lines under the list did, and a failed sync
			// left the row reading "in sync AVAILABLE" (a presenter's trial).
			return "⚠ " + shortBank(a.Institution.Name)
		}
		return shortBank(a.Institution.Name)
	case "ACCOUNT":
		return maskNumber(a.Number)
	case "BALANCE":
		return compactNaira(a.Balance)
	case "LIVE":
		if !known || bi.failed {
			return "…"
		}
		return compactNaira(bi.live)
	case "DRIFT":
		if a.LastSyncedAt.IsZero() {
			// No sync has reached it: the next brings its whole history, not
			// nothing ("in sync" beside the balance the widget saw, a trial).
			return "unsynced"
		}
		if !known || bi.failed {
			return "…"
		}
		if d := bi.live - a.Balance; d != 0 {
			s := compactNaira(d)
			if d > 0 {
				s = "+" + s
			}
			return s
		}
		return "in sync"
	case "STATUS":
		return statusText(a)
	case "SYNCED":
		if a.syncFailed() {
			return "⚠ failed"
		}
		return since(now, a.LastSyncedAt)
	case "MFA":
		mfa, ok := p.mfa[a.CustomerID]
		if !ok {
			return "…"
		}
		return mfa.Badge()
	case "HOOKS":
		if a.receivesWebhooks(p.sh.settings) {
			return "✓"
		}
		return "✗"
	}
	return ""
}

func (p *accountsPage) colour(col, s string, a accountRow, bi bankInfo, known bool) string {
	st := p.sh.styles
	switch col {
	case "DRIFT":
		if a.LastSyncedAt.IsZero() || known && bi.live != a.Balance {
			return st.Warn.Render(s)
		}
		return st.Faint.Render(s)
	case "STATUS":
		switch statusText(a) {
		case engine.DataAvailable:
			return st.OK.Render(s)
		case engine.DataProcessing:
			return st.Info.Render(s)
		default:
			return st.Bad.Render(s)
		}
	case "MFA":
		if mfa, ok := p.mfa[a.CustomerID]; ok && mfa != engine.MFANone {
			return st.Accent.Render(s)
		}
		return st.Faint.Render(s)
	case "BANK":
		if strings.HasPrefix(s, "⚠") {
			return st.Warn.Render(s)
		}
		return s
	case "HOOKS":
		if strings.Contains(s, "✓") {
			return st.OK.Render(s)
		}
		return st.Faint.Render(s)
	case "SYNCED":
		if a.syncFailed() {
			return st.Warn.Render(s)
		}
		return st.Muted.Render(s)
	case "ACCOUNT":
		return st.Muted.Render(s)
	}
	return s
}

// syncFailed: the account's last sync failed, and no re-authorisation is what
// it waits for (REAUTH says that): a bank's outage, say. The row read AVAILABLE
// and its last success's age, no sign of it (a QA engineer's trial).
//
// A REAUTHORISATION_REQUIRED that a re-authorisation has answered since (its own
// sync yet to end) is not one (a review).
func (a accountRow) syncFailed() bool {
	return !a.ReauthRequired && a.LastCode != "" && a.LastCode != engine.CodeSyncSuccessful && a.LastCode != engine.CodeReauthRequired
}

// info explains the selected account in two lines.
func (p *accountsPage) info(w int) string {
	st := p.sh.styles
	a, ok := p.selected()
	if !ok {
		return ""
	}
	line1 := " " + st.Bold.Render(a.Name) + st.Muted.Render(" · "+a.Institution.Name+" · "+a.Number+" · "+a.Type+" · connected "+fmtWhen(a.ConnectedAt))
	var why string
	s := p.sh.settings
	bi, known := p.bank[a.Number]
	down := known && bi.down.After(p.sh.now())
	switch {
	case a.ReauthRequired:
		why = st.Bad.Render("⚠ Reauthorisation required: "+a.LastMessage) + st.Muted.Render(" — press ") + st.Key.Render("r")
	case a.syncFailed() && !down: // in an outage, the outage says why, and s would fail again (a review)
		// The key first: the bank's words are long, and the line is cut.
		why = st.Warn.Render("⚠ The last sync failed") + st.Muted.Render(" (") + st.Key.Render("s") + st.Muted.Render(" syncs again): "+a.LastMessage)
	case !s.DataSyncEnabled():
		why = st.Warn.Render("✗ No webhooks: Data Sync is off for this business (Settings)")
	case !a.receivesWebhooks(s):
		what := "connected before Data Sync was enabled (" + fmtShortAt(s.DataSyncEnabledAt, p.sh.now()) + ")"
		if a.ConnectedAt.Truncate(time.Minute).Equal(s.DataSyncEnabledAt.Truncate(time.Minute)) {
			// The same minute, as the header and the line above show them: the
			// seconds say which came first (a presenter had nothing to point at).
			on := s.DataSyncEnabledAt.In(engine.WAT)
			day := on.Format("2 Jan")
			if on.Year() != p.sh.now().In(engine.WAT).Year() {
				day = on.Format("2 Jan 2006")
			}
			what = "connected " + a.ConnectedAt.In(engine.WAT).Format("15:04:05") + ", before Data Sync was enabled at " + on.Format("15:04:05") + " (" + day + ")"
		}
		why = st.Warn.Render("✗ No webhooks: " + what + " — syncs still work (R4)")
	default:
		why = st.OK.Render("✓ Receives webhooks")
	}
	if down { // a sync now would fail: say why before it does
		why = st.Bad.Render("⚠ "+a.Institution.Name+" is down until "+fmtMoment(bi.down, p.sh.now())+" (an outage: syncs fail until then)") + st.Muted.Render(" · ") + why
	}
	if known && !a.ReauthRequired {
		switch {
		case bi.failed, a.LastSyncedAt.IsZero(): // no snapshot to match (a review: it said it matched)
		case bi.live != a.Balance:
			why += st.Muted.Render(" · the bank shows "+naira(bi.live)+", the API "+naira(a.Balance)+": ") + st.Key.Render("s") + st.Muted.Render(" syncs")
		default:
			why += st.Muted.Render(" · snapshot matches the bank")
		}
	}
	return fit(line1, w) + "\n" + fit(" "+why, w)
}
