package bundlediff_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/bundlediff"
)

func bundle(severity string, terms ...string) *engine.Bundle {
	return &engine.Bundle{
		Format: engine.FormatVersion, Name: "t", Version: 1,
		Settings: engine.Settings{TimeZone: "UTC"},
		Lexicons: []engine.Lexicon{{Name: "swears", Terms: terms}},
		Rules: []engine.Rule{{
			ID: "swearing", Category: "offensive-language", Severity: severity, Message: "No swearing.",
			Citations: []engine.Citation{{Document: "Policy", Section: "1", Quote: "Use appropriate language."}},
			Match:     &engine.Matcher{Lexicon: "swears"},
			Examples: engine.Examples{
				Flag: []engine.Example{{Text: "[[" + terms[0] + "]]"}},
				Pass: []engine.Example{{Text: "hello"}},
			},
		}},
	}
}

func TestDefinitionsNameEachChange(t *testing.T) {
	old := bundle("warning", "damn", "a", "b", "c", "d", "e", "f")
	new := bundle("critical", "damn", "blimey")
	new.Settings.ApprovedDomains = []string{"gov.je"}
	new.Rules[0].Link = "https://example.gov/policy"

	got := bundlediff.Definitions(old, new)
	require.Len(t, got, 3)
	assert.Equal(t, bundlediff.Change{What: "rule", Name: "swearing", Kind: bundlediff.Changed, Details: []string{"severity: warning -> critical", "link"}}, got[0])
	assert.Equal(t, "lexicon", got[1].What)
	assert.Equal(t, []string{"+1: blimey", "-6: a, b, c, d, e, ..."}, got[1].Details, "at most five terms each way")
	assert.Equal(t, bundlediff.Change{What: "settings", Kind: bundlediff.Changed, Details: []string{"approved_domains"}}, got[2])

	assert.Empty(t, bundlediff.Definitions(old, old))
}

func TestPostsComparesWorstSeverityPerCategory(t *testing.T) {
	oldProg, err := engine.Compile(bundle("warning", "damn"))
	require.NoError(t, err)
	newProg, err := engine.Compile(bundle("critical", "blimey"))
	require.NoError(t, err)
	corpus := strings.Join([]string{
		`{"id":"gone","text":"damn","platform":"twitter","account":"personal","time":"2026-11-23T20:00:00Z"}`,
		`{"id":"new","text":"blimey","platform":"twitter","account":"personal","time":"2026-11-23T20:00:00Z"}`,
		`{"id":"same","text":"hello","platform":"twitter","account":"personal","time":"2026-11-23T20:00:00Z"}`,
		``,
		`{"id":"bad","text":"damn","platform":"mastodon"}`,
	}, "\n")
	changes, compared, problems := bundlediff.Posts("c.jsonl", strings.NewReader(corpus), oldProg, newProg)
	assert.Equal(t, 3, compared)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], `c.jsonl:5: post "bad"`)
	require.Len(t, changes, 2)
	assert.Equal(t, bundlediff.NoLongerFlagged, changes[0].Kind)
	assert.Equal(t, "warning", changes[0].Old)
	assert.Equal(t, bundlediff.NewlyFlagged, changes[1].Kind)
	assert.Equal(t, []string{"swearing"}, changes[1].Rules)

	var out bytes.Buffer
	bundlediff.Write(&out, nil, changes, compared)
	assert.Contains(t, out.String(), "Posts whose verdict changes (2 changes in 3 posts checked)")
	assert.Contains(t, out.String(), `no longer flagged c.jsonl:1 gone (was warning; swearing) "damn"`)
}
