package tui

import (
	"testing"
	"time"
)

// ago is at most 11 cells — the dashboard's SYNCED column — and past a month
// drops the hours, past a year the days: a jump of decades read "28920d 14h ago".
func TestAgo(t *testing.T) {
	now := time.Date(2106, time.February, 7, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		before time.Duration
		want   string
	}{
		{30 * time.Second, "just now"},
		{4 * time.Minute, "4m ago"},
		{77 * time.Minute, "1h 17m ago"},
		{16*time.Hour + 42*time.Minute, "16h 42m ago"},
		{29*24*time.Hour + 23*time.Hour, "29d 23h ago"},
		{45*24*time.Hour + 5*time.Hour, "45d ago"},
		{364 * 24 * time.Hour, "364d ago"},
		{3*365*24*time.Hour + 100*24*time.Hour, "3y ago"},
		{28920*24*time.Hour + 14*time.Hour, "79y ago"},
		{-(2*time.Hour + 5*time.Minute), "in 2h 5m"},
		{-time.Nanosecond, "just now"}, // a job of this instant, stamped after the one before it
	} {
		got := ago(now, now.Add(-tc.before))
		if got != tc.want {
			t.Errorf("ago(%v before) = %q, want %q", tc.before, got, tc.want)
		}
		if len(got) > 11 {
			t.Errorf("ago(%v before) = %q: %d cells, more than the SYNCED column's 11", tc.before, got, len(got))
		}
	}
	if got := ago(now, time.Time{}); got != "never" {
		t.Errorf("ago(zero) = %q", got)
	}
}
