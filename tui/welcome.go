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

// ownKeys: the welcome's last line says its keys; at 80×24 it may cover the help line.
func (o *welcome) ownKeys() bool { return true }

// welcomeMsg names the demo's accounts, read from the world itself, and whether
// they get webhooks: after Data Sync was turned off and on again the card still
// said the business account got them ("its webhook is on 2") beside HOOKS ✗ (a
// presenter's trial).
type welcomeMsg struct {
	before, mfa, business string // account names; "" when the world has none of the kind
	businessHolder        string // the business account's customer at the bank
	businessID            string // its ID: enter, which starts, selects it for step 1
	mfaKind               engine.MFAKind
	dataSync              bool // Data Sync is on
	businessHooks         bool // the business account receives webhooks (R4)
	businessNews          bool // the bank has moved since its last sync: s brings new data
	mfaHooks              bool // the MFA account does
	accounts              int  // how many are connected
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
		out.dataSync, out.accounts = s.DataSyncEnabled(), len(accounts)
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
				out.mfa, out.mfaKind, out.mfaHooks = label, c.MFA, engine.ReceivesWebhooks(s, a)
				continue
			}
			if a.Institution.Type == engine.InstitutionBusiness && out.business == "" {
				out.business, out.businessHooks, out.businessID = label, engine.ReceivesWebhooks(s, a), a.ID
				if c, err := bank.Customer(a.CustomerID); err == nil {
					out.businessHolder = c.Name
				}
				if live, err := bank.LiveBalance(a.Number); err == nil {
					out.businessNews = live != a.Balance
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
		if id := w.demo.businessID; w.closed && id != "" && msg.String() == "enter" { // "enter starts": esc only closes (the review)
			// Step 1 says "Open ABDULLAHI CONCEPTS (enter)": the cursor is on it, not
			// on the first row, which enter opened instead (a presenter's trial).
			return func() tea.Msg { return selectAccountMsg{id: id} }
		}
		if w.closed {
			return func() tea.Msg { return welcomeClosedMsg{} }
		}
	}
	return nil
}

// selectAccountMsg puts the accounts page's cursor on an account.
type selectAccountMsg struct{ id string }

// welcomeClosedMsg: the welcome closed without starting (esc, q): the accounts
// page's cursor goes back where it was before the welcome put it on its account.
type welcomeClosedMsg struct{}

func (w *welcome) ShortHelp() []key.Binding {
	return []key.Binding{withHelp(w.sh.keys.Dismiss, "start")}
}
func (w *welcome) FullHelp() [][]key.Binding { return [][]key.Binding{w.ShortHelp()} }

func (w *welcome) View() string {
	st := w.sh.styles
	width := min(w.w-8, 82)
	d := w.demo
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
	// Only what the world holds: an account unlinked since is not named, where
	// the card named the demo's own whatever was there.
	var kinds []string
	either := ""
	if d.before != "" {
		either = " either"
		if d.dataSync {
			kinds = append(kinds, d.before+": connected before Data Sync was enabled, so its syncs send no webhooks (R4).")
		} else {
			kinds = append(kinds, d.before+": its syncs send no webhooks: Data Sync is off (4 Settings, R4).")
		}
	}
	if d.mfa != "" {
		// Its webhooks too, as the business's: after Data Sync off and on it
		// read as before beside HOOKS ✗ (a newcomer's trial).
		hooks := ""
		if !d.mfaHooks && d.dataSync {
			hooks = " No webhooks" + either + ": connected before Data Sync was last enabled (R4)."
		} else if !d.mfaHooks {
			hooks = " No webhooks" + either + " while Data Sync is off (R4)."
		}
		kinds = append(kinds, d.mfa+": signs in with "+asks+"; once the bank session ends, a sync needs the user to re-authorise (R5)."+hooks)
	}
	if d.business != "" {
		switch {
		case d.businessHooks:
			kinds = append(kinds, d.business+": a business, with webhooks.")
		case d.dataSync:
			kinds = append(kinds, d.business+": a business, connected before Data Sync was last enabled: no webhooks"+either+" (R4).")
		case either != "":
			kinds = append(kinds, d.business+": a business; no webhooks either.")
		default:
			kinds = append(kinds, d.business+": a business; no webhooks while Data Sync is off (R4).")
		}
	}
	switch {
	case !d.loaded:
	case len(kinds) == 0:
		b = append(b, "", st.Bold.Render("No account is connected yet:")+plain(" c on 1 Accounts connects one through the widget."))
	default:
		// Not "the demo's": an account the user connected may stand for a kind,
		// in an unlinked one's place or beside it (a newcomer's trial, a review).
		title := "Accounts to try:"
		switch {
		case d.accounts > len(kinds):
			title = "Accounts to try, of the " + itoa(d.accounts) + " connected:"
		case len(kinds) == 3:
			title = "Three accounts to try:"
		}
		b = append(b, "", st.Bold.Render(title))
		for _, k := range kinds {
			add(plain, k, "  • ")
		}
	}
	if d.business != "" {
		businessName, _, _ := strings.Cut(d.business, " (")
		event := "its webhook is on 2"
		if !d.businessHooks {
			event = "its event is on 2, not sent: R4"
		}
		b = append(b, "", st.Bold.Render("Try this first:"))
		first := "Open " + businessName + " (enter), press s to Sync now: nothing new at the bank, so no webhook."
		if d.businessNews {
			// After a jump the bank has moved on: "nothing new" was untrue beside
			// the account's own "the bank shows …, the API …" (a presenter's trial).
			news := "an account_updated webhook on 2"
			if !d.businessHooks {
				news = "account_updated on 2 (not sent: R4)"
			}
			first = "Open " + businessName + " (enter), press s to Sync now: new data at the bank, so " + news + "."
		}
		add(plain, first, "  1. ")
		add(plain, "On 3 Bank console, pick "+holderOr(d.businessHolder, "its customer")+": spend money (s), then change the password (p).", "  2. ")
		add(plain, "Back on the account: t 2 (+2 minutes, past the rate limit), esc, then s: reauthorisation required ("+event+"). r re-authorises with the new password; after a password change the bank asks for an OTP once, even with no MFA: it is on the phone (ctrl+p). The spend arrives as fresh data.", "  3. ")
	}
	b = append(b, "", st.Key.Render("enter")+st.Muted.Render(" starts · ")+st.Key.Render("w")+st.Muted.Render(" shows this again · ")+
		st.Key.Render("?")+st.Muted.Render(" keys and the R-numbers · ")+st.Key.Render("t")+st.Muted.Render(" time"))
	// At 80×24 the demo's card fills the screen; a longer one (a business without
	// webhooks says why) gives up blank lines, first to last, not its keys.
	for i := 0; len(b)+2 > w.h && i < len(b)-1; {
		if b[i] == "" {
			b = slices.Delete(b, i, i+1)
			continue
		}
		i++
	}
	return st.Modal.Render(strings.Join(b, "\n"))
}
