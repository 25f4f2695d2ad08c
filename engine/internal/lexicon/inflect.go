package lexicon

// Inflections returns simple English inflections of a one-word term: the
// plural and third person (-s, -es, -ies), past (-ed, -ied), -ing, the
// agent noun or comparative (-er, -ers) and the superlative (-est). Words with anything but ASCII letters, or shorter
// than three letters, are left alone: guessing there does more harm than
// good.
func Inflections(w []byte) [][]byte {
	if len(w) < 3 {
		return nil
	}
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return nil
		}
	}
	s := string(w)
	last := s[len(s)-1]
	prev := s[len(s)-2]
	var forms []string
	switch {
	case last == 'y' && !isVowel(prev):
		stem := s[:len(s)-1]
		forms = append(forms, stem+"ies", stem+"ied", s+"ing", stem+"ier", stem+"iers", stem+"iest")
	case last == 'e':
		stem := s[:len(s)-1]
		forms = append(forms, s+"s", s+"d", stem+"ing", s+"r", s+"rs", s+"st")
	case last == 's' || last == 'x' || last == 'z' || hasSuffix(s, "ch") || hasSuffix(s, "sh"):
		forms = append(forms, s+"es", s+"ed", s+"ing", s+"er", s+"ers", s+"est")
	default:
		forms = append(forms, s+"s", s+"ed", s+"ing", s+"er", s+"ers", s+"est")
		// A short word ending consonant-vowel-consonant doubles its last
		// letter before -ed and -ing: slag, slagging. Not before -er, which
		// makes real words of swear words (shat, shatter).
		if !isVowel(last) && isVowel(prev) && !isVowel(s[len(s)-3]) && last != 'w' && last != 'x' && last != 'y' {
			d := s + string(last)
			forms = append(forms, d+"ed", d+"ing")
		}
	}
	out := make([][]byte, len(forms))
	for i, f := range forms {
		out[i] = []byte(f)
	}
	return out
}

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }
