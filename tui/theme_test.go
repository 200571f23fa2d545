package tui

import (
	"context"
	"image/color"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// A palette chosen (--theme, SANDBANK_THEME) holds from the first frame whatever
// the terminal answers, or when it does not: a light terminal that never
// answered had the dark palette's near-white text on white, with no way to
// change it before going on stage (a presenter's trial). Auto takes the answer.
func TestThemeChosenOverTheTerminal(t *testing.T) {
	black, white := color.Gray{Y: 0}, color.Gray{Y: 255}
	for _, tc := range []struct {
		theme        string
		answer       color.Color // the terminal's background; nil: it never answers
		first, after bool        // dark at first, and after the answer
	}{
		{ThemeLight, nil, false, false},
		{ThemeLight, black, false, false},
		{ThemeDark, white, true, true},
		{ThemeAuto, white, true, false},
		{"", black, true, true},
	} {
		m := New(context.Background(), Config{Theme: tc.theme})
		if m.sh.styles.Dark != tc.first {
			t.Errorf("theme %q: dark %v before any answer, want %v", tc.theme, m.sh.styles.Dark, tc.first)
		}
		if tc.answer != nil {
			m.Update(tea.BackgroundColorMsg{Color: tc.answer})
		}
		if m.sh.styles.Dark != tc.after {
			t.Errorf("theme %q, background %v: dark %v, want %v", tc.theme, tc.answer, m.sh.styles.Dark, tc.after)
		}
		if m.helpM.Styles.ShortDesc.GetForeground() != m.sh.styles.Help.ShortDesc.GetForeground() {
			t.Errorf("theme %q: the help line has other styles than the palette's", tc.theme)
		}
		m.Close()
	}
}

// A terminal of 16 colours gets the palette chosen for them, whatever the theme,
// and keeps it when the background is answered after: the hex palette reduced to
// them put the selected row in bright blue on blue (a presenter's trial, with
// TERM=xterm as PuTTY and docker exec set it).
func TestSixteenColoursGetTheirOwnPalette(t *testing.T) {
	for _, theme := range []string{ThemeLight, ThemeDark, ThemeAuto} {
		m := New(context.Background(), Config{Theme: theme})
		dark := m.sh.styles.Dark
		m.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI})
		if got, want := m.sh.styles.Selected.GetBackground(), basicPalette(dark).selBg; got != want || m.sh.styles.Dark != dark {
			t.Errorf("theme %q at 16 colours: the selected row's background %v, want %v (dark %v)", theme, got, want, dark)
		}
		if theme == ThemeAuto {
			m.Update(tea.BackgroundColorMsg{Color: color.Gray{Y: 255}})
			if got, want := m.sh.styles.Selected.GetBackground(), basicPalette(false).selBg; got != want {
				t.Errorf("auto, 16 colours, then a white background: the selected row's background %v, want %v", got, want)
			}
		}
		if m.helpM.Styles.ShortDesc.GetForeground() != m.sh.styles.Help.ShortDesc.GetForeground() {
			t.Errorf("theme %q: the help line has other styles than the palette's", theme)
		}
		m.Close()
	}
}
