// Package world builds a sandbank world — the bbolt file, the virtual clock, the
// simulated bank and the Data Sync engine, wired together — with no listener and no
// face. It is the one way to make a world: `sandbank` and `sandbank serve` open the
// user's database with it, scenario files build their throw-away worlds with it, and
// the tests of every face build theirs with it.
package world

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/store"
)

// DefaultSeed makes the first run's demo world.
const DefaultSeed = 2021

// MaxSeed is the largest seed a world takes, from --seed or a scenario file's
// seed (1 is the smallest; 0 is no seed given).
const MaxSeed = 1 << 62

// Keys are a new world's keys; an empty one is made at random. Tests and scenario
// files fix them, so that tokens derived from the secret key repeat from run to run.
type Keys struct {
	Secret        string // the mono-sec-key, at least 16 characters
	Public        string // the widget's key
	WebhookSecret string // sent with every webhook as mono-webhook-secret
}

// Options define a world. Only DB and Sender are required.
type Options struct {
	DB        string    // the bbolt file; created, with its directory, if missing
	Seed      int64     // a new world's seed (0: DefaultSeed); an existing world keeps its own, and one given must match it
	Start     time.Time // a new world's virtual start (zero: now, to the second)
	Customers int       // a new world's own customers (0: the simulator's default)
	// Keys of a new world. A Secret given for an existing world replaces its stored
	// secret key (the --secret-key flag).
	Keys   Keys
	Sender engine.Sender // delivers webhooks
	Log    *slog.Logger

	// Paused starts the clock paused; with Wall it moves only when told to, which
	// makes a world deterministic (scenario runs, tests).
	Paused bool
	Wall   func() time.Time // the clock's source of real time (default time.Now)

	// Engine tuning; zero values take the engine's defaults.
	Workers         int
	Deliveries      int
	LocalDeliveries int
	DeliveryTimeout time.Duration

	// Unfinished leaves a new world unfinished when Open returns, for its caller to
	// fill (the first run's demo) and then Finish. Until then a crash (kill -9, out
	// of memory) leaves a file that the next Open throws away and builds anew,
	// never one it serves half-built. Without it a new world is finished by Open.
	Unfinished bool

	// StoreOptions open the database; nil in the product. Benchmarks pass
	// store.UnsafeNoSync to measure what durability costs.
	StoreOptions []store.Option
}

// World is a world, open.
type World struct {
	DB     *store.DB
	Clock  *simulator.Clock
	Bank   *simulator.Bank
	Engine *engine.Engine
	// New reports that this Open created the world (the file held none): the first
	// run, which the caller may want to fill (the demo) and, on failure, remove.
	New bool
	// CutJump, if not zero, is where the last run was jumping when it stopped
	// without a clean stop; the clock resumes where its saved syncs reach. Logged,
	// and for the TUI to show (a QA engineer's trial: only the log file said it).
	CutJump time.Time
}

// Open opens the world in o.DB, or makes a new one there — also in place of a
// world whose first run was killed before it was complete, which it says. On
// error nothing stays open; a database file it created is left for the caller to
// remove (Remove). The first Open of a process also gives the garbage collector
// room (tuneGC).
func Open(ctx context.Context, o Options) (_ *World, err error) {
	if o.DB == "" || o.Sender == nil {
		return nil, errors.New("world: DB and Sender are required")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	seedGiven := o.Seed != 0
	if !seedGiven {
		o.Seed = DefaultSeed
	}
	tuneGC()
	w := &World{}
	defer func() {
		if err != nil {
			_ = w.Close()
		}
	}()
	if err := os.MkdirAll(filepath.Dir(o.DB), 0o700); err != nil {
		reason := err.Error()
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			reason = pe.Err.Error() // "permission denied": the words around it name the folder
		}
		return nil, engine.Invalid("db", "cannot make the database's folder %s (%s): pass --db with a file in a folder you can write", filepath.Dir(o.DB), reason)
	}
	if w.DB, err = store.Open(o.DB, o.StoreOptions...); err != nil {
		return nil, err
	}
	if from, to := w.DB.Upgraded(); from > 0 {
		// One way: said, as an operator must know it (it was silent).
		o.Log.Warn(fmt.Sprintf("upgraded the database %s from schema v%d to v%d, keeping all its data: sandbank builds older than this one now refuse it (next time, `sandbank backup` before upgrading keeps a copy they can open)", o.DB, from, to))
	}
	// What a first run killed before its world was complete (kill -9, out of
	// memory, a cancelled CI job) left: its port never opened, so nothing of
	// anyone's is in it. Served, it passed for a whole world — the demo without its
	// accounts and Data Sync off, or with one of its three customers (an
	// operator's trial).
	discarded, err := w.DB.DiscardUnfinished(ctx)
	if err != nil {
		return nil, err
	}
	if discarded {
		o.Log.Warn(fmt.Sprintf("the first run that made %s was stopped before its world was complete (a crash?); nothing else was in it: building it anew", o.DB))
	}
	var st engine.ClockState
	err = w.DB.View(ctx, func(tx engine.Tx) error {
		var err error
		st, err = tx.ClockState()
		return err
	})
	var clockOpts []simulator.ClockOption
	if o.Wall != nil {
		clockOpts = append(clockOpts, simulator.WithWall(o.Wall))
	}
	w.New = engine.ErrorCode(err) == engine.ENOTFOUND
	switch {
	case w.New:
		start := o.Start
		if start.IsZero() {
			start = time.Now().UTC().Truncate(time.Second)
		}
		w.Clock = simulator.NewClock(start, clockOpts...)
	case err != nil:
		return nil, err
	default:
		w.Clock = simulator.RestoreClock(st, clockOpts...)
		if !st.JumpingTo.IsZero() {
			// A crash (kill -9, a power cut) in the middle of a jump: said, as a
			// graceful stop says it to the jump's caller (a QA engineer's trial: the
			// restart looked like any other).
			w.CutJump = st.JumpingTo
			o.Log.Warn(fmt.Sprintf("the last run stopped in the middle of a jump to %s, without a clean stop (a crash, or this file is a backup taken during the jump): the clock resumes at %s, where its saved syncs reach; advance it again to go on",
				engine.TimeText(st.JumpingTo), engine.TimeText(w.Clock.Now())))
		}
	}
	if o.Paused {
		_ = w.Clock.SetPaused(true) // pausing always succeeds
	}
	cfg := simulator.Config{Seed: o.Seed, Start: w.Clock.Now(), Customers: o.Customers}
	if !seedGiven && !w.New {
		cfg.Seed = 0 // the database's own: one made with --seed 5 opened without it was refused
	}
	if w.Bank, err = simulator.Open(cfg, w.Clock, w.DB); err != nil {
		return nil, bankOpenError(w.DB.Path(), err)
	}
	o.Seed = w.Bank.Config().Seed
	w.Clock.SetEnd(w.Bank.End())
	// Every write records the clock: no restart finds data newer than the clock.
	w.DB.KeepClock(w.Clock.State)
	w.DB.KeepClockTime(w.Clock.Now)
	if w.Engine, err = engine.New(engine.Config{Clock: w.Clock, Bank: w.Bank, Store: w.DB, Sender: o.Sender,
		Logger: o.Log, Workers: o.Workers, Deliveries: o.Deliveries, LocalDeliveries: o.LocalDeliveries, DeliveryTimeout: o.DeliveryTimeout}); err != nil {
		return nil, err
	}
	defaults, err := defaultSettings(o.Seed, o.Keys)
	if err != nil {
		return nil, err
	}
	if err := w.Engine.Start(ctx, defaults); err != nil {
		return nil, err
	}
	if k := o.Keys.Secret; k != "" && !w.Engine.CheckSecretKey(k) {
		if _, err := w.Engine.UpdateSettings(ctx, engine.SettingsPatch{SecretKey: &k}); err != nil {
			return nil, err
		}
	}
	if w.New { // persist the clock at once, so that a second start is not a first run
		save := w.DB.Finish // the world is complete
		if o.Unfinished {
			save = w.DB.Update // its caller completes it (Finish)
		}
		if err := save(ctx, func(tx engine.Tx) error { return tx.PutClockState(w.Clock.State()) }); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Finish marks a new world opened Unfinished complete, once its caller has filled
// it: from then on a crash leaves it to the next Open as it is.
func (w *World) Finish(ctx context.Context) error { return w.DB.Finish(ctx, nil) }

// defaultSettings are a new world's settings: keys as given, or random; IDs derive
// from the seed, so the same seed and history give the same IDs.
func defaultSettings(seed int64, k Keys) (engine.Settings, error) {
	if k.Secret == "" {
		k.Secret = engine.NewKey("test_sk_")
	}
	if k.Public == "" {
		k.Public = engine.NewKey("test_pk_")
	}
	if k.WebhookSecret == "" {
		k.WebhookSecret = engine.NewKey("whsec_")
	}
	if len(k.Secret) < 16 {
		return engine.Settings{}, engine.Invalid("secret-key", "the secret key needs at least 16 characters, and the one given (--secret-key or $SANDBANK_SECRET_KEY) has %d: pass a longer one, or none to keep the database's key (a new database makes one)", len(k.Secret))
	}
	if len(k.Public) < 16 {
		return engine.Settings{}, engine.Invalid("public-key", "the public key needs at least 16 characters, and the one given has %d: pass a longer one, or none to have one made", len(k.Public))
	}
	for _, c := range []struct{ field, what, where, v string }{
		{"secret-key", "the secret key (--secret-key or $SANDBANK_SECRET_KEY)", engine.WhereSecretKey, k.Secret},
		{"public-key", "the public key", engine.WherePublicKey, k.Public},
		{"webhook-secret", "the webhook secret", engine.WhereWebhookSecret, k.WebhookSecret},
	} {
		if err := engine.CheckHeaderSecret(c.field, c.what, c.where, c.v); err != nil {
			return engine.Settings{}, err
		}
	}
	return engine.Settings{
		SecretKey:     engine.Secret(k.Secret),
		PublicKey:     k.Public,
		WebhookSecret: engine.Secret(k.WebhookSecret),
		IDNamespace:   fmt.Sprintf("sandbank/seed/%d", seed),
	}, nil
}

// Close stops the engine (running syncs are cancelled, webhook delivery stops, the
// clock is saved), then the clock, then closes the file. It is safe on a partly
// opened world and to call twice.
func (w *World) Close() error {
	var errs []error
	if w.Clock != nil {
		w.Clock.Halt() // a jump under way stops where its work is cancelled, not at its end
	}
	if w.Engine != nil {
		errs = append(errs, w.Engine.Close())
	}
	if w.Clock != nil {
		w.Clock.AwaitJump() // its end saves nothing now, but must not outlive the file
		w.Clock.Close()
	}
	if w.DB != nil {
		errs = append(errs, w.DB.Close())
	}
	w.Engine, w.Clock, w.DB = nil, nil, nil
	return errors.Join(errs...)
}

// bankOpenError names the file a bank could not be replayed from, and says what
// to do: a damaged journal said only "bank journal record 0 is not valid JSON"
// (a review), a newer sandbank's not which file.
func bankOpenError(path string, err error) error {
	switch {
	case engine.ErrorCode(err) == engine.EINTERNAL: // what the journal holds cannot be replayed
		return engine.Errorf(engine.EINVALID, "database %s is damaged: its bank's journal cannot be replayed (%s): restore it from a backup, or use --db to start a new file",
			path, engine.ErrorMessage(err)).WithReason("DATABASE_DAMAGED")
	case strings.Contains(engine.ErrorMessage(err), "made by a newer sandbank"):
		return engine.Errorf(engine.EINVALID, "database %s: %s", path, engine.ErrorMessage(err))
	}
	return err
}
