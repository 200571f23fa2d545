package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
	"sandbank/simulator"
)

// bankPage is the bank console: the simulated bank's customers with everything a
// tester needs to sign in as them, their live balances, their phone, and the
// bank-side events a test provokes: spending, a password change, MFA, an outage.
type bankPage struct {
	sh   *shared
	w, h int
	list list // the customers' rows, the cursor, the filter and their load

	customers []simulator.Customer
	statuses  map[string]simulator.InstitutionStatus
	connected map[string]string // customer ID → the connected account's ID
	linked    map[string]bool   // numbers of the bank accounts connected (a customer may have more)
	// chosen is the account each customer's postings and outages act on, by
	// customer ID, once a picks one; until then, the connected one, else the
	// first. They acted on the first always: a customer connected at Stanbic
	// spent from the Access account, and the toast said spent (a newcomer's trial).
	chosen map[string]string
	keys   []string
	rows   []int

	inbox    []simulator.Message
	inboxFor string
	inboxErr string
	ticks    int

	form        *bankForm
	busy        string
	refreshing  bool // the customers are read again after a bank action: keys wait (Holding)
	refreshFrom int  // ... by the list's load of this request number, or a later one
}

// Kinds of bank form.
const (
	formSpend = iota
	formReceive
	formPassword
	formOutage
	formMFA
)

type bankForm struct {
	kind    int
	account string             // the NUBAN a posting goes to
	bank    engine.Institution // its bank, which an outage takes down
	inputs  []textinput.Model
	offered []string // what an input left empty stands for: its placeholder, a suggestion
	field   int
	err     string
}

// value is what input i holds, or what it offered when left empty: a suggestion is
// a placeholder, so what is typed replaces it instead of being added to it.
func (f *bankForm) value(i int) string {
	if v := f.inputs[i].Value(); v != "" || i >= len(f.offered) {
		return v
	}
	return f.offered[i]
}

type (
	// bankWorld is what the console reads of the bank in one load.
	bankWorld struct {
		customers []simulator.Customer
		statuses  map[string]simulator.InstitutionStatus
		connected map[string]string
		linked    map[string]bool // numbers of the bank accounts connected through the API
	}
	inboxMsg struct {
		customerID string
		msgs       []simulator.Message
		err        error
	}
	bankDoneMsg struct {
		what string
		err  error
	}
)

func newBankPage(sh *shared) *bankPage {
	p := &bankPage{sh: sh, list: newList(sh, "customers", "name, bank, username")}
	return p
}

func (p *bankPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.filter.SetWidth(20)
	p.list.setHeight(h - 2) // the title and the column titles
}

func (p *bankPage) Capturing() bool  { return p.list.filtering || p.form != nil }
func (p *bankPage) TakesPaste() bool { return p.Capturing() } // the filter, a form's fields
func (p *bankPage) Busy() bool       { return p.busy != "" || p.refreshing || p.list.gate.first() }
func (p *bankPage) Holding() bool {
	// A bank action under way, the customers read again after it — keys held
	// for the action opened forms of the customers as they were before it: m
	// enter m enter set one MFA kind, p enter p enter offered the password just
	// set (a fast typist's trial) — or the customers' first load (keys typed at
	// once went to an empty list, and on to other pages).
	return p.busy != "" || p.refreshing || p.list.gate.first()
}

func (p *bankPage) Show() tea.Cmd {
	if p.list.gate.fresh() {
		return p.loadInbox()
	}
	return p.load()
}

// load reads the customers (with live balances, which can take a while in a big
// world), the banks' state and which customers are connected.
func (p *bankPage) load() tea.Cmd {
	if p.sh.bank == nil {
		return nil
	}
	bank, eng, ctx := p.sh.bank, p.sh.eng, p.sh.ctx
	return load(&p.list.gate, func() (bankWorld, error) {
		m := bankWorld{customers: bank.Customers(), statuses: map[string]simulator.InstitutionStatus{}, connected: map[string]string{}}
		for _, s := range bank.InstitutionStatuses() {
			m.statuses[s.Code] = s
		}
		if eng == nil {
			return m, nil
		}
		accounts, err := eng.Accounts(ctx)
		m.linked = map[string]bool{}
		for _, a := range accounts {
			m.connected[a.CustomerID] = a.ID
			m.linked[a.Number] = true
		}
		return m, err
	})
}

// loadInbox reads the selected customer's phone.
func (p *bankPage) loadInbox() tea.Cmd {
	c, ok := p.selected()
	if !ok {
		return nil
	}
	bank, id := p.sh.bank, c.ID
	return func() tea.Msg {
		msgs, err := bank.Inbox(id)
		return inboxMsg{customerID: id, msgs: msgs, err: err}
	}
}

func (p *bankPage) selected() (simulator.Customer, bool) {
	r, ok := p.list.selected()
	if !ok {
		return simulator.Customer{}, false
	}
	return p.customers[p.rows[r]], true
}

func (p *bankPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loaded[bankWorld]:
		if !msg.of(&p.list.gate) {
			return nil // an older load: a newer one is on its way
		}
		p.list.err = errText(msg.err)
		if msg.req >= p.refreshFrom {
			// A load begun after the action: whatever reloads mark it since (an
			// auto-sync's, every 150 ms on a running clock) it held keys for
			// ever, each load finding the next asked for (a review).
			p.refreshing = false
		}
		var sel string
		if c, ok := p.selected(); ok {
			sel = c.ID
		}
		p.customers, p.statuses, p.connected, p.linked = msg.val.customers, msg.val.statuses, msg.val.connected, msg.val.linked
		p.keys = make([]string, len(p.customers))
		for i, c := range p.customers {
			k := c.Name + " " + c.Username + " " + string(c.MFA) + " " + c.Profile
			for _, a := range c.Accounts {
				k += " " + a.Institution.Name + " " + a.Number + " " + a.Name
			}
			p.keys[i] = foldKey(k)
		}
		p.refilter()
		for i, r := range p.rows {
			if p.customers[r].ID == sel {
				p.list.selectRow(i)
			}
		}
		if p.list.gate.stale {
			return tea.Batch(p.load(), p.loadInbox())
		}
		return p.loadInbox()
	case inboxMsg:
		if c, ok := p.selected(); ok && c.ID == msg.customerID {
			p.inbox, p.inboxFor, p.inboxErr = msg.msgs, msg.customerID, ""
			if msg.err != nil {
				p.inboxErr = errText(msg.err)
			}
		}
		return nil
	case bankDoneMsg:
		p.busy = ""
		if msg.err != nil {
			if p.form != nil {
				p.form.err = errText(msg.err)
				return nil
			}
			return toast(toastBad, errText(msg.err))
		}
		p.form = nil
		p.refreshing = true
		p.list.gate.stale = true
		load := p.load()
		p.refreshFrom = p.list.gate.req
		if load == nil { // one on its way, begun before the action: the next, once it is back
			p.refreshFrom++
		}
		return tea.Batch(toast(toastOK, msg.what), load, func() tea.Msg { return reloadMsg{what: reloadBank} })
	case reloadMsg:
		if msg.what&(reloadBank|reloadAccounts) != 0 {
			p.list.gate.stale = true
		}
		return nil
	case tickMsg:
		if p.ticks++; p.ticks%2 == 0 && p.list.gate.loaded {
			return p.loadInbox() // OTPs expire and token codes change with the clock
		}
		return nil
	case tea.KeyPressMsg:
		if p.form != nil {
			return p.formKey(msg)
		}
		return p.listed(msg)
	case mouseMsg:
		if p.form != nil {
			return nil
		}
		return p.listed(msg)
	case stylesMsg:
		p.list.update(msg)
	}
	return nil
}

// listed gives a key or a click to the list first, then to the page.
func (p *bankPage) listed(msg tea.Msg) tea.Cmd {
	was, had := p.selected()
	ev, cmd := p.list.update(msg)
	switch ev {
	case listFiltered:
		p.refilter()
		if had && p.list.filterText() == "" { // cleared: the customer selected stays so, as on Accounts
			if i := slices.IndexFunc(p.rows, func(r int) bool { return p.customers[r].ID == was.ID }); i >= 0 {
				p.list.selectRow(i)
			}
		}
	case listPassed:
		if msg, ok := msg.(tea.KeyPressMsg); ok {
			return p.key(msg)
		}
		return nil
	}
	if c, ok := p.selected(); ok && c.ID != p.inboxFor { // another customer: their phone
		p.inbox, p.inboxFor = nil, ""
		return tea.Batch(cmd, p.loadInbox())
	}
	return cmd
}

func (p *bankPage) refilter() {
	p.rows = p.list.match(p.keys, p.rows[:0])
	p.list.setRows(len(p.rows))
}

// key is the page's own keys: the bank-side events on the selected customer.
func (p *bankPage) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.sh.keys
	c, ok := p.selected()
	switch {
	case !ok:
		return nil
	case key.Matches(msg, k.Spend):
		return p.openForm(formSpend, c)
	case key.Matches(msg, k.Receive):
		return p.openForm(formReceive, c)
	case key.Matches(msg, k.Password):
		return p.openForm(formPassword, c)
	case key.Matches(msg, k.Outage):
		return p.openForm(formOutage, c)
	case key.Matches(msg, k.MFA):
		return p.openForm(formMFA, c)
	case key.Matches(msg, k.NextAccount) && len(c.Accounts) > 1:
		p.nextAccount(c)
		return nil
	case key.Matches(msg, k.EndOutage):
		// An outage that is there: the ▸ account's bank's, else another of the
		// customer's banks' — O at the ▸ bank, up, said a down one was "back
		// up" (a review) — else none, said (it did nothing, unsaid: a trial).
		in, down := p.account(c).Institution, false
		for _, cand := range append([]simulator.Account{p.account(c)}, c.Accounts...) {
			if s, ok := p.statuses[cand.Institution.Code]; ok && s.OutageUntil.After(p.sh.now()) {
				in, down = cand.Institution, true
				break
			}
		}
		if !down {
			return toast(toastInfo, in.Name+" is not down: o starts an outage")
		}
		code, name := in.Code, in.Name
		bank := p.sh.bank
		p.busy = "ending the outage"
		return func() tea.Msg {
			return bankDoneMsg{what: name + " is back up", err: bank.EndOutage(code)}
		}
	}
	return nil
}

// mfaKindNamed reads a kind as typed in the MFA form: its name or its badge
// ("question" for security_question).
func mfaKindNamed(v string) (engine.MFAKind, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	for _, k := range engine.MFAKinds {
		if v == string(k) || v == strings.ToLower(k.Badge()) {
			return k, true
		}
	}
	return "", false
}

// account is the account the customer's postings and outages act on: the one a
// chose, else the connected one, else the first.
func (p *bankPage) account(c simulator.Customer) simulator.Account {
	for _, a := range c.Accounts {
		if a.Number == p.chosen[c.ID] {
			return a
		}
	}
	for _, a := range c.Accounts {
		if p.linked[a.Number] {
			return a
		}
	}
	return c.Accounts[0]
}

// nextAccount makes the customer's next account the one their postings and
// outages act on.
func (p *bankPage) nextAccount(c simulator.Customer) {
	at := p.account(c).Number
	i := slices.IndexFunc(c.Accounts, func(a simulator.Account) bool { return a.Number == at })
	if p.chosen == nil {
		p.chosen = map[string]string{}
	}
	p.chosen[c.ID] = c.Accounts[(i+1)%len(c.Accounts)].Number
}

func (p *bankPage) openForm(kind int, c simulator.Customer) tea.Cmd {
	f := &bankForm{kind: kind, account: p.account(c).Number, bank: p.account(c).Institution}
	in := func(prompt, placeholder string, w int) textinput.Model {
		ti := newInput(p.sh, prompt, placeholder)
		ti.SetWidth(w)
		return ti
	}
	// Placeholders read as hints ("e.g. …", "optional …"), never as values typed in;
	// a suggestion is a placeholder too, which enter takes (bankForm.value).
	switch kind {
	case formSpend:
		f.inputs = []textinput.Model{in("amount NGN ", "e.g. 5,000", 14), in("narration ", "optional (POS PURCHASE)", 28)}
	case formReceive:
		f.inputs = []textinput.Model{in("amount NGN ", "e.g. 25,000", 14), in("narration ", "optional (CASH DEPOSIT)", 28)}
	case formPassword:
		pw := suggestPassword(c)
		f.inputs, f.offered = []textinput.Model{in("new password ", pw, 24)}, []string{pw}
	case formOutage:
		f.inputs, f.offered = []textinput.Model{in("for ", "15m", 20)}, []string{"15m"}
	case formMFA:
		// The next kind is offered: m then enter steps through them, and a key
		// pressed by mistake changes nothing (esc).
		next := strings.ToLower(c.MFA.Next().Badge())
		f.inputs, f.offered = []textinput.Model{in("asks for ", next, 20)}, []string{next}
	}
	p.form = f
	return f.inputs[0].Focus()
}

// suggestPassword is a new password a presenter can read out: not the current one.
func suggestPassword(c simulator.Customer) string {
	n := 0
	for _, r := range c.ID {
		n = (n*31 + int(r)) % 9000
	}
	pw := "Sandbank@" + strconv.Itoa(1000+n)
	if pw == c.Password {
		pw += "!"
	}
	return pw
}

func (p *bankPage) formKey(msg tea.KeyPressMsg) tea.Cmd {
	f, k := p.form, p.sh.keys
	switch {
	case key.Matches(msg, k.Cancel):
		p.form = nil
		return nil
	case key.Matches(msg, k.NextField), key.Matches(msg, k.PrevField):
		f.inputs[f.field].Blur()
		f.field = (f.field + 1) % len(f.inputs) // two fields at most: back is forward
		return f.inputs[f.field].Focus()
	case key.Matches(msg, k.Submit):
		if p.busy != "" {
			return nil
		}
		return p.submit()
	}
	var cmd tea.Cmd
	f.inputs[f.field], cmd = f.inputs[f.field].Update(msg)
	return cmd
}

// submit runs the form's bank-side event in a command.
func (p *bankPage) submit() tea.Cmd {
	f := p.form
	c, ok := p.selected()
	if !ok {
		return nil
	}
	bank, id := p.sh.bank, c.ID
	f.err = ""
	switch f.kind {
	case formSpend, formReceive:
		amount, err := formAmount(f.inputs[0].Value())
		if err != "" {
			f.err = err
			return nil
		}
		post := simulator.Posting{Account: f.account, Type: engine.Debit, Amount: amount, Narration: f.inputs[1].Value()}
		verb := "spent"
		if f.kind == formReceive {
			post.Type, verb = engine.Credit, "received"
		}
		where := "at the bank"
		if len(c.Accounts) > 1 { // which of them
			where = map[string]string{"spent": "from ", "received": "into "}[verb] + f.account + " at " + shortBank(f.bank.Name)
		}
		p.busy = "posting"
		return func() tea.Msg {
			t, err := bank.PostTransaction(id, post)
			return bankDoneMsg{what: fmt.Sprintf("%s %s %s %s (%s): the API shows it after the next sync", c.Name, verb, naira(t.Amount), where, t.Narration), err: err}
		}
	case formPassword:
		pw := f.value(0)
		p.busy = "changing the password"
		return func() tea.Msg {
			return bankDoneMsg{what: c.Name + "'s password is now " + pw + ": the next sync fails until the user re-authorises (R6)", err: bank.ChangePassword(id, pw)}
		}
	case formMFA:
		kind, ok := mfaKindNamed(f.value(0))
		if !ok {
			f.err = "type none, otp, question, token or captcha"
			return nil
		}
		p.busy = "changing MFA"
		return func() tea.Msg {
			// The bank ends the customer's open sessions as it changes MFA: the next
			// sync, not the one after the session's 15 minutes, needs the user.
			what := c.Name + "'s bank now asks for " + kind.Words() + ", sessions ended: the next sync needs re-authorisation (R5)"
			switch {
			case kind == c.MFA: // the bank changes nothing, and ends no session
				what = c.Name + "'s bank already asks for " + kind.Words() + ": nothing changed"
				if kind == engine.MFANone {
					what = c.Name + "'s bank already asks for the password alone: nothing changed"
				}
			case kind == engine.MFANone:
				what = c.Name + "'s bank turned MFA off: the saved password alone signs in"
			}
			return bankDoneMsg{what: what, err: bank.SetMFA(id, kind)}
		}
	case formOutage:
		d, err := simulator.ParseDurationLike(f.value(0), simulator.OutageExamples)
		if err != nil {
			f.err = errText(err)
			return nil
		}
		in := f.bank // as the form said when it opened
		p.busy = "starting the outage"
		return func() tea.Msg {
			return bankDoneMsg{what: shortBank(in.Name) + " is down for " + span(d) + " (O ends it): sign-ins and syncs fail until then", err: bank.StartOutage(in.Code, d)}
		}
	}
	return nil
}

// formAmount reads the amount field with the one naira parser, engine.ParseNaira;
// what it refuses comes back as the field's message, after what the field wants.
func formAmount(v string) (int64, string) {
	const want = "type an amount in naira"
	if strings.TrimSpace(v) == "" {
		return 0, want + ", e.g. 5,000 or 5,000.50"
	}
	kobo, err := engine.ParseNaira(v)
	switch {
	case err != nil:
		return 0, want + ": " + errText(err)
	case kobo == 0:
		return 0, "the amount must be more than zero"
	}
	return kobo, ""
}

func (p *bankPage) ShortHelp() []key.Binding {
	k := p.sh.keys
	switch {
	case p.form != nil:
		if len(p.form.inputs) > 1 {
			return []key.Binding{withHelp(k.NextField, "next field"), withHelp(k.Submit, "do it"), withHelp(k.Cancel, "cancel")}
		}
		return []key.Binding{withHelp(k.Submit, "do it"), withHelp(k.Cancel, "cancel")}
	case p.list.filtering:
		return []key.Binding{withHelp(k.Submit, "keep filter"), withHelp(k.Cancel, "clear filter")}
	}
	keys := []key.Binding{k.Spend, k.Receive, k.Password, k.MFA, k.Outage, k.Filter}
	if c, ok := p.selected(); ok && len(c.Accounts) > 1 {
		keys = append([]key.Binding{k.NextAccount}, keys...)
	}
	return keys
}

func (p *bankPage) FullHelp() [][]key.Binding {
	k := p.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Filter}, {k.Spend, k.Receive, k.Password}, {k.MFA, k.Outage, k.EndOutage, k.NextAccount}}
}

func (p *bankPage) listWidth() int { return min(max(p.w*42/100, 34), 52) }

func (p *bankPage) View() string {
	st := p.sh.styles
	lw := p.listWidth()
	rw := p.w - lw - 3
	ls := strings.Split(padLines(p.listView(lw), lw, p.h), "\n")
	rs := strings.Split(padLines(strings.Join(p.card(rw), "\n"), rw, p.h), "\n")
	sep := st.Faint.Render(" │ ")
	out := make([]string, p.h)
	for i := range out {
		out[i] = ls[i] + sep + rs[i]
	}
	return strings.Join(out, "\n")
}

var customerColumns = []column{
	{title: "CUSTOMER", flex: true, min: 12},
	{title: "BANK", width: 10, drop: 1},
	{title: "MFA", width: 8},
	{title: "API", width: 3},
}

// customerLayout lays the customer list out in w cells, the columns as wide as
// the rows shown want them where there is room (name, bank: their widest
// customer's name and bank's cell): where BANK at its width
// would go, it keeps its first six cells ("Zenith", "Stanb…") — at 80 columns
// two customers of one name at two banks read alike (a presenter's trial).
func customerLayout(w, name, bank int) []column {
	wide := slices.Clone(customerColumns)
	for i := range wide {
		switch wide[i].title {
		case "CUSTOMER":
			wide[i].want = name
		case "BANK":
			wide[i].want = bank
		}
	}
	cols := layout(wide, w)
	if has(cols, "BANK") {
		return cols
	}
	narrow := slices.Clone(customerColumns)
	for i := range narrow {
		switch narrow[i].title {
		case "BANK":
			narrow[i].width = 6
		case "CUSTOMER":
			narrow[i].min = 11 // "Adam Okafor", "Kunle Oduk…"
		}
	}
	return layout(narrow, w)
}

func (p *bankPage) listView(w int) string {
	st, now := p.sh.styles, p.sh.now()
	var b strings.Builder
	title := st.Title.Render(" Customers") + st.Muted.Render(" "+itoa(len(p.rows)))
	if p.list.filtering {
		title = " " + p.list.status()
	} else if status := p.list.status(); status != "" {
		title += " " + status
	}
	b.WriteString(fit(title, w) + "\n")
	name, bank := 0, 0
	from, to := p.list.visible()
	for _, r := range p.rows[from:to] {
		c := p.customers[r]
		name, bank = max(name, ansi.StringWidth(c.Name)), max(bank, ansi.StringWidth(p.bankCell(c, now, w)))
	}
	cols := customerLayout(w-2, name, bank)
	b.WriteString(headerRow(cols, st.ColHeader) + "\n")
	cells := make([]string, len(cols))
	p.list.draw(&b, w, p.list.h, "No customers at the bank.", func(r int, sel bool) []string {
		c := p.customers[p.rows[r]]
		for j, col := range cols {
			var s string
			switch col.title {
			case "CUSTOMER":
				s = c.Name
			case "BANK":
				s = p.bankCell(c, now, col.width)
			case "MFA":
				s = c.MFA.Badge()
			case "API":
				if p.connected[c.ID] != "" {
					s = "●"
				}
			}
			cells[j] = cell(col, s)
			if !sel {
				switch col.title {
				case "MFA":
					if c.MFA != engine.MFANone {
						cells[j] = st.Accent.Render(cells[j])
					} else {
						cells[j] = st.Faint.Render(cells[j])
					}
				case "API":
					cells[j] = st.OK.Render(cells[j])
				case "BANK":
					if p.down(c, now) {
						cells[j] = st.Bad.Render(cells[j])
					} else {
						cells[j] = st.Muted.Render(cells[j])
					}
				}
			}
		}
		return cells
	})
	return b.String()
}

// bankCell is a customer's bank in the list: the connected account's (else the
// first account's), "+N" when the customer banks at N others too, and "⚠" when
// one of those banks is down — the list showed one bank and no outage, so a
// customer at two, or one whose bank was down, looked like any other.
func (p *bankPage) bankCell(c simulator.Customer, now time.Time, w int) string {
	shown := c.Accounts[0].Institution
	for _, a := range c.Accounts {
		if p.linked[a.Number] {
			shown = a.Institution
			break
		}
	}
	banks := map[string]bool{shown.Code: true}
	for _, a := range c.Accounts {
		banks[a.Institution.Code] = true
	}
	// The marks stay whole; the name gives way ("⚠ Coronat…", "Corona… +1"). The
	// ⚠ goes before the bank that is down: "⚠ Acce… +1" read as Access down
	// while Stanbic, the other, was (a newcomer's trial) — "Acce… ⚠+1".
	before, after := "", ""
	if s, ok := p.statuses[shown.Code]; ok && s.OutageUntil.After(now) {
		before = "⚠ "
	}
	if n := len(banks) - 1; n > 0 {
		after = " +" + itoa(n)
		if before == "" && p.down(c, now) {
			after = " ⚠+" + itoa(n)
		}
	}
	if w-ansi.StringWidth(before+after) < 4 {
		// Too narrow for the marks' spaces (80 columns: six cells): "⚠ … +1" had
		// no bank left to read (a presenter's trial); "⚠Ac…+1" keeps some.
		before, after = strings.TrimSpace(before), strings.TrimSpace(after)
	}
	return before + clip(shortBank(shown.Name), w-ansi.StringWidth(before+after)) + after
}

// down reports whether a bank of the customer's is in an outage.
func (p *bankPage) down(c simulator.Customer, now time.Time) bool {
	for _, a := range c.Accounts {
		if s, ok := p.statuses[a.Institution.Code]; ok && s.OutageUntil.After(now) {
			return true
		}
	}
	return false
}

// card is the selected customer: credentials, accounts, the bank's state, the
// action form if one is open, and the phone.
func (p *bankPage) card(w int) []string {
	st, now := p.sh.styles, p.sh.now()
	c, ok := p.selected()
	if !ok {
		return nil
	}
	// A value too long for the card goes on under itself ("password changed: next
	// sign-in a…" at 80 columns).
	row := func(label, value string) string {
		return st.Label.Render(fit(label, 10)) + hangValue(value, w-10, 10, 1)
	}
	out := []string{st.Bold.Render(c.Name) + st.Muted.Render(" · "+strings.ReplaceAll(c.Profile, "_", " ")+" · "+c.AuthMethod)}
	out = append(out, row("sign in", st.Value.Render(c.Username)+st.Faint.Render(" / ")+st.Value.Render(c.Password)))
	mfa := st.Faint.Render("none — the password is enough")
	if c.MFA != engine.MFANone {
		mfa = st.Accent.Render(c.MFA.Badge()) + st.Muted.Render(" — asks "+c.MFA.Words())
	}
	out = append(out, row("MFA", mfa))
	if c.NextLoginOTP {
		out = append(out, row("", st.Warn.Render("password changed: next sign-in asks an OTP")))
	}
	for i, l := range p.questionLines(c, w-10) {
		label := "question"
		if i > 0 {
			label = ""
		}
		out = append(out, row(label, l))
	}
	out = append(out, row("phone", c.Phone+st.Muted.Render(" · "+c.Email)))
	title := st.Title.Render("ACCOUNTS") + st.Faint.Render(" live at the bank")
	acting := p.account(c).Number
	if len(c.Accounts) > 1 { // fits 80 columns' card
		title = st.Title.Render("ACCOUNTS") + st.Faint.Render(" live · s r o act on ▸, a next")
	}
	out = append(out, clip(title, w))
	for _, a := range c.Accounts {
		bank := a.Institution.Name
		if ansi.StringWidth(a.Number+" "+bank+" "+naira(a.Balance)+" ● connected") > w-1 {
			bank = shortBank(bank) // the balance before the bank's full name (it was cut at 80 columns)
		}
		line := a.Number + " " + bank + " " + st.Bold.Render(naira(a.Balance))
		if p.linked[a.Number] { // this account, not another of the customer's
			line += st.OK.Render(" ● connected")
		}
		mark := " "
		if len(c.Accounts) > 1 && a.Number == acting {
			mark = st.Accent.Render("▸")
		}
		out = append(out, mark+clip(line, w-1))
		if s, ok := p.statuses[a.Institution.Code]; ok && s.OutageUntil.After(now) {
			for _, l := range wrap("⚠ "+bank+" is down until "+fmtMoment(s.OutageUntil, now)+" ("+countdown(s.OutageUntil.Sub(now))+" left)", w-3) {
				out = append(out, "   "+st.Bad.Render(l))
			}
		}
	}
	if f := p.form; f != nil {
		out = append(append(out, ""), p.formView(f, c, w)...)
	} else if p.busy != "" {
		out = append(out, "", st.Accent.Render(p.sh.spinner()+" "+p.busy+"…"))
	}
	order := " · newest first"
	if p.inboxFor == c.ID && len(p.inbox) > 0 && p.inbox[0].Kind == simulator.MessageToken {
		order = " · token code, then newest first" // the code shows the minute it is valid from
	}
	out = append(out, "", st.Title.Render("📱 PHONE")+st.Faint.Render(" "+c.Phone+order))
	switch {
	case p.inboxErr != "":
		out = append(out, st.Bad.Render(p.inboxErr))
	case p.inboxFor != c.ID:
		out = append(out, st.Faint.Render("…"))
	case len(p.inbox) == 0:
		for _, l := range wrap("No messages yet: OTPs arrive here when the bank asks for one.", w) {
			out = append(out, st.Faint.Render(l))
		}
	default:
		used := strings.Count(strings.Join(out, "\n"), "\n") + 1 // rows that went on under themselves count twice
		out = append(out, inboxLines(st, p.inbox, now, w, max(p.h-used-1, 1))...)
	}
	return out
}

// questionLines are the security question and its answer in w cells: the question
// wraps, and the answer — what a tester types — keeps to one line, never clipped
// off the end as a narrow card did.
func (p *bankPage) questionLines(c simulator.Customer, w int) []string {
	st := p.sh.styles
	q := wrap(c.SecurityQuestion+" →", w)
	fits := ansi.StringWidth(q[len(q)-1])+1+ansi.StringWidth(c.SecurityAnswer) <= w
	for i := range q {
		q[i] = st.Muted.Render(q[i])
	}
	if fits {
		q[len(q)-1] += " " + st.Value.Render(c.SecurityAnswer)
		return q
	}
	return append(q, st.Value.Render(c.SecurityAnswer))
}

func (p *bankPage) formView(f *bankForm, c simulator.Customer, w int) []string {
	st := p.sh.styles
	var title, note string
	switch f.kind {
	case formSpend:
		title, note = "Spend money from "+f.account, "A debit at the bank now; the API shows it after the next sync (R1)."
	case formReceive:
		title, note = "Receive money into "+f.account, "A credit at the bank now; the API shows it after the next sync (R1)."
	case formPassword:
		title, note = "Change "+c.Name+"'s password", "The saved password stops working: the next sync fails with reauthorisation required (R6). 6+ characters, no spaces; enter takes the one shown."
	case formMFA:
		title, note = "What "+c.Name+"'s bank asks after the password", "Now: "+strings.ToLower(c.MFA.Badge())+
			". none, otp, question, token or captcha; enter takes the one shown (m, enter steps through them). Open sessions end."
	case formOutage:
		title, note = f.bank.Name+" outage", "Sign-ins and syncs fail with the bank unavailable, for up to 30d (e.g. 2h, 1d; enter takes 15m)."
	}
	var out []string
	for _, l := range wrap(title, w-2) { // "What Adam Okafor's bank asks after the pa…" at 80 columns
		out = append(out, st.Accent.Render("▍")+st.Bold.Render(l))
	}
	for _, l := range wrap(note, w-2) {
		out = append(out, st.Accent.Render("▍")+st.Muted.Render(l))
	}
	for _, in := range f.inputs {
		out = append(out, st.Accent.Render("▍")+in.View())
	}
	if f.err != "" {
		for _, l := range wrap(f.err, w-2) {
			out = append(out, st.Accent.Render("▍")+st.Bad.Render(l))
		}
	}
	if p.busy != "" {
		out = append(out, st.Accent.Render("▍")+st.Accent.Render(p.sh.spinner()+" "+p.busy+"…"))
	}
	return out
}
