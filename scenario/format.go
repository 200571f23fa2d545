package scenario

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/world"
)

// The scenario format (SCENARIOS.md, README "Scenarios"): a world — seed, start,
// settings, named customers — then steps, each doing one thing, with expectations on
// what it answered. Parse reads a file and checks all of it before anything runs: a
// wrong file is refused with file:line:col, what was wrong and what is allowed.

// Defaults of a scenario.
const (
	DefaultSeed           = world.DefaultSeed
	DefaultWorldCustomers = 6 // the tour of the MFA kinds (simulator's package documentation)
	MaxSteps              = 10000
	MaxFileBytes          = 1 << 20
)

// DefaultStart is the virtual start of a scenario that names none.
var DefaultStart = simulator.DefaultStart

// DefaultKeys are a scenario world's keys unless the file sets its own: fixed, so that
// everything derived from them (connect codes, reauth tokens, widget sessions)
// repeats from run to run, and an app under test can be configured once.
var DefaultKeys = world.Keys{Secret: "test_sk_sandbank_scenario", Public: "test_pk_sandbank_scenario",
	WebhookSecret: "whsec_sandbank_scenario"}

// Webhook settings.
const (
	WebhooksCapture = "capture" // the built-in receiver, in process; deliveries are in the transcript
	WebhooksNone    = "none"
)

// Scenario is a parsed, checked scenario file.
type Scenario struct {
	Path           string
	Title          string
	About          string
	Seed           int64
	Start          time.Time
	WorldCustomers int
	Keys           world.Keys
	// SecretKeyGiven says Keys.Secret is the machine's, not the file's (serve
	// --scenario's --secret-key or $SANDBANK_SECRET_KEY): {keys.secret} is then
	// refused, so that a file cannot write it into what leaves the machine — a
	// webhook URL, its secret, a customer's name in a webhook's body (a security
	// review); a step sends it as a key already (key: secret).
	SecretKeyGiven bool
	Settings       Settings
	Customers      []*Customer
	Steps          []*Step
	ServeAt        int // index of the serve: step, -1 if none
	// Notes are readings of the file it accepts that a reader may not have
	// meant (a bare balance is kobo), which scenario check says beside it.
	Notes []string
	// FromEnv pairs each webhooks URL that took a part from the environment
	// with the file's own words for it (expanded, written), and so its host and
	// port, which an attempt's error names without the rest of the URL: a
	// transcript says the words, so that it is the same bytes whatever port a run
	// was given.
	FromEnv []string

	names map[string]*Customer // customer names
	accts map[string]*Account  // account names
}

// Settings are the business's settings; nil fields are left as they are.
type Settings struct {
	DataSync      *bool
	AutoSync      *time.Duration
	Webhooks      *string // WebhooksCapture, WebhooksNone or a URL
	WebhookSecret *string
	WebhookFormat *string // v1 or v2
	// StatementBuild is how long a PDF statement stays BUILDING.
	StatementBuild *time.Duration
}

// Customer is a named customer: a new one the scenario adds to the bank, or one of
// the world's own (World ≥ 0).
type Customer struct {
	Name     string
	World    int // the world's customer number, or -1 for a new customer
	New      simulator.NewCustomer
	Accounts []*Account
	pos      pos
}

// Account is a named bank account of a named customer.
type Account struct {
	Name        string
	Customer    *Customer
	Index       int    // among the customer's accounts
	Institution string // bank code; "" for a world customer's (known once the world exists)
	Balance     int64
	Type        string
	pos         pos
}

// Step is one step of the timeline.
type Step struct {
	N      int    // 1-based
	Action string // connect, sync, call …
	Text   string // the step in one line, e.g. "sync: adam"
	Note   string
	At     time.Time // when the step runs; zero: right after the previous one
	Clock  time.Time // the virtual time when the step runs (known before the run)
	pos    pos

	Account     *Account  // connect, reauthorise, sync, unlink, bank postings, webhook filters
	Customer    *Customer // bank steps
	Institution string    // outage, latency

	Method, Path string            // call, expect_call
	Body         *node             // call: a mapping (JSON) or a string (as is)
	Headers      map[string]string // call
	Key          string            // call: "secret", "public", "none" or a literal key
	Timeout      time.Duration     // the client gives up on the answer after this much real time (what the request set off runs on)

	Op        string // bank: debit, credit, password, mfa
	Amount    int64
	Narration string
	Password  *string // bank password; connect/reauthorise: the password typed
	MFA       engine.MFAKind
	Answers   []string // connect/reauthorise: typed in order; AnswerCorrect types the right one
	Token     string   // reauthorise: use this token instead of a fresh one
	Link      string   // connect, reauthorise: walk this v2 initiate link (its mono_url or ID) instead

	For   time.Duration // outage
	End   bool          // outage ends
	Delay time.Duration // latency; receiver slow

	Advance  time.Duration
	Settings Settings
	Receiver string // up, down, error, slow
	Status   int    // receiver error
	Say      string // pause, serve
	Running  bool   // serve: the clock runs from the serve: step on

	Events []string      // webhook, webhooks
	None   bool          // webhooks: [] — none
	Within time.Duration // serve mode: how long the step waits

	Expect []*Expectation
	Save   []SaveSpec
}

// AnswerCorrect in answers: types the right answer.
const AnswerCorrect = "correct"

// Expectation is one checked path of an answer.
type Expectation struct {
	Path    string // "http", "header.Retry-After", "account.balance", "data.0.amount"
	Matcher string // MatchEqual, "gt" …
	Want    *node
	pos     pos
}

// SaveSpec stores a value of an answer under a name, for {name} in later steps.
type SaveSpec struct {
	Var  string
	Path string
	pos  pos
}

// Matchers of an expectation.
const (
	MatchEqual = "equals"
)

var matchers = []string{"any", "absent", "gt", "gte", "lt", "lte", "matches", "contains", "len", "not", "one_of"}

// Event types, with their short names.
var eventTypes = []string{engine.EventAccountConnected, engine.EventAccountUpdated, engine.EventReauthRequired,
	engine.EventAccountReauthorized, engine.EventSyncFailed, engine.EventAccountUnlinked, engine.EventJobsUpdate}

// actions lists each step kind with the fields it takes besides its own.
var actions = map[string][]string{
	"connect":     {"link", "password", "answers", "expect", "save", "timeout"},
	"reauthorise": {"token", "link", "password", "answers", "expect", "save", "timeout"},
	"sync":        {"expect", "save", "timeout"},
	"unlink":      {"expect", "save"},
	"call":        {"body", "headers", "key", "expect", "save", "timeout"},
	"bank":        {"debit", "credit", "narration", "password", "mfa", "expect", "save"},
	"outage":      {"for", "end", "expect"},
	"latency":     {"delay", "expect"},
	"advance":     {},
	"at":          {},
	"settings":    {"expect"},
	"receiver":    {"expect"},
	"pause":       {},
	"serve":       {},
	"webhook":     {"account", "expect", "within"},
	"webhooks":    {"account", "within"},
	"expect_call": {"within", "expect", "save"},
}

// common fields every step may carry.
var common = []string{"at", "note"}

var (
	serveFields    = []string{"say", "clock"}
	receiverFields = []string{"status", "slow"}
	// nestedFields are the fields of the steps whose value may be a mapping.
	nestedFields = map[string][]string{"serve": serveFields, "receiver": receiverFields, "settings": settingsFields}
)

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Parse reads and checks a scenario file's text; path names it in errors.
func Parse(path string, src []byte) (*Scenario, error) { return parse(path, src, false) }

// Check reads a scenario file as Parse does, for scenario check, which runs
// nothing: a webhooks URL's ${NAME} that this machine's environment does not set
// is a note, that it must be set where the file runs, not a refusal — a lint
// job in CI refused a correct file for the port its app's tests choose when
// they start (a QA engineer's trial). The URL is checked with a stand-in for it.
func Check(path string, src []byte) (*Scenario, error) { return parse(path, src, true) }

func parse(path string, src []byte, check bool) (*Scenario, error) {
	if len(src) > MaxFileBytes {
		return nil, &Error{File: path, Line: 1, Col: 1, Msg: fmt.Sprintf("the file is %d bytes; a scenario file has at most %d", len(src), MaxFileBytes)}
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff")) // a BOM, as Windows editors save UTF-8
	if err := plainText(src); err != nil {
		return nil, inFile(path, err)
	}
	root, dups, err := parseYAMLDups(src)
	if err != nil {
		return nil, inFile(path, err)
	}
	p := &fileParser{s: &Scenario{Path: path, Seed: DefaultSeed, Start: DefaultStart, WorldCustomers: DefaultWorldCustomers,
		Keys: DefaultKeys, ServeAt: -1, names: map[string]*Customer{}, accts: map[string]*Account{}}, broken: map[string]bool{}, check: check}
	p.errs = dups // said with the rest, each where it is
	p.file(root)
	if len(p.errs) == 0 {
		return p.s, nil
	}
	// Said in file order: the world is checked before the steps that use it,
	// wherever the file writes it.
	slices.SortStableFunc(p.errs, func(a, b *posError) int {
		return cmp.Or(cmp.Compare(a.pos.line, b.pos.line), cmp.Compare(a.pos.col, b.pos.col))
	})
	if len(p.errs) == 1 {
		return nil, inFile(path, p.errs[0])
	}
	var list Errors
	for _, err := range p.errs[:min(len(p.errs), maxErrors)] {
		list = append(list, inFile(path, err).(*Error))
	}
	if n := len(p.errs) - maxErrors; n > 0 { // the count, where the first unsaid one is
		more := "1 more mistake"
		if n > 1 {
			more = fmt.Sprintf("%d more mistakes", n)
		}
		list = append(list, inFile(path, &posError{pos: p.errs[maxErrors].pos,
			msg: "and " + more + " from here on, not listed: fix the ones above and check again"}).(*Error))
	}
	return nil, list
}

// plainText refuses what is not UTF-8 text before YAML reads it: a file saved as
// UTF-16 or Latin-1, or not text at all, read as a riddle of raw bytes or
// silently as replacement characters.
func plainText(src []byte) error {
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		return &posError{pos: pos{1, 1}, msg: "the file is UTF-16: save it as UTF-8 (your editor's encoding setting)"}
	}
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return &posError{pos: pos{line, col}, msg: fmt.Sprintf("byte 0x%02x is not UTF-8: save the file as UTF-8 (your editor's encoding setting)", src[i])}
		case r == 0:
			return &posError{pos: pos{line, col}, msg: "a NUL byte: this is not a text file; a scenario file is YAML text"}
		case r == '\n':
			line, col = line+1, 0
		}
		i += n
		col++
	}
	return nil
}

// withArticle is "a sync", "an advance".
func withArticle(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

// maxErrors is how many refusals of one file are said.
const maxErrors = 10

type fileParser struct {
	s    *Scenario
	errs []*posError // every refusal: each field, customer and step is checked, so all are said at once
	// check: read for scenario check, which notes an environment variable this
	// machine does not set instead of refusing it (Check).
	check bool
	// startRefused: the start was refused, so the clock's place is unknown and no
	// step is refused for moving it backwards.
	startRefused bool
	usernames    map[string]string // a username given → the customer it was given to
	// while checking steps:
	clock     time.Time
	clockStep int
	connected map[string]bool
	unlinked  map[string]int // account → the step that unlinked it, until a connect:
	vars      map[string]bool
	webhooks  string
	format    string // the webhook format the steps so far leave ("" is v1)
	dashCol   int    // the column of the steps' dashes; 0 for steps: […]
	// connectRefused: a connect: step's account was refused, so which accounts are
	// connected is unknown and no later step is refused for using one unconnected.
	connectRefused bool
	// broken names the customers (and their accounts) refused in part above. A name
	// that could be defined still is, so steps naming it are checked as any other;
	// what the refusal leaves unknown (a bank, the list of accounts) is not refused
	// again, so one mistake says one thing.
	broken map[string]bool
}

// errBroken is what a check returns where a refusal above makes it meaningless (a
// reference to a refused customer's refused part, an account unconnected after a
// refused connect:): the refusal was said already, where it is written.
var errBroken = errors.New("refers to a customer refused above")

// ok keeps err, if any, as one of the file's refusals, and says whether there was
// none. errBroken is not kept: it was said where the customer is written.
func (p *fileParser) ok(err error) bool {
	if err == nil {
		return true
	}
	var pe *posError
	switch {
	case errors.Is(err, errBroken):
	case errors.As(err, &pe):
		p.errs = append(p.errs, pe)
	default:
		p.errs = append(p.errs, &posError{pos: pos{1, 1}, msg: err.Error()})
	}
	return false
}

var topFields = []string{"scenario", "about", "seed", "start", "world_customers", "keys", "settings", "customers", "steps"}

func (p *fileParser) file(root *node) {
	if root.kind != kMap {
		p.ok(errAt(root.pos, "a scenario file is a mapping with scenario:, about:, the world and steps:; found %s", root.what()))
		return
	}
	p.fields(root, topFields, "field")
	s := p.s
	if root.get("scenario") != nil || !misspelt(root, topFields, "scenario") {
		t, err := requiredString(root, "scenario", "the scenario's title, e.g. scenario: A password change forces re-authorisation")
		if n := utf8.RuneCountInString(t); err == nil && n > maxTitle {
			// The title heads the play card, the transcript and the JUnit report (a
			// presenter's trial gave one of 900 KB).
			err = errAt(root.get("scenario").pos, "the title has %d characters: keep it to a line, at most %d, and say the rest in about:", n, maxTitle)
		}
		if p.ok(err) {
			s.Title = t
		}
	}
	if n := root.get("about"); n != nil {
		if a, err := str(n, "about"); p.ok(err) {
			s.About = a
		}
	}
	if n := root.get("seed"); n != nil {
		if v, err := integer(n, "seed", 1, world.MaxSeed); p.ok(err) {
			s.Seed = v
		}
	}
	if n := root.get("start"); n != nil {
		t, err := instant(n, "start")
		if err == nil && (t.Before(simulator.EarliestStart) || !t.Before(simulator.IDsEnd)) { // said here, not when the world is built
			err = errAt(n.pos, "start %s: a world starts from %s to %s, as its IDs begin with the seconds since 1970 in 32 bits and its history goes back 13 months",
				n.value, engine.TimeText(simulator.EarliestStart), engine.TimeText(simulator.IDsEnd))
		}
		if p.ok(err) {
			s.Start = t
		} else {
			p.startRefused = true
		}
	}
	if n := root.get("world_customers"); n != nil {
		v, err := integer(n, "world_customers", 1, 1000)
		if !p.ok(err) {
			v = 1000 // unknown: no world: is refused for it
		}
		s.WorldCustomers = int(v)
	}
	if n := root.get("keys"); n != nil {
		p.keys(n)
	}
	on, none, off := true, WebhooksCapture, time.Duration(0)
	s.Settings = Settings{DataSync: &on, Webhooks: &none, AutoSync: &off}
	if n := root.get("settings"); n != nil {
		p.settings(n, &s.Settings)
	}
	if n := root.get("customers"); n != nil {
		p.customers(n)
	}
	steps := root.get("steps")
	if steps == nil {
		if !misspelt(root, topFields, "steps") {
			p.ok(errAt(root.pos, "steps: is missing: a scenario needs at least one step"))
		}
		return
	}
	p.steps(steps)
}

func (p *fileParser) keys(n *node) {
	if n.kind != kMap {
		p.ok(errAt(n.pos, "keys: is a mapping of secret, public and webhook_secret; found %s", n.what()))
		return
	}
	p.fields(n, []string{"secret", "public", "webhook_secret"}, "key")
	for _, f := range []struct {
		name  string
		dst   *string
		min   int
		where string
	}{{"secret", &p.s.Keys.Secret, 16, engine.WhereSecretKey}, {"public", &p.s.Keys.Public, 16, engine.WherePublicKey},
		{"webhook_secret", &p.s.Keys.WebhookSecret, 1, engine.WhereWebhookSecret}} {
		v := n.get(f.name)
		if v == nil {
			continue
		}
		k, err := str(v, f.name)
		if err == nil && len(k) < f.min {
			err = errAt(v.pos, "the %s key has at least %d characters", f.name, f.min)
		}
		if err == nil {
			if cerr := engine.CheckHeaderSecret(f.name, "the "+f.name+" key", f.where, k); cerr != nil {
				err = errAt(v.pos, "%s", engine.ErrorMessage(cerr))
			}
		}
		if p.ok(err) {
			*f.dst = k
		}
	}
}

var settingsFields = []string{"data_sync", "auto_sync", "webhooks", "webhook_secret", "webhook_format", "statement_build"}

// settings reads the business's settings into out, each setting on its own.
func (p *fileParser) settings(n *node, out *Settings) {
	if n.kind != kMap || len(n.keys) == 0 {
		p.ok(errAt(n.pos, "settings: is a mapping of %s; found %s", strings.Join(settingsFields, ", "), n.what()))
		return
	}
	p.fields(n, settingsFields, "setting")
	if v := n.get("data_sync"); v != nil {
		switch strings.ToLower(v.value) {
		case "enabled", "true":
			b := true
			out.DataSync = &b
		case "disabled", "false":
			b := false
			out.DataSync = &b
		default:
			p.ok(errAt(v.pos, "data_sync is enabled or disabled (true or false), not %s", v.what()))
		}
	}
	if v := n.get("auto_sync"); v != nil {
		if d, err := autoSync(v); p.ok(err) {
			out.AutoSync = &d
		}
	}
	if v := n.get("webhooks"); v != nil {
		w, err := str(v, "webhooks")
		if written := w; err == nil {
			if w, err = p.fromEnv(v, w); err == nil && w != written {
				p.s.FromEnv = append(p.s.FromEnv, w, written)
				if a, b := authority(w), authority(written); a != "" && a != b {
					p.s.FromEnv = append(p.s.FromEnv, a, b)
				}
			}
		}
		if err == nil {
			switch {
			case w == WebhooksCapture || w == WebhooksNone:
			case strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://"):
				if n := utf8.RuneCountInString(w); n > engine.MaxWebhookURL {
					// The engine's limit, which the API and the TUI keep: said in
					// the file's words, not as the run's 400 (a review).
					err = errAt(v.pos, "webhooks is %d characters long; a webhook URL is at most %d: write a shorter one", n, engine.MaxWebhookURL)
				} else if verr := (engine.SettingsPatch{WebhookURL: &w}).Validate(); verr != nil {
					err = errAt(v.pos, "%s", engine.ErrorMessage(verr))
				}
			default:
				err = errAt(v.pos, "webhooks is capture (the built-in receiver, in the transcript), none, or an http(s) URL; not %q", w)
			}
		}
		if p.ok(err) {
			out.Webhooks = &w
		}
	}
	if v := n.get("webhook_secret"); v != nil {
		if w, err := str(v, "webhook_secret"); p.ok(err) {
			if strings.TrimSpace(w) == "" {
				p.ok(errAt(v.pos, "webhook_secret is empty: receivers compare it with every webhook's mono-webhook-secret header; give it a value, or leave it out"))
			} else if err := engine.CheckHeaderSecret("webhook_secret", "webhook_secret", engine.WhereWebhookSecret, w); err != nil {
				p.ok(errAt(v.pos, "%s", engine.ErrorMessage(err)))
			}
			out.WebhookSecret = &w
		}
	}
	if v := n.get("statement_build"); v != nil {
		var d time.Duration
		s, err := str(v, "statement_build")
		if err == nil {
			if d, err = simulator.ParseStatementBuild(s); err != nil {
				err = errAt(v.pos, "%s", engine.ErrorMessage(err)) // as the API's PATCH reads it
			} else {
				err = underAMillisecond(v, "statement_build", d, ", or 0 for at once")
			}
		}
		if p.ok(err) {
			out.StatementBuild = &d
		}
	}
	if v := n.get("webhook_format"); v != nil {
		f, err := str(v, "webhook_format")
		f = strings.ToLower(f)
		if err == nil && engine.WebhookFormat(f).Validate() != nil {
			err = errAt(v.pos, "webhook_format is v1 (the seed's shapes, the default) or v2 (Mono's current envelope), not %q", v.value)
		}
		if p.ok(err) {
			out.WebhookFormat = &f
		}
	}
}

// envRef is ${NAME} or ${NAME:-default} in a webhooks URL; envPort and envHost
// are what the value of a port's and a host's may be.
var (
	envRef  = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)
	envPort = regexp.MustCompile(`^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$`)
	envHost = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$|^\[[0-9A-Fa-f:.]+\]$`)
)

// authority is a URL's host and port, without user information: "" if it has no
// "//".
func authority(u string) string {
	_, rest, ok := strings.Cut(u, "//")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}

// fromEnv fills a value's ${NAME} (or ${NAME:-default}) from the environment: the
// port an app under test listens on is often chosen when its tests start. Only a
// port or a host (envPart): a scenario file in a pull request, run in CI, took
// ${SANDBANK_SECRET_KEY} and a CI token into its webhooks URL and so sent them to
// a host of its own (a security review).
func (p *fileParser) fromEnv(v *node, s string) (string, error) {
	var err error
	fail := func(e error) {
		if err == nil {
			err = e
		}
	}
	out := envRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := envRef.FindStringSubmatch(ref)
		port := strings.HasSuffix(m[1], "_PORT") || m[1] == "PORT"
		if !port && !strings.HasSuffix(m[1], "_HOST") && m[1] != "HOST" {
			fail(errAt(v.pos, "${%s}: a webhooks URL takes only a port or a host from the environment, a variable named …_PORT or …_HOST such as ${APP_PORT}: any other could carry a secret of the machine's to the URL's host", m[1]))
			return ref
		}
		val, ok := os.LookupEnv(m[1])
		switch {
		case ok && val != "":
		case m[2] != "":
			val = m[3]
		case p.check:
			p.s.Notes = append(p.s.Notes, fmt.Sprintf("%d:%d: %s is not set on this machine, so the URL was checked with a stand-in; set it (e.g. %s=3000) before sandbank serves or runs the file, which refuses it unset, or give a default, ${%s:-3000}",
				v.pos.line, v.pos.col, m[1], m[1], m[1]))
			val = "65535" // the longest, for the URL's length
			if !port {
				val = "localhost"
			}
		default:
			fail(errAt(v.pos, "%s is not set in the environment: set it (e.g. %s=3000) before sandbank starts, or give a default, ${%s:-3000}", m[1], m[1], m[1]))
			return ref
		}
		if port && !envPort.MatchString(val) {
			fail(errAt(v.pos, "${%s} is %q, not a port: a number from 1 to 65535", m[1], val))
			return ref
		}
		if !port && !envHost.MatchString(val) {
			fail(errAt(v.pos, "${%s} is %q, not a host: a name or an IP address, such as 127.0.0.1 or app.localhost", m[1], val))
			return ref
		}
		return val
	})
	if err == nil && strings.Contains(out, "${") {
		err = errAt(v.pos, "%q: write an environment variable as ${NAME} or ${NAME:-default}", s)
	}
	return out, err
}

func autoSync(v *node) (time.Duration, error) {
	switch strings.ToLower(v.value) {
	case "off", "false", "0":
		return 0, nil
	}
	if n := strings.TrimSpace(v.value); n != "" && strings.Trim(n, "0") == "" {
		return 0, nil // 00, as 0: off
	} else if n != "" && strings.Trim(n, "0123456789") == "" {
		// A number alone: hours, as every interval offered is (the general hint,
		// seconds or minutes, named intervals that are then refused).
		if h, err := time.ParseDuration(n + "h"); err == nil && slices.Contains(engine.AutoSyncIntervals, h) {
			return 0, errAt(v.pos, "auto_sync %q has no unit: did you mean %sh? (off, 6h, 12h or 24h)", v.value, n)
		}
		return 0, errAt(v.pos, "auto_sync %q has no unit: use off, 6h, 12h or 24h", v.value)
	}
	d, err := duration(v, "auto_sync")
	if err != nil {
		return 0, err
	}
	if !slices.Contains(engine.AutoSyncIntervals, d) {
		return 0, errAt(v.pos, "auto_sync %q is not offered; use off, 6h, 12h or 24h", v.value)
	}
	return d, nil
}

var customerFields = []string{"world", "name", "institution", "balance", "mfa", "profile", "username", "password",
	"account_type", "auth_method", "accounts"}

var accountFields = []string{"institution", "balance", "account_type"}

// maxAccounts is the most accounts a customer holds, as the bank counts them (several
// may be at one bank: the connect widget then asks which to link).
const maxAccounts = 8

func (p *fileParser) customers(n *node) {
	if n.kind != kMap {
		p.ok(errAt(n.pos, "customers: is a mapping of names to customers, e.g. adam: {institution: \"044\", balance: NGN 10000}; found %s", n.what()))
		return
	}
	for i, k := range n.keys {
		p.customer(k, n.vals[i])
	}
}

// customer reads one named customer. One with a mistake in a field is still
// defined, with its accounts that could be read, so that steps naming it are
// checked (and a misspelt name is told of it); its names are marked broken.
func (p *fileParser) customer(k, v *node) {
	before := len(p.errs)
	defer func() {
		if len(p.errs) > before {
			p.markBroken(k, v)
		}
	}()
	c := &Customer{Name: k.value, World: -1, pos: k.pos}
	if !p.ok(p.newName(k, "customer")) {
		return
	}
	if v.kind != kMap {
		p.ok(errAt(v.pos, "customer %s is a mapping, e.g. {institution: \"044\", balance: NGN 10000} or {world: 0}; found %s", c.Name, v.what()))
		return
	}
	p.fields(v, customerFields, "customer field")
	if w := v.get("world"); w != nil {
		c.World = 0
		if idx, err := integer(w, "world", 0, int64(p.s.WorldCustomers-1)); p.ok(err) {
			c.World = int(idx)
		}
		for i, f := range v.keys {
			if f.value != "world" && slices.Contains(customerFields, f.value) {
				p.ok(errAt(v.keys[i].pos, "customer %s is the world's own customer %s: it takes no %s (the world made it); drop world: to describe a new customer",
					c.Name, w.value, f.value))
			}
		}
		c.Accounts = []*Account{{Name: c.Name, Customer: c, pos: k.pos}}
	} else {
		p.newCustomer(c, v)
	}
	p.s.Customers = append(p.s.Customers, c)
	p.s.names[c.Name] = c
	for _, a := range c.Accounts {
		p.s.accts[a.Name] = a
	}
}

// markBroken notes a refused customer's name and its accounts' names.
func (p *fileParser) markBroken(k, v *node) {
	p.broken[k.value] = true
	if v.kind != kMap {
		return
	}
	if as := v.get("accounts"); as != nil && as.kind == kMap {
		for _, ak := range as.keys {
			if p.s.accts[ak.value] == nil || p.s.accts[ak.value].Customer.Name == k.value { // not another's
				p.broken[ak.value] = true
			}
		}
	}
}

func (p *fileParser) newName(k *node, what string) error {
	if !nameRE.MatchString(k.value) {
		return errAt(k.pos, "%s name %q: use lower-case letters, digits and _, starting with a letter (e.g. adam, ada_gtb)", what, k.value)
	}
	if p.s.names[k.value] != nil || p.s.accts[k.value] != nil || k.value == "keys" {
		return errAt(k.pos, "the name %q is taken: customers and accounts each need a name of their own", k.value)
	}
	return nil
}

func (p *fileParser) newCustomer(c *Customer, v *node) {
	nc := &c.New
	for _, f := range []struct {
		name string
		dst  *string
	}{{"name", &nc.Name}, {"username", &nc.Username}, {"auth_method", &nc.AuthMethod}} { // account_type: the account's (account)
		if n := v.get(f.name); n != nil {
			if s, err := str(n, f.name); p.ok(err) {
				*f.dst = s
			}
		}
	}
	if n := v.get("password"); n != nil {
		pw, err := str(n, "password")
		if err == nil {
			if perr := simulator.CheckPassword(pw); perr != nil { // the bank's own rule, said at the field
				err = errAt(n.pos, "%s", engine.ErrorMessage(perr))
			}
		}
		if p.ok(err) {
			nc.Password = pw
		}
	}
	if n := v.get("mfa"); n != nil {
		if k, err := mfaKind(n); p.ok(err) {
			nc.MFA = k
		}
	}
	if n := v.get("profile"); n != nil {
		if pr, err := oneOf(n, "profile", simulator.Profiles); p.ok(err) {
			nc.Profile = pr
		}
	}
	if u := v.get("username"); u != nil && nc.Username != "" {
		key := strings.ToLower(nc.Username)
		if other, ok := p.usernames[key]; ok {
			p.ok(errAt(u.pos, "username %q is customer %s's already: give each customer a username of its own", nc.Username, other))
		} else {
			if p.usernames == nil {
				p.usernames = map[string]string{}
			}
			p.usernames[key] = c.Name
		}
	}
	// What the bank would refuse when the run creates the customer, refused now,
	// at the field: a check that says ✓ promises a run that gets past its setup.
	check := *nc
	if err := simulator.CheckNewCustomer(&check); err != nil {
		at := v.pos
		if e, ok := engine.AsError(err); ok && v.get(e.Field) != nil {
			at = v.get(e.Field).pos
		}
		p.ok(errAt(at, "customer %s: %s", c.Name, engine.ErrorMessage(err)))
	}
	accts := v.get("accounts")
	if accts == nil {
		a := p.account(v, c.Name, c, 0)
		a.pos = c.pos
		nc.Institution, nc.Balance, nc.AccountType = a.Institution, a.Balance, a.Type
		c.Accounts = []*Account{a}
		return
	}
	for i, k := range v.keys {
		if slices.Contains(accountFields, k.value) {
			p.ok(errAt(v.vals[i].pos, "customer %s lists accounts:, so %s goes on each account", c.Name, k.value))
		}
	}
	if accts.kind != kMap || len(accts.keys) == 0 {
		p.ok(errAt(accts.pos, "accounts: is a mapping of account names to accounts, e.g. ada_gtb: {institution: \"058\", balance: NGN 5000}"))
		return
	}
	if len(accts.keys) > maxAccounts {
		p.ok(errAt(accts.pos, "customer %s lists %d accounts; a customer holds at most %d", c.Name, len(accts.keys), maxAccounts))
	}
	for i, k := range accts.keys {
		if !p.ok(p.newName(k, "account")) {
			continue
		}
		if k.value == c.Name {
			p.ok(errAt(k.pos, "account %q has its customer's name: give each account a name of its own", k.value))
			continue
		}
		av := accts.vals[i]
		if av.kind != kMap {
			p.ok(errAt(av.pos, "account %s is a mapping, e.g. {institution: \"058\", balance: NGN 5000}; found %s", k.value, av.what()))
			continue
		}
		p.fields(av, accountFields, "account field")
		a := p.account(av, k.value, c, i)
		if av.get("institution") == nil {
			p.ok(errAt(av.pos, "account %s needs institution: the bank's CBN code, e.g. \"058\"", k.value))
		}
		a.pos = k.pos
		c.Accounts = append(c.Accounts, a)
	}
	if len(c.Accounts) > 0 {
		first := c.Accounts[0]
		nc.Institution, nc.Balance, nc.AccountType = first.Institution, first.Balance, first.Type
	}
}

// account reads an account's fields, each on its own; one refused is left empty.
func (p *fileParser) account(v *node, name string, c *Customer, idx int) *Account {
	a := &Account{Name: name, Customer: c, Index: idx}
	if n := v.get("institution"); n != nil {
		if code, err := institution(n); p.ok(err) {
			a.Institution = code
		}
	}
	if n := v.get("balance"); n != nil {
		if k, err := money(n, "balance", true); p.ok(err) {
			a.Balance = k
			p.noteKobo(n, "balance", k)
		}
	}
	if n := v.get("account_type"); n != nil {
		short := *n // savings and current, in any case, as the API takes them
		switch strings.ToUpper(n.value) {
		case "SAVINGS", engine.AccountSavings:
			short.value = engine.AccountSavings
		case "CURRENT", engine.AccountCurrent:
			short.value = engine.AccountCurrent
		}
		if t, err := oneOf(&short, "account_type", []string{engine.AccountSavings, engine.AccountCurrent}); p.ok(err) {
			a.Type = t
		}
	}
	return a
}

// --- steps

func (p *fileParser) steps(n *node) {
	if n.kind != kSeq || len(n.items) == 0 {
		p.ok(errAt(n.pos, "steps: is a list of steps, each starting with - ; found %s", n.what()))
		return
	}
	if len(n.items) > MaxSteps {
		p.ok(errAt(n.pos, "a scenario has at most %d steps", MaxSteps))
		return
	}
	if !n.flow { // a block list's dashes line up: its place is the first's
		p.dashCol = n.pos.col
	}
	p.clock = p.s.Start
	p.connected, p.vars, p.unlinked = map[string]bool{}, map[string]bool{}, map[string]int{}
	p.webhooks = *p.s.Settings.Webhooks
	if f := p.s.Settings.WebhookFormat; f != nil {
		p.format = *f
	}
	for i, it := range n.items {
		if st := p.step(i+1, it); st != nil {
			p.s.Steps = append(p.s.Steps, st)
		}
	}
}

// emptyTakes says whether the step n's action is empty and takes field in its
// mapping: the field was meant under it.
func emptyTakes(n *node, action, field string) bool {
	v := n.get(action)
	return v != nil && v.kind == kScalar && v.tag == tagNull && slices.Contains(nestedFields[action], field)
}

func actionNames() []string {
	out := make([]string, 0, len(actions))
	for a := range actions {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// step reads one step, each of its fields on its own; nil if it is not a step of
// a known kind, whose fields would mean nothing.
func (p *fileParser) step(num int, n *node) *Step {
	if n.kind != kMap || len(n.keys) == 0 {
		p.ok(errAt(n.pos, "step %d is a mapping such as `- sync: adam`; found %s", num, n.what()))
		return nil
	}
	// The action is the one key that names a step kind; `at` is one only alone.
	var action *node
	for _, k := range n.keys {
		if _, ok := actions[k.value]; !ok || (k.value == "at" && len(n.keys) > 1 && hasOtherAction(n)) {
			continue
		}
		if action != nil && emptyTakes(n, action.value, k.value) {
			continue // settings: then webhooks: none level with it: indented too little, said below
		}
		if action != nil {
			msg := fmt.Sprintf("a step does one thing: this one says both %s and %s; split it into two steps", action.value, k.value)
			if k.pos.line != action.pos.line && k.pos.col == action.pos.col && p.dashCol > 0 && !n.flow {
				// Level with the action on a line of its own: most likely a step
				// whose dash was left out, which "split it" did not say. Where the
				// dash goes: "- " added in place, level with the step's fields,
				// is a YAML error (a review).
				write := "…"
				if v := n.get(k.value); v.kind == kScalar && v.tag != tagNull {
					write = flowScalar(v)
				}
				msg += fmt.Sprintf("; if %s: starts a new step, begin its line with \"- \" at column %d, where this step's dash is: - %s: %s",
					k.value, p.dashCol, k.value, write)
			}
			p.ok(errAt(k.pos, "%s", msg))
			return nil
		}
		action = k
	}
	if action == nil {
		k := n.keys[0]
		if k.value == "note" && len(n.keys) > 1 {
			k = n.keys[1]
		}
		msg := unknown("step", k.value, actionNames())
		switch {
		case k.value == "expect":
			// An expect: at a dash of its own: the check of the step above it,
			// written one level out.
			msg = "an expect: is not a step of its own: it checks the step above it — indent it under that step, level with its action and without a dash (`- sync: adam` then `  expect: {status: successful}`)"
		case distance(strings.ToLower(k.value), "connect") <= 2: // a typo, not disconnect:
			// Its account was meant to be connected from here on: the steps
			// after it would each say it is not.
			if v := n.get(k.value); v.kind == kScalar && p.s.accts[v.value] != nil {
				p.connected[v.value] = true
			} else {
				p.connectRefused = true
			}
		}
		p.ok(errAt(k.pos, "%s", msg))
		return nil
	}
	st := &Step{N: num, Action: action.value, pos: action.pos}
	allowed := append(append([]string{action.value}, actions[action.value]...), common...)
	val := n.get(action.value)
	// The fields of an action's mapping written level with it, indented too
	// little (`- serve:`, then `clock: paused` level with serve:): its value is empty,
	// and "unknown field "clock" for a serve step" blamed the step (a QA
	// engineer's trial). Said as that, and read as meant, so that what comes
	// after the step is checked as the file means it.
	var under *node
	if nestedFields[action.value] != nil {
		under = &node{kind: kMap, pos: val.pos}
		for i, k := range n.keys {
			if emptyTakes(n, action.value, k.value) && !slices.Contains(allowed, k.value) {
				under.keys, under.vals = append(under.keys, k), append(under.vals, n.vals[i])
			}
		}
		if len(under.keys) == 0 {
			under = nil
		} else {
			// Where its first field is, as a mapping written over lines is: at the
			// empty value, receiver: takes one of status: or slow: came before the
			// hint that explains where both came from (a review).
			under.pos = under.keys[0].pos
			val = under
		}
	}
	if p.ok(commaCut(n)) {
		if under != nil { // said once, at the first
			// Those written above it are told to move, as indenting cannot put
			// them under; those below, to indent, where clock: above serve: and
			// say: below were both told to move below it (a review).
			var names, above, below []string
			for _, k := range under.keys {
				names = append(names, strconv.Quote(k.value))
				if k.pos.line < action.pos.line {
					above = append(above, strconv.Quote(k.value))
				} else {
					below = append(below, strconv.Quote(k.value))
				}
			}
			belong := andList(names) + " belong"
			if len(names) == 1 {
				belong = names[0] + " belongs"
			}
			var moves []string
			if len(above) > 0 {
				them := pronoun(above, names)
				moves = append(moves, fmt.Sprintf("move %s below %s: and indent %s more", them, action.value, pronoun(above, nil)))
			}
			if len(below) > 0 {
				moves = append(moves, fmt.Sprintf("indent %s more than %s:", pronoun(below, names), action.value))
			}
			p.ok(errAt(under.keys[0].pos, "%s under %s:, whose value is empty here: %s, or write %s: %s",
				belong, action.value, strings.Join(moves, ", and "), action.value, flowLine(under)))
		}
		for _, k := range n.keys {
			if under != nil && under.get(k.value) != nil {
				continue
			}
			if action.value == "webhooks" && k.value == "expect" && p.webhooks != WebhooksNone {
				continue // webhookStep says what to use instead: one mistake, one error (a QA engineer's trial)
			}
			if !slices.Contains(allowed, k.value) {
				others := allowed[1:]
				msg := fmt.Sprintf("unknown field %q for %s step", k.value, withArticle(action.value))
				if s := didYouMean(k.value, others); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				slices.Sort(others)
				p.ok(errAt(k.pos, "%s; %s step takes %s", msg, withArticle(action.value), strings.Join(others, ", ")))
			}
		}
	}
	if v := n.get("note"); v != nil {
		if note, err := str(v, "note"); p.ok(err) {
			st.Note = note
		}
	}
	if v := n.get("at"); v != nil && action.value != "at" {
		p.ok(p.at(st, v))
	}
	p.action(st, val, n)
	st.Clock = p.clock
	if st.Text == "" {
		st.Text = action.value + ": " + oneLine(val)
	}
	if v := n.get("expect"); v != nil {
		st.Expect = p.expectations(v)
	}
	if v := n.get("save"); v != nil {
		p.saves(st, v)
	}
	if v := n.get("timeout"); v != nil {
		if d, err := duration(v, "timeout"); p.ok(err) {
			st.Timeout = d
		}
	}
	if v := n.get("within"); v != nil {
		d, err := duration(v, "within")
		if err == nil && p.s.ServeAt < 0 {
			err = errAt(v.pos, "within: is for steps after serve:, which wait for the app under test")
		}
		if p.ok(err) {
			st.Within = d
		}
	}
	return st
}

func hasOtherAction(n *node) bool {
	for _, k := range n.keys {
		if _, ok := actions[k.value]; ok && k.value != "at" {
			return true
		}
	}
	return false
}

// plainValue is a value as a file writes it after a key: null as null, and a
// string quoted when YAML would read it written plain as something else — "null",
// "~", "true", "007" — or not at all ({eq: null} was told to write "", and
// {eq: "null"} to write null: a review).
func plainValue(n *node) string {
	if n.kind != kScalar {
		return oneLine(n)
	}
	if n.tag == tagNull {
		return "null"
	}
	if n.tag != tagStr {
		return n.value
	}
	if v, err := parseYAML([]byte("k: " + n.value + "\n")); err == nil && v.kind == kMap && len(v.vals) == 1 &&
		v.vals[0].kind == kScalar && v.vals[0].tag == tagStr && v.vals[0].value == n.value && !strings.ContainsAny(n.value, ",{}[]#") {
		return n.value
	}
	return strconv.Quote(n.value)
}

func oneLine(n *node) string { return inLine(n, func(s *node) string { return s.value }) }

// inLine is n on one line, in braces and brackets, each scalar (a key too) as
// scalar writes it.
func inLine(n *node, scalar func(*node) string) string {
	switch n.kind {
	case kScalar:
		return scalar(n)
	case kSeq:
		parts := make([]string, len(n.items))
		for i, it := range n.items {
			parts[i] = inLine(it, scalar)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	parts := make([]string, len(n.keys))
	for i, k := range n.keys {
		parts[i] = scalar(k) + ": " + inLine(n.vals[i], scalar)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// flowLine is n on one line as a file may write it, in braces and brackets: a
// string quoted where YAML would read it written plain as something else, or
// cut it — at a comma, a ": ", a brace — which oneLine, the transcript's text,
// does not (serve: {say: Now run your app, then press enter} was suggested: a
// review).
func flowLine(n *node) string { return inLine(n, flowScalar) }

// flowScalar is a scalar as plainValue writes it, quoted also where it would
// not read back the same inside braces.
func flowScalar(n *node) string {
	v := plainValue(n)
	if n.tag != tagStr || v != n.value {
		return v
	}
	if r, err := parseYAML([]byte("{k: " + v + "}\n")); err == nil && r.kind == kMap && len(r.vals) == 1 &&
		r.vals[0].kind == kScalar && r.vals[0].tag == tagStr && r.vals[0].value == n.value {
		return v
	}
	return strconv.Quote(n.value)
}

// at moves the step to an instant, never backwards.
func (p *fileParser) at(st *Step, v *node) error {
	t, err := p.instantOrOffset(v)
	if err != nil {
		return err
	}
	if t.Before(p.clock) && !p.startRefused {
		after := "the scenario's start"
		if p.clockStep > 0 {
			after = fmt.Sprintf("step %d", p.clockStep)
		}
		msg := fmt.Sprintf("at: %s would move the clock backwards: it is at %s here (since %s); the clock only moves forward",
			engine.TimeText(t), engine.TimeText(p.clock), after)
		if strings.HasPrefix(v.value, "+") {
			// Read as "after the step before" by a newcomer: say what + counts from.
			msg += fmt.Sprintf(" (at: %s counts from the scenario's start, %s: write at: +%s, or advance: for a time after the step before)",
				v.value, engine.TimeText(p.s.Start), offsetText(p.clock.Sub(p.s.Start)+t.Sub(p.s.Start)))
		}
		return errAt(v.pos, "%s", msg)
	}
	st.At = t
	p.moveClock(t, st.N)
	return nil
}

func (p *fileParser) moveClock(t time.Time, step int) {
	if t.After(p.clock) {
		p.clock, p.clockStep = t, step
	}
}

// offsetText writes an offset as at: +… takes it: "3h", "1d2h", or Go's form
// ("3h0m0.5s") when it has a fraction of a second, which the short form rounds.
func offsetText(d time.Duration) string {
	if d%time.Second != 0 {
		return d.String()
	}
	return strings.ReplaceAll(engine.DurationText(d), " ", "")
}

// instantOrOffset reads a time: absolute, or "+30m" after the scenario's start;
// not past the world's end, where the clock stops (said here, not as the clock's
// refusal when the run gets there).
func (p *fileParser) instantOrOffset(v *node) (time.Time, error) {
	var t time.Time
	if strings.HasPrefix(v.value, "+") {
		d, err := duration(v, "at")
		if err != nil {
			return time.Time{}, err
		}
		t = p.s.Start.Add(d)
	} else {
		var err error
		if t, err = instant(v, "at"); err != nil {
			if d, derr := duration(v, "at"); derr == nil && v.kind == kScalar && !p.startRefused && !p.s.Start.Add(d).After(simulator.IDsEnd) {
				// A length where a time goes: an offset written without its +.
				return time.Time{}, errAt(v.pos, "at %q is not a time: at: +%s is %s after the scenario's start, %s; advance: %s moves the clock on %s from the step before",
					v.value, v.value, offsetText(d), engine.TimeText(p.s.Start.Add(d)), v.value, offsetText(d))
			}
			return time.Time{}, err
		}
	}
	if t.After(simulator.IDsEnd) {
		return time.Time{}, errAt(v.pos, "at %s is past the world's end, %s, where the clock stops (the last second IDs holding the seconds since 1970 in 32 bits can count)",
			v.value, engine.TimeText(simulator.IDsEnd))
	}
	return t, nil
}

// action reads the step's own value and the fields of its kind, each on its own.
func (p *fileParser) action(st *Step, v *node, step *node) {
	switch st.Action {
	case "connect":
		a, err := p.accountRef(v, false)
		if p.ok(err) {
			st.Account = a
		} else {
			p.connectRefused = true
		}
		if l := step.get("link"); l != nil {
			if link, err := p.template(l, "link"); p.ok(err) {
				st.Link = link
			}
		}
		p.typed(st, step)
		if a != nil {
			p.connected[a.Name] = true
			delete(p.unlinked, a.Name)
		}
	case "reauthorise":
		if a, err := p.accountRef(v, true); p.ok(err) {
			st.Account = a
			p.noteUnlinked(st, a, v, step)
		}
		if t := step.get("token"); t != nil {
			if tok, err := p.template(t, "token"); p.ok(err) {
				st.Token = tok
			}
		}
		if l := step.get("link"); l != nil {
			if step.get("token") != nil {
				p.ok(errAt(l.pos, "a reauthorise step walks a reauth token or a v2 link, not both"))
			} else if link, err := p.template(l, "link"); p.ok(err) {
				st.Link = link
			}
		}
		p.typed(st, step)
	case "sync", "unlink":
		if a, err := p.accountRef(v, true); p.ok(err) {
			st.Account = a
			p.noteUnlinked(st, a, v, step)
			if st.Action == "unlink" {
				p.unlinked[a.Name] = st.N
			}
		}
	case "call":
		p.call(st, v, step)
	case "bank":
		p.bank(st, v, step)
	case "outage":
		if code, err := p.bankOf(v); p.ok(err) {
			st.Institution = code
		}
		f, e := step.get("for"), step.get("end")
		switch {
		case f != nil && e != nil:
			p.ok(errAt(e.pos, "an outage step either starts an outage (for:) or ends one (end: true), not both"))
		case e != nil:
			if p.ok(trueOnly(e, "end: true ends the outage")) {
				st.End = true
			}
		case f != nil:
			d, err := duration(f, "for")
			if err == nil && d > simulator.MaxOutage && !badRequestExpected(step) {
				// Said here, not as the run's 400 at the step's first line (a
				// presenter's trial).
				err = errAt(f.pos, "for: %s is too long: an outage lasts at most %s", f.value, engine.DurationText(simulator.MaxOutage))
			}
			if err == nil && !badRequestExpected(step) {
				err = underAMillisecond(f, "for", d, "")
			}
			if p.ok(err) {
				st.For = d
			}
		default:
			p.ok(errAt(v.pos, "an outage step needs for: (how long the bank is down, e.g. 15m) or end: true"))
		}
	case "latency":
		if code, err := p.bankOf(v); p.ok(err) {
			st.Institution = code
		}
		d := step.get("delay")
		switch {
		case d == nil:
			p.ok(errAt(v.pos, "a latency step needs delay: how long each answer of the bank takes in real time, e.g. 300ms (0 for none)"))
		case d.value != "0":
			delay, err := duration(d, "delay")
			if err == nil && delay > simulator.MaxLatency && !badRequestExpected(step) {
				err = errAt(d.pos, "delay: %s is too long: a latency is real time, not virtual — every answer of the bank waits it, several a sync — and at most %s",
					d.value, engine.DurationText(simulator.MaxLatency))
			}
			if err == nil && !badRequestExpected(step) {
				err = underAMillisecond(d, "delay", delay, ", or 0 for none")
			}
			if p.ok(err) {
				st.Delay = delay
			}
		}
	case "advance":
		d, err := duration(v, "advance")
		if (err == nil && d > simulator.MaxAdvance) || (err != nil && strings.Contains(err.Error(), "is too long")) {
			err = errAt(v.pos, "advance at most 10 years at a time (3650d)") // past Go's 292 years too: one limit said
		}
		if err == nil && p.clock.Add(d).After(simulator.IDsEnd) {
			err = errAt(v.pos, "advance %s would pass the world's end, %s, where the clock stops (it is at %s here): start the scenario earlier, or advance less",
				v.value, engine.TimeText(simulator.IDsEnd), engine.TimeText(p.clock))
		}
		if p.ok(err) {
			st.Advance = d
			p.moveClock(p.clock.Add(st.Advance), st.N)
		}
	case "at":
		p.ok(p.at(st, v))
	case "settings":
		p.settings(v, &st.Settings)
		if st.Settings.Webhooks != nil {
			p.webhooks = *st.Settings.Webhooks
		}
		if st.Settings.WebhookFormat != nil {
			p.format = *st.Settings.WebhookFormat
		}
	case "receiver":
		p.receiver(st, v, step)
	case "pause":
		st.Text = "pause"
		// A pause is where play stops to show the audience its sentence: without
		// one the screen would show nothing to read (a trial wrote pause: "  ").
		if v.kind == kScalar && (v.tag == tagNull || strings.TrimSpace(v.value) == "") {
			p.ok(errAt(v.pos, "pause: takes the sentence the audience reads while play stops here, e.g. pause: Adam changed his password at the bank; found %s", v.what()))
		} else if say, err := str(v, "pause"); p.ok(err) {
			st.Say = say
		}
	case "serve":
		p.serve(st, v)
	case "webhook", "webhooks":
		p.webhookStep(st, v, step)
	case "expect_call":
		if p.s.ServeAt < 0 {
			p.ok(errAt(v.pos, "expect_call: waits for a call of the app under test, so it comes after serve:"))
		} else if m, path, err := p.methodPath(v); p.ok(err) {
			st.Method, st.Path = m, path
			if q := strings.IndexAny(path, "?#"); q >= 0 {
				p.ok(errAt(v.pos, "expect_call: %s %s: a call is matched by its method and path only, so %q would never match; write %s %s",
					m, path, path[q:], m, path[:q]))
			} else if !refusalExpected(step) {
				p.ok(routeError(v, "expect_call", m, path))
			}
		}
	}
}

// trueOnly refuses anything but true, saying what true does.
func trueOnly(v *node, says string) error {
	if v.tag != tagBool || v.value != "true" {
		return errAt(v.pos, "%s; found %s", says, v.what())
	}
	return nil
}

func (p *fileParser) serve(st *Step, v *node) {
	if p.s.ServeAt >= 0 {
		p.ok(errAt(v.pos, "a scenario has one serve: step; step %d is one already", p.s.ServeAt+1))
		return
	}
	p.s.ServeAt = st.N - 1
	st.Text, st.Running = "serve", true
	switch v.kind {
	case kScalar:
		st.Say = v.value
	case kMap:
		p.fields(v, serveFields, "serve field")
		if s := v.get("say"); s != nil {
			if say, err := str(s, "say"); p.ok(err) {
				st.Say = say
			}
		}
		if c := v.get("clock"); c != nil {
			if mode, err := oneOf(c, "clock", []string{"running", "paused"}); p.ok(err) {
				st.Running = mode == "running"
			}
		}
	default:
		p.ok(errAt(v.pos, "serve: takes a sentence, or {say: …, clock: running|paused}"))
	}
}

// typed reads what the end user types in the widget instead of the right thing.
func (p *fileParser) typed(st *Step, step *node) {
	if v := step.get("password"); v != nil {
		if pw, err := p.template(v, "password"); p.ok(err) {
			st.Password = &pw
		}
	}
	if v := step.get("answers"); v != nil {
		if v.kind != kSeq || len(v.items) == 0 {
			p.ok(errAt(v.pos, "answers: is a list of what the user types for the bank's questions, in order (%s types the right one); found %s", AnswerCorrect, v.what()))
			return
		}
		for _, it := range v.items {
			if ref, ok := unquotedRef(it); ok {
				// An item is no field: "write answer: "{adam.password}"" named
				// none there is (a review).
				write := fmt.Sprintf("\"{%s}\" in the list", ref)
				if len(v.items) == 1 {
					write = fmt.Sprintf("answers: [\"{%s}\"]", ref)
				}
				p.ok(errAt(it.pos, "an answer is a single value; found a mapping, as YAML reads {%s} unquoted: quote it, write %s", ref, write))
				continue
			}
			if a, err := p.template(it, "answer"); p.ok(err) {
				st.Answers = append(st.Answers, a)
			}
		}
	}
}

func (p *fileParser) call(st *Step, v *node, step *node) {
	if m, path, err := p.methodPath(v); p.ok(err) {
		st.Method, st.Path = m, path
		if !refusalExpected(step) {
			p.ok(routeError(v, "call", m, path))
		}
	}
	if b := step.get("body"); b != nil {
		if b.kind == kSeq {
			p.ok(errAt(b.pos, "body: is a mapping (sent as JSON) or a string (sent as is); found a list"))
		} else if p.ok(p.unquotedInBody(b, "body")) && p.ok(p.templates(b)) {
			st.Body = b
		}
		if st.Method == http.MethodPost && st.Path == "/sandbox/clock" && b.kind == kMap {
			if a := b.get("advance"); a != nil {
				if d, err := simulator.ParseDuration(a.value); err == nil {
					p.moveClock(p.clock.Add(d), st.N)
				}
			}
		}
	}
	if h := step.get("headers"); h != nil {
		if h.kind != kMap {
			p.ok(errAt(h.pos, "headers: is a mapping of header names to values; found %s", h.what()))
		} else {
			st.Headers = map[string]string{}
			for i, k := range h.keys {
				// What no client can send is refused here, as the server would
				// refuse it: in process, the request reached the handler anyway.
				if !validHeaderName(k.value) {
					p.ok(errAt(k.pos, "%q is not a header name an HTTP client can send: a name is letters, digits and !#$%%&'*+-.^_`|~, with no spaces or colons", k.value))
					continue
				}
				if strings.ContainsFunc(h.vals[i].value, badHeaderByte) {
					p.ok(errAt(h.vals[i].pos, "the value of header %s holds a line break or another control character, which no HTTP client can send", k.value))
					continue
				}
				if val, err := p.template(h.vals[i], k.value); p.ok(err) {
					st.Headers[k.value] = val
				}
			}
		}
	}
	st.Key = "secret"
	if k := step.get("key"); k != nil {
		if key, err := p.template(k, "key"); p.ok(err) {
			st.Key = key
			// A literal key is sent as it is: "secert" answered 401 at run time, and
			// check said nothing (a QA trial).
			if named := []string{"secret", "public", "none"}; !slices.Contains(named, key) && !strings.Contains(key, "{") {
				if s := didYouMean(key, named); s != "" {
					meant := "the " + s + " key"
					if s == "none" {
						meant = "no key"
					}
					p.s.Notes = append(p.s.Notes, fmt.Sprintf("%d:%d: key %q is sent as the key itself; write key: %s if %s was meant", k.pos.line, k.pos.col, key, s, meant))
				}
			}
		}
	}
}

// andList is "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// pronoun is some of the fields of all: "it" or "them" where they are all of
// them (all nil for always), or their names where only some are.
func pronoun(some, all []string) string {
	switch {
	case all != nil && len(some) < len(all):
		return andList(some)
	case len(some) == 1:
		return "it"
	}
	return "them"
}

// unquotedInBody refuses a {reference} written unquoted in a body, key: {adam.username},
// which YAML reads as a mapping of that key to nothing and was sent as
// {"adam.username": null} (a review); key is what v is the value of, "" for an
// item of a list. A mapping whose value is written, {adam.username: null}, is JSON
// the body means. So is {$set}, {a-b} or {nobody.id}, which name nothing a
// reference could: told to quote them, a file was then refused for an unknown
// name, where they had been sent as JSON keys (a review).
func (p *fileParser) unquotedInBody(v *node, key string) error {
	// A name mistyped too ({adma.username}): sent as a JSON key, it failed
	// nowhere (a review).
	if ref, ok := unquotedRef(v); ok && (p.namesRef(ref) || p.nearName(ref)) {
		found, write := key+": found a mapping", fmt.Sprintf("%s: \"{%s}\"", key, ref)
		if key == "" {
			found, write = "a list item is a mapping", fmt.Sprintf("the item as \"{%s}\"", ref)
		}
		return errAt(v.pos, "%s, as YAML reads {%s} unquoted: quote it, write %s (a JSON key of that name, with the value null, is written {%s: null})",
			found, ref, write, ref)
	}
	switch v.kind {
	case kMap:
		for i, k := range v.keys {
			if err := p.unquotedInBody(v.vals[i], k.value); err != nil {
				return err
			}
		}
	case kSeq:
		for _, it := range v.items {
			if err := p.unquotedInBody(it, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// badHeaderByte reports a character no header value may hold: a control
// character other than tab.
func badHeaderByte(r rune) bool { return r != '\t' && (r < 0x20 || r == 0x7f) }

// validHeaderName reports whether name is an HTTP header name (RFC 9110's token).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}

func (p *fileParser) methodPath(v *node) (string, string, error) {
	s, err := str(v, "the route")
	if err != nil {
		return "", "", err
	}
	m, path, ok := strings.Cut(strings.TrimSpace(s), " ")
	path = strings.TrimSpace(path)
	if !ok || path == "" {
		return "", "", errAt(v.pos, "write the route as METHOD /path, e.g. GET /accounts/{adam}; found %q", s)
	}
	if !slices.Contains(methods, strings.ToUpper(m)) {
		return "", "", errAt(v.pos, "%s", unknown("method", m, methods))
	}
	if !strings.HasPrefix(path, "/") {
		return "", "", errAt(v.pos, "a path starts with /, e.g. /accounts/{adam}; found %q", path)
	}
	if _, err := p.checkTemplate(v.pos, path); err != nil {
		return "", "", err
	}
	if i := strings.IndexFunc(path, unicode.IsControl); i >= 0 {
		// It passed check, and the run failed with Go's "net/url: invalid
		// control character in URL" (a bad-input trial).
		return "", "", errAt(v.pos, "%q has a control character in it (%U), which no HTTP request can carry: remove it", path, []rune(path[i:])[0])
	}
	if strings.ContainsFunc(path, unicode.IsSpace) {
		return "", "", errAt(v.pos, "%q has a space in it, which no HTTP request can carry: write each as %%20, e.g. %s", path,
			strings.ReplaceAll(path, " ", "%20"))
	}
	return strings.ToUpper(m), path, nil
}

// refusalExpected reports whether a call: or expect_call: step's expect: may mean
// a route that does not exist: its http: is 404 or 405, or a matcher. Any other
// expect: (a body's field, http: 200) needs the route, and a path with a typo
// passed check with an expect: and failed only when run (a presenter's trial).
func refusalExpected(step *node) bool {
	e := step.get("expect")
	if e == nil || e.kind != kMap {
		return false
	}
	h := e.get("http")
	return h != nil && (h.kind != kScalar || h.value == "404" || h.value == "405")
}

// badRequestExpected reports whether a step's expect: may mean the API's refusal
// of it (400) is the point: check then leaves the limits the run's call would
// refuse to the run — a file testing the bank's rules failed check (the review).
func badRequestExpected(step *node) bool {
	e := step.get("expect")
	if e == nil || e.kind != kMap {
		return false
	}
	h := e.get("http")
	return h != nil && (h.kind != kScalar || h.value == "400")
}

// routeError refuses a call: or expect_call: — unless its expect: says a refusal
// may be the point (refusalExpected) — whose method and path no route of
// sandbank's API answers: a path with a typo (/acounts/{adam}) or a trailing
// slash failed only when it ran, or, the same typo in the app, passed (a QA
// engineer's trial).
func routeError(v *node, action, method, path string) error {
	probe := path
	if q := strings.IndexAny(probe, "?#"); q >= 0 {
		probe = probe[:q]
	}
	probe = refPattern.ReplaceAllString(probe, "x0") // {adam}, {adam.customer}: an ID's segment
	pattern, others := api.Route(method, probe)
	served := func(p string) bool { // its own path, or one a suggestion below makes of it
		p = strings.TrimSuffix(strings.ReplaceAll(p, "//", "/"), "/")
		return strings.EqualFold(strings.TrimPrefix(p, "/v1"), "/sandbox/scenario")
	}
	switch {
	case strings.HasSuffix(pattern, " /sandbox/scenario") || served(probe):
		// It answered 404 under scenario run (nothing is served), and an app's
		// calls of it are not watched: a scenario check let it pass (a trial).
		return errAt(v.pos, "%s: %s %s: that route shows the app under test how a served scenario is going; the scenario's own steps have nothing to read there (under scenario run it answers 404: no scenario is served), and the app's calls of it are not watched by expect_call:",
			action, method, path)
	case pattern != "":
		return nil
	case len(others) > 0:
		return errAt(v.pos, "%s: %s %s: that route takes %s, not %s; if a refusal is the point, say so: expect: {http: 405}",
			action, method, path, strings.Join(others, " or "), method)
	case strings.HasSuffix(probe, "/") && len(probe) > 1:
		if p, _ := api.Route(method, strings.TrimSuffix(probe, "/")); p != "" {
			return errAt(v.pos, "%s: %s %s: no route ends with /; write %s %s", action, method, path, method, strings.TrimSuffix(path, "/"))
		}
	}
	if near := nearRoute(method, path); near != "" {
		return errAt(v.pos, "%s: %s %s: no route of sandbank's API has that path; did you mean %s %s? (if a 404 is the point, say so: expect: {http: 404})",
			action, method, path, method, near)
	}
	return errAt(v.pos, "%s: %s %s: no route of sandbank's API has that path (the README lists them, and GET /openapi.yaml); if a 404 is the point, say so: expect: {http: 404}",
		action, method, path)
}

// nearRoute is path with one segment changed to a close word of the API's paths
// (reauthorize → reauthorise, acounts → accounts, account → accounts) when that
// makes a route that answers method, its query kept; or without a /v1 segment,
// as sandbank's v1 routes have no prefix (not /v2: another shape), or "".
func nearRoute(method, path string) string {
	query := ""
	if q := strings.IndexAny(path, "?#"); q >= 0 {
		path, query = path[:q], path[q:]
	}
	routes := func(segs []string) bool {
		p, _ := api.Route(method, refPattern.ReplaceAllString(strings.Join(segs, "/"), "x0"))
		return p != ""
	}
	segs := strings.Split(path, "/")
	if i := slices.Index(segs, "v1"); i >= 0 {
		if try := slices.Delete(slices.Clone(segs), i, i+1); routes(try) {
			return strings.Join(try, "/") + query
		}
		return ""
	}
	words := api.RouteWords()
	for i, seg := range segs {
		if seg == "" || refPattern.MatchString(seg) {
			continue
		}
		// The closest word that makes a route: sink is nearer link than sync,
		// and only sync follows /accounts/{id}.
		type near struct {
			w string
			d int
		}
		var close []near
		for _, w := range words {
			// Not to another version of the API (v2 for a v3): another shape.
			if d := distance(strings.ToLower(seg), w); d > 0 && d <= max(2, len(seg)/3) && !versionWord.MatchString(w) {
				close = append(close, near{w, d})
			}
		}
		slices.SortStableFunc(close, func(a, b near) int { return a.d - b.d })
		for _, c := range close {
			try := slices.Clone(segs)
			try[i] = c.w
			if routes(try) {
				return strings.Join(try, "/") + query
			}
		}
	}
	return ""
}

// versionWord is a path's segment that names a version of the API.
var versionWord = regexp.MustCompile(`^v\d+$`)

// refPattern is a reference in a path, {name} or {name.field}.
var refPattern = regexp.MustCompile(`\{[^{}/]+\}`)

var bankOps = []string{"debit", "credit", "password", "mfa"}

func (p *fileParser) bank(st *Step, v *node, step *node) {
	var ops []*node
	for _, k := range step.keys {
		if slices.Contains(bankOps, k.value) {
			ops = append(ops, k)
		}
	}
	switch {
	case len(ops) == 0:
		p.ok(errAt(v.pos, "a bank step says what the customer does: debit: (spends), credit: (receives), password: (changes it) or mfa: (a kind)"))
		return
	case len(ops) > 1:
		p.ok(errAt(ops[1].pos, "a bank step does one thing: this one says both %s and %s; split it into two steps", ops[0].value, ops[1].value))
		return
	}
	st.Op = ops[0].value
	ov := step.get(st.Op)
	name, err := str(v, "bank")
	if v.kind == kScalar && v.tag == tagNull {
		err = errAt(v.pos, "a bank: step needs the name of a customer or account, e.g. %s; found nothing", p.exampleAccount())
	}
	if !p.ok(err) {
		name = ""
	}
	switch st.Op {
	case "debit", "credit":
		if name != "" {
			if a, err := p.moneyAccount(v, name); p.ok(err) {
				st.Account, st.Customer = a, a.Customer
			}
		}
		if k, err := money(ov, st.Op, false); p.ok(err) {
			st.Amount = k
			p.noteKobo(ov, st.Op, k)
		}
		if n := step.get("narration"); n != nil { // {names} filled in, as in expect: and body:
			nar, err := p.template(n, "narration")
			if err == nil && !strings.Contains(nar, "{") && !badRequestExpected(step) {
				// The bank's rule, said at the field (a {name} is filled in at run time).
				err = atField(n, simulator.CheckNarration(strings.Join(strings.Fields(nar), " ")))
			}
			if p.ok(err) {
				st.Narration = nar
			}
		}
		st.Text = fmt.Sprintf("bank: %s %s %s", name, st.Op, engine.Naira(st.Amount))
	case "password":
		if name != "" {
			if c, err := p.customerRef(v); p.ok(err) {
				st.Customer = c
			}
		}
		pw, err := p.template(ov, "password")
		if err == nil && !strings.Contains(pw, "{") && !badRequestExpected(step) {
			err = atField(ov, simulator.CheckPassword(pw)) // as a customer's password: is said
		}
		if p.ok(err) {
			st.Password = &pw
		}
		st.Text = "bank: " + name + " changes the password"
	case "mfa":
		if name != "" {
			if c, err := p.customerRef(v); p.ok(err) {
				st.Customer = c
			}
		}
		if k, err := mfaKind(ov); p.ok(err) {
			st.MFA = k
		}
		st.Text = "bank: " + name + " MFA " + string(st.MFA)
	}
	if n := step.get("narration"); n != nil && st.Op != "debit" && st.Op != "credit" {
		p.ok(errAt(n.pos, "narration: goes with debit: or credit:"))
	}
}

// moneyAccount is the account a debit or credit moves money on.
func (p *fileParser) moneyAccount(v *node, name string) (*Account, error) {
	a := p.s.accts[name]
	if a != nil {
		return a, nil
	}
	if p.broken[name] { // its accounts may be what was refused
		return nil, errBroken
	}
	if c := p.s.names[name]; c != nil {
		return nil, errAt(v.pos, "customer %s has %d accounts: name the account the money moves on (%s)", name, len(c.Accounts), accountNames(c))
	}
	// A bank: step names a customer as often as an account (a presenter's trial read "unknown account").
	return nil, errAt(v.pos, "%s", unknown("customer or account", name, p.accountNames()))
}

func (p *fileParser) receiver(st *Step, v *node, step *node) {
	if p.webhooks != WebhooksCapture {
		p.ok(errAt(v.pos, "receiver: steps control the built-in receiver, which gets webhooks only with settings webhooks: capture (here it is %q)", p.webhooks))
		return
	}
	switch v.kind {
	case kScalar:
		switch v.value {
		case "down", "up":
			st.Receiver = v.value
			return
		}
	case kMap:
		p.fields(v, receiverFields, "receiver field")
		if len(v.keys) != 1 {
			p.ok(errAt(v.pos, "receiver: takes one of status: or slow:"))
			return
		}
		if s := v.get("status"); s != nil {
			code, err := integer(s, "status", 100, 599)
			if err == nil && code < 300 && !badRequestExpected(step) {
				// As the receiver's route refuses it at run time: found by check.
				err = errAt(s.pos, "status: %d is no error the receiver answers: give 300 to 599 (a 2xx is a delivery, receiver: up; a 1xx is no answer)", code)
			}
			if p.ok(err) {
				st.Receiver, st.Status = "error", int(code)
			}
		} else if s := v.get("slow"); s != nil {
			d, err := duration(s, "slow")
			if err == nil && d > api.MaxReceiverDelay && !badRequestExpected(step) {
				err = errAt(s.pos, "slow: %s is too long: the receiver waits at most %s before it answers", s.value, engine.DurationText(api.MaxReceiverDelay))
			}
			if err == nil && !badRequestExpected(step) {
				err = underAMillisecond(s, "slow", d, "")
			}
			if p.ok(err) {
				st.Receiver, st.Delay = "slow", d
			}
		}
		return
	}
	p.ok(errAt(v.pos, "receiver: is down, up, {status: 500} or {slow: 15s}; found %s", v.what()))
}

func (p *fileParser) webhookStep(st *Step, v *node, step *node) {
	if p.webhooks == WebhooksNone {
		p.ok(errAt(v.pos, "webhook expectations need deliveries: settings webhooks: is none here"))
		return
	}
	if a := step.get("account"); a != nil {
		// Before serve: only a connect: step links an account, so one not yet
		// connected is named by no webhook (run failed such a step every time,
		// check passed it); after it, the app under test may connect it.
		if acct, err := p.accountRef(a, p.s.ServeAt < 0); p.ok(err) {
			st.Account = acct
		}
	}
	if st.Action == "webhook" {
		if t, err := p.eventType(v); p.ok(err) {
			st.Events = []string{t}
		}
		return
	}
	if e := step.get("expect"); e != nil {
		p.ok(errAt(e.pos, "expect: checks one webhook's body: use a webhook: step"))
	}
	if v.kind != kSeq {
		p.ok(errAt(v.pos, "webhooks: is a list of event types, in the order they arrive ([] for none); found %s", v.what()))
		return
	}
	if len(v.items) == 0 {
		st.None = true
		st.Text = "webhooks: none"
		return
	}
	for _, it := range v.items {
		if t, err := p.eventType(it); p.ok(err) {
			st.Events = append(st.Events, t)
		}
	}
}

// eventType is eventType, refusing an event the webhook format in force never
// sends: a v2 webhook reports a sync that needs the user as account_updated (the
// step could only fail, and only when run).
func (p *fileParser) eventType(v *node) (string, error) {
	t, err := eventType(v)
	if err == nil && t == engine.EventReauthRequired && p.format == string(engine.WebhookV2) {
		return "", errAt(v.pos, "with webhook_format: v2 no webhook is named reauthorisation_required: a sync that needs the user arrives as account_updated with data.meta.sync_status REAUTHORISATION_REQUIRED — expect that instead")
	}
	return t, err
}

func eventType(v *node) (string, error) {
	if v.kind != kScalar || v.value == "" {
		return "", errAt(v.pos, "an event type is a word such as mono.events.account_updated (or account_updated); found %s", v.what())
	}
	t := v.value
	switch {
	case t == "jobs.update":
		t = engine.EventJobsUpdate
	case !strings.Contains(t, "."):
		t = "mono.events." + t
	}
	if !slices.Contains(eventTypes, t) {
		short := make([]string, len(eventTypes))
		for i, e := range eventTypes {
			short[i] = strings.TrimPrefix(strings.TrimPrefix(e, "mono.events."), "mono.accounts.")
		}
		msg := fmt.Sprintf("unknown event type %q", v.value)
		if s := didYouMean(strings.TrimPrefix(v.value, "mono.events."), short); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		slices.Sort(short)
		return "", errAt(v.pos, "%s; use one of %s (mono.events. and mono.accounts. may be left out)", msg, strings.Join(short, ", "))
	}
	return t, nil
}

// noteUnlinked notes a step of an account an earlier step unlinked: it answers 404
// and fails — check said "ok" of a sync: after unlink: and of two unlink: steps,
// which failed only at run time (a QA engineer's trial), and of a reauthorise:
// (its review). A note, not a refusal: a file may mean to see the 404, which an
// expect: of http says.
func (p *fileParser) noteUnlinked(st *Step, a *Account, v, step *node) {
	n, gone := p.unlinked[a.Name]
	if !gone {
		return
	}
	if e := step.get("expect"); e != nil && e.kind == kMap && e.get("http") != nil {
		return
	}
	p.s.Notes = append(p.s.Notes, fmt.Sprintf("%d:%d: account %s was unlinked at step %d, so this %s: answers 404 and the step fails; a `connect: %s` step between connects it again, or expect: {http: 404} means it",
		v.pos.line, v.pos.col, a.Name, n, st.Action, a.Name))
}

// accountRef reads an account name; connected says it must be connected by now.
func (p *fileParser) accountRef(v *node, connected bool) (*Account, error) {
	if v.kind == kScalar && v.tag == tagNull {
		// "account is a single value; found nothing" for a bare connect: (a presenter's trial).
		return nil, errAt(v.pos, "this step needs the name of an account, or of a customer with one, e.g. %s; found nothing", p.exampleAccount())
	}
	name, err := str(v, "account")
	if err != nil {
		return nil, err
	}
	a := p.s.accts[name]
	if a == nil {
		if p.broken[name] { // its accounts may be what was refused
			return nil, errBroken
		}
		if c := p.s.names[name]; c != nil {
			return nil, errAt(v.pos, "customer %s has %d accounts: name one (%s)", name, len(c.Accounts), accountNames(c))
		}
		return nil, errAt(v.pos, "%s", unknown("customer or account", name, p.accountNames()))
	}
	if connected && !p.connected[name] {
		if p.connectRefused {
			return nil, errBroken
		}
		return nil, errAt(v.pos, "account %s is not connected at this step: a `connect: %s` step comes first", name, name)
	}
	return a, nil
}

// exampleAccount is an account name of the file's, for a message.
func (p *fileParser) exampleAccount() string {
	if names := p.accountNames(); len(names) > 0 {
		return names[0]
	}
	return "adam (a customer named under customers:)"
}

func (p *fileParser) customerRef(v *node) (*Customer, error) {
	name, err := str(v, "customer")
	if err != nil {
		return nil, err
	}
	if c := p.s.names[name]; c != nil {
		return c, nil
	}
	if a := p.s.accts[name]; a != nil {
		return a.Customer, nil
	}
	if p.broken[name] {
		return nil, errBroken
	}
	return nil, errAt(v.pos, "%s", unknown("customer", name, p.allNames()))
}

// bankOf reads a bank: a CBN code or name, or a named customer's or account's bank.
func (p *fileParser) bankOf(v *node) (string, error) {
	if v.kind == kScalar && v.tag == tagNull {
		return "", errAt(v.pos, "this step needs a bank: its code, such as \"058\", or the name of a customer or account whose bank it is, e.g. %s; found nothing", p.exampleAccount())
	}
	name, err := str(v, "bank")
	if err != nil {
		return "", err
	}
	if p.broken[name] { // its bank may be what was refused
		return "", errBroken
	}
	if a := p.s.accts[name]; a != nil {
		switch {
		case a.Institution == "" && a.Customer.World >= 0:
			return "", errAt(v.pos, "%s is the world's own customer: name the bank by its code instead", name)
		case a.Institution == "":
			return "", errAt(v.pos, "%s's bank is drawn when the world is made, so this step cannot know it: give %s an institution: (a bank code such as \"058\"), or name the bank by its code here", name, a.Customer.Name)
		}
		return a.Institution, nil
	}
	if c := p.s.names[name]; c != nil {
		return "", errAt(v.pos, "customer %s banks with %d banks: name one of the accounts (%s) or a bank code", name, len(c.Accounts), accountNames(c))
	}
	if code, err := institution(v); err == nil {
		return code, nil
	}
	return "", errAt(v.pos, "%s", unknownBank("bank, customer or account", name, p.allNames()))
}

func accountNames(c *Customer) string {
	names := make([]string, len(c.Accounts))
	for i, a := range c.Accounts {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

func (p *fileParser) accountNames() []string {
	var out []string
	for n := range p.s.accts {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (p *fileParser) allNames() []string {
	out := p.accountNames()
	for n := range p.s.names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// --- expectations

// expectations reads expect:, each path and its value on its own.
func (p *fileParser) expectations(v *node) []*Expectation {
	if v.kind != kMap || len(v.keys) == 0 {
		p.ok(errAt(v.pos, "expect: is a mapping of paths to values, e.g. {http: 200, account.balance: 500000}; found %s", v.what()))
		return nil
	}
	if !p.ok(commaCut(v)) {
		return nil
	}
	var out []*Expectation
	for i, k := range v.keys {
		if e, err := p.expectation(k, v.vals[i]); p.ok(err) {
			out = append(out, e)
		}
	}
	return out
}

func (p *fileParser) expectation(k, want *node) (*Expectation, error) {
	e := &Expectation{Path: k.value, Matcher: MatchEqual, Want: want, pos: k.pos}
	if err := checkPath(k); err != nil {
		return nil, err
	}
	if want.kind == kMap {
		if len(want.keys) != 1 {
			return nil, errAt(want.pos, "a matcher is one of %s, e.g. {gt: 0}", strings.Join(matchers, ", "))
		}
		m := want.keys[0]
		if v := strings.ToLower(m.value); v == "eq" || v == "equals" || v == "is" {
			// It suggested gt (a QA engineer's trial): a value is its own matcher.
			return nil, errAt(m.pos, "no matcher %q is needed: a plain value means equal to it — write %s: %s", m.value, k.value, plainValue(want.vals[0]))
		}
		if ref, ok := unquotedRef(want); ok && !slices.Contains(matchers, m.value) && (p.knownRef(ref) || didYouMean(ref, matchers) == "") {
			// expect: {id: {adam}} read as a matcher named adam (a review of the
			// quoting hint that token: {token} gets). A word near a matcher is a
			// mistyped one, {absnet}, and keeps "did you mean "absent"?" (a review).
			return nil, errAt(want.pos, "%s: found a mapping, as YAML reads {%s} unquoted: quote it, write %s: \"{%s}\"", k.value, ref, k.value, ref)
		}
		if !slices.Contains(matchers, m.value) {
			return nil, errAt(m.pos, "%s", unknown("matcher", m.value, matchers))
		}
		e.Matcher, e.Want = m.value, want.vals[0]
		if err := p.unquotedInMatcher(k, e); err != nil {
			return nil, err
		}
		if err := checkMatcher(e); err != nil {
			return nil, err
		}
	} else if want.kind == kSeq {
		return nil, errAt(want.pos, "expect a list's items by index (data.0.amount) or its length ({len: 3})")
	}
	if e.Path == "http" {
		if err := checkStatus(e); err != nil {
			return nil, err
		}
	}
	if e.Matcher != "matches" { // a regular expression's {n} is a quantifier
		if err := p.templates(e.Want); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// knownRef says whether ref, a word in braces, names a customer, an account, a
// value saved by a step above or the keys, or is dotted: a {reference}, not a
// matcher, whose names have no dot.
func (p *fileParser) knownRef(ref string) bool {
	_, _, dotted := strings.Cut(ref, ".")
	return dotted || p.namesRef(ref)
}

// namesRef says whether ref, a word in braces, is a customer, an account, a value
// saved by a step above or the keys, with or without a .field after it.
func (p *fileParser) namesRef(ref string) bool {
	name, _, _ := strings.Cut(ref, ".")
	return name == "keys" || p.s.names[name] != nil || p.s.accts[name] != nil || p.vars[name]
}

// unquotedInMatcher refuses a {reference} written unquoted as the value of a
// matcher that takes one, or as an item of one_of's list, saying to quote it:
// {not: {adam}} said only "takes a value; found a mapping", and {one_of: [{adam}]}
// was taken, an item no answer equals (a review). A matcher there, {not: {absent}},
// or one mistyped, {not: {absnet}}, is told that matchers do not nest, where it
// was told to quote it, and "{absent}" quoted is an unknown name (a review).
func (p *fileParser) unquotedInMatcher(k *node, e *Expectation) error {
	w := e.Want
	switch e.Matcher {
	case "not", "contains":
		if ref, ok := unquotedRef(w); ok {
			if m := p.matcherNotRef(ref); m != "" {
				advice := "" // what to write for {not: {absent}}, but not for a word only near it
				if m == ref {
					advice = notMatcher(k, e.Matcher, m)
				}
				return errAt(w.pos, "{%s: {%s}}: a matcher's value is a value; matchers do not nest%s%s", e.Matcher, ref, mistyped(ref, m), advice)
			}
			return errAt(w.pos, "%s takes a value; found a mapping, as YAML reads {%s} unquoted: quote it, write %s: {%s: \"{%s}\"}", e.Matcher, ref, k.value, e.Matcher, ref)
		}
	case "one_of":
		for _, it := range w.items {
			if ref, ok := unquotedRef(it); ok {
				if m := p.matcherNotRef(ref); m != "" {
					return errAt(it.pos, "{one_of: [… {%s} …]}: a matcher's value is a value; matchers do not nest%s", ref, mistyped(ref, m))
				}
				return errAt(it.pos, "one_of takes a list of values; found a mapping, as YAML reads {%s} unquoted: quote it, write \"{%s}\" in the list", ref, ref)
			}
		}
	}
	return nil
}

// matcherNotRef is the matcher that ref, a word in braces, names or is near,
// where it is no {reference}; "" for a reference.
func (p *fileParser) matcherNotRef(ref string) string {
	if p.knownRef(ref) {
		return ""
	}
	if slices.Contains(matchers, ref) {
		return ref
	}
	// A word near a name as well as a matcher is a mistyped reference: {not: {adm}}
	// beside a customer adam was told it meant the matcher any, and to write
	// {absent: true}, a check of the opposite (a review).
	if p.nearName(ref) {
		return ""
	}
	return didYouMean(ref, matchers)
}

// nearName says whether ref's name (before any .field) is near a customer, an
// account, a value saved above or keys: a reference mistyped.
func (p *fileParser) nearName(ref string) bool {
	name, _, _ := strings.Cut(ref, ".")
	names := []string{"keys"}
	for _, m := range []map[string]bool{keysOf(p.s.names), keysOf(p.s.accts), p.vars} {
		for n := range m {
			names = append(names, n)
		}
	}
	return didYouMean(name, names) != ""
}

// keysOf is the set of a map's keys.
func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// mistyped says which matcher ref, near it, is taken for; "" where it is one.
func mistyped(ref, m string) string {
	if ref == m {
		return ""
	}
	return fmt.Sprintf(" (%q is taken for the matcher %q, mistyped)", ref, m)
}

// notMatcher is what to write for {not: {absent}} and {not: {any}}: the other
// one; "" for any other matcher in a matcher.
func notMatcher(k *node, outer, inner string) string {
	opposite := map[string]string{"absent": "any", "any": "absent"}[inner]
	if outer != "not" || opposite == "" {
		return ""
	}
	return fmt.Sprintf(": for not %s, write %s: {%s: true}", inner, k.value, opposite)
}

func checkPath(k *node) error {
	switch {
	case k.value == "":
		return errAt(k.pos, "an empty path")
	case strings.HasPrefix(k.value, "header.") && len(k.value) > len("header."):
		return nil
	case k.value == "http" || k.value == "body":
		return nil
	case strings.HasPrefix(k.value, "body."): // as header. is a prefix, body. looked like one
		return errAt(k.pos, "write %s, not %s: a dotted path already reads the JSON body (body alone is the whole body)", strings.TrimPrefix(k.value, "body."), k.value)
	}
	for _, part := range strings.Split(k.value, ".") {
		if part == "" {
			return errAt(k.pos, "the path %q has an empty part: write a.b.0.c", k.value)
		}
	}
	return nil
}

func checkMatcher(e *Expectation) error {
	w := e.Want
	switch e.Matcher {
	case "gt", "gte", "lt", "lte":
		if _, err := number(w); err != nil {
			return errAt(w.pos, "%s compares numbers: give a number or an amount such as NGN 5,000; found %s", e.Matcher, w.what())
		}
	case "len":
		if w.kind == kMap {
			return errAt(w.pos, "matchers do not nest: len takes a number, e.g. {len: 3}; to say \"at least one\", expect the first item: data.0: {any: true}")
		}
		if _, err := integer(w, "len", 0, 1<<31-1); err != nil {
			return err
		}
	case "matches":
		if w.kind != kScalar {
			return errAt(w.pos, "matches takes a regular expression; found %s", w.what())
		}
		if _, err := regexp.Compile(w.value); err != nil {
			return errAt(w.pos, "matches: %q is not a regular expression (%v)", w.value, err)
		}
	case "any", "absent":
		if w.tag != tagBool || w.value != "true" {
			return errAt(w.pos, "write {%s: true}", e.Matcher)
		}
	case "one_of":
		if w.kind != kSeq || len(w.items) == 0 {
			return errAt(w.pos, "one_of takes a list of values; found %s", w.what())
		}
	case "contains", "not":
		if w.kind != kScalar {
			return errAt(w.pos, "%s takes a value; found %s", e.Matcher, w.what())
		}
	}
	return nil
}

// checkStatus refuses an expected http: that no status matches, said when the file
// is read rather than as a failure when the step has run.
func checkStatus(e *Expectation) error {
	vals := []*node{e.Want}
	switch e.Matcher {
	case MatchEqual, "not":
	case "one_of":
		vals = e.Want.items
	case "contains", "len":
		return errAt(e.Want.pos, "http: is the answer's status, a number: write e.g. http: 200, http: {one_of: [200, 201]} or http: {gte: 400}")
	default:
		return nil
	}
	for _, v := range vals {
		if v.kind == kScalar && strings.Contains(v.value, "{") { // a {reference}, known when the step runs
			continue
		}
		if code, err := strconv.Atoi(v.value); v.kind != kScalar || err != nil || code < 100 || code > 599 {
			return errAt(v.pos, "http: is the answer's status, a number from 100 to 599 such as 200 or 429; found %s", v.what())
		}
	}
	return nil
}

func (p *fileParser) saves(st *Step, v *node) {
	if v.kind != kMap || len(v.keys) == 0 {
		p.ok(errAt(v.pos, "save: is a mapping of names to paths of the answer, e.g. {token: token}; found %s", v.what()))
		return
	}
	for i, k := range v.keys {
		if !nameRE.MatchString(k.value) {
			p.ok(errAt(k.pos, "a saved name uses lower-case letters, digits and _, starting with a letter; found %q", k.value))
			continue
		}
		if p.s.names[k.value] != nil || p.s.accts[k.value] != nil || k.value == "keys" {
			p.ok(errAt(k.pos, "%q names a customer or account already: save under another name", k.value))
			continue
		}
		p.vars[k.value] = true // named, even if its path is refused: {name} later is not refused for it
		path, err := str(v.vals[i], "save")
		if err == nil {
			err = checkPath(&node{value: path, pos: v.vals[i].pos})
		}
		if p.ok(err) {
			st.Save = append(st.Save, SaveSpec{Var: k.value, Path: path, pos: k.pos})
		}
	}
}

// --- templates: {adam} in paths, bodies and expected values

var refFields = []string{"id", "customer", "number", "institution", "username", "password"}

// maxTitle is the longest scenario: title, in characters.
const maxTitle = 200

// atField is a rule's refusal, err, said at the field n; nil for none.
func atField(n *node, err error) error {
	if err == nil {
		return nil
	}
	return errAt(n.pos, "%s", engine.ErrorMessage(err))
}

// template reads a scalar that may hold {references}.
func (p *fileParser) template(v *node, what string) (string, error) {
	if ref, ok := unquotedRef(v); ok {
		// YAML reads {token} unquoted as a mapping: "found a mapping" did not say
		// what to write (a QA engineer's trial).
		return "", errAt(v.pos, "%s is a single value; found a mapping, as YAML reads {%s} unquoted: quote it, write %s: \"{%s}\"", what, ref, what, ref)
	}
	s, err := str(v, what)
	if err != nil {
		return "", err
	}
	_, err = p.checkTemplate(v.pos, s)
	return s, err
}

// unquotedRef is the name of a {name} or {name.field} reference written
// unquoted, which YAML reads as a mapping of that one key to nothing. A key
// given its null, {adam: null}, {adam: }, or quoted, {"{adam}"}, is written so on
// purpose and said to be no reference (a review: each was told to quote it).
func unquotedRef(v *node) (string, bool) {
	if v.kind != kMap || !v.flow || len(v.keys) != 1 || !v.keys[0].bare || v.vals[0].kind != kScalar || v.vals[0].tag != tagNull || !v.vals[0].implicit {
		return "", false
	}
	k := v.keys[0].value
	return k, k != "" && !strings.ContainsAny(k, " \t{}/")
}

// templates checks every string of a value.
func (p *fileParser) templates(v *node) error {
	switch v.kind {
	case kScalar:
		if v.tag == tagStr {
			_, err := p.checkTemplate(v.pos, v.value)
			return err
		}
	case kMap:
		for _, c := range v.vals {
			if err := p.templates(c); err != nil {
				return err
			}
		}
	case kSeq:
		for _, c := range v.items {
			if err := p.templates(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkTemplate checks every {reference} of s against what is known at this step.
func (p *fileParser) checkTemplate(at pos, s string) ([]string, error) {
	refs, err := templateRefs(s)
	if err != nil {
		return nil, errAt(at, "%v", err)
	}
	for _, r := range refs {
		if err := p.checkRef(r); errors.Is(err, errBroken) {
			return nil, err
		} else if err != nil {
			return nil, errAt(at, "{%s}: %v", r, err)
		}
	}
	return refs, nil
}

func (p *fileParser) checkRef(r string) error {
	if strings.ContainsAny(r, "\":', \t") { // JSON, not a name: {"advance":"1m"}
		return fmt.Errorf("a {…} in a string names an account or a saved value, such as {adam}; this one holds JSON: write {{ for a literal brace, or write the body as YAML, e.g. body: {advance: 1m}")
	}
	name, field, dotted := strings.Cut(r, ".")
	if p.broken[name] && p.s.accts[name] == nil { // a refused name, or a customer whose accounts may be what was refused
		return errBroken
	}
	if name == "keys" {
		if !slices.Contains([]string{"secret", "public", "webhook_secret"}, field) {
			return fmt.Errorf("%s", unknown("key", field, []string{"secret", "public", "webhook_secret"}))
		}
		return nil
	}
	if !dotted {
		switch {
		case p.s.accts[name] != nil:
			if !p.connected[name] && p.connectRefused {
				return errBroken
			}
			if !p.connected[name] {
				return fmt.Errorf("account %s is not connected at this step, so it has no ID yet: a `connect: %s` step comes first", name, name)
			}
			return nil
		case p.vars[name]:
			return nil
		case p.s.names[name] != nil:
			return fmt.Errorf("customer %s has several accounts: name one (%s), or write {%s.customer} for the customer's ID", name, accountNames(p.s.names[name]), name)
		}
		choices := append(p.allNames(), "keys.secret", "keys.public")
		for v := range p.vars {
			choices = append(choices, v)
		}
		return fmt.Errorf("%s", unknown("name", name, choices))
	}
	if p.s.accts[name] == nil && p.s.names[name] == nil {
		return fmt.Errorf("%s", unknown("name", name, p.allNames()))
	}
	if !slices.Contains(refFields, field) {
		return fmt.Errorf("%s", unknown("field", field, refFields))
	}
	if p.s.accts[name] == nil && (field == "id" || field == "number" || field == "institution") {
		return fmt.Errorf("customer %s has several accounts: name one (%s) for its %s", name, accountNames(p.s.names[name]), field)
	}
	if field == "id" && !p.connected[name] {
		if p.connectRefused {
			return errBroken
		}
		return fmt.Errorf("account %s is not connected at this step, so it has no ID yet", name)
	}
	return nil
}

// templateRefs lists the {references} of s; {{ and }} are literal braces.
func templateRefs(s string) ([]string, error) {
	var refs []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			if i+1 < len(s) && s[i+1] == '{' {
				i++
				continue
			}
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("an unclosed { in %q: write {name}, or {{ for a literal brace", s)
			}
			ref := s[i+1 : i+end]
			if ref == "" || strings.ContainsAny(ref, "{ ") {
				return nil, fmt.Errorf("%q is not a reference: write {name} or {name.field}, or {{ for a literal brace", s[i:i+end+1])
			}
			refs = append(refs, ref)
			i += end
		case '}':
			if i+1 < len(s) && s[i+1] == '}' {
				i++
			}
		}
	}
	return refs, nil
}

// expand replaces each {reference} of s with what look answers.
func expand(s string, look func(ref string) (string, error)) (string, error) {
	if !strings.ContainsAny(s, "{}") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("an unclosed { in %q", s)
			}
			v, err := look(s[i+1 : i+end])
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// --- scalar readers

// fields refuses each key of n that is not allowed, or the amount cut at a comma
// that made one; the allowed keys are checked still.
func (p *fileParser) fields(n *node, allowed []string, what string) {
	if !p.ok(commaCut(n)) {
		return
	}
	for _, k := range n.keys {
		if !slices.Contains(allowed, k.value) {
			msg := unknown(what, k.value, allowed)
			if to, ok := apiNames[k.value]; ok && slices.Contains(allowed, to) {
				msg = fmt.Sprintf("unknown %s %q: the API's %s is written %s: in a scenario (%s)", what, k.value, k.value, to, apiNameWhy[to])
			}
			p.ok(errAt(k.pos, "%s", msg))
		}
	}
}

// apiNames are the API's names of what a scenario file calls otherwise.
var apiNames = map[string]string{"webhook_url": "webhooks", "data_sync_enabled": "data_sync"}

var apiNameWhy = map[string]string{
	"webhooks":  "an http(s) URL, capture for the built-in receiver, or none",
	"data_sync": "enabled or disabled",
}

// misspelt says whether an unknown key of n was taken for key: refused as its
// misspelling, key is not said to be missing as well.
func misspelt(n *node, allowed []string, key string) bool {
	for _, k := range n.keys {
		if !slices.Contains(allowed, k.value) && didYouMean(k.value, allowed) == key {
			return true
		}
	}
	return false
}

// commaCut finds an amount a {…} mapping cut at its comma: "NGN 5" then a key "000".
func commaCut(n *node) error {
	for i, k := range n.keys {
		if i > 0 && k.value != "" && strings.Trim(k.value, "0123456789.") == "" && n.vals[i-1].kind == kScalar && isNaira(n.vals[i-1].value) {
			return errAt(n.vals[i-1].pos, "%s: %q was cut at a comma, which separates the fields of a {…} mapping: quote an amount with commas, e.g. balance: \"NGN 5,000\"",
				n.keys[i-1].value, n.vals[i-1].value)
		}
	}
	return nil
}

func requiredString(n *node, key, hint string) (string, error) {
	v := n.get(key)
	if v == nil {
		return "", errAt(n.pos, "%s: is missing: %s", key, hint)
	}
	s, err := str(v, key)
	if err == nil && strings.TrimSpace(s) == "" {
		return "", errAt(v.pos, "%s: is empty: %s", key, hint)
	}
	return s, err
}

func str(n *node, what string) (string, error) {
	if n.kind != kScalar || n.tag == tagNull {
		return "", errAt(n.pos, "%s is a single value; found %s", what, n.what())
	}
	return n.value, nil
}

func integer(n *node, what string, lo, hi int64) (int64, error) {
	if n.kind != kScalar {
		return 0, errAt(n.pos, "%s is a whole number from %d to %d; found %s", what, lo, hi, n.what())
	}
	v, err := strconv.ParseInt(n.value, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, errAt(n.pos, "%s is a whole number from %d to %d; found %s", what, lo, hi, n.what())
	}
	return v, nil
}

// number reads a number or an amount in naira ("NGN 5,000") as a float.
func number(n *node) (float64, error) {
	if n.kind != kScalar {
		return 0, fmt.Errorf("not a number")
	}
	if n.tag == tagInt || n.tag == tagFloat {
		return strconv.ParseFloat(n.value, 64)
	}
	if isNaira(n.value) {
		k, err := engine.ParseNaira(n.value)
		return float64(k), err
	}
	return 0, fmt.Errorf("not a number")
}

func isNaira(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(strings.ToUpper(t), "NGN") || strings.HasPrefix(t, "₦")
}

// noteKobo notes an amount of 100 kobo or more written as a bare number: kobo, as
// every amount of Mono's, and read as naira, 150000 failed only at run time,
// against an expect: in naira (a QA engineer's trial).
func (p *fileParser) noteKobo(n *node, what string, k int64) {
	if n.tag != tagInt || k < 100 {
		return
	}
	note := fmt.Sprintf("%d:%d: %s %s is kobo, NGN %s", n.pos.line, n.pos.col, what, n.value, engine.Naira(k))
	if k <= engine.MaxKobo/100 {
		// Without the thousands' commas, which inside {…} would end the field.
		note += fmt.Sprintf("; write NGN %d if naira was meant", k)
	}
	p.s.Notes = append(p.s.Notes, note)
}

// money reads an amount: kobo as a whole number, or naira written with NGN or ₦.
func money(n *node, what string, zeroOK bool) (int64, error) {
	if n.kind != kScalar || n.tag == tagNull {
		return 0, errAt(n.pos, "%s is an amount: kobo as a number (500000) or naira with NGN (NGN 5,000.50); found %s", what, n.what())
	}
	var k int64
	switch {
	case n.tag == tagInt:
		v, err := strconv.ParseInt(n.value, 10, 64)
		if err != nil && strings.Trim(n.value, "0123456789") != "" { // 0x10, 5_000: YAML's numbers, not amounts
			return 0, errAt(n.pos, "%s %s: write kobo in plain digits (500000), or naira with NGN (NGN 5,000)", what, n.value)
		}
		if err != nil || v < 0 || v > engine.MaxKobo {
			return 0, errAt(n.pos, "%s %s is not an amount of kobo from 0 to %d", what, n.value, engine.MaxKobo)
		}
		k = v
	case n.tag == tagStr && n.value != "" && strings.Trim(n.value, "0123456789") == "" && len(n.value) > 18:
		// Digits YAML could not hold as a number: too many of them, quoted or not.
		return 0, errAt(n.pos, "%s %s is not an amount of kobo from 0 to %d", what, n.value, engine.MaxKobo)
	case n.tag == tagStr && n.value != "" && strings.Trim(n.value, "0123456789") == "":
		// "5000" quoted: the API's sandbox routes read it as kobo, a file does not
		// guess — say both ways.
		return 0, errAt(n.pos, "%s %q is quoted: write kobo as a number without quotes (%s is NGN %s), or naira with NGN (\"NGN %s\")",
			what, n.value, n.value, nairaOfKobo(n.value), n.value)
	case isNaira(n.value):
		v, err := engine.ParseNaira(n.value)
		if err != nil {
			// Not the parser's bare "such as 5000": in a file that is kobo.
			msg := strings.Replace(engine.ErrorMessage(err), ", such as 5000 or 5,000.50", " after NGN, such as NGN 5000 or NGN 5,000.50 (no k or m)", 1)
			return 0, errAt(n.pos, "%s: %s", what, msg)
		}
		k = v
	default:
		return 0, errAt(n.pos, "%s %s is not an amount: write kobo as a number (500000) or naira with NGN (NGN 5,000.50)", what, n.what())
	}
	if k == 0 && !zeroOK {
		return 0, errAt(n.pos, "%s must be more than zero", what)
	}
	return k, nil
}

// nairaOfKobo writes digits of kobo as naira: "5000" → "50.00".
func nairaOfKobo(digits string) string {
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return "?"
	}
	return engine.Naira(v)
}

// durationExamples are the examples a field bounded below a year gives when its
// duration does not parse (the bounds are the API's: an outage, a bank's latency,
// a slow receiver).
var durationExamples = map[string]string{
	"for":   simulator.OutageExamples,
	"delay": "500ms or 2s (at most " + engine.DurationText(simulator.MaxLatency) + ")",
	"slow":  "15s or 2m (at most " + engine.DurationText(api.MaxReceiverDelay) + ")",
}

func duration(n *node, what string) (time.Duration, error) {
	examples, ok := durationExamples[what]
	if !ok {
		examples = "30m, 2h, 1d, 1d12h or 1y"
	}
	if n == nil || n.kind != kScalar {
		return 0, errAt(n.pos, "%s is a duration such as %s", what, examples)
	}
	d, err := simulator.ParseDurationLike(n.value, examples)
	if err != nil {
		return 0, errAt(n.pos, "%s: %s", what, engine.ErrorMessage(err))
	}
	return d, nil
}

// underAMillisecond refuses, at its field, a duration under a millisecond, the
// shortest the API takes for an outage, a latency, statement_build and a slow
// receiver (api's underAMillisecond, 0ed19c0); zero says what 0 does where it
// is taken. Check passed such a file and its run failed with the API's 400 (a
// review). The clock's advance: is not bounded so: it moves to the microsecond.
func underAMillisecond(n *node, what string, d time.Duration, zero string) error {
	if d <= 0 || d >= time.Millisecond {
		return nil
	}
	return errAt(n.pos, "%s: %s is under a millisecond, the shortest duration the API takes: write 1ms or more%s", what, n.value, zero)
}

// wat is Lagos time, for instants written without a zone.
var wat = time.FixedZone("WAT", 3600)

var instantForms = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// instant reads a time: RFC 3339, or without a zone in Lagos time (WAT).
func instant(n *node, what string) (time.Time, error) {
	if n.kind != kScalar {
		return time.Time{}, errAt(n.pos, "%s is a time such as 2021-08-20T13:00:00+01:00; found %s", what, n.what())
	}
	forms := instantForms
	if strings.HasSuffix(n.value, " WAT") {
		// As sandbank writes a time in its messages and transcripts (engine's
		// TimeText), which a file refused (a QA engineer's trial).
		forms = []string{"2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04 MST"}
	}
	for i, f := range forms {
		loc := wat
		if i == 0 && f == time.RFC3339 {
			loc = time.UTC
		}
		if t, err := time.ParseInLocation(f, n.value, loc); err == nil {
			if (t.Year() < 1900 || t.Year() > 2200) && what != "start" { // start: its caller says a world's own bounds
				return time.Time{}, errAt(n.pos, "%s %s is outside the years 1900 to 2200", what, n.value)
			}
			return t.UTC(), nil
		}
	}
	also := ""
	if what == "at" {
		also = "; or +16m, that long after the scenario's start"
	}
	return time.Time{}, errAt(n.pos, "%s %q is not a time: write 2021-08-20T13:00:00+01:00 (or without the zone, in Lagos time, or as sandbank writes it, 20 Aug 2021 13:00:00 WAT)%s", what, n.value, also)
}

func institution(n *node) (string, error) {
	s, err := str(n, "institution")
	if err != nil {
		return "", err
	}
	// By a name people use too — "First Bank", "UBA", "GTB" — as the README and
	// the TUI write them: only the code or the full name was taken, and the
	// refusal listed codes alone (a QA engineer's trial).
	if in, ok := simulator.InstitutionNamed(s); ok {
		return in.Code, nil
	}
	return "", errAt(n.pos, "%s", unknownBank("bank", s, nil))
}

// unknownBank is unknown for a bank, which a step may name by its code or a name
// it goes by (simulator.InstitutionNamed), or by others (customers and accounts).
// The suggestion is the closest of them all; the list names each bank with its
// code, so that one learns which code is which bank.
func unknownBank(what, got string, others []string) string {
	var names, banks []string
	for _, in := range simulator.Institutions() {
		short := simulator.ShortName(in.Name)
		names = append(names, in.Code, short)
		b := in.Code + " " + in.Name
		if short != in.Name {
			b += " (" + short + ")"
		}
		banks = append(banks, b)
	}
	slices.Sort(banks)
	msg := fmt.Sprintf("unknown %s %q", what, got)
	// By the name without the words bank names end with: the shared " Bank"
	// made "Unity Bank" look like Zenith Bank, and " Nigeria" Citibank Nigeria
	// like Ecobank Nigeria (a review).
	// Two letters off only for a long name: "Unity Bank" is another bank, not
	// Union mistyped.
	core := simulator.BankCore(got)
	s := didYouMean(core, append(names, others...))
	if s != "" && len(core) < 7 && distance(strings.ToLower(core), strings.ToLower(s)) > 1 {
		s = ""
	}
	if s == "" {
		// A full name mistyped ("Zenith Bnak", "Union Bank of Nigera"): by the
		// whole name, as close as a third of what is left without the words
		// names end with.
		var full []string
		for _, in := range simulator.Institutions() {
			full = append(full, in.Name)
		}
		if f := didYouMean(got, full); f != "" && distance(strings.ToLower(got), strings.ToLower(f)) <= max(1, len(core)/3) {
			s = f
		}
	}
	if s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(others) == 0 {
		return msg + "; name a bank by its code or name: " + strings.Join(banks, ", ")
	}
	others = slices.Sorted(slices.Values(others))
	return msg + "; use one of " + strings.Join(others, ", ") + ", or a bank by its code or name: " + strings.Join(banks, ", ")
}

func mfaKind(n *node) (engine.MFAKind, error) {
	names := make([]string, len(engine.MFAKinds))
	for i, k := range engine.MFAKinds {
		names[i] = string(k)
	}
	s, err := oneOf(n, "mfa", names)
	return engine.MFAKind(s), err
}

func oneOf(n *node, what string, choices []string) (string, error) {
	s, err := str(n, what)
	if err != nil {
		return "", err
	}
	if !slices.Contains(choices, s) {
		return "", errAt(n.pos, "%s", unknown(what, s, choices))
	}
	return s, nil
}
