package tui

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
	"sandbank/simulator"
)

func fmtClock(t time.Time) string { return t.In(engine.WAT).Format("Mon 2 Jan 2006 15:04:05 MST") }
func fmtWhen(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(engine.WAT).Format("2 Jan 2006 15:04 MST")
}
func fmtShort(t time.Time) string { return t.In(engine.WAT).Format("2 Jan 15:04") }

// fmtShortAt is fmtShort with the year when it is not the clock's ("2 Dec 2038
// 14:45"), as fmtStamp adds the date off today: after a jump of years "2 Dec"
// alone does not say which December.
func fmtShortAt(t, now time.Time) string {
	if t.In(engine.WAT).Year() != now.In(engine.WAT).Year() {
		return t.In(engine.WAT).Format("2 Jan 2006 15:04")
	}
	return fmtShort(t)
}

// fmtCell is fmtShort for a column of eleven cells: in another year than the
// clock's the year takes the time's place ("2 Dec 2025"), so that after a jump of
// years a row says which December without widening its column.
func fmtCell(t, now time.Time) string {
	if t.In(engine.WAT).Year() != now.In(engine.WAT).Year() {
		return fmtDate(t)
	}
	return fmtShort(t)
}

// fmtStamp is when something happened, as a phone or a log shows it: the time on
// the virtual today ("15:04:05"), with the date on any other day ("1 Nov 15:04"), so
// a day's jump does not leave yesterday's times looking like today's, and the year
// in place of the time in another year ("1 Nov 2025").
func fmtStamp(t, now time.Time) string {
	t, now = t.In(engine.WAT), now.In(engine.WAT)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return fmtCell(t, now)
}

// fmtMoment is fmtStamp for a sentence, which has room for the time on any day:
// "until 15:04:05" today, "until 1 Jan 2027 00:30" in another year.
func fmtMoment(t, now time.Time) string {
	if s := fmtStamp(t, now); len(s) == 8 { // today's time
		return s
	}
	return fmtShortAt(t, now)
}

func fmtDate(t time.Time) string { return t.In(engine.WAT).Format("2 Jan 2006") }

// ago says how long before now t was, in virtual time: "4m ago", "16h 42m ago",
// "45d ago", "3y ago". At most 11 cells: the dashboard's SYNCED column fits it.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	raw := now.Sub(t)
	if raw < 0 && raw > -time.Second {
		return "just now" // under a second ahead is now
	}
	// To the second: jobs of one instant are stamped a nanosecond apart, and an
	// automatic sync due at 08:00 read "5h 54m ago" at 13:55 (a presenter's
	// trial); a due time ahead likewise.
	d := raw.Round(time.Second)
	switch {
	case d <= -time.Second:
		return "in " + age(-d)
	case d < time.Minute:
		return "just now"
	}
	return age(d) + " ago"
}

// since is ago for a moment that has passed (a sync, an event): one the data says
// is ahead of the screen's clock — a tick of real time is ten virtual minutes at
// 600×, and a sync stored since reads "in 3m" — is just now.
func since(now, t time.Time) string {
	if t.After(now) {
		t = now
	}
	return ago(now, t)
}

// age is span for how long ago: past a month the hours do not matter ("45d"),
// past a year the days ("3y"), so a jump of decades reads "79y", not "28920d 14h".
func age(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d >= 365*day:
		return itoa(int(d/(365*day))) + "y"
	case d >= 30*day:
		return itoa(int(d/day)) + "d"
	}
	return span(d)
}

// span is a duration in its one or two largest units, as the engine writes
// durations (engine.DurationText): "45s", "4m", "3h 20m", "2d 4h".
func span(d time.Duration) string {
	switch {
	case d < time.Second:
		return "0s"
	case d < time.Hour:
		d = d.Truncate(time.Second)
		if d >= time.Minute {
			d = d.Truncate(time.Minute)
		}
	case d < 24*time.Hour:
		d = d.Truncate(time.Minute)
	default:
		d = d.Truncate(time.Hour)
	}
	return engine.DurationText(d)
}

// countdown is a wait as a clock face, rounded up: "1:42", "9:59", "1:02:03".
func countdown(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int((d + time.Second - 1) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// naira is an exact amount: "NGN 1,234.56".
func naira(kobo int64) string { return "NGN " + engine.Naira(kobo) }

// compactNaira is an amount for a narrow cell: whole naira below a thousand,
// then one decimal and the unit — "36", "950", "5.0k", "813.9k", "129.7m". Below
// a thousand it gave kobo, and a column read "35.70" among "59.8k" and "4.0m", an
// exact amount among rounded ones; then one decimal, and "164.2" beside "671.8k"
// read as an amount whose k was cut off (a presenter's trial). An amount under
// 50 kobo, which whole naira would show as nothing ("0"), keeps its kobo
// ("0.04"). From a thousand up it is always in k: "5,000.00" beside "10.0k" read
// as the larger of the two.
func compactNaira(kobo int64) string {
	neg := kobo < 0
	if neg {
		kobo = -kobo
	}
	n := float64(kobo) / 100
	var s string
	switch { // by the amount as shown: 999.50 is "1.0k", not "1000"
	case kobo > 0 && kobo < 50:
		s = engine.Naira(kobo)
	case kobo < 99_950:
		s = itoa(int((kobo + 50) / 100))
	case n < 999_950:
		s = fmt.Sprintf("%.1fk", n/1e3)
	case n < 999_950_000:
		s = fmt.Sprintf("%.1fm", n/1e6)
	default:
		s = fmt.Sprintf("%.1fb", n/1e9)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// maskNumber shows the last four digits of an account number.
func maskNumber(n string) string {
	if len(n) <= 4 {
		return n
	}
	return "••••" + n[len(n)-4:]
}

// shortEvent drops the "mono.events." (or "mono.accounts.") prefix: the names
// scenario files use (account_updated, jobs.update).
func shortEvent(t string) string {
	return strings.TrimPrefix(strings.TrimPrefix(t, "mono.events."), "mono.accounts.")
}

// fit truncates s to w cells (with an ellipsis) and pads it to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// fitLeft is plain text s (no styles) in at most w columns, cut from the left
// ("…/sandbank/sandbank.db") so that a path keeps its file's name; not padded.
func fitLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if sw := ansi.StringWidth(s); sw > w {
		return "…" + ansi.TruncateLeft(s, sw-w+1, "")
	}
	return s
}

// fitRight is fit aligned right.
func fitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}

// clip truncates s to w cells without padding.
func clip(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, max(w, 0), "…")
}

// splitOnce breaks s, which may be styled, into a first line of at most w cells
// and the rest (empty if s fits): after the last " · " that lets the first line
// fit, else before a parenthesis whose rest fits a line, else after its last
// space, else at w. A part of a value stays whole —
// "next in 5:00", not "next in" and "5:00" — where it can.
func splitOnce(s string, w int) (first, rest string) {
	plain := ansi.Strip(s)
	if w <= 0 || ansi.StringWidth(plain) <= w {
		return s, ""
	}
	at, skip := w, 0
	if i := lastFitting(plain, " · ", w); i >= 0 {
		at, skip = ansi.StringWidth(plain[:i]), 3
	} else if i := lastFitting(plain, " (", w); i >= 0 && ansi.StringWidth(plain[i+1:]) <= w {
		at, skip = ansi.StringWidth(plain[:i]), 1 // "(just now)" whole, when it fits a line
	} else if i := lastFitting(plain, " ", w); i >= 0 {
		at, skip = ansi.StringWidth(plain[:i]), 1
	} else if i := max(lastFitting(plain, ".", w-1), lastFitting(plain, "/", w-1)); i > 0 {
		// No space to break at: after a dot or a slash, as a name or an address
		// reads ("mono.events." / "account_updated", "…/sandbox/" / "receiver"),
		// not in a word's middle (at 80 columns "account_update" / "d" in a
		// webhook's payload: a trial).
		at = ansi.StringWidth(plain[:i+1])
	}
	first, rest = ansi.Truncate(s, at, ""), ansi.TruncateLeft(s, at+skip, "")
	if first != ansi.Strip(first) {
		first += "\x1b[m" // the style cut off with the rest ends here
	}
	return first, rest
}

// hangValue is a (styled) value in a column w cells wide: its first line, then up
// to more lines under it, each after indent spaces, the last cut — a table's row
// whose value goes on under itself instead of being cut.
func hangValue(value string, w, indent, more int) string {
	out, rest := splitOnce(value, w)
	for n := 1; rest != "" && n <= more; n++ {
		line := clip(rest, w)
		if n < more {
			line, rest = splitOnce(rest, w)
		} else {
			rest = ""
		}
		out += "\n" + strings.Repeat(" ", indent) + line
	}
	return out
}

// lastFitting is the byte index of the last sep in plain whose text before it
// is at most w cells wide and not empty, or -1.
func lastFitting(plain, sep string, w int) int {
	best := -1
	for i := 0; ; {
		j := strings.Index(plain[i:], sep)
		if j < 0 {
			return best
		}
		i += j
		if ansi.StringWidth(plain[:i]) > w {
			return best
		}
		if strings.TrimSpace(plain[:i]) != "" { // not an indentation's space: a blank first line
			best = i
		}
		i += len(sep)
	}
}

// padLines makes s exactly h lines of exactly w cells.
func padLines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(fit(lines[i], w))
		} else {
			b.WriteString(strings.Repeat(" ", w))
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most w cells, on spaces.
func wrap(text string, w int) []string {
	if w < 8 {
		w = 8
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}

// wrapAtMost is wrap's lines of text, at most n of them, none wider than w: the
// last ends in … when there was more, and a word wider than w is cut. Only the
// start of a long text is wrapped, so that its cost is the screen's, not the
// text's.
func wrapAtMost(text string, w, n int) []string {
	w, n = max(w, 8), max(n, 1)
	if most := (w + 1) * (n + 1); len(text) > most*4 { // bytes: a rune is at most 4
		if r := []rune(text); len(r) > most {
			text = string(r[:most])
		}
	}
	lines := wrap(text, w)
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1], w-1, "") + "…"
	}
	return lines
}

// errText is what the UI shows for an error: the domain's message, never internals.
func errText(err error) string { return engine.ErrorMessage(err) }

// tryAgain is a message's closing "try again in 29m 30s" (engine.DurationText)
// or "try again later" (an outage's), which a live countdown replaces.
var tryAgain = regexp.MustCompile(`[;,]?\s*try again (later|in (\d+(ms|[dhms])\s*)+)$`)

// retryText is msg with its wait counted down from now to at, on the virtual clock:
// "…; try again in 29:12", then "…; try again now". A zero at leaves msg as it is.
func retryText(msg string, at, now time.Time) string {
	if at.IsZero() {
		return msg
	}
	msg = tryAgain.ReplaceAllString(msg, "")
	if left := at.Sub(now); left > 0 {
		return msg + "; try again in " + countdown(left)
	}
	return msg + "; try again now"
}

// rule is a horizontal line w cells wide.
func rule(w int) string { return strings.Repeat("─", max(w, 0)) }

// hours is an interval in hours: "6h", "24h".
func hours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return span(d)
}

// shortBank is a bank's name for a narrow cell: "Access", "UBA", "FCMB".
func shortBank(name string) string { return simulator.ShortName(name) }
