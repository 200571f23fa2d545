package engine

import (
	"strings"
	"testing"
)

func TestParseNaira(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kobo int64
		err  string
	}{
		{"5000", 500000, ""},
		{"5,000", 500000, ""},
		{"5,000.50", 500050, ""},
		{"NGN 5,000.5", 500050, ""},
		{"ngn10000", 1000000, ""},
		{"₦ 12,345,678.09", 1234567809, ""},
		{".50", 50, ""},
		{"0", 0, ""},
		{"10,000,000,000,000", MaxKobo, ""},
		{"", 0, `"" is not an amount`},
		{"NGN", 0, `"NGN" is not an amount`},
		{"5,00", 0, "thousands commas"},
		{"50,000,0", 0, "thousands commas"},
		{",500", 0, "thousands commas"},
		{"-5", 0, "thousands commas"},
		{"5e3", 0, "thousands commas"},
		{"5000.", 0, "nothing after the point"},
		{"5000.505", 0, `"505" after the point`},
		{"5000.5x", 0, `"5x" after the point`},
		{"10,000,000,000,000.01", 0, "more than the largest amount"},
		{"99999999999999999999999", 0, "more than the largest amount"},
		{"USD 5", 0, "thousands commas"},
	} {
		got, err := ParseNaira(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.kobo):
			t.Errorf("ParseNaira(%q) = %d, %v; want %d", tc.in, got, err, tc.kobo)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseNaira(%q) = %d, %v; want an error saying %q", tc.in, got, err, tc.err)
		case tc.err != "" && ErrorCode(err) != EINVALID:
			t.Errorf("ParseNaira(%q): code %q, want %q", tc.in, ErrorCode(err), EINVALID)
		}
	}
}

// FuzzParseNaira: no input panics; whatever parses is in range, and what Naira
// prints parses back to the same kobo.
func FuzzParseNaira(f *testing.F) {
	for _, s := range []string{"5000", "NGN 5,000.50", "₦1", ".5", "1,000,000", "x", "9999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseNaira(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseNaira(%q): %v is not EINVALID", s, err)
			}
			return
		}
		if k < 0 || k > MaxKobo {
			t.Fatalf("ParseNaira(%q) = %d, out of range", s, k)
		}
		back, err := ParseNaira("NGN " + Naira(k))
		if err != nil || back != k {
			t.Fatalf("round trip of %d through %q = %d, %v", k, Naira(k), back, err)
		}
	})
}
