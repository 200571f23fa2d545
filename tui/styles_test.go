package tui

import (
	"image/color"
	"math"
	"testing"

	"charm.land/lipgloss/v2"
)

// Every text colour of both palettes keeps 4.5:1 (WCAG AA) against the
// backgrounds it is made for: a terminal's black or white, and a lighter dark
// theme's and an off-white one's (One Dark's #282C34, Solarized light's
// #FDF6E3). The help line used bubbles' defaults — #4A4A4A on a dark
// background, #B2B2B2 on a light one, about 2:1 — and the legends a faint
// #A0A6B0 on white, 2.4:1: unreadable on a projector (a presenter's trial).
func TestPaletteContrast(t *testing.T) {
	backgrounds := map[bool][]string{true: {"#000000", "#282C34"}, false: {"#FFFFFF", "#FDF6E3"}}
	for _, tc := range []struct{ dark, basic bool }{{true, false}, {false, false}, {true, true}, {false, true}} {
		// basic: a terminal of 16 colours, each as xterm shows it (lipgloss's
		// basic colours' RGB): the hex palette reduced to them put the selected
		// row at 2:1 (a presenter's trial).
		dark := tc.dark
		s := newStyles(dark, tc.basic)
		text := map[string]lipgloss.Style{
			"App": s.App, "Header": s.Header, "Muted": s.Muted, "Faint": s.Faint, "Bold": s.Bold, "Title": s.Title,
			"Label": s.Label, "Value": s.Value, "Accent": s.Accent, "OK": s.OK, "Warn": s.Warn, "Bad": s.Bad,
			"Info": s.Info, "Credit": s.Credit, "Debit": s.Debit, "Tab": s.Tab, "ColHeader": s.ColHeader, "Key": s.Key,
			"JSONKey": s.JSONKey, "JSONStr": s.JSONStr, "JSONNum": s.JSONNum,
			"Help.ShortKey": s.Help.ShortKey, "Help.ShortDesc": s.Help.ShortDesc, "Help.ShortSeparator": s.Help.ShortSeparator,
			"Help.FullKey": s.Help.FullKey, "Help.FullDesc": s.Help.FullDesc, "Help.FullSeparator": s.Help.FullSeparator,
			"Help.Ellipsis":        s.Help.Ellipsis,
			"Input.Placeholder":    s.Input.Focused.Placeholder,
			"Input.Focused.Text":   s.Input.Focused.Text,
			"Input.Blurred.Text":   s.Input.Blurred.Text,
			"Input.Focused.Prompt": s.Input.Focused.Prompt,
		}
		for name, st := range text {
			fg := st.GetForeground()
			if tc.basic && fg == lipgloss.Color("8") { // #555555 on PuTTY and the Linux console (the review)
				t.Errorf("dark=%v basic: %s is colour 8", dark, name)
			}
			if _, none := fg.(lipgloss.NoColor); none {
				t.Errorf("dark=%v basic=%v: %s has no colour of its own", dark, tc.basic, name)
				continue
			}
			bgs := backgrounds[dark]
			if tc.basic { // a terminal of 16 colours draws on its own black or white
				bgs = map[bool][]string{true: {"#000000"}, false: {"#FFFFFF"}}[dark]
			}
			for _, bg := range bgs {
				if c := contrast(fg, lipgloss.Color(bg)); c < 4.5 {
					t.Errorf("dark=%v basic=%v: %s %s on %s is %.2f:1, under 4.5:1", dark, tc.basic, name, hexOf(fg), bg, c)
				}
			}
		}
		// Text on a background of its own.
		for name, st := range map[string]lipgloss.Style{"Selected": s.Selected, "Code": s.Code, "TabActive": s.TabActive, "Brand": s.Brand} {
			if c := contrast(st.GetForeground(), st.GetBackground()); c < 4.5 {
				t.Errorf("dark=%v basic=%v: %s %s on %s is %.2f:1, under 4.5:1", dark, tc.basic, name, hexOf(st.GetForeground()), hexOf(st.GetBackground()), c)
			}
		}
	}
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func hexOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	const digits = "0123456789ABCDEF"
	out := []byte{'#'}
	for _, v := range []uint32{r >> 8, g >> 8, b >> 8} {
		out = append(out, digits[v>>4], digits[v&15])
	}
	return string(out)
}
