// Package engine is sandbank's domain: the rules of Data Sync (DESIGN §1, R1–R12) as a
// library the HTTP API, the TUI and scenarios call. It reaches banks only through
// Bank, storage only through Store, webhook receivers only through Sender, and reads
// time only from Clock. It imports no other package of the project.
package engine

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// Rules of the provider, as durations.
const (
	RateLimitWindow   = 2 * time.Minute  // R3: one manual sync per account per window
	RealtimeWindow    = 5 * time.Minute  // v2: one real-time job per account per window
	ReauthTokenTTL    = 10 * time.Minute // R7
	ConnectCodeTTL    = 10 * time.Minute // a connect code is exchanged within this
	WidgetSessionTTL  = 30 * time.Minute // an abandoned widget session is forgotten after this
	HistoryMonths     = 12               // R9: the first sync fetches this much history
	MaxWidgetAttempts = 3                // wrong answers before a widget session locks
)

// Sender puts webhooks on the wire; the HTTP layer implements it.
type Sender interface {
	// Render is the JSON body a receiver gets for ev in format f, from its facts
	// (or its FrozenBody).
	Render(ev Event, f WebhookFormat) []byte
	// Send POSTs body to url with the given headers and reports the status code and
	// the real time it took. An error means no HTTP answer arrived (refused, timed out).
	Send(ctx context.Context, url string, headers map[string]string, body []byte) (Delivery, error)
}

// InProcess is implemented by a Sender that delivers some URLs in process, without
// a connection (sandbank's built-in receiver): up to Config.LocalDeliveries
// attempts at those run at once.
type InProcess interface {
	InProcess(url string) bool
}

// Delivery is what a receiver answered.
type Delivery struct {
	StatusCode int
	Latency    time.Duration
}

// Config wires an Engine.
type Config struct {
	Clock  Clock
	Bank   Bank
	Store  Store
	Sender Sender
	Logger *slog.Logger
	// Workers bounds how many syncs run at once (default 16: enough that concurrent
	// syncs' commits share fsyncs, see store's group commit).
	Workers int
	// Deliveries bounds how many webhook deliveries run at once (default 8).
	Deliveries int
	// LocalDeliveries bounds them instead when the webhook URL is delivered in
	// process (the Sender is an InProcess and says so): no connection or receiver
	// thread is held, and more at once share the store's commits, so catching up
	// after a jump is quicker (default 4096: the webhooks of a 30-day jump of
	// 10,000 accounts caught up in 25 s, against 33 s at 1,024 and 66 s at 64 —
	// world's BenchmarkScale with SANDBANK_BENCH_LOCAL_DELIVERIES).
	LocalDeliveries int
	// DeliveryTimeout bounds one delivery attempt, in real time (default 10 s); a
	// receiver that does not answer in time counts as a failed attempt.
	DeliveryTimeout time.Duration
}

// Engine runs Data Sync. Create it with New, then Start; Close stops it.
type Engine struct {
	clock  Clock
	bank   Bank
	store  Store
	sender Sender
	log    *slog.Logger

	version    *atomic.Uint64           // counts committed writes: see DataVersion
	settings   atomic.Pointer[Settings] // cache of the stored settings
	settingsMu sync.Mutex               // serialises UpdateSettings
	hub        hub

	workers         chan struct{} // sync slots
	send            sending       // webhook attempts under way
	deliveryTimeout time.Duration

	mu         sync.Mutex
	syncing    map[string]chan struct{}  // accounts with a sync running → closed when it ends
	windows    map[string]time.Time      // rate-limit windows claimed since start (R3)
	widgets    map[string]*widgetSession // open widget sessions
	widgetsCap int                       // size at which widgets is next pruned
	// widgetsAdding counts sessions being added (addWidget): their places are
	// held against the bound while their IDs are made.
	widgetsAdding int
	timers        map[string]Timer      // "deliver", "autosync"
	autoNext      time.Time             // when the "autosync" timer fires
	autoWrites    map[string]*autoWrite // automatic syncs' writes not yet committed, by account
	reauths       map[string]reauthNote // the accounts re-authorised since start, and the sign-in it gave them
	auto          autoState
	autoMu        sync.Mutex            // one auto-sync round, or reschedule, at a time
	autoWait      pendingCount          // automatic syncs' writes not yet committed
	autoCount     atomic.Int64          // ... how many: delivery waits while there are any
	autoSlots     chan struct{}         // bounds them (maxAutoWrites)
	noSpace       atomic.Int64          // automatic syncs lost to a full disk since one was last saved
	lostToDisk    atomic.Int64          // automatic syncs lost to a full disk since the clock's last move said so
	lostReason    atomic.Value          // string: the last of them's noRoomReason (DISK_FULL, FILE_TOO_LARGE)
	clockSave     atomic.Pointer[error] // why the clock's last move was not saved; nil: it was

	realtimeMu keyedMutex               // by account: a real-time window's claim and its job's record, together
	liveMu     sync.Mutex               // guards liveJobs
	liveJobs   map[string]chan struct{} // the real-time jobs something will end, each closed when it has

	jobsRunning atomic.Int64 // real-time jobs not yet ended (JobsRunning)

	wake     chan struct{}     // nudges the delivery loop
	attempts atomic.Uint64     // delivery attempts recorded (DeliveryAttempts)
	inflight atomic.Int64      // delivery attempts not yet recorded and announced
	retrying atomic.Bool       // a nudge of delivery waits a real second (retrySoon)
	held     atomic.Bool       // HoldDeliveries: no attempt starts
	refused  map[string]string // account ID → the hash of its saved password, which the bank refused (under mu)
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	closed   atomic.Bool
}

// New checks cfg and builds an Engine; nothing runs until Start.
func New(cfg Config) (*Engine, error) {
	if cfg.Clock == nil || cfg.Bank == nil || cfg.Store == nil || cfg.Sender == nil {
		return nil, errors.New("engine: Clock, Bank, Store and Sender are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Deliveries <= 0 {
		cfg.Deliveries = 8
	}
	if cfg.LocalDeliveries <= 0 {
		cfg.LocalDeliveries = 4096
	}
	if cfg.DeliveryTimeout <= 0 {
		cfg.DeliveryTimeout = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	sendCtx, stopSending := context.WithCancel(context.Background())
	version := new(atomic.Uint64)
	return &Engine{
		version:         version,
		clock:           cfg.Clock,
		bank:            cfg.Bank,
		store:           versionedStore{cfg.Store, version},
		sender:          cfg.Sender,
		log:             cfg.Logger,
		workers:         make(chan struct{}, cfg.Workers),
		deliveryTimeout: cfg.DeliveryTimeout,
		syncing:         make(map[string]chan struct{}),
		windows:         make(map[string]time.Time),
		widgets:         make(map[string]*widgetSession),
		timers:          make(map[string]Timer),
		autoWrites:      make(map[string]*autoWrite),
		autoSlots:       make(chan struct{}, maxAutoWrites),
		send: sending{accounts: make(map[string]bool), slots: cfg.Deliveries, localSlots: cfg.LocalDeliveries,
			ctx: sendCtx, cancel: stopSending},
		wake:   make(chan struct{}, 1),
		ctx:    ctx,
		cancel: cancel,
	}, nil
}

// Start loads the settings, storing defaults on first run (a zero IDNamespace or
// keys in defaults are an error), then starts webhook delivery and auto-sync.
func (e *Engine) Start(ctx context.Context, defaults Settings) error {
	var s Settings
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		s, err = tx.Settings()
		if ErrorCode(err) == ENOTFOUND {
			if defaults.IDNamespace == "" || defaults.SecretKey == "" || defaults.PublicKey == "" {
				return errors.New("engine: first start needs an ID namespace and keys")
			}
			s = defaults
			return tx.PutSettings(s)
		}
		if err != nil {
			return err
		}
		return settleInterrupted(tx, e.clock.Now())
	})
	if err != nil {
		return err
	}
	e.settings.Store(&s)
	e.clock.OnChange(e.clockChanged)
	e.clock.OnJumpStart(e.jumpStarts)
	e.wg.Add(1)
	go e.deliveryLoop()
	e.nudgeDelivery()
	return e.armAutoSync(ctx)
}

// settleInterrupted marks FAILED what a stop interrupted: the accounts whose first
// sync it cut short (stored as PROCESSING) and the real-time jobs a crash cut short
// (stored as running). Nothing would ever finish them.
func settleInterrupted(tx Tx, now time.Time) error {
	accounts, err := tx.Accounts()
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if !a.Linked() {
			continue
		}
		changed, err := settleInterruptedJob(tx, &a, now)
		if err != nil {
			return err
		}
		if a.DataStatus == DataProcessing {
			a.DataStatus = DataFailed
			a.LastCode = CodeSyncError
			a.LastMessage = "the first sync was interrupted when sandbank stopped; sync again"
			changed = true
		}
		if !changed {
			continue
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
	}
	return nil
}

// Close stops delivery and auto-sync, cancels running syncs and waits for them, lets
// webhook attempts under way finish (each within the delivery timeout) and records
// them, and saves the clock. It does not close the store.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed.Load() {
		e.mu.Unlock()
		return nil
	}
	e.closed.Store(true) // under mu, so enter never adds to wg after Wait starts
	for _, t := range e.timers {
		t.Stop()
	}
	e.mu.Unlock()
	e.cancel()
	e.wg.Wait()        // syncs and the delivery loop: no attempt starts after this
	e.waitAutoWrites() // automatic syncs' results: fetched, so kept
	e.send.wg.Wait()   // attempts under way, which their timeout bounds
	e.send.cancel()
	return e.saveClock(context.Background(), e.clock.State())
}

// DataVersion changes whenever the engine has written anything; while it stays the
// same, what a read returned is what it would return again. Faces may keep encoded
// answers for that long (R1: reads show the data of the last sync, which only a
// write changes).
func (e *Engine) DataVersion() uint64 { return e.version.Load() }

// versionedStore counts the writes made through it. Every write the engine makes
// goes through it, so the count moves with everything a read can see; it moves
// before Update returns, so a caller that waited for a write never reads the old
// version afterwards.
type versionedStore struct {
	Store
	n *atomic.Uint64
}

func (s versionedStore) Update(ctx context.Context, fn func(Tx) error) error {
	defer s.n.Add(1) // failed writes too: they write nothing, and counting them is safe
	return s.Store.Update(ctx, fn)
}

func (s versionedStore) Submit(ctx context.Context, fn func(Tx) error, done func(error)) {
	s.Store.Submit(ctx, fn, s.counted(done))
}

func (s versionedStore) Defer(ctx context.Context, fn func(Tx) error, done func(error)) {
	s.Store.Defer(ctx, fn, s.counted(done))
}

// counted counts a queued write once it has committed or failed.
func (s versionedStore) counted(done func(error)) func(error) {
	return func(err error) {
		s.n.Add(1)
		if done != nil {
			done(err)
		}
	}
}

// Clock is the virtual clock the engine runs on; faces move it through this.
func (e *Engine) Clock() Clock { return e.clock }

// Bank is the bank the engine syncs against.
func (e *Engine) Bank() Bank { return e.bank }

// Subscribe returns a channel of everything that happens and a function that ends
// the subscription. A subscriber that falls behind loses notices (see Notice.Dropped);
// the engine never waits for one.
func (e *Engine) Subscribe(buffer int) (<-chan Notice, func()) { return e.hub.subscribe(buffer) }

func (e *Engine) publish(n Notice) {
	if n.At.IsZero() {
		n.At = e.clock.Now()
	}
	e.hub.publish(n)
}

// Settings returns the business's settings (from memory; they change only through
// the engine).
func (e *Engine) Settings() Settings { return *e.settings.Load() }

// CheckSecretKey reports, in constant time, whether key is the secret key (R11).
func (e *Engine) CheckSecretKey(key string) bool {
	return subtle.ConstantTimeCompare([]byte(key), []byte(e.Settings().SecretKey.Reveal())) == 1
}

// CheckPublicKey reports, in constant time, whether key is the public key.
func (e *Engine) CheckPublicKey(key string) bool {
	return subtle.ConstantTimeCompare([]byte(key), []byte(e.Settings().PublicKey)) == 1
}

// SettingsPatch changes some settings; nil fields stay as they are.
type SettingsPatch struct {
	DataSyncEnabled *bool
	WebhookURL      *string
	WebhookSecret   *string
	AutoSync        *time.Duration
	SecretKey       *string
	PublicKey       *string
	WebhookFormat   *WebhookFormat
	StatementBuild  *time.Duration
}

// MaxWebhookURL is the longest webhook URL taken, in characters: what browsers
// and most servers take in a request line, far more than a receiver's address
// needs.
const MaxWebhookURL = 2048

// Validate checks every field that is set.
func (p SettingsPatch) Validate() error {
	if p.WebhookURL != nil && *p.WebhookURL != "" {
		raw := *p.WebhookURL
		if n := utf8.RuneCountInString(raw); n > MaxWebhookURL {
			// Said first, and without the URL: taken, one of 500,000 characters was
			// copied into every attempt's record. The API alone refused it; the
			// TUI's Settings editor and scenario check, which come here, took it
			// (a review).
			return Invalid("webhook_url", "webhook_url is %d characters long; a webhook URL is at most %d: send a shorter one", n, MaxWebhookURL)
		}
		// Whether it is an absolute http(s) URL is asked first, of it with its
		// blanks made underscores: "mailto:x y" is no webhook URL, whatever its
		// blanks, and url.Parse refuses a tab before the blank could be placed.
		u, err := url.Parse(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return '_'
			}
			return r
		}, raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Invalid("webhook_url", "%q is not an absolute http(s) URL; use e.g. http://127.0.0.1:9000/webhooks", raw)
		}
		if blank := strings.IndexFunc(raw, unicode.IsSpace); blank >= 0 {
			// Taken, "http://h/a b?q=x y" went out with its query's space as it
			// was, a request line a receiver refuses (a webhook developer's trial).
			r, _ := utf8.DecodeRuneInString(raw[blank:])
			return Invalid("webhook_url", "%q has a blank (%U) at character %d: a URL has none; write a space as %%20", raw, r, utf8.RuneCountInString(raw[:blank])+1)
		}
		if port := u.Port(); port != "" { // u is raw's: it has no blanks
			// Every delivery failed "invalid port" to a URL taken without a word.
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				return Invalid("webhook_url", "%q has port %s: a port is 1 to 65535", *p.WebhookURL, port)
			}
		}
	}
	if p.AutoSync != nil {
		ok := false
		for _, d := range AutoSyncIntervals {
			ok = ok || *p.AutoSync == d
		}
		if !ok {
			return Invalid("auto_sync", "auto-sync every %s is not offered; use off, 6h, 12h or 24h (1d)", DurationText(*p.AutoSync))
		}
	}
	if p.WebhookFormat != nil {
		if err := p.WebhookFormat.Validate(); err != nil {
			return err
		}
	}
	if p.StatementBuild != nil && (*p.StatementBuild < 0 || *p.StatementBuild > MaxStatementBuild) {
		return Invalid("statement_build", "a statement builds for 0 (at once) up to %s, not %s", DurationText(MaxStatementBuild), DurationText(*p.StatementBuild))
	}
	if p.WebhookSecret != nil && strings.TrimSpace(*p.WebhookSecret) == "" {
		// Receivers check it on every delivery: an empty one fails them all.
		return Invalid("webhook_secret", "the webhook secret cannot be empty: receivers compare it with the mono-webhook-secret header of every webhook; to stop deliveries, set the webhook URL to \"\" instead")
	}
	if p.WebhookSecret != nil {
		if err := CheckHeaderSecret("webhook_secret", "the webhook secret", WhereWebhookSecret, *p.WebhookSecret); err != nil {
			return err
		}
	}
	for _, k := range []struct {
		field, where string
		v            *string
	}{{"secret_key", WhereSecretKey, p.SecretKey}, {"public_key", WherePublicKey, p.PublicKey}} {
		if k.v != nil && len(*k.v) < 16 {
			return Invalid(k.field, "a key needs at least 16 characters")
		}
		if k.v != nil {
			if err := CheckHeaderSecret(k.field, "the key", k.where, *k.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// Where each secret travels, for CheckHeaderSecret's messages.
const (
	WhereSecretKey     = "mono-sec-key header of every API request"
	WherePublicKey     = "widget's requests and its page's address (?key=)"
	WhereWebhookSecret = "mono-webhook-secret header of every webhook"
)

// maxHeaderSecret bounds a secret sent in a header.
const maxHeaderSecret = 256

// CheckHeaderSecret refuses a secret that cannot travel in an HTTP header as it was
// given (where says where it travels: WhereSecretKey, …): a webhook secret with a newline was stored, and then every delivery
// failed ("invalid header field value") and was retried without end.
func CheckHeaderSecret(field, what, where, v string) error {
	for _, r := range v { // first: then a byte is a character, for the length below
		if r < ' ' || r > '~' {
			return Invalid(field, "%s has %q, which the %s cannot carry: use printable ASCII letters, digits and punctuation", what, r, where)
		}
	}
	if len(v) > maxHeaderSecret {
		return Invalid(field, "%s has at most %d characters (got %d): it travels in the %s", what, maxHeaderSecret, len(v), where)
	}
	if strings.TrimSpace(v) != v {
		return Invalid(field, "%s starts or ends with a space, which HTTP drops from the %s: leave it out", what, where)
	}
	return nil
}

// connectedBefore keeps R4 true within one virtual instant (a paused clock, the
// steps of a scenario): an account connected at the very instant Data Sync is then
// enabled was connected before it, so it counts from a nanosecond earlier (times
// are shown to the millisecond: the nanosecond never shows). Accounts connected
// after, in the same instant, count from the instant itself: at or after it.
func connectedBefore(tx Tx, now time.Time) error {
	accounts, err := tx.Accounts()
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if a.ConnectedAt.Equal(now) {
			a.ConnectedAt = now.Add(-time.Nanosecond)
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// retryNow brings every account's pending head to now: a new webhook URL is
// tried at once. Events that failed at the old one kept their back-off — up to
// an hour — so a business that fixed its URL saw nothing arrive (a webhook
// trial). Their failure counts stay: a new URL that fails too backs off from
// where they were. Heads due before now — a catch-up after a jump, events that
// waited for a URL — come to now too: an attempt at the new URL was recorded at
// the old due time, years before the URL was set (a presenter's trial).
func retryNow(tx Tx, now time.Time) error {
	heads, err := tx.DueEvents(farFuture, 0)
	if err != nil {
		return err
	}
	for _, h := range heads {
		if h.NextAttemptAt.Equal(now) {
			continue
		}
		ev, err := tx.Event(h.ID)
		if err != nil {
			return err
		}
		if ev.Sending != nil || ev.Status != DeliveryPending {
			continue // under way: its result sets its next attempt
		}
		ev.NextAttemptAt = now
		if err := tx.PutEvent(ev); err != nil {
			return err
		}
	}
	return nil
}

// UpdateSettings applies p. Enabling Data Sync records the moment (R4); enabling it
// again keeps the first moment; disabling forgets it. Changing the auto-sync interval
// reschedules every account from now.
func (e *Engine) UpdateSettings(ctx context.Context, p SettingsPatch) (Settings, error) {
	if err := p.Validate(); err != nil {
		return Settings{}, err
	}
	// One change at a time, so that what is cached is what was committed last.
	e.settingsMu.Lock()
	defer e.settingsMu.Unlock()
	if p.AutoSync != nil || p.DataSyncEnabled != nil {
		// No round runs meanwhile, and every account's schedule is as stored.
		e.autoMu.Lock()
		defer e.autoMu.Unlock()
		e.waitAutoWrites()
	}
	now := e.clock.Now()
	var s Settings
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if s, err = tx.Settings(); err != nil {
			return err
		}
		if p.DataSyncEnabled != nil {
			switch {
			case *p.DataSyncEnabled && !s.DataSyncEnabled():
				s.DataSyncEnabledAt = now
				if err := connectedBefore(tx, now); err != nil {
					return err
				}
			case !*p.DataSyncEnabled:
				s.DataSyncEnabledAt = time.Time{}
			}
		}
		if p.WebhookURL != nil {
			if *p.WebhookURL != "" && *p.WebhookURL != s.WebhookURL {
				if err := retryNow(tx, now); err != nil {
					return err
				}
			}
			s.WebhookURL = *p.WebhookURL
		}
		if p.WebhookSecret != nil {
			s.WebhookSecret = Secret(*p.WebhookSecret)
		}
		if p.SecretKey != nil {
			s.SecretKey = Secret(*p.SecretKey)
		}
		if p.PublicKey != nil {
			s.PublicKey = *p.PublicKey
		}
		if p.WebhookFormat != nil {
			s.WebhookFormat = *p.WebhookFormat
		}
		if p.StatementBuild != nil {
			s.StatementBuild = *p.StatementBuild
		}
		if p.AutoSync != nil && *p.AutoSync != s.AutoSync {
			s.AutoSync = *p.AutoSync
			if err := rescheduleAutoSync(tx, s.AutoSync, now); err != nil {
				return err
			}
		}
		return tx.PutSettings(s)
	})
	if err != nil {
		return Settings{}, err
	}
	e.settings.Store(&s)
	e.publish(Notice{Kind: NoticeSettings})
	e.nudgeDelivery()
	return s, e.armAutoSync(ctx)
}

func (e *Engine) clockChanged(st ClockState) {
	// Whoever moved the clock finds what the jump did stored and announced. The
	// clock's new state joins the commit of the jump's deferred syncs: one fsync.
	saved := make(chan error, 1)
	e.store.Defer(e.ctx, func(tx Tx) error { return tx.PutClockState(st) }, func(err error) { saved <- err })
	e.waitAutoWrites()
	lost := e.lostToDisk.Swap(0) // each once: by this move, or, if it was not told (a running clock's), the next
	if err := <-saved; err != nil && e.ctx.Err() == nil {
		e.noSpace.Store(0) // the next jump's logs its first again
		e.log.Error("saving the clock", "err", err, "automatic_syncs_lost", lost)
		if ErrorCode(err) == ENOSPACE {
			what := "its new time could not be saved"
			if n := lost; n > 0 {
				what = "neither its new time nor " + strconv.FormatInt(n, 10) + " automatic syncs could be saved (their accounts sync at their next time)"
			}
			room, reason, free := "the disk is full", noRoomReason(err), "Free some space"
			if reason == "FILE_TOO_LARGE" {
				room, free = "the database has reached the limit on a file's size", "Raise the limit"
			}
			err = Errorf(ENOSPACE, "the clock moved to %s, but %s: %s, and a restart would find the clock where it was last saved. %s: the next write saves the clock (%s)",
				TimeText(st.Now), room, what, free, ErrorMessage(err)).WithReason(reason)
		}
		e.clockSave.Store(&err)
	} else if lost > 0 && e.ctx.Err() == nil {
		// The clock is saved, but syncs of the move were not: a year's jump that
		// filled the disk answered 200 with 33,020 of them lost, which only the next
		// move owned up to (an operator's trial). Its early batches had failed, and
		// its last, the clock's, had room.
		e.noSpace.Store(0)
		e.log.Error("automatic syncs lost for want of room (a full disk, or a limit on a file's size)", "automatic_syncs_lost", lost, "clock", TimeText(st.Now))
		reason, _ := e.lostReason.Load().(string)
		room, free := "the disk filled up", "Free some space"
		if reason == "FILE_TOO_LARGE" {
			room, free = "the database reached the limit on a file's size (ulimit -f)", "Raise the limit"
		} else {
			reason = "DISK_FULL"
		}
		var err error = Errorf(ENOSPACE, "the clock moved to %s and is saved, but %s on the way: %d automatic syncs could not be saved — their accounts sync once at their next time, and the syncs missed are not made up. %s before you move the clock on",
			TimeText(st.Now), room, lost, free).WithReason(reason)
		e.clockSave.Store(&err)
	} else {
		e.clockSave.Store(nil)
	}
	e.publish(Notice{Kind: NoticeClock, Clock: st, At: st.Now})
	e.nudgeDelivery()
}

// noRoomReason is the reason of a write refused for want of room (ENOSPACE): the
// store's FILE_TOO_LARGE (a limit on a file's size, ulimit -f), else DISK_FULL.
func noRoomReason(err error) string {
	if e, ok := AsError(err); ok && e.Reason == "FILE_TOO_LARGE" {
		return e.Reason
	}
	return "DISK_FULL"
}

// ClockSaveError is why the clock's last move (an advance, a pause, a speed) was
// not saved with what it did, or nil if it was: the disk full, say. The move
// itself stands — the clock is where it went — so whoever moved it says so.
func (e *Engine) ClockSaveError() error {
	if err := e.clockSave.Load(); err != nil {
		return *err
	}
	return nil
}

// longJump is how long a jump is before its start is saved (jumpStarts).
const longJump = 24 * time.Hour

// jumpStarts saves where a long jump goes before it does anything: a kill before
// its first commit — which a large world's jump makes only after thousands of
// syncs — left nothing to say it, and the restart read as any other (an
// operator's trial). A commit of its own, so only for jumps longer than a day:
// a day's jump commits once, and its cost is the benchmark's.
func (e *Engine) jumpStarts(st ClockState) {
	if st.JumpingTo.Sub(st.Now) <= longJump {
		return
	}
	if err := e.saveClock(context.Background(), st); err != nil {
		e.log.Warn("saving where a jump goes, before it starts", "err", err)
	}
}

func (e *Engine) saveClock(ctx context.Context, st ClockState) error {
	return e.store.Update(ctx, func(tx Tx) error { return tx.PutClockState(st) })
}

// setTimer replaces the named clock timer.
func (e *Engine) setTimer(name string, at time.Time, f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setTimerLocked(name, at, f)
}

func (e *Engine) setTimerLocked(name string, at time.Time, f func()) {
	if t := e.timers[name]; t != nil {
		t.Stop()
	}
	if e.closed.Load() {
		return
	}
	e.timers[name] = e.clock.AfterFunc(at, f)
	if name == "autosync" {
		e.autoNext = at
	}
}

// NewKey returns a random key with a recognisable prefix ("test_sk_", "test_pk_",
// "whsec_").
func NewKey(prefix string) string {
	b := make([]byte, 15)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// RotateKeys replaces the secret and public keys with new random ones; the old ones
// stop working at once.
func (e *Engine) RotateKeys(ctx context.Context) (Settings, error) {
	sk, pk := NewKey("test_sk_"), NewKey("test_pk_")
	return e.UpdateSettings(ctx, SettingsPatch{SecretKey: &sk, PublicKey: &pk})
}
