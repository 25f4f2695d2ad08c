package prefilter

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequiredLiterals(t *testing.T) {
	f := For(`(?i)\b(?:password|pass|pwd)\s*:`)
	for _, s := range []string{"PASSWORD:", "pass :", "pwd:"} {
		assert.True(t, f.Pass(Lower(nil, s)), s)
	}
	assert.False(t, f.Pass(Lower(nil, "login: bob")))
	assert.ElementsMatch(t, []string{"% off"}, For(`\b\d{1,2}\s?% off\b`).Literals())
	assert.Len(t, For(`\d{4}`).Literals(), 10, "a digit class is ten one-letter literals")
	assert.Nil(t, For(`a*`), "nothing is required")
	assert.Nil(t, For(`(foo|\w+)`), "one alternative requires nothing")
	assert.Nil(t, For(`(unclosed`))
}

func TestPass(t *testing.T) {
	f := For(`(?i)password`)
	assert.True(t, f.Pass(Lower(nil, "My PassWord is")))
	assert.False(t, f.Pass(Lower(nil, "My pass is")))
	var none *Filter
	assert.True(t, none.Pass(nil))
	assert.Equal(t, "émile", string(Lower(nil, "ÉMILE")))
}
