package detect

// number is a run of digit groups written as one number: "01624 000233",
// "+44 (0)7700 900614", "4012-8888-8888-1881".
type number struct {
	start, end int
	plus       bool
	digits     [24]byte
	n          int
	groups     [8]uint8
	ngroups    int
}

func (nm *number) str() string { return string(nm.digits[:nm.n]) }

// scanNumbers calls fn for each number in s.
func scanNumbers(s string, fn func(nm *number)) {
	for i := 0; i < len(s); {
		c := s[i]
		startsNumber := isDigit(c) || ((c == '+' || c == '(') && i+1 < len(s) && isDigit(s[i+1]))
		if !startsNumber || !boundaryBefore(s, i) {
			i++
			continue
		}
		nm := number{start: i}
		j := i
		if s[j] == '+' {
			nm.plus = true
			j++
		}
		ok := true
		for ok {
			if j < len(s) && s[j] == '(' {
				j++
			}
			g := 0
			for j < len(s) && isDigit(s[j]) {
				if nm.n < len(nm.digits) {
					nm.digits[nm.n] = s[j]
				}
				nm.n++
				g++
				j++
			}
			if g == 0 {
				break
			}
			if nm.ngroups < len(nm.groups) {
				nm.groups[nm.ngroups] = uint8(min(g, 255))
			}
			nm.ngroups++
			nm.end = j
			if j < len(s) && s[j] == ')' {
				j++
			}
			// A single space, hyphen or dot joins the next group.
			if j+1 < len(s) && (s[j] == ' ' || s[j] == '-' || s[j] == '.') && (isDigit(s[j+1]) || s[j+1] == '(') {
				j++
				continue
			}
			ok = false
		}
		if nm.n > 0 && nm.n <= len(nm.digits) && nm.ngroups <= len(nm.groups) && boundaryAfter(s, nm.end) {
			fn(&nm)
		}
		if nm.end > i {
			i = nm.end
		} else {
			i++
		}
	}
}

// Phone finds UK and Crown Dependency telephone numbers: +44 or 0, then a
// number of the national plan (01, 02, 03, 07, 08, 09), ten digits after the
// leading 0 (nine for some 01 areas).
func Phone(s string, _ *Options, out []Hit) []Hit {
	scanNumbers(s, func(nm *number) {
		d := nm.str()
		switch {
		case nm.plus && len(d) >= 3 && d[:2] == "44":
			d = "0" + d[2:]
			if len(d) > 2 && d[1] == '0' { // +44 (0)1624
				d = d[1:]
			}
		case len(d) > 4 && d[:4] == "0044":
			d = "0" + d[4:]
		case nm.plus:
			return
		}
		if len(d) != 11 && !(len(d) == 10 && d[1] == '1') {
			return
		}
		if d[0] != '0' {
			return
		}
		var score float64
		switch d[1] {
		case '7':
			if d[2] == '6' && d[3] != '2' { // 076 pagers, but 07624 Isle of Man mobiles
				return
			}
			score = 0.6
		case '1', '2':
			score = 0.5
		case '3', '8', '9', '5':
			// Non-geographic numbers belong to organisations far more
			// often than to people.
			score = 0.3
		default:
			return
		}
		if allSame(d[1:]) {
			return
		}
		out = append(out, Hit{Start: nm.start, End: nm.end, Score: score})
	})
	return out
}

func allSame(d string) bool {
	for i := 1; i < len(d); i++ {
		if d[i] != d[0] {
			return false
		}
	}
	return true
}

// NHSNumber finds ten-digit numbers, written whole or as 3-3-4, whose mod
// 11 check digit is right.
func NHSNumber(s string, _ *Options, out []Hit) []Hit {
	scanNumbers(s, func(nm *number) {
		if nm.n != 10 || nm.plus {
			return
		}
		if !(nm.ngroups == 1 || (nm.ngroups == 3 && nm.groups[0] == 3 && nm.groups[1] == 3 && nm.groups[2] == 4)) {
			return
		}
		if !ValidNHS(nm.str()) {
			return
		}
		out = append(out, Hit{Start: nm.start, End: nm.end, Score: 0.45})
	})
	return out
}

// ValidNHS checks the mod 11 check digit of a ten-digit NHS number.
func ValidNHS(d string) bool {
	if len(d) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(d[9]-'0') && !allSame(d)
}

// PaymentCard finds 13 to 19 digit numbers with a card issuer's prefix and
// a valid Luhn check digit.
func PaymentCard(s string, _ *Options, out []Hit) []Hit {
	scanNumbers(s, func(nm *number) {
		if nm.n < 13 || nm.n > 19 || nm.plus {
			return
		}
		d := nm.str()
		if !cardPrefix(d) || !Luhn(d) {
			return
		}
		out = append(out, Hit{Start: nm.start, End: nm.end, Score: 0.6})
	})
	return out
}

func cardPrefix(d string) bool {
	two := int(d[0]-'0')*10 + int(d[1]-'0')
	four := two*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	switch {
	case d[0] == '4': // Visa
		return true
	case two >= 51 && two <= 55, four >= 2221 && four <= 2720: // Mastercard
		return true
	case two == 34 || two == 37: // American Express
		return len(d) == 15
	case four == 6011 || two == 65, two == 35, two == 36, two == 30, two == 38: // Discover, JCB, Diners
		return true
	}
	return false
}

// Luhn checks the Luhn (mod 10) check digit.
func Luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0 && !allSame(d)
}

// BankAccount finds a sort code (12-34-56) with an eight-digit account
// number within a few words of it, or a sort code alone.
func BankAccount(s string, _ *Options, out []Hit) []Hit {
	type found struct{ start, end int }
	var sorts, accounts []found
	scanNumbers(s, func(nm *number) {
		switch {
		case nm.n == 6 && nm.ngroups == 3 && nm.groups[0] == 2 && nm.groups[1] == 2 && nm.groups[2] == 2:
			sorts = append(sorts, found{nm.start, nm.end})
		case nm.n == 8 && nm.ngroups <= 2 && !nm.plus:
			accounts = append(accounts, found{nm.start, nm.end})
		}
	})
	for _, sc := range sorts {
		hit := Hit{Start: sc.start, End: sc.end, Score: 0.45}
		for _, acc := range accounts {
			gap := acc.start - sc.end
			if acc.start < sc.start {
				gap = sc.start - acc.end
			}
			if gap >= 0 && gap <= 40 {
				hit.Start, hit.End, hit.Score = min(sc.start, acc.start), max(sc.end, acc.end), 0.8
				break
			}
		}
		out = append(out, hit)
	}
	return out
}
