package engine_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"sandbank/engine"
)

// A statement of the last months starts that many Lagos calendar months back, on
// the same day or on the month's last day when it is shorter: never in the month
// after (time.AddDate turns "a month before 31 March" into 3 March).
func TestMonthsBefore(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		to     string
		months int
		want   string
	}{
		{"2026-03-31T11:00:00Z", 1, "2026-02-28T11:00:00Z"},
		{"2028-03-31T11:00:00Z", 1, "2028-02-29T11:00:00Z"},
		{"2026-05-31T11:00:00Z", 1, "2026-04-30T11:00:00Z"},
		{"2026-05-15T11:00:00Z", 3, "2026-02-15T11:00:00Z"},
		{"2026-01-31T11:00:00Z", 2, "2025-11-30T11:00:00Z"},
		{"2026-12-31T11:00:00Z", 12, "2025-12-31T11:00:00Z"},
		// 23:30 UTC on 31 March is 00:30 WAT on 1 April: a month before is 1 March.
		{"2026-03-31T23:30:00Z", 1, "2026-02-28T23:30:00Z"},
	} {
		if got := engine.MonthsBefore(at(c.to), c.months); !got.Equal(at(c.want)) {
			t.Errorf("MonthsBefore(%s, %d) = %s, want %s", c.to, c.months, got.Format(time.RFC3339), c.want)
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		to := time.Unix(rapid.Int64Range(0, 4102444800).Draw(rt, "unix"), 0).UTC()
		months := rapid.IntRange(1, 12).Draw(rt, "months")
		got := engine.MonthsBefore(to, months)
		w, g := to.In(engine.WAT), got.In(engine.WAT)
		if diff := (w.Year()*12 + int(w.Month())) - (g.Year()*12 + int(g.Month())); diff != months {
			rt.Fatalf("%s: %d months before is %s, %d Lagos months back", w, months, g, diff)
		}
		lastDay := time.Date(g.Year(), g.Month()+1, 0, 0, 0, 0, 0, engine.WAT).Day()
		if want := min(w.Day(), lastDay); g.Day() != want {
			rt.Fatalf("%s: %d months before is %s, want day %d", w, months, g, want)
		}
		if g.Hour() != w.Hour() || g.Minute() != w.Minute() || g.Second() != w.Second() {
			rt.Fatalf("%s: %d months before is %s, another time of day", w, months, g)
		}
	})
}

// A 12-month statement holds every row the bank has in its window, whatever the
// connect's date: connected on 29 February, the first sync fetched from 1 March a
// year before (time.AddDate's reading of "12 months before"), while the statement
// starts on 28 February, and the day between was missing, with the opening balance
// of the day after.
func TestAStatementOfAConnectOnALeapDayIsWhole(t *testing.T) {
	w := newWorld(t, worldOpts{customers: 1, start: time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC)})
	c := w.bank.Customers()[0]
	a := w.connect(c)
	st, err := w.eng.Statement(w.ctx, a.ID, 12)
	if err != nil {
		t.Fatal(err)
	}
	bank, err := w.bank.History(c.Accounts[0].Number, st.From, st.To)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.From.In(engine.WAT).Format(time.DateOnly), "2027-02-28"; got != want {
		t.Errorf("the statement starts on %s, want %s", got, want)
	}
	if len(st.Transactions) != len(bank) || len(bank) == 0 {
		t.Fatalf("the statement holds %d rows, the bank %d in its window", len(st.Transactions), len(bank))
	}
	first := bank[0]
	open := first.Balance - first.Amount
	if first.Type == engine.Debit {
		open = first.Balance + first.Amount
	}
	if st.OpeningBalance != open {
		t.Errorf("opening balance %s, the bank's %s", engine.Naira(st.OpeningBalance), engine.Naira(open))
	}
}
