package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// welcome is what the demo world holds and what to try first: an overlay, shown on
// the first run and again with w (the key map's Welcome). It fits the 80×24 minimum.
type welcome struct {
	sh     *shared
	w, h   int
	demo   welcomeMsg
	closed bool
}

// welcomeMsg names the demo's accounts, read from the world itself.
// ownKeys: the welcome's last line says its keys; at 80×24 it may cover the help line.
func (o *welcome) ownKeys() bool { return true }

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
		// The demo's own come first: the earliest connected of each kind, not one
		// connected since (the welcome named a new OTP account in Kunle's place) —
		// on a paused clock at the same instant, so then the bank's customers in
		// order, whose first are the demo's.
		order := map[string]int{}
		for i, c := range bank.Customers() {
			order[c.ID] = i
		}
		slices.SortStableFunc(accounts, func(a, b engine.Account) int {
			if c := a.ConnectedAt.Compare(b.ConnectedAt); c != 0 {
				return c
			}
			return order[a.CustomerID] - order[b.CustomerID]
		})
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
func (w *welcome) Closed() bool              { return w.closed }
func (w *welcome) Capturing() bool           { return true } // every key is the welcome's: q closes it, not the program

func (w *welcome) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case welcomeMsg:
		w.demo = msg
	case tea.KeyPressMsg:
		w.closed = key.Matches(msg, w.sh.keys.Dismiss)
	}
	return nil
}

func (w *welcome) ShortHelp() []key.Binding {
	return []key.Binding{withHelp(w.sh.keys.Dismiss, "start")}
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
	asks := "an OTP"
	if d.mfaKind != "" && d.mfaKind != engine.MFAOTP {
		asks = d.mfaKind.Words()
	}

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
	add(st.Muted.Render, "A simulated Nigerian bank, Mono's Data Sync rules, the API on http://"+
		w.sh.addr+" and this console, on a virtual clock you control.", "")
	b = append(b, "", st.Bold.Render("The demo's three accounts:"))
	add(plain, before+": connected before Data Sync was enabled, so its syncs send no webhooks (R4).", "  • ")
	add(plain, mfa+": signs in with "+asks+"; once the bank session ends, a sync needs the user to re-authorise (R5).", "  • ")
	add(plain, business+": a business, with webhooks.", "  • ")
	b = append(b, "", st.Bold.Render("Try this first:"))
	add(plain, "Open "+businessName+" (enter), press s to Sync now: nothing new at the bank, so no webhook.", "  1. ")
	add(plain, "On 3 Bank console, pick "+holderOr(d.businessHolder, "its customer")+": spend money (s), then change the password (p).", "  2. ")
	add(plain, "Back on the account: t 2 (+2 minutes, past the rate limit), esc, then s: reauthorisation required (its webhook is on 2). r re-authorises with the new password; the OTP is on the phone (ctrl+p). The spend arrives as fresh data.", "  3. ")
	b = append(b, "", st.Key.Render("enter")+st.Muted.Render(" starts · ")+st.Key.Render("w")+st.Muted.Render(" shows this again · ")+
		st.Key.Render("?")+st.Muted.Render(" keys and the R-numbers · ")+st.Key.Render("t")+st.Muted.Render(" time"))
	return st.Modal.Render(strings.Join(b, "\n"))
}
