package engine

import (
	"math"
	"math/rand/v2"
	"strconv"
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

// Count groups digits in threes, as Naira does, for any count: with the commas
// taken out it is the number, and no group but the first is short.
func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 4265: "4,265", 1234567: "1,234,567",
		-1000: "-1,000", math.MinInt64: "-9,223,372,036,854,775,808", math.MaxInt64: "9,223,372,036,854,775,807"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		n := r.Int64() >> r.IntN(63)
		if r.IntN(2) == 0 {
			n = -n
		}
		s := Count(n)
		if strings.ReplaceAll(s, ",", "") != strconv.FormatInt(n, 10) {
			t.Fatalf("Count(%d) = %q", n, s)
		}
		groups := strings.Split(strings.TrimPrefix(s, "-"), ",")
		for i, g := range groups {
			if len(g) > 3 || (i > 0 && len(g) != 3) || len(g) == 0 {
				t.Fatalf("Count(%d) = %q: group %q", n, s, g)
			}
		}
	}
	if Count(4265) != Count(int(4265)) {
		t.Fatal("int and int64 differ")
	}
}
