package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
	"sandbank/simulator"
)

// settingsPage is the business's settings: Data Sync on or off (R4), the webhook
// URL, secret and format (v1 or v2), the auto-sync interval (R12), how long a PDF
// statement builds, and the API keys.
type settingsPage struct {
	sh      *shared
	w, h    int
	cursor  int
	editing bool
	input   textinput.Model
	confirm *confirmation // a change that cannot be undone waits for y
	reveal  bool
	busy    string
	err     string
	at      [setCount + 1]int // the lines View put each setting on, [at[i], at[i+1]), for clicks
}

// confirmation is a change waiting for y: what it will do, in words, and doing it.
type confirmation struct {
	row    int
	prompt string
	yes    string // what y does: "rotate"
	do     func() tea.Cmd
}

// Rows of the settings page.
const (
	setDataSync = iota
	setWebhookURL
	setWebhookSecret
	setWebhookFormat
	setAutoSync
	setStatementBuild
	setRotate
	setCount
)

type settingsSavedMsg struct {
	what string
	err  error
}

func newSettingsPage(sh *shared) *settingsPage {
	p := &settingsPage{sh: sh}
	p.input = newInput(sh, "› ", "")
	return p
}

func (p *settingsPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.input.SetWidth(max(w-30, 20))
}

func (p *settingsPage) Capturing() bool  { return p.editing || p.confirm != nil }
func (p *settingsPage) TakesPaste() bool { return p.editing && p.confirm == nil }
func (p *settingsPage) Busy() bool       { return p.busy != "" }
func (p *settingsPage) Holding() bool    { return p.busy != "" }
func (p *settingsPage) Show() tea.Cmd    { return nil }

func (p *settingsPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case settingsSavedMsg:
		p.busy = "" // the keys pressed meanwhile, held (Holding), come now
		if msg.err != nil {
			p.err = errText(msg.err)
			return nil
		}
		// Now, not at the reload: a press held during the save goes on from what
		// it saved — from the settings before it, ← ← quickly stopped one step
		// short (a presenter's trial).
		p.sh.settings = p.sh.eng.Settings()
		p.err, p.editing = "", false
		p.input.Blur()
		return tea.Batch(toast(toastOK, msg.what), func() tea.Msg { return reloadMsg{what: reloadSettings | reloadAccounts | reloadEvents} })
	case stylesMsg:
		p.input.SetStyles(p.sh.styles.Input)
	case tea.KeyPressMsg:
		return p.key(msg)
	case mouseMsg:
		if msg.Wheel || msg.Button != tea.MouseLeft || p.Capturing() {
			return nil
		}
		for i := range setCount {
			if msg.Y >= p.at[i] && msg.Y < p.at[i+1] {
				p.cursor = i
			}
		}
	}
	return nil
}

func (p *settingsPage) save(what string, patch engine.SettingsPatch) tea.Cmd {
	p.busy, p.err = "saving", ""
	eng, ctx := p.sh.eng, p.sh.ctx
	return func() tea.Msg {
		_, err := eng.UpdateSettings(ctx, patch)
		return settingsSavedMsg{what: what, err: err}
	}
}

// saveChoice saves a row of durations: an auto-sync interval, or how long a
// statement builds.
func (p *settingsPage) saveChoice(row int, d time.Duration) tea.Cmd {
	if row == setStatementBuild {
		return p.save("PDF statements: "+statementBuildText(d), engine.SettingsPatch{StatementBuild: &d})
	}
	return p.save("Auto-sync: "+intervalText(d), engine.SettingsPatch{AutoSync: &d})
}

func (p *settingsPage) key(msg tea.KeyPressMsg) tea.Cmd {
	k, s := p.sh.keys, p.sh.settings
	if c := p.confirm; c != nil {
		p.confirm = nil
		if !key.Matches(msg, k.Confirm) {
			return func() tea.Msg { return toastMsg{text: "Nothing changed", kind: toastInfo, untilNext: true} }
		}
		return c.do()
	}
	if p.editing {
		switch {
		case key.Matches(msg, k.Cancel):
			p.editing, p.err = false, ""
			p.input.Blur()
			return nil
		case key.Matches(msg, k.Submit):
			v := strings.TrimSpace(p.input.Value())
			if p.cursor == setWebhookURL {
				return p.save(webhookURLSaved(v), engine.SettingsPatch{WebhookURL: &v})
			}
			return p.save("Webhook secret changed: deliveries carry it in the mono-webhook-secret header", engine.SettingsPatch{WebhookSecret: &v})
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.Down):
		p.cursor = min(p.cursor+1, setCount-1)
	case key.Matches(msg, k.Top): // as on the lists: the Accounts help offers g and home (a presenter's trial)
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = setCount - 1
	case key.Matches(msg, k.Reveal):
		p.reveal = !p.reveal
	case key.Matches(msg, k.Rotate):
		p.cursor = setRotate
		p.confirmRotate()
	case (p.cursor == setAutoSync || p.cursor == setStatementBuild) && (key.Matches(msg, k.Edit) || key.Matches(msg, k.NextSection) || key.Matches(msg, k.PrevSection)):
		base, next := s.AutoSync, nextInterval
		if p.cursor == setStatementBuild {
			base, next = s.StatementBuild, nextStatementBuild
		}
		step, wrap := 1, key.Matches(msg, k.Edit)
		if key.Matches(msg, k.PrevSection) {
			step = -1
		}
		to := next(base, step, wrap)
		if to == base { // an arrow at either end: said, not silent (a newcomer's trial)
			if step > 0 {
				return toast(toastInfo, "That is the last choice: ← goes back, enter goes round to the first")
			}
			return toast(toastInfo, "That is the first choice: → goes on, enter goes round")
		}
		return p.saveChoice(p.cursor, to)
	case key.Matches(msg, k.Edit), (key.Matches(msg, k.NextSection) || key.Matches(msg, k.PrevSection)) && (p.cursor == setDataSync || p.cursor == setWebhookFormat):
		// ←/→ change a row of choices (on/off, v1/v2), as they do auto-sync's; on
		// the others — a URL, the secret, rotating the keys — they opened the
		// editor or asked to rotate, which no screen said (a newcomer's trial).
		if p.busy != "" {
			return nil
		}
		switch p.cursor {
		case setDataSync:
			p.confirmDataSync(!s.DataSyncEnabled())
		case setWebhookURL, setWebhookSecret:
			p.editing = true
			v := s.WebhookURL
			if p.cursor == setWebhookSecret {
				v = s.WebhookSecret.Reveal()
			}
			p.input.SetValue(v)
			p.input.CursorEnd()
			return p.input.Focus()
		case setWebhookFormat:
			next := engine.WebhookV2
			if s.Format() == engine.WebhookV2 {
				next = engine.WebhookV1
			}
			return p.save("Webhooks in "+formatText(next)+" from the next attempt", engine.SettingsPatch{WebhookFormat: &next})
		case setRotate:
			p.confirmRotate()
		}
	}
	return nil
}

// confirmDataSync asks before Data Sync goes on or off: either way the moment it was
// enabled changes for good, and with it which accounts receive webhooks (R4).
func (p *settingsPage) confirmDataSync(on bool) {
	c := &confirmation{row: setDataSync, yes: "turn it off", do: func() tea.Cmd {
		return p.save("Data Sync is off: manual and automatic syncs are refused and no new webhook events are made", engine.SettingsPatch{DataSyncEnabled: &on})
	}}
	c.prompt = "Turn Data Sync off? Manual and automatic syncs are refused (a connect still fetches its account's data) and no new webhook events are made while it is off (those waiting are still delivered). Turning it on again records a new moment: " +
		"every account connected before then never receives webhooks again (R4)."
	if on {
		c.yes = "turn it on"
		c.prompt = "Turn Data Sync on now? Only accounts connected from now on receive webhooks; those connected already never will (R4)."
		c.do = func() tea.Cmd {
			p.busy, p.err = "saving", ""
			eng, ctx := p.sh.eng, p.sh.ctx
			return func() tea.Msg {
				set, err := eng.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on})
				if err != nil {
					return settingsSavedMsg{err: err}
				}
				return settingsSavedMsg{what: dataSyncOnText(ctx, eng, set)}
			}
		}
	}
	p.confirm = c
}

// dataSyncOnText says Data Sync went on, and how many accounts it left without
// webhooks for good (R4), as the API's notice does: the toast said nothing of them.
func dataSyncOnText(ctx context.Context, eng *engine.Engine, set engine.Settings) string {
	const on = "Data Sync is on: accounts connected from now on receive webhooks"
	accounts, err := eng.Accounts(ctx)
	if err != nil {
		return on + " (R4)"
	}
	before := 0
	for _, a := range accounts {
		if !engine.ReceivesWebhooks(set, a) {
			before++
		}
	}
	switch before {
	case 0:
		return on + " (R4)"
	case 1:
		return "Data Sync is on; the account connected before never receives webhooks (R4)"
	}
	return "Data Sync is on; the " + commas(int64(before)) + " accounts connected before never receive webhooks (R4)"
}

// confirmRotate asks before new keys replace the old ones.
func (p *settingsPage) confirmRotate() {
	p.confirm = &confirmation{row: setRotate, yes: "rotate",
		prompt: "Rotate the keys? The old secret and public keys stop working at once.",
		do: func() tea.Cmd {
			p.busy = "rotating the keys"
			eng, ctx := p.sh.eng, p.sh.ctx
			return func() tea.Msg {
				_, err := eng.RotateKeys(ctx)
				return settingsSavedMsg{what: "New keys: the old secret key no longer works (ctrl+k shows the new one)", err: err}
			}
		}}
}

// nextInterval is the auto-sync interval step places from cur: enter cycles
// (wrap: after 24 h comes off), the arrows stop at either end — → at 24 h
// switched auto-sync off, a press from 6 h (a presenter's trial).
func nextInterval(cur time.Duration, step int, wrap bool) time.Duration {
	iv := engine.AutoSyncIntervals
	i := slices.Index(iv, cur)
	if i < 0 {
		return iv[0]
	}
	if wrap {
		return iv[((i+step)%len(iv)+len(iv))%len(iv)]
	}
	return iv[min(max(i+step, 0), len(iv)-1)]
}

// statementBuilds are the settings page's choices of statement_build: the API and
// scenario files take any duration up to engine.MaxStatementBuild.
var statementBuilds = []time.Duration{0, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}

// nextStatementBuild is the choice step places from cur, as nextInterval's; a value
// set through the API that is not a choice goes to the next choice above or below it.
func nextStatementBuild(cur time.Duration, step int, wrap bool) time.Duration {
	bs := statementBuilds
	i, found := slices.BinarySearch(bs, cur)
	switch {
	case wrap && found:
		return bs[((i+step)%len(bs)+len(bs))%len(bs)]
	case wrap:
		return bs[i%len(bs)]
	case !found && step < 0:
		return bs[max(i-1, 0)]
	case !found:
		return bs[min(i, len(bs)-1)]
	}
	return bs[min(max(i+step, 0), len(bs)-1)]
}

// statementBuildText says how long a PDF statement builds.
func statementBuildText(d time.Duration) string {
	if d == 0 {
		return "ready at once"
	}
	return "BUILDING for " + engine.DurationText(d) + " (virtual)"
}

func intervalText(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return "every " + hours(d)
}

// formatText names a webhook format in words.
func formatText(f engine.WebhookFormat) string {
	if f == engine.WebhookV2 {
		return "v2, Mono's current envelope"
	}
	return "v1, the seed's shapes"
}

// webhookURLSaved is what a saved webhook URL does, for the toast. An empty one
// clears it: "Webhook URL set: events are delivered to nowhere (events wait in the
// outbox)" called that setting one, and said both that events go and that they
// wait (a newcomer's trial).
func webhookURLSaved(url string) string {
	if url == "" {
		return "Webhook URL cleared: events wait in the outbox until a URL is set"
	}
	return "Webhook URL set: events are delivered to " + url
}

func (p *settingsPage) ShortHelp() []key.Binding {
	k := p.sh.keys
	switch {
	case p.confirm != nil:
		return []key.Binding{withHelp(k.Confirm, p.confirm.yes), key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "changes nothing"))}
	case p.editing:
		return []key.Binding{withHelp(k.Submit, "save"), withHelp(k.Cancel, "cancel")}
	}
	return []key.Binding{k.Up, k.Down, k.Edit, k.Reveal, k.Rotate}
}

func (p *settingsPage) FullHelp() [][]key.Binding {
	k := p.sh.keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.Edit, withHelp(k.NextSection, "next choice")}, {k.Reveal, k.Rotate}}
}

// View draws the page, and records on which line each setting starts (for clicks).
func (p *settingsPage) View() string {
	st, s := p.sh.styles, p.sh.settings
	secret := func(v engine.Secret) string {
		if p.reveal {
			return st.Warn.Render(v.Reveal())
		}
		return st.Value.Render(v.String()) + st.Faint.Render(" (v reveals)")
	}
	ds := st.Bad.Render("OFF")
	if s.DataSyncEnabled() {
		ds = st.OK.Render("ON") + st.Muted.Render(" since "+fmtWhen(s.DataSyncEnabledAt))
	}
	url := st.Value.Render(s.WebhookURL)
	if s.WebhookURL == "" {
		url = st.Warn.Render("not set")
	}
	type item struct{ label, value, note string }
	items := [setCount]item{
		{"Data Sync", ds, "The add-on. Enabling it records the moment: only accounts connected after it receive webhooks (R4)."},
		{"Webhook URL", url, "Where events are POSTed. sandbank's own receiver is /sandbox/receiver on the API's address."},
		{"Webhook secret", secret(s.WebhookSecret), "Sent with every delivery in the mono-webhook-secret header."},
		{"Webhook format", st.Value.Render(formatText(s.Format())) + st.Faint.Render("  (enter)"), "The shape of the bodies; both describe the same events, and R4 holds in both. v2 adds event_id, timestamp, app, business, sync_status and mono.accounts.jobs.update."},
		{"Auto-sync", st.Value.Render(intervalText(s.AutoSync)) + st.Faint.Render("  (←/→ or enter)"), "Every account synced on a schedule; failures emit mono.events.sync_failed (R12)."},
		{"PDF statements", st.Value.Render(statementBuildText(s.StatementBuild)) + st.Faint.Render("  (←/→ or enter)"), "How long a statement asked for through the API stays BUILDING (409 STATEMENT_BUILDING): to test an app's polling."},
		{"Rotate keys", st.Faint.Render("enter or R"), "New secret and public keys; the old ones stop working at once."},
	}
	b := []string{st.Title.Render(" Settings") + st.Muted.Render(" of the business")}
	for i, it := range items {
		p.at[i] = len(b)
		label := "  " + fit(it.label, 16)
		value, note, noteStyle := it.value, it.note, st.Faint
		if i == p.cursor {
			label = st.Selected.Render("▸ " + fit(it.label, 16))
			if p.editing && (i == setWebhookURL || i == setWebhookSecret) {
				value = p.input.View()
			}
			if c := p.confirm; c != nil && c.row == i { // the question takes the note's place
				value = st.Key.Render("y") + st.Warn.Render(" "+c.yes) + st.Faint.Render(" · any other key changes nothing")
				note, noteStyle = c.prompt, st.Warn
			}
		} else {
			label = st.Label.Render(label)
		}
		b = append(b, fit(label+" "+value, p.w))
		for _, l := range wrap(note, p.w-20) {
			b = append(b, strings.Repeat(" ", 19)+noteStyle.Render(l))
		}
	}
	p.at[setCount] = len(b)
	if p.err != "" {
		b = append(b, st.Bad.Render("  ✗ "+p.err))
	} else if p.busy != "" {
		b = append(b, st.Accent.Render("  "+p.sh.spinner()+" "+p.busy+"…"))
	}
	b = append(b, "", st.Title.Render(" API keys"))
	b = append(b, st.Label.Render("  "+fit("Secret key", 16))+" "+secret(s.SecretKey)+st.Faint.Render("  header mono-sec-key"))
	b = append(b, st.Label.Render("  "+fit("Public key", 16))+" "+st.Value.Render(s.PublicKey)+st.Faint.Render("  the widget's key"))
	b = append(b, st.Label.Render("  "+fit("API", 16))+" "+st.Value.Render("http://"+p.sh.addr)+st.Faint.Render("  /openapi.yaml lists every route"))
	if p.sh.publicURL != "" {
		b = append(b, st.Label.Render("  "+fit("Public URL", 16))+" "+st.Value.Render(p.sh.publicURL)+st.Faint.Render("  mono_url and the other links in answers name it"))
	}
	if t := p.sh.exposedText(); t != "" {
		b = append(b, st.Warn.Render("  ⚠ "+t))
	}
	if p.sh.dbPath != "" && p.sh.logPath != "" {
		// Where the world is, and how to start again: a newcomer found neither
		// on any screen, nor a reset in the README. Not for a scenario played on
		// stage, whose world is thrown away at the end (a review). A long path
		// keeps its end, the file's name: cut at the end, the two read the same.
		b = append(b, "", st.Title.Render(" Files"))
		b = append(b, st.Label.Render("  "+fit("Database", 16))+" "+st.Value.Render(fitLeft(p.sh.dbPath, p.w-20)))
		b = append(b, st.Label.Render("  "+fit("Log", 16))+" "+st.Value.Render(fitLeft(p.sh.logPath, p.w-20)))
		if bk := p.sh.bank; bk != nil {
			// Which generators made the world: only serve's banner said it, and an
			// upgraded world keeps its own (an upgrade trial).
			data := fmt.Sprintf("seed %d, data version %d", bk.Config().Seed, bk.DataVersion())
			if v := bk.DataVersion(); v < simulator.DataVersion {
				data += fmt.Sprintf(" (new databases get %d)", simulator.DataVersion)
			}
			b = append(b, st.Label.Render("  "+fit("Bank", 16))+" "+st.Value.Render(fit(data, p.w-20)))
		}
		for _, l := range wrap("To start over, quit and delete the database: the next run makes the demo world anew, with new keys and webhook secret (--secret-key or $SANDBANK_SECRET_KEY keeps the secret key your app sends).", p.w-20) {
			b = append(b, strings.Repeat(" ", 19)+st.Faint.Render(l))
		}
	}
	if p.h > 0 && len(b) > p.h {
		// Too tall for the terminal: scroll so that the chosen setting shows, and from
		// the last one on down to the keys after it.
		start := max(0, min(p.at[p.cursor]-1, len(b)-p.h))
		if p.cursor == setCount-1 {
			start = min(len(b)-p.h, p.at[p.cursor]) // the last setting shows what is below it, itself still on screen (reviews)
		}
		for i := range p.at {
			p.at[i] -= start // clicks land on the lines shown
		}
		below := len(b) - (start + p.h)
		b = b[start : start+p.h]
		if below > 0 {
			// What is under the fold is said: the keys and files at 100×30 were
			// found only by pressing ↓ eight times (a presenter's trial).
			more := ": ↓ goes on down to them"
			if p.cursor == setCount-1 {
				more = ": a taller terminal shows them" // ↓ goes no further than the last setting (a review)
			}
			b[len(b)-1] = st.Faint.Render(fit("  ↓ "+itoa(below+1)+" more lines below"+more, p.w))
		}
	}
	return strings.Join(b, "\n")
}
