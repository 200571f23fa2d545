// Package statement renders an account's statement as the PDF a lender expects. The
// API serves it (GET /accounts/{id}/statement?output=pdf) and the TUI exports it: one
// renderer, so both faces give the same bytes for the same statement.
package statement

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"

	"sandbank/engine"
)

// PDF renders a statement as a lender would expect one: the bank, the
// holder and account number, the period, opening and closing balances, totals,
// every transaction, and page numbers. The same statement and time give the same bytes.
func PDF(st engine.Statement, generated time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("") // the core fonts' encoding: names with accents survive
	tr := func(s string) string { return cp1252(fold(s)) }
	pdf.SetCreationDate(generated)
	pdf.SetModificationDate(generated)
	pdf.SetCatalogSort(true)
	pdf.SetTitle("Statement of account "+st.Account.Number, true)
	pdf.SetAuthor(st.Account.Institution.Name+" (simulated by sandbank)", true)
	pdf.SetProducer("sandbank", true)
	pdf.SetMargins(12, 12, 12)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("{nb}")

	cols := []struct {
		title string
		width float64
		align string
	}{{"Date", 24, "L"}, {"Narration", 78, "L"}, {"Debit", 26, "R"}, {"Credit", 26, "R"}, {"Balance", 32, "R"}}
	tableHeader := func() {
		pdf.SetFont("Helvetica", "B", 8)
		pdf.SetFillColor(230, 234, 240)
		for _, c := range cols {
			pdf.CellFormat(c.width, 6, c.title, "1", 0, c.align, true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("Helvetica", "", 8)
	}
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("Helvetica", "B", 14)
		pdf.CellFormat(120, 8, tr(st.Account.Institution.Name), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(0, 8, "STATEMENT OF ACCOUNT", "", 1, "R", false, 0, "")
		pdf.SetDrawColor(30, 60, 120)
		pdf.Line(12, pdf.GetY(), 198, pdf.GetY())
		pdf.Ln(2)
		if pdf.PageNo() > 1 {
			tableHeader()
		}
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "I", 7)
		pdf.CellFormat(130, 5, tr("Generated "+generated.In(engine.WAT).Format("02 Jan 2006 15:04 MST")+
			" by sandbank - simulated data for testing, not a real bank statement"), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, "Page "+strconv.Itoa(pdf.PageNo())+" of {nb}", "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	var credits, debits int64
	var nCredit, nDebit int
	for _, t := range st.Transactions {
		if t.Type == engine.Credit {
			credits += t.Amount
			nCredit++
		} else {
			debits += t.Amount
			nDebit++
		}
	}
	field := func(label, value string) {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(38, 5.5, label, "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(0, 5.5, tr(value), "", 1, "L", false, 0, "")
	}
	cur := st.Account.Currency
	field("Account name", st.Account.Name)
	field("Account number", st.Account.Number)
	field("Account type", accountType(st.Account.Type))
	field("Bank", fmt.Sprintf("%s (CBN code %s)", st.Account.Institution.Name, st.Account.Institution.Code))
	field("Period", period(st.From, st.To))
	field("Opening balance", cur+" "+engine.Naira(st.OpeningBalance))
	field("Closing balance", cur+" "+engine.Naira(st.ClosingBalance))
	field("Total credits", fmt.Sprintf("%s %s (%d)", cur, engine.Naira(credits), nCredit))
	field("Total debits", fmt.Sprintf("%s %s (%d)", cur, engine.Naira(debits), nDebit))
	pdf.Ln(3)
	tableHeader()
	// A page that breaks inside the table closes it with a line, as the last
	// page does: the rows' borders are left and right only.
	pdf.SetAcceptPageBreakFunc(func() bool {
		pdf.Line(12, pdf.GetY(), 198, pdf.GetY())
		return true
	})
	for i, t := range st.Transactions {
		fill := i%2 == 1
		pdf.SetFillColor(246, 248, 251)
		debit, credit := engine.Naira(t.Amount), ""
		if t.Type == engine.Credit {
			debit, credit = "", engine.Naira(t.Amount)
		}
		row := []string{day(t.Date), fit(pdf, tr(t.Narration), cols[1].width), debit, credit, engine.Naira(t.Balance)}
		for j, c := range cols {
			pdf.CellFormat(c.width, 5, row[j], "LR", 0, c.align, fill, 0, "")
		}
		pdf.Ln(-1)
	}
	if len(st.Transactions) == 0 {
		pdf.CellFormat(186, 6, "No transactions in this period.", "1", 1, "C", false, 0, "")
	}
	pdf.Line(12, pdf.GetY(), 198, pdf.GetY())

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("rendering the statement PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// day is an instant's day in Lagos, as a Nigerian bank's statement dates it: a
// credit at 00:30 WAT on 1 August read 31 Jul, as UTC has it.
func day(t time.Time) string { return t.In(engine.WAT).Format("02 Jan 2006") }

// FileName is a statement's PDF's name: its account, months and end, as the TUI
// exports it and the API serves it — "statement-4259134808-3m-20270514-2326.pdf".
// Every PDF of an account downloaded as statement-<number>.pdf, whatever its
// period (a lending developer's trial).
func FileName(st engine.Statement) string {
	from, to := st.From.In(engine.WAT), st.To.In(engine.WAT)
	months := (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month())
	return fmt.Sprintf("statement-%s-%dm-%s.pdf", st.Account.Number, months, to.Format("20060102-1504"))
}

// period says a statement's window to the second, as it runs: from the last
// sync's instant, months back, to it. Said in days, "14 Apr 2027 to 14 May 2027"
// read as whole days, and three rows of 14 April before 23:26 were missing (a
// lending developer's trial).
func period(from, to time.Time) string {
	const layout = "02 Jan 2006 15:04:05"
	return from.In(engine.WAT).Format(layout) + " to " + to.In(engine.WAT).Format(layout) + " WAT"
}

// folded are letters of Nigerian names that cp1252, the PDF's core fonts'
// encoding, lacks, as their base letters: Yoruba's and Igbo's dotted vowels and
// ṣ, the syllabic n and m with their tones, Hausa's hooked letters. cp1252 turned each into a dot
// (".LÁ..GUN" for Ọláṣẹgun).
var folded = map[rune]string{
	'Ẹ': "E", 'ẹ': "e", 'Ọ': "O", 'ọ': "o", 'Ṣ': "S", 'ṣ': "s", 'Ị': "I", 'ị': "i", 'Ụ': "U", 'ụ': "u",
	'Ṅ': "N", 'ṅ': "n", 'Ń': "N", 'ń': "n", 'Ǹ': "N", 'ǹ': "n", 'Ḿ': "M", 'ḿ': "m", 'Ɓ': "B", 'ɓ': "b", 'Ɗ': "D", 'ɗ': "d", 'Ƙ': "K", 'ƙ': "k", 'Ƴ': "Y", 'ƴ': "y",
	'₦': "NGN ",
}

// fold writes s in letters cp1252 has: those above as their base letters, and a
// tone mark typed on its own (ọ + U+0300) left out; cp1252's own accented
// letters stay as they are.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case folded[r] != "":
			b.WriteString(folded[r])
		case unicode.Is(unicode.Mn, r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fit cuts s (in the core fonts' one-byte encoding) to what a cell of width mm
// shows in the current font, marking the cut with "~". Cut at 52 characters,
// a narration of capitals was 95 mm wide in a column of 78, and printed over the
// debit beside it (a review).
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	room := width - 2*pdf.GetCellMargin()
	if pdf.GetStringWidth(s) <= room {
		return s
	}
	for s != "" && pdf.GetStringWidth(s+"~") > room {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, " ") + "~"
}

// accountType is a type as a statement prints it: "SAVINGS_ACCOUNT" reads
// "Savings account".
func accountType(t string) string {
	t = strings.ToLower(strings.ReplaceAll(t, "_", " "))
	if t == "" {
		return t
	}
	return strings.ToUpper(t[:1]) + t[1:]
}
