package detect

import "strings"

// Postcode finds UK, Jersey, Guernsey and Isle of Man postcodes in capitals
// (IM1 4HB, GL2 5XX, SW1A 1AA). A postcode alone is an area, not a person:
// it scores high only with a house or flat number in the words before it.
func Postcode(s string, _ *Options, out []Hit) []Hit {
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) || !boundaryBefore(s, i) {
			continue
		}
		end, ok := postcodeAt(s, i)
		if !ok {
			continue
		}
		if start, ok := houseNumberBefore(s, i); ok {
			out = append(out, Hit{Start: start, End: end, Score: 0.8})
		} else {
			out = append(out, Hit{Start: i, End: end, Score: 0.3})
		}
		i = end - 1
	}
	return out
}

func postcodeAt(s string, i int) (int, bool) {
	j := i
	n := 0
	for j < len(s) && isUpper(s[j]) && n < 2 {
		j++
		n++
	}
	if j >= len(s) || !isDigit(s[j]) {
		return 0, false
	}
	j++
	if j < len(s) && (isDigit(s[j]) || isUpper(s[j])) {
		j++
	}
	if j < len(s) && s[j] == ' ' {
		j++
	}
	if j+3 > len(s) || !isDigit(s[j]) || !isUpper(s[j+1]) || !isUpper(s[j+2]) || !boundaryAfter(s, j+3) {
		return 0, false
	}
	// The inward code never uses C, I, K, M, O or V.
	if strings.IndexByte("CIKMOV", s[j+1]) >= 0 || strings.IndexByte("CIKMOV", s[j+2]) >= 0 {
		return 0, false
	}
	return j + 3, true
}

// houseNumberBefore looks back up to 60 bytes (a street and town) before a
// postcode at i for a house number such as "24", "24a" or "Flat 3" that
// starts an address, and returns where it starts.
func houseNumberBefore(s string, i int) (int, bool) {
	from := max(0, i-60)
	for k := from; k < i; k++ {
		if !isDigit(s[k]) || !boundaryBefore(s, k) {
			continue
		}
		j := k
		for j < i && isDigit(s[j]) {
			j++
		}
		if j-k > 4 {
			continue
		}
		if j < i && isAlpha(s[j]) && j+1 < i && s[j+1] == ' ' {
			j++
		}
		// The number must be followed by a capitalised word (the street).
		if j+2 < i && (s[j] == ' ' || s[j] == ',') {
			w := j + 1
			if s[w] == ' ' {
				w++
			}
			if w < i && isUpper(s[w]) {
				return addressStart(s, k), true
			}
		}
	}
	return 0, false
}

// addressStart moves back over "Flat", "Apartment" or "Unit" before a number.
func addressStart(s string, k int) int {
	for _, w := range []string{"Flat ", "flat ", "Apartment ", "Unit ", "No. ", "Number "} {
		if k >= len(w) && s[k-len(w):k] == w {
			return k - len(w)
		}
	}
	return k
}

// streetTypes end the name of a street; buildings end a block's name.
var streetTypes = map[string]bool{
	"road": true, "rd": true, "street": true, "st": true, "lane": true, "ln": true, "avenue": true,
	"ave": true, "way": true, "close": true, "cl": true, "drive": true, "dr": true, "crescent": true,
	"terrace": true, "gardens": true, "place": true, "court": true, "grove": true, "hill": true,
	"park": true, "row": true, "walk": true, "view": true, "mews": true, "square": true, "rise": true,
	"parade": true, "green": true, "vale": true, "meadow": true, "meadows": true, "villas": true,
	"cottages": true, "estate": true, "drove": true, "wharf": true, "quay": true, "fields": true,
	"house": true, "lodge": true, "mansions": true, "tower": true, "heights": true, "chase": true,
}

// StreetAddress finds a house number followed by one to three capitalised
// words ending with a street type ("6 Ridgeway Road"), or a flat number
// followed by a building's name ("Flat 3, Severn House").
func StreetAddress(s string, _ *Options, out []Hit) []Hit {
	for k := 0; k < len(s); k++ {
		if !isDigit(s[k]) || !boundaryBefore(s, k) {
			continue
		}
		j := k
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		// Not part of a date, a time, a decimal or a sum of money (the last
		// byte of a UTF-8 pound sign is 0xA3).
		if j-k > 4 || (k > 0 && (s[k-1] == '/' || s[k-1] == ':' || s[k-1] == '.' || s[k-1] == 0xA3 || s[k-1] == '$')) {
			k = j
			continue
		}
		if j < len(s) && isLower(s[j]) && boundaryAfter(s, j+1) { // 24a
			j++
		}
		start := addressStart(s, k)
		flat := start != k
		// Words after the number: up to three, the last a street type.
		w := j
		if w < len(s) && s[w] == ',' && flat {
			w++
		}
		end := -1
		for words := 0; words < 4 && w < len(s) && s[w] == ' '; words++ {
			w++
			if w >= len(s) || !isUpper(s[w]) {
				break
			}
			e := w
			for e < len(s) && (isAlpha(s[e]) || s[e] == '\'' || s[e] == '-') {
				e++
			}
			word := strings.ToLower(s[w:e])
			if words > 0 && streetTypes[word] {
				end = e
				break
			}
			w = e
		}
		if end > 0 && boundaryAfter(s, end) {
			out = append(out, Hit{Start: start, End: end, Score: 0.7})
			k = end
			continue
		}
		k = j
	}
	return out
}
