package lexicon

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine/internal/text"
)

func matches(t *testing.T, specs []Spec, draft string) []string {
	t.Helper()
	ix, err := Build(specs)
	require.NoError(t, err)
	var toks text.Tokens
	toks.Reset(draft)
	var s Scratch
	var out []string
	for _, h := range ix.Match(&toks, &s, nil) {
		out = append(out, string(rune('A'+h.Lex))+":"+draft[h.Start:h.End])
	}
	return out
}

func TestWholeWordsAndPhrases(t *testing.T) {
	specs := []Spec{{Terms: []string{"cunt", "penis"}}, {Terms: []string{"service user", "child in care"}}}
	assert.Empty(t, matches(t, specs, "Scunthorpe and Penistone"), "never inside a word")
	assert.Equal(t, []string{"B:service user", "B:Child in care"}, matches(t, specs, "My service user. Child in care."))
	assert.Equal(t, []string{"B:service  user"}, matches(t, specs, "a service  user"), "any spacing between words")
}

func TestInflections(t *testing.T) {
	specs := []Spec{{Terms: []string{"wanker", "shit", "slag", "bully"}, Inflect: true}, {Terms: []string{"shit"}}}
	assert.Equal(t, []string{"A:wankers", "A:shitting", "A:slagged", "A:bullied"}, matches(t, specs, "wankers shitting slagged bullied"))
}

func TestObfuscatedFormsOnlyForObfuscatedLexicons(t *testing.T) {
	specs := []Spec{{Terms: []string{"fuck", "shit", "ass", "pricks"}, Obfuscated: true}, {Terms: []string{"fuck", "shit"}}}
	got := matches(t, specs, "f*ck sh1t a$$ fuuuuck f u c k p****s s**t")
	assert.Equal(t, []string{"A:f*ck", "A:sh1t", "A:a$$", "A:fuuuuck", "A:p****s", "A:s**t", "A:f u c k"}, got)
	assert.Empty(t, matches(t, specs[1:], "f*ck sh1t"), "a plain lexicon takes words as written")
}

func TestPossessiveMatchesWithoutIts(t *testing.T) {
	specs := []Spec{{Terms: []string{"green party"}}, {Terms: []string{"f*ck"}}}
	assert.Equal(t, []string{"A:Green Party"}, matches(t, specs, "The Green Party's plan"))
}

func TestTermErrors(t *testing.T) {
	_, err := Build([]Spec{{Terms: []string{"ok", "!!"}}})
	var te *TermError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 1, te.Term)
	_, err = Build([]Spec{{Terms: []string{"a b c d e f g h i"}}})
	require.ErrorAs(t, err, &te)
}

func TestInflectionsOfShortOrOddWords(t *testing.T) {
	assert.Nil(t, Inflections([]byte("ok")))
	assert.Nil(t, Inflections([]byte("a&e")))
	assert.Contains(t, toStrings(Inflections([]byte("abuse"))), "abusing")
	assert.Contains(t, toStrings(Inflections([]byte("bitch"))), "bitches")
}

func toStrings(bs [][]byte) []string {
	var out []string
	for _, b := range bs {
		out = append(out, string(b))
	}
	return out
}
