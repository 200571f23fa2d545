package scenario

import (
	"testing"
	"time"
)

// The calls before an expect_call: step's window are counted in words that agree
// with the count: "1 call …, which do not count" (a QA engineer's trial).
func TestCallsBeforeTheWindowAgreeWithTheirCount(t *testing.T) {
	from := time.Date(2025, 3, 10, 9, 11, 0, 0, time.UTC)
	sv := &Serving{}
	for i, want := range []string{
		"nothing (and 1 call before 2025-03-10T09:11:00Z, which does not count)",
		"nothing (and 2 calls before 2025-03-10T09:11:00Z, which do not count)",
	} {
		sv.calls = append(sv.calls, observedCall{at: from.Add(-time.Minute), method: "GET", path: "/accounts/x", status: 200})
		if got := sv.callsBetween(from, from.Add(time.Hour)); got != want {
			t.Errorf("%d calls before: %q; want %q", i+1, got, want)
		}
	}
}

// The calls in the window are listed at their full times, as the window is, and a
// call an earlier step matched says which: "at 10:00:00" beside a window from
// "2024-03-04T10:00:00Z", and a call step 8 had taken, read as candidates (a QA
// engineer's trial).
func TestCallsInTheWindowSayWhenInFullAndWhatMatchedThem(t *testing.T) {
	from := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	sv := &Serving{claimed: map[int]int{}}
	sv.calls = []observedCall{
		{at: from, method: "POST", path: "/accounts/x/sync", status: 200},
		{at: from.Add(time.Minute), method: "GET", path: "/accounts/x", status: 200},
	}
	sv.claimed[0] = 8
	want := "POST /accounts/x/sync at 2024-03-04T10:00:00Z (200; matched by step 8), GET /accounts/x at 2024-03-04T10:01:00Z (200)"
	if got := sv.callsBetween(from, from.Add(time.Hour)); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
