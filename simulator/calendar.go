package simulator

import (
	"sync"
	"time"
)

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
//
// With holidays (worlds of journal version 2 on) it moves back over Nigeria's
// public holidays too: salaries were paid on Christmas Day.
func workday(c civilDay, dom int, holidays bool) int {
	if dom > c.dim {
		dom = c.dim
	}
	if holidays {
		for d := dom; d >= 1; d-- {
			if wd := (c.weekday + d - c.dom + 35) % 7; wd != 0 && wd != 6 && !isHoliday(c.year, c.month, d) {
				return d
			}
		}
		// The month starts with days off: the first working day after.
		for d := dom + 1; d <= c.dim; d++ {
			if wd := (c.weekday + d - c.dom + 35) % 7; wd != 0 && wd != 6 && !isHoliday(c.year, c.month, d) {
				return d
			}
		}
		return dom
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

// isHoliday says if a date is a public holiday in Nigeria, as observed: New
// Year's Day, Good Friday, Easter Monday, Workers' Day (1 May), Democracy Day (12
// June), Independence Day (1 October), Christmas and Boxing Day; one that falls
// on a weekend (or on another holiday) is observed on the next working day. The
// Islamic holidays follow the moon and a sighting, and are left out.
func isHoliday(year, month, dom int) bool {
	if year < holidayFrom || year >= holidayFrom+len(holidayTable) {
		return false
	}
	holidayOnce.Do(buildHolidays)
	key := uint16(month*32 + dom)
	for _, h := range holidayTable[year-holidayFrom] {
		if h == key {
			return true
		}
	}
	return false
}

const holidayFrom = 1970

var (
	holidayOnce  sync.Once
	holidayTable [2107 - holidayFrom][]uint16 // per year: month*32 + day of each observed holiday
)

func buildHolidays() {
	for i := range holidayTable {
		y := holidayFrom + i
		easter := easterSunday(y)
		fixed := []time.Time{
			time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), easter.AddDate(0, 0, -2), easter.AddDate(0, 0, 1),
			time.Date(y, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 6, 12, 0, 0, 0, 0, time.UTC),
			time.Date(y, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 25, 0, 0, 0, 0, time.UTC),
			time.Date(y, 12, 26, 0, 0, 0, 0, time.UTC),
		}
		taken := map[time.Time]bool{}
		for _, d := range fixed {
			for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || taken[d] {
				d = d.AddDate(0, 0, 1)
			}
			taken[d] = true
			if d.Year() == y {
				holidayTable[i] = append(holidayTable[i], uint16(int(d.Month())*32+d.Day()))
			}
		}
	}
}

// easterSunday is Western Easter in year y (the anonymous Gregorian algorithm).
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

var monthAbbr = [12]string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
