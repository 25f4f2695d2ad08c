// Package text turns a draft into normalised word tokens once, so that every
// lexicon, detector and metric of a bundle reads the same tokens.
package text

//go:generate sh -c "go run ./genfold | gofmt > foldtable.go"

import (
	"unicode"
	"unicode/utf8"
)

// lookalikes maps letters that look like Latin ones, used to slip words past
// filters, to the Latin letter they imitate (Unicode confusables, the subset
// of Cyrillic and Greek that people type).
var lookalikes = map[rune]rune{
	'а': 'a', 'в': 'b', 'с': 'c', 'е': 'e', 'ё': 'e', 'һ': 'h', 'і': 'i', 'ї': 'i', 'ј': 'j',
	'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'т': 't', 'у': 'y', 'х': 'x', 'ѕ': 's',
	'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ɡ': 'g', 'ı': 'i',
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w',
	'ß': 's', 'ø': 'o', 'ł': 'l', 'đ': 'd', 'ħ': 'h', 'æ': 'a', 'œ': 'o',
}

// FoldRune returns the lower-case Latin letter or digit a rune stands for,
// or the rune lower-cased when it stands for none. Accents are removed,
// compatibility forms (fullwidth, mathematical bold) are unfolded and
// lookalike letters are mapped.
func FoldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	if r == '’' || r == '‘' || r == 'ʼ' || r == '`' {
		return '\''
	}
	lower := unicode.ToLower(r)
	if m, ok := lookalikes[lower]; ok {
		return m
	}
	// Accented, fullwidth and styled letters fold to their base letter,
	// as Unicode's compatibility decomposition (NFKD) gives it.
	if to, ok := foldASCII(r); ok {
		return rune(to)
	}
	if to, ok := foldASCII(lower); ok {
		return rune(to)
	}
	return lower
}

// foldASCII looks r up in foldTable.
func foldASCII(r rune) (byte, bool) {
	lo, hi := 0, len(foldTable)
	for lo < hi {
		mid := (lo + hi) / 2
		switch {
		case foldTable[mid].r < r:
			lo = mid + 1
		case foldTable[mid].r > r:
			hi = mid
		default:
			return foldTable[mid].to, true
		}
	}
	return 0, false
}

// IsMask reports whether r is a character that hides letters of a word:
// f***, s##t.
func IsMask(r rune) bool { return r == '*' || r == '#' || r == '•' || r == '_' }
