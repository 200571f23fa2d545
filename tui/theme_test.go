package tui

import (
	"context"
	"image/color"
	"testing"

	tea "charm.land/bubbletea/v2"
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
