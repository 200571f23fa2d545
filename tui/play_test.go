package tui

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/scenario"
)

// playWorld sets up a scenario's world and a run of it, as sandbank scenario play
// does, and a harness over it with the run as its script.
func playWorld(t *testing.T, file string) *harness {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Parse(file, src)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	o := s.WorldOptions(filepath.Join(t.TempDir(), "world.db"))
	w, h, err := api.Host(slog.New(slog.DiscardHandler))(ctx, o, scenario.ReceiverURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	run, err := scenario.Open(ctx, s, w, h, scenario.ReceiverURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.Close)
	tw := &testWorld{t: t, ctx: ctx, clock: w.Clock, bank: w.Bank, db: w.DB, eng: w.Engine}
	return newHarness(t, tw, harnessOpts{script: testScript{run}})
}

// testScript is main's adapter of a scenario run (playScript), for the tests.
type testScript struct{ run *scenario.Run }

func (p testScript) Title() string { return p.run.S.Title }
func (p testScript) About() string { return p.run.S.About }
func (p testScript) Steps() []ScriptStep {
	out := make([]ScriptStep, len(p.run.S.Steps))
	for i, s := range p.run.S.Steps {
		out[i] = ScriptStep{N: s.N, Line: s.Line(), Text: s.Text, Note: s.Note, Say: s.Say, Pause: s.Action == "pause",
			Served: p.run.S.ServeAt >= 0 && i >= p.run.S.ServeAt}
		if w, ok := p.run.WalkOf(s); ok {
			out[i].Walk = &ScriptWalk{Reauth: s.Action == "reauthorise", Account: w.Account, CustomerID: w.CustomerID,
				Username: w.Username, Bank: w.Institution, Number: w.Number}
		}
	}
	return out
}
func (p testScript) HandWalk(reauth bool, a engine.Account) (bool, string) {
	return p.run.HandWalk(reauth, a)
}
func (p testScript) SyncAhead(id string, window time.Duration) int {
	if st := p.run.SyncAhead(id, window); st != nil {
		return st.N
	}
	return 0
}
func (p testScript) Next(ctx context.Context) ScriptResult {
	res := p.run.Next(ctx)
	out := ScriptResult{OK: res.OK, Checks: res.Checks}
	if res.Err != nil {
		out.Message = res.Err.Error()
	}
	return out
}

// A scenario on stage: the bar says what comes next; ctrl+n runs one step, ctrl+g
// runs to the pause and shows its sentence, ctrl+r runs on and stops at a failure,
// ctrl+o lists the steps with ✓ and ✗; the pages show the world in between.
func TestPlayMode(t *testing.T) {
	h := playWorld(t, "testdata/play.yaml")
	h.golden("play-start") // the title card: the scenario's title and about:, for the audience
	h.press("enter")
	h.contains("next: step 1/7 connect: adam")

	h.press("ctrl+n")
	h.contains("✓ step 1 connect: adam", "next: step 2/7 advance: 30m", "ADAM OKAFOR")

	h.press("ctrl+g")
	h.golden("play-pause")
	h.press("enter") // the audience has read it
	h.contains("next: step 5/7 sync: adam")

	h.press("2") // the pages stay usable between steps: the webhook log
	h.contains("Webhook events 2")
	h.press("1", "ctrl+r")
	h.contains("✗ step 6 (sync: adam): testdata/play.yaml:15:14: status: expected \"successful\"", "next: step 7/7 advance: 2m", "✓5 ✗1")

	h.press("?")
	h.contains("ctrl+n next step", "ctrl+g to the next pause", "ctrl+r to the end via pauses", "ctrl+o the scenario's steps")
	h.press("esc", "ctrl+o")
	h.golden("play-steps")
	h.press("esc", "ctrl+r")
	h.contains("every step has run", "✓6 ✗1", "ctrl+o steps · q quit") // nothing next: no ctrl+n
	if got := h.m.sh.clock.Now(); !got.Equal(time.Date(2021, 8, 20, 12, 32, 0, 0, time.UTC)) {
		t.Fatalf("the clock after the scenario: %v", got)
	}
	h.press("ctrl+n") // nothing is left: nothing happens
	h.contains("every step has run")
	h.press("ctrl+o") // the steps' box no longer offers keys that run steps
	h.contains("every step has run · ↑/↓ scroll · esc close")
	boxOffers := false // the box's lines, not the help line under it
	for _, l := range strings.Split(h.screen(), "\n") {
		boxOffers = boxOffers || strings.Contains(l, "│") && strings.Contains(l, "ctrl+r")
	}
	if boxOffers {
		t.Fatalf("with every step run, the steps' box still offers ctrl+r:\n%s", h.screen())
	}
}

// Play runs a file with serve: as run does, up to serve:, and says the rest waits
// for an app: ctrl+r ran on into expect_call:, which failed "waits for the app
// under test" (a QA trial).
func TestPlayStopsAtServe(t *testing.T) {
	h := playWorld(t, "testdata/play-serve.yaml")
	h.press("ctrl+r")
	h.contains("✓ step 2 advance: 30m", "the steps from serve: on wait for an app", "✓2", "ctrl+o steps · q quit")
	if s := h.screen(); strings.Contains(s, "✗") {
		t.Fatalf("a step failed:\n%s", s)
	}
	h.press("ctrl+n") // nothing is run past serve:
	h.press("ctrl+o")
	h.contains("the steps from serve: on wait for an app")
}

// ctrl+r (or ctrl+g, ctrl+n) pressed during a run to the end stops it after the
// step running: only q q stopped 10,000 steps of ctrl+r, and quit (a presenter's
// trial).
func TestPlayRunStopsWhenAskedAgain(t *testing.T) {
	h := playWorld(t, "testdata/play.yaml")
	h.press("enter")
	_, first := h.m.Update(keyPress("ctrl+r")) // step 1 under way
	h.contains("ctrl+r stops the run")
	h.press("ctrl+r")
	h.contains("Stopping after the step running (step 1)")
	h.run(first)
	h.contains("✓ step 1 connect: adam", "next: step 2/7 advance: 30m", "✓1")
	h.press("ctrl+r") // and on again, to the pause
	h.contains("step 4: pause")
}

// A play key pressed over a pause's sentence closes it and plays on: the audience
// has read it.
func TestPlayKeysOverAPause(t *testing.T) {
	h := playWorld(t, "testdata/play.yaml")
	h.press("ctrl+n", "ctrl+g")
	h.contains("enter close · ctrl+n next step · ctrl+r on, to a pause or the end")
	h.press("ctrl+r")
	h.contains("✗ step 6 (sync: adam)")
	if strings.Contains(h.screen(), "enter close ·") {
		t.Fatalf("the pause's sentence stayed open after ctrl+r:\n%s", h.screen())
	}
}

// At 80x24 the steps panel keeps its right border — its keys wrap — and a long
// scenario's steps scroll with markers of those above and below: step 1 scrolled
// off unsaid, and the box was 81 cells wide.
func TestPlayStepsPanelAt80x24(t *testing.T) {
	for _, tc := range []struct {
		file         string
		keys         []string
		above, below bool
	}{
		{"testdata/play.yaml", []string{"ctrl+n", "ctrl+g", "enter", "ctrl+r"}, false, false},
		{"testdata/play-long.yaml", []string{"ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n"}, true, true},
	} {
		h := playWorld(t, tc.file)
		h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		h.press(tc.keys...)
		h.press("ctrl+o")
		lines := strings.Split(h.screen(), "\n")
		if len(lines) != 24 {
			t.Errorf("%s: %d lines", tc.file, len(lines))
		}
		top, bottom := -1, -1
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > 80 {
				t.Errorf("%s: line %d is %d cells wide: %q", tc.file, i+1, w, l)
			}
			if strings.Contains(l, "╭") {
				top = i
			}
			if strings.Contains(l, "╰") {
				bottom = i
			}
		}
		if top < 0 || bottom < 0 {
			t.Fatalf("%s: the panel's frame is not whole:\n%s", tc.file, h.screen())
		}
		right := len([]rune(lines[top])) - 1 // the frame's right edge, in cells (every rune here is one)
		for right >= 0 && []rune(lines[top])[right] != '╮' {
			right--
		}
		for i := top; i <= bottom; i++ {
			if r := []rune(lines[i]); right < 0 || right >= len(r) || !strings.ContainsRune("╮│╯", r[right]) {
				t.Fatalf("%s: line %d has no right border:\n%s", tc.file, i+1, h.screen())
			}
		}
		s := h.screen()
		if got := strings.Contains(s, " earlier"); got != tc.above {
			t.Errorf("%s: a marker of steps above: %v, want %v:\n%s", tc.file, got, tc.above, s)
		}
		if got := strings.Contains(s, " more"); got != tc.below {
			t.Errorf("%s: a marker of steps below: %v, want %v:\n%s", tc.file, got, tc.below, s)
		}
		h.contains("▸")
	}
}

// The steps panel scrolls: at 80×24 a long scenario's last steps were out of reach
// (↓ and pgdn did nothing; the list only followed the next step).
func TestPlayStepsPanelScrolls(t *testing.T) {
	h := playWorld(t, "testdata/play-long.yaml")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.press("ctrl+o")
	if s := h.screen(); strings.Contains(s, " earlier") || !strings.Contains(s, " more") {
		t.Fatalf("at the start: want steps below, none above:\n%s", s)
	}
	h.press("pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "down", "down", "down")
	if s := h.screen(); !strings.Contains(s, " earlier") || strings.Contains(s, " more") {
		t.Fatalf("paged to the end: want steps above, none below:\n%s", s)
	}
	h.contains(" 30 ") // the last step's number
	h.press("up", "pgup", "pgup", "pgup", "pgup", "pgup")
	if s := h.screen(); strings.Contains(s, " earlier") {
		t.Fatalf("paged back to the top: steps above still:\n%s", s)
	}
	h.press("ctrl+n") // playing a step follows the next step again
	h.contains("▸")
}

// At 80 columns a long step gives way to the bar's keys: "reauthorise: tola" ran
// into "ctrl+n next".
func TestPlayBarKeepsItsKeysAt80(t *testing.T) {
	file := filepath.Join(t.TempDir(), "long-steps.yaml")
	// steps of every length around the bar's room, so one fills it to the keys
	src := "scenario: Long steps\nstart: 2021-08-20T13:00:00+01:00\ncustomers:\n  adam: {institution: \"044\", name: Adam Okafor, balance: NGN 10000}\nsteps:\n  - connect: adam\n"
	for n := range 12 { // advance: 1ms … advance: 111111111111ms (3.5 years)
		src += "  - advance: " + strings.Repeat("1", n+1) + "ms\n"
	}
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	h := playWorld(t, file)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	for range 13 {
		for _, l := range strings.Split(h.screen(), "\n") {
			if strings.Contains(l, "▶ scenario") && !strings.Contains(l, " ctrl+n next · ctrl+o steps") {
				t.Fatalf("the bar lost its keys: %q", l)
			}
		}
		h.press("ctrl+n")
	}
}

// quitsAtQ presses q and says whether the UI quit.
func (h *harness) quitsAtQ() bool {
	_, cmd := h.m.Update(keyPress("q"))
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// On stage q asks again before it quits a scenario with steps still to run: its
// world is thrown away with it. Any other key in between stays.
func TestPlayQuitAsksAgain(t *testing.T) {
	h := playWorld(t, "testdata/play.yaml")
	h.press("enter") // the title card read
	quits := h.quitsAtQ
	h.press("q")
	h.contains("q again quits", "7 steps not run yet")
	h.press("down") // stays, and the prompt goes: it stayed as if q still quit
	if strings.Contains(h.screen(), "q again quits") {
		t.Fatalf("after another key the screen still says q quits:\n%s", h.screen())
	}
	if quits() {
		t.Fatal("q after another key quit at once")
	}
	if !quits() {
		t.Fatal("q twice did not quit")
	}
}

// In a window below 80×24 q quits only when nothing is lost: a scenario with
// steps left asks for q twice, and a q typed into a field is no quit (it quit at
// one q, mid-password, when a projector shrank the window: a presenter's trial).
func TestTooSmallQuitsOnlyWhenNothingIsLost(t *testing.T) {
	quits := (*harness).quitsAtQ
	h := playWorld(t, "testdata/play.yaml")
	h.press("enter")
	h.send(tea.WindowSizeMsg{Width: 70, Height: 22})
	h.contains("needs a terminal of at least 80×24", "q twice quits, and the scenario's world goes with it")
	if quits(h) {
		t.Fatal("one q in a small window quit a scenario with steps left")
	}
	h.contains("q again quits")
	// Armed there, the window grown: one q more asks again, as its screen says.
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if quits(h) {
		t.Fatal("a q armed in a small window quit once it grew")
	}
	h.send(tea.WindowSizeMsg{Width: 70, Height: 22})
	if quits(h) || !quits(h) {
		t.Fatal("q twice in a small window did not quit")
	}

	w := newTestWorld(t)
	h = newHarness(t, w, harnessOpts{})
	h.press("c") // the widget, at the list of banks: its search takes typed text
	h.send(tea.WindowSizeMsg{Width: 70, Height: 22})
	h.contains("what is being typed waits for a larger window")
	if quits(h) {
		t.Fatal("q in a small window quit while the widget took typed text")
	}
	// Nor with the help open over that field (the review).
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.press("?")
	h.send(tea.WindowSizeMsg{Width: 70, Height: 22})
	if quits(h) {
		t.Fatal("q in a small window quit with the help over the widget's field")
	}
	// Over the welcome, which takes every key but no text, q quits as the screen
	// says (the review: q did nothing there, and the screen spoke of typing).
	h = newHarness(t, newTestWorld(t), harnessOpts{firstRun: true})
	h.send(tea.WindowSizeMsg{Width: 70, Height: 22})
	h.contains("q quits")
	if !quits(h) {
		t.Fatal("q over the welcome in a small window did not quit")
	}
}

// An account whose one transaction was made as it was synced has a balance to
// chart: its last sample is the sync itself, not a few nanoseconds before it (it
// said "no transactions stored yet" beside "connect +1 tx").
func TestChartOfOneTransaction(t *testing.T) {
	h := playWorld(t, "../fixtures/password-change.yaml")
	h.press("ctrl+n")
	h.press("enter")
	h.contains("connect +1 tx", "BALANCE over 12 months")
	if strings.Contains(h.screen(), "no transactions stored yet") {
		t.Fatalf("the chart says there is nothing beside a transaction:\n%s", h.screen())
	}
	if strings.Contains(h.screen(), "-0.00") { // a month with nothing spent says 0
		t.Fatalf("a month of nothing reads -0.00:\n%s", h.screen())
	}
}

// On stage the presenter shows the widget by walking it by hand when the bar
// names the reauthorise: step next: the step takes that walk as its own, and the
// play passes to the end with one re-authorisation, not two (the step walked it
// again: two account_reauthorized on the audience's screen). Walked a step early,
// a toast says the later steps expect what the file says.
func TestPlayTakesAWalkByHand(t *testing.T) {
	for _, early := range []bool{false, true} {
		t.Run(map[bool]string{false: "when the bar names it", true: "a step early"}[early], func(t *testing.T) {
			h := playWorld(t, "../fixtures/password-change.yaml")
			// its title card
			h.contains("scenario · 15 steps", "A password change forces re-authorisation (R6, R7, R8)", "The seed's edge case.")
			h.press("ctrl+g", "enter") // to the first pause: Adam changed his password
			if early {
				h.press("ctrl+n") // the sync fails, as the file says
				h.contains("next: step 8/15 webhook")
			} else {
				h.press("ctrl+g", "enter")
				h.contains("next: step 12/15 reauthorise: adam")
			}
			h.press("enter", "r") // Adam's account, re-authorised by hand
			h.contains("ADAM OKAFOR")
			h.typ("n3w-Passw0rd")
			h.press("enter")
			h.press("ctrl+f", "enter") // the OTP the bank sends after a password change
			h.w.settle()
			h.contains("Re-authorised")
			h.press("esc")
			if early {
				h.contains("no step of the scenario: the next is step 8 (webhook:")
				return
			}
			h.contains("Step 12 (reauthorise: adam) takes this re-authorisation as its own")
			h.press("ctrl+r")
			h.contains("✓15")
			evs, err := h.w.eng.Events(context.Background(), engine.EventQuery{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ev := range evs {
				if ev.Type == engine.EventAccountReauthorized {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d account_reauthorized events, want 1:\n%s", n, h.screen())
			}
		})
	}
}

// When the bar names a connect:, the widget points out the step's customer. The
// world has an Adam Okafor of its own at Access Bank, listed first, and ctrl+f
// filled him: a connect no step took, and its toast told the presenter to walk
// by hand when the bar names a connect: — what they had just done (a presenter's
// trial). Now the bank and the customer are marked, the step's customer comes
// first and ctrl+f fills it; a walk of someone else says so, whose the step is,
// and that the account walked stays connected until unlinked. In reauth mode the
// widget says when the account is not the step's.
func TestPlayPointsOutTheStepsCustomer(t *testing.T) {
	h := playWorld(t, "../fixtures/password-change.yaml")
	h.press("enter", "c")
	h.contains("Access Bank  ← step 1's adam")
	h.typ("access")
	h.press("enter")
	h.golden("play-widget-login")
	h.press("ctrl+f", "ctrl+f", "enter", "esc") // the next one: the world's own Adam
	accounts, err := h.w.eng.Accounts(context.Background())
	if err != nil || len(accounts) != 1 {
		t.Fatalf("%d accounts connected, want 1: %v", len(accounts), err)
	}
	stray := accounts[0]
	h.contains("Wrong customer for step 1 (connect: adam): adam.okafor, not adam.okafor155 (c again marks it).",
		"seen by later steps, until POST /accounts/"+stray.ID+"/unlink")

	h.press("c")
	h.typ("access")
	h.press("enter", "ctrl+f", "enter", "esc") // the first: the step's
	h.contains("Step 1 (connect: adam) takes this connect as its own")

	h.press("ctrl+g", "enter", "ctrl+g", "enter")
	h.contains("next: step 12/15 reauthorise: adam")
	h.press("home", "r") // the account walked by mistake, connected first
	h.contains("Step 12 (reauthorise: adam) re-authorises adam.okafor155's ••••1916,", "not this account")
	h.press("esc")
	h.press("end", "r") // the step's
	h.contains("Re-authorise ADAM OKAFOR (••••1916)  ← step 12's adam")
	h.press("esc", "ctrl+r")
	h.contains("✓15") // the account walked by mistake is no step's: this file's steps all name adam
}

// A customer with two accounts at the bank: the widget's list of accounts starts
// on the step's, marked, so enter links the one the step connects.
func TestPlayPointsOutTheStepsAccount(t *testing.T) {
	file := filepath.Join(t.TempDir(), "two.yaml")
	src := `scenario: Two accounts at one bank
start: 2021-08-20T13:00:00+01:00
customers:
  bola:
    name: Bola Ade
    accounts: {bola_a: {institution: "058", balance: NGN 100}, bola_b: {institution: "058", balance: NGN 200}}
steps:
  - connect: bola_b
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	h := playWorld(t, file)
	h.press("enter", "c")
	// The list opens on the step's bank, not on the first (Access Bank): enter
	// alone goes to its login.
	h.contains("▸ GTBank  ← step 1's bola_b")
	h.press("enter")
	h.contains("Log in to GTBank")
	h.press("ctrl+f", "enter")
	h.contains("▸ Savings account   ••••7613  BOLA ADE  ← step 1's bola_b")
	h.press("enter", "esc")
	h.contains("Step 1 (connect: bola_b) takes this connect as its own")
}

// s between steps spends the account's 2-minute window, and a sync: step of it
// less than 2 minutes later is refused 429: a presenter showed the failure with
// s, and the file's sync: adam then failed RATE_LIMITED, with nothing said
// before. Now the first s says which step it would fail and syncs nothing; s
// again, and only that, syncs anyway — on the list and on the account's page. A
// sync no step is near runs at once.
func TestPlaySyncNowWarnsOfTheStepItWouldFail(t *testing.T) {
	h := playWorld(t, "../fixtures/password-change.yaml")
	ctx := context.Background()
	synced := func() time.Time {
		t.Helper()
		accounts, err := h.w.eng.Accounts(ctx)
		if err != nil || len(accounts) != 1 {
			t.Fatalf("%d accounts: %v", len(accounts), err)
		}
		return accounts[0].LastManualSyncAt
	}
	h.press("enter", "ctrl+n", "s") // step 7's sync is 32 minutes away
	h.contains("ADAM OKAFOR: synced")
	first := synced()
	if first.IsZero() {
		t.Fatalf("s 32 minutes before the file's sync did not sync:\n%s", h.screen())
	}

	h.press("ctrl+g", "enter")
	h.contains("next: step 7/15 sync: adam")
	warning := "Step 7 (sync: adam) syncs this account next: a sync now has it refused, 429 RATE_LIMITED"
	h.press("s")
	h.contains(warning, "s again syncs anyway")
	h.press("down", "s") // another key in between: it warns again
	h.contains(warning)
	h.press("enter", "s") // on the account's page too
	h.contains(warning)
	if got := synced(); !got.Equal(first) {
		t.Fatalf("s synced before it was pressed again (at %v)", got)
	}
	h.press("s")
	h.contains("13:32:00 sync failed (r re-authorises)")
	if synced().Equal(first) {
		t.Fatalf("s again did not sync:\n%s", h.screen())
	}
	h.press("ctrl+n") // as it said
	h.contains("✗ step 7 (sync: adam)", `got "RATE_LIMITED"`)
}

// The bar shows all its keys whenever they fit beside the step, a space
// between: at 120 columns "next: step 3/7 bank: adam debit 5,000.00" had only
// ctrl+n next · ctrl+o steps, with ctrl+g and ctrl+r fitting (a presenter's
// trial). Where they do not fit, the step stays whole and the keys shrink.
func TestPlayBarShowsAllItsKeysWhenTheyFit(t *testing.T) {
	h := playWorld(t, "testdata/play.yaml")
	h.press("enter", "ctrl+n", "ctrl+n")
	const step, all = "next: step 3/7 bank: adam debit 5,000.00", "ctrl+n next · ctrl+g to pause · ctrl+r to end · ctrl+o steps"
	for w := 100; w <= 130; w++ {
		h.send(tea.WindowSizeMsg{Width: w, Height: 30})
		bar := ""
		for _, l := range strings.Split(h.screen(), "\n") {
			if strings.Contains(l, "▶ scenario") {
				bar = l
			}
		}
		if !strings.Contains(bar, step+" ") {
			t.Errorf("at %d columns the bar cut its step: %q", w, bar)
		}
		room := w - ansi.StringWidth("  ▶ scenario  ✓2  "+step) - 1 // a space between
		if fits := ansi.StringWidth(all+" ") <= room; fits != strings.Contains(bar, all) {
			t.Errorf("at %d columns, room %d: the bar %q; want all its keys: %v", w, room, bar, fits)
		}
	}
}
