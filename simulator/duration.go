package simulator

import (
	"regexp"
	"strings"
	"time"

	"sandbank/engine"
)

// durationForm says what a duration looks like, with examples that suit the field.
// daysExample finds a duration in days, weeks or years among a field's examples:
// a field without one is bounded under a day.
var daysExample = regexp.MustCompile(`[0-9][dwy]\b`)

func durationForm(examples string) string {
	return "use a positive duration such as " + examples + " (units: s, m, h, d = 24h, w = 7d, y = 365d; also ms, us, ns; a leading + is allowed)"
}

// ParseDuration reads a positive duration as users type it: Go durations ("90s",
// "1h30m") plus d (24 h), w (7 d) and y (365 d), e.g. "1d12h" or "2w", with an optional
// leading "+" ("+2m", as in "advance by"). Empty, zero, negative and malformed
// input gives an *engine.Error EINVALID that says the accepted form.
func ParseDuration(s string) (time.Duration, error) {
	return ParseDurationLike(s, "30m, 2h, 1d, 1d12h or 1y")
}

// ParseStatementBuild reads how long a PDF statement stays BUILDING (the
// statement_build setting), as the API and scenario files take it: 0, 0s or off
// for at once, else a duration up to engine.MaxStatementBuild.
func ParseStatementBuild(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "0" || in == "0s" || strings.EqualFold(in, "off") {
		return 0, nil
	}
	d, err := ParseDurationLike(in, "30s or 2m (at most "+engine.DurationText(engine.MaxStatementBuild)+")")
	if err != nil {
		return 0, engine.Invalid("statement_build", "statement_build is how long a PDF statement stays BUILDING (0 for at once): %s", engine.ErrorMessage(err))
	}
	if d > engine.MaxStatementBuild {
		return 0, engine.Invalid("statement_build", "statement_build is at most %s, not %s", engine.DurationText(engine.MaxStatementBuild), engine.DurationText(d))
	}
	return d, nil
}

// ParseDurationLike is ParseDuration for a field with bounds of its own, whose
// errors give examples (such as "500ms or 2s") within them rather than a year.
func ParseDurationLike(s, examples string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	bad := func() error {
		return engine.Invalid("duration", "%q is not a duration: %s", s, durationForm(examples))
	}
	in = strings.TrimPrefix(in, "+")
	if in == "" {
		return 0, bad()
	}
	if rest, neg := strings.CutPrefix(in, "-"); neg && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		// A duration all the same, only negative: "is not a duration" read as a typo.
		return 0, engine.Invalid("duration", "%q is negative: %s", s, durationForm(examples))
	}
	if strings.Trim(in, "0123456789") == "" && strings.Trim(in, "0") != "" {
		// A number alone: its unit left out, as in {"advance":120}.
		return 0, engine.Invalid("duration", "%q has no unit (did you mean %ss or %sm?); %s", s, in, in, durationForm(examples))
	}
	var total time.Duration
	prev := "" // the unit before, which the next must be smaller than
	for in != "" {
		// A component: a number (digits, at most one '.') then a unit.
		i, dot := 0, false
		for i < len(in) && (in[i] >= '0' && in[i] <= '9' || in[i] == '.' && !dot) {
			dot = dot || in[i] == '.'
			i++
		}
		if i == 0 || in[:i] == "." {
			return 0, bad()
		}
		num := in[:i]
		j := i
		for j < len(in) && (in[j] < '0' || in[j] > '9') && in[j] != '.' {
			j++
		}
		unit := in[i:j]
		in = in[j:]
		if unit == "" && prev != "" {
			if next := smallerUnit[prev]; next != "" { // 1h30: the minutes' m left out
				return 0, engine.Invalid("duration", "%q: %s has no unit; did you mean %s%s? (%s)", s, num, strings.TrimSpace(s), next, durationForm(examples))
			}
		}
		if r, ok := unitRank[unit]; ok && prev != "" && r >= unitRank[prev] {
			return 0, engine.Invalid("duration", "%q: write each unit once, the largest first, such as 1d12h", s)
		}
		prev = unit
		var d time.Duration
		var err error
		switch unit {
		case "d", "w", "y":
			d, err = time.ParseDuration(num + "h")
			mult := map[string]time.Duration{"d": 24, "w": 24 * 7, "y": 24 * 365}[unit]
			if err == nil && d > (1<<63-1)/mult {
				err = errOverflow
			}
			d *= mult
		case "ns", "us", "µs", "μs", "ms", "s", "m", "h":
			d, err = time.ParseDuration(num + unit)
		case "mo", "M", "month", "months":
			if !daysExample.MatchString(examples) {
				// A field of seconds and minutes (statement_build's "30s or 2m"): the
				// advice of days was refused next, and its "1M" meant a minute.
				if unit == "M" {
					return 0, engine.Invalid("duration", "%q: M is not a unit (m is a minute); %s", s, durationForm(examples))
				}
				return 0, engine.Invalid("duration", "%q: a month is not a unit, nor this long; %s", s, durationForm(examples))
			}
			if unit == "M" {
				// 30M is more often 30 minutes mistyped than 30 months (a presenter's trial).
				return 0, engine.Invalid("duration", "%q: M is not a unit: for minutes write %s; a month is no fixed length, so for months use days (30d) or weeks, or y for 365 days", s, strings.Replace(s, num+unit, num+"m", 1))
			}
			return 0, engine.Invalid("duration", "%q: a month is no fixed length, so it is not a unit here; use days (30d) or weeks, or y for 365 days", s)
		default:
			return 0, bad()
		}
		if err != nil || total > (1<<63-1)-d {
			// digits, one dot at most, a known unit: what does not parse is too big
			// (time.ParseDuration says "invalid")
			// The route's limit, which its examples name ("at most 30d"): "at most
			// about 292 years" was Go's, no route's (a bad-input trial).
			if lim := atMost.FindString(examples); lim != "" {
				return 0, engine.Invalid("duration", "%q is too long: %s", s, strings.TrimPrefix(lim, "("))
			}
			return 0, engine.Invalid("duration", "%q is too long: a duration can be at most about 292 years", s)
		}
		total += d
	}
	if total <= 0 {
		return 0, engine.Invalid("duration", "%q is not a positive duration: %s", s, durationForm(examples))
	}
	return total, nil
}

var errOverflow = engine.Errorf(engine.EINVALID, "overflow")

// atMost finds the limit a route's examples name: "(at most 30d)".
var atMost = regexp.MustCompile(`\(at most [^();]+`)

// unitRank orders the units, largest first; smallerUnit is the one a number
// after a unit most likely left out (1h30 → 1h30m).
var (
	unitRank    = map[string]int{"y": 9, "w": 8, "d": 7, "h": 6, "m": 5, "s": 4, "ms": 3, "us": 2, "µs": 2, "μs": 2, "ns": 1}
	smallerUnit = map[string]string{"y": "d", "w": "d", "d": "h", "h": "m", "m": "s"}
)
