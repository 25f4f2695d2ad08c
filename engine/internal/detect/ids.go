package detect

import "strings"

// NationalInsurance finds National Insurance numbers: two prefix letters,
// six digits (spaced in pairs or not) and an optional suffix A-D. Prefixes
// that HMRC never issues are excluded: D, F, I, Q, U or V in either place, O
// second, and BG, GB, KN, NK, NT, TN, ZZ.
func NationalInsurance(s string, _ *Options, out []Hit) []Hit {
	for i := 0; i+8 <= len(s); i++ {
		if !isAlpha(s[i]) || !isAlpha(s[i+1]) || !boundaryBefore(s, i) {
			continue
		}
		a, b := upper(s[i]), upper(s[i+1])
		j := i + 2
		if j < len(s) && s[j] == ' ' {
			j++
		}
		digits := 0
		for digits < 6 && j < len(s) {
			if isDigit(s[j]) {
				digits++
				j++
				continue
			}
			if s[j] == ' ' && digits%2 == 0 && digits > 0 && j+1 < len(s) && isDigit(s[j+1]) {
				j++
				continue
			}
			break
		}
		if digits != 6 {
			continue
		}
		end := j
		suffix := false
		k := j
		if k < len(s) && s[k] == ' ' {
			k++
		}
		if k < len(s) && strings.IndexByte("ABCDabcd", s[k]) >= 0 && boundaryAfter(s, k+1) {
			suffix = true
			end = k + 1
		}
		if !boundaryAfter(s, end) || !validNINOPrefix(a, b) {
			continue
		}
		score := 0.5
		if suffix {
			score = 0.7
		}
		if isLower(s[i]) || isLower(s[i+1]) {
			score -= 0.2
		}
		out = append(out, Hit{Start: i, End: end, Score: score})
		i = end - 1
	}
	return out
}

func upper(c byte) byte {
	if isLower(c) {
		return c - 'a' + 'A'
	}
	return c
}

func validNINOPrefix(a, b byte) bool {
	if strings.IndexByte("DFIQUV", a) >= 0 || strings.IndexByte("DFIQUVO", b) >= 0 {
		return false
	}
	switch string([]byte{a, b}) {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	return true
}

// VehicleRegistration finds number plates written in capitals: the current
// British format (AB12 CDE, with a valid age identifier), the older prefix
// (A123 BCD) and suffix (ABC 123D) formats, Isle of Man (MAN 123, ABMN 123)
// and Jersey (J 12345) plates. The older and island formats look like other
// things, so they score lower and need words such as "car" or "reg" nearby.
func VehicleRegistration(s string, _ *Options, out []Hit) []Hit {
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) || !boundaryBefore(s, i) {
			continue
		}
		if end, ok := currentPlate(s, i); ok {
			out = append(out, Hit{Start: i, End: end, Score: 0.6})
			i = end - 1
			continue
		}
		if end, ok := olderPlate(s, i); ok {
			out = append(out, Hit{Start: i, End: end, Score: 0.3})
			i = end - 1
		}
	}
	return out
}

// currentPlate matches AB12 CDE (space optional).
func currentPlate(s string, i int) (int, bool) {
	if i+7 > len(s) || !isUpper(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return 0, false
	}
	if strings.IndexByte("IQZ", s[i]) >= 0 || strings.IndexByte("IQZ", s[i+1]) >= 0 {
		return 0, false
	}
	age := int(s[i+2]-'0')*10 + int(s[i+3]-'0')
	if age < 2 || age == 50 {
		return 0, false
	}
	j := i + 4
	if j < len(s) && s[j] == ' ' {
		j++
	}
	if j+3 > len(s) {
		return 0, false
	}
	for k := j; k < j+3; k++ {
		if !isUpper(s[k]) || s[k] == 'I' || s[k] == 'Q' {
			return 0, false
		}
	}
	if !boundaryAfter(s, j+3) {
		return 0, false
	}
	return j + 3, true
}

// olderPlate matches the prefix, suffix and island formats.
func olderPlate(s string, i int) (int, bool) {
	letters := func(j, lo, hi int) int {
		n := 0
		for j+n < len(s) && isUpper(s[j+n]) && n < hi {
			n++
		}
		if n < lo {
			return -1
		}
		return n
	}
	digits := func(j, lo, hi int) int {
		n := 0
		for j+n < len(s) && isDigit(s[j+n]) && n < hi {
			n++
		}
		if n < lo {
			return -1
		}
		return n
	}
	space := func(j int) int {
		if j < len(s) && s[j] == ' ' {
			return j + 1
		}
		return j
	}
	// Jersey: J 12345.
	if s[i] == 'J' {
		j := space(i + 1)
		if n := digits(j, 1, 6); n > 0 && boundaryAfter(s, j+n) && j > i+1 {
			return j + n, true
		}
	}
	// Isle of Man: MAN 123 (A), or one or two letters then MN: BMN 123.
	if n := letters(i, 3, 4); n > 0 && strings.HasSuffix(s[i:i+n], "MN") || (n == 3 && s[i:i+3] == "MAN") {
		j := space(i + n)
		if d := digits(j, 1, 3); d > 0 {
			end := j + d
			if k := space(end); k < len(s) && isUpper(s[k]) && boundaryAfter(s, k+1) {
				end = k + 1
			}
			if boundaryAfter(s, end) {
				return end, true
			}
		}
	}
	// Prefix format: A123 BCD.
	if d := digits(i+1, 1, 3); d > 0 {
		j := space(i + 1 + d)
		if n := letters(j, 3, 3); n == 3 && boundaryAfter(s, j+3) {
			return j + 3, true
		}
	}
	// Suffix format: ABC 123D.
	if n := letters(i, 3, 3); n == 3 {
		j := space(i + 3)
		if d := digits(j, 1, 3); d > 0 && j+d < len(s) && isUpper(s[j+d]) && boundaryAfter(s, j+d+1) {
			return j + d + 1, true
		}
	}
	return 0, false
}

// DrivingLicence finds British driving licence numbers: five letters of
// the surname (padded with 9), six digits of the date of birth (decade,
// month with 50 added for women, day, year), two initials (padded with 9),
// a check digit and two letters, sometimes followed by a two-digit issue
// number.
func DrivingLicence(s string, _ *Options, out []Hit) []Hit {
	isNameChar := func(c byte) bool { return isUpper(c) || c == '9' }
	for i := 0; i+16 <= len(s); i++ {
		if !isUpper(s[i]) || !boundaryBefore(s, i) {
			continue
		}
		j := i
		ok := true
		for k := 0; k < 5 && ok; k++ {
			ok = isNameChar(s[j+k])
		}
		j += 5
		for k := 0; k < 6 && ok; k++ {
			ok = isDigit(s[j+k])
		}
		if ok {
			month := int(s[j+1]-'0')*10 + int(s[j+2]-'0')
			if month > 50 {
				month -= 50
			}
			day := int(s[j+3]-'0')*10 + int(s[j+4]-'0')
			ok = month >= 1 && month <= 12 && day >= 1 && day <= 31
		}
		j += 6
		ok = ok && isNameChar(s[j]) && isNameChar(s[j+1]) && isDigit(s[j+2]) && isUpper(s[j+3]) && isUpper(s[j+4])
		j += 5
		if !ok {
			continue
		}
		if j+2 <= len(s) && isDigit(s[j]) && isDigit(s[j+1]) {
			j += 2
		}
		if boundaryAfter(s, j) {
			out = append(out, Hit{Start: i, End: j, Score: 0.8})
			i = j - 1
		}
	}
	return out
}
