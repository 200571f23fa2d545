package tui

import (
	"image/color"
	"strconv"

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

// NewStyles builds the styles for a dark or a light background, for a terminal of
// 256 colours or more.
func NewStyles(dark bool) Styles { return newStyles(dark, false) }

// palette is the colours the styles are made of.
type palette struct {
	fg, muted, faint, line, accent, ok, warn, bad, info color.Color
	selBg, tabBg, tabFg, codeBg, codeFg, keyFg          color.Color
	jsonKey, jsonStr, jsonNum                           color.Color
}

// hexPalette is the palette of a terminal of 256 colours or more.
func hexPalette(dark bool) palette {
	ld := lipgloss.LightDark(dark)
	// Faint is text too — hints, legends, "in sync", the help's separators — and
	// keeps 4.5:1 against the backgrounds TestPaletteContrast names, as all text
	// does: its #A0A6B0 on white was 2.4:1, unreadable on a projector (a
	// presenter's trial). Rules and borders, which only draw lines, keep the old
	// shades (line).
	fg := ld(lipgloss.Color("#1F2430"), lipgloss.Color("#E6E8EE"))
	return palette{
		fg:      fg,
		muted:   ld(lipgloss.Color("#5C6370"), lipgloss.Color("#9AA3B2")),
		faint:   ld(lipgloss.Color("#676E7C"), lipgloss.Color("#8C94A3")),
		line:    ld(lipgloss.Color("#A0A6B0"), lipgloss.Color("#5A6170")),
		accent:  ld(lipgloss.Color("#6B3FD4"), lipgloss.Color("#B69CFF")),
		ok:      ld(lipgloss.Color("#18794E"), lipgloss.Color("#4CD68C")),
		warn:    ld(lipgloss.Color("#9A6200"), lipgloss.Color("#F5C04F")),
		bad:     ld(lipgloss.Color("#C2303A"), lipgloss.Color("#FF6B72")),
		info:    ld(lipgloss.Color("#0B6BCB"), lipgloss.Color("#6CB6FF")),
		selBg:   ld(lipgloss.Color("#E4DCFA"), lipgloss.Color("#2E2750")),
		tabBg:   ld(lipgloss.Color("#6B3FD4"), lipgloss.Color("#7C5CE0")),
		tabFg:   lipgloss.Color("#FFFFFF"),
		codeBg:  ld(lipgloss.Color("#FFF1C2"), lipgloss.Color("#3A3000")),
		codeFg:  fg,
		keyFg:   ld(lipgloss.Color("#6B3FD4"), lipgloss.Color("#C9B6FF")),
		jsonKey: ld(lipgloss.Color("#0B6BCB"), lipgloss.Color("#7FC1FF")),
		jsonStr: ld(lipgloss.Color("#18794E"), lipgloss.Color("#9BE3B5")),
		jsonNum: ld(lipgloss.Color("#9A6200"), lipgloss.Color("#F5C04F")),
	}
}

// basicPalette is the palette of a terminal of 16 colours (TERM=xterm, as PuTTY
// and docker exec set it; TERM=linux), chosen by index: the hex palette reduced
// to them put the selected row in bright blue on blue (2:1) and hints in blue on
// black (a presenter's trial). No text is colour 8, bright black, which PuTTY and
// the Linux console draw #555555 (2.8:1 on black). Light, the 16 have no green or
// yellow that reads on white: what is fine is black, a warning magenta, what is
// wrong red.
func basicPalette(dark bool) palette {
	c := func(i int) color.Color { return lipgloss.Color(strconv.Itoa(i)) }
	if dark {
		return palette{fg: c(15), muted: c(7), faint: c(7), line: c(8), accent: c(13), ok: c(10), warn: c(11), bad: c(9),
			info: c(14), selBg: c(4), tabBg: c(5), tabFg: c(15), codeBg: c(3), codeFg: c(0), keyFg: c(13),
			jsonKey: c(14), jsonStr: c(10), jsonNum: c(11)}
	}
	return palette{fg: c(0), muted: c(0), faint: c(0), line: c(8), accent: c(4), ok: c(0), warn: c(5), bad: c(1),
		info: c(4), selBg: c(14), tabBg: c(5), tabFg: c(15), codeBg: c(3), codeFg: c(0), keyFg: c(4),
		jsonKey: c(4), jsonStr: c(0), jsonNum: c(5)}
}

// newStyles builds the styles for a dark or a light background; basic, for a
// terminal of 16 colours.
func newStyles(dark, basic bool) Styles {
	p := hexPalette(dark)
	if basic {
		p = basicPalette(dark)
	}
	var (
		fg, muted, faint, line, accent = p.fg, p.muted, p.faint, p.line, p.accent
		ok, warn, bad, info            = p.ok, p.warn, p.bad, p.info
		selBg, tabBg, tabFg            = p.selBg, p.tabBg, p.tabFg
		codeBg, keyFg                  = p.codeBg, p.keyFg
		jsonKey, jsonStr, jsonNum      = p.jsonKey, p.jsonStr, p.jsonNum
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
	s.Code = base.Bold(true).Foreground(p.codeFg).Background(codeBg).Padding(0, 1)
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
