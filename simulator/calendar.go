package simulator

import "time"

// Bank days are days of West Africa Time (UTC+1, no daylight saving), numbered
// from 1970-01-01. Instants are Unix nanoseconds.

const (
	watOffset = 3600 // seconds east of UTC
	secPerDay = 86400
	nsPerSec  = int64(time.Second)
)

// wat is Lagos time, for narrations and statements.
var wat = time.FixedZone("WAT", watOffset)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// dayOf is the bank day of an instant.
func dayOf(ns int64) int32 {
	return int32(floorDiv(floorDiv(ns, nsPerSec)+watOffset, secPerDay))
}

// dayStart is the first instant of a bank day.
func dayStart(d int32) int64 { return (int64(d)*secPerDay - watOffset) * nsPerSec }

// civilDay is a bank day's calendar date.
type civilDay struct {
	year      int
	month     int // 1..12
	dom       int // day of month, from 1
	dim       int // days in the month
	weekday   int // 0 Sunday .. 6 Saturday
	monthsAbs int // year*12 + month-1: a month's number
}

// civil converts a day number to its date (H. Hinnant's civil_from_days).
func civil(d int32) civilDay {
	z := int64(d) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dom := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	wd := int((int64(d) + 4) % 7)
	if wd < 0 {
		wd += 7
	}
	return civilDay{year: int(y), month: int(m), dom: int(dom), dim: daysIn(int(y), int(m)),
		weekday: wd, monthsAbs: int(y)*12 + int(m) - 1}
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// workday moves a day of month back to the Friday before, if it falls on a weekend:
// banks pay salaries on the last working day before the due date.
func workday(c civilDay, dom int) int {
	if dom > c.dim {
		dom = c.dim
	}
	switch (c.weekday + dom - c.dom + 35) % 7 {
	case 6:
		dom--
	case 0:
		dom -= 2
	}
	if dom < 1 {
		dom = 1
	}
	return dom
}

var monthAbbr = [12]string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
