package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
	"sandbank/simulator"
)

// Steps of the widget.
type widgetStep int

const (
	stepBank       widgetStep = iota // connect: pick a bank
	stepOpening                      // a session is being opened
	stepLogin                        // username and password
	stepChallenge                    // the bank's challenge
	stepExchanging                   // connect: the code is being exchanged
	stepDone
	stepLink // the ID (or mono_url) of a v2 initiate link is being typed
)

// widgetModal is what connect.setup() and connect.reauthorise(token) show an end
// user: pick a bank, log in, answer the bank's challenge. It talks to the engine's
// widget sessions (the same ones POST /connect/sessions drives), and shows the
// sandbox's conveniences: the test customers' credentials and the customer's phone.
// ctrl+l opens a v2 initiate link instead (its ID, or its mono_url): the page a
// link's user would see, walked here.
type widgetModal struct {
	sh        *shared
	w, h      int
	accountID string // the account to re-authorise; "" to connect one
	step      widgetStep
	gate      loadGate // the bank's answer awaited: the latest step wins
	err       string
	retryAt   time.Time // when the error's lock ends, on the virtual clock; zero if it has none
	closed    bool

	insts  []engine.Institution
	cursor int

	state engine.WidgetState
	token engine.ReauthToken
	acct  engine.Account // reauth: the account; connect: the one connected

	inputs [4]textinput.Model // username, password, answer, link
	field  int

	link *engine.Link // the v2 initiate link walked, if any

	customers  []simulator.Customer // for the sandbox hints
	customerID string               // whose phone the hints point to
	phone      bool
	inbox      []simulator.Message
	inboxErr   string

	job *engine.SyncJob // the sync that followed
}

type (
	widgetInstsMsg struct{ insts []engine.Institution }
	widgetCustMsg  struct{ customers []simulator.Customer }
	// widgetOpened is a session opened: for a reauth, with its token and account.
	widgetOpened struct {
		state engine.WidgetState
		token engine.ReauthToken
		acct  engine.Account
		link  *engine.Link // a v2 link: when it names no bank, state is empty and the user picks one
	}
	// widgetStepped is the bank's answer to a login or an answer.
	widgetStepped struct {
		state     engine.WidgetState
		exchanged bool           // connect: the code was exchanged for acct
		acct      engine.Account // ... this account
		job       *engine.SyncJob
	}
	widgetInboxMsg struct {
		customerID string
		msgs       []simulator.Message
		err        error
	}
	// widgetFill is what ctrl+f types: (username, password) or (answer).
	widgetFill []string
)

func newWidgetModal(sh *shared, accountID string) *widgetModal {
	m := &widgetModal{sh: sh, accountID: accountID}
	m.inputs[0] = newInput(sh, "", "username")
	m.inputs[1] = newInput(sh, "", "password")
	m.inputs[1].EchoMode = textinput.EchoPassword
	m.inputs[1].EchoCharacter = '•'
	m.inputs[2] = newInput(sh, "", "your answer")
	m.inputs[3] = newInput(sh, "", "a link's ID or its mono_url")
	for i := range m.inputs {
		m.inputs[i].SetWidth(30)
	}
	return m
}

func (m *widgetModal) reauth() bool { return m.accountID != "" }

// Init loads the banks (connect) or requests a reauth token and opens the widget
// with it (reauth), as a business's backend and frontend would.
func (m *widgetModal) Init() tea.Cmd {
	eng, bank, ctx := m.sh.eng, m.sh.bank, m.sh.ctx
	if !m.reauth() {
		m.step = stepBank
		return tea.Batch(
			func() tea.Msg { return widgetInstsMsg{eng.Institutions()} },
			func() tea.Msg { return widgetCustMsg{bank.Customers()} },
		)
	}
	m.step = stepOpening
	id := m.accountID
	return loadLatest(&m.gate, func() (o widgetOpened, err error) {
		if o.acct, err = eng.Account(ctx, id); err != nil {
			return o, err
		}
		if o.token, err = eng.RequestReauth(ctx, id); err != nil {
			return o, err
		}
		o.state, err = eng.OpenWidget(ctx, engine.WidgetRequest{ReauthToken: o.token.Token})
		return o, err
	})
}

// loadCustomer reads the one customer a reauth is for: the sandbox hints name them.
func (m *widgetModal) loadCustomer(id string) tea.Cmd {
	bank := m.sh.bank
	if bank == nil {
		return nil
	}
	return func() tea.Msg {
		c, err := bank.Customer(id)
		if err != nil {
			return nil
		}
		return widgetCustMsg{[]simulator.Customer{c}}
	}
}

func (m *widgetModal) SetSize(w, h int) { m.w, m.h = w, h }
func (m *widgetModal) Busy() bool       { return m.gate.loading }
func (m *widgetModal) Closed() bool     { return m.closed }

// Capturing: at the login and the challenge the user types, ? included.
func (m *widgetModal) Capturing() bool { return m.step == stepLogin || m.step == stepChallenge }

func (m *widgetModal) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case widgetInstsMsg:
		m.insts = msg.insts
	case widgetCustMsg:
		m.customers = msg.customers
	case loaded[widgetOpened]:
		if !msg.of(&m.gate) {
			return nil
		}
		if l := msg.val.link; l != nil && msg.err == nil {
			m.link = l
			if l.Scope == engine.LinkReauth {
				m.accountID = l.AccountID
			}
			if msg.val.state.Session == "" { // the link names no bank: the user picks one
				m.step = stepBank
				return nil
			}
		}
		if m.reauth() {
			m.acct, m.token = msg.val.acct, msg.val.token
			m.customerID = msg.val.acct.CustomerID
		}
		custCmd := m.loadCustomer(m.customerID)
		if !m.reauth() {
			custCmd = nil
		}
		if msg.err != nil {
			m.fail(msg.err)
			switch {
			case m.link == nil && msg.val.link == nil && m.step == stepOpening && m.inputs[3].Value() != "":
				m.step = stepLink // a link that could not be opened: type it again
				return m.focusLink()
			case m.reauth():
				m.step = stepLogin
				m.state.Reauth = true
			default:
				m.step = stepBank
			}
			return custCmd
		}
		return tea.Batch(custCmd, m.enter(msg.val.state))
	case loaded[widgetStepped]:
		if !msg.of(&m.gate) {
			return nil
		}
		v := msg.val
		if msg.err != nil {
			m.fail(msg.err)
			if v.state.Session != "" {
				m.state.AttemptsLeft = v.state.AttemptsLeft
			}
			if m.step == stepExchanging {
				m.step = stepDone
			}
			return nil
		}
		m.job = v.job
		if v.exchanged {
			m.acct, m.step = v.acct, stepDone
			return nil
		}
		return m.enter(v.state)
	case widgetInboxMsg:
		if msg.customerID == m.customerID {
			m.inbox, m.inboxErr = msg.msgs, ""
			if msg.err != nil {
				m.inboxErr = errText(msg.err)
			}
		}
	case loaded[widgetFill]:
		if !msg.of(&m.gate) {
			return nil
		}
		if msg.err != nil {
			m.err = engine.ErrorMessageOrText(msg.err)
			return nil
		}
		for i, f := range msg.val {
			if f != "" {
				m.inputs[m.fillIndex(i)].SetValue(f)
				m.inputs[m.fillIndex(i)].CursorEnd()
			}
		}
	case tickMsg:
		if m.phone {
			return m.loadInbox()
		}
	case reloadMsg:
		if m.phone && msg.what&reloadBank != 0 {
			return m.loadInbox()
		}
	case stylesMsg:
		for i := range m.inputs {
			m.inputs[i].SetStyles(m.sh.styles.Input)
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return nil
}

// fail shows an error; one that says when to try again (a locked sign-in) counts
// down on the virtual clock from now, instead of repeating the wait it was sent with.
func (m *widgetModal) fail(err error) {
	m.err, m.retryAt = errText(err), time.Time{}
	if e, ok := engine.AsError(err); ok && e.RetryAfter > 0 {
		m.retryAt = m.sh.now().Add(e.RetryAfter)
	}
}

// fillIndex maps the fields of a fill to inputs: (username, password) at login,
// (answer) at a challenge.
func (m *widgetModal) fillIndex(i int) int {
	if m.step == stepChallenge {
		return 2
	}
	return i
}

// enter moves to the step a widget state asks for.
func (m *widgetModal) enter(st engine.WidgetState) tea.Cmd {
	m.state = st
	switch st.Status {
	case engine.WidgetLogin:
		m.step = stepLogin
		m.inputs[0].SetValue(st.Username)
		m.field = 0
		if st.Username != "" {
			m.field = 1
		}
		return m.focus()
	case engine.WidgetChallenge:
		m.step = stepChallenge
		m.inputs[2].SetValue("")
		m.field = 2
		cmd := m.focus()
		if m.phone {
			return tea.Batch(cmd, m.loadInbox())
		}
		return cmd
	case engine.WidgetSuccess:
		if m.reauth() {
			m.step = stepDone
			return nil
		}
		m.step = stepExchanging
		code, eng, ctx := st.Code, m.sh.eng, m.sh.ctx
		return loadLatest(&m.gate, func() (widgetStepped, error) {
			a, err := eng.ExchangeCode(ctx, code)
			v := widgetStepped{state: st, exchanged: true, acct: a}
			if err == nil {
				if jobs, err := eng.SyncJobs(ctx, a.ID, 1); err == nil && len(jobs) > 0 {
					v.job = &jobs[0]
				}
			}
			return v, err
		})
	}
	return nil
}

func (m *widgetModal) focus() tea.Cmd {
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	return m.inputs[m.field].Focus()
}

// close closes the widget, and tells the pages what it did.
func (m *widgetModal) close() tea.Cmd {
	m.closed = true
	id, reauth := "", m.reauth()
	if m.step == stepDone && m.err == "" {
		id = m.acct.ID
	}
	open := id != "" && !reauth
	return func() tea.Msg {
		if open {
			return tea.BatchMsg{
				func() tea.Msg { return widgetClosedMsg{accountID: id} },
				func() tea.Msg { return openAccountMsg{id: id} },
			}
		}
		return widgetClosedMsg{accountID: id, reauth: reauth}
	}
}

func (m *widgetModal) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	if key.Matches(msg, k.Cancel) {
		return m.close()
	}
	if key.Matches(msg, k.Phone) {
		m.phone = !m.phone
		if m.phone {
			return m.loadInbox()
		}
		return nil
	}
	if m.gate.loading {
		return nil
	}
	switch m.step {
	case stepLink:
		if key.Matches(msg, k.Submit) {
			return m.openLink(m.inputs[3].Value())
		}
		var cmd tea.Cmd
		m.inputs[3], cmd = m.inputs[3].Update(msg)
		return cmd
	case stepBank:
		switch {
		case key.Matches(msg, k.Link) && m.link == nil:
			m.step, m.err = stepLink, ""
			return m.focusLink()
		case key.Matches(msg, k.Up):
			m.cursor = max(m.cursor-1, 0)
		case key.Matches(msg, k.Down):
			m.cursor = min(m.cursor+1, len(m.insts)-1)
		case key.Matches(msg, k.Submit):
			if m.cursor < len(m.insts) {
				return m.open(m.insts[m.cursor].Code)
			}
		}
		return nil
	case stepLogin, stepChallenge:
		switch {
		case key.Matches(msg, k.Fill):
			return m.fill()
		case key.Matches(msg, k.Submit):
			return m.submit()
		case m.step == stepLogin && (key.Matches(msg, k.NextField) || key.Matches(msg, k.PrevField)):
			m.field = 1 - m.field
			if m.state.Username != "" && m.reauth() {
				m.field = 1 // re-authorising: the username is the connected user's
			}
			return m.focus()
		}
		var cmd tea.Cmd
		m.inputs[m.field], cmd = m.inputs[m.field].Update(msg)
		return cmd
	case stepDone:
		if key.Matches(msg, k.Submit) {
			return m.close()
		}
	}
	return nil
}

// open starts a connect session at a bank (on the link walked, if any).
func (m *widgetModal) open(code string) tea.Cmd {
	m.step, m.err, m.retryAt = stepOpening, "", time.Time{}
	eng, ctx, req := m.sh.eng, m.sh.ctx, engine.WidgetRequest{Institution: code}
	if m.link != nil {
		req.Link = m.link.ID
	}
	return loadLatest(&m.gate, func() (widgetOpened, error) {
		st, err := eng.OpenWidget(ctx, req)
		return widgetOpened{state: st}, err
	})
}

func (m *widgetModal) focusLink() tea.Cmd {
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	return m.inputs[3].Focus()
}

// openLink opens a v2 initiate link, from its ID or its mono_url: a reauth link,
// or a connect link that names its bank, opens a session at once; a connect link
// without a bank lets the user pick one.
func (m *widgetModal) openLink(typed string) tea.Cmd {
	id := strings.TrimSpace(typed)
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	if id == "" {
		m.err = "type the link's ID, or paste its mono_url (POST /v2/accounts/initiate answers it)"
		return nil
	}
	m.step, m.err, m.retryAt = stepOpening, "", time.Time{}
	eng, ctx := m.sh.eng, m.sh.ctx
	return loadLatest(&m.gate, func() (o widgetOpened, err error) {
		l, err := eng.Link(ctx, id)
		if err != nil {
			return o, err
		}
		o.link = &l
		if l.Scope == engine.LinkReauth {
			if o.acct, err = eng.Account(ctx, l.AccountID); err != nil {
				return o, err
			}
		} else if l.Institution == "" {
			return o, nil
		}
		o.state, err = eng.OpenWidget(ctx, engine.WidgetRequest{Link: l.ID, Institution: l.Institution})
		return o, err
	})
}

// submit sends the login or the answer.
func (m *widgetModal) submit() tea.Cmd {
	m.err, m.retryAt = "", time.Time{}
	eng, ctx, session := m.sh.eng, m.sh.ctx, m.state.Session
	user, pass, answer := strings.TrimSpace(m.inputs[0].Value()), m.inputs[1].Value(), m.inputs[2].Value()
	id, login := m.accountID, m.step == stepLogin
	if c, ok := m.customerByUsername(user); ok && login && !m.reauth() {
		m.customerID = c.ID
	}
	return loadLatest(&m.gate, func() (widgetStepped, error) {
		var st engine.WidgetState
		var err error
		if login {
			st, err = eng.WidgetLogin(ctx, session, user, pass)
		} else {
			st, err = eng.WidgetAnswer(ctx, session, answer)
		}
		return widgetStepped{state: st, job: lastJob(eng, ctx, id, st)}, err
	})
}

// lastJob is the sync that ran right after a successful re-authorisation.
func lastJob(eng *engine.Engine, ctx context.Context, id string, st engine.WidgetState) *engine.SyncJob {
	if id == "" || st.Status != engine.WidgetSuccess {
		return nil
	}
	jobs, err := eng.SyncJobs(ctx, id, 1)
	if err != nil || len(jobs) == 0 {
		return nil
	}
	return &jobs[0]
}

func (m *widgetModal) customerByUsername(u string) (simulator.Customer, bool) {
	for _, c := range m.customers {
		if strings.EqualFold(c.Username, u) {
			return c, true
		}
	}
	return simulator.Customer{}, false
}

// fill types what the test customer would: the credentials at login, the answer
// to a challenge (read from the phone or the customer's profile).
func (m *widgetModal) fill() tea.Cmd {
	bank := m.sh.bank
	switch m.step {
	case stepLogin:
		if m.reauth() {
			cid := m.customerID
			return loadLatest(&m.gate, func() (widgetFill, error) {
				c, err := bank.Customer(cid)
				return widgetFill{c.Username, c.Password}, err
			})
		}
		cs := m.bankCustomers()
		if len(cs) == 0 {
			return nil
		}
		c := cs[0]
		for i, x := range cs { // the next one after what is typed
			if strings.EqualFold(x.Username, m.inputs[0].Value()) {
				c = cs[(i+1)%len(cs)]
			}
		}
		m.customerID = c.ID
		m.inputs[0].SetValue(c.Username)
		m.inputs[1].SetValue(c.Password)
		m.inputs[m.field].CursorEnd()
		return nil
	case stepChallenge:
		if m.customerID == "" || m.state.Challenge == nil {
			return nil
		}
		id := m.state.Challenge.ID
		return loadLatest(&m.gate, func() (widgetFill, error) {
			ans, err := bank.ExpectedAnswer(id)
			return widgetFill{ans}, err
		})
	}
	return nil
}

// bankCustomers are the test customers with an account at the session's bank.
func (m *widgetModal) bankCustomers() []simulator.Customer {
	var out []simulator.Customer
	for _, c := range m.customers {
		for _, a := range c.Accounts {
			if a.Institution.Code == m.state.Institution.Code {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

func (m *widgetModal) loadInbox() tea.Cmd {
	if m.customerID == "" || m.sh.bank == nil {
		return nil
	}
	bank, cid := m.sh.bank, m.customerID
	return func() tea.Msg {
		msgs, err := bank.Inbox(cid)
		return widgetInboxMsg{customerID: cid, msgs: msgs, err: err}
	}
}

func (m *widgetModal) ShortHelp() []key.Binding {
	k := m.sh.keys
	switch m.step {
	case stepBank:
		if m.link != nil {
			return []key.Binding{k.Up, k.Down, withHelp(k.Submit, "choose"), withHelp(k.Cancel, "close")}
		}
		return []key.Binding{k.Up, k.Down, withHelp(k.Submit, "choose"), k.Link, withHelp(k.Cancel, "close")}
	case stepLink:
		return []key.Binding{withHelp(k.Submit, "open the link"), withHelp(k.Cancel, "close")}
	case stepLogin:
		return []key.Binding{withHelp(k.NextField, "switch field"), withHelp(k.Submit, "log in"), k.Fill, k.Phone, withHelp(k.Cancel, "close")}
	case stepChallenge:
		return []key.Binding{withHelp(k.Submit, "answer"), k.Phone, withHelp(k.Fill, "fill the answer"), withHelp(k.Cancel, "close")}
	case stepDone:
		return []key.Binding{withHelp(k.Submit, "done")}
	}
	return []key.Binding{withHelp(k.Cancel, "close")}
}

func (m *widgetModal) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the widget as a modal.
func (m *widgetModal) View() string {
	st := m.sh.styles
	w := min(m.w-6, 74)
	iw := w - 6 // inside the frame's border and padding
	var b []string
	add := func(s ...string) { b = append(b, s...) }
	wrapAdd := func(style func(...string) string, text string) {
		for _, l := range wrap(text, iw) {
			add(style(l))
		}
	}

	title := st.Title.Render("Mono Connect") + st.Faint.Render(" · connect.setup()")
	switch {
	case m.link != nil:
		title = st.Title.Render("Mono Connect") + st.Faint.Render(" · v2 link ("+m.link.Scope+")")
	case m.reauth():
		title = st.Title.Render("Mono Connect") + st.Faint.Render(" · connect.reauthorise(token)")
	}
	add(spread(title, st.Faint.Render("sandbox widget"), iw))
	if m.state.Institution.Name != "" {
		add(st.Bold.Render(m.state.Institution.Name) + st.Muted.Render(" · bank code "+m.state.Institution.Code))
	}
	if m.reauth() {
		if m.acct.ID != "" {
			add(st.Muted.Render("Re-authorise " + m.acct.Name + " (" + maskNumber(m.acct.Number) + ")"))
		}
		if !m.token.ExpiresAt.IsZero() {
			left := m.token.ExpiresAt.Sub(m.sh.now())
			tok := st.Muted.Render("reauth token " + clip(m.token.Token, 14) + " ")
			switch {
			case m.state.Status == engine.WidgetSuccess:
				add(tok + st.Faint.Render("used: re-authorised"))
			case left > 0:
				style := st.OK
				if left < 2*time.Minute {
					style = st.Warn
				}
				add(tok + style.Render("expires in "+countdown(left)) + st.Faint.Render(" · valid 10 min, single use"))
			default:
				add(tok + st.Bad.Render("expired: close and press r again"))
			}
		}
	}
	add(st.Rule.Render(rule(iw)))

	if l := m.link; l != nil && m.state.Status != engine.WidgetSuccess {
		add(st.Muted.Render("link "+clip(l.ID, 16)+" for "+l.Customer.ID+" · ref "+orDash(l.Ref)) +
			st.Faint.Render(" · expires in "+countdown(l.ExpiresAt.Sub(m.sh.now()))))
	}
	switch m.step {
	case stepLink:
		add(st.Bold.Render("Open a v2 link"), "")
		wrapAdd(st.Muted.Render, "POST /v2/accounts/initiate answers a mono_url; paste it, or the link's ID, and walk it as its user would.")
		add("", st.Label.Render(fit("Link", 10))+m.inputs[3].View())
	case stepBank:
		add(st.Bold.Render("Select your bank"), "")
		if len(m.insts) == 0 {
			add(st.Accent.Render(m.sh.spinner() + " loading banks…"))
		}
		rows := max(min(len(m.insts), m.h-16), 3)
		off := min(max(m.cursor-rows/2, 0), max(len(m.insts)-rows, 0))
		for i := off; i < min(off+rows, len(m.insts)); i++ {
			in := m.insts[i]
			kind := strings.ToLower(strings.TrimSuffix(in.Type, "_BANKING"))
			line := fit(in.Name, iw-20) + fit(in.Code, 6) + fit(kind, 12)
			if i == m.cursor {
				add(st.Selected.Render("▸ " + line))
			} else {
				add("  " + fit(in.Name, iw-20) + st.Muted.Render(fit(in.Code, 6)) + st.Faint.Render(fit(kind, 12)))
			}
		}
		if m.link == nil {
			add("", st.Faint.Render("ctrl+l opens a v2 initiate link instead"))
		}
	case stepOpening:
		add(st.Accent.Render(m.sh.spinner() + " opening a session…"))
	case stepLogin:
		add(st.Bold.Render("Log in to "+m.state.Institution.Name), "")
		if m.reauth() && m.acct.ReauthReason == engine.ReauthCredentials {
			wrapAdd(st.Warn.Render, "The bank rejected the saved password. Enter the customer's current password.")
			add("")
		}
		add(st.Label.Render(fit("Username", 10))+m.field0(), st.Label.Render(fit("Password", 10))+m.inputs[1].View())
		add("")
		add(m.loginHint(iw)...)
	case stepChallenge:
		ch := m.state.Challenge
		if ch != nil {
			add(st.Bold.Render(m.state.Institution.Name+" asks for "+ch.Kind.Words()), "")
			wrapAdd(st.Value.Render, "“"+ch.Prompt+"”")
			add("", st.Label.Render(fit("Answer", 10))+m.inputs[2].View(), "")
			wrapAdd(st.Info.Render, m.challengeHint(ch.Kind))
		}
	case stepExchanging:
		add(st.Accent.Render(m.sh.spinner() + " exchanging the code (POST /account/auth); the first sync runs…"))
	case stepDone:
		add(m.doneView(iw)...)
	}
	if m.gate.loading && m.step != stepOpening && m.step != stepExchanging {
		add("", st.Accent.Render(m.sh.spinner()+" asking the bank…"))
	}
	if m.err != "" {
		add("")
		wrapAdd(st.Bad.Render, "✗ "+retryText(m.err, m.retryAt, m.sh.now()))
	} else if n := m.state.AttemptsLeft; (m.step == stepLogin || m.step == stepChallenge) && m.state.Session != "" && n > 0 {
		add(st.Faint.Render(itoa(n) + " attempt" + plural(n) + " left before this session locks")) // an error says it itself
	}
	if m.phone {
		add("")
		add(m.phoneView(iw)...)
	}
	return st.Modal.Width(w).Render(strings.Join(b, "\n"))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (m *widgetModal) field0() string {
	if m.reauth() && m.state.Username != "" {
		return m.sh.styles.Value.Render(m.state.Username) + m.sh.styles.Faint.Render("  (the connected user)")
	}
	return m.inputs[0].View()
}

func (m *widgetModal) loginHint(iw int) []string {
	st := m.sh.styles
	out := []string{st.Faint.Render("Sandbox — test credentials (ctrl+f fills):")}
	if m.reauth() {
		if c, ok := m.customerFor(m.customerID); ok {
			out = append(out, st.Faint.Render("  "+c.Username+" / "+c.Password+"  (the password at the bank now)"))
		}
		return out
	}
	cs := m.bankCustomers()
	if len(cs) == 0 && m.customers == nil {
		return append(out, st.Faint.Render("  "+m.sh.spinner()+" finding this bank's customers…"))
	}
	for i, c := range cs {
		if i == 3 {
			out = append(out, st.Faint.Render("  … and "+itoa(len(cs)-3)+" more (ctrl+f again for the next)"))
			break
		}
		out = append(out, st.Faint.Render(clip("  "+c.Username+" / "+c.Password+"  ("+c.Name+", MFA "+c.MFA.Badge()+")", iw)))
	}
	return out
}

func (m *widgetModal) customerFor(id string) (simulator.Customer, bool) {
	for _, c := range m.customers {
		if c.ID == id {
			return c, true
		}
	}
	return simulator.Customer{}, false
}

// challengeHint says where the sandbox's tester finds the answer, without leaving
// the widget: leaving it loses the session.
func (m *widgetModal) challengeHint(k engine.MFAKind) string {
	switch k {
	case engine.MFAOTP:
		return "📱 The bank sent a 6-digit code to the customer's phone: ctrl+p shows the phone's inbox."
	case engine.MFAToken:
		return "🔑 The code on the customer's hardware token changes every minute: ctrl+p shows it."
	case engine.MFASecurityQuestion:
		if c, ok := m.customerFor(m.customerID); ok && c.SecurityAnswer != "" {
			return "❓ The customer's answer, from their profile at the bank: “" + c.SecurityAnswer + "”; ctrl+f fills it."
		}
		return "❓ The answer is on the customer's profile at the bank; ctrl+f fills it."
	case engine.MFACaptcha:
		return "🔤 Type the characters shown, with or without spaces, in any case."
	}
	return ""
}

func (m *widgetModal) doneView(iw int) []string {
	st := m.sh.styles
	var out []string
	if m.err != "" {
		return out
	}
	if m.reauth() {
		out = append(out, st.OK.Render("✓ Re-authorised."))
		for _, l := range wrap("The engine sent mono.events.account_reauthorized and synced at once.", iw) {
			out = append(out, st.Muted.Render(l))
		}
	} else {
		out = append(out, st.OK.Render("✓ Connected "+m.acct.Name+" ("+maskNumber(m.acct.Number)+")"))
		out = append(out, st.Muted.Render("account ID "+m.acct.ID))
		for _, l := range wrap("The widget returned a code; your backend exchanged it (POST /account/auth) and the first sync ran.", iw) {
			out = append(out, st.Muted.Render(l))
		}
	}
	if l := m.state.Link; l != nil {
		for _, line := range wrap("The link ended "+l.Status+": its user goes to "+l.RedirectURL+" with the result in the query"+
			" (GET /connect/links/"+l.ID+" shows the whole URL).", iw) {
			out = append(out, st.Muted.Render(line))
		}
	}
	if j := m.job; j != nil {
		text := j.Message
		if j.Status == engine.StatusSyncSuccessful && j.HasNewData {
			out = append(out, st.OK.Render("New data is available: "+text))
		} else {
			out = append(out, st.Value.Render("Sync: "+text))
		}
	}
	out = append(out, "", st.Key.Render("enter")+st.Muted.Render(" done"))
	return out
}

// phoneView is the customer's phone: OTPs, token codes and the bank's notices.
func (m *widgetModal) phoneView(iw int) []string {
	st := m.sh.styles
	out := []string{st.Title.Render("📱 The customer's phone") + st.Faint.Render(" newest first · ctrl+p hides")}
	switch {
	case m.customerID == "":
		return append(out, st.Faint.Render("Log in first: the phone is the customer's whose username you type."))
	case m.inboxErr != "":
		return append(out, st.Bad.Render(m.inboxErr))
	case len(m.inbox) == 0:
		return append(out, st.Faint.Render("No messages."))
	}
	return append(out, inboxLines(st, m.inbox, m.sh.now(), iw, 4)...)
}

// inboxLines draws a phone's messages, newest first, codes highlighted.
func inboxLines(st Styles, msgs []simulator.Message, now time.Time, w, n int) []string {
	var out []string
	for i, msg := range msgs {
		if i == n {
			out = append(out, st.Faint.Render("… "+itoa(len(msgs)-n)+" older"))
			break
		}
		head := st.Muted.Render(fmtStamp(msg.At, now) + " " + msg.From + " ")
		if msg.Code != "" {
			state := st.Faint.Render(" valid " + countdown(msg.ExpiresAt.Sub(now)))
			if !msg.ExpiresAt.After(now) {
				state = st.Faint.Render(" expired")
			}
			kind := "OTP"
			if msg.Kind == simulator.MessageToken {
				kind = "code" // from "GTBank token": "token" again would say it twice
			}
			out = append(out, head+st.Label.Render(kind+" ")+st.Code.Render(msg.Code)+state)
			continue
		}
		out = append(out, clip(head+st.Value.Render(msg.Text), w))
	}
	return out
}
