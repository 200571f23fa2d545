package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
	"sandbank/statement"
)

// statementMonths are the periods a statement covers (R9).
var statementMonths = []int{1, 3, 6, 12}

// statementView previews an account's statement for a period, as of the last sync,
// and exports it as a PDF.
type statementView struct {
	sh   *shared
	id   string
	w, h int
	mi   int // index into statementMonths

	acct engine.Account
	list *txList
	sum  *stmtSummary
	gate loadGate // the summary of the period

	export    loadGate  // one PDF at a time
	queued    []int     // the periods (months) of the PDFs asked for while one was written, in order
	saved     *exported // the last PDF saved, of this period
	exportErr string

	listTop int // the line View put the list on, for clicks
}

type stmtSummary struct {
	from, to         time.Time
	opening, closing int64
	in, out          int64
	nIn, nOut        int64
	capped           bool
}

// exported is a PDF written to the export directory.
type exported struct {
	path   string
	size   int
	n      int
	months int  // the period it covers: m may have chosen another while it rendered
	over   bool // a file of its name was there, and it took its place
	// view asked for it: the PDFs asked for after it, queued there, are written
	// even once its page has closed.
	view *statementView
}

// what says it was saved, and its size: "(142 KB, 1,068 transactions)", the count
// in the form of the list under it ("1,068 transactions"), and one transaction in
// the singular.
func (e exported) what() string {
	over := ""
	if e.over {
		// e again within a minute of virtual time (or with no sync between):
		// the same name, written over without a word (a presenter's trial).
		over = ", replaced"
	}
	return fmt.Sprintf("(%d KB, %s transaction%s%s)", (e.size+1023)/1024, commas(int64(e.n)), plural(e.n), over)
}

func newStatementView(sh *shared, id string) statementView {
	l := newTxList(sh, id)
	l.noFilters = true
	return statementView{sh: sh, id: id, mi: 1, list: l, gate: loadGate{stale: true}}
}

func (s *statementView) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.SetSize(w, h-1-len(s.summaryLines())-len(s.exportLines()))
}

// resize fits the list under the lines above it, once the view has a size.
func (s *statementView) resize() {
	if s.w > 0 && s.h > 0 {
		s.SetSize(s.w, s.h)
	}
}

// summaryLines are the period's balances and totals: one line, or two when the
// screen is too narrow for one (rather than the totals cut off); one blank line
// until they are known.
func (s *statementView) summaryLines() []string {
	sm := s.sum
	if sm == nil {
		return []string{""}
	}
	st := s.sh.styles
	balances := st.Label.Render(" opening ") + st.Value.Render(naira(sm.opening)) + st.Label.Render(" · closing ") + st.Bold.Render(naira(sm.closing))
	flows := st.Label.Render(" in ") + st.Credit.Render("+"+engine.Naira(sm.in)) + st.Faint.Render(" ("+commas(sm.nIn)+")") +
		st.Label.Render(" · out ") + st.Debit.Render("-"+engine.Naira(sm.out)) + st.Faint.Render(" ("+commas(sm.nOut)+")")
	if sm.capped {
		flows += st.Faint.Render(" · totals of the latest " + commas(maxFlowRows) + " of each type")
	}
	if one := balances + st.Label.Render(" ·") + flows; ansi.StringWidth(one) <= s.w {
		return []string{one}
	}
	return []string{balances, flows}
}

func (s *statementView) months() int { return statementMonths[s.mi] }

// invalidate marks the preview out of date: new data arrived.
func (s *statementView) invalidate() { s.gate.stale = true }

// period is what a statement of the last months covers, as the engine computes it.
func (s *statementView) period() (time.Time, time.Time) {
	to := s.acct.LastSyncedAt
	if to.IsZero() {
		to = s.acct.ConnectedAt
	}
	return engine.MonthsBefore(to, s.months()), to
}

// show reloads the preview if the account's data or the period changed.
func (s *statementView) show(a engine.Account) tea.Cmd {
	s.acct = a
	if !s.gate.stale || s.sh.eng == nil {
		return nil
	}
	from, to := s.period()
	s.list.q.From, s.list.q.To = from, to
	s.sum = nil
	s.resize()
	id, eng, ctx, balance := s.id, s.sh.eng, s.sh.ctx, a.Balance
	return tea.Batch(s.list.reset(), loadLatest(&s.gate, func() (stmtSummary, error) {
		return loadStatement(ctx, eng, id, from, to, balance)
	}))
}

// loadStatement adds up a period: balances at both ends, money in and out.
func loadStatement(ctx context.Context, eng *engine.Engine, id string, from, to time.Time, balance int64) (stmtSummary, error) {
	s := stmtSummary{from: from, to: to, closing: balance}
	p, err := eng.Transactions(ctx, engine.TxQuery{AccountID: id, To: to, Page: 1, Limit: 1})
	if err != nil {
		return s, err
	}
	if len(p.Transactions) > 0 {
		s.closing = p.Transactions[0].Balance
	}
	for _, typ := range []engine.TxType{engine.Credit, engine.Debit} {
		for pg := 1; ; pg++ {
			p, err := eng.Transactions(ctx, engine.TxQuery{AccountID: id, From: from, To: to, Type: typ, Page: pg, Limit: engine.MaxPageSize})
			if err != nil {
				return s, err
			}
			var sum int64
			for _, t := range p.Transactions {
				sum += t.Amount
			}
			if typ == engine.Credit {
				s.in, s.nIn = s.in+sum, p.Total
			} else {
				s.out, s.nOut = s.out+sum, p.Total
			}
			if len(p.Transactions) < engine.MaxPageSize {
				break
			}
			if pg*engine.MaxPageSize >= maxFlowRows {
				s.capped = true
				break
			}
		}
	}
	s.opening = s.closing - s.in + s.out
	if s.capped { // the sums are partial: read the balance just before the period instead
		p, err := eng.Transactions(ctx, engine.TxQuery{AccountID: id, To: from.Add(-time.Nanosecond), Page: 1, Limit: 1})
		if err != nil {
			return s, err
		}
		s.opening = 0
		if len(p.Transactions) > 0 {
			s.opening = p.Transactions[0].Balance
		}
	}
	return s, nil
}

// export writes the statement's PDF, as GET /accounts/{id}/statement?output=pdf
// would serve it, into the export directory.
func (s *statementView) exportPDF() tea.Cmd {
	if s.export.loading {
		// One PDF at a time: e pressed again — for this period or another, m
		// between — waits for the one being written. It was dropped: e m e saved
		// one file (a fast typist's trial).
		s.queued = append(s.queued, s.months())
		return nil
	}
	return s.exportMonths(s.months())
}

// exportMonths writes the PDF of the last months months.
func (s *statementView) exportMonths(months int) tea.Cmd {
	s.saved, s.exportErr = nil, ""
	id, eng, ctx, dir := s.id, s.sh.eng, s.sh.ctx, s.sh.exportDir
	defer s.resize() // the line of the last export (two, maybe) gives way to one
	return load(&s.export, func() (exported, error) {
		e := exported{months: months, view: s}
		// The statement itself, not a job of the API's: the statement_build
		// setting, which makes an app's PDF wait, is not the presenter's.
		st, err := eng.Statement(ctx, id, months)
		if err != nil {
			return e, err
		}
		b, err := statement.PDF(st, eng.Clock().Now())
		if err != nil {
			return e, err
		}
		name := statement.FileName(st)
		e.path, e.size, e.n = filepath.Join(dir, name), len(b), len(st.Transactions)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return e, err
		}
		_, err = os.Lstat(e.path)
		e.over = err == nil
		return e, writePrivate(e.path, b)
	})
}

// writePrivate writes a file whole or not at all, readable by its owner alone —
// it holds a customer's name and every transaction, as the database does — and
// in place of whatever is at path: a link planted there under sandbank's name for
// the file (a folder others can write to) is replaced, not followed. It was
// os.WriteFile(0644): a link made the export write over the file it named (a
// security review's trial).
func writePrivate(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func (s *statementView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loaded[stmtSummary]:
		if msg.of(&s.gate) && msg.err == nil {
			s.sum = &msg.val
			s.resize() // the totals may take two lines
		}
		return nil
	case tea.KeyPressMsg:
		k := s.sh.keys
		switch {
		case key.Matches(msg, k.Months):
			s.mi = (s.mi + 1) % len(statementMonths)
			s.gate.stale = true
			s.saved, s.exportErr = nil, "" // it named the last period's file, as if this one's were saved
			return s.show(s.acct)
		case key.Matches(msg, k.Export):
			if s.acct.ID != "" && s.acct.LastSyncedAt.IsZero() {
				return toast(toastWarn, noStatementYet) // the engine's 409 speaks the API's routes
			}
			return s.exportPDF()
		}
	case mouseMsg:
		msg.Y -= s.listTop
		return s.list.Update(msg)
	}
	return s.list.Update(msg)
}

// next starts the export asked for while the last was written, if any.
func (s *statementView) next() tea.Cmd {
	if len(s.queued) == 0 || s.export.loading {
		return nil
	}
	months := s.queued[0]
	s.queued = s.queued[1:]
	return s.exportMonths(months)
}

// exported takes the PDF written, or why it was not (the Model routes it here,
// through detailPage.exported, which knows whether the page is on screen).
func (s *statementView) exported(msg loaded[exported]) tea.Cmd {
	if !s.shows(msg) {
		// m chose another period while it rendered: this period's line is not
		// its to show — it named the last period's file under this one.
		return exportToast(msg)
	}
	if msg.err != nil {
		s.exportErr = engine.ErrorMessageOrText(msg.err)
		s.resize()
		return exportToast(msg)
	}
	e := msg.val
	s.saved = &e
	s.resize() // it may take two lines
	return exportToast(msg)
}

// shows reports whether the statement's own line says how the export msg went:
// an export of the period it shows.
func (s *statementView) shows(msg loaded[exported]) bool { return msg.val.months == s.months() }

// exportToast says how an export went, where the statement's own line does not.
func exportToast(msg loaded[exported]) tea.Cmd {
	if msg.err != nil {
		return toast(toastBad, "Export failed: "+engine.ErrorMessageOrText(msg.err))
	}
	return toast(toastOK, "Saved "+msg.val.path+" "+msg.val.what())
}

// exportLines are the PDF's line: the hint, the rendering, or how the export
// went. A saved file too long for one line takes two, its name and size, then
// its folder: "Saved …" was cut at 80 columns ("(142 KB, 1068 transa…"). The
// toast, which said it again, is left to when the statement is not on screen
// (detailPage).
func (s *statementView) exportLines() []string {
	st := s.sh.styles
	switch {
	case s.export.loading:
		return []string{st.Accent.Render(" " + s.sh.spinner() + " rendering the PDF…")}
	case s.exportErr != "":
		return []string{st.Bad.Render(" Export failed: " + s.exportErr)}
	case s.saved != nil:
		e := *s.saved
		if one := " ✓ Saved " + e.path + " " + e.what(); ansi.StringWidth(one) <= s.w {
			return []string{st.OK.Render(one)}
		}
		return []string{st.OK.Render(" ✓ Saved " + filepath.Base(e.path) + " " + e.what()),
			st.OK.Render("   in " + filepath.Dir(e.path))}
	}
	return []string{st.Key.Render(" e") + st.Muted.Render(" exports this statement as a PDF into "+s.sh.exportDir)}
}

// noStatementYet says why an account that has never synced has no statement.
const noStatementYet = "No statement yet: no sync has succeeded (s syncs it)"

func (s *statementView) View() string {
	st := s.sh.styles
	if s.acct.ID != "" && s.acct.LastSyncedAt.IsZero() { // once the account is loaded (a review)
		// As the API's 409: a preview over months before the account was opened,
		// with the balance the widget saw, read as a statement (a review).
		s.listTop = 1
		return fit(st.Title.Render(" STATEMENT ")+st.Muted.Render(noStatementYet), s.w)
	}
	from, to := s.period()
	var months []string
	for i, m := range statementMonths {
		t := itoa(m) + "m"
		if i == s.mi {
			t = st.Selected.Render(" " + t + " ")
		} else {
			t = st.Muted.Render(" " + t + " ")
		}
		months = append(months, t)
	}
	// The picker before the dates: on a narrow screen the line is cut at its end.
	line1 := st.Title.Render(" STATEMENT ") + strings.Join(months, "") + st.Faint.Render(" m") +
		st.Muted.Render(" · last "+itoa(s.months())+" month"+plural(s.months())+" · "+fmtDate(from)+" – "+fmtDate(to)+" (as of the last sync)")
	summary := s.summaryLines()
	if s.sum == nil && s.gate.loading {
		summary = []string{st.Accent.Render(" " + s.sh.spinner() + " adding up the period…")}
	}
	lines := []string{fit(line1, s.w)}
	for _, l := range summary {
		lines = append(lines, fit(l, s.w))
	}
	for _, l := range s.exportLines() {
		lines = append(lines, fit(l, s.w))
	}
	s.listTop = len(lines)
	return strings.Join(lines, "\n") + "\n" + s.list.View()
}
