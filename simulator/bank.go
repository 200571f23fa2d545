package simulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"sandbank/engine"
)

// Bank is the simulated bank: every institution of the world, its customers and
// their accounts, their activity over time, and the bank-side controls a tester
// uses. It implements engine.Bank. It is safe for concurrent use.
type Bank struct {
	clock   engine.Clock
	journal Journal

	mu          sync.Mutex
	w           *world
	nrec        int   // records in the journal, the world record included
	randThrough int64 // random events up to this instant are applied
	outages     map[string]int64
	latency     map[string]time.Duration
	sessions    map[string]*session
	challenges  map[string]*challenge
	// sizes at which the maps are next pruned of expired entries
	sessionsCap, challengesCap int
	fails                      map[string]*failState
	nonces                     map[string]uint64 // per login key: see nextNonce
	randBuf                    []randomEvent
	txBuf                      []tx
}

var _ engine.Bank = (*Bank)(nil)

// Limits of the controls.
// OutageExamples are the durations an outage's field suggests when what was
// given does not parse: within its bounds, for the API, the TUI and scenarios alike.
var OutageExamples = "15m, 2h or 1d (at most " + engine.DurationText(MaxOutage) + ")"

const (
	MaxAmount     = int64(1e15) // kobo: NGN 10 trillion
	maxBalance    = 100 * MaxAmount
	MaxOutage     = 30 * 24 * time.Hour
	MaxLatency    = time.Minute
	maxNarration  = 120
	inboxCapacity = 50
	maxAccounts   = 8
)

// Customer is a customer as a tester sees it: everything needed to sign in and
// answer any challenge, and the accounts with their live balances.
type Customer struct {
	ID               string
	Name             string
	Username         string
	Password         string // a sandbox shows it: testers need it to sign in
	MFA              engine.MFAKind
	SecurityQuestion string
	SecurityAnswer   string
	Phone            string
	Email            string
	Profile          string
	AuthMethod       string
	Identity         engine.Identity
	Accounts         []Account
	AddedAt          time.Time // zero for the world's own customers
	NextLoginOTP     bool      // the password changed: the next sign-in also asks for an OTP
}

// Account is a bank account, live.
type Account struct {
	engine.BankAccount
	CustomerID string
	Overdraft  int64 // how far below zero it may go, kobo; 0: it cannot overdraw
	OpenedAt   time.Time
}

// InstitutionStatus is an institution with the state of its service.
type InstitutionStatus struct {
	engine.Institution
	OutageUntil time.Time     // zero when the bank is up
	Latency     time.Duration // real-time delay of every answer
}

// Message kinds in a customer's inbox.
const (
	MessageOTP    = "otp"
	MessageToken  = "token"
	MessageNotice = "notice"
)

// Message is something that reached the customer's phone.
type Message struct {
	At        time.Time
	From      string // the bank
	Kind      string // MessageOTP, MessageToken or MessageNotice
	Text      string
	Code      string    // the OTP or the token code
	ExpiresAt time.Time // when the code stops working
	Used      bool      // an OTP that signed in: it works no more
}

// NewCustomer asks the bank for a customer with one account. Every field is
// optional: empty ones are generated from the seed. The account opens now with
// Balance deposited ("CASH DEPOSIT - ACCOUNT OPENING"); its Profile defaults to
// "dormant" (no activity of its own), so a scenario controls the balance exactly.
type NewCustomer struct {
	Name        string         `json:"name,omitempty"`
	Institution string         `json:"institution,omitempty"` // CBN bank code
	AccountType string         `json:"account_type,omitempty"`
	Balance     int64          `json:"balance,omitempty"` // kobo
	Profile     string         `json:"profile,omitempty"`
	MFA         engine.MFAKind `json:"mfa,omitempty"`
	AuthMethod  string         `json:"auth_method,omitempty"`
	Username    string         `json:"username,omitempty"`
	Password    string         `json:"password,omitempty"`
}

// NewAccount asks the bank to open another account for a customer: Institution is
// required, and may be a bank where they already hold one (a savings and a current
// account at the same bank, say: one sign-in there then sees both, and the connect
// widget asks which to link). The account opens now with Balance deposited, and
// shares the customer's profile (so a dormant customer's accounts stay still).
type NewAccount struct {
	Institution string `json:"institution"` // CBN bank code
	AccountType string `json:"account_type,omitempty"`
	Balance     int64  `json:"balance,omitempty"` // kobo
}

// Posting is money a customer spends or receives at the bank, now.
type Posting struct {
	Account   string        `json:"account"` // the NUBAN
	Type      engine.TxType `json:"type"`
	Amount    int64         `json:"amount"`              // kobo, > 0
	Narration string        `json:"narration,omitempty"` // default "POS PURCHASE" or "CASH DEPOSIT"
}

// New makes a bank with an in-memory journal: for tests, benchmarks and demos
// that need no restart.
func New(cfg Config, clock engine.Clock) (*Bank, error) {
	return Open(cfg, clock, &MemJournal{})
}

// Open makes the bank of a journal. An empty journal records cfg (defaults
// filled) as its first record; otherwise the recorded Config defines the world
// and the journal's events are replayed, and cfg.Seed must equal the recorded
// seed (EINVALID otherwise).
func Open(cfg Config, clock engine.Clock, j Journal) (*Bank, error) {
	if clock == nil {
		return nil, engine.Invalid("clock", "the bank needs a clock")
	}
	if j == nil {
		j = &MemJournal{}
	}
	recs, err := j.BankEvents()
	if err != nil {
		return nil, internal("read the bank journal", err)
	}
	if len(recs) == 0 {
		if cfg, err = cfg.normalize(); err != nil {
			return nil, err
		}
		data, err := json.Marshal(record{Kind: recWorld, Version: journalVersion, Config: &cfg})
		if err != nil {
			return nil, internal("encode the world record", err)
		}
		if err := j.AppendBankEvent(data); err != nil {
			return nil, internal("write the bank journal", err)
		}
		b := newBank(cfg, journalVersion, clock, j)
		b.nrec = 1
		return b, nil
	}
	first, err := decodeRecord(0, recs[0])
	if err != nil {
		return nil, err
	}
	if first.Kind != recWorld || first.Config == nil {
		return nil, engine.Errorf(engine.EINTERNAL, "the bank journal does not start with a world record (found %q)", first.Kind)
	}
	if first.Version > journalVersion {
		// Said as the store says a newer schema: who wrote it, and what to do (an
		// upgrading user's trial met the bare version numbers).
		return nil, engine.Errorf(engine.EINVALID, "this database's bank was made by a newer sandbank (bank data version %d; this build makes up to %d): upgrade sandbank, or use --db to open another file",
			first.Version, journalVersion)
	}
	if cfg.Seed != 0 && cfg.Seed != first.Config.Seed { // 0: whichever it holds
		return nil, engine.Invalid("seed", "this database holds the world of seed %d, not %d: open it without --seed (it keeps its own), or use another database for seed %d",
			first.Config.Seed, cfg.Seed, cfg.Seed)
	}
	stored, err := first.Config.normalize()
	if err != nil {
		return nil, err
	}
	b := newBank(stored, max(first.Version, 1), clock, j)
	for i := 1; i < len(recs); i++ {
		rec, err := decodeRecord(i, recs[i])
		if err != nil {
			return nil, err
		}
		b.catchUp(rec.At.UnixNano())
		if err := b.apply(i, rec, true); err != nil {
			return nil, engine.Errorf(engine.EINTERNAL, "bank journal record %d (%s): %s", i, rec.Kind, engine.ErrorMessage(err))
		}
	}
	b.nrec = len(recs)
	return b, nil
}

func newBank(cfg Config, version int, clock engine.Clock, j Journal) *Bank {
	return &Bank{
		clock: clock, journal: j, w: newWorld(cfg, version),
		randThrough: cfg.Start.UnixNano(),
		outages:     make(map[string]int64),
		latency:     make(map[string]time.Duration),
		sessions:    make(map[string]*session),
		challenges:  make(map[string]*challenge),
		fails:       make(map[string]*failState),
		nonces:      make(map[string]uint64),
	}
}

func internal(what string, err error) error {
	if e, ok := engine.AsError(err); ok {
		return e
	}
	return engine.Errorf(engine.EINTERNAL, "%s: %v", what, err)
}

// now reads the clock and brings random events up to it. Call with b.mu held.
func (b *Bank) now() int64 {
	now := b.clock.Now().UnixNano()
	b.catchUp(now)
	return now
}

// record journals an event and applies it. Call with b.mu held, after validating.
func (b *Bank) record(rec record) error {
	if !b.w.inTime(rec.At) { // refused now, or the journal could not be replayed at the next start
		return engine.Invalid("at", "the clock (%s) is outside this world, which runs from %s to %s: start a new database", engine.TimeText(rec.At),
			engine.TimeText(time.Unix(0, b.w.histStart)), engine.TimeText(b.w.end()))
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return internal("encode a bank event", err)
	}
	if err := b.journal.AppendBankEvent(data); err != nil {
		return internal("write the bank journal", err)
	}
	idx := b.nrec
	b.nrec++
	return b.apply(idx, rec, false)
}

// inTime reports whether t lies in the world's time: from its history's start to
// its end.
func (w *world) inTime(t time.Time) bool {
	return t.UnixNano() >= w.histStart && !t.After(w.end())
}

// end is the world's last instant: IDsEnd.
func (w *world) end() time.Time { return IDsEnd }

// apply changes the bank as a journal record says. Live events were validated by
// their control; replayed ones are checked again for shape (a journal is outside
// input), but not against the balance: they were valid when they happened.
func (b *Bank) apply(idx int, rec record, replay bool) error {
	at := rec.At.UnixNano()
	w := b.w
	if replay && !w.inTime(rec.At) {
		return engine.Invalid("at", "an event at %s, outside the world's time", engine.TimeText(rec.At))
	}
	switch rec.Kind {
	case recCustomer:
		if rec.New == nil {
			return engine.Invalid("new", "missing customer")
		}
		if replay {
			if err := b.validateNew(rec.New); err != nil {
				return err
			}
		}
		c := w.newCustomer(len(w.customers), rec.New, at)
		w.addCustomer(c)
		if rec.New.Balance > 0 {
			a := c.accounts[0]
			a.addExplicit(xev{at: at, amount: rec.New.Balance, narr: w.intern("CASH DEPOSIT - ACCOUNT OPENING", catIncome),
				src: uint32(idx), credit: true})
		}
	case recAccount:
		c, err := b.customer(rec.Customer)
		if err != nil {
			return err
		}
		if rec.Open == nil {
			return engine.Invalid("open", "missing account")
		}
		if replay {
			if err := validateOpen(c, *rec.Open); err != nil {
				return err
			}
		}
		a := w.openAccount(c, *rec.Open, at)
		if rec.Open.Balance > 0 {
			a.addExplicit(xev{at: at, amount: rec.Open.Balance, narr: w.intern("CASH DEPOSIT - ACCOUNT OPENING", catIncome),
				src: uint32(idx), credit: true})
		}
	case recPost:
		_, a, err := b.customerAccount(rec.Customer, rec.Posting)
		if err != nil {
			return err
		}
		p := rec.Posting
		if err := p.Type.Validate(); err != nil {
			return err
		}
		if p.Amount <= 0 || p.Amount > MaxAmount || p.Narration == "" {
			return engine.Invalid("amount", "a posting of %d kobo, narration %q", p.Amount, p.Narration)
		}
		a.addExplicit(xev{at: at, amount: p.Amount, narr: w.intern(p.Narration, categorize(w.version, p.Type, p.Narration)),
			src: uint32(idx), credit: p.Type == engine.Credit})
	case recPassword:
		c, err := b.customer(rec.Customer)
		if err != nil {
			return err
		}
		if err := CheckPassword(rec.Password); err != nil {
			return err
		}
		b.setPassword(c, rec.Password, at, "")
	case recMFA:
		c, err := b.customer(rec.Customer)
		if err != nil {
			return err
		}
		if err := rec.MFA.Validate(); err != nil {
			return err
		}
		b.setMFA(c, rec.MFA, at)
	case recSignedIn:
		c, err := b.customer(rec.Customer)
		if err != nil {
			return err
		}
		c.forceOTP = false
	case recOutage, recLatency:
		if _, err := lookupInstitution(rec.Bank); err != nil {
			return err
		}
		switch {
		case rec.Kind == recLatency && rec.Duration <= 0:
			delete(b.latency, rec.Bank)
		case rec.Kind == recLatency:
			b.latency[rec.Bank] = min(rec.Duration, MaxLatency)
		case rec.Duration <= 0:
			delete(b.outages, rec.Bank)
		case at+int64(min(rec.Duration, MaxOutage)) > b.outages[rec.Bank]:
			b.outages[rec.Bank] = at + int64(min(rec.Duration, MaxOutage))
		}
	default:
		return engine.Errorf(engine.EINTERNAL, "unknown bank event %q (written by a newer sandbank?)", rec.Kind)
	}
	return nil
}

func (b *Bank) customer(id string) (*customer, error) {
	c := b.w.byID[id]
	if c == nil {
		return nil, &engine.Error{Code: engine.ENOTFOUND, Field: "customer", Message: fmt.Sprintf("no customer %q; GET /sandbox/customers lists them", id)}
	}
	return c, nil
}

func (b *Bank) customerAccount(id string, p *Posting) (*customer, *account, error) {
	c, err := b.customer(id)
	if err != nil {
		return nil, nil, err
	}
	if p == nil {
		return nil, nil, engine.Invalid("posting", "missing posting")
	}
	for _, a := range c.accounts {
		if a.number == p.Account {
			return c, a, nil
		}
	}
	// Say what account takes and the customer's own: "has no account" alone left a
	// caller who sent the connected account's ID (the ID every other route takes)
	// to guess (a QA trial).
	theirs := make([]string, len(c.accounts))
	for i, a := range c.accounts {
		theirs[i] = a.number + " (" + a.inst.Name + ")"
	}
	return nil, nil, &engine.Error{Code: engine.ENOTFOUND, Field: "account",
		Message: fmt.Sprintf("customer %s has no account %q: account takes the account number at the bank (its NUBAN), not a connected account's ID; theirs: %s",
			id, p.Account, strings.Join(theirs, ", "))}
}

// --- Views ---

// Config is the world's definition, as recorded.
func (b *Bank) Config() Config { return b.w.cfg }

// DataVersion is the bank journal version whose generators made this world
// (journalVersion when this build made it): a newer build replays an older
// world with its own version's generators.
func (b *Bank) DataVersion() int { return b.w.version }

// HistoryStart is when the world's accounts opened: midnight (WAT) 13 months before Config.Start.
func (b *Bank) HistoryStart() time.Time { return time.Unix(0, b.w.histStart).UTC() }

// End is the world's last instant, IDsEnd: the clock must not pass it (Clock.SetEnd).
func (b *Bank) End() time.Time { return b.w.end() }

// Institutions lists the banks of the world. It takes no lock: the engine reads it
// inside its store's writes (engine.Bank says why no other method may be).
func (b *Bank) Institutions() []engine.Institution { return Institutions() }

// Institutions lists the banks every world has, for checks made before a world
// exists (a scenario file naming a bank).
func Institutions() []engine.Institution {
	return append([]engine.Institution(nil), institutions...)
}

// InstitutionStatuses lists the banks with the state of their service.
func (b *Bank) InstitutionStatuses() []InstitutionStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	out := make([]InstitutionStatus, len(institutions))
	for i, in := range institutions {
		out[i] = b.status(in, now)
	}
	return out
}

// Institution is one bank, by CBN code, with the state of its service.
func (b *Bank) Institution(code string) (InstitutionStatus, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	in, err := lookupInstitution(code)
	if err != nil {
		return InstitutionStatus{}, err
	}
	return b.status(in, b.now()), nil
}

func (b *Bank) status(in engine.Institution, now int64) InstitutionStatus {
	s := InstitutionStatus{Institution: in, Latency: b.latency[in.Code]}
	if until := b.outages[in.Code]; until > now {
		s.OutageUntil = time.Unix(0, until).UTC()
	}
	return s
}

func lookupInstitution(code string) (engine.Institution, error) {
	in, ok := institutionByCode(code)
	if !ok {
		return in, &engine.Error{Code: engine.ENOTFOUND, Field: "institution",
			Message: fmt.Sprintf("no institution with bank code %q; GET /sandbox/institutions lists the codes (or give the bank's name, e.g. \"Access Bank\")", code)}
	}
	return in, nil
}

// Customers lists every customer, in the order they were made, with live balances.
func (b *Bank) Customers() []Customer {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	out := make([]Customer, len(b.w.customers))
	for i, c := range b.w.customers {
		out[i] = b.view(c, now)
	}
	return out
}

// Customer is one customer, by ID.
func (b *Bank) Customer(id string) (Customer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	c, err := b.customer(id)
	if err != nil {
		return Customer{}, err
	}
	return b.view(c, now), nil
}

// MFAs is what the bank asks after the password of each customer of ids that it
// has, by ID: a list of every connected account filters by it. Customer would do,
// but it works out the balance of each of the customer's accounts, and one lock
// serves them all.
func (b *Bank) MFAs(ids []string) map[string]engine.MFAKind {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now() // the random MFA changes due by now, as every read brings them (a review: a jump's were missed)
	out := make(map[string]engine.MFAKind, len(ids))
	for _, id := range ids {
		if c := b.w.byID[id]; c != nil {
			out[id] = c.mfa
		}
	}
	return out
}

// CustomerByUsername is the customer who signs in with username (in any case), as a
// tester finds them from what was typed at a sign-in.
func (b *Bank) CustomerByUsername(username string) (Customer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.w.byUsername[strings.ToLower(strings.TrimSpace(username))]
	if c == nil {
		return Customer{}, &engine.Error{Code: engine.ENOTFOUND, Field: "username", Message: fmt.Sprintf("no customer signs in as %q", username)}
	}
	return b.view(c, b.now()), nil
}

// CustomerByAccount is the holder of an account, by NUBAN.
func (b *Bank) CustomerByAccount(number string) (Customer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	a, err := b.account(number)
	if err != nil {
		return Customer{}, err
	}
	return b.view(a.cust, now), nil
}

func (b *Bank) view(c *customer, now int64) Customer {
	v := Customer{
		ID: c.id, Name: c.identity.FullName, Username: c.username, Password: c.password, MFA: c.mfa,
		SecurityQuestion: c.question, SecurityAnswer: c.answer, Phone: c.identity.Phone, Email: c.identity.Email,
		Profile: c.profile, AuthMethod: c.authMethod, Identity: c.identity, AddedAt: c.addedAt, NextLoginOTP: c.forceOTP,
	}
	for _, a := range c.accounts {
		v.Accounts = append(v.Accounts, Account{BankAccount: b.bankAccount(a, now), CustomerID: c.id,
			Overdraft: a.overdraft, OpenedAt: time.Unix(0, a.openAt).UTC()})
	}
	return v
}

func (b *Bank) bankAccount(a *account, now int64) engine.BankAccount {
	return engine.BankAccount{Number: a.number, Name: a.name, Type: a.typ, Currency: "NGN",
		Balance: b.w.balanceAt(a, now), Institution: a.inst, AuthMethod: a.cust.authMethod}
}

func (b *Bank) account(number string) (*account, error) {
	a := b.w.byNumber[number]
	if a == nil {
		return nil, &engine.Error{Code: engine.ENOTFOUND, Field: "account", Message: fmt.Sprintf("no account %q at any bank", number)}
	}
	return a, nil
}

// LiveBalance is an account's balance at the bank now (not as of a sync).
func (b *Bank) LiveBalance(number string) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	a, err := b.account(number)
	if err != nil {
		return 0, err
	}
	return b.w.balanceAt(a, now), nil
}

// History is an account's transactions in [from, to] (zero: unbounded), oldest
// first, never later than now: what the bank itself shows, without a session.
func (b *Bank) History(number string, from, to time.Time) ([]engine.Transaction, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	a, err := b.account(number)
	if err != nil {
		return nil, err
	}
	return b.history(a, from, to, now)
}

func (b *Bank) history(a *account, from, to time.Time, now int64) ([]engine.Transaction, error) {
	lo, hi := int64(-1<<63), now
	if !from.IsZero() {
		lo = from.UnixNano()
	}
	if !to.IsZero() {
		if !from.IsZero() && to.Before(from) {
			return nil, engine.Invalid("to", "the range ends (%s) before it starts (%s)", engine.TimeText(to), engine.TimeText(from))
		}
		hi = min(hi, to.UnixNano())
	}
	b.txBuf = b.w.between(a, lo, hi, b.txBuf[:0])
	out := make([]engine.Transaction, len(b.txBuf))
	for i := range b.txBuf {
		out[i] = b.w.transaction(a, &b.txBuf[i])
	}
	return out, nil
}

// Inbox is what reached a customer's phone, newest first: OTPs and notices, and,
// for hardware-token customers, the code the token shows now.
func (b *Bank) Inbox(customerID string) ([]Message, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	c, err := b.customer(customerID)
	if err != nil {
		return nil, err
	}
	var out []Message
	if c.mfa == engine.MFAToken {
		code, from, until := b.tokenCode(c, now, 0)
		bank := c.accounts[0].inst.Name
		if c.tokenAt.Code != "" { // the bank being signed in at, not always the first
			bank = c.tokenAt.Name
		}
		out = append(out, Message{At: time.Unix(0, from).UTC(), From: bank + " token", Kind: MessageToken,
			Text: "Hardware token code " + code + " (a new code every 60 seconds)", Code: code, ExpiresAt: time.Unix(0, until).UTC()})
	}
	for i := len(c.inbox) - 1; i >= 0; i-- {
		out = append(out, c.inbox[i])
	}
	return out, nil
}

// notifyEachBank sends a notice from every bank the customer holds an account at:
// the password and the MFA are the customer's at all of them, so each says so, not
// only the first (a user re-connecting at their second bank read the first's name).
func (c *customer) notifyEachBank(at int64, text string) {
	var sent []string
	for _, a := range c.accounts {
		if !slices.Contains(sent, a.inst.Code) {
			sent = append(sent, a.inst.Code)
			c.notify(Message{At: time.Unix(0, at).UTC(), From: a.inst.Name, Kind: MessageNotice, Text: text})
		}
	}
}

func (c *customer) notify(m Message) {
	c.inbox = append(c.inbox, m)
	if n := len(c.inbox) - inboxCapacity; n > 0 {
		c.inbox = append(c.inbox[:0], c.inbox[n:]...)
	}
}

// --- Controls ---

// AddCustomer adds a customer with one account, opened now.
func (b *Bank) AddCustomer(nc NewCustomer) (Customer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if err := b.validateNew(&nc); err != nil {
		return Customer{}, err
	}
	if err := b.record(record{Kind: recCustomer, At: time.Unix(0, now).UTC(), New: &nc}); err != nil {
		return Customer{}, err
	}
	return b.view(b.w.customers[len(b.w.customers)-1], now), nil
}

// OpenAccount opens another account for a customer, now; it returns the customer
// with the new account last.
func (b *Bank) OpenAccount(customerID string, na NewAccount) (Customer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	c, err := b.customer(customerID)
	if err != nil {
		return Customer{}, err
	}
	if err := validateOpen(c, na); err != nil {
		return Customer{}, err
	}
	if err := b.record(record{Kind: recAccount, At: time.Unix(0, now).UTC(), Customer: customerID, Open: &na}); err != nil {
		return Customer{}, err
	}
	return b.view(c, now), nil
}

func validateOpen(c *customer, na NewAccount) error {
	if na.Institution == "" {
		return engine.Invalid("institution", "institution is required: the CBN code of the bank to open the account at, e.g. 058")
	}
	if _, err := lookupInstitution(na.Institution); err != nil {
		return err
	}
	if len(c.accounts) >= maxAccounts {
		return &engine.Error{Code: engine.ECONFLICT, Field: "institution", Message: fmt.Sprintf(
			"the customer holds %d accounts already, the most a customer has", maxAccounts)}
	}
	switch na.AccountType {
	case "", engine.AccountSavings, engine.AccountCurrent:
	default:
		return engine.Invalid("account_type", "unknown account type %q; use %s or %s", na.AccountType, engine.AccountSavings, engine.AccountCurrent)
	}
	if na.Balance < 0 || na.Balance > MaxAmount {
		return engine.Invalid("balance", "an opening balance is 0 to %d kobo (got %d)", MaxAmount, na.Balance)
	}
	return nil
}

func (b *Bank) validateNew(nc *NewCustomer) error {
	if err := CheckNewCustomer(nc); err != nil {
		return err
	}
	if nc.Username != "" && b.w.byUsername[nc.Username] != nil {
		return &engine.Error{Code: engine.ECONFLICT, Field: "username", Message: fmt.Sprintf("the username %q is taken", nc.Username)}
	}
	return nil
}

// CheckNewCustomer checks a new customer's fields on their own, as AddCustomer
// does before it looks for a taken username, and tidies them as it does (spaces
// in the name, the username's case): scenario files are checked with it.
func CheckNewCustomer(nc *NewCustomer) error {
	nc.Name = strings.Join(strings.Fields(nc.Name), " ")
	if nc.Name != "" {
		letters := 0
		for _, r := range nc.Name {
			switch {
			case unicode.IsLetter(r):
				letters++
			case unicode.Is(unicode.Mn, r) && letters > 0: // a tone mark typed on its own: Adébáyọ̀
			case r == ' ' || r == '-' || r == '\'' || r == '.':
			default:
				return engine.Invalid("name", "a name has letters (with their accents and tone marks), spaces, hyphens, apostrophes and dots only (got %q)", nc.Name)
			}
		}
		if letters < 2 || utf8.RuneCountInString(nc.Name) > 60 { // characters, not bytes: Ọlá is 5 bytes
			return engine.Invalid("name", "a name has 2 to 60 characters (got %q)", nc.Name)
		}
	}
	if nc.Institution != "" {
		if _, err := lookupInstitution(nc.Institution); err != nil {
			return err
		}
	}
	switch nc.AccountType {
	case "", engine.AccountSavings, engine.AccountCurrent:
	default:
		return engine.Invalid("account_type", "unknown account type %q; use %s or %s", nc.AccountType, engine.AccountSavings, engine.AccountCurrent)
	}
	if nc.Balance < 0 || nc.Balance > MaxAmount {
		return engine.Invalid("balance", "an opening balance is 0 to %d kobo (got %d)", MaxAmount, nc.Balance)
	}
	if nc.Profile != "" && !contains(Profiles, nc.Profile) {
		return engine.Invalid("profile", "unknown profile %q; use one of %s", nc.Profile, strings.Join(Profiles, ", "))
	}
	if nc.MFA != "" {
		if err := nc.MFA.Validate(); err != nil {
			return err
		}
	}
	switch nc.AuthMethod {
	case "", engine.AuthInternetBanking, engine.AuthMobileBanking:
	default:
		return engine.Invalid("auth_method", "unknown auth method %q; use %s or %s", nc.AuthMethod, engine.AuthInternetBanking, engine.AuthMobileBanking)
	}
	if nc.Username != "" {
		nc.Username = strings.ToLower(nc.Username)
		if len(nc.Username) < 3 || len(nc.Username) > 32 || strings.Trim(nc.Username, "abcdefghijklmnopqrstuvwxyz0123456789._") != "" {
			return engine.Invalid("username", "a username has 3 to 32 letters, digits, dots or underscores (got %q)", nc.Username)
		}
	}
	if nc.Password != "" {
		if err := CheckPassword(nc.Password); err != nil {
			return err
		}
	}
	return nil
}

// CheckPassword is the bank's rule for a password: scenario files are checked
// with it too.
func CheckPassword(pw string) error {
	if len(pw) < 6 || len(pw) > 64 {
		return engine.Invalid("password", "a password has 6 to 64 characters")
	}
	for _, r := range pw {
		if r <= ' ' || r > '~' {
			return engine.Invalid("password", "a password has printable ASCII characters and no spaces")
		}
	}
	return nil
}

// CheckNarration is the bank's rule for a posting's narration, its spaces
// collapsed: scenario files are checked with it too.
func CheckNarration(n string) error {
	if utf8.RuneCountInString(n) > maxNarration || strings.IndexFunc(n, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return engine.Invalid("narration", "a narration has up to %d printable characters", maxNarration)
	}
	return nil
}

// PostTransaction makes the customer spend (debit) or receive (credit) money on
// one of their accounts now — "Mr Adam spends NGN 5,000". A debit beyond what the
// account can pay (its balance, plus its overdraft limit if it has one) is
// refused. No fees or levies are added to explicit postings.
func (b *Bank) PostTransaction(customerID string, p Posting) (engine.Transaction, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	_, a, err := b.customerAccount(customerID, &p)
	if err != nil {
		return engine.Transaction{}, err
	}
	if err := p.Type.Validate(); err != nil {
		return engine.Transaction{}, err
	}
	if p.Amount <= 0 || p.Amount > MaxAmount {
		return engine.Transaction{}, engine.Invalid("amount", "an amount is a positive number of kobo up to %d (got %d)", MaxAmount, p.Amount)
	}
	p.Narration = strings.Join(strings.Fields(p.Narration), " ")
	if p.Narration == "" {
		p.Narration = "POS PURCHASE"
		if p.Type == engine.Credit {
			p.Narration = "CASH DEPOSIT"
		}
	}
	if err := CheckNarration(p.Narration); err != nil {
		return engine.Transaction{}, err
	}
	if now < a.openAt {
		return engine.Transaction{}, engine.Invalid("account", "account %s opens only at %s", a.number, engine.TimeText(time.Unix(0, a.openAt)))
	}
	bal := b.w.balanceAt(a, now)
	switch {
	case p.Type == engine.Debit && p.Amount > bal+a.overdraft:
		msg := fmt.Sprintf("insufficient funds: account %s has %s", a.number, naira(bal))
		if a.overdraft > 0 {
			msg += fmt.Sprintf(" and an overdraft limit of %s", naira(a.overdraft))
		}
		return engine.Transaction{}, engine.Invalid("amount", "%s; a debit of %s is refused", msg, naira(p.Amount))
	case p.Type == engine.Credit && bal > maxBalance-p.Amount:
		// The cap and the room, not "cannot hold more money" alone (a bad-input trial).
		return engine.Transaction{}, engine.Invalid("amount", "account %s holds %s and cannot hold more than %s: a credit of %s is refused; credit at most %s",
			a.number, naira(bal), naira(maxBalance), naira(p.Amount), naira(maxBalance-bal))
	}
	if err := b.record(record{Kind: recPost, At: time.Unix(0, now).UTC(), Customer: customerID, Posting: &p}); err != nil {
		return engine.Transaction{}, err
	}
	// The posting is the account's latest transaction at now.
	b.txBuf = b.w.between(a, now, now, b.txBuf[:0])
	return b.w.transaction(a, &b.txBuf[len(b.txBuf)-1]), nil
}

// naira formats kobo for messages: "NGN 5,000.00".
func naira(k int64) string { return "NGN " + engine.Naira(k) }

// wholeWords are categorize's keywords that begin common words, which from
// version 6 count only as whole words or their plurals.
var wholeWords = map[string]bool{"BET": true, "BILL": true, "FEE": true, "CHARGE": true, "TOKEN": true, "LEVY": true, "VAT": true,
	"BOLT": true, "ATM": true, "NIP": true, "ELECTRIC": true, "COMMISSION": true}

// categorize gives an explicit posting a category from its narration, as the
// world's journal version did.
func categorize(version int, t engine.TxType, narr string) uint8 {
	u := strings.ToUpper(narr)
	if version >= 6 {
		// By words, whatever separated them ("NIP TRF FROM BETTY/GTB" → " NIP
		// TRF FROM BETTY GTB "): a keyword begins a word (NIPTRF, ATMWDL,
		// PIZZAHUT are theirs; ATM is not TREATMENT), and the short ones that
		// begin common words are whole words or their plurals — BET is not
		// ELIZABETH nor BETTY, FEE is FEES but not COFFEE nor FEEDWELL, BILL
		// not BILLY, CHARGE not CHARGER (reviews).
		u = " " + strings.Join(strings.FieldsFunc(u, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}), " ") + " "
	}
	has := func(words ...string) bool {
		for _, w := range words {
			switch {
			case version < 6:
				if strings.Contains(u, w) {
					return true
				}
			case wholeWords[w]:
				if strings.Contains(u, " "+w+" ") || strings.Contains(u, " "+w+"S ") {
					return true
				}
			case strings.Contains(u, " "+w):
				return true
			}
		}
		return false
	}
	switch {
	case has("SALARY", "SALARIES", "PENSION", "INTEREST", "SETTLEMENT") && t == engine.Credit:
		return catIncome
	case has("AIRTIME", "MTNAIRTIME", "DATA BUNDLE", "RECHARGE"):
		return catAirtime
	case version >= 5 && has("ATM", "ATMWDL", "CASH WITHDRAWAL") && has("FEE", "CHARGE", "CHARGED", "COMMISSION", "VAT"):
		// Version 5: an ATM's fee is a charge, not cash ("OTHER BANK ATM FEE"
		// posted by hand was cash_withdrawal, the generator's bank_charges).
		return catCharges
	case has("ATM", "ATMWDL", "CASH WITHDRAWAL"):
		return catCash
	case has("DSTV", "GOTV", "IKEDC", "EKEDC", "AEDC", "PHED", "LAWMA", "ELECTRIC", "ELECTRICITY", "BILL", "BILLPAY", "TOKEN"):
		return catBills
	case has("FEE", "CHARGE", "CHARGED", "LEVY", "LEVIES", "VAT", "COMMISSION"):
		return catCharges
	case has("BOLT", "UBER", "FUEL", "FILLING", "TRANSPORT"):
		return catTransport
	case has("NETFLIX", "CINEMA", "SHOWMAX", "SPOTIFY", "BET", "BET9JA", "BETKING", "BETWAY", "BETNAIJA", "BETWINNER",
		"SPORTYBET", "NAIRABET", "MERRYBET", "BANGBET", "1XBET"):
		return catEntertainment
	case has("RESTAURANT", "FOOD", "HEYFOOD", "CHICKEN", "PIZZA", "KFC", "EATERY"):
		return catFood
	case has("TRF", "NIPTRF", "MOBTRF", "FTTRF", "TRANSFER", "NIP"):
		return catTransfer
	case t == engine.Credit:
		return catIncome
	}
	return catShopping
}

// ChangePassword changes the customer's password at the bank, as the customer
// would. The old password then fails like any wrong one, open sessions end, and
// the next sign-in also asks for an OTP.
func (b *Bank) ChangePassword(customerID, password string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	c, err := b.customer(customerID)
	if err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	if password == c.password {
		return engine.Invalid("password", "the new password is the current one; choose another")
	}
	return b.record(record{Kind: recPassword, At: time.Unix(0, now).UTC(), Customer: customerID, Password: password})
}

func (b *Bank) setPassword(c *customer, pw string, at int64, note string) {
	c.password = pw
	c.forceOTP = true
	b.revoke(c, "the password was changed since it began")
	text := "Your password (internet and mobile banking) was changed on " + time.Unix(0, at).In(wat).Format("2 Jan 2006 15:04") +
		". If this was not you, call us now."
	if note != "" {
		text += " " + note
	}
	c.notifyEachBank(at, text)
}

// SetMFA sets what the bank asks after the customer's password: none turns MFA off.
// Open sessions end.
func (b *Bank) SetMFA(customerID string, kind engine.MFAKind) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	c, err := b.customer(customerID)
	if err != nil {
		return err
	}
	if err := kind.Validate(); err != nil {
		return err
	}
	if kind == c.mfa {
		return nil
	}
	return b.record(record{Kind: recMFA, At: time.Unix(0, now).UTC(), Customer: customerID, MFA: kind})
}

func (b *Bank) setMFA(c *customer, kind engine.MFAKind, at int64) {
	c.mfa = kind
	b.revoke(c, "two-step verification was changed since it began")
	text := "Two-step verification is now off for your account."
	if kind != engine.MFANone {
		text = "Two-step verification is now on: the bank will ask for " + kind.Words() + " when you sign in."
	}
	c.notifyEachBank(at, text)
}

// StartOutage makes a bank unavailable for d from now: sign-ins and fetches fail
// with EUNAVAILABLE. An outage already running is extended, never shortened.
func (b *Bank) StartOutage(bankCode string, d time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if _, err := lookupInstitution(bankCode); err != nil {
		return err
	}
	if d <= 0 || d > MaxOutage {
		return engine.Invalid("for", "an outage lasts more than 0 and up to %s (got %s)", engine.DurationText(MaxOutage), engine.DurationText(d))
	}
	return b.record(record{Kind: recOutage, At: time.Unix(0, now).UTC(), Bank: bankCode, Duration: d})
}

// EndOutage brings a bank back now.
func (b *Bank) EndOutage(bankCode string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if _, err := lookupInstitution(bankCode); err != nil {
		return err
	}
	if b.outages[bankCode] <= now {
		return nil
	}
	return b.record(record{Kind: recOutage, At: time.Unix(0, now).UTC(), Bank: bankCode})
}

// SetLatency makes every answer of a bank wait d in real time (0 turns it off);
// a caller's context that ends first gets EUNAVAILABLE.
func (b *Bank) SetLatency(bankCode string, d time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if _, err := lookupInstitution(bankCode); err != nil {
		return err
	}
	if d < 0 || d > MaxLatency {
		return engine.Invalid("latency", "a latency is 0 to %s (got %s)", engine.DurationText(MaxLatency), engine.DurationText(d))
	}
	if d == b.latency[bankCode] {
		return nil
	}
	return b.record(record{Kind: recLatency, At: time.Unix(0, now).UTC(), Bank: bankCode, Duration: d})
}
