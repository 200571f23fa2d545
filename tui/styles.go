package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles is every style of the UI, built once from the terminal's background so the
// same screens read well on light and dark terminals.
type Styles struct {
	Dark bool

	App       lipgloss.Style // the whole screen's foreground
	Brand     lipgloss.Style // "sandbank" in the header
	Header    lipgloss.Style // the header's text
	Muted     lipgloss.Style // secondary text
	Faint     lipgloss.Style // hints, rules
	Bold      lipgloss.Style
	Title     lipgloss.Style // a section's title
	Label     lipgloss.Style // a field's label
	Value     lipgloss.Style
	Accent    lipgloss.Style
	OK        lipgloss.Style
	Warn      lipgloss.Style
	Bad       lipgloss.Style
	Info      lipgloss.Style
	Credit    lipgloss.Style
	Debit     lipgloss.Style
	Tab       lipgloss.Style
	TabActive lipgloss.Style
	Selected  lipgloss.Style // the selected row
	ColHeader lipgloss.Style // a table's column titles
	Rule      lipgloss.Style
	Modal     lipgloss.Style // the widget's frame
	Panel     lipgloss.Style // a bordered panel
	Code      lipgloss.Style // an OTP or token code
	Key       lipgloss.Style // a key in a hint
	JSONKey   lipgloss.Style
	JSONStr   lipgloss.Style
	JSONNum   lipgloss.Style
	Input     textinput.Styles
	Help      help.Styles

	// Raw colours, for charts.
	CreditColor, DebitColor, ChartColor color.Color
}

// NewStyles builds the styles for a dark or a light background.
func NewStyles(dark bool) Styles {
	ld := lipgloss.LightDark(dark)
	// Faint is text too — hints, legends, "in sync", the help's separators — and
	// keeps 4.5:1 against the backgrounds TestPaletteContrast names, as all text
	// does: its #A0A6B0 on white was 2.4:1, unreadable on a projector (a
	// presenter's trial). Rules and borders, which only draw lines, keep the old
	// shades (line).
	var (
		fg      = ld(lipgloss.Color("#1F2430"), lipgloss.Color("#E6E8EE"))
		muted   = ld(lipgloss.Color("#5C6370"), lipgloss.Color("#9AA3B2"))
		faint   = ld(lipgloss.Color("#676E7C"), lipgloss.Color("#8C94A3"))
		line    = ld(lipgloss.Color("#A0A6B0"), lipgloss.Color("#5A6170"))
		accent  = ld(lipgloss.Color("#6B3FD4"), lipgloss.Color("#B69CFF"))
		ok      = ld(lipgloss.Color("#18794E"), lipgloss.Color("#4CD68C"))
		warn    = ld(lipgloss.Color("#9A6200"), lipgloss.Color("#F5C04F"))
		bad     = ld(lipgloss.Color("#C2303A"), lipgloss.Color("#FF6B72"))
		info    = ld(lipgloss.Color("#0B6BCB"), lipgloss.Color("#6CB6FF"))
		selBg   = ld(lipgloss.Color("#E4DCFA"), lipgloss.Color("#2E2750"))
		tabBg   = ld(lipgloss.Color("#6B3FD4"), lipgloss.Color("#7C5CE0"))
		tabFg   = lipgloss.Color("#FFFFFF")
		codeBg  = ld(lipgloss.Color("#FFF1C2"), lipgloss.Color("#3A3000"))
		keyFg   = ld(lipgloss.Color("#6B3FD4"), lipgloss.Color("#C9B6FF"))
		jsonKey = ld(lipgloss.Color("#0B6BCB"), lipgloss.Color("#7FC1FF"))
		jsonStr = ld(lipgloss.Color("#18794E"), lipgloss.Color("#9BE3B5"))
		jsonNum = ld(lipgloss.Color("#9A6200"), lipgloss.Color("#F5C04F"))
	)
	s := Styles{Dark: dark, CreditColor: ok, DebitColor: bad, ChartColor: accent}
	base := lipgloss.NewStyle()
	s.App = base.Foreground(fg)
	s.Brand = base.Bold(true).Foreground(tabFg).Background(tabBg).Padding(0, 1)
	s.Header = base.Foreground(fg)
	s.Muted = base.Foreground(muted)
	s.Faint = base.Foreground(faint)
	s.Bold = base.Bold(true).Foreground(fg)
	s.Title = base.Bold(true).Foreground(accent)
	s.Label = base.Foreground(muted)
	s.Value = base.Foreground(fg)
	s.Accent = base.Foreground(accent)
	s.OK = base.Foreground(ok)
	s.Warn = base.Foreground(warn)
	s.Bad = base.Foreground(bad)
	s.Info = base.Foreground(info)
	s.Credit = base.Foreground(ok)
	s.Debit = base.Foreground(bad)
	s.Tab = base.Foreground(muted).Padding(0, 1)
	s.TabActive = base.Bold(true).Foreground(tabFg).Background(tabBg).Padding(0, 1)
	s.Selected = base.Background(selBg).Foreground(fg).Bold(true)
	s.ColHeader = base.Bold(true).Foreground(muted)
	s.Rule = base.Foreground(line)
	s.Modal = base.Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 2)
	s.Panel = base.Border(lipgloss.RoundedBorder()).BorderForeground(line).Padding(0, 1)
	s.Code = base.Bold(true).Foreground(fg).Background(codeBg).Padding(0, 1)
	s.Key = base.Bold(true).Foreground(keyFg)
	s.JSONKey = base.Foreground(jsonKey)
	s.JSONStr = base.Foreground(jsonStr)
	s.JSONNum = base.Foreground(jsonNum)

	s.Input = textinput.DefaultStyles(dark)
	s.Input.Cursor.Blink = false // a steady cursor: no timers, stable screenshots
	s.Input.Focused.Prompt = base.Foreground(accent)
	s.Input.Blurred.Prompt = base.Foreground(faint)
	s.Input.Focused.Text = base.Foreground(fg)
	s.Input.Blurred.Text = base.Foreground(muted)
	s.Input.Focused.Placeholder = base.Foreground(faint) // a hint, or a suggestion enter takes: read, not only seen
	s.Input.Blurred.Placeholder = base.Foreground(faint)

	// Not bubbles' default help colours: #4A4A4A on a dark background and
	// #B2B2B2 on a light one are about 2:1, and the key hints could not be read
	// from a projector (a presenter's trial).
	s.Help = help.Styles{
		ShortKey: base.Foreground(keyFg), ShortDesc: base.Foreground(muted), ShortSeparator: base.Foreground(faint),
		FullKey: base.Foreground(keyFg), FullDesc: base.Foreground(muted), FullSeparator: base.Foreground(faint),
		Ellipsis: base.Foreground(faint),
	}
	return s
}
