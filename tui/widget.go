package tui

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
	"sandbank/simulator"
)

// widgetModal is what connect.setup() and connect.reauthorise(token) show an end
// user: pick a bank, log in, answer the bank's challenge, choose an account. The
// steps are the engine's (engine/widget.go): the modal shows the session's status,
// the same session the web page at /connect/s/{session} and POST /connect/sessions
// drive — ctrl+b opens that page in the system browser, and the modal follows what
// happens there. Beyond the widget it plays the business's backend (it exchanges
// the code) and shows the sandbox's conveniences: the test customers' credentials
// and the customer's phone. ctrl+l opens a v2 initiate link instead (its ID, or its
// mono_url): the widget a link's user walks.
type widgetModal struct {
	sh        *shared
	w, h      int
	accountID string   // the account to re-authorise; "" to connect one
	gate      loadGate // the bank's answer awaited: the latest step wins
	follow    loadGate // the session re-read on a tick, for steps taken in the browser
	err       string
	errCode   string    // err's engine code: EINVALID says nothing of the attempts left
	retryAt   time.Time // when the error's lock ends, on the virtual clock; zero if it has none
	closed    bool
	note      string // what ctrl+b did
	// escAt: esc was pressed past the login (at a challenge, or the choice of
	// account), where it cannot go back a step, at this step (escStep; "" for
	// none): a second closes the widget, and the walk is lost. One esc threw the
	// walk away on stage with nothing said (a presenter's trial). A walk moved on
	// since disarms it.
	escAt string
	// lapsed: the session expired while the widget was open (the clock jumping
	// under it), so keys typed for the step it was at come after: enter does
	// not close it, esc does. The enter typed for the login closed it without a
	// word, and the keys after it went to the page behind — an s there synced
	// (a presenter's trial).
	lapsed bool
	// bankLock: the session ended locked by the bank, until state.LockedUntil —
	// not by its own count of wrong answers, which no wait ends.
	bankLock bool

	insts  []engine.Institution
	cursor int                  // in the list of banks (an index of insts), or of accounts
	search string               // typed at the list of banks: it shows those whose name or code holds it
	down   map[string]time.Time // banks in an outage, until when (loaded with the banks)

	state engine.WidgetState // the session: its Status is the step shown
	token engine.ReauthToken
	acct  engine.Account // reauth: the account; connect: the one connected, once exchanged
	twins []string       // connect: the IDs of earlier connections of the same bank account

	inputs [4]textinput.Model // username, password, answer, link
	field  int

	ahead     []tea.KeyPressMsg // keys pressed while the bank's answer was awaited, in order
	aheadSent bool              // what they wait for sends a step (an enter among them may be a second press)
	sending   bool              // the load on its way sends a step: a login, an answer, a choice

	typingLink bool         // the ID (or mono_url) of a v2 initiate link is being typed
	link       *engine.Link // the v2 initiate link walked, if any

	customers  []simulator.Customer // for the sandbox hints
	customerID string               // whose phone the hints point to
	phone      bool
	inbox      []simulator.Message
	inboxErr   string

	job *engine.SyncJob // the sync that followed
}

type (
	widgetInstsMsg struct {
		insts []engine.Institution
		down  map[string]time.Time
	}
	widgetCustMsg struct{ customers []simulator.Customer }
	// widgetOpened is a session opened: for a reauth, with its token and account;
	// on a v2 link, with the link (and the account, for a reauth link).
	widgetOpened struct {
		state engine.WidgetState
		token engine.ReauthToken
		acct  engine.Account
		link  *engine.Link
	}
	// widgetStepped is the engine's answer to a step.
	widgetStepped struct {
		state     engine.WidgetState
		exchanged bool           // connect: the code was exchanged for acct
		acct      engine.Account // ... this account
		job       *engine.SyncJob
		twins     []string // connect: other accounts of the same bank account, still linked
	}
	widgetInboxMsg struct {
		customerID string
		msgs       []simulator.Message
		err        error
	}
	// widgetFill is what ctrl+f types: (username, password) or (answer).
	widgetFill []string
	// widgetBrowserMsg is what opening the page in the browser did.
	widgetBrowserMsg struct{ err error }
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

// status is the step shown: the session's, or "" while it opens.
func (m *widgetModal) status() string { return m.state.Status }

// Init opens a session — asking for the bank (connect), or with a reauth token
// requested for the account (reauth), as a business's backend and frontend would —
// and loads the banks and the sandbox's customers for the hints.
func (m *widgetModal) Init() tea.Cmd {
	eng, bank, ctx := m.sh.eng, m.sh.bank, m.sh.ctx
	if !m.reauth() {
		return tea.Batch(
			m.loadInsts(),
			func() tea.Msg { return widgetCustMsg{bank.Customers()} },
			loadLatest(&m.gate, func() (widgetOpened, error) {
				st, err := eng.OpenWidget(ctx, engine.WidgetRequest{})
				return widgetOpened{state: st}, err
			}),
		)
	}
	id := m.accountID
	// The banks' outages too: a re-authorisation at a bank that is down said so
	// only once the password was sent, where a connect's login said it first (a
	// newcomer's trial).
	return tea.Batch(m.loadInsts(), loadLatest(&m.gate, func() (o widgetOpened, err error) {
		if o.acct, err = eng.Account(ctx, id); err != nil {
			return o, err
		}
		if o.token, err = eng.RequestReauth(ctx, id); err != nil {
			return o, err
		}
		o.state, err = eng.OpenWidget(ctx, engine.WidgetRequest{ReauthToken: o.token.Token})
		return o, err
	}))
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

// Capturing: at the login, the challenge and a link's ID the user types, ? included.
func (m *widgetModal) Capturing() bool {
	return m.typingLink || m.status() == engine.WidgetLogin || m.status() == engine.WidgetChallenge ||
		m.status() == engine.WidgetInstitution // typing searches the banks
}

// TakesPaste: where it takes text, and while it opens (what is typed then waits
// for its first step).
func (m *widgetModal) TakesPaste() bool {
	return (m.Capturing() || m.status() == "") && !m.finished()
}

// HelpWhileTyping: ? is no part of a bank's name, so at the list of banks it opens
// the help.
func (m *widgetModal) HelpWhileTyping() bool {
	return m.status() == engine.WidgetInstitution && !m.typingLink
}

// matches reports whether the bank at insts[i] holds what was typed, in its name,
// code or initials (FCMB), in any case.
func (m *widgetModal) matches(i int) bool { return m.insts[i].Matches(m.search) }

// shown is the banks the list shows: indexes of insts that match the search.
func (m *widgetModal) shown() []int {
	var out []int
	for i := range m.insts {
		if m.matches(i) {
			out = append(out, i)
		}
	}
	return out
}

// step moves the cursor to the next (or previous) bank shown; to the first shown
// when the cursor's bank is not.
func (m *widgetModal) step(d int) {
	shown := m.shown()
	if len(shown) == 0 {
		return
	}
	at := slices.Index(shown, m.cursor)
	if at < 0 {
		m.cursor = shown[0]
		return
	}
	m.cursor = shown[min(max(at+d, 0), len(shown)-1)]
}

// typed takes a key at the list of banks as search text: letters, digits, space,
// and backspace.
func (m *widgetModal) typed(msg tea.KeyPressMsg) bool {
	switch {
	case msg.Code == tea.KeyBackspace:
		if m.search == "" {
			return false
		}
		r := []rune(m.search)
		m.search = string(r[:len(r)-1])
	case msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 && strings.IndexFunc(msg.Text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && r != '&' && r != '-' && r != '\''
	}) < 0:
		if m.search == "" && msg.Text == " " {
			return false
		}
		m.search += msg.Text
	default:
		return false
	}
	m.step(0)
	return true
}

// loadInsts loads the banks, and which of them are in an outage.
func (m *widgetModal) loadInsts() tea.Cmd {
	eng, bank := m.sh.eng, m.sh.bank
	return func() tea.Msg {
		msg := widgetInstsMsg{insts: eng.Institutions(), down: map[string]time.Time{}}
		if bank != nil {
			now := eng.Clock().Now()
			for _, st := range bank.InstitutionStatuses() {
				if st.OutageUntil.After(now) {
					msg.down[st.Code] = st.OutageUntil
				}
			}
		}
		return msg
	}
}

func (m *widgetModal) Update(msg tea.Msg) tea.Cmd {
	cmd := m.update(msg)
	if _, key := msg.(tea.KeyPressMsg); key || len(m.ahead) == 0 {
		return cmd
	}
	return tea.Batch(cmd, m.typeAhead())
}

// maxAhead bounds the keys kept while a step is on its way (the widget) or while
// a page holds them (Model.input); those past it are dropped.
const maxAhead = 256

// typedText is what the user has typed into the widget's fields and the bank search.
func (m *widgetModal) typedText() [5]string {
	return [5]string{m.inputs[0].Value(), m.inputs[1].Value(), m.inputs[2].Value(), m.inputs[3].Value(), m.search}
}

// typeAhead takes the keys pressed while the bank's answer was awaited, in the
// order pressed, until one of them sends the next step: the rest wait for its
// answer in turn. A fast typist (or tmux's send-keys) lost the backspaces typed
// after a refused answer's enter, and the code typed next was sent with the
// refused letters still before it; and the start of a username typed just after
// choosing the bank. An enter among them sends only what something typed since
// the last step was sent has changed: pressed again with nothing typed between,
// it sent a refused password twice (two of the bank's three attempts), or took a
// step the user had not yet seen — the account linked from a list never shown, a
// widget closed at a lock never read (a review). A refusal that moves the widget
// elsewhere (back to the login, locked) drops them (update).
func (m *widgetModal) typeAhead() tea.Cmd {
	if len(m.ahead) == 0 || m.gate.loading || m.closed {
		return nil
	}
	var cmds []tea.Cmd
	edited := !m.aheadSent
	for len(m.ahead) > 0 && !m.gate.loading && !m.closed {
		k := m.ahead[0]
		m.ahead = m.ahead[1:]
		if key.Matches(k, m.sh.keys.Submit) && !edited {
			continue
		}
		before := m.typedText()
		cmds = append(cmds, m.key(k))
		edited = edited || m.typedText() != before
	}
	if len(m.ahead) > 0 && m.gate.loading { // the rest wait for this step's answer
		m.aheadSent = m.sending
	}
	return tea.Batch(cmds...)
}

func (m *widgetModal) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case widgetInstsMsg:
		first := len(m.insts) == 0
		m.insts, m.down = msg.insts, msg.down
		if first && m.search == "" && m.status() == engine.WidgetInstitution {
			m.onStepsBank() // the session opened before the list came
		}
		if m.search != "" {
			// Typed ahead before the list came ("cfirst" in one burst): the
			// cursor goes to the first bank it finds, as typing does. It stayed
			// on the first bank of all, not shown, and enter did nothing (a
			// newcomer's trial).
			m.step(0)
		}
	case widgetCustMsg:
		m.customers = msg.customers
	case loaded[widgetOpened]:
		if !msg.of(&m.gate) {
			return nil
		}
		if m.typingLink {
			if msg.err != nil {
				m.fail(msg.err) // a link that could not be opened: type it again
				return m.focusLink()
			}
			m.typingLink, m.link = false, msg.val.link
			if m.link.Scope == engine.LinkReauth {
				m.accountID = m.link.AccountID
			}
		}
		var custCmd tea.Cmd
		if m.reauth() {
			m.acct, m.token = msg.val.acct, msg.val.token
			m.customerID = msg.val.acct.CustomerID
			custCmd = m.loadCustomer(m.customerID)
		}
		if msg.err != nil {
			m.fail(msg.err)
			return custCmd
		}
		return tea.Batch(custCmd, m.enter(msg.val.state))
	case loaded[widgetStepped]:
		if !msg.of(&m.gate) {
			return nil
		}
		m.follow.drop() // a re-read asked before this step is out of date
		v := msg.val
		if msg.err != nil {
			failed := m.fail(msg.err)
			if v.state.Session != "" && v.state.Status != m.state.Status {
				// Locked, expired, or back to the login: what was typed ahead was
				// for the step refused — a code typed ahead at an expired OTP went
				// in as the password, and its enter spent an attempt (a review).
				m.ahead = nil
				return m.enter(v.state)
			}
			if v.state.Session != "" {
				m.state.AttemptsLeft = v.state.AttemptsLeft
			}
			return failed
		}
		if v.job != nil {
			m.job = v.job
		}
		if v.exchanged {
			m.acct, m.twins = v.acct, v.twins
			return nil
		}
		return m.enter(v.state)
	case loaded[engine.WidgetState]:
		if !msg.of(&m.follow) || msg.err != nil || m.gate.loading {
			return nil
		}
		if st := msg.val; st.Status != m.state.Status || challengeID(st) != challengeID(m.state) ||
			st.Institution.Code != m.state.Institution.Code {
			m.err, m.retryAt = "", time.Time{}
			return m.enter(st) // a step taken in the browser, or the session expired
		}
	case widgetInboxMsg:
		if msg.customerID == m.customerID {
			m.inbox, m.inboxErr = msg.msgs, ""
			if msg.err != nil {
				m.inboxErr = errText(msg.err)
			}
		}
	case widgetBrowserMsg:
		m.note = "Opened in the system's browser."
		if msg.err != nil {
			m.note = "Could not open a browser (" + msg.err.Error() + "); open the address above yourself."
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
		if m.retryAt.IsZero() {
			// As fill's own: the last try's error was about what this replaced —
			// a re-authorisation's password, an answer (a review).
			m.err = ""
		}
	case tickMsg:
		cmds := []tea.Cmd{m.reread(), m.loadInboxIf(m.phone)}
		if m.status() == engine.WidgetInstitution || m.status() == engine.WidgetLogin {
			// An outage begun or ended while the list shows (from another terminal,
			// a scenario's step): the list said nothing of it until reopened (a
			// presenter's trial).
			cmds = append(cmds, m.loadInsts())
			if bank := m.sh.bank; bank != nil && !m.reauth() && m.status() == engine.WidgetLogin && len(m.bankCustomers()) == 0 {
				// A customer made at this bank since, as the hint says to: it still
				// said no sign-in works until the widget was opened again (a review).
				cmds = append(cmds, func() tea.Msg { return widgetCustMsg{bank.Customers()} })
			}
		}
		return tea.Batch(cmds...)
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

func challengeID(st engine.WidgetState) string {
	if st.Challenge == nil {
		return ""
	}
	return st.Challenge.ID
}

// reread reads the session again: the user may be walking it in the browser.
func (m *widgetModal) reread() tea.Cmd {
	if m.state.Session == "" || !m.state.Open() || m.gate.loading {
		return nil
	}
	eng, session := m.sh.eng, m.state.Session
	return load(&m.follow, func() (engine.WidgetState, error) { return eng.Widget(session) })
}

// fail shows an error; one that says when to try again (a locked sign-in) counts
// down on the virtual clock from now, instead of repeating the wait it was sent with.
func (m *widgetModal) fail(err error) tea.Cmd {
	m.err, m.errCode, m.retryAt = errText(err), engine.ErrorCode(err), time.Time{}
	if m.status() == engine.WidgetChallenge && engine.AnswerGoes(err, m.state.Challenge) {
		// A wrong code is typed again, not backspaced six times; so is one refused
		// for its form (not 6 digits), as on the web page, where 000000 typed after
		// 12345 was sent as 00000012345 (an accessibility trial). A security
		// question's answer refused for its form stays, to be corrected.
		m.inputs[2].SetValue("")
	}
	if e, ok := engine.AsError(err); ok && e.RetryAfter > 0 {
		m.retryAt = m.sh.now().Add(e.RetryAfter)
	}
	if engine.ErrorCode(err) == engine.EUNAUTHORIZED && m.status() == engine.WidgetLogin {
		// A refused password is typed again, as a bank's page clears it: kept,
		// masked, the right one typed after it sent "bad1bad2Right" and locked
		// the sign-in (a newcomer's trial).
		m.inputs[1].SetValue("")
		if m.inputs[0].Value() != "" {
			m.field = 1
			return m.focus()
		}
	}
	return nil
}

// fillIndex maps the fields of a fill to inputs: (username, password) at login,
// (answer) at a challenge.
func (m *widgetModal) fillIndex(i int) int {
	if m.status() == engine.WidgetChallenge {
		return 2
	}
	return i
}

// enter shows the step a widget state is at.
func (m *widgetModal) enter(st engine.WidgetState) tea.Cmd {
	prev, chosen := m.state.Status, m.state.Institution.Code
	m.state = st
	if st.Status == engine.WidgetExpired && prev != "" && prev != engine.WidgetExpired {
		m.lapsed = true
	}
	if st.Status == engine.WidgetLocked && prev != engine.WidgetLocked {
		m.bankLock = st.LockedUntil.After(m.sh.now())
	}
	switch st.Status {
	case engine.WidgetInstitution:
		m.cursor, m.search = 0, ""
		for i, in := range m.insts { // back from a bank's login: on the bank chosen
			if in.Code == chosen {
				m.cursor = i
			}
		}
		if chosen == "" {
			m.onStepsBank()
		}
	case engine.WidgetLogin:
		if prev != engine.WidgetLogin {
			m.inputs[0].SetValue(st.Username)
			m.inputs[1].SetValue("")
		}
		m.field = 0
		if st.Reauth && st.Username != "" {
			m.field = 1
		}
		return m.focus()
	case engine.WidgetChallenge:
		m.inputs[2].SetValue("")
		m.field = 2
		if c, ok := m.customerByUsername(st.Username); ok && !m.reauth() {
			m.customerID = c.ID
		}
		return tea.Batch(m.focus(), m.loadInboxIf(m.phone))
	case engine.WidgetAccount:
		m.cursor = 0
		if sw, ok := m.stepCustomer(); ok { // on the step's account: enter links it
			m.cursor = max(slices.IndexFunc(st.Accounts, func(a engine.BankAccount) bool { return a.Number == sw.Walk.Number }), 0)
		}
	case engine.WidgetSuccess:
		if m.reauth() || m.acct.ID != "" {
			return m.loadInboxIf(m.phone) // the OTP just typed shows used
		}
		// The business's backend exchanges the code (POST /account/auth).
		m.sending = false // no step: an enter at the end closes the widget
		code, eng, ctx := st.Code, m.sh.eng, m.sh.ctx
		return loadLatest(&m.gate, func() (widgetStepped, error) {
			a, err := eng.ExchangeCode(ctx, code)
			v := widgetStepped{state: st, exchanged: true, acct: a}
			if err == nil {
				if jobs, err := eng.SyncJobs(ctx, a.ID, 1); err == nil && len(jobs) > 0 {
					v.job = &jobs[0]
				}
				v.twins = twinAccounts(ctx, eng, a)
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

// close closes the widget, and tells the pages what it did; open (enter at the
// end) also opens the account it connected, esc goes back to the list.
func (m *widgetModal) close(open bool) tea.Cmd {
	m.closed, m.ahead = true, nil
	id, reauth, acct := "", m.reauth(), engine.Account{}
	if m.status() == engine.WidgetSuccess && m.err == "" {
		id, acct = m.acct.ID, m.acct
	}
	if open && m.opensAccount() {
		m.sh.navigate(widgetClosedMsg{accountID: id, account: acct})
		return m.sh.navigate(openAccountMsg{id: id})
	}
	return m.sh.navigate(widgetClosedMsg{accountID: id, reauth: reauth, account: acct})
}

// opensAccount: closing opens the account just connected (close does).
func (m *widgetModal) opensAccount() bool {
	return m.status() == engine.WidgetSuccess && m.err == "" && m.acct.ID != "" && !m.reauth()
}

// doneWords is what enter does at the end: open the account connected, or close.
func (m *widgetModal) doneWords() string {
	if m.opensAccount() {
		return "open the account"
	}
	return "close"
}

// pageURL is the session's page: the same widget, in a browser.
func (m *widgetModal) pageURL() string {
	if m.sh.addr == "" || m.state.Session == "" {
		return ""
	}
	base := "http://" + m.sh.addr
	if m.sh.publicURL != "" {
		// what a phone opens, as every other link names it (a mobile developer's
		// trial copied the loopback address to the phone)
		base = strings.TrimRight(m.sh.publicURL, "/")
	}
	return base + "/connect/s/" + m.state.Session
}

// finished: the widget has ended (connected, re-authorised, locked or expired),
// and esc closes it at once, the phone open or not — with nothing left to type
// there, esc hiding the phone first only asked for a second esc (a presenter's
// trial).
func (m *widgetModal) finished() bool {
	switch m.status() {
	case engine.WidgetSuccess, engine.WidgetLocked, engine.WidgetExpired:
		return true
	}
	return false
}

// canGoBack: a connect's login may go back to the list of banks.
func (m *widgetModal) canGoBack() bool {
	return m.status() == engine.WidgetLogin && !m.state.Reauth && !m.state.InstitutionFixed
}

// pastSignIn: the walk is past the login, at a challenge or the choice of
// account, where esc cannot go back a step.
func (m *widgetModal) pastSignIn() bool {
	return m.status() == engine.WidgetChallenge || m.status() == engine.WidgetAccount
}

// escStep names the step the walk is at, to the challenge: a second challenge,
// or the choice of account after it (the browser walking on), is another step.
func (m *widgetModal) escStep() string {
	if c := m.state.Challenge; c != nil {
		return m.status() + " " + c.ID
	}
	return m.status()
}

// escStillArmed: esc was armed at the step the walk is still at.
func (m *widgetModal) escStillArmed() bool {
	return m.escAt != "" && m.pastSignIn() && m.escAt == m.escStep()
}

func (m *widgetModal) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	if m.escAt != "" && (!key.Matches(msg, k.Cancel) || !m.escStillArmed()) {
		m.escAt = "" // another key, or the walk moved on (the browser, the clock): it goes on
	}
	switch {
	case key.Matches(msg, k.Cancel) && m.phone && !m.finished(): // esc closes the innermost thing first
		m.phone = false
		return nil
	case key.Matches(msg, k.Cancel) && m.status() == engine.WidgetInstitution && m.search != "":
		m.search = "" // esc clears the search before it closes the widget
		return nil
	case key.Matches(msg, k.Cancel) && m.canGoBack() && !m.gate.loading:
		return m.run(func(eng *engine.Engine, ctx context.Context, s string) (engine.WidgetState, error) {
			return eng.WidgetBack(ctx, s)
		})
	case key.Matches(msg, k.Cancel) && m.escAt == "" && !m.gate.loading && m.pastSignIn():
		m.escAt = m.escStep()
		return nil
	case key.Matches(msg, k.Cancel):
		return m.close(false)
	case key.Matches(msg, k.Phone):
		m.phone = !m.phone
		return m.loadInboxIf(m.phone)
	case key.Matches(msg, k.Browser):
		if u := m.pageURL(); u != "" {
			open := m.sh.openURL
			return func() tea.Msg { return widgetBrowserMsg{err: open(u)} }
		}
		return nil
	}
	if m.gate.loading {
		if len(m.ahead) == 0 {
			m.aheadSent = m.sending
		}
		if len(m.ahead) < maxAhead {
			m.ahead = append(m.ahead, msg)
		}
		return nil
	}
	if m.typingLink {
		if key.Matches(msg, k.Submit) {
			return m.openLink(m.inputs[3].Value())
		}
		var cmd tea.Cmd
		m.inputs[3], cmd = m.inputs[3].Update(msg)
		return cmd
	}
	switch m.status() {
	case engine.WidgetInstitution:
		switch {
		case key.Matches(msg, k.Link) && m.link == nil && !m.reauth():
			m.typingLink, m.err = true, ""
			return m.focusLink()
		case msg.Code == tea.KeyUp:
			m.step(-1)
		case msg.Code == tea.KeyDown:
			m.step(1)
		case m.typed(msg): // j and k are letters of a bank's name here
		case key.Matches(msg, k.Submit):
			if m.cursor < len(m.insts) && m.matches(m.cursor) {
				code := m.insts[m.cursor].Code
				return m.run(func(eng *engine.Engine, ctx context.Context, s string) (engine.WidgetState, error) {
					return eng.WidgetChooseInstitution(ctx, s, code, "")
				})
			}
		}
		return nil
	case engine.WidgetAccount:
		switch {
		case key.Matches(msg, k.Up):
			m.cursor = max(m.cursor-1, 0)
		case key.Matches(msg, k.Down):
			m.cursor = min(m.cursor+1, len(m.state.Accounts)-1)
		case key.Matches(msg, k.Submit):
			if m.cursor < len(m.state.Accounts) {
				number := m.state.Accounts[m.cursor].Number
				return m.run(func(eng *engine.Engine, ctx context.Context, s string) (engine.WidgetState, error) {
					return eng.WidgetChooseAccount(ctx, s, number)
				})
			}
		}
		return nil
	case engine.WidgetLogin, engine.WidgetChallenge:
		switch {
		case m.challengeExpired() && (key.Matches(msg, k.Fill) || key.Matches(msg, k.Submit) && strings.TrimSpace(m.inputs[2].Value()) == ""):
			// Nothing to fill or send: the view says the code expired, where
			// ctrl+f filled nothing and enter said "answer is required" (a
			// presenter's trial). An answer typed is sent: the bank refuses it as
			// too late, counting no attempt, and the session goes back to its
			// login.
			m.err, m.retryAt = "", time.Time{}
			return nil
		case key.Matches(msg, k.Fill):
			return m.fill()
		case key.Matches(msg, k.Submit):
			return m.submit()
		case m.status() == engine.WidgetLogin && (key.Matches(msg, k.NextField) || key.Matches(msg, k.PrevField)):
			m.field = 1 - m.field
			if m.state.Username != "" && m.reauth() {
				m.field = 1 // re-authorising: the username is the connected user's
			}
			return m.focus()
		}
		var cmd tea.Cmd
		m.inputs[m.field], cmd = m.inputs[m.field].Update(msg)
		return cmd
	case engine.WidgetSuccess, engine.WidgetLocked, engine.WidgetExpired:
		if key.Matches(msg, k.Submit) && !(m.lapsed && m.status() == engine.WidgetExpired) {
			return m.close(true)
		}
	}
	return nil
}

func (m *widgetModal) focusLink() tea.Cmd {
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	return m.inputs[3].Focus()
}

// openLink opens a v2 initiate link, from its ID or its mono_url, in place of the
// session the modal opened: a reauth link re-authorises its account, a connect
// link opens at its bank, or at the list of banks if it names none.
func (m *widgetModal) openLink(typed string) tea.Cmd {
	id := strings.TrimSpace(typed)
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	if id == "" {
		m.err = "type the link's ID, or paste its mono_url (POST /v2/accounts/initiate answers it)"
		return nil
	}
	m.err, m.retryAt, m.sending = "", time.Time{}, false
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
		}
		o.state, err = eng.OpenWidget(ctx, engine.WidgetRequest{Link: l.ID})
		return o, err
	})
}

// run takes a step of the session: the engine's answer comes back as widgetStepped.
func (m *widgetModal) run(step func(eng *engine.Engine, ctx context.Context, session string) (engine.WidgetState, error)) tea.Cmd {
	m.err, m.retryAt, m.sending = "", time.Time{}, true
	eng, ctx, session := m.sh.eng, m.sh.ctx, m.state.Session
	return loadLatest(&m.gate, func() (widgetStepped, error) {
		st, err := step(eng, ctx, session)
		return widgetStepped{state: st}, err
	})
}

// submit sends the login or the answer.
func (m *widgetModal) submit() tea.Cmd {
	m.err, m.retryAt, m.sending = "", time.Time{}, true
	eng, ctx, session := m.sh.eng, m.sh.ctx, m.state.Session
	user, pass, answer := strings.TrimSpace(m.inputs[0].Value()), m.inputs[1].Value(), m.inputs[2].Value()
	id, login := m.accountID, m.status() == engine.WidgetLogin
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
	m.sending = false // what it types is no step: an enter typed after it sends them
	switch m.status() {
	case engine.WidgetLogin:
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
		typed := strings.TrimSpace(m.inputs[0].Value())
		// A username begun ("yusuf" of yusuf.tanko) is that customer's: the first
		// customer of the bank was filled instead, and enter linked them (a
		// presenter's trial).
		if i := slices.IndexFunc(cs, func(x simulator.Customer) bool {
			return typed != "" && len(x.Username) >= len(typed) && strings.EqualFold(x.Username[:len(typed)], typed)
		}); i >= 0 {
			c = cs[i]
		}
		for i, x := range cs {
			if !strings.EqualFold(x.Username, typed) {
				continue
			}
			// The customer typed (or left there by an expired step) keeps the field:
			// their password is filled. Once it is, the next press goes on to the next.
			c = x
			if m.inputs[1].Value() == x.Password {
				c = cs[(i+1)%len(cs)]
			}
		}
		m.customerID = c.ID
		m.inputs[0].SetValue(c.Username)
		m.inputs[1].SetValue(c.Password)
		m.inputs[m.field].CursorEnd()
		if m.retryAt.IsZero() {
			// The last try's "wrong username or password" was about what the
			// fill has just replaced (a presenter's trial); a lock's wait stays.
			m.err = ""
		}
		return nil
	case engine.WidgetChallenge:
		if m.state.Challenge == nil {
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

// bankCustomers are the test customers with an account at the session's bank;
// on stage, the one the next step connects comes first, so ctrl+f fills it and
// the hint never leaves it among "… and 3 more".
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
	if sw, ok := m.stepCustomer(); ok {
		if i := slices.IndexFunc(out, func(c simulator.Customer) bool { return c.ID == sw.Walk.CustomerID }); i > 0 {
			c := out[i]
			out = slices.Insert(slices.Delete(out, i, i+1), 0, c)
		}
	}
	return out
}

// stepWalk is the next step of the scenario played on stage, when it is a walk
// of the widget of this kind — a connect:, or in reauth mode a reauthorise: —
// which a walk by hand stands for: the widget points out its customer.
func (m *widgetModal) stepWalk() (ScriptStep, bool) {
	sw, ok := m.sh.play.nextWalk()
	if !ok || sw.Walk.Reauth != m.reauth() {
		return ScriptStep{}, false
	}
	return sw, true
}

// onStepsBank puts the list's cursor on the bank of the step the bar names, if
// any: the list opened on its first bank, the step's marked further down, and
// enter chose the other (a QA engineer's trial). The list of accounts opens on
// the step's account likewise.
func (m *widgetModal) onStepsBank() {
	if sw, ok := m.stepWalk(); ok {
		if i := slices.IndexFunc(m.insts, func(in engine.Institution) bool { return in.Code == sw.Walk.Bank }); i >= 0 {
			m.cursor = i
		}
	}
}

// stepCustomer is stepWalk when it connects an account at the session's bank:
// among the bank's customers, one is the step's.
func (m *widgetModal) stepCustomer() (ScriptStep, bool) {
	sw, ok := m.stepWalk()
	return sw, ok && !m.reauth() && sw.Walk.Bank == m.state.Institution.Code
}

func (m *widgetModal) loadInboxIf(ok bool) tea.Cmd {
	if !ok {
		return nil
	}
	return m.loadInbox()
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
	closeKey := withHelp(k.Cancel, "close")
	switch {
	case m.phone && !m.finished():
		closeKey = withHelp(k.Cancel, "hide the phone")
	case m.canGoBack():
		closeKey = withHelp(k.Cancel, "other bank")
	}
	if m.typingLink {
		return []key.Binding{withHelp(k.Submit, "open the link"), withHelp(k.Cancel, "close")}
	}
	switch m.status() {
	case engine.WidgetInstitution:
		move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move · type to search"))
		if m.search != "" {
			closeKey = withHelp(k.Cancel, "clear the search")
		}
		// esc before the links: at 100 columns the line is cut after the third key.
		if m.link == nil && !m.reauth() {
			return []key.Binding{move, withHelp(k.Submit, "choose"), closeKey, k.Link, k.Browser}
		}
		return []key.Binding{move, withHelp(k.Submit, "choose"), closeKey, k.Browser}
	case engine.WidgetLogin:
		return []key.Binding{withHelp(k.NextField, "switch field"), withHelp(k.Submit, "log in"), k.Fill, k.Phone, k.Browser, closeKey}
	case engine.WidgetChallenge:
		if m.challengeExpired() { // nothing to answer or fill: esc first, as the text says
			return []key.Binding{closeKey, k.Phone, k.Browser}
		}
		return []key.Binding{withHelp(k.Submit, "answer"), k.Phone, withHelp(k.Fill, "fill the answer"), k.Browser, closeKey}
	case engine.WidgetAccount:
		return []key.Binding{k.Up, k.Down, withHelp(k.Submit, "link this account"), k.Browser, closeKey}
	case engine.WidgetSuccess, engine.WidgetLocked, engine.WidgetExpired:
		if m.lapsed && m.status() == engine.WidgetExpired {
			return []key.Binding{closeKey}
		}
		done := withHelp(k.Submit, m.doneWords())
		if m.opensAccount() {
			return []key.Binding{done, withHelp(k.Cancel, "back to the list")}
		}
		return []key.Binding{done}
	}
	return []key.Binding{closeKey}
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
			line := st.Muted.Render("Re-authorise " + m.acct.Name + " (" + maskNumber(m.acct.Number) + ")")
			if sw, ok := m.stepWalk(); ok && sw.Walk.is(m.acct) {
				line += st.Accent.Render("  ← " + walkMark(sw))
			}
			add(line)
			if sw, ok := m.stepWalk(); ok && !sw.Walk.is(m.acct) {
				wrapAdd(st.Warn.Render, "Step "+itoa(sw.N)+" ("+sw.Text+") re-authorises "+sw.Walk.Username+"'s "+
					maskNumber(sw.Walk.Number)+", not this account: walked here, this is no step of the scenario.")
			}
		}
		if !m.token.ExpiresAt.IsZero() && !m.state.ExpiresAt.IsZero() {
			// The token was spent opening the session, which has 30 minutes of its
			// own (it had the token's 10): the countdown is the session's.
			left := m.state.ExpiresAt.Sub(m.sh.now())
			tok := st.Muted.Render("reauth token " + clip(m.token.Token, 14) + " ")
			switch {
			case m.status() == engine.WidgetSuccess:
				add(tok + st.Faint.Render("used: re-authorised"))
			case m.status() == engine.WidgetExpired && !m.state.UnlinkedAt.IsZero():
				// Ended, not counting down under "✗ Unlinked" (a presenter's trial).
				add(tok + st.Faint.Render("spent · ") + st.Bad.Render("session ended"))
			case left > 0:
				style := st.OK
				if left < 2*time.Minute {
					style = st.Warn
				}
				line := tok + st.Faint.Render("spent · ") + style.Render("session expires in "+countdown(left))
				if ansi.StringWidth(line) > iw {
					line = tok + style.Render("session expires in "+countdown(left))
				}
				add(line)
			default:
				add(tok + st.Bad.Render("session expired: close, press r again"))
			}
		}
	}
	add(st.Rule.Render(rule(iw)))

	if l := m.link; l != nil && m.status() != engine.WidgetSuccess {
		add(st.Muted.Render("link "+clip(l.ID, 16)+" for "+l.Customer.ID+" · ref "+orDash(l.Ref)) +
			st.Faint.Render(" · expires in "+countdown(l.ExpiresAt.Sub(m.sh.now()))))
	}
	switch status := m.status(); {
	case m.typingLink:
		add(st.Bold.Render("Open a v2 link"), "")
		wrapAdd(st.Muted.Render, "POST /v2/accounts/initiate answers a mono_url; paste it, or the link's ID, and walk it as its user would.")
		add("", st.Label.Render(fit("Link", 10))+m.inputs[3].View())
	case status == "":
		if m.gate.loading {
			add(st.Accent.Render(m.sh.spinner() + " opening a session…"))
		}
	case status == engine.WidgetInstitution:
		search := st.Faint.Render("type to search")
		if m.search != "" {
			search = st.Muted.Render("search: ") + st.Value.Render(m.search) + st.Faint.Render("▏")
		}
		add(spread(st.Bold.Render("Select your bank"), search, iw), "")
		if len(m.insts) == 0 {
			add(st.Accent.Render(m.sh.spinner() + " loading banks…"))
		}
		shown := m.shown()
		if len(shown) == 0 && len(m.insts) > 0 {
			// Wrapped here, each line under the first: the frame wrapped it at 120
			// columns, its second line out of step with the first (a presenter's
			// trial).
			for _, l := range wrap("no bank's name, initials or code holds “"+m.search+"”; backspace changes it, esc clears it", iw-2) {
				add(st.Faint.Render("  " + l))
			}
		}
		rows := max(min(len(shown), m.h-20), 3)
		at := max(slices.Index(shown, m.cursor), 0)
		off := min(max(at-rows/2, 0), max(len(shown)-rows, 0))
		if off > 0 {
			add(st.Faint.Render("  ↑ " + itoa(off) + " more"))
		}
		for _, i := range shown[off:min(off+rows, len(shown))] {
			in := m.insts[i]
			kind := strings.ToLower(strings.TrimSuffix(in.Type, "_BANKING"))
			state := st.Faint.Render(fit(kind, 12))
			if _, ok := m.down[in.Code]; ok { // an outage: its sign-in fails until it ends
				kind, state = "⚠ down", st.Bad.Render(fit("⚠ down", 12))
			}
			name := in.Name
			if sw, ok := m.stepWalk(); ok && sw.Walk.Bank == in.Code {
				name += "  ← " + walkMark(sw)
			}
			line := fit(name, iw-20) + fit(in.Code, 6) + fit(kind, 12)
			if i == m.cursor {
				add(st.Selected.Render("▸ " + line))
			} else {
				add("  " + fit(name, iw-20) + st.Muted.Render(fit(in.Code, 6)) + state)
			}
		}
		if rest := len(shown) - off - rows; rest > 0 {
			add(st.Faint.Render("  ↓ " + itoa(rest) + " more"))
		}
	case status == engine.WidgetLogin:
		add(st.Bold.Render("Log in to "+m.state.Institution.Name), "")
		if until, ok := m.down[m.state.Institution.Code]; ok && until.After(m.sh.now()) {
			// Said before anyone types: on stage the outage showed only after a try.
			wrapAdd(st.Bad.Render, "⚠ "+m.state.Institution.Name+" is down until "+fmtMoment(until, m.sh.now())+": sign-in fails until then.")
			add("")
		}
		if m.reauth() && (m.state.PasswordRejected || m.acct.ReauthReason == engine.ReauthCredentials) {
			wrapAdd(st.Warn.Render, "The bank rejected the saved password. Enter the customer's current password.")
			add("")
		}
		add(st.Label.Render(fit("Username", 10))+m.field0(), st.Label.Render(fit("Password", 10))+m.inputs[1].View())
		add("")
		add(m.loginHint(iw)...)
	case status == engine.WidgetChallenge:
		ch := m.state.Challenge
		if ch != nil {
			add(st.Bold.Render(m.state.Institution.Name+" asks for "+ch.Kind.Words()), "")
			wrapAdd(st.Value.Render, "“"+ch.Prompt+"”")
			add("", st.Label.Render(fit("Answer", 10))+m.inputs[2].View(), "")
			if m.challengeExpired() {
				wrapAdd(st.Bad.Render, m.challengeExpiredText())
			} else {
				wrapAdd(st.Info.Render, m.challengeHint(ch.Kind))
			}
		}
	case status == engine.WidgetAccount:
		add(st.Bold.Render("Choose the account to link"), "")
		wrapAdd(st.Muted.Render, m.state.Institution.Name+" shows "+itoa(len(m.state.Accounts))+" accounts for this sign-in.")
		add("")
		sw, marked := m.stepCustomer()
		for i, a := range m.state.Accounts {
			line := fit(engine.AccountTypeWords(a.Type), 18) + fit(maskNumber(a.Number), 10) + a.Name
			if marked && a.Number == sw.Walk.Number {
				line += "  ← " + walkMark(sw)
			}
			if i == m.cursor {
				add(st.Selected.Render("▸ " + fit(line, iw-2)))
			} else {
				add("  " + fit(line, iw-2))
			}
		}
	case status == engine.WidgetSuccess:
		if !m.reauth() && m.acct.ID == "" && m.err == "" {
			add(st.Accent.Render(m.sh.spinner() + " exchanging the code (POST /account/auth); the first sync runs…"))
		} else {
			add(m.doneView(iw)...)
		}
	case status == engine.WidgetLocked:
		add(st.Bad.Render("✗ Locked"), "")
		// The bank's lock, said as the bank's, with when it ends: a new session
		// against a locked sign-in said "Too many wrong answers", having had none,
		// and once the lock had ended "sign-in is locked; try again now" (a
		// presenter's trial).
		now, until := m.sh.now(), m.state.LockedUntil
		switch {
		case m.bankLock && until.After(now):
			wrapAdd(st.Muted.Render, "The bank has locked this sign-in until "+fmtMoment(until, now)+" (in "+countdown(until.Sub(now))+
				"): too many wrong passwords or answers in a row, in this session or before it. This session can go no further: close it, and sign in again once the lock ends.")
		case m.bankLock:
			wrapAdd(st.Muted.Render, "The bank's lock on this sign-in ended at "+fmtMoment(until, now)+
				". This session can go no further: close it; a new one can sign in now.")
		default: // the bank locked no one: a new session signs in at once
			wrapAdd(st.Muted.Render, "Too many wrong answers: this widget session can go no further. Close it; a new one can sign in at once.")
		}
	case status == engine.WidgetExpired && !m.state.UnlinkedAt.IsZero():
		add(st.Bad.Render("✗ Unlinked"), "")
		wrapAdd(st.Muted.Render, "The account was unlinked at "+fmtMoment(m.state.UnlinkedAt, m.sh.now())+
			", so this re-authorisation has ended: close this, and press c to connect it again, as a new account.")
	case status == engine.WidgetExpired:
		add(st.Bad.Render("✗ Expired"), "")
		next := "close it and open a new one."
		if m.state.Link != nil { // made before the session, a link expires before it: the engine's advice
			next = "its link has expired by now too: close it and make a new link (POST /v2/accounts/initiate)."
		}
		wrapAdd(st.Muted.Render, "This widget session expired at "+fmtMoment(m.state.ExpiresAt, m.sh.now())+"; "+next)
	}
	if m.gate.loading && m.status() != "" && m.status() != engine.WidgetSuccess {
		add("", st.Accent.Render(m.sh.spinner()+" asking the bank…"))
	}
	if m.err != "" && !(m.status() == engine.WidgetLocked && m.bankLock) { // the lock's text says it all
		add("")
		wrapAdd(st.Bad.Render, "✗ "+retryText(m.err, m.retryAt, m.sh.now()))
	}
	if n := m.state.AttemptsLeft; (m.err == "" || m.errCode == engine.EINVALID) &&
		(m.status() == engine.WidgetLogin || m.status() == engine.WidgetChallenge) && n > 0 && n < engine.MaxWidgetAttempts {
		// As the web page: said once some are used (a wrong answer's error says it
		// itself; one refused for its form, "this did not use up an attempt", does not,
		// and the count went with it: a presenter's trial).
		left := itoa(n) + " attempt" + plural(n) + " left before sign-in locks"
		if !m.state.Tried && m.reauth() {
			// Before the user typed anything: the sign-ins that failed since the
			// last good one count, a failed sync's and the widget's own with the
			// saved password too — on stage "2 attempts left" at once looked like
			// a bug. Not "the failed sync's": with none, the widget's try was it
			// (an accessibility trial).
			wrapAdd(st.Faint.Render, left+": the bank counts each sign-in with the saved password too")
		} else {
			add(st.Faint.Render(left))
		}
	}
	var phone []string
	if m.phone {
		phone = append([]string{""}, m.phoneView(iw)...)
	}
	if u := m.pageURL(); u != "" && m.state.Open() {
		body := len(b)
		add("")
		wrapAdd(st.Faint.Render, "In a browser: "+u+" (ctrl+b opens it)")
		if m.note != "" {
			wrapAdd(st.Info.Render, m.note)
		}
		// On a short screen the phone's codes matter more than the address: it
		// shrinks to its key (80×24, a wrong OTP and the phone open).
		if m.h > 0 && len(b)+len(phone)+2 > m.h && m.note == "" { // a note (the browser failed) keeps the address to copy
			b = append(b[:body], "", st.Faint.Render("ctrl+b opens this session in a browser"))
		}
	}
	if m.escStillArmed() { // not once the walk moved on without a key (reviews)
		what := "connect"
		if m.reauth() {
			what = "re-authorisation"
		}
		add("")
		wrapAdd(st.Warn.Render, "esc again closes the widget, and this "+what+" ends here: past the sign-in there is no step back. Any other key goes on.")
	}
	b = append(b, phone...)
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
	if m.reauth() {
		out := []string{st.Faint.Render("Sandbox — test credentials (ctrl+f fills):")}
		if c, ok := m.customerFor(m.customerID); ok {
			out = append(out, st.Faint.Render("  "+c.Username+" / "+c.Password+"  (the password at the bank now)"))
		}
		return out
	}
	cs := m.bankCustomers()
	fills := "ctrl+f fills"
	if len(cs) > 1 {
		fills = "ctrl+f fills, again for the next"
	}
	out := []string{st.Faint.Render("Sandbox — test credentials (" + fills + "):")}
	if len(cs) == 0 && m.customers == nil {
		return append(out, st.Faint.Render("  "+m.sh.spinner()+" finding this bank's customers…"))
	}
	if len(cs) == 0 {
		// Said, not an empty list under a heading that offers ctrl+f (Wema Bank
		// in the demo world: a newcomer's trial found a dead end).
		out = []string{st.Faint.Render("Sandbox: no customer of this world banks here, so no sign-in works.")}
		for _, l := range wrap("POST /sandbox/customers {\"institution\":\""+m.state.Institution.Code+"\"} makes one; esc picks another bank.", iw-2) {
			out = append(out, st.Faint.Render("  "+l))
		}
		return out
	}
	sw, marked := m.stepCustomer()
	for i, c := range cs {
		if i == 3 {
			out = append(out, st.Faint.Render("  … and "+itoa(len(cs)-3)+" more"))
			break
		}
		line := clip("  "+c.Username+" / "+c.Password+"  ("+c.Name+", MFA "+c.MFA.Badge()+")", iw)
		if marked && c.ID == sw.Walk.CustomerID {
			// Said in words, not in colour alone: two customers of one name were
			// told apart by nothing (a presenter's trial).
			out = append(out, st.Value.Render(line), st.Accent.Render(clip("    ↑ "+walkMark(sw)+" ("+sw.Text+"): ctrl+f fills it first", iw)))
			continue
		}
		out = append(out, st.Faint.Render(line))
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
// challengeExpired: the bank's challenge has outlived its time (the clock moved
// on), while the session has not; the bank takes no answer to it.
func (m *widgetModal) challengeExpired() bool {
	ch := m.state.Challenge
	return m.status() == engine.WidgetChallenge && ch != nil && !ch.ExpiresAt.IsZero() && !ch.ExpiresAt.After(m.sh.now())
}

// challengeExpiredText says that the challenge expired and how to get another:
// the engine has no resend, and this session cannot sign in again, so a new one.
func (m *widgetModal) challengeExpiredText() string {
	ch := m.state.Challenge
	what, anew := "The answer", "the bank asks again at the sign-in"
	if ch.Digits > 0 {
		what = "The code"
	}
	if ch.Kind == engine.MFAOTP {
		anew = "the bank sends a new code at the sign-in"
	}
	again := "esc closes this; a new session signs in again, and " + anew + "."
	switch {
	case m.link != nil:
	case m.reauth():
		again = "esc closes this, and r re-authorises again: " + anew + "."
	default:
		again = "esc closes this, and c connects again: " + anew + "."
	}
	return "✗ " + what + " expired at " + fmtMoment(ch.ExpiresAt, m.sh.now()) +
		": the bank waits " + itoa(int(simulator.ChallengeTTL/time.Minute)) + " minutes for it, and takes none after. " + again
}

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
		said := "The engine sent mono.events.account_reauthorized and synced at once."
		if !engine.ReceivesWebhooks(m.sh.settings, m.acct) {
			said = "The engine synced at once; mono.events.account_reauthorized is recorded, not sent: the account was connected before Data Sync was enabled (R4)."
		}
		for _, l := range wrap(said, iw) {
			out = append(out, st.Muted.Render(l))
		}
	} else {
		out = append(out, st.OK.Render("✓ Connected "+m.acct.Name+" ("+maskNumber(m.acct.Number)+")"))
		out = append(out, st.Muted.Render("account ID "+m.acct.ID))
		for _, l := range wrap("The widget returned a code; your backend exchanged it (POST /account/auth) and the first sync ran.", iw) {
			out = append(out, st.Muted.Render(l))
		}
		if len(m.twins) > 0 {
			// A relink connects again under a new ID (README); the old row stays,
			// and nothing else on screen says why there are two.
			for _, l := range wrap(twinWords(m.twins), iw) {
				out = append(out, st.Warn.Render(l))
			}
		}
	}
	if l := m.state.Link; l != nil {
		for _, line := range wrap("The link ended "+l.Status+": its user goes to "+l.RedirectURL+" with the result in the query"+
			" (GET /connect/links/"+l.ID+" shows the whole URL).", iw) {
			out = append(out, st.Muted.Render(line))
		}
	}
	if j := m.job; j != nil {
		// The engine's message says "synced: " itself: the lead-in said it again
		// ("Sync: synced: no new data", a newcomer's trial).
		text, _ := strings.CutPrefix(j.Message, "synced: ")
		switch {
		case j.Status == engine.StatusSyncSuccessful && j.HasNewData:
			out = append(out, st.OK.Render("New data is available: "+text))
		case j.Status == engine.StatusSyncFailed:
			out = append(out, st.Value.Render("Sync failed: "+text))
		default:
			out = append(out, st.Value.Render("Sync: "+text))
		}
	}
	out = append(out, "", st.Key.Render("enter")+st.Muted.Render(" "+m.doneWords()))
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
	out = append(out, inboxLines(st, m.inbox, m.sh.now(), iw, 4)...)
	if w := fastCodeWarning(m.inbox, m.sh.now(), m.sh.clockState); w != "" {
		for _, l := range wrap(w, iw) {
			out = append(out, st.Warn.Render(l))
		}
	}
	return out
}

// fastCodeWarning says, of a running clock faster than real time, how little of
// real time the newest code still valid has: at 60× an OTP's "valid 1:18" ran out
// six seconds later, before a presenter had typed it, and nothing said why (a
// presenter's trial).
func fastCodeWarning(msgs []simulator.Message, now time.Time, c engine.ClockState) string {
	if c.Paused || c.Speed <= 1 {
		return ""
	}
	for _, msg := range msgs {
		if msg.Code == "" || msg.Used || !msg.ExpiresAt.After(now) {
			continue
		}
		real := time.Duration(float64(msg.ExpiresAt.Sub(now)) / c.Speed)
		lasts := "under a second"
		if real >= time.Second {
			lasts = engine.DurationText(real.Truncate(time.Second))
		}
		return "⚠ Clock at " + speedText(c.Speed) + ": " + lasts + " of real time left · ctrl+t then p pauses it"
	}
	return ""
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
		if msg.Code != "" && ansi.StringWidth(fmtStamp(msg.At, now)+" "+msg.From+" OTP  123456  valid 1:00") > w {
			// The code is what the line is for: a long bank's name gives way
			// ("First Bank of Nigeria token code …" cut the code at 80 columns).
			from := msg.From
			if bank, rest, ok := strings.Cut(from, " token"); ok {
				from = shortBank(bank) + " token" + rest
			} else {
				from = shortBank(from)
			}
			head = st.Muted.Render(fmtStamp(msg.At, now) + " " + from + " ")
		}
		if msg.Code != "" {
			left := msg.ExpiresAt.Sub(now)
			if msg.Kind == simulator.MessageToken {
				left = min(left, simulator.TokenStep) // the UI's clock may trail the bank's: never "valid 1:01"
			}
			state := st.Faint.Render(" valid " + countdown(left))
			switch {
			case msg.Used:
				state = st.Faint.Render(" used")
			case !msg.ExpiresAt.After(now):
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

// twinAccounts lists the IDs of the other connected accounts of a's bank account:
// linking one again connects it under a new ID, and the first stays until unlinked.
func twinAccounts(ctx context.Context, eng *engine.Engine, a engine.Account) []string {
	all, err := eng.Accounts(ctx)
	if err != nil {
		return nil
	}
	var ids []string
	for _, o := range all {
		if o.ID != a.ID && o.Number == a.Number && o.Institution.Code == a.Institution.Code {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

// twinWords says that the account just connected was connected already.
func twinWords(ids []string) string {
	if len(ids) == 1 {
		return "This bank account was connected already, as " + ids[0] + ": linking it again made a second account under a new ID; " +
			"the first stays, with a row of its own, until it is unlinked (POST /accounts/" + ids[0] + "/unlink)."
	}
	return "This bank account was connected already, as " + strings.Join(ids, ", ") + ": linking it again made another account under a new ID; " +
		"the earlier ones stay, each with a row of its own, until they are unlinked (POST /accounts/{id}/unlink)."
}
