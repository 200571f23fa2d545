package statement

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"sandbank/engine"
)

// The same statement and time give the same bytes: a PDF the API serves and the
// TUI exports can be compared byte for byte.
func TestPDFIsDeterministic(t *testing.T) {
	at := time.Date(2026, time.November, 2, 9, 0, 0, 0, time.UTC)
	st := engine.Statement{
		Account: engine.BankAccount{Name: "ADÉ OKAFOR", Number: "4259134808", Type: "SAVINGS_ACCOUNT", Currency: "NGN",
			Institution: engine.Institution{Name: "Access Bank", Code: "044"}},
		From: at.AddDate(0, -1, 0), To: at, OpeningBalance: 1_000_000, ClosingBalance: 500_000,
		Transactions: []engine.Transaction{{Type: engine.Debit, Amount: 500_000, Balance: 500_000, Date: at.Add(-time.Hour),
			Narration: "POS PURCHASE SHOPRITE LEKKI"}},
	}
	a, err := PDF(st, at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := PDF(st, at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Equal(a, b) {
		t.Fatalf("two renders differ or are not PDFs (%d and %d bytes)", len(a), len(b))
	}
}

// The period is said to the second: the window runs from the last sync's
// instant, and "14 Apr 2027 to 14 May 2027" read as whole days, rows of 14 April
// before that time missing (a lending developer's trial).
func TestPeriodToTheSecond(t *testing.T) {
	to := time.Date(2027, 5, 14, 22, 26, 41, 500, time.UTC)
	if got, want := period(engine.MonthsBefore(to, 1), to), "14 Apr 2027 23:26:41 to 14 May 2027 23:26:41 WAT"; got != want {
		t.Errorf("period = %q, want %q", got, want)
	}
}

// A PDF's name says its account, months and end, so two of one account differ;
// a month back from 31 March (28 February) is one month.
func TestFileName(t *testing.T) {
	to := time.Date(2027, 3, 31, 9, 0, 0, 0, time.UTC)
	for months, want := range map[int]string{1: "statement-4259134808-1m-20270331-1000.pdf", 12: "statement-4259134808-12m-20270331-1000.pdf"} {
		st := engine.Statement{Account: engine.BankAccount{Number: "4259134808"}, From: engine.MonthsBefore(to, months), To: to}
		if got := FileName(st); got != want {
			t.Errorf("%d months: %q, want %q", months, got, want)
		}
	}
}

// A statement dates its rows and period by Lagos days, and writes Nigerian names
// in letters its fonts have: a credit at 00:30 WAT on 1 August read 31 Jul, and
// Ọláṣẹgun read .LÁ..GUN (a new user's trial).
func TestLagosDaysAndNigerianLetters(t *testing.T) {
	if got := day(time.Date(2021, 7, 31, 23, 30, 0, 0, time.UTC)); got != "01 Aug 2021" {
		t.Errorf("23:30 UTC on 31 July is dated %q, want 01 Aug 2021", got)
	}
	for in, want := range map[string]string{
		"Ọláṣẹgun Adéṣínà":     "Olásegun Adésínà",
		"Adébáyọ\u0300 Ọlá":    "Adébáyo Olá",
		"Ụ̀chẹ Ńnàmdị":         "Uche Nnàmdi",
		"Ɗanladi Ƙwarɓa":       "Danladi Kwarba",
		"NIP TRF FROM ₦ ÉMÉKA": "NIP TRF FROM NGN  ÉMÉKA",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// A narration is cut to its column's width, not to a count of characters: 52
// capitals at 8 pt were 95 mm wide in a column of 78 and printed over the debit
// (a review). What fits is kept whole.
func TestNarrationFitsItsColumn(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetFont("Helvetica", "", 8)
	room := 78 - 2*pdf.GetCellMargin()
	for _, s := range []string{
		"POS PURCHASE MOMO WAREHOUSE MEGAMALL WUSE WWWWWWWWWWWWWWWWWWWWW",
		"NIP TRF FROM BALOGUN GLOBAL RESOURCES LTD/STERLING",
		strings.Repeat("W", 200),
		strings.Repeat("i", 200),
	} {
		got := fit(pdf, s, 78)
		if w := pdf.GetStringWidth(got); w > room {
			t.Errorf("%q is %.1f mm wide in %.1f mm", got, w, room)
		}
		if !strings.HasSuffix(got, "~") || !strings.HasPrefix(s, strings.TrimSuffix(got, "~")) {
			t.Errorf("%q cut to %q, not its beginning marked with ~", s, got)
		}
	}
	if s := "POS PURCHASE SHOPRITE LEKKI"; fit(pdf, s, 78) != s {
		t.Errorf("%q, which fits, was cut to %q", s, fit(pdf, s, 78))
	}
	if got := accountType("SAVINGS_ACCOUNT"); got != "Savings account" {
		t.Errorf("account type %q", got)
	}
}
