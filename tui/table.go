package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"charm.land/lipgloss/v2"
)

// column is one column of a table drawn by hand: only visible rows are formatted,
// so a table of 10,000 rows costs what a table of 20 does.
type column struct {
	title string
	width int
	right bool
	flex  bool // takes the width left over
	min   int  // a flex column's least width
	drop  int  // dropped when the screen is narrow, lowest first (0: never)
}

// layout fits columns into w cells (one space between columns), dropping the
// droppable ones, lowest drop first, until the flex column has its least width.
func layout(cols []column, w int) []column {
	out := append([]column(nil), cols...)
	for {
		fixed, flex := 0, -1
		for i, c := range out {
			fixed += 1
			if c.flex {
				flex = i
				continue
			}
			fixed += c.width
		}
		left := w - fixed
		if flex >= 0 && (left >= out[flex].min || !droppable(out)) {
			out[flex].width = max(left, 1)
			return out
		}
		if flex < 0 && (left >= 0 || !droppable(out)) {
			return out
		}
		lowest := -1
		for i, c := range out {
			if c.drop > 0 && (lowest < 0 || c.drop < out[lowest].drop) {
				lowest = i
			}
		}
		out = append(out[:lowest], out[lowest+1:]...)
	}
}

func droppable(cols []column) bool {
	for _, c := range cols {
		if c.drop > 0 {
			return true
		}
	}
	return false
}

// has reports whether the layout kept the column titled t.
func has(cols []column, t string) bool {
	for _, c := range cols {
		if c.title == t {
			return true
		}
	}
	return false
}

// headerRow draws the column titles.
func headerRow(cols []column, st lipgloss.Style) string {
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = cell(c, c.title)
	}
	return st.Render(" " + strings.Join(cells, " "))
}

func cell(c column, s string) string {
	if c.right {
		return fitRight(s, c.width)
	}
	return fit(s, c.width)
}

// scrollbar is a one-column bar for h rows showing [offset, offset+h) of total.
func scrollbar(total, offset, h int) []string {
	out := make([]string, h)
	if total <= h || h <= 0 {
		for i := range out {
			out[i] = " "
		}
		return out
	}
	size := max(h*h/total, 1)
	pos := 0
	if total > h {
		pos = (h - size) * offset / (total - h)
	}
	for i := range out {
		if i >= pos && i < pos+size {
			out[i] = "┃"
		} else {
			out[i] = "│"
		}
	}
	return out
}

// tableRow joins a row's cells into a line of width w, marked and highlighted when
// it is the selected one.
func tableRow(st Styles, cells []string, sel bool, w int) string {
	if sel {
		return st.Selected.Render(fit("▸"+strings.Join(cells, " "), w))
	}
	return fit(" "+strings.Join(cells, " "), w)
}

// loadGate keeps a page's loads in order: one runs at a time; a change that
// arrives meanwhile marks the page stale, to load again when the running one is
// back; an answer that is not the latest request's is dropped.
type loadGate struct {
	req            int
	loading, stale bool
}

// begin starts a load and numbers it; while one runs it marks the page stale
// instead, and ok is false.
func (g *loadGate) begin() (req int, ok bool) {
	if g.loading {
		g.stale = true
		return 0, false
	}
	g.req++
	g.loading, g.stale = true, false
	return g.req, true
}

// end takes the answer to load req; false means an older load's, to drop.
func (g *loadGate) end(req int) bool {
	if req != g.req {
		return false
	}
	g.loading = false
	return true
}

// navigate moves a list's cursor for the keys every list shares — up, down, page up,
// page down, top, bottom — in a list of n rows showing h at a time; moved is false
// for any other key. The caller clamps with clampScroll.
func navigate(msg tea.KeyPressMsg, k KeyMap, cursor, n, h int) (c int, moved bool) {
	switch {
	case key.Matches(msg, k.Up):
		return cursor - 1, true
	case key.Matches(msg, k.Down):
		return cursor + 1, true
	case key.Matches(msg, k.PageUp):
		return cursor - h, true
	case key.Matches(msg, k.PageDown):
		return cursor + h, true
	case key.Matches(msg, k.Top):
		return 0, true
	case key.Matches(msg, k.Bottom):
		return n - 1, true
	}
	return cursor, false
}

// wheelStep is how far a wheel turn scrolls: three rows, up or down.
func wheelStep(msg mouseMsg) int {
	if msg.Button == tea.MouseWheelUp {
		return -3
	}
	return 3
}

// wheelScroll scrolls a list of n rows showing h by step, keeping the cursor on
// screen.
func wheelScroll(step, cursor, offset, n, h int) (int, int) {
	offset = min(max(offset+step, 0), max(n-h, 0))
	cursor = min(max(cursor, offset), offset+h-1)
	return clampScroll(cursor, offset, n, h)
}

// clampScroll keeps the cursor inside [0, n) and visible in h rows from offset.
func clampScroll(cursor, offset, n, h int) (int, int) {
	if n <= 0 {
		return 0, 0
	}
	cursor = min(max(cursor, 0), n-1)
	if h <= 0 {
		return cursor, cursor
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	offset = min(max(offset, 0), max(n-h, 0))
	return cursor, offset
}
