package tui

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// txPageSize is how many transactions one fetch brings.
const txPageSize = 100

// txCachePages bounds the pages kept in memory.
const txCachePages = 24

// txList scrolls through an account's stored transactions, newest first, however
// many there are: it holds only the pages around the viewport, fetched with
// engine.TxQuery Page/Limit in commands, and draws only the visible rows.
type txList struct {
	sh        *shared
	accountID string
	q         engine.TxQuery // the filters; Page and Limit are set per fetch
	w, h      int
	list      list // one row a transaction of the total; its gate fetches pages

	total     int64
	known     bool                         // total is known for these filters
	pages     map[int][]engine.Transaction // by page number, 1-based
	noFilters bool                         // the statement's list: its period is fixed

	// The filter form.
	editing bool
	field   int // 0 from, 1 to, 2 type, 3 narration
	inputs  [3]textinput.Model
	typ     engine.TxType
	formErr string
}

// txPages is what one fetch brings: pages by number, and the total they are of.
type txPages struct {
	pages map[int][]engine.Transaction
	total int64
}

func newTxList(sh *shared, accountID string) *txList {
	l := &txList{sh: sh, accountID: accountID, list: newList(sh, "transactions", ""), pages: map[int][]engine.Transaction{}}
	l.q.AccountID = accountID
	l.inputs[0] = newInput(sh, "from ", "YYYY-MM-DD")
	l.inputs[1] = newInput(sh, "to ", "YYYY-MM-DD")
	l.inputs[2] = newInput(sh, "narration ", "any text")
	for i := range l.inputs {
		l.inputs[i].SetWidth(12)
	}
	l.inputs[2].SetWidth(18)
	return l
}

func (l *txList) SetSize(w, h int) {
	l.w, l.h = w, h
	l.list.setHeight(h - 3) // the filter line and the column titles above, the position line below
}

// reset forgets every page (the filters or the data changed) and fetches anew.
func (l *txList) reset() tea.Cmd {
	l.invalidate()
	return l.fetch()
}

// invalidate forgets every page; an answer on its way is dropped.
func (l *txList) invalidate() {
	l.list.gate.drop()
	l.pages = map[int][]engine.Transaction{}
	l.known, l.list.err = false, ""
}

// fetch reads the missing pages around the viewport, one fetch at a time: each
// answer asks again for what scrolled into view meanwhile.
func (l *txList) fetch() tea.Cmd {
	if l.sh.eng == nil {
		return nil
	}
	h := l.list.h
	first := max(l.list.offset-h, 0)/txPageSize + 1
	last := (l.list.offset+2*h)/txPageSize + 1
	if l.known {
		last = min(last, int((l.total+txPageSize-1)/txPageSize))
	} else {
		first, last = 1, 1 // the first answer tells how many there are
	}
	var want []int
	for pg := first; pg <= last; pg++ {
		if _, ok := l.pages[pg]; !ok {
			want = append(want, pg)
		}
	}
	if len(want) == 0 {
		return nil
	}
	q, eng, ctx := l.q, l.sh.eng, l.sh.ctx
	return load(&l.list.gate, func() (txPages, error) {
		out := txPages{pages: make(map[int][]engine.Transaction, len(want))}
		for _, pg := range want {
			q.Page, q.Limit = pg, txPageSize
			res, err := eng.Transactions(ctx, q)
			if err != nil {
				return out, err
			}
			out.pages[pg], out.total = res.Transactions, res.Total
		}
		return out, nil
	})
}

// evict drops the pages farthest from the viewport beyond txCachePages.
func (l *txList) evict() {
	for len(l.pages) > txCachePages {
		here := l.list.offset/txPageSize + 1
		far, dist := 0, -1
		for pg := range l.pages {
			if d := abs(pg - here); d > dist {
				far, dist = pg, d
			}
		}
		delete(l.pages, far)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func (l *txList) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loaded[txPages]:
		if !msg.of(&l.list.gate) {
			return nil // another list's, or for filters no longer set
		}
		if l.list.err = errText(msg.err); msg.err != nil {
			return nil
		}
		maps.Copy(l.pages, msg.val.pages)
		l.total, l.known = msg.val.total, true
		l.list.setRows(int(l.total))
		l.evict()
		return l.fetch()
	case stylesMsg:
		for i := range l.inputs {
			l.inputs[i].SetStyles(l.sh.styles.Input)
		}
	case tea.KeyPressMsg:
		if l.editing {
			return l.formKey(msg)
		}
		if ev, _ := l.list.update(msg); ev != listPassed {
			return l.fetch()
		}
		return l.key(msg)
	case mouseMsg:
		l.list.update(msg)
		return l.fetch()
	}
	return nil
}

// key is the list's own keys: the filters.
func (l *txList) key(msg tea.KeyPressMsg) tea.Cmd {
	k := l.sh.keys
	switch {
	case key.Matches(msg, k.EditFilters) && !l.noFilters:
		return l.startEditing()
	case key.Matches(msg, k.ClearFilters) && !l.noFilters:
		l.inputs[0].SetValue("")
		l.inputs[1].SetValue("")
		l.inputs[2].SetValue("")
		l.typ = ""
		l.q.From, l.q.To, l.q.Type, l.q.Narration = time.Time{}, time.Time{}, "", ""
		l.list.cursor, l.list.offset = 0, 0
		return l.reset()
	}
	return nil
}

func (l *txList) startEditing() tea.Cmd {
	l.editing, l.field, l.formErr = true, 0, ""
	l.typ = l.q.Type
	l.inputs[0].SetValue(dayText(l.q.From))
	l.inputs[1].SetValue(dayText(l.q.To))
	l.inputs[2].SetValue(l.q.Narration)
	return l.focusField()
}

func (l *txList) focusField() tea.Cmd {
	for i := range l.inputs {
		l.inputs[i].Blur()
	}
	switch l.field {
	case 0, 1:
		return l.inputs[l.field].Focus()
	case 3:
		return l.inputs[2].Focus()
	}
	return nil
}

// formKey edits the filters: tab moves, space cycles the type, enter applies.
func (l *txList) formKey(msg tea.KeyPressMsg) tea.Cmd {
	k := l.sh.keys
	switch {
	case key.Matches(msg, k.Cancel):
		l.editing, l.formErr = false, ""
		for i := range l.inputs {
			l.inputs[i].Blur()
		}
		return nil
	case key.Matches(msg, k.NextField):
		l.field = (l.field + 1) % 4
		return l.focusField()
	case key.Matches(msg, k.PrevField):
		l.field = (l.field + 3) % 4
		return l.focusField()
	case key.Matches(msg, k.Submit):
		return l.apply()
	}
	if l.field == 2 {
		switch {
		case key.Matches(msg, k.TxDebit):
			l.typ = engine.Debit
		case key.Matches(msg, k.TxCredit):
			l.typ = engine.Credit
		case key.Matches(msg, k.TxAll):
			l.typ = ""
		case !key.Matches(msg, k.TxType):
		case l.typ == "":
			l.typ = engine.Debit
		case l.typ == engine.Debit:
			l.typ = engine.Credit
		default:
			l.typ = ""
		}
		return nil
	}
	i := l.field
	if i == 3 {
		i = 2
	}
	var cmd tea.Cmd
	l.inputs[i], cmd = l.inputs[i].Update(msg)
	return cmd
}

// apply checks and applies the filters.
func (l *txList) apply() tea.Cmd {
	from, err := parseDay(l.inputs[0].Value(), false)
	if err != "" {
		l.formErr, l.field = "from: "+err, 0
		return l.focusField()
	}
	to, err := parseDay(l.inputs[1].Value(), true)
	if err != "" {
		l.formErr, l.field = "to: "+err, 1
		return l.focusField()
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		l.formErr, l.field = "the end date is before the start date", 1
		return l.focusField()
	}
	l.editing, l.formErr = false, ""
	for i := range l.inputs {
		l.inputs[i].Blur()
	}
	l.q.From, l.q.To, l.q.Type, l.q.Narration = from, to, l.typ, strings.TrimSpace(l.inputs[2].Value())
	l.list.cursor, l.list.offset = 0, 0
	return l.reset()
}

// A filter's date is typed year first, as ISO writes it, or day first, as Mono
// (DD-MM-YYYY) and Nigeria (DD/MM/YYYY) write it: the forms the API's start and
// end take too.
var (
	yearFirst = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dayFirst  = regexp.MustCompile(`^(\d{1,2})([-/])(\d{1,2})([-/])(\d{4})$`)
)

// parseDay reads a date typed as YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY, as a day in
// engine.WAT: its first instant, or its last when end is set. A date in one of the
// forms that does not exist says why — 2030-02-31 was answered "type a date as
// YYYY-MM-DD", which it was (a newcomer's trial).
func parseDay(s string, end bool) (time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ""
	}
	var y, m, d int
	if f := yearFirst.FindStringSubmatch(s); f != nil {
		y, m, d = atoi(f[1]), atoi(f[2]), atoi(f[3])
	} else if f := dayFirst.FindStringSubmatch(s); f != nil && f[2] == f[4] {
		d, m, y = atoi(f[1]), atoi(f[3]), atoi(f[5])
		if m > 12 && d >= 1 && d <= 12 { // month first, as in the US
			return time.Time{}, fmt.Sprintf("%s is no date: the day comes first, as in %02d%s%02d%s%d", s, m, f[2], d, f[2], y)
		}
	} else {
		return time.Time{}, "type a date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-10-01"
	}
	if why := engine.NoSuchDay(y, m, d); why != "" {
		return time.Time{}, s + " is no date: " + why
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, engine.WAT)
	if end {
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return t.UTC(), ""
}

// atoi is a number the date forms' digits make.
func atoi(digits string) int {
	n, _ := strconv.Atoi(digits)
	return n
}

// filtered reports whether any filter is set.
func (l *txList) filtered() bool {
	return !l.q.From.IsZero() || !l.q.To.IsZero() || l.q.Type != "" || l.q.Narration != ""
}

func (l *txList) row(i int) (engine.Transaction, bool) {
	pg := l.pages[i/txPageSize+1]
	if j := i % txPageSize; j < len(pg) {
		return pg[j], true
	}
	return engine.Transaction{}, false
}

var txColumns = []column{
	{title: "DATE (WAT)", width: 12},
	{title: "NARRATION", flex: true, min: 20},
	{title: "CATEGORY", width: 13, drop: 1},
	{title: "TYPE", width: 6},
	{title: "AMOUNT", width: 15, right: true},
	{title: "BALANCE AFTER", width: 16, right: true, drop: 2},
}

// View draws the filter line, the column titles, the visible rows and the position.
func (l *txList) View() string {
	st := l.sh.styles
	var b strings.Builder
	b.WriteString(l.filterLine() + "\n")
	cols := layout(txColumns, l.w-2)
	switch {
	case l.editing && l.formErr != "":
		b.WriteString(fit(st.Bad.Render(" ✗ "+l.formErr), l.w) + "\n")
	case l.editing:
		b.WriteString(fit(st.Faint.Render(" dates YYYY-MM-DD or DD/MM/YYYY (WAT) · space cycles the type · enter applies · esc cancels"), l.w) + "\n")
	default:
		b.WriteString(headerRow(cols, st.ColHeader) + "\n")
	}
	empty := "No transactions stored for this account yet: they arrive with a sync."
	if l.filtered() {
		empty = "No transaction matches the filters (x clears them)."
	}
	cells, now := make([]string, len(cols)), l.sh.now()
	l.list.draw(&b, l.w, l.list.h, empty, func(r int, sel bool) []string {
		t, ok := l.row(r)
		for j, c := range cols {
			cells[j] = cell(c, txCell(c.title, t, ok, now))
			if !sel && ok {
				switch c.title {
				case "AMOUNT", "TYPE":
					if t.Type == engine.Credit {
						cells[j] = st.Credit.Render(cells[j])
					} else {
						cells[j] = st.Debit.Render(cells[j])
					}
				case "DATE (WAT)", "CATEGORY":
					cells[j] = st.Muted.Render(cells[j])
				}
			}
		}
		return cells
	})
	pos := ""
	if l.known && l.total > 0 {
		pos = "row " + commas(int64(l.list.cursor+1)) + " of " + commas(l.total)
	}
	b.WriteString(st.Faint.Render(fitRight(pos+" ", l.w)))
	return b.String()
}

func txCell(col string, t engine.Transaction, ok bool, now time.Time) string {
	if !ok {
		if col == "NARRATION" {
			return "…"
		}
		return ""
	}
	switch col {
	case "DATE (WAT)":
		return fmtCell(t.Date, now)
	case "NARRATION":
		return t.Narration
	case "CATEGORY":
		return t.Category
	case "TYPE":
		return string(t.Type)
	case "AMOUNT":
		if t.Type == engine.Debit {
			return "-" + engine.Naira(t.Amount)
		}
		return "+" + engine.Naira(t.Amount)
	case "BALANCE AFTER":
		return engine.Naira(t.Balance)
	}
	return ""
}

// filterLine shows the filters, or the form that edits them.
func (l *txList) filterLine() string {
	st := l.sh.styles
	if l.editing {
		typ := "all"
		if l.typ != "" {
			typ = string(l.typ)
		}
		tf := st.Label.Render("type ") + st.Value.Render(typ)
		if l.field == 2 {
			tf = st.Accent.Render("type ") + st.Selected.Render(" "+typ+" ") + st.Faint.Render(" space")
		}
		return fit(" "+l.inputs[0].View()+"  "+l.inputs[1].View()+"  "+tf+"  "+l.inputs[2].View(), l.w)
	}
	dash := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return dayText(t)
	}
	typ, narr := "all", "—"
	if l.q.Type != "" {
		typ = string(l.q.Type)
	}
	if l.q.Narration != "" {
		narr = `"` + l.q.Narration + `"`
	}
	left := st.Label.Render(" filters: from ") + st.Value.Render(dash(l.q.From)) + st.Label.Render(" · to ") + st.Value.Render(dash(l.q.To)) +
		st.Label.Render(" · type ") + st.Value.Render(typ) + st.Label.Render(" · narration ") + st.Value.Render(narr)
	if l.noFilters {
		left = st.Label.Render(" transactions of the period, newest first")
	}
	count := ""
	switch {
	case l.known:
		count = commas(l.total) + " transaction" + plural(int(min(l.total, 2)))
		if l.filtered() && !l.noFilters {
			count += map[bool]string{true: " matches", false: " match"}[l.total == 1] // "1 transaction match" (a presenter's trial)
		}
	case l.list.err == "":
		count = l.sh.spinner() + " loading"
	}
	return spread(left, st.Bold.Render(count)+" ", l.w)
}

// commas renders n with thousands separators.
func commas(n int64) string { return engine.Count(n) }

// dayText is a filter's date as typed, in engine.WAT; "" for none.
func dayText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(engine.WAT).Format("2006-01-02")
}
