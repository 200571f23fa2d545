package world

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
	"sandbank/simulator"
)

type nopSender struct{}

func (nopSender) Render(engine.Event, engine.WebhookFormat) []byte { return []byte("{}") }

func (nopSender) Send(context.Context, string, map[string]string, []byte) (engine.Delivery, error) {
	return engine.Delivery{StatusCode: 200}, nil
}

var start = time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC)

func open(t *testing.T, o Options) *World {
	t.Helper()
	w, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// A new world is made from its options; reopened, it is the same world, where the
// clock stopped, with the same keys — and a secret key given again replaces it.
func TestOpenNewThenExisting(t *testing.T) {
	db := filepath.Join(t.TempDir(), "nested", "sandbank.db")
	wall := time.Now()
	o := Options{DB: db, Seed: 7, Start: start, Customers: 6, Sender: nopSender{}, Paused: true,
		Wall: func() time.Time { return wall }, Keys: Keys{Secret: "test_sk_world0123456789", Public: "test_pk_world0123456789"}}
	w := open(t, o)
	if !w.New || !w.Clock.Now().Equal(start) || len(w.Bank.Customers()) != 6 || !w.Engine.CheckSecretKey(o.Keys.Secret) ||
		!w.Engine.CheckPublicKey(o.Keys.Public) || w.Engine.Settings().WebhookSecret == "" {
		t.Fatalf("new world: new %v, clock %v, %d customers, settings %+v", w.New, w.Clock.Now(), len(w.Bank.Customers()), w.Engine.Settings())
	}
	if err := w.Clock.Advance(90 * time.Minute); err != nil {
		t.Fatal(err)
	}
	ns := w.Engine.Settings().IDNamespace
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}

	o.Keys = Keys{Secret: "test_sk_rotated0123456789"}
	o.Start = start.AddDate(1, 0, 0) // ignored: the world exists
	w = open(t, o)
	defer w.Close()
	if w.New || !w.Clock.Now().Equal(start.Add(90*time.Minute)) || w.Engine.Settings().IDNamespace != ns ||
		!w.Engine.CheckSecretKey("test_sk_rotated0123456789") || w.Engine.CheckSecretKey("test_sk_world0123456789") {
		t.Fatalf("reopened: new %v, clock %v, settings %+v", w.New, w.Clock.Now(), w.Engine.Settings())
	}
}

// What cannot be opened says why, and leaves nothing open: the file can be opened
// again at once.
func TestOpenRefusals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	w := open(t, Options{DB: db, Seed: 7, Start: start, Customers: 6, Sender: nopSender{}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		o    Options
		code string
	}{
		{"another seed", Options{DB: db, Seed: 8, Sender: nopSender{}}, engine.EINVALID},
		{"a short secret key", Options{DB: filepath.Join(t.TempDir(), "new.db"), Keys: Keys{Secret: "short"}, Sender: nopSender{}}, engine.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Open(context.Background(), tc.o); engine.ErrorCode(err) != tc.code {
				t.Fatalf("Open = %v; want code %s", err, tc.code)
			}
		})
	}
	if _, err := Open(context.Background(), Options{DB: db}); err == nil {
		t.Fatal("Open without a Sender succeeded")
	}
	w = open(t, Options{DB: db, Seed: 7, Sender: nopSender{}}) // nothing was left holding the file
	_ = w.Close()
	// No seed given: the database's own — a world made with --seed 7 opened
	// without it was refused as not 2021's (an operator's trial).
	w = open(t, Options{DB: db, Sender: nopSender{}})
	if got := w.Bank.Config().Seed; got != 7 || len(w.Bank.Customers()) != 6 {
		t.Fatalf("opened without a seed: seed %d, %d customers; want the database's own, 7 with 6", got, len(w.Bank.Customers()))
	}
	_ = w.Close()
	_, err := Open(context.Background(), Options{DB: db, Seed: 8, Sender: nopSender{}})
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "holds the world of seed 7, not 8: open it without --seed") {
		t.Fatalf("another seed given: %q", msg)
	}
}

// A world closed during a jump — sandbank stopping, the work of the jump's timers
// cancelled — stops the jump where that work was cut off, not at its end: the
// rest of the jump's automatic syncs run once it is back, as if it had never
// stopped. (A SIGTERM during a 30-day jump answered 200 and saved the clock 30
// days on, its automatic syncs passed by.)
func TestCloseDuringAJumpStopsIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wall := time.Now()
	opts := func(name string) Options {
		return Options{DB: filepath.Join(dir, name), Seed: 2021, Start: start, Customers: 2, Sender: nopSender{}, Paused: true,
			Wall: func() time.Time { return wall }}
	}
	setUp := func(name string) *World {
		w := open(t, opts(name))
		on, day := true, 24*time.Hour
		if _, err := w.Engine.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on, AutoSync: &day}); err != nil {
			t.Fatal(err)
		}
		for i, p := range []string{simulator.ProfileTrader, simulator.ProfileSalaryEarner} {
			c, err := w.Bank.AddCustomer(simulator.NewCustomer{Institution: []string{"044", "058"}[i], Balance: 5_000_000, Profile: p})
			if err != nil {
				t.Fatal(err)
			}
			connectScale(t, w, c)
			if err := w.Clock.Advance(5 * time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		return w
	}
	history := func(w *World) (out []string) {
		accounts, err := w.Engine.Accounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range accounts {
			ss, err := w.Engine.Snapshots(ctx, a.ID, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range ss {
				out = append(out, fmt.Sprintf("%s %s %s×%d %d/%d", a.ID, s.Trigger, engine.TimeText(s.At), s.Repeats, s.NewTransactions, s.TotalTransactions))
			}
		}
		return out
	}
	jump := 30 * 24 * time.Hour

	whole := setUp("whole.db")
	end := whole.Clock.Now().Add(jump)
	if err := whole.Clock.Advance(jump); err != nil {
		t.Fatal(err)
	}
	want := history(whole)
	whole.Close()
	if len(want) < 30 {
		t.Fatalf("a 30-day jump of two accounts synced daily left %d snapshots:\n%s", len(want), strings.Join(want, "\n"))
	}

	// Cut off between two timers (Halt from a timer of its own), and in the middle
	// of a round, its syncs signing in at a slow bank: a sign-in cut off was kept as
	// the sync's failure, and the account's next sync moved a day on.
	for _, midSync := range []bool{false, true} {
		name := fmt.Sprintf("stopped-%v.db", midSync)
		w := setUp(name)
		cutAt := w.Clock.Now().Add(5*24*time.Hour + time.Hour)
		closed := make(chan error, 1)
		if !midSync {
			w.Clock.AfterFunc(cutAt, func() {
				w.Clock.Halt() // the first thing Close does, here before the jump's next timer
				go func() { closed <- w.Close() }()
			})
		} else {
			notices, stop := w.Engine.Subscribe(64)
			var armed atomic.Bool
			w.Clock.AfterFunc(cutAt, func() {
				for _, code := range []string{"044", "058"} { // the next round's sign-ins wait
					if err := w.Bank.SetLatency(code, 300*time.Millisecond); err != nil {
						t.Error(err)
					}
				}
				armed.Store(true)
			})
			go func() {
				defer stop()
				for n := range notices {
					if n.Kind == engine.NoticeSyncStarted && armed.Load() {
						closed <- w.Close()
						return
					}
				}
			}()
		}
		err := w.Clock.Advance(jump)
		e, ok := engine.AsError(err)
		if !ok || e.Reason != "SHUTTING_DOWN" || !strings.Contains(e.Message, "the clock stopped at ") {
			t.Fatalf("a jump cut off by Close: %v; want SHUTTING_DOWN", err)
		}
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		w = open(t, opts(name))
		stoppedAt := w.Clock.Now()
		if !strings.Contains(e.Message, "the clock stopped at "+engine.TimeText(stoppedAt)) || stoppedAt.Before(cutAt) || (!midSync && !stoppedAt.Equal(cutAt)) {
			t.Fatalf("reopened at %s; the jump said %q (cut at %s)", engine.TimeText(stoppedAt), e.Message, engine.TimeText(cutAt))
		}
		for _, code := range []string{"044", "058"} {
			if err := w.Bank.SetLatency(code, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Clock.Advance(end.Sub(stoppedAt)); err != nil {
			t.Fatal(err)
		}
		got := history(w)
		evs, err := w.Engine.Events(ctx, engine.EventQuery{Limit: 1000})
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("cut in the middle of a round: %v; the jump's syncs, stopped and gone on from there:\n%s\nwant, as one jump:\n%s", midSync, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, ev := range evs {
			if ev.Type == engine.EventSyncFailed {
				t.Fatalf("cut in the middle of a round: %v; a sync cut off left %s at %s", midSync, ev.Type, engine.TimeText(ev.CreatedAt))
			}
		}
	}
}

// The clock a commit saves during a jump is where that commit's syncs reach, not
// where the jump has got to: a crash at any moment restarts the clock with every
// automatic sync due before it stored. Saved where the jump had got to — weeks of
// virtual time past the syncs still queued in a large world — a restart after a
// kill -9 passed those syncs by, each account syncing once (a QA engineer's trial:
// 40 days of 200 accounts' syncs and their webhooks missing). Each read here is
// what a crash at that moment would leave: the clock and the accounts, in one
// read transaction.
func TestAJumpSavesTheClockWhereItsSyncsReach(t *testing.T) {
	w := open(t, Options{DB: filepath.Join(t.TempDir(), "w.db"), Seed: 3, Start: start, Customers: 1, Sender: nopSender{}, Paused: true})
	defer w.Close()
	ctx := context.Background()
	on, every := true, 6*time.Hour
	if _, err := w.Engine.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on, AutoSync: &every}); err != nil {
		t.Fatal(err)
	}
	const accounts = 60
	for i := range accounts {
		c, err := w.Bank.AddCustomer(simulator.NewCustomer{Institution: "044", Balance: 1_000_000,
			Profile: simulator.ProfileTrader, Username: fmt.Sprintf("reach%02d", i)})
		if err != nil {
			t.Fatal(err)
		}
		connectScale(t, w, c)
		must(t, w.Clock.Advance(every/accounts)) // each its own due time
	}
	// A customer whom the bank credits all through the jump, as a client's postings
	// would: each is dated where the jump has got to, and once answered it is stored.
	payee, err := w.Bank.AddCustomer(simulator.NewCustomer{Institution: "058", Balance: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var answered atomic.Int64 // unix nanoseconds of the latest posting answered
	from := w.Clock.Now()
	jumped := make(chan error, 1)
	go func() { jumped <- w.Clock.Advance(300 * 24 * time.Hour) }() // 72,000 syncs: commits mid-jump
	stop := make(chan struct{})
	posted := make(chan struct{})
	go func() {
		defer close(posted)
		last := from
		for {
			select {
			case <-stop:
				return
			default:
			}
			if now := w.Clock.Now(); now.Sub(last) < 24*time.Hour {
				runtime.Gosched() // one a virtual day: each commits at once, with its fsync
				continue
			} else {
				last = now
			}
			x, err := w.Bank.PostTransaction(payee.ID, simulator.Posting{Account: payee.Accounts[0].Number, Type: engine.Credit, Amount: 100})
			if err != nil {
				t.Error(err)
				return
			}
			answered.Store(x.Date.UnixNano())
		}
	}()
	defer func() { close(stop); <-posted }()
	midJump := 0
	for done := false; !done; {
		select {
		case err := <-jumped:
			must(t, err)
			done = true
		default:
		}
		before := time.Unix(0, answered.Load()).UTC() // answered before this read began: stored
		must(t, w.DB.View(ctx, func(tx engine.Tx) error {
			st, err := tx.ClockState()
			if err != nil {
				return err
			}
			if st.Now.Before(before) {
				return fmt.Errorf("the clock saved at %s, behind a posting answered at %s: a restart now would find data newer than the clock",
					engine.TimeText(st.Now), engine.TimeText(before))
			}
			as, err := tx.Accounts()
			if err != nil {
				return err
			}
			if to := from.Add(300 * 24 * time.Hour); st.Now.After(from) && st.Now.Before(to) {
				midJump++
				if want := to; !st.JumpingTo.Equal(want) {
					return fmt.Errorf("saved mid-jump, the clock says it jumps to %v; want %s, for a restart to say so", st.JumpingTo, engine.TimeText(want))
				}
			}
			for _, a := range as {
				if a.Linked() && a.NextAutoSyncAt.Before(st.Now) {
					return fmt.Errorf("the clock saved at %s, with account %s's sync due at %s not stored: a restart now would pass it by",
						engine.TimeText(st.Now), a.ID, engine.TimeText(a.NextAutoSyncAt))
				}
			}
			return nil
		}))
	}
	if midJump == 0 {
		t.Fatal("no read found a commit in the middle of the jump: the test did not test what it says")
	}
	must(t, w.DB.View(ctx, func(tx engine.Tx) error {
		if st, err := tx.ClockState(); err != nil || !st.JumpingTo.IsZero() {
			return fmt.Errorf("after the jump the clock is saved as %+v, %v: still jumping", st, err)
		}
		return nil
	}))
}

// A restart that finds the clock saved in the middle of a jump says so: a crash
// cut it short, and the rest is the user's to advance (a QA engineer's trial: the
// restart after a kill -9 looked like any other).
func TestARestartSaysAJumpWasCutShort(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	w := open(t, Options{DB: db, Seed: 3, Start: start, Customers: 1, Sender: nopSender{}, Paused: true})
	at, to := w.Clock.Now(), w.Clock.Now().Add(365*24*time.Hour)
	must(t, w.DB.Update(context.Background(), func(tx engine.Tx) error { // as a commit mid-jump leaves it
		return tx.PutClockState(engine.ClockState{Now: at, Wall: time.Now(), Speed: 1, Paused: true, JumpingTo: to})
	}))
	w.DB.KeepClock(func() engine.ClockState { // the crash: nothing saves the clock again
		return engine.ClockState{Now: at, Wall: time.Now(), Speed: 1, Paused: true, JumpingTo: to}
	})
	must(t, w.Close())
	var log strings.Builder
	w = open(t, Options{DB: db, Sender: nopSender{}, Log: slog.New(slog.NewTextHandler(&log, nil))})
	defer w.Close()
	if want := "the last run stopped in the middle of a jump to " + engine.TimeText(to); !strings.Contains(log.String(), want) || !w.Clock.Now().Equal(at) {
		t.Fatalf("restarted at %s, logging:\n%s\nwant the clock at %s and %q", engine.TimeText(w.Clock.Now()), log.String(), engine.TimeText(at), want)
	}
	// The TUI, whose user never reads the log, gets it too.
	if !w.CutJump.Equal(to) {
		t.Fatalf("CutJump = %s; want %s", w.CutJump, to)
	}
}

// A running clock's jump and speed change leave no jump saved as under way: the
// clock's own deferred save, queued as the clock ran on, read as a jump's backlog
// and said "cut short" at a restart after any crash (the review).
func TestARunningClockSavesNoJumpUnderWay(t *testing.T) {
	w := open(t, Options{DB: filepath.Join(t.TempDir(), "w.db"), Seed: 3, Start: start, Customers: 1, Sender: nopSender{}})
	defer w.Close()
	saved := func(after string) {
		t.Helper()
		must(t, w.DB.View(context.Background(), func(tx engine.Tx) error {
			if st, err := tx.ClockState(); err != nil || !st.JumpingTo.IsZero() {
				return fmt.Errorf("after %s the clock is saved as %+v, %v: a jump under way", after, st, err)
			}
			return nil
		}))
	}
	must(t, w.Clock.Advance(time.Hour))
	saved("a jump of an hour")
	must(t, w.Clock.SetSpeed(60))
	saved("a speed change")
	must(t, w.Clock.SetPaused(true))
	saved("a pause")
}

// A new world opened Unfinished — the first run's, which its demo fills before
// the port opens — and left without Finish, as a kill -9 before the demo was
// complete leaves it, is thrown away by the next Open, which says so and makes
// the world a first run makes: the same customers, Data Sync as new, and the same
// IDs for the accounts it connects. Finished, it is kept as any world is (an
// operator's trial: the restart served the half-built demo as complete).
func TestOpenRebuildsAWorldLeftUnfinished(t *testing.T) {
	ctx := context.Background()
	wall := time.Now()
	var log strings.Builder
	o := Options{DB: filepath.Join(t.TempDir(), "w.db"), Seed: 7, Start: start, Customers: 2, Sender: nopSender{}, Paused: true,
		Wall: func() time.Time { return wall }, Unfinished: true, Log: slog.New(slog.NewTextHandler(&log, nil))}
	fill := func(w *World) (customers []string, account string) { // a first run's demo, or part of it
		for _, c := range w.Bank.Customers() {
			customers = append(customers, c.ID)
		}
		connectScale(t, w, w.Bank.Customers()[0])
		on := true
		if _, err := w.Engine.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
			t.Fatal(err)
		}
		accounts, err := w.Engine.Accounts(ctx)
		if err != nil || len(accounts) != 1 {
			t.Fatalf("%d accounts (%v)", len(accounts), err)
		}
		return customers, accounts[0].ID
	}
	w := open(t, o)
	if !w.New {
		t.Fatal("a new file's world is not new")
	}
	customers, account := fill(w)
	must(t, w.Close()) // and no Finish: the first run was killed

	log.Reset()
	w = open(t, o)
	const said = "was stopped before its world was complete (a crash?); nothing else was in it: building it anew"
	accounts, err := w.Engine.Accounts(ctx)
	if !w.New || !strings.Contains(log.String(), "the first run that made "+o.DB+" "+said) || err != nil || len(accounts) != 0 ||
		w.Engine.Settings().DataSyncEnabled() {
		t.Fatalf("reopened after a first run killed before its world was complete: new %v, %d accounts (%v), settings %+v, logging:\n%s\nwant a new world, and %q",
			w.New, len(accounts), err, w.Engine.Settings(), log.String(), said)
	}
	if again, id := fill(w); !slices.Equal(again, customers) || id != account {
		t.Fatalf("the world built anew has customers %v and account %s; a first run's has %v and %s", again, id, customers, account)
	}
	must(t, w.Finish(ctx))
	must(t, w.Close())

	log.Reset()
	w = open(t, o)
	defer w.Close()
	accounts, err = w.Engine.Accounts(ctx)
	if w.New || strings.Contains(log.String(), said) || err != nil || len(accounts) != 1 || accounts[0].ID != account {
		t.Fatalf("reopened after Finish: new %v, %d accounts (%v), logging:\n%s\nwant the world as it was", w.New, len(accounts), err, log.String())
	}
}

// Opening a file of an older schema upgrades it, and says so: one way, as older
// builds refuse the file afterwards (it was silent: an operator's trial). A world
// marked v9 has nothing for migration 10 to do: the open upgrades it at once.
func TestOpenSaysItUpgradedTheFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "old.db")
	w := open(t, Options{DB: db, Seed: 3, Start: start, Customers: 1, Sender: nopSender{}, Paused: true})
	must(t, w.Close())
	b, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, 9))
	}))
	must(t, b.Close())
	var log strings.Builder
	w = open(t, Options{DB: db, Sender: nopSender{}, Paused: true, Log: slog.New(slog.NewTextHandler(&log, nil))})
	if want := "upgraded the database " + db + " from schema v9 to v10, keeping all its data"; !strings.Contains(log.String(), want) {
		t.Fatalf("the log:\n%s\nwant %q", log.String(), want)
	}
	must(t, w.Close())
	var again strings.Builder
	w = open(t, Options{DB: db, Sender: nopSender{}, Paused: true, Log: slog.New(slog.NewTextHandler(&again, nil))})
	defer w.Close()
	if strings.Contains(again.String(), "upgraded") {
		t.Fatalf("a second open says it upgraded:\n%s", again.String())
	}
}

// A jump longer than a day saves where it goes before its first timer fires: a
// kill before the jump's first commit — a large world's comes after thousands of
// syncs — restarted with nothing to say a jump was cut short (an operator's
// trial). A day's jump saves nothing of its own: it commits once, at its end.
func TestALongJumpSavesWhereItGoesFirst(t *testing.T) {
	w := open(t, Options{DB: filepath.Join(t.TempDir(), "w.db"), Seed: 3, Start: start, Customers: 1, Sender: nopSender{}, Paused: true})
	defer w.Close()
	savedAtFirstTimer := func(d time.Duration) time.Time {
		t.Helper()
		var saved time.Time
		w.Clock.AfterFunc(w.Clock.Now().Add(time.Minute), func() {
			must(t, w.DB.View(context.Background(), func(tx engine.Tx) error {
				st, err := tx.ClockState()
				saved = st.JumpingTo
				return err
			}))
		})
		must(t, w.Clock.Advance(d))
		return saved
	}
	from := w.Clock.Now()
	if got := savedAtFirstTimer(48 * time.Hour); !got.Equal(from.Add(48 * time.Hour)) {
		t.Fatalf("at a 2-day jump's first timer the saved clock jumps to %s; want %s", got, from.Add(48*time.Hour))
	}
	if got := savedAtFirstTimer(24 * time.Hour); !got.IsZero() {
		t.Fatalf("a day's jump saved where it goes (%s): a commit a day", got)
	}
	must(t, w.DB.View(context.Background(), func(tx engine.Tx) error {
		if st, err := tx.ClockState(); err != nil || !st.JumpingTo.IsZero() {
			return fmt.Errorf("after the jumps the clock is saved as %+v, %v: a jump under way", st, err)
		}
		return nil
	}))
}

// A database whose bank journal cannot be replayed, or was made by a newer
// sandbank, is refused naming the file and saying what to do: it said "bank
// journal record 0 is not valid JSON" (a review).
func TestABankThatCannotBeReplayedIsRefusedInWords(t *testing.T) {
	for _, tc := range []struct {
		name string
		put  func(first []byte) []byte
		says string
	}{
		{"damaged", func(first []byte) []byte { return first[:len(first)/2] }, "is damaged: its bank's journal cannot be replayed"},
		{"newer", func(first []byte) []byte {
			return []byte(strings.Replace(string(first), fmt.Sprintf(`"version":%d`, simulator.DataVersion), fmt.Sprintf(`"version":%d`, simulator.DataVersion+1), 1))
		}, "made by a newer sandbank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "sandbank.db")
			w := open(t, Options{DB: db, Seed: 7, Start: start, Customers: 3, Sender: nopSender{}})
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			b, err := bolt.Open(db, 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			err = b.Update(func(tx *bolt.Tx) error {
				j := tx.Bucket([]byte("bank_journal"))
				k, v := j.Cursor().First()
				return j.Put(append([]byte{}, k...), tc.put(append([]byte{}, v...)))
			})
			if cerr := b.Close(); err != nil || cerr != nil {
				t.Fatal(err, cerr)
			}
			_, err = Open(context.Background(), Options{DB: db, Sender: nopSender{}})
			if msg := engine.ErrorMessage(err); engine.ErrorCode(err) != engine.EINVALID || !strings.Contains(msg, db) || !strings.Contains(msg, tc.says) {
				t.Fatalf("Open = %v; want EINVALID naming %s and saying %q", err, db, tc.says)
			}
		})
	}
}
