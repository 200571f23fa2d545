package web

import (
	"strings"
	"testing"
	"time"
)

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"Access Bank": "AB", "GTBank": "GT", "United Bank for Africa": "UB", "First Bank of Nigeria": "FB",
		"Stanbic IBTC Bank": "SI", "Z": "Z", "": "",
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}

// Every bank gets one of the palette's classes, the same every time.
func TestLogoClass(t *testing.T) {
	seen := map[string]bool{}
	for _, code := range []string{"044", "058", "057", "011", "033", "070", "214", "032", "232", "221", "035", "050", "101", "559"} {
		c := LogoClass(code)
		if c != LogoClass(code) || !strings.HasPrefix(c, "logo-") || len(c) != len("logo-0") {
			t.Fatalf("LogoClass(%s) = %q", code, c)
		}
		seen[c] = true
	}
	if len(seen) < 4 {
		t.Errorf("fourteen banks share %d colours", len(seen))
	}
}

// The CAPTCHA image says its characters to a screen reader, escapes what it draws,
// and uses no style attribute (the pages' policy allows none).
func TestCaptchaSVG(t *testing.T) {
	svg := string(CaptchaSVG("7 K 3 P X"))
	if !strings.Contains(svg, `aria-label="The characters 7 K 3 P X"`) || !strings.Contains(svg, `role="img"`) || strings.Contains(svg, "style=") {
		t.Fatalf("captcha: %s", svg)
	}
	if strings.Contains(string(CaptchaSVG(`<&"`)), `<&`) {
		t.Fatal("the characters are not escaped")
	}
}

func TestRenderUnknownPage(t *testing.T) {
	var b strings.Builder
	if err := Render(&b, "nope", nil); err == nil || b.Len() != 0 {
		t.Fatalf("Render of an unknown page = %v, wrote %q", err, b.String())
	}
}

// An outage's end is said up to the minute, as the API shows the time, to the
// millisecond: a clock moved "to" a time stands at its millisecond's last
// nanosecond, and an end at 17:55:00.000 read "after 17:56" (a review).
func TestUpToTheMinute(t *testing.T) {
	at := time.Date(2026, 12, 5, 17, 55, 0, 0, time.UTC)
	for in, want := range map[time.Time]time.Time{
		at: at, at.Add(time.Millisecond - time.Nanosecond): at, at.Add(time.Millisecond): at.Add(time.Minute), at.Add(34 * time.Second): at.Add(time.Minute),
	} {
		if got := UpToTheMinute(in); !got.Equal(want) {
			t.Errorf("UpToTheMinute(%s) = %s, want %s", in.Format(time.RFC3339Nano), got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
		}
	}
}

// A heading's hyphenated words are kept whole, and the text is escaped.
func TestKeepWords(t *testing.T) {
	got := string(KeepWords("Your <b>account</b> is re-authorised - twice-over-\tre-linked\na-b"))
	want := "Your &lt;b&gt;account&lt;/b&gt; is <span class=\"nowrap\">re-authorised</span> - <span class=\"nowrap\">twice-over-</span>\t<span class=\"nowrap\">re-linked</span>\n<span class=\"nowrap\">a-b</span>"
	if got != want {
		t.Fatalf("KeepWords = %s\nwant        %s", got, want)
	}
}

// A masked account number is read "ending 4808", and the stop that ends its
// sentence is read inside it: after the hidden span, "ending 4808 ." (the review).
func TestReadableMaskEnd(t *testing.T) {
	got := string(ReadableMaskEnd("0123454808", "."))
	want := `<span aria-hidden="true">••••4808.</span><span class="visually-hidden">ending 4808.</span>`
	if got != want {
		t.Errorf("ReadableMaskEnd = %s; want %s", got, want)
	}
	if got := string(ReadableMask("1234")); got != "1234" {
		t.Errorf("ReadableMask of a short number = %q; want it as it is", got)
	}
}
