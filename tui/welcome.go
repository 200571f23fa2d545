package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// welcome is the first run's one screen: what the demo world holds and what to try.
type welcome struct {
	sh   *shared
	w, h int
	demo welcomeMsg
}

// welcomeMsg names the demo's accounts, read from the world itself.
type welcomeMsg struct {
	before, mfa, business string // account names
	businessHolder        string // the business account's customer at the bank
	mfaKind               engine.MFAKind
	loaded                bool
}

func newWelcome(sh *shared) *welcome { return &welcome{sh: sh} }

func ansiWidth(s string) int { return ansi.StringWidth(s) }

// load finds the demo's three kinds of account: one connected before Data Sync was
// enabled, one with MFA, one business.
func (w *welcome) load() tea.Cmd {
	eng, bank, ctx := w.sh.eng, w.sh.bank, w.sh.ctx
	if eng == nil || bank == nil {
		return nil
	}
	return func() tea.Msg {
		out := welcomeMsg{loaded: true}
		accounts, err := eng.Accounts(ctx)
		if err != nil {
			return out
		}
		s := eng.Settings()
		for i, a := range accounts {
			if i == 50 {
				break
			}
			label := a.Name + " (" + a.Institution.Name + ")"
			if !engine.ReceivesWebhooks(s, a) && out.before == "" {
				out.before = label
				continue
			}
			if c, err := bank.Customer(a.CustomerID); err == nil && c.MFA != engine.MFANone && out.mfa == "" {
				out.mfa, out.mfaKind = label, c.MFA
				continue
			}
			if a.Institution.Type == engine.InstitutionBusiness && out.business == "" {
				out.business = label
				if c, err := bank.Customer(a.CustomerID); err == nil {
					out.businessHolder = c.Name
				}
			}
		}
		return out
	}
}

// holderOr names the customer, or says def.
func holderOr(name, def string) string {
	if name == "" {
		return def
	}
	return name + " (its customer)"
}

func (w *welcome) SetSize(width, height int) { w.w, w.h = width, height }

func (w *welcome) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(welcomeMsg); ok {
		w.demo = msg
	}
	return nil
}

// dismissedBy reports whether a key closes the welcome.
func (w *welcome) dismissedBy(msg tea.KeyPressMsg) bool {
	k := w.sh.keys
	return key.Matches(msg, k.Open, k.Back, k.Quit) || msg.String() == "space"
}

func (w *welcome) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start"))}
}
func (w *welcome) FullHelp() [][]key.Binding { return [][]key.Binding{w.ShortHelp()} }

func (w *welcome) View() string {
	st := w.sh.styles
	width := min(w.w-8, 82)
	d := w.demo
	or := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	before := or(d.before, "Adam Okafor's account")
	mfa := or(d.mfa, "the trader's account")
	business := or(d.business, "the business account")
	businessName, _, _ := strings.Cut(business, " (")

	var b []string
	// add wraps text under a first-line prefix, later lines aligned after it.
	add := func(style func(...string) string, text, first string) {
		hang := strings.Repeat(" ", ansiWidth(first))
		for i, l := range wrap(text, width-len(hang)) {
			if i == 0 {
				b = append(b, first+style(l))
			} else {
				b = append(b, hang+style(l))
			}
		}
	}
	plain := st.Value.Render
	b = append(b, st.Title.Render("Welcome to sandbank"))
	add(st.Muted.Render, "A Data Sync sandbox: a simulated Nigerian bank, Mono's Data Sync rules, an HTTP API on http://"+
		w.sh.addr+" and this console — offline, on a virtual clock you control.", "")
	b = append(b, "", st.Bold.Render("The demo world has three connected accounts:"))
	add(plain, before+" was connected before Data Sync was enabled: syncs work, but no webhooks are sent for it (R4).", "  • ")
	add(plain, mfa+" signs in with "+d.mfaKind.Words()+": when the bank session ends, a sync needs the user to re-authorise (R5).", "  • ")
	add(plain, business+" is a business account that receives webhooks.", "  • ")
	b = append(b, "", st.Bold.Render("Try this first:"))
	add(plain, "Open "+businessName+" (enter) and press s to Sync now; see the webhook arrive on 2 Webhooks.", "  1. ")
	add(plain, "On 3 Bank console, pick "+holderOr(d.businessHolder, "its customer")+": spend some money (s), then change the password (p).", "  2. ")
	add(plain, "Back on the account, press t 2 (+2 minutes, past the rate limit), then s: reauthorisation required. Press r to re-authorise with the new password; the OTP is on the customer's phone (ctrl+p). The spend arrives as fresh data.", "  3. ")
	b = append(b, "", st.Key.Render("enter")+st.Muted.Render(" to start · ")+st.Key.Render("?")+st.Muted.Render(" shows the keys anywhere · ")+
		st.Key.Render("t")+st.Muted.Render(" controls time"))
	return st.Modal.Render(strings.Join(b, "\n"))
}
