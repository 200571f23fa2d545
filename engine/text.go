package engine

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// How times and durations read in messages for people: every face shows them the
// same way, and never in Go's spellings (UTC without a zone, "30m0s").

// WAT is West Africa Time (UTC+1, no daylight saving): the simulated banks' zone,
// and the one the TUI shows.
var WAT = time.FixedZone("WAT", 60*60)

// TimeText renders an instant for people, with its date and zone:
// "20 Aug 2021 13:11:23 WAT".
func TimeText(t time.Time) string { return t.In(WAT).Format("2 Jan 2006 15:04:05 MST") }

// DurationText renders a duration as people write it: "30m", "1h", "2m 5s",
// "1d 12h"; under a second, "500ms". Longer ones are rounded to the second.
func DurationText(d time.Duration) string {
	if d < 0 {
		return "-" + DurationText(-d)
	}
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	d = d.Round(time.Second)
	var parts []string
	for _, u := range []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.size; n > 0 {
			parts = append(parts, strconv.FormatInt(int64(n), 10)+u.name)
			d -= n * u.size
		}
	}
	return strings.Join(parts, " ")
}

// AccountTypeWords names an account type for an end user: "Savings account".
func AccountTypeWords(t string) string {
	switch t {
	case AccountSavings:
		return "Savings account"
	case AccountCurrent:
		return "Current account"
	}
	return t
}

// AuthMethodWords names an auth method for an end user: "Internet banking".
func AuthMethodWords(m string) string {
	switch m {
	case AuthMobileBanking:
		return "Mobile banking"
	case AuthInternetBanking, "":
		return "Internet banking"
	}
	return m
}

// NoSuchDay says why year, month and day name no day — "the months are 01 to 12",
// "February 2030 has 28 days" — or "" when they do: for a date in a form a parser
// knows, which it refuses as not a day at all (a newcomer's trial: 2030-02-31 was
// told to be typed as YYYY-MM-DD).
func NoSuchDay(year, month, day int) string {
	if month < 1 || month > 12 {
		return "the months are 01 to 12"
	}
	first := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	if days := first.AddDate(0, 1, -1).Day(); day < 1 || day > days {
		return fmt.Sprintf("%s has %d days", first.Format("January 2006"), days)
	}
	return ""
}
