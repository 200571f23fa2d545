package tui

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sandbank/simulator"

	"sandbank/engine"
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
		{-time.Nanosecond, "just now"},                                   // a job of this instant, stamped after the one before it
		{5*time.Hour + 55*time.Minute - 3*time.Nanosecond, "5h 55m ago"}, // a sync of 08:00, stamped 3 ns on, at 13:55
		{-600 * time.Millisecond, "just now"},                            // under a second ahead
		{-(2*time.Hour + 5*time.Minute - time.Nanosecond), "in 2h 5m"},   // a due time a nanosecond short of it
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
	// A due time ahead is "in …"; a sync the data says ran ahead of the screen's
	// clock (a second's tick at 600× is ten virtual minutes) ran just now.
	if got := ago(now, now.Add(3*time.Minute)); got != "in 3m" {
		t.Errorf("ago(3m ahead) = %q, want in 3m", got)
	}
	if got := since(now, now.Add(3*time.Minute)); got != "just now" {
		t.Errorf("since(3m ahead) = %q, want just now", got)
	}
	if got := since(now, now.Add(-3*time.Hour)); got != "3h ago" {
		t.Errorf("since(3h before) = %q, want 3h ago", got)
	}
	if got := since(now, time.Time{}); got != "never" {
		t.Errorf("since(zero) = %q, want never", got)
	}
}

// The DELIVERY column is 11 cells: an event whose receiver has been down for days
// showed "↻ next #123" for attempt 1234, the last digit cut.
func TestDeliveryBadgeFitsItsColumn(t *testing.T) {
	for _, tc := range []struct {
		made int
		want string
	}{
		{0, "… pending"},
		{1, "↻ next #2"},
		{998, "↻ next #999"},
		{999, "↻ #1000"},
		{4324, "↻ #4325"},
		{9_999_998, "↻ #9999999"},
	} {
		got := deliveryBadge(engine.Event{Status: engine.DeliveryPending, AttemptsMade: tc.made})
		if got != tc.want {
			t.Errorf("%d attempts made: %q, want %q", tc.made, got, tc.want)
		}
		if w := ansi.StringWidth(got); w > 11 {
			t.Errorf("%d attempts made: %q is %d cells, more than the DELIVERY column's 11", tc.made, got, w)
		}
	}
}

// A column's date says the year when it is not the clock's, in the time's place
// and no wider: after a jump of years "2 Nov 10:00" did not say which November.
func TestColumnDatesSayTheYear(t *testing.T) {
	now := time.Date(2028, time.January, 3, 9, 0, 0, 0, engine.WAT)
	for _, tc := range []struct {
		t                   time.Time
		cell, stamp, moment string
	}{
		{now.Add(-time.Hour), "3 Jan 08:00", "08:00:00", "08:00:00"},
		{now.Add(-48 * time.Hour), "1 Jan 09:00", "1 Jan 09:00", "1 Jan 09:00"},
		{time.Date(2027, time.December, 31, 23, 0, 0, 0, engine.WAT), "31 Dec 2027", "31 Dec 2027", "31 Dec 2027 23:00"},
		{time.Date(2026, time.November, 2, 10, 0, 0, 0, engine.WAT), "2 Nov 2026", "2 Nov 2026", "2 Nov 2026 10:00"},
	} {
		if got := fmtCell(tc.t, now); got != tc.cell || len(got) > 11 {
			t.Errorf("fmtCell(%v) = %q, want %q (at most 11 cells)", tc.t, got, tc.cell)
		}
		if got := fmtStamp(tc.t, now); got != tc.stamp {
			t.Errorf("fmtStamp(%v) = %q, want %q", tc.t, got, tc.stamp)
		}
		// a sentence keeps the time in another year too
		if got := fmtMoment(tc.t, now); got != tc.moment {
			t.Errorf("fmtMoment(%v) = %q, want %q", tc.t, got, tc.moment)
		}
	}
}

// A failed sync in the history says why in a few words: "✗ bank error" for an
// outage and "✗ reauth needed" for a changed password left the cause to a status
// line cut at 100 columns.
func TestFailWords(t *testing.T) {
	for _, tc := range []struct{ code, message, want string }{
		{engine.CodeReauthRequired, "the bank rejected the saved password (was it changed at the bank?); the user must re-authorise", "password changed"},
		{engine.CodeReauthRequired, "the bank session ended; the user must re-authorise", "reauth needed"},
		{engine.CodeReauthRequired, "the bank asks for a one-time password (OTP) before it shares data; the user must re-authorise", "OTP needed"},
		{engine.CodeReauthRequired, "the bank asks for the characters of a CAPTCHA before it shares data; the user must re-authorise", "CAPTCHA needed"},
		{engine.CodeReauthRequired, "the user must re-authorise once the bank's sign-in lock ends (too many wrong attempts: sign-in is locked; try again in 30m)", "sign-in locked"},
		{engine.CodeSyncError, "Providus Bank is unavailable (outage until 2 Feb 2027 21:13:12 WAT); try again later", "bank down (outage)"},
		{engine.CodeSyncError, "the bank did not answer in time", "bank error"},
	} {
		if got := failWords(tc.code, tc.message); got != tc.want {
			t.Errorf("failWords(%s, %q) = %q, want %q", tc.code, tc.message, got, tc.want)
		}
	}
}

// A sync the bank could not serve says the bank's words first: "the bank could not
// serve the sync:" before them pushed an outage's end off a 100-column line.
func TestSyncOutcomeOfABankFailure(t *testing.T) {
	m := syncDoneMsg{res: engine.SyncResult{Status: engine.StatusSyncFailed, Code: engine.CodeSyncError,
		Message: "the bank could not serve the sync: Stanbic IBTC Bank is unavailable (outage until 9 Dec 2026 14:47:48 WAT)"}}
	if got, want := syncOutcome(m, time.Now()), "failed at the bank — Stanbic IBTC Bank is unavailable (outage until 9 Dec 2026 14:47:48 WAT)"; got != want {
		t.Fatalf("syncOutcome = %q, want %q", got, want)
	}
}

// A browser that cannot be opened is said in one short line, not the opener's
// every complaint (xdg-open with no browser filled the widget's box).
func TestOpenerFailedIsOneLine(t *testing.T) {
	cmd := exec.Command("sh", "-c", "exit 3")
	err := cmd.Run()
	if got := openerFailed("xdg-open", err, "/usr/bin/xdg-open: 882: links2: not found\n/usr/bin/xdg-open: 882: lynx: not found\n')\n;\n").Error(); got != "xdg-open found no browser to run" {
		t.Errorf("xdg-open's exit 3 says %q", got)
	}
	err = exec.Command("sh", "-c", "exit 1").Run()
	got := openerFailed("open", err, "first line\n"+strings.Repeat("x", 300)+"\n").Error()
	if strings.Contains(got, "\n") || len([]rune(got)) > 110 || !strings.HasPrefix(got, "open: xxx") {
		t.Errorf("another failure says %q; want its last line, clipped", got)
	}
}

// A long value goes on under itself at a separator, then a space, then
// anywhere; its style does not run on past the first line.
func TestSplitOnce(t *testing.T) {
	for _, c := range []struct {
		in          string
		w           int
		first, rest string
	}{
		{"finished just now · next in 5:00", 31, "finished just now", "next in 5:00"},
		{"2 Nov 2026 10:00 WAT · internet_banking", 31, "2 Nov 2026 10:00 WAT", "internet_banking"},
		{"AVAILABLE · reauthorisation required (credentials)", 26, "AVAILABLE", "reauthorisation required (credentials)"},
		{"none (connected before Data Sync was enabled)", 31, "none (connected before Data", "Sync was enabled)"},
		{"20 Aug 2021 13:00 WAT (just now)", 31, "20 Aug 2021 13:00 WAT", "(just now)"},
		{"      \"0123456789012345678901234567890123456789\",", 34, "      \"012345678901234567890123456", "7890123456789\","},
		{"abcdefghij", 4, "abcd", "efghij"},
		{"fits", 4, "fits", ""},
		{"", 4, "", ""},
	} {
		first, rest := splitOnce(c.in, c.w)
		if first != c.first || rest != c.rest {
			t.Errorf("splitOnce(%q, %d) = %q, %q; want %q, %q", c.in, c.w, first, rest, c.first, c.rest)
		}
		if ansi.StringWidth(first) > c.w && c.w > 0 {
			t.Errorf("splitOnce(%q, %d): first line %q is wider than %d", c.in, c.w, first, c.w)
		}
	}
	styled := "\x1b[33m✗ none (connected before Data Sync was enabled)\x1b[m"
	first, rest := splitOnce(styled, 20)
	if ansi.Strip(first) != "✗ none (connected" || ansi.Strip(rest) != "before Data Sync was enabled)" {
		t.Errorf("styled: %q, %q", ansi.Strip(first), ansi.Strip(rest))
	}
	if !strings.HasSuffix(first, "\x1b[m") || !strings.HasPrefix(rest, "\x1b[33m") {
		t.Errorf("styled: the first line %q should end its style and the rest %q start it again", first, rest)
	}
}

// compactNaira has one form below a thousand, whole naira, and one above it, one
// decimal and the unit: a column read "35.70" among "59.8k", an exact amount
// among rounded ones, then "164.2" beside "671.8k", an amount whose k looked cut
// off (a presenter's trial).
func TestCompactNairaOneForm(t *testing.T) {
	for _, tc := range []struct {
		kobo int64
		want string
	}{
		{0, "0"},
		{4, "0.04"},  // whole naira would say nothing
		{49, "0.49"}, // likewise
		{50, "1"},
		{3570, "36"},
		{16_420, "164"},
		{-41_000, "-410"},
		{95_000, "950"},
		{99_949, "999"},
		{99_950, "1.0k"}, // not "1000"
		{99_996, "1.0k"},
		{5_980_000, "59.8k"},
		{99_999_000, "1.0m"}, // not "1000.0k"
		{15_233_297_775, "152.3m"},
		{250_000_000_000, "2.5b"},
	} {
		if got := compactNaira(tc.kobo); got != tc.want {
			t.Errorf("compactNaira(%d) = %q, want %q", tc.kobo, got, tc.want)
		}
		if got := compactNaira(tc.kobo); ansi.StringWidth(got) > 8 {
			t.Errorf("compactNaira(%d) = %q: wider than the 8 cells of BALANCE", tc.kobo, got)
		}
	}
}

// A card's text is cut to the lines that fit, none wider than the card, saying
// there was more: a scenario's title of 900 KB took 30 s and 4 GB to draw.
func TestWrapAtMost(t *testing.T) {
	huge := strings.Repeat("a presenter's long title ", 36_000)
	for _, tc := range []struct {
		name, text string
		n          int
		want       []string // nil: n lines, the last ending in …
	}{
		{"short", "Password change forces re-authorisation", 3, []string{"Password change forces", "re-authorisation"}},
		{"900 KB of words", huge, 3, nil},
		{"900 KB of one word", strings.Repeat("x", 900_000), 3, []string{strings.Repeat("x", 24) + "…"}},
		{"a screen too short", huge, 0, nil},
	} {
		got := wrapAtMost(tc.text, 25, tc.n)
		for _, l := range got {
			if ansi.StringWidth(l) > 25 {
				t.Errorf("%s: a line %d wide: %q", tc.name, ansi.StringWidth(l), l)
			}
		}
		if tc.want == nil {
			if n := max(tc.n, 1); len(got) != n || !strings.HasSuffix(got[n-1], "…") {
				t.Errorf("%s: %q; want %d lines, the last ending in …", tc.name, got, n)
			}
		} else if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A filter finds a name whatever its accents and tone marks: /olasegun found no
// ỌLÁṢẸGUN ADÉBÁYỌ̀, whose own username is olasegun.adebayo (a presenter's trial).
func TestFiltersFoldAccents(t *testing.T) {
	for in, want := range map[string]string{
		"Ọláṣẹgun Adébáyọ̀": "olasegun adebayo",
		"ỌLÁṢẸGUN":          "olasegun",
		"Adam Okafor":       "adam okafor",
		"Chinedu 👋":         "chinedu 👋",
	} {
		if got := foldKey(in); got != want {
			t.Errorf("foldKey(%q) = %q, want %q", in, got, want)
		}
	}
	w := newTestWorld(t)
	c, err := w.bank.AddCustomer(simulator.NewCustomer{Name: "Ọláṣẹgun Adébáyọ̀", Institution: "221", Balance: 1_000_00})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, w, harnessOpts{})
	h.bankConsoleAt("olasegun adebayo") // the name's words: the username has a dot
	h.contains("Customers 1 filter olasegun adebayo", c.Username)
}

// fitLeft keeps a path's end, its file's name.
func TestFitLeft(t *testing.T) {
	for _, tc := range []struct {
		s    string
		w    int
		want string
	}{
		{"/a/b/sandbank.db", 20, "/a/b/sandbank.db"},
		{"/very/long/dir/sandbank.db", 15, "…ir/sandbank.db"},
		{"/dir/sandbank.db", 16, "/dir/sandbank.db"},
		{"/dir/sandbank.db", 0, ""},
	} {
		if got := fitLeft(tc.s, tc.w); got != tc.want || ansi.StringWidth(got) > max(tc.w, 0) {
			t.Errorf("fitLeft(%q, %d) = %q; want %q", tc.s, tc.w, got, tc.want)
		}
	}
}

// A line with no space to break at breaks after a dot or a slash, whichever
// comes later, not in a word's middle: "account_update" / "d" in a webhook's
// payload at 80 columns (a trial), and an address after its host's dots.
func TestSplitOnceAtADotOrASlash(t *testing.T) {
	for _, tc := range []struct {
		in          string
		w           int
		first, rest string
	}{
		{`"mono.events.account_updated",`, 26, `"mono.events.`, `account_updated",`},
		{"http://127.0.0.1:7070/sandbox/receiver", 30, "http://127.0.0.1:7070/sandbox/", "receiver"},
		{"abcdefghijklmnop", 10, "abcdefghij", "klmnop"}, // nothing to break at: cut
	} {
		if first, rest := splitOnce(tc.in, tc.w); first != tc.first || rest != tc.rest {
			t.Errorf("splitOnce(%q, %d) = %q, %q; want %q, %q", tc.in, tc.w, first, rest, tc.first, tc.rest)
		}
	}
}

// A row of the sync history says until when its repeats went on, in the form that
// fits it: "6 Dec 2026 auto ✗ CAPTCHA needed ×721" said nothing of the last, on 4
// Jun 2027, at 120 columns, because a snapshot's row beside it had no room for
// its own (a QA lead's trial).
func TestSyncHistorySaysTheLastRepeat(t *testing.T) {
	now := time.Date(2027, time.June, 5, 9, 0, 0, 0, time.UTC)
	rows := []historyRow{
		{at: time.Date(2026, time.December, 6, 9, 0, 0, 0, time.UTC), lastAt: time.Date(2027, time.June, 4, 9, 0, 0, 0, time.UTC),
			trigger: "auto", failed: "CAPTCHA needed", repeats: 720},
		{at: time.Date(2026, time.December, 5, 9, 0, 0, 0, time.UTC), lastAt: time.Date(2026, time.December, 5, 21, 0, 0, 0, time.UTC),
			trigger: "auto", tx: 12, balance: 16521209375, repeats: 2},
	}
	for _, c := range []struct {
		now  time.Time
		w    int
		want string
	}{
		{now, 53, "×721 to 4 Jun 10:00"},
		{now.AddDate(1, 0, 0), 60, "×721 to 4 Jun 2027 10:00"}, // in another year than the clock's
		{now.AddDate(1, 0, 0), 53, "×721 to 4 Jun 2027"},
	} {
		lines := historyLines(NewStyles(true), rows, c.w, c.now)
		if got := ansi.Strip(lines[0]); !strings.HasSuffix(got, c.want) || ansi.StringWidth(got) > c.w {
			t.Errorf("at %d cells on %s: %q; want it to end %q", c.w, c.now.Format("2 Jan 2006"), got, c.want)
		}
	}
}
