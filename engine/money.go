package engine

import (
	"strconv"
	"strings"
)

// Naira renders kobo as naira with thousands separators: 123456789 → "1,234,567.89".
// Negative amounts get a leading minus.
func Naira(kobo int64) string {
	neg := kobo < 0
	u := uint64(kobo)
	if neg {
		u = uint64(-(kobo + 1)) + 1 // also right for math.MinInt64
	}
	cents := u % 100
	b := make([]byte, 0, 32)
	if neg {
		b = append(b, '-')
	}
	b = appendGrouped(b, u/100)
	b = append(b, '.', byte('0'+cents/10), byte('0'+cents%10))
	return string(b)
}

// Count renders a count with thousands separators, as the TUI shows counts:
// 4265 → "4,265".
func Count[N int | int64](n N) string {
	if n < 0 {
		return "-" + string(appendGrouped(nil, uint64(-(int64(n)+1))+1))
	}
	return string(appendGrouped(nil, uint64(n)))
}

// appendGrouped appends u's digits with a comma between each three.
func appendGrouped(b []byte, u uint64) []byte {
	whole := strconv.FormatUint(u, 10)
	for i, c := range []byte(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return b
}

// MaxKobo is the largest amount ParseNaira accepts: NGN 10 trillion, the bank's cap
// on a single amount.
const MaxKobo = int64(1e15)

// ParseNaira reads an amount as people write it — "5000", "5,000.50", "NGN 5,000",
// "₦5000" — as kobo. It is the one parser of naira: the TUI's forms, the scenario
// files and the API's sandbox routes use it. Errors are EINVALID on field "amount"
// and say what was wrong.
func ParseNaira(s string) (int64, error) {
	t := strings.TrimSpace(s)
	up := strings.ToUpper(t)
	switch {
	case strings.HasPrefix(up, "NGN"):
		t = t[3:]
	case strings.HasPrefix(t, "₦"):
		t = t[len("₦"):]
	}
	t = strings.TrimSpace(t)
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" && frac == "" {
		return 0, Invalid("amount", "%q is not an amount: write naira such as 5000, 5,000.50 or NGN 5,000", s)
	}
	if !validGroups(whole) {
		return 0, Invalid("amount", "%q is not an amount: write naira with digits and optional thousands commas, such as 5000 or 5,000.50", s)
	}
	if dot && (len(frac) == 0 || len(frac) > 2 || strings.Trim(frac, "0123456789") != "") {
		return 0, Invalid("amount", "%q has %s after the point: naira have up to two decimal places (kobo), such as 5,000.50", s, fracWords(frac))
	}
	n, err := strconv.ParseInt("0"+strings.ReplaceAll(whole, ",", ""), 10, 64)
	if err != nil || n > MaxKobo/100 {
		return 0, Invalid("amount", "%q is more than the largest amount, NGN %s", s, Naira(MaxKobo))
	}
	k, _ := strconv.ParseInt(frac+strings.Repeat("0", 2-len(frac)), 10, 64)
	kobo := n*100 + k
	if kobo > MaxKobo {
		return 0, Invalid("amount", "%q is more than the largest amount, NGN %s", s, Naira(MaxKobo))
	}
	return kobo, nil
}

// validGroups accepts digits with optional thousands commas in the right places
// ("5000", "5,000", "12,345,678"); "" is fine (".50").
func validGroups(s string) bool {
	if s == "" {
		return true
	}
	if strings.Trim(s, "0123456789,") != "" {
		return false
	}
	if !strings.Contains(s, ",") {
		return true
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

func fracWords(frac string) string {
	if frac == "" {
		return "nothing"
	}
	return strconv.Quote(frac)
}
