package tui

import (
	"strings"

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
	want  int  // the widest text of the rows shown, if the page says: it is given room first
	gap   int  // blank cells after the column besides the one between columns: layout's
}

// layout fits columns into w cells (one space between columns), dropping the
// droppable ones, lowest drop first, until the flex column has its least width.
// Where the page says what its columns want, the width left over goes to the
// text they would cut (share) before the flex column takes the rest: at 200
// columns HOLDER took 113 spare cells while BANK read "⚠ Provid…" (a presenter's
// trial).
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
		if flex >= 0 && left >= out[flex].min && out[flex].want > 0 {
			out[flex].width = out[flex].min + share(out, flex, left-out[flex].min)
			return out
		}
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

// share gives n spare cells to the columns, by what the rows shown want: first
// to the flex column, up to its widest text (a holder's name is the row's), then
// to the others that would cut theirs, then, once nothing is cut, a second blank
// cell between every two columns — one space read "13h 41m ago none" and "in
// sync AVAILABLE" as one value at 120 columns (a presenter's trial). It returns
// the cells the flex column takes beyond its least width.
func share(cols []column, flex, n int) int {
	extra := min(max(cols[flex].want-cols[flex].min, 0), n)
	n -= extra
	for i := range cols {
		if c := &cols[i]; i != flex && c.want > c.width && n > 0 {
			more := min(c.want-c.width, n)
			c.width += more
			n -= more
		}
	}
	if gaps := len(cols) - 1; gaps > 0 && n >= gaps {
		for i := range cols[:gaps] {
			cols[i].gap = 1
		}
		n -= gaps
	}
	return extra + n
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

// cell is s in column c, with the blank cells of its gap after it.
func cell(c column, s string) string {
	gap := strings.Repeat(" ", c.gap)
	if c.right {
		return fitRight(s, c.width) + gap
	}
	return fit(s, c.width) + gap
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
