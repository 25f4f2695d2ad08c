package detect

import "strings"

// allowed reports whether host equals an allowed domain or is below one.
func allowedHost(host string, allow []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	host = strings.TrimPrefix(host, "www.")
	for _, a := range allow {
		a = strings.ToLower(strings.TrimPrefix(a, "www."))
		if host == a || strings.HasSuffix(host, "."+a) {
			return true
		}
	}
	return false
}

// topLevel lists the domain endings a link written without http:// or www.
// must have to count as a link, so that "e.g." or "3.5" never does.
var topLevel = map[string]bool{
	"com": true, "org": true, "net": true, "uk": true, "je": true, "gg": true, "im": true, "io": true,
	"gov": true, "info": true, "biz": true, "co": true, "eu": true, "ly": true, "me": true, "app": true,
	"dev": true, "ie": true, "tv": true, "ai": true, "shop": true, "online": true, "site": true,
}

func isHostByte(c byte) bool { return isAlnum(c) || c == '-' || c == '.' }

// URL finds links (http://, https://, www. or a bare domain with a known
// ending) whose host is not allowed.
func URL(s string, opt *Options, out []Hit) []Hit {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) || (i > 0 && (isHostByte(s[i-1]) || s[i-1] == '@' || s[i-1] == '/')) {
			continue
		}
		j := i
		explicit := false
		switch {
		case hasPrefixFold(s[i:], "https://"):
			j += 8
			explicit = true
		case hasPrefixFold(s[i:], "http://"):
			j += 7
			explicit = true
		case hasPrefixFold(s[i:], "www."):
			explicit = true
		}
		h := j
		for h < len(s) && isHostByte(s[h]) {
			h++
		}
		hostEnd := h
		for hostEnd > j && (s[hostEnd-1] == '.' || s[hostEnd-1] == '-') {
			hostEnd--
		}
		host := s[j:hostEnd]
		dot := strings.LastIndexByte(host, '.')
		if dot <= 0 || (h < len(s) && s[h] == '@') {
			i = max(i, h-1)
			continue
		}
		if !explicit && !topLevel[strings.ToLower(host[dot+1:])] {
			i = max(i, h-1)
			continue
		}
		end := hostEnd
		if hostEnd == h && h < len(s) && (s[h] == '/' || s[h] == ':' || s[h] == '?' || s[h] == '#') {
			for end < len(s) && s[end] > ' ' {
				end++
			}
			for end > hostEnd && strings.IndexByte(".,;:!?)'\"", s[end-1]) >= 0 {
				end--
			}
		}
		if opt == nil || !allowedHost(host, opt.Allow) {
			out = append(out, Hit{Start: i, End: end, Score: 1})
		}
		i = end - 1
	}
	return out
}

// hasPrefixFold is strings.HasPrefix ignoring the case of ASCII letters,
// for a lower-case prefix, without allocating: it runs at every word.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c, p := s[i], prefix[i]
		if 'a' <= p && p <= 'z' {
			c |= 0x20
		}
		if c != p {
			return false
		}
	}
	return true
}

// Mention finds @handles that are not allowed.
func Mention(s string, opt *Options, out []Hit) []Hit {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' || (i > 0 && (isAlnum(s[i-1]) || s[i-1] == '.' || s[i-1] == '_')) {
			continue
		}
		j := i + 1
		for j < len(s) && j-i <= 30 && (isAlnum(s[j]) || s[j] == '_') {
			j++
		}
		if j == i+1 || (j < len(s) && s[j] == '.' && j+1 < len(s) && isAlpha(s[j+1])) {
			continue
		}
		handle := strings.ToLower(s[i+1 : j])
		ok := false
		if opt != nil {
			for _, a := range opt.Allow {
				if strings.ToLower(strings.TrimPrefix(a, "@")) == handle {
					ok = true
					break
				}
			}
		}
		if !ok {
			out = append(out, Hit{Start: i, End: j, Score: 1})
		}
		i = j - 1
	}
	return out
}

// roleMailboxes are local parts that name a function, not a person.
var roleMailboxes = map[string]bool{
	"info": true, "enquiries": true, "enquiry": true, "contact": true, "admin": true, "hello": true,
	"office": true, "team": true, "support": true, "help": true, "helpdesk": true, "reception": true,
	"customerservices": true, "customer.services": true, "press": true, "media": true,
	"communications": true, "comms": true, "hr": true, "hrenquiries": true, "jobs": true,
	"recruitment": true, "noreply": true, "no-reply": true, "webmaster": true, "postmaster": true,
	"sales": true, "bookings": true, "services": true, "feedback": true, "complaints": true,
	"foi": true, "elections": true, "council": true, "mail": true, "general": true,
}

// Email finds e-mail addresses. Addresses of a function (info@, hr@) score
// low: a team inbox is not personal data. Allow entries of the form
// "domain" or "local@" do not count.
func Email(s string, opt *Options, out []Hit) []Hit {
	for at := strings.IndexByte(s, '@'); at >= 0; {
		start := at
		for start > 0 && (isAlnum(s[start-1]) || strings.IndexByte("._%+-", s[start-1]) >= 0) {
			start--
		}
		end := at + 1
		for end < len(s) && (isAlnum(s[end]) || s[end] == '.' || s[end] == '-') {
			end++
		}
		for end > at+1 && (s[end-1] == '.' || s[end-1] == '-') {
			end--
		}
		domain := s[at+1 : end]
		dot := strings.LastIndexByte(domain, '.')
		if start < at && dot > 0 && len(domain)-dot-1 >= 2 {
			local := strings.ToLower(s[start:at])
			score := 0.7
			if roleMailboxes[local] || strings.HasPrefix(local, "enquir") || strings.HasSuffix(local, "team") {
				score = 0.3
			}
			if !emailAllowed(local, domain, opt) {
				out = append(out, Hit{Start: start, End: end, Score: score})
			}
		}
		next := strings.IndexByte(s[at+1:], '@')
		if next < 0 {
			break
		}
		at = at + 1 + next
	}
	return out
}

func emailAllowed(local, domain string, opt *Options) bool {
	if opt == nil {
		return false
	}
	for _, a := range opt.Allow {
		if strings.HasSuffix(a, "@") {
			if strings.EqualFold(strings.TrimSuffix(a, "@"), local) {
				return true
			}
			continue
		}
		if allowedHost(domain, []string{a}) {
			return true
		}
	}
	return false
}

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// Dates finds calendar dates (12/03/1984, 1984-03-12, 12 March 1984,
// March 12th 1984). A date is personal data only as a date of birth, so a
// date scores low until words such as "born" or "DOB" stand near it.
func Dates(s string, _ *Options, out []Hit) []Hit {
	if !strings.ContainsAny(s, "0123456789") {
		return out // every date has digits
	}
	for i := 0; i < len(s); i++ {
		if !boundaryBefore(s, i) || !isAlnum(s[i]) {
			continue
		}
		// Only digits and the first letters of month names start a date.
		if !isDigit(s[i]) && strings.IndexByte("jfmasondJFMASOND", s[i]) < 0 {
			continue
		}
		if end, ok := numericDate(s, i); ok {
			out = append(out, Hit{Start: i, End: end, Score: 0.2})
			i = end - 1
			continue
		}
		if end, ok := wordDate(s, i); ok {
			out = append(out, Hit{Start: i, End: end, Score: 0.2})
			i = end - 1
		}
	}
	return out
}

func readInt(s string, i, lo, hi int) (v, end int, ok bool) {
	j := i
	for j < len(s) && isDigit(s[j]) && j-i < hi {
		v = v*10 + int(s[j]-'0')
		j++
	}
	if j-i < lo || (j < len(s) && isDigit(s[j])) {
		return 0, i, false
	}
	return v, j, true
}

func numericDate(s string, i int) (int, bool) {
	a, j, ok := readInt(s, i, 1, 4)
	if !ok || j >= len(s) || strings.IndexByte("/-.", s[j]) < 0 {
		return 0, false
	}
	sep := s[j]
	b, k, ok := readInt(s, j+1, 1, 2)
	if !ok || k >= len(s) || s[k] != sep {
		return 0, false
	}
	c, end, ok := readInt(s, k+1, 2, 4)
	if !ok || !boundaryAfter(s, end) {
		return 0, false
	}
	if j-i == 4 { // 1984-03-12
		return end, b >= 1 && b <= 12 && c >= 1 && c <= 31
	}
	return end, a >= 1 && a <= 31 && b >= 1 && b <= 12 && (end-k-1 == 2 || (c >= 1900 && c <= 2100))
}

func wordDate(s string, i int) (int, bool) {
	// 12 March 1984 / 12th March 1984
	if isDigit(s[i]) {
		d, j, ok := readInt(s, i, 1, 2)
		if !ok || d < 1 || d > 31 {
			return 0, false
		}
		j = skipOrdinal(s, j)
		if j >= len(s) || s[j] != ' ' {
			return 0, false
		}
		m, k := monthAt(s, j+1)
		if m == 0 {
			return 0, false
		}
		if k+1 < len(s) && (s[k] == ' ' || s[k] == ',') {
			y := k + 1
			if s[k] == ',' && y < len(s) && s[y] == ' ' {
				y++
			}
			if v, end, ok := readInt(s, y, 4, 4); ok && v >= 1900 && v <= 2100 && boundaryAfter(s, end) {
				return end, true
			}
		}
		return 0, false
	}
	// March 12th, 1984
	m, k := monthAt(s, i)
	if m == 0 || k >= len(s) || s[k] != ' ' {
		return 0, false
	}
	d, j, ok := readInt(s, k+1, 1, 2)
	if !ok || d < 1 || d > 31 {
		return 0, false
	}
	j = skipOrdinal(s, j)
	if j < len(s) && s[j] == ',' {
		j++
	}
	if j+1 < len(s) && s[j] == ' ' {
		if v, end, ok := readInt(s, j+1, 4, 4); ok && v >= 1900 && v <= 2100 && boundaryAfter(s, end) {
			return end, true
		}
	}
	return 0, false
}

func skipOrdinal(s string, j int) int {
	if j+2 <= len(s) {
		switch strings.ToLower(s[j : j+2]) {
		case "st", "nd", "rd", "th":
			return j + 2
		}
	}
	return j
}

func monthAt(s string, i int) (int, int) {
	j := i
	for j < len(s) && isAlpha(s[j]) {
		j++
	}
	// Month names are three to nine letters; lower them without
	// allocating, since this runs at every word.
	if j-i < 3 || j-i > 9 {
		return 0, j
	}
	var buf [9]byte
	for k := i; k < j; k++ {
		buf[k-i] = s[k] | 0x20
	}
	return months[string(buf[:j-i])], j
}
