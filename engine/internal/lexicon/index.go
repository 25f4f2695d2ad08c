// Package lexicon matches every lexicon of a bundle in one pass over a
// draft's tokens. Terms are keyed by their normalised words in one Go map, so
// the cost of a draft depends on its length and not on how many terms the
// bundle holds: for each token it looks up the word and the few phrases that
// start with it. (Measured here against Aho-Corasick automata, the map stayed
// flat from 500 to 50,000 terms while automata grew 3-10x; see design.md.)
package lexicon

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/heed-dev/heed/engine/internal/text"
)

// Spec is one lexicon to index.
type Spec struct {
	Terms      []string
	Inflect    bool
	Obfuscated bool
}

// Hit is a match of one lexicon: tokens [Tok0, Tok1) of the draft, bytes
// [Start, End).
type Hit struct {
	Lex        int32
	Tok0, Tok1 int32
	Start, End int
}

type entry struct {
	lex   int32
	words uint8
}

// MaxWords is the longest phrase a term may have.
const MaxWords = 8

// Index holds every lexicon of a bundle.
type Index struct {
	entries map[string][]entry
	// phraseLen maps the first word of multi-word terms to the most words
	// any of them has, so a token that starts no phrase costs one lookup.
	phraseLen map[string]uint8
	// masked holds the one-word forms of obfuscated lexicons by length,
	// for words with letters hidden by '*'.
	masked     map[int][]maskedTerm
	obfuscated []bool
}

type maskedTerm struct {
	word string
	lex  int32
}

// Build indexes the lexicons; lexicon i of specs is reported as Hit.Lex i.
// A term that normalises to no words, or has more than MaxWords, is an
// error naming the lexicon and term.
func Build(specs []Spec) (*Index, error) {
	ix := &Index{
		entries:    map[string][]entry{},
		phraseLen:  map[string]uint8{},
		masked:     map[int][]maskedTerm{},
		obfuscated: make([]bool, len(specs)),
	}
	var toks text.Tokens
	var words [][]byte
	for li, spec := range specs {
		ix.obfuscated[li] = spec.Obfuscated
		for ti, term := range spec.Terms {
			toks.Reset(term)
			if len(toks.List) == 0 {
				return nil, &TermError{Lexicon: li, Term: ti, Msg: fmt.Sprintf("term %q has no words", term)}
			}
			if len(toks.List) > MaxWords {
				return nil, &TermError{Lexicon: li, Term: ti, Msg: fmt.Sprintf("term %q has %d words; at most %d", term, len(toks.List), MaxWords)}
			}
			words = words[:0]
			for i := range toks.List {
				words = append(words, bytes.Clone(toks.Norm(i)))
			}
			forms := [][]byte{words[len(words)-1]}
			if spec.Inflect {
				forms = append(forms, Inflections(words[len(words)-1])...)
			}
			for _, last := range forms {
				key := append(bytes.Join(words[:len(words)-1], []byte{' '}), ' ')
				if len(words) == 1 {
					key = key[:0]
				}
				key = append(key, last...)
				ix.add(string(key), int32(li), len(words))
				if len(words) > 1 {
					first := string(words[0])
					if uint8(len(words)) > ix.phraseLen[first] {
						ix.phraseLen[first] = uint8(len(words))
					}
				} else if spec.Obfuscated && bytes.IndexByte(last, '*') < 0 {
					ix.masked[len(last)] = append(ix.masked[len(last)], maskedTerm{word: string(last), lex: int32(li)})
				}
			}
		}
	}
	return ix, nil
}

func (ix *Index) add(key string, lex int32, words int) {
	for _, e := range ix.entries[key] {
		if e.lex == lex {
			return
		}
	}
	ix.entries[key] = append(ix.entries[key], entry{lex: lex, words: uint8(words)})
}

// TermError is a term that cannot be indexed.
type TermError struct {
	Lexicon, Term int
	Msg           string
}

func (e *TermError) Error() string { return e.Msg }

// Scratch is the reusable working memory of Match.
type Scratch struct {
	key     []byte
	variant []byte
}

// Match appends to hits every lexicon hit in the draft, in token order,
// without duplicates, and returns the extended slice.
func (ix *Index) Match(t *text.Tokens, s *Scratch, hits []Hit) []Hit {
	n := len(t.List)
	for i := 0; i < n; i++ {
		tok := &t.List[i]
		w := t.Norm(i)
		hits = ix.lookup(w, false, i, i+1, tok.Start, tok.End, hits)
		if stem, ok := possessive(w); ok {
			hits = ix.lookup(stem, false, i, i+1, tok.Start, possessiveEnd(t.Text, tok), hits)
		}
		if tok.Flags&(text.HasLeet|text.HasMask) != 0 || hasStretch(w) {
			hits = ix.variants(t, s, i, hits)
		}
		if maxw := int(ix.phraseLen[string(w)]); maxw > 1 {
			s.key = append(s.key[:0], w...)
			for k := 2; k <= maxw && i+k <= n; k++ {
				s.key = append(s.key, ' ')
				s.key = append(s.key, t.Norm(i+k-1)...)
				last := &t.List[i+k-1]
				hits = ix.lookupWords(s.key, k, i, i+k, tok.Start, last.End, hits)
				if stem, ok := possessive(s.key); ok {
					hits = ix.lookupWords(stem, k, i, i+k, tok.Start, possessiveEnd(t.Text, last), hits)
				}
			}
		}
	}
	for ji := range t.Joined {
		j := &t.Joined[ji]
		t0, t1 := t.TokenAt(j.Start), t.TokenAt(j.End-1)+1
		hits = ix.lookupObfuscated(t.NormOf(j), t0, t1, j.Start, j.End, hits)
	}
	return hits
}

// variants looks up the forms of an obfuscated word: letters for digits and
// symbols, stretched letters squeezed, masked letters filled in.
func (ix *Index) variants(t *text.Tokens, s *Scratch, i int, hits []Hit) []Hit {
	tok := &t.List[i]
	w := t.Norm(i)
	end := tok.End
	if stem, ok := possessive(w); ok {
		w = stem
		end = possessiveEnd(t.Text, tok)
	}
	if tok.Flags&text.HasLeet != 0 {
		s.variant = unleet(s.variant[:0], w)
		hits = ix.lookupObfuscated(s.variant, i, i+1, tok.Start, end, hits)
		if hasStretch(s.variant) {
			hits = ix.lookupObfuscated(squeeze(nil, s.variant, 1), i, i+1, tok.Start, end, hits)
		}
	}
	if hasStretch(w) {
		s.variant = squeeze(s.variant[:0], w, 1)
		hits = ix.lookupObfuscated(s.variant, i, i+1, tok.Start, end, hits)
		s.variant = squeeze(s.variant[:0], w, 2)
		hits = ix.lookupObfuscated(s.variant, i, i+1, tok.Start, end, hits)
	}
	if tok.Flags&text.HasMask != 0 && bytes.IndexByte(w, '*') > 0 {
		for _, m := range ix.masked[len(w)] {
			if maskMatches(w, m.word) {
				hits = appendHit(hits, Hit{Lex: m.lex, Tok0: int32(i), Tok1: int32(i + 1), Start: tok.Start, End: end})
			}
		}
	}
	return hits
}

func (ix *Index) lookup(w []byte, obfuscatedOnly bool, t0, t1, start, end int, hits []Hit) []Hit {
	for _, e := range ix.entries[string(w)] {
		if e.words != 1 || (obfuscatedOnly && !ix.obfuscated[e.lex]) {
			continue
		}
		hits = appendHit(hits, Hit{Lex: e.lex, Tok0: int32(t0), Tok1: int32(t1), Start: start, End: end})
	}
	return hits
}

func (ix *Index) lookupObfuscated(w []byte, t0, t1, start, end int, hits []Hit) []Hit {
	return ix.lookup(w, true, t0, t1, start, end, hits)
}

func (ix *Index) lookupWords(key []byte, words, t0, t1, start, end int, hits []Hit) []Hit {
	for _, e := range ix.entries[string(key)] {
		if int(e.words) != words {
			continue
		}
		hits = appendHit(hits, Hit{Lex: e.lex, Tok0: int32(t0), Tok1: int32(t1), Start: start, End: end})
	}
	return hits
}

// appendHit adds h unless the same lexicon already has the same span; hits
// arrive in token order, so a duplicate is among the last few.
func appendHit(hits []Hit, h Hit) []Hit {
	for j := len(hits) - 1; j >= 0 && hits[j].Tok0 == h.Tok0; j-- {
		if hits[j].Lex == h.Lex && hits[j].Tok1 == h.Tok1 {
			return hits
		}
	}
	return append(hits, h)
}

// possessiveEnd is where a word ends without its possessive 's, so that a
// match of "Green Party" in "Green Party's" spans the name alone.
func possessiveEnd(draft string, tok *text.Token) int {
	word := draft[tok.Start:tok.End]
	for _, apos := range []string{"'", "’", "ʼ"} {
		if k := strings.LastIndex(word, apos); k > 0 {
			return tok.Start + k
		}
	}
	return tok.End
}

func possessive(w []byte) ([]byte, bool) {
	if len(w) > 2 && w[len(w)-2] == '\'' && w[len(w)-1] == 's' {
		return w[:len(w)-2], true
	}
	return nil, false
}

// hasStretch reports a run of three or more of the same letter (sooo).
func hasStretch(w []byte) bool {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] && w[i] >= 'a' && w[i] <= 'z' {
			return true
		}
	}
	return false
}

// squeeze writes w with every run of three or more of a letter cut to keep.
func squeeze(dst, w []byte, keep int) []byte {
	for i := 0; i < len(w); {
		j := i
		for j < len(w) && w[j] == w[i] {
			j++
		}
		run := j - i
		if run >= 3 {
			run = keep
		}
		for k := 0; k < run; k++ {
			dst = append(dst, w[i])
		}
		i = j
	}
	return dst
}

func unleet(dst, w []byte) []byte {
	for _, c := range w {
		switch c {
		case '0':
			c = 'o'
		case '1', '!', '|':
			c = 'i'
		case '3':
			c = 'e'
		case '4', '@':
			c = 'a'
		case '5', '$':
			c = 's'
		case '7':
			c = 't'
		case '8':
			c = 'b'
		}
		dst = append(dst, c)
	}
	return dst
}

// maskMatches reports whether masked (with '*' for hidden letters) could be
// word: same length, every shown letter in place, at least one shown.
func maskMatches(masked []byte, word string) bool {
	shown := 0
	for i := range masked {
		if masked[i] == '*' {
			continue
		}
		if masked[i] != word[i] {
			return false
		}
		shown++
	}
	return shown > 0
}
