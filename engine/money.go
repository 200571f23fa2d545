package engine

import "strconv"

// Naira renders kobo as naira with thousands separators: 123456789 → "1,234,567.89".
// Negative amounts get a leading minus.
func Naira(kobo int64) string {
	neg := kobo < 0
	u := uint64(kobo)
	if neg {
		u = uint64(-(kobo + 1)) + 1 // also right for math.MinInt64
	}
	whole := strconv.FormatUint(u/100, 10)
	cents := u % 100
	b := make([]byte, 0, len(whole)+len(whole)/3+4)
	if neg {
		b = append(b, '-')
	}
	for i, c := range []byte(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	b = append(b, '.', byte('0'+cents/10), byte('0'+cents%10))
	return string(b)
}
