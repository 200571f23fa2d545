package simulator

import (
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"30m", 30 * time.Minute},
		{"+2m", 2 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"1d", 24 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"2w", 14 * 24 * time.Hour},
		{"1w2d3h4m5s", (7+2)*24*time.Hour + 3*time.Hour + 4*time.Minute + 5*time.Second},
		{"1.5d", 36 * time.Hour},
		{" 10m ", 10 * time.Minute},
		{"500ms", 500 * time.Millisecond},
		{"0.5h", 30 * time.Minute},
		{"1y", 365 * 24 * time.Hour},
		{"2y1d", 731 * 24 * time.Hour},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "+", "0", "0m", "-1m", "+-1m", "1", "m", "1x", "1d-2h", "abc", "1..5h",
		"1.2.3h", ".h", "1 d", "99999999999999999999h", "300000w", "++1m", "1e3s", "1h 30m", "2mo", "1M", "3months",
		"1d1d", "30m1h", "1h30"} { // a unit twice or out of order; a number without its unit
		_, err := ParseDuration(in)
		if engine.ErrorCode(err) != engine.EINVALID {
			t.Errorf("ParseDuration(%q): error %v, want EINVALID", in, err)
			continue
		}
		tooLong := in == "99999999999999999999h" || in == "300000w"
		month := strings.ContainsAny(in, "oM")
		if msg := engine.ErrorMessage(err); tooLong != strings.Contains(msg, "is too long: a duration can be at most about 292 years") ||
			month != strings.Contains(msg, "a month is no fixed length") || !tooLong && !month && !strings.Contains(msg, "1d12h") {
			t.Errorf("ParseDuration(%q): message %q does not say the accepted form", in, msg)
		}
	}
}

// A duration past what Go counts, given to a route with a limit, is told the
// route's limit: an outage of 1000000d read "at most about 292 years", the
// outage's 30d unsaid (a bad-input trial).
func TestTooLongSaysTheRoutesLimit(t *testing.T) {
	_, err := ParseDurationLike("1000000d", OutageExamples)
	if msg := engine.ErrorMessage(err); msg != `"1000000d" is too long: at most 30d` {
		t.Errorf("an outage of 1000000d: %q", msg)
	}
	// A latency's, whose limit says more after it (a review: "at most 1m; 0 for
	// none"), and statement_build's, which named none.
	if _, err := ParseDurationLike("1000000d", "500ms or 2s (at most 1m; 0 for none)"); engine.ErrorMessage(err) != `"1000000d" is too long: at most 1m` {
		t.Errorf("a latency of 1000000d: %q", engine.ErrorMessage(err))
	}
	if _, err := ParseStatementBuild("1000000d"); !strings.Contains(engine.ErrorMessage(err), `"1000000d" is too long: at most 1h`) {
		t.Errorf("a statement_build of 1000000d: %q", engine.ErrorMessage(err))
	}
}

// A unit given twice says to write each once, largest first (1d1d read as two
// days); a number left without its unit after another gets a did-you-mean (a
// new user's trial).
func TestParseDurationSaysWhatWasMeant(t *testing.T) {
	for in, want := range map[string]string{
		"1d1d":  "write each unit once, the largest first",
		"30m1h": "write each unit once, the largest first",
		"1h30":  `did you mean 1h30m?`,
		"2d12":  `did you mean 2d12h?`,
		// A negative duration is one, only negative; a number alone lacks its unit
		// ({"advance":120}): "is not a duration" said neither (a trial).
		"-5m":  `"-5m" is negative: use a positive duration`,
		"+-1m": `"+-1m" is negative`,
		"120":  `"120" has no unit (did you mean 120s or 120m?)`,
		" 7 ":  `has no unit (did you mean 7s or 7m?)`,
	} {
		if _, err := ParseDuration(in); err == nil || !strings.Contains(engine.ErrorMessage(err), want) {
			t.Errorf("ParseDuration(%q) = %v; want it to say %q", in, err, want)
		}
	}
	// A month is no unit: where days are allowed the advice is days; in a field of
	// seconds and minutes "1M" meant a minute — it was told to use 30d, then that
	// 30d was over the field's hour.
	if _, err := ParseDuration("1M"); err == nil || !strings.Contains(engine.ErrorMessage(err), "use days (30d)") {
		t.Errorf("ParseDuration(1M) = %v; want the advice of days", err)
	}
	_, err := ParseStatementBuild("1M")
	if msg := engine.ErrorMessage(err); err == nil || !strings.Contains(msg, "m is a minute") || strings.Contains(msg, "30d") {
		t.Errorf("ParseStatementBuild(1M) = %v; want it to say m is a minute, and no days", err)
	}
	for _, in := range []string{"1mo", "2months"} {
		if _, err := ParseStatementBuild(in); err == nil || strings.Contains(engine.ErrorMessage(err), "30d") {
			t.Errorf("ParseStatementBuild(%s) = %v; want no advice of days", in, err)
		}
	}
	if _, err := ParseDurationLike("1mo", OutageExamples); err == nil || !strings.Contains(engine.ErrorMessage(err), "use days (30d)") {
		t.Errorf("an outage of 1mo = %v; want the advice of days (an outage lasts up to days)", err)
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30m", "+2m", "1d12h", "2w", "1.5d", "", "-1m", "0", "1x", "9999999999h", "µs", "1µs", "1y", "2mo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("ParseDuration(%q): error %v is not EINVALID", s, err)
			}
			return
		}
		if d <= 0 {
			t.Fatalf("ParseDuration(%q) = %v, not positive", s, d)
		}
		// Whatever Go's parser accepts as positive, ParseDuration reads the same way.
		trimmed := strings.TrimPrefix(strings.TrimSpace(s), "+")
		if gd, gerr := time.ParseDuration(trimmed); gerr == nil && gd > 0 && gd != d {
			t.Fatalf("ParseDuration(%q) = %v, time.ParseDuration says %v", s, d, gd)
		}
	})
}

// 30M is more often 30 minutes mistyped than months: the message says both.
func TestCapitalMSaysMinutes(t *testing.T) {
	_, err := ParseDuration("30M")
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, `"30M": M is not a unit: for minutes write 30m;`) || !strings.Contains(msg, "30d") {
		t.Fatalf("30M: %q", msg)
	}
	_, err = ParseDuration("1d30M") // the whole duration, not its minutes alone (the review)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "for minutes write 1d30m;") {
		t.Fatalf("1d30M: %q", msg)
	}
}
