package engine_test

import (
	"reflect"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// smallAccount is a dormant account whose every transaction the test posts, so its
// credits, debits and income can be summed by hand:
//
//	20 Aug 13:00  credit  5,000,000  CASH DEPOSIT - ACCOUNT OPENING
//	25 Aug        credit 30,000,000  SALARY AUG 2021 - ACME LTD
//	28 Aug        debit   1,200,000  POS PURCHASE SHOPRITE LEKKI
//	 3 Sep        credit  2,500,000  NIP TRF FROM BOLA ADE
//	25 Sep        credit 30,000,000  SALARY SEP 2021 - ACME LTD
//	 2 Oct        debit   2,000,000  ATM WDL GTB LEKKI
//	25 Oct        credit 30,000,000  SALARY OCT 2021 - ACME LTD
//
// then connects it on 30 Oct: its first sync brings all of it.
func smallAccount(t *testing.T, w *world) engine.Account {
	t.Helper()
	c := w.customer(simulator.NewCustomer{Name: "Tola Ade", Institution: "044", Balance: 5_000_000})
	post := func(day time.Time, typ engine.TxType, kobo int64, narration string) {
		t.Helper()
		if d := day.Sub(w.clock.Now()); d > 0 {
			w.advance(d)
		}
		if _, err := w.bank.PostTransaction(c.ID, simulator.Posting{Account: c.Accounts[0].Number, Type: typ,
			Amount: kobo, Narration: narration}); err != nil {
			t.Fatal(err)
		}
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2021, m, d, 12, 0, 0, 0, engine.WAT) }
	post(day(8, 25), engine.Credit, 30_000_000, "SALARY AUG 2021 - ACME LTD")
	post(day(8, 28), engine.Debit, 1_200_000, "POS PURCHASE SHOPRITE LEKKI")
	post(day(9, 3), engine.Credit, 2_500_000, "NIP TRF FROM BOLA ADE")
	post(day(9, 25), engine.Credit, 30_000_000, "SALARY SEP 2021 - ACME LTD")
	post(day(10, 2), engine.Debit, 2_000_000, "ATM WDL GTB LEKKI")
	post(day(10, 25), engine.Credit, 30_000_000, "SALARY OCT 2021 - ACME LTD")
	w.advance(day(10, 30).Sub(w.clock.Now()))
	return w.connect(c)
}

func TestCreditsDebitsAndIncome(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := smallAccount(t, w)
	month := func(m time.Month) time.Time { return time.Date(2021, m, 1, 0, 0, 0, 0, engine.WAT) }

	credits, err := w.eng.Flow(w.ctx, a.ID, engine.Credit)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Flow{Type: engine.Credit, Total: 97_500_000, Count: 5, History: []engine.MonthFlow{
		{month(8), 35_000_000, 2}, {month(9), 32_500_000, 2}, {month(10), 30_000_000, 1}}}
	if !reflect.DeepEqual(credits, want) {
		t.Fatalf("credits = %+v\nwant %+v", credits, want)
	}
	debits, err := w.eng.Flow(w.ctx, a.ID, engine.Debit)
	if err != nil {
		t.Fatal(err)
	}
	want = engine.Flow{Type: engine.Debit, Total: 3_200_000, Count: 2, History: []engine.MonthFlow{
		{month(8), 1_200_000, 1}, {month(9), 0, 0}, {month(10), 2_000_000, 1}}}
	if !reflect.DeepEqual(debits, want) {
		t.Fatalf("debits = %+v\nwant %+v", debits, want)
	}

	in, err := w.eng.Income(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	salary := engine.IncomeStream{Source: "SALARY - ACME LTD", Total: 90_000_000, Count: 3, Months: 3, MonthlyAverage: 30_000_000,
		First: time.Date(2021, 8, 25, 11, 0, 0, 0, time.UTC), Last: time.Date(2021, 10, 25, 11, 0, 0, 0, time.UTC)}
	if in.Months != 3 || in.Total != 97_500_000 || in.Regular != 90_000_000 || in.MonthlyAverage != 32_500_000 ||
		in.MonthlyAverageRegular != 30_000_000 || in.MonthlyAverageIrregular != 2_500_000 ||
		len(in.Streams) != 1 || !reflect.DeepEqual(in.Streams[0], salary) {
		t.Fatalf("income = %+v", in)
	}

	// As of the last sync (R1): a credit at the bank changes nothing until a sync.
	w.advance(time.Hour)
	if _, err := w.bank.PostTransaction(a.CustomerID, simulator.Posting{Account: a.Number, Type: engine.Credit, Amount: 1}); err != nil {
		t.Fatal(err)
	}
	if again, _ := w.eng.Flow(w.ctx, a.ID, engine.Credit); again.Total != 97_500_000 {
		t.Fatalf("credits before a sync = %d, want the last sync's 97500000", again.Total)
	}
	if _, err := w.eng.Flow(w.ctx, "nope", engine.Credit); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("an unknown account = %v", err)
	}
}

func TestIncomeSource(t *testing.T) {
	for in, want := range map[string]string{
		"SALARY AUG 2021 - ACME LTD":         "SALARY - ACME LTD",
		"salary  September 2021 -  Acme Ltd": "SALARY - ACME LTD",
		"PENSION 07/2021 PTAD":               "PENSION / PTAD",
		"NIP TRF FROM BOLA ADE/0123456789":   "NIP TRF FROM BOLA ADE/",
		"BULK TRF SALARY PAYMENT NOV 2026":   "BULK TRF SALARY PAYMENT",
		"":                                   "",
		"MAYFAIR GARDENS RENT":               "MAYFAIR GARDENS RENT",
	} {
		if got := engine.IncomeSource(in); got != want {
			t.Errorf("IncomeSource(%q) = %q, want %q", in, got, want)
		}
	}
}

// An account with no credits has an income period all the same: the last sync
// (it was two empty strings, against the API's own description).
func TestIncomeWithoutCredits(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c, err := w.bank.AddCustomer(simulator.NewCustomer{Institution: "232"})
	if err != nil {
		t.Fatal(err)
	}
	a := w.connect(c)
	in, err := w.eng.Income(w.ctx, a.ID)
	if err != nil || a.LastSyncedAt.IsZero() || !in.From.Equal(a.LastSyncedAt) || !in.To.Equal(a.LastSyncedAt) || in.Total != 0 {
		t.Fatalf("income of an account without credits = %+v, %v; want its period at the last sync, %s", in, err, a.LastSyncedAt)
	}
}

// Debits list every month of the synced history, as credits do, even with no debit
// at all: an account with only its opening deposit answered debits with no month
// while its credits listed one (a newcomer trial).
func TestFlowListsEveryMonthWithoutAny(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Kunle Ade", Institution: "044", Balance: 5_000_000})
	w.advance(40 * 24 * time.Hour)
	a := w.connect(c)
	credits, err := w.eng.Flow(w.ctx, a.ID, engine.Credit)
	if err != nil {
		t.Fatal(err)
	}
	debits, err := w.eng.Flow(w.ctx, a.ID, engine.Debit)
	if err != nil {
		t.Fatal(err)
	}
	if credits.Count != 1 || len(credits.History) != 2 || debits.Count != 0 || len(debits.History) != len(credits.History) {
		t.Fatalf("credits %+v, debits %+v; want the opening deposit's month and the next in both", credits, debits)
	}
	for i, m := range debits.History {
		if !m.Month.Equal(credits.History[i].Month) || m.Amount != 0 || m.Count != 0 {
			t.Fatalf("debits month %d = %+v; want %s, empty", i, m, credits.History[i].Month)
		}
	}
}

// A regular stream pays as an income does: credits filed as income, about once a
// month, of about the same amount. A trader's customers who each paid often were
// regular streams, all of a trader's takings "regular", and a friend's few
// transfers one too (a data analyst's trial).
func TestRegularIncomeIsIncomeAboutMonthly(t *testing.T) {
	w := newWorld(t, worldOpts{})
	c := w.customer(simulator.NewCustomer{Name: "Tola Ade", Institution: "044", Balance: 5_000_000})
	post := func(day time.Time, kobo int64, narration string) {
		t.Helper()
		if d := day.Sub(w.clock.Now()); d > 0 {
			w.advance(d)
		}
		if _, err := w.bank.PostTransaction(c.ID, simulator.Posting{Account: c.Accounts[0].Number, Type: engine.Credit,
			Amount: kobo, Narration: narration}); err != nil {
			t.Fatal(err)
		}
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2021, m, d, 12, 0, 0, 0, engine.WAT) }
	for m := time.August; m <= time.November; m++ {
		post(day(m, 3), 25_000_000, "SALARY "+m.String()+" 2021 - ACME LTD")     // regular
		post(day(m, 5), int64(m)*100_000, "NIP TRF FROM ADEBAYO ADEBAYO/ZENITH") // a friend's: a transfer
		post(day(m, 7), int64((m-7)*(m-7))*1_000_000, "MARKET SALES SETTLEMENT") // income, amounts far apart
		post(day(m, 9), 1_000_000, "POS SETTLEMENT STALL 12")                    // income, but weekly
		post(day(m, 16), 1_000_000, "POS SETTLEMENT STALL 12")
		pension := int64(10_000_000)
		if m == time.November {
			pension *= 2 // a bonus month: still regular
		}
		post(day(m, 20), pension, "PENSION 07/2021 PTAD")
	}
	w.advance(day(11, 30).Sub(w.clock.Now()))
	a := w.connect(c)
	in, err := w.eng.Income(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, s := range in.Streams {
		sources = append(sources, s.Source)
	}
	if !reflect.DeepEqual(sources, []string{"SALARY - ACME LTD", "PENSION / PTAD"}) {
		t.Fatalf("regular streams %q; want the salary and the pension alone", sources)
	}
}
