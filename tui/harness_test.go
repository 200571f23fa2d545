package tui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/scenario"
	"sandbank/simulator"
	"sandbank/store"
	"sandbank/world"
)

var update = flag.Bool("update", false, "rewrite the golden files of tui/testdata")

// The golden world starts at a fixed instant, on a paused clock whose wall time is
// frozen: nothing moves unless a test moves it.
var (
	worldStart = time.Date(2026, time.November, 2, 9, 0, 0, 0, time.UTC)
	frozenWall = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// testWorld is a whole sandbank without the HTTP server: the demo world of the first
// run (seed 2021) on a paused clock, a real bbolt file in a temp dir, the engine with
// a fake webhook receiver.
type testWorld struct {
	t      testing.TB
	ctx    context.Context
	clock  *simulator.Clock
	bank   *simulator.Bank
	db     *store.DB
	eng    *engine.Engine
	sender *fakeSender
}

// fakeSender answers every webhook 200 after a fixed latency, or failStatus while
// it is set; while hold is set, each attempt waits until that channel closes.
type fakeSender struct {
	sent       atomic.Int64
	failStatus atomic.Int64
	hold       atomic.Pointer[chan struct{}]
}

// Render renders as sandbank's HTTP layer does: the webhook page shows it.
func (f *fakeSender) Render(ev engine.Event, format engine.WebhookFormat) []byte {
	return api.RenderWebhook(ev, format)
}

func (f *fakeSender) Send(_ context.Context, _ string, _ map[string]string, _ []byte) (engine.Delivery, error) {
	f.sent.Add(1)
	if h := f.hold.Load(); h != nil {
		<-*h
	}
	if s := f.failStatus.Load(); s != 0 {
		return engine.Delivery{StatusCode: int(s), Latency: 2500 * time.Microsecond}, nil
	}
	return engine.Delivery{StatusCode: 200, Latency: 1500 * time.Microsecond}, nil
}

func newTestWorld(t testing.TB) *testWorld {
	t.Helper()
	w := &testWorld{t: t, ctx: context.Background(), sender: &fakeSender{}}
	wd, err := world.Open(w.ctx, world.Options{DB: filepath.Join(t.TempDir(), "sandbank.db"), Seed: 2021, Start: worldStart,
		Sender: w.sender, Paused: true, Wall: func() time.Time { return frozenWall },
		Keys: world.Keys{Secret: "test_sk_goldengoldengolden", Public: "test_pk_goldengoldengolden", WebhookSecret: "whsec_golden"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := wd.Close(); err != nil {
			t.Error(err)
		}
	})
	w.clock, w.bank, w.db, w.eng = wd.Clock, wd.Bank, wd.DB, wd.Engine
	if err := scenario.Demo(w.ctx, wd, api.New(api.Config{Engine: w.eng, Bank: w.bank}), "http://127.0.0.1:7070/sandbox/receiver"); err != nil {
		t.Fatal(err)
	}
	w.settle()
	return w
}

// settle waits until the outbox has delivered every event that is due: delivery
// runs on the engine's own goroutine.
func (w *testWorld) settle() {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs, err := w.eng.Events(w.ctx, engine.EventQuery{})
		if err != nil {
			w.t.Fatal(err)
		}
		due := false
		for _, ev := range evs {
			if ev.Status == engine.DeliveryPending && !ev.NextAttemptAt.After(w.clock.Now()) {
				due = true
			}
		}
		if !due {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatal("webhook delivery did not settle")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// customer is the world's customer with an account at the bank code.
func (w *testWorld) customerAt(code string) simulator.Customer {
	for _, c := range w.bank.Customers() {
		if c.Accounts[0].Institution.Code == code {
			return c
		}
	}
	w.t.Fatalf("no customer at %s", code)
	return simulator.Customer{}
}

// account is the connected account whose holder's name contains s.
// widgetCode signs c in through the engine's widget at its bank, chooses its
// first account, and returns the code an app would exchange.
func (w *testWorld) widgetCode(t *testing.T, c simulator.Customer) string {
	t.Helper()
	code := c.Accounts[0].Institution.Code
	st, err := w.eng.OpenWidget(w.ctx, engine.WidgetRequest{Institution: code})
	if err == nil {
		st, err = w.eng.WidgetLogin(w.ctx, st.Session, c.Username, c.Password)
	}
	if err == nil && st.Status == engine.WidgetAccount {
		st, err = w.eng.WidgetChooseAccount(w.ctx, st.Session, st.Accounts[0].Number)
	}
	if err != nil {
		t.Fatal(err)
	}
	return st.Code
}

func (w *testWorld) account(s string) engine.Account {
	w.t.Helper()
	accounts, err := w.eng.Accounts(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, a := range accounts {
		if strings.Contains(a.Name, s) {
			return a
		}
	}
	w.t.Fatalf("no account of %q", s)
	return engine.Account{}
}

// harness drives the root model through Update and View, running every command it
// returns synchronously and feeding the messages back, as a program would.
type harness struct {
	t         testing.TB
	w         *testWorld
	m         *Model
	exportDir string
	opened    []string // URLs the UI asked the system's browser to open
}

type harnessOpts struct {
	firstRun      bool
	width, height int
	script        Script           // play mode
	exposed       string           // Config.Exposed
	publicURL     string           // Config.PublicURL
	publicLocal   bool             // Config.PublicLocal
	cutJump       time.Time        // Config.CutJump
	dbPath        string           // Config.DBPath
	logPath       string           // Config.LogPath
	wall          func() time.Time // real time as the UI reads it (default: frozenWall)
}

func newHarness(t testing.TB, w *testWorld, o harnessOpts) *harness {
	t.Helper()
	if o.width == 0 {
		o.width, o.height = 100, 30
	}
	if o.wall == nil {
		o.wall = func() time.Time { return frozenWall }
	}
	h := &harness{t: t, w: w, exportDir: t.TempDir()}
	sh := &shared{ctx: w.ctx, eng: w.eng, bank: w.bank, clock: w.clock, addr: "127.0.0.1:7070",
		openURL:   func(u string) error { h.opened = append(h.opened, u); return nil },
		exportDir: h.exportDir, wall: o.wall,
		noTimers: true, styles: NewStyles(true), keys: DefaultKeyMap(), exposed: o.exposed, publicURL: o.publicURL, publicLocal: o.publicLocal, cutJump: o.cutJump, dbPath: o.dbPath, logPath: o.logPath}
	sh.clockState = w.clock.State()
	h.m = newModel(sh, o.firstRun)
	h.m.openPlay(o.script)
	h.send(tea.WindowSizeMsg{Width: o.width, Height: o.height})
	h.run(h.m.Init())
	return h
}

// send delivers a message and runs what follows from it. A click lands on what
// was drawn: the screen is drawn first, as a program would have drawn it before
// the user could click.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	if _, ok := msg.(tea.MouseMsg); ok {
		_ = h.m.View()
	}
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// run executes commands, breadth first, until none is left.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			h.t.Fatal("the model keeps issuing commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if _, batch := msg.(tea.BatchMsg); !batch {
			if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
				// tea.Sequence's: its commands in order, each run to the end before the next
				for i := range v.Len() {
					h.run(v.Index(i).Interface().(tea.Cmd))
				}
				continue
			}
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := h.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// bankConsoleAt opens the bank console, filtered to the customers matching
// filter, the first of them selected.
func (h *harness) bankConsoleAt(filter string) {
	h.t.Helper()
	h.press("3", "/")
	h.typ(filter)
	h.press("enter")
}

// press sends keys by name ("enter", "ctrl+p", "s"); typ types text.
func (h *harness) press(names ...string) {
	h.t.Helper()
	for _, n := range names {
		h.send(keyPress(n))
	}
}

func (h *harness) typ(text string) {
	h.t.Helper()
	for _, r := range text {
		h.send(keyPress(string(r)))
	}
}

var namedKeys = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
	"left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight}, "pgup": {Code: tea.KeyPgUp}, "pgdown": {Code: tea.KeyPgDown},
	"home": {Code: tea.KeyHome}, "end": {Code: tea.KeyEnd}, "backspace": {Code: tea.KeyBackspace},
	"space": {Code: tea.KeySpace, Text: " "},
}

func keyPress(name string) tea.KeyPressMsg {
	if k, ok := namedKeys[name]; ok {
		return k
	}
	if c, ok := strings.CutPrefix(name, "ctrl+"); ok {
		r, _ := utf8.DecodeRuneInString(c)
		return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl}
	}
	r, _ := utf8.DecodeRuneInString(name)
	return tea.KeyPressMsg{Code: r, Text: name}
}

// screen is what the terminal shows, without colours and trailing spaces, with
// the temp dir named.
func (h *harness) screen() string {
	lines := strings.Split(ansi.Strip(h.m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.ReplaceAll(l, h.exportDir, "$EXPORT"), " ")
	}
	return strings.Join(lines, "\n")
}

// golden compares the screen with testdata/name.golden (-update rewrites it).
func (h *harness) golden(name string) {
	h.t.Helper()
	got := h.screen()
	lines := strings.Split(ansi.Strip(h.m.View().Content), "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > h.m.sh.width {
			h.t.Errorf("%s: line %d is %d cells wide, more than %d: %q", name, i+1, w, h.m.sh.width, l)
		}
	}
	if len(lines) != h.m.sh.height && h.m.sh.height >= minHeight {
		h.t.Errorf("%s: %d lines, want %d", name, len(lines), h.m.sh.height)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("%v (run go test ./tui -run %s -update to create it)", err, h.t.Name())
	}
	if got != string(want) {
		h.t.Errorf("%s: the screen differs from %s (go test ./tui -update rewrites it)\n--- got:\n%s\n--- want:\n%s", name, path, got, want)
	}
}

// contains fails unless the screen shows every text.
func (h *harness) contains(texts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, text := range texts {
		if !strings.Contains(s, text) {
			h.t.Errorf("the screen does not show %q:\n%s", text, s)
		}
	}
}

func simulatorPosting(number string, kobo int64) simulator.Posting {
	return simulator.Posting{Account: number, Type: engine.Debit, Amount: kobo, Narration: "POS PURCHASE SHOPRITE LEKKI"}
}
