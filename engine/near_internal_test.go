package engine

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The tests here hold near, context words and exceptions, which find
// neighbours by binary search over spans in order, to the plain pairwise
// definitions they replaced, on random spans of random drafts.

func randomDraft(rng *rand.Rand) string {
	words := []string{"labour", "vote", "for", "a", "the", "Green Party's", "07700", "x", "🎉", "f.u.c.k"}
	seps := []string{" ", ", ", "  ", "-", " — ", "\n"}
	var b strings.Builder
	for range 1 + rng.IntN(40) {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteString(seps[rng.IntN(len(seps))])
	}
	return b.String()
}

// randomSpans returns spans at random byte offsets (empty ones and ones
// that start or end inside a word among them) when any is set, else spans
// of whole words, as lexicon hits are, some ending before a possessive 's.
func randomSpans(rng *rand.Rand, s *scratch, any bool) []span {
	var out []span
	text, toks := s.toks.Text, s.toks.List
	for range rng.IntN(12) {
		if any {
			a, b := rng.IntN(len(text)+1), rng.IntN(len(text)+1)
			if a > b {
				a, b = b, a
			}
			out = append(out, (*Program)(nil).tokenSpan(s, a, b))
			continue
		}
		if len(toks) == 0 {
			break
		}
		i := rng.IntN(len(toks))
		j := i + 1 + rng.IntN(min(3, len(toks)-i))
		end := toks[j-1].End
		if rng.IntN(4) == 0 && end-toks[j-1].Start > 2 {
			end--
		}
		out = append(out, span{start: toks[i].Start, end: end, tok0: i, tok1: j})
	}
	return out
}

func distinct(spans []span) []span {
	out := slices.Clone(spans)
	slices.SortFunc(out, func(a, b span) int {
		if c := cmpStart(a, b); c != 0 {
			return c
		}
		return a.tok0 - b.tok0
	})
	return slices.Compact(out)
}

func TestNearSpansMatchEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		s := &scratch{}
		s.toks.Reset(randomDraft(rng))
		as, bs := randomSpans(rng, s, rng.IntN(2) == 0), randomSpans(rng, s, rng.IntN(2) == 0)
		within, ordered := 1+rng.IntN(5), rng.IntN(2) == 0

		// The definition: the spans of every pair in reach.
		var want []span
		for _, x := range as {
			for _, y := range bs {
				if ordered && x.start > y.start {
					continue
				}
				if tokenGap(x, y) <= within {
					want = append(want, x, y)
				}
			}
		}
		got := nearSpans(s, nil, slices.Clone(as), slices.Clone(bs), within, ordered)
		if !slices.Equal(distinct(want), distinct(got)) || !slices.IsSortedFunc(got, cmpStart) || len(got) != len(distinct(got)) {
			t.Fatalf("draft %q, within %d, ordered %v\na  %v\nb  %v\nwant %v\ngot  %v", s.toks.Text, within, ordered, as, bs, distinct(want), got)
		}
	}
}

func TestContextWordsMatchEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		s := &scratch{byLex: make([][]span, 1), byLexEnd: make([][]span, 1), byEndDone: make([]bool, 1)}
		s.toks.Reset(randomDraft(rng))
		words := randomSpans(rng, s, false)
		s.byLex[0] = slices.Clone(words)
		sortByStart(s, s.byLex[0])
		cu := contextUse{lex: 0, within: 1 + rng.IntN(5)}
		for _, sp := range randomSpans(rng, s, true) {
			// The definition: a word within reach, not inside the hit.
			want := false
			for _, c := range words {
				if !(c.start < sp.end && sp.start < c.end) && tokenGap(sp, c) <= cu.within {
					want = true
				}
			}
			if got := nearContext(s, sp, cu); got != want {
				t.Fatalf("draft %q, within %d, hit %v, words %v: got %v, want %v", s.toks.Text, cu.within, sp, words, got, want)
			}
		}
	}
}

func TestExceptedMatchesEveryException(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		s := &scratch{}
		s.toks.Reset(randomDraft(rng))
		s.except = randomSpans(rng, s, true)
		except := slices.Clone(s.except)
		indexExcept(s)
		for _, sp := range randomSpans(rng, s, true) {
			want := false
			for _, e := range except {
				if e.start <= sp.start && sp.end <= e.end {
					want = true
				}
			}
			if got := excepted(s, sp); got != want {
				t.Fatalf("span %v, exceptions %v: got %v, want %v", sp, except, got, want)
			}
		}
	}
}
