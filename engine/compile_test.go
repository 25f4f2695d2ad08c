package engine_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine"
)

// minimal returns a small valid bundle for tests to spoil.
func minimal() *engine.Bundle {
	return &engine.Bundle{
		Format: engine.FormatVersion, Name: "t", Version: 1,
		Settings: engine.Settings{TimeZone: "UTC", Calendars: []engine.Calendar{{
			Name: "core", Weekly: []engine.WeeklyWindow{{Days: []string{"mon-fri"}, Start: "10:00", End: "12:00"}},
		}}},
		Lexicons: []engine.Lexicon{{Name: "swears", Terms: []string{"bloody hell"}}},
		Rules: []engine.Rule{{
			ID: "swearing", Category: "offensive-language", Severity: "warning", Message: "No swearing.",
			Citations: []engine.Citation{{Document: "Policy", Section: "1", Quote: "Use appropriate language."}},
			Match:     &engine.Matcher{Lexicon: "swears"},
			Examples: engine.Examples{
				Flag: []engine.Example{{Text: "[[bloody hell]]"}},
				Pass: []engine.Example{{Text: "hello"}},
			},
		}},
	}
}

func problems(t *testing.T, b *engine.Bundle) map[string]string {
	t.Helper()
	_, err := engine.Compile(b)
	var ps engine.Problems
	require.True(t, errors.As(err, &ps), "want Problems, got %v", err)
	out := map[string]string{}
	for _, p := range ps {
		out[p.Path] = p.Message
	}
	return out
}

func TestMinimalBundleCompiles(t *testing.T) {
	_, err := engine.Compile(minimal())
	require.NoError(t, err)
}

func TestCompileReportsEveryProblemAtItsPointer(t *testing.T) {
	b := minimal()
	bad := b.Rules[0]
	bad.ID = "swearing" // the same id again
	bad.Category = "rudeness"
	bad.Severity = "severe"
	bad.Citations = nil
	bad.Examples.Pass = nil
	bad.Match = &engine.Matcher{Any: []engine.Matcher{{Pattern: "(unclosed"}, {Lexicon: "nope"}, {Detector: &engine.Detector{Kind: "dna"}}}}
	bad.When = engine.Conditions{InCalendar: "lunch", Accounts: []string{"robot"}}
	b.Rules = append(b.Rules, bad)
	b.Settings.Calendars[0].Weekly[0].End = "09:00"

	ps := problems(t, b)
	assert.Contains(t, ps["/rules/1/id"], `"swearing" is used again`)
	assert.Contains(t, ps["/rules/1/category"], `unknown category "rudeness"`)
	assert.Contains(t, ps["/rules/1/severity"], `"severe"`)
	assert.Contains(t, ps["/rules/1/citations"], "at least one citation")
	assert.Contains(t, ps["/rules/1/examples/pass"], "must pass")
	assert.Contains(t, ps["/rules/1/match/any/0/pattern"], "does not compile")
	assert.Contains(t, ps["/rules/1/match/any/1/lexicon"], `unknown lexicon "nope"`)
	assert.Contains(t, ps["/rules/1/match/any/2/detector/kind"], `unknown detector "dna"`)
	assert.Contains(t, ps["/rules/1/when/in_calendar"], `unknown calendar "lunch"`)
	assert.Contains(t, ps["/rules/1/when/accounts/0"], `"robot"`)
	assert.Contains(t, ps["/settings/calendars/0/weekly/0/end"], "before it starts")
}

func TestCompileChecksExamplesAndMatchers(t *testing.T) {
	b := minimal()
	b.Rules[0].Examples.Flag[0].Text = "[[bloody hell"
	b.Rules[0].Match = &engine.Matcher{Lexicon: "swears", Pattern: "x"}
	b.Lexicons = append(b.Lexicons, engine.Lexicon{Name: "swears", Terms: []string{"x"}})
	b.Rules[0].Unless = &engine.Matcher{Pattern: "a*"}
	ps := problems(t, b)
	assert.Contains(t, ps["/rules/0/examples/flag/0/text"], "without ]]")
	assert.Contains(t, ps["/rules/0/match"], "exactly one")
	assert.Contains(t, ps["/lexicons/1/name"], "defined again")
	assert.Contains(t, ps["/rules/0/unless/pattern"], "empty string")
}

func TestCompileRejectsTermsWithNoWords(t *testing.T) {
	b := minimal()
	b.Lexicons[0].Terms = []string{"fine", "!!!"}
	ps := problems(t, b)
	assert.Contains(t, ps["/lexicons/0/terms/1"], "no words")
}

func TestParseExample(t *testing.T) {
	text, spans, err := engine.ParseExample("😂 [[f*ck]] and [[sh*t]]")
	require.NoError(t, err)
	assert.Equal(t, "😂 f*ck and sh*t", text)
	assert.Equal(t, []engine.Span{{Start: 3, End: 7}, {Start: 12, End: 16}}, spans)
	for _, bad := range []string{"a ]] b", "[[a [[b]]", "[[]] x", "  "} {
		_, _, err := engine.ParseExample(bad)
		assert.Error(t, err, bad)
	}
}

func TestRuleLinkMustBeHTTPSAndReachesTheFinding(t *testing.T) {
	for _, bad := range []string{"javascript:alert(1)", "http://intranet/policy", "https://", "https://intranet/a b"} {
		b := minimal()
		b.Rules[0].Link = bad
		assert.Contains(t, problems(t, b)["/rules/0/link"], "https://", bad)
	}

	b := minimal()
	b.Rules[0].Link = "https://intranet.example.gov/social-media-policy#swearing"
	p, err := engine.Compile(b)
	require.NoError(t, err)
	fs, err := p.Evaluate("well bloody hell", engine.Context{Platform: "twitter", Account: "personal", Time: "2026-11-23T11:00:00Z"})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, b.Rules[0].Link, fs[0].Link)
}

func TestCompileBoundsWithin(t *testing.T) {
	for _, within := range []int{0, engine.MaxWithin + 1, 1 << 40} {
		b := minimal()
		b.Rules[0].Match = &engine.Matcher{Near: &engine.Near{A: engine.Matcher{Lexicon: "swears"}, B: engine.Matcher{Terms: []string{"you"}}, Within: within}}
		b.Rules[0].Unless = &engine.Matcher{Detector: &engine.Detector{Kind: "phone", Context: []engine.ContextWords{{Terms: []string{"call"}, Within: within, Score: 0.1}}}}
		ps := problems(t, b)
		assert.Contains(t, ps["/rules/0/match/near/within"], fmt.Sprintf("within %d: want 1 to %d words", within, engine.MaxWithin))
		assert.Contains(t, ps["/rules/0/unless/detector/context/0/within"], fmt.Sprintf("within %d: want 1 to %d words", within, engine.MaxWithin))
	}
	b := minimal()
	b.Rules[0].Match = &engine.Matcher{Near: &engine.Near{A: engine.Matcher{Lexicon: "swears"}, B: engine.Matcher{Terms: []string{"you"}}, Within: engine.MaxWithin}}
	_, err := engine.Compile(b)
	require.NoError(t, err)
}

func TestCompileBoundsNesting(t *testing.T) {
	// nested returns a matcher depth levels deep, each kind of combinator
	// in turn, and the pointer of its innermost matcher.
	nested := func(depth int) (*engine.Matcher, string) {
		m := engine.Matcher{Lexicon: "swears"}
		var path []string
		for d := 1; d < depth; d++ {
			inner := m
			switch d % 4 {
			case 0:
				m = engine.Matcher{Near: &engine.Near{A: inner, B: engine.Matcher{Terms: []string{"you"}}, Within: 3}}
				path = append(path, "near/a")
			case 1:
				m = engine.Matcher{All: []engine.Matcher{{Terms: []string{"oh"}}, inner}}
				path = append(path, "all/1")
			case 2:
				m = engine.Matcher{Any: []engine.Matcher{inner}}
				path = append(path, "any/0")
			case 3:
				m = engine.Matcher{Not: &inner}
				path = append(path, "not")
			}
		}
		slices.Reverse(path)
		return &m, strings.Join(path, "/")
	}

	b := minimal()
	m, _ := nested(engine.MaxDepth)
	b.Rules[0].Match = m
	_, err := engine.Compile(b)
	require.NoError(t, err, "the deepest nesting allowed compiles")

	for _, field := range []string{"match", "unless"} {
		b := minimal()
		m, path := nested(engine.MaxDepth + 1)
		if field == "match" {
			b.Rules[0].Match = m
		} else {
			b.Rules[0].Unless = m
		}
		ps := problems(t, b)
		want := fmt.Sprintf("/rules/0/%s/%s", field, path)
		assert.Contains(t, ps[want], fmt.Sprintf("matcher at depth %d: matchers nest at most %d deep", engine.MaxDepth+1, engine.MaxDepth), "%v", ps)
	}

	// Twelve nested near, the bundle that once took 24 GB, is refused.
	b = minimal()
	deep := engine.Matcher{Lexicon: "swears"}
	for range 12 {
		deep = engine.Matcher{Near: &engine.Near{A: deep, B: engine.Matcher{Lexicon: "swears"}, Within: 5}}
	}
	b.Rules[0].Match = &deep
	ps := problems(t, b)
	assert.Contains(t, ps["/rules/0/match"+strings.Repeat("/near/a", engine.MaxDepth)], "matcher at depth 9")
	assert.Contains(t, ps["/rules/0/match"+strings.Repeat("/near/a", engine.MaxDepth-1)+"/near/b"], "matcher at depth 9")
	assert.Len(t, ps, 2, "nothing below the first level too deep is looked at")
}
