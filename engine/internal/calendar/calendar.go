// Package calendar decides whether a moment falls inside a bundle's named
// calendars: weekly windows, holidays and date periods, all judged in local
// time of the bundle's zone.
package calendar

import (
	"fmt"
	"strings"
	"time"
)

// Window is a half-open time-of-day range [Start, End) in minutes after
// midnight, on the days whose bits are set in Days (bit 0 = Sunday).
type Window struct {
	Days       uint8
	Start, End int
}

// Calendar is a compiled calendar.
type Calendar struct {
	Weekly   []Window
	Holidays map[int]bool
	// Periods are [from, to] pairs of days, both included, as YYYYMMDD.
	Periods [][2]int
}

// Contains reports whether t, already in the bundle's zone, is inside.
func (c *Calendar) Contains(t time.Time) bool {
	day := DayNumber(t)
	if c.Holidays[day] {
		return false
	}
	if len(c.Periods) > 0 {
		in := false
		for _, p := range c.Periods {
			if p[0] <= day && day <= p[1] {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	if len(c.Weekly) == 0 {
		return true
	}
	minute := t.Hour()*60 + t.Minute()
	bit := uint8(1) << uint(t.Weekday())
	for _, w := range c.Weekly {
		if w.Days&bit != 0 && w.Start <= minute && minute < w.End {
			return true
		}
	}
	return false
}

// DayNumber is the local date of t as YYYYMMDD.
func DayNumber(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseDay reads a three-letter day name, or a range such as "mon-fri",
// into a day bit mask.
func ParseDay(s string) (uint8, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if from, to, ok := strings.Cut(s, "-"); ok {
		a, okA := dayNames[from]
		b, okB := dayNames[to]
		if !okA || !okB {
			return 0, fmt.Errorf("day range %q: want two of mon, tue, wed, thu, fri, sat, sun", s)
		}
		var mask uint8
		for d := a; ; d = (d + 1) % 7 {
			mask |= 1 << uint(d)
			if d == b {
				break
			}
		}
		return mask, nil
	}
	d, ok := dayNames[s]
	if !ok {
		return 0, fmt.Errorf("day %q: want one of mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri", s)
	}
	return 1 << uint(d), nil
}

// ParseClock reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func ParseClock(s string) (int, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time %q: want HH:MM between 00:00 and 24:00", s)
	}
	return h*60 + m, nil
}

// ParseDate reads "YYYY-MM-DD" as YYYYMMDD.
func ParseDate(s string) (int, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DayNumber(t), nil
}
