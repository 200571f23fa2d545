package simulator

import (
	"testing"
	"time"
)

// The integer calendar agrees with package time, in Lagos time.
func TestCalendarMatchesTime(t *testing.T) {
	start := time.Date(1969, 12, 1, 0, 0, 0, 0, wat)
	for i := 0; i < 366*80; i += 7 {
		tm := start.AddDate(0, 0, i).Add(time.Duration(i%24) * time.Hour)
		d := dayOf(tm.UnixNano())
		c := civil(d)
		if c.year != tm.Year() || c.month != int(tm.Month()) || c.dom != tm.Day() || c.weekday != int(tm.Weekday()) {
			t.Fatalf("%v: civil %+v", tm, c)
		}
		if ds := time.Unix(0, dayStart(d)).In(wat); ds.Hour() != 0 || ds.Day() != tm.Day() {
			t.Fatalf("%v: day starts at %v", tm, ds)
		}
		if last := time.Date(c.year, time.Month(c.month)+1, 0, 0, 0, 0, 0, wat).Day(); c.dim != last {
			t.Fatalf("%v: %d days in the month, want %d", tm, c.dim, last)
		}
	}
}

func TestWorkday(t *testing.T) {
	for _, tc := range []struct {
		date     string
		due      int
		holidays bool
		want     int
	}{
		{"2026-11-25", 25, false, 25}, // a Wednesday
		{"2026-10-25", 25, false, 23}, // Sunday → Friday 23rd
		{"2026-10-24", 24, false, 23}, // Saturday → Friday 23rd
		{"2026-02-10", 31, false, 27}, // 28 February 2026 is a Saturday → Friday 27th
		{"2026-11-25", 25, true, 25},
		{"2026-10-25", 25, true, 23},
		{"2026-12-01", 25, false, 25}, // Christmas Day, a Friday: version 1 pays on it
		{"2026-12-01", 25, true, 24},  // … version 2 on Thursday 24th
		{"2026-12-01", 26, true, 24},  // Boxing Day, a Saturday, observed on Monday 28th
		{"2026-12-01", 28, true, 24},
		{"2025-12-01", 26, true, 24}, // Boxing Day 2025, a Friday, after Christmas
		{"2026-04-01", 3, true, 2},   // Good Friday 2026
		{"2026-04-01", 6, true, 2},   // Easter Monday 2026: back over the weekend and Good Friday
		{"2026-10-01", 1, true, 2},   // Independence Day, a Thursday: the month starts with it, so the next working day
		{"2026-06-01", 12, true, 11}, // Democracy Day, a Friday
		{"2027-05-01", 3, true, 4},   // Workers' Day 2027 is a Saturday, observed Monday 3rd: Tuesday 4th
	} {
		tm, _ := time.ParseInLocation("2006-01-02", tc.date, wat)
		if got := workday(civil(dayOf(tm.UnixNano())), tc.due, tc.holidays); got != tc.want {
			t.Errorf("workday(%s, %d, holidays %v) = %d, want %d", tc.date, tc.due, tc.holidays, got, tc.want)
		}
	}
	// Easter against known dates.
	for y, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"} {
		if got := easterSunday(y).Format("2006-01-02"); got != want {
			t.Errorf("Easter %d: %s, want %s", y, got, want)
		}
	}
}
