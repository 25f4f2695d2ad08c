package engine_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/source"
	"github.com/heed-dev/heed/internal/benchtext"
)

// grown returns the default bundle with every lexicon grown to factor times
// its size with made-up words and phrases, to show that matching costs the
// same whatever the number of terms.
func grown(tb testing.TB, factor int) *engine.Program {
	tb.Helper()
	src, err := source.Load(bundles.FS, bundles.Default)
	require.NoError(tb, err)
	b := *src.Bundle
	b.Lexicons = append([]engine.Lexicon(nil), b.Lexicons...)
	rng := rand.New(rand.NewPCG(1, uint64(factor)))
	for i := range b.Lexicons {
		l := &b.Lexicons[i]
		terms := append([]string(nil), l.Terms...)
		for len(terms) < factor*len(l.Terms) {
			words := 1 + rng.IntN(3)
			parts := make([]string, words)
			for w := range parts {
				parts[w] = madeUpWord(rng)
			}
			terms = append(terms, strings.Join(parts, " "))
		}
		l.Terms = terms
	}
	prog, err := engine.Compile(&b)
	require.NoError(tb, err)
	return prog
}

func madeUpWord(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	n := 4 + rng.IntN(6)
	w := make([]byte, n)
	for i := range w {
		w[i] = letters[rng.IntN(len(letters))]
	}
	return string(w)
}

func BenchmarkEvaluate(b *testing.B) {
	ctx := engine.Context{Platform: "facebook", Surface: "post", Account: "unknown", Time: "2026-03-11T10:15:00+00:00"}
	for _, factor := range []int{1, 10, 100} {
		prog := grown(b, factor)
		for _, n := range []int{280, 3000} {
			draft := benchtext.Draft(n)
			b.Run(fmt.Sprintf("lexicons=%dx/chars=%d", factor, n), func(b *testing.B) {
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := prog.Evaluate(draft, ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkCompileDefault(b *testing.B) {
	src, err := source.Load(bundles.FS, bundles.Default)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Compile(src.Bundle); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScaling is the default bundle over drafts of 100 to 30,000
// characters: the time per byte (MB/s) should stay flat, cost growing
// linearly with the text.
func BenchmarkScaling(b *testing.B) {
	ctx := engine.Context{Platform: "facebook", Surface: "post", Account: "unknown", Time: "2026-03-11T10:15:00+00:00"}
	prog := grown(b, 1)
	for _, n := range []int{100, 300, 1000, 3000, 10000, 30000} {
		draft := benchtext.Draft(n)
		b.Run(fmt.Sprintf("chars=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := prog.Evaluate(draft, ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// nearBundle is a bundle of one rule, "labour" within within words of
// "vote", nested depth matchers deep: at depth 1 the rule's match is a
// lexicon; each level above wraps the one below in a near of it and the
// next term, so depth 8 is seven near nodes, one inside the other.
func nearBundle(depth, within int) *engine.Bundle {
	b := minimal()
	terms := []string{"labour", "vote", "for"}
	m := engine.Matcher{Terms: []string{terms[0]}}
	for d := 1; d < depth; d++ {
		m = engine.Matcher{Near: &engine.Near{A: m, B: engine.Matcher{Terms: []string{terms[d%len(terms)]}}, Within: within}}
	}
	b.Rules[0].Match = &m
	b.Rules[0].Examples = engine.Examples{
		Flag: []engine.Example{{Text: "[[labour vote for]]"}},
		Pass: []engine.Example{{Text: "hello"}},
	}
	return b
}

// worstNearDraft is the draft that made near quadratic: every word a hit
// of one side or the other, n bytes of it.
func worstNearDraft(n int) string {
	return strings.Repeat("labour vote for ", n/len("labour vote for "))
}

// BenchmarkNearWorstCase is near over a draft where every word is a hit:
// 64 KB (Facebook's longest post) and 256 KB, with one near and with near
// nested as deep as Compile allows, both as wide; then the default bundle
// on the same draft. Time per byte (MB/s) should stay flat from 64 KB to
// 256 KB. Before near stopped listing every pair, one near took 0.1 s
// for 64 KB and 1 s for 256 KB, and the nested one ran out of memory.
func BenchmarkNearWorstCase(b *testing.B) {
	ctx := engine.Context{Platform: "facebook", Surface: "post", Account: "unknown", Time: "2026-03-11T10:15:00+00:00"}
	progs := []struct {
		name string
		prog *engine.Program
	}{{"near", nil}, {fmt.Sprintf("near-depth=%d", engine.MaxDepth), nil}, {"default", grown(b, 1)}}
	for i, depth := range []int{2, engine.MaxDepth} {
		prog, err := engine.Compile(nearBundle(depth, engine.MaxWithin))
		require.NoError(b, err)
		progs[i].prog = prog
	}
	for _, p := range progs {
		for _, n := range []int{64 << 10, 256 << 10} {
			draft := worstNearDraft(n)
			b.Run(fmt.Sprintf("bundle=%s/bytes=%d", p.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(draft)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := p.prog.Evaluate(draft, ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
