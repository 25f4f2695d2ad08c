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
