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
