package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"golang.org/x/text/unicode/norm"
)

// list is the one scrolling list the pages embed (Accounts, Bank console, Webhooks
// and the transaction lists), as soft-serve's selector is: a cursor and an offset
// over n rows shown h at a time, the load gate of what it lists, an optional filter
// field, and the mouse, read against where draw last put the rows. The page owns
// the rows; the list knows how many there are, which one is selected, and which
// are on screen.
type list struct {
	sh   *shared
	what string // what the rows are, in words: "accounts"
	gate loadGate
	err  string // the last load's error, if it failed

	n, h           int // rows, and rows on screen
	cursor, offset int

	filterable bool
	filtering  bool
	filter     textinput.Model

	// Where draw last put the rows, in the page's own lines and columns.
	top, drawn, width int

	// tail is a line draw puts under the last row, when the rows leave a line
	// free for it (the webhook log: older events were deleted).
	tail string
}

// listEvent is what the list did with a message, for the page to follow up.
type listEvent uint8

const (
	listPassed   listEvent = iota // not the list's: the page's own key, or a click elsewhere
	listTook                      // the list took it; the rows and the selection are as they were
	listMoved                     // the cursor or the view moved: the page reads what the rows on screen need
	listFiltered                  // the filter changed: the page recomputes its rows (match, then setRows)
	listChosen                    // a click on the selected row: the page opens it
)

// newList is a list of what ("accounts"); a filterHint makes it filterable, with /
// (the key map's Filter).
func newList(sh *shared, what, filterHint string) list {
	l := list{sh: sh, what: what, filterable: filterHint != ""}
	if l.filterable {
		l.filter = newInput(sh, "filter: ", filterHint)
	}
	return l
}

// newInput is a one-line text field in the UI's style.
func newInput(sh *shared, prompt, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	ti.Placeholder = placeholder
	ti.SetStyles(sh.styles.Input)
	return ti
}

// setRows says how many rows there are now, keeping the cursor in range.
func (l *list) setRows(n int) { l.n = n; l.clamp() }

// setHeight says how many rows fit on screen.
func (l *list) setHeight(h int) { l.h = max(h, 1); l.clamp() }

// selected is the cursor's row, if there is one.
func (l *list) selected() (int, bool) { return l.cursor, l.cursor >= 0 && l.cursor < l.n }

// visible is the rows on screen: [offset, end).
func (l *list) visible() (int, int) { return l.offset, min(l.offset+l.h, l.n) }

// selectRow puts the cursor on row r, in view.
func (l *list) selectRow(r int) { l.cursor = r; l.clamp() }

// clamp keeps the cursor inside [0, n) and in view.
func (l *list) clamp() {
	if l.n <= 0 {
		l.cursor, l.offset = 0, 0
		return
	}
	l.cursor = min(max(l.cursor, 0), l.n-1)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.h {
		l.offset = l.cursor - l.h + 1
	}
	l.offset = min(max(l.offset, 0), max(l.n-l.h, 0))
}

// filterText is the filter as typed, "" if none.
func (l *list) filterText() string {
	if !l.filterable {
		return ""
	}
	return l.filter.Value()
}

// foldKey is s as a filter compares it: lower-case, without its accents and tone
// marks — /olasegun found no ỌLÁṢẸGUN ADÉBÁYỌ̀, whose own username is
// olasegun.adebayo (a presenter's trial).
func foldKey(s string) string {
	s = strings.ToLower(s)
	for _, r := range s {
		if r >= utf8.RuneSelf { // letters beyond ASCII: their marks go
			return strings.Map(func(r rune) rune {
				if unicode.Is(unicode.Mn, r) {
					return -1
				}
				return r
			}, norm.NFD.String(s))
		}
	}
	return s
}

// match appends to dst the index of every key that holds each word of the
// filter's text (keys are foldKey's, matchWords): the rows a filter keeps, before
// the page sorts them.
func (l *list) match(keys []string, dst []int) []int {
	q := foldKey(strings.TrimSpace(l.filterText()))
	for i, k := range keys {
		if matchWords(k, q) {
			dst = append(dst, i)
		}
	}
	return dst
}

// matchWords says whether key holds every word of q, each anywhere (both
// foldKey's; no word: every key). Matched whole, q's words had to stand side by
// side in the key: "concepts updated" found none of the business's
// account_updated events, its holder and the event's name being apart (a review
// of the Webhooks filter).
func matchWords(key, q string) bool {
	for _, w := range strings.Fields(q) {
		if !strings.Contains(key, w) {
			return false
		}
	}
	return true
}

// update takes the list's keys (moving, filtering) and mouse events.
func (l *list) update(msg tea.Msg) (listEvent, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return l.key(msg)
	case mouseMsg:
		return l.mouse(msg), nil
	case stylesMsg:
		if l.filterable {
			l.filter.SetStyles(l.sh.styles.Input)
		}
	}
	return listPassed, nil
}

func (l *list) key(msg tea.KeyPressMsg) (listEvent, tea.Cmd) {
	k := l.sh.keys
	if l.filtering {
		switch {
		case key.Matches(msg, k.Submit):
			l.filtering = false
			l.filter.Blur()
			return listTook, nil
		case key.Matches(msg, k.Cancel):
			l.filtering = false
			l.filter.Blur()
			return l.clearFilter(), nil
		}
		before := l.filter.Value()
		var cmd tea.Cmd
		l.filter, cmd = l.filter.Update(msg)
		if l.filter.Value() == before {
			return listTook, cmd
		}
		l.cursor, l.offset = 0, 0
		return listFiltered, cmd
	}
	cursor, offset := l.cursor, l.offset
	switch {
	case key.Matches(msg, k.Up):
		l.cursor--
	case key.Matches(msg, k.Down):
		l.cursor++
	case key.Matches(msg, k.PageUp): // the view moves a page with the cursor, as a pager's does
		l.cursor, l.offset = l.cursor-l.h, l.offset-l.h
	case key.Matches(msg, k.PageDown):
		l.cursor, l.offset = l.cursor+l.h, l.offset+l.h
	case key.Matches(msg, k.Top):
		l.cursor = 0
	case key.Matches(msg, k.Bottom):
		l.cursor = l.n - 1
	case l.filterable && key.Matches(msg, k.Filter):
		l.filtering = true
		return listTook, l.filter.Focus()
	case l.filterable && key.Matches(msg, k.Back) && l.filter.Value() != "":
		return l.clearFilter(), nil
	default:
		return listPassed, nil
	}
	l.clamp()
	if l.cursor == cursor && l.offset == offset {
		return listTook, nil
	}
	return listMoved, nil
}

func (l *list) clearFilter() listEvent {
	if l.filter.Value() == "" {
		return listTook
	}
	l.filter.SetValue("")
	return listFiltered
}

// mouse scrolls on the wheel and selects on a click, by where draw put the rows; a
// second click on the selected row chooses it.
func (l *list) mouse(msg mouseMsg) listEvent {
	if msg.X >= l.width {
		return listPassed
	}
	if msg.Wheel {
		l.offset = min(max(l.offset+wheelStep(msg), 0), max(l.n-l.h, 0))
		l.cursor = min(max(l.cursor, l.offset), l.offset+l.h-1)
		l.clamp()
		return listMoved
	}
	r := l.offset + msg.Y - l.top
	if msg.Button != tea.MouseLeft || msg.Y < l.top || msg.Y >= l.top+l.drawn || r >= l.n {
		return listPassed
	}
	if r == l.cursor {
		return listChosen
	}
	l.cursor = r
	return listMoved
}

// wheelStep is how far a wheel turn scrolls: three rows, up or down.
func wheelStep(msg mouseMsg) int {
	if msg.Button == tea.MouseWheelUp {
		return -3
	}
	return 3
}

// status is what a list's title says on its right: the filter being typed, the
// filter kept, or the first load's spinner.
func (l *list) status() string {
	st := l.sh.styles
	switch {
	case l.filtering:
		return l.filter.View()
	case l.filterText() != "":
		return st.Label.Render("filter ") + st.Accent.Render(l.filterText()) + st.Faint.Render(" · esc clears")
	case l.gate.first():
		return st.Accent.Render(l.sh.spinner() + " loading…")
	}
	return ""
}

// draw writes h lines of width w to b: first, if the load failed, why, or if there is
// nothing to list, empty; then the rows from the offset, each made of the cells the
// page gives (sel: it is the selected one), marked when selected, with the
// scrollbar; blank lines past the last row. It records where the rows start — the
// lines b holds already — and their width: clicks are read against what was drawn,
// so a line added above the rows moves the clicks with it.
func (l *list) draw(b *strings.Builder, w, h int, empty string, cells func(r int, sel bool) []string) {
	st := &l.sh.styles // a pointer: Styles is large, and this runs for every row
	switch {
	case l.err != "":
		b.WriteString(fit(st.Bad.Render(" Could not read the "+l.what+": "+l.err), w) + "\n")
		h--
	case l.gate.loaded && l.n == 0 && empty != "":
		b.WriteString(fit(st.Muted.Render(" "+empty), w) + "\n")
		h--
	}
	l.top, l.drawn, l.width = strings.Count(b.String(), "\n"), h, w
	bar := scrollbar(l.n, l.offset, h)
	for i := range h {
		r := l.offset + i
		if r >= l.n {
			if r == l.n && r > 0 && l.tail != "" {
				b.WriteString(fit(" "+l.tail, w-1))
			}
			b.WriteString("\n")
			continue
		}
		row := strings.Join(cells(r, r == l.cursor), " ")
		if r == l.cursor {
			b.WriteString(st.Selected.Render(fit("▸"+row, w-1)))
		} else {
			b.WriteString(fit(" "+row, w-1))
		}
		b.WriteString(st.Faint.Render(bar[i]) + "\n")
	}
}
