package prefilter

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequiredLiterals(t *testing.T) {
	f := For(`(?i)\b(?:password|pass|pwd)\s*:`)
	for _, s := range []string{"PASSWORD:", "pass :", "pwd:"} {
		assert.True(t, f.Pass(text(s)), s)
	}
	assert.False(t, f.Pass(text("login: bob")))
	assert.Contains(t, For(`\b\d{1,2}\s?% off\b`).Literals(), "% off")
	// Neighbouring exact pieces are multiplied out; (?i) also folds s to
	// the long s, which the regexp would match too.
	assert.Subset(t, For(`(?i)\bvot(?:e|es|ed|ing)\s+for`).Literals(), []string{"vote", "votes", "voted", "voting", "vote\u017f"})
	assert.ElementsMatch(t, []string{"🙄", "😒"}, For(`🙄|😒`).Literals())
	assert.ElementsMatch(t, []string{"worked"}, For(`\bworked\s+(?:\w+\s+){0,2}for\s+\d+\s+years\b`).Literals(),
		"the most selective piece of a sequence")
	assert.Len(t, For(`\d{4}`).Literals(), 10, "a digit class is ten one-letter literals")
	assert.Nil(t, For(`a*`), "nothing is required")
	assert.Nil(t, For(`(foo|.+)`), "one alternative requires nothing")
	assert.Nil(t, For(`(unclosed`))
}

func TestPass(t *testing.T) {
	f := For(`(?i)password`)
	assert.True(t, f.Pass(text("My PassWord is")))
	assert.False(t, f.Pass(text("My pass is")))
	var none *Filter
	assert.True(t, none.Pass(text("")))
	assert.Equal(t, "émile", string(Lower(nil, "ÉMILE")))
}

func text(s string) *Text {
	var t Text
	t.Reset(s)
	return &t
}

func TestEveryRequirementMustHold(t *testing.T) {
	f := For(`(?i)\b(?:get|buy|grab)\s+\d+\s+\w+\s+for\s+£\d+`)
	assert.Len(t, f.Requirements(), 4, "the verbs, a digit, for and the pound sign")
	assert.True(t, f.Pass(text("Get 2 pints for £8")))
	assert.False(t, f.Pass(text("Get ready for Christmas")), "no pound sign")
}
