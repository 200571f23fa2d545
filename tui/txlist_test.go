package tui

import (
	"testing"
	"time"

	"sandbank/engine"
)

func TestParseDay(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, engine.WAT).UTC() }
	for _, c := range []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: ""},
		{in: "2030-04-24", want: day(2030, time.April, 24)},
		{in: " 2030-4-2 ", want: day(2030, time.April, 2)},
		{in: "24/04/2030", want: day(2030, time.April, 24)}, // day first, as Nigeria writes it
		{in: "24-04-2030", want: day(2030, time.April, 24)}, // as Mono writes it
		{in: "3/4/2030", want: day(2030, time.April, 3)},
		{in: "2028-02-29", want: day(2028, time.February, 29)},
		{in: "2030-02-31", wantErr: "2030-02-31 is no date: February 2030 has 28 days"},
		{in: "29/02/2030", wantErr: "29/02/2030 is no date: February 2030 has 28 days"},
		{in: "2030-04-31", wantErr: "2030-04-31 is no date: April 2030 has 30 days"},
		{in: "2030-04-00", wantErr: "2030-04-00 is no date: April 2030 has 30 days"},
		{in: "2030-13-01", wantErr: "2030-13-01 is no date: the months are 01 to 12"},
		{in: "31-31-2026", wantErr: "31-31-2026 is no date: the months are 01 to 12"},
		{in: "04/24/2030", wantErr: "04/24/2030 is no date: the day comes first, as in 24/04/2030"},
		{in: "24/04-2030", wantErr: "type a date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-10-01"},
		{in: "2030/04/24", wantErr: "type a date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-10-01"},
		{in: "next week", wantErr: "type a date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-10-01"},
	} {
		got, err := parseDay(c.in, false)
		if err != c.wantErr || !got.Equal(c.want) {
			t.Errorf("parseDay(%q) = %s, %q; want %s, %q", c.in, got, err, c.want, c.wantErr)
		}
		if end, _ := parseDay(c.in, true); !c.want.IsZero() && !end.Equal(c.want.AddDate(0, 0, 1).Add(-time.Nanosecond)) {
			t.Errorf("parseDay(%q) as an end = %s, want the day's last instant", c.in, end)
		}
	}
}

// FuzzParseDay: a date read is the day the filter line then shows, which reads
// back as itself; one refused says why.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2030-02-31", "24/04/2030", "04/24/2030", "2028-02-29", "0000-01-01", "9999-12-31", "1-1-2030"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		day, why := parseDay(s, false)
		if why != "" {
			if !day.IsZero() {
				t.Fatalf("%q refused (%s) with a day", s, why)
			}
			return
		}
		if day.IsZero() {
			return // nothing typed
		}
		again, why := parseDay(dayText(day), false)
		if why != "" || !again.Equal(day) {
			t.Fatalf("%q read as %s, shown as %s, which reads as %s (%s)", s, day, dayText(day), again, why)
		}
	})
}

// The filter form says why a date in the form asked for is refused — it was
// "type a date as YYYY-MM-DD" for 2030-02-31, typed so — and reads a date typed
// day first as the day it is, the filter line showing it (a newcomer's trial).
func TestTransactionsFilterDates(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("enter", "right", "f", "tab")
	h.typ("2030-02-31")
	h.press("enter")
	h.golden("detail-transactions-filter-no-date")
	h.press("ctrl+u")
	h.typ("2030-04-30")
	h.press("shift+tab")
	h.typ("24/04/2030")
	h.press("enter")
	h.contains("filters: from 2030-04-24 · to 2030-04-30")
}
