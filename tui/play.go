package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
)

// Play mode (sandbank scenario play FILE): a scenario file on stage. The scenario's
// world is the one the pages show; a bar above the help line says which step comes
// next, and keys that work over anything run the next step, run to the next pause:
// step, or to the end. A pause: step's sentence is shown to the audience; the steps
// panel lists every step with ✓/✗. Between steps every page stays usable: the
// presenter can open an account, show a webhook, move the clock.

// Script is a scenario being played. main adapts the scenario runner to it, so the
// UI does not depend on the scenario package.
type Script interface {
	Title() string
	About() string // the file's about:, what the scenario shows; may be empty
	Steps() []ScriptStep
	// Next runs the next step and says how it went. It blocks while the step runs
	// (the UI calls it in a command), and it runs after a failed step too.
	Next(ctx context.Context) ScriptResult
	// HandWalk tells the script that the presenter walked the widget by hand
	// between steps, connecting the account or re-authorising it, and says
	// whether the next step takes that walk as its own instead of walking again.
	// why, when the next step is the walk's own but checks a walk of its own
	// (an expect:), says so.
	HandWalk(reauth bool, account engine.Account) (adopted bool, why string)
	// SyncAhead is the number of the first step ahead that a manual sync of the
	// account made now would have refused, 429: one that syncs it less than
	// window of virtual time from now. 0 if none.
	SyncAhead(accountID string, window time.Duration) int
}

// ScriptStep is one step as the panel lists it.
type ScriptStep struct {
	N     int
	Line  int
	Text  string // "sync: adam"
	Note  string
	Say   string // a pause:'s sentence for the audience
	Pause bool
	// Served: the step is serve: or comes after it, and waits for an app under
	// test (sandbank serve --scenario); play stops before it, as run does.
	Served bool
	// Walk, for a connect: or reauthorise: step, is whose walk of the widget it
	// is: while the bar names the step, the widget points them out.
	Walk *ScriptWalk
}

// ScriptWalk is the customer and account a connect: or reauthorise: step walks
// the widget as.
type ScriptWalk struct {
	Reauth     bool
	Account    string // the file's name of the account: adam
	CustomerID string // the bank's customer
	Username   string
	Bank       string // the bank's code
	Number     string // the account's number at the bank
}

// is reports whether a is the walk's account: its customer's, with its number.
func (w *ScriptWalk) is(a engine.Account) bool {
	return a.CustomerID == w.CustomerID && a.Number == w.Number
}

// ScriptResult is how a step went.
type ScriptResult struct {
	OK      bool
	Message string   // why it failed, with file:line:col
	Checks  []string // ✓ and ✗ lines of its expectations
}

// play is the state of a played scenario: shared by the bar and the panel.
type play struct {
	script  Script
	steps   []ScriptStep
	results []ScriptResult
	running bool
	until   string // "", "pause" or "end": keep running after this step
	// syncArmed is the account whose sync s warned would fail a step: s again
	// on it syncs; any other key disarms it.
	syncArmed string
}

// Messages of play mode.
type (
	stepDoneMsg struct{ res ScriptResult }
)

func newPlay(s Script) *play {
	if s == nil {
		return nil
	}
	return &play{script: s, steps: s.Steps()}
}

func (p *play) next() int { return len(p.results) }

// done reports whether every step play runs has run: all of them, or those
// before serve:.
func (p *play) done() bool { return p.next() >= len(p.steps) || p.steps[p.next()].Served }

// servedText says why play stopped at serve:, if it did.
func (p *play) servedText() string {
	if p.next() < len(p.steps) && p.steps[p.next()].Served && !p.running {
		return "the steps from serve: on wait for an app: sandbank serve --scenario"
	}
	return ""
}

// nextWalk is the connect: or reauthorise: step the bar names next, if it names
// one: the widget, walked by hand now, stands for it.
func (p *play) nextWalk() (ScriptStep, bool) {
	if p == nil || p.running || p.done() {
		return ScriptStep{}, false
	}
	st := p.steps[p.next()]
	return st, st.Walk != nil
}

// walkMark is what the widget writes beside the step's customer, bank or account.
func walkMark(st ScriptStep) string { return "step " + itoa(st.N) + "'s " + st.Walk.Account }

// confirmSync stands between s (sync now) and a sync that would fail a step of
// the file: a manual sync spends the account's 2-minute window (R3), and a step
// ahead that syncs it within that much virtual time is then refused 429 — a
// presenter showed the failure with s, and the file's sync: step failed
// RATE_LIMITED (a presenter's trial). The first s says so and syncs nothing; s
// again syncs anyway. It returns the warning, or nil when the sync goes ahead.
func (p *play) confirmSync(sh *shared, id string, lastManualSync time.Time) tea.Cmd {
	if p == nil || p.running || p.done() {
		return nil
	}
	if p.syncArmed == id {
		p.syncArmed = ""
		return nil
	}
	if !sh.settings.DataSyncEnabled() || lastManualSync.Add(engine.RateLimitWindow).After(sh.now()) {
		return nil // refused, or not run: the sync spends no window
	}
	n := p.script.SyncAhead(id, engine.RateLimitWindow)
	if n < 1 || n > len(p.steps) {
		return nil
	}
	window := itoa(int(engine.RateLimitWindow/time.Minute)) + " minutes"
	st, when := p.steps[n-1], "within "+window+" of virtual time"
	if n-1 == p.next() {
		when = "next"
	}
	p.syncArmed = id
	text := "Step " + itoa(st.N) + " (" + st.Text + ") syncs this account " + when + ": a sync now has it refused, 429 RATE_LIMITED " +
		"(one sync per account every " + window + "). s again syncs anyway"
	return func() tea.Msg { return toastMsg{text: text, kind: toastWarn, untilNext: true} }
}

// run starts the next step, unless one is running or none is left.
func (m *Model) runStep(until string) tea.Cmd {
	p := m.play
	if p == nil || p.running || p.done() {
		return nil
	}
	p.running, p.until = true, until
	ctx, script := m.sh.ctx, p.script
	return func() tea.Msg { return stepDoneMsg{res: script.Next(ctx)} }
}

// stepDone records a step's result, shows the world it left, and runs on when asked.
func (m *Model) stepDone(msg stepDoneMsg) tea.Cmd {
	p := m.play
	p.running = false
	if m.sh.clock != nil { // the step may have moved it: show where it is now
		m.sh.setClock(m.sh.clock.State())
	}
	st := p.steps[p.next()]
	p.results = append(p.results, msg.res)
	cmds := []tea.Cmd{m.reload(reloadAll)}
	switch {
	case !msg.res.OK:
		p.until = ""
		cmds = append(cmds, toast(toastBad, "✗ step "+itoa(st.N)+" ("+st.Text+"): "+msg.res.Message))
	case st.Pause:
		p.until = ""
		cmds = append(cmds, toast(toastOK, "» step "+itoa(st.N)+": pause"), m.push(newPauseCallout(m.sh, st), nil))
	default:
		done := toast(toastOK, "✓ step "+itoa(st.N)+" "+st.Text)
		if p.until != "" && !p.done() {
			// In order: run at once, the next step's toast overtook this one's, and the
			// last step of a run to the end showed as the one before it.
			done = tea.Sequence(done, m.runStep(p.until))
		}
		cmds = append(cmds, done)
	}
	return tea.Batch(cmds...)
}

// handWalk tells the script about a walk of the widget the presenter made by
// hand, and says what the next step makes of it: the connect: or reauthorise:
// step it stands for passes without walking again; before any other step, the
// file's later steps expect the world as the file leaves it (the README's advice
// followed a step early failed a later one, which expected the old balance).
func (m *Model) handWalk(msg widgetClosedMsg) tea.Cmd {
	p := m.play
	if p == nil || msg.account.ID == "" || p.running || p.done() {
		return nil
	}
	adopted, why := p.script.HandWalk(msg.reauth, msg.account)
	st := p.steps[p.next()]
	walk := "connect"
	if msg.reauth {
		walk = "re-authorisation"
	}
	if adopted {
		return toast(toastOK, "Step "+itoa(st.N)+" ("+st.Text+") takes this "+walk+" as its own: ctrl+n passes it without walking again")
	}
	if why != "" { // the step's own walk, which it checks: it walks again
		return toast(toastWarn, "Step "+itoa(st.N)+" ("+st.Text+") will walk the widget again, out of sight: "+why)
	}
	if w := st.Walk; w != nil && w.Reauth == msg.reauth && !w.is(msg.account) {
		// The bar named this walk, and it was someone else's: "walk by hand when the
		// bar names a connect:" was what the presenter had done (a presenter's trial).
		return toast(toastWarn, wrongWalk(st, msg.account))
	}
	return toast(toastWarn, "This "+walk+" is no step of the scenario: the next is step "+itoa(st.N)+" ("+st.Text+
		"), and later steps expect what the file says. Walk by hand when the bar names a connect: or reauthorise:")
}

// wrongWalk says that a walk by hand was of another customer or account than the
// step the bar names, which is whose, and what became of the one walked: a
// connect's account stays connected, seen by the steps after (a webhooks: step
// of any account's, a list of accounts), until it is unlinked.
func wrongWalk(st ScriptStep, a engine.Account) string {
	w := st.Walk
	walked, want, what := a.Credentials.Username, w.Username, "customer"
	switch {
	case w.Reauth: // chosen from the accounts page, where a number tells them apart
		walked, want, what = walked+"'s "+maskNumber(a.Number), want+"'s "+maskNumber(w.Number), "account"
	case a.CustomerID == w.CustomerID: // the customer's other account
		walked, want, what = maskNumber(a.Number), maskNumber(w.Number), "account"
	}
	say := "Wrong " + what + " for step " + itoa(st.N) + " (" + st.Text + "): " + walked + ", not " + want
	if w.Reauth {
		return say + " (r on that one walks it; ctrl+n, out of sight)"
	}
	return say + " (c again marks it). Its account stays connected, seen by later steps, until POST /accounts/" + a.ID + "/unlink"
}

// playKey handles the keys of play mode, which work over anything; it reports
// whether the key was one.
func (m *Model) playKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if m.play == nil {
		return nil, false
	}
	k := m.sh.keys
	if key.Matches(msg, k.PlayNext, k.PlayPause, k.PlayEnd) {
		if pc, ok := m.top().(*pauseCallout); ok { // the audience has read it: play on
			pc.closed = true
			m.prune()
		}
		if sp, ok := m.top().(*stepsPanel); ok {
			sp.focus = -1 // follow the steps as they run
		}
	}
	if p := m.play; p.running && p.until != "" && key.Matches(msg, k.PlayNext, k.PlayPause, k.PlayEnd) {
		// A run to the end or to a pause stops after the step running: only q q
		// stopped 10,000 steps of ctrl+r, and quit (a presenter's trial).
		p.until = ""
		return toast(toastInfo, "Stopping after the step running (step "+itoa(p.steps[p.next()].N)+"): "+
			k.PlayNext.Help().Key+" runs the next, "+k.PlayEnd.Help().Key+" runs on"), true
	}
	switch {
	case key.Matches(msg, k.PlayNext):
		return m.runStep(""), true
	case key.Matches(msg, k.PlayPause):
		return m.runStep("pause"), true
	case key.Matches(msg, k.PlayEnd):
		return m.runStep("end"), true
	case key.Matches(msg, k.PlaySteps):
		if sp, ok := m.top().(*stepsPanel); ok {
			sp.closed = true
			m.prune()
			return nil, true
		}
		return m.push(newStepsPanel(m.sh, m.play), nil), true
	}
	return nil, false
}

// bar is play mode's line above the help: the scenario, the next step, the keys.
func (m *Model) bar() string {
	p := m.play
	st, w := m.sh.styles, m.sh.width
	passed, failed := 0, 0
	for _, r := range p.results {
		if r.OK {
			passed++
		} else {
			failed++
		}
	}
	score := st.OK.Render("✓" + itoa(passed))
	if failed > 0 {
		score += " " + st.Bad.Render("✗"+itoa(failed))
	}
	var what string
	switch {
	case p.running:
		what = st.Accent.Render(m.sh.spinner()+" step "+itoa(p.steps[p.next()].N)+" ") + st.Value.Render(p.steps[p.next()].Text)
	case p.servedText() != "":
		what = st.Muted.Render(p.servedText())
	case p.done():
		what = st.Muted.Render("every step has run")
	default:
		s := p.steps[p.next()]
		what = st.Label.Render("next: step "+itoa(s.N)+"/"+itoa(len(p.steps))+" ") + st.Value.Render(s.Text)
	}
	k := m.sh.keys // all of them in the steps panel and the help; here what fits
	keys := st.Key.Render(k.PlayNext.Help().Key) + st.Faint.Render(" next · ") + st.Key.Render(k.PlaySteps.Help().Key) + st.Faint.Render(" steps")
	if p.done() && !p.running { // nothing next: ctrl+n did nothing
		keys = st.Key.Render(k.PlaySteps.Help().Key) + st.Faint.Render(" steps · ") + st.Key.Render(k.Quit.Help().Key) + st.Faint.Render(" quit")
	}
	left := st.Brand.Render(" ▶ scenario ") + score + "  " + what
	if p.running && p.until != "" {
		// A run to the end or a pause stops when one of its keys comes again: say so
		// while it runs (the review: only the README said it).
		keys = st.Key.Render(k.PlayEnd.Help().Key) + st.Faint.Render(" stops the run")
		return spread(left, keys+" ", w)
	}
	if !p.done() {
		all := st.Key.Render(k.PlayNext.Help().Key) + st.Faint.Render(" next · ") + st.Key.Render(k.PlayPause.Help().Key) + st.Faint.Render(" to pause · ") +
			st.Key.Render(k.PlayEnd.Help().Key) + st.Faint.Render(" to end · ") + st.Key.Render(k.PlaySteps.Help().Key) + st.Faint.Render(" steps")
		// All of them when spread keeps both whole: a space between and one after.
		// Two between were asked for, and at 120 columns "bank: adam debit
		// 5,000.00" lost ctrl+g and ctrl+r, though they fitted (a presenter's trial).
		if ansi.StringWidth(left)+ansi.StringWidth(all+" ")+1 <= w {
			keys = all
		}
	}
	return spread(left, keys+" ", w)
}

// stepsPanel lists the scenario's steps with how each went.
type stepsPanel struct {
	sh     *shared
	p      *play
	w, h   int
	closed bool
	// focus is the step the list is centred on when moved with the arrows and
	// page keys; -1 follows the next step to run.
	focus int
}

func newStepsPanel(sh *shared, p *play) *stepsPanel { return &stepsPanel{sh: sh, p: p, focus: -1} }

func (o *stepsPanel) SetSize(w, h int) { o.w, o.h = w, h }
func (o *stepsPanel) Closed() bool     { return o.closed }
func (o *stepsPanel) Busy() bool       { return o.p.running }

// ShortHelp offers the keys that run steps while one is left to run: once every
// step had run, the panel said so above a help line that still offered ctrl+n,
// ctrl+g and ctrl+r, which did nothing (a presenter's trial).
func (o *stepsPanel) ShortHelp() []key.Binding {
	k := o.sh.keys
	if o.p.done() {
		return []key.Binding{key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll")), withHelp(k.Cancel, "close")}
	}
	return []key.Binding{k.PlayNext, k.PlayPause, k.PlayEnd, withHelp(k.Cancel, "close")}
}
func (o *stepsPanel) FullHelp() [][]key.Binding { return [][]key.Binding{o.ShortHelp()} }

func (o *stepsPanel) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k, n := o.sh.keys, len(o.p.steps)
	cur := o.focus
	if cur < 0 {
		cur = min(o.p.next(), n-1)
	}
	page := max(o.h/3, 1)
	switch {
	case key.Matches(km, k.Cancel), key.Matches(km, k.Quit):
		o.closed = true
	case key.Matches(km, k.Up):
		o.focus = max(cur-1, 0)
	case key.Matches(km, k.Down):
		o.focus = min(cur+1, n-1)
	case key.Matches(km, k.PageUp):
		o.focus = max(cur-page, 0)
	case key.Matches(km, k.PageDown):
		o.focus = min(cur+page, n-1)
	}
	return nil
}

func (o *stepsPanel) View() string {
	st := o.sh.styles
	width := min(o.w-8, 96)
	inner := width - 6 // inside the frame's border and padding
	p := o.p
	k := o.sh.keys
	items := []string{
		st.Key.Render(k.PlayNext.Help().Key) + st.Muted.Render(" next step"),
		st.Key.Render(k.PlayPause.Help().Key) + st.Muted.Render(" to a pause"),
		st.Key.Render(k.PlayEnd.Help().Key) + st.Muted.Render(" to the end"),
	}
	if p.done() { // nothing is left to run: the keys that run steps would do nothing
		items = []string{st.Muted.Render("every step has run")}
		if t := p.servedText(); t != "" {
			items = []string{st.Muted.Render(t)}
		}
	}
	keys := wrapItems(append(items,
		st.Key.Render("↑/↓")+st.Muted.Render(" scroll"),
		st.Key.Render("esc")+st.Muted.Render(" close"),
	), st.Muted.Render(" · "), inner)

	blocks := make([][]string, len(p.steps)) // each step's lines
	for i, s := range p.steps {
		mark, style := st.Faint.Render("·"), st.Muted
		switch {
		case i < len(p.results) && p.results[i].OK:
			mark, style = st.OK.Render("✓"), st.Value
		case i < len(p.results):
			mark, style = st.Bad.Render("✗"), st.Bad
		case i == p.next():
			mark, style = st.Accent.Render("▸"), st.Bold
		}
		b := []string{mark + " " + st.Faint.Render(fitRight(itoa(s.N), 3)) + " " + style.Render(clip(s.Text, inner-6))}
		if s.Note != "" && i >= len(p.results) && i == p.next() {
			b = append(b, "      "+st.Muted.Render(clip(s.Note, inner-6)))
		}
		if i < len(p.results) && !p.results[i].OK {
			for _, l := range wrap(p.results[i].Message, inner-6) {
				b = append(b, "      "+st.Bad.Render(l))
			}
		}
		blocks[i] = b
	}
	// The steps around the next one that fit the screen beside the frame (2 lines),
	// the title, the blank line, the keys and a margin for the header (4 lines); a
	// marker says how many are left out above and below, as the other lists do.
	focus := min(p.next(), len(p.steps)-1)
	if o.focus >= 0 {
		focus = min(o.focus, len(p.steps)-1)
	}
	from, to := stepWindow(blocks, focus, max(o.h-8-len(keys), 3))

	b := []string{st.Title.Render("Scenario") + " " + st.Value.Render(clip(p.script.Title(), inner-9))}
	if from > 0 {
		b = append(b, st.Faint.Render("      … "+itoa(from)+" earlier"))
	}
	for _, bl := range blocks[from:to] {
		b = append(b, bl...)
	}
	if to < len(p.steps) {
		b = append(b, st.Faint.Render("      … "+itoa(len(p.steps)-to)+" more"))
	}
	b = append(b, "")
	b = append(b, keys...)
	return st.Modal.Render(strings.Join(b, "\n"))
}

// stepWindow is the steps [from, to) whose lines fit in room lines, markers of
// the steps left out above and below included: the focus step, then one after and
// one before in turn while they fit. A focus step taller than the room is cut.
func stepWindow(blocks [][]string, focus, room int) (from, to int) {
	if len(blocks) == 0 {
		return 0, 0
	}
	if len(blocks[focus]) > room-2 {
		blocks[focus] = blocks[focus][:max(room-2, 1)]
	}
	from, to = focus, focus+1
	used := len(blocks[focus])
	fits := func(f, t, lines int) bool {
		if f > 0 {
			lines++
		}
		if t < len(blocks) {
			lines++
		}
		return lines <= room
	}
	for {
		grew := false
		if to < len(blocks) && fits(from, to+1, used+len(blocks[to])) {
			used += len(blocks[to])
			to++
			grew = true
		}
		if from > 0 && fits(from-1, to, used+len(blocks[from-1])) {
			from--
			used += len(blocks[from])
			grew = true
		}
		if !grew {
			return from, to
		}
	}
}

// wrapItems joins items with sep into lines of at most w cells, breaking between items.
func wrapItems(items []string, sep string, w int) []string {
	var out []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = it
		case ansi.StringWidth(line+sep+it) <= w:
			line += sep + it
		default:
			out = append(out, line)
			line = it
		}
	}
	return append(out, line)
}

// pauseCallout shows a pause: step's sentence to the audience — or, as play
// opens (opening), the scenario's title and about:, which were shown nowhere
// but the steps panel: a poor first screen for an audience (a presenter's trial).
type pauseCallout struct {
	sh      *shared
	step    ScriptStep
	opening *play // the play whose title card this is; nil for a pause
	w, h    int
	closed  bool
}

// openPlay starts play mode on s, its title card open.
func (m *Model) openPlay(s Script) {
	m.play = newPlay(s)
	m.sh.play = m.play
	if m.play != nil && (s.Title() != "" || s.About() != "") {
		m.overlays = append(m.overlays, &pauseCallout{sh: m.sh, opening: m.play})
	}
}

func newPauseCallout(sh *shared, s ScriptStep) *pauseCallout { return &pauseCallout{sh: sh, step: s} }

func (o *pauseCallout) SetSize(w, h int) { o.w, o.h = w, h }
func (o *pauseCallout) Closed() bool     { return o.closed }
func (o *pauseCallout) ShortHelp() []key.Binding {
	return []key.Binding{withHelp(o.sh.keys.Dismiss, "close")}
}
func (o *pauseCallout) FullHelp() [][]key.Binding { return [][]key.Binding{o.ShortHelp()} }

func (o *pauseCallout) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyPressMsg); ok && key.Matches(msg, o.sh.keys.Dismiss) {
		o.closed = true
	}
	return nil
}

func (o *pauseCallout) View() string {
	st := o.sh.styles
	width := min(o.w-12, 70)
	// The card shows what fits the screen: a title of 900 KB took 30 s and 4 GB to
	// draw, and the card ran off the screen long before (a presenter's trial).
	room := max(o.h-10, 3)
	var b []string
	if p := o.opening; p != nil {
		b = append(b, st.Faint.Render("scenario · "+itoa(len(p.steps))+" step"+plural(len(p.steps))), "")
		title := wrapAtMost(p.script.Title(), width, min(3, room))
		for _, l := range title {
			b = append(b, st.Title.Render(l))
		}
		if about := strings.TrimSpace(p.script.About()); about != "" {
			b = append(b, "")
			for _, l := range wrapAtMost(strings.Join(strings.Fields(about), " "), width, room-len(title)-1) {
				b = append(b, st.Muted.Render(l))
			}
		}
	} else {
		b = append(b, st.Faint.Render("step "+itoa(o.step.N)+" · pause"), "")
		for _, l := range wrapAtMost(o.step.Say, width, room) {
			b = append(b, st.Title.Render(l))
		}
	}
	keys := st.Key.Render("enter") + st.Muted.Render(" close · ") + st.Key.Render(o.sh.keys.PlayNext.Help().Key) +
		st.Muted.Render(" next step · ") + st.Key.Render(o.sh.keys.PlayEnd.Help().Key) + st.Muted.Render(" on, to a pause or the end")
	if p := o.sh.play; p != nil && p.done() { // a pause that is the last step: nothing runs next
		keys = st.Key.Render("enter") + st.Muted.Render(" close · ") + st.Key.Render(o.sh.keys.PlaySteps.Help().Key) + st.Muted.Render(" the steps")
	}
	b = append(b, "", keys)
	return st.Modal.Render(strings.Join(b, "\n"))
}
