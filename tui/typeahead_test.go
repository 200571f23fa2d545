package tui

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// Keys, pastes and clicks typed ahead of what they act on, as a fast typist's or a
// paste's come: each goes where it was typed, in order, or nowhere (a review of
// the type-ahead).

// e e on the statement writes the PDF twice: the second, asked for while the
// first was written, was started and its command thrown away with the toast the
// statement's own line replaces, and the page stayed "rendering" for good.
func TestStatementExportTwiceOfOnePeriod(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 40})
	h.press("enter", "right", "right")
	_, cmd := h.m.Update(keyPress("e"))
	h.press("e") // the same period, while the first renders
	h.run(cmd)
	if st := &h.m.detail.stmt; st.export.loading || len(st.queued) != 0 {
		t.Fatalf("after e e: rendering %v, queued %v:\n%s", st.export.loading, st.queued, h.screen())
	}
	h.contains("✓ Saved statement-4259134808-3m-")
	if files, _ := filepath.Glob(filepath.Join(h.exportDir, "*.pdf")); len(files) != 1 { // the same name, written twice
		t.Fatalf("PDFs %v", files)
	}
}

// The statement holds G until its rows are counted, whichever of its two loads —
// the totals, the rows — comes last.
func TestStatementHoldsUntilItsRowsAreCounted(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 80, height: 24})
	h.press("enter", "right", "right")
	h.contains("row 1 of 350")
	_, recount := h.m.Update(keyPress("m"))
	h.press("G")
	batch, ok := recount().(tea.BatchMsg)
	if !ok {
		t.Fatal("m's loads are not a batch: this test's order means nothing")
	}
	for i := len(batch) - 1; i >= 0; i-- { // the totals first, then the rows
		h.run(batch[i])
	}
	if m := regexp.MustCompile(`row ([0-9,]+) of ([0-9,]+)`).FindStringSubmatch(h.screen()); m == nil || m[1] != m[2] {
		t.Fatalf("after m G, the totals first: %v", m)
	}
}

// A click waits with the keys held before it: a tab clicked while the bank
// console posted switched the page at once, and the s held for the console ran
// on the accounts page — a sync.
func TestAClickWaitsWithTheKeysBeforeIt(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.bankConsoleAt("providus")
	h.press("s")
	h.typ("1000")
	_, post := h.m.Update(keyPress("enter")) // the spend, not yet back
	h.press("esc", "s", "esc")               // held: another spend opened, and closed
	_ = h.m.View()
	h.send(tea.MouseClickMsg{X: h.m.tabX[pageAccounts][0], Y: h.m.tabsY, Button: tea.MouseLeft})
	h.run(post)
	if h.m.current() != h.m.pages[pageAccounts] {
		t.Fatalf("the click on the accounts tab, taken after the keys, did not switch:\n%s", h.screen())
	}
	as, err := w.eng.Accounts(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if !a.LastManualSyncAt.IsZero() {
			t.Fatalf("the s held for the bank console synced %s on the accounts page", a.Name)
		}
	}
}

// A paste over a y/N prompt answers nothing: "x y" over "Rotate the keys?" said
// no with its x, opened the prompt again with its space and said yes with its y.
func TestAPasteOverAPromptDoesNothing(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("4", "R")
	h.contains("Rotate the keys?")
	before := w.eng.Settings().SecretKey
	h.send(tea.PasteMsg{Content: "x y"})
	if w.eng.Settings().SecretKey != before {
		t.Fatalf("a paste of %q rotated the keys:\n%s", "x y", h.screen())
	}
	h.contains("Rotate the keys?") // still asked
}

// A paste as the widget opens waits for it, as typed keys do.
func TestAPasteAsTheWidgetOpens(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 40})
	_, open := h.m.Update(keyPress("c"))
	_, p := h.m.Update(tea.PasteMsg{Content: "stanbic"})
	h.run(open)
	h.run(p)
	h.contains("search: stanbic")
}

// Keys held while the settings saved are dropped (a toast says so, if no later
// one takes its place) when something else
// came up meanwhile unasked — a scenario's pause — rather than taken by it: the
// enter typed to open the URL's editor closed the pause instead.
func TestKeysHeldForAPageGoneAreDropped(t *testing.T) {
	h := playWorld(t, "testdata/play.yaml")
	h.press("enter", "ctrl+n", "ctrl+n", "ctrl+n")
	h.contains("next: step 4/7 pause")
	_, step := h.m.Update(keyPress("ctrl+n")) // the pause step, running
	h.press("4", "down", "down", "down")
	_, save := h.m.Update(keyPress("enter")) // the format's save, not yet back
	h.press("k", "k", "enter")               // held: up to the URL, to open its editor
	h.run(step)                              // the pause comes up
	h.run(save)
	if p := h.m.pages[pageSettings].(*settingsPage); p.editing || strings.Contains(h.screen(), "webhook URL editor") {
		t.Fatalf("the held keys reached the settings behind the pause:\n%s", h.screen())
	}
	if h.m.top() == nil {
		t.Fatalf("the pause was closed by a held enter:\n%s", h.screen())
	}
}

// Keys typed just after choosing a bank, before its login is shown, fill the login
// and send it: the first letters of the username were dropped, the login sent
// with the rest, and a second enter — typed for the next step — sent it again:
// two of the bank's three attempts (a fast typist's trial).
func TestALoginTypedAsTheBankIsChosen(t *testing.T) {
	w := newTestWorld(t)
	c := w.customerAt("070") // Fidelity Bank
	h := newHarness(t, w, harnessOpts{width: 120, height: 40})
	h.press("c")
	h.typ("fidelity")
	_, choose := h.m.Update(keyPress("enter")) // the login, not yet shown
	h.typ(c.Username)
	h.press("tab")
	h.typ(c.Password)
	h.press("enter", "enter")
	h.run(choose)
	if s := h.screen(); strings.Contains(s, "wrong username or password") || strings.Contains(s, "Log in to Fidelity") {
		t.Fatalf("the login typed ahead was not sent whole, once:\n%s", s)
	}
}

// Keys held for a bank action wait, after it, for the customers read again: m
// enter m enter set one MFA kind, the second form opened with the customer as he
// was before the first (a fast typist's trial).
func TestBankActionsTypedInABurstGoOnFromEachOther(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.bankConsoleAt("adam")
	h.press("m")
	h.contains("Now: none")
	_, act := h.m.Update(keyPress("enter")) // to the OTP, not yet back
	h.press("m", "enter")                   // on, to the next
	h.run(act)
	adam, err := w.bank.Customer(w.customerAt("044").ID)
	if err != nil {
		t.Fatal(err)
	}
	if adam.MFA == engine.MFANone || adam.MFA == engine.MFAOTP {
		t.Fatalf("m enter m enter from none: MFA %s; want the kind after the OTP", adam.MFA)
	}
}

// Keys typed as a page first loads wait for its rows: 3 j j s went to an empty
// list, then on to other pages (a fast typist's trial).
func TestKeysTypedAsAPageFirstLoadsWait(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	_, load := h.m.Update(keyPress("3")) // the bank console's customers, on their way
	h.press("j", "j", "s")
	h.run(load)
	h.contains("Spend money from")
}

// Keys are held for a busy page no longer than maxHold: a settings change during
// a jump on a slow bank held every key — a page switch, the clock — for 20 s.
// Those held that long are dropped, said so — taken into the page still busy,
// an enter meant to open the URL's editor was dropped and the URL's letters ran
// as commands (a review) — and until the page is done, keys are taken at once.
func TestKeysAreNotHeldForLong(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	now := frozenWall
	h.m.sh.wall = func() time.Time { return now }
	h.press("4", "down", "down", "down")
	_, save := h.m.Update(keyPress("enter")) // the format's save, slow
	h.press("up", "up", "enter")
	h.typ("t2")
	now = now.Add(maxHold)
	h.send(tickMsg{})
	if h.m.current() != h.m.pages[pageCount-1] || h.m.top() != nil {
		t.Fatalf("keys held past maxHold ran as commands:\n%s", h.screen())
	}
	h.contains("Keys typed while the page was busy were dropped")
	h.press("1") // the page still busy: taken at once
	if h.m.current() != h.m.pages[pageAccounts] {
		t.Fatalf("1, pressed after the hold ran out, waited:\n%s", h.screen())
	}
	h.run(save)
}

// The bank console's hold after an action ends with the first load asked for
// after it, whatever reloads come meanwhile: an auto-sync's reload every 150 ms
// on a running clock kept it holding every key (a review).
func TestBankRefreshEndsWhateverReloadsCome(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("3")
	p := h.m.pages[pageBank].(*bankPage)
	_, cmd := h.m.Update(bankDoneMsg{what: "done"})
	for range 20 {
		h.m.Update(reloadMsg{what: reloadAccounts}) // a notice's reload, during the load
		cmd = runOneLevel(h, cmd)                   // the load's answer after it
	}
	if p.refreshing || p.Holding() {
		t.Fatalf("after 20 loads: refreshing %v, holding %v", p.refreshing, p.Holding())
	}
}

// runOneLevel runs cmd's commands (batches flattened), gives each message to the
// model, and returns the commands those issued, batched.
func runOneLevel(h *harness, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	var out []tea.Cmd
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			out = append(out, runOneLevel(h, c))
		}
	default:
		_, next := h.m.Update(msg)
		out = append(out, next)
	}
	return tea.Batch(out...)
}

// Keys typed ahead at the bank's question are dropped when the answer sends the
// widget elsewhere: the challenge expired, back at the login, a code retyped
// went in as the password and its enter spent an attempt (a review).
func TestKeysTypedAtARefusedStepAreDropped(t *testing.T) {
	w, h := reauthAtTheOTP(t, harnessOpts{width: 120, height: 40})
	if err := w.clock.Advance(6 * time.Minute); err != nil { // past the challenge's 5 minutes
		t.Fatal(err)
	}
	wm := h.m.top().(*widgetModal)
	h.typ("123456")
	_, answer := h.m.Update(keyPress("enter")) // refused: expired, back to the login
	h.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	h.typ("654321")
	h.press("enter")
	h.run(answer)
	if wm.inputs[1].Value() != "" || wm.state.AttemptsLeft < 3 {
		t.Fatalf("the code typed at the challenge went into the login (password %q, attempts left %d):\n%s", wm.inputs[1].Value(), wm.state.AttemptsLeft, h.screen())
	}
}
