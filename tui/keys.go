package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the UI, with its help text. Pages pick the ones
// they answer to; the help bar shows those of whatever has the focus.
type KeyMap struct {
	// Everywhere.
	Quit, Help, NextPage, PrevPage, Page1, Page2, Page3, Page4, Time, TimeAnywhere, RevealKey, Welcome, Back key.Binding

	// Quitting while typing; the keys that close the welcome; a question's yes.
	Interrupt, Dismiss, Confirm key.Binding

	// Lists and tables.
	Up, Down, PageUp, PageDown, Top, Bottom, Open key.Binding

	// Accounts and account detail.
	Filter, Sort, Reverse, Connect, Sync, Reauth, PrevSection, NextSection, EditFilters, ClearFilters, Months, Export, Unlink key.Binding

	// Webhooks.
	Replay, Payload, OlderAttempts, NewerAttempts key.Binding

	// Bank console.
	Spend, Receive, Password, MFA, Outage, EndOutage, NextAccount key.Binding

	// Settings.
	Edit, Reveal, Rotate key.Binding

	// The time panel.
	Pause, Faster, Slower, Adv2m, Adv10m, Adv1h, Adv1d, Adv30d key.Binding

	// Forms and the widget.
	Submit, NextField, PrevField, Phone, Fill, Cancel, Link, Browser key.Binding

	// The transaction filters' type field.
	TxType, TxDebit, TxCredit, TxAll key.Binding

	// Play mode (sandbank scenario play): they work over anything.
	PlayNext, PlayPause, PlayEnd, PlaySteps key.Binding
}

// DefaultKeyMap is the key map of the UI.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		Quit:         b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:         b([]string{"?"}, "?", "help"),
		NextPage:     b([]string{"tab"}, "tab", "next page"),
		PrevPage:     b([]string{"shift+tab"}, "shift+tab", "previous page"),
		Page1:        b([]string{"1"}, "1", "accounts"),
		Page2:        b([]string{"2"}, "2", "webhooks"),
		Page3:        b([]string{"3"}, "3", "bank console"),
		Page4:        b([]string{"4"}, "4", "settings"),
		Time:         b([]string{"t"}, "t", "time"),
		TimeAnywhere: b([]string{"ctrl+t"}, "ctrl+t", "time, in forms too"),
		RevealKey:    b([]string{"ctrl+k"}, "ctrl+k", "secret key"),
		Welcome:      b([]string{"w"}, "w", "first steps"),
		Back:         b([]string{"esc"}, "esc", "back"),

		Interrupt: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Dismiss:   b([]string{"enter", "esc", "space", "q"}, "enter", "close"),
		Confirm:   b([]string{"y"}, "y", "yes"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g/home", "first"),
		Bottom:   b([]string{"end", "G"}, "G/end", "last"),
		Open:     b([]string{"enter"}, "enter", "open"),

		Filter:       b([]string{"/"}, "/", "filter"),
		Sort:         b([]string{"o"}, "o", "sort by"),
		Reverse:      b([]string{"O"}, "O", "reverse order"),
		Connect:      b([]string{"c"}, "c", "connect an account"),
		Sync:         b([]string{"s"}, "s", "sync now"),
		Reauth:       b([]string{"r"}, "r", "reauthorise"),
		PrevSection:  b([]string{"left", "h"}, "←/h", "previous section"),
		NextSection:  b([]string{"right", "l"}, "→/l", "next section"),
		EditFilters:  b([]string{"f", "/"}, "f", "filter"),
		ClearFilters: b([]string{"x"}, "x", "clear filters"),
		Months:       b([]string{"m"}, "m", "period"),
		Export:       b([]string{"e"}, "e", "export PDF"),
		Unlink:       b([]string{"u"}, "u", "unlink (asks first)"),

		Replay:        b([]string{"r"}, "r", "replay"),
		Payload:       b([]string{"enter"}, "enter", "scroll payload"),
		OlderAttempts: b([]string{"["}, "[", "older attempts"),
		NewerAttempts: b([]string{"]"}, "]", "newer attempts"),

		Spend:     b([]string{"s"}, "s", "spend money"),
		Receive:   b([]string{"r"}, "r", "receive money"),
		Password:  b([]string{"p"}, "p", "change password"),
		MFA:       b([]string{"m"}, "m", "change MFA"),
		Outage:    b([]string{"o"}, "o", "start outage"),
		EndOutage: b([]string{"O"}, "O", "end outage"),
		// A customer with accounts at several banks, or two at one: which one s,
		// r, o and O act on.
		NextAccount: b([]string{"a"}, "a", "next account"),

		Edit:   b([]string{"enter", "space"}, "enter", "change"),
		Reveal: b([]string{"v"}, "v", "reveal secrets"),
		Rotate: b([]string{"R"}, "R", "rotate keys"),

		Pause:  b([]string{"p", "space"}, "p", "pause/resume"),
		Faster: b([]string{"+", "="}, "+", "faster"),
		Slower: b([]string{"-", "_"}, "-", "slower"),
		Adv2m:  b([]string{"2"}, "2", "+2m"),
		Adv10m: b([]string{"0"}, "0", "+10m"),
		Adv1h:  b([]string{"h"}, "h", "+1h"),
		Adv1d:  b([]string{"d"}, "d", "+1d"),
		Adv30d: b([]string{"m"}, "m", "+30d"),

		Submit:    b([]string{"enter"}, "enter", "submit"),
		NextField: b([]string{"tab", "down"}, "tab", "next field"),
		PrevField: b([]string{"shift+tab", "up"}, "shift+tab", "previous field"),
		Phone:     b([]string{"ctrl+p"}, "ctrl+p", "customer's phone"),
		Fill:      b([]string{"ctrl+f"}, "ctrl+f", "fill test credentials"),
		Cancel:    b([]string{"esc"}, "esc", "cancel"),
		Link:      b([]string{"ctrl+l"}, "ctrl+l", "open a v2 link"),
		Browser:   b([]string{"ctrl+b"}, "ctrl+b", "open in the browser"),

		TxType:   b([]string{"space", "left", "right"}, "space", "cycle the type"),
		TxDebit:  b([]string{"d"}, "d", "debits"),
		TxCredit: b([]string{"c"}, "c", "credits"),
		TxAll:    b([]string{"a"}, "a", "all"),

		PlayNext:  b([]string{"ctrl+n"}, "ctrl+n", "next step"),
		PlayPause: b([]string{"ctrl+g"}, "ctrl+g", "to the next pause"),
		PlayEnd:   b([]string{"ctrl+r"}, "ctrl+r", "to the end via pauses"),
		PlaySteps: b([]string{"ctrl+o"}, "ctrl+o", "the scenario's steps"),
	}
}
