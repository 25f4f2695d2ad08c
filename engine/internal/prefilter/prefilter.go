// Package prefilter finds, for a regular expression, literal strings of
// which every match must contain at least one, so that the expression need
// not run over a draft that contains none of them. Go's regexp scans the
// whole draft even when the answer is plainly no, and case-insensitive
// patterns get none of its literal-prefix speed-ups; a few substring
// searches cost far less.
//
// The analysis follows RE2's prefilter: a piece of the pattern that matches
// only a few exact strings (a literal, a small class, an alternation, an
// optional piece) is expanded into those strings, neighbouring exact pieces
// are multiplied out ("p" then "ass|wd|in" gives "pass", "pwd", "pin"), and
// the most selective requirement of a sequence is kept.
package prefilter

import (
	"bytes"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxAlternatives bounds every literal set; beyond it a piece is taken as
// unconstrained.
const maxAlternatives = 64

// maxSets bounds how many requirements a filter checks, most selective
// first.
const maxSets = 4

// Filter holds requirements, each a set of lower-cased literals: a draft
// may match only if, for every set, it contains one of its literals. A nil
// Filter passes everything.
type Filter struct {
	sets [][][]byte
	lits [][]string
}

// For returns the filter of a pattern (in Go syntax), or nil when no
// literal is required.
func For(pattern string) *Filter {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	reqs := required(re.Simplify())
	if len(reqs) == 0 {
		return nil
	}
	slices.SortStableFunc(reqs, func(a, b []string) int { return shortest(b) - shortest(a) })
	if len(reqs) > maxSets {
		reqs = reqs[:maxSets]
	}
	f := &Filter{lits: reqs}
	for _, set := range reqs {
		var bs [][]byte
		for _, l := range set {
			bs = append(bs, []byte(l))
		}
		f.sets = append(f.sets, bs)
	}
	return f
}

// Text is a draft prepared for filters: lower-cased once, with the pairs
// of bytes it contains, so most literals are ruled out without a search.
type Text struct {
	lowered []byte
	pairs   [1 << 10]uint64
	singles [4]uint64
}

// Reset prepares s.
func (t *Text) Reset(s string) {
	t.lowered = Lower(t.lowered[:0], s)
	clear(t.pairs[:])
	clear(t.singles[:])
	for i, c := range t.lowered {
		t.singles[c>>6] |= 1 << (c & 63)
		if i > 0 {
			pair := uint(t.lowered[i-1])<<8 | uint(c)
			t.pairs[pair>>6] |= 1 << (pair & 63)
		}
	}
}

// mayContain reports whether lit can be in the text: every pair of its
// bytes is, and so is its byte when it has only one.
func (t *Text) mayContain(lit []byte) bool {
	if len(lit) == 1 {
		return t.singles[lit[0]>>6]&(1<<(lit[0]&63)) != 0
	}
	for i := 1; i < len(lit); i++ {
		pair := uint(lit[i-1])<<8 | uint(lit[i])
		if t.pairs[pair>>6]&(1<<(pair&63)) == 0 {
			return false
		}
	}
	return true
}

// Pass reports whether the text may match.
func (f *Filter) Pass(t *Text) bool {
	if f == nil {
		return true
	}
	for _, set := range f.sets {
		found := false
		for _, l := range set {
			if t.mayContain(l) && (len(l) <= 2 || bytes.Contains(t.lowered, l)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
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

// Literals returns the most selective set of literals, for tests.
func (f *Filter) Literals() []string { return f.lits[0] }

// Requirements returns every set, most selective first, for tests.
func (f *Filter) Requirements() [][]string { return f.lits }

// exact returns every string re can match, lower-cased, or nil when they
// are unbounded or too many. Zero-width assertions match "".
func exact(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] >= maxAlternatives {
				return nil
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = addUnique(out, strings.ToLower(string(r)))
				if len(out) > maxAlternatives {
					return nil
				}
			}
		}
		return out
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		sub := exact(re.Sub[0])
		if sub == nil {
			return nil
		}
		return addUnique(sub, "")
	case syntax.OpRepeat:
		if re.Min != re.Max || re.Min > 3 {
			return nil
		}
		sub := exact(re.Sub[0])
		out := []string{""}
		for i := 0; i < re.Min && out != nil; i++ {
			out = product(out, sub)
		}
		return out
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			if out = product(out, exact(sub)); out == nil {
				return nil
			}
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			e := exact(sub)
			if e == nil {
				return nil
			}
			for _, s := range e {
				out = addUnique(out, s)
			}
			if len(out) > maxAlternatives {
				return nil
			}
		}
		return out
	}
	return nil
}

// required returns the requirements every match meets: sets of literals,
// one of each set present. nil when there is none.
func required(re *syntax.Regexp) [][]string {
	if e := exact(re); e != nil {
		if slices.Contains(e, "") {
			return nil
		}
		return [][]string{e}
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		return requiredConcat(re.Sub)
	case syntax.OpAlternate:
		// One branch or another: the union of each branch's best set.
		var out []string
		for _, sub := range re.Sub {
			reqs := required(sub)
			if len(reqs) == 0 {
				return nil
			}
			for _, l := range best(reqs) {
				out = addUnique(out, l)
			}
			if len(out) > maxAlternatives {
				return nil
			}
		}
		return [][]string{out}
	}
	return nil
}

// requiredConcat multiplies out each run of exact pieces of a sequence; a
// match meets the requirements of every run and every other piece.
func requiredConcat(subs []*syntax.Regexp) [][]string {
	var out [][]string
	keep := func(lits []string) {
		if len(lits) > 0 && !slices.Contains(lits, "") {
			out = append(out, lits)
		}
	}
	var run []string
	for _, sub := range subs {
		e := exact(sub)
		if e == nil {
			keep(run)
			run = nil
			out = append(out, required(sub)...)
			continue
		}
		if run == nil {
			run = e
			continue
		}
		if p := product(run, e); p != nil {
			run = p
			continue
		}
		keep(run)
		run = e
	}
	keep(run)
	return out
}

// best is the most selective set: the longest shortest literal, then the
// fewest literals.
func best(reqs [][]string) []string {
	var b []string
	for _, lits := range reqs {
		if b == nil || shortest(lits) > shortest(b) || (shortest(lits) == shortest(b) && len(lits) < len(b)) {
			b = lits
		}
	}
	return b
}

// product is every a followed by every b, or nil when a or b is nil or the
// result would have too many strings.
func product(a, b []string) []string {
	if a == nil || b == nil || len(a)*len(b) > maxAlternatives {
		return nil
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = addUnique(out, x+y)
		}
	}
	return out
}

func shortest(lits []string) int {
	n := len(lits[0])
	for _, l := range lits[1:] {
		n = min(n, len(l))
	}
	return n
}

func addUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
