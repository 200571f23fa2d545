package scenario_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/scenario"
	"sandbank/simulator"
	"sandbank/world"
)

// A connect: step the presenter has just walked by hand (the TUI's c, on stage)
// takes that account as its own: the later steps use its ID, and no second
// account is connected. A walk made before another step is forgotten there: the
// connect: step after it walks the widget itself.
func TestHandWalkConnect(t *testing.T) {
	ctx := context.Background()
	var tr bytes.Buffer
	run, w := adamAndBola(t, `
  - connect: adam
  - sync: adam
  - connect: bola
`, &tr)

	adam := connectByHand(t, w, "044")
	if ok, _ := run.HandWalk(false, adam); !ok {
		t.Fatal("step 1 (connect: adam) does not take the walk")
	}
	if res := run.Next(ctx); !res.OK || !strings.Contains(strings.Join(res.Checks, "\n"), "walked by hand") {
		t.Fatalf("step 1: %+v %v", res, res.Err)
	}
	if !strings.Contains(tr.String(), "account adam is "+adam.ID) {
		t.Fatalf("the transcript does not give adam the account walked by hand:\n%s", tr.String())
	}

	bola := connectByHand(t, w, "058") // before step 2, which is no connect:
	if ok, _ := run.HandWalk(false, bola); ok {
		t.Fatal("step 2 (sync: adam) takes a connect of bola")
	}
	if res := run.Next(ctx); !res.OK {
		t.Fatalf("step 2, the sync of the account walked by hand: %v", res.Err)
	}
	if res := run.Next(ctx); !res.OK || strings.Contains(strings.Join(res.Checks, "\n"), "walked by hand") {
		t.Fatalf("step 3 took a walk made before step 2: %+v %v", res, res.Err)
	}
	accounts, err := w.Engine.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	adams := 0
	for _, a := range accounts {
		if a.Institution.Code == "044" {
			adams++
		}
	}
	// bola's twice: by hand, then by step 3, which walked again.
	if adams != 1 || len(accounts) != 3 {
		t.Fatalf("%d accounts connected, %d of them adam's; want 3, adam's once", len(accounts), adams)
	}
}

// After a failed step play goes on, and a walk by hand counts for the next step
// as before: HandWalk said no (the toast said "no step of the scenario") while
// the step then took it (the review). A step that checks its own walk (expect:)
// does not take one, and says why.
func TestHandWalkAfterAFailureAndWithExpect(t *testing.T) {
	ctx := context.Background()
	run, w := adamAndBola(t, `
  - call: GET /sandbox/webhooks
    expect: {http: 500}
  - connect: adam
  - connect: bola
    expect: {http: 200}
`, nil)
	if res := run.Next(ctx); res.OK {
		t.Fatal("step 1 passed")
	}
	adam := connectByHand(t, w, "044")
	if ok, why := run.HandWalk(false, adam); !ok || why != "" {
		t.Fatalf("after a failed step, step 2 (connect: adam) does not take the walk: %v %q", ok, why)
	}
	if res := run.Next(ctx); !res.OK || !strings.Contains(strings.Join(res.Checks, "\n"), "walked by hand") {
		t.Fatalf("step 2: %+v %v", res, res.Err)
	}
	bola := connectByHand(t, w, "058")
	if ok, why := run.HandWalk(false, bola); ok || !strings.Contains(why, "expect:") {
		t.Fatalf("step 3 (connect: bola, with expect:) took the walk, or did not say why: %v %q", ok, why)
	}
}

// connectByHand walks the widget for the first customer at the bank code, as the
// TUI's widget does, and exchanges its code.
func connectByHand(t *testing.T, w *world.World, code string) engine.Account {
	t.Helper()
	ctx := context.Background()
	var c simulator.Customer
	for _, x := range w.Bank.Customers() {
		if x.Accounts[0].Institution.Code == code {
			c = x
		}
	}
	st, err := w.Engine.OpenWidget(ctx, engine.WidgetRequest{Institution: code})
	if err == nil {
		st, err = w.Engine.WidgetLogin(ctx, st.Session, c.Username, c.Password)
	}
	if err != nil || st.Code == "" {
		t.Fatalf("walking the widget for %s: %+v %v", code, st, err)
	}
	a, err := w.Engine.ExchangeCode(ctx, st.Code)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// adamAndBola opens a run of steps over two customers, adam at Access Bank and
// bola at GTBank, its transcript to out (nil: none).
func adamAndBola(t *testing.T, steps string, out io.Writer) (*scenario.Run, *world.World) {
	t.Helper()
	s, err := scenario.Parse("s.yaml", []byte(`scenario: t
start: 2021-08-20T13:00:00+01:00
customers:
  adam: {institution: "044", balance: NGN 10000}
  bola: {institution: "058", balance: NGN 2000}
steps:`+steps))
	if err != nil {
		t.Fatal(err)
	}
	w, h := hostWorld(t, s)
	run, err := scenario.Open(context.Background(), s, w, h, scenario.ReceiverURL, out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.Close)
	return run, w
}

// SyncAhead is the step a sync made now would have refused 429: the first that
// syncs the account — sync:, or call: POST /accounts/{…}/sync — less than the
// window of virtual time ahead, the clock moving from where it is as the file
// moves it: advance: by its duration, at: to its instant, which a clock moved by
// hand brings nearer. An account connected by hand is the one of the connect:
// that takes the walk (on stage, s before a sync: step spent its window, and the
// step failed RATE_LIMITED: a presenter's trial).
func TestSyncAhead(t *testing.T) {
	ctx := context.Background()
	run, w := adamAndBola(t, `
  - connect: adam
  - sync: adam
  - advance: 3m
  - call: POST /accounts/{adam}/sync?from=play
  - advance: 5m
  - advance: 1m
  - sync: adam
  - at: +1h
  - sync: adam
`, nil)
	ahead := func(id string) int {
		if st := run.SyncAhead(id, engine.RateLimitWindow); st != nil {
			return st.N
		}
		return 0
	}
	next := func(n int) {
		t.Helper()
		for range n {
			if res := run.Next(ctx); !res.OK {
				t.Fatalf("step %d: %v", res.Step.N, res.Err)
			}
		}
	}
	adam, bola := connectByHand(t, w, "044"), connectByHand(t, w, "058")
	run.HandWalk(false, adam) // step 1 takes it: step 2 syncs it
	for _, tc := range []struct {
		what   string
		id     string
		want   int
		steps  int           // run first
		byHand time.Duration // the clock moved by hand first
	}{
		{"adam, walked by hand for step 1", adam.ID, 2, 0, 0},
		{"bola, whom no step syncs", bola.ID, 0, 0, 0},
		{"the call: after advance: 3m", adam.ID, 0, 2, 0},
		{"the call: next", adam.ID, 4, 1, 0},
		{"the sync: after 6m", adam.ID, 0, 1, 0},
		{"the sync: after 1m", adam.ID, 7, 1, 0},
		{"the sync: at +1h, 51m ahead", adam.ID, 0, 2, 0},
		{"the sync: at +1h, a minute ahead once the clock is moved by hand", adam.ID, 9, 0, 50 * time.Minute},
	} {
		next(tc.steps)
		if tc.byHand > 0 {
			if err := w.Clock.Advance(tc.byHand); err != nil {
				t.Fatal(err)
			}
		}
		if got := ahead(tc.id); got != tc.want {
			t.Errorf("%s: step %d, want %d", tc.what, got, tc.want)
		}
	}
	next(2) // the file passes as written
}
