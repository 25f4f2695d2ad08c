// Package prefilter finds, for a regular expression, literal strings of
// which every match must contain at least one, so that the expression need
// not run over a draft that contains none of them. Go's regexp scans the
// whole draft even when the answer is plainly no, and case-insensitive
// patterns get none of its literal-prefix speed-ups.
package prefilter

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxAlternatives bounds the literal set; beyond it the filter gives up.
const maxAlternatives = 16

// Filter holds the literals, lower-cased; a nil Filter passes everything.
type Filter struct {
	any   []string
	bytes [][]byte
}

// For returns the filter of a pattern (in Go syntax), or nil when no
// literal is required.
func For(pattern string) *Filter {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := required(re.Simplify())
	if len(lits) == 0 {
		return nil
	}
	f := &Filter{any: lits}
	for _, l := range lits {
		f.bytes = append(f.bytes, []byte(l))
	}
	return f
}

// Pass reports whether lowered, the draft as Lower writes it, may match.
func (f *Filter) Pass(lowered []byte) bool {
	if f == nil {
		return true
	}
	for _, l := range f.bytes {
		if bytes.Contains(lowered, l) {
			return true
		}
	}
	return false
}

// Lower appends s in lower case to dst, without allocating once dst has
// room.
func Lower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

// Literals returns the literals, for tests.
func (f *Filter) Literals() []string { return f.any }

// required returns literals of which any match contains one, or nil.
func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCharClass:
		// A small class, such as [0-9] or [Mm], is a set of one-letter
		// literals.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) >= maxAlternatives || r > unicode.MaxASCII {
					return nil
				}
				s := strings.ToLower(string(r))
				if !contains(out, s) {
					out = append(out, s)
				}
			}
		}
		return out
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		// Any one child's requirement holds for the whole; take the one
		// with the longest shortest literal, which filters best.
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			lits := required(sub)
			if len(lits) == 0 {
				continue
			}
			if n := shortest(lits); n > bestLen {
				best, bestLen = lits, n
			}
		}
		return best
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			lits := required(sub)
			if len(lits) == 0 {
				return nil
			}
			for _, l := range lits {
				if !contains(out, l) {
					out = append(out, l)
				}
			}
			if len(out) > maxAlternatives {
				return nil
			}
		}
		return out
	}
	return nil
}

func shortest(lits []string) int {
	n := len(lits[0])
	for _, l := range lits[1:] {
		n = min(n, len(l))
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
