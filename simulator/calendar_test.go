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
		date string
		due  int
		want int
	}{
		{"2026-11-25", 25, 25}, // a Wednesday
		{"2026-10-25", 25, 23}, // Sunday → Friday 23rd
		{"2026-10-24", 24, 23}, // Saturday → Friday 23rd
		{"2026-02-10", 31, 27}, // 28 February 2026 is a Saturday → Friday 27th
	} {
		tm, _ := time.ParseInLocation("2006-01-02", tc.date, wat)
		if got := workday(civil(dayOf(tm.UnixNano())), tc.due); got != tc.want {
			t.Errorf("workday(%s, %d) = %d, want %d", tc.date, tc.due, got, tc.want)
		}
	}
}
