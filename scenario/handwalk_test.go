package scenario_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

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
