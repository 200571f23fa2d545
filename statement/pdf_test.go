package statement

import (
	"bytes"
	"testing"
	"time"

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
