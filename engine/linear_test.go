package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine"
)

// maxGrowth is the most the work of an evaluation may grow when the draft
// grows fourfold: linear work grows 4 times, n log n a little more, and
// quadratic 16 times.
const maxGrowth = 6.0

// growth is how much the work of evaluating a draft of size 4n exceeds
// that of size n: work, counted in steps (engine.Program.Steps), not time,
// so the test says the same on any machine under any load.
func growth(t testing.TB, prog *engine.Program, draft func(n int) string, n int, c engine.Context) (float64, int, int) {
	t.Helper()
	small, err := prog.Steps(draft(n), c)
	require.NoError(t, err)
	large, err := prog.Steps(draft(4*n), c)
	require.NoError(t, err)
	require.Positive(t, small, "the draft should give the matchers work")
	return float64(large) / float64(small), small, large
}

// repeat is unit repeated to about n bytes.
func repeat(unit string) func(n int) string {
	return func(n int) string { return strings.Repeat(unit, max(1, n/len(unit))) }
}

// TestEvaluationWorkIsLinear evaluates the drafts that made matchers
// quadratic, at 16 KB and 64 KB: near over a draft of nothing but hits,
// nested as deep as allowed; exceptions over a draft of excepted words;
// a detector's context words all far from its hits; capitals among
// acronyms to ignore. Before, near alone did 16 times the work at four
// times the length (0.9 s for 80 KB, 20 s for 640 KB).
func TestEvaluationWorkIsLinear(t *testing.T) {
	official := ctx("official", "2026-01-14T19:00:00Z")
	near := func(depth, within int, ordered bool) *engine.Program {
		b := nearBundle(depth, within)
		if ordered {
			b.Rules[0].Match.Near.Ordered = true
		}
		p, err := engine.Compile(b)
		require.NoError(t, err)
		return p
	}
	unless := minimal()
	unless.Rules[0].Match = &engine.Matcher{Terms: []string{"labour"}}
	unless.Rules[0].Unless = &engine.Matcher{Terms: []string{"labour vote"}}
	unless.Rules[0].Examples.Flag[0].Text = "[[labour]]"
	unlessProg, err := engine.Compile(unless)
	require.NoError(t, err)
	def := defaultProgram(t)

	cases := []struct {
		name  string
		prog  *engine.Program
		draft func(n int) string
	}{
		{"near", near(2, engine.MaxWithin, false), worstNearDraft},
		{"near ordered", near(2, engine.MaxWithin, true), worstNearDraft},
		{"near nested to the limit", near(engine.MaxDepth, engine.MaxWithin, false), worstNearDraft},
		{"near nested, ordered", near(engine.MaxDepth, 3, true), worstNearDraft},
		{"unless", unlessProg, worstNearDraft},
		{"default bundle, near", def, worstNearDraft},
		{"default bundle, unless", def, repeat("moby dick ")},
		{"default bundle, caps among acronyms", def, repeat("BBC NEWS ")},
		{"default bundle, context words far from the hits", def, func(n int) string {
			return repeat("call 07700 900614 ")(n/2) + repeat("the office ")(n/2)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, small, large := growth(t, c.prog, c.draft, 16<<10, official)
			t.Logf("%d steps for 16 KB, %d for 64 KB: %.2f times", small, large, g)
			assert.Less(t, g, maxGrowth, "%d steps for 16 KB, %d for 64 KB", small, large)
		})
	}
}

// TestNearSpansAreThoseOfItsPairs pins what near reports now that it no
// longer lists every pair: each hit of either side that has a partner in
// reach, once.
func TestNearSpansAreThoseOfItsPairs(t *testing.T) {
	b := nearBundle(2, 2)
	b.Rules[0].Match.Near.B.Terms = []string{"vote"}
	p, err := engine.Compile(b)
	require.NoError(t, err)
	draft := "labour labour vote a b c d vote labour"
	fs, err := p.Evaluate(draft, ctx("personal", "2026-01-14T19:00:00Z"))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	// Both labours reach the first vote and it them; the second vote is
	// five words from those, too far, but touches the last labour.
	assert.Equal(t, []engine.Span{{Start: 0, End: 6}, {Start: 7, End: 13}, {Start: 14, End: 18}, {Start: 27, End: 31}, {Start: 32, End: 38}}, fs[0].Spans, fmt.Sprint(fs[0].Spans))
}
